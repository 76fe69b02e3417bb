/*
 * The version and history tables, and running a plan's steps against a
 * database (or printing them as SQL for offline mode): each step in its
 * own transaction with its version update and history row, or all of
 * them in one.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "version.h"
#include "util/sha256.h"

#define VERSION_SQLSTATE_LOCK_TIMEOUT	"55P03"

#ifdef MIGRATE_FAULT_HOOKS
#include <signal.h>

/*
 * Fault points, in test builds only (CFLAGS=-DMIGRATE_FAULT_HOOKS, see
 * tests/e2e/t0071-faults.sh): numbered from 1 in the order a run reaches
 * them, after each statement that succeeded (the version and history
 * tables' creation, each statement of a script, a step's version rows,
 * its history row) and after each commit. On PostgreSQL the version
 * rows and history rows are written in one round trip (a step's, or in
 * one transaction all the steps'): their points come after it. In the
 * one transaction of transaction_per_migration = false the steps' rows
 * are written after the last step, and a step commits nothing and has no
 * commit point (with lock_retries its savepoint's release is one).
 * MIGRATE_FAULT_KILL_AT=N: the process sends itself SIGKILL at point N;
 * MIGRATE_FAULT_STOP_AT=N: SIGSTOP (the test goes on with SIGCONT);
 * MIGRATE_FAULT_TRACE set: each point is printed to stderr as it is
 * reached.
 */
static void
version_fault(const char *what, const char *rev, size_t k, size_t n)
{
	static long	 count;
	const char	*s;

	count++;
	if (getenv("MIGRATE_FAULT_TRACE") != NULL)
		fprintf(stderr, "fault point %ld: %s %s %zu/%zu\n", count, what,
		    rev != NULL ? rev : "-", k, n);
	if ((s = getenv("MIGRATE_FAULT_KILL_AT")) != NULL &&
	    strtol(s, NULL, 10) == count)
		raise(SIGKILL);
	if ((s = getenv("MIGRATE_FAULT_STOP_AT")) != NULL &&
	    strtol(s, NULL, 10) == count)
		raise(SIGSTOP);
}
#define VERSION_FAULT(what, rev, k, n)	version_fault(what, rev, k, n)
#else
#define VERSION_FAULT(what, rev, k, n)	((void)0)
#endif

static void
version_qualify(struct strbuf *out, const struct dialect *d,
    const char *schema, const char *name)
{
	if (schema != NULL && *schema != '\0') {
		d->quote_ident(out, schema);
		strbuf_addch(out, '.');
	}
	d->quote_ident(out, name);
}

static int
version_get_ms(long *out, const struct config *cfg, const char *key,
    long scale, struct err *err)
{
	*out = -1;
	if (config_get(cfg, key) == NULL || *config_get(cfg, key) == '\0')
		return 0;
	if (config_get_int(out, cfg, key, 0, 86400000L, err) != 0)
		return err->code;
	*out *= scale;
	return 0;
}

int
version_init(struct version *v, const struct config *cfg,
    const struct dialect *d, struct conn *conn, struct err *err)
{
	const char	*schema = config_get(cfg, "version_table_schema");
	long		 n;
	int		 rc;

	memset(v, 0, sizeof *v);
	strbuf_init(&v->vt, 0);
	strbuf_init(&v->ht, 0);
	strbuf_init(&v->history_sql, 0);
	strbuf_init(&v->update_sql, 0);
	v->dialect = d;
	v->conn = conn;
	v->schema = schema != NULL && *schema != '\0' ? schema : NULL;
	v->table = config_get(cfg, "version_table");
	v->history = config_get(cfg, "history_table");
	if (v->table == NULL || *v->table == '\0' || v->history == NULL ||
	    *v->history == '\0')
		return err_set(err, MG_ECONFIG, "version_table and "
		    "history_table must not be empty");
	version_qualify(&v->vt, d, v->schema, v->table);
	version_qualify(&v->ht, d, v->schema, v->history);
	if ((rc = config_get_bool(&v->per_migration, cfg,
	    "transaction_per_migration", err)) != 0 ||
	    (rc = version_get_ms(&v->lock_timeout, cfg, "lock_timeout", 1,
	    err)) != 0 ||
	    (rc = version_get_ms(&v->statement_timeout, cfg,
	    "statement_timeout", 1, err)) != 0 ||
	    (rc = config_get_int(&n, cfg, "lock_retries", 0, 100, err)) != 0)
		return rc;
	v->lock_retries = (int)n;
	if ((rc = config_get_int(&n, cfg, "lock_wait", 0, 86400, err)) != 0)
		return rc;
	v->lock_wait_ms = (unsigned)n * 1000u;
	return 0;
}

void
version_release(struct version *v)
{
	strbuf_release(&v->vt);
	strbuf_release(&v->ht);
	strbuf_release(&v->history_sql);
	strbuf_release(&v->update_sql);
}

/* The key of the migration lock: one per version table. */
static void
version_lock_key(struct strbuf *out, const struct version *v)
{
	if (v->schema != NULL)
		strbuf_addf(out, "%s.", v->schema);
	strbuf_addstr(out, v->table);
}

int
version_lock(struct version *v, struct err *err)
{
	struct strbuf	 key = STRBUF_INIT;
	int		 rc;

	version_lock_key(&key, v);
	rc = v->dialect->lock(v->conn, key.buf, v->lock_wait_ms, err);
	strbuf_release(&key);
	return rc;
}

int
version_unlock(struct version *v, struct err *err)
{
	struct strbuf	 key = STRBUF_INIT;
	int		 rc = 0;

	if (v->conn != NULL && v->conn->locked) {
		version_lock_key(&key, v);
		rc = v->dialect->unlock(v->conn, key.buf, err);
	}
	strbuf_release(&key);
	return rc;
}

int
version_done(struct version *v, int rc, struct err *err)
{
	struct err	 uerr = ERR_INIT;

	/* an error of the run is what the user needs to see */
	if (v->conn != NULL && version_unlock(v, rc == 0 ? err : &uerr) != 0 &&
	    rc == 0)
		rc = err->code;
	err_release(&uerr);
	if (v->dialect != NULL)
		version_release(v);
	return rc;
}

static void
version_create_sql(struct strbuf *out, const struct version *v)
{
	struct strbuf	 pk = STRBUF_INIT;

	strbuf_addf(&pk, "%s_pkc", v->table);
	strbuf_addf(out, "CREATE TABLE IF NOT EXISTS %s (\n"
	    "    version_num VARCHAR(32) NOT NULL,\n    CONSTRAINT ",
	    v->vt.buf);
	v->dialect->quote_ident(out, pk.buf);
	strbuf_addstr(out, " PRIMARY KEY (version_num)\n)");
	strbuf_release(&pk);
}

