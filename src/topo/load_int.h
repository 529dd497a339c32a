/*
 * What the parts of the YAML loader share (load.c, load_policy.c): the
 * walk's state, the key matcher and the value helpers.  Not for use
 * outside topo/.
 */
#ifndef ANYCASTLAB_TOPO_LOAD_INT_H
#define ANYCASTLAB_TOPO_LOAD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "topo/topo.h"

#define ASN_MAX		4294967295ull
#define HOLD_TIME_MAX	65535ull
#define RETRY_MAX	65535ull
#define DELAY_MAX_US	60000000ull		/* 60s */
#define LOSS_MAX_PPM	1000000ull		/* 100% */
#define RATE_MAX_BPS	1000000000000ull	/* 1000gbit */
/* A lab file nests 4 deep (links, an item, its endpoints); far more is
 * not a lab file, and libyaml's scanner slows down with every level. */
#define DEPTH_MAX	64
/* Quoted user text in a message is cut here, so messages stay readable. */
#define QUOTE_MAX	32

struct loader {
	yaml_document_t *doc;
	struct topo *t;
	struct topo_diags *d;
	int err;			/* -ENOMEM, latched */
	/* Node names as written, by node index: the model cuts bad ones to
	 * fit, but links must still find them, or every link to a node with
	 * a bad name would be a second, misleading error. */
	const char **names;
	size_t *byname;			/* node indices sorted by written name */
	char q[4][QUOTE_MAX + 8];	/* quoted text for the message at hand */
	unsigned qi;
};

/* A key a mapping may hold, and where the file gave it. */
struct field {
	const char *name;
	yaml_node_t *key, *val;
	/* An unknown key was taken for this one ("did you mean"), so saying
	 * it is missing as well would only repeat the problem. */
	bool hinted;
};

struct unit {
	const char *name;
	uint64_t mult;
};

struct topo_pos ld_pos_of(const yaml_node_t *n);
/* Record an error at pos (ENOMEM latches in L->err). */
void ld_report(struct loader *L, struct topo_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
yaml_node_t *ld_node_at(struct loader *L, int i);
const char *ld_sval(const yaml_node_t *n);
size_t ld_slen(const yaml_node_t *n);
bool ld_is_scalar(const yaml_node_t *n);
bool ld_is_null(const yaml_node_t *n);
bool ld_scalar_is(const yaml_node_t *n, const char *lit);
/* "a list", "a mapping", ...: what a node is, for messages. */
const char *ld_what(const yaml_node_t *n);
const char *ld_qn(struct loader *L, const yaml_node_t *n);
/* "unknown <thing> '<word>' (did you mean ...?)"; returns the suggestion. */
const char *ld_report_unknown(struct loader *L, struct topo_pos pos,
			      const char *ctx, const char *thing,
			      const yaml_node_t *word,
			      const char *const *cands, size_t n);
/* Match a mapping's keys against f[0..n) (at most LD_FIELDS_MAX). */
#define LD_FIELDS_MAX	32
void ld_fields_get(struct loader *L, yaml_node_t *map, const char *ctx,
		   struct field *f, size_t n);
/* The field's single value, or NULL after saying what is wrong. */
yaml_node_t *ld_field_scalar(struct loader *L, const struct field *f,
			     const char *ctx, const char *hint);
/* Digits only; -EINVAL, or -ERANGE above max (and for negatives). */
int ld_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out);
/* A number with a unit ("2ms"); see load.c. */
int ld_parse_quantity(const char *s, size_t len, const struct unit *u,
		      uint64_t max, uint64_t *out);
extern const struct unit ld_delay_units[];

/*
 * load_policy.c.  Each takes the fields named by its macro, in order:
 * defaults: and router nodes (local-pref, mrai, always-compare-med,
 * multipath), POPs (prepend, communities), ISPs (actions), links (rel,
 * local-pref, mrai, prepend, communities, med, announce).
 */
#define LD_POLICY_FIELDS \
	{ .name = "local-pref" }, { .name = "mrai" }, \
	{ .name = "always-compare-med" }, { .name = "multipath" }
#define LD_POLICY_NFIELDS	4
#define LD_ORIGIN_FIELDS	{ .name = "prepend" }, { .name = "communities" }
#define LD_ORIGIN_NFIELDS	2
#define LD_LINK_POLICY_FIELDS \
	{ .name = "rel" }, { .name = "local-pref" }, { .name = "mrai" }, \
	{ .name = "prepend" }, { .name = "communities" }, { .name = "med" }, \
	{ .name = "announce" }
#define LD_LINK_POLICY_NFIELDS	7
void ld_policy_common(struct loader *L, const struct field *f, const char *ctx,
		      struct topo_policy *p);
void ld_policy_origin(struct loader *L, const struct field *f, const char *ctx,
		      struct topo_node *nd);
void ld_policy_actions(struct loader *L, const struct field *f, const char *ctx,
		       struct topo_node *nd);
void ld_dns(struct loader *L, const struct field *sec);
void ld_policy_link(struct loader *L, const struct field *f, const char *ctx,
		    struct topo_link *l);

#endif
