/*
 * The dialects against real databases: a SQLite file in a temp folder and
 * the PostgreSQL server that tests/run.sh starts (MIGRATE_TEST_PG_URL).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "dialect.h"

static char	 sqlite_dir[64];

static struct conn *
open_url(const char *text)
{
	struct url	*url = NULL;
	struct conn	*conn = NULL;
	struct err	 err = ERR_INIT;

	if (url_parse(&url, text, &err) != 0)
		fail_msg("url_parse(%s): %s", text, err.msg);
	if (dialect_connect(&conn, url, &err) != 0)
		fail_msg("connect: %s", err.msg);
	url_free(url);
	return conn;
}

static const char *
pg_url(void)
{
	const char	*u = getenv("MIGRATE_TEST_PG_URL");

	if (u == NULL)
		fail_msg("MIGRATE_TEST_PG_URL is not set: run through "
		    "tests/run.sh, which starts PostgreSQL");
	return u;
}

static struct conn *
open_sqlite(const char *name)
{
	char	 text[160];

	snprintf(text, sizeof text, "sqlite:///%s/%s", sqlite_dir, name);
	return open_url(text);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(sqlite_dir, sizeof sqlite_dir, "/tmp/test-dialect.XXXXXX");
	return mkdtemp(sqlite_dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	 cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", sqlite_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The rows of a one-column query, joined by commas. */
static void
query_col(struct conn *c, const char *sql, const char *p1, const char *want)
{
	struct rows	*r = NULL;
	struct err	 err = ERR_INIT;
	struct strbuf	 sb = STRBUF_INIT;
	const char	*params[1] = { p1 };
	size_t		 i;

	if (c->dialect->query(&r, c, sql, params, p1 != NULL, &err) != 0)
		fail_msg("query %s: %s", sql, err.msg);
	for (i = 0; i < r->nrows; i++) {
		if (i > 0)
			strbuf_addch(&sb, ',');
		strbuf_addstr(&sb, rows_get(r, i, 0) != NULL ?
		    rows_get(r, i, 0) : "NULL");
	}
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
	rows_free(r);
}

static void
exec_ok(struct conn *c, const char *sql)
{
	struct err	 err = ERR_INIT;

	if (c->dialect->exec(c, sql, &err) != 0)
		fail_msg("exec %s: %s", sql, err.msg);
}

/* Both dialects: exec, query, script errors with file lines, savepoints. */
static void
check_common(struct conn *c)
{
	static const char script[] =
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "INSERT INTO t VALUES (1, 'a;b');\n"
	    "-- a comment\n"
	    "INSERT INTO t VALUES (2, NULL);\n"
	    "SELECT *\n"
	    "  FROM nosuch;\n"
	    "INSERT INTO t VALUES (3, 'never');\n";
	struct err	 err = ERR_INIT;
	size_t		 nrun;

	exec_ok(c, "CREATE TABLE IF NOT EXISTS probe (x INTEGER)");
	assert_int_equal(dialect_exec_script(c, "s.sql", script,
	    strlen(script), &nrun, &err), MG_EDB);
	assert_int_equal(nrun, 3);
	assert_string_equal(err.path, "s.sql");
	/*
	 * PostgreSQL points at "nosuch"; SQLite gives no offset for a
	 * missing table, so the statement's first line.
	 */
	assert_int_equal(err.line, c->dialect == &dialect_sqlite ? 5 : 6);
	err_release(&err);
	query_col(c, "SELECT name FROM t ORDER BY id", NULL, "a;b,NULL");
	query_col(c, "SELECT id FROM t WHERE name = $1", "a;b", "1");

	/* nested transactions are savepoints */
	assert_int_equal(dialect_begin(c, &err), 0);
	exec_ok(c, "INSERT INTO t VALUES (10, 'outer')");
	assert_int_equal(dialect_begin(c, &err), 0);
	assert_int_equal(c->txn_depth, 2);
	exec_ok(c, "INSERT INTO t VALUES (11, 'inner')");
	assert_int_equal(dialect_rollback(c, &err), 0);
	assert_int_equal(dialect_begin(c, &err), 0);
	exec_ok(c, "INSERT INTO t VALUES (12, 'inner2')");
	assert_int_equal(dialect_commit(c, &err), 0);
	assert_int_equal(dialect_commit(c, &err), 0);
	assert_int_equal(c->txn_depth, 0);
	query_col(c, "SELECT id FROM t WHERE id >= 10 ORDER BY id", NULL,
	    "10,12");

	/* a rolled back transaction leaves nothing */
	assert_int_equal(dialect_begin(c, &err), 0);
	exec_ok(c, "CREATE TABLE gone (x INTEGER)");
	assert_int_equal(dialect_rollback(c, &err), 0);
	assert_int_not_equal(c->dialect->exec(c, "SELECT * FROM gone", &err),
	    0);
	err_release(&err);
}

