/*
 * strbuf: growth, formatting, detach and release.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

static void
test_strbuf_init_is_empty_and_allocates_nothing(void **state)
{
	struct strbuf	 sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.alloc, 0);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	assert_int_equal(sb.alloc, 0);
}

static void
test_strbuf_add_grows_and_keeps_nul(void **state)
{
	struct strbuf	 sb = STRBUF_INIT;
	int		 i;

	(void)state;
	for (i = 0; i < 1000; i++)
		strbuf_addch(&sb, 'a' + i % 26);
	assert_int_equal(sb.len, 1000);
	assert_int_equal(sb.buf[1000], '\0');
	assert_true(sb.alloc > 1000);
	strbuf_addstr(&sb, "xyz");
	assert_string_equal(sb.buf + 1000, "xyz");
	strbuf_release(&sb);
	assert_int_equal(sb.alloc, 0);
	assert_int_equal(sb.len, 0);
}

static void
test_strbuf_addf_formats(void **state)
{
	struct strbuf	 sb = STRBUF_INIT;

	(void)state;
	strbuf_addf(&sb, "%s:%u: %d%%", "a.sql", 12u, 5);
	assert_string_equal(sb.buf, "a.sql:12: 5%");
	strbuf_addf(&sb, "%s", "");
	assert_string_equal(sb.buf, "a.sql:12: 5%");
	strbuf_release(&sb);
}

static void
test_strbuf_detach_hands_over(void **state)
{
	struct strbuf	 sb = STRBUF_INIT;
	char		*s;
	size_t		 len;

	(void)state;
	s = strbuf_detach(&sb, &len);	/* empty: still a real string */
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	xfree(s);
	strbuf_addstr(&sb, "hello");
	s = strbuf_detach(&sb, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_int_equal(sb.alloc, 0);
	assert_string_equal(sb.buf, "");
	xfree(s);
}

static void
test_strbuf_rtrim_and_setlen(void **state)
{
	struct strbuf	 sb = STRBUF_INIT;

	(void)state;
	strbuf_rtrim(&sb);
	strbuf_setlen(&sb, 0);
	strbuf_addstr(&sb, "abc \n\t ");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "abc");
	strbuf_setlen(&sb, 1);
	assert_string_equal(sb.buf, "a");
	strbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
}

static void
test_strbuf_read_file(void **state)
{
	struct strbuf	 sb = STRBUF_INIT;
	char		 path[] = "/tmp/test-strbuf.XXXXXX";
	int		 fd;
	FILE		*f;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("line 1\nline 2\n", f);
	fclose(f);
	assert_int_equal(strbuf_read_file(&sb, path), 0);
	assert_string_equal(sb.buf, "line 1\nline 2\n");
	unlink(path);
	assert_int_equal(strbuf_read_file(&sb, path), -1);
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_init_is_empty_and_allocates_nothing),
		cmocka_unit_test(test_strbuf_add_grows_and_keeps_nul),
		cmocka_unit_test(test_strbuf_addf_formats),
		cmocka_unit_test(test_strbuf_detach_hands_over),
		cmocka_unit_test(test_strbuf_rtrim_and_setlen),
		cmocka_unit_test(test_strbuf_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
