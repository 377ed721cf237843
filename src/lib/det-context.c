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

/* Is word w in text[a..b) at word boundaries of text[0..len)? */
static int
find_in(const char *text, size_t len, size_t a, size_t b, const char *w)
{
	size_t n = strlen(w), i;

	if (n == 0 || b < a || b - a < n)
		return 0;
	for (i = a; i + n <= b; i++) {
		if (((unsigned char)text[i] | 0x20) != ((unsigned char)w[0] |
		    0x20))
			continue;
		if (!lower_eq(text + i, w, n))
			continue;
		if (i > 0 && isalnum_b((unsigned char)text[i - 1]) &&
		    isalnum_b((unsigned char)w[0]))
			continue;
		if (i + n < len && isalnum_b((unsigned char)text[i + n]) &&
		    isalnum_b((unsigned char)w[n - 1]))
			continue;
		return 1;
	}
	return 0;
}

/* Is one of the context words within the window around [start, end)? */
int
px_context_found(const struct px_context *c, const char *text, size_t len,
    size_t start, size_t end)
{
	size_t a = start > (size_t)c->window ? start - (size_t)c->window : 0;
	size_t b = end + (size_t)c->window < len ? end + (size_t)c->window :
	    len;
	size_t i;

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
px_context_score(const struct px_rule *r, double base, const char *text,
    size_t len, size_t start, size_t end)
{
	int found;

	if (r->ctx.nwords == 0)
		return base;
	found = px_context_found(&r->ctx, text, len, start, end);
	if (r->ctx.required && !found)
		return -1;
	return found ? base + r->ctx.boost : base;
}
