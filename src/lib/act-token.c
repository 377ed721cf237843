/* SPDX-License-Identifier: MIT */
/*
 * act-token.c: keyed pseudonyms.
 *
 * token:   [TAG-XXXXXX], 30 bits of HMAC-SHA-256(token subkey, category
 *          NUL normalized value) in Crockford base32.  Deterministic and
 *          stateless: the same value and key give the same token in every
 *          process, format and machine.  Normalization: case and accents
 *          folded; names keep their words in order, "LAST, FIRST" turned
 *          to "FIRST LAST", runs of blanks and punctuation between words
 *          ignored; every other category keeps only its letters and digits.
 * encrypt: [TAG~XXXX...], AES-SIV (RFC 5297) of the exact value with the
 *          category as associated data: deterministic, authenticated, and
 *          reversible only with the key (`phiscrub restore`).
 */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "phiscrub-int.h"

#define SIV_TAG		16

/* Normalize v for tokens into out; returns the length. */
static size_t
normalize(const char *cat, const char *v, size_t len, char *out, size_t cap)
{
	const char *comma = memchr(v, ',', len);
	size_t o = 0, i, j, n;
	int name = strcmp(cat, "NAME") == 0;
	char w[256];

	/* "SMITH, JOHN A" -> "JOHN A SMITH" */
	if (name && comma != NULL) {
		size_t a = (size_t)(comma - v) + 1;

		o = normalize(cat, v + a, len - a, out, cap);
		if (o + 1 < cap && o > 0)
			out[o++] = ' ';
		return o + normalize(cat, v, (size_t)(comma - v), out + o,
		    cap - o);
	}
	for (i = 0; i < len; ) {
		unsigned char c = (unsigned char)v[i];

		if (!(c >= 0x80 || (c >= '0' && c <= '9') ||
		    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))) {
			i++;
			continue;
		}
		for (j = i; j < len && ((unsigned char)v[j] >= 0x80 ||
		    (v[j] >= '0' && v[j] <= '9') || ((v[j] | 0x20) >= 'a' &&
		    (v[j] | 0x20) <= 'z')); j++)
			;
		if (px_fold(v + i, j - i, w, sizeof(w), &n) != PHI_OK) {
			n = j - i < sizeof(w) ? j - i : sizeof(w);
			memcpy(w, v + i, n);
		}
		if (name && o > 0 && o + 1 < cap)
			out[o++] = ' ';
		if (o + n >= cap)
			n = cap - o - 1;
		memcpy(out + o, w, n);
		o += n;
		i = j;
	}
	return o;
}

int
px_act_token(const struct phi_engine *eng, const char *cat, const char *tag,
    const char *v, size_t len, char *out, size_t cap, size_t *outlen)
{
	unsigned char mac[32];
	unsigned int mlen = 0;
	char norm[1024], msg[1100], b[16];
	size_t n, clen = strlen(cat);
	int w;

	n = normalize(cat, v, len, norm, sizeof(norm));
	if (clen + 1 + n > sizeof(msg)) {
		explicit_bzero(norm, sizeof(norm));
		return PHI_ELIMIT;
	}
	memcpy(msg, cat, clen);
	msg[clen] = '\0';
	memcpy(msg + clen + 1, norm, n);
	if (HMAC(EVP_sha256(), eng->keys.token, PX_SUBKEY_LEN,
	    (unsigned char *)msg, clen + 1 + n, mac, &mlen) == NULL)
		return PHI_EKEY;
	explicit_bzero(norm, sizeof(norm));
	explicit_bzero(msg, sizeof(msg));
	px_base32(mac, 4, b, 7);		/* 6 characters, 30 bits */
	w = snprintf(out, cap, "[%s-%s]", tag, b);
	if (w < 0 || (size_t)w >= cap)
		return PHI_ELIMIT;
	*outlen = (size_t)w;
	return PHI_OK;
}

