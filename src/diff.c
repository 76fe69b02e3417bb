/*
 * The diff engine: compare two schemas into ordered ops. See diff.h.
 *
 * Objects are matched by name (tables within their schema, columns,
 * indexes, named constraints); a constraint the database gives no name
 * (SQLite) is matched by its definition. A named object whose definition
 * changed is dropped and added again. The ops are gathered in phases and
 * the phases run in order, which is what makes the result run: see
 * DIFF_PHASES.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diff.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* The phases, in the order their ops run. */
enum diff_phase {
	PH_RENAME,	/* tables, then columns */
	PH_CREATE_SCHEMA,
	PH_DROP_LATE,	/* objects that read tables or views */
	PH_DROP_VIEW,
	PH_DROP_FK,
	PH_ENUM,
	PH_DROP_REPLACED,	/* early objects made again next */
	PH_EARLY,	/* objects that read none: domains, sequences ... */
	PH_CREATE_TABLE,
	PH_TABLE,	/* each kept or created table's own changes */
	PH_DROP_TABLE,
	PH_DROP_EARLY,
	PH_DROP_ENUM,
	PH_ADD_FK,
	PH_CREATE_VIEW,
	PH_LATE,
	PH_DROP_SCHEMA,
	DIFF_PHASES
};

struct diff_build {
	struct diff		 phase[DIFF_PHASES];
	const struct schema	*from;
	const struct schema	*to;
};

static const char *const diff_names[] = {
	[OP_DROP_VIEW] = "drop view",
	[OP_DROP_FK] = "drop foreign key",
	[OP_CREATE_ENUM] = "create enum",
	[OP_ADD_ENUM_VALUE] = "add enum value",
	[OP_RECREATE_ENUM] = "recreate enum",
	[OP_CREATE_TABLE] = "create table",
	[OP_RENAME_TABLE] = "rename table",
	[OP_RENAME_COLUMN] = "rename column",
	[OP_RENAME_CONSTRAINT] = "rename constraint",
	[OP_RENAME_INDEX] = "rename index",
	[OP_DROP_INDEX] = "drop index",
	[OP_DROP_UNIQUE] = "drop unique",
	[OP_DROP_CHECK] = "drop check",
	[OP_DROP_PK] = "drop primary key",
	[OP_ADD_COLUMN] = "add column",
	[OP_ALTER_COLUMN] = "alter column",
	[OP_DROP_COLUMN] = "drop column",
	[OP_ADD_PK] = "add primary key",
	[OP_ADD_UNIQUE] = "add unique",
	[OP_ADD_CHECK] = "add check",
	[OP_CREATE_INDEX] = "create index",
	[OP_COMMENT_TABLE] = "comment on table",
	[OP_TABLE_OPTIONS] = "change table options",
	[OP_COMMENT_COLUMN] = "comment on column",
	[OP_DROP_TABLE] = "drop table",
	[OP_DROP_ENUM] = "drop enum",
	[OP_ADD_FK] = "add foreign key",
	[OP_CREATE_VIEW] = "create view",
	[OP_CREATE_OBJECT] = "create object",
	[OP_DROP_OBJECT] = "drop object",
	[OP_ALTER_OBJECT] = "alter object",
	[OP_ALTER_PARENT] = "alter parent"
};

const char *
diff_op_name(enum op_kind k)
{
	return (size_t)k < sizeof diff_names / sizeof diff_names[0] &&
	    diff_names[k] != NULL ? diff_names[k] : "?";
}

static struct op *
diff_push(struct diff *d, enum op_kind kind, const struct schema_table *t,
    const void *old, const void *new)
{
	struct op	*op;

	if (d->n == d->alloc) {
		d->alloc = d->alloc ? d->alloc * 2 : 16;
		d->v = xrealloc(d->v, d->alloc * sizeof *d->v);
	}
	op = &d->v[d->n++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->table = t;
	op->old = old;
	op->new = new;
	return op;
}

void
diff_release(struct diff *d)
{
	xfree(d->v);
	schema_free(d->renamed);
	strv_release(&d->suggestions);
	memset(d, 0, sizeof *d);
}

void
diff_renames_add(struct diff_renames *r, const struct schema_table *ft,
    const struct schema_table *tt, const struct schema_column *fc,
    const struct schema_column *tc)
{
	struct diff_rename	*x;

	if (r->n == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 8;
		r->v = xrealloc(r->v, r->alloc * sizeof *r->v);
	}
	x = &r->v[r->n++];
	x->ft = ft;
	x->tt = tt;
	x->fc = fc;
	x->tc = tc;
}

void
diff_renames_reverse(struct diff_renames *out, const struct diff_renames *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		diff_renames_add(out, r->v[i].tt, r->v[i].ft, r->v[i].tc,
		    r->v[i].fc);
}

void
diff_renames_release(struct diff_renames *r)
{
	xfree(r->v);
	memset(r, 0, sizeof *r);
}

static int
diff_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Types.
 */

/* The base name of a type, lower-cased, and its (args) if any. */
static void
diff_type_split(struct strbuf *base, long args[2], int *nargs,
    const char *type)
{
	const char	*p = type, *open = strchr(type, '(');
	size_t		 len = open != NULL ? (size_t)(open - type) :
			    strlen(type);

	*nargs = 0;
	args[0] = args[1] = 0;
	for (; len > 0 && isspace((unsigned char)p[len - 1]); len--)
		;
	for (; p < type + len; p++)
		strbuf_addch(base, (char)tolower((unsigned char)*p));
	if (open == NULL)
		return;
	for (p = open + 1; *nargs < 2 && *p != '\0' && *p != ')';) {
		char	*end;

		args[(*nargs)++] = strtol(p, &end, 10);
		if (end == p)
			break;
		p = end + strspn(end, " ,");
	}
}

/* 1 small, 2 int, 3 big integers; 0 not an integer type. */
static int
diff_int_rank(const char *base)
{
	if (strcmp(base, "smallint") == 0 || strcmp(base, "int2") == 0)
		return 1;
	if (strcmp(base, "integer") == 0 || strcmp(base, "int") == 0 ||
	    strcmp(base, "int4") == 0)
		return 2;
	if (strcmp(base, "bigint") == 0 || strcmp(base, "int8") == 0)
		return 3;
	return 0;
}

static int
diff_is_text(const char *base)
{
	return strcmp(base, "text") == 0 || strcmp(base, "varchar") == 0 ||
	    strcmp(base, "character varying") == 0 ||
	    strcmp(base, "character") == 0 || strcmp(base, "char") == 0 ||
	    strcmp(base, "bpchar") == 0;
}

int
diff_type_narrows(const char *old, const char *new)
{
	struct strbuf	 a = STRBUF_INIT, b = STRBUF_INIT;
	long		 oa[2], na[2];
	int		 on, nn, narrows = 1, ro, rn;

	if (strcasecmp(old, new) == 0)
		return 0;
	diff_type_split(&a, oa, &on, old);
	diff_type_split(&b, na, &nn, new);
	ro = diff_int_rank(a.buf);
	rn = diff_int_rank(b.buf);
	if (ro > 0 && rn > 0)
		narrows = rn < ro;
	else if (ro > 0 && (strcmp(b.buf, "numeric") == 0 ||
	    strcmp(b.buf, "decimal") == 0))
		narrows = nn > 0 && na[0] - na[1] < (ro == 1 ? 5 : ro == 2 ?
		    10 : 19);
	else if (diff_is_text(a.buf) && strcmp(b.buf, "text") == 0)
		narrows = 0;
	else if (diff_is_text(a.buf) && diff_is_text(b.buf))
		/* a length limit that stays or grows (none: unlimited) */
		narrows = nn > 0 && (on == 0 || na[0] < oa[0]);
	else if (strcmp(a.buf, b.buf) == 0 && (strcmp(a.buf, "numeric") ==
	    0 || strcmp(a.buf, "decimal") == 0))
		narrows = nn > 0 && (on == 0 || na[1] < oa[1] ||
		    na[0] - na[1] < oa[0] - oa[1]);
	else if (strcmp(a.buf, b.buf) == 0)
		narrows = nn > 0 && (on == 0 || na[0] < oa[0]);
	else if ((strcmp(a.buf, "real") == 0 || strcmp(a.buf, "float4") ==
	    0) && (strcmp(b.buf, "double precision") == 0 ||
	    strcmp(b.buf, "float8") == 0))
		narrows = 0;
	strbuf_release(&a);
	strbuf_release(&b);
	return narrows;
}

/*
 * Constraints and indexes: equal definitions, and matching.
 */

static int
diff_key_same(const struct schema_key *a, const struct schema_key *b)
{
	return strv_equal(&a->columns, &b->columns) &&
	    a->deferrable == b->deferrable &&
	    a->initially_deferred == b->initially_deferred;
}

static int
diff_fk_same(const struct schema_fk *a, const struct schema_fk *b)
{
	return strv_equal(&a->columns, &b->columns) &&
	    diff_eq(a->ref_schema, b->ref_schema) &&
	    diff_eq(a->ref_table, b->ref_table) &&
	    strv_equal(&a->ref_columns, &b->ref_columns) &&
	    diff_eq(a->on_delete, b->on_delete) &&
	    diff_eq(a->on_update, b->on_update) &&
	    diff_eq(a->match, b->match) &&
	    a->deferrable == b->deferrable &&
	    a->initially_deferred == b->initially_deferred;
}

static int
diff_check_same(const struct schema_check *a, const struct schema_check *b)
{
	return diff_eq(a->expr, b->expr);
}

static int
diff_index_same(const struct schema_index *a, const struct schema_index *b)
{
	return a->unique == b->unique && strv_equal(&a->keys, &b->keys) &&
	    diff_eq(a->where, b->where) && diff_eq(a->method, b->method) &&
	    strv_equal(&a->include, &b->include);
}

/*
 * A list of objects of one kind in from and in to, compared: each from
 * object that has no equal in to is dropped, each to object that has no
 * equal in from is added. "Equal" is the same name (or none on both
 * sides: SQLite's unnamed constraints) and the same definition; naming
 * or unnaming a constraint is a change, as the table's text shows it.
 */
typedef int	(*diff_same_fn)(const void *, const void *);
typedef const char *(*diff_name_fn)(const void *);

static const void *
diff_match(const void *x, void *const *list, size_t n, diff_same_fn same,
    diff_name_fn name)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (diff_eq(name(x), name(list[i])) && same(x, list[i]))
			return list[i];
	}
	return NULL;
}

