/*
 * The SQLite dialect: a database file (or memory) opened through
 * sqlite3_open_v2, statements run one prepared statement at a time so that
 * an error can say where it is, and a migration lock that is an
 * open-file-description lock on the database file.
 */
#define _GNU_SOURCE	/* F_OFD_SETLK; before any include, for <features.h> */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dialect.h"

#define SQLITE_BUSY_MS		5000	/* how long a statement waits */
#define SQLITE_LOCK_POLL_MS	50	/* how often lock tries again */

/*
 * The migration lock is a write lock on one byte of the database file,
 * taken with F_OFD_SETLK on a descriptor of our own. SQLite locks the bytes
 * PENDING_BYTE (0x40000000) .. PENDING_BYTE + 1 + 510 of the file (pending,
 * reserved, then the 510 shared bytes), and nothing else of it (WAL locks
 * are in the -shm file). SQLite never stores data in the page that holds
 * those bytes (the lock-byte page). Our byte is above SQLite's range,
 * 1024 + (hash of key % 2048) into that page: within its first 4096 bytes,
 * the default page size. Locks are advisory, so only another locker of the
 * same byte notices ours (with 512- or 1024-byte pages the byte lies in a
 * data page, which is as harmless): SQLite's locks never conflict with it,
 * and two keys whose hashes meet merely wait for each other.
 */
#define SQLITE_LOCK_BASE	(0x40000000 + 1024)
#define SQLITE_LOCK_SPAN	2048

/*
 * Prepared statements kept for the next query with the same text: the
 * version bookkeeping runs the same few queries with parameters at every
 * step, and preparing one costs SQLite more than running it.
 */
#define SQLITE_STMT_CACHE	8

struct sqlite_cached {
	char		*sql;		/* NULL: a free slot */
	sqlite3_stmt	*stmt;
	unsigned long	 used;		/* when last used, for eviction */
};

struct sqlite_conn {
	struct conn	 base;
	sqlite3		*db;
	char		*name;	/* the file as the user wrote it, or :memory: */
	int		 lockfd;	/* our descriptor of the file, or -1 */
	struct sqlite_cached cache[SQLITE_STMT_CACHE];
	unsigned long	 tick;		/* queries through the cache */
};

/* 1-based line of position pos within text. */
static unsigned
sqlite_line_at(const char *text, const char *pos)
{
	unsigned	 line = 1;

	for (; text < pos && *text != '\0'; text++) {
		if (*text == '\n')
			line++;
	}
	return line;
}

static int
sqlite_error(struct err *err, sqlite3 *db, const char *sql, const char *pos)
{
	int	 rc, fresh = err->code == 0;

	int	 code = sqlite3_errcode(db) & 0xff;
	const char *file = sqlite3_db_filename(db, "main");

	/*
	 * Locked or read-only is the file's state, not the statement's
	 * fault: say which file, and no line of the script.
	 */
	if ((code == SQLITE_BUSY || code == SQLITE_READONLY ||
	    code == SQLITE_CANTOPEN) && file != NULL && *file != '\0') {
		rc = err_set(err, MG_EDB, "'%s': %s%s", file,
		    sqlite3_errmsg(db), code == SQLITE_BUSY ? " (another "
		    "connection holds it)" : "");
		if (fresh && code == SQLITE_BUSY)
			memcpy(err->sqlstate, "55P03", 6);
		return rc;
	}
	rc = err_set(err, MG_EDB, "%s", sqlite3_errmsg(db));
	/* the busy timeout ran out: PostgreSQL's lock_not_available */
	if (fresh && code == SQLITE_BUSY)
		memcpy(err->sqlstate, "55P03", 6);
	if (sql != NULL && err->line == 0)
		err->line = sqlite_line_at(sql, pos);
	return rc;
}

/* Append text to a SQLite URI filename, escaping what URIs reserve. */
static void
sqlite_uri_encode(struct strbuf *sb, const char *text)
{
	for (; *text != '\0'; text++) {
		if (strchr("?#%&=", *text) != NULL)
			strbuf_addf(sb, "%%%02X", (unsigned char)*text);
		else
			strbuf_addch(sb, *text);
	}
}