/* AES-SIV of v (AD = tag) into [TAG~base32(siv tag || ciphertext)]. */
int
px_act_encrypt(const struct phi_engine *eng, const char *tag, const char *v,
    size_t len, char *out, size_t cap, size_t *outlen)
{
	EVP_CIPHER *c;
	EVP_CIPHER_CTX *x;
	unsigned char *buf;
	int l = 0, l2 = 0, ok;
	size_t tl = strlen(tag), n;

	if (len > PX_ENCRYPT_MAX)
		return PHI_ELIMIT;
	if ((c = EVP_CIPHER_fetch(NULL, "AES-128-SIV", NULL)) == NULL)
		return PHI_EKEY;
	if ((x = EVP_CIPHER_CTX_new()) == NULL ||
	    (buf = px_malloc(SIV_TAG + len)) == NULL) {
		EVP_CIPHER_CTX_free(x);
		EVP_CIPHER_free(c);
		return PHI_ENOMEM;
	}
	ok = EVP_EncryptInit_ex(x, c, NULL, eng->keys.encrypt, NULL) == 1 &&
	    EVP_EncryptUpdate(x, NULL, &l, (const unsigned char *)tag,
	    (int)tl) == 1 &&
	    EVP_EncryptUpdate(x, buf + SIV_TAG, &l, (const unsigned char *)v,
	    (int)len) == 1 &&
	    EVP_EncryptFinal_ex(x, buf + SIV_TAG + l, &l2) == 1 &&
	    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, SIV_TAG, buf) == 1;
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(c);
	if (!ok) {
		px_wipe_free(buf, SIV_TAG + len);
		return PHI_EKEY;
	}
	n = (SIV_TAG + len) * 8 / 5 + 2;
	if (tl + n + 4 > cap) {
		px_wipe_free(buf, SIV_TAG + len);
		return PHI_ELIMIT;
	}
	out[0] = '[';
	memcpy(out + 1, tag, tl);
	out[1 + tl] = '~';
	n = px_base32(buf, SIV_TAG + len, out + 2 + tl, cap - 3 - tl);
	out[2 + tl + n] = ']';
	*outlen = 3 + tl + n;
	px_wipe_free(buf, SIV_TAG + len);
	return PHI_OK;
}

/*
 * Restore: v is "[TAG~DATA]" as found in any text (letters may have been
 * lower-cased on the way).  Writes the original value, or returns
 * PHI_EKEY for a token that does not authenticate under this key.
 */
int
px_act_decrypt(const struct phi_engine *eng, const char *v, size_t len,
    char *out, size_t cap, size_t *outlen)
{
	const char *tilde = memchr(v, '~', len);
	unsigned char *raw;
	char tag[64];
	EVP_CIPHER *c;
	EVP_CIPHER_CTX *x;
	long n;
	int l = 0, l2 = 0, ok;
	size_t tl, i;

	if (len < 4 || v[0] != '[' || v[len - 1] != ']' || tilde == NULL ||
	    (tl = (size_t)(tilde - v) - 1) == 0 || tl >= sizeof(tag))
		return PHI_EKEY;
	for (i = 0; i < tl; i++) {
		char ch = v[1 + i];

		tag[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
	}
	tag[tl] = '\0';
	if ((raw = px_malloc(len)) == NULL)
		return PHI_ENOMEM;
	n = px_base32_decode(tilde + 1, len - tl - 3, raw, len);
	if (n <= SIV_TAG || (size_t)n - SIV_TAG > cap) {
		px_free(raw);
		return PHI_EKEY;
	}
	if ((c = EVP_CIPHER_fetch(NULL, "AES-128-SIV", NULL)) == NULL) {
		px_free(raw);
		return PHI_EKEY;
	}
	if ((x = EVP_CIPHER_CTX_new()) == NULL) {
		EVP_CIPHER_free(c);
		px_free(raw);
		return PHI_ENOMEM;
	}
	ok = EVP_DecryptInit_ex(x, c, NULL, eng->keys.encrypt, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, SIV_TAG, raw) == 1 &&
	    EVP_DecryptUpdate(x, NULL, &l, (const unsigned char *)tag,
	    (int)tl) == 1 &&
	    EVP_DecryptUpdate(x, (unsigned char *)out, &l, raw + SIV_TAG,
	    (int)(n - SIV_TAG)) == 1 &&
	    EVP_DecryptFinal_ex(x, (unsigned char *)out + l, &l2) == 1;
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(c);
	px_wipe_free(raw, len);
	if (!ok) {
		explicit_bzero(out, cap);
		return PHI_EKEY;
	}
	*outlen = (size_t)(l + l2);
	return PHI_OK;
}
