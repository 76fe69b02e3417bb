/*
 * fuzz-regress: the defects the libFuzzer harnesses of fuzz/ found, one
 * test each, at the level of the module that had them (the inputs
 * themselves are in fuzz/regress/, which make fuzz-regress replays).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit-ini.h"

/*
 * [migrate] with nkeys keys k0..: each names the next one eight times,
 * the last is last.
 */
static void
write_chain(const struct fixture *fx, int nkeys, const char *last)
{
	struct strbuf	 sb = STRBUF_INIT;
	int		 i, j;

	strbuf_addstr(&sb, "[migrate]\n");
	for (i = 0; i + 1 < nkeys; i++) {
		strbuf_addf(&sb, "k%d = ", i);
		for (j = 0; j < 8; j++)
			strbuf_addf(&sb, "%%(k%d)s", i + 1);
		strbuf_addch(&sb, '\n');
	}
	strbuf_addf(&sb, "k%d = %s\n", nkeys - 1, last);
	write_ini(fx, sb.buf);
	strbuf_release(&sb);
}

/*
 * fuzz-config: keys that name each other many times were expanded again
 * at every mention, 8^15 times for 16 keys of one line each (a 700-byte
 * file hung migrate), and grew without bound. Now each key is expanded
 * once and a value stops at 1 MiB.
 */
static void
test_fuzz_regress_config_expansion_blowup(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;
	clock_t		 start;

	/*
	 * 8^8 mentions of an empty value: no output, all time (seconds
	 * before the fix; with 16 keys, longer than anyone waits)
	 */
	write_chain(fx, 9, "");
	start = clock();
	assert_int_equal(config_load(&cfg, fx->path, &err), 0);
	assert_true(clock() - start < CLOCKS_PER_SEC);
	assert_string_equal(config_get(cfg, "k0"), "");
	config_free(cfg);

	/* 8^7 copies of one byte: 2 MiB, past the limit */
	write_chain(fx, 8, "x");
	assert_int_equal(config_load(&cfg, fx->path, &err), MG_ECONFIG);
	assert_null(cfg);
	assert_non_null(strstr(err.msg, "grows past 1048576 bytes"));
	assert_non_null(err.path);
	assert_true(err.line >= 2 && err.line <= 9);
	err_release(&err);

	/* 8^5 bytes is fine, and every key has its whole value */
	write_chain(fx, 6, "x");
	assert_int_equal(config_load(&cfg, fx->path, &err), 0);
	assert_int_equal(strlen(config_get(cfg, "k0")), 32768);
	assert_int_equal(strlen(config_get(cfg, "k4")), 8);
	config_free(cfg);
}

/* A key expanded once reads the same wherever it is named. */
static void
test_fuzz_regress_config_expansion_kept(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;

	write_ini(fx, "[migrate]\na = %(b)s-%(b)s\nb = %(c)s%(c)s\nc = x\n"
	    "file_template = %(rev)s_%(c)s\nother = %(file_template)s\n");
	assert_int_equal(config_load(&cfg, fx->path, &err), 0);
	assert_string_equal(config_get(cfg, "a"), "xx-xx");
	assert_string_equal(config_get(cfg, "b"), "xx");
	/* %(rev)s is file_template's own, wherever it is expanded */
	assert_string_equal(config_get(cfg, "file_template"), "%(rev)s_x");
	assert_string_equal(config_get(cfg, "other"), "%(rev)s_x");
	config_free(cfg);

	write_ini(fx, "[migrate]\na = %(b)s\nb = %(a)s\n");
	assert_int_equal(config_load(&cfg, fx->path, &err), MG_ECONFIG);
	assert_non_null(strstr(err.msg, "nest too deep"));
	err_release(&err);
}

/*
 * fuzz-sqlsplit: a NUL byte ended a statement early when it was handed on
 * as a C string, so "DELETE FROM t<NUL> WHERE id = 1;" (from migrate exec
 * or a model file) emptied t. Text with a NUL byte is refused, naming
 * its line.
 */
static void
test_fuzz_regress_sqlsplit_nul_byte(void **state)
{
	static const char	 del[] = "DELETE FROM t\0 WHERE id = 1;\n";
	static const char	 late[] = "SELECT 1;\n-- c\n\0;\n";
	enum sql_flavor		 flavors[] = { SQL_SQLITE, SQL_POSTGRES };
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	struct err		 err = ERR_INIT;
	size_t			 i;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(sqlsplit_parse(&stmts, del, sizeof del - 1,
		    flavors[i], &err), MG_ERROR);
		assert_string_equal(err.msg,
		    "not a text file (it holds a NUL byte)");
		assert_int_equal(err.line, 1);
		assert_int_equal(stmts.n, 0);
		err_release(&err);
		assert_int_equal(sqlsplit_parse(&stmts, late, sizeof late - 1,
		    flavors[i], &err), MG_ERROR);
		assert_int_equal(err.line, 3);
		assert_int_equal(stmts.n, 0);
		err_release(&err);
		sqlsplit_release(&stmts);
	}
}