static void
version_create_history_sql(struct strbuf *out, const struct version *v)
{
	strbuf_addf(out, "CREATE TABLE IF NOT EXISTS %s (\n"
	    "    id INTEGER NOT NULL PRIMARY KEY,\n"
	    "    revision VARCHAR(32) NOT NULL,\n"
	    "    direction VARCHAR(9) NOT NULL,\n"
	    "    status VARCHAR(8) NOT NULL,\n"
	    "    checksum CHAR(64),\n"
	    "    statements INTEGER NOT NULL,\n"
	    "    done_checksum CHAR(64),\n"
	    "    started_at VARCHAR(32) NOT NULL,\n"
	    "    finished_at VARCHAR(32) NOT NULL,\n"
	    "    duration_ms INTEGER NOT NULL,\n"
	    "    tool_version VARCHAR(16) NOT NULL\n)", v->ht.buf);
}

static int
version_set_timeouts(struct version *v, struct err *err)
{
	if (v->lock_timeout < 0 && v->statement_timeout < 0)
		return 0;
	return v->dialect->set_timeouts(v->conn, v->lock_timeout,
	    v->statement_timeout, err);
}

static void
version_sleep_ms(long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * Begin a transaction (what as the retry messages name it). SQLite's
 * BEGIN IMMEDIATE waits lock_timeout for another connection's write
 * lock: what still finds it busy is retried lock_retries times, as a
 * step is.
 */
static int
version_begin(struct version *v, const char *what, struct err *err)
{
	int	 rc, attempt;

	for (attempt = 0;; attempt++) {
		if ((rc = dialect_begin(v->conn, err)) == 0 ||
		    attempt >= v->lock_retries ||
		    strcmp(err->sqlstate, VERSION_SQLSTATE_LOCK_TIMEOUT) != 0)
			return rc;
		if (!v->quiet)
			fprintf(v->log, "%s: lock_timeout, retry %d of %d\n",
			    what, attempt + 1, v->lock_retries);
		err_release(err);
		version_sleep_ms(200L << (attempt < 5 ? attempt : 5));
	}
}

int
version_ensure(struct version *v, struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT;
	int		 rc, vt = 0, ht = 0;

	/*
	 * The timeouts hold for the rest of the session, set before any
	 * BEGIN (SQLite's BEGIN IMMEDIATE already waits for the write lock):
	 * the tables' creation, every step's statements and its version
	 * bookkeeping run under them.
	 */
	if ((rc = version_set_timeouts(v, err)) != 0 ||
	    (rc = v->dialect->table_exists(&vt, v->conn, v->schema, v->table,
	    err)) != 0 ||
	    (rc = v->dialect->table_exists(&ht, v->conn, v->schema,
	    v->history, err)) != 0)
		goto done;
	/* no write when there is nothing to create: it would wait for locks */
	if (vt && ht)
		goto done;
	if ((rc = version_begin(v, v->table, err)) != 0)
		goto done;
	version_create_sql(&sql, v);
	if ((rc = v->dialect->exec(v->conn, sql.buf, err)) != 0)
		goto done;
	VERSION_FAULT("create-version-table", NULL, 1, 2);
	strbuf_reset(&sql);
	version_create_history_sql(&sql, v);
	if ((rc = v->dialect->exec(v->conn, sql.buf, err)) != 0)
		goto done;
	VERSION_FAULT("create-history-table", NULL, 2, 2);
	if ((rc = dialect_commit(v->conn, err)) == 0)
		VERSION_FAULT("commit-tables", NULL, 0, 0);
done:
	if (rc != 0 && v->conn->txn_depth > 0) {
		struct err	 rerr = ERR_INIT;

		dialect_rollback(v->conn, &rerr);
		err_release(&rerr);
	}
	strbuf_release(&sql);
	return rc;
}

int
version_rows(struct revset *out, struct version *v, const struct graph *g,
    struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT;
	struct rows	*rows = NULL;
	struct rev	*r;
	size_t		 i;
	int		 rc, exists = 0;

	memset(out, 0, sizeof *out);
	if ((rc = v->dialect->table_exists(&exists, v->conn, v->schema,
	    v->table, err)) != 0 || !exists)
		goto done;
	strbuf_addf(&sql, "SELECT version_num FROM %s ORDER BY version_num",
	    v->vt.buf);
	if ((rc = v->dialect->query(&rows, v->conn, sql.buf, NULL, 0,
	    err)) != 0)
		goto done;
	for (i = 0; i < rows->nrows; i++) {
		const char	*id = rows_get(rows, i, 0);

		if (id == NULL || (r = graph_get(g, id)) == NULL) {
			rc = err_set(err, MG_ENOTFOUND, "the database is at "
			    "revision '%s' (in %s), which no script defines: "
			    "Can't locate revision identified by '%s'",
			    id != NULL ? id : "NULL", v->table,
			    id != NULL ? id : "NULL");
			goto done;
		}
		revset_add(out, r);
	}
done:
	if (rc != 0)
		revset_release(out);
	rows_free(rows);
	strbuf_release(&sql);
	return rc;
}

/* Now as UTC ISO-8601 with microseconds. */
static void
version_now(char out[64], struct timespec *mono)
{
	struct timespec	 ts;
	struct tm	 tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (mono != NULL)
		clock_gettime(CLOCK_MONOTONIC, mono);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000);
}

