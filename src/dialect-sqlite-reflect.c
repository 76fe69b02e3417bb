/*
 * SQLite reflection: read the schema out of the catalog (sqlite_schema,
 * then the pragmas of each table and index), and parse from the stored
 * CREATE text what no pragma gives:
 * constraint names, CHECKs, collations, generated expressions, DEFERRABLE,
 * AUTOINCREMENT, expression index keys and partial-index predicates.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialect.h"

/*
 * The catalog, read once: every table, index, view and trigger with its
 * CREATE text. No ORDER BY: sorted here, where it costs less than SQLite's
 * sorter carrying the texts.
 */
static const char sqlite_reflect_master_sql[] =
    "SELECT type, name, tbl_name, sql FROM sqlite_schema "
    "WHERE type IN ('table', 'index', 'view', 'trigger')";

/* schema, name, type, ncol, wr, strict: WITHOUT ROWID, STRICT, shadow */
static const char sqlite_reflect_list_sql[] = "PRAGMA main.table_list";

/*
 * Then a PRAGMA statement a table (table_xinfo, foreign_key_list,
 * index_list) and one an index (index_xinfo), not the pragmas'
 * table-valued functions joined over sqlite_schema: such a function
 * prepares that same statement for each row of the join, then copies
 * every value it gives through the virtual table and the join's sorter
 * (at 1,000 tables, the joins cost SQLite 390 M instructions, the
 * statements 150 M). The columns each statement gives, as SQLite 3.37
 * and later name them:
 */
enum {
	SQLITE_XINFO_CID, SQLITE_XINFO_NAME, SQLITE_XINFO_TYPE,
	SQLITE_XINFO_NOTNULL, SQLITE_XINFO_DFLT, SQLITE_XINFO_PK,
	SQLITE_XINFO_HIDDEN, SQLITE_XINFO_NCOLS
};
enum {
	SQLITE_FK_ID, SQLITE_FK_SEQ, SQLITE_FK_TABLE, SQLITE_FK_FROM,
	SQLITE_FK_TO, SQLITE_FK_ON_UPDATE, SQLITE_FK_ON_DELETE, SQLITE_FK_MATCH,
	SQLITE_FK_NCOLS
};
enum {
	SQLITE_IL_SEQ, SQLITE_IL_NAME, SQLITE_IL_UNIQUE, SQLITE_IL_ORIGIN,
	SQLITE_IL_PARTIAL, SQLITE_IL_NCOLS
};
enum {
	SQLITE_IX_SEQNO, SQLITE_IX_CID, SQLITE_IX_NAME, SQLITE_IX_DESC,
	SQLITE_IX_COLL, SQLITE_IX_KEY, SQLITE_IX_NCOLS
};
enum {
	SQLITE_TL_SCHEMA, SQLITE_TL_NAME, SQLITE_TL_TYPE, SQLITE_TL_NCOL,
	SQLITE_TL_WR, SQLITE_TL_STRICT, SQLITE_TL_NCOLS
};

/* A token of SQL text; comments and blanks are dropped. */
enum sqlite_tok_type {
	SQLITE_TK_WORD,		/* keyword, bare name or number */
	SQLITE_TK_QUOTED,	/* "name", [name], `name` */
	SQLITE_TK_STRING,	/* 'text' */
	SQLITE_TK_OTHER		/* one punctuation character */
};

struct sqlite_tok {
	enum sqlite_tok_type	 type;
	const char		*p;
	size_t			 len;
};

struct sqlite_toks {
	struct sqlite_tok	*v;
	size_t			 n;
	size_t			 alloc;
};

/* A UNIQUE or FOREIGN KEY clause as a CREATE TABLE text declares it. */
struct sqlite_def {
	char		*name;
	struct strv	 columns;
	char		*ref_table;	/* FOREIGN KEY only */
	char		*match;		/* MATCH x: SQLite ignores it */
	int		 deferrable;
	int		 initially_deferred;
	int		 used;		/* matched to a catalog row */
};

struct sqlite_coldef {
	char	*name;
	char	*collation;
	char	*generated;
};

/* What the CREATE TABLE text of one table says beyond the pragmas. */
struct sqlite_tdef {
	struct sqlite_coldef	*cols;
	size_t			 ncols;
	size_t			 alloc;		/* room made in cols */
	struct sqlite_def	*uniques;
	size_t			 nuniques;
	struct sqlite_def	*fks;
	size_t			 nfks;
	char			*pk_name;
};

/*
 * The class of a byte for the lexer: 1 a blank (isspace() in the C
 * locale), 2 a byte of a word (ASCII letters and digits, _ and $, and any
 * byte of a UTF-8 sequence), 0 anything else. A table, not isalnum() and
 * isspace(): the same in every locale, and one load a byte.
 */
static const unsigned char sqlite_reflect_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0,	/* 00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 10 */
	1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 20 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0,	/* 30 */
	0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 40 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2,	/* 50 */
	0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 60 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,	/* 70 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 80 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 90 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* a0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* b0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* c0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* d0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* e0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* f0 */
};

#define SQLITE_CLASS_SPACE	1
#define SQLITE_CLASS_WORD	2

/*
 * Split sql into tokens: quotes ' " ` [] and comments -- and C-style are
 * respected, an unterminated one runs to the end of the text.
 */
