/*
 * script: reading a revision script's header and parts, checksums, ids,
 * slugs, file names and template rendering.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "util/sha256.h"

#define PATH	"versions/3f2a9c1b7e4d_add_users.sql"

/* A full header, every field; the line numbers are used below. */
static const char full_lf[] =
    "-- add users\n"					/* 1 */
    "-- and their emails\n"				/* 2 */
    "--\n"						/* 3 */
    "-- Revision ID: 3f2a9c1b7e4d\n"			/* 4 */
    "-- Revises: 1111aaaa2222, 3333bbbb4444\n"		/* 5 */
    "-- Create Date: 2026-11-25 10:00:00.000000+00:00\n" /* 6 */
    "-- Branch Labels: feature, other_label\n"		/* 7 */
    "-- Depends On: 5555cccc6666\n"			/* 8 */
    "-- Transactional: no\n"				/* 9 */
    "-- Author: Jane Doe\n"				/* 10 */
    "\n"						/* 11 */
    "-- migrate:upgrade\n"				/* 12 */
    "CREATE TABLE t (id INTEGER);\n"			/* 13 */
    "\n"						/* 14 */
    "-- migrate:downgrade\n"				/* 15 */
    "DROP TABLE t;\n";					/* 16 */

#define UP_TEXT		"CREATE TABLE t (id INTEGER);\n\n"
#define DOWN_TEXT	"DROP TABLE t;\n"

/* script_parse on a copy of text (it takes ownership of the copy). */
static int
parse_n(struct script **s, const char *text, size_t len, struct err *err)
{
	char	*copy = xmalloc(len + 1);

	memcpy(copy, text, len);
	copy[len] = '\0';
	return script_parse(s, PATH, copy, len, err);
}

static int
parse(struct script **s, const char *text, struct err *err)
{
	return parse_n(s, text, strlen(text), err);
}

/* LF text to CRLF; caller frees. */
static char *
to_crlf(const char *text)
{
	struct strbuf	 sb = STRBUF_INIT;

	for (; *text != '\0'; text++) {
		if (*text == '\n')
			strbuf_addch(&sb, '\r');
		strbuf_addch(&sb, *text);
	}
	return strbuf_detach(&sb, NULL);
}

/* One header with the given Revises value and upgrade SQL. */
static char *
simple(const char *revises, const char *extra, const char *up)
{
	struct strbuf	 sb = STRBUF_INIT;

	strbuf_addf(&sb, "-- msg\n--\n-- Revision ID: abcdef012345\n"
	    "-- Revises:%s%s\n%s\n-- migrate:upgrade\n%s\n"
	    "-- migrate:downgrade\nSELECT 2;\n", *revises ? " " : "", revises,
	    extra, up);
	return strbuf_detach(&sb, NULL);
}

static void
expect_error(const char *text, unsigned line, const char *needle)
{
	struct script	*s = (struct script *)1;
	struct err	 err = ERR_INIT;

	assert_int_equal(parse(&s, text, &err), MG_ECONFIG);
	assert_null(s);
	assert_non_null(err.msg);
	assert_non_null(err.path);
	assert_string_equal(err.path, PATH);
	if (line != 0)
		assert_int_equal(err.line, line);
	if (strstr(err.msg, needle) == NULL)
		fail_msg("message '%s' does not contain '%s'", err.msg, needle);
	err_release(&err);
}

static void
check_full(const struct script *s)
{
	assert_string_equal(s->path, PATH);
	assert_string_equal(s->message, "add users and their emails");
	assert_string_equal(s->rev, "3f2a9c1b7e4d");
	assert_int_equal(s->ndown, 2);
	assert_string_equal(s->down[0], "1111aaaa2222");
	assert_string_equal(s->down[1], "3333bbbb4444");
	assert_string_equal(s->create_date,
	    "2026-11-25 10:00:00.000000+00:00");
	assert_int_equal(s->nlabels, 2);
	assert_string_equal(s->labels[0], "feature");
	assert_string_equal(s->labels[1], "other_label");
	assert_int_equal(s->ndepends, 1);
	assert_string_equal(s->depends[0], "5555cccc6666");
	assert_int_equal(s->transactional, 0);
	assert_string_equal(s->author, "Jane Doe");
	assert_true(s->up.present);
	assert_true(s->down_part.present);
	assert_int_equal(s->up.line, 13);
	assert_int_equal(s->down_part.line, 16);
}

