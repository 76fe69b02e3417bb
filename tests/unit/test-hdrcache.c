/*
 * hdrcache: the header cache keeps what a script's header parses to,
 * gives it back only for the same file and stat, never for a stat too
 * near the cache's making (the racy rule), and is a miss, never a wrong
 * script, when its file is damaged, truncated, foreign or a link.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "hdrcache.h"

struct fixture {
	char	 dir[64];
	char	 versions[96];	/* dir/v: the scripts */
	char	 cache[128];	/* dir/cache/headers-test */
	int	 fd;		/* versions, opened */
};

static const char script_a[] =
    "-- add users\n"
    "-- and their emails\n"
    "--\n"
    "-- Revision ID: a1\n"
    "-- Revises: b2, c3\n"
    "-- Create Date: 2026-11-25 10:00:00.000000+00:00\n"
    "-- Branch Labels: users, other\n"
    "-- Depends On: d4\n"
    "-- Transactional: no\n"
    "-- Author: Jane Doe\n"
    "\n"
    "-- migrate:upgrade\n"
    "CREATE TABLE t (id INTEGER);\n";

static const char script_b[] =
    "--\n"
    "-- Revision ID: b2\n"
    "-- Revises:\n"
    "\n"
    "-- migrate:upgrade\n"
    "SELECT 1;\n";

static const char script_c[] =
    "-- third\n"
    "-- Revision ID: c3\n"
    "-- Revises: b2\n"
    "\n"
    "-- migrate:upgrade\n"
    "SELECT 3;\n";

static const char *const names[] = { "a1_x.sql", "b2_x.sql", "c3_x.sql" };
static const char *const texts[] = { script_a, script_b, script_c };

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);
	FILE		*f;
	size_t		 i;

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test-hdrcache.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->versions, sizeof fx->versions, "%s/v", fx->dir);
	snprintf(fx->cache, sizeof fx->cache, "%s/cache/headers-test",
	    fx->dir);
	if (mkdir(fx->versions, 0755) != 0)
		return -1;
	for (i = 0; i < 3; i++) {
		char	 path[160];

		snprintf(path, sizeof path, "%s/%s", fx->versions, names[i]);
		if ((f = fopen(path, "w")) == NULL)
			return -1;
		fputs(texts[i], f);
		fclose(f);
	}
	fx->fd = open(fx->versions, O_RDONLY | O_DIRECTORY);
	umask(022);
	*state = fx;
	return fx->fd < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	char		 cmd[128];

	close(fx->fd);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static int64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A stat of script i as if it had not changed for age ns. */
static void
old_stat(struct hdrcache_stat *st, size_t i, int64_t age)
{
	st->dev = 7;
	st->ino = 100 + i;
	st->size = strlen(texts[i]);
	st->mtime_ns = now_ns() - age;
	st->ctime_ns = st->mtime_ns + 1;
}

#define AGE	(60 * (int64_t)1000000000)	/* a minute: trusted */

static char dir0[] = "/project/migrations/versions";
static char dir1[] = "/elsewhere/versions";
static char *const dirs[] = { dir0 };
static char *const other_dirs[] = { dir1 };

static struct script *
read_header(const struct fixture *fx, size_t i)
{
	struct script	*s = NULL;
	struct err	 err = ERR_INIT;
	char		 path[160];

	snprintf(path, sizeof path, "%s/%s", fx->versions, names[i]);
	if (script_read_at(&s, fx->fd, names[i], path, 0, &err) != 0)
		fail_msg("%s:%u: %s", err.path, err.line, err.msg);
	return s;
}

/* A cache at fx->cache holding the three scripts with sts. */
static void
fill(const struct fixture *fx, const struct hdrcache_stat *sts)
{
	struct hdrcache	*hc = NULL;
	struct err	 err = ERR_INIT;
	struct script	*s;
	size_t		 i;

	(void)unlink(fx->cache);
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	for (i = 0; i < 3; i++) {
		assert_null(hdrcache_get(hc, 0, names[i], "p", &sts[i]));
		s = read_header(fx, i);
		hdrcache_put(hc, 0, names[i], &sts[i], s);
		script_free(s);
	}
	assert_int_equal(hdrcache_save(hc), 1);
	hdrcache_free(hc);
}

