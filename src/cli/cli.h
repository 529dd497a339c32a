/*
 * Command-line front end: verb table, argument parsing, help.
 */
#ifndef ANYCASTLAB_CLI_CLI_H
#define ANYCASTLAB_CLI_CLI_H

int cli_main(int argc, char **argv);

#endif
