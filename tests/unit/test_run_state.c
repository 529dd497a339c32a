/*
 * Lines of a lab's "daemons" file as state_load_topology reads them back.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "run/state.h"

Test(state_daemons, reads_what_state_save_daemons_writes)
{
	enum topo_daemon d;
	char node[32];

	cr_assert_eq(state_parse_daemon_line("default builtin\n", node,
					     sizeof(node), &d), 0);
	cr_assert_str_eq(node, "default");
	cr_assert_eq(d, TOPO_DAEMON_BUILTIN);
	cr_assert_eq(state_parse_daemon_line("telstra bird\n", node,
					     sizeof(node), &d), 0);
	cr_assert_str_eq(node, "telstra");
	cr_assert_eq(d, TOPO_DAEMON_BIRD);
	cr_assert_eq(state_parse_daemon_line("syd frr", node, sizeof(node), &d), 0);
	cr_assert_eq(d, TOPO_DAEMON_FRR);
	cr_assert_eq(state_parse_daemon_line("lax none\n", node, sizeof(node), &d), 0);
	cr_assert_eq(d, TOPO_DAEMON_NONE);
}

Test(state_daemons, refuses_what_is_not_a_line_of_it)
{
	enum topo_daemon d;
	char node[32];

	cr_assert_eq(state_parse_daemon_line("lax bgpd\n", node, sizeof(node), &d),
		     -EINVAL);
	cr_assert_eq(state_parse_daemon_line("lax\n", node, sizeof(node), &d),
		     -EINVAL);
	cr_assert_eq(state_parse_daemon_line("", node, sizeof(node), &d), -EINVAL);
	cr_assert_eq(state_parse_daemon_line("telstra bird\n", node, 7, &d),
		     -EINVAL, "a node longer than the caller's buffer");
	cr_assert_eq(state_parse_daemon_line("telstra bird\n", node, 8, &d), 0);
	cr_assert_str_eq(node, "telstra");
}
