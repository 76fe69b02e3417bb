/*
 * Writing JSON for the --format json outputs: strings escaped as RFC 8259
 * asks (quotes, backslashes, control characters), the rest as it is.
 */
#ifndef MIGRATE_JSON_H
#define MIGRATE_JSON_H

#include "strbuf.h"

/* s as a JSON string, or null when s is NULL. */
void	json_str(struct strbuf *, const char *s);
/* "key": s, after a comma unless first. */
void	json_key_str(struct strbuf *, int first, const char *key,
	    const char *s);
/* "key": true or false. */
void	json_key_bool(struct strbuf *, int first, const char *key, int b);
/* "key": [s, ...] of n strings. */
void	json_key_strs(struct strbuf *, int first, const char *key,
	    const char *const *v, size_t n);

#endif
