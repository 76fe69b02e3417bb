/*
 * SQLite rendering, judged by the database: a database built from model
 * A, the SQL rendered from the diff to model B run on it (foreign keys
 * off around the transaction, as the runner does), and then its catalog
 * must read as B's and the rows inserted before must still be there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit-db.h"

static struct schema *
reflect_ok(struct conn *c)
{
	struct schema	*s = NULL;
	struct err	 err = ERR_INIT;

	if (sqlite_reflect(&s, c, NULL, &err) != 0)
		fail_msg("reflect: %s", err.msg);
	return s;
}

/* The rows of a query: cells joined by '|', rows by '\n'; caller frees. */
static char *
query_text(struct conn *c, const char *sql)
{
	struct rows	*rows = NULL;
	struct strbuf	 sb = STRBUF_INIT;
	struct err	 err = ERR_INIT;
	size_t		 i, j;

	if (c->dialect->query(&rows, c, sql, NULL, 0, &err) != 0)
		fail_msg("query %s: %s", sql, err.msg);
	for (i = 0; i < rows->nrows; i++) {
		if (i > 0)
			strbuf_addch(&sb, '\n');
		for (j = 0; j < rows->ncols; j++) {
			const char	*v = rows_get(rows, i, j);

			if (j > 0)
				strbuf_addch(&sb, '|');
			strbuf_addstr(&sb, v != NULL ? v : "NULL");
		}
	}
	rows_free(rows);
	return strbuf_detach(&sb, NULL);
}

static void
expect_query(struct conn *c, const char *sql, const char *want)
{
	char	*got = query_text(c, sql);

	if (strcmp(got, want) != 0)
		fail_msg("%s:\n  got  [%s]\n  want [%s]", sql, got, want);
	xfree(got);
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "-";
}

static void
strv_text(struct strbuf *sb, const struct strv *v)
{
	size_t	 i;

	strbuf_addch(sb, '(');
	for (i = 0; i < v->n; i++)
		strbuf_addf(sb, "%s%s", i ? "," : "", v->v[i]);
	strbuf_addch(sb, ')');
}

/*
 * A schema as text, every field reflection fills but the CREATE TABLE
 * text (a rename rewrites the name in it).
 */
/* The diff has no trigger ops: a model's triggers are not created. */
static int	compare_triggers = 1;

static void
schema_text(struct strbuf *sb, const struct schema *s)
{
	size_t	 i, j;

	for (i = 0; i < s->ntables; i++) {
		const struct schema_table *t = s->tables[i];

		strbuf_addf(sb, "table %s wr=%d strict=%d autoinc=%d\n",
		    t->name, t->without_rowid, t->strict, t->autoincrement);
		for (j = 0; j < t->ncolumns; j++) {
			const struct schema_column *c = t->columns[j];

			strbuf_addf(sb, "  col %s %s nn=%d def=%s gen=%s/%d "
			    "coll=%s hidden=%d\n", c->name, nz(c->type),
			    c->notnull, nz(c->default_sql), nz(c->generated),
			    c->generated_stored, nz(c->collation), c->hidden);
		}
		if (t->pk != NULL) {
			strbuf_addf(sb, "  pk %s ", nz(t->pk->name));
			strv_text(sb, &t->pk->columns);
			strbuf_addch(sb, '\n');
		}
		for (j = 0; j < t->nuniques; j++) {
			strbuf_addf(sb, "  unique %s ",
			    nz(t->uniques[j]->name));
			strv_text(sb, &t->uniques[j]->columns);
			strbuf_addch(sb, '\n');
		}
		for (j = 0; j < t->nfks; j++) {
			const struct schema_fk *f = t->fks[j];

			strbuf_addf(sb, "  fk %s ", nz(f->name));
			strv_text(sb, &f->columns);
			strbuf_addf(sb, " -> %s", f->ref_table);
			strv_text(sb, &f->ref_columns);
			strbuf_addf(sb, " del=%s upd=%s match=%s def=%d/%d\n",
			    nz(f->on_delete), nz(f->on_update), nz(f->match),
			    f->deferrable, f->initially_deferred);
		}
		for (j = 0; j < t->nchecks; j++)
			strbuf_addf(sb, "  check %s %s\n",
			    nz(t->checks[j]->name), t->checks[j]->expr);
		for (j = 0; j < t->nindexes; j++) {
			const struct schema_index *x = t->indexes[j];

			strbuf_addf(sb, "  index %s u=%d ", x->name,
			    x->unique);
			strv_text(sb, &x->keys);
			strbuf_addf(sb, " where=%s sql=%s\n", nz(x->where),
			    nz(x->sql));
		}
	}
	for (i = 0; i < s->nviews; i++)
		strbuf_addf(sb, "view %s AS %s\n", s->views[i]->name,
		    s->views[i]->definition);
	for (i = 0; compare_triggers && i < s->ntriggers; i++)
		strbuf_addf(sb, "trigger %s ON %s: %s\n",
		    s->triggers[i]->name, s->triggers[i]->table,
		    s->triggers[i]->sql);
}

