/*
 * Split SQL text into statements where the databases' own shells would:
 * sqlite3_complete() (SQLite's complete.c) and psql's lexer (psqlscan.l).
 */
#include <string.h>

#include "migrate.h"

/*
 * sqlite3_complete()'s tokens and states, numbered as in complete.c. Only
 * SEMI and the word tokens reach the table here: whitespace and comments
 * are skipped before a token is read.
 */
enum {
	SQLSPLIT_TK_SEMI,
	SQLSPLIT_TK_WS,
	SQLSPLIT_TK_OTHER,
	SQLSPLIT_TK_EXPLAIN,
	SQLSPLIT_TK_CREATE,
	SQLSPLIT_TK_TEMP,
	SQLSPLIT_TK_TRIGGER,
	SQLSPLIT_TK_END
};

enum {
	SQLSPLIT_ST_INVALID,
	SQLSPLIT_ST_START,	/* between statements */
	SQLSPLIT_ST_NORMAL,	/* in a statement that is no trigger */
	SQLSPLIT_ST_EXPLAIN,	/* EXPLAIN at the start */
	SQLSPLIT_ST_CREATE,	/* CREATE at the start (or after EXPLAIN) */
	SQLSPLIT_ST_TRIGGER,	/* in a CREATE TRIGGER */
	SQLSPLIT_ST_SEMI,	/* ';' in a trigger */
	SQLSPLIT_ST_END		/* ';' END in a trigger */
};

static const unsigned char sqlsplit_trans[8][8] = {
	/* SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END */
	{ 1, 0, 2, 3, 4, 2, 2, 2 },	/* INVALID */
	{ 1, 1, 2, 3, 4, 2, 2, 2 },	/* START */
	{ 1, 2, 2, 2, 2, 2, 2, 2 },	/* NORMAL */
	{ 1, 3, 3, 2, 4, 2, 2, 2 },	/* EXPLAIN */
	{ 1, 4, 2, 2, 2, 4, 5, 2 },	/* CREATE */
	{ 6, 5, 5, 5, 5, 5, 5, 5 },	/* TRIGGER */
	{ 6, 6, 5, 5, 5, 5, 5, 7 },	/* SEMI */
	{ 1, 7, 5, 5, 5, 5, 5, 5 }	/* END */
};

/*
 * The reader's state. Lines are counted lazily: "counted" and "line" say
 * how far. The statement being read starts at "start"; the SQLite fields
 * mirror complete.c, the PostgreSQL ones psqlscan.l (identifier_count is
 * capped at 4, all that psql looks at).
 */
struct sqlsplit {
	struct sql_stmts	*out;
	const char		*text;
	size_t			 len;
	enum sql_flavor		 flavor;
	struct err		*err;
	size_t			 counted;
	unsigned		 line;
	int			 in_stmt;
	size_t			 start;
	unsigned		 start_line;
	int			 state;		/* SQLite */
	unsigned		 body_line;	/* SQLite: trigger's BEGIN */
	char			 words[4];	/* psql's identifiers[] */
	size_t			 nwords;	/* psql's identifier_count */
	size_t			 parens;	/* psql's paren_depth */
	size_t			 begins;	/* psql's begin_depth */
};

static int
sqlsplit_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

static int
sqlsplit_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
sqlsplit_is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* SQLite's IdChar(): letters, digits, '_', '$' and every byte >= 0x80. */
static int
sqlsplit_is_lite_ident(int c)
{
	return sqlsplit_is_alpha(c) || sqlsplit_is_digit(c) || c == '_' ||
	    c == '$' || c >= 0x80;
}

/* psql's ident_start; ident_cont adds digits and '$'. */
static int
sqlsplit_is_pg_ident_start(int c)
{
	return sqlsplit_is_alpha(c) || c == '_' || c >= 0x80;
}

static int
sqlsplit_is_pg_ident_cont(int c)
{
	return sqlsplit_is_pg_ident_start(c) || sqlsplit_is_digit(c) ||
	    c == '$';
}

/* Whether the n bytes at w are the lower-case keyword kw, in any case. */
static int
sqlsplit_word_is(const char *w, size_t n, const char *kw)
{
	size_t	 i;
	int	 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)w[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (kw[i] == '\0' || c != kw[i])
			return 0;
	}
	return kw[n] == '\0';
}

/*
 * The line of offset pos. Offsets asked for only grow, so counting resumes
 * where it stopped and a whole parse counts each byte once.
 */
static unsigned
sqlsplit_line_at(struct sqlsplit *s, size_t pos)
{
	const char	*nl;

	while (s->counted < pos) {
		nl = memchr(s->text + s->counted, '\n', pos - s->counted);
		if (nl == NULL) {
			s->counted = pos;
			break;
		}
		s->line++;
		s->counted = (size_t)(nl - s->text) + 1;
	}
	return s->line;
}

