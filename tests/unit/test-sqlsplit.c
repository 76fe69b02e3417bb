/*
 * sqlsplit: statement boundaries, lines and errors for both flavors, then
 * the corpus, judged on SQLite by SQLite itself.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "unit.h"

struct want {
	const char	*sql;
	unsigned	 line;
};

#define LITE	SQL_SQLITE
#define PG	SQL_POSTGRES
#define NWANT(a)	(sizeof(a) / sizeof((a)[0]))

/* Split text, which must parse, and compare with want. */
static void
check_split(enum sql_flavor flavor, const char *text, const struct want *want,
    size_t nwant)
{
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	struct err		 err = ERR_INIT;
	size_t			 i;
	int			 rc;

	rc = sqlsplit_parse(&stmts, text, strlen(text), flavor, &err);
	if (rc != 0)
		fail_msg("split of <%s> failed: %s", text, err.msg);
	if (stmts.n != nwant) {
		for (i = 0; i < stmts.n; i++)
			print_error("  got %u: <%s>\n", stmts.v[i].line,
			    stmts.v[i].sql);
		fail_msg("<%s>: %zu statements, want %zu", text, stmts.n,
		    nwant);
	}
	for (i = 0; i < nwant; i++) {
		if (strcmp(stmts.v[i].sql, want[i].sql) != 0 ||
		    stmts.v[i].line != want[i].line)
			fail_msg("<%s>: statement %zu is %u:<%s>, "
			    "want %u:<%s>", text, i, stmts.v[i].line,
			    stmts.v[i].sql, want[i].line, want[i].sql);
	}
	sqlsplit_release(&stmts);
}

#define CHECK(flavor, text, ...) do {					\
	static const struct want want_[] = { __VA_ARGS__ };		\
	check_split((flavor), (text), want_, NWANT(want_));		\
} while (0)

/* Split text, which must fail on what, left open at line. */
static void
check_error(enum sql_flavor flavor, const char *text, const char *what,
    unsigned line, size_t nkept)
{
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	struct err		 err = ERR_INIT;
	char			 msg[128];
	int			 rc;

	snprintf(msg, sizeof msg, "unterminated %s", what);
	rc = sqlsplit_parse(&stmts, text, strlen(text), flavor, &err);
	if (rc != MG_ERROR)
		fail_msg("<%s>: returned %d, want MG_ERROR", text, rc);
	assert_int_equal(err.code, MG_ERROR);
	assert_non_null(err.msg);
	if (strcmp(err.msg, msg) != 0 || err.line != line)
		fail_msg("<%s>: error %u:'%s', want %u:'%s'", text, err.line,
		    err.msg, line, msg);
	assert_int_equal(stmts.n, nkept);
	sqlsplit_release(&stmts);
	err_release(&err);
}

static void
test_sqlsplit_splits_and_numbers_lines(void **state)
{
	(void)state;
	CHECK(LITE, "CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n",
	    { "CREATE TABLE a (x int)", 1 }, { "CREATE TABLE b (y int)", 2 });
	CHECK(PG, "SELECT 1; SELECT 2;\n\n\n  SELECT\n3 ;",
	    { "SELECT 1", 1 }, { "SELECT 2", 1 }, { "SELECT\n3 ", 4 });
}

static void
test_sqlsplit_keeps_last_statement_without_semicolon(void **state)
{
	(void)state;
	CHECK(LITE, "SELECT 1;\nSELECT 2", { "SELECT 1", 1 },
	    { "SELECT 2", 2 });
	CHECK(PG, "SELECT 1;\nSELECT 2  \n\n", { "SELECT 1", 1 },
	    { "SELECT 2  \n\n", 2 });
	CHECK(PG, "SELECT 2 -- no semicolon", { "SELECT 2 -- no semicolon",
	    1 });
}

static void
test_sqlsplit_leading_comments_are_not_part_of_statement(void **state)
{
	(void)state;
	CHECK(LITE, "-- header; with a semicolon\n/* block;\n ; */\n\n"
	    "  CREATE TABLE t (x);  -- trailing; comment\n"
	    "/* a */ -- b\nDROP TABLE t;",
	    { "CREATE TABLE t (x)", 5 }, { "DROP TABLE t", 7 });
	CHECK(PG, "/* one\n/* two\n*/\n*/ -- x\n\tSELECT 1;",
	    { "SELECT 1", 5 });
}

/*
 * Byte for byte up to the ';': SQLite keeps what stands before it in the
 * CREATE INDEX text of sqlite_master (sakila/sqlite.sql has "(x) \n;").
 */
static void
test_sqlsplit_keeps_text_up_to_semicolon_verbatim(void **state)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	struct sql_stmts stmts = SQL_STMTS_INIT;
	struct err	 err = ERR_INIT;
	const char	*text = "CREATE TABLE t (x);\n"
	    "CREATE INDEX i ON t(x) -- why\n  /* note */ \n ;";

	(void)state;
	CHECK(LITE, "SELECT 1 -- why\n  /* note */ \n ;\n",
	    { "SELECT 1 -- why\n  /* note */ \n ", 1 });
	CHECK(PG, "SELECT /* a; b */ 1\t\r\n;",
	    { "SELECT /* a; b */ 1\t\r\n", 1 });

	assert_int_equal(sqlsplit_parse(&stmts, text, strlen(text), LITE,
	    &err), 0);
	assert_int_equal(stmts.n, 2);
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, stmts.v[0].sql, NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, stmts.v[1].sql, NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master"
	    " WHERE name = 'i'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(st, 0),
	    "CREATE INDEX i ON t(x) -- why\n  /* note */ \n ");
	sqlite3_finalize(st);
	sqlite3_close(db);
	sqlsplit_release(&stmts);
}

static void
test_sqlsplit_drops_empty_statements(void **state)
{
	(void)state;
	check_split(LITE, ";;  ;\n-- only a comment\n;/* c */ ;", NULL, 0);
	check_split(PG, "", NULL, 0);
	check_split(PG, " \n\t-- trailing comment only", NULL, 0);
	CHECK(PG, ";;SELECT 1;;\n;SELECT 2;;", { "SELECT 1", 1 },
	    { "SELECT 2", 2 });
	CHECK(LITE, "SELECT 1; -- tail\n/* tail */\n", { "SELECT 1", 1 });
}

