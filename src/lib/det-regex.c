/* SPDX-License-Identifier: MIT */
/*
 * det-regex.c: regex rules on PCRE2.  Patterns are compiled for UTF-8 with
 * PCRE2_MATCH_INVALID_UTF, so invalid input can never make a match call
 * undefined, and JIT-compiled when the platform has a JIT.  Every negative
 * return other than NOMATCH is an error that fails the region closed: a
 * limit hit means "not evaluated", never "no PHI".
 */
#include <stdio.h>
#include <string.h>

#include "phiscrub-int.h"

/* Map a pcre2_match() result to a status: PHI_OK for a match or none. */
int
px_regex_status(int rc)
{
	if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
		return PHI_OK;
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return PHI_EMATCH;
	case PCRE2_ERROR_NOMEMORY:
		return PHI_ENOMEM;
	}
	return PHI_EMATCH;		/* anything else is a failure too */
}

/*
 * The bytes an attempt of triggered rule r can start at, from PCRE2's own
 * start-up analysis: a copy of the pattern without (*NO_START_OPT) and
 * unanchored, so PCRE2 works out a first code unit or a start bitmap,
 * which it needs to be sound for its own searches.  An attempt at a byte
 * outside the set cannot match, so it is not made: most attempts of rules
 * with trigger-back start at words that could never begin their match.
 * Without such information (or if the copy does not compile) every byte
 * is possible.
 */
static void
first_bytes(struct px_rule *r, uint32_t opts, pcre2_compile_context *cc)
{
	static const char verb[] = "(*NO_START_OPT)";
	const char *p = r->pattern;
	pcre2_code *re;
	uint32_t type = 0, cu = 0;
	const uint8_t *map = NULL;
	PCRE2_SIZE eoff;
	int ecode;

	r->has_first = 0;
	if (strncmp(p, verb, sizeof(verb) - 1) == 0)
		p += sizeof(verb) - 1;
	opts &= ~(uint32_t)(PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE);
	if ((re = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, opts,
	    &ecode, &eoff, cc)) == NULL)
		return;
	if (pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &type) == 0 &&
	    type == 1 &&
	    pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODEUNIT, &cu) == 0 &&
	    cu < 0x80) {
		/* either case: the caseless flag is not reported */
		memset(r->first, 0, sizeof(r->first));
		r->first[cu >> 3] |= (uint8_t)(1u << (cu & 7));
		if ((cu | 0x20) >= 'a' && (cu | 0x20) <= 'z') {
			cu ^= 0x20;
			r->first[cu >> 3] |= (uint8_t)(1u << (cu & 7));
		}
		r->has_first = 1;
	} else if (type == 0 && pcre2_pattern_info(re,
	    PCRE2_INFO_FIRSTBITMAP, &map) == 0 && map != NULL) {
		memcpy(r->first, map, sizeof(r->first));
		r->has_first = 1;
	}
	pcre2_code_free(re);
}

/*
 * Compile r->pattern.  Errors are located at the rule's definition; the
 * column is the offset in the pattern where PCRE2 gave up.
 */