/* Fail on what was left open at line. */
static int
sqlsplit_error_line(struct sqlsplit *s, unsigned line, const char *what)
{
	/* the line goes in err->line: main.c prints it as file:line */
	err_set(s->err, MG_ERROR, "unterminated %s", what);
	if (s->err != NULL)
		s->err->line = line;
	return MG_ERROR;
}

static int
sqlsplit_error(struct sqlsplit *s, size_t pos, const char *what)
{
	return sqlsplit_error_line(s, sqlsplit_line_at(s, pos), what);
}

static void
sqlsplit_begin(struct sqlsplit *s, size_t pos)
{
	s->in_stmt = 1;
	s->start = pos;
	s->start_line = sqlsplit_line_at(s, pos);
}

/*
 * Append the statement that ends before end and start the next one. The
 * text is kept byte for byte up to the ';', trailing blanks included:
 * SQLite stores CREATE INDEX (and virtual table) text through its last
 * byte before the ';', so trimming would change sqlite_master.
 */
static void
sqlsplit_emit(struct sqlsplit *s, size_t end)
{
	struct sql_stmts	*out = s->out;
	size_t			 n = end - s->start;

	XGROW(out->v, out->alloc, out->n + 1);
	out->v[out->n].sql = xstrndup(s->text + s->start, n);
	out->v[out->n].line = s->start_line;
	out->n++;

	s->in_stmt = 0;
	s->state = SQLSPLIT_ST_START;
	s->body_line = 0;
	memset(s->words, 0, sizeof s->words);
	s->nwords = 0;
	s->parens = 0;
	s->begins = 0;
}

/*
 * Skip the comment at pos ("--" or "slash-star") and set *next after it.
 * PostgreSQL block comments nest and must be closed; SQLite's do not nest
 * and one left open runs to the end of the input, as SQLite reads it.
 */
static int
sqlsplit_skip_comment(struct sqlsplit *s, size_t pos, size_t *next)
{
	const char	*t = s->text;
	const char	*nl;
	size_t		 i, depth = 0;

	if (t[pos] == '-') {
		nl = memchr(t + pos, '\n', s->len - pos);
		*next = nl != NULL ? (size_t)(nl - t) + 1 : s->len;
		return 0;
	}
	for (i = pos + 2; i + 1 < s->len; i++) {
		if (t[i] == '*' && t[i + 1] == '/') {
			if (depth == 0) {
				*next = i + 2;
				return 0;
			}
			depth--;
			i++;
		} else if (s->flavor == SQL_POSTGRES && t[i] == '/' &&
		    t[i + 1] == '*') {
			depth++;
			i++;
		}
	}
	if (s->flavor == SQL_SQLITE) {
		*next = s->len;
		return 0;
	}
	return sqlsplit_error(s, pos, "/* comment");
}

/*
 * Skip a quoted token whose opening quote is at open, closed by close; a
 * doubled close quote stands for itself (except after '['). With
 * backslash set, a backslash escapes the next byte (PostgreSQL E'...').
 * The error names what, from the line of from.
 */
static int
sqlsplit_skip_quoted(struct sqlsplit *s, size_t from, size_t open, int close,
    int backslash, const char *what, size_t *next)
{
	const char	*t = s->text;
	size_t		 i = open + 1;

	while (i < s->len) {
		if (backslash && t[i] == '\\') {
			i += 2;
			continue;
		}
		if (t[i] != close) {
			i++;
			continue;
		}
		if (close != ']' && i + 1 < s->len && t[i + 1] == close) {
			i += 2;
			continue;
		}
		*next = i + 1;
		return 0;
	}
	return sqlsplit_error(s, from, what);
}