/*
 * A dropped object and an added one of the same definition under other
 * names (a table's renamed, so are the keys PostgreSQL named after it)
 * become one rename op, in drops; the pair leaves both lists.
 */
static void
diff_objects_renamed(struct diff *drops, size_t d0, struct diff *adds,
    size_t a0, enum op_kind rename, diff_same_fn same, diff_name_fn name)
{
	size_t	 i, j, k;

	for (i = d0; i < drops->n; i++) {
		struct op	*x = &drops->v[i];

		if (name(x->old) == NULL)
			continue;
		for (j = a0; j < adds->n; j++) {
			struct op	*y = &adds->v[j];

			if (name(y->new) == NULL || !same(x->old, y->new))
				continue;
			x->kind = rename;
			x->table = y->table;
			x->new = y->new;
			x->old_name = name(x->old);
			x->new_name = name(y->new);
			x->warning = NULL;
			for (k = j + 1; k < adds->n; k++)
				adds->v[k - 1] = adds->v[k];
			adds->n--;
			break;
		}
	}
}

static void
diff_objects(struct diff *drops, struct diff *adds, enum op_kind drop,
    enum op_kind add, const struct schema_table *ft,
    const struct schema_table *tt, void *const *fv, size_t fn,
    void *const *tv, size_t tn, diff_same_fn same, diff_name_fn name)
{
	size_t	 i, d0 = drops->n, a0 = adds->n;

	for (i = 0; i < fn; i++) {
		if (diff_match(fv[i], tv, tn, same, name) == NULL)
			diff_push(drops, drop, ft, fv[i], NULL);
	}
	for (i = 0; i < tn; i++) {
		if (diff_match(tv[i], fv, fn, same, name) == NULL)
			diff_push(adds, add, tt, NULL, tv[i]);
	}
	diff_objects_renamed(drops, d0, adds, a0, add == OP_CREATE_INDEX ?
	    OP_RENAME_INDEX : OP_RENAME_CONSTRAINT, same, name);
}

static const char *
diff_key_name(const void *p)
{
	return ((const struct schema_key *)p)->name;
}

static const char *
diff_fk_name(const void *p)
{
	return ((const struct schema_fk *)p)->name;
}

static const char *
diff_check_name(const void *p)
{
	return ((const struct schema_check *)p)->name;
}

static const char *
diff_index_name(const void *p)
{
	return ((const struct schema_index *)p)->name;
}

static int
diff_key_same_v(const void *a, const void *b)
{
	return diff_key_same(a, b);
}

static int
diff_fk_same_v(const void *a, const void *b)
{
	return diff_fk_same(a, b);
}

static int
diff_check_same_v(const void *a, const void *b)
{
	return diff_check_same(a, b);
}

static int
diff_index_same_v(const void *a, const void *b)
{
	return diff_index_same(a, b);
}

/*
 * Tables.
 */

/*
 * Inheritance. A child (a partition, or a table that INHERITS) has its
 * parents' columns; what changes them on a parent changes them on its
 * children, so the children do not change them again.
 */

/* The column name of a parent of t (in s) that t has it from, or NULL. */
static const struct schema_column *
diff_parent_column(const struct schema *s, const struct schema_table *t,
    const char *name)
{
	const struct schema_table	*p;
	const struct schema_column	*c;
	size_t				 i;

	for (i = 0; i < t->parents.n; i++) {
		p = schema_find_table(s, t->parent_schemas.n > i ?
		    t->parent_schemas.v[i] : t->schema, t->parents.v[i]);
		if (p != NULL && (c = schema_find_column(p, name)) != NULL)
			return c;
	}
	return NULL;
}

/* Whether t has the same parents, in the same order, in from and to. */
static int
diff_same_parents(const struct schema_table *ft,
    const struct schema_table *tt)
{
	return strv_equal(&ft->parents, &tt->parents) &&
	    strv_equal(&ft->parent_schemas, &tt->parent_schemas);
}

/*
 * The changes to column name of a kept child that its parent makes
 * (recursing to its children): an OP_CHANGE_* mask, or ~0 when the
 * column comes or goes with the parent.
 */
static unsigned
diff_inherited(const struct diff_build *b, const struct schema_table *ft,
    const struct schema_table *tt, const char *name)
{
	const struct schema_column	*fp, *tp;
	unsigned			 mask = 0;

	if (b == NULL || tt->parents.n == 0 || !diff_same_parents(ft, tt))
		return 0;
	fp = diff_parent_column(b->from, ft, name);
	tp = diff_parent_column(b->to, tt, name);
	if ((fp == NULL) != (tp == NULL))
		return ~0u;
	if (fp == NULL)
		return 0;
	if (!diff_eq(fp->type, tp->type))
		mask |= OP_CHANGE_TYPE;
	if (!diff_eq(fp->collation, tp->collation))
		mask |= OP_CHANGE_COLLATION;
	return mask;
}

/* A kept table's column changes, onto d. */
static void
diff_columns(const struct diff_build *b, struct diff *d,
    const struct schema_table *ft, const struct schema_table *tt)
{
	struct op	*op;
	size_t		 i;

	for (i = 0; i < tt->ncolumns; i++) {
		const struct schema_column	*tc = tt->columns[i];
		const struct schema_column	*fc;
		unsigned			 change = 0;

		if ((fc = schema_find_column(ft, tc->name)) == NULL) {
			if (diff_inherited(b, ft, tt, tc->name) != ~0u) {
				diff_push(d, OP_ADD_COLUMN, tt, NULL, tc);
				if (tc->comment != NULL)
					diff_push(d, OP_COMMENT_COLUMN, tt,
					    NULL, tc);
			}
			continue;
		}
		if (!diff_eq(fc->type, tc->type))
			change |= OP_CHANGE_TYPE;
		if (fc->notnull != tc->notnull)
			change |= OP_CHANGE_NULL;
		if (!diff_eq(fc->default_sql, tc->default_sql))
			change |= OP_CHANGE_DEFAULT;
		if (fc->identity != tc->identity ||
		    !strv_equal(&fc->identity_options, &tc->identity_options))
			change |= OP_CHANGE_IDENTITY;
		if (!diff_eq(fc->generated, tc->generated) ||
		    fc->generated_stored != tc->generated_stored)
			change |= OP_CHANGE_GENERATED;
		if (!diff_eq(fc->collation, tc->collation))
			change |= OP_CHANGE_COLLATION;
		change &= ~diff_inherited(b, ft, tt, tc->name);
		if (change != 0) {
			op = diff_push(d, OP_ALTER_COLUMN, tt, fc, tc);
			op->change = change;
			if ((change & OP_CHANGE_TYPE) &&
			    diff_type_narrows(fc->type, tc->type))
				op->warning = "the new type may not hold every "
				    "value of the old one";
			else if ((change & OP_CHANGE_GENERATED) &&
			    tc->generated != NULL)
				op->warning = "the column is made again: its "
				    "values become the computed ones, and its "
				    "indexes go with it";
		}
		if (!diff_eq(fc->comment, tc->comment))
			diff_push(d, OP_COMMENT_COLUMN, tt, fc, tc);
	}
	for (i = 0; i < ft->ncolumns; i++) {
		if (schema_find_column(tt, ft->columns[i]->name) == NULL &&
		    diff_inherited(b, ft, tt, ft->columns[i]->name) != ~0u) {
			op = diff_push(d, OP_DROP_COLUMN, ft, ft->columns[i],
			    NULL);
			op->warning = "drops the column and its values";
		}
	}
}

static void
diff_append(struct diff *d, const struct diff *more)
{
	size_t	 i;

	for (i = 0; i < more->n; i++)
		*diff_push(d, OP_DROP_VIEW, NULL, NULL, NULL) = more->v[i];
}