static void
assert_strv_equal(char **a, size_t na, char **b, size_t nb)
{
	size_t	 i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

static void
assert_same_header(const struct script *got, const struct script *want)
{
	assert_string_equal(got->rev, want->rev);
	assert_strv_equal(got->down, got->ndown, want->down, want->ndown);
	assert_strv_equal(got->labels, got->nlabels, want->labels,
	    want->nlabels);
	assert_strv_equal(got->depends, got->ndepends, want->depends,
	    want->ndepends);
	assert_string_equal(got->message, want->message);
	if (want->create_date == NULL)
		assert_null(got->create_date);
	else
		assert_string_equal(got->create_date, want->create_date);
	if (want->author == NULL)
		assert_null(got->author);
	else
		assert_string_equal(got->author, want->author);
	assert_int_equal(got->transactional, want->transactional);
	assert_int_equal(got->rev_line, want->rev_line);
	assert_int_equal(got->revises_line, want->revises_line);
	assert_int_equal(got->labels_line, want->labels_line);
	assert_int_equal(got->depends_line, want->depends_line);
	assert_null(got->text);
}

/* Each field back as the parser gave it; the file is 0644 and kept. */
static void
test_hdrcache_roundtrip(void **state)
{
	struct fixture		*fx = *state;
	struct hdrcache		*hc = NULL;
	struct hdrcache_stat	 sts[3];
	struct script		*got, *want;
	struct err		 err = ERR_INIT;
	struct stat		 st, st2;
	size_t			 i;

	for (i = 0; i < 3; i++)
		old_stat(&sts[i], i, AGE);
	fill(fx, sts);
	assert_int_equal(stat(fx->cache, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);	/* private: mkstemp */
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	for (i = 0; i < 3; i++) {
		got = hdrcache_get(hc, 0, names[i], "/the/path.sql", &sts[i]);
		assert_non_null(got);
		want = read_header(fx, i);
		assert_same_header(got, want);
		assert_string_equal(got->path, "/the/path.sql");
		assert_true(got->packed);
		script_free(got);
		script_free(want);
	}
	assert_int_equal(hdrcache_hits(hc), 3);
	/* every file a hit: nothing to write */
	assert_int_equal(hdrcache_save(hc), 0);
	hdrcache_free(hc);
	assert_int_equal(stat(fx->cache, &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	/* the multi-line message, Transactional and Author are those of a */
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	got = hdrcache_get(hc, 0, names[0], "p", &sts[0]);
	assert_non_null(got);
	assert_string_equal(got->message, "add users and their emails");
	assert_false(got->transactional);
	assert_string_equal(got->author, "Jane Doe");
	assert_int_equal(got->revises_line, 5);
	assert_int_equal(got->depends_line, 8);
	script_free(got);
	hdrcache_free(hc);
}

/* Any stat field that differs is a miss. */
static void
test_hdrcache_stat_must_match(void **state)
{
	struct fixture		*fx = *state;
	struct hdrcache		*hc = NULL;
	struct hdrcache_stat	 sts[3], st;
	struct err		 err = ERR_INIT;
	size_t			 i, f;

	for (i = 0; i < 3; i++)
		old_stat(&sts[i], i, AGE);
	fill(fx, sts);
	for (f = 0; f < 5; f++) {
		assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0,
		    &err), 0);
		st = sts[1];
		switch (f) {
		case 0: st.dev++; break;
		case 1: st.ino++; break;
		case 2: st.size++; break;
		case 3: st.mtime_ns--; break;
		case 4: st.ctime_ns++; break;
		}
		assert_null(hdrcache_get(hc, 0, names[1], "p", &st));
		/* another folder, or a name it does not hold */
		assert_null(hdrcache_get(hc, 0, "nope.sql", "p", &sts[1]));
		hdrcache_free(hc);
	}
}

/*
 * A file whose mtime or ctime is within two seconds of the cache's
 * making is read again, whatever its stat: an edit in the same tick
 * would not show in it.
 */
static void
test_hdrcache_racy_entries_are_not_trusted(void **state)
{
	struct fixture		*fx = *state;
	struct hdrcache		*hc = NULL;
	struct hdrcache_stat	 sts[3];
	struct err		 err = ERR_INIT;
	struct script		*s;

	old_stat(&sts[0], 0, 0);			/* now */
	old_stat(&sts[1], 1, 1000000000);		/* a second ago */
	old_stat(&sts[2], 2, AGE);
	sts[2].ctime_ns = now_ns();			/* chmod'ed now */
	fill(fx, sts);
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	assert_null(hdrcache_get(hc, 0, names[0], "p", &sts[0]));
	assert_null(hdrcache_get(hc, 0, names[1], "p", &sts[1]));
	assert_null(hdrcache_get(hc, 0, names[2], "p", &sts[2]));
	hdrcache_free(hc);
	/* old enough: trusted */
	old_stat(&sts[0], 0, 3 * (int64_t)1000000000);
	fill(fx, sts);
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	s = hdrcache_get(hc, 0, names[0], "p", &sts[0]);
	assert_non_null(s);
	script_free(s);
	hdrcache_free(hc);
}

/*
 * A doubted entry read again and found the same is not a change: the file
 * is written again only once a cache made now would trust it.
 */
static void
test_hdrcache_racy_rewrite(void **state)
{
	struct fixture		*fx = *state;
	struct hdrcache		*hc = NULL;
	struct hdrcache_stat	 sts[3];
	struct err		 err = ERR_INIT;
	struct script		*s;
	struct timespec		 ts[2];
	size_t			 i;

	for (i = 0; i < 3; i++)
		old_stat(&sts[i], i, AGE);
	old_stat(&sts[1], 1, 1000000000);		/* a second ago */
	fill(fx, sts);
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	for (i = 0; i < 3; i++) {
		s = hdrcache_get(hc, 0, names[i], "p", &sts[i]);
		assert_true(i == 1 ? s == NULL : s != NULL);
		script_free(s);
		if (i == 1) {
			s = read_header(fx, i);
			hdrcache_put(hc, 0, names[i], &sts[i], s);
			script_free(s);
		}
	}
	/* still doubted by a cache made now: nothing to write */
	assert_int_equal(hdrcache_save(hc), 0);
	hdrcache_free(hc);
	/* made five seconds ago: b2 (three seconds old) is doubted by it */
	old_stat(&sts[1], 1, 3 * (int64_t)1000000000);
	fill(fx, sts);
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 5;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, fx->cache, ts, 0), 0);
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	assert_null(hdrcache_get(hc, 0, names[1], "p", &sts[1]));
	s = read_header(fx, 1);
	hdrcache_put(hc, 0, names[1], &sts[1], s);
	script_free(s);
	for (i = 0; i < 3; i += 2) {
		s = hdrcache_get(hc, 0, names[i], "p", &sts[i]);
		assert_non_null(s);
		script_free(s);
	}
	/* but not by one made now: written, so the next run trusts it */
	assert_int_equal(hdrcache_save(hc), 1);
	hdrcache_free(hc);
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	s = hdrcache_get(hc, 0, names[1], "p", &sts[1]);
	assert_non_null(s);
	script_free(s);
	hdrcache_free(hc);
}

