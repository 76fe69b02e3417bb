/*
 * Rename hints: read from model comments and --rename, resolved against
 * the database and the model into the diff's renames. See rename.h.
 *
 * The model is not parsed as SQL: a small lexer follows CREATE TABLE
 * statements closely enough to know, at each comment, whether it stands
 * on the line of the statement's head or of one of its columns.
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "rename.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define RENAME_MARK	"migrate:renamed-from"

enum rename_tok {
	TOK_END,
	TOK_WORD,	/* a bare word: a keyword or a name */
	TOK_NAME,	/* a quoted identifier */
	TOK_OTHER,	/* a literal, a number, an operator */
	TOK_PUNCT,	/* ( ) , ; . */
	TOK_HINT	/* a -- migrate:renamed-from comment */
};

struct rename_lex {
	const char	*p;
	unsigned	 line;
	enum sql_flavor	 flavor;
	/* the token read */
	enum rename_tok	 tok;
	unsigned	 tok_line;
	char		 punct;
	struct strbuf	 text;	/* a word or name, folded; a hint's name */
	int		 bad_hint;	/* a hint with no name after it */
};

static int
rename_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' ||
	    (unsigned char)c >= 0x80;
}

/* Skip a quoted run starting at p (the quote), doubled quotes inside. */
static const char *
rename_skip_quoted(struct rename_lex *lx, const char *p, char quote,
    int backslash, struct strbuf *into)
{
	for (p++; *p != '\0'; p++) {
		if (*p == '\n')
			lx->line++;
		if (backslash && *p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == quote) {
			if (p[1] != quote)
				return p + 1;
			p++;
		}
		if (into != NULL)
			strbuf_addch(into, *p);
	}
	return p;
}

/* A name as the database folds it: PostgreSQL lower-cases bare ones. */
static void
rename_fold(struct rename_lex *lx, const char *s, size_t n)
{
	size_t	 i;

	strbuf_reset(&lx->text);
	for (i = 0; i < n; i++)
		strbuf_addch(&lx->text, lx->flavor == SQL_POSTGRES ?
		    (char)tolower((unsigned char)s[i]) : s[i]);
}

/* The name after "-- migrate:renamed-from" in a comment ending at end. */
static void
rename_hint_name(struct rename_lex *lx, const char *p, const char *end)
{
	const char	*q;

	p += strspn(p, " \t");
	lx->bad_hint = 0;
	strbuf_reset(&lx->text);
	if (*p == '"' && p < end) {
		q = rename_skip_quoted(lx, p, '"', 0, &lx->text);
		if (q > end || q[-1] != '"' || lx->text.len == 0)
			lx->bad_hint = 1;
		return;
	}
	for (q = p; q < end && rename_ident_char(*q); q++)
		;
	if (q == p || (q < end && !isspace((unsigned char)*q)))
		lx->bad_hint = 1;
	else
		rename_fold(lx, p, (size_t)(q - p));
}