/*
 * A kept table's changes into PH_TABLE: what goes (indexes, uniques,
 * checks, primary key), then the columns, then what comes. Its foreign
 * keys go to PH_DROP_FK and PH_ADD_FK.
 */
static void
diff_table(struct diff_build *b, const struct schema_table *ft,
    const struct schema_table *tt)
{
	struct diff	 drops = DIFF_INIT, adds = DIFF_INIT;
	struct diff	*d = &b->phase[PH_TABLE];
	struct op	*op;

	/* SQLite's virtual tables: their module owns the rest */
	if (ft->vtab != NULL || tt->vtab != NULL) {
		if (!diff_eq(ft->vtab, tt->vtab))
			diff_push(d, OP_TABLE_OPTIONS, tt, ft, tt)->warning =
			    "the virtual table is made again, empty";
		return;
	}
	diff_objects(&drops, &adds, OP_DROP_INDEX, OP_CREATE_INDEX, ft, tt,
	    (void *const *)ft->indexes, ft->nindexes,
	    (void *const *)tt->indexes, tt->nindexes, diff_index_same_v,
	    diff_index_name);
	diff_objects(&drops, &adds, OP_DROP_UNIQUE, OP_ADD_UNIQUE, ft, tt,
	    (void *const *)ft->uniques, ft->nuniques,
	    (void *const *)tt->uniques, tt->nuniques, diff_key_same_v,
	    diff_key_name);
	diff_objects(&drops, &adds, OP_DROP_CHECK, OP_ADD_CHECK, ft, tt,
	    (void *const *)ft->checks, ft->nchecks,
	    (void *const *)tt->checks, tt->nchecks, diff_check_same_v,
	    diff_check_name);
	if (ft->pk != NULL && tt->pk != NULL && diff_key_same(ft->pk, tt->pk) &&
	    ft->pk->name != NULL && tt->pk->name != NULL &&
	    strcmp(ft->pk->name, tt->pk->name) != 0) {
		op = diff_push(&drops, OP_RENAME_CONSTRAINT, tt, ft->pk,
		    tt->pk);
		op->old_name = ft->pk->name;
		op->new_name = tt->pk->name;
	} else {
		if (ft->pk != NULL && (tt->pk == NULL ||
		    !diff_key_same(ft->pk, tt->pk) ||
		    !diff_eq(ft->pk->name, tt->pk->name)))
			diff_push(&drops, OP_DROP_PK, ft, ft->pk, NULL);
		if (tt->pk != NULL && (ft->pk == NULL ||
		    !diff_key_same(ft->pk, tt->pk) ||
		    !diff_eq(ft->pk->name, tt->pk->name)))
			diff_push(&adds, OP_ADD_PK, tt, NULL, tt->pk);
	}
	diff_objects(&b->phase[PH_DROP_FK], &b->phase[PH_ADD_FK], OP_DROP_FK,
	    OP_ADD_FK, ft, tt, (void *const *)ft->fks, ft->nfks,
	    (void *const *)tt->fks, tt->nfks, diff_fk_same_v, diff_fk_name);
	diff_append(d, &drops);
	diff_columns(b, d, ft, tt);
	diff_append(d, &adds);
	if (!diff_eq(ft->comment, tt->comment))
		diff_push(d, OP_COMMENT_TABLE, tt, ft, tt);
	if (ft->without_rowid != tt->without_rowid ||
	    ft->strict != tt->strict || ft->autoincrement != tt->autoincrement)
		diff_push(d, OP_TABLE_OPTIONS, tt, ft, tt);
	/* last: attached, its columns and checks are those of its parent */
	if (!diff_same_parents(ft, tt) || !diff_eq(ft->partition_bound,
	    tt->partition_bound) || !diff_eq(ft->partition_key,
	    tt->partition_key))
		diff_push(d, OP_ALTER_PARENT, tt, ft, tt);
	diff_release(&drops);
	diff_release(&adds);
}

/* How many parents up t's first parents go (in s). */
static int
diff_depth(const struct schema *s, const struct schema_table *t)
{
	int	 d = 0;

	while (t != NULL && t->parents.n > 0 && d < 32) {
		t = schema_find_table(s, t->parent_schemas.n > 0 ?
		    t->parent_schemas.v[0] : t->schema, t->parents.v[0]);
		d++;
	}
	return d;
}

/* Whether t inherits from (or is a partition of) nspace.name. */
static int
diff_is_child_of(const struct schema_table *t, const char *nspace,
    const char *name)
{
	size_t	 i;

	for (i = 0; i < t->parents.n; i++) {
		if (strcmp(t->parents.v[i], name) == 0 &&
		    diff_eq(i < t->parent_schemas.n ? t->parent_schemas.v[i] :
		    t->schema, nspace))
			return 1;
	}
	return 0;
}

/* Whether table t is among the n tables of v not yet placed. */
static int
diff_pending(const struct schema_table *const *v, const unsigned char *placed,
    size_t n, const char *nspace, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (!placed[i] && strcmp(v[i]->name, name) == 0 &&
		    diff_eq(v[i]->schema, nspace))
			return 1;
	}
	return 0;
}

/* The table a foreign key of t points at: its schema defaults to t's. */
static const char *
diff_ref_schema(const struct schema_table *t, const struct schema_fk *fk)
{
	return fk->ref_schema != NULL ? fk->ref_schema : t->schema;
}

/* Whether a parent of t is in from too. */
static int
diff_kept_parent(const struct diff_build *b, const struct schema_table *t)
{
	size_t	 i;

	for (i = 0; i < t->parents.n; i++) {
		if (schema_find_table(b->from, i < t->parent_schemas.n ?
		    t->parent_schemas.v[i] : t->schema, t->parents.v[i]) !=
		    NULL)
			return 1;
	}
	return 0;
}

/* Whether d adds fk already. */
static int
diff_fk_pushed(const struct diff *d, const struct schema_fk *fk)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].kind == OP_ADD_FK && d->v[i].new == fk)
			return 1;
	}
	return 0;
}

/*
 * Ordering the tables created or dropped: the first table free to go
 * (lowest index in v) is placed, again and again. What holds each table
 * is counted once from the edges between them and kept up to date as
 * tables are placed, and the free tables wait in a min-heap: looking
 * for the next one by rescanning every pair made it cubic in the number
 * of tables (20 G instructions to drop a 1,000-table model).
 */
struct diff_tname {
	const char	*nspace;
	const char	*name;
	size_t		 i;
};

/* By (namespace, name), a NULL namespace first: diff_eq's equality. */
static int
diff_tname_cmp(const void *a, const void *b)
{
	const struct diff_tname	*x = a, *y = b;
	int			 c;

	if (x->nspace == NULL || y->nspace == NULL)
		c = (x->nspace != NULL) - (y->nspace != NULL);
	else
		c = strcmp(x->nspace, y->nspace);
	return c != 0 ? c : strcmp(x->name, y->name);
}

/* The index in v of table nspace.name, or n. */
static size_t
diff_tname_find(const struct diff_tname *names, size_t n,
    const char *nspace, const char *name)
{
	struct diff_tname	 key, *hit;

	key.nspace = nspace;
	key.name = name;
	key.i = 0;
	hit = bsearch(&key, names, n, sizeof *names, diff_tname_cmp);
	return hit != NULL ? hit->i : n;
}

/*
 * The edges between the n tables of v, from a table to one it needs (a
 * parent, or the table a foreign key points at; not itself), grouped by
 * from (by_to 0) or by to (by_to 1): those of table i are other[k] for
 * k in [start[i], start[i + 1]), parent[k] when to a parent.
 */
struct diff_edges {
	size_t		*start;
	size_t		*other;
	unsigned char	*parent;
};

static void
diff_edges_build(struct diff_edges *e, const struct schema_table **v,
    size_t n, int by_to)
{
	struct diff_tname	*names = xcalloc(n + 1, sizeof *names);
	size_t			*from = NULL, *to = NULL, *fill;
	unsigned char		*par = NULL;
	size_t			 ne = 0, alloc = 0, i, j, t, k, np;

	for (i = 0; i < n; i++) {
		names[i].nspace = v[i]->schema;
		names[i].name = v[i]->name;
		names[i].i = i;
	}
	if (n > 1)
		qsort(names, n, sizeof *names, diff_tname_cmp);
	for (i = 0; i < n; i++) {
		np = v[i]->parents.n;
		for (j = 0; j < np + v[i]->nfks; j++) {
			if (j < np)
				t = diff_tname_find(names, n,
				    j < v[i]->parent_schemas.n ?
				    v[i]->parent_schemas.v[j] : v[i]->schema,
				    v[i]->parents.v[j]);
			else
				t = diff_tname_find(names, n, diff_ref_schema(
				    v[i], v[i]->fks[j - np]),
				    v[i]->fks[j - np]->ref_table);
			if (t == n || t == i)
				continue;
			if (ne == alloc) {
				alloc = alloc ? alloc * 2 : 64;
				from = xrealloc(from, alloc * sizeof *from);
				to = xrealloc(to, alloc * sizeof *to);
				par = xrealloc(par, alloc);
			}
			from[ne] = i;
			to[ne] = t;
			par[ne] = j < np;
			ne++;
		}
	}
	e->start = xcalloc(n + 2, sizeof *e->start);
	e->other = xcalloc(ne + 1, sizeof *e->other);
	e->parent = xcalloc(ne + 1, 1);
	for (k = 0; k < ne; k++)
		e->start[(by_to ? to[k] : from[k]) + 1]++;
	for (i = 0; i < n; i++)
		e->start[i + 1] += e->start[i];
	fill = xcalloc(n + 1, sizeof *fill);
	for (k = 0; k < ne; k++) {
		i = by_to ? to[k] : from[k];
		e->other[e->start[i] + fill[i]] = by_to ? from[k] : to[k];
		e->parent[e->start[i] + fill[i]] = par[k];
		fill[i]++;
	}
	xfree(fill);
	xfree(from);
	xfree(to);
	xfree(par);
	xfree(names);
}

