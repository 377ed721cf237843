/* SPDX-License-Identifier: MIT */
/*
 * det-dict.c: dictionary rules.  The unit is tokenized once (letters,
 * digits, and ' or - inside a word), every alphabetic token folded and
 * hashed once; each dictionary rule is then a table probe per token, with
 * bigrams and trigrams for multi-word entries.  ICU is reached only for
 * tokens with non-ASCII letters (uni.c).
 */
#include <string.h>

#include "phiscrub-int.h"

/* Longest token folded; longer runs of letters are not names. */
#define TOKEN_MAX	64

/* A candidate's class byte (sc->candcls): PX_CASE_* in bits 0-2, its
 * length up to 15 in bits 3-6, 0x80 when it starts a phrase. */
#define CAND_LEN(n)	((n) < 15 ? (n) << 3 : 15 << 3)
#define CAND_LEN_OF(b)	((b) >> 3 & 15)
#define CAND_PHRASE	0x80

/* ASCII classes: a table load per byte instead of range tests. */
#define C_LOWER	1
#define C_UPPER	2
#define C_DIGIT	4

static const uint8_t ctype[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0,
	0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
};

static int
ascii_alpha(unsigned char c)
{
	return (ctype[c] & (C_LOWER | C_UPPER)) != 0;
}

static int
ascii_digit(unsigned char c)
{
	return ctype[c] == C_DIGIT;
}

/* Length of the word character at text[i], or 0. */
static size_t
word_char(const char *text, size_t len, size_t i, int *alpha)
{
	unsigned char c = (unsigned char)text[i];
	size_t n;

	if (ascii_alpha(c))
		return 1;
	if (ascii_digit(c)) {
		*alpha = 0;
		return 1;
	}
	if (c < 0x80)
		return 0;
	if (px_is_letter_at(text, len, i, &n) == 1)
		return n;
	return 0;
}

static uint8_t
case_class(const char *s, size_t len)
{
	size_t i, upper = 0, lower = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			upper++;
		else if (c >= 'a' && c <= 'z')
			lower++;
		else if (c >= 0x80 && (c & 0xc0) != 0x80) {
			if (px_utf8_is_upper(s + i, len - i))
				upper++;
			else if (px_utf8_is_lower(s + i, len - i))
				lower++;
		}
	}
	if (px_utf8_is_upper(s, len))
		return (lower == 0 && upper >= 2) ? PX_CASE_UPPER :
		    PX_CASE_TITLE;
	return PX_CASE_LOWER;
}

/*
 * Does the ' or - at text[i] join letters: O'Brien, Smith-Jones?  An 's
 * ends a word, and between capitals a - is a separator of ALL CAPS notes
 * (DAUGHTER-TAMSIN, AWARE-WILL WEAN).
 */
static int
joins(const char *text, size_t len, size_t i)
{
	return i + 1 < len && (text[i] == '\'' || text[i] == '-') &&
	    ascii_alpha((unsigned char)text[i + 1]) && !(text[i] == '\'' &&
	    (text[i + 1] | 0x20) == 's' && (i + 2 >= len ||
	    !ascii_alpha((unsigned char)text[i + 2]))) && !(text[i] == '-' &&
	    ctype[(unsigned char)text[i - 1]] == C_UPPER &&
	    ctype[(unsigned char)text[i + 1]] == C_UPPER);
}

/*
 * Fold, hash and class an ASCII word token in one pass: what px_fold(),
 * px_hash() and case_class() give for it, without their calls.
 */
static void
ascii_token(struct px_token *t, const char *s, size_t len, char *out)
{
	uint64_t h = PX_HASH_START;
	size_t k, upper = 0;
	unsigned seen = 0;

	for (k = 0; k < len; k++) {
		unsigned char c = (unsigned char)s[k], x = ctype[c];

		seen |= x;
		upper += x >> 1 & 1;
		c |= (unsigned char)((x & C_UPPER) << 4);	/* + 32 */
		out[k] = (char)c;
		h = px_hash_step(h, c);
	}
	t->hash = h != 0 ? h : 1;
	t->flen = (uint16_t)len;
	if (ctype[(unsigned char)s[0]] == C_UPPER)
		t->cls = (!(seen & C_LOWER) && upper >= 2) ? PX_CASE_UPPER :
		    PX_CASE_TITLE;
	else
		t->cls = PX_CASE_LOWER;
}

