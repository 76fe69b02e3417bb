/*
 * Allocation that cannot fail: on out of memory the process prints one line
 * and exits (the only exit() outside main.c). Unit tests build this file
 * with -DUNIT_TESTING so cmocka tracks every block.
 */
#ifndef MIGRATE_XMALLOC_H
#define MIGRATE_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
void	 xfree(void *);
/* Grow *arr (of *alloc elements of size sz) so that it holds at least n. */
void	 xgrow(void **arr, size_t *alloc, size_t n, size_t sz);

#define XGROW(arr, alloc, n) \
	xgrow((void **)&(arr), &(alloc), (n), sizeof(*(arr)))

#endif
