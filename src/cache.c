/*
 * The cache folder: see cache.h.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

int
cache_read(struct strbuf *out, struct stat *st, const char *path,
    size_t max)
{
	struct stat	 own;
	ssize_t		 r;
	size_t		 len, got = 0;
	int		 fd;

	strbuf_reset(out);
	if (st == NULL)
		st = &own;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) ||
	    st->st_uid != geteuid() || st->st_size < 0 ||
	    (uint64_t)st->st_size > (uint64_t)max) {
		close(fd);
		return -1;
	}
	len = (size_t)st->st_size;
	strbuf_grow(out, len);
	while (got < len) {
		r = read(fd, out->buf + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != len) {
		strbuf_reset(out);
		return -1;
	}
	strbuf_setlen(out, len);
	return 0;
}

int
cache_write(const char *path, const struct strbuf *parts, size_t nparts)
{
	struct strbuf	 tmp = STRBUF_INIT;
	const char	*p;
	ssize_t		 w;
	size_t		 i, left;
	int		 fd, rc = -1;

	cache_mkdir(path);
	strbuf_addf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp.buf)) < 0)
		goto done;
	for (i = 0; i < nparts; i++) {
		p = parts[i].buf;
		for (left = parts[i].len; left > 0; ) {
			w = write(fd, p, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			p += w;
			left -= (size_t)w;
		}
		if (left > 0)
			break;
	}
	if (close(fd) != 0 || i < nparts || rename(tmp.buf, path) != 0)
		(void)unlink(tmp.buf);
	else {
		rc = 0;
		cache_evict(path);	/* a write: the time to look */
	}
done:
	strbuf_release(&tmp);
	return rc;
}

/*
 * Whether name is one that migrate gives its cache files: headers-HEX,
 * sqlite-VERSION-HEX.tape (.db: the model caches of older versions),
 * postgres-VERSION-HEX.tape, live-DIALECT-HEX.tape, HEX 16 or 32 hex
 * digits; or one of those with the suffix of a temporary file (.XXXXXX
 * of mkstemp, .PID.tmp of older versions). A file of the user's own in
 * the folder never is.
 */
static int
cache_is_ours(const char *name)
{
	static const char *const prefixes[] = {
		"headers-", "sqlite-", "postgres-", "live-"
	};
	const char	*h, *rest;
	size_t		 i, n;

	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			break;
	}
	if (i == sizeof prefixes / sizeof prefixes[0])
		return 0;
	/* the hex is after the last '-' (a version has none) */
	h = strrchr(name, '-') + 1;
	n = strspn(h, "0123456789abcdef");
	if (n != 16 && n != 32)
		return 0;
	rest = h + n;
	if (i == 0 && *rest != '\0' && *rest != '.')
		return 0;
	if (strncmp(rest, ".tape", 5) == 0)
		rest += 5;
	else if (strncmp(rest, ".db", 3) == 0)
		rest += 3;
	else if (i != 0)
		return 0;
	if (*rest == '\0')
		return 1;
	/* a temporary file's suffix */
	n = strspn(rest + 1, "0123456789");
	if (n > 0 && strcmp(rest + 1 + n, ".tmp") == 0)
		return 1;
	n = strspn(rest + 1, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	return n == 6 && rest[7] == '\0';
}

void
cache_evict(const char *path)
{
	struct strbuf	 dir = STRBUF_INIT;
	struct dirent	*e;
	struct stat	 st;
	const char	*slash = strrchr(path, '/');
	DIR		*d;
	time_t		 old = time(NULL) - (time_t)CACHE_DAYS * 24 * 3600;

	if (slash == NULL)
		return;
	strbuf_add(&dir, path, (size_t)(slash - path));
	if ((d = opendir(dir.len > 0 ? dir.buf : "/")) == NULL) {
		strbuf_release(&dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (!cache_is_ours(e->d_name) || fstatat(dirfd(d),
		    e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
		    st.st_mtime >= old)
			continue;
		(void)unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	strbuf_release(&dir);
}

void
cache_touch(const char *path)
{
	(void)utimensat(AT_FDCWD, path, NULL, 0);
}
