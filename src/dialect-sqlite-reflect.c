/*
 * SQLite reflection: read the schema out of the catalog with a constant
 * number of queries (sqlite_schema joined with the table-valued pragma
 * functions), and parse from the stored CREATE text what no pragma gives:
 * constraint names, CHECKs, collations, generated expressions, DEFERRABLE,
 * AUTOINCREMENT, expression index keys and partial-index predicates.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialect.h"

/* sqlite_% names are SQLite's own (sqlite_sequence, sqlite_stat1 ...). */
#define SQLITE_REFLECT_NOT_INTERNAL \
	"m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"

/*
 * Tables and their columns, with the WITHOUT ROWID and STRICT flags; the
 * CREATE text on a table's first row only (the one read), not copied
 * into the sorter and out again for every column.
 */
static const char sqlite_reflect_columns_sql[] =
    "SELECT m.name, CASE WHEN c.cid = 0 THEN m.sql END, l.wr, l.strict, "
    "c.cid, c.name, c.type, "
    "c.\"notnull\", c.dflt_value, c.pk, c.hidden "
    "FROM sqlite_schema AS m "
    "JOIN pragma_table_list AS l ON l.schema = 'main' AND l.name = m.name "
    "JOIN pragma_table_xinfo(m.name, 'main') AS c "
    "WHERE m.type = 'table' AND " SQLITE_REFLECT_NOT_INTERNAL " "
    "AND l.type <> 'shadow' "	/* a virtual table's own storage */
    "ORDER BY m.name, c.cid";

static const char sqlite_reflect_fks_sql[] =
    "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", "
    "f.on_update, f.on_delete, f.\"match\" "
    "FROM sqlite_schema AS m "
    "JOIN pragma_foreign_key_list(m.name, 'main') AS f "
    "WHERE m.type = 'table' AND " SQLITE_REFLECT_NOT_INTERNAL " "
    "ORDER BY m.name, f.id, f.seq";

/* Explicit indexes (origin c) and UNIQUE constraints (origin u). */
static const char sqlite_reflect_indexes_sql[] =
    "SELECT m.name, l.name, l.\"unique\", l.origin, x.seqno, x.cid, "
    "x.name, x.\"desc\", x.coll, s.sql "
    "FROM sqlite_schema AS m "
    "JOIN pragma_index_list(m.name, 'main') AS l "
    "JOIN pragma_index_xinfo(l.name, 'main') AS x "
    "LEFT JOIN sqlite_schema AS s ON s.type = 'index' AND s.name = l.name "
    "WHERE m.type = 'table' AND " SQLITE_REFLECT_NOT_INTERNAL " "
    "AND l.origin IN ('c', 'u') AND x.key = 1 "
    "ORDER BY m.name, l.name, x.seqno";

static const char sqlite_reflect_others_sql[] =
    "SELECT m.type, m.name, m.tbl_name, m.sql FROM sqlite_schema AS m "
    "WHERE m.type IN ('view', 'trigger') AND m.sql IS NOT NULL "
    "ORDER BY m.type, m.name";

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
	struct sqlite_def	*uniques;
	size_t			 nuniques;
	struct sqlite_def	*fks;
	size_t			 nfks;
	char			*pk_name;
};

