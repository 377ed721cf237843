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
	if ((g = px_pcre2_gctx()) == NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	if ((cc = pcre2_compile_context_create(g)) == NULL) {
		pcre2_general_context_free(g);
		return px_error(err, PHI_ENOMEM, "out of memory");
	}
	r->re = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED,
	    opts, &ecode, &eoff, cc);
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
	PCRE2_SIZE off = 0, *ov;
	int rc, st;

	while (off <= len) {
		size_t s, e, next;
		double score;

		rc = pcre2_match(r->re, (PCRE2_SPTR)text, len, off, 0, sc->md,
		    sc->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if ((st = px_regex_status(rc)) != PHI_OK)
			return st;
		ov = pcre2_get_ovector_pointer(sc->md);
		s = ov[0];
		e = ov[1];
		next = e > off ? e : off + 1;
		while (next < len && ((unsigned char)text[next] & 0xc0) ==
		    0x80)
			next++;
		if (r->group > 0) {
			if (rc > r->group && ov[2 * r->group] !=
			    PCRE2_UNSET) {
				s = ov[2 * r->group];
				e = ov[2 * r->group + 1];
			} else
				e = s;
		}
		if (s >= to)
			break;
		if (e > s && e > from && px_validate(r->validators, text + s,
		    e - s)) {
			score = px_context_score(r, r->score, text, len, s, e);
			if (score >= 0 && px_findings_add(fs, s, e, r, score,
			    0) != PHI_OK)
				return PHI_ENOMEM;
		}
		(void)eng;
		off = next;
	}
	return PHI_OK;
}
