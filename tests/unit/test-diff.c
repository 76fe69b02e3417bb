/*
 * diff: the ops between two schemas built by hand, and their order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "diff.h"

static struct schema_table *
table(struct schema *s, const char *name, const char *pk)
{
	struct schema_table	*t = schema_add_table(s, NULL, name);

	schema_add_column(t, "id", "integer")->notnull = 1;
	if (pk != NULL) {
		t->pk = xcalloc(1, sizeof *t->pk);
		strv_push(&t->pk->columns, pk);
	}
	return t;
}

static struct schema_fk *
fk(struct schema_table *t, const char *name, const char *col,
    const char *ref)
{
	struct schema_fk	*f = schema_add_fk(t);

	f->name = name != NULL ? xstrdup(name) : NULL;
	strv_push(&f->columns, col);
	f->ref_table = xstrdup(ref);
	strv_push(&f->ref_columns, "id");
	f->on_delete = xstrdup("NO ACTION");
	f->on_update = xstrdup("NO ACTION");
	return f;
}

/* The ops as "kind table[.detail]; ...". */
static void
expect_ops(const struct schema *from, const struct schema *to,
    const char *want)
{
	struct diff	 d;
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	diff_schemas(&d, from, to);
	for (i = 0; i < d.n; i++) {
		const struct op	*op = &d.v[i];

		strbuf_addf(&sb, "%s%s", i ? "; " : "",
		    diff_op_name(op->kind));
		if (op->table != NULL)
			strbuf_addf(&sb, " %s", op->table->name);
		switch (op->kind) {
		case OP_ADD_COLUMN:
		case OP_ALTER_COLUMN:
			strbuf_addf(&sb, ".%s", ((const struct schema_column *)
			    op->new)->name);
			break;
		case OP_DROP_COLUMN:
			strbuf_addf(&sb, ".%s", ((const struct schema_column *)
			    op->old)->name);
			break;
		case OP_ADD_ENUM_VALUE:
			strbuf_addf(&sb, " %s after %s", op->value,
			    op->after != NULL ? op->after : "-");
			break;
		case OP_CREATE_INDEX:
			strbuf_addf(&sb, ".%s", ((const struct schema_index *)
			    op->new)->name);
			break;
		case OP_DROP_INDEX:
			strbuf_addf(&sb, ".%s", ((const struct schema_index *)
			    op->old)->name);
			break;
		case OP_CREATE_OBJECT:
		case OP_DROP_OBJECT:
		case OP_ALTER_OBJECT: {
			const struct schema_object *o = op->new != NULL ?
			    op->new : op->old;

			strbuf_addf(&sb, " %s %s",
			    schema_object_kind_name(o->kind), o->identity);
			if (op->kind == OP_ALTER_OBJECT)
				strbuf_addf(&sb, " %s%s%s",
				    op->change & OP_OBJECT_SQL ? "s" : "",
				    op->change & OP_OBJECT_COMMENT ? "c" : "",
				    op->change & OP_OBJECT_OWNER ? "o" : "");
			break;
		}
		default:
			break;
		}
		if (op->warning != NULL)
			strbuf_addstr(&sb, " !");
	}
	if (strcmp(sb.len ? sb.buf : "", want) != 0)
		fail_msg("ops:\n  got  %s\n  want %s", sb.len ? sb.buf : "",
		    want);
	strbuf_release(&sb);
	diff_release(&d);
}

static void
test_diff_same_is_empty(void **state)
{
	struct schema	*a = schema_new(), *b = schema_new();

	(void)state;
	fk(table(a, "posts", "id"), "fk_user", "id", "users");
	table(a, "users", "id");
	fk(table(b, "posts", "id"), "fk_user", "id", "users");
	table(b, "users", "id");
	expect_ops(a, b, "");
	schema_free(a);
	schema_free(b);
}

static void
test_diff_create_in_dependency_order(void **state)
{
	struct schema		*a = schema_new(), *b = schema_new();
	struct schema_table	*t;

	(void)state;
	/* posts sorts first, but points at users */
	t = table(b, "posts", "id");
	schema_add_column(t, "user_id", "integer");
	fk(t, NULL, "user_id", "users");
	schema_add_index(t, "ix_posts_user")->keys = (struct strv){ 0 };
	table(b, "users", "id");
	expect_ops(a, b, "create table users; create table posts; "
	    "create index posts.ix_posts_user");
	/* and back: posts goes first */
	expect_ops(b, a, "drop table posts !; drop table users !");
	schema_free(a);
	schema_free(b);
}

