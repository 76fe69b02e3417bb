/*
 * Schema types: building one up during reflection, finding things in it,
 * freeing it. See schema.h.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

static char *
schema_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Append p to the pointer array *v of *n elements (grown one by one). */
static void *
schema_push(void *vp, size_t *n, void *p)
{
	void	***v = vp;

	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = p;
	return p;
}

void
strv_push(struct strv *s, const char *str)
{
	strv_pushn(s, str, strlen(str));
}

void
strv_pushn(struct strv *s, const char *str, size_t len)
{
	schema_push(&s->v, &s->n, xstrndup(str, len));
}

void
strv_release(struct strv *s)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		xfree(s->v[i]);
	xfree(s->v);
	s->v = NULL;
	s->n = 0;
}

int
strv_equal(const struct strv *a, const struct strv *b)
{
	size_t	 i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	}
	return 1;
}

struct schema *
schema_new(void)
{
	return xcalloc(1, sizeof(struct schema));
}

static void
schema_key_free(struct schema_key *k)
{
	if (k == NULL)
		return;
	xfree(k->name);
	strv_release(&k->columns);
	xfree(k);
}

static void
schema_table_free(struct schema_table *t)
{
	size_t	 i;

	for (i = 0; i < t->ncolumns; i++) {
		struct schema_column	*c = t->columns[i];

		xfree(c->name);
		xfree(c->type);
		xfree(c->default_sql);
		strv_release(&c->identity_options);
		xfree(c->generated);
		xfree(c->collation);
		xfree(c->comment);
		xfree(c);
	}
	xfree(t->columns);
	schema_key_free(t->pk);
	for (i = 0; i < t->nuniques; i++)
		schema_key_free(t->uniques[i]);
	xfree(t->uniques);
	for (i = 0; i < t->nfks; i++) {
		struct schema_fk	*f = t->fks[i];

		xfree(f->name);
		strv_release(&f->columns);
		xfree(f->ref_schema);
		xfree(f->ref_table);
		strv_release(&f->ref_columns);
		xfree(f->on_delete);
		xfree(f->on_update);
		xfree(f->match);
		xfree(f);
	}
	xfree(t->fks);
	for (i = 0; i < t->nchecks; i++) {
		xfree(t->checks[i]->name);
		xfree(t->checks[i]->expr);
		xfree(t->checks[i]);
	}
	xfree(t->checks);
	for (i = 0; i < t->nindexes; i++) {
		struct schema_index	*x = t->indexes[i];

		xfree(x->name);
		strv_release(&x->keys);
		xfree(x->where);
		xfree(x->method);
		strv_release(&x->include);
		xfree(x->sql);
		xfree(x);
	}
	xfree(t->indexes);
	xfree(t->schema);
	xfree(t->name);
	xfree(t->comment);
	xfree(t->sql);
	xfree(t->partition_key);
	strv_release(&t->parents);
	strv_release(&t->parent_schemas);
	xfree(t->partition_bound);
	xfree(t->vtab);
	xfree(t);
}

static void
schema_object_free(struct schema_object *o)
{
	xfree(o->schema);
	xfree(o->name);
	xfree(o->identity);
	xfree(o->table_schema);
	xfree(o->table);
	xfree(o->column);
	xfree(o->sql);
	xfree(o->fixed);
	xfree(o->comment);
	strv_release(&o->deps);
	xfree(o->default_sql);
	strv_release(&o->check_names);
	strv_release(&o->check_defs);
	xfree(o->options);
	xfree(o);
}

void
schema_free(struct schema *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ntables; i++)
		schema_table_free(s->tables[i]);
	xfree(s->tables);
	for (i = 0; i < s->nenums; i++) {
		xfree(s->enums[i]->schema);
		xfree(s->enums[i]->name);
		strv_release(&s->enums[i]->values);
		xfree(s->enums[i]);
	}
	xfree(s->enums);
	for (i = 0; i < s->nviews; i++) {
		xfree(s->views[i]->schema);
		xfree(s->views[i]->name);
		xfree(s->views[i]->definition);
		xfree(s->views[i]);
	}
	xfree(s->views);
	for (i = 0; i < s->ntriggers; i++) {
		xfree(s->triggers[i]->name);
		xfree(s->triggers[i]->table);
		xfree(s->triggers[i]->sql);
		xfree(s->triggers[i]);
	}
	xfree(s->triggers);
	for (i = 0; i < s->nobjects; i++)
		schema_object_free(s->objects[i]);
	xfree(s->objects);
	xfree(s);
}