/* The next token; comments and blanks are skipped, hints are tokens. */
static void
rename_next(struct rename_lex *lx)
{
	const char	*p = lx->p, *q;

	for (;;) {
		while (isspace((unsigned char)*p)) {
			if (*p == '\n')
				lx->line++;
			p++;
		}
		if (p[0] == '-' && p[1] == '-') {
			const char	*end = p + strcspn(p, "\n");

			q = p + 2 + strspn(p + 2, " \t");
			if (strncmp(q, RENAME_MARK, strlen(RENAME_MARK)) == 0) {
				rename_hint_name(lx, q + strlen(RENAME_MARK),
				    end);
				lx->tok = TOK_HINT;
				lx->tok_line = lx->line;
				lx->p = end;
				return;
			}
			p = end;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			int	 depth = 1;

			for (p += 2; *p != '\0' && depth > 0; p++) {
				if (*p == '\n')
					lx->line++;
				else if (p[0] == '*' && p[1] == '/')
					depth--, p++;
				else if (p[0] == '/' && p[1] == '*' &&
				    lx->flavor == SQL_POSTGRES)
					depth++, p++;
			}
			continue;
		}
		break;
	}
	lx->tok_line = lx->line;
	if (*p == '\0') {
		lx->tok = TOK_END;
	} else if (*p == '"' || (*p == '`' && lx->flavor == SQL_SQLITE) ||
	    (*p == '[' && lx->flavor == SQL_SQLITE)) {
		strbuf_reset(&lx->text);
		p = rename_skip_quoted(lx, p, *p == '[' ? ']' : *p, 0,
		    &lx->text);
		lx->tok = TOK_NAME;
	} else if (*p == '\'') {
		p = rename_skip_quoted(lx, p, '\'', 0, NULL);
		lx->tok = TOK_OTHER;
	} else if ((*p == 'E' || *p == 'e') && p[1] == '\'' &&
	    lx->flavor == SQL_POSTGRES) {
		p = rename_skip_quoted(lx, p + 1, '\'', 1, NULL);
		lx->tok = TOK_OTHER;
	} else if (*p == '$' && lx->flavor == SQL_POSTGRES &&
	    (q = strchr(p + 1, '$')) != NULL &&
	    strspn(p + 1, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == (size_t)(q - p - 1)) {
		/* $tag$ ... $tag$ */
		size_t		 n = (size_t)(q - p) + 1;
		const char	*end;

		for (end = q + 1; *end != '\0' && strncmp(end, p, n) != 0;
		    end++)
			lx->line += *end == '\n';
		p = *end != '\0' ? end + n : end;
		lx->tok = TOK_OTHER;
	} else if (rename_ident_char(*p)) {
		for (q = p; rename_ident_char(*q); q++)
			;
		rename_fold(lx, p, (size_t)(q - p));
		lx->tok = isdigit((unsigned char)*p) ? TOK_OTHER : TOK_WORD;
		p = q;
	} else if (strchr("(),;.", *p) != NULL) {
		lx->tok = TOK_PUNCT;
		lx->punct = *p++;
	} else {
		lx->tok = TOK_OTHER;
		p++;
	}
	lx->p = p;
}

static int
rename_is(const struct rename_lex *lx, const char *word)
{
	return lx->tok == TOK_WORD && strcasecmp(lx->text.buf, word) == 0;
}

static int
rename_hint_error(struct err *err, const char *path, unsigned line,
    const char *why)
{
	err_set(err, MG_ECONFIG, "\"-- " RENAME_MARK "\": %s", why);
	err_set_path(err, path, line);
	return MG_ECONFIG;
}

static struct rename_hint *
rename_hints_push(struct rename_hints *h)
{
	struct rename_hint	*x;

	if (h->n == h->alloc) {
		h->alloc = h->alloc ? h->alloc * 2 : 8;
		h->v = xrealloc(h->v, h->alloc * sizeof *h->v);
	}
	x = &h->v[h->n++];
	memset(x, 0, sizeof *x);
	return x;
}

/* Where a CREATE TABLE statement is, for the hint that comes next. */
enum rename_where {
	AT_NOTHING,	/* not in a CREATE TABLE */
	AT_CREATE,	/* CREATE [TEMP ...]: TABLE may come */
	AT_TABLE,	/* CREATE TABLE [IF NOT EXISTS]: the name comes */
	AT_NAME,	/* after the name ([schema.]name) */
	AT_BODY		/* inside the ( ... ) */
};

int
rename_hints_scan(struct rename_hints *h, const char *path, const char *text,
    enum sql_flavor flavor, struct err *err)
{
	struct rename_lex	 lx;
	enum rename_where	 at = AT_NOTHING;
	struct strbuf		 nspace = STRBUF_INIT, table = STRBUF_INIT;
	struct strbuf		 elem = STRBUF_INIT;
	unsigned		 last_line = 0, elem_line = 0;
	int			 first = 1, depth = 0, want_elem = 0;
	int			 elem_col = 0, dot = 0, rc = 0;
	size_t			 i;

	if (strstr(text, RENAME_MARK) == NULL)
		return 0;
	memset(&lx, 0, sizeof lx);
	lx.p = text;
	lx.line = 1;
	lx.flavor = flavor;
	strbuf_init(&lx.text, 0);
	for (rename_next(&lx); lx.tok != TOK_END && rc == 0;
	    rename_next(&lx)) {
		struct rename_hint	*x;
		int			 is_table;

		if (lx.tok == TOK_HINT) {
			is_table = at == AT_TABLE || at == AT_NAME ||
			    (at == AT_BODY && elem_line == 0);
			if (lx.bad_hint)
				rc = rename_hint_error(err, path, lx.tok_line,
				    "a name must follow it");
			else if (is_table ? last_line != lx.tok_line ||
			    table.len == 0 : at != AT_BODY ||
			    elem_line != lx.tok_line || !elem_col)
				rc = rename_hint_error(err, path, lx.tok_line,
				    "it must stand on the line of the column "
				    "it renames, or on the CREATE TABLE line");
			if (rc != 0)
				break;
			for (i = 0; i < h->n && rc == 0; i++) {
				const struct rename_hint *y = &h->v[i];

				if (y->file == NULL ||
				    strcmp(y->table, table.buf) != 0 ||
				    is_table != (y->column == NULL))
					continue;
				if (is_table || strcmp(y->column,
				    elem.buf) == 0)
					rc = rename_hint_error(err, path,
					    lx.tok_line, "a second one for the "
					    "same name");
				else if (strcmp(y->from, lx.text.buf) == 0) {
					strbuf_reset(&elem);
					strbuf_addf(&elem, "column %s is "
					    "renamed twice (see line %u)",
					    y->from, y->line);
					rc = rename_hint_error(err, path,
					    lx.tok_line, elem.buf);
				}
			}
			if (rc != 0)
				break;
			x = rename_hints_push(h);
			x->nspace = nspace.len > 0 ? xstrdup(nspace.buf) : NULL;
			x->table = xstrdup(table.buf);
			x->column = is_table ? NULL : xstrdup(elem.buf);
			x->from = xstrdup(lx.text.buf);
			x->file = xstrdup(path);
			x->line = lx.tok_line;
			continue;
		}
		last_line = lx.tok_line;
		if (lx.tok == TOK_PUNCT && lx.punct == ';' && depth == 0) {
			at = AT_NOTHING;
			first = 1;
			continue;
		}
		if (lx.tok == TOK_PUNCT && lx.punct == '(') {
			if (depth++ == 0 && at == AT_NAME) {
				at = AT_BODY;
				want_elem = 1;
				elem_line = 0;
			}
			continue;
		}
		if (lx.tok == TOK_PUNCT && lx.punct == ')') {
			depth -= depth > 0;
			continue;
		}
		if (lx.tok == TOK_PUNCT && lx.punct == ',') {
			want_elem = at == AT_BODY && depth == 1;
			continue;
		}
		if (lx.tok == TOK_PUNCT && lx.punct == '.') {
			dot = at == AT_NAME;
			continue;
		}
		if (first) {
			first = 0;
			at = rename_is(&lx, "CREATE") ? AT_CREATE : AT_NOTHING;
			continue;
		}
		switch (at) {
		case AT_CREATE:
			if (rename_is(&lx, "TABLE"))
				at = AT_TABLE;
			else if (!rename_is(&lx, "TEMP") &&
			    !rename_is(&lx, "TEMPORARY") &&
			    !rename_is(&lx, "UNLOGGED") &&
			    !rename_is(&lx, "GLOBAL") && !rename_is(&lx, "LOCAL"))
				at = AT_NOTHING;
			break;
		case AT_TABLE:
			if (rename_is(&lx, "IF") || rename_is(&lx, "NOT") ||
			    rename_is(&lx, "EXISTS"))
				break;
			strbuf_reset(&nspace);
			strbuf_reset(&table);
			strbuf_add(&table, lx.text.buf, lx.text.len);
			at = AT_NAME;
			dot = 0;
			break;
		case AT_NAME:
			if (dot && (lx.tok == TOK_WORD || lx.tok == TOK_NAME)) {
				strbuf_reset(&nspace);
				strbuf_add(&nspace, table.buf, table.len);
				strbuf_reset(&table);
				strbuf_add(&table, lx.text.buf, lx.text.len);
				dot = 0;
			}
			break;
		case AT_BODY:
			if (!want_elem || depth != 1)
				break;
			want_elem = 0;
			strbuf_reset(&elem);
			strbuf_add(&elem, lx.text.buf, lx.text.len);
			elem_line = lx.tok_line;
			elem_col = lx.tok == TOK_NAME || (lx.tok == TOK_WORD &&
			    !rename_is(&lx, "CONSTRAINT") &&
			    !rename_is(&lx, "PRIMARY") &&
			    !rename_is(&lx, "UNIQUE") &&
			    !rename_is(&lx, "CHECK") &&
			    !rename_is(&lx, "FOREIGN") &&
			    !rename_is(&lx, "EXCLUDE") &&
			    !rename_is(&lx, "LIKE"));
			break;
		case AT_NOTHING:
			break;
		}
	}
	strbuf_release(&lx.text);
	strbuf_release(&nspace);
	strbuf_release(&table);
	strbuf_release(&elem);
	return rc;
}

/* One name of a --rename argument: bare, or "quoted"; at *p. */
static int
rename_arg_name(struct strbuf *out, const char **pp, enum sql_flavor flavor)
{
	const char	*p = *pp;

	strbuf_reset(out);
	if (*p == '"') {
		for (p++; *p != '\0'; p++) {
			if (*p == '"' && p[1] != '"')
				break;
			p += *p == '"';
			strbuf_addch(out, *p);
		}
		if (*p != '"')
			return -1;
		p++;
	} else {
		for (; *p != '\0' && *p != '.' && *p != '='; p++)
			strbuf_addch(out, flavor == SQL_POSTGRES ?
			    (char)tolower((unsigned char)*p) : *p);
	}
	*pp = p;
	return out->len > 0 ? 0 : -1;
}

/* NAME[.NAME...] up to '=' or the end, into v (at most 3). */
static int
rename_arg_side(struct strbuf v[3], size_t *n, const char **pp,
    enum sql_flavor flavor)
{
	for (*n = 0; *n < 3;) {
		if (rename_arg_name(&v[(*n)++], pp, flavor) != 0)
			return -1;
		if (**pp != '.')
			return 0;
		(*pp)++;
	}
	return -1;
}

int
rename_hints_arg(struct rename_hints *h, const char *arg,
    enum sql_flavor flavor, struct err *err)
{
	struct strbuf		 l[3], r[3];
	struct rename_hint	*x;
	const char		*p = arg;
	size_t			 nl = 0, nr = 0, i;
	int			 rc = 0;

	for (i = 0; i < 3; i++) {
		strbuf_init(&l[i], 0);
		strbuf_init(&r[i], 0);
	}
	if (rename_arg_side(l, &nl, &p, flavor) != 0 || *p++ != '=' ||
	    rename_arg_side(r, &nr, &p, flavor) != 0 || *p != '\0' ||
	    nl != nr || (nl == 3 && strcmp(l[0].buf, r[0].buf) != 0)) {
		rc = err_set(err, MG_EUSAGE, "--rename '%s': expected "
		    "OLD=NEW or TABLE.OLD=TABLE.NEW (SCHEMA.TABLE.OLD="
		    "SCHEMA.TABLE.NEW)", arg);
		goto done;
	}
	x = rename_hints_push(h);
	if (nl == 3)
		x->nspace = xstrdup(r[0].buf);
	x->table = xstrdup(r[nl - (nl > 1 ? 2 : 1)].buf);
	if (nl == 1) {
		x->from = xstrdup(l[0].buf);
	} else {
		x->column = xstrdup(r[nl - 1].buf);
		x->from = xstrdup(l[nl - 1].buf);
		x->from_table = xstrdup(l[nl - 2].buf);
	}
done:
	for (i = 0; i < 3; i++) {
		strbuf_release(&l[i]);
		strbuf_release(&r[i]);
	}
	return rc;
}

void
rename_hints_release(struct rename_hints *h)
{
	size_t	 i;

	for (i = 0; i < h->n; i++) {
		xfree(h->v[i].nspace);
		xfree(h->v[i].table);
		xfree(h->v[i].column);
		xfree(h->v[i].from);
		xfree(h->v[i].from_table);
		xfree(h->v[i].file);
	}
	xfree(h->v);
	memset(h, 0, sizeof *h);
}

/*
 * Resolving.
 */

struct rename_ctx {
	const struct schema	*from, *to;
	enum sql_flavor		 flavor;
	struct diff_renames	*out;
};

/* SQLite's names are case-blind; PostgreSQL's were folded already. */
static int
rename_same(const struct rename_ctx *c, const char *a, const char *b)
{
	return c->flavor == SQL_SQLITE ? strcasecmp(a, b) == 0 :
	    strcmp(a, b) == 0;
}

static const struct schema_table *
rename_find_table(const struct rename_ctx *c, const struct schema *s,
    const char *nspace, const char *name)
{
	size_t	 i;

	for (i = 0; i < s->ntables; i++) {
		const struct schema_table *t = s->tables[i];

		if (rename_same(c, t->name, name) && (nspace == NULL ||
		    (t->schema != NULL && strcmp(t->schema, nspace) == 0)))
			return t;
	}
	return NULL;
}

static const struct schema_column *
rename_find_column(const struct rename_ctx *c, const struct schema_table *t,
    const char *name)
{
	size_t	 i;

	for (i = 0; i < t->ncolumns; i++) {
		if (rename_same(c, t->columns[i]->name, name))
			return t->columns[i];
	}
	return NULL;
}

/* The table of from that t of to is: renamed, or of the same name. */
static const struct schema_table *
rename_from_table(const struct rename_ctx *c, const struct schema_table *t)
{
	size_t	 i;

	for (i = 0; i < c->out->n; i++) {
		if (c->out->v[i].fc == NULL && c->out->v[i].tt == t)
			return c->out->v[i].ft;
	}
	return rename_find_table(c, c->from, t->schema, t->name);
}

static int	rename_error(struct err *, const struct rename_hint *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));

