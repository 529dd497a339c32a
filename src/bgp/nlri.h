/*
 * IPv4 NLRI encodings (RFC 4271 §4.3): a length in bits, then as many
 * octets as it needs.  Checked once where a message is decoded, then
 * walked.
 */
#ifndef ANYCASTLAB_BGP_NLRI_H
#define ANYCASTLAB_BGP_NLRI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ip.h"

/*
 * Syntax check of an IPv4 NLRI encoding (RFC 4271 §4.3, RFC 7606 §5.3):
 * 0, -EINVAL when a prefix length exceeds 32, or -EMSGSIZE when the last
 * prefix runs past len.
 */
int bgp_nlri_check(const uint8_t *p, size_t len);

/* Iterate validated NLRI bytes: true and *out filled while any are left. */
bool bgp_nlri_next(const uint8_t **p, const uint8_t *end, struct prefix4 *out);

#endif