struct schema_table *
schema_add_table(struct schema *s, const char *nspace, const char *name)
{
	struct schema_table	*t = xcalloc(1, sizeof *t);

	t->schema = schema_dup(nspace);
	t->name = xstrdup(name);
	return schema_push(&s->tables, &s->ntables, t);
}

struct schema_column *
schema_add_column(struct schema_table *t, const char *name, const char *type)
{
	struct schema_column	*c = xcalloc(1, sizeof *c);

	c->name = xstrdup(name);
	c->type = xstrdup(type != NULL ? type : "");
	return schema_push(&t->columns, &t->ncolumns, c);
}

struct schema_key *
schema_add_unique(struct schema_table *t)
{
	return schema_push(&t->uniques, &t->nuniques,
	    xcalloc(1, sizeof(struct schema_key)));
}

struct schema_fk *
schema_add_fk(struct schema_table *t)
{
	return schema_push(&t->fks, &t->nfks,
	    xcalloc(1, sizeof(struct schema_fk)));
}

struct schema_check *
schema_add_check(struct schema_table *t)
{
	return schema_push(&t->checks, &t->nchecks,
	    xcalloc(1, sizeof(struct schema_check)));
}

struct schema_index *
schema_add_index(struct schema_table *t, const char *name)
{
	struct schema_index	*x = xcalloc(1, sizeof *x);

	x->name = xstrdup(name);
	return schema_push(&t->indexes, &t->nindexes, x);
}

struct schema_enum *
schema_add_enum(struct schema *s, const char *nspace, const char *name)
{
	struct schema_enum	*e = xcalloc(1, sizeof *e);

	e->schema = schema_dup(nspace);
	e->name = xstrdup(name);
	return schema_push(&s->enums, &s->nenums, e);
}

struct schema_view *
schema_add_view(struct schema *s, const char *nspace, const char *name)
{
	struct schema_view	*v = xcalloc(1, sizeof *v);

	v->schema = schema_dup(nspace);
	v->name = xstrdup(name);
	return schema_push(&s->views, &s->nviews, v);
}

struct schema_trigger *
schema_add_trigger(struct schema *s, const char *name, const char *table)
{
	struct schema_trigger	*g = xcalloc(1, sizeof *g);

	g->name = xstrdup(name);
	g->table = xstrdup(table);
	return schema_push(&s->triggers, &s->ntriggers, g);
}

struct schema_object *
schema_add_object(struct schema *s, enum schema_object_kind kind,
    const char *nspace, const char *name)
{
	struct schema_object	*o = xcalloc(1, sizeof *o);

	o->kind = kind;
	o->schema = schema_dup(nspace);
	o->name = xstrdup(name);
	return schema_push(&s->objects, &s->nobjects, o);
}

/*
 * Copies.
 */

static void
schema_strv_copy(struct strv *dst, const struct strv *src)
{
	size_t	 i;

	for (i = 0; i < src->n; i++)
		strv_push(dst, src->v[i]);
}

static struct schema_key *
schema_key_clone(const struct schema_key *k)
{
	struct schema_key	*c = xcalloc(1, sizeof *c);

	c->name = schema_dup(k->name);
	schema_strv_copy(&c->columns, &k->columns);
	c->deferrable = k->deferrable;
	c->initially_deferred = k->initially_deferred;
	return c;
}

