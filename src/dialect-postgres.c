/*
 * The PostgreSQL dialect, over libpq: connect from a parsed URL, run SQL in
 * the simple protocol, query with text parameters, and a session advisory
 * lock for migrations, on a connection of its own. libpq is loaded when a
 * connection is made (dynlib.h), so that nothing else pays for it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "dialect.h"
#include "dynlib.h"

#define PG_LOCK_POLL_MS	100

/* The libpq functions this file calls, each typed by libpq-fe.h. */
#define PG_LIB_FUNCS(X)							\
	X(PQbackendPID) X(PQclear) X(PQconnectdbParams)			\
	X(PQerrorMessage) X(PQexec) X(PQexecParams) X(PQfinish)		\
	X(PQfname) X(PQfreemem) X(PQgetCopyData) X(PQgetResult)		\
	X(PQgetisnull) X(PQgetvalue) X(PQhost) X(PQnfields)		\
	X(PQntuples) X(PQparameterStatus) X(PQport) X(PQputCopyEnd)	\
	X(PQresultErrorField) X(PQresultStatus) X(PQserverVersion)	\
	X(PQsetNoticeProcessor) X(PQstatus) X(PQtransactionStatus)

/* libpq as loaded for one connection: c->pq.PQexec(...). */
struct pg_lib {
	void	*handle;
#define PG_LIB_MEMBER(f)	__typeof__(f)	*f;
	PG_LIB_FUNCS(PG_LIB_MEMBER)
#undef PG_LIB_MEMBER
};

static const struct dynlib_sym pg_lib_syms[] = {
#define PG_LIB_SYM(f)	{ #f, offsetof(struct pg_lib, f) },
	PG_LIB_FUNCS(PG_LIB_SYM)
#undef PG_LIB_SYM
};

/* The SONAME, then the development link. */
static const char *const pg_lib_names[] = { "libpq.so.5", "libpq.so", NULL };

struct pg_conn {
	struct conn	 base;
	struct pg_lib	 pq;
	PGconn		*pg;
	PGconn		*lockpg;	/* holds the migration lock, or NULL */
	char		**keys;		/* connection parameters, to open */
	char		**vals;		/* lockpg with */
	char		*password;	/* to scrub from messages */
};

/* Remove every copy of the password from a message libpq wrote. */
static void
pg_scrub(struct strbuf *msg, const char *password)
{
	if (password != NULL)
		strbuf_replace(msg, password, "***");
}

static void
pg_ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void
pg_disconnect(struct conn *conn)
{
	struct pg_conn	*c = (struct pg_conn *)conn;
	size_t		 i;

	if (c == NULL)
		return;
	if (c->pg != NULL)
		c->pq.PQfinish(c->pg);
	if (c->lockpg != NULL)
		c->pq.PQfinish(c->lockpg);
	for (i = 0; c->keys != NULL && c->keys[i] != NULL; i++) {
		xfree(c->keys[i]);
		xfree(c->vals[i]);
	}
	xfree(c->keys);
	xfree(c->vals);
	xfree(c->password);
	xfree(c->base.display_url);
	xfree(c->base.server_version);
	dynlib_close(c->pq.handle);
	xfree(c);
}

/*
 * Open a session with c's parameters, on the server same is on when it is
 * given; a message without the password.
 */
