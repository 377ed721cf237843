/* SPDX-License-Identifier: MIT */
/*
 * known.c: known identifiers.  The PHI values a format reader finds in the
 * structured part of a record (HL7 PID, NK1 ...; FHIR Patient, Practitioner
 * ...) become a small dictionary for the free text of the same record, in
 * the orders and layouts people write them: names as given family, family
 * given, with initials; numbers by their digits whatever the punctuation;
 * dates in numeric and month-name layouts.  Matching is by folded word
 * hashes, so case and accents never matter.
 *
 * Memory: about 120 bytes per entry; the caller bounds the entries (a
 * record's own values, or PX_KNOWN_MAX for a run).
 */
#include <string.h>

#include "phiscrub-int.h"

#define MAX_DIGITS	32		/* longest number matched by digits */

/* A known identifier: folded words, or the digits of a number. */
struct kent {
	uint64_t w[PX_HL7_KNOWN_WORDS];
	uint64_t key;			/* first word, or the digits */
	uint8_t n;			/* words; 0 for a number */
	uint8_t dtm;			/* a YYYYMMDD that may start a
					   date-time */
	const struct px_rule *rule;
	uint32_t next;			/* chain: index + 1 */
};

struct ktok {
	size_t start, end;
	uint64_t hash;
};

struct px_known {
	struct kent *kents;
	size_t nkents, kentcap;
	size_t indexed;			/* entries in the buckets */
	uint32_t *kwords, *kdigits;	/* bucket heads: index + 1 */
	size_t nbuckets, bucketcap;
	struct ktok *ktok;
	size_t nktok, ktokcap;
	char *kfold;
	size_t kfoldcap;
};

static int
isalnum_(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
	    (c | 0x20) <= 'z');
}

/* Letters, digits and every byte of a multibyte character. */
static int
isword(unsigned char c)
{
	return isalnum_(c) || c >= 0x80;
}

struct px_known *
px_known_new(void)
{
	return px_calloc(1, sizeof(struct px_known));
}

void
px_known_free(struct px_known *h)
{
	if (h == NULL)
		return;
	px_wipe_free(h->kents, h->kentcap * sizeof(*h->kents));
	px_free(h->kwords);
	px_free(h->kdigits);
	px_free(h->ktok);
	px_wipe_free(h->kfold, h->kfoldcap);
	px_free(h);
}

void
px_known_reset(struct px_known *h)
{
	h->nkents = 0;
	h->indexed = 0;
}

size_t
px_known_count(const struct px_known *h)
{
	return h == NULL ? 0 : h->nkents;
}

/*
 * Fold and hash the words of s (letters and digits; a multibyte character
 * is a letter).  Returns the number of words (at most max), -1 when there
 * are more or one cannot be folded.
 */
