/*
 * model: which files make the model (folder or glob, name order, dialect
 * suffixes), taking the scratch schema's name out of what was reflected,
 * and loading a model into SQLite's scratch (errors name file and line).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "dialect.h"
#include "model.h"

struct fixture {
	char	 dir[64];
};

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);

	snprintf(fx->dir, sizeof fx->dir, "/tmp/test-model.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	char		 cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* Write text to dir/name (folders made as needed). */
static void
put(const struct fixture *fx, const char *name, const char *text)
{
	char	 path[256], *slash;
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", fx->dir, name);
	for (slash = strchr(path + strlen(fx->dir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static struct config *
load_ini(const struct fixture *fx, const char *text)
{
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;
	char		 path[256];

	put(fx, "migrate.ini", text);
	snprintf(path, sizeof path, "%s/migrate.ini", fx->dir);
	if (config_load(&cfg, path, &err) != 0)
		fail_msg("config: %s", err.msg);
	return cfg;
}

/* The files' names below the fixture's folder, comma separated. */
static void
expect_files(const struct fixture *fx, const struct strv *files,
    const char *want)
{
	char	 got[512] = "";
	size_t	 i, skip = strlen(fx->dir) + 1;

	for (i = 0; i < files->n; i++) {
		assert_true(strncmp(files->v[i], fx->dir, skip - 1) == 0);
		strcat(got, i ? "," : "");
		strcat(got, files->v[i] + skip);
	}
	if (strcmp(got, want) != 0)
		fail_msg("files '%s', wanted '%s'", got, want);
}

static void
test_model_file_for(void **state)
{
	(void)state;
	assert_true(model_file_for("a.sql", SQL_SQLITE));
	assert_true(model_file_for("a.sql", SQL_POSTGRES));
	assert_true(model_file_for("a.sqlite.sql", SQL_SQLITE));
	assert_false(model_file_for("a.sqlite.sql", SQL_POSTGRES));
	assert_true(model_file_for("a.postgresql.sql", SQL_POSTGRES));
	assert_false(model_file_for("a.postgresql.sql", SQL_SQLITE));
	assert_false(model_file_for("a.sql.txt", SQL_SQLITE));
	assert_false(model_file_for("README", SQL_SQLITE));
}

static void
test_model_files_folder(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg;
	struct strv	 files;
	struct err	 err = ERR_INIT;

	put(fx, "m/020_posts.sql", "");
	put(fx, "m/010_users.sql", "");
	put(fx, "m/015_fts.sqlite.sql", "");
	put(fx, "m/016_enums.postgresql.sql", "");
	put(fx, "m/.hidden.sql", "");
	put(fx, "m/notes.txt", "");
	put(fx, "m/sub/030_deeper.sql", "");
	cfg = load_ini(fx, "[migrate]\nmodels = m\n");
	assert_int_equal(model_files(&files, cfg, SQL_SQLITE, &err), 0);
	expect_files(fx, &files, "m/010_users.sql,m/015_fts.sqlite.sql,"
	    "m/020_posts.sql");
	strv_release(&files);
	assert_int_equal(model_files(&files, cfg, SQL_POSTGRES, &err), 0);
	expect_files(fx, &files, "m/010_users.sql,"
	    "m/016_enums.postgresql.sql,m/020_posts.sql");
	strv_release(&files);
	config_free(cfg);
}

static void
test_model_files_glob_and_errors(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg;
	struct strv	 files;
	struct err	 err = ERR_INIT;
	char		 want[256];

	put(fx, "m/b.sql", "");
	put(fx, "m/a.sql", "");
	put(fx, "m/a.sqlite.sql", "");
	put(fx, "other/c.sql", "");
	cfg = load_ini(fx, "[migrate]\nmodels = %(here)s/*/[ac]*.sql\n");
	assert_int_equal(model_files(&files, cfg, SQL_POSTGRES, &err), 0);
	expect_files(fx, &files, "m/a.sql,other/c.sql");
	strv_release(&files);
	config_free(cfg);

	/* a glob that matches nothing: an empty model */
	cfg = load_ini(fx, "[migrate]\nmodels = m/*.ddl\n");
	assert_int_equal(model_files(&files, cfg, SQL_SQLITE, &err), 0);
	assert_int_equal(files.n, 0);
	config_free(cfg);

	/* a folder that is not there names migrate.ini and its line */
	cfg = load_ini(fx, "[migrate]\n\nmodels = nowhere\n");
	assert_int_equal(model_files(&files, cfg, SQL_SQLITE, &err),
	    MG_ECONFIG);
	snprintf(want, sizeof want, "models '%s/nowhere': No such file or "
	    "directory", cfg->here);
	assert_string_equal(err.msg, want);
	assert_string_equal(err.path, cfg->path);
	assert_int_equal(err.line, 3);
	assert_int_equal(files.n, 0);
	err_release(&err);
	config_free(cfg);
}

static void
test_model_unscratch(void **state)
{
	struct schema		*s = schema_new();
	struct schema_table	*t;
	struct schema_column	*c;
	struct schema_fk	*fk;
	struct schema_index	*x;
	struct schema_enum	*e;

	(void)state;
	t = schema_add_table(s, "migrate_scratch_1", "posts");
	c = schema_add_column(t, "id", "integer");
	c->default_sql = xstrdup("nextval('migrate_scratch_1.posts_id_seq'"
	    "::regclass)");
	c = schema_add_column(t, "mood", "\"migrate_scratch_1\".mood");
	fk = schema_add_fk(t);
	fk->ref_schema = xstrdup("migrate_scratch_1");
	fk->ref_table = xstrdup("users");
	x = schema_add_index(t, "ix_posts_id");
	x->sql = xstrdup("CREATE INDEX ix_posts_id ON migrate_scratch_1.posts "
	    "USING btree (id)");
	e = schema_add_enum(s, "migrate_scratch_1", "mood");
	strv_push(&e->values, "sad");
	schema_add_table(s, "other", "kept");
	model_unscratch(s, "migrate_scratch_1", "public");
	assert_string_equal(t->schema, "public");
	assert_string_equal(t->columns[0]->default_sql,
	    "nextval('public.posts_id_seq'::regclass)");
	assert_string_equal(t->columns[1]->type, "public.mood");
	assert_string_equal(fk->ref_schema, "public");
	assert_string_equal(x->sql, "CREATE INDEX ix_posts_id ON "
	    "public.posts USING btree (id)");
	assert_string_equal(e->schema, "public");
	assert_string_equal(s->tables[1]->schema, "other");
	schema_free(s);
}

static void
test_model_load_sqlite(void **state)
{
	struct fixture		*fx = *state;
	struct config		*cfg;
	struct schema		*s = NULL;
	struct schema_table	*t;
	struct err		 err = ERR_INIT;
	char			 want[256];

	put(fx, "m/010_users.sql", "CREATE TABLE users (\n"
	    "    id INTEGER PRIMARY KEY,\n    email TEXT NOT NULL UNIQUE\n);\n");
	put(fx, "m/020_posts.sql", "CREATE TABLE posts (\n"
	    "    id INTEGER PRIMARY KEY,\n"
	    "    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE\n);\n"
	    "CREATE INDEX ix_posts_user ON posts (user_id);\n");
	put(fx, "m/030_pg.postgresql.sql", "CREATE TYPE mood AS ENUM ('a');\n");
	cfg = load_ini(fx, "[migrate]\nmodels = m\n");
	assert_int_equal(model_load(&s, cfg, &dialect_sqlite, NULL, NULL,
	    &err), 0);
	assert_int_equal(s->ntables, 2);
	assert_non_null(t = schema_find_table(s, NULL, "posts"));
	assert_int_equal(t->nfks, 1);
	assert_string_equal(t->fks[0]->ref_table, "users");
	assert_string_equal(t->fks[0]->on_delete, "CASCADE");
	assert_int_equal(t->nindexes, 1);
	assert_non_null(t = schema_find_table(s, NULL, "users"));
	assert_int_equal(t->nuniques, 1);
	schema_free(s);

	/* a statement the database refuses: its file and line */
	put(fx, "m/025_bad.sql", "CREATE TABLE tags (id INTEGER);\n\n"
	    "CREATE TABLE post_tags (\n    tag_id INTEGER,\n"
	    "    tag_id INTEGER\n);\n");
	assert_int_equal(model_load(&s, cfg, &dialect_sqlite, NULL, NULL,
	    &err), MG_EDB);
	assert_null(s);
	snprintf(want, sizeof want, "%s/m/025_bad.sql", cfg->here);
	assert_string_equal(err.path, want);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "duplicate column name: tag_id"));
	err_release(&err);

	/* a model may not step out of scratch: no COMMIT, no search_path */
	put(fx, "m/025_bad.sql", "CREATE TABLE tags (id INTEGER);\n"
	    "/* done */ COMMIT;\n");
	assert_int_equal(model_load(&s, cfg, &dialect_sqlite, NULL, NULL,
	    &err), MG_ECONFIG);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "transactions, search_path"));
	err_release(&err);
	put(fx, "m/025_bad.sql", "set  Search_Path = public;\n");
	assert_int_equal(model_load(&s, cfg, &dialect_sqlite, NULL, NULL,
	    &err), MG_ECONFIG);
	err_release(&err);
	config_free(cfg);
}

