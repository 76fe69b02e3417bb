/*
 * cmd: exact lookup in the command table and option parsing.
 */
#include <string.h>

#include "unit.h"
#include "cmd.h"

static const struct cmd_opt opts[] = {
	{ "sql", 0, NULL, "offline" },
	{ "tag", 't', "tag", "a tag" },
	{ "verbose", 'v', NULL, "more" },
	{ NULL, 0, NULL, NULL }
};

static const struct cmd_entry entry = {
	.name = "probe",
	.usage = "[--sql] rev",
	.summary = "test",
	.opts = opts,
	.nargs_min = 1,
	.nargs_max = 2,
	.flags = 0,
	.exec = NULL
};

static int
parse(struct args *a, struct err *err, int argc, const char **argv)
{
	return args_parse(a, &entry, argc, (char **)argv, err);
}

static void
test_cmd_find_is_exact(void **state)
{
	(void)state;
	assert_ptr_equal(cmd_find("exec"), &cmd_exec_entry);
	assert_ptr_equal(cmd_find("config"), &cmd_config_entry);
	assert_null(cmd_find("exe"));
	assert_null(cmd_find("conf"));
	assert_null(cmd_find(""));
}

static void
test_cmd_args_options_and_positionals(void **state)
{
	struct args	 a = ARGS_INIT;
	struct err	 err = ERR_INIT;
	const char	*argv[] = { "--sql", "-t", "x", "head", "--tag=y",
	    "-vv", "-1" };

	(void)state;
	assert_int_equal(parse(&a, &err, 7, argv), 0);
	assert_int_equal(args_has(&a, "sql"), 1);
	assert_int_equal(args_has(&a, "verbose"), 2);
	assert_string_equal(args_get(&a, "tag"), "y");
	assert_null(args_get(&a, "sql"));
	assert_int_equal(a.argc, 2);
	assert_string_equal(a.argv[0], "head");
	assert_string_equal(a.argv[1], "-1");	/* a relative revision */
	args_release(&a);
}

static void
test_cmd_args_dashdash_and_help(void **state)
{
	struct args	 a = ARGS_INIT;
	struct err	 err = ERR_INIT;
	const char	*argv[] = { "--", "--sql" };
	const char	*help[] = { "-h" };

	(void)state;
	assert_int_equal(parse(&a, &err, 2, argv), 0);
	assert_int_equal(args_has(&a, "sql"), 0);
	assert_string_equal(a.argv[0], "--sql");
	args_release(&a);
	assert_int_equal(parse(&a, &err, 1, help), 0);	/* no arg needed */
	assert_true(a.help);
	args_release(&a);
}

static void
test_cmd_args_errors(void **state)
{
	struct args	 a = ARGS_INIT;
	struct err	 err = ERR_INIT;
	const char	*unknown[] = { "--nope", "x" };
	const char	*noval[] = { "x", "--tag" };
	const char	*flagval[] = { "--sql=1", "x" };
	const char	*many[] = { "a", "b", "c" };

	(void)state;
	assert_int_equal(parse(&a, &err, 2, unknown), MG_EUSAGE);
	assert_string_equal(err.msg, "probe: unknown option '--nope'");
	err_release(&err);
	args_release(&a);
	assert_int_equal(parse(&a, &err, 2, noval), MG_EUSAGE);
	assert_string_equal(err.msg, "probe: option '--tag' needs tag");
	err_release(&err);
	args_release(&a);
	assert_int_equal(parse(&a, &err, 2, flagval), MG_EUSAGE);
	err_release(&err);
	args_release(&a);
	assert_int_equal(parse(&a, &err, 0, many), MG_EUSAGE);
	assert_non_null(strstr(err.msg, "too few arguments"));
	err_release(&err);
	args_release(&a);
	assert_int_equal(parse(&a, &err, 3, many), MG_EUSAGE);
	assert_non_null(strstr(err.msg, "too many arguments"));
	err_release(&err);
	args_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_find_is_exact),
		cmocka_unit_test(test_cmd_args_options_and_positionals),
		cmocka_unit_test(test_cmd_args_dashdash_and_help),
		cmocka_unit_test(test_cmd_args_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