static void
diff_edges_release(struct diff_edges *e)
{
	xfree(e->start);
	xfree(e->other);
	xfree(e->parent);
}

/* The free tables, lowest index first. */
static void
diff_heap_push(size_t *h, size_t *n, size_t x)
{
	size_t	 i = (*n)++, up;

	while (i > 0 && h[up = (i - 1) / 2] > x) {
		h[i] = h[up];
		i = up;
	}
	h[i] = x;
}

static size_t
diff_heap_pop(size_t *h, size_t *n)
{
	size_t	 top = h[0], x = h[--*n], i = 0, c;

	while ((c = 2 * i + 1) < *n) {
		if (c + 1 < *n && h[c + 1] < h[c])
			c++;
		if (h[c] >= x)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = x;
	return top;
}

/*
 * New tables, referenced ones first. When only a cycle is left, the
 * first table of it is created anyway and its foreign keys into tables
 * still to come become OP_ADD_FK ops, run once all exist.
 */
static void
diff_create_tables(struct diff_build *b, const struct schema_table **v,
    size_t n)
{
	unsigned char	*placed = xcalloc(n + 1, 1);
	struct diff_edges e;
	/* the tables not yet placed that i needs; of them, its parents */
	size_t		*need = xcalloc(n + 1, sizeof *need);
	size_t		*needp = xcalloc(n + 1, sizeof *needp);
	size_t		*heap = xcalloc(n + 1, sizeof *heap), nheap = 0;
	size_t		 done = 0, i, j;

	diff_edges_build(&e, v, n, 1);
	for (i = 0; i < n; i++) {
		for (j = e.start[i]; j < e.start[i + 1]; j++) {
			need[e.other[j]]++;
			if (e.parent[j])
				needp[e.other[j]]++;
		}
	}
	for (i = 0; i < n; i++) {
		if (need[i] == 0)
			diff_heap_push(heap, &nheap, i);
	}
	while (done < n) {
		size_t	 pick = n;

		if (nheap > 0)
			pick = diff_heap_pop(heap, &nheap);
		else {
			/*
			 * A cycle: break it at the first table left whose
			 * parents are there.
			 */
			for (pick = 0; pick < n; pick++) {
				if (!placed[pick] && needp[pick] == 0)
					break;
			}
			if (pick == n)
				for (pick = 0; placed[pick]; pick++)
					;
			for (j = 0; j < v[pick]->nfks; j++) {
				const struct schema_fk *fk = v[pick]->fks[j];

				if (diff_pending(v, placed, n,
				    diff_ref_schema(v[pick], fk),
				    fk->ref_table) && !(strcmp(fk->ref_table,
				    v[pick]->name) == 0))
					diff_push(&b->phase[PH_ADD_FK],
					    OP_ADD_FK, v[pick], NULL, fk);
			}
		}
		/*
		 * A new child of a kept parent: once the parent's changes
		 * ran (a column it adds, which the child sets otherwise).
		 */
		diff_push(&b->phase[diff_kept_parent(b, v[pick]) ? PH_TABLE :
		    PH_CREATE_TABLE], OP_CREATE_TABLE, v[pick], NULL, v[pick]);
		/*
		 * What is NOT VALID can only be added so (CREATE TABLE would
		 * check it): after the table, as if added later.
		 */
		for (j = 0; j < v[pick]->nchecks; j++) {
			if (v[pick]->checks[j]->not_valid)
				diff_push(&b->phase[PH_TABLE], OP_ADD_CHECK,
				    v[pick], NULL, v[pick]->checks[j]);
		}
		for (j = 0; j < v[pick]->nfks; j++) {
			if (v[pick]->fks[j]->not_valid &&
			    !diff_fk_pushed(&b->phase[PH_ADD_FK],
			    v[pick]->fks[j]))
				diff_push(&b->phase[PH_ADD_FK], OP_ADD_FK,
				    v[pick], NULL, v[pick]->fks[j]);
		}
		for (j = 0; j < v[pick]->nindexes; j++)
			diff_push(&b->phase[PH_TABLE], OP_CREATE_INDEX,
			    v[pick], NULL, v[pick]->indexes[j]);
		if (v[pick]->comment != NULL)
			diff_push(&b->phase[PH_TABLE], OP_COMMENT_TABLE,
			    v[pick], NULL, v[pick]);
		for (j = 0; j < v[pick]->ncolumns; j++) {
			if (v[pick]->columns[j]->comment != NULL)
				diff_push(&b->phase[PH_TABLE],
				    OP_COMMENT_COLUMN, v[pick], NULL,
				    v[pick]->columns[j]);
		}
		placed[pick] = 1;
		done++;
		/* what waited for pick */
		for (j = e.start[pick]; j < e.start[pick + 1]; j++) {
			i = e.other[j];
			need[i]--;
			if (e.parent[j])
				needp[i]--;
			if (need[i] == 0 && !placed[i])
				diff_heap_push(heap, &nheap, i);
		}
	}
	diff_edges_release(&e);
	xfree(heap);
	xfree(needp);
	xfree(need);
	xfree(placed);
}

/*
 * Tables that go, those pointing at others first; in a cycle, the
 * foreign keys into the table dropped first are dropped before it.
 */
static void
diff_drop_tables(struct diff_build *b, const struct schema_table **v,
    size_t n)
{
	unsigned char	*placed = xcalloc(n + 1, 1);
	struct diff_edges e;
	/* the edges into i from tables not yet placed */
	size_t		*held = xcalloc(n + 1, sizeof *held);
	size_t		*heap = xcalloc(n + 1, sizeof *heap), nheap = 0;
	size_t		 done = 0, i, j, k;
	struct op	*op;

	diff_edges_build(&e, v, n, 0);
	for (i = 0; i < n; i++) {
		for (j = e.start[i]; j < e.start[i + 1]; j++)
			held[e.other[j]]++;
	}
	for (i = 0; i < n; i++) {
		if (held[i] == 0)
			diff_heap_push(heap, &nheap, i);
	}
	while (done < n) {
		size_t	 pick = n;

		/* one no other table left points at */
		if (nheap > 0)
			pick = diff_heap_pop(heap, &nheap);
		if (pick == n) {
			for (pick = 0; placed[pick]; pick++)
				;
			for (k = 0; k < n; k++) {
				if (placed[k] || k == pick)
					continue;
				for (j = 0; j < v[k]->nfks; j++) {
					const struct schema_fk *fk =
					    v[k]->fks[j];

					if (strcmp(fk->ref_table,
					    v[pick]->name) == 0 && diff_eq(
					    diff_ref_schema(v[k], fk),
					    v[pick]->schema))
						diff_push(&b->phase[PH_DROP_FK],
						    OP_DROP_FK, v[k], fk,
						    NULL);
				}
			}
		}
		op = diff_push(&b->phase[PH_DROP_TABLE], OP_DROP_TABLE,
		    v[pick], v[pick], NULL);
		op->warning = "drops the table and its rows";
		placed[pick] = 1;
		done++;
		for (j = e.start[pick]; j < e.start[pick + 1]; j++) {
			i = e.other[j];
			if (--held[i] == 0 && !placed[i])
				diff_heap_push(heap, &nheap, i);
		}
	}
	diff_edges_release(&e);
	xfree(heap);
	xfree(held);
	xfree(placed);
}

/*
 * Enum types: values only added (in place) are ADD VALUE; anything else
 * (a value removed, the order changed) recreates the type.
 */
static void
diff_enum(struct diff_build *b, const struct schema_enum *fe,
    const struct schema_enum *te)
{
	size_t		 i, j = 0;
	struct op	*op;

	if (strv_equal(&fe->values, &te->values))
		return;
	/* from's values must appear in to, in the same order */
	for (i = 0; i < te->values.n && j < fe->values.n; i++) {
		if (strcmp(te->values.v[i], fe->values.v[j]) == 0)
			j++;
	}
	if (j < fe->values.n) {
		op = diff_push(&b->phase[PH_ENUM], OP_RECREATE_ENUM, NULL, fe,
		    te);
		op->warning = "values removed from the type: rows that hold "
		    "them cannot be converted";
		return;
	}
	for (i = 0, j = 0; i < te->values.n; i++) {
		if (j < fe->values.n && strcmp(te->values.v[i],
		    fe->values.v[j]) == 0) {
			j++;
			continue;
		}
		op = diff_push(&b->phase[PH_ENUM], OP_ADD_ENUM_VALUE, NULL, fe,
		    te);
		op->value = te->values.v[i];
		op->after = i > 0 ? te->values.v[i - 1] : NULL;
	}
}

static const struct schema_enum *
diff_find_enum(const struct schema *s, const struct schema_enum *e)
{
	size_t	 i;

	for (i = 0; i < s->nenums; i++) {
		if (strcmp(s->enums[i]->name, e->name) == 0 &&
		    diff_eq(s->enums[i]->schema, e->schema))
			return s->enums[i];
	}
	return NULL;
}

static const struct schema_view *
diff_find_view(const struct schema *s, const struct schema_view *v)
{
	size_t	 i;

	for (i = 0; i < s->nviews; i++) {
		if (strcmp(s->views[i]->name, v->name) == 0 &&
		    diff_eq(s->views[i]->schema, v->schema))
			return s->views[i];
	}
	return NULL;
}

/*
 * Whether text names table as a word or as a quoted identifier (a view
 * reading it, roughly).
 */
static int
diff_mentions(const char *text, const char *table)
{
	struct strbuf	 q = STRBUF_INIT;
	const char	*p;
	size_t		 n = strlen(table);
	int		 found = 0;

	for (p = text; (p = strstr(p, table)) != NULL; p += n) {
		int	 before = p > text && (isalnum((unsigned char)p[-1]) ||
			    p[-1] == '_');
		int	 after = isalnum((unsigned char)p[n]) || p[n] == '_';

		if (!before && !after)
			return 1;
	}
	/* "we""ird": as the database prints a name that needs quotes */
	strbuf_addch(&q, '"');
	for (p = table; *p != '\0'; p++) {
		if (*p == '"')
			strbuf_addch(&q, '"');
		strbuf_addch(&q, *p);
	}
	strbuf_addch(&q, '"');
	found = strstr(text, q.buf) != NULL;
	strbuf_release(&q);
	return found;
}

/* Whether the diff so far changes table t (by name). */
static int
diff_touches(const struct diff_build *b, const char *name)
{
	size_t	 p, i;

	for (p = PH_DROP_FK; p < DIFF_PHASES; p++) {
		for (i = 0; i < b->phase[p].n; i++) {
			const struct schema_table *t = b->phase[p].v[i].table;

			if (t != NULL && strcmp(t->name, name) == 0)
				return 1;
		}
	}
	return 0;
}

/* Whether phase ph of the diff has an op of kind k on object x. */
static int
diff_has_op(const struct diff_build *b, enum diff_phase ph, enum op_kind k,
    const void *x)
{
	size_t	 i;

	for (i = 0; i < b->phase[ph].n; i++) {
		const struct op	*op = &b->phase[ph].v[i];

		if (op->kind == k && (op->old == x || op->new == x ||
		    op->table == x))
			return 1;
	}
	return 0;
}

/*
 * A primary key, unique constraint or unique index that goes while a
 * kept foreign key still points at its columns: PostgreSQL refuses to drop it (the key's
 * index backs the foreign key), so the foreign key goes first and comes
 * back after, onto what the model has then.
 */
static void
diff_keys_under_fks(struct diff_build *b)
{
	size_t	 i, j, k, n = b->phase[PH_TABLE].n;

	for (i = 0; i < n; i++) {
		const struct op			*op = &b->phase[PH_TABLE].v[i];
		const struct schema_table	*pt = op->table;
		const struct strv		*cols;

		if (op->kind == OP_DROP_PK || op->kind == OP_DROP_UNIQUE)
			cols = &((const struct schema_key *)op->old)->columns;
		else if (op->kind == OP_DROP_INDEX &&
		    ((const struct schema_index *)op->old)->unique &&
		    ((const struct schema_index *)op->old)->where == NULL)
			cols = &((const struct schema_index *)op->old)->keys;
		else
			continue;
		for (j = 0; j < b->from->ntables; j++) {
			const struct schema_table *ct = b->from->tables[j];
			const struct schema_table *tt;

			for (k = 0; k < ct->nfks; k++) {
				const struct schema_fk	*fk = ct->fks[k];
				const struct schema_fk	*tfk;

				if (strcmp(fk->ref_table, pt->name) != 0 ||
				    !diff_eq(diff_ref_schema(ct, fk),
				    pt->schema) || !(strv_equal(
				    &fk->ref_columns, cols) ||
				    (fk->ref_columns.n == 0 &&
				    op->kind == OP_DROP_PK)) ||
				    diff_has_op(b, PH_DROP_FK, OP_DROP_FK, fk) ||
				    diff_has_op(b, PH_DROP_TABLE,
				    OP_DROP_TABLE, ct))
					continue;
				diff_push(&b->phase[PH_DROP_FK], OP_DROP_FK, ct,
				    fk, NULL);
				tt = schema_find_table(b->to, ct->schema,
				    ct->name);
				tfk = tt != NULL && fk->name != NULL ?
				    schema_find_fk(tt, fk->name) : NULL;
				if (tfk != NULL && !diff_has_op(b, PH_ADD_FK,
				    OP_ADD_FK, tfk))
					diff_push(&b->phase[PH_ADD_FK],
					    OP_ADD_FK, tt, NULL, tfk);
			}
		}
	}
}

/* Whether table t has a column of an enum the diff makes again. */
static int
diff_uses_remade_enum(const struct diff_build *b, const struct schema_table *t)
{
	size_t	 i, j;

	for (i = 0; i < b->phase[PH_ENUM].n; i++) {
		const struct op		*op = &b->phase[PH_ENUM].v[i];
		const struct schema_enum *e = op->old;

		if (op->kind != OP_RECREATE_ENUM)
			continue;
		for (j = 0; j < t->ncolumns; j++) {
			if (diff_mentions(t->columns[j]->type, e->name))
				return 1;
		}
	}
	return 0;
}

/*
 * Views: those that changed or went are dropped first and those that
 * changed or came are created last. A view that reads a table the diff
 * changes (or one whose enum type is made again) goes and comes back
 * too, whatever its text, and so does a view that reads such a view.
 * Drops run readers first, creates the views they read first.
 */
static void
diff_views(struct diff_build *b)
{
	const struct schema	*from = b->from, *to = b->to;
	unsigned char		*again, *done;
	const struct schema_view **make;
	size_t			 i, j, n, nmake = 0, left;
	int			 more;

	again = xcalloc(from->nviews + 1, 1);
	done = xcalloc(from->nviews + to->nviews + 1, 1);
	make = xcalloc(to->nviews + 1, sizeof *make);
	for (i = 0; i < from->nviews; i++) {
		const struct schema_view	*fv = from->views[i];
		const struct schema_view	*tv = diff_find_view(to, fv);

		again[i] = tv == NULL || !diff_eq(fv->definition,
		    tv->definition) || fv->materialized != tv->materialized;
		for (j = 0; !again[i] && j < from->ntables; j++)
			again[i] = diff_mentions(fv->definition,
			    from->tables[j]->name) && (diff_touches(b,
			    from->tables[j]->name) ||
			    diff_uses_remade_enum(b, from->tables[j]));
	}
	do {	/* and what reads them */
		more = 0;
		for (i = 0; i < from->nviews; i++) {
			for (j = 0; !again[i] && j < from->nviews; j++) {
				if (j != i && again[j] && diff_mentions(
				    from->views[i]->definition,
				    from->views[j]->name))
					again[i] = more = 1;
			}
		}
	} while (more);
	/* drops: a view once no other view to drop reads it */
	for (left = 0, i = 0; i < from->nviews; i++)
		left += again[i];
	while (left > 0) {
		size_t	 before = left;

		for (i = 0; i < from->nviews; i++) {
			int	 read = 0;

			if (!again[i] || done[i])
				continue;
			for (j = 0; j < from->nviews && !read; j++)
				read = j != i && again[j] && !done[j] &&
				    diff_mentions(from->views[j]->definition,
				    from->views[i]->name);
			if (read)
				continue;
			diff_push(&b->phase[PH_DROP_VIEW], OP_DROP_VIEW, NULL,
			    from->views[i], NULL);
			done[i] = 1;
			left--;
		}
		if (left == before) {	/* a cycle: drop the first anyway */
			for (i = 0; done[i] || !again[i]; i++)
				;
			diff_push(&b->phase[PH_DROP_VIEW], OP_DROP_VIEW, NULL,
			    from->views[i], NULL);
			done[i] = 1;
			left--;
		}
	}
	/* creates: the new, the changed and the dropped-again ones */
	for (i = 0; i < to->nviews; i++) {
		const struct schema_view	*tv = to->views[i];
		const struct schema_view	*fv = diff_find_view(from, tv);

		for (j = 0; fv != NULL && from->views[j] != fv; j++)
			;
		if (fv == NULL || again[j])
			make[nmake++] = tv;
	}
	memset(done, 0, nmake + 1);
	for (left = nmake; left > 0;) {
		size_t	 before = left;

		for (i = 0; i < nmake; i++) {
			int	 waits = 0;

			if (done[i])
				continue;
			for (n = 0; n < nmake && !waits; n++)
				waits = n != i && !done[n] && diff_mentions(
				    make[i]->definition, make[n]->name);
			if (waits)
				continue;
			diff_push(&b->phase[PH_CREATE_VIEW], OP_CREATE_VIEW,
			    NULL, NULL, make[i]);
			done[i] = 1;
			left--;
		}
		if (left == before) {	/* a cycle: the first anyway */
			for (i = 0; done[i]; i++)
				;
			diff_push(&b->phase[PH_CREATE_VIEW], OP_CREATE_VIEW,
			    NULL, NULL, make[i]);
			done[i] = 1;
			left--;
		}
	}
	xfree(again);
	xfree(done);
	xfree(make);
}

/*
 * Other objects (struct schema_object): matched by kind and identity.
 * One whose text changed is changed in place when its fixed part did not
 * (ALTER DOMAIN, ALTER SEQUENCE, CREATE OR REPLACE FUNCTION), else it is
 * dropped and made again. Each phase is then put in the order the
 * objects' dependencies ask.
 */

static enum diff_phase
diff_object_phase(const struct schema_object *o, int drop)
{
	if (o->kind == SCHEMA_OBJ_SCHEMA)
		return drop ? PH_DROP_SCHEMA : PH_CREATE_SCHEMA;
	if (o->late)
		return drop ? PH_DROP_LATE : PH_LATE;
	return drop ? PH_DROP_EARLY : PH_EARLY;
}

static const struct schema_object *
diff_op_object(const struct op *op)
{
	return op->new != NULL ? op->new : op->old;
}

/* Whether a lists b among what it uses ("kind identity"). */
static int
diff_object_uses(const struct schema_object *a, const struct schema_object *b)
{
	const char	*kind;
	size_t		 i, n;

	if (a->deps.n == 0 || a == b)
		return 0;
	kind = schema_object_kind_name(b->kind);
	n = strlen(kind);
	for (i = 0; i < a->deps.n; i++) {
		const char	*d = a->deps.v[i];

		if (strncmp(d, kind, n) == 0 && d[n] == ' ' &&
		    strcmp(d + n + 1, b->identity) == 0)
			return 1;
	}
	return 0;
}

/*
 * The object ops of d in dependency order: what is used first, else in
 * the order they came; drops in the reverse of that.
 */
static void
diff_object_sort(struct diff *d, int drop)
{
	struct op	*v;
	unsigned char	*placed;
	size_t		 j, k, pick;

	if (d->n < 2)
		return;
	v = xcalloc(d->n, sizeof *v);
	placed = xcalloc(d->n, 1);
	memcpy(v, d->v, d->n * sizeof *v);
	for (k = 0; k < d->n; k++) {
		for (pick = 0; pick < d->n; pick++) {
			const struct schema_object *o;
			int	 ready = 1;

			if (placed[pick])
				continue;
			o = diff_op_object(&v[pick]);
			for (j = 0; ready && o->deps.n > 0 && j < d->n; j++)
				ready = placed[j] || j == pick ||
				    !diff_object_uses(o, diff_op_object(&v[j]));
			if (ready)
				break;
		}
		if (pick == d->n)	/* a cycle: the first one left */
			for (pick = 0; placed[pick]; pick++)
				;
		d->v[drop ? d->n - 1 - k : k] = v[pick];
		placed[pick] = 1;
	}
	xfree(v);
	xfree(placed);
}

/* Whether view nspace.name is dropped by the diff and made again. */
static int
diff_view_remade(const struct diff_build *b, const char *nspace,
    const char *name)
{
	size_t	 i;

	for (i = 0; i < b->phase[PH_DROP_VIEW].n; i++) {
		const struct schema_view *v = b->phase[PH_DROP_VIEW].v[i].old;

		if (strcmp(v->name, name) == 0 && diff_eq(v->schema, nspace))
			return diff_find_view(b->to, v) != NULL;
	}
	return 0;
}

/*
 * Whether an object goes with what owns it, dropped before the object's
 * turn: an early object (a sequence OWNED BY a column) whose table or
 * column goes.
 */
static int
diff_object_taken(const struct diff_build *b, const struct schema_object *o)
{
	const struct schema_table	*t;

	if (o->late || o->table == NULL)
		return 0;
	if ((t = schema_find_table(b->to, o->table_schema, o->table)) == NULL)
		return 1;
	return o->column != NULL && schema_find_column(t, o->column) == NULL;
}

static void
diff_object_create(struct diff_build *b, const struct schema_object *o,
    enum diff_phase ph)
{
	struct op	*op;

	diff_push(&b->phase[ph], OP_CREATE_OBJECT, NULL, NULL, o);
	if (o->kind == SCHEMA_OBJ_SEQUENCE && o->column != NULL) {
		/* once its table is there */
		op = diff_push(&b->phase[PH_LATE], OP_ALTER_OBJECT, NULL, NULL,
		    o);
		op->change = OP_OBJECT_OWNER;
	}
}

static void
diff_object_drop(struct diff_build *b, const struct schema_object *o,
    enum diff_phase ph)
{
	struct op	*op;

	if (diff_object_taken(b, o))
		return;
	op = diff_push(&b->phase[ph], OP_DROP_OBJECT, NULL, o, NULL);
	if (o->kind == SCHEMA_OBJ_SEQUENCE)
		op->warning = "drops the sequence and its current value";
}

static void
diff_object_alter(struct diff_build *b, const struct schema_object *fo,
    const struct schema_object *to, unsigned change)
{
	struct op	*op;

	if (change & OP_OBJECT_OWNER) {
		/* an owner once its table is there; none before it goes */
		op = diff_push(&b->phase[to->column != NULL ? PH_LATE :
		    PH_EARLY], OP_ALTER_OBJECT, NULL, fo, to);
		op->change = OP_OBJECT_OWNER;
	}
	if ((change &= ~OP_OBJECT_OWNER) != 0) {
		op = diff_push(&b->phase[diff_object_phase(to, 0)],
		    OP_ALTER_OBJECT, NULL, fo, to);
		op->change = change;
	}
}

/* Whether the diff has an op on fo or on to already. */
static int
diff_object_has_ops(const struct diff_build *b, const struct schema_object *fo,
    const struct schema_object *to)
{
	static const enum diff_phase	 phases[] = { PH_CREATE_SCHEMA,
	    PH_DROP_LATE, PH_DROP_REPLACED, PH_EARLY, PH_DROP_EARLY, PH_LATE,
	    PH_DROP_SCHEMA };
	size_t				 i, j;

	for (i = 0; i < sizeof phases / sizeof phases[0]; i++) {
		const struct diff	*d = &b->phase[phases[i]];

		for (j = 0; j < d->n; j++) {
			if (d->v[j].old == fo || d->v[j].new == to)
				return 1;
		}
	}
	return 0;
}

/*
 * Whether o uses an object the diff drops before o's own turn, or a view
 * it drops (to make it again, or not).
 */
static int
diff_object_uses_dropped(const struct diff_build *b,
    const struct schema_object *o)
{
	static const enum diff_phase	 phases[] = { PH_DROP_LATE,
	    PH_DROP_REPLACED };
	struct strbuf			 sb = STRBUF_INIT;
	size_t				 i, j;
	int				 uses = 0;

	if (o->deps.n == 0)
		return 0;
	for (i = 0; !uses && i < b->phase[PH_DROP_VIEW].n; i++) {
		const struct schema_view *v = b->phase[PH_DROP_VIEW].v[i].old;

		strbuf_reset(&sb);
		strbuf_addf(&sb, "relation %s.%s", v->schema != NULL ?
		    v->schema : "", v->name);
		for (j = 0; !uses && j < o->deps.n; j++)
			uses = strcmp(o->deps.v[j], sb.buf) == 0;
	}
	strbuf_release(&sb);
	if (uses)
		return 1;
	for (i = 0; i < sizeof phases / sizeof phases[0]; i++) {
		const struct diff	*d = &b->phase[phases[i]];

		for (j = 0; j < d->n; j++) {
			if (d->v[j].kind == OP_DROP_OBJECT &&
			    diff_object_uses(o, d->v[j].old))
				return 1;
		}
	}
	return 0;
}

static void
diff_objects_all(struct diff_build *b)
{
	const struct schema_object	*fo, *to;
	struct op			*op;
	unsigned			 change;
	size_t				 i;
	int				 changed;

	for (i = 0; i < b->to->nobjects; i++) {
		to = b->to->objects[i];
		fo = schema_find_object(b->from, to->kind, to->identity);
		if (fo == NULL) {
			diff_object_create(b, to, diff_object_phase(to, 0));
			continue;
		}
		change = 0;
		if (!diff_eq(fo->comment, to->comment))
			change |= OP_OBJECT_COMMENT;
		if (!diff_eq(fo->column, to->column) ||
		    !diff_eq(fo->table, to->table) ||
		    !diff_eq(fo->table_schema, to->table_schema))
			change |= OP_OBJECT_OWNER;
		if (!diff_eq(fo->sql, to->sql))
			change |= OP_OBJECT_SQL;
		if (to->late && to->table != NULL && diff_view_remade(b,
		    to->table_schema, to->table)) {
			/* it went with the view */
			diff_object_create(b, to, PH_LATE);
		} else if (change == 0) {
			continue;
		} else if (!(change & OP_OBJECT_SQL) ||
		    (fo->fixed != NULL && to->fixed != NULL &&
		    strcmp(fo->fixed, to->fixed) == 0)) {
			diff_object_alter(b, fo, to, change);
		} else {
			/* made again: dropped just before, if early */
			diff_object_drop(b, fo, fo->late ? PH_DROP_LATE :
			    fo->kind == SCHEMA_OBJ_SCHEMA ? PH_DROP_SCHEMA :
			    PH_DROP_REPLACED);
			diff_object_create(b, to, diff_object_phase(to, 0));
			if (to->kind == SCHEMA_OBJ_DOMAIN ||
			    to->kind == SCHEMA_OBJ_TYPE ||
			    to->kind == SCHEMA_OBJ_COLLATION) {
				op = &b->phase[diff_object_phase(to, 0)].v[
				    b->phase[diff_object_phase(to, 0)].n - 1];
				op->warning = "dropped and made again: this "
				    "fails while a column uses it";
			}
		}
	}
	for (i = 0; i < b->from->nobjects; i++) {
		fo = b->from->objects[i];
		if (schema_find_object(b->to, fo->kind, fo->identity) == NULL)
			diff_object_drop(b, fo, diff_object_phase(fo, 1));
	}
	/* what uses an object made again goes and comes back with it */
	do {
		changed = 0;
		for (i = 0; i < b->to->nobjects; i++) {
			to = b->to->objects[i];
			fo = schema_find_object(b->from, to->kind,
			    to->identity);
			if (fo == NULL || !diff_object_uses_dropped(b, fo) ||
			    diff_object_has_ops(b, fo, to))
				continue;
			diff_object_drop(b, fo, fo->late ? PH_DROP_LATE :
			    PH_DROP_REPLACED);
			diff_object_create(b, to, diff_object_phase(to, 0));
			changed = 1;
		}
	} while (changed);
	diff_object_sort(&b->phase[PH_CREATE_SCHEMA], 0);
	diff_object_sort(&b->phase[PH_DROP_LATE], 1);
	diff_object_sort(&b->phase[PH_DROP_REPLACED], 1);
	diff_object_sort(&b->phase[PH_EARLY], 0);
	diff_object_sort(&b->phase[PH_DROP_EARLY], 1);
	diff_object_sort(&b->phase[PH_LATE], 0);
	diff_object_sort(&b->phase[PH_DROP_SCHEMA], 1);
}

/*
 * Renames. The ops are computed against a copy of from in which the
 * renames have been made (d->renamed): names, the column lists of keys,
 * foreign keys and indexes, and the expressions that name a renamed
 * column (checks, index keys, defaults, generated columns, triggers), as
 * the database rewrites them when it renames.
 */

static int
diff_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' ||
	    (unsigned char)c >= 0x80;
}