static void
test_dialect_sqlite_exec_query_and_errors(void **state)
{
	struct conn	*c = open_sqlite("a.db");
	struct strbuf	 sb = STRBUF_INIT;

	(void)state;
	assert_string_equal(c->dialect->name, "sqlite");
	assert_true(c->server_version_num >= 3031000);
	assert_non_null(c->server_version);
	check_common(c);
	c->dialect->quote_ident(&sb, "we\"ird name");
	strbuf_addch(&sb, ' ');
	c->dialect->quote_literal(&sb, "it's");
	assert_string_equal(sb.buf, "\"we\"\"ird name\" 'it''s'");
	strbuf_release(&sb);
	dialect_disconnect(c);
}

static void
test_dialect_sqlite_syntax_error_line(void **state)
{
	struct conn	*c = open_sqlite("syn.db");
	struct err	 err = ERR_INIT;
	static const char sql[] = "SELECT 1;\nCREATE TABLE x (\n  a INT,,\n"
	    "  b INT);";

	(void)state;
	assert_int_equal(dialect_exec_script(c, "syn.sql", sql, strlen(sql),
	    NULL, &err), MG_EDB);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "syntax error"));
	err_release(&err);
	dialect_disconnect(c);
}

static void
test_dialect_sqlite_lock_waits_then_fails(void **state)
{
	struct conn	*a = open_sqlite("lock.db");
	struct conn	*b = open_sqlite("lock.db");
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(a->dialect->lock(a, "migrate_version", 1000, &err),
	    0);
	assert_int_equal(b->dialect->lock(b, "migrate_version", 200, &err),
	    MG_ELOCKED);
	assert_non_null(strstr(err.msg, "is locked by another connection"));
	err_release(&err);
	/* while locked, begin/commit are savepoints inside the lock */
	assert_int_equal(dialect_begin(a, &err), 0);
	exec_ok(a, "CREATE TABLE step (x INTEGER)");
	assert_int_equal(dialect_commit(a, &err), 0);
	assert_int_equal(a->txn_depth, 1);
	assert_int_equal(a->dialect->unlock(a, "migrate_version", &err), 0);
	assert_int_equal(a->txn_depth, 0);
	assert_int_equal(b->dialect->lock(b, "migrate_version", 200, &err),
	    0);
	query_col(b, "SELECT name FROM sqlite_master WHERE name = 'step'",
	    NULL, "step");
	assert_int_equal(b->dialect->unlock(b, "migrate_version", &err), 0);
	dialect_disconnect(a);
	dialect_disconnect(b);
}

static void
test_dialect_sqlite_readonly_and_missing_dir(void **state)
{
	struct url	*url = NULL;
	struct conn	*c = NULL;
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(url_parse(&url, "sqlite:///no/such/dir/x.db", &err),
	    0);
	assert_int_equal(dialect_connect(&c, url, &err), MG_ECONNECT);
	assert_null(c);
	assert_string_equal(err.msg, "cannot open SQLite database "
	    "'no/such/dir/x.db': unable to open database file");
	err_release(&err);
	url_free(url);
}

static void
test_dialect_sqlite_failed_commit_ends_transaction(void **state)
{
	struct conn	*c = open_sqlite("fk.db");
	struct err	 err = ERR_INIT;

	(void)state;
	exec_ok(c, "PRAGMA foreign_keys = ON");
	exec_ok(c, "CREATE TABLE p (id INTEGER PRIMARY KEY); "
	    "CREATE TABLE ch (p_id INTEGER REFERENCES p (id) "
	    "DEFERRABLE INITIALLY DEFERRED)");
	assert_int_equal(dialect_begin(c, &err), 0);
	exec_ok(c, "INSERT INTO ch VALUES (42)");
	/* SQLite refuses the COMMIT and keeps the transaction open */
	assert_int_equal(dialect_commit(c, &err), MG_EDB);
	assert_non_null(strstr(err.msg, "FOREIGN KEY constraint failed"));
	err_release(&err);
	assert_int_equal(c->txn_depth, 0);
	assert_int_equal(dialect_begin(c, &err), 0);	/* usable again */
	assert_int_equal(dialect_commit(c, &err), 0);
	query_col(c, "SELECT count(*) FROM ch", NULL, "0");
	dialect_disconnect(c);
}

static void
test_dialect_sqlite_memory(void **state)
{
	struct conn	*c = open_url("sqlite://");

	(void)state;
	exec_ok(c, "CREATE TABLE m (x INTEGER); INSERT INTO m VALUES (7)");
	query_col(c, "SELECT x FROM m", NULL, "7");
	dialect_disconnect(c);
}