/* Asked in another order than written: found all the same. */
static void
test_hdrcache_out_of_order(void **state)
{
	struct fixture		*fx = *state;
	struct hdrcache		*hc = NULL;
	struct hdrcache_stat	 sts[3];
	struct err		 err = ERR_INIT;
	struct script		*s;
	size_t			 order[] = { 2, 0, 1 }, i;

	for (i = 0; i < 3; i++)
		old_stat(&sts[i], i, AGE);
	fill(fx, sts);
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	for (i = 0; i < 3; i++) {
		s = hdrcache_get(hc, 0, names[order[i]], "p", &sts[order[i]]);
		assert_non_null(s);
		assert_string_equal(s->rev, order[i] == 0 ? "a1" :
		    order[i] == 1 ? "b2" : "c3");
		script_free(s);
	}
	/* the same entries: nothing to write */
	assert_int_equal(hdrcache_save(hc), 0);
	hdrcache_free(hc);
}

/* A file gone, or one added, rewrites the cache without or with it. */
static void
test_hdrcache_saves_what_changed(void **state)
{
	struct fixture		*fx = *state;
	struct hdrcache		*hc = NULL;
	struct hdrcache_stat	 sts[3];
	struct err		 err = ERR_INIT;
	struct script		*s;
	size_t			 i;

	for (i = 0; i < 3; i++)
		old_stat(&sts[i], i, AGE);
	fill(fx, sts);
	/* b2 is gone: the scan does not ask for it */
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	for (i = 0; i < 3; i += 2) {
		s = hdrcache_get(hc, 0, names[i], "p", &sts[i]);
		assert_non_null(s);
		script_free(s);
	}
	assert_int_equal(hdrcache_save(hc), 1);
	hdrcache_free(hc);
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	assert_null(hdrcache_get(hc, 0, names[1], "p", &sts[1]));
	s = hdrcache_get(hc, 0, names[2], "p", &sts[2]);
	assert_non_null(s);
	script_free(s);
	hdrcache_free(hc);
}

