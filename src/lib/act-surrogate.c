/* SPDX-License-Identifier: MIT */
/*
 * act-surrogate.c: realistic fake values, chosen deterministically from the
 * key and the original so that one person keeps one fake name everywhere.
 * The shape stays: capitalization, initials, punctuation, digit layout.
 *  - names: each word from the pack's first-names or surnames dictionary
 *    (a first name stays a first name), initials stay initials;
 *  - phone and fax: the fictional 555-01xx range, area code kept in form;
 *  - e-mail: first.last@example.org (RFC 2606 domain);
 *  - city: a name from the places dictionary;
 *  - street address: numbers redrawn, street words from surnames, suffixes
 *    (St, Ave, Apt ...) kept;
 *  - dates: shifted (act-date.c);
 *  - SSN: area 9xx, never issued; other identifiers: every letter and
 *    digit redrawn in its class.
 */
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "phiscrub-int.h"

/* A deterministic byte stream: HMAC(surrogate key, ctr || label || v). */
struct rnd {
	const struct phi_engine *eng;
	unsigned char buf[32];
	size_t pos;
	uint32_t ctr;
	const char *label;
	const char *v;
	size_t len;
};

static int
refill(struct rnd *r)
{
	unsigned char msg[600];
	unsigned int n = 0;
	size_t ll = strlen(r->label) + 1, ml;

	if (4 + ll + r->len > sizeof(msg))
		return PHI_ELIMIT;
	msg[0] = (unsigned char)(r->ctr >> 24);
	msg[1] = (unsigned char)(r->ctr >> 16);
	msg[2] = (unsigned char)(r->ctr >> 8);
	msg[3] = (unsigned char)r->ctr;
	memcpy(msg + 4, r->label, ll);
	memcpy(msg + 4 + ll, r->v, r->len);
	ml = 4 + ll + r->len;
	r->ctr++;
	r->pos = 0;
	if (HMAC(EVP_sha256(), r->eng->keys.surrogate, PX_SUBKEY_LEN, msg, ml,
	    r->buf, &n) == NULL) {
		explicit_bzero(msg, sizeof(msg));
		return PHI_EKEY;
	}
	explicit_bzero(msg, sizeof(msg));
	return PHI_OK;
}

static unsigned
draw(struct rnd *r, unsigned n)
{
	uint32_t x;

	if (r->pos + 4 > sizeof(r->buf) && refill(r) != PHI_OK)
		return 0;
	memcpy(&x, r->buf + r->pos, 4);
	r->pos += 4;
	return n != 0 ? x % n : x;
}

static void
rnd_init(struct rnd *r, const struct phi_engine *eng, const char *label,
    const char *v, size_t len)
{
	r->eng = eng;
	r->label = label;
	r->v = v;
	r->len = len;
	r->ctr = 0;
	r->pos = sizeof(r->buf);	/* refill on first draw */
}

static const struct px_dict *
dict_named(const struct phi_engine *eng, const char *name)
{
	size_t i;

	for (i = 0; i < eng->spec.ndicts; i++)
		if (strcmp(eng->spec.dicts[i]->name, name) == 0)
			return eng->spec.dicts[i];
	return NULL;
}

/* Append w (folded) cased like the original word o[0..olen). */
static size_t
put_cased(char *out, const char *w, const char *o, size_t olen)
{
	size_t i, n = strlen(w);
	int upper = olen > 1 && o[0] >= 'A' && o[0] <= 'Z' && o[1] >= 'A' &&
	    o[1] <= 'Z';
	int title = !upper && o[0] >= 'A' && o[0] <= 'Z';

	for (i = 0; i < n; i++) {
		char c = w[i];

		if (c >= 'a' && c <= 'z' && (upper || (title && (i == 0 ||
		    w[i - 1] == ' ' || w[i - 1] == '-' || w[i - 1] == '\''))))
			c = (char)(c - 32);
		out[i] = c;
	}
	return n;
}

