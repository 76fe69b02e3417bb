/*
 * The dialects against real databases: a SQLite file in a temp folder and
 * the PostgreSQL server that tests/run.sh starts (MIGRATE_TEST_PG_URL).
 */
#define _GNU_SOURCE	/* F_OFD_GETLK */

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "unit.h"
#include "unit-db.h"
#include "dialect.h"

static char	 sqlite_dir[64];

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
	return open_sqlite_in(sqlite_dir, name);
}

static int
setup(void **state)
{
	(void)state;
	return unit_tmpdir_make(sqlite_dir, sizeof sqlite_dir, "test-dialect");
}

static int
teardown(void **state)
{
	(void)state;
	return unit_tmpdir_remove(sqlite_dir);
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

	exec1_ok(c, "CREATE TABLE IF NOT EXISTS probe (x INTEGER)");
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
	exec1_ok(c, "INSERT INTO t VALUES (10, 'outer')");
	assert_int_equal(dialect_begin(c, &err), 0);
	assert_int_equal(c->txn_depth, 2);
	exec1_ok(c, "INSERT INTO t VALUES (11, 'inner')");
	assert_int_equal(dialect_rollback(c, &err), 0);
	assert_int_equal(dialect_begin(c, &err), 0);
	exec1_ok(c, "INSERT INTO t VALUES (12, 'inner2')");
	assert_int_equal(dialect_commit(c, &err), 0);
	assert_int_equal(dialect_commit(c, &err), 0);
	assert_int_equal(c->txn_depth, 0);
	query_col(c, "SELECT id FROM t WHERE id >= 10 ORDER BY id", NULL,
	    "10,12");

	/* a rolled back transaction leaves nothing */
	assert_int_equal(dialect_begin(c, &err), 0);
	exec1_ok(c, "CREATE TABLE gone (x INTEGER)");
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

static unsigned
ms_since(const struct timespec *start)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned)((now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000);
}

static void
test_dialect_sqlite_lock_waits_then_fails(void **state)
{
	struct conn	*a = open_sqlite("lock.db");
	struct conn	*b = open_sqlite("lock.db");
	struct conn	*c;
	struct err	 err = ERR_INIT;
	struct timespec	 start;
	char		 want[320];

	(void)state;
	snprintf(want, sizeof want, "the migration lock of 'migrate_version' "
	    "in '%s/lock.db' is held by another migrate run; waited 0 s "
	    "(lock_wait)", sqlite_dir);
	assert_int_equal(a->dialect->lock(a, "migrate_version", 0, &err), 0);
	assert_true(a->locked);
	assert_int_equal(a->txn_depth, 0);	/* not a transaction */
	assert_int_equal(b->dialect->lock(b, "migrate_version", 0, &err),
	    MG_ELOCKED);
	assert_string_equal(err.msg, want);
	assert_false(b->locked);
	err_release(&err);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(b->dialect->lock(b, "migrate_version", 300, &err),
	    MG_ELOCKED);
	assert_true(ms_since(&start) >= 250);
	assert_non_null(strstr(err.msg, "another migrate run; waited 0.3 s"));
	err_release(&err);
	/* SQLite closing its descriptors of the file (POSIX locks die) */
	c = open_sqlite("lock.db");
	exec1_ok(c, "SELECT count(*) FROM sqlite_master");
	dialect_disconnect(c);
	assert_int_equal(b->dialect->lock(b, "migrate_version", 0, &err),
	    MG_ELOCKED);
	err_release(&err);
	/* another key is another lock */
	assert_int_equal(b->dialect->lock(b, "other_version", 0, &err), 0);
	assert_int_equal(b->dialect->unlock(b, "other_version", &err), 0);
	assert_int_equal(a->dialect->unlock(a, "migrate_version", &err), 0);
	assert_false(a->locked);
	assert_int_equal(b->dialect->lock(b, "migrate_version", 0, &err), 0);
	assert_int_equal(b->dialect->unlock(b, "migrate_version", &err), 0);
	/* and a connection can take it again */
	assert_int_equal(a->dialect->lock(a, "migrate_version", 0, &err), 0);
	assert_int_equal(a->dialect->unlock(a, "migrate_version", &err), 0);
	dialect_disconnect(a);
	dialect_disconnect(b);
}