static void
test_script_header_fields(void **state)
{
	struct script	*s = NULL;
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(parse(&s, full_lf, &err), 0);
	assert_null(err.msg);
	check_full(s);
	/* the parts: offsets into the text, up to the next marker */
	assert_int_equal(s->len, strlen(full_lf));
	assert_int_equal(s->up.len, strlen(UP_TEXT));
	assert_memory_equal(s->text + s->up.off, UP_TEXT, s->up.len);
	assert_int_equal(s->down_part.len, strlen(DOWN_TEXT));
	assert_memory_equal(s->text + s->down_part.off, DOWN_TEXT,
	    s->down_part.len);
	assert_int_equal(s->down_part.off + s->down_part.len, s->len);
	script_free(s);
}

static void
test_script_revises_counts_and_defaults(void **state)
{
	struct script	*s = NULL;
	struct err	 err = ERR_INIT;
	char		*t;

	(void)state;
	/* a base: empty Revises; absent optional fields */
	t = simple("", "", "SELECT 1;");
	assert_int_equal(parse(&s, t, &err), 0);
	assert_string_equal(s->rev, "abcdef012345");
	assert_int_equal(s->ndown, 0);
	assert_int_equal(s->nlabels, 0);
	assert_int_equal(s->ndepends, 0);
	assert_null(s->create_date);
	assert_null(s->author);
	assert_int_equal(s->transactional, 1);
	assert_string_equal(s->message, "msg");
	script_free(s);
	xfree(t);
	/* one parent */
	t = simple("1111aaaa2222", "-- Transactional: yes", "SELECT 1;");
	assert_int_equal(parse(&s, t, &err), 0);
	assert_int_equal(s->ndown, 1);
	assert_string_equal(s->down[0], "1111aaaa2222");
	assert_int_equal(s->transactional, 1);
	script_free(s);
	xfree(t);
	/* two parents: a merge */
	t = simple("1111aaaa2222,3333bbbb4444", "", "SELECT 1;");
	assert_int_equal(parse(&s, t, &err), 0);
	assert_int_equal(s->ndown, 2);
	assert_string_equal(s->down[0], "1111aaaa2222");
	assert_string_equal(s->down[1], "3333bbbb4444");
	script_free(s);
	xfree(t);
	/* no downgrade part is allowed */
	assert_int_equal(parse(&s, "-- m\n-- Revision ID: ab12\n-- Revises:\n"
	    "-- migrate:upgrade\nSELECT 1;\n", &err), 0);
	assert_true(s->up.present);
	assert_false(s->down_part.present);
	assert_int_equal(s->up.line, 5);
	assert_memory_equal(s->text + s->up.off, "SELECT 1;\n", s->up.len);
	script_free(s);
	assert_null(err.msg);
}

static void
test_script_crlf_parses_like_lf(void **state)
{
	struct script	*s = NULL, *l = NULL;
	struct err	 err = ERR_INIT;
	char		*crlf = to_crlf(full_lf);
	char		 a[65], b[65];

	(void)state;
	assert_int_equal(parse(&s, crlf, &err), 0);
	check_full(s);
	assert_int_equal(parse(&l, full_lf, &err), 0);
	/* the parts hold the same SQL, with their own line endings */
	assert_memory_equal(s->text + s->up.off,
	    "CREATE TABLE t (id INTEGER);\r\n\r\n", s->up.len);
	script_checksum(a, s, 1);
	script_checksum(b, l, 1);
	assert_string_equal(a, b);
	script_checksum(a, s, 0);
	script_checksum(b, l, 0);
	assert_string_equal(a, b);
	script_free(s);
	script_free(l);
	xfree(crlf);
}

