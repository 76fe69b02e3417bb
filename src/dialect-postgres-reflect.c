/*
 * PostgreSQL reflection: read the schema out of the catalog into a struct
 * schema, with seven catalog queries however many tables there are
 * (tables, columns, constraints, index keys, the CREATE INDEX texts not
 * made from them, enum labels, views), each for every schema asked for at
 * once, passed as one text[] parameter.
 *
 * Only the dialect's query entry is used, so this file knows SQL, not
 * libpq. Rows from the per-table queries carry the table's oid and are
 * matched to the tables of the first query by binary search.
 *
 * Text that the database prints (types, defaults, expressions, index and
 * view definitions) goes through pg_reflect_text, and namespace names
 * through pg_reflect_nspace: the one place where the name of a scratch
 * schema can later be taken out of what is reflected.
 */
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "dialect-postgres-objects.h"
#include "schema.h"

/* A table of the first query, by oid. */
struct pg_reflect_rel {
	unsigned long		 oid;
	struct schema_table	*table;
};

/* A column's name by its table and number. */
struct pg_reflect_att {
	unsigned long		 oid;
	long			 attnum;
	const char		*name;
};

struct pg_reflect_ctx {
	struct conn		*conn;
	const char		*nspaces;	/* $1: a text[] literal */
	/*
	 * The scratch schema whose name is to be taken out of what is
	 * reflected, or NULL (nothing is stripped yet).
	 */
	const char		*strip;
	struct schema		*schema;
	struct pg_reflect_rel	*rels;		/* sorted by oid */
	size_t			 nrels;
	struct pg_reflect_rel	 last;		/* pg_reflect_find's last */
	/*
	 * The name of every column of the schemas asked for (of tables the
	 * filter leaves too), by table oid and attnum: what the keys of
	 * constraints (conkey, confkey) are turned into, instead of a
	 * subquery a constraint in the server. Names point into colrows.
	 */
	struct pg_reflect_att	*atts;		/* sorted by (oid, attnum) */
	size_t			 natts;
	struct rows		*colrows;
};

/* A copy of text the database printed, or NULL (see the file comment). */
static char *
pg_reflect_text(const struct pg_reflect_ctx *ctx, const char *s)
{
	(void)ctx;
	return s != NULL ? xstrdup(s) : NULL;
}

/* The namespace name to store for nspname (borrowed). */
static const char *
pg_reflect_nspace(const struct pg_reflect_ctx *ctx, const char *nspname)
{
	(void)ctx;
	return nspname;
}

static int
pg_reflect_bool(const char *s)
{
	return s != NULL && s[0] == 't';
}

/* An oid as the server prints it (decimal digits); NULL is 0. */
static unsigned long
pg_reflect_oid(const char *s)
{
	unsigned long	 n = 0;

	if (s == NULL)
		return 0;
	for (; *s >= '0' && *s <= '9'; s++)
		n = n * 10 + (unsigned long)(*s - '0');
	return n;
}

static int
pg_reflect_rel_cmp(const void *a, const void *b)
{
	unsigned long	 x = ((const struct pg_reflect_rel *)a)->oid;
	unsigned long	 y = ((const struct pg_reflect_rel *)b)->oid;

	return (x > y) - (x < y);
}

/* The table reflected for oid text s, or NULL (not taken). */
static struct schema_table *
pg_reflect_find(struct pg_reflect_ctx *ctx, const char *s)
{
	struct pg_reflect_rel	 key, *r;

	if (ctx->nrels == 0)
		return NULL;
	key.oid = pg_reflect_oid(s);
	key.table = NULL;
	/* rows come table by table: most ask for the table before */
	if (key.oid == ctx->last.oid && ctx->last.table != NULL)
		return ctx->last.table;
	r = bsearch(&key, ctx->rels, ctx->nrels, sizeof *ctx->rels,
	    pg_reflect_rel_cmp);
	if (r != NULL)
		ctx->last = *r;
	return r != NULL ? r->table : NULL;
}

static int
pg_reflect_att_cmp(const void *a, const void *b)
{
	const struct pg_reflect_att	*x = a, *y = b;

	if (x->oid != y->oid)
		return (x->oid > y->oid) - (x->oid < y->oid);
	return (x->attnum > y->attnum) - (x->attnum < y->attnum);
}

/*
 * The names of the columns numbered in keys (an int2[] as PostgreSQL
 * prints it: {1,3}) of table oid s, in order, into out; -1 (out left
 * empty) when one is not known.
 */
