/*
 * Growable strings: the one way this tool builds text of unknown length.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "xmalloc.h"

char	strbuf_slopbuf[1];

void
strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void
strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		xfree(sb->buf);
	strbuf_init(sb, 0);
}

char *
strbuf_detach(struct strbuf *sb, size_t *len)
{
	char	*res;

	strbuf_grow(sb, 0);
	res = sb->buf;
	if (len != NULL)
		*len = sb->len;
	strbuf_init(sb, 0);
	return res;
}

void
strbuf_grow(struct strbuf *sb, size_t extra)
{
	int	 fresh = sb->alloc == 0;
	size_t	 want;

	if (sb->len + extra + 1 < sb->len)
		xrealloc(NULL, (size_t)-1);	/* dies: overflow */
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return;
	if (fresh)
		sb->buf = NULL;
	if (want < sb->alloc * 2)
		want = sb->alloc * 2;
	if (want < 32)
		want = 32;
	sb->buf = xrealloc(sb->buf, want);
	sb->alloc = want;
	if (fresh)
		sb->buf[0] = '\0';
}

void
strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

void
strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (sb->alloc == 0) {
		/* the shared empty buffer is never written */
		return;
	}
	sb->len = len;
	sb->buf[len] = '\0';
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (len == 0)
		return;
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void
strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void
strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list	 cp;
	int	 n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void
strbuf_replace(struct strbuf *sb, const char *needle, const char *repl)
{
	struct strbuf	 out = STRBUF_INIT;
	size_t		 nlen = strlen(needle);
	const char	*p, *hit;

	if (nlen == 0 || strstr(sb->buf, needle) == NULL)
		return;
	for (p = sb->buf; (hit = strstr(p, needle)) != NULL; p = hit + nlen) {
		strbuf_add(&out, p, (size_t)(hit - p));
		strbuf_addstr(&out, repl);
	}
	strbuf_addstr(&out, p);
	strbuf_release(sb);
	*sb = out;
}

void
strbuf_rtrim(struct strbuf *sb)
{
	size_t	 len = sb->len;

	while (len > 0 && isspace((unsigned char)sb->buf[len - 1]))
		len--;
	strbuf_setlen(sb, len);
}

int
strbuf_read_file(struct strbuf *sb, const char *path)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 hint = 8192, want, start = sb->len, size = 0;
	int		 fd, saved, regular = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	/* a regular file in one read: its size, plus one byte to see EOF */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		size = (size_t)st.st_size;
		hint = size + 1;
		regular = 1;
	}
	for (;;) {
		strbuf_grow(sb, hint);
		want = sb->alloc - sb->len - 1;
		n = read(fd, sb->buf + sb->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_setlen(sb, sb->len + (size_t)n);
		/*
		 * Less than asked, having read all fstat said there was: the
		 * end, without one more read to see it. Anything else (a
		 * file that grew, a short read) reads on to read()'s 0.
		 */
		if (regular && (size_t)n < want && sb->len - start == size)
			break;
		hint = 8192;
	}
	if (n < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	return 0;
}