/* The filename to open: a URI when the URL has parameters. */
static char *
sqlite_filename(const struct url *url, int *flags)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	if (url->memory && url->nparams == 0)
		return xstrdup(":memory:");
	if (url->nparams == 0)
		return xstrdup(url->path);
	*flags |= SQLITE_OPEN_URI;
	strbuf_addstr(&sb, "file:");
	sqlite_uri_encode(&sb, url->memory ? ":memory:" : url->path);
	for (i = 0; i < url->nparams; i++) {
		strbuf_addch(&sb, i == 0 ? '?' : '&');
		sqlite_uri_encode(&sb, url->params[i].key);
		strbuf_addch(&sb, '=');
		sqlite_uri_encode(&sb, url->params[i].value);
	}
	return strbuf_detach(&sb, NULL);
}

static void
sqlite_disconnect(struct conn *conn)
{
	struct sqlite_conn	*c = (struct sqlite_conn *)conn;
	size_t			 i;

	if (c == NULL)
		return;
	for (i = 0; i < SQLITE_STMT_CACHE; i++) {
		sqlite3_finalize(c->cache[i].stmt);
		xfree(c->cache[i].sql);
	}
	sqlite3_close_v2(c->db);
	/*
	 * Closing any descriptor of a file drops every POSIX lock the process
	 * holds on it, SQLite's included: close ours only once SQLite is done
	 * with the file. This releases the migration lock if still held.
	 */
	if (c->lockfd >= 0)
		close(c->lockfd);
	xfree(c->name);
	xfree(c->base.display_url);
	xfree(c->base.server_version);
	xfree(c);
}

static int
sqlite_connect(struct conn **out, const struct url *url, struct err *err)
{
	struct sqlite_conn	*c;
	char			*file;
	int			 flags, rc = 0;

	*out = NULL;
	/*
	 * No memory statistics (every allocation would take their global
	 * mutex to count itself); nothing here reads them. SQLite takes
	 * this before its first initialization only, which the first open
	 * of the process does: later calls return SQLITE_MISUSE and change
	 * nothing, so SQLite's own state makes it once a process, without
	 * a flag of ours. The tool never runs SQLite in two threads.
	 */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* a connection is never shared between threads: no mutex of its own */
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX;
	file = sqlite_filename(url, &flags);
	c = xcalloc(1, sizeof *c);
	c->base.dialect = &dialect_sqlite;
	c->lockfd = -1;
	c->name = xstrdup(url->memory ? ":memory:" : url->path);
	c->base.server_version = xstrdup(sqlite3_libversion());
	c->base.server_version_num = sqlite3_libversion_number();
	if (sqlite3_open_v2(file, &c->db, flags, NULL) != SQLITE_OK) {
		rc = err_set(err, MG_ECONNECT, "cannot open SQLite database "
		    "'%s': %s", c->name, c->db != NULL ?
		    sqlite3_errmsg(c->db) : "out of memory");
		goto done;
	}
	sqlite3_extended_result_codes(c->db, 1);
	/*
	 * Reading the schema now tells a file that is not a database; a
	 * file locked by another connection is one, and what waits for it
	 * is the first statement, with lock_timeout (set_timeouts).
	 */
	sqlite3_busy_timeout(c->db, 0);
	if (sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL,
	    NULL, NULL) != SQLITE_OK &&
	    (sqlite3_errcode(c->db) & 0xff) != SQLITE_BUSY) {
		rc = err_set(err, MG_ECONNECT, "cannot open SQLite database "
		    "'%s': %s", c->name, sqlite3_errmsg(c->db));
		goto done;
	}
	sqlite3_busy_timeout(c->db, SQLITE_BUSY_MS);
done:
	xfree(file);
	if (rc != 0) {
		sqlite_disconnect(&c->base);
		return rc;
	}
	*out = &c->base;
	return 0;
}

/* After a failed statement: what SQLite itself ended. */
static void
sqlite_after_error(struct sqlite_conn *c)
{
	if (sqlite3_get_autocommit(c->db) && c->base.txn_depth > 0) {
		/*
		 * SQLite rolled the transaction back itself (disk full ...).
		 * The migration lock is not a transaction: it stays held.
		 */
		c->base.txn_depth = 0;
	}
}