/*
 * sc->tokblk: for each 64-byte block of text[0..len), the first token that
 * ends after the block's start, so that px_first_token() need not search.
 */
static int
token_blocks(struct px_scratch *sc, size_t len)
{
	size_t q, k = 0;

	if (px_grow((void **)&sc->tokblk, &sc->tokblkcap, (len >> 6) + 1,
	    sizeof(*sc->tokblk)) != PHI_OK)
		return PHI_ENOMEM;
	for (q = 0; q <= len >> 6; q++) {
		while (k < sc->ntok && sc->tok[k].end <= q << 6)
			k++;
		sc->tokblk[q] = (uint32_t)k;
	}
	return PHI_OK;
}

/* First token ending after offset a, a within the tokenized text. */
size_t
px_first_token(const struct px_scratch *sc, size_t a)
{
	size_t k = sc->tokblk[a >> 6];

	while (k < sc->ntok && sc->tok[k].end <= a)
		k++;
	return k;
}

/*
 * Per ASCII byte, a count in the field of its class: the sum over a token
 * (of at most 255 bytes) has its numbers of lower-case letters, capitals
 * and digits, and one register holds what would take three.
 */
#define W_LOWER		0x1u
#define W_UPPER		0x100u
#define W_DIGIT		0x10000u
#define W_LOWER_MASK	0xffu
#define W_UPPER_MASK	0xff00u
#define W_DIGIT_MASK	0xffff0000u

#define L4	W_LOWER, W_LOWER, W_LOWER, W_LOWER
#define U4	W_UPPER, W_UPPER, W_UPPER, W_UPPER
#define D4	W_DIGIT, W_DIGIT, W_DIGIT, W_DIGIT
static const uint32_t wt[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	D4, D4, W_DIGIT, W_DIGIT, 0, 0, 0, 0, 0, 0,
	0, W_UPPER, W_UPPER, U4, U4, U4, U4, U4, U4,
	0, 0, 0, 0, 0,
	0, W_LOWER, W_LOWER, L4, L4, L4, L4, L4, L4,
	0, 0, 0, 0, 0,
};
#undef L4
#undef U4
#undef D4

/*
 * Fold and hash the ASCII letters and digits at the start of s[0..n) into
 * out, adding their classes to *accp; returns their number.  A capital's
 * weight has the bit that folds it (0x100 >> 3 == 0x20).
 */
static size_t
ascii_run(const unsigned char *s, size_t n, unsigned char *out,
    uint64_t *hp, uint32_t *accp)
{
	uint64_t h = *hp;
	uint32_t acc = *accp, w;
	size_t k;

	for (k = 0; k < n && (w = wt[s[k]]) != 0; k++) {
		unsigned char c = (unsigned char)(s[k] | (w >> 3 & 0x20));

		acc += w;
		out[k] = c;
		h = px_hash_step(h, c);
	}
	*hp = h;
	*accp = acc;
	return k;
}

/*
 * The end of the word token that starts at text[i]: letters and digits,
 * and ' or - inside a word.  *alpha is cleared when it has a digit,
 * *ascii when it has a non-ASCII letter.
 */
static size_t
token_end(const char *text, size_t len, size_t i, int *alpha, int *ascii)
{
	size_t n;

	for (;;) {
		unsigned seen = 0, x;

		/* ASCII letters and digits first: most of the text */
		while (i < len && (x = ctype[(unsigned char)text[i]]) != 0) {
			seen |= x;
			i++;
		}
		if (seen & C_DIGIT)
			*alpha = 0;
		if (i < len && (unsigned char)text[i] >= 0x80 &&
		    (n = word_char(text, len, i, alpha)) != 0) {
			*ascii = 0;
			i += n;
			continue;
		}
		if (joins(text, len, i)) {
			i++;
			continue;
		}
		return i;
	}
}

/*
 * Split text[0..len) into tokens in sc->tok, folding alphabetic ones into
 * sc->fold.  Returns PHI_OK, PHI_ENOMEM, PHI_ELIMIT or PHI_EUNICODE.
 *
 * An ASCII token is classed, folded and hashed in the one pass that finds
 * its end, and only its fields are set: the text is read once, and the
 * branch that ends a token is taken once.  A token with a non-ASCII letter
 * goes back to its start and takes the general way (px_fold()).
 */