static void
test_script_checksum(void **state)
{
	struct script	*s = NULL, *o = NULL;
	struct err	 err = ERR_INIT;
	char		 up[65], down[65], want[65], other[65];
	char		*t;
	size_t		 i;

	(void)state;
	assert_int_equal(parse(&s, full_lf, &err), 0);
	script_checksum(up, s, 1);
	script_checksum(down, s, 0);
	assert_int_equal(strlen(up), 64);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", up[i]));
	/* SHA-256 of exactly the part's text */
	sha256_hex(want, UP_TEXT, strlen(UP_TEXT));
	assert_string_equal(up, want);
	sha256_hex(want, DOWN_TEXT, strlen(DOWN_TEXT));
	assert_string_equal(down, want);
	assert_string_not_equal(up, down);
	/* the header does not count; the SQL does */
	t = simple("", "", "CREATE TABLE t (id INTEGER);\n");
	assert_int_equal(parse(&o, t, &err), 0);
	script_checksum(other, o, 1);
	assert_string_equal(other, up);
	script_free(o);
	xfree(t);
	t = simple("", "", "CREATE TABLE t (id BIGINT);\n");
	assert_int_equal(parse(&o, t, &err), 0);
	script_checksum(other, o, 1);
	assert_string_not_equal(other, up);
	script_free(o);
	xfree(t);
	script_free(s);
}

static void
test_script_errors(void **state)
{
	char	*t;

	(void)state;
	expect_error("-- m\n--\n-- Revision ID: ab12\n-- Revises:\n"
	    "-- Revision ID: cd34\n-- migrate:upgrade\nSELECT 1;\n", 5,
	    "'Revision ID' given twice (first on line 3)");
	expect_error("-- m\n-- Revision ID: ab12\n-- Revises:\n"
	    "-- Colour: blue\n-- migrate:upgrade\nSELECT 1;\n", 4,
	    "expected 'Field: value' in the header, found 'Colour: blue'");
	expect_error("-- m\n--\n-- Revision ID: ab-12\n-- Revises:\n"
	    "-- migrate:upgrade\nSELECT 1;\n", 3, "'Revision ID: ab-12' is "
	    "not a valid revision id");
	expect_error("-- m\n-- Revision ID: head\n-- Revises:\n"
	    "-- migrate:upgrade\nSELECT 1;\n", 2, "not a valid revision id");
	expect_error("-- m\n-- Revision ID: ab12\n-- Revises: x/y\n"
	    "-- migrate:upgrade\nSELECT 1;\n", 3, "'x/y' is not a valid");
	expect_error("-- m\n-- Revision ID: ab12\n-- Revises:\n"
	    "-- Transactional: maybe\n-- migrate:upgrade\nSELECT 1;\n", 4,
	    "'Transactional: maybe' must be yes or no");
	/* SQL between the header and the upgrade marker */
	expect_error("-- m\n-- Revision ID: ab12\n-- Revises:\n\n"
	    "CREATE TABLE x (a INT);\n-- migrate:upgrade\nSELECT 1;\n", 5,
	    "SQL before '-- migrate:upgrade'");
	/* no upgrade part: the file is named (the line is not asked) */
	expect_error("-- m\n-- Revision ID: ab12\n-- Revises:\n\n"
	    "-- migrate:downgrade\nSELECT 1;\n", 5,
	    "'-- migrate:downgrade' before '-- migrate:upgrade'");
	expect_error("-- m\n-- Revision ID: ab12\n-- Revises:\n\n", 0,
	    "needs an upgrade part");
	expect_error("-- m\n-- Revision ID: ab12\n-- Revises:\n"
	    "-- migrate:upgrade\nSELECT 1;\n-- migrate:upgrade\nSELECT 2;\n",
	    6, "a second '-- migrate:upgrade' (first on line 4)");
	/* a missing field */
	expect_error("-- m\n-- Revises:\n-- migrate:upgrade\nSELECT 1;\n", 1,
	    "the header has no 'Revision ID:' line");
	expect_error("-- m\n-- Revision ID: ab12\n-- migrate:upgrade\n"
	    "SELECT 1;\n", 1, "the header has no 'Revises:' line");
	/* the same id twice in a list */
	t = simple("ab12, ab12", "", "SELECT 1;");
	expect_error(t, 4, "'Revises' names 'ab12' twice");
	xfree(t);
}