static void
test_diff_cycle(void **state)
{
	struct schema		*a = schema_new(), *b = schema_new();
	struct schema_table	*x, *y;

	(void)state;
	x = table(b, "a", "id");
	schema_add_column(x, "b_id", "integer");
	fk(x, "fk_a_b", "b_id", "b");
	y = table(b, "b", "id");
	schema_add_column(y, "a_id", "integer");
	fk(y, "fk_b_a", "a_id", "a");
	fk(y, "fk_b_self", "id", "b");
	/* a first, its key into b after both exist; b's own inline */
	expect_ops(a, b, "create table a; create table b; "
	    "add foreign key a");
	/* dropping both: a key into the first dropped goes first */
	expect_ops(b, a, "drop foreign key b; drop table a !; "
	    "drop table b !");
	schema_free(a);
	schema_free(b);
}

static void
test_diff_kept_table(void **state)
{
	struct schema		*a = schema_new(), *b = schema_new();
	struct schema_table	*t, *u;
	struct schema_index	*x;
	struct schema_key	*k;

	(void)state;
	t = table(a, "users", "id");
	schema_add_column(t, "name", "character varying(80)");
	schema_add_column(t, "old", "text");
	schema_add_column(t, "age", "integer");
	x = schema_add_index(t, "ix_name");
	strv_push(&x->keys, "name");
	k = schema_add_unique(t);
	strv_push(&k->columns, "name");

	u = table(b, "users", "id");
	schema_add_column(u, "name", "character varying(40)");
	schema_add_column(u, "age", "bigint")->notnull = 1;
	schema_add_column(u, "email", "text");
	x = schema_add_index(u, "ix_name");
	strv_push(&x->keys, "name DESC");
	k = schema_add_unique(u);	/* unnamed: matched by columns */
	strv_push(&k->columns, "name");
	expect_ops(a, b, "drop index users.ix_name; "
	    "alter column users.name !; alter column users.age; "
	    "add column users.email; drop column users.old !; "
	    "create index users.ix_name");
	schema_free(a);
	schema_free(b);
}

static void
test_diff_foreign_keys_and_views(void **state)
{
	struct schema		*a = schema_new(), *b = schema_new();
	struct schema_table	*t;
	struct schema_view	*v;

	(void)state;
	t = table(a, "posts", "id");
	schema_add_column(t, "user_id", "integer");
	fk(t, "fk_user", "user_id", "users");
	table(a, "users", "id");
	v = schema_add_view(a, NULL, "user_posts");
	v->definition = xstrdup("SELECT * FROM posts JOIN users ON ...");
	v = schema_add_view(a, NULL, "other");
	v->definition = xstrdup("SELECT 1");

	/* users goes; the view reading posts must come back after */
	t = table(b, "posts", "id");
	schema_add_column(t, "user_id", "bigint");
	v = schema_add_view(b, NULL, "user_posts");
	v->definition = xstrdup("SELECT * FROM posts JOIN users ON ...");
	v = schema_add_view(b, NULL, "other");
	v->definition = xstrdup("SELECT 1");
	expect_ops(a, b, "drop view; drop foreign key posts; "
	    "alter column posts.user_id; drop table users !; create view");
	schema_free(a);
	schema_free(b);
}

static void
test_diff_enums(void **state)
{
	struct schema		*a = schema_new(), *b = schema_new();
	struct schema_enum	*e;

	(void)state;
	e = schema_add_enum(a, NULL, "mood");
	strv_push(&e->values, "sad");
	strv_push(&e->values, "happy");
	e = schema_add_enum(a, NULL, "gone");
	strv_push(&e->values, "x");
	e = schema_add_enum(b, NULL, "mood");
	strv_push(&e->values, "meh");
	strv_push(&e->values, "sad");
	strv_push(&e->values, "ok");
	strv_push(&e->values, "happy");
	strv_push(&e->values, "elated");
	e = schema_add_enum(b, NULL, "fresh");
	strv_push(&e->values, "y");
	expect_ops(a, b, "add enum value meh after -; "
	    "add enum value ok after sad; add enum value elated after happy; "
	    "create enum; drop enum");
	/* a value removed, or the order changed: recreate */
	expect_ops(b, a, "recreate enum !; create enum; drop enum");
	schema_free(a);
	schema_free(b);
}

/* An object of kind k named name (its identity), its text sql. */
static struct schema_object *
object(struct schema *s, enum schema_object_kind k, const char *name,
    const char *sql)
{
	struct schema_object	*o = schema_add_object(s, k, "public", name);

	o->identity = xstrdup(name);
	o->sql = xstrdup(sql);
	o->late = k >= SCHEMA_OBJ_CONSTRAINT;
	return o;
}

static void
uses(struct schema_object *o, const struct schema_object *dep)
{
	struct strbuf	 sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s %s", schema_object_kind_name(dep->kind),
	    dep->identity);
	strv_push(&o->deps, sb.buf);
	strbuf_release(&sb);
}

