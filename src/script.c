/*
 * Revision scripts: read the header and the upgrade and downgrade parts of
 * one file, and name and render a new one from the template.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "migrate.h"
#include "util/sha256.h"

#define SCRIPT_MARK		"-- migrate:"	/* what both start with */
#define SCRIPT_MARK_UP		"-- migrate:upgrade"
#define SCRIPT_MARK_DOWN	"-- migrate:downgrade"
#define SCRIPT_READ_BUF		8192	/* a script's first read */
#define SCRIPT_NAME_MAX		255	/* bytes of a file name (NAME_MAX) */

/* The header fields, in the order the template writes them. */
enum script_field {
	FIELD_REVISION,
	FIELD_REVISES,
	FIELD_CREATE_DATE,
	FIELD_BRANCH_LABELS,
	FIELD_DEPENDS_ON,
	FIELD_TRANSACTIONAL,
	FIELD_AUTHOR,
	FIELD_COUNT
};

static const char *const script_field_names[FIELD_COUNT] = {
	"Revision ID", "Revises", "Create Date", "Branch Labels",
	"Depends On", "Transactional", "Author"
};

/*
 * A value quoted in a message: its first SCRIPT_ECHO bytes, then "..."
 * (a header line can be megabytes long): "'%.*s%s'", SCRIPT_CUT(len, p).
 */
#define SCRIPT_ECHO	60
#define SCRIPT_CUT(len, p) \
	(int)((len) > SCRIPT_ECHO ? SCRIPT_ECHO : (len)), (p), \
	(len) > SCRIPT_ECHO ? "..." : ""

/* One line of the file: where it starts, its length without the EOL. */
struct script_line {
	const char	*p;
	size_t		 len;
	size_t		 next;	/* offset of the following line */
};

static int
script_next_line(struct script_line *out, const char *text, size_t len,
    size_t off)
{
	const char	*nl;

	if (off >= len)
		return 0;
	out->p = text + off;
	nl = memchr(out->p, '\n', len - off);
	out->len = nl != NULL ? (size_t)(nl - out->p) : len - off;
	out->next = off + out->len + (nl != NULL);
	if (out->len > 0 && out->p[out->len - 1] == '\r')
		out->len--;
	return 1;
}

static size_t
script_rtrim_len(const char *p, size_t len)
{
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	return len;
}

static int
script_line_is(const struct script_line *l, const char *mark)
{
	size_t	 n = script_rtrim_len(l->p, l->len);

	return n == strlen(mark) && memcmp(l->p, mark, n) == 0;
}

/* 1 for an upgrade marker line, 2 for a downgrade one, else 0. */
static int
script_line_mark(const struct script_line *l)
{
	if (l->len < sizeof SCRIPT_MARK - 1 ||
	    memcmp(l->p, SCRIPT_MARK, sizeof SCRIPT_MARK - 1) != 0)
		return 0;
	if (script_line_is(l, SCRIPT_MARK_UP))
		return 1;
	return script_line_is(l, SCRIPT_MARK_DOWN) ? 2 : 0;
}

int
script_valid_id(const char *id, size_t len)
{
	size_t	 i;

	if (len == 0 || len > SCRIPT_ID_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)id[i]) && id[i] != '_')
			return 0;
	}
	if ((len == 4 && strncasecmp(id, "head", 4) == 0) ||
	    (len == 5 && strncasecmp(id, "heads", 5) == 0) ||
	    (len == 4 && strncasecmp(id, "base", 4) == 0) ||
	    (len == 7 && strncasecmp(id, "current", 7) == 0))
		return 0;
	return 1;
}

static void
script_strv_push(char ***v, size_t *n, const char *p, size_t len)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrndup(p, len);
}

/* Split "a, b c" into names, checking each is a valid identifier. */
static int
script_parse_list(char ***v, size_t *n, const char *p, size_t len,
    const char *field, struct err *err)
{
	size_t	 i = 0, start, j;

	while (i < len) {
		while (i < len && (p[i] == ',' || isspace((unsigned char)p[i])))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && p[i] != ',' && !isspace((unsigned char)p[i]))
			i++;
		if (!script_valid_id(p + start, i - start))
			return err_set(err, MG_ECONFIG, "'%s': '%.*s%s' is "
			    "not a valid revision id or label (letters, "
			    "digits and '_', at most %d)", field,
			    SCRIPT_CUT(i - start, p + start), SCRIPT_ID_MAX);
		for (j = 0; j < *n; j++) {
			if (strlen((*v)[j]) == i - start &&
			    memcmp((*v)[j], p + start, i - start) == 0)
				return err_set(err, MG_ECONFIG, "'%s' names "
				    "'%.*s%s' twice", field,
				    SCRIPT_CUT(i - start, p + start));
		}
		script_strv_push(v, n, p + start, i - start);
	}
	return 0;
}

