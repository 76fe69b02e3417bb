/*
 * SHA-256 (FIPS 180-4), for checksums of revision files.
 *
 * Contract: a struct sha256 lives on the stack; sha256_init prepares it,
 * sha256_update feeds it any number of bytes in pieces of any size, and
 * sha256_final writes the 32-byte digest. After sha256_final the struct
 * must be initialized again before reuse. Nothing here allocates, and
 * nothing fails.
 */
#ifndef MIGRATE_SHA256_H
#define MIGRATE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN	32
#define SHA256_HEX_LEN		64	/* excluding the NUL */

struct sha256 {
	uint32_t	 h[8];		/* chaining state */
	uint64_t	 len;		/* bytes fed so far */
	unsigned char	 buf[64];	/* partial block */
	size_t		 nbuf;		/* bytes used in buf, always < 64 */
};

void	 sha256_init(struct sha256 *);
void	 sha256_update(struct sha256 *, const void *data, size_t len);
void	 sha256_final(struct sha256 *, unsigned char out[32]);
/* Hex digest (64 lowercase hex chars + NUL) of data. */
void	 sha256_hex(char out[65], const void *data, size_t len);
/*
 * Hex digest of text with line endings normalized: every "\r\n" and every
 * lone "\r" counts as "\n". Streams the text; it is not copied.
 */
void	 sha256_hex_text(char out[65], const char *text, size_t len);

#endif