static int
words(struct px_known *h, const char *s, size_t n, uint64_t *w, size_t max,
    size_t *alnum, int *digits_only)
{
	size_t i = 0, j, k = 0, fl;

	*alnum = 0;
	*digits_only = 1;
	while (i < n) {
		if (!isword((unsigned char)s[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && isword((unsigned char)s[j]); j++)
			if (s[j] < '0' || s[j] > '9')
				*digits_only = 0;
		if (k == max)
			return -1;
		if (px_grow((void **)&h->kfold, &h->kfoldcap, (j - i) * 3 + 16,
		    1) != PHI_OK)
			return -2;
		if (px_fold(s + i, j - i, h->kfold, h->kfoldcap, &fl) != PHI_OK)
			return -1;
		w[k++] = px_hash(h->kfold, fl);
		*alnum += j - i;
		i = j;
	}
	return (int)k;
}

static int
kadd(struct px_known *h, const uint64_t *w, size_t n, uint64_t key,
    const struct px_rule *rule, int dtm)
{
	struct kent *k;

	if (px_grow((void **)&h->kents, &h->kentcap, h->nkents + 1,
	    sizeof(*h->kents)) != PHI_OK)
		return PHI_ENOMEM;
	k = &h->kents[h->nkents++];
	memset(k, 0, sizeof(*k));
	if (n > 0)
		memcpy(k->w, w, n * sizeof(*w));
	k->n = (uint8_t)n;
	k->key = n > 0 ? w[0] : key;
	k->rule = rule;
	k->dtm = (uint8_t)dtm;
	return PHI_OK;
}

static int
kadd_digits(struct px_known *h, const char *d, size_t n,
    const struct px_rule *rule, int dtm)
{
	if (n < 5 || n > MAX_DIGITS)
		return PHI_OK;
	return kadd(h, NULL, 0, px_hash(d, n), rule, dtm);
}

/*
 * One value as a known identifier: a number (digits and punctuation, five
 * digits or more) is matched by its digits whatever the punctuation; else
 * its words are matched in sequence, whatever the case and the blanks or
 * punctuation between them.  Values shorter than three letters or digits
 * are not looked for: they would match everywhere.  Case never matters:
 * an identifier that is also a word (a family name Brown, a county Test)
 * is removed wherever it stands in this message, as the price of never
 * leaving it.
 */
int
px_known_add_value(struct px_known *h, const char *v, size_t n,
    const struct px_rule *rule, int phone)
{
	uint64_t w[PX_HL7_KNOWN_WORDS];
	char d[MAX_DIGITS];
	size_t i, nd = 0, alnum;
	int k, digits, numeric = 1, rc;

	for (i = 0; i < n; i++) {
		if (v[i] >= '0' && v[i] <= '9') {
			if (nd < MAX_DIGITS)
				d[nd] = v[i];
			nd++;
		} else if (strchr(" -./()+", v[i]) == NULL)
			numeric = 0;
	}
	if (numeric && nd >= 5) {
		if (nd > MAX_DIGITS)
			return PHI_OK;
		if ((rc = kadd_digits(h, d, nd, rule, 0)) != PHI_OK)
			return rc;
		/* a telephone number is also written without its country
		 * and area codes */
		if (phone && nd >= 10 && (rc = kadd_digits(h, d + nd - 10, 10,
		    rule, 0)) != PHI_OK)
			return rc;
		if (phone && nd >= 10)
			return kadd_digits(h, d + nd - 7, 7, rule, 0);
		return PHI_OK;
	}
	k = words(h, v, n, w, PX_HL7_KNOWN_WORDS, &alnum, &digits);
	if (k == -2)
		return PHI_ENOMEM;
	if (k <= 0 || alnum < 3 || (digits && alnum < 5))
		return PHI_OK;
	return kadd(h, w, (size_t)k, 0, rule, 0);
}

/* A value's words (at most max), or 0. */
static size_t
name_words(struct px_known *h, const char *v, size_t n, uint64_t *w,
    size_t max)
{
	size_t alnum;
	int k, digits;

	if (v == NULL)
		return 0;
	k = words(h, v, n, w, max, &alnum, &digits);
	return k > 0 ? (size_t)k : 0;
}

/* The folded first letter of v, as a word of its own. */
static int
initial(struct px_known *h, const char *v, size_t n, uint64_t *w)
{
	size_t i = 0, m = 1, fl;

	while (i < n && !isword((unsigned char)v[i]))
		i++;
	if (i == n)
		return 0;
	while (i + m < n && ((unsigned char)v[i + m] & 0xc0) == 0x80)
		m++;
	if (px_grow((void **)&h->kfold, &h->kfoldcap, 32, 1) != PHI_OK ||
	    px_fold(v + i, m, h->kfold, h->kfoldcap, &fl) != PHI_OK)
		return 0;
	*w = px_hash(h->kfold, fl);
	return 1;
}


/*
 * A person's name in the orders people write it: each name alone, given
 * family, family given, with the middle name or initial, and initials
 * with the family name ("J. Smith", "Smith J", "John Q Smith").
 */
int
px_known_add_name(struct px_known *h, const struct px_part *fam,
    const struct px_part *giv, const struct px_part *mid,
    const struct px_rule *rule)
{
	enum { MAXW = 4 };
	uint64_t F[MAXW], G[MAXW], M[MAXW], gi, mi, w[PX_HL7_KNOWN_WORDS];
	size_t nf, ng, nm, i, j, k;
	const struct px_part *all[3] = { fam, giv, mid };
	int hg, hm, rc;

	/* each name alone, and each word of a name of several */
	for (i = 0; i < 3; i++) {
		const char *v = all[i]->v;
		size_t n = all[i]->n, s, e;

		if (v == NULL)
			continue;
		if ((rc = px_known_add_value(h, v, n, rule, 0)) != PHI_OK)
			return rc;
		for (s = 0; s < n; s = e) {
			while (s < n && !isword((unsigned char)v[s]))
				s++;
			for (e = s; e < n && isword((unsigned char)v[e]); e++)
				;
			if (e > s && e - s < n && (rc = px_known_add_value(h, v + s,
			    e - s, rule, 0)) != PHI_OK)
				return rc;
		}
	}
	nf = name_words(h, fam->v, fam->n, F, MAXW);
	ng = name_words(h, giv->v, giv->n, G, MAXW);
	nm = name_words(h, mid->v, mid->n, M, MAXW);
	hg = giv->v != NULL && initial(h, giv->v, giv->n, &gi);
	hm = mid->v != NULL && initial(h, mid->v, mid->n, &mi);
	if (nf == 0)
		return PHI_OK;
#define PUT(arr, cnt) do {						\
	for (j = 0; j < (cnt); j++)					\
		w[k++] = (arr)[j];					\
} while (0)
#define ONE(x) (w[k++] = (x))
#define ADD() do {							\
	if ((rc = kadd(h, w, k, 0, rule, 0)) != PHI_OK)			\
		return rc;						\
} while (0)
	if (ng > 0) {
		k = 0; PUT(G, ng); PUT(F, nf); ADD();
		k = 0; PUT(F, nf); PUT(G, ng); ADD();
		if (nm > 0) {
			k = 0; PUT(G, ng); PUT(M, nm); PUT(F, nf); ADD();
			k = 0; PUT(F, nf); PUT(G, ng); PUT(M, nm); ADD();
		}
		if (hm) {
			k = 0; PUT(G, ng); ONE(mi); PUT(F, nf); ADD();
			k = 0; PUT(F, nf); PUT(G, ng); ONE(mi); ADD();
		}
	}
	if (hg) {
		k = 0; ONE(gi); PUT(F, nf); ADD();
		k = 0; PUT(F, nf); ONE(gi); ADD();
		if (hm) {
			k = 0; ONE(gi); ONE(mi); PUT(F, nf); ADD();
			k = 0; PUT(F, nf); ONE(gi); ONE(mi); ADD();
		}
	}
#undef PUT
#undef ONE
#undef ADD
	return PHI_OK;
}