int
px_regex_compile(struct px_rule *r, int jit, struct phi_error *err)
{
	pcre2_general_context *g;
	pcre2_compile_context *cc;
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	uint32_t have_jit = 0;
	PCRE2_SIZE eoff = 0;
	PCRE2_UCHAR msg[160];
	int ecode = 0, rc;

	if (r->caseless)
		opts |= PCRE2_CASELESS;
	if (r->ntriggers > 0)	/* tried only at trigger tokens: anchored, and
				   no start-up scan for required bytes on every
				   call, which is quadratic over a unit */
		opts |= PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE;
	else if (r->has_guard)	/* searched window by window */
		opts |= PCRE2_USE_OFFSET_LIMIT;
	if ((g = px_pcre2_gctx()) == NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	if ((cc = pcre2_compile_context_create(g)) == NULL) {
		pcre2_general_context_free(g);
		return px_error(err, PHI_ENOMEM, "out of memory");
	}
	r->re = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED,
	    opts, &ecode, &eoff, cc);
	if (r->re != NULL && (r->ntriggers > 0 || r->has_guard))
		first_bytes(r, opts, cc);
	pcre2_compile_context_free(cc);
	pcre2_general_context_free(g);
	if (r->re == NULL) {
		pcre2_get_error_message(ecode, msg, sizeof(msg));
		px_error_at(err, r->source, r->line, (int)eoff + 1,
		    "rule '%s': bad pattern at offset %zu: %s", r->id,
		    (size_t)eoff, (char *)msg);
		if (err != NULL)
			snprintf(err->rule, sizeof(err->rule), "%s", r->id);
		return PHI_EPACK;
	}
	if (r->group > 0) {
		uint32_t cap = 0;

		pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &cap);
		if ((uint32_t)r->group > cap)
			return px_error_at(err, r->source, r->line, 1,
			    "rule '%s': group %d but the pattern has %u",
			    r->id, r->group, cap);
	}
	pcre2_config(PCRE2_CONFIG_JIT, &have_jit);
	if (jit && have_jit) {
		rc = pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
		if (rc != 0) {
			pcre2_get_error_message(rc, msg, sizeof(msg));
			return px_error_at(err, r->source, r->line, 1,
			    "rule '%s': JIT compile failed: %s", r->id,
			    (char *)msg);
		}
		r->jitted = 1;
	}
	return PHI_OK;
}

/*
 * After a match call that returned rc: adds the finding when it touches
 * [from, to) and passes validators and context.  *next is where to search
 * next; returns PHI_OK, 1 for no match, or the status of a failed match.
 * Apart from match_once(), as few calls match.
 */
static int
matched(const struct px_rule *r, struct px_scratch *sc, int rc,
    const char *text, size_t len, size_t off, size_t from, size_t to,
    struct px_findings *fs, size_t *next)
{
	PCRE2_SIZE *ov;
	size_t s, e;
	double score;
	int st;

	if (rc == PCRE2_ERROR_NOMATCH)
		return 1;
	if ((st = px_regex_status(rc)) != PHI_OK)
		return st;
	ov = pcre2_get_ovector_pointer(sc->md);
	s = ov[0];
	e = ov[1];
	*next = e > off ? e : off + 1;
	while (*next < len && ((unsigned char)text[*next] & 0xc0) == 0x80)
		(*next)++;
	if (r->group > 0) {
		if (rc > r->group && ov[2 * r->group] != PCRE2_UNSET) {
			s = ov[2 * r->group];
			e = ov[2 * r->group + 1];
		} else
			e = s;
	}
	if (s >= to) {
		*next = len + 1;
		return PHI_OK;
	}
	if (e > s && e > from && px_validate(r->validators, text + s, e - s)) {
		score = px_context_score(r, sc, r->score, text, len, s, e);
		if (score >= 0 && px_findings_add(fs, s, e, r, score, 0) !=
		    PHI_OK)
			return PHI_ENOMEM;
	}
	return PHI_OK;
}

/*
 * One match attempt of r at or after off (exactly at off for a triggered,
 * anchored rule); see matched().  Inline: most calls do not match, and
 * then this is all there is to them.
 */
