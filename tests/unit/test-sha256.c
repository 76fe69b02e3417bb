/*
 * sha256: NIST vectors, padding boundaries, chunked feeding and the
 * line-ending normalized text digest.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "util/sha256.h"

#define ABC448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"

/* Hex digest of n copies of 'a', fed at once. */
static void
test_sha256_hex_of_as(char out[65], size_t n)
{
	char	 buf[128];

	assert_true(n <= sizeof buf);
	memset(buf, 'a', n);
	sha256_hex(out, buf, n);
}

static void
test_sha256_nist_empty(void **state)
{
	char	 hex[65];

	(void)state;
	sha256_hex(hex, "", 0);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	sha256_hex(hex, NULL, 0);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

static void
test_sha256_nist_abc(void **state)
{
	static const unsigned char	 want[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
	};
	struct sha256			 ctx;
	unsigned char			 md[32];
	char				 hex[65];

	(void)state;
	sha256_hex(hex, "abc", 3);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	sha256_init(&ctx);
	sha256_update(&ctx, "abc", 3);
	sha256_final(&ctx, md);
	assert_memory_equal(md, want, sizeof want);
}

static void
test_sha256_nist_448_bits(void **state)
{
	char	 hex[65];

	(void)state;
	assert_int_equal(strlen(ABC448), 56);
	sha256_hex(hex, ABC448, strlen(ABC448));
	assert_string_equal(hex,
	    "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_sha256_nist_million_a_in_uneven_chunks(void **state)
{
	static const size_t	 sizes[] = { 1, 7, 63, 64, 65, 127, 1000, 3 };
	struct sha256		 ctx;
	unsigned char		 md[32], chunk[1000];
	char			 hex[65];
	size_t			 left = 1000000, n, i = 0;

	(void)state;
	memset(chunk, 'a', sizeof chunk);
	sha256_init(&ctx);
	while (left > 0) {
		n = sizes[i++ % (sizeof sizes / sizeof sizes[0])];
		if (n > left)
			n = left;
		sha256_update(&ctx, chunk, n);
		left -= n;
	}
	sha256_final(&ctx, md);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(hex,
	    "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
}

static void
test_sha256_byte_by_byte_equals_at_once(void **state)
{
	struct sha256	 one, all;
	unsigned char	 data[300], md1[32], md2[32];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 31 + 7);
	sha256_init(&one);
	for (i = 0; i < sizeof data; i++)
		sha256_update(&one, data + i, 1);
	sha256_final(&one, md1);
	sha256_init(&all);
	sha256_update(&all, data, sizeof data);
	sha256_final(&all, md2);
	assert_memory_equal(md1, md2, sizeof md1);
}

static void
test_sha256_padding_boundaries(void **state)
{
	static const struct {
		size_t		 len;
		const char	*hex;
	} cases[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9a"
		      "e9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f"
		      "590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98"
		      "e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209"
		      "f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a"
		      "41685d6ad62aa9146d301d4f17eb0ae0" },
	};
	char	 hex[65];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		test_sha256_hex_of_as(hex, cases[i].len);
		assert_string_equal(hex, cases[i].hex);
	}
}

static void
test_sha256_text_normalizes_line_endings(void **state)
{
	char	 lf[65], crlf[65], cr[65];

	(void)state;
	sha256_hex_text(lf, "a\nb", 3);
	sha256_hex_text(crlf, "a\r\nb", 4);
	sha256_hex_text(cr, "a\rb", 3);
	assert_string_equal(lf,
	    "7e18f737311b2dc3b2f269dd78396b03"
	    "51f14fb66efa879f768cb23181883c78");
	assert_string_equal(crlf, lf);
	assert_string_equal(cr, lf);

	/* "\r\r\n" is a lone CR then a CRLF; "\n\r" is two line ends */
	sha256_hex_text(lf, "x\n\ny\n", 5);
	sha256_hex_text(crlf, "x\r\r\ny\r", 6);
	sha256_hex_text(cr, "x\n\ry\r\n", 6);
	assert_string_equal(lf,
	    "9e999adc348bc9bf4cd26312129af41b"
	    "3255e8a06b523e17b2398f808ef52fff");
	assert_string_equal(crlf, lf);
	assert_string_equal(cr, lf);
}

static void
test_sha256_text_trailing_cr(void **state)
{
	char	 hex[65];

	(void)state;
	sha256_hex_text(hex, "line\r", 5);
	assert_string_equal(hex,
	    "c73b73af8851e9e91bc6b4dc12e7dace"
	    "0a2bfb931c1d0b8b36ef367319f58cd1");
	sha256_hex_text(hex, "line\r\n", 6);
	assert_string_equal(hex,
	    "c73b73af8851e9e91bc6b4dc12e7dace"
	    "0a2bfb931c1d0b8b36ef367319f58cd1");
	sha256_hex_text(hex, "\r", 1);
	assert_string_equal(hex,
	    "01ba4719c80b6fe911b091a7c05124b6"
	    "4eeece964e09c058ef8f9805daca546b");
	/* len ends the text: the '\r' just past it is not read */
	sha256_hex_text(hex, "line\r", 4);
	assert_string_equal(hex,
	    "38a9c1e721584da284b90ceea4ed7eb8"
	    "db15ac4ea86c2c75ec925d5f8799fcf0");
	sha256_hex_text(hex, "", 0);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

static void
test_sha256_text_crlf_across_block_boundary(void **state)
{
	char	 text[200], plain[200], got[65], want[65];
	size_t	 n, m;

	(void)state;
	/*
	 * 63 bytes and a "\r\n", 63 more and a lone '\r': each line end is
	 * the last byte of a 64-byte block once normalized, and the CRLF
	 * straddles the first block edge of the raw text.
	 */
	memset(text, 'a', 63);
	memcpy(text + 63, "\r\n", 2);
	memset(text + 65, 'b', 63);
	memcpy(text + 128, "\rcccccccccc\r", 12);
	n = 140;
	memset(plain, 'a', 63);
	plain[63] = '\n';
	memset(plain + 64, 'b', 63);
	memcpy(plain + 127, "\ncccccccccc\n", 12);
	m = 139;
	sha256_hex_text(got, text, n);
	sha256_hex(want, plain, m);
	assert_string_equal(got, want);
	/* text without '\r' digests like the raw bytes */
	sha256_hex_text(got, plain, m);
	assert_string_equal(got, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_nist_empty),
		cmocka_unit_test(test_sha256_nist_abc),
		cmocka_unit_test(test_sha256_nist_448_bits),
		cmocka_unit_test(test_sha256_nist_million_a_in_uneven_chunks),
		cmocka_unit_test(test_sha256_byte_by_byte_equals_at_once),
		cmocka_unit_test(test_sha256_padding_boundaries),
		cmocka_unit_test(test_sha256_text_normalizes_line_endings),
		cmocka_unit_test(test_sha256_text_trailing_cr),
		cmocka_unit_test(test_sha256_text_crlf_across_block_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
