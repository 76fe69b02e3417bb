/*
 * A growable string, after git's strbuf.h.
 *
 * Contract: buf is never NULL and always NUL-terminated; len excludes the NUL.
 * A strbuf initialized with STRBUF_INIT points at a shared empty string and
 * allocates on first growth. strbuf_release frees and re-initializes;
 * strbuf_detach hands the string to the caller, who frees it with xfree().
 */
#ifndef MIGRATE_STRBUF_H
#define MIGRATE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t	 alloc;
	size_t	 len;
	char	*buf;
};

extern char	strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void	 strbuf_init(struct strbuf *, size_t hint);
void	 strbuf_release(struct strbuf *);
char	*strbuf_detach(struct strbuf *, size_t *len);
void	 strbuf_grow(struct strbuf *, size_t extra);
void	 strbuf_reset(struct strbuf *);
void	 strbuf_setlen(struct strbuf *, size_t);
void	 strbuf_add(struct strbuf *, const void *, size_t);
void	 strbuf_addstr(struct strbuf *, const char *);
void	 strbuf_addch(struct strbuf *, int);
void	 strbuf_addf(struct strbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 strbuf_vaddf(struct strbuf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Replace every occurrence of needle (not empty) with repl. */
void	 strbuf_replace(struct strbuf *, const char *needle,
	    const char *repl);
/* Remove trailing whitespace. */
void	 strbuf_rtrim(struct strbuf *);
/*
 * Read a whole file into sb (appending). Returns 0, or -1 with errno set.
 */
int	 strbuf_read_file(struct strbuf *, const char *path);

#endif
