/* xxh64sum: the XXH64 (seed 0) of stdin in 16 hex digits, as a cache
 * file of migrate sums its tape (tests/e2e/lib.sh tape_resum). */
#include <stdio.h>
#include <stdlib.h>

#include "util/xxh64.h"

int
main(void)
{
	char	*buf = NULL;
	size_t	 len = 0, alloc = 0, n;

	for (;;) {
		if (len == alloc) {
			alloc = alloc ? 2 * alloc : 65536;
			if ((buf = realloc(buf, alloc)) == NULL)
				return 1;
		}
		if ((n = fread(buf + len, 1, alloc - len, stdin)) == 0)
			break;
		len += n;
	}
	printf("%016llx\n", (unsigned long long)xxh64(buf, len, 0));
	free(buf);
	return ferror(stdin) ? 1 : 0;
}