static void
test_script_nul_byte(void **state)
{
	static const char text[] = "-- m\n-- Revision ID: ab12\n-- Revises:\n"
	    "-- migrate:upgrade\nSELECT 1;\nSELECT \0;\n";
	struct script	*s = (struct script *)1;
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(parse_n(&s, text, sizeof text - 1, &err),
	    MG_ECONFIG);
	assert_null(s);
	assert_string_equal(err.path, PATH);
	assert_non_null(strstr(err.msg, "NUL byte"));
	/* path:line, the line of the NUL byte */
	assert_int_equal(err.line, 6);
	err_release(&err);
}

static void
test_script_valid_id(void **state)
{
	static const char id33[] = "0123456789abcdef0123456789abcdef0";

	(void)state;
	assert_true(script_valid_id("3f2a9c1b7e4d", 12));
	assert_true(script_valid_id("ae1027a6acf", 11));
	assert_true(script_valid_id("my_rev_1", 8));
	assert_true(script_valid_id(id33, 32));
	assert_false(script_valid_id(id33, 33));
	assert_false(script_valid_id("", 0));
	assert_false(script_valid_id("head", 4));
	assert_false(script_valid_id("heads", 5));
	assert_false(script_valid_id("base", 4));
	assert_false(script_valid_id("current", 7));
	assert_false(script_valid_id("ab/cd", 5));
	assert_false(script_valid_id("ab cd", 5));
	assert_false(script_valid_id("ab@cd", 5));
	assert_false(script_valid_id("ab-cd", 5));
	assert_false(script_valid_id("ab+1", 4));
	/* the length is what counts, not the NUL */
	assert_true(script_valid_id("headx", 5));
	assert_false(script_valid_id("headx", 4));
}

static void
expect_slug(const char *message, long max, const char *want)
{
	char	*s = script_slug(message, max);

	if (strcmp(s, want) != 0)
		fail_msg("slug('%s', %ld) = '%s', expected '%s'", message, max,
		    s, want);
	xfree(s);
}

static void
test_script_slug(void **state)
{
	(void)state;
	/* "_".join(re.findall(r"\w+", message)).lower() */
	expect_slug("Add users table", 40, "add_users_table");
	expect_slug("  add  users -- (and emails!)  ", 40,
	    "add_users_and_emails");
	expect_slug("rename user_name to login", 40,
	    "rename_user_name_to_login");
	expect_slug("v2.1: Fix #42", 40, "v2_1_fix_42");
	expect_slug("café au lait", 40, "café_au_lait");
	expect_slug("", 40, "");
	expect_slug(NULL, 40, "");
	expect_slug("!!!", 40, "");
	/* not longer than the limit: unchanged */
	expect_slug("abc def", 7, "abc_def");
	/*
	 * longer: slug[:max].rsplit("_", 1)[0] + "_"
	 */
	expect_slug("add a users table with many columns", 20,
	    "add_a_users_table_");
	expect_slug("abc def ghi", 4, "abc_");
	expect_slug("abc def ghi", 5, "abc_");
	expect_slug("abc def ghi", 6, "abc_");
	expect_slug("abc def ghi", 8, "abc_def_");
	expect_slug("create the accounts table and the first indexes on it",
	    40, "create_the_accounts_table_and_the_first_");
}

/* Alembic: slug[:max].rsplit("_", 1)[0] + "_" when the slug is longer. */
static void
test_script_slug_cut_at_word_end(void **state)
{
	(void)state;
	/* slug[:7] is "abc_def": rsplit drops "def", a whole word */
	expect_slug("abc def ghi", 7, "abc_");
	expect_slug("add users table now", 15, "add_users_");
}

static void
test_script_slug_one_long_word(void **state)
{
	(void)state;
	/* no '_' in slug[:max]: rsplit keeps it all, then '_' */
	expect_slug("abcdefghijkl", 4, "abcd_");
	expect_slug("supercalifragilistic words", 10, "supercalif_");
}

