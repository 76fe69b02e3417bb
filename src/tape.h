/*
 * A tape of a reflection: the catalog queries a dialect's reflect ran and
 * the rows they gave, recorded once and replayed later without a
 * database, so that a model that did not change need not be loaded and
 * reflected again. Replay runs the same reflect code on the recorded
 * rows, and a query that is not the recorded one (a new version of the
 * reflect code, other filters) is a miss, never a wrong schema.
 */
#ifndef MIGRATE_TAPE_H
#define MIGRATE_TAPE_H

#include "migrate.h"
#include "schema.h"

struct conn;

/* conn->dialect->reflect on conn, the queries and their rows onto tape. */
int	tape_record(struct schema **out, struct strbuf *tape, struct conn *,
	    const struct schema_filter *, struct err *);
/*
 * The same reflect on a tape: like gives the dialect and the server's
 * version. MG_ENOTFOUND when the queries are not those on the tape or it
 * is cut short; *out is then NULL.
 */
int	tape_replay(struct schema **out, const char *tape, size_t len,
	    const struct conn *like, const struct schema_filter *,
	    struct err *);

#endif
