/* SPDX-License-Identifier: MIT */
/*
 * det-context.c: context words.  A rule may require, or be boosted by, one
 * of its context words or phrases within a window of bytes around the
 * match.  Words are stored lower-case and compared ASCII-caselessly at word
 * boundaries; windows are small (PX_CONTEXT_WINDOW_MAX), so a direct scan
 * beats any index.
 */
#include <string.h>

#include "phiscrub-int.h"

static int
isalnum_b(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
	    (c | 0x20) <= 'z') || c >= 0x80;
}

static int
lower_eq(const char *s, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c != (unsigned char)w[i])
			return 0;
	}
	return 1;
}

/* Does word w (n bytes) start at text[i], end by b, at word boundaries? */
static int
word_at(const char *text, size_t len, size_t i, size_t b, const char *w,
    size_t n)
{
	if (n == 0 || i + n > b)
		return 0;
	if (((unsigned char)text[i] | 0x20) != ((unsigned char)w[0] | 0x20))
		return 0;
	if (!lower_eq(text + i, w, n))
		return 0;
	if (i > 0 && isalnum_b((unsigned char)text[i - 1]) &&
	    isalnum_b((unsigned char)w[0]))
		return 0;
	if (i + n < len && isalnum_b((unsigned char)text[i + n]) &&
	    isalnum_b((unsigned char)w[n - 1]))
		return 0;
	return 1;
}

/* Is word w in text[a..b) at word boundaries of text[0..len)? */
static int
find_in(const char *text, size_t len, size_t a, size_t b, const char *w)
{
	size_t n = strlen(w), i;

	for (i = a; i < b; i++)
		if (word_at(text, len, i, b, w, n))
			return 1;
	return 0;
}

/*
 * Is one of the words that are no tokens (c->rest) in text[a..b)?  One
 * pass over the window: only where a byte could start one of them are
 * they compared.
 */
static int
rest_in(const struct px_context *c, const char *text, size_t len, size_t a,
    size_t b)
{
	size_t i, k;

	for (i = a; i < b; i++) {
		unsigned char x = (unsigned char)text[i] | 0x20;

		if (!(c->rest_first[x >> 3] >> (x & 7) & 1))
			continue;
		for (k = 0; k < c->nrest; k++)
			if (word_at(text, len, i, b, c->rest[k],
			    c->rest_len[k]))
				return 1;
	}
	return 0;
}

/*
 * Context words become a dictionary of folded tokens (phrases allowed), so
 * that a window is checked by probing its tokens, one hash each, instead of
 * scanning its bytes once per word.  Words with other characters (", ma",
 * "dr.", "#") keep the byte scan, so their punctuation still counts.
 */
int
px_context_compile(struct px_context *c, struct phi_error *err)
{
	char *text = NULL;
	size_t tlen = 0, cap = 0, i, j, cap2 = 0;
	int rc;

	if (c->nwords == 0)
		return PHI_OK;
	for (i = 0; i < c->nwords; i++) {
		const char *w = c->words[i];
		size_t n = strlen(w);
		int plain = n > 0;

		/* only words of letters, digits, blanks and inner ' or -
		 * are token lookups; the rest keep their exact bytes */
		for (j = 0; j < n && plain; j++) {
			unsigned char ch = (unsigned char)w[j];

			if (!(isalnum_b(ch) || ch == ' ' || ((ch == '\'' ||
			    ch == '-') && j > 0 && j + 1 < n &&
			    isalnum_b((unsigned char)w[j - 1]) &&
			    isalnum_b((unsigned char)w[j + 1]))))
				plain = 0;
		}
		if (!plain) {
			size_t cap3 = cap2;
			unsigned char x = (unsigned char)w[0] | 0x20;

			if (px_grow((void **)&c->rest, &cap2, c->nrest + 1,
			    sizeof(char *)) != PHI_OK ||
			    px_grow((void **)&c->rest_len, &cap3, c->nrest +
			    1, sizeof(size_t)) != PHI_OK ||
			    (c->rest[c->nrest] = px_strdup(w)) == NULL) {
				px_free(text);
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
			}
			c->rest_len[c->nrest++] = n;
			c->rest_first[x >> 3] |= (uint8_t)(1u << (x & 7));
			continue;
		}
		if (px_grow((void **)&text, &cap, tlen + n + 2, 1) != PHI_OK) {
			px_free(text);
			return px_error(err, PHI_ENOMEM, "out of memory");
		}
		memcpy(text + tlen, w, n);
		tlen += n;
		text[tlen++] = '\n';
	}
	if ((c->dict = px_dict_new("context", NULL, NULL)) == NULL) {
		px_free(text);
		return px_error(err, PHI_ENOMEM, "out of memory");
	}
	rc = px_dict_load(c->dict, text != NULL ? text : "", tlen, err);
	px_free(text);
	return rc;
}

