/*
 * SHA-256 as FIPS 180-4 section 6.2 describes it, written for this tool so
 * that checksums need no crypto library.
 */
#include <string.h>

#include "sha256.h"

/*
 * Round constants: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes.
 */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define SHA256_ROTR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))
#define SHA256_CH(x, y, z)	(((x) & (y)) ^ (~(x) & (z)))
#define SHA256_MAJ(x, y, z)	(((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define SHA256_BSIG0(x) \
	(SHA256_ROTR(x, 2) ^ SHA256_ROTR(x, 13) ^ SHA256_ROTR(x, 22))
#define SHA256_BSIG1(x) \
	(SHA256_ROTR(x, 6) ^ SHA256_ROTR(x, 11) ^ SHA256_ROTR(x, 25))
#define SHA256_SSIG0(x) \
	(SHA256_ROTR(x, 7) ^ SHA256_ROTR(x, 18) ^ ((x) >> 3))
#define SHA256_SSIG1(x) \
	(SHA256_ROTR(x, 17) ^ SHA256_ROTR(x, 19) ^ ((x) >> 10))

/* Process one 64-byte block: the message schedule, then 64 rounds. */
static void
sha256_block(struct sha256 *ctx, const unsigned char *p)
{
	uint32_t	 w[64];
	uint32_t	 a, b, c, d, e, f, g, h, t1, t2;
	int		 i;

	for (i = 0; i < 16; i++) {
		w[i] = (uint32_t)p[4 * i] << 24 |
		    (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 |
		    (uint32_t)p[4 * i + 3];
	}
	for (i = 16; i < 64; i++) {
		w[i] = SHA256_SSIG1(w[i - 2]) + w[i - 7] +
		    SHA256_SSIG0(w[i - 15]) + w[i - 16];
	}

	a = ctx->h[0];
	b = ctx->h[1];
	c = ctx->h[2];
	d = ctx->h[3];
	e = ctx->h[4];
	f = ctx->h[5];
	g = ctx->h[6];
	h = ctx->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + SHA256_BSIG1(e) + SHA256_CH(e, f, g) + sha256_k[i] +
		    w[i];
		t2 = SHA256_BSIG0(a) + SHA256_MAJ(a, b, c);
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	ctx->h[0] += a;
	ctx->h[1] += b;
	ctx->h[2] += c;
	ctx->h[3] += d;
	ctx->h[4] += e;
	ctx->h[5] += f;
	ctx->h[6] += g;
	ctx->h[7] += h;
}

void
sha256_init(struct sha256 *ctx)
{
	/*
	 * The first 32 bits of the fractional parts of the square roots of
	 * the first 8 primes.
	 */
	ctx->h[0] = 0x6a09e667;
	ctx->h[1] = 0xbb67ae85;
	ctx->h[2] = 0x3c6ef372;
	ctx->h[3] = 0xa54ff53a;
	ctx->h[4] = 0x510e527f;
	ctx->h[5] = 0x9b05688c;
	ctx->h[6] = 0x1f83d9ab;
	ctx->h[7] = 0x5be0cd19;
	ctx->len = 0;
	ctx->nbuf = 0;
}

void
sha256_update(struct sha256 *ctx, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 n;

	if (len == 0)
		return;		/* data may be NULL; memcpy must not see it */
	ctx->len += len;
	if (ctx->nbuf > 0) {
		n = sizeof ctx->buf - ctx->nbuf;
		if (n > len)
			n = len;
		memcpy(ctx->buf + ctx->nbuf, p, n);
		ctx->nbuf += n;
		p += n;
		len -= n;
		if (ctx->nbuf < sizeof ctx->buf)
			return;
		sha256_block(ctx, ctx->buf);
		ctx->nbuf = 0;
	}
	/* Whole blocks straight from the caller's memory, without a copy. */
	for (; len >= sizeof ctx->buf; p += 64, len -= 64)
		sha256_block(ctx, p);
	if (len > 0) {
		memcpy(ctx->buf, p, len);
		ctx->nbuf = len;
	}
}

void
sha256_final(struct sha256 *ctx, unsigned char out[32])
{
	uint64_t	 bits = ctx->len * 8;
	int		 i;

	/*
	 * Append 0x80, zeros up to 56 mod 64, then the length in bits as a
	 * 64-bit big-endian number. When fewer than 9 bytes are left in the
	 * current block, the padding spills into one more.
	 */
	ctx->buf[ctx->nbuf++] = 0x80;
	if (ctx->nbuf > 56) {
		memset(ctx->buf + ctx->nbuf, 0, sizeof ctx->buf - ctx->nbuf);
		sha256_block(ctx, ctx->buf);
		ctx->nbuf = 0;
	}
	memset(ctx->buf + ctx->nbuf, 0, 56 - ctx->nbuf);
	for (i = 0; i < 8; i++)
		ctx->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_block(ctx, ctx->buf);
	ctx->nbuf = 0;

	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(ctx->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(ctx->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(ctx->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)ctx->h[i];
	}
}

/* Finish ctx and write its digest as lowercase hex. */
static void
sha256_final_hex(struct sha256 *ctx, char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[SHA256_DIGEST_LEN];
	int			 i;

	sha256_final(ctx, md);
	for (i = 0; i < SHA256_DIGEST_LEN; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[SHA256_HEX_LEN] = '\0';
}

void
sha256_hex(char out[65], const void *data, size_t len)
{
	struct sha256	 ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final_hex(&ctx, out);
}

void
sha256_hex_text(char out[65], const char *text, size_t len)
{
	struct sha256	 ctx;
	const char	*p = text, *end = text + len, *cr;

	sha256_init(&ctx);
	/*
	 * Feed each run up to a '\r' as it is, then one '\n' for the '\r'
	 * and for the '\n' that may follow it, so a checksum is the same
	 * whether the file was saved with LF, CRLF or CR line endings.
	 */
	while (p < end && (cr = memchr(p, '\r', (size_t)(end - p))) != NULL) {
		sha256_update(&ctx, p, (size_t)(cr - p));
		sha256_update(&ctx, "\n", 1);
		p = cr + 1;
		if (p < end && *p == '\n')
			p++;
	}
	sha256_update(&ctx, p, (size_t)(end - p));
	sha256_final_hex(&ctx, out);
}