/* Fail showing the first line where two schema texts differ. */
static void
expect_same_text(const char *got, const char *want, const char *sql)
{
	const char	*g = got, *w = want;

	if (strcmp(got, want) == 0)
		return;
	if (getenv("TEST_RENDER_DUMP") != NULL) {
		FILE	*f = fopen("/tmp/render-got.txt", "w");

		fputs(got, f);
		fclose(f);
		f = fopen("/tmp/render-want.txt", "w");
		fputs(want, f);
		fclose(f);
	}
	while (*g != '\0' && *g == *w) {
		if (*g == '\n') {
			got = g + 1;
			want = w + 1;
		}
		g++;
		w++;
	}
	fail_msg("after the migration, first difference:\n  got  %.*s\n"
	    "  want %.*s\nSQL starts:\n%.1500s", (int)strcspn(got, "\n"), got,
	    (int)strcspn(want, "\n"), want, sql);
}

/* What one migration left: the database, and the SQL that was run. */
struct run {
	struct conn	*db;
	char		*sql;
};

/*
 * Build a database from model a (foreign keys on, as an application has
 * them) with rows data, migrate it to model b with the rendered SQL, and
 * check that its catalog now reads as b's and that a second diff is
 * empty. The caller checks the rows, then calls run_done.
 */
static struct run
run_migration(const char *a, const char *data, const char *b)
{
	struct run	 r = { NULL, NULL };
	struct conn	*scratch = open_memory();
	struct schema	*from, *to, *after;
	struct diff	 d = DIFF_INIT, again = DIFF_INIT;
	struct strbuf	 sql = STRBUF_INIT, want = STRBUF_INIT,
			 got = STRBUF_INIT;
	struct err	 err = ERR_INIT;
	char		*fkc;

	r.db = open_memory();
	exec_ok(r.db, "PRAGMA foreign_keys = ON");
	exec_ok(r.db, a);
	if (data != NULL)
		exec_ok(r.db, data);
	from = reflect_ok(r.db);
	exec_ok(scratch, b);
	to = reflect_ok(scratch);

	diff_schemas(&d, from, to);
	if (sqlite_render(&sql, &d, from, to, &err) != 0)
		fail_msg("render: %s", err.msg);
	if (getenv("TEST_RENDER_SHOW") != NULL)
		fprintf(stderr, "%s", sql.buf);

	/* the runner's part: foreign keys off outside the transaction */
	if (strstr(sql.buf, "-- migrate:foreign-keys-off\n") != NULL)
		exec_ok(r.db, "PRAGMA foreign_keys = OFF");
	if (dialect_begin(r.db, &err) != 0)
		fail_msg("begin: %s", err.msg);
	if (dialect_exec_script(r.db, "upgrade", sql.buf, sql.len, NULL,
	    &err) != 0)
		fail_msg("the rendered SQL fails at line %u: %s\n%s", err.line,
		    err.msg, sql.buf);
	fkc = query_text(r.db, "PRAGMA foreign_key_check");
	if (*fkc != '\0')
		fail_msg("foreign_key_check: %s\n%s", fkc, sql.buf);
	xfree(fkc);
	if (dialect_commit(r.db, &err) != 0)
		fail_msg("commit: %s", err.msg);
	exec_ok(r.db, "PRAGMA foreign_keys = ON");

	after = reflect_ok(r.db);
	schema_text(&want, to);
	schema_text(&got, after);
	expect_same_text(got.buf, want.buf, sql.buf);
	diff_schemas(&again, after, to);
	if (again.n != 0)
		fail_msg("a second diff finds %zu ops, the first %s",
		    again.n, diff_op_name(again.v[0].kind));
	r.sql = strbuf_detach(&sql, NULL);

	diff_release(&again);
	diff_release(&d);
	schema_free(after);
	schema_free(from);
	schema_free(to);
	strbuf_release(&want);
	strbuf_release(&got);
	dialect_disconnect(scratch);
	return r;
}

