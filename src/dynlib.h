/*
 * Shared libraries loaded when first needed (dlopen), not linked: libpq
 * and libgit2 bring some thirty libraries between them (Kerberos, LDAP,
 * TLS, SSH ...), whose relocation was most of the start-up of a command
 * that never touches PostgreSQL or git.
 */
#ifndef MIGRATE_DYNLIB_H
#define MIGRATE_DYNLIB_H

#include <stddef.h>

#include "util/error.h"

/* A function a table wants: its name, and its pointer's offset there. */
struct dynlib_sym {
	const char	*name;
	size_t		 offset;
};

/*
 * Load the first of names (NULL-terminated: the SONAME first, then a
 * fallback) that opens, and store into table, at each of syms' offsets,
 * the address of that function. Each member at an offset must be a
 * function pointer of the function's type (__typeof__(f) *, from the
 * library's own header). The library stays loaded once loaded (it is
 * opened RTLD_NODELETE): a later dynlib_open of it costs a lookup per
 * symbol, not its relocation, and its own global state (OpenSSL's,
 * libgit2's) is never unloaded under it.
 *
 * Returns 0 with *out the handle to give dynlib_close, or MG_ECONFIG,
 * "cannot load <name>: <dlerror>", with *out NULL and table not to be
 * used.
 */
int	dynlib_open(void **out, const char *const *names, void *table,
	    const struct dynlib_sym *syms, size_t nsyms, struct err *);
/* Drop a reference dynlib_open took; NULL does nothing. */
void	dynlib_close(void *);

#endif