static int
pg_open(PGconn **out, struct pg_conn *c, PGconn *same, struct err *err)
{
	struct strbuf	 msg = STRBUF_INIT;
	const char	**keys, **vals;
	size_t		  n = 0, i;
	int		  rc;

	for (i = 0; c->keys[i] != NULL; i++)
		;
	keys = xcalloc(i + 3, sizeof *keys);
	vals = xcalloc(i + 3, sizeof *vals);
	for (i = 0; c->keys[i] != NULL; i++) {
		/* same: the server that session reached, not any of a list */
		if (same != NULL && (strcmp(c->keys[i], "host") == 0 ||
		    strcmp(c->keys[i], "port") == 0 ||
		    strcmp(c->keys[i], "hostaddr") == 0))
			continue;
		keys[n] = c->keys[i];
		vals[n++] = c->vals[i];
	}
	if (same != NULL) {
		keys[n] = "host";
		vals[n++] = c->pq.PQhost(same);
		keys[n] = "port";
		vals[n++] = c->pq.PQport(same);
	}
	*out = c->pq.PQconnectdbParams(keys, vals, 0);
	xfree(keys);
	xfree(vals);
	if (*out != NULL && c->pq.PQstatus(*out) == CONNECTION_OK) {
		c->pq.PQsetNoticeProcessor(*out, pg_ignore_notice, NULL);
		return 0;
	}
	strbuf_addstr(&msg, *out != NULL ? c->pq.PQerrorMessage(*out) :
	    "out of memory");
	pg_scrub(&msg, c->password);
	strbuf_rtrim(&msg);
	/* libpq's word for a keyword it does not know */
	rc = err_set(err, strstr(msg.buf, "invalid connection option") !=
	    NULL || strstr(msg.buf, "invalid sslmode") != NULL ?
	    MG_ECONFIG : MG_ECONNECT, "cannot connect to %s: %s",
	    c->base.display_url, msg.buf);
	strbuf_release(&msg);
	if (*out != NULL)
		c->pq.PQfinish(*out);
	*out = NULL;
	return rc;
}

static int
pg_connect(struct conn **out, const struct url *url, struct err *err)
{
	struct pg_conn	*c;
	char		 port[16];
	const char	*ver;
	size_t		 n = 0, i;
	int		 rc;

	*out = NULL;
	c = xcalloc(1, sizeof *c);
	if ((rc = dynlib_open(&c->pq.handle, pg_lib_names, &c->pq,
	    pg_lib_syms, sizeof pg_lib_syms / sizeof *pg_lib_syms,
	    err)) != 0) {
		xfree(c);
		return rc;
	}
	c->keys = xcalloc(url->nparams + 8, sizeof *c->keys);
	c->vals = xcalloc(url->nparams + 8, sizeof *c->vals);
#define PG_KV(k, v) do {						\
	c->keys[n] = xstrdup(k);					\
	c->vals[n] = xstrdup(v);					\
	n++;								\
} while (0)
	if (url->host != NULL)
		PG_KV("host", url->host);
	if (url->port > 0) {
		snprintf(port, sizeof port, "%d", url->port);
		PG_KV("port", port);
	}
	PG_KV("dbname", url->database);
	if (url->user != NULL)
		PG_KV("user", url->user);
	if (url->password != NULL)
		PG_KV("password", url->password);
	PG_KV("fallback_application_name", "migrate");
	for (i = 0; i < url->nparams; i++)
		PG_KV(url->params[i].key, url->params[i].value);
#undef PG_KV
	c->base.dialect = &dialect_postgres;
	c->base.display_url = url_mask(url);
	c->password = url->password != NULL ? xstrdup(url->password) : NULL;
	if ((rc = pg_open(&c->pg, c, NULL, err)) != 0) {
		pg_disconnect(&c->base);
		return rc;
	}
	c->base.server_version_num = c->pq.PQserverVersion(c->pg);
	ver = c->pq.PQparameterStatus(c->pg, "server_version");
	c->base.server_version = xstrndup(ver != NULL ? ver : "",
	    ver != NULL ? strcspn(ver, " ") : 0);
	*out = &c->base;
	return 0;
}

/* The 1-based line of a 1-based character position in UTF-8 text. */
static unsigned
pg_line_at(const char *text, long pos)
{
	unsigned	 line = 1;
	long		 ch = 0;

	for (; *text != '\0'; text++) {
		if (((unsigned char)*text & 0xc0) != 0x80 && ++ch >= pos)
			break;
		if (*text == '\n')
			line++;
	}
	return line;
}