/* Whether name can stand unquoted (lower case, as PostgreSQL prints). */
static int
diff_plain_ident(const char *name)
{
	const char	*p;

	if (*name == '\0' || isdigit((unsigned char)*name))
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		    *p == '_'))
			return 0;
	}
	return 1;
}

static void
diff_add_quoted(struct strbuf *sb, const char *name)
{
	strbuf_addch(sb, '"');
	for (; *name != '\0'; name++) {
		if (*name == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *name);
	}
	strbuf_addch(sb, '"');
}

/*
 * Replace the identifier old by new in *text: a bare word (any case) or
 * a quoted identifier, not inside a string literal. A quoted one stays
 * quoted; a bare one stays bare when new needs no quotes.
 */
static void
diff_rename_word(char **text, const char *old, const char *new)
{
	struct strbuf	 sb = STRBUF_INIT;
	struct strbuf	 id = STRBUF_INIT;
	const char	*p, *q;
	size_t		 n = strlen(old);
	int		 hit = 0;

	if (*text == NULL)
		return;
	for (p = *text; *p != '\0';) {
		if (*p == '\'') {	/* a literal, '' inside */
			for (q = p + 1; *q != '\0' && !(*q == '\'' &&
			    q[1] != '\''); q += *q == '\'' ? 2 : 1)
				;
			q += *q != '\0';
			strbuf_add(&sb, p, (size_t)(q - p));
			p = q;
		} else if (*p == '"') {
			strbuf_reset(&id);
			for (q = p + 1; *q != '\0'; q++) {
				if (*q == '"' && q[1] == '"')
					q++;
				else if (*q == '"')
					break;
				strbuf_addch(&id, *q);
			}
			q += *q != '\0';
			if (strcmp(id.buf, old) == 0) {
				diff_add_quoted(&sb, new);
				hit = 1;
			} else {
				strbuf_add(&sb, p, (size_t)(q - p));
			}
			p = q;
		} else if (diff_ident_char(*p) && (p == *text ||
		    !diff_ident_char(p[-1]))) {
			for (q = p; diff_ident_char(*q); q++)
				;
			if ((size_t)(q - p) == n && strncasecmp(p, old, n) == 0) {
				if (diff_plain_ident(new))
					strbuf_addstr(&sb, new);
				else
					diff_add_quoted(&sb, new);
				hit = 1;
			} else {
				strbuf_add(&sb, p, (size_t)(q - p));
			}
			p = q;
		} else {
			strbuf_addch(&sb, *p++);
		}
	}
	if (hit) {
		xfree(*text);
		*text = strbuf_detach(&sb, NULL);
	}
	strbuf_release(&sb);
	strbuf_release(&id);
}

