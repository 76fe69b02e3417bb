/*
 * The version and history tables, and running a plan against a database
 * or as offline SQL. Needs the dialect interface, hence its own header.
 */
#ifndef MIGRATE_VERSION_H
#define MIGRATE_VERSION_H

#include "dialect.h"

/*
 * Settings from migrate.ini and where to write. conn is NULL in offline
 * mode. Strings are borrowed from the config.
 */
struct version {
	const struct dialect	*dialect;
	struct conn		*conn;
	const char		*schema;	/* version_table_schema or NULL */
	const char		*table;		/* version_table */
	const char		*history;	/* history_table */
	struct strbuf		 vt;		/* quoted, qualified */
	struct strbuf		 ht;
	/* statements run at every step, written at their first use */
	struct strbuf		 history_sql;	/* INSERT of a history row */
	struct strbuf		 update_sql;	/* UPDATE of a version row */
	int			 per_migration;	/* transaction_per_migration */
	long			 lock_timeout;	/* ms, -1 if unset */
	long			 statement_timeout;	/* ms, -1 if unset */
	int			 lock_retries;
	unsigned		 lock_wait_ms;
	FILE			*log;		/* progress, or NULL */
	int			 quiet;
};

/* Read the settings; MG_ECONFIG naming the line of a bad value. */
int	version_init(struct version *, const struct config *,
	    const struct dialect *, struct conn *, struct err *);
void	version_release(struct version *);
/* The migration lock for this version table, waiting up to lock_wait. */
int	version_lock(struct version *, struct err *);
int	version_unlock(struct version *, struct err *);
/*
 * End of a command: unlock (when locked) and release; returns rc, or the
 * unlock's error when rc was 0. Safe on a zeroed struct.
 */
int	version_done(struct version *, int rc, struct err *);
/*
 * Set lock_timeout and statement_timeout for the session, then create the
 * version and history tables if they do not exist.
 */
int	version_ensure(struct version *, struct err *);
/*
 * The version rows (empty when the table does not exist). A row naming
 * no script is MG_ENOTFOUND.
 */
int	version_rows(struct revset *out, struct version *,
	    const struct graph *, struct err *);
/*
 * Run the steps: each in its own transaction with its version update and
 * history row (or all in one, transaction_per_migration = false, which a
 * failure rolls back whole; there a step has a savepoint only when
 * lock_retries may run it again), a "Transactional: no" step outside
 * any. Stops at the first failure, with the script's file and line; what
 * committed before it stays.
 */
int	version_run(struct version *, const struct plan *, struct err *);
/* The same steps as one SQL script on out; create adds the tables. */
int	version_run_sql(struct version *, FILE *out, const struct plan *,
	    int create, struct err *);
/*
 * Set the version rows from before to after (purge: delete every row
 * first) with a history row per new row; to sql_out when not NULL.
 */
int	version_stamp(struct version *, FILE *sql_out,
	    const struct revset *before, const struct revset *after,
	    int purge, struct err *);

#endif