static void
test_sqlsplit_counts_crlf_as_one_line_end(void **state)
{
	(void)state;
	CHECK(LITE, "-- c\r\nSELECT 1;\r\n\r\nSELECT\r\n 2;\r\n",
	    { "SELECT 1", 2 }, { "SELECT\r\n 2", 4 });
	CHECK(PG, "/*\r\n*/\r\nSELECT 'a\r\nb';\r\nSELECT 3\r\n",
	    { "SELECT 'a\r\nb'", 3 }, { "SELECT 3\r\n", 5 });
}

static void
test_sqlsplit_semicolons_in_quotes_both_flavors(void **state)
{
	enum sql_flavor	 f[] = { LITE, PG };
	size_t		 i;

	(void)state;
	for (i = 0; i < NWANT(f); i++) {
		CHECK(f[i], "SELECT 'a;b', 'it''s; fine', '';SELECT 2;",
		    { "SELECT 'a;b', 'it''s; fine', ''", 1 },
		    { "SELECT 2", 1 });
		CHECK(f[i], "CREATE TABLE \"a;b\"\"c\" (\"x;\" int);\nX;",
		    { "CREATE TABLE \"a;b\"\"c\" (\"x;\" int)", 1 },
		    { "X", 2 });
		CHECK(f[i], "SELECT '--', '/*';SELECT '\n;\n';",
		    { "SELECT '--', '/*'", 1 }, { "SELECT '\n;\n'", 1 });
		CHECK(f[i], "SELECT 1 -- ';\n, 2; SELECT \"/*\";",
		    { "SELECT 1 -- ';\n, 2", 1 }, { "SELECT \"/*\"", 2 });
		/* a backslash escapes nothing in a standard string */
		CHECK(f[i], "SELECT '\\'; SELECT 2;", { "SELECT '\\'", 1 },
		    { "SELECT 2", 1 });
	}
}

static void
test_sqlsplit_semicolons_in_comments(void **state)
{
	(void)state;
	CHECK(LITE, "SELECT 1 /* ; */ + 2; -- ;\nSELECT/*;*/3",
	    { "SELECT 1 /* ; */ + 2", 1 }, { "SELECT/*;*/3", 2 });
	CHECK(PG, "SELECT 1 +/* ; */2; SELECT 1--;\n;",
	    { "SELECT 1 +/* ; */2", 1 }, { "SELECT 1--;\n", 1 });
}

static void
test_sqlsplit_postgres_block_comments_nest(void **state)
{
	(void)state;
	CHECK(PG, "/* a /* b; */ c; */ SELECT 1; /* x /* y /**/ */ ; */ "
	    "SELECT 2;", { "SELECT 1", 1 }, { "SELECT 2", 1 });
	CHECK(PG, "SELECT /*/ still; a comment */ 1;",
	    { "SELECT /*/ still; a comment */ 1", 1 });
	/* SQLite's do not: the first close ends the comment */
	CHECK(LITE, "/* a /* b; */ c; */ SELECT 1;", { "c", 1 },
	    { "*/ SELECT 1", 1 });
}

static void
test_sqlsplit_sqlite_accepts_open_comment_at_end(void **state)
{
	(void)state;
	CHECK(LITE, "SELECT 1;\n/* never closed; SELECT 2;\n",
	    { "SELECT 1", 1 });
	CHECK(LITE, "SELECT 1 /* open ; ", { "SELECT 1 /* open ; ", 1 });
	CHECK(LITE, "SELECT 1 /*", { "SELECT 1 /*", 1 });
	CHECK(LITE, "SELECT 1 /", { "SELECT 1 /", 1 });
}

static void
test_sqlsplit_postgres_escape_strings(void **state)
{
	(void)state;
	CHECK(PG, "SELECT E'\\''; SELECT 2;", { "SELECT E'\\''", 1 },
	    { "SELECT 2", 1 });
	CHECK(PG, "SELECT e'it\\'s; \\\\' ; SELECT 2;",
	    { "SELECT e'it\\'s; \\\\' ", 1 }, { "SELECT 2", 1 });
	CHECK(PG, "SELECT E'a''b;\\';c';", { "SELECT E'a''b;\\';c'", 1 });
	/* E after an identifier character is part of the identifier */
	CHECK(PG, "SELECT xe'\\'; SELECT 2;", { "SELECT xe'\\'", 1 },
	    { "SELECT 2", 1 });
	CHECK(PG, "SELECT ex'\\'; SELECT 2;", { "SELECT ex'\\'", 1 },
	    { "SELECT 2", 1 });
	CHECK(PG, "SELECT 1e'\\'; SELECT 2;", { "SELECT 1e'\\'", 1 },
	    { "SELECT 2", 1 });
	/* other prefixes are standard strings */
	CHECK(PG, "SELECT B'\\', X'\\', N'\\', U&'\\'; SELECT U&\"a;\";",
	    { "SELECT B'\\', X'\\', N'\\', U&'\\'", 1 },
	    { "SELECT U&\"a;\"", 1 });
	/* SQLite has no E strings */
	CHECK(LITE, "SELECT E'\\'; SELECT 2;", { "SELECT E'\\'", 1 },
	    { "SELECT 2", 1 });
}

static void
test_sqlsplit_postgres_dollar_quotes(void **state)
{
	(void)state;
	CHECK(PG, "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ "
	    "LANGUAGE sql; SELECT 2;",
	    { "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ "
	    "LANGUAGE sql", 1 }, { "SELECT 2", 1 });
	CHECK(PG, "DO $body$\nBEGIN\n  EXECUTE $$ SELECT ';' $$;\n"
	    "END\n$body$;\nSELECT 3;",
	    { "DO $body$\nBEGIN\n  EXECUTE $$ SELECT ';' $$;\nEND\n$body$",
	    1 }, { "SELECT 3", 6 });
	/* another tag, a longer one, a prefix of it: none closes */
	CHECK(PG, "SELECT $a$ $b$; $ab$; $a ; a$ $A$; $a$;",
	    { "SELECT $a$ $b$; $ab$; $a ; a$ $A$; $a$", 1 });
	CHECK(PG, "SELECT $_$'$_$, $x1$\"$x1$, $ü$;$ü$;",
	    { "SELECT $_$'$_$, $x1$\"$x1$, $ü$;$ü$", 1 });
	/* delimiters touching the body */
	CHECK(PG, "SELECT $$$$; SELECT $q$$$q$;", { "SELECT $$$$", 1 },
	    { "SELECT $q$$$q$", 1 });
	/* $1 is a parameter, and a parameter before $$ opens nothing */
	CHECK(PG, "SELECT $1; SELECT $2$$;$$;",
	    { "SELECT $1", 1 }, { "SELECT $2$$;$$", 1 });
	/* $ after an identifier character belongs to the identifier */
	CHECK(PG, "SELECT foo$bar$; SELECT a$$; SELECT 2;",
	    { "SELECT foo$bar$", 1 }, { "SELECT a$$", 1 },
	    { "SELECT 2", 1 });
	/* neither a tag starting with a digit nor a lone $ opens one */
	CHECK(PG, "SELECT $1a$; SELECT $ ; SELECT $abc;",
	    { "SELECT $1a$", 1 }, { "SELECT $ ", 1 }, { "SELECT $abc", 1 });
	/* SQLite has no dollar quotes */
	CHECK(LITE, "SELECT $$;$$;", { "SELECT $$", 1 }, { "$$", 1 });
}