/* to: the same objects, one on a table; by kind then dependencies. */
static void
build_objects(struct schema *s)
{
	struct schema_object	*f, *d, *g, *lf;

	table(s, "t", "id");
	object(s, SCHEMA_OBJ_SCHEMA, "audit", "CREATE SCHEMA audit");
	/* a domain whose check calls a function: the function first */
	d = object(s, SCHEMA_OBJ_DOMAIN, "pos", "CREATE DOMAIN pos");
	f = object(s, SCHEMA_OBJ_FUNCTION, "ok(integer)", "CREATE f");
	uses(d, f);
	object(s, SCHEMA_OBJ_SEQUENCE, "seq", "CREATE SEQUENCE seq");
	g = object(s, SCHEMA_OBJ_AGGREGATE, "agg(integer)", "CREATE AGG");
	uses(g, f);
	/* a function of a table's row type: after the tables */
	lf = object(s, SCHEMA_OBJ_FUNCTION, "rows()", "CREATE rows");
	lf->late = 1;
	f = object(s, SCHEMA_OBJ_TRIGGER, "trg ON t", "CREATE TRIGGER");
	f->table = xstrdup("t");
	f->table_schema = xstrdup("public");
	uses(f, lf);
	schema_sort(s);
}

static void
test_diff_objects_order(void **state)
{
	struct schema	*a = schema_new(), *b = schema_new();

	(void)state;
	build_objects(b);
	expect_ops(a, b, "create object schema audit; "
	    "create object sequence seq; create object function ok(integer); "
	    "create object domain pos; create object aggregate agg(integer); "
	    "create table t; create object function rows(); "
	    "create object trigger trg ON t");
	/* and back: what uses another goes first; the schema last */
	expect_ops(b, a, "drop object trigger trg ON t; "
	    "drop object function rows(); drop table t !; "
	    "drop object aggregate agg(integer); drop object domain pos; "
	    "drop object function ok(integer); "
	    "drop object sequence seq !; drop object schema audit");
	expect_ops(b, b, "");
	schema_free(a);
	schema_free(b);
}

static void
test_diff_objects_change(void **state)
{
	struct schema		*a = schema_new(), *b = schema_new();
	struct schema_object	*o;
	struct schema_view	*v;

	(void)state;
	build_objects(a);
	build_objects(b);
	/*
	 * A function's body: in place; its result: dropped and made again,
	 * and the trigger that uses it with it.
	 */
	o = (struct schema_object *)schema_find_object(a,
	    SCHEMA_OBJ_FUNCTION, "ok(integer)");
	o->fixed = xstrdup("f integer boolean");
	o = (struct schema_object *)schema_find_object(b,
	    SCHEMA_OBJ_FUNCTION, "ok(integer)");
	o->fixed = xstrdup("f integer boolean");
	xfree(o->sql);
	o->sql = xstrdup("CREATE OR REPLACE f2");
	o = (struct schema_object *)schema_find_object(a,
	    SCHEMA_OBJ_FUNCTION, "rows()");
	o->fixed = xstrdup("f  SETOF t");
	o = (struct schema_object *)schema_find_object(b,
	    SCHEMA_OBJ_FUNCTION, "rows()");
	o->fixed = xstrdup("f  SETOF u");
	xfree(o->sql);
	o->sql = xstrdup("CREATE rows2");
	/* a comment; a domain's default (in place, its base type kept) */
	o = (struct schema_object *)schema_find_object(b,
	    SCHEMA_OBJ_SEQUENCE, "seq");
	o->comment = xstrdup("counts");
	o = (struct schema_object *)schema_find_object(a, SCHEMA_OBJ_DOMAIN,
	    "pos");
	o->fixed = xstrdup("integer");
	o = (struct schema_object *)schema_find_object(b, SCHEMA_OBJ_DOMAIN,
	    "pos");
	o->fixed = xstrdup("integer");
	xfree(o->sql);
	o->sql = xstrdup("CREATE DOMAIN pos DEFAULT 1");
	expect_ops(a, b, "drop object trigger trg ON t; "
	    "drop object function rows(); alter object sequence seq c; "
	    "alter object function ok(integer) s; "
	    "alter object domain pos s; "
	    "create object function rows(); create object trigger trg ON t");
	schema_free(a);
	schema_free(b);

	/* what hangs on a view made again comes back with it */
	a = schema_new();
	b = schema_new();
	table(a, "t", "id");
	table(b, "t", "id");
	v = schema_add_view(a, "public", "v");
	v->materialized = 1;
	v->definition = xstrdup("SELECT 1");
	v = schema_add_view(b, "public", "v");
	v->materialized = 1;
	v->definition = xstrdup("SELECT 2");
	o = object(a, SCHEMA_OBJ_INDEX, "v_key", "CREATE INDEX v_key");
	o->table = xstrdup("v");
	o->table_schema = xstrdup("public");
	o = object(b, SCHEMA_OBJ_INDEX, "v_key", "CREATE INDEX v_key");
	o->table = xstrdup("v");
	o->table_schema = xstrdup("public");
	expect_ops(a, b, "drop view; create view; "
	    "create object index v_key");
	schema_free(a);
	schema_free(b);
}