/* Read one SQLite token at pos (not a space, comment or ';'). */
static int
sqlsplit_lite_token(struct sqlsplit *s, size_t pos, size_t *next)
{
	const char	*t = s->text;
	const char	*w = t + pos;
	size_t		 end, n;
	int		 c = (unsigned char)t[pos], tk = SQLSPLIT_TK_OTHER, rc;

	switch (c) {
	case '\'':
		if ((rc = sqlsplit_skip_quoted(s, pos, pos, c, 0,
		    "string literal", next)) != 0)
			return rc;
		break;
	case '"':
	case '`':
	case '[':
		if ((rc = sqlsplit_skip_quoted(s, pos, pos,
		    c == '[' ? ']' : c, 0, "quoted identifier", next)) != 0)
			return rc;
		break;
	default:
		if (!sqlsplit_is_lite_ident(c)) {
			*next = pos + 1;
			break;
		}
		for (end = pos + 1; end < s->len &&
		    sqlsplit_is_lite_ident((unsigned char)t[end]); end++)
			;
		*next = end;
		n = end - pos;
		if (sqlsplit_word_is(w, n, "create"))
			tk = SQLSPLIT_TK_CREATE;
		else if (sqlsplit_word_is(w, n, "trigger"))
			tk = SQLSPLIT_TK_TRIGGER;
		else if (sqlsplit_word_is(w, n, "temp") ||
		    sqlsplit_word_is(w, n, "temporary"))
			tk = SQLSPLIT_TK_TEMP;
		else if (sqlsplit_word_is(w, n, "end"))
			tk = SQLSPLIT_TK_END;
		else if (sqlsplit_word_is(w, n, "explain"))
			tk = SQLSPLIT_TK_EXPLAIN;
		else if (s->state >= SQLSPLIT_ST_TRIGGER &&
		    s->body_line == 0 && sqlsplit_word_is(w, n, "begin"))
			s->body_line = sqlsplit_line_at(s, pos);
		break;
	}
	s->state = sqlsplit_trans[s->state][tk];
	return 0;
}

/*
 * An unquoted PostgreSQL word, after psql: when the statement began with
 * CREATE [OR REPLACE] FUNCTION|PROCEDURE, BEGIN and CASE (inside a BEGIN)
 * open a level that END closes, and ';' ends the statement only at level
 * zero, so that a BEGIN ATOMIC ... END body stays whole.
 */
static void
sqlsplit_pg_word(struct sqlsplit *s, const char *w, size_t n)
{
	const char	*v = s->words;

	if (s->nwords < sizeof s->words) {
		if (sqlsplit_word_is(w, n, "create") ||
		    sqlsplit_word_is(w, n, "function") ||
		    sqlsplit_word_is(w, n, "procedure") ||
		    sqlsplit_word_is(w, n, "or") ||
		    sqlsplit_word_is(w, n, "replace"))
			s->words[s->nwords] = (char)(w[0] | 0x20);
		s->nwords++;
	}
	if (v[0] != 'c' || s->parens > 0)
		return;
	if (!(v[1] == 'f' || v[1] == 'p' ||
	    (v[1] == 'o' && v[2] == 'r' && (v[3] == 'f' || v[3] == 'p'))))
		return;
	if (sqlsplit_word_is(w, n, "begin"))
		s->begins++;
	else if (sqlsplit_word_is(w, n, "case")) {
		/* CASE also ends with END; it matters only inside a BEGIN */
		if (s->begins > 0)
			s->begins++;
	} else if (sqlsplit_word_is(w, n, "end")) {
		if (s->begins > 0)
			s->begins--;
	}
}

/*
 * A '$' at pos that follows no identifier: the opening of a dollar-quoted
 * body ($$ or $tag$, the tag made of identifier characters but '$')
 * running to the same delimiter, or else a lone '$', as in $1.
 */
static int
sqlsplit_pg_dollar(struct sqlsplit *s, size_t pos, size_t *next)
{
	const char	*t = s->text;
	const char	*d;
	size_t		 i, j, k, n;

	/* a tag starts as an identifier does, so "$1" is no opening */
	i = pos + 1;
	if (i < s->len && sqlsplit_is_pg_ident_start((unsigned char)t[i])) {
		while (i < s->len && t[i] != '$' &&
		    sqlsplit_is_pg_ident_cont((unsigned char)t[i]))
			i++;
	}
	if (i >= s->len || t[i] != '$') {
		*next = pos + 1;
		return 0;
	}
	n = i + 1 - pos;	/* delimiter length */
	for (j = i + 1; j < s->len; j = (size_t)(d - t) + 1) {
		d = memchr(t + j, '$', s->len - j);
		if (d == NULL)
			break;
		/*
		 * A tag holds no '$', so a mismatch shows before the next
		 * '$': the comparisons add up to one pass over the body.
		 */
		for (k = 0; k < n && (size_t)(d - t) + k < s->len &&
		    d[k] == t[pos + k]; k++)
			;
		if (k == n) {
			*next = (size_t)(d - t) + n;
			return 0;
		}
	}
	return sqlsplit_error(s, pos, "dollar-quoted string");
}

