/* `dialbookd backup` and `dialbookd restore`: a database copied to a file
 * while servers run on it, and put back while none does (the store's
 * store_backup and store_restore; docs/operations.md). Exit status: 0
 * done, 1 the copy failed, 2 usage, 3 the database cannot be opened or
 * is in use. */
#include "server/cli.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char backup_help[] =
	"usage: dialbookd backup --db PATH OUT\n"
	"\n"
	"Writes a copy of the SQLite database PATH, as of one moment, to the file OUT\n"
	"while servers go on running on it (SQLite's online backup), and the files its\n"
	"jobs name (uploads, rejected rows, exports) into the directory OUT.files/.\n"
	"OUT is written as OUT.part and renamed into place (mode 0600): it is a whole\n"
	"backup or the one that was there. Put it back with `dialbookd restore`.\n"
	"A PostgreSQL database is backed up with pg_dump (docs/operations.md).\n"
	"\n"
	"  --db PATH   the database to copy (required)\n"
	"  --help      this text\n";

static const char restore_help[] =
	"usage: dialbookd restore --db PATH IN\n"
	"\n"
	"Replaces the SQLite database PATH (created if missing) with the backup IN\n"
	"written by `dialbookd backup`, and its files with those of IN.files/. Refused\n"
	"while any dialbookd serves PATH or a dialbookd command uses it, for a file that\n"
	"is not a dialbook database, and for a schema newer than this dialbookd's (an\n"
	"older one is migrated when a server next opens it). Stop the servers first.\n"
	"A PostgreSQL database is restored with pg_restore (docs/operations.md).\n"
	"\n"
	"  --db PATH   the database to replace (required)\n"
	"  --help      this text\n";

/* Parses `--db PATH FILE`; returns -1 after --help, 2 after a usage
 * error, 0 otherwise. */
static int parse(const char *command, const char *help, const char *file_name, int argc,
		 char **argv, const char **db, const char **file)
{
	static const struct option options[] = {
		{"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	*db = *file = NULL;
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			*db = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return -1;
		case ':':
			return usage_error(command, "%s needs a value", argv[optind - 1]);
		default:
			return usage_error(command, "unknown option %s", argv[optind - 1]);
		}
	}
	if (!*db)
		return usage_error(command, "%s needs --db PATH, the database", command);
	if (optind == argc)
		return usage_error(command, "%s needs %s, the backup file", command, file_name);
	if (optind + 1 < argc)
		return usage_error(command, "unexpected argument %s", argv[optind + 1]);
	*file = argv[optind];
	if (!(*file)[0] || !(*db)[0])
		return usage_error(command, "an empty file name");
	return 0;
}

/* PostgreSQL has its own tools; refused before connecting. */
static bool refuse_postgres(const char *db, const char *command)
{
	if (strcmp(store_location_backend(db), "postgresql") != 0)
		return false;
	fprintf(stderr,
		"dialbookd: %s works on a SQLite database; a PostgreSQL database is %s with "
		"%s (see docs/operations.md)\n",
		command, strcmp(command, "backup") == 0 ? "backed up" : "restored",
		strcmp(command, "backup") == 0 ? "pg_dump" : "pg_restore");
	return true;
}

int cmd_backup(int argc, char **argv)
{
	const char *db, *out;
	int rc = parse("backup", backup_help, "OUT", argc, argv, &db, &out);
	if (rc || !db || !out) /* parse sets both when it answers 0 */
		return rc < 0 ? 0 : EXIT_USAGE;
	if (refuse_postgres(db, "backup"))
		return EXIT_USAGE;
	/* Said before the database is opened: a backup needs one. */
	struct stat st;
	if (stat(db, &st) != 0) {
		fprintf(stderr, "dialbookd: cannot back up %s: %s\n", db, strerror(errno));
		return 3;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", out);
	const char *parent = dirname(dir);
	if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "dialbookd: cannot write backup %s: directory %s %s\n", out, parent,
			stat(parent, &st) != 0 ? "does not exist" : "is not a directory");
		return 1;
	}
	struct store *s;
	char err[1024];
	if (store_open(db, &s, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "dialbookd: %s\n", err);
		return 3;
	}
	rc = store_backup(s, out, err, sizeof(err));
	store_close(s);
	if (rc != STORE_OK) {
		fprintf(stderr, "dialbookd: %s\n", err);
		return 1;
	}
	printf("%s\n", out);
	return 0;
}

int cmd_restore(int argc, char **argv)
{
	const char *db, *in;
	int rc = parse("restore", restore_help, "IN", argc, argv, &db, &in);
	if (rc || !db || !in) /* parse sets both when it answers 0 */
		return rc < 0 ? 0 : EXIT_USAGE;
	if (refuse_postgres(db, "restore"))
		return EXIT_USAGE;
	/* Checked before the database is opened (or created). */
	int fd = open(in, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "dialbookd: cannot read backup %s: %s\n", in,
			fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	bool existed = access(db, F_OK) == 0;
	struct store *s;
	char err[1024];
	struct store_options opt = {.exclusive = true};
	if (store_open_with(db, &opt, &s, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "dialbookd: %s\n", err);
		return 3;
	}
	rc = store_restore(s, in, err, sizeof(err));
	store_close(s);
	if (rc != STORE_OK) {
		/* A refused restore leaves nothing behind where there was nothing. */
		if (!existed) {
			char path[4096];
			unlink(db);
			const char *suffixes[] = {"-wal", "-shm", ".files/.serving"};
			for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
				snprintf(path, sizeof(path), "%s%s", db, suffixes[i]);
				unlink(path);
			}
			snprintf(path, sizeof(path), "%s.files", db);
			rmdir(path);
		}
		fprintf(stderr, "dialbookd: %s\n", err);
		return 1;
	}
	printf("restored %s from %s\n", db, in);
	return 0;
}
