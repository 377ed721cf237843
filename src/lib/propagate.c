/* SPDX-License-Identifier: MIT */
/*
 * propagate.c: a word found once is found everywhere after.  A note names
 * its patient with a title once (Mr. Kowalski) and then bare (KOWALSKI
 * FAMILY AT BEDSIDE), its hospital once with its keyword (ASHGROVE
 * HOSPITAL) and then alone (6/14 AT ASHGROVE).  The words of the findings
 * of the pack's propagate categories that are in none of its exclude
 * dictionaries become a set for the stream; each unit's words are looked
 * up in it, this unit's own findings included, so a word before its first
 * telling mention in the same unit is found too.
 *
 * The set lives in the stream and depends only on the units before and
 * the current one, whose ends depend only on the content: the output
 * stays the same however the input is cut into writes.  It holds at most
 * PX_PROP_MAX words; when it is full, further words are not added (the
 * first words of a stream are kept, which is deterministic).
 */
#include "phiscrub-int.h"

#define SLOTS		(2 * PX_PROP_MAX)	/* open addressing, half full */
#define WORD_MAX	31			/* longer words are not kept */

/*
 * Words are kept as the 64-bit hashes of their folded forms, not as text:
 * the set holds no PHI in the clear, and 16 KiB of hashes stay in the L1
 * cache for the probe every word of the input costs.  Two words with the
 * same hash would both be found, a chance of about 2^-54 per word.
 */
struct px_prop {
	uint64_t h[SLOTS];		/* 0: empty */
	uint8_t rule[SLOTS];		/* index into the engine's prop */
	size_t n;
};

struct px_prop *
px_prop_new(void)
{
	return px_calloc(1, sizeof(struct px_prop));
}

void
px_prop_free(struct px_prop *p)
{
	if (p != NULL)
		px_wipe_free(p, sizeof(*p));
}

/* Where the probe for hash starts. */
static size_t
slot_first(uint64_t hash)
{
	return (size_t)(hash ^ hash >> 29) & (SLOTS - 1);
}

/* The slot of hash (its own, or the empty one it would take). */
static size_t
slot_of(const struct px_prop *p, uint64_t hash)
{
	size_t i = slot_first(hash);

	while (p->h[i] != 0 && p->h[i] != hash)
		i = (i + 1) & (SLOTS - 1);
	return i;
}

/* A token's key: its hash, never 0 (the empty slot). */
static uint64_t
key_of(const struct px_token *t)
{
	return t->hash != 0 ? t->hash : 1;
}

/* The index of the propagate rule of finding f's category, or -1. */
static int
prop_rule(const struct phi_engine *eng, const struct px_finding *f)
{
	size_t i;

	if (f->error || f->rule == NULL || f->rule->cat == NULL)
		return -1;
	for (i = 0; i < eng->nprop; i++)
		if (eng->prop[i]->cat == f->rule->cat)
			return (int)i;
	return -1;
}

/* May token t be propagated: long enough and in no exclude dictionary?
 * The lexicon bits of the token answer for the first 32 dictionaries;
 * the others are asked by eligible_far(). */
static inline int
eligible(const struct phi_engine *eng, const struct px_token *t)
{
	/* & rather than &&: tested at once, not one branch each */
	return (t->alpha != 0) & (t->flen >= (size_t)eng->spec.prop_min) &
	    (t->flen <= WORD_MAX) & ((t->dmask & eng->prop_excl_mask) == 0);
}

static int
eligible_far(const struct phi_engine *eng, const struct px_scratch *sc,
    const struct px_token *t)
{
	return !eng->prop_excl_far || !px_tok_in_any(eng, eng->prop_excl_idx,
	    eng->spec.nprop_excl, sc, t);
}

/*
 * Add the words of the findings in fs (resolved, offsets into the text the
 * scratch was tokenized from) that start in [us, ue) to *pp, then add a
 * finding of the category's propagate rule for every word of a token that
 * starts in [us, ue) and is in the set.  The caller resolves again when
 * this returns 1 (findings added); else PHI_OK or PHI_ENOMEM.
 */
int
px_prop_run(const struct phi_engine *eng, struct px_prop **pp,
    struct px_scratch *sc, struct px_findings *fs, size_t us, size_t ue)
{
	struct px_prop *p = *pp;
	size_t i, k, c, nfs = fs->n;
	int added = 0, rc;

	if (eng->nprop == 0)
		return PHI_OK;
	if (!sc->looked && (rc = px_look_up(eng, sc)) != PHI_OK)
		return rc;
	for (i = 0; i < nfs; i++) {
		const struct px_finding *f = &fs->v[i];
		int r;

		if (f->start < us || f->start >= ue ||
		    (r = prop_rule(eng, f)) < 0)
			continue;
		for (k = px_first_token(sc, f->start); k < sc->ntok &&
		    sc->tok[k].start < f->end; k++) {
			const struct px_token *t = &sc->tok[k];
			size_t j;

			if (!eligible(eng, t) || !eligible_far(eng, sc, t))
				continue;
			if (p == NULL && (p = *pp = px_prop_new()) == NULL)
				return PHI_ENOMEM;
			j = slot_of(p, key_of(t));
			if (p->h[j] != 0 || p->n >= PX_PROP_MAX)
				continue;	/* known, or the set is full */
			p->h[j] = key_of(t);
			p->rule[j] = (uint8_t)r;
			p->n++;
		}
	}
	if (p == NULL || p->n == 0)
		return PHI_OK;
	/* fs is resolved: sorted and disjoint; c walks it along the tokens */
	for (c = 0, k = px_first_token(sc, us); k < sc->ntok &&
	    sc->tok[k].start < ue; k++) {
		const struct px_token *t = &sc->tok[k];
		size_t j;

		/* one branch for the tests and the probe's first slot: each
		 * alone goes either way with no pattern; most words fail
		 * one of them.  Then the far dictionaries, asked rarely */
		if (!((unsigned)eligible(eng, t) &
		    (p->h[slot_first(key_of(t))] != 0)))
			continue;
		j = slot_of(p, key_of(t));
		if (p->h[j] == 0 || !eligible_far(eng, sc, t))
			continue;
		while (c < nfs && fs->v[c].end <= t->start)
			c++;
		if (c < nfs && fs->v[c].start <= t->start &&
		    fs->v[c].end >= t->end)
			continue;	/* already found: no need to resolve */
		if (px_findings_add(fs, t->start, t->end, eng->prop[p->rule[j]],
		    1.0, 0) != PHI_OK)
			return PHI_ENOMEM;
		added = 1;
	}
	return added;
}
