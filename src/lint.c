/*
 * Lint of risky changes in a revision's upgrade part. See lint.h.
 *
 * Each statement is read as a row of words: keywords upper-cased, quoted
 * names and string literals kept whole as one word each, so that a name
 * holding "DROP TABLE" is not taken for the statement.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lint.h"
#include "schema.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define LINT_IGNORE	"migrate:lint-ignore"

/* The first place of needle in the n bytes at p, or NULL. */
static const char *
lint_memstr(const char *p, size_t n, const char *needle)
{
	size_t	 k = strlen(needle), i;

	for (i = 0; i + k <= n; i++) {
		if (memcmp(p + i, needle, k) == 0)
			return p + i;
	}
	return NULL;
}

/* A statement as words. */
struct lint_words {
	struct strv	 w;
};

static void
lint_words(struct lint_words *out, const char *sql)
{
	const char	*p = sql, *s;
	size_t		 i;

	memset(out, 0, sizeof *out);
	while (*p != '\0') {
		if (isspace((unsigned char)*p)) {
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			s = strstr(p + 2, "*/");
			p = s != NULL ? s + 2 : p + strlen(p);
		} else if (*p == '\'' || *p == '"') {
			char	 q = *p;

			for (s = p + 1; *s != '\0'; s++) {
				if (*s == q && s[1] == q)
					s++;
				else if (*s == q)
					break;
			}
			if (*s != '\0')
				s++;
			strv_pushn(&out->w, p, (size_t)(s - p));
			p = s;
		} else if (isalnum((unsigned char)*p) || *p == '_' ||
		    (unsigned char)*p >= 0x80) {
			for (s = p; isalnum((unsigned char)*s) || *s == '_' ||
			    *s == '$' || (unsigned char)*s >= 0x80; s++)
				;
			strv_pushn(&out->w, p, (size_t)(s - p));
			for (i = 0; i < (size_t)(s - p); i++)
				out->w.v[out->w.n - 1][i] = (char)toupper(
				    (unsigned char)out->w.v[out->w.n - 1][i]);
			p = s;
		} else {
			strv_pushn(&out->w, p, 1);
			p++;
		}
	}
}

/* Whether word i is kw. */
static int
lint_is(const struct lint_words *x, size_t i, const char *kw)
{
	return i < x->w.n && strcmp(x->w.v[i], kw) == 0;
}

/* The index of keyword kw at or after i, or w.n. */
static size_t
lint_find(const struct lint_words *x, size_t i, const char *kw)
{
	for (; i < x->w.n; i++) {
		if (strcmp(x->w.v[i], kw) == 0)
			return i;
	}
	return x->w.n;
}

/*
 * The table named from word i on ([schema.]name, quoted or not), as a
 * key to compare: its last part, unquoted, lower-cased unless quoted.
 */
static void
lint_table(struct strbuf *out, const struct lint_words *x, size_t i)
{
	const char	*w;
	size_t		 j;

	strbuf_reset(out);
	while (i + 2 < x->w.n && strcmp(x->w.v[i + 1], ".") == 0)
		i += 2;
	if (i >= x->w.n)
		return;
	w = x->w.v[i];
	if (w[0] == '"') {
		for (j = 1; w[j] != '\0' && w[j + 1] != '\0'; j++) {
			strbuf_addch(out, w[j]);
			if (w[j] == '"')
				j++;
		}
		return;
	}
	for (j = 0; w[j] != '\0'; j++)
		strbuf_addch(out, (char)tolower((unsigned char)w[j]));
}