static void
test_dialect_sqlite_lock_released_by_disconnect(void **state)
{
	struct conn	*a = open_sqlite("disc.db");
	struct conn	*b = open_sqlite("disc.db");
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(a->dialect->lock(a, "migrate_version", 0, &err), 0);
	assert_int_equal(b->dialect->lock(b, "migrate_version", 0, &err),
	    MG_ELOCKED);
	err_release(&err);
	dialect_disconnect(a);	/* without unlock */
	assert_int_equal(b->dialect->lock(b, "migrate_version", 0, &err), 0);
	dialect_disconnect(b);	/* without unlock, too */
}

/* In a child process: connect, lock, say so on fd, then wait to be killed. */
static void
lock_in_child(const char *name, int fd)
{
	struct url	*url = NULL;
	struct conn	*conn = NULL;
	struct err	 err = ERR_INIT;
	char		 text[160];

	alarm(60);	/* never outlive a parent that failed to kill us */
	snprintf(text, sizeof text, "sqlite:///%s/%s", sqlite_dir, name);
	if (url_parse(&url, text, &err) != 0 ||
	    dialect_connect(&conn, url, &err) != 0 ||
	    conn->dialect->lock(conn, "migrate_version", 0, &err) != 0 ||
	    write(fd, "L", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static void
test_dialect_sqlite_lock_dies_with_the_process(void **state)
{
	struct conn	*c;
	struct err	 err = ERR_INIT;
	int		 fds[2], status, held;
	pid_t		 pid;
	char		 ch;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);	/* no buffered output printed twice */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		lock_in_child("fork.db", fds[1]);
	}
	close(fds[1]);
	if (read(fds[0], &ch, 1) != 1) {
		waitpid(pid, &status, 0);
		fail_msg("the child did not take the lock");
	}
	close(fds[0]);
	c = open_sqlite("fork.db");
	held = c->dialect->lock(c, "migrate_version", 0, &err);
	/* kill it before any assertion can leave it behind */
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(held, MG_ELOCKED);
	assert_non_null(strstr(err.msg, "is held by another migrate run"));
	err_release(&err);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* the kernel dropped the lock with the process's descriptors */
	assert_int_equal(c->dialect->lock(c, "migrate_version", 0, &err), 0);
	assert_int_equal(c->dialect->unlock(c, "migrate_version", &err), 0);
	dialect_disconnect(c);
}

static void
test_dialect_sqlite_lock_commits_each_transaction(void **state)
{
	struct conn	*a = open_sqlite("steps.db");
	struct conn	*b = open_sqlite("steps.db");
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(a->dialect->lock(a, "migrate_version", 0, &err), 0);
	/* one revision: a real transaction, seen by others once committed */
	assert_int_equal(dialect_begin(a, &err), 0);
	assert_int_equal(a->txn_depth, 1);
	exec1_ok(a, "CREATE TABLE step (n INTEGER); "
	    "INSERT INTO step VALUES (1)");
	assert_int_equal(dialect_commit(a, &err), 0);
	assert_int_equal(a->txn_depth, 0);
	query_col(b, "SELECT n FROM step", NULL, "1");
	/* the next one */
	assert_int_equal(dialect_begin(a, &err), 0);
	exec1_ok(a, "INSERT INTO step VALUES (2)");
	assert_int_equal(dialect_commit(a, &err), 0);
	query_col(b, "SELECT n FROM step ORDER BY n", NULL, "1,2");
	/* one that fails undoes itself only, and the lock stays */
	assert_int_equal(dialect_begin(a, &err), 0);
	exec1_ok(a, "INSERT INTO step VALUES (3)");
	assert_int_equal(dialect_rollback(a, &err), 0);
	query_col(b, "SELECT n FROM step ORDER BY n", NULL, "1,2");
	assert_true(a->locked);
	assert_int_equal(b->dialect->lock(b, "migrate_version", 0, &err),
	    MG_ELOCKED);
	err_release(&err);
	assert_int_equal(a->dialect->unlock(a, "migrate_version", &err), 0);
	dialect_disconnect(a);
	dialect_disconnect(b);
}

static void
test_dialect_sqlite_lock_outside_transaction(void **state)
{
	struct conn	*c = open_sqlite("pragma.db");
	struct err	 err = ERR_INIT;

	(void)state;
	exec1_ok(c, "PRAGMA foreign_keys = ON");
	assert_int_equal(c->dialect->lock(c, "migrate_version", 0, &err), 0);
	/* a no-op inside a transaction, as under the old BEGIN IMMEDIATE */
	exec1_ok(c, "PRAGMA foreign_keys = OFF");
	query_col(c, "PRAGMA foreign_keys", NULL, "0");
	/* VACUUM refuses to run in a transaction */
	exec1_ok(c, "CREATE TABLE v (x INTEGER); VACUUM");
	assert_int_equal(c->dialect->unlock(c, "migrate_version", &err), 0);
	dialect_disconnect(c);
}

/*
 * Closing a descriptor drops all the process's POSIX locks on the file, so
 * unlock must not close it while another connection holds one of SQLite's.
 */
static void
test_dialect_sqlite_unlock_keeps_sqlite_locks(void **state)
{
	struct conn	*a = open_sqlite("keep.db");
	struct conn	*b = open_sqlite("keep.db");
	struct err	 err = ERR_INIT;
	struct flock	 fl;
	char		 path[160];
	int		 fd;

	(void)state;
	exec1_ok(b, "CREATE TABLE k (x INTEGER)");
	assert_int_equal(dialect_begin(b, &err), 0);
	query_col(b, "SELECT count(*) FROM k", NULL, "0");	/* SHARED */
	assert_int_equal(a->dialect->lock(a, "migrate_version", 0, &err), 0);
	assert_int_equal(a->dialect->unlock(a, "migrate_version", &err), 0);
	snprintf(path, sizeof path, "%s/keep.db", sqlite_dir);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0x40000000 + 2;	/* SQLite's SHARED_FIRST */
	fl.l_len = 510;
	assert_int_equal(fcntl(fd, F_OFD_GETLK, &fl), 0);
	close(fd);	/* drops b's lock in turn, but it has been seen */
	assert_int_equal(fl.l_type, F_RDLCK);
	assert_int_equal(dialect_commit(b, &err), 0);
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
	exec1_ok(c, "PRAGMA foreign_keys = ON");
	exec1_ok(c, "CREATE TABLE p (id INTEGER PRIMARY KEY); "
	    "CREATE TABLE ch (p_id INTEGER REFERENCES p (id) "
	    "DEFERRABLE INITIALLY DEFERRED)");
	assert_int_equal(dialect_begin(c, &err), 0);
	exec1_ok(c, "INSERT INTO ch VALUES (42)");
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
	struct err	 err = ERR_INIT;

	(void)state;
	exec1_ok(c, "CREATE TABLE m (x INTEGER); INSERT INTO m VALUES (7)");
	query_col(c, "SELECT x FROM m", NULL, "7");
	/* no other process can open it: the lock is there for the asking */
	assert_int_equal(c->dialect->lock(c, "migrate_version", 0, &err), 0);
	assert_true(c->locked);
	assert_int_equal(c->txn_depth, 0);
	assert_int_equal(c->dialect->unlock(c, "migrate_version", &err), 0);
	assert_false(c->locked);
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
	exec1_ok(c, "DROP TABLE IF EXISTS t, probe");
	check_common(c);
	assert_int_equal(c->dialect->exec(c, "SELECT 1/0", &err), MG_EDB);
	assert_string_equal(err.sqlstate, "22012");
	assert_string_equal(err.msg, "division by zero (SQLSTATE 22012)");
	err_release(&err);
	query_col(c, "SELECT $1::int + 1", "41", "42");
	exec1_ok(c, "DROP TABLE t, probe");
	dialect_disconnect(c);
}

static void
test_dialect_pg_literal_survives_nonstandard_strings(void **state)
{
	struct conn	*c = open_url(pg_url());
	struct strbuf	 sql = STRBUF_INIT;
	static const char evil[] = "x\\'; SELECT 'pwned";

	(void)state;
	exec1_ok(c, "SET standard_conforming_strings = off");
	strbuf_addstr(&sql, "SELECT ");
	c->dialect->quote_literal(&sql, evil);
	query_col(c, sql.buf, NULL, evil);
	exec1_ok(c, "SET standard_conforming_strings = on");
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
	/* the lock's own session, named after the migration's session */
	assert_non_null(strstr(err.msg, "application_name 'migrate lock of "
	    "pid "));
	assert_non_null(strstr(err.msg, "holding it since "));
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
		cmocka_unit_test(test_dialect_sqlite_lock_released_by_disconnect),
		cmocka_unit_test(test_dialect_sqlite_lock_dies_with_the_process),
		cmocka_unit_test(test_dialect_sqlite_lock_commits_each_transaction),
		cmocka_unit_test(test_dialect_sqlite_lock_outside_transaction),
		cmocka_unit_test(test_dialect_sqlite_unlock_keeps_sqlite_locks),
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
