/*
 * Checked allocation: every allocation of the tool goes through here, so that
 * out of memory is handled in one place and unit tests can track leaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#ifdef UNIT_TESTING
extern void	*_test_malloc(size_t, const char *, int);
extern void	*_test_calloc(size_t, size_t, const char *, int);
extern void	*_test_realloc(void *, size_t, const char *, int);
extern void	 _test_free(void *, const char *, int);
#define malloc(n)	_test_malloc((n), __FILE__, __LINE__)
#define calloc(n, s)	_test_calloc((n), (s), __FILE__, __LINE__)
#define realloc(p, n)	_test_realloc((p), (n), __FILE__, __LINE__)
#define free(p)		_test_free((p), __FILE__, __LINE__)
#endif

static void
xmalloc_die(size_t n)
{
	fprintf(stderr, "migrate: out of memory allocating %zu bytes\n", n);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void	*p;

	p = malloc(n ? n : 1);
	if (p == NULL)
		xmalloc_die(n);
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if (n == 0 || sz == 0)
		n = sz = 1;
	p = calloc(n, sz);
	if (p == NULL)
		xmalloc_die(n * sz);
	return p;
}

void *
xrealloc(void *old, size_t n)
{
	void	*p;

	p = realloc(old, n ? n : 1);
	if (p == NULL)
		xmalloc_die(n);
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len;

	len = strnlen(s, n);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void
xfree(void *p)
{
	free(p);
}

void
xgrow(void **arr, size_t *alloc, size_t n, size_t sz)
{
	size_t	 want;

	if (n <= *alloc)
		return;
	want = *alloc ? *alloc : 8;
	while (want < n)
		want *= 2;
	if (want > ((size_t)-1) / sz)
		xmalloc_die((size_t)-1);
	*arr = xrealloc(*arr, want * sz);
	*alloc = want;
}