static void
test_sqlsplit_postgres_begin_atomic_bodies(void **state)
{
	(void)state;
	CHECK(PG, "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql\n"
	    "BEGIN ATOMIC\n"
	    "  SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;\n"
	    "  SELECT 'END;';\n"
	    "END;\nSELECT 3;",
	    { "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql\n"
	    "BEGIN ATOMIC\n"
	    "  SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;\n"
	    "  SELECT 'END;';\nEND", 1 }, { "SELECT 3", 6 });
	CHECK(PG, "create or replace procedure p() language sql begin atomic "
	    "insert into t values (1); end; call p();",
	    { "create or replace procedure p() language sql begin atomic "
	    "insert into t values (1); end", 1 }, { "call p()", 1 });
	CHECK(PG, "CREATE OR REPLACE FUNCTION f() RETURNS int BEGIN ATOMIC; "
	    "END; SELECT 1;",
	    { "CREATE OR REPLACE FUNCTION f() RETURNS int BEGIN ATOMIC; "
	    "END", 1 }, { "SELECT 1", 1 });
	/* a CASE outside BEGIN opens nothing, and its END closes nothing */
	CHECK(PG, "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql "
	    "RETURN CASE WHEN x > 0 THEN 1 END; SELECT 2;",
	    { "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql "
	    "RETURN CASE WHEN x > 0 THEN 1 END", 1 }, { "SELECT 2", 1 });
	/* a keyword's prefix is not the keyword */
	CHECK(PG, "CREATE FUNC f() BEGIN ATOMIC SELECT 1; END;",
	    { "CREATE FUNC f() BEGIN ATOMIC SELECT 1", 1 }, { "END", 1 });
	/* other statements: BEGIN and END are plain words */
	CHECK(PG, "BEGIN; CREATE TABLE t (x int); END; "
	    "CREATE VIEW v AS SELECT CASE WHEN true THEN 1 END; SELECT 1;",
	    { "BEGIN", 1 }, { "CREATE TABLE t (x int)", 1 }, { "END", 1 },
	    { "CREATE VIEW v AS SELECT CASE WHEN true THEN 1 END", 1 },
	    { "SELECT 1", 1 });
	/* whole words only, not quoted, not commented, not in a body */
	CHECK(PG, "CREATE FUNCTION \"begin\"() RETURNS int AS 'SELECT 1' "
	    "LANGUAGE sql; CREATE FUNCTION backend() RETURNS void "
	    "LANGUAGE plpgsql AS $$BEGIN NULL; END$$; "
	    "CREATE FUNCTION g() /* begin */ -- begin\n RETURNS int "
	    "RETURN begin_at; SELECT 2;",
	    { "CREATE FUNCTION \"begin\"() RETURNS int AS 'SELECT 1' "
	    "LANGUAGE sql", 1 }, { "CREATE FUNCTION backend() RETURNS void "
	    "LANGUAGE plpgsql AS $$BEGIN NULL; END$$", 1 },
	    { "CREATE FUNCTION g() /* begin */ -- begin\n RETURNS int "
	    "RETURN begin_at", 1 }, { "SELECT 2", 2 });
	/* psql counts no BEGIN inside parentheses */
	CHECK(PG, "CREATE FUNCTION f(begin int) RETURNS int LANGUAGE sql "
	    "RETURN 1; SELECT 2;", { "CREATE FUNCTION f(begin int) RETURNS "
	    "int LANGUAGE sql RETURN 1", 1 }, { "SELECT 2", 1 });
	/* as in psql, a ';' inside parentheses ends nothing */
	CHECK(PG, "SELECT (1; 2); SELECT 3;", { "SELECT (1; 2)", 1 },
	    { "SELECT 3", 1 });
}

static void
test_sqlsplit_sqlite_brackets_and_backticks(void **state)
{
	(void)state;
	CHECK(LITE, "CREATE TABLE [a;b] (`c;d` int, [e\"f'] int, `g``;h` x);"
	    "\nSELECT [;];",
	    { "CREATE TABLE [a;b] (`c;d` int, [e\"f'] int, `g``;h` x)", 1 },
	    { "SELECT [;]", 2 });
	/* "]]" is no escape: the first ']' closes */
	CHECK(LITE, "SELECT [a]]; SELECT 2;", { "SELECT [a]]", 1 },
	    { "SELECT 2", 1 });
	/* in PostgreSQL neither quotes anything */
	CHECK(PG, "SELECT a[1;2]; SELECT `x;y`;",
	    { "SELECT a[1", 1 }, { "2]", 1 }, { "SELECT `x", 1 },
	    { "y`", 1 });
}

