/* dialbookd's commands: serve (the default), org add, client add/list/revoke,
 * backup, restore. */
#ifndef DIALBOOK_SERVER_CLI_H
#define DIALBOOK_SERVER_CLI_H

#define EXIT_USAGE 2

/* Every command's database unless --db: the one `make run` serves. */
#define DEFAULT_DB "var/dialbook.db"

int cmd_serve(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_client(int argc, char **argv);
/* backup.c: a SQLite database copied to a file and put back. */
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);

/* Prints "dialbookd: <message> (see `dialbookd <command> --help`)" and returns 2. */
int usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