/*
 * fuzz-config: a file_template width was taken as written, so
 * %(year)99999999d padded to 100 MB, and 24 of them ran out of memory.
 * No file name holds more than 255 bytes: a wider width is refused.
 */
static void
test_fuzz_regress_script_file_name_width(void **state)
{
	struct strbuf	 sb = STRBUF_INIT;
	struct err	 err = ERR_INIT;
	struct tm	 tm;

	(void)state;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 126;
	assert_int_equal(script_file_name(&sb, "%(year)99999999d_%(rev)s",
	    "abc", "s", 0, &tm, &err), MG_ECONFIG);
	assert_string_equal(err.msg, "file_template: width 99999999 in "
	    "'%(year)' is more than a file name holds");
	assert_true(sb.len < 256);
	err_release(&err);
	strbuf_release(&sb);
	/* 255 is still a width */
	assert_int_equal(script_file_name(&sb, "%(year)255d", "abc", "s", 0,
	    &tm, &err), 0);
	assert_int_equal(sb.len, 255);
	assert_memory_equal(sb.buf + 251, "2026", 4);
	strbuf_release(&sb);
}

/* A graph of revisions given as id, Revises pairs, in file order. */
static struct graph *
build_graph(const char *const *revs, size_t n)
{
	struct script	**scripts = xcalloc(n + 1, sizeof *scripts);
	struct graph	 *g = NULL;
	struct strbuf	  sb = STRBUF_INIT;
	struct err	  err = ERR_INIT;
	size_t		  i, len;
	char		 *text;

	for (i = 0; i < n; i++) {
		strbuf_addf(&sb, "-- r\n-- Revision ID: %s\n-- Revises: %s\n"
		    "-- migrate:upgrade\n", revs[2 * i], revs[2 * i + 1]);
		text = strbuf_detach(&sb, &len);
		assert_int_equal(script_parse(&scripts[i], revs[2 * i], text,
		    len, &err), 0);
	}
	assert_int_equal(graph_build(&g, scripts, n, &err), 0);
	xfree(scripts);
	return g;
}

/*
 * fuzz-spec: stamping two targets dropped a row on a branch of neither.
 * graph_stamp_rows marked the targets' ancestors and then walked up from
 * each target in the same array, so it took the other branch of an
 * ancestor of t2 (xx, beside t2 on aa) for a descendant of t1.
 */
static void
test_fuzz_regress_graph_stamp_two_targets(void **state)
{
	static const char *const revs[] = {
		"t1", "", "base2", "", "aa", "base2", "t2", "aa", "xx", "aa"
	};
	struct graph	*g;
	struct revset	 rows = REVSET_INIT, targets = REVSET_INIT, out;

	(void)state;
	g = build_graph(revs, 5);
	revset_add(&rows, graph_get(g, "xx"));
	revset_add(&targets, graph_get(g, "t2"));
	graph_stamp_rows(&out, g, &rows, &targets);
	/* t2 alone: xx is on another branch and stays */
	assert_int_equal(out.n, 2);
	assert_true(revset_has(&out, graph_get(g, "xx")));
	revset_release(&out);
	revset_add(&targets, graph_get(g, "t1"));
	graph_stamp_rows(&out, g, &rows, &targets);
	/* and with t1, on a line of its own, as well */
	assert_int_equal(out.n, 3);
	assert_true(revset_has(&out, graph_get(g, "xx")));
	assert_true(revset_has(&out, graph_get(g, "t1")));
	assert_true(revset_has(&out, graph_get(g, "t2")));
	revset_release(&out);
	/* a row below or above a target still gives way */
	revset_release(&rows);
	revset_add(&rows, graph_get(g, "aa"));
	graph_stamp_rows(&out, g, &rows, &targets);
	assert_int_equal(out.n, 2);
	assert_false(revset_has(&out, graph_get(g, "aa")));
	revset_release(&out);
	revset_release(&rows);
	revset_release(&targets);
	graph_free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_regress_config_expansion_blowup),
		cmocka_unit_test(test_fuzz_regress_config_expansion_kept),
		cmocka_unit_test(test_fuzz_regress_sqlsplit_nul_byte),
		cmocka_unit_test(test_fuzz_regress_script_file_name_width),
		cmocka_unit_test(test_fuzz_regress_graph_stamp_two_targets),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