/* Turn a failed result (or a lost connection) into an error. */
static int
pg_error(struct err *err, struct pg_conn *c, const PGresult *res,
    const char *sql)
{
	struct strbuf	 msg = STRBUF_INIT;
	const char	*f, *state;
	int		 code = MG_EDB;

	f = res != NULL ? c->pq.PQresultErrorField(res,
	    PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (f != NULL) {
		strbuf_addstr(&msg, f);
		f = c->pq.PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
		if (f != NULL)
			strbuf_addf(&msg, "; %s", f);
		f = c->pq.PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
		if (f != NULL)
			strbuf_addf(&msg, "; hint: %s", f);
	} else {
		strbuf_addstr(&msg, c->pq.PQerrorMessage(c->pg));
		strbuf_rtrim(&msg);
	}
	if (c->pq.PQstatus(c->pg) == CONNECTION_BAD) {
		code = MG_ECONNECT;
		strbuf_addstr(&msg, " (connection to the server was lost)");
	}
	pg_scrub(&msg, c->password);
	state = res != NULL ? c->pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	    NULL;
	if (state != NULL)
		strbuf_addf(&msg, " (SQLSTATE %s)", state);
	err_set(err, code, "%s", msg.buf);
	if (err->code == code && state != NULL)
		snprintf(err->sqlstate, sizeof err->sqlstate, "%s", state);
	f = res != NULL ? c->pq.PQresultErrorField(res,
	    PG_DIAG_STATEMENT_POSITION) : NULL;
	if (f != NULL && sql != NULL && err->line == 0)
		err->line = pg_line_at(sql, strtol(f, NULL, 10));
	strbuf_release(&msg);
	return err->code;
}

/* Leave a COPY the server started, so the connection is usable again. */
static void
pg_copy_abort(struct pg_conn *c, ExecStatusType st)
{
	PGresult	*r;
	char		*buf;

	if (st == PGRES_COPY_IN)
		c->pq.PQputCopyEnd(c->pg, "not supported by migrate");
	else {
		while (c->pq.PQgetCopyData(c->pg, &buf, 0) > 0)
			c->pq.PQfreemem(buf);
	}
	while ((r = c->pq.PQgetResult(c->pg)) != NULL)
		c->pq.PQclear(r);
}

static int
pg_exec(struct conn *conn, const char *sql, struct err *err)
{
	struct pg_conn	*c = (struct pg_conn *)conn;
	PGresult	*res;
	int		 rc = 0;

	res = c->pq.PQexec(c->pg, sql);
	switch (c->pq.PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		break;
	case PGRES_COPY_IN:
	case PGRES_COPY_OUT:
		pg_copy_abort(c, c->pq.PQresultStatus(res));
		rc = err_set(err, MG_EDB, "COPY ... FROM STDIN and TO STDOUT "
		    "cannot run from a SQL file; use INSERT, or COPY from a "
		    "file on the server");
		break;
	default:
		rc = pg_error(err, c, res, sql);
		break;
	}
	c->pq.PQclear(res);
	return rc;
}

static int
pg_query(struct rows **out, struct conn *conn, const char *sql,
    const char *const *params, size_t nparams, struct err *err)
{
	struct pg_conn	*c = (struct pg_conn *)conn;
	PGresult	*res;
	struct rows	*r;
	char		**vals;
	int		 i, j, ncols, nrows;

	*out = NULL;
	res = c->pq.PQexecParams(c->pg, sql, (int)nparams, NULL, params,
	    NULL, NULL, 0);
	if (c->pq.PQresultStatus(res) != PGRES_TUPLES_OK &&
	    c->pq.PQresultStatus(res) != PGRES_COMMAND_OK) {
		i = pg_error(err, c, res, sql);
		c->pq.PQclear(res);
		return i;
	}
	ncols = c->pq.PQnfields(res);
	nrows = c->pq.PQntuples(res);
	r = rows_new((size_t)ncols);
	for (j = 0; j < ncols; j++)
		r->names[j] = xstrdup(c->pq.PQfname(res, j));
	vals = xcalloc((size_t)ncols, sizeof *vals);
	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncols; j++)
			vals[j] = c->pq.PQgetisnull(res, i, j) ? NULL :
			    xstrdup(c->pq.PQgetvalue(res, i, j));
		rows_add(r, vals);
	}
	xfree(vals);
	c->pq.PQclear(res);
	*out = r;
	return 0;
}

