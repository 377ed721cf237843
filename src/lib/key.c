/* SPDX-License-Identifier: MIT */
/*
 * key.c: key material and the subkeys derived from it.  The key is only
 * ever input to HKDF-SHA-256 (RFC 5869); each purpose (tokens, reversible
 * encryption, date shifting, surrogates, the key id) gets its own 32-byte
 * subkey, so no two purposes share key bytes.  Key bytes are wiped when the
 * configuration or engine goes away and never reach a message.
 */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "phiscrub-int.h"

#define HKDF_SALT	"phiscrub key v1"

/* Crockford base32: no I, L, O, U; case-insensitive when read back. */
static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

size_t
px_base32(const unsigned char *in, size_t len, char *out, size_t cap)
{
	size_t i, o = 0;
	unsigned acc = 0;
	int bits = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5 && o + 1 < cap) {
			out[o++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0 && o + 1 < cap)
		out[o++] = b32[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return o;
}

/* Decode Crockford base32 (I, L read as 1; O as 0); -1 on a bad digit. */
long
px_base32_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	size_t i, o = 0;
	unsigned acc = 0;
	int bits = 0;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)in[i], v;

		if (c >= 'a' && c <= 'z')
			c -= 32;
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		{
			const char *p = c != 0 ? strchr(b32, c) : NULL;

			if (p == NULL)
				return -1;
			v = (int)(p - b32);
		}
		acc = (acc << 5) | (unsigned)v;
		bits += 5;
		if (bits >= 8) {
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return (long)o;
}

static int
hkdf(const unsigned char *ikm, size_t len, const char *info,
    unsigned char out[PX_SUBKEY_LEN])
{
	EVP_PKEY_CTX *pc;
	size_t olen = PX_SUBKEY_LEN;
	int ok;

	if ((pc = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL)) == NULL)
		return PHI_ENOMEM;
	ok = EVP_PKEY_derive_init(pc) > 0 &&
	    EVP_PKEY_CTX_set_hkdf_md(pc, EVP_sha256()) > 0 &&
	    EVP_PKEY_CTX_set1_hkdf_salt(pc, (const unsigned char *)HKDF_SALT,
	    (int)strlen(HKDF_SALT)) > 0 &&
	    EVP_PKEY_CTX_set1_hkdf_key(pc, ikm, (int)len) > 0 &&
	    EVP_PKEY_CTX_add1_hkdf_info(pc, (const unsigned char *)info,
	    (int)strlen(info)) > 0 &&
	    EVP_PKEY_derive(pc, out, &olen) > 0 && olen == PX_SUBKEY_LEN;
	EVP_PKEY_CTX_free(pc);
	return ok ? PHI_OK : PHI_EKEY;
}

int
phi_config_set_key(struct phi_config *cfg, const void *key, size_t len,
    struct phi_error *err)
{
	struct px_keys k;
	unsigned char id[PX_SUBKEY_LEN];
	int rc;

	if (cfg == NULL || key == NULL)
		return px_error(err, PHI_EINVAL, "no key");
	if (len < PX_KEY_MIN || len > PX_KEY_MAX)
		return px_error(err, PHI_EKEY, "key must be %d to %d bytes",
		    PX_KEY_MIN, PX_KEY_MAX);
	memset(&k, 0, sizeof(k));
	if ((rc = hkdf(key, len, "token", k.token)) != PHI_OK ||
	    (rc = hkdf(key, len, "encrypt", k.encrypt)) != PHI_OK ||
	    (rc = hkdf(key, len, "shift", k.shift)) != PHI_OK ||
	    (rc = hkdf(key, len, "surrogate", k.surrogate)) != PHI_OK ||
	    (rc = hkdf(key, len, "key id", id)) != PHI_OK) {
		explicit_bzero(&k, sizeof(k));
		return px_error(err, rc, "key derivation failed");
	}
	/* a short public name for the key: 40 bits of a one-way subkey */
	px_base32(id, 5, k.id, sizeof(k.id));
	explicit_bzero(id, sizeof(id));
	k.set = 1;
	cfg->keys = k;
	explicit_bzero(&k, sizeof(k));
	return PHI_OK;
}

const char *
phi_engine_key_id(const struct phi_engine *eng)
{
	return eng != NULL && eng->keys.set ? eng->keys.id : NULL;
}