/* In a list of column names (an index key may go on: " DESC"). */
static void
diff_rename_list(struct strv *v, const char *old, const char *new,
    int keys)
{
	size_t	 i, n = strlen(old);

	for (i = 0; i < v->n; i++) {
		char	*s = v->v[i];

		if (strcmp(s, old) == 0) {
			v->v[i] = xstrdup(new);
			xfree(s);
		} else if (keys && strncmp(s, old, n) == 0 && s[n] == ' ') {
			struct strbuf	 sb = STRBUF_INIT;

			strbuf_addf(&sb, "%s%s", new, s + n);
			v->v[i] = strbuf_detach(&sb, NULL);
			xfree(s);
		} else if (keys) {
			diff_rename_word(&v->v[i], old, new);
		}
	}
}

static void
diff_rename_set(char **name, const char *new)
{
	xfree(*name);
	*name = xstrdup(new);
}

static size_t
diff_column_index(const struct schema_table *t, const struct schema_column *c)
{
	size_t	 i;

	for (i = 0; i < t->ncolumns && t->columns[i] != c; i++)
		;
	return i;
}

/* The copy of t in c, a copy of s (same positions). */
static struct schema_table *
diff_copy_of(const struct schema *s, struct schema *c,
    const struct schema_table *t)
{
	size_t	 i;

	for (i = 0; i < s->ntables; i++) {
		if (s->tables[i] == t)
			return c->tables[i];
	}
	return NULL;
}