int
px_tokenize(struct px_scratch *sc, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, start, k;
	int rc;

	sc->ntok = 0;
	sc->foldlen = 0;
	sc->looked = 0;
	if (len > UINT32_MAX)		/* token offsets are 32-bit */
		return PHI_ELIMIT;
	while (i < len) {
		struct px_token *t;
		unsigned char *out;
		uint64_t h;
		uint32_t acc;
		unsigned x, up, caps;
		int alpha = 1, ascii = 1, keep;

		if ((x = ctype[p[i]]) == 0 && (p[i] < 0x80 ||
		    word_char(text, len, i, &alpha) == 0)) {
			i++;
			continue;
		}
		start = i;
		if (sc->ntok == sc->tokcap && px_grow((void **)&sc->tok,
		    &sc->tokcap, sc->ntok + 1, sizeof(*sc->tok)) != PHI_OK)
			return PHI_ENOMEM;
		/* room for the whole token, which the fast way folds before
		 * it knows whether it keeps it, and for px_fold() */
		if (sc->foldlen + (len - start) + TOKEN_MAX * 3 > sc->foldcap &&
		    px_grow((void **)&sc->fold, &sc->foldcap, sc->foldlen +
		    (len - start) + TOKEN_MAX * 3, 1) != PHI_OK)
			return PHI_ENOMEM;
		t = &sc->tok[sc->ntok++];
		t->start = (uint32_t)start;
		t->dmask = 0;
		t->tidx = 0;
		if (x == 0)
			goto general;
		out = (unsigned char *)sc->fold + sc->foldlen;
		h = PX_HASH_START;
		acc = 0;
		for (;;) {
			i += ascii_run(p + i, len - i, out + (i - start), &h,
			    &acc);
			if (i < len && p[i] >= 0x80) {
				if (word_char(text, len, i, &alpha) != 0)
					goto general;
				break;
			}
			if (i + 1 >= len || (p[i] != '\'' && p[i] != '-') ||
			    !joins(text, len, i))
				break;
			out[i - start] = p[i];
			h = px_hash_step(h, p[i]);
			i++;
		}
		t->end = (uint32_t)i;
		if (i - start > 255)	/* the counts may have overflowed */
			for (acc = 0, k = start; k < i; k++)
				acc |= wt[p[k]] & W_DIGIT;
		t->alpha = (acc & W_DIGIT_MASK) == 0;
		/* without branches: words and the case of their first letter
		 * come in no order a predictor learns */
		up = (wt[p[start]] & W_UPPER) != 0;
		caps = up & ((acc & W_LOWER_MASK) == 0) & ((acc &
		    W_UPPER_MASK) >= 2 * W_UPPER);
		keep = t->alpha && i - start <= TOKEN_MAX;
		t->hash = keep ? (h != 0 ? h : 1) : 0;
		t->foff = keep ? (uint32_t)sc->foldlen : 0;
		t->flen = keep ? (uint16_t)(i - start) : 0;
		/* PX_CASE_LOWER, _TITLE, _UPPER are 1, 2, 4 */
		t->cls = keep ? (uint8_t)(PX_CASE_LOWER << (up + caps)) : 0;
		sc->foldlen += keep ? i - start : 0;
		continue;
general:
		alpha = 1;
		i = token_end(text, len, start, &alpha, &ascii);
		t->end = (uint32_t)i;
		t->alpha = (uint8_t)alpha;
		t->hash = 0;
		t->foff = 0;
		t->flen = 0;
		t->cls = 0;
		if (!alpha || i - start > TOKEN_MAX)
			continue;
		t->foff = (uint32_t)sc->foldlen;
		if (ascii) {
			ascii_token(t, text + start, i - start, sc->fold +
			    sc->foldlen);
			sc->foldlen += i - start;
			continue;
		}
		t->cls = case_class(text + start, i - start);
		rc = px_fold(text + start, i - start, sc->fold + sc->foldlen,
		    TOKEN_MAX * 3, &k);
		if (rc == PHI_ELIMIT) {
			t->alpha = 0;
			continue;
		}
		if (rc != PHI_OK)
			return rc;
		t->flen = (uint16_t)k;
		t->hash = px_hash(sc->fold + sc->foldlen, k);
		sc->foldlen += k;
	}
	return token_blocks(sc, len);
}