static int
pg_reflect_keys(struct strv *out, const struct pg_reflect_ctx *ctx,
    const char *s, const char *keys)
{
	struct pg_reflect_att	 key, *a;
	const char		*p = keys;
	char			*end;

	key.oid = pg_reflect_oid(s);
	key.name = NULL;
	if (p == NULL || *p++ != '{')
		return -1;
	while (*p != '}') {
		key.attnum = strtol(p, &end, 10);
		if (end == p || ctx->natts == 0 || (a = bsearch(&key,
		    ctx->atts, ctx->natts, sizeof *ctx->atts,
		    pg_reflect_att_cmp)) == NULL) {
			strv_release(out);
			return -1;
		}
		strv_push(out, a->name);
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/*
 * Append the elements of an array as PostgreSQL prints it ({a,"b c"}) to
 * out. Our arrays hold names, never NULL.
 */
static void
pg_reflect_array(struct strv *out, const char *text)
{
	struct strbuf	 sb = STRBUF_INIT;
	const char	*p = text;

	if (p == NULL || *p != '{')
		return;
	p++;
	while (*p != '\0' && *p != '}') {
		strbuf_reset(&sb);
		if (*p == '"') {
			p++;
			while (*p != '\0' && *p != '"') {
				if (*p == '\\' && p[1] != '\0')
					p++;
				strbuf_addch(&sb, *p++);
			}
			if (*p == '"')
				p++;
		} else {
			while (*p != '\0' && *p != ',' && *p != '}')
				strbuf_addch(&sb, *p++);
		}
		strv_push(out, sb.buf);
		if (*p == ',')
			p++;
	}
	strbuf_release(&sb);
}

/*
 * The expression inside "CHECK (...)" of pg_get_constraintdef, without
 * what may follow (NOT VALID, NO INHERIT); def itself if it is not of
 * that form. Caller frees.
 */
static char *
pg_reflect_check_expr(const char *def)
{
	static const char	 prefix[] = "CHECK (";
	const char		*p, *start;
	int			 depth = 1;

	if (strncmp(def, prefix, sizeof prefix - 1) != 0)
		return xstrdup(def);
	start = p = def + sizeof prefix - 1;
	for (; *p != '\0'; p++) {
		if (*p == '\'' || *p == '"') {
			char	 q = *p;

			/* a doubled quote is two quoted runs in a row */
			while (*++p != '\0' && *p != q)
				;
			if (*p == '\0')
				break;
		} else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return xstrndup(start, (size_t)(p - start));
	}
	return xstrdup(def);
}

char *
pg_text_array(const struct strv *v)
{
	struct strbuf	 sb = STRBUF_INIT;
	const char	*s;
	size_t		 i;

	strbuf_addch(&sb, '{');
	for (i = 0; i < v->n; i++) {
		if (i > 0)
			strbuf_addch(&sb, ',');
		strbuf_addch(&sb, '"');
		for (s = v->v[i]; *s != '\0'; s++) {
			if (*s == '"' || *s == '\\')
				strbuf_addch(&sb, '\\');
			strbuf_addch(&sb, *s);
		}
		strbuf_addch(&sb, '"');
	}
	strbuf_addch(&sb, '}');
	return strbuf_detach(&sb, NULL);
}

static int
pg_reflect_query(struct rows **out, struct pg_reflect_ctx *ctx,
    const char *sql, struct err *err)
{
	const char	*params[1];

	params[0] = ctx->nspaces;
	return ctx->conn->dialect->query(out, ctx->conn, sql, params, 1, err);
}

/* Not a member of an extension (as spatial_ref_sys of PostGIS is). */
#define PG_REFLECT_NOT_EXT(oid, catalog)				\
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"	\
	" WHERE d.classid = '" catalog "'::pg_catalog.regclass"		\
	" AND d.objid = " oid " AND d.deptype = 'e')"

/* The ordinary and partitioned tables of the schemas asked for. */
#define PG_REFLECT_TABLES(c)						\
	" JOIN pg_catalog.pg_namespace n ON n.oid = " c ".relnamespace"	\
	" WHERE " c ".relkind IN ('r', 'p')"				\
	" AND n.nspname = ANY ($1::text[])"

static int
pg_reflect_tables(struct pg_reflect_ctx *ctx, const struct schema_filter *f,
    struct err *err)
{
	static const char	 sql[] =
	    "SELECT c.oid, n.nspname, c.relname, d.description"
	    " FROM pg_catalog.pg_class c"
	    /* obj_description() as a join: not a subquery per table */
	    " LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid"
	    " AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass"
	    " AND d.objsubid = 0"
	    PG_REFLECT_TABLES("c")
	    PG_REFLECT_NOT_EXT("c.oid", "pg_catalog.pg_class")
	    " ORDER BY c.oid";
	struct rows		*r = NULL;
	struct schema_table	*t;
	size_t			 i;
	int			 rc;

	if ((rc = pg_reflect_query(&r, ctx, sql, err)) != 0)
		return rc;
	ctx->rels = xcalloc(r->nrows + 1, sizeof *ctx->rels);
	for (i = 0; i < r->nrows; i++) {
		if (!schema_filter_takes(f, rows_get(r, i, 2)))
			continue;
		t = schema_add_table(ctx->schema,
		    pg_reflect_nspace(ctx, rows_get(r, i, 1)),
		    rows_get(r, i, 2));
		t->comment = pg_reflect_text(ctx, rows_get(r, i, 3));
		ctx->rels[ctx->nrels].oid = pg_reflect_oid(rows_get(r, i, 0));
		ctx->rels[ctx->nrels].table = t;
		ctx->nrels++;
	}
	rows_free(r);
	/* ORDER BY c.oid sorted them already; sort if not */
	for (i = 1; i < ctx->nrels; i++) {
		if (ctx->rels[i - 1].oid > ctx->rels[i].oid) {
			qsort(ctx->rels, ctx->nrels, sizeof *ctx->rels,
			    pg_reflect_rel_cmp);
			break;
		}
	}
	return 0;
}

static int
pg_reflect_columns(struct pg_reflect_ctx *ctx, struct err *err)
{
	/*
	 * A collation is kept only where it is not the type's own; it is
	 * printed as regcollation does: quoted, qualified if not visible.
	 */
	static const char	 sql[] =
	    "SELECT a.attrelid, a.attname,"
	    " pg_catalog.format_type(a.atttypid, a.atttypmod),"
	    " a.attnotnull,"
	    /*
	     * A default names no column: printed without its table, whose
	     * descriptor the server would otherwise open (and build, the
	     * first time in a session) for each default, most of the cost
	     * of the query. A generated column's expression names some.
	     */
	    " CASE WHEN a.attgenerated = ''"
	    " THEN pg_catalog.pg_get_expr(ad.adbin, 0)"
	    " ELSE pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,"
	    " a.attidentity, a.attgenerated,"
	    " CASE WHEN a.attcollation <> 0"
	    " AND a.attcollation <> t.typcollation"
	    " THEN a.attcollation::pg_catalog.regcollation::text END,"
	    " d.description, a.attnum"
	    " FROM pg_catalog.pg_attribute a"
	    " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
	    " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
	    " LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid"
	    " AND ad.adnum = a.attnum"
	    /* col_description() as a join: not a subquery per column */
	    " LEFT JOIN pg_catalog.pg_description d ON d.objoid = a.attrelid"
	    " AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass"
	    " AND d.objsubid = a.attnum"
	    PG_REFLECT_TABLES("c")
	    " AND a.attnum > 0 AND NOT a.attisdropped"
	    " ORDER BY a.attrelid, a.attnum";
	struct rows		*r = NULL;
	struct schema_table	*t;
	struct schema_column	*col;
	const char		*ident, *gen, *expr;
	size_t			 i;
	int			 rc;

	if ((rc = pg_reflect_query(&r, ctx, sql, err)) != 0)
		return rc;
	ctx->atts = xcalloc(r->nrows + 1, sizeof *ctx->atts);
	for (i = 0; i < r->nrows; i++) {
		ctx->atts[i].oid = pg_reflect_oid(rows_get(r, i, 0));
		ctx->atts[i].attnum = strtol(rows_get(r, i, 9), NULL, 10);
		ctx->atts[i].name = rows_get(r, i, 1);
	}
	ctx->natts = r->nrows;
	/* ORDER BY a.attrelid, a.attnum sorted them; sort if not */
	for (i = 1; i < ctx->natts; i++) {
		if (pg_reflect_att_cmp(&ctx->atts[i - 1], &ctx->atts[i]) > 0) {
			qsort(ctx->atts, ctx->natts, sizeof *ctx->atts,
			    pg_reflect_att_cmp);
			break;
		}
	}
	for (i = 0; i < r->nrows; i++) {
		if ((t = pg_reflect_find(ctx, rows_get(r, i, 0))) == NULL)
			continue;
		col = schema_add_column(t, rows_get(r, i, 1), NULL);
		xfree(col->type);
		col->type = pg_reflect_text(ctx, rows_get(r, i, 2));
		col->notnull = pg_reflect_bool(rows_get(r, i, 3));
		expr = rows_get(r, i, 4);
		ident = rows_get(r, i, 5);
		gen = rows_get(r, i, 6);
		if (ident != NULL && (ident[0] == 'a' || ident[0] == 'd'))
			col->identity = ident[0];
		if (gen != NULL && gen[0] != '\0') {
			/* adbin holds the generation expression */
			col->generated = pg_reflect_text(ctx, expr);
			col->generated_stored = gen[0] == 's';
		} else
			col->default_sql = pg_reflect_text(ctx, expr);
		col->collation = pg_reflect_text(ctx, rows_get(r, i, 7));
		col->comment = pg_reflect_text(ctx, rows_get(r, i, 8));
	}
	ctx->colrows = r;	/* the names of atts */
	return 0;
}

/* The SQL words of pg_constraint's confdeltype/confupdtype. */
static const char *
pg_reflect_fk_action(const char *c)
{
	switch (c != NULL ? c[0] : 'a') {
	case 'r':
		return "RESTRICT";
	case 'c':
		return "CASCADE";
	case 'n':
		return "SET NULL";
	case 'd':
		return "SET DEFAULT";
	default:
		return "NO ACTION";
	}
}

static const char *
pg_reflect_fk_match(const char *c)
{
	switch (c != NULL ? c[0] : 's') {
	case 'f':
		return "FULL";
	case 'p':
		return "PARTIAL";
	default:
		return "SIMPLE";
	}
}

/* The column names of a key (conkey, confkey) in key order, as name[]. */
#define PG_REFLECT_KEYNAMES(arr, rel)					\
	" ARRAY(SELECT a.attname FROM pg_catalog.unnest(" arr ")"	\
	" WITH ORDINALITY u(attnum, i)"					\
	" JOIN pg_catalog.pg_attribute a ON a.attrelid = " rel		\
	" AND a.attnum = u.attnum ORDER BY u.i)"

/* A foreign key; -1 if a column of its keys is not known. */
static int
pg_reflect_fk(struct pg_reflect_ctx *ctx, struct schema_table *t,
    const struct rows *r, size_t i)
{
	struct schema_fk	*fk = schema_add_fk(t);
	const char		*nsp, *setcols = rows_get(r, i, 13);
	struct strbuf		 sb = STRBUF_INIT;
	int			 rc = 0;

	nsp = pg_reflect_nspace(ctx, rows_get(r, i, 7));
	fk->name = xstrdup(rows_get(r, i, 2));
	if (pg_reflect_keys(&fk->columns, ctx, rows_get(r, i, 0),
	    rows_get(r, i, 6)) != 0)
		rc = -1;
	if (nsp != NULL && (t->schema == NULL || strcmp(nsp, t->schema) != 0))
		fk->ref_schema = xstrdup(nsp);
	fk->ref_table = xstrdup(rows_get(r, i, 8));
	if (rows_get(r, i, 15) != NULL)
		pg_reflect_array(&fk->ref_columns, rows_get(r, i, 15));
	else if (pg_reflect_keys(&fk->ref_columns, ctx, rows_get(r, i, 16),
	    rows_get(r, i, 9)) != 0)
		rc = -1;
	strbuf_addstr(&sb, pg_reflect_fk_action(rows_get(r, i, 10)));
	/* PostgreSQL 15: ON DELETE SET NULL (col, ...) */
	if (setcols != NULL && setcols[0] != '\0')
		strbuf_addf(&sb, " (%s)", setcols);
	fk->on_delete = strbuf_detach(&sb, NULL);
	fk->on_update = xstrdup(pg_reflect_fk_action(rows_get(r, i, 11)));
	fk->match = xstrdup(pg_reflect_fk_match(rows_get(r, i, 12)));
	fk->deferrable = pg_reflect_bool(rows_get(r, i, 3));
	fk->initially_deferred = pg_reflect_bool(rows_get(r, i, 4));
	fk->not_valid = !pg_reflect_bool(rows_get(r, i, 5));
	return rc;
}

static int
pg_reflect_constraints(struct pg_reflect_ctx *ctx, struct err *err)
{
	/*
	 * Not the copies PostgreSQL makes itself: those cloned onto
	 * partitions (conparentid) and checks inherited, even when declared
	 * too (a table attached as a partition has its parent's so).
	 */
	static const char	 head[] =
	    "SELECT k.conrelid, k.contype, k.conname, k.condeferrable,"
	    " k.condeferred, k.convalidated,"
	    /*
	     * the keys' column numbers, named here from the columns read
	     * (see pg_reflect_keys): not a subquery a constraint
	     */
	    " CASE WHEN k.contype <> 'c' THEN k.conkey END,"
	    " fn.nspname, fc.relname,"
	    " CASE WHEN k.contype = 'f' THEN k.confkey END,"
	    " k.confdeltype, k.confupdtype, k.confmatchtype,";
	static const char	 setcols15[] =
	    " CASE WHEN k.confdelsetcols IS NOT NULL THEN"
	    " (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname),"
	    " ', ' ORDER BY u.i) FROM pg_catalog.unnest(k.confdelsetcols)"
	    " WITH ORDINALITY u(attnum, i)"
	    " JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid"
	    " AND a.attnum = u.attnum) END,";
	static const char	 setcols14[] = " NULL::text,";
	static const char	 tail[] =
	    " CASE WHEN k.contype = 'c'"
	    " THEN pg_catalog.pg_get_constraintdef(k.oid) END,"
	    /* a foreign key to a table of a schema not read: named there */
	    " CASE WHEN k.contype = 'f'"
	    " AND NOT fn.nspname = ANY ($1::text[]) THEN"
	    PG_REFLECT_KEYNAMES("k.confkey", "k.confrelid") " END,"
	    " k.confrelid"
	    " FROM pg_catalog.pg_constraint k"
	    " JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
	    " LEFT JOIN pg_catalog.pg_class fc ON fc.oid = k.confrelid"
	    " LEFT JOIN pg_catalog.pg_namespace fn"
	    " ON fn.oid = fc.relnamespace"
	    PG_REFLECT_TABLES("c")
	    " AND k.contype IN ('p', 'u', 'f', 'c') AND k.conparentid = 0"
	    " AND (k.contype <> 'c' OR (k.conislocal AND k.coninhcount = 0))"
	    " ORDER BY k.conrelid, k.conname";
	struct strbuf		 sql = STRBUF_INIT;
	struct rows		*r = NULL;
	struct schema_table	*t;
	struct schema_key	*key;
	struct schema_check	*ck;
	const char		*type;
	char			*expr;
	size_t			 i;
	int			 rc;

	strbuf_addstr(&sql, head);
	strbuf_addstr(&sql, ctx->conn->server_version_num >= 150000 ?
	    setcols15 : setcols14);
	strbuf_addstr(&sql, tail);
	if ((rc = pg_reflect_query(&r, ctx, sql.buf, err)) != 0)
		goto done;
	for (i = 0; i < r->nrows; i++) {
		if ((t = pg_reflect_find(ctx, rows_get(r, i, 0))) == NULL)
			continue;
		type = rows_get(r, i, 1);
		switch (type[0]) {
		case 'p':
		case 'u':
			if (type[0] == 'p') {
				if (t->pk != NULL)
					continue;	/* cannot happen */
				key = t->pk = xcalloc(1, sizeof *key);
			} else
				key = schema_add_unique(t);
			key->name = xstrdup(rows_get(r, i, 2));
			if (pg_reflect_keys(&key->columns, ctx,
			    rows_get(r, i, 0), rows_get(r, i, 6)) != 0)
				goto unknown;
			key->deferrable = pg_reflect_bool(rows_get(r, i, 3));
			key->initially_deferred =
			    pg_reflect_bool(rows_get(r, i, 4));
			break;
		case 'f':
			if (pg_reflect_fk(ctx, t, r, i) != 0)
				goto unknown;
			break;
		case 'c':
			ck = schema_add_check(t);
			ck->name = xstrdup(rows_get(r, i, 2));
			expr = pg_reflect_check_expr(rows_get(r, i, 14));
			ck->expr = pg_reflect_text(ctx, expr);
			xfree(expr);
			ck->not_valid = !pg_reflect_bool(rows_get(r, i, 5));
			break;
		}
	}
	goto done;
unknown:
	/* a column made or dropped between the queries: read again */
	rc = err_set(err, MG_EDB, "constraint \"%s\" names a column that "
	    "was not read: the schema changed while it was read",
	    rows_get(r, i, 2));
done:
	rows_free(r);
	strbuf_release(&sql);
	return rc;
}

/*
 * The CREATE INDEX text of the indexes idx, whose oids are oids (the
 * n-th for the n-th): pg_get_indexdef in one more query, for those whose
 * text is not made here (see pg_reflect_indexes).
 */
static int
pg_reflect_indexdefs(struct pg_reflect_ctx *ctx, struct strv *oids,
    struct schema_index **idx, struct err *err)
{
	static const char	 sql[] =
	    "SELECT o, pg_catalog.pg_get_indexdef(o)"
	    " FROM pg_catalog.unnest($1::pg_catalog.oid[]) WITH ORDINALITY"
	    " u(o, i) ORDER BY u.i";
	struct rows		*r = NULL;
	const char		*params[1];
	char			*arr;
	size_t			 i;
	int			 rc;

	arr = pg_text_array(oids);
	params[0] = arr;
	rc = ctx->conn->dialect->query(&r, ctx->conn, sql, params, 1, err);
	xfree(arr);
	if (rc != 0)
		return rc;
	if (r->nrows != oids->n)
		rc = err_set(err, MG_EDB, "pg_get_indexdef gave %zu rows for "
		    "%zu indexes", r->nrows, oids->n);
	for (i = 0; rc == 0 && i < r->nrows; i++) {
		xfree(idx[i]->sql);
		idx[i]->sql = pg_reflect_text(ctx, rows_get(r, i, 1));
	}
	rows_free(r);
	return rc;
}

static int
pg_reflect_indexes(struct pg_reflect_ctx *ctx, struct err *err)
{
	/*
	 * One row per index column, key columns then INCLUDE ones. Not the
	 * indexes of constraints (primary key, unique, exclusion), nor those
	 * PostgreSQL attaches to partitions for an index of their parent.
	 * A key's collation is shown where it is not the column's (or, for
	 * an expression, its type's), its operator class where it is not
	 * the default one.
	 *
	 * The CREATE INDEX text (pg_get_indexdef, a context to print in
	 * built a call: most of the query's time) is made here from the
	 * parts read for an index that pg_get_indexdef would print as
	 * CREATE [UNIQUE] INDEX name ON schema.table USING method (keys):
	 * columns only, each with its column's collation and the default
	 * operator class of its very type, no options, no INCLUDE, no
	 * WHERE, NULLS DISTINCT, not on a partitioned table. Column 11
	 * says whether a row is of such an index, 12 is the text up to
	 * the keys, on its first row. Any other is asked for afterwards,
	 * all at once (pg_reflect_indexdefs).
	 */
	static const char	 head[] =
	    "SELECT i.indrelid, ic.relname, i.indisunique, am.amname,"
	    " pg_catalog.pg_get_expr(i.indpred, i.indrelid),"
	    " i.indexrelid,"
	    " k.n > i.indnkeyatts,"
	    /*
	     * a column as pg_get_indexdef prints it (quote_identifier), not
	     * a call of it a column: each builds a context to print in
	     */
	    " CASE WHEN i.indkey[k.n - 1] <> 0"
	    " THEN pg_catalog.quote_ident(ta.attname)"
	    " ELSE pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true) END,"
	    " i.indoption[k.n - 1],"
	    " CASE WHEN k.n <= i.indnkeyatts"
	    " AND i.indcollation[k.n - 1] <> 0"
	    " AND i.indcollation[k.n - 1] <> COALESCE(ta.attcollation,"
	    " it.typcollation)"
	    " THEN i.indcollation[k.n - 1]::pg_catalog.regcollation::text"
	    " END,"
	    " CASE WHEN k.n <= i.indnkeyatts AND NOT opc.opcdefault THEN"
	    " CASE WHEN opn.nspname = 'pg_catalog'"
	    " THEN pg_catalog.quote_ident(opc.opcname)"
	    " ELSE pg_catalog.quote_ident(opn.nspname) || '.' ||"
	    " pg_catalog.quote_ident(opc.opcname) END END,"
	    " i.indexprs IS NULL AND i.indpred IS NULL"
	    " AND ic.reloptions IS NULL AND i.indnatts = i.indnkeyatts"
	    " AND c.relkind = 'r' AND i.indkey[k.n - 1] > 0"
	    " AND k.attoptions IS NULL"
	    " AND (i.indcollation[k.n - 1] = 0"
	    " OR i.indcollation[k.n - 1] = ta.attcollation)"
	    /*
	     * the default operator class of the column's type, as
	     * pg_get_indexdef leaves it unsaid: its own, or for varchar
	     * text's, which it is binary-coercible to, while varchar has
	     * none of its own for the method (btree_gin adds one for gin)
	     */
	    " AND opc.opcdefault AND (opc.opcintype = ta.atttypid"
	    " OR (ta.atttypid = 'pg_catalog.varchar'::pg_catalog.regtype"
	    " AND opc.opcintype = 'pg_catalog.text'::pg_catalog.regtype"
	    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_opclass vo"
	    " WHERE vo.opcmethod = opc.opcmethod AND vo.opcdefault"
	    " AND vo.opcintype = ta.atttypid)))";
	static const char	 nulls15[] =
	    " AND NOT i.indnullsnotdistinct";
	static const char	 tail[] =
	    ", CASE WHEN k.n = 1 THEN 'CREATE ' ||"
	    " CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END ||"
	    " 'INDEX ' || pg_catalog.quote_ident(ic.relname) || ' ON ' ||"
	    " pg_catalog.quote_ident(n.nspname) || '.' ||"
	    " pg_catalog.quote_ident(c.relname) || ' USING ' ||"
	    " pg_catalog.quote_ident(am.amname) || ' (' END"
	    " FROM pg_catalog.pg_index i"
	    " JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
	    " JOIN pg_catalog.pg_am am ON am.oid = ic.relam"
	    " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
	    /*
	     * a row an index column: the index's own attributes, numbered
	     * 1 to indnatts (not generate_series, which the planner takes
	     * for a thousand rows an index, and joins by hashing the whole
	     * of pg_attribute, twice)
	     */
	    " JOIN LATERAL (SELECT ia.attnum::integer AS n, ia.atttypid,"
	    " ia.attoptions FROM pg_catalog.pg_attribute ia"
	    " WHERE ia.attrelid = i.indexrelid AND ia.attnum > 0) k ON true"
	    " LEFT JOIN pg_catalog.pg_attribute ta ON ta.attrelid = i.indrelid"
	    " AND ta.attnum = i.indkey[k.n - 1] AND ta.attnum > 0"
	    " LEFT JOIN pg_catalog.pg_type it ON it.oid = k.atttypid"
	    " LEFT JOIN pg_catalog.pg_opclass opc"
	    " ON opc.oid = i.indclass[k.n - 1]"
	    " LEFT JOIN pg_catalog.pg_namespace opn"
	    " ON opn.oid = opc.opcnamespace"
	    PG_REFLECT_TABLES("c")
	    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint x"
	    " WHERE x.conrelid = i.indrelid AND x.conindid = i.indexrelid"
	    " AND x.contype IN ('p', 'u', 'x'))"
	    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h"
	    " WHERE h.inhrelid = i.indexrelid)"
	    " ORDER BY i.indrelid, ic.relname, k.n";
	struct strbuf		 sql = STRBUF_INIT, key = STRBUF_INIT;
	struct strbuf		 def = STRBUF_INIT;
	struct strv		 oids = { NULL, 0 };
	struct schema_index	**pending = NULL;
	struct rows		*r = NULL;
	struct schema_table	*t;
	struct schema_index	*x = NULL;
	const char		*name, *opt, *coll, *opclass, *oid = NULL;
	char			*k;
	long			 o;
	size_t			 i, j;
	int			 rc, simple = 0;

	strbuf_addstr(&sql, head);
	if (ctx->conn->server_version_num >= 150000)
		strbuf_addstr(&sql, nulls15);
	strbuf_addstr(&sql, tail);
	if ((rc = pg_reflect_query(&r, ctx, sql.buf, err)) != 0)
		goto done;
	pending = xcalloc(r->nrows + 1, sizeof *pending);
	for (i = 0; i <= r->nrows; i++) {
		t = i < r->nrows ? pg_reflect_find(ctx, rows_get(r, i, 0)) :
		    NULL;
		name = t != NULL ? rows_get(r, i, 1) : NULL;
		/* rows of one index follow each other */
		if (x != NULL && (t == NULL || t->nindexes == 0 ||
		    t->indexes[t->nindexes - 1] != x ||
		    strcmp(x->name, name) != 0)) {
			/* the last one is whole: its text */
			if (simple) {
				strbuf_reset(&def);
				strbuf_addstr(&def, x->sql);
				for (j = 0; j < x->keys.n; j++)
					strbuf_addf(&def, "%s%s", j > 0 ?
					    ", " : "", x->keys.v[j]);
				strbuf_addch(&def, ')');
				xfree(x->sql);
				x->sql = pg_reflect_text(ctx, def.buf);
			} else {
				pending[oids.n] = x;
				strv_push(&oids, oid);
			}
			x = NULL;
		}
		if (t == NULL)
			continue;
		if (x == NULL) {
			x = schema_add_index(t, name);
			x->unique = pg_reflect_bool(rows_get(r, i, 2));
			x->method = xstrdup(rows_get(r, i, 3));
			x->where = pg_reflect_text(ctx, rows_get(r, i, 4));
			/* the text up to the keys, for now */
			x->sql = xstrdup(rows_get(r, i, 12) != NULL ?
			    rows_get(r, i, 12) : "");
			oid = rows_get(r, i, 5);
			simple = 1;
		}
		simple = simple && pg_reflect_bool(rows_get(r, i, 11));
		if (pg_reflect_bool(rows_get(r, i, 6))) {
			strv_push(&x->include, rows_get(r, i, 7));
			continue;
		}
		strbuf_reset(&key);
		strbuf_addstr(&key, rows_get(r, i, 7));
		if ((coll = rows_get(r, i, 9)) != NULL)
			strbuf_addf(&key, " COLLATE %s", coll);
		if ((opclass = rows_get(r, i, 10)) != NULL)
			strbuf_addf(&key, " %s", opclass);
		/* indoption: bit 0 DESC, bit 1 NULLS FIRST */
		opt = rows_get(r, i, 8);
		o = opt != NULL ? strtol(opt, NULL, 10) : 0;
		if (o & 1)
			strbuf_addstr(&key, " DESC");
		if ((o & 1) && !(o & 2))
			strbuf_addstr(&key, " NULLS LAST");
		else if (!(o & 1) && (o & 2))
			strbuf_addstr(&key, " NULLS FIRST");
		k = pg_reflect_text(ctx, key.buf);
		strv_push(&x->keys, k);
		xfree(k);
	}
	/* asked even for none: as many queries whatever the schema */
	rc = pg_reflect_indexdefs(ctx, &oids, pending, err);
done:
	strbuf_release(&sql);
	strbuf_release(&key);
	strbuf_release(&def);
	strv_release(&oids);
	xfree(pending);
	rows_free(r);
	return rc;
}

static int
pg_reflect_enums(struct pg_reflect_ctx *ctx, struct err *err)
{
	static const char	 sql[] =
	    "SELECT n.nspname, t.typname, e.enumlabel"
	    " FROM pg_catalog.pg_type t"
	    " JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
	    " JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid"
	    " WHERE t.typtype = 'e' AND n.nspname = ANY ($1::text[])"
	    PG_REFLECT_NOT_EXT("t.oid", "pg_catalog.pg_type")
	    " ORDER BY n.nspname, t.typname, e.enumsortorder";
	struct rows		*r = NULL;
	struct schema_enum	*e = NULL;
	const char		*nsp, *name;
	size_t			 i;
	int			 rc;

	if ((rc = pg_reflect_query(&r, ctx, sql, err)) != 0)
		return rc;
	for (i = 0; i < r->nrows; i++) {
		nsp = pg_reflect_nspace(ctx, rows_get(r, i, 0));
		name = rows_get(r, i, 1);
		if (e == NULL || strcmp(e->name, name) != 0 ||
		    strcmp(e->schema, nsp) != 0)
			e = schema_add_enum(ctx->schema, nsp, name);
		strv_push(&e->values, rows_get(r, i, 2));
	}
	rows_free(r);
	return 0;
}

static int
pg_reflect_views(struct pg_reflect_ctx *ctx, struct err *err)
{
	static const char	 sql[] =
	    "SELECT n.nspname, c.relname, c.relkind = 'm',"
	    " pg_catalog.pg_get_viewdef(c.oid)"
	    " FROM pg_catalog.pg_class c"
	    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	    " WHERE c.relkind IN ('v', 'm')"
	    " AND n.nspname = ANY ($1::text[])"
	    PG_REFLECT_NOT_EXT("c.oid", "pg_catalog.pg_class")
	    " ORDER BY n.nspname, c.relname";
	struct rows		*r = NULL;
	struct schema_view	*v;
	size_t			 i;
	int			 rc;

	if ((rc = pg_reflect_query(&r, ctx, sql, err)) != 0)
		return rc;
	for (i = 0; i < r->nrows; i++) {
		v = schema_add_view(ctx->schema,
		    pg_reflect_nspace(ctx, rows_get(r, i, 0)),
		    rows_get(r, i, 1));
		v->materialized = pg_reflect_bool(rows_get(r, i, 2));
		v->definition = pg_reflect_text(ctx, rows_get(r, i, 3));
	}
	rows_free(r);
	return 0;
}

int
pg_reflect(struct schema **out, struct conn *conn,
    const struct schema_filter *f, struct err *err)
{
	struct pg_reflect_ctx	 ctx;
	struct strv		 public_only = { NULL, 0 };
	const struct strv	*nspaces;
	char			*nsparam = NULL;
	const char		*params[1];
	struct rows		*r = NULL;
	struct err		 rerr = ERR_INIT;
	int			 rc, depth = conn->txn_depth;

	*out = NULL;
	memset(&ctx, 0, sizeof ctx);
	if (f != NULL && f->schemas != NULL && f->schemas->n > 0)
		nspaces = f->schemas;
	else {
		strv_push(&public_only, "public");
		nspaces = &public_only;
	}
	nsparam = pg_text_array(nspaces);
	ctx.conn = conn;
	ctx.nspaces = nsparam;
	ctx.schema = schema_new();
	/*
	 * With the first schema alone on the search path, in a transaction
	 * of its own: what the database prints is qualified the same way
	 * whatever the session's path (and in scratch, whose schema is the
	 * only one asked for, nothing changes).
	 */
	params[0] = nspaces->v[0];
	if ((rc = dialect_begin(conn, err)) != 0 ||
	    (rc = conn->dialect->query(&r, conn, "SELECT pg_catalog.set_config("
	    "'search_path', pg_catalog.quote_ident($1), true)", params, 1,
	    err)) != 0)
		goto done;
	if ((rc = pg_reflect_tables(&ctx, f, err)) != 0 ||
	    (rc = pg_reflect_columns(&ctx, err)) != 0 ||
	    (rc = pg_reflect_constraints(&ctx, err)) != 0 ||
	    (rc = pg_reflect_indexes(&ctx, err)) != 0 ||
	    (rc = pg_reflect_enums(&ctx, err)) != 0 ||
	    (rc = pg_reflect_views(&ctx, err)) != 0 ||
	    (rc = pg_reflect_objects(ctx.schema, conn, nsparam, f, err)) != 0)
		goto done;
	schema_sort(ctx.schema);
	*out = ctx.schema;
	ctx.schema = NULL;
done:
	while (conn->txn_depth > depth && dialect_rollback(conn, &rerr) == 0)
		;
	err_release(&rerr);
	rows_free(r);
	schema_free(ctx.schema);
	xfree(ctx.rels);
	xfree(ctx.atts);
	rows_free(ctx.colrows);
	xfree(nsparam);
	strv_release(&public_only);
	return rc;
}
