/*
 * Rename hints: what tells autogenerate that a table or a column of the
 * database is one of the model under a new name, so that it renames it
 * (keeping the rows) instead of dropping one and adding the other.
 *
 * A hint comes from the model, as a comment on the line of the column
 * (or of CREATE TABLE) that carries the new name:
 *
 *	CREATE TABLE people (		-- migrate:renamed-from persons
 *	    full_name text NOT NULL,	-- migrate:renamed-from name
 *
 * or once, from the command line: --rename persons=people,
 * --rename people.name=people.full_name. Resolving the hints against the
 * two schemas gives the diff's renames.
 */
#ifndef MIGRATE_RENAME_H
#define MIGRATE_RENAME_H

#include "diff.h"
#include "migrate.h"

struct rename_hint {
	char		*nspace;	/* NULL: the table's only one */
	char		*table;		/* the table, as the model names it */
	char		*column;	/* NULL: the table itself is renamed */
	char		*from;		/* the old name */
	char		*from_table;	/* --rename T.c=U.d: T; else NULL */
	char		*file;		/* the model file; NULL: --rename */
	unsigned	 line;
};

struct rename_hints {
	struct rename_hint	*v;
	size_t			 n;
	size_t			 alloc;
};
#define RENAME_HINTS_INIT { NULL, 0, 0 }

/*
 * The hints in the text of one model file. A hint that stands on no
 * column's or CREATE TABLE's line is MG_ECONFIG naming path and line.
 */
int	rename_hints_scan(struct rename_hints *, const char *path,
	    const char *text, enum sql_flavor, struct err *);
/* One --rename argument: TABLE=TABLE or TABLE.COLUMN=TABLE.COLUMN. */
int	rename_hints_arg(struct rename_hints *, const char *arg,
	    enum sql_flavor, struct err *);
/*
 * The renames the hints make between from (the database) and to (the
 * model). A --rename that matches nothing is an error; so is a model
 * hint whose old name the database does not have while the diff would
 * drop something of that kind there (a typo would lose data). A model
 * hint already carried out (the database has the new name and not the
 * old) does nothing, nor one on a table the database does not have.
 * On SQLite, a table or column whose name differs from the model's only
 * in case is renamed too.
 */
int	rename_resolve(struct diff_renames *out, const struct rename_hints *,
	    const struct schema *from, const struct schema *to,
	    enum sql_flavor, struct err *);
void	rename_hints_release(struct rename_hints *);

#endif