/*
 * One lexicon probe per word token answers every dictionary rule: which
 * dictionaries hold the token and whose phrases start with it (dmask);
 * the rules it is a trigger word of (tidx) come with it.  The tokens that
 * may start a finding of a dictionary are listed per dictionary (the
 * engine's dict_list), so that each rule visits those of its own only, in
 * text order.
 */
int
px_look_up(const struct phi_engine *eng, struct px_scratch *sc)
{
	size_t i, nl = (size_t)eng->ndict_lists;

	if (px_grow((void **)&sc->cand, &sc->candcap, (sc->ntok + 1) *
	    (nl > 0 ? nl : 1), sizeof(*sc->cand)) != PHI_OK ||
	    px_grow((void **)&sc->candcls, &sc->candclscap, (sc->ntok + 1) *
	    (nl > 0 ? nl : 1), 1) != PHI_OK ||
	    px_grow((void **)&sc->ngrams, &sc->ngramcap, (sc->ntok + 1) *
	    (nl > 0 ? nl : 1), 1) != PHI_OK)
		return PHI_ENOMEM;
	if (sc->words == NULL && (sc->words = px_calloc(PX_WORD_CACHE,
	    sizeof(*sc->words))) == NULL)
		return PHI_ENOMEM;
	memset(sc->ncand, 0, sizeof(sc->ncand));
	memset(sc->ngrams, 0, sc->ntok * nl);
	for (i = 0; i < sc->ntok; i++) {
		struct px_token *t = &sc->tok[i];
		const char *f = sc->fold + t->foff;
		struct px_word *w;
		uint64_t m;

		if (!t->alpha || t->flen == 0)
			continue;
		/* the same word, compared in full, has the same value */
		w = &sc->words[(t->hash ^ t->hash >> 32) & (PX_WORD_CACHE -
		    1)];
		if (w->len == t->flen && w->hash == t->hash &&
		    memcmp(w->w, f, t->flen) == 0) {
			t->dmask = w->dmask;
			t->tidx = w->tidx;
		} else {
			t->dmask = px_dict_value(eng->lex, t->hash, f,
			    t->flen);
			t->tidx = (uint32_t)px_dict_value(eng->trig,
			    t->hash, f, t->flen);
			if (t->flen <= sizeof(w->w)) {
				w->hash = t->hash;
				w->dmask = t->dmask;
				w->tidx = t->tidx;
				w->len = (uint8_t)t->flen;
				memcpy(w->w, f, t->flen);
			}
		}
		/* in the dictionary or starting one of its phrases */
		m = t->dmask & eng->dict_main;
		for (m = (m | m >> 32) & 0xffffffffULL; m != 0; m &= m - 1) {
			int di = px_ctz64(m);
			size_t l = (size_t)eng->dict_list[di];

			sc->candcls[l * sc->ntok + sc->ncand[l]] = (uint8_t)
			    (t->cls | CAND_LEN(t->end - t->start) |
			    ((t->dmask >> (32 + di) & 1) << 7));
			sc->cand[l * sc->ntok + sc->ncand[l]++] = (uint32_t)i;
		}
	}
	sc->looked = 1;
	return PHI_OK;
}

/* Is token t in dictionary di? */
static int
tok_in(const struct phi_engine *eng, const struct px_scratch *sc,
    const struct px_token *t, int di)
{
	if (di >= 32)
		return px_dict_has(eng->spec.dicts[di], t->hash, sc->fold +
		    t->foff, t->flen);
	return (t->dmask >> di & 1) != 0;
}

/* Does a phrase of dictionary di start with token t? */
static int
tok_prefix(const struct phi_engine *eng, const struct px_scratch *sc,
    const struct px_token *t, int di)
{
	if (di >= 32)
		return px_dict_has(eng->spec.dicts[di]->prefix, t->hash,
		    sc->fold + t->foff, t->flen);
	return (t->dmask >> (32 + di) & 1) != 0;
}

/* Is token t in one of the dictionaries idx[0..n)? */
int
px_tok_in_any(const struct phi_engine *eng, const int *idx, size_t n,
    const struct px_scratch *sc, const struct px_token *t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tok_in(eng, sc, t, idx[i]))
			return 1;
	return 0;
}

/*
 * The lexicon bits of dictionaries idx[0..n): a token's dmask answers for
 * them with one test.  *far is set when one of them is not in the lexicon
 * (px_tok_in_any() must ask it).
 */