static double
version_ms_since(const struct timespec *a)
{
	struct timespec	 b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

/* The SQL that moves the version rows from step->from to step->to. */
static void
version_update_sql(struct strbuf *out, const struct version *v,
    const struct revset *from, const struct revset *to)
{
	size_t	 i, j = 0;

	if (from->n > 0 && to->n > 0) {
		strbuf_addf(out, "UPDATE %s SET version_num = '%s' WHERE "
		    "version_num = '%s';\n", v->vt.buf, to->v[0]->id,
		    from->v[0]->id);
		j = 1;
	}
	for (i = j; i < from->n; i++)
		strbuf_addf(out, "DELETE FROM %s WHERE version_num = '%s';\n",
		    v->vt.buf, from->v[i]->id);
	for (i = j; i < to->n; i++)
		strbuf_addf(out, "INSERT INTO %s (version_num) VALUES "
		    "('%s');\n", v->vt.buf, to->v[i]->id);
}

/* Run SQL holding several ';'-ended statements, one at a time. */
static int
version_exec_many(struct version *v, const char *sql, struct err *err)
{
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	size_t			 i;
	int			 rc;

	if ((rc = sqlsplit_parse(&stmts, sql, strlen(sql),
	    v->dialect->flavor, err)) != 0)
		BUG("generated SQL does not split: %s", sql);
	for (i = 0; i < stmts.n && rc == 0; i++)
		rc = v->dialect->exec(v->conn, stmts.v[i].sql, err);
	sqlsplit_release(&stmts);
	return rc;
}

struct version_hist {
	const char	*rev;
	const char	*direction;	/* upgrade, downgrade, stamp */
	const char	*status;	/* ok, partial */
	const char	*checksum;	/* NULL for stamp */
	const char	*done_checksum;	/* partial: of the statements run */
	size_t		 statements;
	char		 started[64];
	char		 finished[64];
	long		 duration_ms;
};

/*
 * A step's version rows and history row, kept to be written after the
 * run's last step when the run is one transaction (see version_run).
 */
struct version_later {
	const struct step	*step;
	struct version_hist	 hist;
	char			 checksum[65];
};

/* Run a query whose rows are not wanted. */
static int
version_query(struct version *v, const char *sql, const char *const *params,
    size_t nparams, struct err *err)
{
	struct rows	*rows = NULL;
	int		 rc;

	rc = v->dialect->query(&rows, v->conn, sql, params, nparams, err);
	rows_free(rows);
	return rc;
}

/*
 * The history row's columns, and its id: one more than the last. A
 * VALUES row rather than INSERT ... SELECT FROM the same table, which
 * SQLite runs through a temporary table (and PostgreSQL types the
 * parameters of VALUES by their columns).
 */
#define VERSION_HISTORY_INSERT	"(id, revision, direction, status, " \
	"checksum, statements, done_checksum, started_at, finished_at, " \
	"duration_ms, tool_version) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 " \
	"FROM "

static int
version_history_insert(struct version *v, const struct version_hist *h,
    struct err *err)
{
	char		 nstmt[24], dur[24];
	const char	*params[10];

	snprintf(nstmt, sizeof nstmt, "%zu", h->statements);
	snprintf(dur, sizeof dur, "%ld", h->duration_ms);
	params[0] = h->rev;
	params[1] = h->direction;
	params[2] = h->status;
	params[3] = h->checksum;
	params[4] = nstmt;
	params[5] = h->done_checksum;
	params[6] = h->started;
	params[7] = h->finished;
	params[8] = dur;
	params[9] = MIGRATE_VERSION;
	if (v->history_sql.len == 0)
		strbuf_addf(&v->history_sql, "INSERT INTO %s "
		    VERSION_HISTORY_INSERT "%s), $1, $2, $3, $4, $5, $6, $7, "
		    "$8, $9, $10)", v->ht.buf, v->ht.buf);
	return version_query(v, v->history_sql.buf, params, 10, err);
}

static void
version_history_sql(struct strbuf *out, const struct version *v,
    const struct version_hist *h)
{
	strbuf_addf(out, "INSERT INTO %s (id, revision, direction, status, "
	    "checksum, statements, done_checksum, started_at, finished_at, "
	    "duration_ms, tool_version) SELECT COALESCE(MAX(id), 0) + 1, "
	    "'%s', '%s', 'ok', ", v->ht.buf, h->rev, h->direction);
	if (h->checksum != NULL)
		strbuf_addf(out, "'%s', ", h->checksum);
	else
		strbuf_addstr(out, "NULL, ");
	strbuf_addf(out, "%zu, NULL, CAST(CURRENT_TIMESTAMP AS VARCHAR(32)), "
	    "CAST(CURRENT_TIMESTAMP AS VARCHAR(32)), 0, '%s' FROM %s;\n",
	    h->statements, MIGRATE_VERSION, v->ht.buf);
}

/*
 * The version rows from one set to the other, as version_update_sql
 * writes them, but as queries with parameters: the same few texts at
 * every step, which the dialect keeps prepared.
 */
static int
version_update_rows(struct version *v, const struct revset *from,
    const struct revset *to, struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT;
	const char	*params[2];
	size_t		 i, j = 0;
	int		 rc = 0;

	if (from->n > 0 && to->n > 0) {
		if (v->update_sql.len == 0)
			strbuf_addf(&v->update_sql, "UPDATE %s SET version_num "
			    "= $1 WHERE version_num = $2", v->vt.buf);
		params[0] = to->v[0]->id;
		params[1] = from->v[0]->id;
		rc = version_query(v, v->update_sql.buf, params, 2, err);
		j = 1;
	}
	if (rc == 0 && j < from->n) {
		strbuf_reset(&sql);
		strbuf_addf(&sql, "DELETE FROM %s WHERE version_num = $1",
		    v->vt.buf);
	}
	for (i = j; i < from->n && rc == 0; i++) {
		params[0] = from->v[i]->id;
		rc = version_query(v, sql.buf, params, 1, err);
	}
	if (rc == 0 && j < to->n) {
		strbuf_reset(&sql);
		strbuf_addf(&sql, "INSERT INTO %s (version_num) VALUES ($1)",
		    v->vt.buf);
	}
	for (i = j; i < to->n && rc == 0; i++) {
		params[0] = to->v[i]->id;
		rc = version_query(v, sql.buf, params, 1, err);
	}
	strbuf_release(&sql);
	return rc;
}

static void
version_literal(struct strbuf *out, const struct version *v,
    const char *text)
{
	if (text == NULL)
		strbuf_addstr(out, "NULL");
	else
		v->dialect->quote_literal(out, text);
}

/*
 * The history rows of n steps as one INSERT with literals, their ids
 * following the last in the order of l.
 */
static void
version_history_rows_sql(struct strbuf *out, const struct version *v,
    const struct version_later *l, size_t n)
{
	const struct version_hist	*h;
	size_t				 i;

	strbuf_addf(out, "INSERT INTO %s (id, revision, direction, status, "
	    "checksum, statements, done_checksum, started_at, finished_at, "
	    "duration_ms, tool_version) SELECT m.id + r.k, r.revision, "
	    "r.direction, r.status, r.checksum, r.statements, "
	    "r.done_checksum, r.started_at, r.finished_at, r.duration_ms, "
	    "r.tool_version FROM (VALUES ", v->ht.buf);
	for (i = 0; i < n; i++) {
		h = &l[i].hist;
		strbuf_addf(out, "%s(%zu, ", i > 0 ? ",\n    " : "", i + 1);
		version_literal(out, v, h->rev);
		strbuf_addstr(out, ", ");
		version_literal(out, v, h->direction);
		strbuf_addstr(out, ", ");
		version_literal(out, v, h->status);
		strbuf_addstr(out, ", ");
		version_literal(out, v, h->checksum);
		strbuf_addf(out, ", %zu, ", h->statements);
		version_literal(out, v, h->done_checksum);
		strbuf_addstr(out, ", ");
		version_literal(out, v, h->started);
		strbuf_addstr(out, ", ");
		version_literal(out, v, h->finished);
		strbuf_addf(out, ", %ld, ", h->duration_ms);
		version_literal(out, v, MIGRATE_VERSION);
		strbuf_addch(out, ')');
	}
	strbuf_addf(out, ") AS r (k, revision, direction, status, checksum, "
	    "statements, done_checksum, started_at, finished_at, "
	    "duration_ms, tool_version) CROSS JOIN (SELECT COALESCE(MAX(id), "
	    "0) AS id FROM %s) AS m;\n", v->ht.buf);
}

static void
version_revset_remove(struct revset *s, const struct rev *r)
{
	size_t	 i;

	for (i = 0; i < s->n; i++) {
		if (s->v[i] == r) {
			memmove(s->v + i, s->v + i + 1,
			    (s->n - i - 1) * sizeof *s->v);
			s->n--;
			return;
		}
	}
}

/*
 * What n steps do to the version rows, all told: the rows they remove
 * that were there before them (out_from), and those they add that are
 * still there after them (out_to).
 */
static void
version_net_rows(struct revset *out_from, struct revset *out_to,
    const struct version_later *l, size_t n)
{
	const struct step	*s;
	size_t			 i, j;

	for (i = 0; i < n; i++) {
		s = l[i].step;
		for (j = 0; j < s->from.n; j++) {
			if (revset_has(out_to, s->from.v[j]))
				version_revset_remove(out_to, s->from.v[j]);
			else
				revset_add(out_from, s->from.v[j]);
		}
		for (j = 0; j < s->to.n; j++) {
			if (revset_has(out_from, s->to.v[j]))
				version_revset_remove(out_from, s->to.v[j]);
			else
				revset_add(out_to, s->to.v[j]);
		}
	}
}

/* Checksum of the first n statements, as resume compares them. */
static void
version_done_checksum(char out[65], const struct sql_stmts *stmts, size_t n)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	for (i = 0; i < n; i++)
		strbuf_addf(&sb, "%s\n;\n", stmts->v[i].sql);
	sha256_hex_text(out, sb.buf, sb.len);
	strbuf_release(&sb);
}