static void
lint_add(struct lint_findings *out, const char *rule, unsigned line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
lint_add(struct lint_findings *out, const char *rule, unsigned line,
    const char *fmt, ...)
{
	struct strbuf	 sb = STRBUF_INIT;
	va_list		 ap;
	size_t		 i;

	for (i = 0; i < out->n; i++) {		/* one a rule a statement */
		if (out->v[i].line == line && strcmp(out->v[i].rule,
		    rule) == 0)
			return;
	}
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (out->n == out->alloc) {
		out->alloc = out->alloc ? out->alloc * 2 : 8;
		out->v = xrealloc(out->v, out->alloc * sizeof *out->v);
	}
	out->v[out->n].rule = rule;
	out->v[out->n].line = line;
	out->v[out->n].message = strbuf_detach(&sb, NULL);
	out->n++;
}

/* The rules, with what each says; see migrate(1), LINT. */
#define R_DROP_TABLE	"drop-table"
#define R_DROP_COLUMN	"drop-column"
#define R_NARROW	"narrow-type"
#define R_NOT_NULL	"add-not-null"
#define R_REWRITE	"table-rewrite"
#define R_INDEX		"index-concurrently"
#define R_NOT_VALID	"constraint-not-valid"
#define R_RENAME	"rename"

static const char *const lint_rules[] = {
	R_DROP_TABLE, R_DROP_COLUMN, R_NARROW, R_NOT_NULL, R_REWRITE, R_INDEX,
	R_NOT_VALID, R_RENAME, NULL
};

/* One statement's findings (created: tables made earlier in the part). */
static int
lint_has(const struct strv *v, const char *s)
{
	size_t	 i;

	for (i = 0; i < v->n; i++) {
		if (strcmp(v->v[i], s) == 0)
			return 1;
	}
	return 0;
}

/*
 * One statement's findings. created: the tables made earlier in the
 * part (empty: nothing to lock or lose); rebuilt: those a SQLite rebuild
 * copied into its new table, whose DROP and RENAME are the rebuild's.
 */
static void
lint_stmt(struct lint_findings *out, const struct lint_words *x,
    unsigned line, enum sql_flavor flavor, const struct strv *created,
    const struct strv *rebuilt)
{
	struct strbuf	 t = STRBUF_INIT;
	size_t		 i, k, n;
	int		 fresh;

	if (lint_is(x, 0, "DROP") && lint_is(x, 1, "TABLE")) {
		i = 2;
		while (lint_is(x, i, "IF") || lint_is(x, i, "EXISTS"))
			i++;
		lint_table(&t, x, i);
		if (!lint_has(rebuilt, t.buf))
			lint_add(out, R_DROP_TABLE, line, "drops a table and "
			    "its rows; fix: drop it in a later revision, once "
			    "no code reads it, and keep a backup");
	}
	if (lint_is(x, 0, "CREATE") && (lint_is(x, 1, "INDEX") ||
	    (lint_is(x, 1, "UNIQUE") && lint_is(x, 2, "INDEX"))) &&
	    flavor == SQL_POSTGRES && lint_find(x, 0, "CONCURRENTLY") ==
	    x->w.n) {
		lint_table(&t, x, lint_find(x, 0, "ON") + 1 +
		    lint_is(x, lint_find(x, 0, "ON") + 1, "ONLY"));
		if (!lint_has(created, t.buf))
			lint_add(out, R_INDEX, line, "CREATE INDEX blocks "
			    "writes to the table while it builds; fix: CREATE "
			    "INDEX CONCURRENTLY, in a revision marked "
			    "Transactional: no");
	}
	if (!lint_is(x, 0, "ALTER") || !lint_is(x, 1, "TABLE"))
		goto done;
	i = 2;
	while (lint_is(x, i, "IF") || lint_is(x, i, "EXISTS") ||
	    lint_is(x, i, "ONLY"))
		i++;
	lint_table(&t, x, i);
	fresh = lint_has(created, t.buf);
	/* a rebuild's new table taking the old one's name */
	if (strncmp(t.buf, "_migrate_new_", 13) == 0)
		goto done;
	if (lint_find(x, i, "DROP") < x->w.n &&
	    lint_is(x, lint_find(x, i, "DROP") + 1, "COLUMN"))
		lint_add(out, R_DROP_COLUMN, line, "drops a column and its "
		    "values, and breaks code that still reads it; fix: stop "
		    "reading it first, drop it in a later revision");
	if (lint_find(x, i, "RENAME") < x->w.n)
		lint_add(out, R_RENAME, line, "renames what the running "
		    "code still names; fix: add the new name beside the old "
		    "(expand), move the code, drop the old later (contract)");
	if (flavor == SQL_POSTGRES && lint_find(x, i, "TYPE") < x->w.n &&
	    lint_find(x, i, "ALTER") < lint_find(x, i, "TYPE"))
		lint_add(out, R_REWRITE, line, "a type change rewrites the "
		    "table and its indexes under an exclusive lock (unless "
		    "the types are binary-compatible); fix: on a large table, "
		    "add a column, backfill in batches, switch over");
	k = lint_find(x, i, "ADD");
	/* the NOT of NOT NULL (IF NOT EXISTS has one too) */
	for (n = lint_find(x, k, "NOT"); n < x->w.n && !lint_is(x, n + 1,
	    "NULL"); n = lint_find(x, n + 1, "NOT"))
		;
	if (k < x->w.n && !fresh && (lint_is(x, k + 1, "COLUMN") ||
	    (!lint_is(x, k + 1, "CONSTRAINT") && !lint_is(x, k + 1,
	    "PRIMARY") && !lint_is(x, k + 1, "UNIQUE") && !lint_is(x, k + 1,
	    "CHECK") && !lint_is(x, k + 1, "FOREIGN"))) &&
	    n < x->w.n && lint_find(x, k, "DEFAULT") == x->w.n &&
	    lint_find(x, k, "GENERATED") == x->w.n)
		lint_add(out, R_NOT_NULL, line, "a NOT NULL column without a "
		    "default fails on a table that has rows; fix: add it "
		    "nullable or with a DEFAULT, backfill, then SET NOT NULL");
	if (flavor == SQL_POSTGRES && k < x->w.n && !fresh &&
	    (lint_find(x, k, "FOREIGN") < x->w.n || lint_find(x, k,
	    "CHECK") < x->w.n) && lint_find(x, k, "VALID") == x->w.n)
		lint_add(out, R_NOT_VALID, line, "adding a foreign key or "
		    "check reads every row under a lock; fix: add it NOT "
		    "VALID, then VALIDATE CONSTRAINT in a later revision");
done:
	strbuf_release(&t);
}

/*
 * The -- WARNING: comments autogenerate writes before a statement: what
 * the SQL alone does not show (a narrowing, a SQLite rebuild's drops).
 */
static void
lint_warnings(struct lint_findings *out, const char *text, size_t len,
    unsigned line0, const struct sql_stmts *stmts)
{
	const char	*p = text, *e = text + len, *nl;
	unsigned	 line = line0;
	size_t		 j;

	for (; p < e; p = nl + 1, line++) {
		unsigned	 at = 0;

		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if (strncmp(p, "-- WARNING: ", 12) != 0)
			continue;
		for (j = 0; j < stmts->n && at == 0; j++) {
			if (line0 - 1 + stmts->v[j].line > line)
				at = line0 - 1 + stmts->v[j].line;
		}
		if (at == 0)
			continue;
		if (strncmp(p + 12, "drop column", 11) == 0)
			lint_add(out, R_DROP_COLUMN, at, "drops a column and "
			    "its values, and breaks code that still reads it; "
			    "fix: stop reading it first, drop it in a later "
			    "revision");
		else if (lint_memstr(p, (size_t)(nl - p),
		    "may not hold every") != NULL)
			lint_add(out, R_NARROW, at, "narrows a type: values "
			    "that do not fit fail the upgrade or are cut; fix: "
			    "check the data first, or keep the wider type");
	}
}

/*
 * Whether an ignore comment silences rule at line: one on the comment
 * lines just above it (stacked comments add up; a statement line in
 * between ends them), or at the end of the statement's first line.
 */
static int
lint_ignored(const char *text, size_t len, unsigned line0, unsigned line,
    const char *rule)
{
	const char	*p = text, *e = text + len, *nl, *m, *c;
	unsigned	 l = line0;
	int		 hit = 0;

	for (; p < e && l <= line; p = nl + 1, l++) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		c = p + strspn(p, " \t");
		m = lint_memstr(p, (size_t)(nl - p), LINT_IGNORE);
		if (l < line && c < nl && *c != '\r' && !(c + 1 < nl &&
		    c[0] == '-' && c[1] == '-')) {
			hit = 0;	/* a statement line comes between */
			continue;
		}
		if (m == NULL || m < p + 2 || lint_memstr(p, (size_t)(m - p),
		    "--") == NULL)
			continue;
		for (m += strlen(LINT_IGNORE); m < nl && !hit;) {
			size_t	 n;

			m += strspn(m, " \t,");
			n = strcspn(m, " \t,\r\n");
			if (n == 0)
				break;
			hit = n == strlen(rule) && strncmp(m, rule, n) == 0;
			m += n;
		}
	}
	return hit;
}