static void
run_done(struct run *r)
{
	dialect_disconnect(r->db);
	xfree(r->sql);
}

static void
expect_sql_has(const struct run *r, const char *needle)
{
	if (strstr(r->sql, needle) == NULL)
		fail_msg("no '%s' in:\n%s", needle, r->sql);
}

static void
expect_sql_lacks(const struct run *r, const char *needle)
{
	if (strstr(r->sql, needle) != NULL)
		fail_msg("'%s' in:\n%s", needle, r->sql);
}

/*
 * The cases.
 */

static void
test_render_sqlite_create_and_drop_table(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE old (id INTEGER PRIMARY KEY, x);\n"
	    "CREATE TABLE keep (id INTEGER PRIMARY KEY);\n",
	    "INSERT INTO keep VALUES (7);\n",
	    "CREATE TABLE keep (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE users (\n"
	    "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	    "    name TEXT NOT NULL COLLATE NOCASE DEFAULT 'x',\n"
	    "    email TEXT,\n"
	    "    lower_email TEXT GENERATED ALWAYS AS (lower(email)) "
	    "VIRTUAL,\n"
	    "    CONSTRAINT uq_email UNIQUE (email),\n"
	    "    CONSTRAINT ck_name CHECK (length(name) > 0)\n"
	    ");\n"
	    "CREATE TABLE posts (\n"
	    "    id INTEGER PRIMARY KEY,\n"
	    "    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE "
	    "DEFERRABLE INITIALLY DEFERRED\n"
	    ");\n"
	    "CREATE INDEX ix_posts_user ON posts (user_id);\n"
	    "CREATE TABLE kv (k TEXT PRIMARY KEY, v INT) WITHOUT ROWID, "
	    "STRICT;\n");
	expect_sql_has(&r, "-- WARNING: drop table \"old\": ");
	expect_sql_has(&r, "DROP TABLE \"old\";\n");
	expect_sql_lacks(&r, "foreign-keys-off");
	expect_query(r.db, "SELECT id FROM keep", "7");
	run_done(&r);
}

static void
test_render_sqlite_add_column(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n",
	    "INSERT INTO t VALUES (1, 'one'), (2, 'two');\n",
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT,\n"
	    "    b INTEGER,\n"
	    "    c TEXT NOT NULL DEFAULT 'none',\n"
	    "    d TEXT COLLATE NOCASE,\n"
	    "    e TEXT GENERATED ALWAYS AS (a || c) VIRTUAL);\n");
	expect_sql_has(&r, "ALTER TABLE \"t\" ADD COLUMN c TEXT NOT NULL "
	    "DEFAULT 'none';\n");
	expect_sql_lacks(&r, "foreign-keys-off");
	expect_query(r.db, "SELECT id, a, b, c, d, e FROM t ORDER BY id",
	    "1|one|NULL|none|NULL|onenone\n2|two|NULL|none|NULL|twonone");
	run_done(&r);
}

/* Columns ADD COLUMN refuses: a rebuild. */
static void
test_render_sqlite_add_column_rebuild(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n",
	    "INSERT INTO t VALUES (1, 'one');\n",
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT,\n"
	    "    at TEXT DEFAULT CURRENT_TIMESTAMP,\n"
	    "    s TEXT GENERATED ALWAYS AS (upper(a)) STORED);\n");
	expect_sql_has(&r, "-- migrate:foreign-keys-off\n");
	expect_sql_has(&r, "PRAGMA foreign_key_check;\n");
	expect_query(r.db, "SELECT id, a, at IS NOT NULL, s FROM t",
	    "1|one|1|ONE");
	run_done(&r);
}

