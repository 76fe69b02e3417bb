/*
 * What the version bookkeeping of a fast upgrade leans on in the dialects:
 * SQLite keeping queries with parameters prepared (by text, reset after
 * each run, finalized at disconnect), and in_transaction on both. Against
 * a SQLite file in a temp folder and the PostgreSQL server of
 * tests/run.sh (MIGRATE_TEST_PG_URL).
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "unit-db.h"
#include "dialect.h"

static char	 sqlite_dir[64];

static struct conn *
open_sqlite(const char *name)
{
	return open_sqlite_in(sqlite_dir, name);
}

static int
setup(void **state)
{
	(void)state;
	return unit_tmpdir_make(sqlite_dir, sizeof sqlite_dir,
	    "test-dialect-cache");
}

static int
teardown(void **state)
{
	(void)state;
	return unit_tmpdir_remove(sqlite_dir);
}

/* The rows of a query with n (up to two) parameters, "a|b,c|d". */
static void
query_is(struct conn *c, const char *sql, size_t n, const char *p1,
    const char *p2, const char *want)
{
	struct rows	*r = NULL;
	struct err	 err = ERR_INIT;
	struct strbuf	 sb = STRBUF_INIT;
	const char	*params[2] = { p1, p2 };
	size_t		 i, j;

	if (c->dialect->query(&r, c, sql, params, n, &err) != 0)
		fail_msg("query %s: %s", sql, err.msg);
	for (i = 0; i < r->nrows; i++) {
		for (j = 0; j < r->ncols; j++) {
			if (j > 0 || i > 0)
				strbuf_addch(&sb, j > 0 ? '|' : ',');
			strbuf_addstr(&sb, rows_get(r, i, j) != NULL ?
			    rows_get(r, i, j) : "NULL");
		}
	}
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
	rows_free(r);
}

/* The same text again with other values, and as many texts as slots. */
static void
test_dialect_cache_same_text_other_values(void **state)
{
	struct conn	*c = open_sqlite("values.db");
	char		 sql[64], p[16], want[32];
	int		 i, round;

	(void)state;
	query_is(c, "SELECT $1 || '-' || $2", 2, "a", "b", "a-b");
	query_is(c, "SELECT $1 || '-' || $2", 2, "c", "d", "c-d");
	/* $2 before $1 in the text: bound by name, not by place */
	query_is(c, "SELECT $2 || $1", 2, "x", "y", "yx");
	query_is(c, "SELECT $2 || $1", 2, "1", "2", "21");
	/* a NULL, then text again in the same slot */
	query_is(c, "SELECT coalesce($1, 'null')", 1, "v", NULL, "v");
	query_is(c, "SELECT coalesce($1, 'null')", 1, NULL, NULL, "null");
	query_is(c, "SELECT coalesce($1, 'null')", 1, "w", NULL, "w");
	/* more texts than the cache keeps, twice over: evicted and back */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 20; i++) {
			snprintf(sql, sizeof sql, "SELECT $1 + %d", i);
			snprintf(p, sizeof p, "%d", round * 100);
			snprintf(want, sizeof want, "%d", round * 100 + i);
			query_is(c, sql, 1, p, NULL, want);
		}
	}
	query_is(c, "SELECT $1 || '-' || $2", 2, "e", "f", "e-f");
	dialect_disconnect(c);
}

/* A statement kept across DROP and CREATE of its table sees the new one. */
static void
test_dialect_cache_schema_change(void **state)
{
	struct conn	*c = open_sqlite("schema.db");

	(void)state;
	exec1_ok(c, "CREATE TABLE t (a TEXT)");
	query_is(c, "INSERT INTO t (a) VALUES ($1)", 1, "one", NULL, "");
	query_is(c, "SELECT * FROM t WHERE a = $1", 1, "one", NULL, "one");
	/* no statement of the cache is running: the DROP is not refused */
	exec1_ok(c, "DROP TABLE t");
	exec1_ok(c, "CREATE TABLE t (a TEXT, b INTEGER DEFAULT 7)");
	query_is(c, "INSERT INTO t (a) VALUES ($1)", 1, "two", NULL, "");
	query_is(c, "SELECT * FROM t WHERE a = $1", 1, "two", NULL, "two|7");
	exec1_ok(c, "DROP TABLE t");
	{
		struct rows	*r = NULL;
		struct err	 err = ERR_INIT;
		const char	*params[1] = { "x" };

		assert_int_equal(c->dialect->query(&r, c,
		    "SELECT * FROM t WHERE a = $1", params, 1, &err), MG_EDB);
		assert_null(r);
		assert_non_null(strstr(err.msg, "no such table"));
		err_release(&err);
	}
	dialect_disconnect(c);
}

