/*
 * struct err: the first error wins, messages are one line, exit codes.
 */
#include "unit.h"

static void
test_error_set_returns_code_and_keeps_first(void **state)
{
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(err_set(&err, MG_ENOTFOUND, "no revision '%s'",
	    "3f2a"), MG_ENOTFOUND);
	assert_int_equal(err_set(&err, MG_ERROR, "later"), MG_ENOTFOUND);
	assert_string_equal(err.msg, "no revision '3f2a'");
	assert_non_null(err.src_file);
	err_release(&err);
	assert_null(err.msg);
	assert_int_equal(err.code, 0);
}

static void
test_error_message_is_one_line(void **state)
{
	struct err	 err = ERR_INIT;

	(void)state;
	err_set(&err, MG_ECONNECT, "connection failed:\nFATAL:  bad\n\n");
	assert_string_equal(err.msg, "connection failed: FATAL:  bad");
	err_release(&err);
}

static void
test_error_path_and_line_are_set_once(void **state)
{
	struct err	 err = ERR_INIT;

	(void)state;
	err_set(&err, MG_EDB, "boom");
	err.line = 4;		/* a lower layer knew the line */
	err_set_path(&err, "a.sql", 9);
	err_set_path(&err, "b.sql", 10);
	assert_string_equal(err.path, "a.sql");
	assert_int_equal(err.line, 4);
	err_release(&err);
}

static void
test_error_exit_codes(void **state)
{
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(err_exit_code(&err), 0);
	err.code = MG_EUSAGE;
	assert_int_equal(err_exit_code(&err), 2);
	err.code = MG_ECONFIG;
	assert_int_equal(err_exit_code(&err), 2);
	err.code = MG_EDB;
	assert_int_equal(err_exit_code(&err), 1);
	err.code = MG_ECONNECT;
	assert_int_equal(err_exit_code(&err), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_set_returns_code_and_keeps_first),
		cmocka_unit_test(test_error_message_is_one_line),
		cmocka_unit_test(test_error_path_and_line_are_set_once),
		cmocka_unit_test(test_error_exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
