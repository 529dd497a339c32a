/*
 * What the BIRD and FRR rows share about routing policy (bgp/policy.h
 * has the rules): which parts of a router's policy need a filter at all,
 * so that a lab without policy renders as it always did; the refusals
 * both make; and the communities of a route as `routes` shows them, the
 * router's own tag left out.
 *
 * The tag: BIRD and FRR keep no note of which neighbour a route came
 * from that their export filters can read, yet valley-free export and
 * the action communities depend on it.  So the import filter of every
 * session attaches the large community (own AS, DAEMON_TAG_FN, role of
 * the neighbour) and the export filters read it and remove it: it never
 * leaves the router.
 */
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"

#include <stdio.h>
#include <string.h>

static bool daemon_pol_may_act(enum bgp_role r)
{
	/* As bgp/policy.c: action communities serve customers, and
	 * neighbours without a relationship. */
	return r == BGP_ROLE_CUSTOMER || r == BGP_ROLE_NONE;
}

/* Whether the router has an action of kind k. */
static bool has_action(const struct topo_intent *in, enum bgp_action_kind k)
{
	size_t i;

	for (i = 0; i < in->policy.nactions; i++)
		if (in->policy.actions[i].kind == k)
			return true;
	return false;
}

bool daemon_pol_tagged(const struct topo_intent *in)
{
	/* Relationships need the role on export (valley-free), and so do
	 * the export actions (honoured for customers only). */
	return in->has_rel || has_action(in, BGP_ACTION_NO_ANNOUNCE) ||
	       has_action(in, BGP_ACTION_PREPEND);
}

bool daemon_pol_lp_actions(const struct topo_intent *in,
			   const struct topo_intent_session *s)
{
	return daemon_pol_may_act(s->role) &&
	       has_action(in, BGP_ACTION_LOCAL_PREF);
}

bool daemon_pol_toward(const struct bgp_action *a,
		       const struct topo_intent_session *x)
{
	return (a->kind == BGP_ACTION_NO_ANNOUNCE ||
		a->kind == BGP_ACTION_PREPEND) &&
	       (a->to_as == 0 || a->to_as == x->peer_as);
}

bool daemon_pol_export_actions(const struct topo_intent *in,
			       const struct topo_intent_session *x)
{
	size_t i;

	for (i = 0; i < in->policy.nactions; i++)
		if (daemon_pol_toward(&in->policy.actions[i], x))
			return true;
	return false;
}

bool daemon_pol_import(const struct topo_intent *in,
		       const struct topo_intent_session *s)
{
	return daemon_pol_tagged(in) || s->local_pref != DAEMON_DEFAULT_LP ||
	       daemon_pol_lp_actions(in, s);
}

bool daemon_pol_announce(const struct topo_intent *in,
			 const struct topo_intent_session *s)
{
	return in->pop && (!s->announce || s->prepend || s->med_given ||
			   s->ncomms);
}

bool daemon_pol_export(const struct topo_intent *in,
		       const struct topo_intent_session *s)
{
	return daemon_pol_tagged(in) || daemon_pol_announce(in, s);
}

bool daemon_pol_any(const struct topo_intent *in)
{
	size_t k;

	if (in->always_compare_med || in->multipath)
		return true;
	for (k = 0; k < in->nsess; k++)
		if (daemon_pol_import(in, &in->sess[k]) ||
		    daemon_pol_export(in, &in->sess[k]) || in->sess[k].mrai_ms)
			return true;
	return false;
}

const char *daemon_ms_str(uint32_t ms, char *buf, size_t n)
{
	if (ms % 1000)
		snprintf(buf, n, "%ums", ms);
	else
		snprintf(buf, n, "%us", ms / 1000);
	return buf;
}

const struct topo_intent_session *daemon_pol_mrai(const struct topo_intent *in,
						  bool (*bad)(uint32_t ms),
						  bool *same)
{
	const struct topo_intent_session *first = NULL;
	size_t k;

	*same = true;
	for (k = 0; k < in->nsess; k++) {
		if (in->sess[k].mrai_ms != in->sess[0].mrai_ms)
			*same = false;
		if (!first && bad(in->sess[k].mrai_ms))
			first = &in->sess[k];
	}
	return first;
}

/* Whether t attaches a community in the tag space of AS asn
 * (asn:DAEMON_TAG_FN:*): c gets it, where the place ("node syd",
 * "link [syd, telstra]"). */
static bool tag_collision(const struct topo *t, uint32_t asn,
			  struct bgp_comm *c, char *where, size_t n)
{
	size_t i, k;

	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *nd = &t->nodes[i];

		for (k = 0; k < nd->ncomms + nd->nactions; k++) {
			*c = k < nd->ncomms ? nd->comms[k] :
			     nd->actions[k - nd->ncomms].comm;
			if (c->large && c->a == asn && c->b == DAEMON_TAG_FN) {
				snprintf(where, n, "node %s", nd->name);
				return true;
			}
		}
	}
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];

		for (k = 0; k < l->ncomms; k++) {
			*c = l->comms[k];
			if (c->large && c->a == asn && c->b == DAEMON_TAG_FN) {
				snprintf(where, n, "link [%s, %s]",
					 t->nodes[l->a].name, t->nodes[l->b].name);
				return true;
			}
		}
	}
	return false;
}

const char *daemon_pol_cannot(const struct topo *t,
			      const struct topo_intent *in, const char *kind,
			      const char *title, char *buf, size_t cap)
{
	char where[2 * TOPO_NAME_MAX + 16];
	struct bgp_comm c;

	if (in->unknown_attrs_discard) {
		snprintf(buf, cap, "%s cannot discard unknown attributes (node %s, "
			 "unknown-attributes: discard): %s passes unknown optional "
			 "transitive attributes on and has no setting to drop them; "
			 "use daemon: builtin or unknown-attributes: pass",
			 kind, in->name, title);
		return buf;
	}
	/* Only a router that tags routes removes that space on import and
	 * export (it can hold nothing but tags there). */
	if (daemon_pol_tagged(in) &&
	    tag_collision(t, in->asn, &c, where, sizeof(where))) {
		snprintf(buf, cap, "%s cannot pass on the large community %u:%u:%u "
			 "of %s (node %s): anycastlab reserves %u:%u:* on a BIRD or "
			 "FRR router of AS%u for its own tag; give it another middle number",
			 kind, c.a, c.b, c.c, where, in->name, c.a, c.b, c.a);
		return buf;
	}
	return NULL;
}

void daemon_comm_add(char *dst, size_t n, const char *tok, uint32_t asn)
{
	uint8_t mem[64];
	struct bgp_comm c;
	struct buf b;
	size_t len = strlen(dst);

	buf_init(&b, mem, sizeof(mem));
	/* FRR's name for RFC 1997's NO_EXPORT_SUBCONFED. */
	if (!strcmp(tok, "local-AS"))
		tok = "no-export-subconfed";
	if (bgp_comm_parse(tok, &c) == 0) {
		if (c.large && c.a == asn && c.b == DAEMON_TAG_FN)
			return;
		bgp_comm_format(&b, &c);
		tok = buf_cstr(&b);
	}
	/* Names the daemon knows and we do not (graceful-shutdown) stay;
	 * a community that does not fit whole is left out. */
	if (len + (len ? 1 : 0) + strlen(tok) < n)
		snprintf(dst + len, n - len, "%s%s", len ? " " : "", tok);
}
