/*
 * The topology model's small pieces: freeing, lookups, names of kinds and
 * daemons, and the diagnostics list every stage of loading writes to.
 */
#include "topo/topo.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void topo_free(struct topo *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nnodes; i++) {
		free(t->nodes[i].city);
		free(t->nodes[i].actions);
	}
	for (i = 0; i < t->dns.nrecords; i++) {
		free(t->dns.records[i].name);
		free(t->dns.records[i].type);
		free(t->dns.records[i].data);
	}
	free(t->dns.records);
	free(t->dns.zone);
	free(t->nodes);
	free(t->links);
	free(t->file);
	memset(t, 0, sizeof(*t));
}

long topo_node_find(const struct topo *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nnodes; i++)
		if (strcmp(t->nodes[i].name, name) == 0)
			return (long)i;
	return -1;
}

const struct topo_link *topo_link_find(const struct topo *t, size_t i,
				       size_t j)
{
	size_t k;

	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];

		if ((l->a == i && l->b == j) || (l->a == j && l->b == i))
			return l;
	}
	return NULL;
}

uint32_t topo_link_addr(const struct topo_link *l, size_t i)
{
	return i == l->a ? l->addr_a : l->addr_b;
}

size_t topo_link_peer(const struct topo_link *l, size_t i)
{
	return i == l->a ? l->b : l->a;
}

