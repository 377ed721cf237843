/* SPDX-License-Identifier: MIT */
/*
 * act-date.c: shift and generalize.
 *
 * shift moves a date by a per-subject offset, HMAC-SHA-256(shift subkey,
 * subject) mapped to 1..range days earlier or later, so every date of one
 * subject moves together (intervals hold) and nothing is stored.  The date
 * is rewritten in place in its own layout: field widths and zero padding,
 * separators, month names (full or abbreviated, in their case), ordinal
 * suffixes and weekday names are kept; a date without a year is shifted as
 * if in a common year, and a year alone (MI '92, CVA 2004) as its 1 July.  A value that is not understood becomes [DATE].
 *
 * generalize keeps what Safe Harbor allows: a date becomes its four-digit
 * year (or [DATE] when it has none; a year alone stays as it is), an age over 89 becomes 90+, a ZIP code
 * its first three digits (021XX), or 000XX when the three-digit area is in
 * the pack's zip3-restricted dictionary.
 */
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "phiscrub-int.h"

static const char *const mfull[] = { "january", "february", "march",
	"april", "may", "june", "july", "august", "september", "october",
	"november", "december" };
static const char *const wfull[] = { "sunday", "monday", "tuesday",
	"wednesday", "thursday", "friday", "saturday" };

/* A field of the date as found in the value. */
struct fld {
	size_t at;
	size_t len;
	int kind;		/* 'y', 'm' (number), 'M' (name), 'd', 'w' */
	int caps;		/* names: 0 lower, 1 Title, 2 UPPER */
	int full;		/* names: full name, else abbreviated */
	int ord;		/* day: ordinal suffix follows (len 2) */
};

struct date {
	int y, m, d;
	int has_y, has_d;
	int years;		/* only years (MI '92, CVA in 95 and 01) */
	struct fld f[8];
	int nf;
};

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
isalph(char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* Index of name in tab (prefix of at least 3 letters), or -1. */
static int
name_of(const char *s, size_t n, const char *const *tab, int count)
{
	int i;

	if (n < 3)
		return -1;
	for (i = 0; i < count; i++)
		if (n <= strlen(tab[i]) && strncasecmp(s, tab[i], n) == 0)
			return i;
	if (n == 4 && strncasecmp(s, "sept", 4) == 0 && tab == mfull)
		return 8;
	return -1;
}

static int
caps_of(const char *s, size_t n)
{
	if (s[0] >= 'a' && s[0] <= 'z')
		return 0;
	if (n > 1 && s[1] >= 'A' && s[1] <= 'Z')
		return 2;
	return 1;
}

/* A two-digit year: 00-30 are this century, 31-99 the last (notes
 * write '92 for 1992 far more often than for 2092). */
static int
century(long yy)
{
	return (int)(yy <= 30 ? 2000 + yy : 1900 + yy);
}

/* Parse v into d; returns 0 when it is no date we understand. */
static int
parse(const char *v, size_t len, struct date *dt)
{
	long num[4];
	size_t nat[4], nlen[4], i = 0;
	int nn = 0, k, month = 0;

	memset(dt, 0, sizeof(*dt));
	while (i < len && dt->nf < 8) {
		size_t j = i;

		if (isdig(v[i])) {
			while (j < len && isdig(v[j]))
				j++;
			if (nn == 4 || j - i > 8)
				return 0;
			num[nn] = 0;
			for (k = (int)i; k < (int)j; k++)
				num[nn] = num[nn] * 10 + (v[k] - '0');
			nat[nn] = i;
			nlen[nn++] = j - i;
		} else if (isalph(v[i])) {
			int x;

			while (j < len && isalph(v[j]))
				j++;
			if ((x = name_of(v + i, j - i, mfull, 12)) >= 0 &&
			    month == 0) {
				struct fld *f = &dt->f[dt->nf++];

				month = x + 1;
				f->at = i;
				f->len = j - i;
				f->kind = 'M';
				f->caps = caps_of(v + i, j - i);
				f->full = j - i == strlen(mfull[x]);
			} else if ((x = name_of(v + i, j - i, wfull, 7)) >= 0) {
				struct fld *f = &dt->f[dt->nf++];

				f->at = i;
				f->len = j - i;
				f->kind = 'w';
				f->caps = caps_of(v + i, j - i);
				f->full = j - i == strlen(wfull[x]);
			}
		} else
			j = i + 1;
		i = j;
	}
#define FIELD(idx, K) do {						\
	struct fld *f_ = &dt->f[dt->nf++];				\
	f_->at = nat[idx];						\
	f_->len = nlen[idx];						\
	f_->kind = (K);							\
} while (0)
	if (month != 0) {
		dt->m = month;
		for (k = 0; k < nn && dt->nf < 7; k++) {
			if (nlen[k] == 4 && !dt->has_y) {
				dt->y = (int)num[k];
				dt->has_y = 1;
				FIELD(k, 'y');
			} else if (nlen[k] <= 2 && !dt->has_d && num[k] >= 1 &&
			    num[k] <= 31) {
				dt->d = (int)num[k];
				dt->has_d = 1;
				FIELD(k, 'd');
				if (nat[k] + nlen[k] + 2 <= len &&
				    isalph(v[nat[k] + nlen[k]]))
					dt->f[dt->nf - 1].ord = 1;
			} else if (nlen[k] == 2 && !dt->has_y) {
				dt->y = century(num[k]);
				dt->has_y = 2;
				FIELD(k, 'y');
			} else
				return 0;
		}
	} else if (memchr(v, '/', len) == NULL && memchr(v, '-', len) ==
	    NULL && memchr(v, '.', len) == NULL && nn >= 1 &&
	    (nlen[0] == 2 || nlen[0] == 4) && (nn == 1 || nlen[1] == 2 ||
	    nlen[1] == 4)) {
		/* years alone: each is its own field, taken as mid-year */
		for (k = 0; k < nn; k++)
			FIELD(k, 'y');
		dt->y = nlen[0] == 4 ? (int)num[0] : century(num[0]);
		dt->has_y = nlen[0] == 4 ? 1 : 2;
		dt->m = 7;
		dt->years = 1;
	} else if (nn == 1 && nlen[0] == 8) {
		dt->y = (int)(num[0] / 10000);
		dt->m = (int)(num[0] / 100 % 100);
		dt->d = (int)(num[0] % 100);
		dt->has_y = dt->has_d = 1;
		FIELD(0, '8');
	} else if (nn >= 2 && nlen[0] == 4) {
		dt->y = (int)num[0];
		dt->m = (int)num[1];
		dt->has_y = 1;
		FIELD(0, 'y');
		FIELD(1, 'm');
		if (nn >= 3) {
			dt->d = (int)num[2];
			dt->has_d = 1;
			FIELD(2, 'd');
		}
	} else if (nn >= 2) {
		dt->m = (int)num[0];
		FIELD(0, 'm');
		if (nn == 2 && nlen[1] == 4) {
			dt->y = (int)num[1];
			dt->has_y = 1;
			FIELD(1, 'y');
		} else {
			dt->d = (int)num[1];
			dt->has_d = 1;
			FIELD(1, 'd');
			if (nn >= 3) {
				dt->y = nlen[2] == 4 ? (int)num[2] :
				    century(num[2]);
				dt->has_y = nlen[2] == 4 ? 1 : 2;
				FIELD(2, 'y');
			}
		}
	} else
		return 0;
#undef FIELD
	if (dt->m < 1 || dt->m > 12 || (dt->has_d && (dt->d < 1 ||
	    dt->d > 31)))
		return 0;
	if (!dt->has_d)
		dt->d = 1;
	return 1;
}

