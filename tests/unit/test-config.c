/*
 * config: loading migrate.ini, interpolation, typed values, errors.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit-ini.h"

static void
test_config_values_defaults_and_here(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;
	char		*p, want[160];

	write_ini(fx, "[migrate]\nurl = sqlite:///%(here)s/a.db\n"
	    "script_location = db\n");
	assert_int_equal(config_load(&cfg, fx->path, &err), 0);
	snprintf(want, sizeof want, "sqlite:///%s/a.db", cfg->here);
	assert_string_equal(config_get(cfg, "url"), want);
	assert_int_equal(config_find(cfg, "url")->line, 2);
	assert_string_equal(config_get(cfg, "models"), "db/models");
	assert_int_equal(config_find(cfg, "models")->line, 0);
	assert_string_equal(config_get(cfg, "version_table"),
	    "migrate_version");
	assert_string_equal(config_get(cfg, "file_template"),
	    "%(rev)s_%(slug)s");
	assert_null(config_get(cfg, "dev_url"));
	p = config_get_path(cfg, "models");
	snprintf(want, sizeof want, "%s/db/models", cfg->here);
	assert_string_equal(p, want);
	xfree(p);
	assert_int_equal(cfg->nwarnings, 0);
	config_free(cfg);
}

static void
test_config_environment(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;

	setenv("TEST_CONFIG_DB", "prod", 1);
	unsetenv("TEST_CONFIG_UNSET");
	write_ini(fx, "[migrate]\nurl = x/${TEST_CONFIG_DB}/"
	    "${TEST_CONFIG_UNSET:-dflt}/$HOME\n");
	assert_int_equal(config_load(&cfg, fx->path, &err), 0);
	assert_string_equal(config_get(cfg, "url"), "x/prod/dflt/$HOME");
	config_free(cfg);

	write_ini(fx, "[migrate]\n\n\nurl = ${TEST_CONFIG_UNSET}\n");
	assert_int_equal(config_load(&cfg, fx->path, &err), MG_ECONFIG);
	assert_null(cfg);
	assert_string_equal(err.path, fx->path);
	assert_int_equal(err.line, 4);
	assert_string_equal(err.msg, "environment variable "
	    "'TEST_CONFIG_UNSET' is not set (used by 'url')");
	err_release(&err);
}

static void
test_config_unknown_key_warns_with_line(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;
	char		 want[200];

	write_ini(fx, "[other]\nx = 1\n[migrate]\nscript_locaton = a\n");
	assert_int_equal(config_load(&cfg, fx->path, &err), 0);
	assert_int_equal(cfg->nwarnings, 1);
	snprintf(want, sizeof want, "%s:4: unknown key 'script_locaton' in "
	    "[migrate]; did you mean 'script_location'?", fx->path);
	assert_string_equal(cfg->warnings[0], want);
	assert_null(config_get(cfg, "x"));	/* other sections ignored */
	config_free(cfg);
}

static void
test_config_malformed_line(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;

	write_ini(fx, "[migrate]\nurl = sqlite://\n\n; ok\nnot a pair\n");
	assert_int_equal(config_load(&cfg, fx->path, &err), MG_ECONFIG);
	assert_int_equal(err.line, 5);
	assert_string_equal(err.msg,
	    "malformed line: expected '[section]' or 'key = value'");
	err_release(&err);
}

static void
test_config_missing_section_and_file(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;

	write_ini(fx, "");
	assert_int_equal(config_load(&cfg, fx->path, &err), MG_ECONFIG);
	assert_string_equal(err.msg, "no [migrate] section (or it is empty)");
	err_release(&err);
	assert_int_equal(config_load(&cfg, "/nonexistent/migrate.ini",
	    &err), MG_ECONFIG);
	assert_string_equal(err.msg, "cannot open '/nonexistent/migrate.ini'"
	    ": No such file or directory");
	err_release(&err);
}

static void
test_config_no_file_gives_defaults(void **state)
{
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(config_load(&cfg, NULL, &err), 0);
	assert_null(cfg->path);
	assert_string_equal(config_get(cfg, "script_location"), "migrations");
	assert_null(config_get(cfg, "url"));
	config_free(cfg);
}

static void
test_config_bool_and_int(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;
	int		 b;
	long		 n;

	write_ini(fx, "[migrate]\ntransaction_per_migration = Off\n"
	    "recursive_version_locations = maybe\nlock_wait = 30\n"
	    "lock_retries = -1\n");
	assert_int_equal(config_load(&cfg, fx->path, &err), 0);
	assert_int_equal(config_get_bool(&b, cfg,
	    "transaction_per_migration", &err), 0);
	assert_int_equal(b, 0);
	assert_int_equal(config_get_bool(&b, cfg,
	    "recursive_version_locations", &err), MG_ECONFIG);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.msg, "'recursive_version_locations' must be "
	    "true or false, not 'maybe'");
	err_release(&err);
	assert_int_equal(config_get_int(&n, cfg, "lock_wait", 0, 3600,
	    &err), 0);
	assert_int_equal(n, 30);
	assert_int_equal(config_get_int(&n, cfg, "lock_retries", 0, 100,
	    &err), MG_ECONFIG);
	assert_int_equal(err.line, 5);
	err_release(&err);
	config_free(cfg);
}

static void
test_config_url_precedence(void **state)
{
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(config_load(&cfg, NULL, &err), 0);
	assert_null(config_url(cfg, NULL, NULL));
	assert_null(config_url(NULL, "", ""));
	assert_string_equal(config_url(cfg, NULL, "env"), "env");
	assert_string_equal(config_url(cfg, "flag", "env"), "flag");
	config_free(cfg);
}

static void
test_config_interpolation_errors(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;

	write_ini(fx, "[migrate]\nmodels = %(script_location)s/m\n"
	    "script_location = %(models)s\n");
	assert_int_equal(config_load(&cfg, fx->path, &err), MG_ECONFIG);
	assert_non_null(strstr(err.msg, "nest too deep"));
	err_release(&err);
	write_ini(fx, "[migrate]\nmodels = 100%(x\n");
	assert_int_equal(config_load(&cfg, fx->path, &err), MG_ECONFIG);
	assert_int_equal(err.line, 2);
	err_release(&err);
	write_ini(fx, "[migrate]\nurl = postgresql://u:p%40ss@h/db\n");
	assert_int_equal(config_load(&cfg, fx->path, &err), 0);
	assert_string_equal(config_get(cfg, "url"),
	    "postgresql://u:p%40ss@h/db");
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_values_defaults_and_here),
		cmocka_unit_test(test_config_environment),
		cmocka_unit_test(test_config_unknown_key_warns_with_line),
		cmocka_unit_test(test_config_malformed_line),
		cmocka_unit_test(test_config_missing_section_and_file),
		cmocka_unit_test(test_config_no_file_gives_defaults),
		cmocka_unit_test(test_config_bool_and_int),
		cmocka_unit_test(test_config_url_precedence),
		cmocka_unit_test(test_config_interpolation_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