static void
expect_name(const char *tmpl, const char *want)
{
	struct strbuf	 sb = STRBUF_INIT;
	struct err	 err = ERR_INIT;
	struct tm	 tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 2;		/* March */
	tm.tm_mday = 5;
	tm.tm_hour = 7;
	tm.tm_min = 8;
	tm.tm_sec = 9;
	if (script_file_name(&sb, tmpl, "3f2a9c1b7e4d", "add_users",
	    (time_t)1772694489, &tm, &err) != 0)
		fail_msg("'%s': %s", tmpl, err.msg);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void
expect_name_error(const char *tmpl, const char *slug, const char *needle)
{
	struct strbuf	 sb = STRBUF_INIT;
	struct err	 err = ERR_INIT;
	struct tm	 tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = 126;
	tm.tm_mday = 1;
	assert_int_equal(script_file_name(&sb, tmpl, "3f2a9c1b7e4d", slug,
	    (time_t)0, &tm, &err), MG_ECONFIG);
	if (strstr(err.msg, needle) == NULL)
		fail_msg("message '%s' does not contain '%s'", err.msg, needle);
	err_release(&err);
	strbuf_release(&sb);
}

static void
test_script_file_name(void **state)
{
	(void)state;
	expect_name("%(rev)s_%(slug)s", "3f2a9c1b7e4d_add_users");
	expect_name("%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d"
	    "-%(rev)s_%(slug)s", "2026_03_05_0708-3f2a9c1b7e4d_add_users");
	expect_name("%(year)d%(month).2d%(day).2d%(hour).2d%(minute).2d"
	    "%(second).2d_%(rev)s", "20260305070809_3f2a9c1b7e4d");
	expect_name("%(epoch)s_%(rev)s", "1772694489_3f2a9c1b7e4d");
	expect_name("%(month)d-%(day)d-%(second)d", "3-5-9");
	expect_name("%(month)02d_%%_%(slug)s", "03_%_add_users");
	expect_name("rev_%(rev)s", "rev_3f2a9c1b7e4d");
	/* a path is refused: the file must land in the version folder */
	expect_name_error("%(year)d/%(rev)s_%(slug)s", "add_users",
	    "not a plain file name");
	expect_name_error("%(rev)s_%(slug)s", "a/b", "not a plain file name");
	expect_name_error("%(rev)s_%(nope)s", "x", "unknown name '%(nope)'");
	expect_name_error("%(rev)s_%", "x", "file_template");
}

static void
test_script_render(void **state)
{
	static const char tmpl[] = "-- ${message}\n--\n-- Revision ID: "
	    "${up_revision}\n-- Revises: ${down_revision}\n${unknown} $x "
	    "${up_revision}${up_revision} ${";
	static const char *const vars[] = {
		"message", "add users",
		"up_revision", "3f2a9c1b7e4d",
		"down_revision", "",
		NULL
	};
	struct strbuf	 sb = STRBUF_INIT;

	(void)state;
	script_render(&sb, tmpl, strlen(tmpl), vars);
	assert_string_equal(sb.buf, "-- add users\n--\n-- Revision ID: "
	    "3f2a9c1b7e4d\n-- Revises: \n${unknown} $x "
	    "3f2a9c1b7e4d3f2a9c1b7e4d ${");
	strbuf_release(&sb);
	/* only len bytes of the template count */
	script_render(&sb, "${message}${message}", 10, vars);
	assert_string_equal(sb.buf, "add users");
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script_header_fields),
		cmocka_unit_test(test_script_revises_counts_and_defaults),
		cmocka_unit_test(test_script_crlf_parses_like_lf),
		cmocka_unit_test(test_script_checksum),
		cmocka_unit_test(test_script_errors),
		cmocka_unit_test(test_script_nul_byte),
		cmocka_unit_test(test_script_valid_id),
		cmocka_unit_test(test_script_slug),
		cmocka_unit_test(test_script_slug_cut_at_word_end),
		cmocka_unit_test(test_script_slug_one_long_word),
		cmocka_unit_test(test_script_file_name),
		cmocka_unit_test(test_script_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