static int
sqlite_exec(struct conn *conn, const char *sql, struct err *err)
{
	struct sqlite_conn	*c = (struct sqlite_conn *)conn;
	sqlite3_stmt		*stmt = NULL;
	const char		*p = sql, *tail;
	int			 rc, off;

	while (*p != '\0') {
		rc = sqlite3_prepare_v2(c->db, p, -1, &stmt, &tail);
		if (rc != SQLITE_OK) {
			off = sqlite3_error_offset(c->db);
			while (off < 0 && (*p == ' ' || *p == '\n' ||
			    *p == '\t' || *p == '\r'))
				p++;
			rc = sqlite_error(err, c->db, sql,
			    off >= 0 ? p + off : p);
			goto done;
		}
		if (stmt == NULL) {	/* only blanks or comments left */
			p = tail;
			continue;
		}
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			while (*p == ' ' || *p == '\n' || *p == '\t' ||
			    *p == '\r')
				p++;
			rc = sqlite_error(err, c->db, sql, p);
			goto done;
		}
		sqlite3_finalize(stmt);
		stmt = NULL;
		p = tail;
	}
	rc = 0;
done:
	sqlite3_finalize(stmt);
	if (rc != 0)
		sqlite_after_error(c);
	return rc;
}

/*
 * The cached statement for sql, reset, or NULL. A hit is marked used; a
 * miss leaves the cache as it was (sqlite_cache_put adds).
 */
static sqlite3_stmt *
sqlite_cache_get(struct sqlite_conn *c, const char *sql)
{
	size_t	 i;

	for (i = 0; i < SQLITE_STMT_CACHE; i++) {
		if (c->cache[i].sql != NULL &&
		    strcmp(c->cache[i].sql, sql) == 0) {
			c->cache[i].used = ++c->tick;
			return c->cache[i].stmt;
		}
	}
	return NULL;
}

/* Keep stmt (prepared from sql) in the slot used least recently. */
static void
sqlite_cache_put(struct sqlite_conn *c, const char *sql, sqlite3_stmt *stmt)
{
	size_t	 i, old = 0;

	for (i = 1; i < SQLITE_STMT_CACHE; i++) {
		if (c->cache[i].used < c->cache[old].used)
			old = i;
	}
	sqlite3_finalize(c->cache[old].stmt);
	xfree(c->cache[old].sql);
	c->cache[old].sql = xstrdup(sql);
	c->cache[old].stmt = stmt;
	c->cache[old].used = ++c->tick;
}

/* "$n" into name (32 bytes), without printf's cost at every parameter. */
static void
sqlite_param_name(char name[32], size_t n)
{
	char	 digits[24];
	size_t	 k = 0, i = 0;

	do
		digits[k++] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	name[i++] = '$';
	while (k > 0)
		name[i++] = digits[--k];
	name[i] = '\0';
}

static int
sqlite_query(struct rows **out, struct conn *conn, const char *sql,
    const char *const *params, size_t nparams, struct err *err)
{
	struct sqlite_conn	*c = (struct sqlite_conn *)conn;
	sqlite3_stmt		*stmt = NULL;
	struct rows		*r = NULL;
	char			 name[32], **vals = NULL;
	const unsigned char	*text;
	size_t			 i, ncols;
	int			 idx, rc, cached = 0;

	*out = NULL;
	/*
	 * A query with parameters is one to run again with other values:
	 * it is kept prepared (reset after each run, so that it holds no
	 * lock between runs; finalized at disconnect).
	 */
	if (nparams > 0 && (stmt = sqlite_cache_get(c, sql)) != NULL)
		cached = 1;
	else if (sqlite3_prepare_v3(c->db, sql, -1, nparams > 0 ?
	    SQLITE_PREPARE_PERSISTENT : 0, &stmt, NULL) != SQLITE_OK ||
	    stmt == NULL) {
		rc = sqlite_error(err, c->db, sql, sql);
		goto done;
	} else if (nparams > 0) {
		sqlite_cache_put(c, sql, stmt);
		cached = 1;
	}
	for (i = 0; i < nparams; i++) {
		/* $1 in SQLite is a named parameter: find it by name */
		sqlite_param_name(name, i + 1);
		idx = sqlite3_bind_parameter_index(stmt, name);
		if (idx == 0)
			idx = (int)i + 1;
		if (params[i] == NULL)
			rc = sqlite3_bind_null(stmt, idx);
		else
			rc = sqlite3_bind_text(stmt, idx, params[i], -1,
			    SQLITE_TRANSIENT);
		if (rc != SQLITE_OK) {
			rc = sqlite_error(err, c->db, NULL, NULL);
			goto done;
		}
	}
	/*
	 * The columns after the first step: a kept statement that the
	 * schema changed under is prepared again by it (SELECT * may have
	 * more columns now).
	 */
	rc = sqlite3_step(stmt);
	ncols = (size_t)sqlite3_column_count(stmt);
	r = rows_new(ncols);
	for (i = 0; i < ncols; i++)
		r->names[i] = xstrdup(sqlite3_column_name(stmt, (int)i));
	vals = xcalloc(ncols, sizeof *vals);
	for (; rc == SQLITE_ROW; rc = sqlite3_step(stmt)) {
		for (i = 0; i < ncols; i++) {
			text = sqlite3_column_text(stmt, (int)i);
			vals[i] = text != NULL ? xstrdup((const char *)text) :
			    NULL;
		}
		rows_add(r, vals);
	}
	if (rc != SQLITE_DONE) {
		rc = sqlite_error(err, c->db, NULL, NULL);
		goto done;
	}
	rc = 0;
	*out = r;
	r = NULL;
done:
	xfree(vals);
	rows_free(r);
	if (cached) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
	} else
		sqlite3_finalize(stmt);
	if (rc != 0)
		sqlite_after_error(c);
	return rc;
}