static int
rename_error(struct err *err, const struct rename_hint *x, const char *fmt,
    ...)
{
	struct strbuf	 sb = STRBUF_INIT;
	va_list		 ap;

	if (x->file != NULL) {
		strbuf_addf(&sb, "\"-- " RENAME_MARK " %s\" on %s", x->from,
		    x->column != NULL ? x->column : x->table);
	} else if (x->column != NULL) {
		strbuf_addf(&sb, "--rename %s.%s=%s.%s", x->from_table,
		    x->from, x->table, x->column);
	} else {
		strbuf_addf(&sb, "--rename %s=%s", x->from, x->table);
	}
	strbuf_addstr(&sb, ": ");
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	err_set(err, x->file != NULL ? MG_ECONFIG : MG_EUSAGE, "%s", sb.buf);
	if (x->file != NULL)
		err_set_path(err, x->file, x->line);
	strbuf_release(&sb);
	return err->code;
}

/* Whether the diff would drop a table of from that no rename keeps. */
static const struct schema_table *
rename_dropped_table(const struct rename_ctx *c)
{
	size_t	 i, j;

	for (i = 0; i < c->from->ntables; i++) {
		const struct schema_table *ft = c->from->tables[i];
		int	 kept = rename_find_table(c, c->to, ft->schema,
			    ft->name) != NULL;

		for (j = 0; !kept && j < c->out->n; j++)
			kept = c->out->v[j].ft == ft;
		if (!kept)
			return ft;
	}
	return NULL;
}