static uint64_t
lexicon_bits(const int *idx, size_t n, int *far)
{
	uint64_t m = 0;
	size_t i;

	*far = 0;
	for (i = 0; i < n; i++) {
		if (idx[i] < 32)
			m |= 1ULL << idx[i];
		else
			*far = 1;
	}
	return m;
}

/* Only 1 to 3 blanks between offsets a and b (words of one name)? */
int
px_blank_between(const char *text, size_t a, size_t b)
{
	size_t i;

	if (b <= a || b - a > 3)
		return 0;
	for (i = a; i < b; i++)
		if (text[i] != ' ' && text[i] != '\t')
			return 0;
	return 1;
}

/*
 * The FNV-1a state after token t's folded form, which px_hash() maps from
 * 0 to 1: t->hash is that state but when it is 1.
 */
uint64_t
px_tok_hash_state(const struct px_scratch *sc, const struct px_token *t)
{
	if (t->hash != 1)
		return t->hash;
	return px_hash_more(PX_HASH_START, sc->fold + t->foff, t->flen);
}

/*
 * Is the phrase of tokens i..i+n-1 (folded, one space between words) of
 * hash h in d?  The key is built only when the filter lets it through.
 */
int
px_tok_phrase_in(const struct px_dict *d, const struct px_scratch *sc,
    size_t i, size_t n, uint64_t h)
{
	char key[PX_DICT_ENTRY_MAX * 4];
	size_t klen = 0, k;

	h = h != 0 ? h : 1;
	if (!px_dict_maybe(d, h))
		return 0;
	for (k = i; k < i + n; k++) {
		const struct px_token *t = &sc->tok[k];

		if (k > i)
			key[klen++] = ' ';
		memcpy(key + klen, sc->fold + t->foff, t->flen);
		klen += t->flen;
	}
	return px_dict_has(d, h, key, klen);
}

/*
 * Look up tokens i.. as an n-gram: returns the number of tokens of the
 * longest entry of d starting at token i, or 0.
 */
static int
ngram_at(const struct phi_engine *eng, int di, struct px_scratch *sc,
    const char *text, size_t i)
{
	const struct px_dict *d = eng->spec.dicts[di];
	size_t klen, k;
	uint64_t h;
	int best = 0;

	if (!sc->tok[i].alpha || sc->tok[i].flen == 0)
		return 0;
	if (d->max_words >= 2 && tok_prefix(eng, sc, &sc->tok[i], di)) {
		/* grow the phrase a word at a time, hashing incrementally
		 * (FNV-1a streams) from the token's own hash, and keep the
		 * longest entry found */
		klen = sc->tok[i].flen;
		h = px_tok_hash_state(sc, &sc->tok[i]);
		for (k = 1; k < (size_t)d->max_words && i + k < sc->ntok;
		    k++) {
			const struct px_token *t = &sc->tok[i + k];

			if (!t->alpha || t->flen == 0 || klen + t->flen + 1 >=
			    PX_DICT_ENTRY_MAX * 4 || !px_blank_between(text,
			    sc->tok[i + k - 1].end, t->start))
				break;
			h = px_hash_step(h, ' ');
			h = px_hash_more(h, sc->fold + t->foff, t->flen);
			klen += t->flen + 1;
			if (px_tok_phrase_in(d, sc, i, k + 1, h))
				best = (int)k + 1;
		}
		if (best > 0)
			return best;
	}
	return tok_in(eng, sc, &sc->tok[i], di) ? 1 : 0;
}

/*
 * ngram_at(), remembered per token for the unit: the rules of one
 * dictionary (names in mixed case, in capitals, after a title ...) ask
 * about the same tokens.
 */
static int
ngram(const struct phi_engine *eng, int di, struct px_scratch *sc,
    const char *text, size_t i)
{
	uint8_t *memo;
	int n;

	if (di >= 32 || eng->dict_list[di] < 0)
		return ngram_at(eng, di, sc, text, i);
	memo = &sc->ngrams[(size_t)eng->dict_list[di] * sc->ntok + i];
	if (*memo == 0) {
		n = ngram_at(eng, di, sc, text, i);
		*memo = (uint8_t)(n + 1);
	}
	return *memo - 1;
}

