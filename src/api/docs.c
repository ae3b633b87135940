/* GET /api/v2/docs[/FILE]: the browsable API page (Swagger UI) from the
 * directory it was installed to. Only plain file names are served. */
#include "api/api.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *ext, *type;
} types[] = {
	{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},   {".png", "image/png"},
	{".map", "application/json"},
};

static int serve_file(struct api_ctx *c, const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > 64 || name[0] == '.' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
		    len)
		return api_not_found(c, "page file", name);
	const char *type = NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t el = strlen(types[i].ext);
		if (len > el && strcmp(name + len - el, types[i].ext) == 0)
			type = types[i].type;
	}
	if (!type || !c->srv->docs_dir)
		return api_not_found(c, "page file", name);
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", c->srv->docs_dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return problem_set(&c->problem, 404, "not.found",
				   "The requested resource was not found: %s is not in the API "
				   "page's directory %s (make build installs Swagger UI there)",
				   name, c->srv->docs_dir);
	}
	c->res->status = 200;
	c->res->fd = fd;
	c->res->fd_used = true;
	c->res->fd_size = (unsigned long long)st.st_size;
	c->res->raw_type = type;
	http_response_header(c->res, "Cache-Control", "no-cache");
	return 0;
}

int docs_page(struct api_ctx *c)
{
	return serve_file(c, "index.html");
}

int docs_file(struct api_ctx *c)
{
	return serve_file(c, c->req->params[0]);
}