static int
rename_table(struct rename_ctx *c, const struct rename_hint *x,
    const struct schema_table *tt, struct err *err)
{
	const struct schema_table	*old, *now, *gone;
	size_t				 i;

	old = rename_find_table(c, c->from, tt->schema, x->from);
	now = rename_find_table(c, c->from, tt->schema, tt->name);
	if (old != NULL && now != NULL && old != now)
		return rename_error(err, x, "the database has both %s and %s",
		    old->name, now->name);
	for (i = 0; old != NULL && i < c->out->n; i++) {
		if (c->out->v[i].fc == NULL && c->out->v[i].ft == old)
			return rename_error(err, x, "%s is renamed twice",
			    old->name);
	}
	if (old != NULL && old != now) {
		diff_renames_add(c->out, old, tt, NULL, NULL);
		return 0;
	}
	if (x->file == NULL)
		return rename_error(err, x, "the database has no table %s%s",
		    x->from, now != NULL ? " (the new name is there already)" :
		    "");
	if (now == NULL && (gone = rename_dropped_table(c)) != NULL)
		return rename_error(err, x, "the database has no table %s, and "
		    "the revision would drop its table %s", x->from,
		    gone->name);
	return 0;
}

static int
rename_column(struct rename_ctx *c, const struct rename_hint *x,
    const struct schema_table *tt, struct err *err)
{
	const struct schema_table	*ft = rename_from_table(c, tt);
	const struct schema_column	*tc, *old, *now;
	size_t				 i;

	if ((tc = rename_find_column(c, tt, x->column)) == NULL)
		return rename_error(err, x, "the model's table %s has no "
		    "column %s", tt->name, x->column);
	if (ft == NULL) {
		if (x->file == NULL)
			return rename_error(err, x, "the database has no "
			    "table %s", tt->name);
		return 0;	/* a new table: nothing to rename */
	}
	if (x->from_table != NULL && !rename_same(c, x->from_table,
	    ft->name))
		return rename_error(err, x, "the database's table for %s is "
		    "%s", tt->name, ft->name);
	old = rename_find_column(c, ft, x->from);
	now = rename_find_column(c, ft, tc->name);
	if (old != NULL && now != NULL && old != now)
		return rename_error(err, x, "the database's table has both %s "
		    "and %s", old->name, now->name);
	for (i = 0; old != NULL && i < c->out->n; i++) {
		if (c->out->v[i].fc == old)
			return rename_error(err, x, "%s is renamed twice",
			    old->name);
	}
	if (old != NULL && old != now) {
		diff_renames_add(c->out, ft, tt, old, tc);
		return 0;
	}
	if (x->file == NULL)
		return rename_error(err, x, "the database's %s has no column "
		    "%s", ft->name, x->from);
	if (now != NULL)
		return 0;	/* done already */
	for (i = 0; i < ft->ncolumns; i++) {
		if (rename_find_column(c, tt, ft->columns[i]->name) == NULL)
			return rename_error(err, x, "the database's table has "
			    "no column %s, and the revision would drop its "
			    "column %s", x->from, ft->columns[i]->name);
	}
	return 0;
}