/* May token t extend a name found next to it? */
static int
name_like(const struct phi_engine *eng, const struct px_rule *r,
    const struct px_scratch *sc, const struct px_token *t)
{
	if (!t->alpha || t->flen == 0)
		return 0;
	if (r->cases == PX_CASE_LOWER) {
		/* a rule for notes typed in lower case grows over lower-case
		 * words of 3 letters or more (mary ellen zorbaugh); its
		 * dictionaries below keep out the common words */
		if (!(t->cls & PX_CASE_LOWER) || t->end - t->start < 3)
			return 0;
	} else if (!(t->cls & (PX_CASE_TITLE | PX_CASE_UPPER)))
		return 0;
	else if (t->end - t->start == 1)	/* an initial */
		return 1;
	if (px_tok_in_any(eng, r->ambiguous_idx, r->nambiguous, sc, t) ||
	    px_tok_in_any(eng, r->exclude_idx, r->nexclude, sc, t))
		return 0;
	return 1;
}

/*
 * Gap between names: blanks, or the period of an initial and blanks.  A
 * period after a longer word ends a sentence: "Alice. Zofrex" is no name.
 */
static int
name_gap(const char *text, size_t a, size_t b, size_t prev_len)
{
	if (a < b && text[a] == '.') {
		if (prev_len != 1)
			return 0;
		a++;
	}
	return px_blank_between(text, a, b);
}

/*
 * Candidates c0.. of a rule (SIFT_MAX at most, to n) sifted into pick,
 * without branches: their case class, length and phrase start are beside
 * the list, and what ngram() knew of them in memo.  Most are turned down
 * so, without reading their token, and whether one is comes in no order a
 * branch predictor learns.  A token of the wrong case can only start a
 * phrase ("van Dyke"), and phrase starts are few.  Without a list (cls
 * NULL), every token is a candidate.  Returns the number picked.
 */
#define SIFT_MAX	256

static size_t
sift(const uint32_t *list, const uint8_t *cls, const uint8_t *memo,
    size_t c0, size_t n, unsigned cases, int phrases, int min_len,
    uint32_t *pick)
{
	size_t c, np = 0;

	for (c = c0; c < n && c - c0 < SIFT_MAX; c++) {
		unsigned k, m;

		pick[np] = (uint32_t)c;
		if (cls == NULL) {
			np++;
			continue;
		}
		k = cls[c];
		m = memo[list[c]];
		/* m is ngram() + 1, or 0 while not known */
		np += (CAND_LEN_OF(k) >= (unsigned)min_len) &
		    (((k & cases) != 0) | ((unsigned)phrases & k >> 7 &
		    !(m - 1 < 2)));
	}
	return np;
}