static void
sqlite_reflect_lex(struct sqlite_toks *out, const char *sql)
{
	const unsigned char	*p = (const unsigned char *)sql;
	const unsigned char	*s;
	enum sqlite_tok_type	 type;
	unsigned char		 q;

	if (out->alloc == 0) {
		/* about a token in five bytes of a CREATE text */
		out->alloc = strlen(sql) / 4 + 16;
		out->v = xmalloc(out->alloc * sizeof *out->v);
	}
	while (*p != '\0') {
		if (sqlite_reflect_class[*p] == SQLITE_CLASS_SPACE) {
			p++;
			continue;
		}
		if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			p += 2;
			while (*p != '\0' && !(p[0] == '*' && p[1] == '/'))
				p++;
			if (*p != '\0')
				p += 2;
			continue;
		}
		s = p;
		if (*p == '\'' || *p == '"' || *p == '`') {
			q = *p++;
			while (*p != '\0') {
				if (*p == q && p[1] == q)
					p += 2;
				else if (*p++ == q)
					break;
			}
			type = q == '\'' ? SQLITE_TK_STRING : SQLITE_TK_QUOTED;
		} else if (*p == '[') {
			while (*p != '\0' && *p != ']')
				p++;
			if (*p != '\0')
				p++;
			type = SQLITE_TK_QUOTED;
		} else if (sqlite_reflect_class[*p] == SQLITE_CLASS_WORD) {
			while (sqlite_reflect_class[*p] == SQLITE_CLASS_WORD)
				p++;
			type = SQLITE_TK_WORD;
		} else {
			p++;
			type = SQLITE_TK_OTHER;
		}
		if (out->n == out->alloc) {
			out->alloc = out->alloc ? 2 * out->alloc : 64;
			out->v = xrealloc(out->v, out->alloc * sizeof *out->v);
		}
		out->v[out->n].type = type;
		out->v[out->n].p = (const char *)s;
		out->v[out->n].len = (size_t)(p - s);
		out->n++;
	}
}

static void
sqlite_reflect_toks_release(struct sqlite_toks *t)
{
	xfree(t->v);
	t->v = NULL;
	t->n = t->alloc = 0;
}

/*
 * Whether token i is the keyword kw (any case), a string literal: its
 * length, known when compiling, turns most tokens away without a compare.
 */
#define sqlite_reflect_is(t, i, kw) \
	sqlite_reflect_is_kw((t), (i), "" kw, sizeof(kw) - 1)

static int
sqlite_reflect_is_kw(const struct sqlite_toks *t, size_t i, const char *kw,
    size_t len)
{
	return i < t->n && t->v[i].len == len &&
	    t->v[i].type == SQLITE_TK_WORD &&
	    strncasecmp(t->v[i].p, kw, len) == 0;
}

static int
sqlite_reflect_is_punct(const struct sqlite_toks *t, size_t i, char c)
{
	return i < t->n && t->v[i].type == SQLITE_TK_OTHER && *t->v[i].p == c;
}

/* The index of the ')' matching the '(' at i, or t->n if none. */
static size_t
sqlite_reflect_close(const struct sqlite_toks *t, size_t i)
{
	size_t	 depth = 0;

	for (; i < t->n; i++) {
		if (sqlite_reflect_is_punct(t, i, '('))
			depth++;
		else if (sqlite_reflect_is_punct(t, i, ')') && --depth == 0)
			return i;
	}
	return t->n;
}

/* The end of the item starting at i: a ',' at this depth, or end. */
static size_t
sqlite_reflect_item_end(const struct sqlite_toks *t, size_t i, size_t end)
{
	while (i < end && !sqlite_reflect_is_punct(t, i, ',')) {
		if (sqlite_reflect_is_punct(t, i, '('))
			i = sqlite_reflect_close(t, i);
		i++;
	}
	return i < end ? i : end;
}

/* The source text of tokens [a, b), comments inside kept; caller frees. */
static char *
sqlite_reflect_text(const struct sqlite_toks *t, size_t a, size_t b)
{
	if (a >= b || a >= t->n)
		return xstrdup("");
	if (b > t->n)
		b = t->n;
	return xstrndup(t->v[a].p, (size_t)(t->v[b - 1].p +
	    t->v[b - 1].len - t->v[a].p));
}

/* Token i as a name: quotes removed, doubled quotes undone. */
static char *
sqlite_reflect_name(const struct sqlite_toks *t, size_t i)
{
	struct strbuf		 sb = STRBUF_INIT;
	const struct sqlite_tok	*k;
	size_t			 j;
	char			 q;

	if (i >= t->n)
		return xstrdup("");
	k = &t->v[i];
	if (k->type == SQLITE_TK_WORD || k->type == SQLITE_TK_OTHER ||
	    k->len < 2)
		return xstrndup(k->p, k->len);
	q = k->p[0];
	if (q == '[')
		return xstrndup(k->p + 1, k->len - 2);
	for (j = 1; j + 1 < k->len; j++) {
		strbuf_addch(&sb, k->p[j]);
		if (k->p[j] == q && k->p[j + 1] == q)
			j++;
	}
	return strbuf_detach(&sb, NULL);
}