static const char *const months[] = { "january", "february", "march",
	"april", "may", "june", "july", "august", "september", "october",
	"november", "december" };

/*
 * A date (YYYYMMDD...) in the layouts of free text: its digits in year,
 * month, day order and the US and European orders, padded or not, with
 * four- or two-digit years; and with the month's name.
 */
static size_t
num2(char *out, int v, int pad)
{
	size_t o = 0;

	if (pad || v >= 10)
		out[o++] = (char)('0' + v / 10 % 10);
	out[o++] = (char)('0' + v % 10);
	return o;
}

int
px_known_add_date(struct px_known *h, const char *v, size_t n,
    const struct px_rule *rule)
{
	const char *mon;
	char buf[16];
	uint64_t w[4], hy, hd[2], hm[2];
	size_t o, ml;
	int y, m, d, i, j, k, rc;

	for (i = 0; i < 8; i++)
		if (n < 8 || v[i] < '0' || v[i] > '9')
			return PHI_OK;
	y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 +
	    (v[3] - '0');
	m = (v[4] - '0') * 10 + (v[5] - '0');
	d = (v[6] - '0') * 10 + (v[7] - '0');
	/* digits: Y M D, M D Y, D M Y, and M D YY; padded or not */
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			if ((i == 1 && m >= 10) || (j == 1 && d >= 10))
				continue;
			for (k = 0; k < 4; k++) {
				o = 0;
				if (k == 0) {
					memcpy(buf, v, 4);
					o = 4;
				}
				if (k == 2)
					o += num2(buf + o, d, j == 0);
				o += num2(buf + o, m, i == 0);
				if (k != 2)
					o += num2(buf + o, d, j == 0);
				if (k == 1 || k == 2) {
					memcpy(buf + o, v, 4);
					o += 4;
				} else if (k == 3)
					o += num2(buf + o, y % 100, 1);
				if (k == 3 && o < 6)
					continue;
				if ((rc = kadd_digits(h, buf, o, rule,
				    k == 0 && i == 0 && j == 0)) != PHI_OK)
					return rc;
			}
		}
	/* June 15 1961, Jun 15 1961, 15 June 1961, with 05 for 5 */
	hy = px_hash(v, 4);
	for (j = 0; j < 2; j++) {
		o = num2(buf, d, j == 0);
		hd[j] = px_hash(buf, o);
	}
	mon = months[m - 1];
	ml = strlen(mon);
	hm[0] = px_hash(mon, ml);
	hm[1] = px_hash(mon, 3);
	for (i = 0; i < 2; i++)
		for (j = 0; j < (d < 10 ? 2 : 1); j++) {
			w[0] = hm[i];
			w[1] = hd[j];
			w[2] = hy;
			if ((rc = kadd(h, w, 3, 0, rule, 0)) != PHI_OK)
				return rc;
			w[0] = hd[j];
			w[1] = hm[i];
			if ((rc = kadd(h, w, 3, 0, rule, 0)) != PHI_OK)
				return rc;
		}
	return PHI_OK;
}

