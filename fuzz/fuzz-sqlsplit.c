/*
 * Fuzz the SQL splitter in both flavors. Besides the sanitizers it checks
 * that every statement is whole (split again, it gives itself back), that
 * lines only grow, and, for SQLite, that it splits exactly where SQLite's
 * own sqlite3_complete() says a statement ends.
 */
#include <string.h>

#include <sqlite3.h>

#include "fuzz.h"

/* Lines in text: one more than its newlines. */
static unsigned
fuzz_lines(const char *text, size_t len)
{
	unsigned	 n = 1;
	size_t		 i;

	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	return n;
}

/*
 * sqlite3_complete() on the n bytes at p. complete.c takes '\v' for a
 * word byte where SQLite's tokenizer and the splitter see a space, so it
 * becomes ' ' here.
 */
static int
fuzz_complete(const char *p, size_t n)
{
	char	*s = xstrndup(p, n);
	size_t	 i;
	int	 rc;

	for (i = 0; i < n; i++) {
		if (s[i] == '\v')
			s[i] = ' ';
	}
	rc = sqlite3_complete(s);
	xfree(s);
	return rc;
}

/* A statement that ended at a ';' is complete there and nowhere before. */
static void
fuzz_check_sqlite(const char *sql)
{
	size_t	 n = strlen(sql), i;
	char	*semi;

	semi = xmalloc(n + 2);
	memcpy(semi, sql, n);
	semi[n] = ';';
	semi[n + 1] = '\0';
	FUZZ_CHECK(fuzz_complete(semi, n + 1) == 1);
	for (i = 0; n <= 4096 && i < n; i++) {
		if (sql[i] == ';')
			FUZZ_CHECK(fuzz_complete(sql, i + 1) == 0);
	}
	xfree(semi);
}

static void
fuzz_split(const char *text, size_t len, enum sql_flavor flavor, int nul)
{
	struct sql_stmts	 out = SQL_STMTS_INIT, again = SQL_STMTS_INIT;
	struct err		 err = ERR_INIT, err2 = ERR_INIT;
	unsigned		 nlines = fuzz_lines(text, len), last = 1;
	size_t			 i, n;
	int			 rc;

	rc = sqlsplit_parse(&out, text, len, flavor, &err);
	/* a NUL byte would cut a statement short: text with one is refused */
	FUZZ_CHECK(!nul || rc == MG_ERROR);
	if (rc != 0) {
		FUZZ_CHECK(rc == MG_ERROR);
		FUZZ_CHECK(err.msg != NULL);
		FUZZ_CHECK(err.line >= 1 && err.line <= nlines);
		goto done;
	}
	for (i = 0; i < out.n; i++) {
		const char	*sql = out.v[i].sql;

		n = strlen(sql);
		FUZZ_CHECK(n > 0 && n <= len);
		FUZZ_CHECK(strchr(" \t\r\n\f\v;", sql[0]) == NULL);
		FUZZ_CHECK(out.v[i].line >= last && out.v[i].line <= nlines);
		last = out.v[i].line;
		/* a statement split again is itself, whole */
		FUZZ_CHECK(sqlsplit_parse(&again, sql, n, flavor, &err2) == 0);
		FUZZ_CHECK(again.n == 1);
		FUZZ_CHECK(strcmp(again.v[0].sql, sql) == 0);
		sqlsplit_release(&again);
		/* all but the last statement ended at a ';' */
		if (flavor == SQL_SQLITE && i + 1 < out.n)
			fuzz_check_sqlite(sql);
	}
done:
	sqlsplit_release(&out);
	err_release(&err);
	err_release(&err2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text;
	int	 nul;

	/* a copy of exactly size bytes, so ASan sees any read past the end */
	text = xmalloc(size);
	memcpy(text, data, size);
	nul = memchr(text, '\0', size) != NULL;
	fuzz_split(text, size, SQL_SQLITE, nul);
	fuzz_split(text, size, SQL_POSTGRES, nul);
	xfree(text);
	return 0;
}