static void
diff_rename_table(struct schema *c, struct schema_table *t,
    const char *new)
{
	char	*old = xstrdup(t->name);
	size_t	 i, j;

	for (i = 0; i < c->ntables; i++) {
		struct schema_table	*u = c->tables[i];

		for (j = 0; j < u->nfks; j++) {
			struct schema_fk	*fk = u->fks[j];

			if (strcmp(fk->ref_table, old) == 0 && diff_eq(
			    diff_ref_schema(u, fk), t->schema))
				diff_rename_set(&fk->ref_table, new);
		}
	}
	for (i = 0; i < t->nindexes; i++)
		diff_rename_word(&t->indexes[i]->sql, old, new);
	for (i = 0; i < c->ntriggers; i++) {
		if (strcmp(c->triggers[i]->table, old) != 0)
			continue;
		diff_rename_set(&c->triggers[i]->table, new);
		diff_rename_word(&c->triggers[i]->sql, old, new);
	}
	/* what hangs on it (triggers, rules ...), and its children */
	for (i = 0; i < c->nobjects; i++) {
		struct schema_object	*o = c->objects[i];

		if (o->table == NULL || strcmp(o->table, old) != 0 ||
		    !diff_eq(o->table_schema, t->schema))
			continue;
		diff_rename_set(&o->table, new);
		diff_rename_word(&o->identity, old, new);
		diff_rename_word(&o->sql, old, new);
	}
	for (i = 0; i < c->ntables; i++) {
		if (diff_is_child_of(c->tables[i], t->schema, old))
			diff_rename_list(&c->tables[i]->parents, old, new, 0);
	}
	diff_rename_set(&t->name, new);
	xfree(old);
}