/* "1187 Larkspur Hollow Rd" as "Larkspur Hollow Rd" too (two words or more). */
int
px_known_add_street(struct px_known *h, const char *v, size_t n,
    const struct px_rule *rule)
{
	size_t i = 0, words = 0, j;

	while (i < n && v[i] == ' ')
		i++;
	for (j = i; j < n && v[j] >= '0' && v[j] <= '9'; j++)
		;
	if (j == i || j == n || v[j] != ' ')
		return PHI_OK;
	for (i = j; i < n; i++)
		if (isword((unsigned char)v[i]) && (i == 0 ||
		    !isword((unsigned char)v[i - 1])))
			words++;
	return words >= 2 ? px_known_add_value(h, v + j, n - j, rule, 0) : PHI_OK;
}

/* The known number among digits d (nd of them), or NULL. */
static const struct kent *
number_lookup(const struct px_known *h, const char *d, size_t nd, int dtm)
{
	uint64_t hh = px_hash(d, nd);
	uint32_t x;

	for (x = h->kdigits[hh & (h->nbuckets - 1)]; x != 0;
	    x = h->kents[x - 1].next)
		if (h->kents[x - 1].key == hh && (!dtm || h->kents[x - 1].dtm))
			return &h->kents[x - 1];
	return NULL;
}

/*
 * The longest known number that starts with the digit group at text[i]:
 * digit groups joined by one to three of " -./()", whose digits (32 at
 * most) are a known number, or whose first eight are a known day followed
 * by a time.  *e0 is the end of the first group, *end of the match.
 */
static const struct kent *
number_at(const struct px_known *h, const char *text, size_t i, size_t r1,
    size_t *e0, size_t *end)
{
	const struct kent *best = NULL, *k;
	char d[MAX_DIGITS];
	size_t nd = 0, g = i, e;

	*e0 = i;
	for (;;) {
		for (e = g; e < r1 && text[e] >= '0' && text[e] <= '9' &&
		    nd < MAX_DIGITS; e++)
			d[nd++] = text[e];
		if (e < r1 && text[e] >= '0' && text[e] <= '9')
			break;		/* too long */
		if (g == i)
			*e0 = e;
		if (e == r1 || !isword((unsigned char)text[e])) {
			if ((k = number_lookup(h, d, nd, 0)) == NULL &&
			    g == i && nd > 8 && nd <= 14)
				k = number_lookup(h, d, 8, 1);
			if (k != NULL) {
				best = k;
				*end = e;
			}
		}
		for (g = e; g < r1 && g - e < 3 && text[g] != '\0' &&
		    strchr(" -./()", text[g]) != NULL; g++)
			;
		if (g == e || g >= r1 || text[g] < '0' || text[g] > '9')
			break;
	}
	return best;
}