static void
test_render_sqlite_drop_column_native(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, "
	    "b TEXT);\n",
	    "INSERT INTO t VALUES (1, 'one', 'x');\n",
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n");
	expect_sql_has(&r, "-- WARNING: drop column \"t\".\"b\": ");
	expect_sql_has(&r, "ALTER TABLE \"t\" DROP COLUMN \"b\";\n");
	expect_sql_lacks(&r, "foreign-keys-off");
	expect_query(r.db, "SELECT * FROM t", "1|one");
	run_done(&r);
}

/* An indexed column cannot be dropped in place. */
static void
test_render_sqlite_drop_column_rebuild(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, "
	    "b TEXT);\nCREATE INDEX ix_t_ab ON t (a, b);\n"
	    "CREATE INDEX ix_t_a ON t (a);\n",
	    "INSERT INTO t VALUES (1, 'one', 'x'), (5, 'five', 'y');\n",
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n"
	    "CREATE INDEX ix_t_a ON t (a);\n");
	expect_sql_has(&r, "-- WARNING: drop column \"t\".\"b\": ");
	expect_sql_has(&r, "-- migrate:foreign-keys-off\n");
	expect_sql_lacks(&r, "DROP COLUMN");
	expect_query(r.db, "SELECT * FROM t ORDER BY id", "1|one\n5|five");
	run_done(&r);
}

static void
test_render_sqlite_alter_column(void **state)
{
	struct run	 r;

	(void)state;
	/* type, nullability, default and collation, one rebuild */
	r = run_migration("CREATE TABLE t (id INTEGER PRIMARY KEY, "
	    "n TEXT, m INTEGER NOT NULL, d TEXT DEFAULT 'a', c TEXT);\n"
	    "CREATE INDEX ix_t_n ON t (n);\n",
	    "INSERT INTO t VALUES (1, '42', 1, 'z', 'c'), "
	    "(2, NULL, 2, NULL, 'C');\n",
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, "
	    "n INTEGER NOT NULL DEFAULT 0, m INTEGER, d TEXT DEFAULT 'b', "
	    "c TEXT COLLATE NOCASE);\n"
	    "CREATE INDEX ix_t_n ON t (n);\n");
	expect_sql_has(&r, "CREATE TABLE \"_migrate_new_t\"");
	expect_query(r.db, "SELECT id, n, typeof(n), m, d, c FROM t "
	    "ORDER BY id", "1|42|integer|1|z|c\n2|0|integer|2|NULL|C");
	/* the rebuild ran once for all the changes */
	assert_non_null(strstr(r.sql, "DROP TABLE"));
	assert_null(strstr(strstr(r.sql, "DROP TABLE") + 1, "DROP TABLE"));
	run_done(&r);
}

static void
test_render_sqlite_constraints(void **state)
{
	struct run	 r;

	(void)state;
	/* add a unique, a check and a foreign key */
	r = run_migration("CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, p_id INT);\n",
	    "INSERT INTO p VALUES (1);\n"
	    "INSERT INTO t VALUES (1, 'a', 1), (2, 'b', NULL);\n",
	    "CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, p_id INT,\n"
	    "    CONSTRAINT uq_a UNIQUE (a),\n"
	    "    CHECK (a <> ''),\n"
	    "    CONSTRAINT fk_p FOREIGN KEY (p_id) REFERENCES p (id) "
	    "ON DELETE SET NULL);\n");
	expect_query(r.db, "SELECT * FROM t ORDER BY id", "1|a|1\n2|b|NULL");
	run_done(&r);
	/* and drop them */
	r = run_migration("CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, p_id INT,\n"
	    "    CONSTRAINT uq_a UNIQUE (a),\n"
	    "    CHECK (a <> ''),\n"
	    "    CONSTRAINT fk_p FOREIGN KEY (p_id) REFERENCES p (id));\n",
	    "INSERT INTO p VALUES (1);\n"
	    "INSERT INTO t VALUES (1, 'a', 1), (2, 'b', NULL);\n",
	    "CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, p_id INT);\n");
	expect_query(r.db, "SELECT * FROM t ORDER BY id", "1|a|1\n2|b|NULL");
	run_done(&r);
}

