/*
 * xxh64: the published vectors (as python3-xxhash gives them), each of
 * the hash's paths (under 4, 8 and 32 bytes, the 32-byte stripes) and a
 * seed.
 */
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "util/xxh64.h"

static void
test_xxh64_short_inputs(void **state)
{
	(void)state;
	assert_true(xxh64("", 0, 0) == 0xef46db3751d8e999ULL);
	assert_true(xxh64(NULL, 0, 0) == 0xef46db3751d8e999ULL);
	assert_true(xxh64("a", 1, 0) == 0xd24ec4f1a98c6e5bULL);
	assert_true(xxh64("abc", 3, 0) == 0x44bc2cf5ad770999ULL);
}

static void
test_xxh64_seed_changes_the_hash(void **state)
{
	(void)state;
	assert_true(xxh64("abc", 3, 1) == 0xbea9ca8199328908ULL);
}

static void
test_xxh64_stripes_and_tail(void **state)
{
	unsigned char	 buf[100];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)i;
	/* three 32-byte stripes, then 4 bytes: every path of the tail */
	assert_true(xxh64(buf, sizeof buf, 0) == 0x6ac1e58032166597ULL);
	assert_true(xxh64(buf, sizeof buf, 0x9e3779b97f4a7c15ULL) ==
	    0x3b97d91eba03e785ULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xxh64_short_inputs),
		cmocka_unit_test(test_xxh64_seed_changes_the_hash),
		cmocka_unit_test(test_xxh64_stripes_and_tail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