static void
test_sqlsplit_sqlite_trigger_bodies(void **state)
{
	(void)state;
	CHECK(LITE, "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
	    "  UPDATE a SET x = CASE WHEN new.x > 0 THEN 'END;'\n"
	    "    ELSE 'end ; ' END;\n"
	    "  INSERT INTO log VALUES ('; END;', \"end\", [END]);\n"
	    "END;\nSELECT 1;",
	    { "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
	    "  UPDATE a SET x = CASE WHEN new.x > 0 THEN 'END;'\n"
	    "    ELSE 'end ; ' END;\n"
	    "  INSERT INTO log VALUES ('; END;', \"end\", [END]);\nEND", 1 },
	    { "SELECT 1", 6 });
	CHECK(LITE, "create temp trigger t before delete on a begin "
	    "select raise(abort, 'no'); end; "
	    "CREATE TEMPORARY TRIGGER IF NOT EXISTS u DELETE ON a BEGIN "
	    "SELECT 1; -- c\n end /* x */ ; EXPLAIN CREATE TRIGGER v "
	    "INSERT ON a BEGIN SELECT 2; END",
	    { "create temp trigger t before delete on a begin "
	    "select raise(abort, 'no'); end", 1 },
	    { "CREATE TEMPORARY TRIGGER IF NOT EXISTS u DELETE ON a BEGIN "
	    "SELECT 1; -- c\n end /* x */ ", 1 },
	    { "EXPLAIN CREATE TRIGGER v INSERT ON a BEGIN SELECT 2; END",
	    2 });
	/* the words as identifiers, inside other words or quoted */
	CHECK(LITE, "CREATE TABLE trigger_log (backend TEXT, \"trigger\" x,"
	    " [end] y); CREATE TABLE \"trigger\" (x); CREATE VIEW v AS "
	    "SELECT CASE x WHEN 1 THEN 2 END FROM t; SELECT 1;",
	    { "CREATE TABLE trigger_log (backend TEXT, \"trigger\" x,"
	    " [end] y)", 1 }, { "CREATE TABLE \"trigger\" (x)", 1 },
	    { "CREATE VIEW v AS SELECT CASE x WHEN 1 THEN 2 END FROM t", 1 },
	    { "SELECT 1", 1 });
	/* '$' is an identifier character: EXPLAIN$ is no EXPLAIN */
	CHECK(LITE, "EXPLAIN$ CREATE TRIGGER t BEGIN SELECT 1; END;",
	    { "EXPLAIN$ CREATE TRIGGER t BEGIN SELECT 1", 1 }, { "END", 1 });
	/* a keyword's prefix is not the keyword */
	CHECK(LITE, "CREATE TRIG t BEGIN SELECT 1; END;",
	    { "CREATE TRIG t BEGIN SELECT 1", 1 }, { "END", 1 });
	/* a transaction is no trigger */
	CHECK(LITE, "BEGIN; CREATE TABLE x (y); END;", { "BEGIN", 1 },
	    { "CREATE TABLE x (y)", 1 }, { "END", 1 });
	/* nor is a trigger named anywhere but after CREATE [TEMP] */
	CHECK(LITE, "DROP TRIGGER t; SELECT 1;", { "DROP TRIGGER t", 1 },
	    { "SELECT 1", 1 });
}

static void
test_sqlsplit_unterminated_forms_are_errors(void **state)
{
	(void)state;
	check_error(LITE, "SELECT 1;\n\nSELECT 'abc;\n", "string literal",
	    3, 1);
	check_error(LITE, "SELECT 'it''s\n", "string literal", 1, 0);
	check_error(LITE, "SELECT \"a\"\"\n;", "quoted identifier", 1, 0);
	check_error(LITE, "SELECT 1;\nSELECT [a;\n", "quoted identifier", 2,
	    1);
	check_error(LITE, "\n\n\nSELECT `a;", "quoted identifier", 4, 0);
	check_error(LITE, "CREATE TRIGGER t\nAFTER INSERT ON a\nBEGIN\n"
	    "  SELECT 1;\n", "trigger body", 3, 0);
	check_error(LITE, "SELECT 1;\nCREATE TRIGGER t AFTER INSERT ON a\n"
	    "  SELECT 1 END;", "trigger body", 2, 1);
	check_error(PG, "SELECT 1;\r\nSELECT 'a\r\n\r\n", "string literal",
	    2, 1);
	check_error(PG, "SELECT E'\\';\n", "string literal", 1, 0);
	check_error(PG, "SELECT U&'x", "string literal", 1, 0);
	check_error(PG, "\nSELECT \"x", "quoted identifier", 2, 0);
	check_error(PG, "\nSELECT 1; /* a\n /* b */\n", "/* comment", 2, 1);
}

static void
test_sqlsplit_postgres_unterminated_bodies(void **state)
{
	(void)state;
	check_error(PG, "SELECT 1;\nDO $$\nBEGIN\n", "dollar-quoted string",
	    2, 1);
	check_error(PG, "DO\n$fn$ $$ ; $fn $FN$ $fn", "dollar-quoted string",
	    2, 0);
	check_error(PG, "SELECT $a$", "dollar-quoted string", 1, 0);
	/* an open BEGIN ATOMIC is sent as it is, as psql does */
	CHECK(PG, "SELECT 1;\nCREATE FUNCTION f() BEGIN ATOMIC SELECT 1;",
	    { "SELECT 1", 1 },
	    { "CREATE FUNCTION f() BEGIN ATOMIC SELECT 1;", 2 });
}

static void
test_sqlsplit_reads_no_further_than_len(void **state)
{
	static const char *const texts[] = {
		"SELECT 'abc", "SELECT \"a", "SELECT 1 -", "SELECT 1 /",
		"x /*", "x /* *", "x --", "x $", "x $$", "x $a", "x $a$ $a",
		"x E", "x E'", "x E'\\", "x U&", "x U&'", "x 1e", "x 1.5e+",
		"x [", "x `", "CREATE TRIGGER t BEGIN SELECT 1; END",
		"CREATE FUNCTION f() BEGIN", "x ''", "x ;", ";", "x"
	};
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	struct err		 err = ERR_INIT;
	size_t			 i, len, page;
	char			*map, *buf;
	int			 f, rc;

	(void)state;
	/* each text ends where an unmapped page begins */
	page = (size_t)sysconf(_SC_PAGESIZE);
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + page, page, PROT_NONE), 0);
	for (i = 0; i < NWANT(texts); i++) {
		for (f = LITE; f <= PG; f++) {
			len = strlen(texts[i]);
			buf = map + page - len;
			memcpy(buf, texts[i], len);
			rc = sqlsplit_parse(&stmts, buf, len, f, &err);
			assert_true(rc == 0 || rc == MG_ERROR);
			sqlsplit_release(&stmts);
			err_release(&err);
		}
	}
	munmap(map, 2 * page);

	/* len, not a NUL, ends the text */
	CHECK(LITE, "SELECT 1; SELECT 2;", { "SELECT 1", 1 },
	    { "SELECT 2", 1 });
	assert_int_equal(sqlsplit_parse(&stmts, "SELECT 1; SELECT 'x';", 12,
	    LITE, &err), 0);
	assert_int_equal(stmts.n, 2);
	assert_string_equal(stmts.v[1].sql, "SE");
	sqlsplit_release(&stmts);
	assert_int_equal(sqlsplit_parse(&stmts, "SELECT 'x';", 9, PG, &err),
	    MG_ERROR);
	assert_int_equal(err.line, 1);
	sqlsplit_release(&stmts);
	err_release(&err);
}