static void
test_render_sqlite_indexes(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE t (id INTEGER PRIMARY KEY, a, b);\n"
	    "CREATE INDEX ix_old ON t (a);\n",
	    "INSERT INTO t VALUES (1, 2, 3);\n",
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, a, b);\n"
	    "CREATE UNIQUE INDEX ix_new ON t (b DESC, lower(a)) "
	    "WHERE b > 0;\n");
	expect_sql_has(&r, "DROP INDEX \"ix_old\";\n");
	expect_sql_has(&r, "CREATE UNIQUE INDEX ix_new ON t (b DESC, "
	    "lower(a)) WHERE b > 0;\n");
	expect_sql_lacks(&r, "foreign-keys-off");
	expect_query(r.db, "SELECT * FROM t", "1|2|3");
	run_done(&r);
}

/* A view that reads a rebuilt table goes and comes back. */
static void
test_render_sqlite_views_around_rebuild(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n"
	    "CREATE VIEW v AS SELECT id, a FROM t;\n"
	    "CREATE VIEW gone AS SELECT 1;\n",
	    "INSERT INTO t VALUES (1, 'x');\n",
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL);\n"
	    "CREATE VIEW v AS SELECT id, a FROM t;\n"
	    "CREATE VIEW \"new view\" AS SELECT a FROM t WHERE id > 0;\n");
	expect_sql_has(&r, "DROP VIEW \"v\";\n");
	expect_sql_has(&r, "DROP VIEW \"gone\";\n");
	expect_sql_has(&r, "CREATE VIEW \"new view\" AS SELECT a FROM t "
	    "WHERE id > 0;\n");
	expect_query(r.db, "SELECT * FROM v", "1|x");
	expect_query(r.db, "SELECT * FROM \"new view\"", "x");
	run_done(&r);
}

static void
test_render_sqlite_trigger_survives_rebuild(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n"
	    "CREATE TABLE log (msg TEXT);\n"
	    "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n"
	    "    INSERT INTO log VALUES ('ins ' || new.a);\n"
	    "END;\n"
	    "CREATE TRIGGER log_ins AFTER INSERT ON log BEGIN\n"
	    "    UPDATE t SET a = a WHERE 0;\n"
	    "END;\n",
	    "INSERT INTO t VALUES (1, 'x');\n",
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL);\n"
	    "CREATE TABLE log (msg TEXT);\n"
	    "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n"
	    "    INSERT INTO log VALUES ('ins ' || new.a);\n"
	    "END;\n"
	    "CREATE TRIGGER log_ins AFTER INSERT ON log BEGIN\n"
	    "    UPDATE t SET a = a WHERE 0;\n"
	    "END;\n");
	exec_ok(r.db, "INSERT INTO t VALUES (2, 'y')");
	expect_query(r.db, "SELECT msg FROM log", "ins x\nins y");
	run_done(&r);
}

static void
test_render_sqlite_autoincrement_kept(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE t (id INTEGER PRIMARY KEY "
	    "AUTOINCREMENT, a TEXT);\n",
	    "INSERT INTO t (a) VALUES ('a'), ('b'), ('c');\n"
	    "DELETE FROM t WHERE id >= 2;\n",
	    "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, "
	    "a TEXT NOT NULL DEFAULT '');\n");
	expect_sql_has(&r, "sqlite_sequence");
	exec_ok(r.db, "INSERT INTO t (a) VALUES ('d')");
	expect_query(r.db, "SELECT id, a FROM t ORDER BY id", "1|a\n4|d");
	expect_query(r.db, "SELECT name, seq FROM sqlite_sequence", "t|4");
	run_done(&r);
}

/* Rowids of a table without INTEGER PRIMARY KEY survive too. */
static void
test_render_sqlite_rowids_kept(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE t (a TEXT);\n",
	    "INSERT INTO t (rowid, a) VALUES (10, 'x'), (20, 'y');\n",
	    "CREATE TABLE t (a TEXT NOT NULL);\n");
	expect_query(r.db, "SELECT rowid, a FROM t ORDER BY rowid",
	    "10|x\n20|y");
	run_done(&r);
}

/*
 * The trap: a rebuild of a parent table drops it, and with foreign keys
 * on the DROP would delete the children (ON DELETE CASCADE).
 */
