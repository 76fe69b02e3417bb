/*
 * The cache folder: see cache.h.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cache.h"

int
cache_dir(struct strbuf *out, const struct config *cfg)
{
	const char	*dir = config_get(cfg, "model_cache"), *env;

	if (dir != NULL && strcmp(dir, "off") == 0)
		return -1;
	if (dir != NULL && *dir != '\0')
		strbuf_addstr(out, dir);
	else if ((env = getenv("XDG_CACHE_HOME")) != NULL && *env == '/')
		strbuf_addf(out, "%s/migrate", env);
	else if ((env = getenv("HOME")) != NULL && *env == '/')
		strbuf_addf(out, "%s/.cache/migrate", env);
	else
		return -1;
	return 0;
}

void
cache_mkdir(const char *path)
{
	char	*dir = xstrdup(path), *p;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(dir, 0700);
		*p = '/';
	}
	xfree(dir);
}
