/*
 * Verb dispatch (placeholder until the verbs land).
 */
#include "cli/cli.h"

#include <stdio.h>

int cli_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("anycastlab: no verbs yet\n", stderr);
	return 1;
}
