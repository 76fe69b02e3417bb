/*
 * XXH64 (Yann Collet's hash, as published): 64 bits of a buffer at several
 * GB/s. Not a cryptographic hash: it names cache files and catches damaged
 * ones; where a collision must not give a wrong answer, the cache also
 * keeps what was hashed and compares it (see model.c).
 */
#ifndef MIGRATE_XXH64_H
#define MIGRATE_XXH64_H

#include <stddef.h>
#include <stdint.h>

uint64_t	xxh64(const void *data, size_t len, uint64_t seed);

#endif
