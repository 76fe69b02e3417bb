/*
 * The dialect interface: what differs between SQLite and PostgreSQL. Only
 * dialect-sqlite.c and dialect-postgres.c include a database library; the
 * rest of the tool talks to a database through this table.
 */
#ifndef MIGRATE_DIALECT_H
#define MIGRATE_DIALECT_H

#include "migrate.h"
#include "diff.h"
#include "schema.h"

/*
 * A connection. Each dialect embeds this as the first member of its own
 * struct, so generic code reads these fields and the dialect casts back.
 */
struct conn {
	const struct dialect	*dialect;
	char			*display_url;	/* masked, for messages */
	char			*server_version;	/* "3.40.1", "15.18" */
	int			 server_version_num;	/* 3040001, 150018 */
	int			 txn_depth;	/* open transaction levels */
	int			 locked;	/* migration lock held */
};

/*
 * Rows of a query, every value as text. cells holds nrows * ncols values,
 * row by row; a SQL NULL is a NULL pointer.
 */
struct rows {
	size_t	  nrows;
	size_t	  ncols;
	char	**names;
	char	**cells;
	size_t	  alloc;	/* rows room was made for in cells */
	/*
	 * NULL, or one block holding the text of every name and cell, which
	 * then point into it: rows_free frees the block, not each of them.
	 */
	char	 *arena;
};

struct dialect {
	const char	*name;			/* "sqlite", "postgresql" */
	enum sql_flavor	 flavor;		/* how sqlsplit reads its SQL */
	/* what starts a transaction: SQLite takes the write lock at once */
	const char	*begin_sql;
	/*
	 * 1 when each exec and query is a round trip to a server, so that
	 * statements are best sent several to an exec (PostgreSQL); 0 when
	 * they run in-process, where query keeps a statement with
	 * parameters prepared for the next with the same text (SQLite).
	 */
	int		 remote;
	/*
	 * Open a connection. Returns 0, MG_ECONNECT (refused, bad password:
	 * one line, never the password) or MG_ECONFIG (bad URL parameter).
	 */
	int	(*connect)(struct conn **out, const struct url *,
		    struct err *);
	void	(*disconnect)(struct conn *);		/* NULL-safe */
	/*
	 * Run SQL text (one statement, or several as the database's own
	 * multi-statement call does). On failure returns MG_EDB with the
	 * database's message, the SQLSTATE on PostgreSQL, and err->line set
	 * to the line within sql where the error is, when the database says.
	 */
	int	(*exec)(struct conn *, const char *sql, struct err *);
	/*
	 * Run one query with text parameters $1..$n; the caller frees *out
	 * with rows_free. SQLite keeps a few queries with parameters
	 * prepared, by text, until disconnect: run the same text again with
	 * other values rather than values written into the text.
	 */
	int	(*query)(struct rows **out, struct conn *, const char *sql,
		    const char *const *params, size_t nparams, struct err *);
	/*
	 * Take the exclusive migration lock named key, waiting up to wait_ms
	 * (0: try once). The lock is not a transaction: while it is held,
	 * dialect_begin and dialect_commit make real ones, so each revision
	 * commits on its own and a script can run outside any. It dies with
	 * the connection or the process. PostgreSQL: a session advisory lock
	 * on a 64-bit hash of key. SQLite: a Linux open-file-description
	 * write lock on one byte of the database file chosen by key; a
	 * database in memory needs none. Returns 0, MG_ELOCKED naming the
	 * holder if known, MG_EIO (SQLite: cannot open or lock the file) or
	 * MG_EDB. unlock releases it; it returns 0 when not held.
	 */
	int	(*lock)(struct conn *, const char *key, unsigned wait_ms,
		    struct err *);
	int	(*unlock)(struct conn *, const char *key, struct err *);
	/* Whether schema.table exists; schema NULL: the default one. */
	int	(*table_exists)(int *out, struct conn *, const char *schema,
		    const char *table, struct err *);
	/*
	 * Timeouts in ms for the rest of the session, the migration's own
	 * statements (-1: leave as is).
	 */
	int	(*set_timeouts)(struct conn *, long lock_ms, long statement_ms,
		    struct err *);
	/*
	 * Whether a transaction is open on the session, as the database
	 * library knows it without asking the server: a script's COMMIT or
	 * ROLLBACK ends the one migrate runs it in.
	 */
	int	(*in_transaction)(struct conn *);
	/*
	 * The names of the indexes a failed CREATE INDEX CONCURRENTLY left
	 * invalid, one column; NULL where a failure leaves none (SQLite).
	 */
	int	(*invalid_indexes)(struct rows **out, struct conn *,
		    struct err *);
	void	(*quote_ident)(struct strbuf *out, const char *ident);
	void	(*quote_literal)(struct strbuf *out, const char *text);
	/*
	 * Read the schema out of the catalog: the tables (not the version
	 * and history tables, and only those the filter takes), with their
	 * columns, keys, foreign keys, checks and indexes; enum types, views
	 * and (SQLite) triggers. A constant number of catalog queries
	 * however many tables there are. The caller frees *out with
	 * schema_free; on error *out is NULL. NULL until written.
	 */
	int	(*reflect)(struct schema **out, struct conn *,
		    const struct schema_filter *, struct err *);
	/*
	 * All that reflect reads, as text appended to source, where the
	 * database can say it: two databases with the same source reflect
	 * the same, so that a reflection kept under it serves again
	 * (model_reflect_db); and the database's name (its file) appended
	 * to name. Called inside a SAVEPOINT the caller opens, so that the
	 * source and the reflection read one state. NULL where no such
	 * text is cheap to read (PostgreSQL: the catalogs themselves).
	 */
	int	(*reflect_source)(struct strbuf *name, struct strbuf *source,
		    struct conn *, struct err *);
	/*
	 * The SQL of a diff from from to to: one statement per line group,
	 * each ending in ";\n", a "-- WARNING: ..." comment line before
	 * each destructive op. NULL until written.
	 */
	int	(*render)(struct strbuf *out, const struct diff *,
		    const struct schema *from, const struct schema *to,
		    struct err *);
	/*
	 * SQLite: switch foreign key enforcement (outside a transaction,
	 * where the switch takes effect), *was its state before when not
	 * NULL; and fail with the violations PRAGMA foreign_key_check finds.
	 * NULL where a script never needs it (PostgreSQL).
	 */
	int	(*foreign_keys)(struct conn *, int on, int *was, struct err *);
	int	(*foreign_key_check)(struct conn *, struct err *);
};