static char *
sqlite_reflect_upper(const char *s)
{
	char	*out = xstrdup(s), *p;

	for (p = out; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return out;
}

/* A catalog's integer (a pragma's cid, pk, notnull ...); NULL is 0. */
static long
sqlite_reflect_int(const char *s)
{
	long	 n = 0;

	if (s == NULL)
		return 0;
	/* the short decimal every pragma gives, without strtol's locale */
	if (s[0] >= '0' && s[0] <= '9' && (s[1] == '\0' || (s[1] >= '0' &&
	    s[1] <= '9' && s[2] == '\0'))) {
		for (; *s != '\0'; s++)
			n = n * 10 + (*s - '0');
		return n;
	}
	return strtol(s, NULL, 10);
}

static int
sqlite_reflect_strv_casecmp(const struct strv *a, const struct strv *b)
{
	size_t	 i;

	if (a->n != b->n)
		return 1;
	for (i = 0; i < a->n; i++) {
		if (strcasecmp(a->v[i], b->v[i]) != 0)
			return 1;
	}
	return 0;
}

static void
sqlite_reflect_tdef_release(struct sqlite_tdef *d)
{
	size_t	 i;

	for (i = 0; i < d->ncols; i++) {
		xfree(d->cols[i].name);
		xfree(d->cols[i].collation);
		xfree(d->cols[i].generated);
	}
	xfree(d->cols);
	for (i = 0; i < d->nuniques; i++) {
		xfree(d->uniques[i].name);
		strv_release(&d->uniques[i].columns);
	}
	xfree(d->uniques);
	for (i = 0; i < d->nfks; i++) {
		xfree(d->fks[i].name);
		strv_release(&d->fks[i].columns);
		xfree(d->fks[i].ref_table);
		xfree(d->fks[i].match);
	}
	xfree(d->fks);
	xfree(d->pk_name);
	memset(d, 0, sizeof *d);
}

static struct sqlite_def *
sqlite_reflect_def_push(struct sqlite_def **v, size_t *n, char *name)
{
	struct sqlite_def	*d;

	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	d = &(*v)[(*n)++];
	memset(d, 0, sizeof *d);
	d->name = name;
	return d;
}

/* The names in the '(' list at i, into out; returns the index after it. */
static size_t
sqlite_reflect_name_list(struct strv *out, const struct sqlite_toks *t,
    size_t i)
{
	size_t	 close = sqlite_reflect_close(t, i);
	size_t	 j;
	char	*name;

	for (i++; i < close; i = j + 1) {
		j = sqlite_reflect_item_end(t, i, close);
		if (i < j && out != NULL) {
			name = sqlite_reflect_name(t, i);
			strv_push(out, name);
			xfree(name);
		}
	}
	return close < t->n ? close + 1 : t->n;
}

/*
 * A REFERENCES clause at i: the referenced table and what the catalog
 * does not say (DEFERRABLE, INITIALLY DEFERRED). Returns the index after.
 */
static size_t
sqlite_reflect_references(struct sqlite_def *fk, const struct sqlite_toks *t,
    size_t i, size_t end)
{
	if (++i >= end)
		return end;
	xfree(fk->ref_table);
	fk->ref_table = sqlite_reflect_name(t, i++);
	if (sqlite_reflect_is_punct(t, i, '('))
		i = sqlite_reflect_name_list(NULL, t, i);
	while (i < end) {
		if (sqlite_reflect_is(t, i, "ON")) {
			i += 2;
			if (sqlite_reflect_is(t, i, "SET") ||
			    sqlite_reflect_is(t, i, "NO"))
				i++;
			i++;
		} else if (sqlite_reflect_is(t, i, "MATCH")) {
			xfree(fk->match);
			fk->match = sqlite_reflect_name(t, i + 1);
			i += 2;
		} else if (sqlite_reflect_is(t, i, "NOT") &&
		    sqlite_reflect_is(t, i + 1, "DEFERRABLE")) {
			fk->deferrable = 0;
			i += 2;
		} else if (sqlite_reflect_is(t, i, "DEFERRABLE")) {
			fk->deferrable = 1;
			i++;
		} else if (sqlite_reflect_is(t, i, "INITIALLY")) {
			fk->initially_deferred = sqlite_reflect_is(t, i + 1,
			    "DEFERRED");
			i += 2;
		} else {
			break;
		}
	}
	return i < end ? i : end;
}

/*
 * The constraints in tokens [i, end) of one item of a CREATE TABLE: a
 * column's (col not NULL) or a table constraint. CHECKs go straight to t.
 */
static void
sqlite_reflect_clauses(struct sqlite_tdef *d, struct schema_table *t,
    const struct sqlite_toks *k, size_t i, size_t end,
    struct sqlite_coldef *col)
{
	struct schema_check	*check;
	struct sqlite_def	*def;
	char			*pending = NULL; /* CONSTRAINT name */
	size_t			 close;

	while (i < end) {
		if (sqlite_reflect_is_punct(k, i, '(')) {
			i = sqlite_reflect_close(k, i) + 1;
		} else if (sqlite_reflect_is(k, i, "CONSTRAINT") &&
		    i + 1 < end) {
			xfree(pending);
			pending = sqlite_reflect_name(k, i + 1);
			i += 2;
		} else if (sqlite_reflect_is(k, i, "PRIMARY")) {
			xfree(d->pk_name);
			d->pk_name = pending;
			pending = NULL;
			i++;
		} else if (sqlite_reflect_is(k, i, "UNIQUE")) {
			def = sqlite_reflect_def_push(&d->uniques,
			    &d->nuniques, pending);
			pending = NULL;
			i++;
			if (col != NULL)
				strv_push(&def->columns, col->name);
			else if (sqlite_reflect_is_punct(k, i, '('))
				i = sqlite_reflect_name_list(&def->columns, k,
				    i);
		} else if (sqlite_reflect_is(k, i, "CHECK") &&
		    sqlite_reflect_is_punct(k, i + 1, '(')) {
			close = sqlite_reflect_close(k, i + 1);
			check = schema_add_check(t);
			check->name = pending;
			pending = NULL;
			check->expr = sqlite_reflect_text(k, i + 2, close);
			i = close + 1;
		} else if (sqlite_reflect_is(k, i, "FOREIGN")) {
			def = sqlite_reflect_def_push(&d->fks, &d->nfks,
			    pending);
			pending = NULL;
			i++;
			if (sqlite_reflect_is(k, i, "KEY"))
				i++;
			if (sqlite_reflect_is_punct(k, i, '('))
				i = sqlite_reflect_name_list(&def->columns, k,
				    i);
			if (sqlite_reflect_is(k, i, "REFERENCES"))
				i = sqlite_reflect_references(def, k, i, end);
		} else if (sqlite_reflect_is(k, i, "REFERENCES")) {
			def = sqlite_reflect_def_push(&d->fks, &d->nfks,
			    pending);
			pending = NULL;
			if (col != NULL)
				strv_push(&def->columns, col->name);
			i = sqlite_reflect_references(def, k, i, end);
		} else if (sqlite_reflect_is(k, i, "COLLATE") && col != NULL &&
		    i + 1 < end) {
			xfree(col->collation);
			col->collation = sqlite_reflect_name(k, i + 1);
			i += 2;
		} else if (sqlite_reflect_is(k, i, "AS") && col != NULL &&
		    sqlite_reflect_is_punct(k, i + 1, '(')) {
			close = sqlite_reflect_close(k, i + 1);
			xfree(col->generated);
			col->generated = sqlite_reflect_text(k, i + 2, close);
			i = close + 1;
		} else {
			i++;
		}
	}
	xfree(pending);
}

/*
 * Parse a CREATE TABLE text into d, adding its CHECKs to t and setting
 * t->autoincrement.
 */
static void
sqlite_reflect_parse_table(struct sqlite_tdef *d, struct schema_table *t,
    const char *sql)
{
	struct sqlite_toks	 k = { NULL, 0, 0 };
	struct sqlite_coldef	*col;
	size_t			 i, j, open, close;

	sqlite_reflect_lex(&k, sql);
	for (i = 0; i < k.n; i++) {
		if (sqlite_reflect_is(&k, i, "AUTOINCREMENT"))
			t->autoincrement = 1;
	}
	for (open = 0; open < k.n; open++) {
		if (sqlite_reflect_is_punct(&k, open, '('))
			break;
	}
	close = sqlite_reflect_close(&k, open);
	for (i = open + 1; i < close; i = j + 1) {
		j = sqlite_reflect_item_end(&k, i, close);
		if (i >= j)
			continue;
		if (sqlite_reflect_is(&k, i, "CONSTRAINT") ||
		    sqlite_reflect_is(&k, i, "PRIMARY") ||
		    sqlite_reflect_is(&k, i, "UNIQUE") ||
		    sqlite_reflect_is(&k, i, "CHECK") ||
		    sqlite_reflect_is(&k, i, "FOREIGN")) {
			sqlite_reflect_clauses(d, t, &k, i, j, NULL);
			continue;
		}
		if (d->ncols == d->alloc) {
			d->alloc = d->alloc ? 2 * d->alloc : 16;
			d->cols = xrealloc(d->cols, d->alloc * sizeof *d->cols);
		}
		col = &d->cols[d->ncols++];
		memset(col, 0, sizeof *col);
		col->name = sqlite_reflect_name(&k, i);
		sqlite_reflect_clauses(d, t, &k, i + 1, j, col);
	}
	sqlite_reflect_toks_release(&k);
}

/*
 * The definition of column name, or NULL; the hint-th first, where it is
 * when the text and the catalog list the columns in the same order (SQLite
 * refuses two columns of one name, so the first found is the one).
 */
static struct sqlite_coldef *
sqlite_reflect_find_coldef(struct sqlite_tdef *d, const char *name,
    size_t hint)
{
	size_t	 i;

	if (hint < d->ncols && strcasecmp(d->cols[hint].name, name) == 0)
		return &d->cols[hint];
	for (i = 0; i < d->ncols; i++) {
		if (strcasecmp(d->cols[i].name, name) == 0)
			return &d->cols[i];
	}
	return NULL;
}

/*
 * The first not yet matched clause of v with these columns (and table),
 * from the last one when backwards: SQLite numbers foreign keys from the
 * last declared, so twin clauses pair up in the catalog's order.
 */
static struct sqlite_def *
sqlite_reflect_find_def(struct sqlite_def *v, size_t n,
    const struct strv *columns, const char *ref_table, int backwards)
{
	size_t	 j, i;

	for (j = 0; j < n; j++) {
		i = backwards ? n - 1 - j : j;
		if (v[i].used || sqlite_reflect_strv_casecmp(&v[i].columns,
		    columns) != 0)
			continue;
		if (ref_table != NULL && (v[i].ref_table == NULL ||
		    strcasecmp(v[i].ref_table, ref_table) != 0))
			continue;
		v[i].used = 1;
		return &v[i];
	}
	return NULL;
}

/* The reflection being made, parallel to the parsed definitions. */
struct sqlite_reflect {
	struct conn		*conn;
	struct schema		*s;
	struct sqlite_tdef	*defs;	/* defs[i] for s->tables[i] */
	struct strbuf		 sql;	/* the PRAGMA statement being run */
};

/* A row of a query by its name, to sort and search by name. */
struct sqlite_named {
	const char	*type;		/* sqlite_schema's type, or "" */
	const char	*name;
	size_t		 row;
	size_t		 list_row;	/* a table's row of table_list */
};

/* By type, then name with BINARY collation: strcmp's order. */
static int
sqlite_reflect_cmp_named(const void *a, const void *b)
{
	const struct sqlite_named	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->type, y->type)) != 0)
		return c;
	return strcmp(x->name, y->name);
}