/* The advisory lock key of a name: 64-bit FNV-1a of "migrate:" + name. */
static int64_t
pg_lock_key(const char *name)
{
	const char	*prefix = "migrate:", *s;
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (s = prefix; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	for (s = name; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (int64_t)h;
}

/* Say who holds the lock, from pg_locks and pg_stat_activity. */
static void
pg_lock_holder(struct strbuf *out, struct conn *conn, int64_t key)
{
	/* a holder's lock session is idle from the moment it got the lock */
	static const char sql[] =
	    "SELECT a.pid, coalesce(a.application_name, ''), "
	    "coalesce(a.client_addr::text, 'local'), "
	    "date_trunc('second', a.state_change)::text "
	    "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
	    "WHERE l.locktype = 'advisory' AND l.granted "
	    "AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid "
	    "AND l.objsubid = 1";
	struct rows	*r = NULL;
	struct err	 qerr = ERR_INIT;
	char		 hi[24], lo[24];
	const char	*params[2] = { hi, lo };

	snprintf(hi, sizeof hi, "%lu",
	    (unsigned long)(((uint64_t)key >> 32) & 0xffffffffUL));
	snprintf(lo, sizeof lo, "%lu",
	    (unsigned long)((uint64_t)key & 0xffffffffUL));
	if (pg_query(&r, conn, sql, params, 2, &qerr) != 0 || r->nrows == 0) {
		strbuf_addstr(out, "another session");
	} else {
		strbuf_addf(out, "pid %s (application_name '%s', from %s, "
		    "holding it since %s)", rows_get(r, 0, 0),
		    rows_get(r, 0, 1), rows_get(r, 0, 2), rows_get(r, 0, 3));
	}
	rows_free(r);
	err_release(&qerr);
}

/* One try at the lock on the lock session: *got 1 when taken. */
static int
pg_lock_try(int *got, struct pg_conn *c, const char *keytext,
    struct err *err)
{
	const char	*params[1] = { keytext };
	PGresult	*res;
	int		 rc = 0;

	res = c->pq.PQexecParams(c->lockpg, "SELECT pg_try_advisory_lock("
	    "$1::bigint)", 1, NULL, params, NULL, NULL, 0);
	if (c->pq.PQresultStatus(res) == PGRES_TUPLES_OK &&
	    c->pq.PQntuples(res) == 1) {
		*got = strcmp(c->pq.PQgetvalue(res, 0, 0), "t") == 0;
	} else {
		struct strbuf	 msg = STRBUF_INIT;

		strbuf_addstr(&msg, c->pq.PQerrorMessage(c->lockpg));
		pg_scrub(&msg, c->password);
		rc = err_set(err, MG_ECONNECT, "cannot take the migration "
		    "lock: %s", msg.buf);
		strbuf_release(&msg);
	}
	c->pq.PQclear(res);
	return rc;
}

/*
 * The lock is a session advisory lock on a session of its own: held
 * whatever the migration's session does (CREATE INDEX CONCURRENTLY waits
 * out other transactions, and a transaction-level lock would be one), and
 * gone with the process. Its application_name names the migration's
 * session, which is what to look at (or terminate) when it waits.
 */
static int
pg_lock(struct conn *conn, const char *key, unsigned wait_ms,
    struct err *err)
{
	struct pg_conn	*c = (struct pg_conn *)conn;
	struct strbuf	 holder = STRBUF_INIT, sql = STRBUF_INIT;
	struct timespec	 nap = { 0, PG_LOCK_POLL_MS * 1000000L };
	char		 keytext[24];
	int64_t		 k = pg_lock_key(key);
	unsigned	 waited = 0;
	int		 rc, got = 0;

	if (conn->locked)
		BUG("lock taken twice");
	if ((rc = pg_open(&c->lockpg, c, c->pg, err)) != 0)
		return rc;
	/* named after the migration's session; never timed out for idling */
	strbuf_addf(&sql, "SET application_name = 'migrate lock of pid %d'",
	    c->pq.PQbackendPID(c->pg));
	if (c->pq.PQserverVersion(c->lockpg) >= 140000)
		strbuf_addstr(&sql, "; SET idle_session_timeout = 0");
	c->pq.PQclear(c->pq.PQexec(c->lockpg, sql.buf));
	snprintf(keytext, sizeof keytext, "%lld", (long long)k);
	for (;;) {
		if ((rc = pg_lock_try(&got, c, keytext, err)) != 0 || got)
			break;
		if (waited >= wait_ms) {
			pg_lock_holder(&holder, conn, k);
			rc = err_set(err, MG_ELOCKED, "the migration lock of "
			    "'%s' is held by %s; waited %g s (lock_wait)",
			    key, holder.buf, waited / 1000.0);
			break;
		}
		nanosleep(&nap, NULL);
		waited += PG_LOCK_POLL_MS;
	}
	if (rc != 0) {
		c->pq.PQfinish(c->lockpg);
		c->lockpg = NULL;
	} else
		conn->locked = 1;
	strbuf_release(&holder);
	strbuf_release(&sql);
	return rc;
}

/* Ending the lock's session releases it. */
static int
pg_unlock(struct conn *conn, const char *key, struct err *err)
{
	struct pg_conn	*c = (struct pg_conn *)conn;

	(void)key;
	(void)err;
	if (!conn->locked)
		return 0;
	c->pq.PQfinish(c->lockpg);
	c->lockpg = NULL;
	conn->locked = 0;
	return 0;
}

/*
 * A string literal that means the same whatever standard_conforming_strings
 * is: with a backslash in it, an E'' string with backslashes doubled.
 */
static void
pg_quote_literal(struct strbuf *out, const char *text)
{
	if (strchr(text, '\\') == NULL) {
		dialect_quote_literal_std(out, text);
		return;
	}
	strbuf_addstr(out, "E'");
	for (; *text != '\0'; text++) {
		if (*text == '\'' || *text == '\\')
			strbuf_addch(out, *text);
		strbuf_addch(out, *text);
	}
	strbuf_addch(out, '\'');
}

static int
pg_table_exists(int *out, struct conn *conn, const char *schema,
    const char *table, struct err *err)
{
	struct rows	*rows = NULL;
	const char	*params[2];
	int		 rc;

	*out = 0;
	params[0] = table;
	params[1] = schema;
	rc = pg_query(&rows, conn, schema != NULL ?
	    "SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = $1 "
	    "AND schemaname = $2" :
	    "SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = $1 "
	    "AND schemaname = ANY (current_schemas(false))",
	    params, schema != NULL ? 2 : 1, err);
	if (rc == 0)
		*out = rows->nrows > 0;
	rows_free(rows);
	return rc;
}

static int
pg_set_timeouts(struct conn *conn, long lock_ms, long statement_ms,
    struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT;
	int		 rc = 0;

	if (lock_ms >= 0)
		strbuf_addf(&sql, "SET lock_timeout = %ld", lock_ms);
	if (lock_ms >= 0 && (rc = pg_exec(conn, sql.buf, err)) != 0)
		goto done;
	strbuf_reset(&sql);
	if (statement_ms >= 0) {
		strbuf_addf(&sql, "SET statement_timeout = %ld",
		    statement_ms);
		rc = pg_exec(conn, sql.buf, err);
	}
done:
	strbuf_release(&sql);
	return rc;
}

/* libpq knows from the server's last message: no round trip. */
static int
pg_in_transaction(struct conn *conn)
{
	struct pg_conn	*c = (struct pg_conn *)conn;

	/* a lost connection is not known to have ended it: its error says */
	return c->pq.PQtransactionStatus(c->pg) != PQTRANS_IDLE;
}

/* Indexes a failed CREATE INDEX CONCURRENTLY left behind, invalid. */
static int
pg_invalid_indexes(struct rows **out, struct conn *conn, struct err *err)
{
	return pg_query(out, conn, "SELECT indexrelid::regclass::text FROM "
	    "pg_catalog.pg_index WHERE NOT indisvalid ORDER BY 1", NULL, 0,
	    err);
}

const struct dialect dialect_postgres = {
	.name = "postgresql",
	.flavor = SQL_POSTGRES,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.exec = pg_exec,
	.query = pg_query,
	.lock = pg_lock,
	.unlock = pg_unlock,
	.table_exists = pg_table_exists,
	.begin_sql = "BEGIN",
	.remote = 1,
	.set_timeouts = pg_set_timeouts,
	.in_transaction = pg_in_transaction,
	.invalid_indexes = pg_invalid_indexes,
	.quote_ident = dialect_quote_ident_std,
	.reflect = pg_reflect,
	.render = pg_render,
	.quote_literal = pg_quote_literal
};
