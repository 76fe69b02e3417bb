/*
 * Database helpers the dialect tests share: a SQLite database in memory,
 * and SQL run on a connection or the test fails with the database's
 * message.
 */
#ifndef MIGRATE_UNIT_DB_H
#define MIGRATE_UNIT_DB_H

#include <string.h>

#include "unit.h"
#include "dialect.h"

static inline struct conn *
open_memory(void)
{
	struct url	*url = NULL;
	struct conn	*conn = NULL;
	struct err	 err = ERR_INIT;

	if (url_parse(&url, "sqlite://", &err) != 0)
		fail_msg("url_parse: %s", err.msg);
	if (dialect_connect(&conn, url, &err) != 0)
		fail_msg("connect: %s", err.msg);
	url_free(url);
	return conn;
}

static inline void
exec_ok(struct conn *c, const char *sql)
{
	struct err	 err = ERR_INIT;

	if (dialect_exec_script(c, "test", sql, strlen(sql), NULL, &err) != 0)
		fail_msg("exec:\n%s\nline %u: %s", sql, err.line, err.msg);
}

#endif
