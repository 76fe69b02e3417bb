/*
 * The folder migrate keeps its caches in (the model tapes of model.c, the
 * header cache of hdrcache.c): model_cache in migrate.ini, a folder or
 * "off"; by default $XDG_CACHE_HOME/migrate, else ~/.cache/migrate.
 */
#ifndef MIGRATE_CACHE_H
#define MIGRATE_CACHE_H

#include <sys/stat.h>

#include "migrate.h"

/*
 * Append the cache folder to out; -1 (out untouched) when model_cache
 * is "off" or no folder can be named.
 */
int	cache_dir(struct strbuf *out, const struct config *);
/* mkdir -p of the folder of path, 0700 as XDG asks, quietly. */
void	cache_mkdir(const char *path);
/*
 * A cache file read into out (reset first), when it is one of ours: a
 * regular file, not reached through a symbolic link, owned by this user
 * (in a folder others may write to, a file of theirs could say anything)
 * and of at most max bytes; *st its stat when st is not NULL. -1 when it
 * is not, or cannot be read whole.
 */
int	cache_read(struct strbuf *out, struct stat *st, const char *path,
	    size_t max);
/*
 * path written as parts[0], parts[1] ... one after the other, through a
 * temporary file of a name no other process picks (mkstemp) renamed over
 * it, so that a reader sees the old file or the new one, whole; its folder
 * made as cache_mkdir does, and cache_evict run on it after. -1 when it
 * cannot be (nothing is left).
 */
int	cache_write(const char *path, const struct strbuf *parts,
	    size_t nparts);

/*
 * The cache files of migrate's making in the folder of path (by their
 * names: headers-HEX, sqlite-*-HEX.tape, postgres-*-HEX.tape,
 * live-*-HEX.tape, and their temporary files) unused for CACHE_DAYS days,
 * removed: a model, a database or a set of version folders long gone
 * leaves its file behind, and nothing else would remove it. cache_write
 * calls it after each write (a miss), not on every run; no other file
 * of the folder is touched.
 */
#define CACHE_DAYS	30
void	cache_evict(const char *path);
/* path marked used now (its mtime), for cache_evict. */
void	cache_touch(const char *path);

#endif
