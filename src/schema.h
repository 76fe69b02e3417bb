/*
 * The schema: the in-memory picture of a database (or of the model loaded
 * into scratch), as reflection reads it from the catalog. The diff engine
 * compares two of them and never asks which dialect made them, so every
 * text here is already in the form the database itself normalizes to
 * (types as format_type() prints them on PostgreSQL, defaults and
 * expressions as pg_get_expr() prints them; on SQLite the declared text
 * as sqlite_master keeps it).
 *
 * Everything is owned by its parent and freed by schema_free. Lists are
 * kept in the order the catalog gives (columns by position) or sorted by
 * name (tables, indexes, constraints), so two reflections of the same
 * database are equal field by field.
 */
#ifndef MIGRATE_SCHEMA_H
#define MIGRATE_SCHEMA_H

#include <stddef.h>


struct strv {
	char	**v;
	size_t	  n;
};

struct schema_column {
	char	*name;
	char	*type;		/* "integer", "character varying(40)", "TEXT" */
	int	 notnull;
	char	*default_sql;	/* the server default, or NULL */
	char	 identity;	/* PostgreSQL: 'a' always, 'd' by default, 0 */
	/* its sequence's options other than the defaults: "START WITH 9" */
	struct strv identity_options;
	char	*generated;	/* a generated column's expression, or NULL */
	int	 generated_stored;	/* STORED (else VIRTUAL, SQLite) */
	char	*collation;	/* NULL: the type's default */
	char	*comment;	/* NULL: none */
	int	 hidden;	/* SQLite: a hidden column of a virtual table */
};

/* A primary key or a unique constraint. */
struct schema_key {
	char		*name;		/* NULL when the database names none */
	struct strv	 columns;
	int		 deferrable;
	int		 initially_deferred;
};

struct schema_fk {
	char		*name;		/* NULL when the database names none */
	struct strv	 columns;
	char		*ref_schema;	/* NULL: the table's own schema */
	char		*ref_table;
	struct strv	 ref_columns;	/* empty: the referenced primary key */
	char		*on_delete;	/* "NO ACTION", "CASCADE", ... */
	char		*on_update;
	char		*match;		/* "SIMPLE", "FULL", "PARTIAL" */
	int		 deferrable;
	int		 initially_deferred;
	int		 not_valid;	/* PostgreSQL: added NOT VALID */
};

struct schema_check {
	char	*name;		/* NULL when the database names none */
	char	*expr;		/* the expression inside CHECK ( ... ) */
	int	 not_valid;
};

struct schema_index {
	char		*name;
	int		 unique;
	struct strv	 keys;		/* a column name, or "(expr)"; with
					   " DESC", " NULLS FIRST", collation */
	char		*where;		/* a partial index's predicate, or NULL */
	char		*method;	/* PostgreSQL: "btree", "gin" ... */
	struct strv	 include;	/* PostgreSQL: INCLUDE columns */
	char		*sql;		/* the CREATE INDEX the database shows */
};

struct schema_table {
	char			 *schema;	/* PostgreSQL: its namespace */
	char			 *name;
	struct schema_column	**columns;
	size_t			  ncolumns;
	struct schema_key	 *pk;		/* NULL: no primary key */
	struct schema_key	**uniques;
	size_t			  nuniques;
	struct schema_fk	**fks;
	size_t			  nfks;
	struct schema_check	**checks;
	size_t			  nchecks;
	struct schema_index	**indexes;	/* not those of keys */
	size_t			  nindexes;
	char			 *comment;
	int			  without_rowid;	/* SQLite */
	int			  strict;		/* SQLite */
	int			  autoincrement;	/* SQLite */
	char			 *sql;		/* SQLite: CREATE TABLE text */
	char			 *vtab;		/* SQLite: a virtual table's
						   "module(arguments)" */
	/*
	 * PostgreSQL: a partitioned table's key ("RANGE (d)"), and the
	 * tables it inherits from, in order (the i-th in schema
	 * parent_schemas.v[i]); a partition has one parent and its bound
	 * ("FOR VALUES ...", "DEFAULT"). What a child has from its parents
	 * is not kept on it (checks, the clones of their keys, foreign keys
	 * and indexes), except its columns.
	 */
	char			 *partition_key;
	struct strv		  parents;
	struct strv		  parent_schemas;
	char			 *partition_bound;
};

/* PostgreSQL enum types. */
struct schema_enum {
	char		*schema;
	char		*name;
	struct strv	 values;	/* in their sort order */
};

struct schema_view {
	char	*schema;
	char	*name;
	char	*definition;	/* the SELECT, as the database prints it */
	int	 materialized;
};

/* SQLite triggers: kept so a table rebuild can recreate them. */
struct schema_trigger {
	char	*name;
	char	*table;
	char	*sql;
};

/*
 * PostgreSQL objects that are not tables, views or enum types: what the
 * model declares besides them, each kept as the SQL that makes it.
 * Compared by kind and identity; equal when their texts are. The kinds
 * are in the order their objects are created when nothing else decides.
 */
