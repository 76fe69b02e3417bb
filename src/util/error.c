/*
 * The error record: set once at the bottom, read once in main.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"
#include "xmalloc.h"

/* Messages are one line, whatever a library handed us. */
static void
err_one_line(struct strbuf *sb)
{
	size_t	 i;

	strbuf_rtrim(sb);
	for (i = 0; i < sb->len; i++) {
		if (sb->buf[i] == '\n' || sb->buf[i] == '\r' ||
		    sb->buf[i] == '\t')
			sb->buf[i] = ' ';
	}
}

int
err_set_at(struct err *e, const char *file, int line, int code,
    const char *fmt, ...)
{
	struct strbuf	 sb = STRBUF_INIT;
	va_list		 ap;

	if (code == 0)
		BUG("err_set with code 0");
	if (e == NULL || e->code != 0)
		return e != NULL ? e->code : code;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	err_one_line(&sb);
	e->code = code;
	e->msg = strbuf_detach(&sb, NULL);
	e->src_file = file;
	e->src_line = line;
	return code;
}

void
err_wrap(struct err *e, int code, const char *fmt, ...)
{
	struct strbuf	 sb = STRBUF_INIT;
	va_list		 ap;

	if (e->code == 0)
		BUG("err_wrap without an error");
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addf(&sb, ": %s", e->msg);
	err_one_line(&sb);
	xfree(e->msg);
	e->msg = strbuf_detach(&sb, NULL);
	e->code = code;
}

void
err_append(struct err *e, const char *fmt, ...)
{
	struct strbuf	 sb = STRBUF_INIT;
	va_list		 ap;

	if (e->code == 0)
		BUG("err_append without an error");
	strbuf_addstr(&sb, e->msg);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	err_one_line(&sb);
	xfree(e->msg);
	e->msg = strbuf_detach(&sb, NULL);
}

void
err_set_path(struct err *e, const char *path, unsigned line)
{
	if (e->path == NULL && path != NULL)
		e->path = xstrdup(path);
	if (e->line == 0)
		e->line = line;
}

void
err_format(struct strbuf *out, const struct err *e)
{
	if (e->path != NULL && e->line > 0)
		strbuf_addf(out, "%s:%u: ", e->path, e->line);
	else if (e->path != NULL)
		strbuf_addf(out, "%s: ", e->path);
	strbuf_addstr(out, e->msg != NULL ? e->msg : "unknown error");
}

void
err_release(struct err *e)
{
	xfree(e->msg);
	xfree(e->path);
	memset(e, 0, sizeof *e);
}

int
err_exit_code(const struct err *e)
{
	switch (e->code) {
	case 0:
		return 0;
	case MG_EUSAGE:
	case MG_ECONFIG:
		return 2;
	default:
		return 1;
	}
}

void
bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