/* Known identifiers in text[r0, r1), starting in [us, ue), into fs. */
static int
match(struct px_known *h, const char *text, size_t r0, size_t r1,
    size_t us, size_t ue, struct px_findings *fs)
{
	size_t i, j, t, fl;

	/* words */
	h->nktok = 0;
	for (i = r0; i < r1; ) {
		struct ktok *k;
		uint64_t hh = PX_HASH_START;
		unsigned high = 0;

		if (!isword((unsigned char)text[i])) {
			i++;
			continue;
		}
		/* an ASCII word is folded (A-Z to a-z) and hashed as read */
		for (j = i; j < r1 && isword((unsigned char)text[j]); j++) {
			unsigned char c = (unsigned char)text[j];

			high |= c & 0x80;
			hh = px_hash_step(hh, c >= 'A' && c <= 'Z' ? c + 32 :
			    c);
		}
		if (h->nktok == h->ktokcap && px_grow((void **)&h->ktok,
		    &h->ktokcap, h->nktok + 1, sizeof(*h->ktok)) != PHI_OK)
			return PHI_ENOMEM;
		k = &h->ktok[h->nktok];
		k->start = i;
		k->end = j;
		if (!high) {
			k->hash = hh != 0 ? hh : 1;
			h->nktok++;
		} else if (px_grow((void **)&h->kfold, &h->kfoldcap, (j - i) *
		    3 + 16, 1) != PHI_OK)
			return PHI_ENOMEM;
		else if (px_fold(text + i, j - i, h->kfold, h->kfoldcap,
		    &fl) == PHI_OK) {
			k->hash = px_hash(h->kfold, fl);
			h->nktok++;
		}
		i = j;
	}
	for (t = 0; t < h->nktok; t++) {
		const struct ktok *a = &h->ktok[t];
		const struct kent *best = NULL;
		uint32_t x;

		if (a->start < us || a->start >= ue)
			continue;
		for (x = h->kwords[a->hash & (h->nbuckets - 1)]; x != 0;
		    x = h->kents[x - 1].next) {
			const struct kent *k = &h->kents[x - 1];
			size_t m;

			if (k->key != a->hash || t + k->n > h->nktok ||
			    (best != NULL && best->n >= k->n))
				continue;
			for (m = 1; m < k->n; m++) {
				const struct ktok *p = &h->ktok[t + m - 1];
				const struct ktok *q = &h->ktok[t + m];

				if (q->hash != k->w[m] || q->start - p->end > 3)
					break;
			}
			if (m == k->n)
				best = k;
		}
		if (best != NULL && px_findings_add(fs, a->start,
		    h->ktok[t + best->n - 1].end, best->rule, 1.0, 0) !=
		    PHI_OK)
			return PHI_ENOMEM;
	}
	/* numbers: runs of digit groups joined by a little punctuation */
	for (i = us; i < ue; i++) {
		const struct kent *best;
		size_t e0, end;

		if (text[i] < '0' || text[i] > '9' || (i > r0 &&
		    (isword((unsigned char)text[i - 1]))))
			continue;
		if ((best = number_at(h, text, i, r1, &e0, &end)) != NULL) {
			/* (541) 555-0147: the parenthesis goes with it */
			size_t s = i > r0 && text[i - 1] == '(' && end > e0 &&
			    text[e0] == ')' ? i - 1 : i;

			if (px_findings_add(fs, s, end, best->rule, 1.0, 0) !=
			    PHI_OK)
				return PHI_ENOMEM;
			i = end;
		} else
			while (i + 1 < ue && text[i + 1] >= '0' &&
			    text[i + 1] <= '9')
				i++;
	}
	return PHI_OK;
}

/*
 * Index the entries added so far (call before px_known_match, after
 * adding).  Returns PHI_OK or PHI_ENOMEM.
 */
int
px_known_index(struct px_known *h)
{
	size_t i, nb;

	if (h->nkents == 0 || h->indexed == h->nkents)
		return PHI_OK;
	for (nb = 16; nb < 2 * h->nkents; nb *= 2)
		;
	if (nb > h->bucketcap) {
		uint32_t *a, *b;

		if ((a = px_realloc(h->kwords, nb * sizeof(*a))) == NULL)
			return PHI_ENOMEM;
		h->kwords = a;
		if ((b = px_realloc(h->kdigits, nb * sizeof(*b))) == NULL)
			return PHI_ENOMEM;
		h->kdigits = b;
		h->bucketcap = nb;
	}
	h->nbuckets = nb;
	memset(h->kwords, 0, nb * sizeof(*h->kwords));
	memset(h->kdigits, 0, nb * sizeof(*h->kdigits));
	for (i = 0; i < h->nkents; i++) {
		struct kent *k = &h->kents[i];
		uint32_t *head = k->n > 0 ? &h->kwords[k->key & (nb - 1)] :
		    &h->kdigits[k->key & (nb - 1)];

		k->next = *head;
		*head = (uint32_t)(i + 1);
	}
	h->indexed = h->nkents;
	return PHI_OK;
}

int
px_known_match(struct px_known *h, const char *text, size_t r0, size_t r1,
    size_t us, size_t ue, struct px_findings *fs)
{
	if (h == NULL || h->indexed == 0)
		return PHI_OK;
	return match(h, text, r0, r1, us, ue, fs);
}