/*
 * Where a non-transactional step that failed part-way last time left
 * off: the number of its statements already run, when the newest history
 * row of this revision and direction says so and those statements are
 * unchanged; an error when they changed.
 */
static int
version_resume_point(size_t *out, struct version *v, const struct step *s,
    const struct sql_stmts *stmts, struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT;
	struct rows	*rows = NULL;
	const char	*params[2];
	char		 sum[65];
	long		 k;
	int		 rc;

	*out = 0;
	params[0] = s->rev->id;
	strbuf_addf(&sql, "SELECT status, statements, done_checksum, "
	    "direction FROM %s WHERE revision = $1 ORDER BY id DESC LIMIT 1",
	    v->ht.buf);
	if ((rc = v->dialect->query(&rows, v->conn, sql.buf, params, 1,
	    err)) != 0)
		goto done;
	if (rows->nrows == 0 || strcmp(rows_get(rows, 0, 0), "partial") != 0
	    || strcmp(rows_get(rows, 0, 3), s->upgrade ? "upgrade" :
	    "downgrade") != 0)
		goto done;
	k = strtol(rows_get(rows, 0, 1), NULL, 10);
	if (k > 0 && (size_t)k <= stmts->n)
		version_done_checksum(sum, stmts, (size_t)k);
	if (k <= 0 || (size_t)k > stmts->n || rows_get(rows, 0, 2) == NULL ||
	    strcmp(sum, rows_get(rows, 0, 2)) != 0) {
		rc = err_set(err, MG_ERROR, "revision %s failed part-way on "
		    "its last run, after %ld statement%s, and those "
		    "statements have changed since: restore them so the "
		    "run can resume, or finish the change by hand and run "
		    "'migrate stamp'", s->rev->id, k, k == 1 ? "" : "s");
		err_set_path(err, s->rev->script->path, 0);
		goto done;
	}
	*out = (size_t)k;
done:
	rows_free(rows);
	strbuf_release(&sql);
	return rc;
}

static void
version_rollback(struct version *v, int depth)
{
	struct err	 rerr = ERR_INIT;

	while (v->conn->txn_depth > depth) {
		if (dialect_rollback(v->conn, &rerr) != 0)
			break;
	}
	err_release(&rerr);
}

/*
 * This run of a step outside a transaction has run n of its statements:
 * its one "partial" history row says so (made when there is none yet).
 */
static int
version_progress(struct version *v, const struct version_hist *run,
    const struct sql_stmts *stmts, size_t n, struct err *err)
{
	struct version_hist	 h = *run;
	struct strbuf		 sql = STRBUF_INIT;
	struct rows		*rows = NULL;
	char			 done_sum[65], nstmt[24];
	const char		*params[6];
	int			 rc;

	version_done_checksum(done_sum, stmts, n);
	h.status = "partial";
	h.done_checksum = done_sum;
	h.statements = n;
	version_now(h.finished, NULL);
	snprintf(nstmt, sizeof nstmt, "%zu", n);
	params[0] = nstmt;
	params[1] = done_sum;
	params[2] = h.finished;
	params[3] = h.rev;
	params[4] = h.direction;
	params[5] = h.started;
	strbuf_addf(&sql, "UPDATE %s SET statements = CAST($1 AS INTEGER), "
	    "done_checksum = $2, finished_at = $3 WHERE revision = $4 AND "
	    "direction = $5 AND status = 'partial' AND started_at = $6 "
	    "RETURNING id", v->ht.buf);
	rc = v->dialect->query(&rows, v->conn, sql.buf, params, 6, err);
	if (rc == 0 && rows->nrows == 0)
		rc = version_history_insert(v, &h, err);
	rows_free(rows);
	strbuf_release(&sql);
	return rc;
}

/*
 * The step's statements, from skip on; *nrun counts those that ran.
 * Outside a transaction (progress not NULL), each statement that ran is
 * recorded at once as a "partial" history row of this run, so that a
 * run killed or cut off after it resumes after it, not before: only the
 * instant between a statement's end and its record is left, which no
 * statement that cannot run in a transaction can close.
 */
static int
version_exec_step(struct version *v, const struct step *s,
    const struct sql_stmts *stmts, size_t skip, size_t *nrun,
    struct version_hist *progress, int begin, struct err *err)
{
	const struct script_part	*part = s->upgrade ? &s->rev->script->up :
	    &s->rev->script->down_part;
	struct strbuf			 sql = STRBUF_INIT;
	size_t				 i;
	int				 rc;