static void
test_sqlsplit_appends_and_releases(void **state)
{
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	struct err		 err = ERR_INIT;

	(void)state;
	assert_int_equal(sqlsplit_parse(&stmts, "A; B", 4, LITE, &err), 0);
	assert_int_equal(sqlsplit_parse(&stmts, "C;", 2, PG, &err), 0);
	assert_int_equal(stmts.n, 3);
	assert_string_equal(stmts.v[2].sql, "C");
	/* on error, what was split before stays, for the caller to free */
	assert_int_equal(sqlsplit_parse(&stmts, "D; 'E", 5, PG, &err),
	    MG_ERROR);
	assert_int_equal(stmts.n, 4);
	assert_string_equal(stmts.v[3].sql, "D");
	sqlsplit_release(&stmts);
	assert_null(stmts.v);
	assert_int_equal(stmts.n, 0);
	assert_int_equal(stmts.alloc, 0);
	sqlsplit_release(&stmts);
	err_release(&err);
}

/*
 * What must hold for any input: a clean result or MG_ERROR at a line of
 * the text; statements that start at a token, in order, and that split
 * alone give back themselves.
 */
static void
check_invariants(enum sql_flavor flavor, const char *text, size_t len,
    int resplit)
{
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	struct sql_stmts	 again = SQL_STMTS_INIT;
	struct err		 err = ERR_INIT;
	unsigned		 nlines = 1, last = 1;
	const char		*sql;
	size_t			 i, n;
	int			 rc;

	for (i = 0; i < len; i++)
		nlines += text[i] == '\n';
	rc = sqlsplit_parse(&stmts, text, len, flavor, &err);
	if (rc != 0) {
		assert_int_equal(rc, MG_ERROR);
		assert_in_range(err.line, 1, nlines);
	}
	for (i = 0; i < stmts.n; i++) {
		sql = stmts.v[i].sql;
		n = strlen(sql);
		assert_in_range(stmts.v[i].line, last, nlines);
		last = stmts.v[i].line;
		if (!resplit)
			continue;
		assert_true(n > 0);
		assert_null(strchr(" \t\r\n\f\v", sql[0]));
		assert_false(sql[0] == ';');
		assert_int_equal(sqlsplit_parse(&again, sql, n, flavor, &err),
		    0);
		if (again.n != 1 || strcmp(again.v[0].sql, sql) != 0)
			fail_msg("<%s> split again is not itself", sql);
		assert_int_equal(again.v[0].line, 1);
		sqlsplit_release(&again);
	}
	sqlsplit_release(&stmts);
	err_release(&err);
}

static uint64_t	 fuzz_seed = 20261125;

static unsigned
fuzz_next(void)
{
	fuzz_seed = fuzz_seed * 6364136223846793005ULL +
	    1442695040888963407ULL;
	return (unsigned)(fuzz_seed >> 33);
}

static void
test_sqlsplit_random_input_keeps_invariants(void **state)
{
	static const char *const bits[] = {
		"'", "''", "\"", "`", "[", "]", "$", "$$", "$a$", "$b$", "$1",
		";", ";", ";", "--", "/*", "*/", "\n", "\r\n", " ", "E'", "e",
		"\\", "BEGIN", "end", "CASE", "CREATE", "TRIGGER", "temp",
		"FUNCTION", "OR", "replace", "PROCEDURE", "EXPLAIN", "(", ")",
		"x", "1", "U&", "\xc3\xbc", "atomic", "-", "/", "*"
	};
	const char	*bit;
	char		 buf[512];
	size_t		 len, n, j, k;
	int		 i, f;

	(void)state;
	/* fragments that open, close or steer something, glued at random */
	for (i = 0; i < 20000; i++) {
		len = 0;
		n = fuzz_next() % 40;
		for (j = 0; j < n; j++) {
			bit = bits[fuzz_next() % NWANT(bits)];
			k = strlen(bit);
			if (len + k + 1 > sizeof buf)
				break;
			memcpy(buf + len, bit, k);
			len += k;
			if (fuzz_next() % 3 == 0)
				buf[len++] = ' ';
		}
		for (f = LITE; f <= PG; f++)
			check_invariants(f, buf, len, 1);
	}
	/* raw bytes, NUL included: no crash, a sane result */
	for (i = 0; i < 5000; i++) {
		len = fuzz_next() % sizeof buf;
		for (k = 0; k < len; k++)
			buf[k] = (char)(fuzz_next() & 0xff);
		for (f = LITE; f <= PG; f++)
			check_invariants(f, buf, len, 0);
	}
}

/* Skip blanks and comments, as SQLite's tokenizer does, up to end. */
static const char *
lite_skip_blank(const char *p, const char *end)
{
	for (;;) {
		if (p < end && *p != '\0' && strchr(" \t\r\n\f", *p) != NULL)
			p++;
		else if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
		} else if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
			for (p += 2; end - p >= 2 && !(p[0] == '*' &&
			    p[1] == '/'); p++)
				;
			p = end - p >= 2 ? p + 2 : end;
		} else
			return p;
	}
}

/*
 * Cut text where sqlite3_complete() says a statement ends, as the sqlite3
 * shell does, and expect our statements from the pieces that hold a token.
 */
static void
check_against_complete(const char *text, size_t len)
{
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	struct strbuf		 piece = STRBUF_INIT;
	struct err		 err = ERR_INIT;
	const char		*start;
	size_t			 last = 0, i, j, n, k = 0;
	unsigned		 line;

	if (sqlsplit_parse(&stmts, text, len, LITE, &err) != 0) {
		/* something is left open, even with one more ';' */
		strbuf_add(&piece, text, len);
		strbuf_addch(&piece, ';');
		if (sqlite3_complete(piece.buf))
			fail_msg("<%s>: %s, but sqlite3_complete() accepts it",
			    text, err.msg);
		strbuf_release(&piece);
		sqlsplit_release(&stmts);
		err_release(&err);
		return;
	}
	for (i = 0; i <= len; i++) {
		if (i < len && text[i] != ';')
			continue;
		if (i < len) {
			strbuf_reset(&piece);
			strbuf_add(&piece, text + last, i + 1 - last);
			if (!sqlite3_complete(piece.buf))
				continue;
		}
		start = lite_skip_blank(text + last, text + i);
		if (start < text + i) {
			n = (size_t)(text + i - start);
			for (line = 1, j = 0; text + j < start; j++)
				line += text[j] == '\n';
			if (k >= stmts.n || strlen(stmts.v[k].sql) != n ||
			    memcmp(stmts.v[k].sql, start, n) != 0 ||
			    stmts.v[k].line != line)
				fail_msg("<%.*s>: statement %zu is not <%.*s>",
				    (int)len, text, k, (int)n, start);
			k++;
		}
		last = i + 1;
	}
	assert_int_equal(k, stmts.n);
	strbuf_release(&piece);
	sqlsplit_release(&stmts);
}