/*
 * PostgreSQL: the model goes into a scratch schema that is rolled back,
 * and what is reflected reads as the target schema's.
 */
static void
test_model_load_postgres(void **state)
{
	struct fixture		*fx = *state;
	struct config		*cfg;
	struct url		*url = NULL;
	struct conn		*conn = NULL;
	struct schema		*s = NULL;
	struct schema_table	*t;
	struct rows		*rows = NULL;
	struct err		 err = ERR_INIT;
	const char		*u = getenv("MIGRATE_TEST_PG_URL");

	if (u == NULL)
		fail_msg("MIGRATE_TEST_PG_URL is not set: run through "
		    "tests/run.sh, which starts PostgreSQL");
	assert_int_equal(url_parse(&url, u, &err), 0);
	assert_int_equal(dialect_connect(&conn, url, &err), 0);
	put(fx, "m/010_types.postgresql.sql",
	    "CREATE TYPE mood AS ENUM ('sad', 'happy');\n");
	put(fx, "m/020_posts.sql", "CREATE TABLE users (id serial PRIMARY "
	    "KEY);\nCREATE TABLE posts (\n    id serial PRIMARY KEY,\n"
	    "    user_id integer REFERENCES users (id),\n"
	    "    mood mood DEFAULT 'sad'\n);\n"
	    "CREATE INDEX ix_posts_user ON posts (user_id);\n");
	put(fx, "m/030_lite.sqlite.sql", "CREATE VIRTUAL TABLE x USING fts5(a);\n");
	cfg = load_ini(fx, "[migrate]\nmodels = m\n");
	if (model_load(&s, cfg, &dialect_postgres, conn, NULL, &err) != 0)
		fail_msg("model_load: %s", err.msg);
	assert_int_equal(s->ntables, 2);
	assert_non_null(t = schema_find_table(s, "public", "posts"));
	assert_string_equal(schema_find_column(t, "id")->default_sql,
	    "nextval('posts_id_seq'::regclass)");
	assert_string_equal(schema_find_column(t, "mood")->default_sql,
	    "'sad'::mood");
	assert_int_equal(t->nindexes, 1);
	assert_non_null(strstr(t->indexes[0]->sql, " ON public.posts "));
	assert_null(strstr(t->indexes[0]->sql, "scratch"));
	assert_int_equal(s->nenums, 1);
	assert_string_equal(s->enums[0]->schema, "public");
	schema_free(s);
	/* nothing of it is left in the database */
	assert_int_equal(conn->dialect->query(&rows, conn, "SELECT count(*) "
	    "FROM pg_namespace WHERE nspname LIKE 'migrate_scratch%'", NULL, 0,
	    &err), 0);
	assert_string_equal(rows_get(rows, 0, 0), "0");
	rows_free(rows);
	assert_int_equal(conn->txn_depth, 0);

	/* a model error: file and line, and still nothing left */
	put(fx, "m/040_bad.sql", "CREATE TABLE tags (\n    id integer,\n"
	    "    name txet\n);\n");
	assert_int_equal(model_load(&s, cfg, &dialect_postgres, conn, NULL,
	    &err), MG_EDB);
	assert_null(s);
	assert_non_null(strstr(err.path, "m/040_bad.sql"));
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "type \"txet\" does not exist"));
	err_release(&err);
	assert_int_equal(conn->txn_depth, 0);
	assert_int_equal(conn->dialect->query(&rows, conn, "SELECT count(*) "
	    "FROM pg_namespace WHERE nspname LIKE 'migrate_scratch%'", NULL, 0,
	    &err), 0);
	assert_string_equal(rows_get(rows, 0, 0), "0");
	rows_free(rows);

	/* a model that names its schema needs dev_url, and says so */
	put(fx, "m/040_bad.sql", "CREATE TABLE public.elsewhere (id int);\n");
	assert_int_equal(model_load(&s, cfg, &dialect_postgres, conn, NULL,
	    &err), MG_ECONFIG);
	assert_non_null(strstr(err.msg, "'public.elsewhere'): set dev_url"));
	err_release(&err);
	assert_int_equal(conn->dialect->query(&rows, conn, "SELECT count(*) "
	    "FROM pg_class WHERE relname = 'elsewhere'", NULL, 0, &err), 0);
	assert_string_equal(rows_get(rows, 0, 0), "0");
	rows_free(rows);
	dialect_disconnect(conn);
	url_free(url);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_file_for),
		cmocka_unit_test_setup_teardown(test_model_files_folder,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_model_files_glob_and_errors, setup, teardown),
		cmocka_unit_test(test_model_unscratch),
		cmocka_unit_test_setup_teardown(test_model_load_sqlite,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_load_postgres,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
