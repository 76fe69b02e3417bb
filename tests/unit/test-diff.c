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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
