/*
 * The BGP decision process, RFC 4271 §9.1.  Our steps, in order, with the
 * RFC's place for each:
 *
 *   (0) a locally originated path over a learned one (ours)
 *   (a) highest degree of preference: LOCAL_PREF (§9.1.1, §5.1.5)
 *   (b) shortest AS_PATH, an AS_SET counting 1 (§9.1.2.2 a)
 *   (c) lowest ORIGIN: IGP < EGP < INCOMPLETE (§9.1.2.2 b)
 *   (d) lowest MULTI_EXIT_DISC among paths from the same neighbour AS
 *       (§9.1.2.2 c), or among all paths with always-compare-med
 *   (e) a path learned over eBGP (or originated here) over one learned
 *       over iBGP (§9.1.2.2 d)
 *   (f) lowest BGP Identifier of the advertising speaker (§9.1.2.2 f)
 *   (g) lowest peer address (§9.1.2.2 g)
 *
 * Deviations and choices:
 *
 *   - There is no IGP cost step (§9.1.2.2 e): every session is eBGP to a
 *     directly connected neighbour, so every NEXT_HOP costs the same.
 *   - LOCAL_PREF received over eBGP is ignored (§5.1.5: outside a
 *     confederation the receiver must ignore it); such paths, and paths
 *     that carry none, get BGP_DEFAULT_LOCAL_PREF.  The caller fills
 *     bgp_cand that way (rib_path_cand()).
 *   - A missing MED counts as 0, the best value (§9.1.2.2 c).
 *   - Step (0) is ours.  RFC 4271 would rank a path we originate by our own
 *     BGP Identifier at (f), so whether a speaker kept its own route or a
 *     neighbour's equally ranked copy would depend on how router ids happen
 *     to be numbered, and a LOCAL_PREF policy (200 for customer routes)
 *     could make a POP hand its own prefix to a customer.  The originator
 *     is the authority for its prefix (a POP must answer for the anycast
 *     prefix itself), and real routers rank their own routes first for the
 *     same reason: BIRD by protocol preference, FRR by weight.
 *   - The comparison is pairwise and the RIB folds it over the paths.  With
 *     MED compared only within one neighbour AS the relation is not
 *     transitive, so unlike §9.1.2.2's per-step elimination the result can
 *     depend on the order of the paths when MEDs differ across ASes; the RIB
 *     folds in peer order, so the outcome is at least deterministic.
 */
#include "bgp/decide.h"
#include "bgp/bgp.h"
#include "bgp/policy.h"
#include "util/ip.h"

/* The sign of "a is better" for values where lower wins. */
static int lower(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

int bgp_decide_cmp(const struct bgp_cand *a, const struct bgp_cand *b,
		   enum bgp_decide_step *step)
{
	enum bgp_decide_step s;
	int r;

	/* (0) locally originated over learned */
	s = BGP_DECIDE_LOCAL;
	if ((r = lower(b->local, a->local)))
		goto out;
	/* (a) highest LOCAL_PREF */
	s = BGP_DECIDE_LOCAL_PREF;
	if ((r = lower(b->local_pref, a->local_pref)))
		goto out;
	/* (b) shortest AS_PATH */
	s = BGP_DECIDE_ASPATH;
	if ((r = lower(a->aspath_len, b->aspath_len)))
		goto out;
	/* (c) lowest ORIGIN */
	s = BGP_DECIDE_ORIGIN;
	if ((r = lower(a->origin, b->origin)))
		goto out;
	/* (d) lowest MED, only between paths from the same neighbour AS */
	s = BGP_DECIDE_MED;
	if ((a->neighbor_as == b->neighbor_as || a->med_any_as) &&
	    (r = lower(a->med, b->med)))
		goto out;
	/* (e) eBGP (or local) over iBGP */
	s = BGP_DECIDE_EBGP;
	if ((r = lower(a->ibgp, b->ibgp)))
		goto out;
	/* (f) lowest BGP Identifier */
	s = BGP_DECIDE_BGP_ID;
	if ((r = lower(a->bgp_id, b->bgp_id)))
		goto out;
	/* (g) lowest peer address */
	s = BGP_DECIDE_ADDR;
	if ((r = lower(a->addr, b->addr)))
		goto out;
	s = BGP_DECIDE_EQUAL;
out:
	if (step)
		*step = s;
	return r;
}

const char *bgp_decide_step_str(enum bgp_decide_step step)
{
	switch (step) {
	case BGP_DECIDE_NONE:		return "no eligible path";
	case BGP_DECIDE_ONLY:		return "only path";
	case BGP_DECIDE_LOCAL_PREF:	return "highest local preference";
	case BGP_DECIDE_ASPATH:		return "shortest AS path";
	case BGP_DECIDE_ORIGIN:		return "lowest origin";
	case BGP_DECIDE_MED:		return "lowest MED";
	case BGP_DECIDE_EBGP:		return "eBGP over iBGP";
	case BGP_DECIDE_LOCAL:		return "locally originated";
	case BGP_DECIDE_BGP_ID:		return "lowest BGP identifier";
	case BGP_DECIDE_ADDR:		return "lowest peer address";
	case BGP_DECIDE_EQUAL:		return "equal paths";
	}
	return "unknown step";
}

static const char *origin_str(uint8_t o)
{
	switch (o) {
	case BGP_ORIGIN_IGP:		return "IGP";
	case BGP_ORIGIN_EGP:		return "EGP";
	case BGP_ORIGIN_INCOMPLETE:	return "incomplete";
	}
	return "?";
}

void bgp_decide_format(struct buf *b, enum bgp_decide_step step,
		       const struct bgp_cand *best,
		       const struct bgp_cand *other)
{
	char x[IP4_STRLEN], y[IP4_STRLEN];

	buf_puts(b, bgp_decide_step_str(step));
	if (!best || !other)
		return;
	switch (step) {
	case BGP_DECIDE_LOCAL_PREF:
		if (best->role || other->role)
			buf_printf(b, " (%u from %s > %u from %s)",
				   best->local_pref, bgp_role_phrase(best->role),
				   other->local_pref, bgp_role_phrase(other->role));
		else
			buf_printf(b, " (%u > %u)", best->local_pref,
				   other->local_pref);
		break;
	case BGP_DECIDE_ASPATH:
		buf_printf(b, " (%u < %u)", best->aspath_len,
			   other->aspath_len);
		break;
	case BGP_DECIDE_ORIGIN:
		buf_printf(b, " (%s < %s)", origin_str(best->origin),
			   origin_str(other->origin));
		break;
	case BGP_DECIDE_MED:
		buf_printf(b, " (%u < %u, AS%u)", best->med, other->med,
			   best->neighbor_as);
		break;
	case BGP_DECIDE_BGP_ID:
		buf_printf(b, " (%s < %s)", ip4_str(best->bgp_id, x),
			   ip4_str(other->bgp_id, y));
		break;
	case BGP_DECIDE_ADDR:
		buf_printf(b, " (%s < %s)", ip4_str(best->addr, x),
			   ip4_str(other->addr, y));
		break;
	case BGP_DECIDE_NONE:
	case BGP_DECIDE_ONLY:
	case BGP_DECIDE_EBGP:
	case BGP_DECIDE_LOCAL:
	case BGP_DECIDE_EQUAL:
		break;
	}
}