extern const struct dialect dialect_sqlite;
extern const struct dialect dialect_postgres;

/* dialect-*-reflect.c, dialect-*-render.c */
int		 sqlite_reflect(struct schema **out, struct conn *,
		    const struct schema_filter *, struct err *);
int		 pg_reflect(struct schema **out, struct conn *,
		    const struct schema_filter *, struct err *);
/* The names in v as a PostgreSQL text[] literal: {"a","b\"c"}. */
char		*pg_text_array(const struct strv *);
int		 sqlite_render(struct strbuf *out, const struct diff *,
		    const struct schema *from, const struct schema *to,
		    struct err *);
int		 pg_render(struct strbuf *out, const struct diff *,
		    const struct schema *from, const struct schema *to,
		    struct err *);

/* dialect.c */
const struct dialect *dialect_for_url(const struct url *);
int		 dialect_connect(struct conn **out, const struct url *,
		    struct err *);
void		 dialect_disconnect(struct conn *);
/* Transactions; nested levels become savepoints. */
int		 dialect_begin(struct conn *, struct err *);
int		 dialect_commit(struct conn *, struct err *);
int		 dialect_rollback(struct conn *, struct err *);
/*
 * Split text with the dialect's flavor and run each statement. A failure
 * names path and the file line of the failing statement (or of the error
 * within it) and stops: statements before it are not undone here.
 * *nrun, when not NULL, receives the number of statements that succeeded.
 */
int		 dialect_exec_script(struct conn *, const char *path,
		    const char *text, size_t len, size_t *nrun, struct err *);
const char	*rows_get(const struct rows *, size_t row, size_t col);
void		 rows_free(struct rows *);
/* Used by the dialects: a rows with ncols named columns and no row. */
struct rows	*rows_new(size_t ncols);
void		 rows_add(struct rows *, char **values);
/* Write text as a SQL string literal or a double-quoted identifier. */
void		 dialect_quote_ident_std(struct strbuf *, const char *);
void		 dialect_quote_literal_std(struct strbuf *, const char *);
/*
 * End the "-- ..." comment that starts at out->buf[start]: line breaks
 * in it (a name may hold one) become blanks, so that nothing of it can
 * run as SQL, and a newline ends it.
 */
void		 dialect_comment_end(struct strbuf *out, size_t start);

#endif
