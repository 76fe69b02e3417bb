/*
 * dlopen on first use, with one line of error and never a crash when a
 * library or a function is missing. See dynlib.h.
 */
#include <dlfcn.h>
#include <string.h>

#include "dynlib.h"
#include "util/xmalloc.h"

int
dynlib_open(void **out, const char *const *names, void *table,
    const struct dynlib_sym *syms, size_t nsyms, struct err *err)
{
	const char	*msg, *name = names[0];
	char		*first = NULL;
	void		*h = NULL, *addr;
	size_t		 i;
	int		 rc = 0;

	*out = NULL;
	/* RTLD_NOW: a missing dependency's symbol fails here, not later */
	for (i = 0; names[i] != NULL && h == NULL; i++) {
		name = names[i];
		h = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
		if (h == NULL && first == NULL) {
			msg = dlerror();
			first = xstrdup(msg != NULL ? msg : "unknown error");
		}
	}
	if (h == NULL) {
		/* the SONAME's error: the fallbacks are for unusual systems */
		rc = err_set(err, MG_ECONFIG, "cannot load %s: %s", names[0],
		    first != NULL ? first : "no file name");
		goto done;
	}
	for (i = 0; i < nsyms; i++) {
		(void)dlerror();
		if ((addr = dlsym(h, syms[i].name)) == NULL) {
			msg = dlerror();
			rc = err_set(err, MG_ECONFIG, "cannot load %s: %s", name,
			    msg != NULL ? msg : "no such function");
			dlclose(h);
			goto done;
		}
		/* POSIX: a function's address converts through void * */
		memcpy((char *)table + syms[i].offset, &addr, sizeof addr);
	}
	*out = h;
done:
	xfree(first);
	return rc;
}

void
dynlib_close(void *h)
{
	if (h != NULL)
		dlclose(h);
}
