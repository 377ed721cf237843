/* SPDX-License-Identifier: MIT */
/*
 * uni.c: the only place that calls ICU.  Dictionary keys and tokens are
 * folded the same way: Unicode case folding after removing accents (NFD,
 * drop non-spacing marks), so "José", "JOSE" and "jose" meet.  ASCII takes a
 * fast path and never reaches ICU; ICU errors are returned, never ignored.
 */
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "phiscrub-int.h"

/* Longest string folded at once: tokens and dictionary entries are short. */
#define FOLD_MAX	512

/*
 * Fold in[0..len) into out (capacity cap), setting *outlen.  Returns PHI_OK,
 * PHI_ELIMIT when the result does not fit, or PHI_EUNICODE.
 */
int
px_fold(const char *in, size_t len, char *out, size_t cap, size_t *outlen)
{
	UChar u[FOLD_MAX], d[FOLD_MAX * 2], f[FOLD_MAX * 3];
	UErrorCode ue = U_ZERO_ERROR;
	const UNormalizer2 *nfd;
	int32_t ulen, dlen, flen, olen, i, j;
	size_t k;
	int ascii = 1;

	for (k = 0; k < len; k++)
		if ((unsigned char)in[k] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii) {
		if (len > cap)
			return PHI_ELIMIT;
		for (k = 0; k < len; k++) {
			unsigned char c = (unsigned char)in[k];
			out[k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) :
			    (char)c;
		}
		*outlen = len;
		return PHI_OK;
	}
	if (len > FOLD_MAX)
		return PHI_ELIMIT;
	u_strFromUTF8(u, FOLD_MAX, &ulen, in, (int32_t)len, &ue);
	if (U_FAILURE(ue))
		return PHI_EUNICODE;
	if ((nfd = unorm2_getNFDInstance(&ue)) == NULL || U_FAILURE(ue))
		return PHI_EUNICODE;
	dlen = unorm2_normalize(nfd, u, ulen, d, (int32_t)PX_NELEM(d), &ue);
	if (U_FAILURE(ue))
		return PHI_EUNICODE;
	for (i = j = 0; i < dlen; i++)
		if (u_charType(d[i]) != U_NON_SPACING_MARK)
			d[j++] = d[i];
	flen = u_strFoldCase(f, (int32_t)PX_NELEM(f), d, j,
	    U_FOLD_CASE_DEFAULT, &ue);
	if (U_FAILURE(ue))
		return PHI_EUNICODE;
	u_strToUTF8(out, (int32_t)(cap > INT32_MAX ? INT32_MAX : cap), &olen,
	    f, flen, &ue);
	if (ue == U_BUFFER_OVERFLOW_ERROR)
		return PHI_ELIMIT;
	if (U_FAILURE(ue))
		return PHI_EUNICODE;
	*outlen = (size_t)olen;
	return PHI_OK;
}

/*
 * Length of the longest valid UTF-8 prefix of s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF).  Eight ASCII bytes at a time.
 */
size_t
px_utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c;

		if (i + 8 <= len) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if ((w & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		c = p[i];
		if (c < 0x80) {
			i++;
		} else if (c >= 0xc2 && c <= 0xdf) {
			if (i + 1 >= len || (p[i + 1] & 0xc0) != 0x80)
				return i;
			i += 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			if (i + 2 >= len || (p[i + 1] & 0xc0) != 0x80 ||
			    (p[i + 2] & 0xc0) != 0x80)
				return i;
			if (c == 0xe0 && p[i + 1] < 0xa0)
				return i;
			if (c == 0xed && p[i + 1] > 0x9f)
				return i;
			i += 3;
		} else if (c >= 0xf0 && c <= 0xf4) {
			if (i + 3 >= len || (p[i + 1] & 0xc0) != 0x80 ||
			    (p[i + 2] & 0xc0) != 0x80 ||
			    (p[i + 3] & 0xc0) != 0x80)
				return i;
			if (c == 0xf0 && p[i + 1] < 0x90)
				return i;
			if (c == 0xf4 && p[i + 1] > 0x8f)
				return i;
			i += 4;
		} else
			return i;
	}
	return len;
}

/*
 * The next stretch of invalid UTF-8 in text[from, b), widened to the
 * whitespace-delimited word around it (not before a): *x, *y.  Returns 0
 * when the rest is valid.  Readers replace such words, fail closed.
 */
int
px_utf8_bad_word(const char *text, size_t a, size_t from, size_t b,
    size_t *x, size_t *y)
{
	size_t v;

	if (from >= b || (v = px_utf8_valid_prefix(text + from, b - from)) ==
	    b - from)
		return 0;
	*x = from + v;
	while (*x > a && text[*x - 1] != ' ' && text[*x - 1] != '\n' &&
	    text[*x - 1] != '\t')
		(*x)--;
	*y = from + v + 1;
	while (*y < b && text[*y] != ' ' && text[*y] != '\n' &&
	    text[*y] != '\t')
		(*y)++;
	return 1;
}

/*
 * Is the code point at s[i] a letter (or a combining mark, part of one)?
 * *n is set to its byte length.  Only called for bytes >= 0x80 of valid
 * UTF-8; invalid bytes are reported as non-letters of length 1.
 */
int
px_is_letter_at(const char *s, size_t len, size_t i, size_t *n)
{
	UChar32 c;
	int32_t off = 0;
	int32_t l = (int32_t)(len - i > 8 ? 8 : len - i);

	U8_NEXT((const uint8_t *)s + i, off, l, c);
	*n = off > 0 ? (size_t)off : 1;
	if (c < 0)
		return 0;
	if (c == 0x2019)	/* right single quote, as in O’Brien */
		return 2;
	return u_isalpha(c) || u_charType(c) == U_NON_SPACING_MARK;
}

static int
first_cp(const char *s, size_t len, UChar32 *c)
{
	int32_t off = 0;

	U8_NEXT((const uint8_t *)s, off, (int32_t)(len > 8 ? 8 : len), *c);
	return off;
}

/* Does the token start with an upper-case (title-case) letter? */
int
px_utf8_is_upper(const char *s, size_t len)
{
	UChar32 c;

	if (len == 0)
		return 0;
	if ((unsigned char)s[0] < 0x80)
		return s[0] >= 'A' && s[0] <= 'Z';
	first_cp(s, len, &c);
	return c >= 0 && (u_isupper(c) || u_istitle(c));
}

int
px_utf8_is_lower(const char *s, size_t len)
{
	UChar32 c;

	if (len == 0)
		return 0;
	if ((unsigned char)s[0] < 0x80)
		return s[0] >= 'a' && s[0] <= 'z';
	first_cp(s, len, &c);
	return c >= 0 && u_islower(c);
}