static void
test_render_sqlite_children_survive_parent_rebuild(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE parent (id INTEGER PRIMARY KEY, "
	    "name TEXT);\n"
	    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
	    "NOT NULL REFERENCES parent (id) ON DELETE CASCADE);\n",
	    "INSERT INTO parent VALUES (1, 'p1'), (2, 'p2');\n"
	    "INSERT INTO child VALUES (10, 1), (11, 2), (12, 2);\n",
	    "CREATE TABLE parent (id INTEGER PRIMARY KEY, "
	    "name TEXT NOT NULL DEFAULT '');\n"
	    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
	    "NOT NULL REFERENCES parent (id) ON DELETE CASCADE);\n");
	expect_sql_has(&r, "-- migrate:foreign-keys-off\n");
	expect_query(r.db, "SELECT * FROM child ORDER BY id",
	    "10|1\n11|2\n12|2");
	expect_query(r.db, "SELECT * FROM parent ORDER BY id", "1|p1\n2|p2");
	/* and the key still holds */
	exec_ok(r.db, "DELETE FROM parent WHERE id = 2");
	expect_query(r.db, "SELECT * FROM child ORDER BY id", "10|1");
	run_done(&r);
}

static void
test_render_sqlite_quoted_identifiers(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE \"order\" (id INTEGER PRIMARY KEY, "
	    "\"user\" TEXT, \"Mixed Case\" TEXT, \"gone col\" TEXT, "
	    "\"say \"\"hi\"\"\" TEXT);\n"
	    "CREATE TABLE \"user\" (\"Id\" INTEGER PRIMARY KEY);\n"
	    "CREATE INDEX \"ix \"\"q\"\"\" ON \"order\" (\"user\");\n",
	    "INSERT INTO \"order\" VALUES (1, 'u', 'm', 'g', 'h');\n"
	    "INSERT INTO \"user\" VALUES (3);\n",
	    "CREATE TABLE \"order\" (id INTEGER PRIMARY KEY, "
	    "\"user\" TEXT NOT NULL DEFAULT '', \"Mixed Case\" TEXT, "
	    "\"say \"\"hi\"\"\" TEXT, \"new col\" INT DEFAULT 1, "
	    "\"u id\" INT REFERENCES \"user\" (\"Id\"));\n"
	    "CREATE TABLE \"user\" (\"Id\" INTEGER PRIMARY KEY, "
	    "\"Added\" TEXT);\n"
	    "CREATE INDEX \"ix \"\"q\"\"\" ON \"order\" (\"user\");\n"
	    "CREATE TABLE \"sel ect\" (\"a\"\"b\" TEXT UNIQUE);\n");
	expect_sql_has(&r, "ALTER TABLE \"user\" ADD COLUMN \"Added\" TEXT;\n");
	expect_sql_has(&r, "CREATE TABLE \"_migrate_new_order\"");
	expect_query(r.db, "SELECT id, \"user\", \"Mixed Case\", "
	    "\"say \"\"hi\"\"\", \"new col\", \"u id\" FROM \"order\"",
	    "1|u|m|h|1|NULL");
	expect_query(r.db, "SELECT * FROM \"user\"", "3|NULL");
	run_done(&r);
}

/* Table options only a rebuild changes. */
static void
test_render_sqlite_table_options(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE t (k TEXT PRIMARY KEY, v INT);\n",
	    "INSERT INTO t VALUES ('a', 1);\n",
	    "CREATE TABLE t (k TEXT PRIMARY KEY, v INT) STRICT;\n");
	expect_query(r.db, "SELECT * FROM t", "a|1");
	run_done(&r);
}