static inline int
match_once(const struct px_rule *r, struct px_scratch *sc, const char *text,
    size_t len, size_t off, size_t from, size_t to, struct px_findings *fs,
    size_t *next)
{
	int rc;

	/* JIT code is entered directly: pcre2_match() would only check
	 * arguments that are valid here (no options, off <= len, and no UTF
	 * check with PCRE2_MATCH_INVALID_UTF) before calling it */
	if (r->jitted)
		rc = pcre2_jit_match(r->re, (PCRE2_SPTR)text, len, off, 0,
		    sc->md, sc->mctx);
	else
		rc = pcre2_match(r->re, (PCRE2_SPTR)text, len, off, 0,
		    sc->md, sc->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 1;
	return matched(r, sc, rc, text, len, off, from, to, fs, next);
}

/* Does r's guard pass at off: a run of guard_run bytes, then a guard_then
 * byte?  A rule without a guard passes everywhere. */
static int
guard_ok(const struct px_rule *r, const char *text, size_t len, size_t off)
{
	if (!r->has_guard)
		return 1;
	while (off < len && px_byte_in(r->guard_run, (unsigned char)text[off]))
		off++;
	return off < len && px_byte_in(r->guard_then, (unsigned char)text[off]);
}

/*
 * A guarded rule without triggers: a match can start only in the run of
 * guard_run bytes right before a guard_then byte c (the classes are
 * disjoint), so each such run is searched with PCRE2's offset limit at c,
 * from where the plain search would be.  The leftmost match from off is
 * in the first window that has one, so the matches are those of the
 * plain search, without trying every position of the text.
 */
static int
run_guarded(const struct px_rule *r, struct px_scratch *sc, const char *text,
    size_t len, size_t from, size_t to, struct px_findings *fs)
{
	size_t off = 0, next = 0, c, w;
	int rc;

	while (off <= len) {
		if (r->guard_then1 >= 0) {	/* one byte: memchr is faster */
			const char *p = off < len ? memchr(text + off,
			    r->guard_then1, len - off) : NULL;

			c = p != NULL ? (size_t)(p - text) : len;
		} else
			for (c = off; c < len && !px_byte_in(r->guard_then,
			    (unsigned char)text[c]); c++)
				;
		if (c >= len)
			break;
		for (w = c; w > off && px_byte_in(r->guard_run,
		    (unsigned char)text[w - 1]); w--)
			;
		/* from the first byte a match can start with, if any */
		while (w <= c && r->has_first && !px_byte_in(r->first,
		    (unsigned char)text[w]))
			w++;
		if (w > c) {
			off = c + 1;
			continue;
		}
		while (w < c && ((unsigned char)text[w] & 0xc0) == 0x80)
			w++;		/* starts are character starts */
		if (w >= to)
			break;		/* findings would start too late */
		if ((rc = pcre2_set_offset_limit(sc->mctx, c)) == 0) {
			rc = match_once(r, sc, text, len, w, from, to, fs,
			    &next);
			pcre2_set_offset_limit(sc->mctx, PCRE2_UNSET);
		} else
			rc = PHI_EMATCH;
		if (rc == 1) {
			off = c + 1;
			continue;
		}
		if (rc != PHI_OK)
			return rc;
		off = next;
	}
	return PHI_OK;
}

/*
 * Run r over text[0..len) and add findings that start before `to` and end
 * after `from`.  Returns PHI_OK or the status of a failed match, in which
 * case the caller fails the unit closed.
 */
int
px_regex_run(const struct phi_engine *eng, const struct px_rule *r,
    struct px_scratch *sc, const char *text, size_t len, size_t from,
    size_t to, struct px_findings *fs)
{
	size_t off = 0, next = 0;
	int rc;

	(void)eng;
	if (r->has_guard)
		return run_guarded(r, sc, text, len, from, to, fs);
	while (off <= len) {
		if ((rc = match_once(r, sc, text, len, off, from, to, fs,
		    &next)) != PHI_OK)
			return rc == 1 ? PHI_OK : rc;
		off = next;
	}
	return PHI_OK;
}

/*
 * Cheap tests before a triggered rule's match call: the bytes after the
 * trigger token (trigger-next, trigger-after) and the number of digits it
 * starts with (trigger-digits, for tokens that start with a digit).  Most
 * digit tokens in notes (vitals, doses, counts) fail them, which saves
 * most calls into PCRE2.
 */
static int
trigger_ok(const struct px_rule *r, const char *text, size_t len,
    const struct px_token *t)
{
	int k;

	if (r->trigger_next != NULL && (t->end >= len ||
	    strchr(r->trigger_next, text[t->end]) == NULL ||
	    text[t->end] == '\0'))
		return 0;
	for (k = 0; k < r->nafter; k++)
		if (t->end + (size_t)k >= len || !px_byte_in(r->after_set[k],
		    (unsigned char)text[t->end + (size_t)k]))
			return 0;
	if (r->trigger_digits[1] > 0 && text[t->start] >= '0' &&
	    text[t->start] <= '9') {
		size_t i;
		int n = 0;

		for (i = t->start; i < t->end && text[i] >= '0' &&
		    text[i] <= '9'; i++)
			n++;
		if (n < r->trigger_digits[0] || n > r->trigger_digits[1])
			return 0;
	}
	return 1;
}

/* Does r let byte c (256: the end of the text) be the k-th after its
 * trigger token, by its trigger-next (k = 0) and trigger-after? */
static int
after_ok(const struct px_rule *r, int k, size_t c)
{
	if (k == 0 && r->trigger_next != NULL && (c == 0 || c == 256 ||
	    strchr(r->trigger_next, (int)c) == NULL))
		return 0;
	return k >= r->nafter || (c < 256 && px_byte_in(r->after_set[k],
	    (unsigned char)c));
}

#if PX_AFTER_MAX != 3
#error "trigger_pass() reads the masks of the 2nd and 3rd bytes"
#endif

/* Longest leading digit run the trigger table tells apart. */
#define TRIG_DIGITS_MAX	255

/*
 * The trigger-next and trigger-digits tests of all triggered rules as one
 * table: row n for a token led by n digits (0: by no digit; the last row
 * for runs longer than any rule asks about), column the byte after the
 * token or 256 at the end of the text.  A digit token then costs one load
 * instead of a test per rule.  Rules asking for longer runs than
 * TRIG_DIGITS_MAX keep the test of their own.
 */
int
px_trigger_table(struct phi_engine *eng)
{
	size_t maxd = 0, row, c;
	int b, k;

	for (b = 0; b < eng->ntrig; b++) {
		const struct px_rule *r = eng->trig_rules[b];

		/* what the attempt loop asks of every rule, in small
		 * tables rather than in the rules */
		eng->trig_back[b] = (uint8_t)r->trigger_back;
		eng->trig_back_min[b] = (uint8_t)r->trigger_back_min;
		if (r->trigger_back == 0)
			px_tmask_set(&eng->trig_back0, b);
		if (r->has_guard)
			px_tmask_set(&eng->trig_guarded, b);
		if (r->has_near)
			px_tmask_set(&eng->trig_near, b);
		if (r->has_lead)
			px_tmask_set(&eng->trig_lead, b);
		for (c = 0; r->has_guard && c < 256; c++) {
			if (px_byte_in(r->guard_run, (unsigned char)c))
				px_tmask_set(&eng->guard_run[c], b);
			if (px_byte_in(r->guard_then, (unsigned char)c))
				px_tmask_set(&eng->guard_then[c], b);
		}
		for (c = 0; c < 256; c++)
			if (!r->has_first || px_byte_in(r->first,
			    (unsigned char)c))
				px_tmask_set(&eng->trig_first[c], b);
		for (c = 0; c < 257; c++)
			if (!r->has_prev || (c < 256 && px_byte_in(
			    r->prev_set, (unsigned char)c)))
				px_tmask_set(&eng->trig_prev[c], b);
		if (r->trigger_digits[1] > TRIG_DIGITS_MAX)
			px_tmask_set(&eng->trig_slow, b);
		else if (r->trigger_digits[1] > 0 &&
		    (size_t)r->trigger_digits[1] > maxd)
			maxd = (size_t)r->trigger_digits[1];
	}
	eng->trig_rows = maxd + 2;
	if ((eng->trig_ok = px_calloc(eng->trig_rows * 257,
	    sizeof(*eng->trig_ok))) == NULL)
		return PHI_ENOMEM;
	for (b = 0; b < eng->ntrig; b++) {
		const struct px_rule *r = eng->trig_rules[b];

		if (px_tmask_has(&eng->trig_slow, b))
			continue;
		for (row = 0; row < eng->trig_rows; row++) {
			if (row > 0 && r->trigger_digits[1] > 0 &&
			    (row < (size_t)r->trigger_digits[0] ||
			    row > (size_t)r->trigger_digits[1]))
				continue;
			for (c = 0; c < 257; c++)
				if (after_ok(r, 0, c))
					px_tmask_set(&eng->trig_ok[row * 257 +
					    c], b);
		}
	}
	/* the 2nd and 3rd bytes: a mask each, every rule set where it
	 * asks nothing of the byte */
	for (k = 1; k < PX_AFTER_MAX; k++)
		for (c = 0; c < 257; c++)
			for (b = 0; b < eng->ntrig; b++)
				if (after_ok(eng->trig_rules[b], k, c))
					px_tmask_set(&eng->trig_after[k - 1][c],
					    b);
	for (b = 0; b < eng->ntrig; b++)
		if (eng->trig_rules[b]->nafter > 1)
			eng->trig_has_after = 1;
	/* only @any rules fire at a token led by no digit (row 0), and
	 * @digit ones too at the others: the table holds the firings */
	for (row = 0; row < eng->trig_rows; row++)
		for (c = 0; c < 257; c++)
			for (b = 0; b < PX_TMASK_WORDS; b++)
				eng->trig_ok[row * 257 + c].w[b] &=
				    eng->trig_any.w[b] | (row > 0 ?
				    eng->trig_digit.w[b] : 0);
	/* a word starts with no digit: row 0; rules tested one by one
	 * may fire anywhere */
	for (c = 0; c < 257; c++)
		for (b = 0; b < PX_TMASK_WORDS; b++)
			if ((eng->trig_ok[c].w[b] | eng->trig_slow.w[b]) &
			    eng->trig_any.w[b])
				eng->trig_any_next[c] = 1;
	for (b = 0; b < PX_TMASK_WORDS; b++)
		if (eng->trig_slow.w[b] & (eng->trig_any.w[b] |
		    eng->trig_digit.w[b]))
			eng->trig_has_slow = 1;
	/* the first bytes test only rules tried at the trigger token */
	for (c = 0; c < 256; c++)
		for (b = 0; b < PX_TMASK_WORDS; b++)
			eng->trig_start0[c].w[b] = eng->trig_first[c].w[b] |
			    ~eng->trig_back0.w[b];
	for (b = 0; b < PX_TMASK_WORDS; b++)
		eng->trig_gback0.w[b] = eng->trig_guarded.w[b] &
		    eng->trig_back0.w[b];
	return PHI_OK;
}

/*
 * The @digit and @any firings at t, led by row digits, whose
 * trigger-next, trigger-after and trigger-digits pass: one entry of the
 * table (and a mask each for the 2nd and 3rd bytes), and the test of each
 * rule the table leaves out.  In place: a mask returned by
 * value was stored a word at a time and read back as one vector, a
 * stalled load at every digit token.
 */
static inline void
trigger_pass(const struct phi_engine *eng, const char *text, size_t len,
    const struct px_token *t, size_t row, unsigned nb, struct px_tmask *bits)
{
	const struct px_tmask *tab = &eng->trig_ok[row * 257 + nb];
	uint64_t slow;
	int w, b;

	if (eng->trig_has_after && nb < 256) {
		/* the 2nd and 3rd bytes, by a mask each */
		const struct px_tmask *a1, *a2;

		a1 = &eng->trig_after[0][t->end + 1 < len ?
		    (unsigned char)text[t->end + 1] : 256];
		a2 = &eng->trig_after[1][t->end + 2 < len ?
		    (unsigned char)text[t->end + 2] : 256];
		for (w = 0; w < PX_TMASK_WORDS; w++)
			bits->w[w] |= tab->w[w] & a1->w[w] & a2->w[w];
	} else
		for (w = 0; w < PX_TMASK_WORDS; w++)
			bits->w[w] |= tab->w[w];
	if (!eng->trig_has_slow)
		return;
	for (w = 0; w < PX_TMASK_WORDS; w++)
		for (slow = (eng->trig_any.w[w] | (row > 0 ?
		    eng->trig_digit.w[w] : 0)) & eng->trig_slow.w[w];
		    slow != 0; slow &= slow - 1) {
			b = w * 64 + px_ctz64(slow);
			if (trigger_ok(eng->trig_rules[b], text, len, t))
				bits->w[w] |= 1ULL << (b % 64);
		}
}

/*
 * Drop from *bits the rules of mask alive whose guards fail at off:
 * guard_ok() for all of them in one scan, as the run and THEN classes of
 * a guard are disjoint.
 */
static void
guards_pass(const struct phi_engine *eng, const char *text, size_t len,
    size_t off, struct px_tmask alive, struct px_tmask *bits)
{
	struct px_tmask fail = alive;
	uint64_t more;
	int w;

	for (more = 1; more != 0 && off < len; off++) {
		unsigned char c = (unsigned char)text[off];

		more = 0;
		for (w = 0; w < PX_TMASK_WORDS; w++) {
			fail.w[w] &= ~(alive.w[w] & eng->guard_then[c].w[w]);
			alive.w[w] &= eng->guard_run[c].w[w];
			more |= alive.w[w];
		}
	}
	for (w = 0; w < PX_TMASK_WORDS; w++)
		bits->w[w] &= ~fail.w[w];
}

/*
 * Does r's near pass at the trigger token starting at off: a byte of
 * near_set before the line ends, with at most near_n characters other than
 * blanks before it?  A character is counted at its first byte.
 */
static int
near_ok(const struct px_rule *r, const char *text, size_t len, size_t off)
{
	const uint8_t *kind = r->near_kind;
	int n = r->near_n;

	for (; off < len; off++) {
		unsigned k = kind[(unsigned char)text[off]];

		if (k == PX_NEAR_COUNT) {
			if (n-- == 0)
				return 0;
		} else if (k != PX_NEAR_SKIP)
			return k == PX_NEAR_HIT;
	}
	return 0;
}

/* A firing token and the rules it fires, after every prefilter. */
struct px_firing {
	struct px_tmask bits;
	uint32_t tok;
};

/*
 * After a match call that returned PHI_OK: the finding it added, if any
 * (a match call adds at most one), is noted with the token that fired
 * it, its place had every rule been tried at each token in turn.
 */
static int
key_last(struct px_scratch *sc, struct px_findings *fs, size_t n0, size_t i)
{
	size_t m = fs->n - n0;

	if (m == sc->nftok)
		return PHI_OK;		/* none added */
	if (px_grow((void **)&sc->ftok, &sc->ftokcap, m, sizeof(*sc->ftok))
	    != PHI_OK)
		return PHI_ENOMEM;
	sc->ftok[m - 1] = (uint32_t)i;
	sc->nftok = m;
	return PHI_OK;
}

/*
 * The attempts of triggered rule b at its firing tokens fire[0..n), in
 * text order.  One rule at a time: its JIT code and tables stay in the
 * caches through the unit, where trying every rule at each token in turn
 * fetched them again and again.
 */
static int
rule_attempts(const struct phi_engine *eng, struct px_scratch *sc, int b,
    const uint32_t *fire, size_t n, const char *text, size_t len,
    size_t from, size_t to, struct px_findings *fs, size_t n0)
{
	const struct px_rule *r = eng->trig_rules[b];
	size_t f, i, j, k, at, next, last = 0, lo = 0, hi = 0;
	size_t back = eng->trig_back[b], bmin = eng->trig_back_min[b];
	int rc, lead = px_tmask_has(&eng->trig_lead, b);
	int guarded = px_tmask_has(&eng->trig_guarded, b);

	for (f = 0; f < n; f++) {
		i = fire[f];
		if (back == 0) {
			at = sc->tok[i].start;
			rc = 1;
			/* trigger-lead: "(617) 555-0134" starts at the byte
			 * before its first token */
			if (lead && at > 0 && at - 1 >= last && px_byte_in(
			    r->lead_set, (unsigned char)text[at - 1]))
				rc = match_once(r, sc, text, len, at - 1, from,
				    to, fs, &next);
			/* the common case, tried at this token only: its
			 * first byte and guard are known to pass */
			if (rc == 1 && at >= last)
				rc = match_once(r, sc, text, len, at, from,
				    to, fs, &next);
			if (rc == PHI_OK) {
				last = next;
				if ((rc = key_last(sc, fs, n0, i)) != PHI_OK)
					return rc;
			} else if (rc != 1)
				goto fail;
			continue;
		}
		/* trigger-back: the match may start some tokens before its
		 * trigger ("Mercy General Hospital"), or must (a minimum);
		 * try the earliest start first.  Tokens lo..hi-1 are known
		 * not to start a match of the rule (an anchored attempt
		 * depends on the text alone), so overlapping windows try
		 * each token once. */
		k = back < i ? back : i;
		j = i - k;
		if (j >= lo && j < hi)
			j = hi;		/* no attempt, no change */
		for (; j + bmin <= i; j++) {
			at = sc->tok[j].start;
			if (at < last || (j >= lo && j < hi))
				continue;
			/* a byte no match starts with, or a failed guard: no
			 * match, without a call */
			if (!px_tmask_has(&eng->trig_first[
			    (unsigned char)text[at]], b) ||
			    (guarded && !guard_ok(r, text, len, at)))
				rc = 1;
			else
				rc = match_once(r, sc, text, len, at, from, to,
				    fs, &next);
			if (rc == PHI_OK) {
				last = next;
				if ((rc = key_last(sc, fs, n0, i)) != PHI_OK)
					return rc;
				break;
			}
			if (rc != 1)
				goto fail;
			if (j != hi)
				lo = j;
			hi = j + 1;
		}
	}
	return PHI_OK;
fail:
	sc->fail_rule = r->id;
	return rc;
}

/*
 * Put the findings of triggered rules, fs->v[n0..), in the order a
 * token-major loop adds them: the resolver breaks its last ties by that
 * order, which must not depend on how the attempts were scheduled.  They
 * came rule by rule, in rule order, and each rule's in token order, so a
 * stable counting sort by token gives that order.
 */
static int
order_findings(struct px_scratch *sc, struct px_findings *fs, size_t n0)
{
	size_t m = fs->n - n0, k, sum, c;

	if (m < 2)
		return PHI_OK;
	if (px_grow((void **)&sc->fsort, &sc->fsortcap, m,
	    sizeof(*sc->fsort)) != PHI_OK || px_grow((void **)&sc->fcount,
	    &sc->fcountcap, sc->ntok + 1, sizeof(*sc->fcount)) != PHI_OK)
		return PHI_ENOMEM;
	memset(sc->fcount, 0, (sc->ntok + 1) * sizeof(*sc->fcount));
	for (k = 0; k < m; k++)
		sc->fcount[sc->ftok[k]]++;
	for (k = 0, sum = 0; k <= sc->ntok; k++) {
		c = sc->fcount[k];
		sc->fcount[k] = (uint32_t)sum;
		sum += c;
	}
	for (k = 0; k < m; k++)
		sc->fsort[sc->fcount[sc->ftok[k]]++] = fs->v[n0 + k];
	for (k = 0; k < m; k++) {
		fs->v[n0 + k] = sc->fsort[k];
		fs->v[n0 + k].seq = (uint32_t)(n0 + k);
	}
	return PHI_OK;
}

/*
 * Triggered rules: the pattern is compiled anchored and tried only at the
 * start of tokens that are trigger words (or start with a digit), found by
 * one hash probe per token for all triggered rules together.  This is the
 * prefilter that keeps word-led patterns from scanning every byte.  First
 * the tokens that fire each rule, after all the prefilters; then each
 * rule's attempts, one rule at a time.
 */
int
px_regex_run_triggered(const struct phi_engine *eng, struct px_scratch *sc,
    const char *text, size_t len, size_t from, size_t to,
    struct px_findings *fs)
{
	size_t cnt[PX_TRIGGER_RULES_MAX + 1], i, row, nf = 0, n0, total;
	struct px_tmask bits, guarded;
	const struct px_tmask *first, *prev;
	uint64_t any, m;
	int rc, b, w, every;

	if (!sc->looked && (rc = px_look_up(eng, sc)) != PHI_OK)
		return rc;
	memset(cnt, 0, ((size_t)eng->ntrig + 1) * sizeof(cnt[0]));
	for (any = 0, w = 0; w < PX_TMASK_WORDS; w++)
		any |= eng->trig_any.w[w];
	every = any != 0;
	for (i = 0; i < sc->ntok; i++) {
		const struct px_token *t = &sc->tok[i];
		unsigned nb;

		if (t->start >= to)
			break;
		nb = t->end < len ? (unsigned char)text[t->end] : 256;
		row = 0;
		if (t->alpha && t->flen > 0) {
			/* most words trigger nothing, nor do the @any
			 * firings, whose trigger-next mostly fails: one
			 * byte of a table tells */
			if (t->tidx == 0 && !eng->trig_any_next[nb])
				continue;
			bits = eng->trig_masks[t->tidx];
		} else {
			const char *p = text + t->start;

			if (*p >= '0' && *p <= '9') {
				do
					row++;
				while (++p < text + t->end && *p >= '0' &&
				    *p <= '9' && row + 1 < eng->trig_rows);
			} else if (!every)
				continue;
			memset(&bits, 0, sizeof(bits));
		}
		/* the @digit and @any firings whose trigger-next, -after
		 * and -digits pass; a trigger word fires as it is */
		trigger_pass(eng, text, len, t, row, nb, &bits);
		/* rules tried at this token only: its first byte must be
		 * one their matches can start with; and the byte before
		 * it one of its trigger-prev, for every rule */
		first = &eng->trig_start0[(unsigned char)text[t->start]];
		prev = &eng->trig_prev[t->start > 0 ?
		    (unsigned char)text[t->start - 1] : 256];
		any = 0;
		for (w = 0; w < PX_TMASK_WORDS; w++) {
			bits.w[w] &= first->w[w] & prev->w[w];
			guarded.w[w] = bits.w[w] & eng->trig_gback0.w[w];
			any |= guarded.w[w];
		}
		/* and their guards must pass here, tested together */
		if (any != 0)
			guards_pass(eng, text, len, t->start, guarded, &bits);
		/* what a match needs ahead of its trigger must be near it;
		 * for trigger-back rules too, before any attempt */
		any = 0;
		for (w = 0; w < PX_TMASK_WORDS; w++) {
			for (m = bits.w[w] & eng->trig_near.w[w]; m != 0;
			    m &= m - 1) {
				b = w * 64 + px_ctz64(m);
				if (!near_ok(eng->trig_rules[b], text, len,
				    t->start))
					bits.w[w] &= ~(1ULL << (b % 64));
			}
			any |= bits.w[w];
		}
		if (any == 0)
			continue;
		if (px_grow((void **)&sc->fire, &sc->firecap, nf + 1,
		    sizeof(*sc->fire)) != PHI_OK)
			return PHI_ENOMEM;
		sc->fire[nf].bits = bits;
		sc->fire[nf++].tok = (uint32_t)i;
		for (w = 0; w < PX_TMASK_WORDS; w++)
			for (m = bits.w[w]; m != 0; m &= m - 1)
				cnt[w * 64 + px_ctz64(m) + 1]++;
	}
	/* each rule's firing tokens, in text order, one list after the
	 * other: cnt[b] is where rule b's list starts */
	for (b = 0, total = 0; b < eng->ntrig; b++)
		total = cnt[b + 1] += total;
	if (px_grow((void **)&sc->fireidx, &sc->fireidxcap, total,
	    sizeof(*sc->fireidx)) != PHI_OK)
		return PHI_ENOMEM;
	for (i = 0; i < nf; i++)
		for (w = 0; w < PX_TMASK_WORDS; w++)
			for (m = sc->fire[i].bits.w[w]; m != 0; m &= m - 1)
				sc->fireidx[cnt[w * 64 + px_ctz64(m)]++] =
				    sc->fire[i].tok;
	/* now cnt[b] is where rule b's list ends */
	n0 = fs->n;
	sc->nftok = 0;
	for (b = 0; b < eng->ntrig; b++) {
		size_t s = b > 0 ? cnt[b - 1] : 0;

		if (cnt[b] > s && (rc = rule_attempts(eng, sc, b,
		    sc->fireidx + s, cnt[b] - s, text, len, from, to, fs,
		    n0)) != PHI_OK)
			return rc;
	}
	return order_findings(sc, fs, n0);
}