static void
test_sqlsplit_sqlite_agrees_with_sqlite3_complete(void **state)
{
	static const char *const bits[] = {
		"'", "\"", "`", "[", "]", ";", ";", ";", "--", "/*", "*/",
		"\n", " ", "BEGIN", "end", "CASE", "CREATE", "TRIGGER",
		"temp", "TEMPORARY", "EXPLAIN", "x", "$", "_", "\xc3\xbc", "-",
		"/", "*", "(", ")", "1", "CREATE TRIGGER",
		"create temp trigger", "EXPLAIN CREATE TRIGGER",
		"CREATE TEMPORARY TRIGGER", "; END;", "; end", "END$", "$end",
		"'a;b'", "[;]", "\"e;\"", "`;`", "/* ; */", "-- ;\n",
		"'it''s'", "; END", "END;"
	};
	const char	*bit;
	char		 buf[256];
	size_t		 len, n, j, k;
	int		 i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		len = 0;
		n = fuzz_next() % 30;
		for (j = 0; j < n; j++) {
			bit = bits[fuzz_next() % NWANT(bits)];
			k = strlen(bit);
			if (len + k + 2 > sizeof buf)
				break;
			memcpy(buf + len, bit, k);
			len += k;
			if (fuzz_next() % 2 == 0)
				buf[len++] = ' ';
		}
		buf[len] = '\0';
		check_against_complete(buf, len);
	}
}

/* text made of head, body repeated n times, then tail; caller frees */
static char *
repeat(const char *head, const char *body, size_t n, const char *tail,
    size_t *len)
{
	size_t	 h = strlen(head), b = strlen(body), t = strlen(tail), i;
	char	*s;

	*len = h + b * n + t;
	s = malloc(*len + 1);
	assert_non_null(s);
	memcpy(s, head, h);
	for (i = 0; i < n; i++)
		memcpy(s + h + b * i, body, b);
	memcpy(s + h + b * n, tail, t + 1);
	return s;
}

static void
check_count(enum sql_flavor flavor, const char *text, size_t len, size_t n,
    unsigned last_line)
{
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	struct err		 err = ERR_INIT;

	assert_int_equal(sqlsplit_parse(&stmts, text, len, flavor, &err), 0);
	assert_int_equal(stmts.n, n);
	assert_int_equal(stmts.v[n - 1].line, last_line);
	sqlsplit_release(&stmts);
}

static void
test_sqlsplit_large_inputs_take_linear_time(void **state)
{
	char	*s, *tag, *body;
	size_t	 len, i, n = 100000;

	(void)state;
	/* many statements: lines are not recounted from the start */
	s = repeat("", "x;\n", n, "", &len);
	check_count(LITE, s, len, n, (unsigned)n);
	check_count(PG, s, len, n, (unsigned)n);
	free(s);
	s = repeat("", "\r\n", n, "SELECT 1", &len);
	check_count(PG, s, len, 1, (unsigned)n + 1);
	free(s);

	/* a long tag, and a body of near misses of it */
	tag = repeat("$", "a", 4096, "$", &len);
	body = repeat("", "a", 4095, "b", &len);
	body[0] = '$';
	s = repeat(tag, body, 256, "", &len);
	s = realloc(s, len + 4098 + 5);
	assert_non_null(s);
	memcpy(s + len, tag, 4098);
	memcpy(s + len + 4098, "; x;", 5);
	check_count(PG, s, len + 4098 + 4, 2, 1);
	free(s);
	free(body);
	free(tag);

	/* deep nesting */
	s = malloc(4 * n + 3);
	assert_non_null(s);
	for (i = 0; i < n; i++) {
		memcpy(s + 2 * i, "/*", 2);
		memcpy(s + 2 * n + 2 * i, "*/", 2);
	}
	memcpy(s + 4 * n, "x;", 3);
	check_count(PG, s, 4 * n + 2, 1, 1);
	free(s);
	s = repeat("(", "((", n, "; x;", &len);
	check_count(PG, s, len, 1, 1);
	free(s);
	s = repeat("CREATE TRIGGER t BEGIN ", "SELECT 1; ", n, "END; x;",
	    &len);
	check_count(LITE, s, len, 2, 1);
	free(s);
	s = repeat("CREATE FUNCTION f() BEGIN ATOMIC ", "CASE BEGIN ; ", n,
	    "", &len);
	check_count(PG, s, len, 1, 1);
	free(s);
}

/*
 * The corpus: every .sql file under MIGRATE_CORPUS (default
 * ../shared/corpus from the repository root), sorted by path.
 */
struct corpus {
	char	*dir;
	char	**paths;
	size_t	 n;
	size_t	 alloc;
};