enum schema_object_kind {
	SCHEMA_OBJ_SCHEMA = 1,	/* a schema other than the default one */
	SCHEMA_OBJ_COLLATION,
	SCHEMA_OBJ_TYPE,	/* a composite type */
	SCHEMA_OBJ_DOMAIN,
	SCHEMA_OBJ_SEQUENCE,
	SCHEMA_OBJ_FUNCTION,
	SCHEMA_OBJ_PROCEDURE,
	SCHEMA_OBJ_AGGREGATE,
	SCHEMA_OBJ_CONSTRAINT,	/* an exclusion constraint of a table */
	SCHEMA_OBJ_INDEX,	/* an index of a materialized view */
	SCHEMA_OBJ_TRIGGER,
	SCHEMA_OBJ_RULE,
	SCHEMA_OBJ_COMMENT	/* on what keeps none itself (views ...) */
};

struct schema_object {
	enum schema_object_kind	 kind;
	char		*schema;	/* its namespace; NULL for a schema */
	char		*name;
	/*
	 * What names it in SQL after the word of its kind, unique within
	 * the kind: "public"."f"(integer, text) for a function, "t_upd" ON
	 * "public"."t" for a trigger, "VIEW public.v" for a comment.
	 */
	char		*identity;
	/* the table or view it hangs on or belongs to, or NULL */
	char		*table_schema;
	char		*table;
	char		*column;	/* a sequence: the column owning it */
	char		*sql;		/* the statement making it, no ';' */
	/*
	 * What cannot change in place: two objects whose texts differ but
	 * whose fixed parts are equal (and not NULL) are changed by an
	 * ALTER or CREATE OR REPLACE instead of a drop and a create.
	 */
	char		*fixed;
	char		*comment;
	/*
	 * It reads a table or a view (a function that returns a table's
	 * row type): created after them and dropped before them.
	 */
	int		 late;
	/*
	 * What it uses: "kind identity" of an object, "relation s.name" of
	 * a table or view (or their row type).
	 */
	struct strv	 deps;
	/* a domain: what ALTER DOMAIN changes */
	char		*default_sql;
	int		 notnull;
	struct strv	 check_names;
	struct strv	 check_defs;	/* "CHECK (VALUE > 0)", same order */
	/* a sequence: what follows its name in CREATE and ALTER SEQUENCE */
	char		*options;
};

struct schema {
	struct schema_table	**tables;
	size_t			  ntables;
	struct schema_enum	**enums;
	size_t			  nenums;
	struct schema_view	**views;
	size_t			  nviews;
	struct schema_trigger	**triggers;
	size_t			  ntriggers;
	struct schema_object	**objects;	/* by kind, then identity */
	size_t			  nobjects;
};

/* What reflection takes and leaves (from migrate.ini). */
struct schema_filter {
	const struct strv	*schemas;	/* PostgreSQL; NULL: "public" */
	const struct strv	*include;	/* table globs; NULL: all */
	const struct strv	*exclude;	/* table globs */
	const char		*version_table;	/* never reflected */
	const char		*history_table;
};

void	strv_push(struct strv *, const char *s);
void	strv_pushn(struct strv *, const char *s, size_t len);
void	strv_release(struct strv *);
int	strv_equal(const struct strv *, const struct strv *);

struct schema	*schema_new(void);
void		 schema_free(struct schema *);
/* A deep copy, in the same order (the i-th table of each is the same). */
struct schema	*schema_clone(const struct schema *);
/* Add an empty object and return it (owned by the schema or table). */
struct schema_table	*schema_add_table(struct schema *, const char *nspace,
			    const char *name);
struct schema_column	*schema_add_column(struct schema_table *,
			    const char *name, const char *type);
struct schema_key	*schema_add_unique(struct schema_table *);
struct schema_fk	*schema_add_fk(struct schema_table *);
struct schema_check	*schema_add_check(struct schema_table *);
struct schema_index	*schema_add_index(struct schema_table *,
			    const char *name);
struct schema_enum	*schema_add_enum(struct schema *, const char *nspace,
			    const char *name);
struct schema_view	*schema_add_view(struct schema *, const char *nspace,
			    const char *name);
struct schema_trigger	*schema_add_trigger(struct schema *, const char *name,
			    const char *table);
struct schema_object	*schema_add_object(struct schema *,
			    enum schema_object_kind, const char *nspace,
			    const char *name);
/*
 * Sort tables, views, enums, triggers and each table's lists by name,
 * objects by kind and identity.
 */
void		 schema_sort(struct schema *);
/* Borrowed pointers, or NULL; nspace NULL matches any. */
struct schema_table	*schema_find_table(const struct schema *,
			    const char *nspace, const char *name);
struct schema_column	*schema_find_column(const struct schema_table *,
			    const char *name);
struct schema_index	*schema_find_index(const struct schema_table *,
			    const char *name);
/* A named check or foreign key (name NULL finds an unnamed one). */
struct schema_check	*schema_find_check(const struct schema_table *,
			    const char *name);
struct schema_fk	*schema_find_fk(const struct schema_table *,
			    const char *name);
struct schema_object	*schema_find_object(const struct schema *,
			    enum schema_object_kind, const char *identity);
/* "function", "trigger" ...: the SQL word of a kind, lower case. */
const char		*schema_object_kind_name(enum schema_object_kind);
/*
 * Every field as text, one object a line, for comparing: equal dumps are
 * equal schemas. Left out, as the diff leaves them: where a column stands
 * in its table, and the CREATE TABLE text of a SQLite table.
 */
struct strbuf;
void		 schema_dump(struct strbuf *, const struct schema *);
/* Whether reflection takes a table: include/exclude globs, not ours. */
int		 schema_filter_takes(const struct schema_filter *,
		    const char *name);

#endif
