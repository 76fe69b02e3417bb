/*
 * The folder migrate keeps its caches in (the model tapes of model.c, the
 * header cache of hdrcache.c): model_cache in migrate.ini, a folder or
 * "off"; by default $XDG_CACHE_HOME/migrate, else ~/.cache/migrate.
 */
#ifndef MIGRATE_CACHE_H
#define MIGRATE_CACHE_H

#include "migrate.h"

/*
 * Append the cache folder to out; -1 (out untouched) when model_cache
 * is "off" or no folder can be named.
 */
int	cache_dir(struct strbuf *out, const struct config *);
/* mkdir -p of the folder of path, 0700 as XDG asks, quietly. */
void	cache_mkdir(const char *path);

#endif