/* The table of from that tt of to is: renamed into it, or by its name. */
static const struct schema_table *
rename_source(const struct rename_ctx *c, const struct schema_table *tt)
{
	size_t	 i;

	for (i = 0; i < c->out->n; i++) {
		if (c->out->v[i].tt == tt && c->out->v[i].fc == NULL)
			return c->out->v[i].ft;
	}
	return schema_find_table(c->from, tt->schema, tt->name);
}

static int
rename_taken(const struct rename_ctx *c, const void *ft, const void *fc)
{
	size_t	 i;

	for (i = 0; i < c->out->n; i++) {
		if (fc == NULL ? c->out->v[i].ft == ft &&
		    c->out->v[i].fc == NULL : c->out->v[i].fc == fc)
			return 1;
	}
	return 0;
}

/*
 * SQLite: a table or column whose name differs only in case is the same
 * one (SQLite says so), made to match the model by a rename instead of a
 * drop and a create that would collide, or lose its rows.
 */
static void
rename_case(struct rename_ctx *c)
{
	const struct schema_table	*ft, *tt;
	const struct schema_column	*fc, *tc;
	size_t				 i, j;

	for (i = 0; i < c->to->ntables; i++) {
		tt = c->to->tables[i];
		if (rename_source(c, tt) != NULL ||
		    (ft = rename_find_table(c, c->from, NULL, tt->name)) ==
		    NULL || rename_taken(c, ft, NULL) ||
		    schema_find_table(c->to, NULL, ft->name) != NULL)
			continue;
		diff_renames_add(c->out, ft, tt, NULL, NULL);
	}
	for (i = 0; i < c->to->ntables; i++) {
		tt = c->to->tables[i];
		if ((ft = rename_source(c, tt)) == NULL)
			continue;
		for (j = 0; j < tt->ncolumns; j++) {
			tc = tt->columns[j];
			if (schema_find_column(ft, tc->name) != NULL ||
			    (fc = rename_find_column(c, ft, tc->name)) ==
			    NULL || rename_taken(c, ft, fc) ||
			    schema_find_column(tt, fc->name) != NULL)
				continue;
			diff_renames_add(c->out, ft, tt, fc, tc);
		}
	}
}

int
rename_resolve(struct diff_renames *out, const struct rename_hints *h,
    const struct schema *from, const struct schema *to,
    enum sql_flavor flavor, struct err *err)
{
	struct rename_ctx	 c;
	size_t			 i, pass;
	int			 rc = 0;

	c.from = from;
	c.to = to;
	c.flavor = flavor;
	c.out = out;
	/* tables first: a column's table may be renamed too */
	for (pass = 0; pass < 2 && rc == 0; pass++) {
		for (i = 0; i < h->n && rc == 0; i++) {
			const struct rename_hint	*x = &h->v[i];
			const struct schema_table	*tt;

			if ((x->column == NULL) != (pass == 0))
				continue;
			tt = rename_find_table(&c, to, x->nspace, x->table);
			if (tt == NULL) {
				/* a model table that the filters leave out */
				if (x->file == NULL)
					rc = rename_error(err, x, "the model "
					    "has no table %s", x->table);
				continue;
			}
			rc = x->column == NULL ? rename_table(&c, x, tt, err) :
			    rename_column(&c, x, tt, err);
		}
	}
	if (rc == 0 && flavor == SQL_SQLITE)
		rename_case(&c);
	if (rc != 0)
		diff_renames_release(out);
	return rc;
}