	*nrun = skip;
	for (i = skip; i < stmts->n; i++) {
		/*
		 * begin: the transaction's BEGIN sent with the first
		 * statement, one round trip less (on one line with it: the
		 * lines of an error's position stay the statement's)
		 */
		if (begin && i == skip) {
			strbuf_addf(&sql, "%s;%s", v->dialect->begin_sql,
			    stmts->v[i].sql);
			rc = v->dialect->exec(v->conn, sql.buf, err);
			strbuf_release(&sql);
			/*
			 * done, BEGIN ran (a script's own COMMIT first may
			 * have ended it: then as with a BEGIN of its own);
			 * failed, the transaction may be left to roll back
			 */
			if (rc == 0 || v->dialect->in_transaction(v->conn))
				v->conn->txn_depth++;
		} else
			rc = v->dialect->exec(v->conn, stmts->v[i].sql, err);
		if (rc != 0) {
			err->line = part->line + stmts->v[i].line - 1 +
			    (err->line > 0 ? err->line - 1 : 0);
			err_set_path(err, s->rev->script->path, 0);
			return rc;
		}
		(*nrun)++;
		if (progress != NULL && (rc = version_progress(v, progress,
		    stmts, *nrun, err)) != 0)
			return rc;
		VERSION_FAULT("statement", s->rev->id, i + 1, stmts->n);
	}
	return 0;
}

/* The progress rows of this run of a step, once it is done. */
static int
version_progress_drop(struct version *v, const struct version_hist *h,
    struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT;
	struct rows	*rows = NULL;
	const char	*params[3] = { h->rev, h->direction, h->started };
	int		 rc;

	strbuf_addf(&sql, "DELETE FROM %s WHERE revision = $1 AND direction "
	    "= $2 AND status = 'partial' AND started_at = $3", v->ht.buf);
	rc = v->dialect->query(&rows, v->conn, sql.buf, params, 3, err);
	rows_free(rows);
	strbuf_release(&sql);
	return rc;
}

static void
version_step_label(struct strbuf *out, const struct step *s)
{
	const struct rev	*r = s->rev;
	size_t			 i;

	strbuf_addf(out, "Running %s ", s->upgrade ? "upgrade" : "downgrade");
	if (s->upgrade) {
		for (i = 0; i < r->nparents; i++)
			strbuf_addf(out, "%s%s", i ? ", " : "",
			    r->parents[i]->id);
		strbuf_addf(out, " -> %s", r->id);
	} else {
		strbuf_addf(out, "%s -> ", r->id);
		for (i = 0; i < r->nparents; i++)
			strbuf_addf(out, "%s%s", i ? ", " : "",
			    r->parents[i]->id);
	}
	strbuf_addf(out, ", %s", r->script->message);
}

static int
version_rows_has(const struct rows *r, const char *id)
{
	size_t	 i;

	for (i = 0; i < r->nrows; i++) {
		if (rows_get(r, i, 0) != NULL &&
		    strcmp(rows_get(r, i, 0), id) == 0)
			return 1;
	}
	return 0;
}

/*
 * A statement outside a transaction failed: add to the message the
 * indexes it left invalid (those not in before), to be dropped by hand.
 * Returns how many.
 */
static size_t
version_note_invalid(struct version *v, struct err *err,
    const struct rows *before)
{
	struct rows	*now = NULL;
	struct err	 qerr = ERR_INIT;
	size_t		 i, n = 0;

	if (v->dialect->invalid_indexes == NULL ||
	    v->dialect->invalid_indexes(&now, v->conn, &qerr) != 0)
		goto done;
	for (i = 0; i < now->nrows; i++) {
		const char	*name = rows_get(now, i, 0);

		if (before != NULL && version_rows_has(before, name))
			continue;
		err_append(err, "%s%s", n++ ? ", " : "; invalid index left "
		    "behind: ", name);
	}
	if (n > 0)
		err_append(err, " (DROP INDEX CONCURRENTLY it before "
		    "retrying)");
done:
	rows_free(now);
	err_release(&qerr);
	return n;
}

/*
 * Whether a step's part says it must run with foreign key enforcement off
 * (a SQLite table rebuild: with it on, dropping the old table would
 * cascade into the rows that point at it).
 */
#define VERSION_FK_OFF	"-- migrate:foreign-keys-off"