bool topo_name_valid(const char *s)
{
	size_t len, i;

	if (!s)
		return false;
	len = strlen(s);
	if (len == 0 || len > TOPO_NAME_MAX || !(s[0] >= 'a' && s[0] <= 'z') ||
	    s[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

const char *topo_kind_name(enum topo_kind k)
{
	switch (k) {
	case TOPO_KIND_POP:
		return "pop";
	case TOPO_KIND_ISP:
		return "isp";
	case TOPO_KIND_USER:
		return "user";
	}
	return "?";
}

int topo_daemon_parse(const char *s, enum topo_daemon *d)
{
	enum topo_daemon k;

	for (k = TOPO_DAEMON_BUILTIN; k <= TOPO_DAEMON_NONE; k++) {
		if (!strcmp(s, topo_daemon_name(k))) {
			*d = k;
			return 0;
		}
	}
	return -EINVAL;
}

const char *topo_daemon_name(enum topo_daemon d)
{
	switch (d) {
	case TOPO_DAEMON_DEFAULT:
		return "default";
	case TOPO_DAEMON_BUILTIN:
		return "builtin";
	case TOPO_DAEMON_BIRD:
		return "bird";
	case TOPO_DAEMON_FRR:
		return "frr";
	case TOPO_DAEMON_NONE:
		return "none";
	}
	return "?";
}

void topo_diags_free(struct topo_diags *d)
{
	if (!d)
		return;
	free(d->v);
	d->v = NULL;
	d->n = d->cap = d->errors = 0;
}

static int diag_vadd(struct topo_diags *d, struct topo_pos pos,
		     enum topo_severity sev, const char *fmt, va_list ap)
{
	struct topo_diag *x;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct topo_diag *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	x = &d->v[d->n++];
	x->pos = pos;
	x->sev = sev;
	x->hint = NULL;
	vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
	d->errors += sev == TOPO_SEV_ERROR;
	return 0;
}

int topo_diag_add(struct topo_diags *d, struct topo_pos pos,
		  const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = diag_vadd(d, pos, TOPO_SEV_ERROR, fmt, ap);
	va_end(ap);
	return r;
}

int topo_diag_warn(struct topo_diags *d, struct topo_pos pos,
		   const char *fmt, ...)
{
	va_list ap;
	int r;

	if (!d->warnings)
		return 0;
	va_start(ap, fmt);
	r = diag_vadd(d, pos, TOPO_SEV_WARNING, fmt, ap);
	va_end(ap);
	return r;
}

static int pos_cmp(struct topo_pos a, struct topo_pos b)
{
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	if (a.col != b.col)
		return a.col < b.col ? -1 : 1;
	return 0;
}

/*
 * A merge sort rather than qsort: problems found at the same place must
 * stay in the order they were found (qsort is not stable), and a file with
 * thousands of problems must not take quadratic time.
 */
void topo_diags_sort(struct topo_diags *d)
{
	struct topo_diag *tmp, *src, *dst, *swap;
	size_t width, i;

	if (d->n < 2)
		return;
	tmp = malloc(d->n * sizeof(*tmp));
	if (!tmp) {
		/* Insertion sort needs no memory; slow only for huge lists. */
		for (i = 1; i < d->n; i++) {
			struct topo_diag x = d->v[i];
			size_t j = i;

			while (j > 0 && pos_cmp(d->v[j - 1].pos, x.pos) > 0) {
				d->v[j] = d->v[j - 1];
				j--;
			}
			d->v[j] = x;
		}
		return;
	}
	src = d->v;
	dst = tmp;
	for (width = 1; width < d->n; width *= 2) {
		for (i = 0; i < d->n; i += 2 * width) {
			size_t lo = i, mid, hi, l, r, o = i;

			mid = lo + width < d->n ? lo + width : d->n;
			hi = lo + 2 * width < d->n ? lo + 2 * width : d->n;
			for (l = lo, r = mid; l < mid || r < hi;) {
				if (r >= hi || (l < mid &&
				    pos_cmp(src[l].pos, src[r].pos) <= 0))
					dst[o++] = src[l++];
				else
					dst[o++] = src[r++];
			}
		}
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != d->v)
		memcpy(d->v, src, d->n * sizeof(*tmp));
	free(tmp);
}

static void diag_print(const struct topo_diag *x, const char *file, FILE *f)
{
	const char *sev = x->sev == TOPO_SEV_WARNING ? "warning" : "error";

	if (x->pos.line)
		fprintf(f, "%s:%u:%u: %s: %s\n", file, x->pos.line, x->pos.col,
			sev, x->msg);
	else
		fprintf(f, "%s: %s: %s\n", file, sev, x->msg);
}

void topo_diags_print(const struct topo_diags *d, const char *file, FILE *f)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		diag_print(&d->v[i], file, f);
}

static void count_str(char *buf, size_t cap, size_t n, const char *what)
{
	snprintf(buf, cap, "%zu %s%s", n, what, n == 1 ? "" : "s");
}

void topo_diags_report(const struct topo_diags *d, const char *file,
		       size_t max, const char *after, FILE *f)
{
	size_t i, shown = d->n < max ? d->n : max, errs = 0, warns;
	char e[48], w[48];

	for (i = 0; i < shown; i++) {
		const struct topo_diag *x = &d->v[i];

		diag_print(x, file, f);
		if (x->hint && x->pos.line)
			fprintf(f, "%s:%u:%u: note: %s\n", file, x->pos.line,
				x->pos.col, x->hint);
		else if (x->hint)
			fprintf(f, "%s: note: %s\n", file, x->hint);
		errs += x->sev == TOPO_SEV_ERROR;
	}
	/* What is not shown is still counted exactly. */
	errs = d->errors - errs;
	warns = d->n - shown - errs;
	count_str(e, sizeof(e), errs, "more error");
	count_str(w, sizeof(w), warns, "more warning");
	if (errs && warns)
		fprintf(f, "... and %s and %s\n", e, w);
	else if (errs || warns)
		fprintf(f, "... and %s\n", errs ? e : w);
	if (!d->errors)
		return;
	count_str(e, sizeof(e), d->errors, "error");
	count_str(w, sizeof(w), d->n - d->errors, "warning");
	if (d->n > d->errors)
		fprintf(f, "%s: %s, %s%s\n", file, e, w, after ? after : "");
	else
		fprintf(f, "%s: %s%s\n", file, e, after ? after : "");
}

void topo_node_session(const struct topo *t, size_t i, struct topo_session *out)
{
	const struct topo_session *n = &t->nodes[i].session;

	*out = t->session;
	if (n->given & TOPO_SESS_MAX_PREFIX)
		out->max_prefix = n->max_prefix;
	if (n->given & TOPO_SESS_ACTION)
		out->max_prefix_action = n->max_prefix_action;
	if (n->given & TOPO_SESS_RESTART)
		out->max_prefix_restart = n->max_prefix_restart;
	if (n->given & TOPO_SESS_TTL)
		out->ttl_security = n->ttl_security;
	out->given |= n->given;
}

void topo_node_policy(const struct topo *t, size_t i, struct topo_policy *out)
{
	const struct topo_policy *n = &t->nodes[i].policy;
	unsigned r;

	*out = t->policy;
	for (r = 0; r < BGP_ROLES; r++)
		if (n->given & (1u << r))
			out->local_pref[r] = n->local_pref[r];
	if (n->given & TOPO_POL_MRAI)
		out->mrai_ms = n->mrai_ms;
	if (n->given & TOPO_POL_ACM)
		out->always_compare_med = n->always_compare_med;
	if (n->given & TOPO_POL_MULTIPATH)
		out->multipath = n->multipath;
	out->given |= n->given;
}

enum bgp_role topo_link_role(const struct topo_link *l, size_t self)
{
	bool first = l->a == self;

	switch (l->rel) {
	case TOPO_REL_NONE:
		return BGP_ROLE_NONE;
	case TOPO_REL_PEER:
		return BGP_ROLE_PEER;
	case TOPO_REL_PROVIDER:		/* a is b's provider */
		return first ? BGP_ROLE_CUSTOMER : BGP_ROLE_PROVIDER;
	case TOPO_REL_CUSTOMER:		/* a is b's customer */
		return first ? BGP_ROLE_PROVIDER : BGP_ROLE_CUSTOMER;
	}
	return BGP_ROLE_NONE;
}

/* The policy bits of topo_policy.given that change a decision. */
#define POLICY_GIVEN	(TOPO_POL_LP_CUSTOMER | TOPO_POL_LP_PEER | \
			 TOPO_POL_LP_PROVIDER | TOPO_POL_LP_NONE | \
			 TOPO_POL_ACM | TOPO_POL_MULTIPATH)

bool topo_has_policy(const struct topo *t)
{
	size_t i;

	if (t->policy.given & POLICY_GIVEN)
		return true;
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		if ((n->policy.given & POLICY_GIVEN) || n->prepend ||
		    n->ncomms || n->nactions)
			return true;
	}
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];

		if (l->rel != TOPO_REL_NONE || l->local_pref ||
		    l->prepend_given || l->med_given || l->comms_given ||
		    l->no_announce)
			return true;
	}
	return false;
}

const char *topo_link_password(const struct topo *t, const struct topo_link *l)
{
	return l->password[0] ? l->password : t->password;
}

const char *topo_max_prefix_action_name(enum topo_max_prefix_action a)
{
	switch (a) {
	case TOPO_MAXPFX_RESTART: return "restart";
	case TOPO_MAXPFX_WARN: return "warn";
	case TOPO_MAXPFX_STOP: return "stop";
	}
	return "?";
}

bool topo_session_gtsm(const struct topo *t, size_t self, size_t other)
{
	const struct topo_node *o = &t->nodes[other];
	struct topo_session s;

	topo_node_session(t, self, &s);
	if (!s.ttl_security || o->asn == t->nodes[self].asn)
		return false;
	if (o->daemon == TOPO_DAEMON_NONE)
		return (o->session.given & TOPO_SESS_TTL) && o->session.ttl_security;
	return true;
}