static struct sqlite_named *
sqlite_reflect_search(struct sqlite_named *v, size_t n, const char *name)
{
	struct sqlite_named	 key = { "", NULL, 0, 0 };

	key.name = name;
	return n > 0 ? bsearch(&key, v, n, sizeof *v,
	    sqlite_reflect_cmp_named) : NULL;
}

/*
 * PRAGMA main.pragma('arg'), its rows into *out. A statement that gives
 * rows of fewer columns than ncols is MG_EDB, never read outside them.
 */
static int
sqlite_reflect_pragma(struct rows **out, struct sqlite_reflect *r,
    const char *pragma, const char *arg, size_t ncols, struct err *err)
{
	int	 rc;

	*out = NULL;
	strbuf_reset(&r->sql);
	strbuf_addstr(&r->sql, "PRAGMA main.");
	strbuf_addstr(&r->sql, pragma);
	strbuf_addch(&r->sql, '(');
	dialect_quote_literal_std(&r->sql, arg);
	strbuf_addch(&r->sql, ')');
	if ((rc = r->conn->dialect->query(out, r->conn, r->sql.buf, NULL, 0,
	    err)) != 0)
		return rc;
	if ((*out)->nrows > 0 && (*out)->ncols < ncols) {
		rc = err_set(err, MG_EDB, "%s gives %zu columns, not %zu",
		    r->sql.buf, (*out)->ncols, ncols);
		rows_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Whether the filter takes a table; without one, skip ours by default. */
static int
sqlite_reflect_takes(const struct schema_filter *f, const char *name)
{
	const char	*vt = "migrate_version", *ht = "migrate_history";

	if (f != NULL && f->version_table != NULL)
		vt = f->version_table;
	if (f != NULL && f->history_table != NULL)
		ht = f->history_table;
	if (strcmp(name, vt) == 0 || strcmp(name, ht) == 0)
		return 0;
	return schema_filter_takes(f, name);
}

/*
 * A virtual table's "module(arguments)", what follows USING in its
 * CREATE VIRTUAL TABLE text (compared as it is: the table's columns are
 * the module's business); NULL for an ordinary table.
 */
static char *
sqlite_reflect_vtab(const char *sql)
{
	const char	*p = sql + strspn(sql, " \t\r\n");
	size_t		 n;

	if (strncasecmp(p, "CREATE", 6) != 0)
		return NULL;
	p += 6;
	p += strspn(p, " \t\r\n");
	if (strncasecmp(p, "VIRTUAL", 7) != 0)
		return NULL;
	for (; *p != '\0'; p++) {
		if (strncasecmp(p, "USING", 5) == 0 &&
		    strchr(" \t\r\n", p[-1]) != NULL &&
		    strchr(" \t\r\n", p[5]) != NULL)
			break;
	}
	if (*p == '\0')
		return NULL;
	p += 5;
	p += strspn(p, " \t\r\n");
	n = strlen(p);
	while (n > 0 && strchr(" \t\r\n;", p[n - 1]) != NULL)
		n--;
	return xstrndup(p, n);
}

/*
 * A table: its CREATE text, its table_list row (WITHOUT ROWID, STRICT)
 * and its columns (table_xinfo).
 */
static void
sqlite_reflect_table(struct sqlite_reflect *r, const char *name,
    const char *sql, const struct rows *list, size_t lrow,
    const struct rows *rows)
{
	struct schema_table	*t;
	struct schema_column	*c;
	struct sqlite_tdef	*d;
	struct sqlite_coldef	*cd;
	long			 hidden, pk, k;
	size_t			 i, n = rows->nrows;

	t = schema_add_table(r->s, NULL, name);
	d = &r->defs[r->s->ntables - 1];	/* room made for every table */
	t->without_rowid = sqlite_reflect_int(rows_get(list, lrow,
	    SQLITE_TL_WR)) != 0;
	t->strict = sqlite_reflect_int(rows_get(list, lrow,
	    SQLITE_TL_STRICT)) != 0;
	if (sql != NULL) {
		t->sql = xstrdup(sql);
		t->vtab = sqlite_reflect_vtab(sql);
		if (t->vtab == NULL)
			sqlite_reflect_parse_table(d, t, sql);
	}
	for (i = 0; i < n; i++) {
		hidden = sqlite_reflect_int(rows_get(rows, i,
		    SQLITE_XINFO_HIDDEN));
		if (hidden == 1 || rows_get(rows, i, SQLITE_XINFO_NAME) == NULL)
			continue;
		c = schema_add_column(t, rows_get(rows, i, SQLITE_XINFO_NAME),
		    rows_get(rows, i, SQLITE_XINFO_TYPE));
		c->notnull = sqlite_reflect_int(rows_get(rows, i,
		    SQLITE_XINFO_NOTNULL)) != 0;
		if (rows_get(rows, i, SQLITE_XINFO_DFLT) != NULL)
			c->default_sql = xstrdup(rows_get(rows, i,
			    SQLITE_XINFO_DFLT));
		cd = sqlite_reflect_find_coldef(d, c->name, i);
		if (cd != NULL && cd->collation != NULL)
			c->collation = xstrdup(cd->collation);
		if (hidden == 2 || hidden == 3) {
			c->generated = xstrdup(cd != NULL &&
			    cd->generated != NULL ? cd->generated : "");
			c->generated_stored = hidden == 3;
		}
	}
	/* the primary key's columns in key order: pk is 1, 2, ... */
	for (k = 1;; k++) {
		for (i = 0; i < n; i++) {
			pk = sqlite_reflect_int(rows_get(rows, i,
			    SQLITE_XINFO_PK));
			if (pk == k && rows_get(rows, i,
			    SQLITE_XINFO_NAME) != NULL)
				break;
		}
		if (i == n)
			break;
		if (t->pk == NULL) {
			t->pk = xcalloc(1, sizeof *t->pk);
			if (d->pk_name != NULL)
				t->pk->name = xstrdup(d->pk_name);
		}
		strv_push(&t->pk->columns, rows_get(rows, i,
		    SQLITE_XINFO_NAME));
	}
}

/* Rows [a, b) of foreign_key_list: one foreign key of table ti. */
static void
sqlite_reflect_fk(struct sqlite_reflect *r, size_t ti,
    const struct rows *rows, size_t a, size_t b)
{
	struct schema_fk	*fk;
	struct sqlite_def	*def;
	const char		*match;
	size_t			 i;

	fk = schema_add_fk(r->s->tables[ti]);
	fk->ref_table = xstrdup(rows_get(rows, a, SQLITE_FK_TABLE));
	for (i = a; i < b; i++) {
		strv_push(&fk->columns, rows_get(rows, i, SQLITE_FK_FROM));
		if (rows_get(rows, i, SQLITE_FK_TO) != NULL)
			strv_push(&fk->ref_columns, rows_get(rows, i,
			    SQLITE_FK_TO));
	}
	/* the referenced primary key: no column named */
	if (fk->ref_columns.n != fk->columns.n)
		strv_release(&fk->ref_columns);
	fk->on_update = xstrdup(rows_get(rows, a, SQLITE_FK_ON_UPDATE));
	fk->on_delete = xstrdup(rows_get(rows, a, SQLITE_FK_ON_DELETE));
	def = sqlite_reflect_find_def(r->defs[ti].fks, r->defs[ti].nfks,
	    &fk->columns, fk->ref_table, 1);
	/*
	 * SQLite parses MATCH but ignores it and always reports NONE: take
	 * the declared one, NULL (the default, SIMPLE) when none is declared.
	 */
	match = rows_get(rows, a, SQLITE_FK_MATCH);
	if (match != NULL && strcasecmp(match, "NONE") != 0)
		fk->match = xstrdup(match);
	else if (def != NULL && def->match != NULL)
		fk->match = sqlite_reflect_upper(def->match);
	if (def != NULL) {
		if (def->name != NULL)
			fk->name = xstrdup(def->name);
		fk->deferrable = def->deferrable;
		fk->initially_deferred = def->initially_deferred;
	}
}

/*
 * The parts of a CREATE INDEX text: the text of each key (its expression,
 * without COLLATE and ASC/DESC) and the WHERE predicate, or NULL.
 */
static void
sqlite_reflect_parse_index(struct strv *keys, char **where, const char *sql)
{
	struct sqlite_toks	 k = { NULL, 0, 0 };
	size_t			 i, j, e, open, close;

	sqlite_reflect_lex(&k, sql);
	for (i = 0; i < k.n && !sqlite_reflect_is(&k, i, "ON"); i++)
		;
	for (open = i; open < k.n; open++) {
		if (sqlite_reflect_is_punct(&k, open, '('))
			break;
	}
	close = sqlite_reflect_close(&k, open);
	for (i = open + 1; i < close; i = j + 1) {
		j = sqlite_reflect_item_end(&k, i, close);
		e = j;
		if (e > i && (sqlite_reflect_is(&k, e - 1, "ASC") ||
		    sqlite_reflect_is(&k, e - 1, "DESC")))
			e--;
		if (e >= i + 2 && sqlite_reflect_is(&k, e - 2, "COLLATE"))
			e -= 2;
		keys->v = xrealloc(keys->v, (keys->n + 1) * sizeof *keys->v);
		keys->v[keys->n++] = sqlite_reflect_text(&k, i, e);
	}
	for (i = close + 1; i < k.n; i++) {
		if (sqlite_reflect_is(&k, i, "WHERE")) {
			e = k.n;
			while (e > i + 1 && sqlite_reflect_is_punct(&k, e - 1,
			    ';'))
				e--;
			*where = sqlite_reflect_text(&k, i + 1, e);
			break;
		}
	}
	sqlite_reflect_toks_release(&k);
}

/*
 * One index or UNIQUE constraint (origin "u") of table ti: its row of
 * index_list, its CREATE INDEX text (NULL for a constraint's) and its
 * key columns (the rows of index_xinfo whose key is 1).
 */
static void
sqlite_reflect_index(struct sqlite_reflect *r, size_t ti,
    const struct rows *list, size_t lrow, const char *sql,
    const struct rows *rows)
{
	struct strv		 exprs = { NULL, 0 };
	struct strbuf		 key = STRBUF_INIT;
	struct schema_index	*x;
	struct schema_key	*u;
	struct sqlite_def	*def;
	const char		*name, *coll;
	char			*where = NULL;
	long			 seqno;
	size_t			 i;

	if (strcmp(rows_get(list, lrow, SQLITE_IL_ORIGIN), "u") == 0) {
		u = schema_add_unique(r->s->tables[ti]);
		for (i = 0; i < rows->nrows; i++) {
			if (sqlite_reflect_int(rows_get(rows, i,
			    SQLITE_IX_KEY)) != 1)
				continue;
			name = rows_get(rows, i, SQLITE_IX_NAME);
			strv_push(&u->columns, name != NULL ? name : "");
		}
		def = sqlite_reflect_find_def(r->defs[ti].uniques,
		    r->defs[ti].nuniques, &u->columns, NULL, 0);
		if (def != NULL && def->name != NULL)
			u->name = xstrdup(def->name);
		return;
	}
	x = schema_add_index(r->s->tables[ti], rows_get(list, lrow,
	    SQLITE_IL_NAME));
	x->unique = sqlite_reflect_int(rows_get(list, lrow,
	    SQLITE_IL_UNIQUE)) != 0;
	if (sql != NULL) {
		x->sql = xstrdup(sql);
		sqlite_reflect_parse_index(&exprs, &where, sql);
		x->where = where;
	}
	for (i = 0; i < rows->nrows; i++) {
		if (sqlite_reflect_int(rows_get(rows, i, SQLITE_IX_KEY)) != 1)
			continue;
		strbuf_reset(&key);
		name = rows_get(rows, i, SQLITE_IX_NAME);
		seqno = sqlite_reflect_int(rows_get(rows, i, SQLITE_IX_SEQNO));
		/* cid -2: an expression; -1: the rowid */
		if (sqlite_reflect_int(rows_get(rows, i, SQLITE_IX_CID)) >= 0 &&
		    name != NULL)
			strbuf_addstr(&key, name);
		else if (seqno >= 0 && (size_t)seqno < exprs.n)
			strbuf_addstr(&key, exprs.v[seqno]);
		else if (name != NULL)
			strbuf_addstr(&key, name);
		coll = rows_get(rows, i, SQLITE_IX_COLL);
		if (coll != NULL && strcasecmp(coll, "BINARY") != 0)
			strbuf_addf(&key, " COLLATE %s", coll);
		if (sqlite_reflect_int(rows_get(rows, i, SQLITE_IX_DESC)) != 0)
			strbuf_addstr(&key, " DESC");
		strv_push(&x->keys, key.buf);
	}
	strv_release(&exprs);
	strbuf_release(&key);
}

/* A view's SELECT: what follows the first AS outside parentheses. */
static char *
sqlite_reflect_view_definition(const char *sql)
{
	struct sqlite_toks	 k = { NULL, 0, 0 };
	char			*out = NULL;
	size_t			 i, e;

	sqlite_reflect_lex(&k, sql);
	for (i = 0; i < k.n; i++) {
		if (sqlite_reflect_is_punct(&k, i, '(')) {
			i = sqlite_reflect_close(&k, i);
		} else if (sqlite_reflect_is(&k, i, "AS")) {
			e = k.n;
			while (e > i + 1 && sqlite_reflect_is_punct(&k, e - 1,
			    ';'))
				e--;
			out = sqlite_reflect_text(&k, i + 1, e);
			break;
		}
	}
	sqlite_reflect_toks_release(&k);
	return out != NULL ? out : xstrdup(sql);
}

/*
 * The foreign keys and indexes of table name, the ti-th reflected, or of
 * none when ti is -1 (a table the filter leaves: its statements run all
 * the same, so that a tape of them replays under any filter). idx: the
 * indexes of sqlite_schema by name, for their CREATE text.
 */
static int
sqlite_reflect_keys(struct sqlite_reflect *r, long ti, const char *name,
    const struct rows *m, struct sqlite_named *idx, size_t nidx,
    struct err *err)
{
	struct rows		*rows = NULL, *xrows = NULL;
	struct sqlite_named	*keys = NULL, *found;
	const char		*origin, *sql;
	size_t			 a, b, i, nkeys = 0;
	int			 rc;

	if ((rc = sqlite_reflect_pragma(&rows, r, "foreign_key_list", name,
	    SQLITE_FK_NCOLS, err)) != 0)
		goto done;
	for (a = 0; ti >= 0 && a < rows->nrows; a = b) {
		for (b = a + 1; b < rows->nrows && strcmp(rows_get(rows, b,
		    SQLITE_FK_ID), rows_get(rows, a, SQLITE_FK_ID)) == 0; b++)
			;
		sqlite_reflect_fk(r, (size_t)ti, rows, a, b);
	}
	rows_free(rows);
	if ((rc = sqlite_reflect_pragma(&rows, r, "index_list", name,
	    SQLITE_IL_NCOLS, err)) != 0)
		goto done;
	/* explicit indexes (origin c) and UNIQUE constraints (u), by name */
	keys = xcalloc(rows->nrows + 1, sizeof *keys);
	for (i = 0; i < rows->nrows; i++) {
		origin = rows_get(rows, i, SQLITE_IL_ORIGIN);
		if (origin == NULL || (strcmp(origin, "c") != 0 &&
		    strcmp(origin, "u") != 0) ||
		    rows_get(rows, i, SQLITE_IL_NAME) == NULL)
			continue;
		keys[nkeys].type = "";
		keys[nkeys].name = rows_get(rows, i, SQLITE_IL_NAME);
		keys[nkeys++].row = i;
	}
	if (nkeys > 1)
		qsort(keys, nkeys, sizeof *keys, sqlite_reflect_cmp_named);
	for (i = 0; i < nkeys; i++) {
		if ((rc = sqlite_reflect_pragma(&xrows, r, "index_xinfo",
		    keys[i].name, SQLITE_IX_NCOLS, err)) != 0)
			goto done;
		if (ti >= 0) {
			found = sqlite_reflect_search(idx, nidx, keys[i].name);
			sql = found != NULL ? rows_get(m, found->row, 3) : NULL;
			sqlite_reflect_index(r, (size_t)ti, rows, keys[i].row,
			    sql, xrows);
		}
		rows_free(xrows);
		xrows = NULL;
	}
done:
	xfree(keys);
	rows_free(rows);
	rows_free(xrows);
	return rc;
}

/*
 * See dialect.h. Two queries, then three statements a table and one an
 * index, all in process; needs SQLite 3.37 (table_list). Without a
 * filter, or one that names no version or history table, migrate_version
 * and migrate_history are left out. The filter's globs apply to tables
 * and the triggers on them, not to views.
 */
int
sqlite_reflect(struct schema **out, struct conn *conn,
    const struct schema_filter *f, struct err *err)
{
	struct sqlite_reflect	 r;
	struct rows		*m = NULL, *l = NULL, *rows = NULL;
	struct sqlite_named	*tabs = NULL, *idx = NULL, *others = NULL;
	struct sqlite_named	*found;
	struct schema_view	*v;
	struct schema_trigger	*g;
	struct schema_object	*o;
	const char		*type, *name, *table, *sql;
	size_t			 ntabs = 0, nidx = 0, nothers = 0, nlist = 0;
	size_t			 i, j;
	long			 ti;
	int			 rc, savepoint = 0;

	*out = NULL;
	memset(&r, 0, sizeof r);
	r.conn = conn;
	r.s = schema_new();
	strbuf_init(&r.sql, 0);
	/*
	 * One read transaction for all the statements (a savepoint: it
	 * begins one, deferred, outside a transaction and nests inside):
	 * each statement on its own would take and drop the file's shared
	 * lock and look for a hot journal, seven system calls a statement;
	 * and all of them read one state of the catalog.
	 */
	if ((rc = conn->dialect->exec(conn, "SAVEPOINT migrate_reflect",
	    err)) != 0)
		goto done;
	savepoint = 1;
	if ((rc = conn->dialect->query(&m, conn, sqlite_reflect_master_sql,
	    NULL, 0, err)) != 0 || (rc = conn->dialect->query(&l, conn,
	    sqlite_reflect_list_sql, NULL, 0, err)) != 0)
		goto done;
	if ((m->nrows > 0 && m->ncols < 4) ||
	    (l->nrows > 0 && l->ncols < SQLITE_TL_NCOLS)) {
		rc = err_set(err, MG_EDB, "the SQLite catalog has fewer "
		    "columns than expected");
		goto done;
	}
	tabs = xcalloc(m->nrows + 1, sizeof *tabs);
	idx = xcalloc(m->nrows + 1, sizeof *idx);
	others = xcalloc(m->nrows + 1, sizeof *others);
	for (i = 0; i < m->nrows; i++) {
		type = rows_get(m, i, 0);
		name = rows_get(m, i, 1);
		if (type == NULL || name == NULL)
			continue;
		if (strcmp(type, "table") == 0) {
			/* sqlite_% names are SQLite's own (sqlite_sequence) */
			if (strncasecmp(name, "sqlite_", 7) == 0)
				continue;
			tabs[ntabs].type = "";
			tabs[ntabs].name = name;
			tabs[ntabs++].row = i;
		} else if (strcmp(type, "index") == 0) {
			idx[nidx].type = "";
			idx[nidx].name = name;
			idx[nidx++].row = i;
		} else if (rows_get(m, i, 3) != NULL) {
			others[nothers].type = type;
			others[nothers].name = name;
			others[nothers++].row = i;
		}
	}
	if (ntabs > 1)
		qsort(tabs, ntabs, sizeof *tabs, sqlite_reflect_cmp_named);
	if (nidx > 1)
		qsort(idx, nidx, sizeof *idx, sqlite_reflect_cmp_named);
	if (nothers > 1)
		qsort(others, nothers, sizeof *others,
		    sqlite_reflect_cmp_named);
	/*
	 * The tables table_list gives too, but for a virtual table's own
	 * storage (its shadow tables): marked there, kept in name order.
	 */
	for (i = 0; i < l->nrows; i++) {
		const char	*schema = rows_get(l, i, SQLITE_TL_SCHEMA);
		const char	*ltype = rows_get(l, i, SQLITE_TL_TYPE);

		name = rows_get(l, i, SQLITE_TL_NAME);
		if (schema == NULL || strcmp(schema, "main") != 0 ||
		    name == NULL || (ltype != NULL &&
		    strcmp(ltype, "shadow") == 0) ||
		    (found = sqlite_reflect_search(tabs, ntabs, name)) == NULL)
			continue;
		found->list_row = i + 1;	/* 0: not listed */
	}
	for (i = j = 0; i < ntabs; i++) {
		if (tabs[i].list_row != 0)
			tabs[j++] = tabs[i];
	}
	nlist = j;
	r.defs = xcalloc(nlist + 1, sizeof *r.defs);
	for (i = 0; i < nlist; i++) {
		name = tabs[i].name;
		ti = -1;
		if ((rc = sqlite_reflect_pragma(&rows, &r, "table_xinfo", name,
		    SQLITE_XINFO_NCOLS, err)) != 0)
			goto done;
		if (sqlite_reflect_takes(f, name)) {
			ti = (long)r.s->ntables;
			sqlite_reflect_table(&r, name, rows_get(m, tabs[i].row,
			    3), l, tabs[i].list_row - 1, rows);
		}
		rows_free(rows);
		rows = NULL;
		if ((rc = sqlite_reflect_keys(&r, ti, name, m, idx, nidx,
		    err)) != 0)
			goto done;
	}
	for (i = 0; i < nothers; i++) {
		type = others[i].type;
		name = others[i].name;
		table = rows_get(m, others[i].row, 2);
		sql = rows_get(m, others[i].row, 3);
		if (strcmp(type, "view") == 0) {
			v = schema_add_view(r.s, NULL, name);
			v->definition = sqlite_reflect_view_definition(sql);
		} else if (strcmp(type, "trigger") == 0 && table != NULL &&
		    sqlite_reflect_takes(f, table)) {
			/* for a rebuild to make again */
			g = schema_add_trigger(r.s, name, table);
			g->sql = xstrdup(sql);
			/* for the diff: made after the tables it reads */
			o = schema_add_object(r.s, SCHEMA_OBJ_TRIGGER, NULL,
			    name);
			o->identity = xstrdup(name);
			o->table = xstrdup(table);
			o->sql = xstrdup(sql);
			o->late = 1;
		}
	}
	schema_sort(r.s);
	savepoint = 0;
	if ((rc = conn->dialect->exec(conn, "RELEASE migrate_reflect",
	    err)) != 0)
		goto done;
	*out = r.s;
	r.s = NULL;
done:
	if (savepoint) {
		/* only read: released, whatever went wrong */
		struct err	 rerr = ERR_INIT;

		(void)conn->dialect->exec(conn, "RELEASE migrate_reflect",
		    &rerr);
		err_release(&rerr);
	}
	rows_free(m);
	rows_free(l);
	rows_free(rows);
	xfree(tabs);
	xfree(idx);
	xfree(others);
	if (r.defs != NULL) {
		for (i = 0; i < (*out != NULL ? *out : r.s)->ntables; i++)
			sqlite_reflect_tdef_release(&r.defs[i]);
		xfree(r.defs);
	}
	strbuf_release(&r.sql);
	schema_free(r.s);
	return rc;
}