/* Days from 1970-01-01 (proleptic Gregorian), and back. */
static long
days_of(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static void
civil(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static size_t
put_name(char *out, const char *name, int full, int caps)
{
	size_t n = full ? strlen(name) : 3, i;

	for (i = 0; i < n; i++) {
		char c = name[i];

		if (caps == 2 || (caps == 1 && i == 0))
			c = (char)(c - 32);
		out[i] = c;
	}
	return n;
}

static size_t
put_num(char *out, long v, size_t width)
{
	char tmp[16];
	int n = snprintf(tmp, sizeof(tmp), "%0*ld", (int)width, v);

	memcpy(out, tmp, (size_t)n);
	return (size_t)n;
}

static const char *
ordinal(int d)
{
	if (d % 100 >= 11 && d % 100 <= 13)
		return "th";
	switch (d % 10) {
	case 1:
		return "st";
	case 2:
		return "nd";
	case 3:
		return "rd";
	}
	return "th";
}

int
px_act_shift(const struct phi_engine *eng, const char *subject,
    const char *v, size_t len, char *out, size_t cap, size_t *outlen)
{
	unsigned char mac[32];
	unsigned int mlen = 0;
	struct date dt;
	uint64_t x;
	long off, z;
	size_t i, o = 0;
	int y, m, d;

	/* the rewrite grows by at most 6 (May -> September) plus 3 per
	 * weekday name plus 1 per one-digit number: within 32 for 8 fields */
	if (!parse(v, len, &dt) || cap < len + 32)
		return px_put("[DATE]", out, cap, outlen);
	if (subject == NULL)
		subject = "";
	if (HMAC(EVP_sha256(), eng->keys.shift, PX_SUBKEY_LEN,
	    (const unsigned char *)subject, strlen(subject), mac, &mlen) ==
	    NULL)
		return PHI_EKEY;
	memcpy(&x, mac, sizeof(x));
	off = 1 + (long)((x >> 1) % (uint64_t)eng->shift_range);
	if (x & 1)
		off = -off;
	/* a date without a year moves within a common (or, for Feb 29, a
	 * leap) year, so that it keeps existing */
	y = dt.has_y ? dt.y : (dt.m == 2 && dt.d == 29 ? 2000 : 2001);
	z = days_of(y, dt.m, dt.d) + off;
	civil(z, &y, &m, &d);
	for (i = 0; i < len; ) {
		const struct fld *f = NULL;
		int j;

		for (j = 0; j < dt.nf; j++)
			if (dt.f[j].at == i)
				f = &dt.f[j];
		if (f == NULL) {
			out[o++] = v[i++];
			continue;
		}
		switch (f->kind) {
		case 'y':
			if (dt.years) {
				/* each year of "95 and 01" moves from mid-year */
				long n = 0;
				size_t k;

				for (k = 0; k < f->len; k++)
					n = n * 10 + (v[i + k] - '0');
				civil(days_of(f->len == 4 ? (int)n :
				    century(n), 7, 1) + off, &y, &m, &d);
			}
			o += f->len == 4 ? put_num(out + o, y, 4) :
			    put_num(out + o, y % 100, 2);
			break;
		case 'm':
			o += put_num(out + o, m, f->len >= 2 ? 2 : 1);
			break;
		case 'M':
			o += put_name(out + o, mfull[m - 1], f->full, f->caps);
			break;
		case 'd':
			o += put_num(out + o, d, f->len >= 2 ? 2 : 1);
			if (f->ord) {
				const char *sfx = ordinal(d);

				out[o++] = (v[i + f->len] >= 'A' &&
				    v[i + f->len] <= 'Z') ? (char)(sfx[0] - 32) :
				    sfx[0];
				out[o++] = (v[i + f->len + 1] >= 'A' &&
				    v[i + f->len + 1] <= 'Z') ?
				    (char)(sfx[1] - 32) : sfx[1];
				i += 2;
			}
			break;
		case 'w':
			o += put_name(out + o, wfull[(z % 7 + 7 + 4) % 7],
			    f->full, f->caps);
			break;
		case '8':
			o += put_num(out + o, (long)y * 10000 + m * 100 + d, 8);
			break;
		}
		i += f->len;
		if (o + 16 > cap)
			return PHI_ELIMIT;
	}
	*outlen = o;
	return PHI_OK;
}

int
px_act_generalize(const struct phi_engine *eng, const char *cat,
    const char *v, size_t len, char *out, size_t cap, size_t *outlen)
{
	struct date dt;
	size_t i, j;
	char buf[32];

	if (strcmp(cat, "DATE") == 0) {
		if (!parse(v, len, &dt))
			return px_put("[DATE]", out, cap, outlen);
		/* a year alone is what generalize keeps anyway */
		if (dt.years)
			return px_putn(v, len, out, cap, outlen);
		if (dt.has_y == 1) {
			snprintf(buf, sizeof(buf), "%04d", dt.y);
			return px_put(buf, out, cap, outlen);
		}
		return px_put("[DATE]", out, cap, outlen);
	}
	if (strcmp(cat, "AGE") == 0) {
		/* the number becomes 90+, the words around it stay */
		for (i = 0; i < len && !isdig(v[i]); i++)
			;
		for (j = i; j < len && isdig(v[j]); j++)
			;
		if (i == len || len + 8 > cap)
			return px_put("90+", out, cap, outlen);
		memcpy(out, v, i);
		memcpy(out + i, "90+", 3);
		memcpy(out + i + 3, v + j, len - j);
		*outlen = len - (j - i) + 3;
		return PHI_OK;
	}
	if (strcmp(cat, "ZIP") == 0) {
		const struct px_dict *r = NULL;
		char z3[4];

		for (i = 0; i < len && !isdig(v[i]); i++)
			;
		if (len - i < 5)
			return px_put("[ZIP]", out, cap, outlen);
		memcpy(z3, v + i, 3);
		z3[3] = '\0';
		for (j = 0; j < eng->spec.ndicts; j++)
			if (strcmp(eng->spec.dicts[j]->name,
			    "zip3-restricted") == 0)
				r = eng->spec.dicts[j];
		if (r != NULL && px_dict_has(r, px_hash(z3, 3), z3, 3))
			return px_put("000XX", out, cap, outlen);
		snprintf(buf, sizeof(buf), "%sXX", z3);
		return px_put(buf, out, cap, outlen);
	}
	snprintf(buf, sizeof(buf), "[%s]", cat);
	return px_put(buf, out, cap, outlen);
}