static void
schema_table_clone(struct schema *s, const struct schema_table *t)
{
	struct schema_table	*c = schema_add_table(s, t->schema, t->name);
	size_t			 i;

	for (i = 0; i < t->ncolumns; i++) {
		const struct schema_column	*o = t->columns[i];
		struct schema_column		*n;

		n = schema_add_column(c, o->name, o->type);
		n->notnull = o->notnull;
		n->default_sql = schema_dup(o->default_sql);
		n->identity = o->identity;
		schema_strv_copy(&n->identity_options, &o->identity_options);
		n->generated = schema_dup(o->generated);
		n->generated_stored = o->generated_stored;
		n->collation = schema_dup(o->collation);
		n->comment = schema_dup(o->comment);
		n->hidden = o->hidden;
	}
	if (t->pk != NULL)
		c->pk = schema_key_clone(t->pk);
	for (i = 0; i < t->nuniques; i++)
		schema_push(&c->uniques, &c->nuniques,
		    schema_key_clone(t->uniques[i]));
	for (i = 0; i < t->nfks; i++) {
		const struct schema_fk	*o = t->fks[i];
		struct schema_fk	*n = schema_add_fk(c);

		n->name = schema_dup(o->name);
		schema_strv_copy(&n->columns, &o->columns);
		n->ref_schema = schema_dup(o->ref_schema);
		n->ref_table = schema_dup(o->ref_table);
		schema_strv_copy(&n->ref_columns, &o->ref_columns);
		n->on_delete = schema_dup(o->on_delete);
		n->on_update = schema_dup(o->on_update);
		n->match = schema_dup(o->match);
		n->deferrable = o->deferrable;
		n->initially_deferred = o->initially_deferred;
		n->not_valid = o->not_valid;
	}
	for (i = 0; i < t->nchecks; i++) {
		struct schema_check	*n = schema_add_check(c);

		n->name = schema_dup(t->checks[i]->name);
		n->expr = schema_dup(t->checks[i]->expr);
		n->not_valid = t->checks[i]->not_valid;
	}
	for (i = 0; i < t->nindexes; i++) {
		const struct schema_index	*o = t->indexes[i];
		struct schema_index		*n;

		n = schema_add_index(c, o->name);
		n->unique = o->unique;
		schema_strv_copy(&n->keys, &o->keys);
		n->where = schema_dup(o->where);
		n->method = schema_dup(o->method);
		schema_strv_copy(&n->include, &o->include);
		n->sql = schema_dup(o->sql);
	}
	c->comment = schema_dup(t->comment);
	c->without_rowid = t->without_rowid;
	c->strict = t->strict;
	c->autoincrement = t->autoincrement;
	c->sql = schema_dup(t->sql);
	c->partition_key = schema_dup(t->partition_key);
	schema_strv_copy(&c->parents, &t->parents);
	schema_strv_copy(&c->parent_schemas, &t->parent_schemas);
	c->partition_bound = schema_dup(t->partition_bound);
	c->vtab = schema_dup(t->vtab);
}

static void
schema_object_clone(struct schema *s, const struct schema_object *o)
{
	struct schema_object	*c = schema_add_object(s, o->kind, o->schema,
				    o->name);

	c->identity = schema_dup(o->identity);
	c->table_schema = schema_dup(o->table_schema);
	c->table = schema_dup(o->table);
	c->column = schema_dup(o->column);
	c->sql = schema_dup(o->sql);
	c->fixed = schema_dup(o->fixed);
	c->comment = schema_dup(o->comment);
	c->late = o->late;
	schema_strv_copy(&c->deps, &o->deps);
	c->default_sql = schema_dup(o->default_sql);
	c->notnull = o->notnull;
	schema_strv_copy(&c->check_names, &o->check_names);
	schema_strv_copy(&c->check_defs, &o->check_defs);
	c->options = schema_dup(o->options);
}

struct schema *
schema_clone(const struct schema *s)
{
	struct schema	*c = schema_new();
	size_t		 i;

	for (i = 0; i < s->ntables; i++)
		schema_table_clone(c, s->tables[i]);
	for (i = 0; i < s->nenums; i++)
		schema_strv_copy(&schema_add_enum(c, s->enums[i]->schema,
		    s->enums[i]->name)->values, &s->enums[i]->values);
	for (i = 0; i < s->nviews; i++) {
		struct schema_view *v = schema_add_view(c, s->views[i]->schema,
		    s->views[i]->name);

		v->definition = schema_dup(s->views[i]->definition);
		v->materialized = s->views[i]->materialized;
	}
	for (i = 0; i < s->ntriggers; i++)
		schema_add_trigger(c, s->triggers[i]->name,
		    s->triggers[i]->table)->sql =
		    schema_dup(s->triggers[i]->sql);
	for (i = 0; i < s->nobjects; i++)
		schema_object_clone(c, s->objects[i]);
	return c;
}

