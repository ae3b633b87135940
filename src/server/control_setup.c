/* Start-up of the control API: the loopback check and the token files. */
#include "server/control_setup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOKEN_KEY "DIALBOOK_CONTROL_TOKEN="

static bool addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
			&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (IN6_IS_ADDR_LOOPBACK(a))
			return true;
		return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
	}
	return false;
}

bool control_host_is_loopback(const char *host)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai = NULL;
	if (getaddrinfo(host, NULL, &hints, &ai) != 0 || !ai)
		return false;
	bool all = true;
	for (struct addrinfo *p = ai; p && all; p = p->ai_next)
		all = addr_is_loopback(p->ai_addr);
	freeaddrinfo(ai);
	return all;
}

int control_token_write(const char *path, const char *token)
{
	char tmp[4200];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	FILE *out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	FILE *in = fopen(path, "r");
	if (in) { /* the other lines stay: the client's credentials */
		char line[1024];
		while (fgets(line, sizeof(line), in))
			if (strncmp(line, TOKEN_KEY, sizeof(TOKEN_KEY) - 1) != 0)
				fputs(line, out);
		fclose(in);
	}
	fprintf(out, TOKEN_KEY "%s\n", token);
	if (fclose(out) != 0 || rename(tmp, path) != 0) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}
