/*
 * The reflection tape: a SQLite corpus schema reflected through the
 * recorder gives the same schema as without it; replayed with no
 * database it gives it again; a tape cut anywhere, with counts that do
 * not fit, or asked other queries is a miss (MG_ENOTFOUND), never a
 * crash. (What a cell holds is guarded by the sum of the cache file.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit-db.h"
#include "diff.h"
#include "tape.h"

/* No difference between a and b. */
static void
assert_same(const struct schema *a, const struct schema *b)
{
	struct diff	 d = DIFF_INIT;

	diff_schemas(&d, a, b);
	assert_int_equal(d.n, 0);
	diff_release(&d);
}

static struct conn *
load_chinook(void)
{
	const char	*dir = getenv("MIGRATE_CORPUS");
	struct strbuf	 path = STRBUF_INIT, text = STRBUF_INIT;
	struct conn	*c = open_memory();

	strbuf_addf(&path, "%s/chinook/sqlite.sql", dir != NULL &&
	    *dir != '\0' ? dir : "../shared/corpus");
	if (strbuf_read_file(&text, path.buf) != 0)
		fail_msg("cannot read '%s'", path.buf);
	exec_ok(c, text.buf);
	strbuf_release(&path);
	strbuf_release(&text);
	return c;
}

static void
test_tape_record_replay(void **state)
{
	struct conn	*c = load_chinook();
	struct schema	*plain = NULL, *rec = NULL, *play = NULL;
	struct strbuf	 tape = STRBUF_INIT;
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(c->dialect->reflect(&plain, c, NULL, &err), 0);
	assert_int_equal(tape_record(&rec, &tape, c, NULL, &err), 0);
	assert_int_equal(c->txn_depth, 0);
	assert_true(tape.len > 0);
	assert_true(plain->ntables > 5);
	assert_same(plain, rec);
	assert_int_equal(tape_replay(&play, tape.buf, tape.len, c, NULL,
	    &err), 0);
	assert_same(plain, play);
	schema_free(plain);
	schema_free(rec);
	schema_free(play);
	strbuf_release(&tape);
	dialect_disconnect(c);
}

static void
test_tape_misses(void **state)
{
	struct conn		*c = load_chinook();
	struct schema		*s = NULL;
	struct strbuf		 tape = STRBUF_INIT, bad = STRBUF_INIT;
	struct err		 err = ERR_INIT;
	struct strv		 only = { NULL, 0 };
	struct schema_filter	 f;
	char			*copy, *counts, *rest;
	size_t			 cut, step, nrows, ncols, bytes, i;

	(void)state;
	assert_int_equal(tape_record(&s, &tape, c, NULL, &err), 0);
	schema_free(s);
	/* cut short anywhere (every byte near the start, then strides) */
	for (cut = 0; cut < tape.len; cut += step) {
		step = cut < 2000 ? 1 : 997;
		copy = xmalloc(cut + 1);	/* no NUL at the end */
		memcpy(copy, tape.buf, cut);
		s = NULL;
		assert_int_equal(tape_replay(&s, copy, cut, c, NULL, &err),
		    MG_ENOTFOUND);
		assert_null(s);
		err_release(&err);
		xfree(copy);
	}
	/* another query: a word of its SQL, its number of parameters */
	copy = xstrdup(tape.buf);
	assert_non_null(strstr(copy, "SELECT"));
	memcpy(strstr(copy, "SELECT"), "select", 6);
	assert_int_equal(tape_replay(&s, copy, tape.len, c, NULL, &err),
	    MG_ENOTFOUND);
	assert_null(s);
	err_release(&err);
	memcpy(copy, tape.buf, tape.len + 1);
	assert_true(copy[0] == 'Q' && copy[1] == '0');
	copy[1] = '1';
	assert_int_equal(tape_replay(&s, copy, tape.len, c, NULL, &err),
	    MG_ENOTFOUND);
	err_release(&err);
	xfree(copy);
	/* more on the tape than the queries read */
	strbuf_addstr(&tape, "Q");
	assert_int_equal(tape_replay(&s, tape.buf, tape.len, c, NULL, &err),
	    MG_ENOTFOUND);
	err_release(&err);
	strbuf_setlen(&tape, tape.len - 1);
	/*
	 * counts the bytes left cannot hold, or that do not add up: the
	 * line of the first query's counts ("rows cols bytes") replaced
	 */
	copy = xstrdup(tape.buf);
	counts = strchr(copy, '\n') + 1;		/* the SQL's length */
	counts = strchr(counts, '\n') + 1;		/* the SQL */
	counts = strchr(counts, '\n') + 1;		/* the counts */
	rest = strchr(counts, '\n') + 1;
	assert_int_equal(sscanf(counts, "%zu %zu %zu", &nrows, &ncols,
	    &bytes), 3);
	for (i = 0; i < 7; i++) {
		static const char *const lies[] = {
			"999999999999 0 0", "999999999 3 10", "1 4 99999999",
			"0 0 0"
		};

		strbuf_reset(&bad);
		strbuf_add(&bad, copy, (size_t)(counts - copy));
		if (i == 4)	/* one row more than there is */
			strbuf_addf(&bad, "%zu %zu %zu", nrows + 1, ncols,
			    bytes);
		else if (i == 5)	/* a column more */
			strbuf_addf(&bad, "%zu %zu %zu", nrows, ncols + 1,
			    bytes);
		else if (i == 6)	/* the cells end before their bytes */
			strbuf_addf(&bad, "%zu %zu %zu", nrows, ncols,
			    bytes + 2);
		else
			strbuf_addstr(&bad, lies[i]);
		strbuf_addch(&bad, '\n');
		strbuf_addstr(&bad, rest);
		assert_int_equal(tape_replay(&s, bad.buf, bad.len, c, NULL,
		    &err), MG_ENOTFOUND);
		assert_null(s);
		err_release(&err);
	}
	xfree(copy);
	/* other filters: the same rows, filtered again by reflect */
	strv_push(&only, "Album");
	memset(&f, 0, sizeof f);
	f.include = &only;
	assert_int_equal(tape_replay(&s, tape.buf, tape.len, c, &f, &err), 0);
	assert_int_equal(s->ntables, 1);
	schema_free(s);
	strbuf_release(&bad);
	strv_release(&only);
	strbuf_release(&tape);
	dialect_disconnect(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tape_record_replay),
		cmocka_unit_test(test_tape_misses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