/* Read one PostgreSQL token at pos (not a space, comment or ';'). */
static int
sqlsplit_pg_token(struct sqlsplit *s, size_t pos, size_t *next)
{
	const char	*t = s->text;
	size_t		 end;
	int		 c = (unsigned char)t[pos];

	if (c == '\'')
		return sqlsplit_skip_quoted(s, pos, pos, c, 0,
		    "string literal", next);
	if (c == '"')
		return sqlsplit_skip_quoted(s, pos, pos, c, 0,
		    "quoted identifier", next);
	if (c == '$')
		return sqlsplit_pg_dollar(s, pos, next);
	if (sqlsplit_is_digit(c)) {
		/* a number, swallowing "1e" so that 1e'x' is no E'x' */
		for (end = pos; end < s->len &&
		    (sqlsplit_is_digit((unsigned char)t[end]) ||
		    t[end] == '.'); end++)
			;
		if (end < s->len && (t[end] == 'e' || t[end] == 'E')) {
			end++;
			if (end < s->len && (t[end] == '+' || t[end] == '-'))
				end++;
			while (end < s->len &&
			    sqlsplit_is_digit((unsigned char)t[end]))
				end++;
		}
		*next = end;
		return 0;
	}
	if (!sqlsplit_is_pg_ident_start(c)) {
		if (c == '(')
			s->parens++;
		else if (c == ')' && s->parens > 0)
			s->parens--;
		*next = pos + 1;
		return 0;
	}
	for (end = pos + 1; end < s->len &&
	    sqlsplit_is_pg_ident_cont((unsigned char)t[end]); end++)
		;
	/*
	 * E'..' escapes with backslashes. Other strings do not: B'..',
	 * X'..', N'..' and U&'..' are a word and a plain string here, and
	 * standard_conforming_strings is taken as on (the default since
	 * PostgreSQL 9.1, and what pg_dump sets).
	 */
	if (end == pos + 1 && (c == 'e' || c == 'E') && end < s->len &&
	    t[end] == '\'')
		return sqlsplit_skip_quoted(s, pos, end, '\'', 1,
		    "string literal", next);
	sqlsplit_pg_word(s, t + pos, end - pos);
	*next = end;
	return 0;
}

/* A ';' at pos outside quotes and comments. */
static void
sqlsplit_semi(struct sqlsplit *s, size_t pos)
{
	if (s->flavor == SQL_SQLITE) {
		s->state = sqlsplit_trans[s->state][SQLSPLIT_TK_SEMI];
		if (s->state != SQLSPLIT_ST_START)
			return;
	} else if (s->parens > 0 || s->begins > 0)
		return;
	if (s->in_stmt)
		sqlsplit_emit(s, pos);
}

int
sqlsplit_parse(struct sql_stmts *out, const char *text, size_t len,
    enum sql_flavor flavor, struct err *err)
{
	struct sqlsplit	 s;
	const char	*nul;
	size_t		 pos = 0;
	int		 c, rc;

	memset(&s, 0, sizeof s);
	s.out = out;
	s.text = text;
	s.len = len;
	s.flavor = flavor;
	s.err = err;
	s.line = 1;
	s.state = SQLSPLIT_ST_START;

	/*
	 * Statements go on as C strings, so a NUL byte would cut one short
	 * without a word: "DELETE FROM t<NUL> WHERE id = 1" would empty t.
	 */
	if ((nul = memchr(text, '\0', len)) != NULL) {
		err_set(err, MG_ERROR, "not a text file (it holds a NUL byte)");
		if (err != NULL)
			err->line = sqlsplit_line_at(&s, (size_t)(nul - text));
		return MG_ERROR;
	}

	while (pos < len) {
		c = (unsigned char)text[pos];
		if (sqlsplit_is_space(c)) {
			pos++;
			continue;
		}
		if ((c == '-' || c == '/') && pos + 1 < len &&
		    text[pos + 1] == (c == '-' ? '-' : '*')) {
			if ((rc = sqlsplit_skip_comment(&s, pos, &pos)) != 0)
				return rc;
			continue;
		}
		if (c == ';') {
			sqlsplit_semi(&s, pos);
			pos++;
			continue;
		}
		if (!s.in_stmt)
			sqlsplit_begin(&s, pos);
		if (flavor == SQL_SQLITE)
			rc = sqlsplit_lite_token(&s, pos, &pos);
		else
			rc = sqlsplit_pg_token(&s, pos, &pos);
		if (rc != 0)
			return rc;
	}
	if (!s.in_stmt)
		return 0;
	/*
	 * A trigger still in its body is an error; one that lacks only the
	 * final ';' (complete.c's END state) is whole, like any last
	 * statement. psql, too, sends what is left at the end of a file.
	 */
	if (flavor == SQL_SQLITE && (s.state == SQLSPLIT_ST_TRIGGER ||
	    s.state == SQLSPLIT_ST_SEMI))
		return sqlsplit_error_line(&s, s.body_line != 0 ? s.body_line :
		    s.start_line, "trigger body");
	sqlsplit_emit(&s, len);
	return 0;
}

void
sqlsplit_release(struct sql_stmts *stmts)
{
	size_t	 i;

	for (i = 0; i < stmts->n; i++)
		xfree(stmts->v[i].sql);
	xfree(stmts->v);
	stmts->v = NULL;
	stmts->n = 0;
	stmts->alloc = 0;
}
