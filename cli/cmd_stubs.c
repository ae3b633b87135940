#include "cli/cli.h"
int cmd_login(int argc, char **argv) { (void)argc; (void)argv; return 0; }
int cmd_lists(int argc, char **argv) { (void)argc; (void)argv; return 0; }
int cmd_contacts(int argc, char **argv) { (void)argc; (void)argv; return 0; }