static int
sqlite_reflect_is_word_char(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

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

	while (*p != '\0') {
		if (isspace(*p)) {
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
		} else if (sqlite_reflect_is_word_char(*p)) {
			while (sqlite_reflect_is_word_char(*p))
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

/* Whether token i is the keyword kw (any case). */
static int
sqlite_reflect_is(const struct sqlite_toks *t, size_t i, const char *kw)
{
	return i < t->n && t->v[i].type == SQLITE_TK_WORD &&
	    t->v[i].len == strlen(kw) &&
	    strncasecmp(t->v[i].p, kw, t->v[i].len) == 0;
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

static long
sqlite_reflect_int(const char *s)
{
	return s != NULL ? strtol(s, NULL, 10) : 0;
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
		d->cols = xrealloc(d->cols, (d->ncols + 1) * sizeof *d->cols);
		col = &d->cols[d->ncols++];
		memset(col, 0, sizeof *col);
		col->name = sqlite_reflect_name(&k, i);
		sqlite_reflect_clauses(d, t, &k, i + 1, j, col);
	}
	sqlite_reflect_toks_release(&k);
}

static struct sqlite_coldef *
sqlite_reflect_find_coldef(struct sqlite_tdef *d, const char *name)
{
	size_t	 i;

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

/* The tables reflected so far, parallel to their parsed definitions. */
struct sqlite_reflect {
	struct schema		*s;
	struct sqlite_tdef	*defs;	/* defs[i] for s->tables[i] */
};

/*
 * The index of table name, or -1. Tables are added in the order of the
 * first query, ORDER BY name with BINARY collation: strcmp's order.
 */
static long
sqlite_reflect_find(const struct sqlite_reflect *r, const char *name)
{
	size_t	 lo = 0, hi = r->s->ntables, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(r->s->tables[mid]->name, name);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
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

/* Rows [a, b) of the first query: one table and its columns. */
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

static void
sqlite_reflect_table(struct sqlite_reflect *r, const struct rows *rows,
    size_t a, size_t b)
{
	struct schema_table	*t;
	struct schema_column	*c;
	struct sqlite_tdef	*d;
	struct sqlite_coldef	*cd;
	const char		*sql = rows_get(rows, a, 1);
	long			 hidden, pk, k;
	size_t			 i;

	t = schema_add_table(r->s, NULL, rows_get(rows, a, 0));
	r->defs = xrealloc(r->defs, r->s->ntables * sizeof *r->defs);
	d = &r->defs[r->s->ntables - 1];
	memset(d, 0, sizeof *d);
	t->without_rowid = sqlite_reflect_int(rows_get(rows, a, 2)) != 0;
	t->strict = sqlite_reflect_int(rows_get(rows, a, 3)) != 0;
	if (sql != NULL) {
		t->sql = xstrdup(sql);
		t->vtab = sqlite_reflect_vtab(sql);
		if (t->vtab == NULL)
			sqlite_reflect_parse_table(d, t, sql);
	}
	for (i = a; i < b; i++) {
		hidden = sqlite_reflect_int(rows_get(rows, i, 10));
		if (hidden == 1 || rows_get(rows, i, 5) == NULL)
			continue;
		c = schema_add_column(t, rows_get(rows, i, 5),
		    rows_get(rows, i, 6));
		c->notnull = sqlite_reflect_int(rows_get(rows, i, 7)) != 0;
		if (rows_get(rows, i, 8) != NULL)
			c->default_sql = xstrdup(rows_get(rows, i, 8));
		cd = sqlite_reflect_find_coldef(d, c->name);
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
		for (i = a; i < b; i++) {
			pk = sqlite_reflect_int(rows_get(rows, i, 9));
			if (pk == k && rows_get(rows, i, 5) != NULL)
				break;
		}
		if (i == b)
			break;
		if (t->pk == NULL) {
			t->pk = xcalloc(1, sizeof *t->pk);
			if (d->pk_name != NULL)
				t->pk->name = xstrdup(d->pk_name);
		}
		strv_push(&t->pk->columns, rows_get(rows, i, 5));
	}
}

/* Rows [a, b) of the foreign-key query: one foreign key. */
static void
sqlite_reflect_fk(struct sqlite_reflect *r, const struct rows *rows,
    size_t a, size_t b)
{
	struct schema_fk	*fk;
	struct sqlite_def	*def;
	const char		*match;
	long			 ti;
	size_t			 i;

	if ((ti = sqlite_reflect_find(r, rows_get(rows, a, 0))) < 0)
		return;
	fk = schema_add_fk(r->s->tables[ti]);
	fk->ref_table = xstrdup(rows_get(rows, a, 3));
	for (i = a; i < b; i++) {
		strv_push(&fk->columns, rows_get(rows, i, 4));
		if (rows_get(rows, i, 5) != NULL)
			strv_push(&fk->ref_columns, rows_get(rows, i, 5));
	}
	/* the referenced primary key: no column named */
	if (fk->ref_columns.n != fk->columns.n)
		strv_release(&fk->ref_columns);
	fk->on_update = xstrdup(rows_get(rows, a, 6));
	fk->on_delete = xstrdup(rows_get(rows, a, 7));
	def = sqlite_reflect_find_def(r->defs[ti].fks, r->defs[ti].nfks,
	    &fk->columns, fk->ref_table, 1);
	/*
	 * SQLite parses MATCH but ignores it and always reports NONE: take
	 * the declared one, NULL (the default, SIMPLE) when none is declared.
	 */
	match = rows_get(rows, a, 8);
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

/* Rows [a, b) of the index query: one index or UNIQUE constraint. */
static void
sqlite_reflect_index(struct sqlite_reflect *r, const struct rows *rows,
    size_t a, size_t b)
{
	struct strv		 exprs = { NULL, 0 };
	struct strbuf		 key = STRBUF_INIT;
	struct schema_index	*x;
	struct schema_key	*u;
	struct sqlite_def	*def;
	const char		*sql = rows_get(rows, a, 9);
	const char		*name, *coll;
	char			*where = NULL;
	long			 ti, seqno;
	size_t			 i;

	if ((ti = sqlite_reflect_find(r, rows_get(rows, a, 0))) < 0)
		return;
	if (strcmp(rows_get(rows, a, 3), "u") == 0) {
		u = schema_add_unique(r->s->tables[ti]);
		for (i = a; i < b; i++) {
			name = rows_get(rows, i, 6);
			strv_push(&u->columns, name != NULL ? name : "");
		}
		def = sqlite_reflect_find_def(r->defs[ti].uniques,
		    r->defs[ti].nuniques, &u->columns, NULL, 0);
		if (def != NULL && def->name != NULL)
			u->name = xstrdup(def->name);
		return;
	}
	x = schema_add_index(r->s->tables[ti], rows_get(rows, a, 1));
	x->unique = sqlite_reflect_int(rows_get(rows, a, 2)) != 0;
	if (sql != NULL) {
		x->sql = xstrdup(sql);
		sqlite_reflect_parse_index(&exprs, &where, sql);
		x->where = where;
	}
	for (i = a; i < b; i++) {
		strbuf_reset(&key);
		name = rows_get(rows, i, 6);
		seqno = sqlite_reflect_int(rows_get(rows, i, 4));
		/* cid -2: an expression; -1: the rowid */
		if (sqlite_reflect_int(rows_get(rows, i, 5)) >= 0 &&
		    name != NULL)
			strbuf_addstr(&key, name);
		else if (seqno >= 0 && (size_t)seqno < exprs.n)
			strbuf_addstr(&key, exprs.v[seqno]);
		else if (name != NULL)
			strbuf_addstr(&key, name);
		coll = rows_get(rows, i, 8);
		if (coll != NULL && strcasecmp(coll, "BINARY") != 0)
			strbuf_addf(&key, " COLLATE %s", coll);
		if (sqlite_reflect_int(rows_get(rows, i, 7)) != 0)
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

/* Group rows by their first ncmp columns and hand each group to fn. */
static void
sqlite_reflect_groups(struct sqlite_reflect *r, const struct rows *rows,
    size_t ncmp, void (*fn)(struct sqlite_reflect *, const struct rows *,
    size_t, size_t))
{
	const char	*x, *y;
	size_t		 a, b, c;

	for (a = 0; a < rows->nrows; a = b) {
		for (b = a + 1; b < rows->nrows; b++) {
			for (c = 0; c < ncmp; c++) {
				x = rows_get(rows, a, c);
				y = rows_get(rows, b, c);
				if (x == NULL || y == NULL ||
				    strcmp(x, y) != 0)
					break;
			}
			if (c < ncmp)
				break;
		}
		fn(r, rows, a, b);
	}
}

/*
 * See dialect.h. Four queries whatever the number of tables; needs SQLite
 * 3.37 (pragma_table_list). Without a filter, or one that names no version
 * or history table, migrate_version and migrate_history are left out. The
 * filter's globs apply to tables and the triggers on them, not to views.
 */
int
sqlite_reflect(struct schema **out, struct conn *conn,
    const struct schema_filter *f, struct err *err)
{
	struct sqlite_reflect	 r = { NULL, NULL };
	struct rows		*rows = NULL;
	struct schema_view	*v;
	struct schema_trigger	*g;
	const char		*type, *name, *table, *sql;
	size_t			 a, b;
	int			 rc;

	*out = NULL;
	r.s = schema_new();

	rc = conn->dialect->query(&rows, conn, sqlite_reflect_columns_sql,
	    NULL, 0, err);
	if (rc != 0)
		goto done;
	for (a = 0; a < rows->nrows; a = b) {
		name = rows_get(rows, a, 0);
		for (b = a + 1; b < rows->nrows &&
		    strcmp(rows_get(rows, b, 0), name) == 0; b++)
			;
		if (sqlite_reflect_takes(f, name))
			sqlite_reflect_table(&r, rows, a, b);
	}
	rows_free(rows);
	rows = NULL;

	rc = conn->dialect->query(&rows, conn, sqlite_reflect_fks_sql, NULL,
	    0, err);
	if (rc != 0)
		goto done;
	sqlite_reflect_groups(&r, rows, 2, sqlite_reflect_fk);
	rows_free(rows);
	rows = NULL;

	rc = conn->dialect->query(&rows, conn, sqlite_reflect_indexes_sql,
	    NULL, 0, err);
	if (rc != 0)
		goto done;
	sqlite_reflect_groups(&r, rows, 2, sqlite_reflect_index);
	rows_free(rows);
	rows = NULL;

	rc = conn->dialect->query(&rows, conn, sqlite_reflect_others_sql,
	    NULL, 0, err);
	if (rc != 0)
		goto done;
	for (a = 0; a < rows->nrows; a++) {
		type = rows_get(rows, a, 0);
		name = rows_get(rows, a, 1);
		table = rows_get(rows, a, 2);
		sql = rows_get(rows, a, 3);
		if (strcmp(type, "view") == 0) {
			v = schema_add_view(r.s, NULL, name);
			v->definition = sqlite_reflect_view_definition(sql);
		} else if (sqlite_reflect_takes(f, table)) {
			struct schema_object	*o;

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
	*out = r.s;
	r.s = NULL;
done:
	rows_free(rows);
	if (r.defs != NULL) {
		for (a = 0; a < (*out != NULL ? *out : r.s)->ntables; a++)
			sqlite_reflect_tdef_release(&r.defs[a]);
		xfree(r.defs);
	}
	schema_free(r.s);
	return rc;
}
