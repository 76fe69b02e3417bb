/* XXH64: see xxh64.h. */
#include <string.h>

#include "xxh64.h"

#define P1	11400714785074694791ULL
#define P2	14029467366897019727ULL
#define P3	1609587929392839161ULL
#define P4	9650029242287828579ULL
#define P5	2870177450012600261ULL

static uint64_t
xxh64_rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
xxh64_round(uint64_t acc, uint64_t in)
{
	acc += in * P2;
	return xxh64_rotl(acc, 31) * P1;
}

static uint64_t
xxh64_merge(uint64_t h, uint64_t v)
{
	h ^= xxh64_round(0, v);
	return h * P1 + P4;
}

static uint64_t
xxh64_u64at(const unsigned char *p)
{
	uint64_t	 v;

	memcpy(&v, p, sizeof v);
	return v;
}

uint64_t
xxh64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char	*p, *end;
	uint64_t		 h, v1, v2, v3, v4;
	uint32_t		 k;

	/* no pointer arithmetic on NULL, even + 0 */
	p = data != NULL ? data : (const void *)"";
	end = p + len;
	if (len >= 32) {
		v1 = seed + P1 + P2;
		v2 = seed + P2;
		v3 = seed;
		v4 = seed - P1;
		for (; end - p >= 32; p += 32) {
			v1 = xxh64_round(v1, xxh64_u64at(p));
			v2 = xxh64_round(v2, xxh64_u64at(p + 8));
			v3 = xxh64_round(v3, xxh64_u64at(p + 16));
			v4 = xxh64_round(v4, xxh64_u64at(p + 24));
		}
		h = xxh64_rotl(v1, 1) + xxh64_rotl(v2, 7) +
		    xxh64_rotl(v3, 12) + xxh64_rotl(v4, 18);
		h = xxh64_merge(h, v1);
		h = xxh64_merge(h, v2);
		h = xxh64_merge(h, v3);
		h = xxh64_merge(h, v4);
	} else
		h = seed + P5;
	h += (uint64_t)len;
	for (; end - p >= 8; p += 8) {
		h ^= xxh64_round(0, xxh64_u64at(p));
		h = xxh64_rotl(h, 27) * P1 + P4;
	}
	if (end - p >= 4) {
		memcpy(&k, p, sizeof k);
		h ^= (uint64_t)k * P1;
		h = xxh64_rotl(h, 23) * P2 + P3;
		p += 4;
	}
	for (; p < end; p++) {
		h ^= *p * P5;
		h = xxh64_rotl(h, 11) * P1;
	}
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}
