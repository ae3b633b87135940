/* dialbookd: picks the command and hands over. */
#include "server/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int usage_error(const char *command, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "dialbookd: %s (see `dialbookd%s%s --help`)\n", msg, command ? " " : "",
		command ? command : "");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "org") == 0)
		return cmd_org(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "client") == 0)
		return cmd_client(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "backup") == 0)
		return cmd_backup(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "restore") == 0)
		return cmd_restore(argc - 1, argv + 1);
	if (argc > 1 && argv[1][0] != '-')
		return usage_error(NULL,
				   "unknown command %s; commands are org, client, backup, "
				   "restore, or none to serve",
				   argv[1]);
	return cmd_serve(argc, argv);
}
