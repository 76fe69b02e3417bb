/*
 * The model: the declared schema, read from the SQL DDL files that
 * `models` in migrate.ini names, through scratch. See model.c.
 */
#ifndef MIGRATE_MODEL_H
#define MIGRATE_MODEL_H

#include "migrate.h"
#include "schema.h"

struct conn;
struct dialect;

/*
 * The model's files for a dialect, in name order: `models` is a folder
 * (its *.sql files) or a glob. A *.sqlite.sql file is for SQLite only, a
 * *.postgresql.sql file for PostgreSQL only, any other *.sql for both.
 * No `models`: no file. A folder that cannot be read is MG_ECONFIG naming
 * migrate.ini and the line of `models`.
 */
int	model_files(struct strv *out, const struct config *,
	    enum sql_flavor, struct err *);
/* The same for a `models` value where (absolute), MG_ECONFIG naming it. */
int	model_files_at(struct strv *out, const char *where, enum sql_flavor,
	    struct err *);
int	model_file_for(const char *path, enum sql_flavor);
/*
 * Load the model into scratch and reflect it: SQLite in memory;
 * PostgreSQL in a schema of its own inside a transaction on live (or on
 * dev_url when set) that is always rolled back. A statement the database
 * refuses is an error naming the model file and line. The caller frees
 * *out with schema_free.
 */
int	model_load(struct schema **out, const struct config *,
	    const struct dialect *, struct conn *live,
	    const struct schema_filter *, struct err *);
/*
 * The live database on conn reflected (conn->dialect->reflect), through
 * the model cache's folder where the dialect can say what its reflection
 * reads (SQLite): replayed while that did not change.
 */
int	model_reflect_db(struct schema **out, const struct config *,
	    struct conn *, const struct schema_filter *, struct err *);
/* model_load of these files (cfg gives dev_url and model_cache). */
int	model_load_files(struct schema **out, const struct config *,
	    const struct strv *files, const struct dialect *,
	    struct conn *live, const struct schema_filter *, struct err *);
/*
 * The rename hints of the model's files for a dialect (see rename.h),
 * added to out.
 */
struct rename_hints;
int	model_hints(struct rename_hints *out, const struct config *,
	    enum sql_flavor, struct err *);
int	model_hints_files(struct rename_hints *out, const struct strv *files,
	    enum sql_flavor, struct err *);
/*
 * Run every model file on conn, in order; an error names file and line.
 * A statement that would step out of the caller's transaction (BEGIN,
 * COMMIT, SET search_path or role ...) is refused before anything runs.
 */
int	model_run(struct conn *, const struct strv *files, struct err *);
/*
 * One model file read into text and split into stmts (both reset first),
 * with model_run's check; errors name the file and line.
 */
int	model_read(struct strbuf *text, struct sql_stmts *stmts,
	    const char *path, enum sql_flavor, struct err *);
/* Rename the scratch schema from to to in all that names it. */
void	model_unscratch(struct schema *, const char *from, const char *to);

#endif