static int
script_parse_bool(int *out, const char *p, size_t len)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t			 i;

	for (i = 0; i < 4; i++) {
		if (strlen(yes[i]) == len && strncasecmp(p, yes[i], len) == 0) {
			*out = 1;
			return 0;
		}
		if (strlen(no[i]) == len && strncasecmp(p, no[i], len) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* "-- Key: value" with a known key: which, and where its value is. */
static int
script_field_of(const char *c, size_t len, const char **val, size_t *vlen)
{
	const char	*colon;
	size_t		 klen;
	int		 f;

	if ((colon = memchr(c, ':', len)) == NULL)
		return -1;
	klen = (size_t)(colon - c);
	for (f = 0; f < FIELD_COUNT; f++) {
		if (strlen(script_field_names[f]) == klen &&
		    strncasecmp(c, script_field_names[f], klen) == 0)
			break;
	}
	if (f == FIELD_COUNT)
		return -1;
	*val = colon + 1;
	*vlen = len - klen - 1;
	while (*vlen > 0 && isspace((unsigned char)**val)) {
		(*val)++;
		(*vlen)--;
	}
	*vlen = script_rtrim_len(*val, *vlen);
	return f;
}

static int
script_set_field(struct script *s, int f, const char *v, size_t vlen,
    struct err *err)
{
	switch (f) {
	case FIELD_REVISION:
		if (!script_valid_id(v, vlen))
			return err_set(err, MG_ECONFIG, "'Revision ID: %.*s%s'"
			    " is not a valid revision id (letters, digits and "
			    "'_', at most %d; not head, heads, base or "
			    "current)", SCRIPT_CUT(vlen, v), SCRIPT_ID_MAX);
		s->rev = xstrndup(v, vlen);
		return 0;
	case FIELD_REVISES:
		return script_parse_list(&s->down, &s->ndown, v, vlen,
		    "Revises", err);
	case FIELD_CREATE_DATE:
		s->create_date = xstrndup(v, vlen);
		return 0;
	case FIELD_BRANCH_LABELS:
		return script_parse_list(&s->labels, &s->nlabels, v, vlen,
		    "Branch Labels", err);
	case FIELD_DEPENDS_ON:
		return script_parse_list(&s->depends, &s->ndepends, v, vlen,
		    "Depends On", err);
	case FIELD_TRANSACTIONAL:
		if (script_parse_bool(&s->transactional, v, vlen) != 0)
			return err_set(err, MG_ECONFIG, "'Transactional: "
			    "%.*s%s' must be yes or no", SCRIPT_CUT(vlen, v));
		return 0;
	case FIELD_AUTHOR:
		s->author = xstrndup(v, vlen);
		return 0;
	}
	BUG("field %d", f);
}

/*
 * The header: comment lines from the top of the file. First the message
 * (up to the first field), then "Key: value" fields; a line that is not a
 * comment ends it. A change in what a header parses to bumps
 * HDRCACHE_MAGIC (hdrcache.c).
 */
static int
script_parse_header(struct script *s, const char *text, size_t len,
    size_t *body, unsigned *body_line, struct err *err)
{
	struct script_line	 l;
	struct strbuf		 msg = STRBUF_INIT;
	unsigned		 lineno = 0, seen[FIELD_COUNT] = { 0 };
	size_t			 off = 0, clen, vlen;
	const char		*c, *v;
	int			 f, rc = 0, nfields = 0;

	while (script_next_line(&l, text, len, off)) {
		lineno++;
		if (l.len < 2 || l.p[0] != '-' || l.p[1] != '-' ||
		    script_line_mark(&l) != 0)
			break;
		off = l.next;
		*body_line = lineno;
		c = l.p + 2;
		clen = script_rtrim_len(c, l.len - 2);
		while (clen > 0 && (*c == ' ' || *c == '\t')) {
			c++;
			clen--;
		}
		f = script_field_of(c, clen, &v, &vlen);
		if (f < 0 && nfields == 0) {
			if (clen > 0 && msg.len > 0)
				strbuf_addch(&msg, ' ');
			strbuf_add(&msg, c, clen);
			continue;
		}
		if (f < 0) {
			if (clen == 0)
				continue;
			rc = err_set(err, MG_ECONFIG, "expected 'Field: value'"
			    " in the header, found '%.*s%s'", SCRIPT_CUT(clen,
			    c));
			goto done;
		}
		if (seen[f]) {
			rc = err_set(err, MG_ECONFIG, "'%s' given twice "
			    "(first on line %u)", script_field_names[f],
			    seen[f]);
			goto done;
		}
		seen[f] = lineno;
		nfields++;
		if (f == FIELD_REVISES) {
			s->revises_at = (size_t)(v - text);
			s->revises_len = vlen;
		}
		if ((rc = script_set_field(s, f, v, vlen, err)) != 0)
			goto done;
	}
	*body = off;
	s->rev_line = seen[FIELD_REVISION];
	s->revises_line = seen[FIELD_REVISES];
	s->labels_line = seen[FIELD_BRANCH_LABELS];
	s->depends_line = seen[FIELD_DEPENDS_ON];
	if (!seen[FIELD_REVISION] || !seen[FIELD_REVISES]) {
		rc = err_set(err, MG_ECONFIG, "the header has no '%s:' line "
		    "(a revision script starts with '-- message', then "
		    "'-- Revision ID: ...' and '-- Revises: ...')",
		    script_field_names[seen[FIELD_REVISION] ? FIELD_REVISES :
		    FIELD_REVISION]);
		lineno = 1;
		goto done;
	}
	s->message = strbuf_detach(&msg, NULL);
done:
	if (rc != 0)
		err_set_path(err, s->path, lineno);
	strbuf_release(&msg);
	return rc;
}

/* Whether a line holds only blanks and a "--" comment. */
static int
script_line_blank(const struct script_line *l)
{
	size_t	 i = 0;

	while (i < l->len && isspace((unsigned char)l->p[i]))
		i++;
	return i == l->len || (i + 1 < l->len && l->p[i] == '-' &&
	    l->p[i + 1] == '-');
}

/*
 * The parts after the header, from off (the body's first line is line
 * lineno + 1): where each starts and ends, and that nothing but blank and
 * comment lines comes before the upgrade marker.
 */
static int
script_parse_body(struct script *s, const char *text, size_t len,
    size_t off, unsigned lineno, struct err *err)
{
	struct script_line	 l;
	struct script_part	*cur = NULL;
	int			 mark, rc = 0;

	while (script_next_line(&l, text, len, off)) {
		lineno++;
		if ((mark = script_line_mark(&l)) != 0) {
			if (cur != NULL)
				cur->len = off - cur->off;
			if (mark == 1 && s->up.present) {
				rc = err_set(err, MG_ECONFIG, "a second '%s' "
				    "(first on line %u)", SCRIPT_MARK_UP,
				    s->up.line - 1);
				goto done;
			}
			if (mark == 2 && s->down_part.present) {
				rc = err_set(err, MG_ECONFIG, "a second '%s' "
				    "(first on line %u)", SCRIPT_MARK_DOWN,
				    s->down_part.line - 1);
				goto done;
			}
			if (mark == 2 && !s->up.present) {
				rc = err_set(err, MG_ECONFIG, "'%s' before "
				    "'%s'", SCRIPT_MARK_DOWN, SCRIPT_MARK_UP);
				goto done;
			}
			cur = mark == 1 ? &s->up : &s->down_part;
			cur->present = 1;
			cur->off = l.next;
			cur->line = lineno + 1;
		} else if (cur == NULL && !script_line_blank(&l)) {
			rc = err_set(err, MG_ECONFIG, "SQL before '%s'",
			    SCRIPT_MARK_UP);
			goto done;
		}
		off = l.next;
	}
	if (cur != NULL)
		cur->len = len - cur->off;
	if (!s->up.present) {
		rc = err_set(err, MG_ECONFIG, "no '%s' line: a revision "
		    "script needs an upgrade part", SCRIPT_MARK_UP);
		lineno = 0;
	}
done:
	if (rc != 0)
		err_set_path(err, s->path, lineno);
	return rc;
}

/* A script named path (taken: a malloc'd string), nothing parsed yet. */
static struct script *
script_alloc(char *path)
{
	struct script	*s = xcalloc(1, sizeof *s);

	s->path = path;
	s->transactional = 1;
	return s;
}

/*
 * Parse text (borrowed) into s: the header, then the body, which is
 * checked whole even when its parts are not kept.
 */
static int
script_parse_text(struct script *s, const char *text, size_t len,
    struct err *err)
{
	const char	*nul, *p;
	size_t		 body = 0;
	unsigned	 line = 1, body_line = 0;
	int		 rc;

	if ((nul = memchr(text, '\0', len)) != NULL) {
		for (p = text; (p = memchr(p, '\n', (size_t)(nul - p))) !=
		    NULL; p++)
			line++;
		rc = err_set(err, MG_ECONFIG, "not a text file (it holds a "
		    "NUL byte)");
		err_set_path(err, s->path, line);
		return rc;
	}
	if ((rc = script_parse_header(s, text, len, &body, &body_line,
	    err)) != 0)
		return rc;
	return script_parse_body(s, text, len, body, body_line, err);
}

int
script_parse(struct script **out, const char *path, char *text, size_t len,
    struct err *err)
{
	struct script	*s;
	int		 rc;

	*out = NULL;
	s = script_alloc(xstrdup(path));
	s->text = text;
	s->len = len;
	if ((rc = script_parse_text(s, text, len, err)) != 0) {
		script_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int
script_read(struct script **out, const char *path, struct err *err)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 len;
	char		*text;

	*out = NULL;
	if (strbuf_read_file(&sb, path) != 0) {
		err_set(err, MG_EIO, "cannot read '%s': %s", path,
		    strerror(errno));
		strbuf_release(&sb);
		return MG_EIO;
	}
	text = strbuf_detach(&sb, &len);
	return script_parse(out, path, text, len, err);
}

/*
 * The whole file at name under dirfd into stack (SCRIPT_READ_BUF bytes),
 * or, when it does not fit, into heap (*text then points at heap.buf).
 * No fstat: a read that returns less than it was asked for is taken for
 * the end of the file, as it is for regular files on Linux (a short read
 * mid-file would only make the body's check see less of it: the parts a
 * step runs are read again, whole, by script_load_body).
 */
static int
script_read_fd(const char **text, size_t *len, int dirfd, const char *name,
    char *stack, struct strbuf *heap)
{
	ssize_t		 n = 1;
	size_t		 have = 0;
	int		 fd, saved;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	/*
	 * Until read() says end of file: a short read is not one on 9p,
	 * FUSE or network file systems. Most scripts fit the stack buffer.
	 */
	while (have < SCRIPT_READ_BUF && n > 0) {
		n = read(fd, stack + have, SCRIPT_READ_BUF - have);
		if (n > 0)
			have += (size_t)n;
		else if (n < 0 && errno == EINTR)
			n = 1;
	}
	if (n > 0)
		strbuf_add(heap, stack, have);
	while (n > 0) {
		strbuf_grow(heap, heap->len + 1);
		n = read(fd, heap->buf + heap->len,
		    heap->alloc - heap->len - 1);
		if (n > 0)
			strbuf_setlen(heap, heap->len + (size_t)n);
		else if (n < 0 && errno == EINTR)
			n = 1;
	}
	saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	*text = heap->len > 0 ? heap->buf : stack;
	*len = heap->len > 0 ? heap->len : have;
	return 0;
}

int
script_read_at(struct script **out, int dirfd, const char *name,
    const char *path, int keep_text, struct err *err)
{
	struct strbuf	 heap = STRBUF_INIT;
	struct script	*s;
	const char	*text;
	char		 stack[SCRIPT_READ_BUF];
	size_t		 len;
	int		 rc;

	*out = NULL;
	s = script_alloc(xstrdup(path));
	if (script_read_fd(&text, &len, dirfd, name, stack, &heap) != 0) {
		rc = err_set(err, MG_EIO, "cannot read '%s': %s", path,
		    strerror(errno));
		goto done;
	}
	if ((rc = script_parse_text(s, text, len, err)) != 0)
		goto done;
	if (keep_text) {
		s->text = xmalloc(len + 1);
		memcpy(s->text, text, len);
		s->text[len] = '\0';
		s->len = len;
	} else {
		/* offsets into a text that is not kept */
		memset(&s->up, 0, sizeof s->up);
		memset(&s->down_part, 0, sizeof s->down_part);
		s->revises_at = s->revises_len = 0;
	}
done:
	strbuf_release(&heap);
	if (rc != 0) {
		script_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int
script_strv_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t	 i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	}
	return 1;
}

int
script_load_body(struct script *s, struct err *err)
{
	struct script	*t = NULL;
	int		 rc;

	if (s->text != NULL)
		return 0;
	if ((rc = script_read(&t, s->path, err)) != 0)
		return rc;
	/* the graph was built on s's header: the file must still hold it */
	if (strcmp(t->rev, s->rev) != 0 ||
	    !script_strv_equal(t->down, t->ndown, s->down, s->ndown) ||
	    !script_strv_equal(t->labels, t->nlabels, s->labels,
	    s->nlabels) ||
	    !script_strv_equal(t->depends, t->ndepends, s->depends,
	    s->ndepends) || t->transactional != s->transactional) {
		rc = err_set(err, MG_ECONFIG, "the script changed while "
		    "migrate ran (its header is not the one read at the "
		    "start): run the command again%s", s->packed ? "; if "
		    "this repeats, the header cache is stale: remove the "
		    "headers-* files of the model_cache folder" : "");
		err_set_path(err, s->path, 0);
		script_free(t);
		return rc;
	}
	s->text = t->text;
	s->len = t->len;
	s->up = t->up;
	s->down_part = t->down_part;
	s->revises_at = t->revises_at;
	s->revises_len = t->revises_len;
	t->text = NULL;
	script_free(t);
	return 0;
}

void
script_free(struct script *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	if (s->packed) {
		xfree(s->text);
		xfree(s);
		return;
	}
	for (i = 0; i < s->ndown; i++)
		xfree(s->down[i]);
	for (i = 0; i < s->nlabels; i++)
		xfree(s->labels[i]);
	for (i = 0; i < s->ndepends; i++)
		xfree(s->depends[i]);
	xfree(s->down);
	xfree(s->labels);
	xfree(s->depends);
	xfree(s->path);
	xfree(s->rev);
	xfree(s->message);
	xfree(s->create_date);
	xfree(s->author);
	xfree(s->text);
	xfree(s);
}

void
script_checksum(char out[65], const struct script *s, int upgrade)
{
	const struct script_part	*p = upgrade ? &s->up : &s->down_part;

	if (s->text == NULL)
		BUG("checksum of '%s' before script_load_body", s->path);
	sha256_hex_text(out, s->text + p->off, p->len);
}

/*
 * Alembic's slug: the message's words (letters, digits, '_', and any
 * non-ASCII byte) joined by '_' and lower-cased; when longer than max
 * characters, Alembic's slug[:max].rsplit("_", 1)[0] + "_".
 */
char *
script_slug(const char *message, long max)
{
	struct strbuf	 sb = STRBUF_INIT;
	const char	*p;
	size_t		 cut, n;
	int		 inword = 0;

	for (p = message != NULL ? message : ""; *p != '\0'; p++) {
		unsigned char	 c = (unsigned char)*p;

		if (isalnum(c) || c == '_' || c >= 0x80) {
			if (!inword && sb.len > 0)
				strbuf_addch(&sb, '_');
			strbuf_addch(&sb, c < 0x80 ? tolower(c) : c);
			inword = 1;
		} else
			inword = 0;
	}
	/* max counts characters, as Python's slug[:max] does */
	for (cut = 0, n = 0; cut < sb.len && n < (size_t)max; n++) {
		cut++;
		while (cut < sb.len && ((unsigned char)sb.buf[cut] & 0xC0) ==
		    0x80)
			cut++;
	}
	if (max > 0 && cut < sb.len) {
		strbuf_setlen(&sb, cut);
		if ((p = strrchr(sb.buf, '_')) != NULL)
			strbuf_setlen(&sb, (size_t)(p - sb.buf));
		strbuf_addch(&sb, '_');
	}
	return strbuf_detach(&sb, NULL);
}

/*
 * Expand file_template: %(rev)s, %(slug)s, %(epoch)s, %(year)d,
 * %(month).2d, %(day).2d, %(hour).2d, %(minute).2d, %(second).2d (any
 * printf flags, width and precision before d), and %% for '%'.
 */
int
script_file_name(struct strbuf *out, const char *tmpl, const char *rev,
    const char *slug, time_t when, const struct tm *tm, struct err *err)
{
	const char	*p = tmpl, *name, *close, *q;
	int		 pad;
	size_t		 nlen, slen;
	long		 v;

	while (*p != '\0') {
		if (*p != '%') {
			strbuf_addch(out, *p++);
			continue;
		}
		if (p[1] == '%') {
			strbuf_addch(out, '%');
			p += 2;
			continue;
		}
		if (p[1] != '(' || (close = strchr(p + 2, ')')) == NULL)
			return err_set(err, MG_ECONFIG, "file_template: "
			    "'%%' must start '%%(name)s' or be doubled");
		name = p + 2;
		nlen = (size_t)(close - name);
		slen = strspn(close + 1, "-+ #0123456789.");
		if (slen > 8 || (close[1 + slen] != 's' &&
		    close[1 + slen] != 'd'))
			return err_set(err, MG_ECONFIG, "file_template: bad "
			    "conversion after '%%(%.*s)'", (int)nlen, name);
#define NAME_IS(s) (nlen == strlen(s) && strncmp(name, (s), nlen) == 0)
		if (NAME_IS("rev") || NAME_IS("slug")) {
			strbuf_addstr(out, NAME_IS("rev") ? rev : slug);
			p = close + 2 + slen;
			continue;
		}
		if (NAME_IS("epoch"))
			v = (long)when;
		else if (NAME_IS("year"))
			v = tm->tm_year + 1900L;
		else if (NAME_IS("month"))
			v = tm->tm_mon + 1L;
		else if (NAME_IS("day"))
			v = tm->tm_mday;
		else if (NAME_IS("hour"))
			v = tm->tm_hour;
		else if (NAME_IS("minute"))
			v = tm->tm_min;
		else if (NAME_IS("second"))
			v = tm->tm_sec;
		else
			return err_set(err, MG_ECONFIG, "file_template: "
			    "unknown name '%%(%.*s)'", (int)nlen, name);
#undef NAME_IS
		/* %(x)02d and %(x).2d both pad with zeros to 2 digits */
		pad = 0;
		for (q = close + 1; q < close + 1 + slen; q++) {
			if (isdigit((unsigned char)*q) && *q != '0')
				pad = (int)strtol(q, NULL, 10);
			if (isdigit((unsigned char)*q) && *q != '0')
				break;
		}
		/* no file is named that long: refuse before padding 10^8 */
		if (pad > SCRIPT_NAME_MAX)
			return err_set(err, MG_ECONFIG, "file_template: width "
			    "%d in '%%(%.*s)' is more than a file name holds",
			    pad, (int)nlen, name);
		strbuf_addf(out, "%0*ld", pad, v);
		p = close + 2 + slen;
	}
	if (strchr(out->buf, '/') != NULL || strcmp(out->buf, ".") == 0 ||
	    strcmp(out->buf, "..") == 0 || out->len == 0)
		return err_set(err, MG_ECONFIG, "file_template gives '%s', "
		    "which is not a plain file name", out->buf);
	if (out->buf[0] == '.')		/* the graph skips dot files */
		return err_set(err, MG_ECONFIG, "file_template gives '%s', "
		    "a hidden file that no command would read", out->buf);
	return 0;
}

/*
 * Fill ${name} placeholders of a template from vars (name, value pairs,
 * NULL-terminated). An unknown ${name} is left as written.
 */
void
script_render(struct strbuf *out, const char *tmpl, size_t len,
    const char *const *vars)
{
	const char	*p = tmpl, *end = tmpl + len, *close;
	size_t		 i, nlen;

	while (p < end) {
		if (p + 1 < end && p[0] == '$' && p[1] == '{' &&
		    (close = memchr(p, '}', (size_t)(end - p))) != NULL) {
			nlen = (size_t)(close - p - 2);
			for (i = 0; vars[i] != NULL; i += 2) {
				if (strlen(vars[i]) == nlen &&
				    memcmp(vars[i], p + 2, nlen) == 0)
					break;
			}
			if (vars[i] != NULL) {
				strbuf_addstr(out, vars[i + 1]);
				p = close + 1;
				continue;
			}
		}
		strbuf_addch(out, *p++);
	}
}