/* A deterministic entry of d chosen by r; d NULL gives NULL. */
static const char *
pick(const struct px_dict *d, struct rnd *r)
{
	if (d == NULL || d->norder == 0)
		return NULL;
	return d->arena + d->order[draw(r, (unsigned)d->norder)];
}

static int
isletter(unsigned char c)
{
	return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* Names: word by word, so "John" is the same fake in every name. */
static int
names(const struct phi_engine *eng, const char *v, size_t len, char *out,
    size_t cap, size_t *outlen)
{
	const struct px_dict *fn = dict_named(eng, "first-names");
	const struct px_dict *sn = dict_named(eng, "surnames");
	size_t i = 0, j, o = 0, n;
	char f[256];

	while (i < len) {
		struct rnd r;
		const char *w;

		if (!isletter((unsigned char)v[i])) {
			if (o + 1 > cap)
				return PHI_ELIMIT;
			out[o++] = v[i++];
			continue;
		}
		for (j = i; j < len && (isletter((unsigned char)v[j]) ||
		    ((v[j] == '\'' || v[j] == '-') && j + 1 < len &&
		    isletter((unsigned char)v[j + 1]))); j++)
			;
		if (px_fold(v + i, j - i, f, sizeof(f), &n) != PHI_OK)
			n = 0;
		rnd_init(&r, eng, "NAME", f, n);
		if (j - i == 1) {		/* an initial stays an initial */
			if (o + 1 > cap)
				return PHI_ELIMIT;
			out[o++] = (char)((v[i] >= 'a' ? 'a' : 'A') +
			    draw(&r, 26));
		} else {
			w = pick(fn != NULL && px_dict_has(fn, px_hash(f, n),
			    f, n) ? fn : sn, &r);
			if (w == NULL)
				w = "doe";
			if (o + strlen(w) + 1 > cap)
				return PHI_ELIMIT;
			o += put_cased(out + o, w, v + i, j - i);
		}
		i = j;
	}
	*outlen = o;
	return PHI_OK;
}

/* Phones: 555-01xx with an area code of the same layout. */
static int
phone(struct rnd *r, const char *v, size_t len, char *out, size_t cap,
    size_t *outlen)
{
	char d[32];
	size_t nd = 0, i, k = 0;

	for (i = 0; i < len; i++)
		if (isdig(v[i]) && nd < sizeof(d))
			nd++;
	if (nd >= 7) {
		size_t base = nd >= 10 ? nd - 10 : 0;

		for (i = 0; i < nd; i++)
			d[i] = (char)('0' + draw(r, 10));
		if (nd >= 10) {
			d[base] = (char)('2' + draw(r, 8));	/* NXX area */
			if (d[base + 1] == '1' && d[base + 2] == '1')
				d[base + 2] = '2';
			if (base > 0)
				d[0] = '1';
		}
		memcpy(d + nd - 7, "55501", 5);
	} else
		for (i = 0; i < nd; i++)
			d[i] = (char)('0' + draw(r, 10));
	if (len > cap)
		return PHI_ELIMIT;
	for (i = 0; i < len; i++)
		out[i] = isdig(v[i]) && k < nd ? d[k++] : v[i];
	*outlen = len;
	return PHI_OK;
}

/* Identifiers: each letter and digit redrawn in its class. */
static int
shape(struct rnd *r, const char *cat, const char *v, size_t len, char *out,
    size_t cap, size_t *outlen)
{
	size_t i;
	int first = 1;

	if (len > cap)
		return PHI_ELIMIT;
	for (i = 0; i < len; i++) {
		char c = v[i];

		if (isdig(c)) {
			c = (char)('0' + draw(r, 10));
			if (first && strcmp(cat, "SSN") == 0)
				c = '9';	/* area 9xx is never issued */
			first = 0;
		} else if (c >= 'a' && c <= 'z')
			c = (char)('a' + draw(r, 26));
		else if (c >= 'A' && c <= 'Z')
			c = (char)('A' + draw(r, 26));
		else if ((unsigned char)c >= 0x80)
			c = 'X';	/* never split a multibyte letter */
		out[i] = c;
	}
	*outlen = len;
	return PHI_OK;
}

static const char *const street_words[] = { "st", "street", "ave", "avenue",
	"rd", "road", "dr", "drive", "blvd", "boulevard", "ln", "lane", "way",
	"ct", "court", "pl", "place", "apt", "suite", "ste", "unit", "po",
	"box", "n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south",
	"east", "west", "hwy", "highway", "route", "rte", "pkwy", "parkway",
	"ter", "terrace", "cir", "circle", "floor", "fl", NULL };

static int
address(const struct phi_engine *eng, struct rnd *r, const char *v,
    size_t len, char *out, size_t cap, size_t *outlen)
{
	const struct px_dict *sn = dict_named(eng, "surnames");
	size_t i = 0, j, o = 0, k;

	while (i < len) {
		if (isdig(v[i])) {
			if (o + 1 > cap)
				return PHI_ELIMIT;
			out[o++] = (char)((i == 0 || !isdig(v[i - 1]) ? '1' :
			    '0') + draw(r, i == 0 || !isdig(v[i - 1]) ? 9 :
			    10));
			i++;
			continue;
		}
		if (!isletter((unsigned char)v[i])) {
			if (o + 1 > cap)
				return PHI_ELIMIT;
			out[o++] = v[i++];
			continue;
		}
		for (j = i; j < len && isletter((unsigned char)v[j]); j++)
			;
		for (k = 0; street_words[k] != NULL; k++)
			if (strlen(street_words[k]) == j - i &&
			    strncasecmp(street_words[k], v + i, j - i) == 0)
				break;
		if (street_words[k] != NULL || (j - i == 1)) {
			if (o + (j - i) > cap)
				return PHI_ELIMIT;
			memcpy(out + o, v + i, j - i);
			o += j - i;
		} else {
			const char *w = pick(sn, r);

			if (w == NULL)
				w = "main";
			if (o + strlen(w) > cap)
				return PHI_ELIMIT;
			o += put_cased(out + o, w, v + i, j - i);
		}
		i = j;
	}
	*outlen = o;
	return PHI_OK;
}

int
px_act_surrogate(const struct phi_engine *eng, const char *cat,
    const char *subject, const char *v, size_t len, char *out, size_t cap,
    size_t *outlen)
{
	struct rnd r;
	char f[512];
	size_t n = 0;
	int w;

	if (strcmp(cat, "NAME") == 0)
		return names(eng, v, len, out, cap, outlen);
	if (strcmp(cat, "DATE") == 0)
		return px_act_shift(eng, subject, v, len, out, cap, outlen);
	if (len < sizeof(f) && px_fold(v, len, f, sizeof(f), &n) != PHI_OK)
		n = 0;
	rnd_init(&r, eng, cat, f, n);
	if (strcmp(cat, "PHONE") == 0 || strcmp(cat, "FAX") == 0)
		return phone(&r, v, len, out, cap, outlen);
	if (strcmp(cat, "EMAIL") == 0) {
		const struct px_dict *fn = dict_named(eng, "first-names");
		const struct px_dict *sn = dict_named(eng, "surnames");
		const char *a = pick(fn, &r), *b = pick(sn, &r);

		w = snprintf(out, cap, "%s.%s@example.org", a ? a : "pat",
		    b ? b : "doe");
		if (w < 0 || (size_t)w >= cap)
			return PHI_ELIMIT;
		*outlen = (size_t)w;
		return PHI_OK;
	}
	if (strcmp(cat, "LOCATION") == 0) {
		const char *p = pick(dict_named(eng, "places"), &r);

		if (p == NULL)
			p = "springfield";
		if (strlen(p) + 1 > cap)
			return PHI_ELIMIT;
		*outlen = put_cased(out, p, v, len);
		return PHI_OK;
	}
	if (strcmp(cat, "ADDRESS") == 0)
		return address(eng, &r, v, len, out, cap, outlen);
	return shape(&r, cat, v, len, out, cap, outlen);
}