/* Order by (namespace, name); NULL names (unnamed constraints) last. */
static int
schema_cmp_names(const char *ns1, const char *n1, const char *ns2,
    const char *n2)
{
	int	 c;

	c = strcmp(ns1 != NULL ? ns1 : "", ns2 != NULL ? ns2 : "");
	if (c != 0)
		return c;
	if (n1 == NULL || n2 == NULL)
		return (n1 == NULL) - (n2 == NULL);
	return strcmp(n1, n2);
}

static int
schema_cmp_table(const void *a, const void *b)
{
	const struct schema_table	*x = *(struct schema_table *const *)a;
	const struct schema_table	*y = *(struct schema_table *const *)b;

	return schema_cmp_names(x->schema, x->name, y->schema, y->name);
}

static int
schema_cmp_enum(const void *a, const void *b)
{
	const struct schema_enum	*x = *(struct schema_enum *const *)a;
	const struct schema_enum	*y = *(struct schema_enum *const *)b;

	return schema_cmp_names(x->schema, x->name, y->schema, y->name);
}

static int
schema_cmp_view(const void *a, const void *b)
{
	const struct schema_view	*x = *(struct schema_view *const *)a;
	const struct schema_view	*y = *(struct schema_view *const *)b;

	return schema_cmp_names(x->schema, x->name, y->schema, y->name);
}

static int
schema_cmp_trigger(const void *a, const void *b)
{
	const struct schema_trigger	*x = *(struct schema_trigger *const *)a;
	const struct schema_trigger	*y = *(struct schema_trigger *const *)b;

	return schema_cmp_names(NULL, x->name, NULL, y->name);
}

static int
schema_cmp_object(const void *a, const void *b)
{
	const struct schema_object	*x = *(struct schema_object *const *)a;
	const struct schema_object	*y = *(struct schema_object *const *)b;

	if (x->kind != y->kind)
		return (x->kind > y->kind) - (x->kind < y->kind);
	return schema_cmp_names(NULL, x->identity, NULL, y->identity);
}

/* Lists of names in order, element by element, then by length. */
static int
schema_cmp_strv(const struct strv *a, const struct strv *b)
{
	size_t	 i;
	int	 c;

	for (i = 0; i < a->n && i < b->n; i++) {
		if ((c = strcmp(a->v[i], b->v[i])) != 0)
			return c;
	}
	return (a->n > b->n) - (a->n < b->n);
}

/* Unnamed constraints (SQLite) sort by what they are: a stable order. */
static int
schema_cmp_key(const void *a, const void *b)
{
	const struct schema_key	*x = *(struct schema_key *const *)a;
	const struct schema_key	*y = *(struct schema_key *const *)b;
	int			 c;

	if ((c = schema_cmp_names(NULL, x->name, NULL, y->name)) != 0)
		return c;
	return schema_cmp_strv(&x->columns, &y->columns);
}

static int
schema_cmp_fk(const void *a, const void *b)
{
	const struct schema_fk	*x = *(struct schema_fk *const *)a;
	const struct schema_fk	*y = *(struct schema_fk *const *)b;
	int			 c;

	if ((c = schema_cmp_names(NULL, x->name, NULL, y->name)) != 0 ||
	    (c = schema_cmp_strv(&x->columns, &y->columns)) != 0 ||
	    (c = schema_cmp_names(x->ref_schema, x->ref_table, y->ref_schema,
	    y->ref_table)) != 0)
		return c;
	return schema_cmp_strv(&x->ref_columns, &y->ref_columns);
}

static int
schema_cmp_check(const void *a, const void *b)
{
	const struct schema_check	*x = *(struct schema_check *const *)a;
	const struct schema_check	*y = *(struct schema_check *const *)b;
	int				 c;

	if ((c = schema_cmp_names(NULL, x->name, NULL, y->name)) != 0)
		return c;
	return schema_cmp_names(NULL, x->expr, NULL, y->expr);
}