int
lint_script(struct lint_findings *out, const struct script *sc,
    enum sql_flavor flavor, struct err *err)
{
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	struct lint_findings	 all = LINT_FINDINGS_INIT;
	struct lint_words	 x;
	struct strv		 created = { NULL, 0 }, rebuilt = { NULL, 0 };
	struct strbuf		 t = STRBUF_INIT;
	const char		*text = sc->text + sc->up.off;
	unsigned		 line0 = sc->up.line;
	size_t			 i, j;
	int			 rc;

	if ((rc = sqlsplit_parse(&stmts, text, sc->up.len, flavor,
	    err)) != 0) {
		err->line += line0 - 1;
		err_set_path(err, sc->path, 0);
		goto done;
	}
	for (i = 0; i < stmts.n; i++) {
		lint_words(&x, stmts.v[i].sql);
		lint_stmt(&all, &x, line0 - 1 + stmts.v[i].line, flavor,
		    &created, &rebuilt);
		/* INSERT INTO "_migrate_new_t" (...) SELECT ... FROM t */
		if (lint_is(&x, 0, "INSERT") && x.w.n > 2 &&
		    strstr(x.w.v[2], "_migrate_new_") != NULL &&
		    (j = lint_find(&x, 3, "FROM")) < x.w.n) {
			lint_table(&t, &x, j + 1);
			strv_push(&rebuilt, t.buf);
		}
		if (lint_is(&x, 0, "CREATE") && (j = lint_find(&x, 0,
		    "TABLE")) < 4) {
			while (lint_is(&x, j + 1, "IF") || lint_is(&x, j + 1,
			    "NOT") || lint_is(&x, j + 1, "EXISTS"))
				j++;
			lint_table(&t, &x, j + 1);
			strv_push(&created, t.buf);
		}
		if (flavor == SQL_SQLITE && lint_is(&x, 0, "CREATE") &&
		    lint_is(&x, 1, "TABLE") && x.w.n > 2 &&
		    strstr(x.w.v[2], "_migrate_new_") != NULL)
			lint_add(&all, R_REWRITE, line0 - 1 + stmts.v[i].line,
			    "rebuilds the table: every row is copied, under "
			    "the database's write lock; fix: on a large table, "
			    "run it at a quiet time");
		strv_release(&x.w);
	}
	lint_warnings(&all, text, sc->up.len, line0, &stmts);
	for (i = 0; i < all.n; i++) {
		if (lint_ignored(text, sc->up.len, line0, all.v[i].line,
		    all.v[i].rule)) {
			xfree(all.v[i].message);
			continue;
		}
		if (out->n == out->alloc) {
			out->alloc = out->alloc ? out->alloc * 2 : 8;
			out->v = xrealloc(out->v, out->alloc * sizeof *out->v);
		}
		out->v[out->n++] = all.v[i];
	}
done:
	xfree(all.v);
	strv_release(&created);
	strv_release(&rebuilt);
	strbuf_release(&t);
	sqlsplit_release(&stmts);
	return rc;
}

void
lint_findings_release(struct lint_findings *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		xfree(f->v[i].message);
	xfree(f->v);
	memset(f, 0, sizeof *f);
}

int
lint_rule_known(const char *name)
{
	size_t	 i;

	for (i = 0; lint_rules[i] != NULL; i++) {
		if (strcmp(lint_rules[i], name) == 0)
			return 1;
	}
	return 0;
}