/* A failed run of a kept statement leaves it usable, and no lock held. */
static void
test_dialect_cache_error_then_ok(void **state)
{
	struct conn	*c = open_sqlite("error.db"), *other;
	struct rows	*r = NULL;
	struct err	 err = ERR_INIT;
	const char	*params[1] = { "1" };

	(void)state;
	exec1_ok(c, "CREATE TABLE u (id INTEGER PRIMARY KEY)");
	query_is(c, "INSERT INTO u (id) VALUES ($1)", 1, "1", NULL, "");
	assert_int_equal(c->dialect->query(&r, c,
	    "INSERT INTO u (id) VALUES ($1)", params, 1, &err), MG_EDB);
	assert_non_null(strstr(err.msg, "UNIQUE"));
	err_release(&err);
	query_is(c, "INSERT INTO u (id) VALUES ($1)", 1, "2", NULL, "");
	query_is(c, "SELECT id FROM u WHERE id >= $1 ORDER BY id", 1, "0", NULL,
	    "1,2");
	/*
	 * Reset after each run: the kept SELECT holds no read lock, so
	 * another connection can commit a write (it would be busy if it did)
	 */
	other = open_sqlite("error.db");
	exec1_ok(other, "INSERT INTO u VALUES (3)");
	query_is(c, "SELECT id FROM u WHERE id >= $1 ORDER BY id", 1, "2", NULL,
	    "2,3");
	dialect_disconnect(other);
	dialect_disconnect(c);
}

/* A statement whose own failure ends the transaction leaves the depth. */
static void
test_dialect_cache_in_transaction_sqlite(void **state)
{
	struct conn	*c = open_sqlite("txn.db");
	struct err	 err = ERR_INIT;

	(void)state;
	assert_non_null(c->dialect->in_transaction);
	assert_false(c->dialect->in_transaction(c));
	assert_int_equal(dialect_begin(c, &err), 0);
	assert_true(c->dialect->in_transaction(c));
	/* a script's COMMIT: the connection knows, the depth does not */
	exec1_ok(c, "COMMIT");
	assert_false(c->dialect->in_transaction(c));
	assert_int_equal(c->txn_depth, 1);
	c->txn_depth = 0;
	assert_int_equal(dialect_begin(c, &err), 0);
	assert_int_equal(dialect_begin(c, &err), 0);
	assert_true(c->dialect->in_transaction(c));
	assert_int_equal(dialect_rollback(c, &err), 0);
	assert_true(c->dialect->in_transaction(c));
	assert_int_equal(dialect_commit(c, &err), 0);
	assert_false(c->dialect->in_transaction(c));
	dialect_disconnect(c);
}

static void
test_dialect_cache_in_transaction_pg(void **state)
{
	const char	*url = getenv("MIGRATE_TEST_PG_URL");
	struct conn	*c;
	struct err	 err = ERR_INIT;

	(void)state;
	if (url == NULL)
		fail_msg("MIGRATE_TEST_PG_URL is not set: run through "
		    "tests/run.sh, which starts PostgreSQL");
	c = open_url(url);
	assert_non_null(c->dialect->in_transaction);
	assert_true(c->dialect->remote);
	assert_false(c->dialect->in_transaction(c));
	assert_int_equal(dialect_begin(c, &err), 0);
	assert_true(c->dialect->in_transaction(c));
	/* failed: still in it (aborted) until the ROLLBACK */
	assert_int_not_equal(c->dialect->exec(c, "SELECT * FROM nosuch",
	    &err), 0);
	err_release(&err);
	assert_true(c->dialect->in_transaction(c));
	assert_int_equal(dialect_rollback(c, &err), 0);
	assert_false(c->dialect->in_transaction(c));
	assert_int_equal(dialect_begin(c, &err), 0);
	exec1_ok(c, "COMMIT AND CHAIN");
	assert_true(c->dialect->in_transaction(c));
	exec1_ok(c, "COMMIT");
	assert_false(c->dialect->in_transaction(c));
	c->txn_depth = 0;
	dialect_disconnect(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dialect_cache_same_text_other_values),
		cmocka_unit_test(test_dialect_cache_schema_change),
		cmocka_unit_test(test_dialect_cache_error_then_ok),
		cmocka_unit_test(test_dialect_cache_in_transaction_sqlite),
		cmocka_unit_test(test_dialect_cache_in_transaction_pg),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