/* The byte of the file that is the lock of key; see SQLITE_LOCK_BASE. */
static void
sqlite_lock_range(struct flock *fl, short type, const char *key)
{
	const char	*s;
	uint32_t	 h = 0x811c9dc5U;	/* 32-bit FNV-1a */

	for (s = key; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x01000193U;
	memset(fl, 0, sizeof *fl);	/* OFD locks want l_pid 0 */
	fl->l_type = type;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)SQLITE_LOCK_BASE + (off_t)(h % SQLITE_LOCK_SPAN);
	fl->l_len = 1;
}

static unsigned
sqlite_ms_since(const struct timespec *start)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned)((now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000);
}

/*
 * MG_ELOCKED. An OFD lock does not record its holder (F_OFD_GETLK says pid
 * -1, and a POSIX lock beside it would be dropped by SQLite's own unlocks
 * of the whole file), so the holder is not named.
 */
static int
sqlite_lock_busy(struct err *err, struct sqlite_conn *c, const char *key,
    unsigned wait_ms)
{
	return err_set(err, MG_ELOCKED, "the migration lock of '%s' in '%s' "
	    "is held by another migrate run; waited %g s (lock_wait)", key,
	    c->name, wait_ms / 1000.0);
}

static int
sqlite_lock(struct conn *conn, const char *key, unsigned wait_ms,
    struct err *err)
{
	struct sqlite_conn	*c = (struct sqlite_conn *)conn;
	struct flock		 fl;
	struct timespec		 start, nap;
	const char		*file;
	unsigned		 waited;

	if (conn->locked)
		BUG("lock taken twice");
	file = sqlite3_db_filename(c->db, "main");
	if (file == NULL || *file == '\0') {
		/* in memory or temporary: no other process can open it */
		conn->locked = 1;
		return 0;
	}
	/*
	 * Our own open file description, so that the lock belongs to this
	 * connection alone, survives SQLite closing its descriptors, and dies
	 * with the process. It stays open until disconnect (see there).
	 */
	if (c->lockfd < 0 &&
	    (c->lockfd = open(file, O_RDWR | O_CLOEXEC)) < 0)
		return err_set(err, MG_EIO, "cannot open '%s' to lock it: %s",
		    c->name, strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		sqlite_lock_range(&fl, F_WRLCK, key);
		if (fcntl(c->lockfd, F_OFD_SETLK, &fl) == 0)
			break;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			return err_set(err, MG_EIO, "cannot lock '%s': %s",
			    c->name, strerror(errno));
		waited = sqlite_ms_since(&start);
		if (waited >= wait_ms)
			return sqlite_lock_busy(err, c, key, wait_ms);
		waited = wait_ms - waited;
		if (waited > SQLITE_LOCK_POLL_MS)
			waited = SQLITE_LOCK_POLL_MS;
		nap.tv_sec = 0;
		nap.tv_nsec = (long)waited * 1000000L;
		nanosleep(&nap, NULL);
	}
	conn->locked = 1;
	return 0;
}