/* Without the CREATE TABLE text, the definition is written from parts. */
static void
test_render_sqlite_from_parts(void **state)
{
	struct conn	*db = open_memory(), *scratch = open_memory();
	struct schema	*from, *to, *after;
	struct diff	 d = DIFF_INIT;
	struct strbuf	 sql = STRBUF_INIT, want = STRBUF_INIT,
			 got = STRBUF_INIT;
	struct err	 err = ERR_INIT;
	size_t		 i;

	(void)state;
	exec_ok(scratch, "CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE \"t x\" (\n"
	    "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	    "    name TEXT NOT NULL COLLATE NOCASE DEFAULT 'x',\n"
	    "    p_id INTEGER,\n"
	    "    g TEXT GENERATED ALWAYS AS (upper(name)) STORED,\n"
	    "    CONSTRAINT uq UNIQUE (name, p_id),\n"
	    "    CONSTRAINT ck CHECK (length(name) > 0),\n"
	    "    CONSTRAINT fk FOREIGN KEY (p_id) REFERENCES p (id) "
	    "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED\n"
	    ");\n"
	    "CREATE INDEX ix ON \"t x\" (p_id DESC);\n"
	    "CREATE TABLE kv (k TEXT PRIMARY KEY, v INT) WITHOUT ROWID, "
	    "STRICT;\n");
	from = reflect_ok(db);
	to = reflect_ok(scratch);
	for (i = 0; i < to->ntables; i++) {
		xfree(to->tables[i]->sql);
		to->tables[i]->sql = NULL;
	}
	diff_schemas(&d, from, to);
	assert_int_equal(sqlite_render(&sql, &d, from, to, &err), 0);
	exec_ok(db, sql.buf);
	after = reflect_ok(db);
	schema_text(&want, to);
	schema_text(&got, after);
	if (strcmp(want.buf, got.buf) != 0)
		fail_msg("after:\n%s\nwant:\n%s\nSQL:\n%s", got.buf, want.buf,
		    sql.buf);
	diff_release(&d);
	schema_free(from);
	schema_free(to);
	schema_free(after);
	strbuf_release(&sql);
	strbuf_release(&want);
	strbuf_release(&got);
	dialect_disconnect(db);
	dialect_disconnect(scratch);
}

/*
 * A kept table whose foreign key points at a table that goes: the key
 * goes in a rebuild, the table after it.
 */
static void
test_render_sqlite_fk_to_dropped_table(void **state)
{
	struct run	 r;

	(void)state;
	r = run_migration("CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INT REFERENCES "
	    "p (id) ON DELETE CASCADE);\n",
	    "INSERT INTO p VALUES (1);\nINSERT INTO c VALUES (5, 1);\n",
	    "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INT);\n"
	    "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INT REFERENCES b);\n"
	    "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT "
	    "REFERENCES a);\n");
	expect_query(r.db, "SELECT * FROM c", "5|1");
	run_done(&r);
}

/*
 * Renames, with ops made by hand: a table and a column renamed in place,
 * and a renamed column of a table that is rebuilt is copied from its old
 * name.
 */
static void
test_render_sqlite_renames(void **state)
{
	struct conn		*db = open_memory();
	struct conn		*scratch = open_memory();
	struct schema		*from, *to, *after;
	const struct schema_table *ft, *tt;
	struct diff		 d = DIFF_INIT;
	struct strbuf		 sql = STRBUF_INIT, want = STRBUF_INIT,
				 got = STRBUF_INIT;
	struct err		 err = ERR_INIT;
	struct op		*op;
	int			 rebuild;

	(void)state;
	for (rebuild = 0; rebuild < 2; rebuild++) {
		exec_ok(db, "CREATE TABLE \"old t\" (id INTEGER PRIMARY KEY, "
		    "\"old c\" TEXT);\n"
		    "INSERT INTO \"old t\" VALUES (1, 'x');\n");
		exec_ok(scratch, rebuild ? "CREATE TABLE \"new t\" (id INTEGER "
		    "PRIMARY KEY, \"new c\" TEXT NOT NULL);\n" :
		    "CREATE TABLE \"new t\" (id INTEGER PRIMARY KEY, "
		    "\"new c\" TEXT);\n");
		from = reflect_ok(db);
		to = reflect_ok(scratch);
		ft = from->tables[0];
		tt = to->tables[0];
		d.alloc = 3;
		d.v = xcalloc(d.alloc, sizeof *d.v);
		op = &d.v[d.n++];
		op->kind = OP_RENAME_TABLE;
		op->table = tt;
		op->old = ft;
		op->new = tt;
		op = &d.v[d.n++];
		op->kind = OP_RENAME_COLUMN;
		op->table = tt;
		op->old = ft->columns[1];
		op->new = tt->columns[1];
		if (rebuild) {
			op = &d.v[d.n++];
			op->kind = OP_ALTER_COLUMN;
			op->table = tt;
			op->old = ft->columns[1];
			op->new = tt->columns[1];
			op->change = OP_CHANGE_NULL;
		}
		assert_int_equal(sqlite_render(&sql, &d, from, to, &err), 0);
		assert_non_null(strstr(sql.buf, "ALTER TABLE \"old t\" RENAME "
		    "TO \"new t\";\n"));
		assert_true((strstr(sql.buf, "RENAME COLUMN") == NULL) ==
		    rebuild);
		exec_ok(db, sql.buf);
		after = reflect_ok(db);
		schema_text(&want, to);
		schema_text(&got, after);
		if (strcmp(want.buf, got.buf) != 0)
			fail_msg("after:\n%s\nwant:\n%s\nSQL:\n%s", got.buf,
			    want.buf, sql.buf);
		expect_query(db, "SELECT * FROM \"new t\"", "1|x");
		exec_ok(db, "DROP TABLE \"new t\"");
		exec_ok(scratch, "DROP TABLE \"new t\"");
		diff_release(&d);
		schema_free(from);
		schema_free(to);
		schema_free(after);
		strbuf_reset(&sql);
		strbuf_reset(&want);
		strbuf_reset(&got);
	}
	strbuf_release(&sql);
	strbuf_release(&want);
	strbuf_release(&got);
	dialect_disconnect(db);
	dialect_disconnect(scratch);
}

