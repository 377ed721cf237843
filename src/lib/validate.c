/* SPDX-License-Identifier: MIT */
/*
 * validate.c: checks a regex match must pass before it counts.  They take
 * the matched bytes and look only at digits and month names, so one
 * validator serves every layout of a date or number.
 */
#include <string.h>
#include <strings.h>

#include "phiscrub-int.h"

static const char *months[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};

/* Up to n numbers (digit runs) of s; returns how many, lengths in dl. */
static int
numbers(const char *s, size_t len, long *v, int *dl, int n)
{
	size_t i = 0;
	int k = 0;

	while (i < len && k < n) {
		if (s[i] >= '0' && s[i] <= '9') {
			long x = 0;
			int d = 0;

			while (i < len && s[i] >= '0' && s[i] <= '9') {
				if (d < 9)
					x = x * 10 + (s[i] - '0');
				d++;
				i++;
			}
			v[k] = x;
			dl[k++] = d;
		} else
			i++;
	}
	return k;
}

/* Month named in s (1-12), or 0. */
static int
month_name(const char *s, size_t len)
{
	size_t i = 0;
	int m;

	while (i < len) {
		size_t j = i;

		while (j < len && ((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z'))
			j++;
		if (j - i >= 3)
			for (m = 0; m < 12; m++)
				if (strncasecmp(s + i, months[m], 3) == 0)
					return m + 1;
		i = j + 1;
	}
	return 0;
}

static int
day_ok(long m, long d, long y)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m < 1 || m > 12 || d < 1)
		return 0;
	if (d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && y > 0 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

/* Is s two month/day dates run together: digits and exactly three '/'? */
static int
two_dates(const char *s, size_t len)
{
	size_t i;
	int slashes = 0;

	for (i = 0; i < len; i++)
		if (s[i] == '/')
			slashes++;
		else if (s[i] < '0' || s[i] > '9')
			return 0;
	return slashes == 3;
}

/*
 * A date is valid when its month is 1-12 and its day exists in that month.
 * Layouts: a month name with an optional day; Y-M-D when the first number
 * has four digits; two M/D dates run together (M/D/M/D), the second
 * later; otherwise M/D[/Y], the US order.
 */
static int
valid_date(const char *s, size_t len)
{
	long v[4];
	int dl[4], n, m;

	n = numbers(s, len, v, dl, 4);
	if ((m = month_name(s, len)) != 0) {
		long y = 0, d = 0;
		int i;

		for (i = 0; i < n; i++) {
			if (dl[i] == 4)
				y = v[i];
			else if (dl[i] <= 2 && d == 0)
				d = v[i];
			else if (dl[i] == 2 && d != 0)
				y = v[i];
		}
		return d == 0 || day_ok(m, d, y);
	}
	if (n == 1 && dl[0] == 8)		/* YYYYMMDD */
		return day_ok((v[0] / 100) % 100, v[0] % 100, v[0] / 10000) &&
		    v[0] / 10000 >= 1800;
	if (n < 2)
		return 0;
	if (n == 4 && two_dates(s, len))	/* 11/05/11/06: in order */
		return day_ok(v[0], v[1], 0) && day_ok(v[2], v[3], 0) &&
		    v[2] * 100 + v[3] > v[0] * 100 + v[1];
	if (dl[0] == 4)
		return n >= 3 ? day_ok(v[1], v[2], v[0]) : (v[1] >= 1 &&
		    v[1] <= 12);
	if (n == 2 && dl[1] == 4)		/* M/YYYY */
		return v[0] >= 1 && v[0] <= 12;
	return day_ok(v[0], v[1], n >= 3 && dl[2] == 4 ? v[2] : 0);
}

static int
valid_luhn(const char *s, size_t len)
{
	int sum = 0, alt = 0, nd = 0;
	size_t i;

	for (i = len; i-- > 0; ) {
		int d;

		if (s[i] < '0' || s[i] > '9')
			continue;
		d = s[i] - '0';
		if (alt && (d *= 2) > 9)
			d -= 9;
		sum += d;
		alt = !alt;
		nd++;
	}
	return nd >= 12 && sum % 10 == 0;
}

/* SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000. */
static int
valid_ssn(const char *s, size_t len)
{
	char d[9];
	size_t i;
	int n = 0;

	for (i = 0; i < len; i++)
		if (s[i] >= '0' && s[i] <= '9') {
			if (n == 9)
				return 0;
			d[n++] = s[i];
		}
	if (n != 9)
		return 0;
	if (memcmp(d, "000", 3) == 0 || memcmp(d, "666", 3) == 0 ||
	    d[0] == '9')
		return 0;
	if (memcmp(d + 3, "00", 2) == 0 || memcmp(d + 5, "0000", 4) == 0)
		return 0;
	return 1;
}

static int
valid_ipv4(const char *s, size_t len)
{
	long v[5];
	int dl[5], n, i;

	n = numbers(s, len, v, dl, 5);
	if (n != 4)
		return 0;
	for (i = 0; i < 4; i++)
		if (v[i] > 255 || dl[i] > 3)
			return 0;
	return 1;
}

static int
valid_age90(const char *s, size_t len)
{
	long v[1];
	int dl[1];

	return numbers(s, len, v, dl, 1) == 1 && v[0] >= 90 && v[0] <= 130;
}

static int
valid_year(const char *s, size_t len)
{
	long v[4];
	int dl[4], n, i;

	n = numbers(s, len, v, dl, 4);
	for (i = 0; i < n; i++)
		if (dl[i] == 4 && v[i] >= 1880 && v[i] <= 2100)
			return 1;
	return 0;
}

/* All validators in mask must accept s. */
int
px_validate(unsigned mask, const char *s, size_t len)
{
	if ((mask & PX_VAL_DATE) && !valid_date(s, len))
		return 0;
	if ((mask & PX_VAL_LUHN) && !valid_luhn(s, len))
		return 0;
	if ((mask & PX_VAL_SSN) && !valid_ssn(s, len))
		return 0;
	if ((mask & PX_VAL_IPV4) && !valid_ipv4(s, len))
		return 0;
	if ((mask & PX_VAL_AGE90) && !valid_age90(s, len))
		return 0;
	if ((mask & PX_VAL_YEAR) && !valid_year(s, len))
		return 0;
	return 1;
}

int
px_validator_parse(const char *name, unsigned *bit)
{
	static const struct {
		const char *name;
		unsigned bit;
	} tab[] = {
		{ "date", PX_VAL_DATE }, { "luhn", PX_VAL_LUHN },
		{ "ssn", PX_VAL_SSN }, { "ipv4", PX_VAL_IPV4 },
		{ "age-over-89", PX_VAL_AGE90 }, { "year", PX_VAL_YEAR },
	};
	size_t i;

	for (i = 0; i < PX_NELEM(tab); i++)
		if (strcmp(name, tab[i].name) == 0) {
			*bit = tab[i].bit;
			return PHI_OK;
		}
	return PHI_EINVAL;
}
