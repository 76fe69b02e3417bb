/*
 * Shared types and the prototypes of the core modules, one block per file.
 */
#ifndef MIGRATE_H
#define MIGRATE_H

#include <stddef.h>
#include <stdio.h>

#include "util/error.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define MIGRATE_VERSION "0.1.0"

/* url.c */
enum url_kind {
	URL_SQLITE = 1,
	URL_POSTGRES
};

struct url_param {
	char	*key;		/* percent-decoded */
	char	*value;		/* percent-decoded */
};

/*
 * A parsed database URL. Every string is owned and percent-decoded.
 * SQLite: path is the file name as written after "sqlite:///" (relative to
 * the working directory unless it starts with '/'), NULL when memory is set.
 * PostgreSQL: host without IPv6 brackets, port 0 when not given.
 */
struct url {
	enum url_kind		 kind;
	char			*scheme;	/* as written, lower case */
	char			*user;
	char			*password;
	char			*host;
	int			 port;
	char			*database;	/* PostgreSQL database name */
	char			*path;		/* SQLite file */
	int			 memory;	/* SQLite in-memory database */
	struct url_param	*params;
	size_t			 nparams;
};

/*
 * Parse a database URL. Returns 0, or MG_ECONFIG with a one-line message
 * that says what is wrong and never contains the password. The caller
 * frees *out with url_free.
 */
int		 url_parse(struct url **out, const char *text, struct err *);
void		 url_free(struct url *);
/* The URL as text with the password shown as "***"; caller frees. */
char		*url_mask(const struct url *);
/* The decoded value of query parameter key, or NULL. Borrowed. */
const char	*url_param(const struct url *, const char *key);

/* sqlsplit.c */
enum sql_flavor {
	SQL_SQLITE = 1,
	SQL_POSTGRES
};

struct sql_stmt {
	char		*sql;		/* owned; no trailing ';' */
	unsigned	 line;		/* line of its first token, from 1 */
};

struct sql_stmts {
	struct sql_stmt	*v;
	size_t		 n;
	size_t		 alloc;
};
#define SQL_STMTS_INIT { NULL, 0, 0 }

/*
 * Split text into statements, appending them to out. Comments and blank
 * space before a statement are not part of it; empty statements are
 * dropped. Returns 0, or MG_ERROR with err->line set when a quote, comment
 * or body is left open (the caller adds the file name with err_set_path).
 */
int		 sqlsplit_parse(struct sql_stmts *out, const char *text,
		    size_t len, enum sql_flavor, struct err *);
void		 sqlsplit_release(struct sql_stmts *);

/* config.c */
struct config_entry {
	char		*key;
	char		*value;		/* expanded */
	unsigned	 line;		/* 0 for a built-in default */
};

struct config {
	char			*path;		/* the ini file, or NULL */
	char			*here;		/* its folder, absolute */
	struct config_entry	*v;
	size_t			 n;
	size_t			 alloc;
	char			**warnings;	/* "path:line: message" */
	size_t			 nwarnings;
	size_t			 walloc;
};

/*
 * Read the [migrate] section of an ini file: %(here)s, %(key)s and %%
 * interpolation, ${VAR} and ${VAR:-default} from the environment. With
 * path NULL, an empty configuration rooted at the working directory.
 * Unknown keys become warnings; a malformed line, a missing [migrate]
 * section or a broken interpolation is MG_ECONFIG naming file and line.
 */
int		 config_load(struct config **out, const char *path,
		    struct err *);
void		 config_free(struct config *);
/* The entry for key (set in the file or a default), or NULL. Borrowed. */
const struct config_entry *config_find(const struct config *,
		    const char *key);
/* The expanded value of key, or NULL. Borrowed. */
const char	*config_get(const struct config *, const char *key);
int		 config_get_bool(int *out, const struct config *,
		    const char *key, struct err *);
int		 config_get_int(long *out, const struct config *,
		    const char *key, long min, long max, struct err *);
/* A path value resolved against here when relative; caller frees. */
char		*config_get_path(const struct config *, const char *key);
/*
 * The database URL in force: the --url flag, then MIGRATE_URL (env), then
 * url in the file (cfg may be NULL). Returns NULL when none is set.
 * Borrowed.
 */
const char	*config_url(const struct config *, const char *flag,
		    const char *env);
/* Whether key is one migrate.ini knows. */
int		 config_known_key(const char *key);

#endif
