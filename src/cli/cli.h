/* cli.h: the command line: one command for each job of the dashboard. */
#ifndef CLI_H
#define CLI_H

/* Entry point: parses global flags and the subcommand; no subcommand opens the dashboard. */
int cli_main(int argc, char **argv);

#endif