static int
sqlite_unlock(struct conn *conn, const char *key, struct err *err)
{
	struct sqlite_conn	*c = (struct sqlite_conn *)conn;
	struct flock		 fl;

	(void)key;
	if (!conn->locked)
		return 0;
	conn->locked = 0;
	if (c->lockfd < 0)
		return 0;	/* in memory */
	/*
	 * Unlock rather than close: closing would also drop SQLite's POSIX
	 * locks on the file, such as the shared lock a WAL-mode connection
	 * keeps for its life. The descriptor holds no other lock than the
	 * migration lock, so unlock all of it.
	 */
	sqlite_lock_range(&fl, F_UNLCK, "");
	fl.l_start = 0;
	fl.l_len = 0;
	if (fcntl(c->lockfd, F_OFD_SETLK, &fl) != 0)
		return err_set(err, MG_EIO, "cannot unlock '%s': %s", c->name,
		    strerror(errno));
	return 0;
}

static int
sqlite_table_exists(int *out, struct conn *conn, const char *schema,
    const char *table, struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT;
	struct rows	*rows = NULL;
	const char	*params[1];
	int		 rc;

	*out = 0;
	params[0] = table;
	strbuf_addstr(&sql, "SELECT 1 FROM ");
	if (schema != NULL) {
		dialect_quote_ident_std(&sql, schema);
		strbuf_addch(&sql, '.');
	}
	strbuf_addstr(&sql, "sqlite_master WHERE type = 'table' AND "
	    "name = $1");
	if ((rc = sqlite_query(&rows, conn, sql.buf, params, 1, err)) == 0)
		*out = rows->nrows > 0;
	rows_free(rows);
	strbuf_release(&sql);
	return rc;
}

/*
 * SQLite has no statement timeout; lock_timeout is how long a statement
 * waits for another connection's write lock (the busy timeout).
 */
static int
sqlite_set_timeouts(struct conn *conn, long lock_ms, long statement_ms,
    struct err *err)
{
	struct sqlite_conn	*c = (struct sqlite_conn *)conn;

	(void)statement_ms;
	(void)err;
	sqlite3_busy_timeout(c->db, lock_ms >= 0 && lock_ms < INT_MAX ?
	    (int)lock_ms : SQLITE_BUSY_MS);
	return 0;
}

static int
sqlite_foreign_keys(struct conn *conn, int on, int *was, struct err *err)
{
	struct rows	*r = NULL;
	int		 rc;

	if (was != NULL) {
		if ((rc = sqlite_query(&r, conn, "PRAGMA foreign_keys", NULL, 0,
		    err)) != 0)
			return rc;
		*was = r->nrows == 1 && rows_get(r, 0, 0) != NULL &&
		    strcmp(rows_get(r, 0, 0), "1") == 0;
		rows_free(r);
	}
	return sqlite_exec(conn, on ? "PRAGMA foreign_keys = ON" :
	    "PRAGMA foreign_keys = OFF", err);
}

static int
sqlite_in_transaction(struct conn *conn)
{
	struct sqlite_conn	*c = (struct sqlite_conn *)conn;

	return !sqlite3_get_autocommit(c->db);
}

/* After a rebuild: rows whose foreign keys point at nothing. */
static int
sqlite_foreign_key_check(struct conn *conn, struct err *err)
{
	struct rows	*r = NULL;
	int		 rc;

	if ((rc = sqlite_query(&r, conn, "PRAGMA foreign_key_check", NULL, 0,
	    err)) != 0)
		return rc;
	if (r->nrows > 0)
		rc = err_set(err, MG_EDB, "%zu row%s break%s a foreign key: "
		    "the first, rowid %s of table '%s', points at nothing in "
		    "'%s' (PRAGMA foreign_key_check)", r->nrows,
		    r->nrows == 1 ? "" : "s", r->nrows == 1 ? "s" : "",
		    rows_get(r, 0, 1) != NULL ? rows_get(r, 0, 1) : "NULL",
		    rows_get(r, 0, 0), rows_get(r, 0, 2));
	rows_free(r);
	return rc;
}