int
px_dict_run(const struct phi_engine *eng, const struct px_rule *r,
    struct px_scratch *sc, const char *text, size_t len, size_t from,
    size_t to, struct px_findings *fs)
{
	const struct px_dict *d = eng->spec.dicts[r->dict_idx];
	const uint32_t *list = NULL;
	const uint8_t *cls = NULL, *memo = NULL;
	uint32_t pick[SIFT_MAX];
	size_t c, q, np, i, n_i, next = 0, ito = sc->ntok;
	uint64_t excl, ambig;
	int phrases, min_len, excl_far, ambig_far;

	if (!sc->looked && px_look_up(eng, sc) != PHI_OK)
		return PHI_ENOMEM;
	/* a token in neither the dictionary nor its phrase starts cannot
	 * start a finding: visit the listed tokens only */
	n_i = sc->ntok;
	excl = lexicon_bits(r->exclude_idx, r->nexclude, &excl_far);
	ambig = lexicon_bits(r->ambiguous_idx, r->nambiguous, &ambig_far);
	phrases = d->max_words >= 2;
	/* a length of 15 in the class byte is 15 or more */
	min_len = r->min_len <= 15 ? r->min_len : 15;
	if (r->dict_idx < 32 && eng->dict_list[r->dict_idx] >= 0) {
		list = sc->cand + (size_t)eng->dict_list[r->dict_idx] *
		    sc->ntok;
		cls = sc->candcls + (size_t)eng->dict_list[r->dict_idx] *
		    sc->ntok;
		memo = sc->ngrams + (size_t)eng->dict_list[r->dict_idx] *
		    sc->ntok;
		n_i = sc->ncand[eng->dict_list[r->dict_idx]];
		/* the first token starting at or after to */
		if (sc->ntok > 0 && to < len) {
			ito = px_first_token(sc, to);
			if (ito < sc->ntok && sc->tok[ito].start < to)
				ito++;
		}
	}
	/* the listed tokens that start before to: the list is in text
	 * order */
	if (list != NULL) {
		size_t lo = 0, hi = n_i;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (list[mid] < ito)
				lo = mid + 1;
			else
				hi = mid;
		}
		n_i = lo;
	}
	for (c = q = np = 0;;) {
		struct px_token *t;
		size_t s, e, j, last;
		double score;
		int n, amb;

		if (q == np) {
			if (c == n_i)
				break;
			np = sift(list, cls, memo, c, n_i, (unsigned)r->cases,
			    phrases, min_len, pick);
			c += n_i - c < SIFT_MAX ? n_i - c : SIFT_MAX;
			q = 0;
			continue;
		}
		i = list != NULL ? list[pick[q]] : pick[q];
		q++;
		if (i < next)
			continue;
		t = &sc->tok[i];
		if (cls == NULL) {
			if (t->start >= to)
				break;
			if (!t->alpha || t->flen == 0 ||
			    (int)(t->end - t->start) < r->min_len)
				continue;
			/* the cheap test first, as above */
			if (!(t->cls & r->cases) && (!phrases ||
			    !tok_prefix(eng, sc, t, r->dict_idx)))
				continue;
		} else if (r->min_len > 15 && (int)(t->end - t->start) <
		    r->min_len)
			continue;
		if ((n = ngram(eng, r->dict_idx, sc, text, i)) == 0)
			continue;
		last = i + (size_t)n - 1;
		/* case: of the token, or of the last word of a phrase */
		if (!(t->cls & r->cases) && !(n > 1 && (sc->tok[last].cls &
		    r->cases)))
			continue;
		s = t->start;
		e = sc->tok[last].end;
		if (e <= from)
			continue;
		/* excluded words first; ambiguous are the others listed */
		if (n == 1 && ((t->dmask & excl) != 0 || (excl_far &&
		    px_tok_in_any(eng, r->exclude_idx, r->nexclude, sc, t))))
			continue;
		amb = n == 1 && ((t->dmask & ambig) != 0 || (ambig_far &&
		    px_tok_in_any(eng, r->ambiguous_idx, r->nambiguous, sc,
		    t)));
		score = px_context_score(r, sc, amb ? r->ambiguous_score :
		    r->score, text, len, s, e);
		if (score < 0)
			continue;
		if (r->expand && score >= eng->spec.threshold) {
			for (j = last + 1; j < sc->ntok && j <= last + 3; j++) {
				if (!name_gap(text, sc->tok[j - 1].end,
				    sc->tok[j].start, sc->tok[j - 1].end -
				    sc->tok[j - 1].start) ||
				    !name_like(eng, r, sc, &sc->tok[j]))
					break;
				e = sc->tok[j].end;
			}
			for (j = i; j > 0 && j + 3 > i; j--) {
				if (!name_gap(text, sc->tok[j - 1].end,
				    sc->tok[j].start, sc->tok[j - 1].end -
				    sc->tok[j - 1].start) ||
				    !name_like(eng, r, sc, &sc->tok[j - 1]))
					break;
				s = sc->tok[j - 1].start;
			}
		}
		if (px_findings_add(fs, s, e, r, score, 0) != PHI_OK)
			return PHI_ENOMEM;
		next = last + 1;
	}
	return PHI_OK;
}

/*
 * A regex rule's exclude list: its finding is dropped when one of the
 * words it covers is in one of those dictionaries, so that a pattern for
 * "an unknown word in a telling place" can leave English words alone.
 */
int
px_dict_exclude(const struct phi_engine *eng, struct px_scratch *sc,
    struct px_findings *fs)
{
	size_t i, k, n = 0;
	int rc;

	if (!sc->looked && (rc = px_look_up(eng, sc)) != PHI_OK)
		return rc;
	for (i = 0; i < fs->n; i++) {
		const struct px_finding *f = &fs->v[i];
		const struct px_rule *r = f->rule;
		int drop = 0;

		if (r != NULL && r->kind == PX_RULE_REGEX && r->nexclude > 0)
			for (k = px_first_token(sc, f->start); !drop &&
			    k < sc->ntok && sc->tok[k].start < f->end; k++)
				drop = sc->tok[k].alpha && px_tok_in_any(eng,
				    r->exclude_idx, r->nexclude, sc,
				    &sc->tok[k]);
		if (!drop)
			fs->v[n++] = *f;
	}
	fs->n = n;
	return PHI_OK;
}
