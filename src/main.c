/*
 * anycastlab: build a small Internet of network namespaces and watch
 * anycast and BGP at work.  main() only hands over to the verb table.
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