static void
test_dialect_pg_exec_query_and_errors(void **state)
{
	struct conn	*c = open_url(pg_url());
	struct err	 err = ERR_INIT;

	(void)state;
	assert_string_equal(c->dialect->name, "postgresql");
	assert_true(c->server_version_num >= 150000);
	exec_ok(c, "DROP TABLE IF EXISTS t, probe");
	check_common(c);
	assert_int_equal(c->dialect->exec(c, "SELECT 1/0", &err), MG_EDB);
	assert_string_equal(err.sqlstate, "22012");
	assert_string_equal(err.msg, "division by zero (SQLSTATE 22012)");
	err_release(&err);
	query_col(c, "SELECT $1::int + 1", "41", "42");
	exec_ok(c, "DROP TABLE t, probe");
	dialect_disconnect(c);
}

static void
test_dialect_pg_literal_survives_nonstandard_strings(void **state)
{
	struct conn	*c = open_url(pg_url());
	struct strbuf	 sql = STRBUF_INIT;
	static const char evil[] = "x\\'; SELECT 'pwned";

	(void)state;
	exec_ok(c, "SET standard_conforming_strings = off");
	strbuf_addstr(&sql, "SELECT ");
	c->dialect->quote_literal(&sql, evil);
	query_col(c, sql.buf, NULL, evil);
	exec_ok(c, "SET standard_conforming_strings = on");
	query_col(c, sql.buf, NULL, evil);
	strbuf_release(&sql);
	dialect_disconnect(c);
}

static void
test_dialect_pg_lock_names_holder(void **state)
{
	struct conn	*a = open_url(pg_url());
	struct conn	*b = open_url(pg_url());
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(a->dialect->lock(a, "migrate_version", 1000, &err),
	    0);
	assert_int_equal(b->dialect->lock(b, "migrate_version", 300, &err),
	    MG_ELOCKED);
	assert_non_null(strstr(err.msg, "the migration lock of "
	    "'migrate_version' is held by pid "));
	assert_non_null(strstr(err.msg, "application_name 'migrate'"));
	err_release(&err);
	/* another key is another lock */
	assert_int_equal(b->dialect->lock(b, "other_version", 0, &err), 0);
	assert_int_equal(b->dialect->unlock(b, "other_version", &err), 0);
	assert_int_equal(a->dialect->unlock(a, "migrate_version", &err), 0);
	assert_int_equal(b->dialect->lock(b, "migrate_version", 300, &err),
	    0);
	assert_int_equal(b->dialect->unlock(b, "migrate_version", &err), 0);
	dialect_disconnect(a);
	dialect_disconnect(b);
}

static void
test_dialect_pg_lock_dies_with_the_session(void **state)
{
	struct conn	*a = open_url(pg_url());
	struct conn	*b = open_url(pg_url());
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(a->dialect->lock(a, "migrate_version", 0, &err), 0);
	dialect_disconnect(a);	/* as if the process died */
	assert_int_equal(b->dialect->lock(b, "migrate_version", 2000, &err),
	    0);
	dialect_disconnect(b);
}

static void
test_dialect_pg_bad_password_is_masked(void **state)
{
	struct url	*url = NULL;
	struct conn	*c = NULL;
	struct err	 err = ERR_INIT;
	struct strbuf	 text = STRBUF_INIT;
	const char	*at;

	(void)state;
	at = strrchr(pg_url(), '@');
	strbuf_addf(&text, "postgresql://migrate:Wr0ngSecret%s", at);
	assert_int_equal(url_parse(&url, text.buf, &err), 0);
	assert_int_equal(dialect_connect(&c, url, &err), MG_ECONNECT);
	assert_null(c);
	assert_null(strstr(err.msg, "Wr0ngSecret"));
	assert_null(strchr(err.msg, '\n'));
	assert_non_null(strstr(err.msg, "migrate:***@"));
	assert_non_null(strstr(err.msg, "password authentication failed"));
	err_release(&err);
	url_free(url);
	strbuf_release(&text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dialect_sqlite_exec_query_and_errors),
		cmocka_unit_test(test_dialect_sqlite_syntax_error_line),
		cmocka_unit_test(test_dialect_sqlite_lock_waits_then_fails),
		cmocka_unit_test(test_dialect_sqlite_readonly_and_missing_dir),
		cmocka_unit_test(test_dialect_sqlite_failed_commit_ends_transaction),
		cmocka_unit_test(test_dialect_sqlite_memory),
		cmocka_unit_test(test_dialect_pg_exec_query_and_errors),
		cmocka_unit_test(test_dialect_pg_literal_survives_nonstandard_strings),
		cmocka_unit_test(test_dialect_pg_lock_names_holder),
		cmocka_unit_test(test_dialect_pg_lock_dies_with_the_session),
		cmocka_unit_test(test_dialect_pg_bad_password_is_masked),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
