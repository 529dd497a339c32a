/*
 * Which POP answered a probe of the anycast address: the one its web
 * server names (X-Served-By), or for an echo the POP whose link the
 * recorded route entered it by.  Observed, never predicted.
 */
#ifndef ANYCASTLAB_ORCH_ANSWER_H
#define ANYCASTLAB_ORCH_ANSWER_H

#include <stdint.h>

#include "net/probe.h"
#include "topo/topo.h"

/* The POP whose end of a link has address addr, or -1 (ctx: the topo),
 * for probe_answering_pop. */
long answer_pop_of_link_addr(void *ctx, uint32_t addr);
/* The POP that answered ev, or -1. */
long answer_pop(const struct topo *t, const struct probe_event *ev);

#endif
