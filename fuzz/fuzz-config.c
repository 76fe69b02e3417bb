/*
 * Fuzz the migrate.ini reader (config_load and its interpolation), then
 * read every key the way the commands do: as a bool, an int, a path, the
 * version locations, the file name migrate revision would write. Each
 * input is written to a memfd that config_load reads as /proc/self/fd/N.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

static int	 fuzz_fd = -1;
static char	 fuzz_path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((fuzz_fd = memfd_create("migrate.ini", 0)) < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(fuzz_path, sizeof fuzz_path, "/proc/self/fd/%d", fuzz_fd);
	/* for ${VAR} and ${VAR:-default} */
	setenv("MIGRATE_FUZZ_DB", "sqlite:///fuzz.db", 1);
	setenv("MIGRATE_FUZZ_EMPTY", "", 1);
	return 0;
}

static unsigned
fuzz_lines(const uint8_t *data, size_t size)
{
	unsigned	 n = 1;
	size_t		 i;

	for (i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

/* The name migrate revision gives a new script, as cmd-revision.c. */
static void
fuzz_file_name(const struct config *cfg)
{
	struct tm	 tm;
	struct strbuf	 sb = STRBUF_INIT;
	struct err	 err = ERR_INIT;
	const char	*tmpl = config_get(cfg, "file_template");
	char		*slug;
	long		 max;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = 126;
	tm.tm_mon = 10;
	tm.tm_mday = 25;
	if (config_get_int(&max, cfg, "truncate_slug_length", 0, 1000,
	    &err) != 0)
		max = 40;
	err_release(&err);
	slug = script_slug("Add the users table, and an index", max);
	if (tmpl != NULL && script_file_name(&sb, tmpl, "3f2a9c1b7e4d", slug,
	    1764064800, &tm, &err) == 0) {
		FUZZ_CHECK(sb.len > 0 && strchr(sb.buf, '/') == NULL);
	} else if (tmpl != NULL)
		FUZZ_CHECK(err.code == MG_ECONFIG && err.msg != NULL);
	err_release(&err);
	strbuf_release(&sb);
	xfree(slug);
}

/* Read every key as its command would. */
static void
fuzz_use(const struct config *cfg, unsigned nlines)
{
	static const char *const bools[] = {
		"transaction_per_migration", "recursive_version_locations",
		NULL
	};
	static const char *const ints[] = {
		"truncate_slug_length", "lock_wait", "lock_timeout",
		"statement_timeout", "lock_retries", NULL
	};
	static const char *const paths[] = {
		"script_location", "models", "model_cache", NULL
	};
	struct err	 err = ERR_INIT;
	char		**locs = NULL, *p;
	size_t		  i, j, nlocs = 0;
	long		  l;
	int		  b;

	for (i = 0; i < cfg->n; i++) {
		FUZZ_CHECK(cfg->v[i].key != NULL && cfg->v[i].value != NULL);
		FUZZ_CHECK(cfg->v[i].line <= nlines);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(cfg->v[i].key, cfg->v[j].key) != 0);
		FUZZ_CHECK(config_find(cfg, cfg->v[i].key) == &cfg->v[i]);
	}
	for (i = 0; i < cfg->nwarnings; i++)
		FUZZ_CHECK(strncmp(cfg->warnings[i], fuzz_path,
		    strlen(fuzz_path)) == 0);
	for (i = 0; bools[i] != NULL; i++) {
		if (config_get_bool(&b, cfg, bools[i], &err) != 0)
			FUZZ_CHECK(err.code == MG_ECONFIG && err.msg != NULL);
		err_release(&err);
	}
	for (i = 0; ints[i] != NULL; i++) {
		if (config_get_int(&l, cfg, ints[i], 0, 86400, &err) != 0)
			FUZZ_CHECK(err.code == MG_ECONFIG && err.msg != NULL);
		err_release(&err);
	}
	for (i = 0; paths[i] != NULL; i++) {
		p = config_get_path(cfg, paths[i]);
		FUZZ_CHECK(p == NULL || p[0] == '/');
		xfree(p);
	}
	if (graph_locations(&locs, &nlocs, cfg, &err) == 0) {
		for (i = 0; i < nlocs; i++)
			FUZZ_CHECK(locs[i] != NULL && locs[i][0] == '/');
	} else
		FUZZ_CHECK(err.code == MG_ECONFIG && err.msg != NULL);
	graph_locations_free(locs, nlocs);
	err_release(&err);
	(void)config_url(cfg, NULL, NULL);
	fuzz_file_name(cfg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*cfg = (struct config *)1;
	struct err	 err = ERR_INIT;
	unsigned	 nlines = fuzz_lines(data, size);
	int		 rc;

	if (ftruncate(fuzz_fd, 0) != 0 ||
	    pwrite(fuzz_fd, data, size, 0) != (ssize_t)size) {
		perror("memfd");
		abort();
	}
	rc = config_load(&cfg, fuzz_path, &err);
	/* a NUL byte would cut a value short: a file with one is refused */
	if (memchr(data, '\0', size) != NULL)
		FUZZ_CHECK(rc == MG_ECONFIG);
	if (rc != 0) {
		FUZZ_CHECK(rc == MG_ECONFIG && cfg == NULL);
		FUZZ_CHECK(err.msg != NULL);
		FUZZ_CHECK(err.line <= nlines);
		err_release(&err);
		return 0;
	}
	FUZZ_CHECK(cfg != NULL && err.msg == NULL);
	fuzz_use(cfg, nlines);
	config_free(cfg);
	return 0;
}