static void
test_diff_objects_owned_sequence(void **state)
{
	struct schema		*a = schema_new(), *b = schema_new();
	struct schema_object	*o;

	(void)state;
	table(b, "t", "id");
	o = object(b, SCHEMA_OBJ_SEQUENCE, "seq", "CREATE SEQUENCE seq");
	o->table = xstrdup("t");
	o->table_schema = xstrdup("public");
	o->column = xstrdup("id");
	o->fixed = xstrdup("");
	/* made before the table, owned once it is there */
	expect_ops(a, b, "create object sequence seq; create table t; "
	    "alter object sequence seq o");
	/* the table takes it along: no drop of its own */
	expect_ops(b, a, "drop table t !");
	schema_free(a);
	schema_free(b);
}

/* Table name, a partition of parent (NULL: none) or a child of it. */
static struct schema_table *
part(struct schema *s, const char *name, const char *parent,
    const char *bound)
{
	struct schema_table	*t = schema_add_table(s, "public", name);

	schema_add_column(t, "id", "integer")->notnull = 1;
	schema_add_column(t, "d", "date");
	if (parent != NULL) {
		strv_push(&t->parents, parent);
		strv_push(&t->parent_schemas, "public");
		t->partition_bound = bound != NULL ? xstrdup(bound) : NULL;
	} else
		t->partition_key = xstrdup("RANGE (d)");
	return t;
}

static void
test_diff_partitions(void **state)
{
	struct schema		*a = schema_new(), *b = schema_new();
	struct schema_table	*t;
	size_t			 i;

	(void)state;
	/* the partitions sort before their parent: created after it */
	part(b, "a_2020", "z", "FOR VALUES FROM (1) TO (2)");
	part(b, "a_2021", "z", "FOR VALUES FROM (2) TO (3)");
	part(b, "z", NULL, NULL);
	schema_sort(b);
	expect_ops(a, b, "create table z; create table a_2020; "
	    "create table a_2021");
	expect_ops(b, a, "drop table a_2020 !; drop table a_2021 !; "
	    "drop table z !");
	/* a column of the parent: its children have it from there */
	part(a, "a_2020", "z", "FOR VALUES FROM (1) TO (2)");
	part(a, "a_2021", "z", "FOR VALUES FROM (2) TO (3)");
	part(a, "z", NULL, NULL);
	schema_sort(a);
	for (i = 0; i < b->ntables; i++)
		schema_add_column(b->tables[i], "x", "text");
	t = schema_find_table(b, "public", "a_2021");
	xfree(t->partition_bound);
	t->partition_bound = xstrdup("FOR VALUES FROM (2) TO (4)");
	expect_ops(a, b, "add column z.x; alter parent a_2021");
	expect_ops(b, a, "drop column z.x !; alter parent a_2021");
	schema_free(a);
	schema_free(b);
}

static void
test_diff_type_narrows(void **state)
{
	(void)state;
	assert_false(diff_type_narrows("integer", "bigint"));
	assert_true(diff_type_narrows("bigint", "integer"));
	assert_false(diff_type_narrows("smallint", "numeric(10,0)"));
	assert_true(diff_type_narrows("integer", "numeric(5,0)"));
	assert_false(diff_type_narrows("character varying(40)",
	    "character varying(80)"));
	assert_true(diff_type_narrows("character varying(80)",
	    "character varying(40)"));
	assert_false(diff_type_narrows("character varying(80)", "text"));
	assert_true(diff_type_narrows("text", "character varying(80)"));
	assert_false(diff_type_narrows("numeric(10,2)", "numeric(12,2)"));
	assert_true(diff_type_narrows("numeric(10,2)", "numeric(10,1)"));
	assert_true(diff_type_narrows("numeric(10,2)", "numeric(9,2)"));
	assert_false(diff_type_narrows("real", "double precision"));
	assert_true(diff_type_narrows("double precision", "real"));
	assert_true(diff_type_narrows("text", "integer"));
	assert_false(diff_type_narrows("TEXT", "text"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_same_is_empty),
		cmocka_unit_test(test_diff_create_in_dependency_order),
		cmocka_unit_test(test_diff_cycle),
		cmocka_unit_test(test_diff_kept_table),
		cmocka_unit_test(test_diff_foreign_keys_and_views),
		cmocka_unit_test(test_diff_enums),
		cmocka_unit_test(test_diff_type_narrows),
		cmocka_unit_test(test_diff_objects_order),
		cmocka_unit_test(test_diff_objects_change),
		cmocka_unit_test(test_diff_objects_owned_sequence),
		cmocka_unit_test(test_diff_partitions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