/*
 * Every damaged copy of the file (each byte changed, each length cut
 * off, other folders) is a miss, never another script.
 */
static void
test_hdrcache_damaged_file_is_a_miss(void **state)
{
	struct fixture		*fx = *state;
	struct hdrcache		*hc = NULL;
	struct hdrcache_stat	 sts[3];
	struct err		 err = ERR_INIT;
	struct script		*s;
	char			*good, *bad;
	size_t			 len, i, k;
	FILE			*f;

	for (i = 0; i < 3; i++)
		old_stat(&sts[i], i, AGE);
	fill(fx, sts);
	f = fopen(fx->cache, "rb");
	assert_non_null(f);
	good = malloc(1 << 16);
	bad = malloc(1 << 16);
	len = fread(good, 1, 1 << 16, f);
	fclose(f);
	assert_true(len > 300 && len < 1 << 16);
	for (k = 0; k < 2 * len; k++) {
		memcpy(bad, good, len);
		if (k < len)
			bad[k] ^= 0x20;		/* one byte changed */
		f = fopen(fx->cache, "wb");
		fwrite(bad, 1, k < len ? len : k - len, f);	/* or cut */
		fclose(f);
		assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0,
		    &err), 0);
		for (i = 0; i < 3; i++)
			assert_null(hdrcache_get(hc, 0, names[i], "p",
			    &sts[i]));
		hdrcache_free(hc);
	}
	/* whole, but made for other folders */
	f = fopen(fx->cache, "wb");
	fwrite(good, 1, len, f);
	fclose(f);
	assert_int_equal(hdrcache_new(&hc, fx->cache, other_dirs, 1, 0, &err),
	    0);
	assert_null(hdrcache_get(hc, 0, names[0], "p", &sts[0]));
	hdrcache_free(hc);
	/* or recursive ones */
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 1, &err), 0);
	assert_null(hdrcache_get(hc, 0, names[0], "p", &sts[0]));
	hdrcache_free(hc);
	/* and whole, as written: a hit */
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	s = hdrcache_get(hc, 0, names[0], "p", &sts[0]);
	assert_non_null(s);
	script_free(s);
	hdrcache_free(hc);
	free(good);
	free(bad);
}

