/*
 * Reflection on tape: record the rows of each catalog query, replay them.
 * See tape.h.
 *
 * A tape is a sequence of queries, each:
 *	"Q" <sha256 hex of the SQL and its parameters> "\n"
 *	<rows> " " <columns> "\n"
 *	then every column name and every cell, row by row, as
 *	<length> "\n" <bytes> "\n", or "-\n" for a SQL NULL.
 */
#include <string.h>

#include "dialect.h"
#include "tape.h"
#include "util/sha256.h"

/*
 * A connection standing in for the real one while reflect runs: its
 * dialect has what reflect uses (query and exec ours), nothing else.
 */
struct tape_conn {
	struct conn	 base;		/* first: reflect sees this */
	struct dialect	 d;		/* the real dialect, query ours */
	struct conn	*real;		/* recording: where queries go */
	struct strbuf	*out;		/* recording: the tape */
	const char	*p, *end;	/* replaying: what is left of it */
	int		 miss;		/* replaying: the tape does not fit */
};

static void
tape_dialect(struct dialect *d, const struct dialect *real)
{
	memset(d, 0, sizeof *d);
	d->name = real->name;
	d->flavor = real->flavor;
	d->begin_sql = real->begin_sql;
	d->quote_ident = real->quote_ident;
	d->quote_literal = real->quote_literal;
	d->reflect = real->reflect;
}

static void
tape_key(char hex[65], const char *sql, const char *const *params,
    size_t nparams)
{
	struct sha256	 h;
	unsigned char	 d[32];
	size_t		 i;

	sha256_init(&h);
	sha256_update(&h, sql, strlen(sql) + 1);
	for (i = 0; i < nparams; i++) {
		/* a tag apart: NULL is not "" */
		sha256_update(&h, params[i] == NULL ? "N" : "V", 1);
		if (params[i] != NULL)
			sha256_update(&h, params[i], strlen(params[i]) + 1);
	}
	sha256_final(&h, d);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void
tape_put(struct strbuf *out, const char *s)
{
	if (s == NULL) {
		strbuf_addstr(out, "-\n");
		return;
	}
	strbuf_addf(out, "%zu\n", strlen(s));
	strbuf_addstr(out, s);
	strbuf_addch(out, '\n');
}

static int
tape_record_query(struct rows **out, struct conn *conn, const char *sql,
    const char *const *params, size_t nparams, struct err *err)
{
	struct tape_conn	*t = (struct tape_conn *)conn;
	char			 key[65];
	size_t			 i;
	int			 rc;

	if ((rc = t->real->dialect->query(out, t->real, sql, params, nparams,
	    err)) != 0)
		return rc;
	tape_key(key, sql, params, nparams);
	strbuf_addf(t->out, "Q%s\n%zu %zu\n", key, (*out)->nrows,
	    (*out)->ncols);
	for (i = 0; i < (*out)->ncols; i++)
		tape_put(t->out, (*out)->names[i]);
	for (i = 0; i < (*out)->nrows * (*out)->ncols; i++)
		tape_put(t->out, (*out)->cells[i]);
	return 0;
}

static int
tape_record_exec(struct conn *conn, const char *sql, struct err *err)
{
	struct tape_conn	*t = (struct tape_conn *)conn;

	return t->real->dialect->exec(t->real, sql, err);
}

int
tape_record(struct schema **out, struct strbuf *tape, struct conn *conn,
    const struct schema_filter *f, struct err *err)
{
	struct tape_conn	 t;
	int			 rc;

	memset(&t, 0, sizeof t);
	tape_dialect(&t.d, conn->dialect);
	t.d.query = tape_record_query;
	t.d.exec = tape_record_exec;
	t.base = *conn;
	t.base.dialect = &t.d;
	t.real = conn;
	t.out = tape;
	rc = conn->dialect->reflect(out, &t.base, f, err);
	conn->txn_depth = t.base.txn_depth;
	return rc;
}

/* A decimal number and the character after it, from the tape. */
static int
tape_number(struct tape_conn *t, size_t *n, char end)
{
	const char	*q = t->p;

	*n = 0;
	if (q >= t->end || *q < '0' || *q > '9')
		return -1;
	for (; q < t->end && *q >= '0' && *q <= '9'; q++) {
		if (*n > ((size_t)-1 - 9) / 10)
			return -1;
		*n = *n * 10 + (size_t)(*q - '0');
	}
	if (q >= t->end || *q != end)
		return -1;
	t->p = q + 1;
	return 0;
}

static int
tape_get(struct tape_conn *t, char **s)
{
	size_t	 len;

	*s = NULL;
	if (t->end - t->p >= 2 && t->p[0] == '-' && t->p[1] == '\n') {
		t->p += 2;
		return 0;
	}
	if (tape_number(t, &len, '\n') != 0 || (size_t)(t->end - t->p) <= len ||
	    t->p[len] != '\n')
		return -1;
	*s = xstrndup(t->p, len);
	t->p += len + 1;
	return 0;
}

static int
tape_replay_query(struct rows **out, struct conn *conn, const char *sql,
    const char *const *params, size_t nparams, struct err *err)
{
	struct tape_conn	*t = (struct tape_conn *)conn;
	struct rows		*r = NULL;
	char			 key[65], **row = NULL;
	size_t			 nrows, ncols, i, j;

	*out = NULL;
	tape_key(key, sql, params, nparams);
	if (t->miss || t->end - t->p < 66 || t->p[0] != 'Q' ||
	    memcmp(t->p + 1, key, 64) != 0 || t->p[65] != '\n')
		goto miss;
	t->p += 66;
	/* every cell takes two bytes at least ("-\n") */
	if (tape_number(t, &nrows, ' ') != 0 ||
	    tape_number(t, &ncols, '\n') != 0 || ncols == 0 || ncols > 4096 ||
	    nrows > (size_t)(t->end - t->p) / (2 * ncols))
		goto miss;
	r = rows_new(ncols);
	for (i = 0; i < ncols; i++) {
		if (tape_get(t, &r->names[i]) != 0)
			goto miss;
	}
	row = xcalloc(ncols + 1, sizeof *row);
	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncols; j++) {
			if (tape_get(t, &row[j]) != 0)
				goto miss;
		}
		rows_add(r, row);
		memset(row, 0, ncols * sizeof *row);
	}
	xfree(row);
	*out = r;
	return 0;