static int
corpus_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
corpus_collect(struct corpus *c, const char *dir)
{
	struct strbuf	 path = STRBUF_INIT;
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	size_t		 n;

	d = opendir(dir);
	if (d == NULL)
		fail_msg("cannot open corpus folder '%s'", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		if (stat(path.buf, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			corpus_collect(c, path.buf);
			continue;
		}
		n = strlen(de->d_name);
		if (!S_ISREG(st.st_mode) || n < 4 ||
		    strcmp(de->d_name + n - 4, ".sql") != 0)
			continue;
		XGROW(c->paths, c->alloc, c->n + 1);
		c->paths[c->n++] = strbuf_detach(&path, NULL);
	}
	closedir(d);
	strbuf_release(&path);
}

static int
corpus_setup(void **state)
{
	struct corpus	*c = xcalloc(1, sizeof *c);
	const char	*dir = getenv("MIGRATE_CORPUS");
	struct stat	 st;

	c->dir = xstrdup(dir != NULL && *dir != '\0' ? dir :
	    "../shared/corpus");
	*state = c;
	if (stat(c->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		print_error("corpus not found at '%s' (set MIGRATE_CORPUS)\n",
		    c->dir);
		return 0;	/* the tests fail on it; they do not skip */
	}
	corpus_collect(c, c->dir);
	if (c->n > 0)
		qsort(c->paths, c->n, sizeof *c->paths, corpus_cmp);
	return 0;
}

static int
corpus_teardown(void **state)
{
	struct corpus	*c = *state;
	size_t		 i;

	for (i = 0; i < c->n; i++)
		xfree(c->paths[i]);
	xfree(c->paths);
	xfree(c->dir);
	xfree(c);
	return 0;
}

/* The flavor a corpus file's name gives, or 0 for neither. */
static int
corpus_flavor(const char *path)
{
	const char	*base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	if (strncmp(base, "sqlite", 6) == 0)
		return LITE;
	if (strncmp(base, "postgres", 8) == 0)
		return PG;
	return 0;
}

/* Whether line `line` of text holds the start of sql (its first 30 bytes). */
static int
line_holds(const char *text, unsigned line, const char *sql)
{
	char		 want[32];
	const char	*p = text, *eol;
	size_t		 n;
	unsigned	 i;

	for (i = 1; i < line && p != NULL; i++) {
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	if (p == NULL)
		return 0;
	n = strcspn(sql, "\r\n");
	if (n > sizeof want - 1)
		n = sizeof want - 1;
	memcpy(want, sql, n);
	want[n] = '\0';
	eol = strchr(p, '\n');
	if (eol == NULL)
		eol = p + strlen(p);
	for (; p + n <= eol; p++)
		if (strncmp(p, want, n) == 0)
			return 1;
	return 0;
}

/* The catalog rows, as a test would print them: type|name|tbl_name|sql. */
static void
master_dump(struct strbuf *out, sqlite3 *db)
{
	sqlite3_stmt	*st = NULL;
	const unsigned char *v;
	int		 i;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT type, name, tbl_name,"
	    " sql FROM sqlite_master ORDER BY type, name", -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < 4; i++) {
			v = sqlite3_column_text(st, i);
			strbuf_addf(out, "%s%s", i ? "|" : "",
			    v != NULL ? (const char *)v : "<null>");
		}
		strbuf_addch(out, '\n');
	}
	sqlite3_finalize(st);
}

static void
sqlite_open(sqlite3 **db)
{
	assert_int_equal(sqlite3_open(":memory:", db), SQLITE_OK);
}

static void
sqlite_exec(sqlite3 *db, const char *path, const char *sql)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: sqlite3_exec: %s\n<%s>", path, msg, sql);
}

/*
 * Whole file and statement by statement give the same sqlite_master;
 * each statement is exactly one; and SQLite's own reading of the file
 * (prepare, step, go on at the tail) finds the same statements.
 */
static void
check_sqlite_file(const char *path, const char *text,
    const struct sql_stmts *stmts)
{
	struct strbuf	 whole_rows = STRBUF_INIT, split_rows = STRBUF_INIT;
	sqlite3		*whole = NULL, *split = NULL, *own = NULL;
	sqlite3_stmt	*st = NULL;
	const char	*tail, *rest, *p;
	size_t		 i, n = 0;

	sqlite_open(&whole);
	sqlite_open(&split);
	sqlite_open(&own);
	sqlite_exec(whole, path, text);
	for (i = 0; i < stmts->n; i++) {
		assert_int_equal(sqlite3_prepare_v2(split, stmts->v[i].sql, -1,
		    &st, &tail), SQLITE_OK);
		if (st == NULL)
			fail_msg("%s:%u: no statement in <%s>", path,
			    stmts->v[i].line, stmts->v[i].sql);
		sqlite3_finalize(st);
		assert_int_equal(sqlite3_prepare_v2(split, tail, -1, &st,
		    &rest), SQLITE_OK);
		if (st != NULL || *rest != '\0')
			fail_msg("%s:%u: more than one statement in <%s>",
			    path, stmts->v[i].line, stmts->v[i].sql);
		sqlite_exec(split, path, stmts->v[i].sql);
	}

	for (p = text; *p != '\0'; p = tail) {
		assert_int_equal(sqlite3_prepare_v2(own, p, -1, &st, &tail),
		    SQLITE_OK);
		if (st == NULL) {
			if (tail == p)
				break;
			continue;
		}
		while (sqlite3_step(st) == SQLITE_ROW)
			;
		if (n >= stmts->n || strstr(sqlite3_sql(st),
		    stmts->v[n].sql) == NULL)
			fail_msg("%s: SQLite's statement %zu <%s> is not ours",
			    path, n, sqlite3_sql(st));
		sqlite3_finalize(st);
		n++;
	}
	assert_int_equal(n, stmts->n);

	master_dump(&whole_rows, whole);
	master_dump(&split_rows, split);
	assert_true(whole_rows.len > 0);
	assert_string_equal(whole_rows.buf, split_rows.buf);
	strbuf_reset(&split_rows);
	master_dump(&split_rows, own);
	assert_string_equal(whole_rows.buf, split_rows.buf);
	strbuf_release(&whole_rows);
	strbuf_release(&split_rows);
	sqlite3_close(whole);
	sqlite3_close(split);
	sqlite3_close(own);
}

static int
is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

/*
 * Whether a PostgreSQL statement closes every quote, comment and dollar
 * body it opens: a plain second reading, apart from sqlsplit's.
 */