/* A link where the cache file goes is neither read nor written through. */
static void
test_hdrcache_link_is_not_followed(void **state)
{
	struct fixture		*fx = *state;
	struct hdrcache		*hc = NULL;
	struct hdrcache_stat	 sts[3];
	struct err		 err = ERR_INIT;
	struct stat		 st;
	struct script		*s;
	char			 real[160], target[160], buf[32];
	size_t			 i;
	FILE			*f;

	for (i = 0; i < 3; i++)
		old_stat(&sts[i], i, AGE);
	fill(fx, sts);
	/* a good cache, reached through a link: not read */
	snprintf(real, sizeof real, "%s/real-cache", fx->dir);
	assert_int_equal(rename(fx->cache, real), 0);
	assert_int_equal(symlink(real, fx->cache), 0);
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	assert_null(hdrcache_get(hc, 0, names[0], "p", &sts[0]));
	hdrcache_free(hc);
	/* a link to another file: the file stays as it was */
	snprintf(target, sizeof target, "%s/target", fx->dir);
	f = fopen(target, "w");
	fputs("precious", f);
	fclose(f);
	assert_int_equal(unlink(fx->cache), 0);
	assert_int_equal(symlink(target, fx->cache), 0);
	assert_int_equal(hdrcache_new(&hc, fx->cache, dirs, 1, 0, &err), 0);
	s = read_header(fx, 0);
	assert_null(hdrcache_get(hc, 0, names[0], "p", &sts[0]));
	hdrcache_put(hc, 0, names[0], &sts[0], s);
	script_free(s);
	assert_int_equal(hdrcache_save(hc), 1);
	hdrcache_free(hc);
	assert_int_equal(lstat(fx->cache, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	f = fopen(target, "r");
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "precious");
}

/* model_cache: off, a folder, or by default XDG_CACHE_HOME or HOME. */
static void
test_hdrcache_path(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg = NULL;
	struct err	 err = ERR_INIT;
	char		 ini[160], *p;
	FILE		*f;

	snprintf(ini, sizeof ini, "%s/migrate.ini", fx->dir);
	f = fopen(ini, "w");
	fputs("[migrate]\nmodel_cache = off\n", f);
	fclose(f);
	assert_int_equal(config_load(&cfg, ini, &err), 0);
	assert_null(hdrcache_path(cfg, dirs, 1, 0));
	config_free(cfg);
	f = fopen(ini, "w");
	fputs("[migrate]\nmodel_cache = /somewhere/cache\n", f);
	fclose(f);
	assert_int_equal(config_load(&cfg, ini, &err), 0);
	p = hdrcache_path(cfg, dirs, 1, 0);
	assert_non_null(p);
	assert_int_equal(strncmp(p, "/somewhere/cache/headers-", 25), 0);
	assert_int_equal(strlen(p), 25 + 32);
	xfree(p);
	config_free(cfg);
	f = fopen(ini, "w");
	fputs("[migrate]\nurl = sqlite://\n", f);
	fclose(f);
	assert_int_equal(config_load(&cfg, ini, &err), 0);
	setenv("XDG_CACHE_HOME", "/xdg", 1);
	p = hdrcache_path(cfg, dirs, 1, 0);
	assert_int_equal(strncmp(p, "/xdg/migrate/headers-", 21), 0);
	xfree(p);
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/home/u", 1);
	p = hdrcache_path(cfg, dirs, 1, 0);
	assert_int_equal(strncmp(p, "/home/u/.cache/migrate/headers-", 31), 0);
	xfree(p);
	/* each set of folders a file of its own */
	p = hdrcache_path(cfg, other_dirs, 1, 0);
	assert_int_equal(strncmp(p, "/home/u/.cache/migrate/headers-", 31), 0);
	{
		char	*q = hdrcache_path(cfg, dirs, 1, 0);

		assert_string_not_equal(p, q);
		xfree(q);
		q = hdrcache_path(cfg, dirs, 1, 1);
		assert_string_not_equal(p, q);
		xfree(q);
	}
	xfree(p);
	config_free(cfg);
}

/*
 * script_read_at: the header alone (no text, no parts), or with keep_text
 * the whole file, whatever its size around the first read's 8 KiB.
 */
static void
test_hdrcache_script_read_at(void **state)
{
	struct fixture	*fx = *state;
	struct script	*s = read_header(fx, 0);
	struct strbuf	 sb = STRBUF_INIT;
	struct err	 err = ERR_INIT;
	size_t		 sizes[] = { 8191, 8192, 8193, 20000 }, i;
	char		 path[160];
	FILE		*f;

	assert_null(s->text);
	assert_false(s->up.present);
	assert_string_equal(s->rev, "a1");
	script_free(s);
	snprintf(path, sizeof path, "%s/big.sql", fx->versions);
	for (i = 0; i < 4; i++) {
		strbuf_reset(&sb);
		strbuf_addstr(&sb, script_b);
		strbuf_addstr(&sb, "-- migrate:downgrade\n");
		while (sb.len < sizes[i] - 1)
			strbuf_addch(&sb, 'x');
		strbuf_addch(&sb, '\n');
		f = fopen(path, "w");
		fwrite(sb.buf, 1, sb.len, f);
		fclose(f);
		assert_int_equal(script_read_at(&s, fx->fd, "big.sql", path, 1,
		    &err), 0);
		assert_int_equal(s->len, sizes[i]);
		assert_memory_equal(s->text, sb.buf, sb.len);
		assert_true(s->down_part.present);
		assert_int_equal(s->down_part.off + s->down_part.len, s->len);
		script_free(s);
		assert_int_equal(script_read_at(&s, fx->fd, "big.sql", path, 0,
		    &err), 0);
		assert_null(s->text);
		script_free(s);
	}
	strbuf_release(&sb);
	/* a file that is not there: MG_EIO naming it */
	assert_int_equal(script_read_at(&s, fx->fd, "gone.sql", "/x/gone.sql",
	    0, &err), MG_EIO);
	assert_null(s);
	assert_non_null(strstr(err.msg, "cannot read '/x/gone.sql'"));
	err_release(&err);
}

/*
 * script_load_body reads the file again for its text and parts, and
 * refuses a file whose header is no longer the one the graph was built on.
 */
static void
test_hdrcache_script_load_body(void **state)
{
	struct fixture	*fx = *state;
	struct script	*s = read_header(fx, 0);
	struct err	 err = ERR_INIT;
	char		 path[160];
	FILE		*f;

	assert_int_equal(script_load_body(s, &err), 0);
	assert_non_null(s->text);
	assert_true(s->up.present);
	assert_int_equal(s->up.line, 13);
	assert_memory_equal(s->text + s->up.off,
	    "CREATE TABLE t (id INTEGER);\n", s->up.len);
	assert_memory_equal(s->text + s->revises_at, "b2, c3",
	    s->revises_len);
	assert_int_equal(script_load_body(s, &err), 0);	/* has it */
	script_free(s);
	/* c3 now revises a1: not the graph's c3 */
	s = read_header(fx, 2);
	snprintf(path, sizeof path, "%s/%s", fx->versions, names[2]);
	f = fopen(path, "w");
	fputs("-- third\n-- Revision ID: c3\n-- Revises: a1\n\n"
	    "-- migrate:upgrade\nSELECT 3;\n", f);
	fclose(f);
	assert_int_equal(script_load_body(s, &err), MG_ECONFIG);
	assert_non_null(strstr(err.msg, "changed while migrate ran"));
	assert_string_equal(err.path, path);
	assert_null(s->text);
	err_release(&err);
	script_free(s);
	/* gone */
	s = read_header(fx, 1);
	snprintf(path, sizeof path, "%s/%s", fx->versions, names[1]);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(script_load_body(s, &err), MG_EIO);
	err_release(&err);
	script_free(s);
}

/* No path (no cache folder): every lookup misses, nothing is written. */
static void
test_hdrcache_without_file(void **state)
{
	struct fixture		*fx = *state;
	struct hdrcache		*hc = NULL;
	struct hdrcache_stat	 st;
	struct err		 err = ERR_INIT;
	struct script		*s = read_header(fx, 0);

	old_stat(&st, 0, AGE);
	assert_int_equal(hdrcache_new(&hc, NULL, dirs, 1, 0, &err), 0);
	assert_null(hdrcache_get(hc, 0, names[0], "p", &st));
	hdrcache_put(hc, 0, names[0], &st, s);
	assert_int_equal(hdrcache_save(hc), 0);
	hdrcache_free(hc);
	hdrcache_free(NULL);
	script_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hdrcache_roundtrip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hdrcache_stat_must_match,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hdrcache_racy_entries_are_not_trusted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hdrcache_racy_rewrite,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hdrcache_out_of_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hdrcache_saves_what_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hdrcache_damaged_file_is_a_miss, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hdrcache_link_is_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hdrcache_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hdrcache_script_read_at,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_hdrcache_script_load_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hdrcache_without_file,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
