/*
 * PostgreSQL reflection of what is not a table, a view or an enum type
 * (struct schema_object), and of how tables are partitioned or inherit
 * from others: see dialect-postgres-objects.c.
 */
#ifndef MIGRATE_DIALECT_POSTGRES_OBJECTS_H
#define MIGRATE_DIALECT_POSTGRES_OBJECTS_H

#include "dialect.h"

/*
 * Add to s, whose tables are reflected already, the objects of the
 * schemas named by nspaces (a text[] literal, the default schema first)
 * and the tables' partition keys, bounds and parents, and the options of
 * identity columns, in four catalog queries. Objects hanging on a table
 * that f does not take are left out.
 * Returns 0 or MG_EDB.
 */
int	pg_reflect_objects(struct schema *s, struct conn *conn,
	    const char *nspaces, const struct schema_filter *f,
	    struct err *err);

#endif