static int
version_fk_off(const struct version *v, const struct step *s)
{
	const struct script		*sc = s->rev->script;
	const struct script_part	*part = s->upgrade ? &sc->up :
	    &sc->down_part;

	const char			*p = sc->text + part->off;
	const char			*end = p + part->len;
	size_t				 n = strlen(VERSION_FK_OFF);

	if (v->dialect->foreign_keys == NULL)
		return 0;
	for (; p + n <= end; p++) {
		if (*p == '-' && strncmp(p, VERSION_FK_OFF, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * Offline, what the runner checks online after a step with foreign keys
 * off: a row that points at nothing makes the step fail (the CHECK
 * below) before it commits, instead of a line printed by
 * PRAGMA foreign_key_check that nobody reads.
 */
static void
version_fk_guard_sql(struct strbuf *sb)
{
	strbuf_addstr(sb, "CREATE TEMP TABLE migrate_fk_check (rows_broken "
	    "INTEGER CONSTRAINT \"a row points at nothing: see PRAGMA "
	    "foreign_key_check\" CHECK (rows_broken = 0));\n"
	    "INSERT INTO migrate_fk_check SELECT count(*) FROM "
	    "pragma_foreign_key_check;\n"
	    "DROP TABLE migrate_fk_check;\n\n");
}

/*
 * The version rows and history rows of n steps done (in one transaction
 * with them, or after them in the run's one transaction), and with
 * commit the end of that transaction. In-process, step by step, as
 * queries with parameters that the dialect keeps prepared from one step
 * to the next (while no DDL runs in between: see version_run). On a
 * server, in one round trip with the COMMIT: what the steps do to the
 * version rows all told and one INSERT of the history rows, as literal
 * SQL; each step's fault points come after it.
 */
static int
version_write_rows(struct version *v, const struct version_later *l,
    size_t n, int commit, struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT;
	struct revset	 from = REVSET_INIT, to = REVSET_INIT;
	size_t		 i;
	int		 rc = 0, one = 0;

	if (v->dialect->remote && n > 0) {
		version_net_rows(&from, &to, l, n);
		version_update_sql(&sql, v, &from, &to);
		version_history_rows_sql(&sql, v, l, n);
		/*
		 * the outermost transaction's end, in the same round trip;
		 * the rows' fault points then come before it, inside the
		 * transaction, as they do in-process
		 */
		if ((one = commit && v->conn->txn_depth == 1))
			strbuf_addstr(&sql, ";\nCOMMIT");
		for (i = 0; i < n && one; i++) {
			VERSION_FAULT("version-rows", l[i].step->rev->id, 0, 0);
			VERSION_FAULT("history-row", l[i].step->rev->id, 0, 0);
		}
		rc = v->dialect->exec(v->conn, sql.buf, err);
		/* a failed COMMIT ends it too (as in dialect_commit) */
		if (one && (rc == 0 || v->dialect->in_transaction == NULL ||
		    !v->dialect->in_transaction(v->conn)))
			v->conn->txn_depth = 0;
	}
	for (i = 0; i < n && rc == 0 && !one; i++) {
		if (!v->dialect->remote && (rc = version_update_rows(v,
		    &l[i].step->from, &l[i].step->to, err)) != 0)
			break;
		VERSION_FAULT("version-rows", l[i].step->rev->id, 0, 0);
		if (!v->dialect->remote &&
		    (rc = version_history_insert(v, &l[i].hist, err)) != 0)
			break;
		VERSION_FAULT("history-row", l[i].step->rev->id, 0, 0);
	}
	if (rc == 0 && commit && !one)
		rc = dialect_commit(v->conn, err);
	revset_release(&from);
	revset_release(&to);
	strbuf_release(&sql);
	return rc;
}

/* Past blanks and comments. */
static const char *
version_skip_blank(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f' || *p == '\v')
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			p += 2;
			while (*p != '\0' && !(p[0] == '*' && p[1] == '/'))
				p++;
			if (*p != '\0')
				p += 2;
		} else
			return p;
	}
}

/* Whether the next word after blanks and comments is word. */
static int
version_next_word_is(const char *p, const char *word)
{
	size_t	 n = strlen(word);

	p = version_skip_blank(p);
	return strncasecmp(p, word, n) == 0 &&
	    !isalnum((unsigned char)p[n]) && p[n] != '_';
}

/* Past the next word (after blanks and comments). */
static const char *
version_skip_word(const char *p)
{
	p = version_skip_blank(p);
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	return p;
}

/*
 * Whether a statement ends the transaction it runs in: COMMIT, END,
 * ABORT, ROLLBACK but ROLLBACK TO a savepoint, PREPARE TRANSACTION. The
 * splitter starts a statement at its first word.
 */
static int
version_ends_txn(const char *sql)
{
	const char	*p;

	if (version_next_word_is(sql, "COMMIT") ||
	    version_next_word_is(sql, "END") ||
	    version_next_word_is(sql, "ABORT"))
		return 1;
	if (version_next_word_is(sql, "PREPARE"))
		return version_next_word_is(version_skip_word(sql),
		    "TRANSACTION");
	if (!version_next_word_is(sql, "ROLLBACK"))
		return 0;
	p = version_skip_word(sql);
	if (version_next_word_is(p, "TRANSACTION") ||
	    version_next_word_is(p, "WORK"))
		p = version_skip_word(p);
	return !version_next_word_is(p, "TO");
}

/*
 * One step online: statements, version rows and history row; later not
 * NULL: the step runs inside the run's one transaction, and its version
 * rows and history row are left in *later for version_run to write.
 */
static int
version_run_step(struct version *v, const struct step *s,
    struct version_later *later, struct err *err)
{
	const struct script		*sc = s->rev->script;
	const struct script_part	*part = s->upgrade ? &sc->up :
	    &sc->down_part;
	struct sql_stmts		 stmts = SQL_STMTS_INIT;
	struct version_hist		 h;
	struct version_later		 now, *l;
	struct rows			*invalid = NULL;
	struct strbuf			 label = STRBUF_INIT;
	struct timespec			 t0;
	char				 sum[65];
	size_t				 i, skip = 0, nrun = 0;
	int				 rc, attempt, depth, txn, own, lazy;
	int				 noted = 0, fkoff = 0, fkwas = 0;

	txn = sc->transactional;
	depth = v->conn->txn_depth;
	/*
	 * A transactional step runs in a transaction of its own or, inside
	 * the one transaction of transaction_per_migration = false, in a
	 * savepoint, whose only use there is to retry the step after a lock
	 * timeout. Without lock_retries there is none: a failure rolls the
	 * whole transaction back, which is what that mode promises.
	 */
	own = txn && (depth == 0 || v->lock_retries > 0);
	if ((rc = sqlsplit_parse(&stmts, sc->text + part->off, part->len,
	    v->dialect->flavor, err)) != 0) {
		err->line += part->line - 1;
		err_set_path(err, sc->path, 0);
		goto done;
	}
	/*
	 * Inside one transaction for the run, refused before it runs: it
	 * would commit (or undo) the steps before it, without their version
	 * rows (see version_run).
	 */
	for (i = 0; i < stmts.n && txn && depth > 0; i++) {
		if (version_ends_txn(stmts.v[i].sql)) {
			rc = err_set(err, MG_ERROR, "revision %s ends the "
			    "transaction it runs in, which is the single "
			    "transaction of transaction_per_migration = "
			    "false: take its transaction control out",
			    s->rev->id);
			err_set_path(err, sc->path, part->line +
			    stmts.v[i].line - 1);
			goto done;
		}
	}
	if (!txn && (rc = version_resume_point(&skip, v, s, &stmts,
	    err)) != 0)
		goto done;
	/* what a failure outside a transaction leaves is new since here */
	if (!txn && v->dialect->invalid_indexes != NULL &&
	    (rc = v->dialect->invalid_indexes(&invalid, v->conn, err)) != 0)
		goto done;
	script_checksum(sum, sc, s->upgrade);
	memset(&h, 0, sizeof h);
	h.rev = s->rev->id;
	h.direction = s->upgrade ? "upgrade" : "downgrade";
	h.status = "ok";
	h.checksum = sum;
	if (skip > 0 && !v->quiet)
		fprintf(v->log, "Resuming %s %s after statement %zu of %zu\n",
		    h.direction, s->rev->id, skip, stmts.n);
	/* outside the transaction, where the switch takes effect */
	if ((fkoff = version_fk_off(v, s)) &&
	    (rc = v->dialect->foreign_keys(v->conn, 0, &fkwas, err)) != 0) {
		fkoff = 0;
		goto done;
	}
	version_now(h.started, &t0);
	for (attempt = 0;; attempt++) {
		/* on a server, BEGIN goes with the first statement */
		lazy = own && v->conn->txn_depth == 0 && v->dialect->remote &&
		    v->dialect->in_transaction != NULL && stmts.n > 0;
		rc = own && !lazy ? dialect_begin(v->conn, err) : 0;
		if (rc == 0)
			rc = version_exec_step(v, s, &stmts, skip, &nrun,
			    txn ? NULL : &h, lazy, err);
		if (rc == 0 || attempt >= v->lock_retries ||
		    strcmp(err->sqlstate, VERSION_SQLSTATE_LOCK_TIMEOUT) != 0)
			break;
		/*
		 * A CREATE INDEX CONCURRENTLY that timed out has left an
		 * invalid index: a retry would trip on it (or, IF NOT
		 * EXISTS, skip it and call the step done). Stop and say so.
		 */
		if (!txn && version_note_invalid(v, err, invalid) > 0) {
			noted = 1;
			break;
		}
		/*
		 * lock_timeout: let the blocking traffic pass, then retry the
		 * step (outside a transaction: from the statement that
		 * waited, as those before it are done)
		 */
		version_rollback(v, depth);
		if (!txn)
			skip = nrun;
		if (!v->quiet)
			fprintf(v->log, "%s: lock_timeout, retry %d of %d\n",
			    s->rev->id, attempt + 1, v->lock_retries);
		err_release(err);
		version_sleep_ms(200L << (attempt < 5 ? attempt : 5));
	}
	/* how far it got is recorded, statement by statement: see above */
	if (rc != 0 && !txn && !noted)
		version_note_invalid(v, err, invalid);
	if (rc != 0)
		goto done;
	/* what a savepoint's release would find: the transaction ended */
	if (txn && !own && v->dialect->in_transaction != NULL &&
	    !v->dialect->in_transaction(v->conn)) {
		v->conn->txn_depth = 0;
		rc = err_set(err, MG_ERROR, "revision %s ended the transaction "
		    "it ran in", s->rev->id);
		err_set_path(err, sc->path, 0);
		goto done;
	}
	if (fkoff && v->dialect->foreign_key_check != NULL &&
	    (rc = v->dialect->foreign_key_check(v->conn, err)) != 0) {
		err_set_path(err, sc->path, 0);
		goto done;
	}
	version_now(h.finished, NULL);
	h.statements = nrun;
	h.duration_ms = (long)version_ms_since(&t0);
	l = later != NULL ? later : &now;
	l->step = s;
	l->hist = h;
	memcpy(l->checksum, sum, sizeof sum);
	l->hist.checksum = l->checksum;
	if (later == NULL) {
		/* outside a transaction: this run's partial row goes */
		if (!txn && ((rc = dialect_begin(v->conn, err)) != 0 ||
		    (rc = version_progress_drop(v, &h, err)) != 0))
			goto done;
		/* and the commit of a transaction of its own */
		if ((rc = version_write_rows(v, l, 1, own || !txn, err)) != 0)
			goto done;
		if (own || !txn)
			VERSION_FAULT("commit", s->rev->id, 0, 0);
	} else if (own) {
		/* the savepoint of a retry, in the run's one transaction */
		if ((rc = dialect_commit(v->conn, err)) != 0)
			goto done;
		VERSION_FAULT("commit", s->rev->id, 0, 0);
	}
	if (!v->quiet) {
		version_step_label(&label, s);
		fprintf(v->log, "%s (%.0f ms)\n", label.buf,
		    version_ms_since(&t0));
	}
done:
	if (rc != 0)
		version_rollback(v, depth);
	if (fkoff) {
		struct err	 ferr = ERR_INIT;

		v->dialect->foreign_keys(v->conn, fkwas, NULL, &ferr);
		err_release(&ferr);
	}
	rows_free(invalid);
	sqlsplit_release(&stmts);
	strbuf_release(&label);
	return rc;
}

/* Before anything runs: every step can run as the plan asks. */
static int
version_check_steps(const struct version *v, const struct plan *p,
    struct err *err)
{
	size_t	 i;

	for (i = 0; i < p->n; i++) {
		const struct step	*s = &p->v[i];

		if (!s->rev->script->transactional && !v->per_migration) {
			err_set(err, MG_ECONFIG, "revision %s is "
			    "'Transactional: no', which cannot run inside the "
			    "single transaction of transaction_per_migration "
			    "= false", s->rev->id);
			err_set_path(err, s->rev->script->path, 0);
			return MG_ECONFIG;
		}
		if (!v->per_migration && version_fk_off(v, s)) {
			err_set(err, MG_ECONFIG, "revision %s rebuilds tables "
			    "with foreign keys off, which cannot be switched "
			    "inside the single transaction of "
			    "transaction_per_migration = false", s->rev->id);
			err_set_path(err, s->rev->script->path, 0);
			return MG_ECONFIG;
		}
		if (!s->upgrade && !s->rev->script->down_part.present) {
			err_set(err, MG_ERROR, "revision %s has no '-- "
			    "migrate:downgrade' part, so it cannot be "
			    "undone", s->rev->id);
			err_set_path(err, s->rev->script->path, 0);
			return MG_ERROR;
		}
	}
	return 0;
}

int
version_run(struct version *v, const struct plan *p, struct err *err)
{
	struct version_later	*later = NULL;
	size_t			 i;
	int			 rc, outer = !v->per_migration && p->n > 0;

	if ((rc = version_check_steps(v, p, err)) != 0)
		return rc;
	if (outer && (rc = version_begin(v, p->v[0].rev->id, err)) != 0)
		return rc;
	/*
	 * In one transaction, the steps' version rows and history rows are
	 * written after the last step, before COMMIT: nothing outside the
	 * transaction sees them sooner either way, and between one step's
	 * DDL and the next the same statements would have to be prepared
	 * anew at every step (SQLite prepares a statement again after any
	 * change of the schema), which costs SQLite more than a one-statement
	 * step itself. Written in a row, they stay prepared.
	 */
	if (outer)
		later = xcalloc(p->n, sizeof *later);
	for (i = 0; i < p->n; i++) {
		if ((rc = version_run_step(v, &p->v[i], outer ? &later[i] :
		    NULL, err)) != 0)
			break;
	}
	if (outer && rc == 0)
		rc = version_write_rows(v, later, p->n, 1, err);
	if (outer && rc != 0)
		version_rollback(v, 0);
	xfree(later);
	return rc;
}

/* Offline: the whole plan as one SQL script on out. */
int
version_run_sql(struct version *v, FILE *out, const struct plan *p,
    int create, struct err *err)
{
	struct strbuf	 sb = STRBUF_INIT, label = STRBUF_INIT;
	char		 sum[65];
	size_t		 i, j;
	int		 rc;

	if ((rc = version_check_steps(v, p, err)) != 0)
		return rc;
	if (create) {
		version_create_sql(&sb, v);
		strbuf_addstr(&sb, ";\n\n");
		version_create_history_sql(&sb, v);
		strbuf_addstr(&sb, ";\n\n");
	}
	if (!v->per_migration)
		strbuf_addstr(&sb, "BEGIN;\n\n");
	for (i = 0; i < p->n; i++) {
		const struct step		*s = &p->v[i];
		const struct script		*sc = s->rev->script;
		const struct script_part	*part = s->upgrade ? &sc->up :
		    &sc->down_part;
		struct sql_stmts		 stmts = SQL_STMTS_INIT;
		struct version_hist		 h;

		if ((rc = sqlsplit_parse(&stmts, sc->text + part->off,
		    part->len, v->dialect->flavor, err)) != 0) {
			err->line += part->line - 1;
			err_set_path(err, sc->path, 0);
			goto done;
		}
		strbuf_reset(&label);
		version_step_label(&label, s);
		strbuf_addf(&sb, "-- %s\n", label.buf);
		if (version_fk_off(v, s))
			strbuf_addstr(&sb, "PRAGMA foreign_keys = OFF;\n");
		if (sc->transactional && v->per_migration)
			strbuf_addstr(&sb, "BEGIN;\n\n");
		for (j = 0; j < stmts.n; j++)
			strbuf_addf(&sb, "%s;\n\n", stmts.v[j].sql);
		if (version_fk_off(v, s))
			version_fk_guard_sql(&sb);
		version_update_sql(&sb, v, &s->from, &s->to);
		script_checksum(sum, sc, s->upgrade);
		memset(&h, 0, sizeof h);
		h.rev = s->rev->id;
		h.direction = s->upgrade ? "upgrade" : "downgrade";
		h.checksum = sum;
		h.statements = stmts.n;
		version_history_sql(&sb, v, &h);
		if (sc->transactional && v->per_migration)
			strbuf_addstr(&sb, "\nCOMMIT;\n");
		/*
		 * Left off: OFF is SQLite's default, and a session that had
		 * them on would cascade a later DROP TABLE into child rows.
		 */
		if (version_fk_off(v, s))
			strbuf_addstr(&sb, "-- foreign keys stay off (SQLite's "
			    "default)\n");
		strbuf_addch(&sb, '\n');
		sqlsplit_release(&stmts);
	}
	if (!v->per_migration)
		strbuf_addstr(&sb, "COMMIT;\n");
	fwrite(sb.buf, 1, sb.len, out);
done:
	strbuf_release(&sb);
	strbuf_release(&label);
	return rc;
}

/* The rows to delete and to insert to go from one set to the other. */
static void
version_stamp_sql(struct strbuf *out, struct version *v,
    const struct revset *before, const struct revset *after, int purge)
{
	size_t	 i;

	if (purge)
		strbuf_addf(out, "DELETE FROM %s;\n", v->vt.buf);
	for (i = 0; i < before->n && !purge; i++) {
		if (!revset_has(after, before->v[i]))
			strbuf_addf(out, "DELETE FROM %s WHERE version_num = "
			    "'%s';\n", v->vt.buf, before->v[i]->id);
	}
	for (i = 0; i < after->n; i++) {
		if (purge || !revset_has(before, after->v[i]))
			strbuf_addf(out, "INSERT INTO %s (version_num) VALUES "
			    "('%s');\n", v->vt.buf, after->v[i]->id);
	}
}

static int
version_revset_has_id(const struct revset *s, const char *id)
{
	size_t	 i;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->v[i]->id, id) == 0)
			return 1;
	}
	return 0;
}