static void
diff_rename_column(struct schema *c, struct schema_table *t,
    struct schema_column *col, const char *new)
{
	char	*old = xstrdup(col->name);
	size_t	 i, j;

	diff_rename_set(&col->name, new);
	for (i = 0; i < t->ncolumns; i++) {
		diff_rename_word(&t->columns[i]->default_sql, old, new);
		diff_rename_word(&t->columns[i]->generated, old, new);
	}
	if (t->pk != NULL)
		diff_rename_list(&t->pk->columns, old, new, 0);
	for (i = 0; i < t->nuniques; i++)
		diff_rename_list(&t->uniques[i]->columns, old, new, 0);
	for (i = 0; i < t->nfks; i++)
		diff_rename_list(&t->fks[i]->columns, old, new, 0);
	for (i = 0; i < t->nchecks; i++)
		diff_rename_word(&t->checks[i]->expr, old, new);
	for (i = 0; i < t->nindexes; i++) {
		struct schema_index	*x = t->indexes[i];

		diff_rename_list(&x->keys, old, new, 1);
		diff_rename_list(&x->include, old, new, 0);
		diff_rename_word(&x->where, old, new);
		diff_rename_word(&x->sql, old, new);
	}
	/* foreign keys that name it among the columns they point at */
	for (i = 0; i < c->ntables; i++) {
		for (j = 0; j < c->tables[i]->nfks; j++) {
			struct schema_fk	*fk = c->tables[i]->fks[j];

			if (strcmp(fk->ref_table, t->name) == 0 && diff_eq(
			    diff_ref_schema(c->tables[i], fk), t->schema))
				diff_rename_list(&fk->ref_columns, old, new,
				    0);
		}
	}
	for (i = 0; i < c->ntriggers; i++) {
		if (strcmp(c->triggers[i]->table, t->name) == 0)
			diff_rename_word(&c->triggers[i]->sql, old, new);
	}
	for (i = 0; i < c->nobjects; i++) {
		struct schema_object	*o = c->objects[i];

		if (o->table == NULL || strcmp(o->table, t->name) != 0 ||
		    !diff_eq(o->table_schema, t->schema))
			continue;
		diff_rename_word(&o->sql, old, new);
		if (o->column != NULL && strcmp(o->column, old) == 0)
			diff_rename_set(&o->column, new);
	}
	xfree(old);
}

/* from, renamed; and the rename ops into PH_RENAME. */
static struct schema *
diff_apply_renames(struct diff_build *b, const struct schema *from,
    const struct diff_renames *r)
{
	struct schema	*c = schema_clone(from);
	size_t		 i, pass;

	/* tables first: columns are found in their table's new name */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < r->n; i++) {
			const struct diff_rename	*x = &r->v[i];
			struct schema_table		*t;

			if ((x->fc == NULL) != (pass == 0))
				continue;
			t = diff_copy_of(from, c, x->ft);
			if (x->fc == NULL) {
				diff_rename_table(c, t, x->tt->name);
				diff_push(&b->phase[PH_RENAME],
				    OP_RENAME_TABLE, x->tt, x->ft, x->tt);
			} else {
				diff_rename_column(c, t,
				    t->columns[diff_column_index(x->ft,
				    x->fc)], x->tc->name);
				diff_push(&b->phase[PH_RENAME],
				    OP_RENAME_COLUMN, x->tt, x->fc, x->tc);
			}
		}
	}
	return c;
}

/*
 * Suggestions: a table dropped and one created with the same columns,
 * or in a kept table a column dropped and one added with the same
 * definition, may be a rename that was not declared.
 */
static int
diff_column_like(const struct schema_column *a, const struct schema_column *b)
{
	return diff_eq(a->type, b->type) && a->notnull == b->notnull &&
	    diff_eq(a->default_sql, b->default_sql) &&
	    a->identity == b->identity && diff_eq(a->generated, b->generated);
}

static int
diff_table_like(const struct schema_table *a, const struct schema_table *b)
{
	size_t	 i;

	if (a->ncolumns != b->ncolumns)
		return 0;
	for (i = 0; i < a->ncolumns; i++) {
		const struct schema_column *bc = schema_find_column(b,
		    a->columns[i]->name);

		if (bc == NULL || !diff_column_like(a->columns[i], bc))
			return 0;
	}
	return 1;
}

static void
diff_suggest(struct diff *out)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i, j;

	for (i = 0; i < out->n; i++) {
		const struct op	*drop = &out->v[i];

		for (j = 0; j < out->n; j++) {
			const struct op	*add = &out->v[j];

			strbuf_reset(&sb);
			if (drop->kind == OP_DROP_TABLE &&
			    add->kind == OP_CREATE_TABLE &&
			    diff_eq(drop->table->schema, add->table->schema) &&
			    diff_table_like(drop->old, add->new))
				strbuf_addf(&sb, "table %s is dropped and %s "
				    "created with the same columns: if it is a "
				    "rename, write \"-- migrate:renamed-from "
				    "%s\" on the CREATE TABLE line of %s in the "
				    "model (or pass --rename %s=%s), and its rows "
				    "are kept", drop->table->name,
				    add->table->name, drop->table->name,
				    add->table->name, drop->table->name,
				    add->table->name);
			else if (drop->kind == OP_DROP_COLUMN &&
			    add->kind == OP_ADD_COLUMN &&
			    strcmp(drop->table->name, add->table->name) == 0 &&
			    diff_eq(drop->table->schema, add->table->schema) &&
			    diff_column_like(drop->old, add->new)) {
				const char *o = ((const struct schema_column *)
				    drop->old)->name;
				const char *n = ((const struct schema_column *)
				    add->new)->name;

				strbuf_addf(&sb, "column %s.%s is dropped and "
				    "%s.%s added with the same definition: if it "
				    "is a rename, write \"-- migrate:renamed-from "
				    "%s\" on the line of %s in the model (or pass "
				    "--rename %s.%s=%s.%s), and its values are "
				    "kept", add->table->name, o,
				    add->table->name, n, o, n,
				    add->table->name, o, add->table->name, n);
			}
			if (sb.len > 0)
				strv_push(&out->suggestions, sb.buf);
		}
	}
	strbuf_release(&sb);
}

void
diff_schemas(struct diff *out, const struct schema *from,
    const struct schema *to)
{
	diff_schemas_renamed(out, from, to, NULL);
}

void
diff_schemas_renamed(struct diff *out, const struct schema *from,
    const struct schema *to, const struct diff_renames *renames)
{
	struct diff_build	  b;
	const struct schema_table **created, **dropped;
	struct schema		 *renamed = NULL;
	size_t			  ncreated = 0, ndropped = 0, i;
	int			 *depth, maxdepth = 0, level;

	memset(&b, 0, sizeof b);
	memset(out, 0, sizeof *out);
	if (renames != NULL && renames->n > 0)
		from = renamed = diff_apply_renames(&b, from, renames);
	b.from = from;
	b.to = to;
	for (i = 0; i < to->nenums; i++) {
		const struct schema_enum *fe = diff_find_enum(from,
		    to->enums[i]);

		if (fe == NULL)
			diff_push(&b.phase[PH_ENUM], OP_CREATE_ENUM, NULL,
			    NULL, to->enums[i]);
		else
			diff_enum(&b, fe, to->enums[i]);
	}
	for (i = 0; i < from->nenums; i++) {
		if (diff_find_enum(to, from->enums[i]) == NULL)
			diff_push(&b.phase[PH_DROP_ENUM], OP_DROP_ENUM, NULL,
			    from->enums[i], NULL);
	}
	created = xcalloc(to->ntables + 1, sizeof *created);
	dropped = xcalloc(from->ntables + 1, sizeof *dropped);
	/* parents change first: their children follow them */
	depth = xcalloc(to->ntables + 1, sizeof *depth);
	for (i = 0; i < to->ntables; i++) {
		if ((depth[i] = diff_depth(to, to->tables[i])) > maxdepth)
			maxdepth = depth[i];
	}
	for (level = 0; level <= maxdepth; level++) {
		for (i = 0; i < to->ntables; i++) {
			const struct schema_table	*tt = to->tables[i];
			const struct schema_table	*ft;

			if (depth[i] != level)
				continue;
			ft = schema_find_table(from, tt->schema, tt->name);
			if (ft == NULL)
				created[ncreated++] = tt;
			else
				diff_table(&b, ft, tt);
		}
	}
	xfree(depth);
	for (i = 0; i < from->ntables; i++) {
		const struct schema_table	*ft = from->tables[i];

		/* what points at it from kept tables went with them */
		if (schema_find_table(to, ft->schema, ft->name) == NULL)
			dropped[ndropped++] = ft;
	}
	diff_create_tables(&b, created, ncreated);
	diff_drop_tables(&b, dropped, ndropped);
	diff_keys_under_fks(&b);
	diff_views(&b);
	diff_objects_all(&b);
	for (i = 0; i < DIFF_PHASES; i++) {
		diff_append(out, &b.phase[i]);
		diff_release(&b.phase[i]);
	}
	out->renamed = renamed;
	diff_suggest(out);
	xfree(created);
	xfree(dropped);
}
