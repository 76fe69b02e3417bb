/*
 * The diff: the ordered ops that turn one schema (from, what the
 * database has) into another (to, what the model says). Dialect-blind: it
 * compares the texts reflection normalized and never asks which database
 * they came from. Rendering ops as SQL is the dialects' business.
 *
 * Ops borrow the objects they name from the two schemas, which must
 * outlive the diff.
 */
#ifndef MIGRATE_DIFF_H
#define MIGRATE_DIFF_H

#include <stddef.h>

#include "schema.h"

enum op_kind {
	OP_DROP_VIEW = 1,
	OP_DROP_FK,
	OP_CREATE_ENUM,
	OP_ADD_ENUM_VALUE,	/* value, after (NULL: first) */
	OP_RECREATE_ENUM,	/* values removed or reordered */
	OP_CREATE_TABLE,	/* with its keys, checks and acyclic FKs */
	OP_RENAME_TABLE,
	OP_RENAME_COLUMN,
	OP_RENAME_CONSTRAINT,	/* a key, check or FK: same definition */
	OP_RENAME_INDEX,	/* same definition, new name */
	OP_DROP_INDEX,
	OP_DROP_UNIQUE,
	OP_DROP_CHECK,
	OP_DROP_PK,
	OP_ADD_COLUMN,
	OP_ALTER_COLUMN,	/* what changed: the OP_CHANGE_* bits */
	OP_DROP_COLUMN,
	OP_ADD_PK,
	OP_ADD_UNIQUE,
	OP_ADD_CHECK,
	OP_CREATE_INDEX,
	OP_COMMENT_TABLE,
	OP_TABLE_OPTIONS,	/* SQLite: WITHOUT ROWID, STRICT, AUTOINCREMENT,
				   a virtual table's module */
	OP_COMMENT_COLUMN,
	OP_DROP_TABLE,
	OP_DROP_ENUM,
	OP_ADD_FK,		/* new, changed, or left out of a CREATE */
	OP_CREATE_VIEW,
	/* struct schema_object: old, new or both */
	OP_CREATE_OBJECT,
	OP_DROP_OBJECT,
	OP_ALTER_OBJECT,	/* in place: the OP_OBJECT_* bits */
	/* a kept table's parents or partition bound (old, new: tables) */
	OP_ALTER_PARENT
};

#define OP_CHANGE_TYPE		0x01
#define OP_CHANGE_NULL		0x02
#define OP_CHANGE_DEFAULT	0x04
#define OP_CHANGE_IDENTITY	0x08
#define OP_CHANGE_GENERATED	0x10
#define OP_CHANGE_COLLATION	0x20

/*
 * OP_ALTER_OBJECT: its definition (ALTER DOMAIN, ALTER SEQUENCE, CREATE
 * OR REPLACE FUNCTION), its comment, the column owning a sequence.
 */
#define OP_OBJECT_SQL		0x01
#define OP_OBJECT_COMMENT	0x02
#define OP_OBJECT_OWNER		0x04

struct op {
	enum op_kind		 kind;
	/* the table concerned: to's for what is added, from's to drop */
	const struct schema_table *table;
	const void		*old;	/* the object in from, or NULL */
	const void		*new;	/* the object in to, or NULL */
	const char		*value;	/* OP_ADD_ENUM_VALUE */
	const char		*after;	/* OP_ADD_ENUM_VALUE: NULL = first */
	unsigned		 change;	/* OP_ALTER_COLUMN, _OBJECT */
	const char		*warning;	/* destructive: what is lost */
	/* OP_RENAME_CONSTRAINT, OP_RENAME_INDEX: the names */
	const char		*old_name;
	const char		*new_name;
};

struct diff {
	struct op	*v;
	size_t		 n;
	size_t		 alloc;
	/*
	 * With renames: from as it is once they ran, which the other ops
	 * were compared against and borrow from. Owned.
	 */
	struct schema	*renamed;
	/* Same-shape drops and adds that look like renames: one line each. */
	struct strv	 suggestions;
};
#define DIFF_INIT { NULL, 0, 0, NULL, { NULL, 0 } }

/*
 * A rename: of a table (fc and tc NULL), or of a column of a table that
 * is ft in from and tt in to. The objects are borrowed from the schemas.
 */
struct diff_rename {
	const struct schema_table	*ft, *tt;
	const struct schema_column	*fc, *tc;
};

struct diff_renames {
	struct diff_rename	*v;
	size_t			 n;
	size_t			 alloc;
};
#define DIFF_RENAMES_INIT { NULL, 0, 0 }

/*
 * The ops from from to to, in an order that runs: views and foreign keys
 * that go are dropped first, tables are created referenced ones first
 * (foreign keys of a cycle are added after both tables exist), tables
 * and enum types are dropped after what points at them, views come back
 * last.
 *
 * Other objects (struct schema_object) go in three places, each in the
 * order their dependencies ask: schemas first of all and dropped last of
 * all; an object that reads no table (a domain, a sequence, most
 * functions) before the tables are created and after they are dropped;
 * a late one (triggers, rules, a function of a table's row type) after
 * the views are created and before they are dropped. Partitions and
 * inheriting tables are created after their parents and dropped before
 * them; what a child inherits changes with its parent.
 */
void	diff_schemas(struct diff *out, const struct schema *from,
	    const struct schema *to);
/*
 * The same, where renames (NULL: none) say which tables and columns of
 * from are those of to under another name: they become OP_RENAME_TABLE
 * and OP_RENAME_COLUMN ops, run first (tables, then columns), and what
 * names them (keys, foreign keys, index keys, expressions) is compared
 * under the new names.
 */
void	diff_schemas_renamed(struct diff *out, const struct schema *from,
	    const struct schema *to, const struct diff_renames *renames);
void	diff_release(struct diff *);
void	diff_renames_add(struct diff_renames *,
	    const struct schema_table *ft, const struct schema_table *tt,
	    const struct schema_column *fc, const struct schema_column *tc);
/* The renames the other way round (for the downgrade), into out. */
void	diff_renames_reverse(struct diff_renames *out,
	    const struct diff_renames *);
void	diff_renames_release(struct diff_renames *);
/* Whether changing a column's type from old to new can lose data. */
int	diff_type_narrows(const char *old, const char *new);
/* A short name for an op kind, for tests and messages. */
const char *diff_op_name(enum op_kind);

#endif
