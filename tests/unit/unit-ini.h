/*
 * A migrate.ini of a test's own: a temporary folder per test (the
 * fixture), the file written into it, both removed after.
 */
#ifndef MIGRATE_UNIT_INI_H
#define MIGRATE_UNIT_INI_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

struct fixture {
	char	 dir[64];
	char	 path[96];
};

static inline int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test-ini.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof fx->path, "%s/migrate.ini", fx->dir);
	*state = fx;
	return 0;
}

static inline int
teardown(void **state)
{
	struct fixture	*fx = *state;

	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static inline void
write_ini(const struct fixture *fx, const char *text)
{
	FILE	*f = fopen(fx->path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#endif