/*
 * The history of a stamp: each row stamped out, then each stamped in. The
 * rows before are purged (all of them, by id) or before. As SQL on out, or
 * inserted when out is NULL.
 */
static int
version_stamp_history(struct version *v, struct strbuf *out,
    const struct revset *before, const struct revset *after,
    const struct rows *purged, struct err *err)
{
	struct version_hist	 h;
	struct timespec		 t0;
	size_t			 i, n;
	int			 rc = 0;

	memset(&h, 0, sizeof h);
	h.status = "ok";
	version_now(h.started, &t0);
	memcpy(h.finished, h.started, sizeof h.finished);
	n = purged != NULL ? purged->nrows : before->n;
	for (i = 0; i < n + after->n && rc == 0; i++) {
		if (i < n) {
			h.rev = purged != NULL ? rows_get(purged, i, 0) :
			    before->v[i]->id;
			h.direction = "unstamp";
			if (h.rev == NULL || version_revset_has_id(after,
			    h.rev))
				continue;
		} else {
			h.rev = after->v[i - n]->id;
			h.direction = "stamp";
			if (purged != NULL ? version_rows_has(purged, h.rev) :
			    revset_has(before, after->v[i - n]))
				continue;
		}
		if (out != NULL)
			version_history_sql(out, v, &h);
		else
			rc = version_history_insert(v, &h, err);
	}
	return rc;
}