static int
pg_balanced(const char *sql)
{
	const char	*p = sql, *q;
	char		 tag[64];
	size_t		 n;
	int		 depth, esc, quote;

	while (*p != '\0') {
		if (p[0] == '-' && p[1] == '-') {
			if ((q = strchr(p, '\n')) == NULL)
				return 1;
			p = q + 1;
		} else if (p[0] == '/' && p[1] == '*') {
			for (depth = 1, p += 2; depth > 0; ) {
				if (*p == '\0')
					return 0;
				if (p[0] == '/' && p[1] == '*')
					depth++, p += 2;
				else if (p[0] == '*' && p[1] == '/')
					depth--, p += 2;
				else
					p++;
			}
		} else if (*p == '\'' || *p == '"') {
			esc = *p == '\'' && p > sql && (p[-1] | 0x20) == 'e' &&
			    (p - 1 == sql || !is_ident((unsigned char)p[-2]));
			quote = *p++;
			for (;;) {
				if (*p == '\0')
					return 0;
				if (esc && p[0] == '\\' && p[1] != '\0')
					p += 2;
				else if (p[0] == quote && p[1] == quote)
					p += 2;
				else if (*p++ == quote)
					break;
			}
		} else if (*p == '$' && (p == sql ||
		    !is_ident((unsigned char)p[-1])) &&
		    !(p[1] >= '0' && p[1] <= '9') &&
		    (n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789")) < 60 &&
		    p[1 + n] == '$') {
			memcpy(tag, p, n + 2);
			tag[n + 2] = '\0';
			if ((q = strstr(p + n + 2, tag)) == NULL)
				return 0;
			p = q + n + 2;
		} else
			p++;
	}
	return 1;
}

/*
 * Statements in the PostgreSQL files, counted by PostgreSQL's own parser:
 * libpg_query (the server's scan.l and gram.y; npm libpg-query 17.7.4)
 * parsed each file whole, and its stmt_location/stmt_len matched our
 * statements one by one. By hand, chinook: 11 CREATE TABLE + 11 ALTER
 * TABLE ... ADD CONSTRAINT + 11 CREATE INDEX = 33; pagila (grep '^KEYWORD'
 * agrees): 1 SET + 2 CREATE DOMAIN + 1 CREATE TYPE + 9 CREATE FUNCTION +
 * 1 CREATE AGGREGATE + 13 CREATE SEQUENCE + 22 CREATE TABLE + 7 CREATE
 * VIEW + 1 CREATE MATERIALIZED VIEW + 57 ALTER TABLE + 34 CREATE [UNIQUE]
 * INDEX + 15 CREATE TRIGGER = 163.
 */
static const struct {
	const char	*file;
	size_t		 n;
} pg_counts[] = {
	{ "blog/postgres.sql", 11 },
	{ "chinook/postgres-identity.sql", 33 },
	{ "chinook/postgres-serial.sql", 33 },
	{ "chinook/postgres.sql", 33 },
	{ "edge-cases/postgres.sql", 48 },
	{ "northwind/postgres.sql", 42 },
	{ "pagila/postgres.sql", 163 },
	{ "sakila/postgres.sql", 160 }
};

static void
check_postgres_file(const char *path, const char *text, size_t len,
    const struct sql_stmts *stmts, int *nexact)
{
	size_t	 i, plen, flen, nsemi = 0;

	for (i = 0; i < len; i++)
		nsemi += text[i] == ';';
	assert_true(stmts->n >= 1);
	assert_true(stmts->n <= nsemi + 1);
	for (i = 0; i < stmts->n; i++) {
		if (!pg_balanced(stmts->v[i].sql))
			fail_msg("%s:%u: unbalanced <%s>", path,
			    stmts->v[i].line, stmts->v[i].sql);
		if (!((stmts->v[i].sql[0] | 0x20) >= 'a' &&
		    (stmts->v[i].sql[0] | 0x20) <= 'z'))
			fail_msg("%s:%u: <%s> starts with no keyword", path,
			    stmts->v[i].line, stmts->v[i].sql);
	}
	plen = strlen(path);
	for (i = 0; i < NWANT(pg_counts); i++) {
		flen = strlen(pg_counts[i].file);
		if (plen > flen && path[plen - flen - 1] == '/' &&
		    strcmp(path + plen - flen, pg_counts[i].file) == 0) {
			if (stmts->n != pg_counts[i].n)
				fail_msg("%s: %zu statements, want %zu", path,
				    stmts->n, pg_counts[i].n);
			(*nexact)++;
		}
	}
}

static void
test_sqlsplit_corpus(void **state)
{
	struct corpus		*c = *state;
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	struct strbuf		 text = STRBUF_INIT;
	struct err		 err = ERR_INIT;
	size_t			 i, j;
	int			 flavor, nlite = 0, npg = 0, nexact = 0;

	if (c->n == 0)
		fail_msg("no .sql files in corpus '%s' (set MIGRATE_CORPUS)",
		    c->dir);
	for (i = 0; i < c->n; i++) {
		if ((flavor = corpus_flavor(c->paths[i])) == 0)
			continue;
		strbuf_reset(&text);
		if (strbuf_read_file(&text, c->paths[i]) != 0)
			fail_msg("cannot read '%s'", c->paths[i]);
		if (sqlsplit_parse(&stmts, text.buf, text.len, flavor,
		    &err) != 0)
			fail_msg("%s:%u: %s", c->paths[i], err.line, err.msg);
		for (j = 0; j < stmts.n; j++) {
			if (!line_holds(text.buf, stmts.v[j].line,
			    stmts.v[j].sql))
				fail_msg("%s: <%s> is not on line %u",
				    c->paths[i], stmts.v[j].sql,
				    stmts.v[j].line);
		}
		check_invariants(flavor, text.buf, text.len, 1);
		if (flavor == LITE) {
			check_sqlite_file(c->paths[i], text.buf, &stmts);
			nlite++;
		} else {
			check_postgres_file(c->paths[i], text.buf, text.len,
			    &stmts, &nexact);
			npg++;
		}
		print_message("%s: %zu statements\n", c->paths[i], stmts.n);
		sqlsplit_release(&stmts);
	}
	strbuf_release(&text);
	assert_true(nlite > 0);
	assert_true(npg > 0);
	/* at least chinook/postgres.sql and pagila/postgres.sql */
	assert_true(nexact >= 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlsplit_splits_and_numbers_lines),
		cmocka_unit_test(
		    test_sqlsplit_keeps_last_statement_without_semicolon),
		cmocka_unit_test(
		    test_sqlsplit_leading_comments_are_not_part_of_statement),
		cmocka_unit_test(
		    test_sqlsplit_keeps_text_up_to_semicolon_verbatim),
		cmocka_unit_test(test_sqlsplit_drops_empty_statements),
		cmocka_unit_test(test_sqlsplit_counts_crlf_as_one_line_end),
		cmocka_unit_test(
		    test_sqlsplit_semicolons_in_quotes_both_flavors),
		cmocka_unit_test(test_sqlsplit_semicolons_in_comments),
		cmocka_unit_test(test_sqlsplit_postgres_block_comments_nest),
		cmocka_unit_test(
		    test_sqlsplit_sqlite_accepts_open_comment_at_end),
		cmocka_unit_test(test_sqlsplit_postgres_escape_strings),
		cmocka_unit_test(test_sqlsplit_postgres_dollar_quotes),
		cmocka_unit_test(test_sqlsplit_postgres_begin_atomic_bodies),
		cmocka_unit_test(test_sqlsplit_sqlite_brackets_and_backticks),
		cmocka_unit_test(test_sqlsplit_sqlite_trigger_bodies),
		cmocka_unit_test(test_sqlsplit_unterminated_forms_are_errors),
		cmocka_unit_test(test_sqlsplit_postgres_unterminated_bodies),
		cmocka_unit_test(test_sqlsplit_reads_no_further_than_len),
		cmocka_unit_test(test_sqlsplit_appends_and_releases),
		cmocka_unit_test(test_sqlsplit_random_input_keeps_invariants),
		cmocka_unit_test(
		    test_sqlsplit_sqlite_agrees_with_sqlite3_complete),
		cmocka_unit_test(test_sqlsplit_large_inputs_take_linear_time),
		cmocka_unit_test_setup_teardown(test_sqlsplit_corpus,
		    corpus_setup, corpus_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
