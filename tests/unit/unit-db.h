/*
 * Database helpers the dialect tests share: a connection to a URL, a
 * SQLite database in memory or in a folder of the test's own, and SQL run
 * on a connection or the test fails with the database's message.
 */
#ifndef MIGRATE_UNIT_DB_H
#define MIGRATE_UNIT_DB_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "dialect.h"

/* A connection to the database at url, or the test fails. */
static inline struct conn *
open_url(const char *text)
{
	struct url	*url = NULL;
	struct conn	*conn = NULL;
	struct err	 err = ERR_INIT;

	if (url_parse(&url, text, &err) != 0)
		fail_msg("url_parse(%s): %s", text, err.msg);
	if (dialect_connect(&conn, url, &err) != 0)
		fail_msg("connect: %s", err.msg);
	url_free(url);
	return conn;
}

static inline struct conn *
open_memory(void)
{
	return open_url("sqlite://");
}

/* The SQLite file name in the folder dir, opened. */
static inline struct conn *
open_sqlite_in(const char *dir, const char *name)
{
	char	 text[PATH_MAX + 16];

	snprintf(text, sizeof text, "sqlite:///%s/%s", dir, name);
	return open_url(text);
}

/* A new folder /tmp/NAME.XXXXXX into dir (size bytes): 0, or -1. */
static inline int
unit_tmpdir_make(char *dir, size_t size, const char *name)
{
	snprintf(dir, size, "/tmp/%s.XXXXXX", name);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

/* That folder removed with all it holds: 0, or -1. */
static inline int
unit_tmpdir_remove(const char *dir)
{
	char	 cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* One statement through the dialect's exec (no splitting), or fail. */
static inline void
exec1_ok(struct conn *c, const char *sql)
{
	struct err	 err = ERR_INIT;

	if (c->dialect->exec(c, sql, &err) != 0)
		fail_msg("exec %s: %s", sql, err.msg);
}

static inline void
exec_ok(struct conn *c, const char *sql)
{
	struct err	 err = ERR_INIT;

	if (dialect_exec_script(c, "test", sql, strlen(sql), NULL, &err) != 0)
		fail_msg("exec:\n%s\nline %u: %s", sql, err.line, err.msg);
}

#endif