static int
schema_cmp_index(const void *a, const void *b)
{
	const struct schema_index	*x = *(struct schema_index *const *)a;
	const struct schema_index	*y = *(struct schema_index *const *)b;

	return strcmp(x->name, y->name);
}

#define SCHEMA_SORT(v, n, cmp) do {					\
	if ((n) > 1)							\
		qsort((v), (n), sizeof *(v), (cmp));			\
} while (0)

void
schema_sort(struct schema *s)
{
	size_t	 i;

	SCHEMA_SORT(s->tables, s->ntables, schema_cmp_table);
	SCHEMA_SORT(s->enums, s->nenums, schema_cmp_enum);
	SCHEMA_SORT(s->views, s->nviews, schema_cmp_view);
	SCHEMA_SORT(s->triggers, s->ntriggers, schema_cmp_trigger);
	SCHEMA_SORT(s->objects, s->nobjects, schema_cmp_object);
	for (i = 0; i < s->ntables; i++) {
		struct schema_table	*t = s->tables[i];

		/* columns keep their positions */
		SCHEMA_SORT(t->uniques, t->nuniques, schema_cmp_key);
		SCHEMA_SORT(t->fks, t->nfks, schema_cmp_fk);
		SCHEMA_SORT(t->checks, t->nchecks, schema_cmp_check);
		SCHEMA_SORT(t->indexes, t->nindexes, schema_cmp_index);
	}
}

struct schema_table *
schema_find_table(const struct schema *s, const char *nspace,
    const char *name)
{
	const struct schema_table	*t;
	const char			*ns = nspace;
	size_t				 i, lo = 0, hi = s->ntables, mid;
	int				 c;

	/*
	 * Reflected schemas are sorted by (namespace, name) (schema_sort):
	 * a binary search, not a scan per lookup, which made comparing
	 * thousands of tables quadratic. Without a namespace it searches
	 * only where every table is unqualified (SQLite). Whatever it does
	 * not find (in a schema still being built, in any order) the scan
	 * below does; whatever it finds is a table of that name.
	 */
	if (ns == NULL && hi > 0 && s->tables[0]->schema == NULL)
		ns = "";
	while (ns != NULL && lo < hi) {
		mid = lo + (hi - lo) / 2;
		t = s->tables[mid];
		c = schema_cmp_names(t->schema, t->name, ns, name);
		if (c < 0)
			lo = mid + 1;
		else if (c > 0)
			hi = mid;
		else if (nspace == NULL || (t->schema != NULL &&
		    strcmp(t->schema, nspace) == 0))
			return s->tables[mid];
		else
			break;	/* "" matched NULL: the scan decides */
	}
	for (i = 0; i < s->ntables; i++) {
		t = s->tables[i];

		if (strcmp(t->name, name) != 0)
			continue;
		if (nspace == NULL || (t->schema != NULL &&
		    strcmp(t->schema, nspace) == 0))
			return s->tables[i];
	}
	return NULL;
}

struct schema_column *
schema_find_column(const struct schema_table *t, const char *name)
{
	size_t	 i;

	/* the first byte first: the diff asks for every column of a table */
	for (i = 0; i < t->ncolumns; i++) {
		if (t->columns[i]->name[0] == name[0] &&
		    strcmp(t->columns[i]->name, name) == 0)
			return t->columns[i];
	}
	return NULL;
}

