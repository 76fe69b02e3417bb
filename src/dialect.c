/*
 * What both dialects share: choosing one by URL, transactions that nest as
 * savepoints, running a script statement by statement, result rows and
 * standard quoting.
 */
#include <string.h>

#include "dialect.h"

const struct dialect *
dialect_for_url(const struct url *url)
{
	switch (url->kind) {
	case URL_SQLITE:
		return &dialect_sqlite;
	case URL_POSTGRES:
		return &dialect_postgres;
	}
	BUG("unknown URL kind %d", (int)url->kind);
}

int
dialect_connect(struct conn **out, const struct url *url, struct err *err)
{
	const struct dialect	*d = dialect_for_url(url);
	int			 rc;

	*out = NULL;
	if ((rc = d->connect(out, url, err)) != 0)
		return rc;
	(*out)->dialect = d;
	if ((*out)->display_url == NULL)
		(*out)->display_url = url_mask(url);
	return 0;
}

void
dialect_disconnect(struct conn *conn)
{
	if (conn != NULL)
		conn->dialect->disconnect(conn);
}

int
dialect_begin(struct conn *conn, struct err *err)
{
	struct strbuf	 sb = STRBUF_INIT;
	int		 rc;

	if (conn->txn_depth == 0)
		strbuf_addstr(&sb, conn->dialect->begin_sql);
	else
		strbuf_addf(&sb, "SAVEPOINT migrate_%d", conn->txn_depth);
	if ((rc = conn->dialect->exec(conn, sb.buf, err)) == 0)
		conn->txn_depth++;
	strbuf_release(&sb);
	return rc;
}

int
dialect_commit(struct conn *conn, struct err *err)
{
	struct strbuf	 sb = STRBUF_INIT;
	int		 rc;

	if (conn->txn_depth <= 0)
		BUG("commit without a transaction");
	if (conn->txn_depth == 1)
		strbuf_addstr(&sb, "COMMIT");
	else
		strbuf_addf(&sb, "RELEASE SAVEPOINT migrate_%d",
		    conn->txn_depth - 1);
	rc = conn->dialect->exec(conn, sb.buf, err);
	if (rc != 0 && conn->txn_depth == 1) {
		struct err	 rerr = ERR_INIT;

		/*
		 * PostgreSQL ends a transaction whose COMMIT fails; SQLite
		 * keeps it open (SQLITE_BUSY). End it here either way so that
		 * the depth says the truth; the COMMIT's error is reported.
		 */
		conn->dialect->exec(conn, "ROLLBACK", &rerr);
		err_release(&rerr);
	}
	if (rc == 0 || conn->txn_depth == 1)
		conn->txn_depth--;
	strbuf_release(&sb);
	return rc;
}

int
dialect_rollback(struct conn *conn, struct err *err)
{
	struct strbuf	 sb = STRBUF_INIT;
	int		 rc;

	if (conn->txn_depth <= 0)
		return 0;	/* the database already rolled it back */
	if (conn->txn_depth == 1)
		strbuf_addstr(&sb, "ROLLBACK");
	else
		strbuf_addf(&sb, "ROLLBACK TO SAVEPOINT migrate_%d; "
		    "RELEASE SAVEPOINT migrate_%d", conn->txn_depth - 1,
		    conn->txn_depth - 1);
	rc = conn->dialect->exec(conn, sb.buf, err);
	if (conn->txn_depth > 0)
		conn->txn_depth--;
	strbuf_release(&sb);
	return rc;
}

int
dialect_exec_script(struct conn *conn, const char *path, const char *text,
    size_t len, size_t *nrun, struct err *err)
{
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	size_t			 i;
	int			 rc;

	if (nrun != NULL)
		*nrun = 0;
	if ((rc = sqlsplit_parse(&stmts, text, len, conn->dialect->flavor,
	    err)) != 0) {
		err_set_path(err, path, 0);
		goto done;
	}
	for (i = 0; i < stmts.n; i++) {
		rc = conn->dialect->exec(conn, stmts.v[i].sql, err);
		if (rc != 0) {
			/* exec's line is within the statement; make it the file's */
			err->line = stmts.v[i].line +
			    (err->line > 0 ? err->line - 1 : 0);
			err_set_path(err, path, 0);
			goto done;
		}
		if (nrun != NULL)
			(*nrun)++;
	}
done:
	sqlsplit_release(&stmts);
	return rc;
}

struct rows *
rows_new(size_t ncols)
{
	struct rows	*r = xcalloc(1, sizeof *r);

	r->ncols = ncols;
	r->names = xcalloc(ncols, sizeof *r->names);
	return r;
}

void
rows_add(struct rows *r, char **values)
{
	/* doubling: a catalog query can return tens of thousands of rows */
	if (r->nrows == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 16;
		r->cells = xrealloc(r->cells, r->alloc * r->ncols *
		    sizeof *r->cells);
	}
	memcpy(r->cells + r->nrows * r->ncols, values,
	    r->ncols * sizeof *values);
	r->nrows++;
}

const char *
rows_get(const struct rows *r, size_t row, size_t col)
{
	if (row >= r->nrows || col >= r->ncols)
		BUG("rows_get(%zu, %zu) outside %zux%zu", row, col, r->nrows,
		    r->ncols);
	return r->cells[row * r->ncols + col];
}

void
rows_free(struct rows *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; r->arena == NULL && i < r->nrows * r->ncols; i++)
		xfree(r->cells[i]);
	for (i = 0; r->arena == NULL && i < r->ncols; i++)
		xfree(r->names[i]);
	xfree(r->arena);
	xfree(r->cells);
	xfree(r->names);
	xfree(r);
}

static void
dialect_quote(struct strbuf *out, const char *text, char q)
{
	strbuf_addch(out, q);
	for (; *text != '\0'; text++) {
		if (*text == q)
			strbuf_addch(out, q);
		strbuf_addch(out, *text);
	}
	strbuf_addch(out, q);
}

void
dialect_quote_ident_std(struct strbuf *out, const char *ident)
{
	dialect_quote(out, ident, '"');
}

void
dialect_quote_literal_std(struct strbuf *out, const char *text)
{
	dialect_quote(out, text, '\'');
}

void
dialect_comment_end(struct strbuf *out, size_t start)
{
	size_t	 i;

	for (i = start; i < out->len; i++) {
		if (out->buf[i] == '\n' || out->buf[i] == '\r')
			out->buf[i] = ' ';
	}
	strbuf_addch(out, '\n');
}
