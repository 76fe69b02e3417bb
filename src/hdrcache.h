/*
 * The header cache: the parsed header of every revision script, kept in
 * one file per set of version folders, so that loading the graph stats a
 * script instead of reading it. See hdrcache.c.
 */
#ifndef MIGRATE_HDRCACHE_H
#define MIGRATE_HDRCACHE_H

#include <stdint.h>
#include <sys/stat.h>

#include "migrate.h"

struct hdrcache;

/* What an entry is checked against: one stat of the script. */
struct hdrcache_stat {
	uint64_t	 dev;
	uint64_t	 ino;
	uint64_t	 size;
	int64_t		 mtime_ns;
	int64_t		 ctime_ns;
};

void		 hdrcache_stat_set(struct hdrcache_stat *, const struct stat *);

/*
 * The cache file for the version folders dirs (absolute) under the
 * folder model_cache names (by default $XDG_CACHE_HOME/migrate, else
 * ~/.cache/migrate), or NULL when model_cache is "off" or no folder can
 * be named. Caller frees.
 */
char		*hdrcache_path(const struct config *, char *const *dirs,
		    size_t ndirs, int recursive);
/*
 * Open the cache file path (NULL: none, every lookup misses) of the
 * version folders dirs. Call it before stat'ing the scripts: the time it
 * is made is the one the next run's racy check uses. A file that cannot
 * be read, is not a regular file, is truncated, fails its checksum or was
 * made for other folders or another version of migrate is empty, never an
 * error: *out is always set and 0 returned. Free with hdrcache_free.
 */
int		 hdrcache_new(struct hdrcache **out, const char *path,
		    char *const *dirs, size_t ndirs, int recursive,
		    struct err *);
void		 hdrcache_free(struct hdrcache *);
/*
 * The script of the file rel (relative to dirs[loc]), path its path, if
 * the cache holds it for exactly st, and the file had not changed for
 * HDRCACHE_SLACK before the cache was made: a new script with its header
 * only (caller frees with script_free). Else NULL: read the file, and
 * hdrcache_put what it gives.
 */
struct script	*hdrcache_get(struct hdrcache *, size_t loc, const char *rel,
		    const char *path, const struct hdrcache_stat *st);
/* Keep s's header for the file rel of dirs[loc], st taken before reading. */
void		 hdrcache_put(struct hdrcache *, size_t loc, const char *rel,
		    const struct hdrcache_stat *st, const struct script *s);
/*
 * Write the cache file (a temporary file renamed over it, 0644 less the
 * umask) when the files looked up are not those it held: a script read,
 * added or gone. Best effort: 1 when written, 0 when there was nothing
 * to write, -1 when it could not be.
 */
int		 hdrcache_save(struct hdrcache *);
/* Of the lookups so far, how many the cache answered. */
size_t		 hdrcache_hits(const struct hdrcache *);

#endif