int
version_stamp(struct version *v, FILE *sql_out, const struct revset *before,
    const struct revset *after, int purge, struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT, q = STRBUF_INIT;
	struct rows	*purged = NULL;
	int		 rc = 0;

	version_stamp_sql(&sql, v, before, after, purge);
	if (sql_out != NULL) {
		struct strbuf	 all = STRBUF_INIT;

		version_create_sql(&all, v);
		strbuf_addstr(&all, ";\n\n");
		version_create_history_sql(&all, v);
		strbuf_addstr(&all, ";\n\nBEGIN;\n\n");
		strbuf_add(&all, sql.buf, sql.len);
		version_stamp_history(v, &all, before, after, NULL, err);
		strbuf_addstr(&all, "\nCOMMIT;\n");
		fwrite(all.buf, 1, all.len, sql_out);
		strbuf_release(&all);
		goto done;
	}
	if ((rc = dialect_begin(v->conn, err)) != 0)
		goto done;
	if (purge) {
		/* the rows --purge deletes, known to the graph or not */
		strbuf_addf(&q, "SELECT version_num FROM %s", v->vt.buf);
		if ((rc = v->dialect->query(&purged, v->conn, q.buf, NULL, 0,
		    err)) != 0)
			goto done;
	}
	if ((sql.len > 0 && (rc = version_exec_many(v, sql.buf, err)) != 0) ||
	    (rc = version_stamp_history(v, NULL, before, after, purged,
	    err)) != 0)
		goto done;
	rc = dialect_commit(v->conn, err);
done:
	if (rc != 0 && v->conn != NULL)
		version_rollback(v, 0);
	rows_free(purged);
	strbuf_release(&sql);
	strbuf_release(&q);
	return rc;
}