void
px_context_free(struct px_context *c)
{
	size_t i;

	px_dict_free(c->dict);
	for (i = 0; i < c->nrest; i++)
		px_free(c->rest[i]);
	px_free(c->rest);
	px_free(c->rest_len);
	c->dict = NULL;
	c->rest = NULL;
	c->rest_len = NULL;
	c->nrest = 0;
}

/* Does a context entry start at token k (phrases of blank-joined tokens)? */
static int
entry_at(const struct px_dict *d, const struct px_scratch *sc,
    const char *text, size_t k, size_t limit)
{
	const struct px_token *t = &sc->tok[k];
	size_t klen, m, g;
	uint64_t h;

	/* the filters first, inline: most tokens are in neither */
	if (t->flen == 0)
		return 0;
	if (px_dict_maybe(d, t->hash) && px_dict_has(d, t->hash, sc->fold +
	    t->foff, t->flen))
		return 1;
	if (d->max_words < 2 || !px_dict_maybe(d->prefix, t->hash) ||
	    !px_dict_has(d->prefix, t->hash, sc->fold + t->foff, t->flen))
		return 0;
	/* FNV-1a streams on from the token's hash; the key is built only
	 * when the filter lets a phrase through */
	klen = t->flen;
	h = px_tok_hash_state(sc, t);
	for (m = 1; m < (size_t)d->max_words && k + m < sc->ntok; m++) {
		const struct px_token *u = &sc->tok[k + m];

		if (u->flen == 0 || u->end > limit || klen + u->flen + 1 >=
		    PX_DICT_ENTRY_MAX * 4)
			return 0;
		for (g = sc->tok[k + m - 1].end; g < u->start; g++)
			if (text[g] != ' ' && text[g] != '\t')
				return 0;
		h = px_hash_step(h, ' ');
		h = px_hash_more(h, sc->fold + u->foff, u->flen);
		klen += u->flen + 1;
		if (px_tok_phrase_in(d, sc, k, m + 1, h))
			return 1;
	}
	return 0;
}

static int
tokens_in(const struct px_context *c, const struct px_scratch *sc,
    const char *text, size_t a, size_t b)
{
	size_t k;

	for (k = px_first_token(sc, a); k < sc->ntok && sc->tok[k].start < b;
	    k++)
		if (sc->tok[k].start >= a && sc->tok[k].end <= b &&
		    entry_at(c->dict, sc, text, k, b))
			return 1;
	return 0;
}

/* Is one of the context words within the window around [start, end)? */
int
px_context_found(const struct px_context *c, const struct px_scratch *sc,
    const char *text, size_t len, size_t start, size_t end)
{
	size_t a = start > (size_t)c->window ? start - (size_t)c->window : 0;
	size_t b = end + (size_t)c->window < len ? end + (size_t)c->window :
	    len;
	size_t i;

	if (c->same_line) {
		for (i = start; i > a; i--)
			if (text[i - 1] == '\n')
				break;
		a = i;
		for (i = end; i < b; i++)
			if (text[i] == '\n')
				break;
		b = i;
	}
	if (c->dict != NULL && sc != NULL && sc->ntok > 0) {
		if (tokens_in(c, sc, text, a, start))
			return 1;
		if (!c->before_only && tokens_in(c, sc, text, end, b))
			return 1;
		if (c->nrest > 0 && (rest_in(c, text, len, a, start) ||
		    (!c->before_only && rest_in(c, text, len, end, b))))
			return 1;
		return 0;
	}
	for (i = 0; i < c->nwords; i++) {
		if (find_in(text, len, a, start, c->words[i]))
			return 1;
		if (!c->before_only && find_in(text, len, end, b,
		    c->words[i]))
			return 1;
	}
	return 0;
}

/*
 * Score of a finding after context: base plus the boost when a context word
 * is near, or -1 when context is required and absent.
 */
double
px_context_score(const struct px_rule *r, const struct px_scratch *sc,
    double base, const char *text, size_t len, size_t start, size_t end)
{
	int found;

	if (r->ctx.nwords == 0)
		return base;
	found = px_context_found(&r->ctx, sc, text, len, start, end);
	if (r->ctx.required && !found)
		return -1;
	return found ? base + r->ctx.boost : base;
}