/* Every SQLite schema of the corpus, from nothing and back to nothing. */
static void
test_render_sqlite_corpus_round_trip(void **state)
{
	static const char *const files[] = {
		"chinook/sqlite.sql", "chinook/sqlite-autoincrement.sql",
		"sakila/sqlite.sql", "northwind/sqlite.sql",
		"edge-cases/sqlite.sql", "blog/sqlite.sql"
	};
	const char	*dir = getenv("MIGRATE_CORPUS");
	struct strbuf	 path = STRBUF_INIT, text = STRBUF_INIT;
	struct run	 r;
	size_t		 i;

	(void)state;
	compare_triggers = 0;
	for (i = 0; i < sizeof files / sizeof *files; i++) {
		strbuf_reset(&path);
		strbuf_reset(&text);
		strbuf_addf(&path, "%s/%s", dir != NULL && *dir != '\0' ?
		    dir : "../shared/corpus", files[i]);
		if (strbuf_read_file(&text, path.buf) != 0)
			fail_msg("cannot read '%s'", path.buf);
		r = run_migration("", NULL, text.buf);
		run_done(&r);
		r = run_migration(text.buf, NULL, "");
		run_done(&r);
	}
	compare_triggers = 1;
	strbuf_release(&path);
	strbuf_release(&text);
}

static void
test_render_sqlite_enum_is_an_error(void **state)
{
	struct schema		*from = schema_new(), *to = schema_new();
	struct diff		 d = DIFF_INIT;
	struct strbuf		 sql = STRBUF_INIT;
	struct err		 err = ERR_INIT;

	(void)state;
	strv_push(&schema_add_enum(to, NULL, "mood")->values, "sad");
	diff_schemas(&d, from, to);
	assert_int_equal(sqlite_render(&sql, &d, from, to, &err), MG_ERROR);
	assert_non_null(strstr(err.msg, "enum"));
	err_release(&err);
	diff_release(&d);
	strbuf_release(&sql);
	schema_free(from);
	schema_free(to);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_sqlite_create_and_drop_table),
		cmocka_unit_test(test_render_sqlite_add_column),
		cmocka_unit_test(test_render_sqlite_add_column_rebuild),
		cmocka_unit_test(test_render_sqlite_drop_column_native),
		cmocka_unit_test(test_render_sqlite_drop_column_rebuild),
		cmocka_unit_test(test_render_sqlite_alter_column),
		cmocka_unit_test(test_render_sqlite_constraints),
		cmocka_unit_test(test_render_sqlite_indexes),
		cmocka_unit_test(test_render_sqlite_views_around_rebuild),
		cmocka_unit_test(test_render_sqlite_trigger_survives_rebuild),
		cmocka_unit_test(test_render_sqlite_autoincrement_kept),
		cmocka_unit_test(test_render_sqlite_rowids_kept),
		cmocka_unit_test(
		    test_render_sqlite_children_survive_parent_rebuild),
		cmocka_unit_test(test_render_sqlite_quoted_identifiers),
		cmocka_unit_test(test_render_sqlite_table_options),
		cmocka_unit_test(test_render_sqlite_from_parts),
		cmocka_unit_test(test_render_sqlite_fk_to_dropped_table),
		cmocka_unit_test(test_render_sqlite_renames),
		cmocka_unit_test(test_render_sqlite_corpus_round_trip),
		cmocka_unit_test(test_render_sqlite_enum_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