static int
schema_same_name(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

struct schema_index *
schema_find_index(const struct schema_table *t, const char *name)
{
	size_t	 i;

	for (i = 0; i < t->nindexes; i++) {
		if (strcmp(t->indexes[i]->name, name) == 0)
			return t->indexes[i];
	}
	return NULL;
}

struct schema_check *
schema_find_check(const struct schema_table *t, const char *name)
{
	size_t	 i;

	for (i = 0; i < t->nchecks; i++) {
		if (schema_same_name(t->checks[i]->name, name))
			return t->checks[i];
	}
	return NULL;
}

struct schema_fk *
schema_find_fk(const struct schema_table *t, const char *name)
{
	size_t	 i;

	for (i = 0; i < t->nfks; i++) {
		if (schema_same_name(t->fks[i]->name, name))
			return t->fks[i];
	}
	return NULL;
}

struct schema_object *
schema_find_object(const struct schema *s, enum schema_object_kind kind,
    const char *identity)
{
	size_t	 i;

	for (i = 0; i < s->nobjects; i++) {
		if (s->objects[i]->kind == kind &&
		    schema_same_name(s->objects[i]->identity, identity))
			return s->objects[i];
	}
	return NULL;
}

const char *
schema_object_kind_name(enum schema_object_kind kind)
{
	static const char *const names[] = {
		[SCHEMA_OBJ_SCHEMA] = "schema",
		[SCHEMA_OBJ_COLLATION] = "collation",
		[SCHEMA_OBJ_TYPE] = "type",
		[SCHEMA_OBJ_DOMAIN] = "domain",
		[SCHEMA_OBJ_SEQUENCE] = "sequence",
		[SCHEMA_OBJ_FUNCTION] = "function",
		[SCHEMA_OBJ_PROCEDURE] = "procedure",
		[SCHEMA_OBJ_AGGREGATE] = "aggregate",
		[SCHEMA_OBJ_CONSTRAINT] = "constraint",
		[SCHEMA_OBJ_INDEX] = "index",
		[SCHEMA_OBJ_TRIGGER] = "trigger",
		[SCHEMA_OBJ_RULE] = "rule",
		[SCHEMA_OBJ_COMMENT] = "comment"
	};

	return (size_t)kind < sizeof names / sizeof names[0] &&
	    names[kind] != NULL ? names[kind] : "?";
}

static int
schema_glob_any(const struct strv *globs, const char *name)
{
	size_t	 i;

	for (i = 0; globs != NULL && i < globs->n; i++) {
		if (fnmatch(globs->v[i], name, 0) == 0)
			return 1;
	}
	return 0;
}

int
schema_filter_takes(const struct schema_filter *f, const char *name)
{
	if (f == NULL)
		return 1;
	if ((f->version_table != NULL && strcmp(name, f->version_table) ==
	    0) || (f->history_table != NULL && strcmp(name,
	    f->history_table) == 0))
		return 0;
	if (f->include != NULL && f->include->n > 0 &&
	    !schema_glob_any(f->include, name))
		return 0;
	return !schema_glob_any(f->exclude, name);
}

static void
schema_dump_strv(struct strbuf *sb, const char *what, const struct strv *v)
{
	size_t	 i;

	strbuf_addf(sb, " %s(", what);
	for (i = 0; i < v->n; i++)
		strbuf_addf(sb, "%s[%s]", i > 0 ? "," : "", v->v[i]);
	strbuf_addch(sb, ')');
}

#define S(x) ((x) != NULL ? (x) : "-")

static int
schema_cmp_column(const void *a, const void *b)
{
	return strcmp((*(struct schema_column *const *)a)->name,
	    (*(struct schema_column *const *)b)->name);
}

void
schema_dump(struct strbuf *sb, const struct schema *s)
{
	struct schema_column	**cols = NULL;
	size_t			  i, j;

	for (i = 0; i < s->ntables; i++) {
		const struct schema_table	*t = s->tables[i];

		strbuf_addf(sb, "table %s.%s comment=%s without_rowid=%d "
		    "strict=%d autoincrement=%d", S(t->schema), t->name,
		    S(t->comment), t->without_rowid, t->strict,
		    t->autoincrement);
		if (t->vtab != NULL)
			strbuf_addf(sb, " using=%s", t->vtab);
		strbuf_addch(sb, '\n');
		if (t->partition_key != NULL || t->parents.n > 0) {
			strbuf_addf(sb, "  partition by=%s bound=%s",
			    S(t->partition_key), S(t->partition_bound));
			schema_dump_strv(sb, "parents", &t->parents);
			schema_dump_strv(sb, "in", &t->parent_schemas);
			strbuf_addch(sb, '\n');
		}
		/* in name order: where a column stands is not compared */
		cols = xrealloc(cols, (t->ncolumns + 1) * sizeof *cols);
		memcpy(cols, t->columns, t->ncolumns * sizeof *cols);
		if (t->ncolumns > 1)
			qsort(cols, t->ncolumns, sizeof *cols,
			    schema_cmp_column);
		for (j = 0; j < t->ncolumns; j++) {
			const struct schema_column	*c = cols[j];

			strbuf_addf(sb, "  column %s %s notnull=%d default=%s "
			    "identity=%c generated=%s stored=%d collation=%s "
			    "comment=%s\n", c->name, c->type, c->notnull,
			    S(c->default_sql), c->identity ? c->identity : '-',
			    S(c->generated), c->generated_stored,
			    S(c->collation), S(c->comment));
			if (c->identity_options.n > 0) {
				schema_dump_strv(sb, "    identity",
				    &c->identity_options);
				strbuf_addch(sb, '\n');
			}
		}
		if (t->pk != NULL) {
			strbuf_addf(sb, "  pk %s", S(t->pk->name));
			schema_dump_strv(sb, "cols", &t->pk->columns);
			strbuf_addf(sb, " deferrable=%d/%d\n",
			    t->pk->deferrable, t->pk->initially_deferred);
		}
		for (j = 0; j < t->nuniques; j++) {
			strbuf_addf(sb, "  unique %s", S(t->uniques[j]->name));
			schema_dump_strv(sb, "cols", &t->uniques[j]->columns);
			strbuf_addf(sb, " deferrable=%d/%d\n",
			    t->uniques[j]->deferrable,
			    t->uniques[j]->initially_deferred);
		}
		for (j = 0; j < t->nfks; j++) {
			const struct schema_fk	*f = t->fks[j];

			strbuf_addf(sb, "  fk %s", S(f->name));
			schema_dump_strv(sb, "cols", &f->columns);
			strbuf_addf(sb, " -> %s.%s", S(f->ref_schema),
			    f->ref_table);
			schema_dump_strv(sb, "refcols", &f->ref_columns);
			strbuf_addf(sb, " delete=%s update=%s match=%s "
			    "deferrable=%d/%d not_valid=%d\n", f->on_delete,
			    f->on_update, f->match, f->deferrable,
			    f->initially_deferred, f->not_valid);
		}
		for (j = 0; j < t->nchecks; j++)
			strbuf_addf(sb, "  check %s %s not_valid=%d\n",
			    S(t->checks[j]->name), t->checks[j]->expr,
			    t->checks[j]->not_valid);
		for (j = 0; j < t->nindexes; j++) {
			const struct schema_index	*x = t->indexes[j];

			strbuf_addf(sb, "  index %s unique=%d method=%s",
			    x->name, x->unique, S(x->method));
			schema_dump_strv(sb, "keys", &x->keys);
			schema_dump_strv(sb, "include", &x->include);
			strbuf_addf(sb, " where=%s sql=%s\n", S(x->where),
			    S(x->sql));
		}
	}
	for (i = 0; i < s->nenums; i++) {
		strbuf_addf(sb, "enum %s.%s", S(s->enums[i]->schema),
		    s->enums[i]->name);
		schema_dump_strv(sb, "values", &s->enums[i]->values);
		strbuf_addch(sb, '\n');
	}
	for (i = 0; i < s->nviews; i++)
		strbuf_addf(sb, "view %s.%s materialized=%d %s\n",
		    S(s->views[i]->schema), s->views[i]->name,
		    s->views[i]->materialized, S(s->views[i]->definition));
	for (i = 0; i < s->ntriggers; i++)
		strbuf_addf(sb, "trigger %s on %s %s\n", s->triggers[i]->name,
		    s->triggers[i]->table, S(s->triggers[i]->sql));
	for (i = 0; i < s->nobjects; i++) {
		const struct schema_object	*o = s->objects[i];

		strbuf_addf(sb, "%s %s on=%s.%s column=%s late=%d fixed=%s "
		    "comment=%s", schema_object_kind_name(o->kind),
		    S(o->identity), S(o->table_schema), S(o->table),
		    S(o->column), o->late, S(o->fixed), S(o->comment));
		schema_dump_strv(sb, "deps", &o->deps);
		strbuf_addf(sb, " %s\n", S(o->sql));
	}
	xfree(cols);
}
#undef S
