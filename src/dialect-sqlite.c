/*
 * The SQLite dialect: a database file (or memory) opened through
 * sqlite3_open_v2, statements run one prepared statement at a time so that
 * an error can say where it is.
 */
#include <string.h>

#include <sqlite3.h>

#include "dialect.h"

#define SQLITE_BUSY_MS	5000	/* how long a statement waits for a lock */

struct sqlite_conn {
	struct conn	 base;
	sqlite3		*db;
	char		*name;	/* the file as the user wrote it, or :memory: */
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
	int	 rc;

	rc = err_set(err, MG_EDB, "%s", sqlite3_errmsg(db));
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

	if (c == NULL)
		return;
	sqlite3_close_v2(c->db);
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
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	file = sqlite_filename(url, &flags);
	c = xcalloc(1, sizeof *c);
	c->base.dialect = &dialect_sqlite;
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
	sqlite3_busy_timeout(c->db, SQLITE_BUSY_MS);
	/* reading the schema now tells a file that is not a database */
	if (sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL,
	    NULL, NULL) != SQLITE_OK) {
		rc = err_set(err, MG_ECONNECT, "cannot open SQLite database "
		    "'%s': %s", c->name, sqlite3_errmsg(c->db));
		goto done;
	}
done:
	xfree(file);
	if (rc != 0) {
		sqlite_disconnect(&c->base);
		return rc;
	}
	*out = &c->base;
	return 0;
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
	if (rc != 0 && sqlite3_get_autocommit(c->db) && conn->txn_depth > 0) {
		/* SQLite rolled the transaction back itself (disk full ...) */
		conn->txn_depth = 0;
		conn->locked = 0;
	}
	return rc;
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
	int			 idx, rc;

	*out = NULL;
	if (sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
	    stmt == NULL) {
		rc = sqlite_error(err, c->db, sql, sql);
		goto done;
	}
	for (i = 0; i < nparams; i++) {
		/* $1 in SQLite is a named parameter: find it by name */
		snprintf(name, sizeof name, "$%zu", i + 1);
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
	ncols = (size_t)sqlite3_column_count(stmt);
	r = rows_new(ncols);
	for (i = 0; i < ncols; i++)
		r->names[i] = xstrdup(sqlite3_column_name(stmt, (int)i));
	vals = xcalloc(ncols, sizeof *vals);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
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
	sqlite3_finalize(stmt);
	return rc;
}

static int
sqlite_lock(struct conn *conn, const char *key, unsigned wait_ms,
    struct err *err)
{
	struct sqlite_conn	*c = (struct sqlite_conn *)conn;
	int			 rc;

	(void)key;	/* one database file, one lock */
	if (conn->locked || conn->txn_depth > 0)
		BUG("lock taken twice or inside a transaction");
	sqlite3_busy_timeout(c->db, (int)wait_ms);
	rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	sqlite3_busy_timeout(c->db, SQLITE_BUSY_MS);
	if ((rc & 0xff) == SQLITE_BUSY)
		return err_set(err, MG_ELOCKED, "SQLite database '%s' is "
		    "locked by another connection (waited %u ms)", c->name,
		    wait_ms);
	if (rc != SQLITE_OK)
		return sqlite_error(err, c->db, NULL, NULL);
	conn->locked = 1;
	conn->txn_depth = 1;
	return 0;
}

static int
sqlite_unlock(struct conn *conn, const char *key, struct err *err)
{
	(void)key;
	if (!conn->locked)
		return 0;
	if (conn->txn_depth > 1)
		BUG("unlock with %d transactions open", conn->txn_depth - 1);
	conn->locked = 0;
	if (conn->txn_depth == 0)
		return 0;	/* SQLite ended it after an error */
	return dialect_commit(conn, err);
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
	.quote_ident = dialect_quote_ident_std,
	.quote_literal = dialect_quote_literal_std
};