miss:
	if (row != NULL) {
		for (j = 0; j < ncols; j++)
			xfree(row[j]);
		xfree(row);
	}
	rows_free(r);
	t->miss = 1;
	return err_set(err, MG_ENOTFOUND, "the reflection tape does not fit");
}

static int
tape_replay_exec(struct conn *conn, const char *sql, struct err *err)
{
	(void)conn;	/* BEGIN, SAVEPOINT, ROLLBACK: nothing to undo */
	(void)sql;
	(void)err;
	return 0;
}

int
tape_replay(struct schema **out, const char *tape, size_t len,
    const struct conn *like, const struct schema_filter *f, struct err *err)
{
	struct tape_conn	 t;
	int			 rc;

	*out = NULL;
	memset(&t, 0, sizeof t);
	tape_dialect(&t.d, like->dialect);
	t.d.query = tape_replay_query;
	t.d.exec = tape_replay_exec;
	t.base.dialect = &t.d;
	t.base.server_version = like->server_version;
	t.base.server_version_num = like->server_version_num;
	t.base.display_url = like->display_url;
	t.p = tape;
	t.end = tape + len;
	rc = like->dialect->reflect(out, &t.base, f, err);
	if (rc == 0 && (t.miss || t.p != t.end)) {
		schema_free(*out);
		*out = NULL;
		rc = err_set(err, MG_ENOTFOUND, "the reflection tape does "
		    "not fit");
	}
	if (rc != 0 && t.miss)
		rc = MG_ENOTFOUND;
	return rc;
}