/* The desc column of PRAGMA index_xinfo of the index named (quoted). */
static int
sqlite_reflect_source_desc(struct strbuf *source, struct sqlite_conn *c,
    const char *quoted, struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT;
	sqlite3_stmt	*stmt;
	int		 rc;

	strbuf_addf(&sql, "SELECT desc FROM pragma_index_xinfo(%s, 'main')",
	    quoted);
	if (sqlite3_prepare_v2(c->db, sql.buf, -1, &stmt, NULL) != SQLITE_OK) {
		rc = sqlite_error(err, c->db, sql.buf, NULL);
		strbuf_release(&sql);
		return rc;
	}
	strbuf_addstr(source, "desc");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		strbuf_addf(source, " %d", sqlite3_column_int(stmt, 0));
	strbuf_addch(source, '\n');
	rc = rc == SQLITE_DONE ? 0 : sqlite_error(err, c->db, sql.buf, NULL);
	sqlite3_finalize(stmt);
	strbuf_release(&sql);
	return rc;
}

/*
 * What SQLite's reflection reads (see dialect.h): every row of
 * sqlite_schema, a cell as its length and bytes ("-" for NULL), after
 * the library's version, source and compile options; the PRAGMAs it runs
 * are computed from those rows by the library alone, but for one thing
 * the file's header says: a file of schema format 1 to 3 (SQLite before
 * 3.7.10 made them) keeps no index column DESC, and VACUUM makes it 4
 * without a row changing. So, when an index says DESC, what index_xinfo
 * says of the first one. The name: the main database's file, as SQLite
 * resolved it.
 */
static int
sqlite_reflect_source(struct strbuf *name, struct strbuf *source,
    struct conn *conn, struct err *err)
{
	static const char	 sql[] =
	    "SELECT type, name, tbl_name, sql FROM sqlite_schema";
	struct sqlite_conn	*c = (struct sqlite_conn *)conn;
	struct strbuf		 desc = STRBUF_INIT;
	sqlite3_stmt		*stmt;
	const char		*file, *text, *opt, *type, *iname;
	int			 rc, i, n;

	file = sqlite3_db_filename(c->db, "main");
	strbuf_addstr(name, file != NULL ? file : "");
	strbuf_addf(source, "sqlite %s %s\n", sqlite3_libversion(),
	    sqlite3_sourceid());
	for (i = 0; (opt = sqlite3_compileoption_get(i)) != NULL; i++)
		strbuf_addf(source, "%s\n", opt);
	if (sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return sqlite_error(err, c->db, sql, NULL);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		for (i = 0; i < 4; i++) {
			text = (const char *)sqlite3_column_text(stmt, i);
			if (text == NULL) {
				strbuf_addch(source, '-');
				continue;
			}
			n = sqlite3_column_bytes(stmt, i);
			strbuf_addf(source, "%d:", n);
			strbuf_add(source, text, (size_t)n);
			/* an index of DESC (or of a name with desc in it) */
			if (i == 3 && desc.len == 0 && (type = (const char *)
			    sqlite3_column_text(stmt, 0)) != NULL &&
			    strcmp(type, "index") == 0 &&
			    (iname = (const char *)sqlite3_column_text(stmt,
			    1)) != NULL && strcasestr(text, "desc") != NULL)
				dialect_quote_literal_std(&desc, iname);
		}
		strbuf_addch(source, '\n');
	}
	rc = rc == SQLITE_DONE ? 0 : sqlite_error(err, c->db, sql, NULL);
	sqlite3_finalize(stmt);
	if (rc == 0 && desc.len > 0)
		rc = sqlite_reflect_source_desc(source, c, desc.buf, err);
	strbuf_release(&desc);
	return rc;
}

const struct dialect dialect_sqlite = {
	.name = "sqlite",
	.flavor = SQL_SQLITE,
	.connect = sqlite_connect,
	.disconnect = sqlite_disconnect,
	.exec = sqlite_exec,
	.query = sqlite_query,
	.lock = sqlite_lock,
	.unlock = sqlite_unlock,
	.table_exists = sqlite_table_exists,
	.set_timeouts = sqlite_set_timeouts,
	.in_transaction = sqlite_in_transaction,
	.begin_sql = "BEGIN IMMEDIATE",
	.quote_ident = dialect_quote_ident_std,
	.reflect = sqlite_reflect,
	.reflect_source = sqlite_reflect_source,
	.foreign_keys = sqlite_foreign_keys,
	.foreign_key_check = sqlite_foreign_key_check,
	.render = sqlite_render,
	.quote_literal = dialect_quote_literal_std
};
