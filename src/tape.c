/*
 * Reflection on tape: record the rows of each catalog query, replay them.
 * See tape.h.
 *
 * A tape is a sequence of queries, each:
 *	"Q" <number of parameters> "\n"
 *	the SQL text, then each parameter, as a cell
 *	<rows> " " <columns> " " <bytes> "\n"
 *	then every column name and every cell, row by row, in <bytes> bytes,
 * where a cell is <length> "\n" <bytes> "\n", or "-\n" for a SQL NULL.
 * The query is kept as it is, not as a hash: checking it costs a memcmp,
 * and a reflection may run thousands (SQLite: statements a table).
 */
#include <string.h>

#include "dialect.h"
#include "tape.h"

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
	struct strbuf		 cells = STRBUF_INIT;
	size_t			 i;
	int			 rc;

	if ((rc = t->real->dialect->query(out, t->real, sql, params, nparams,
	    err)) != 0)
		return rc;
	strbuf_addf(t->out, "Q%zu\n", nparams);
	tape_put(t->out, sql);
	for (i = 0; i < nparams; i++)
		tape_put(t->out, params[i]);
	for (i = 0; i < (*out)->ncols; i++)
		tape_put(&cells, (*out)->names[i]);
	for (i = 0; i < (*out)->nrows * (*out)->ncols; i++)
		tape_put(&cells, (*out)->cells[i]);
	strbuf_addf(t->out, "%zu %zu %zu\n", (*out)->nrows, (*out)->ncols,
	    cells.len);
	strbuf_add(t->out, cells.buf, cells.len);
	strbuf_release(&cells);
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

/*
 * The next cell: *s points at its bytes on the tape (not NUL-terminated),
 * *len their number; *s is NULL for a SQL NULL. -1 if the tape is cut.
 */
static int
tape_cell(struct tape_conn *t, const char **s, size_t *len)
{
	*s = NULL;
	*len = 0;
	if (t->end - t->p >= 2 && t->p[0] == '-' && t->p[1] == '\n') {
		t->p += 2;
		return 0;
	}
	if (tape_number(t, len, '\n') != 0 || (size_t)(t->end - t->p) <= *len ||
	    t->p[*len] != '\n')
		return -1;
	*s = t->p;
	t->p += *len + 1;
	return 0;
}

/* Whether the next cell is s (NULL: a SQL NULL); it is passed if so. */
static int
tape_is(struct tape_conn *t, const char *s)
{
	const char	*p = t->p;
	size_t		 len, want;
	int		 same;

	if (s == NULL) {
		same = t->end - t->p >= 2 && t->p[0] == '-' && t->p[1] == '\n';
		if (same)
			t->p += 2;
		return same;
	}
	want = strlen(s);
	same = tape_number(t, &len, '\n') == 0 && len == want &&
	    (size_t)(t->end - t->p) > len && memcmp(t->p, s, len) == 0 &&
	    t->p[len] == '\n';
	if (same)
		t->p += len + 1;
	else
		t->p = p;
	return same;
}

/*
 * The rows of the query on the tape, if it is this one: the bytes of its
 * cells copied at once into the rows' arena, each cell's end made its NUL
 * there, and the cells pointed at in place.
 */
static int
tape_replay_query(struct rows **out, struct conn *conn, const char *sql,
    const char *const *params, size_t nparams, struct err *err)
{
	struct tape_conn	*t = (struct tape_conn *)conn;
	struct tape_conn	 a;	/* a reader of the arena */
	struct rows		*r = NULL;
	const char		*s;
	size_t			 nrows, ncols, ncells, n, len, size, i;

	*out = NULL;
	if (t->miss || t->p >= t->end || *t->p != 'Q')
		goto miss;
	t->p++;
	if (tape_number(t, &n, '\n') != 0 || n != nparams ||
	    !tape_is(t, sql))
		goto miss;
	for (i = 0; i < nparams; i++) {
		if (!tape_is(t, params[i]))
			goto miss;
	}
	/* every cell takes two bytes at least ("-\n") */
	if (tape_number(t, &nrows, ' ') != 0 ||
	    tape_number(t, &ncols, ' ') != 0 ||
	    tape_number(t, &size, '\n') != 0 || ncols == 0 || ncols > 4096 ||
	    size > (size_t)(t->end - t->p) || nrows > size / (2 * ncols))
		goto miss;
	ncells = nrows * ncols;
	r = rows_new(ncols);
	r->arena = xmalloc(size + 1);
	memcpy(r->arena, t->p, size);
	r->arena[size] = '\0';
	r->cells = xmalloc((ncells + 1) * sizeof *r->cells);
	r->nrows = r->alloc = nrows;
	memset(&a, 0, sizeof a);
	a.p = r->arena;
	a.end = r->arena + size;
	for (i = 0; i < ncols + ncells; i++) {
		if (tape_cell(&a, &s, &len) != 0 || (i < ncols && s == NULL))
			goto miss;
		if (s != NULL)	/* its '\n' made its NUL */
			r->arena[s + len - r->arena] = '\0';
		if (i < ncols)
			r->names[i] = r->arena + (s - r->arena);
		else
			r->cells[i - ncols] = s != NULL ? r->arena +
			    (s - r->arena) : NULL;
	}
	if (a.p != a.end)
		goto miss;
	t->p += size;
	*out = r;
	return 0;
miss:
	if (r != NULL) {
		/* names not yet set are NULL; rows_free frees none of them */
		r->nrows = 0;
		rows_free(r);
	}
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
