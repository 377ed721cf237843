/* SPDX-License-Identifier: MIT */
/*
 * propagate.c: a word found once is found everywhere after.  A note names
 * its patient with a title once (Mr. Kowalski) and then bare (KOWALSKI
 * FAMILY AT BEDSIDE), its hospital once with its keyword (CALVERT
 * HOSPITAL) and then alone (7/23 AT CALVERT).  The words of the findings
 * of the pack's propagate categories that are in none of its exclude
 * dictionaries become a set for the stream; each unit's words are looked
 * up in it, this unit's own findings included, so a word before its first
 * telling mention in the same unit is found too.
 *
 * The set lives in the stream and depends only on the units before and
 * the current one, whose ends depend only on the content: the output
 * stays the same however the input is cut into writes.  It holds at most
 * PX_PROP_MAX words; when it is full, further words are not added (the
 * first words of a stream are kept, which is deterministic).  It holds
 * PHI, so it is wiped when freed.
 */
#include <string.h>

#include "phiscrub-int.h"

#define SLOTS		(2 * PX_PROP_MAX)	/* open addressing, half full */
#define WORD_MAX	31			/* longer words are not kept */

struct slot {
	uint64_t hash;
	const struct px_rule *rule;	/* the category's propagate rule */
	uint8_t len;			/* 0: empty */
	char w[WORD_MAX];		/* folded */
};

struct px_prop {
	struct slot s[SLOTS];
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

/* The slot of folded word f (its own, or the empty one it would take). */
static struct slot *
slot_of(struct px_prop *p, uint64_t hash, const char *f, size_t len)
{
	size_t i = (size_t)(hash ^ hash >> 29) & (SLOTS - 1);

	for (;; i = (i + 1) & (SLOTS - 1)) {
		struct slot *s = &p->s[i];

		if (s->len == 0 || (s->hash == hash && s->len == len &&
		    memcmp(s->w, f, len) == 0))
			return s;
	}
}

/* The propagate rule of finding f's category, or NULL. */
static const struct px_rule *
prop_rule(const struct phi_engine *eng, const struct px_finding *f)
{
	size_t i;

	if (f->error || f->rule == NULL || f->rule->cat == NULL)
		return NULL;
	for (i = 0; i < eng->nprop; i++)
		if (eng->prop[i]->cat == f->rule->cat)
			return eng->prop[i];
	return NULL;
}

/* May token t be propagated: long enough and in no exclude dictionary? */
static int
eligible(const struct phi_engine *eng, const struct px_scratch *sc,
    const struct px_token *t)
{
	if (!t->alpha || t->flen < (size_t)eng->spec.prop_min ||
	    t->flen > WORD_MAX)
		return 0;
	return !px_tok_in_any(eng, eng->prop_excl_idx, eng->spec.nprop_excl,
	    sc, t);
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
	size_t i, k, nfs = fs->n;
	int added = 0, rc;

	if (eng->nprop == 0)
		return PHI_OK;
	if (!sc->looked && (rc = px_look_up(eng, sc)) != PHI_OK)
		return rc;
	for (i = 0; i < nfs; i++) {
		const struct px_finding *f = &fs->v[i];
		const struct px_rule *r;

		if (f->start < us || f->start >= ue ||
		    (r = prop_rule(eng, f)) == NULL)
			continue;
		for (k = px_first_token(sc, f->start); k < sc->ntok &&
		    sc->tok[k].start < f->end; k++) {
			const struct px_token *t = &sc->tok[k];
			struct slot *s;

			if (!eligible(eng, sc, t))
				continue;
			if (p == NULL && (p = *pp = px_prop_new()) == NULL)
				return PHI_ENOMEM;
			s = slot_of(p, t->hash, sc->fold + t->foff, t->flen);
			if (s->len != 0 || p->n >= PX_PROP_MAX)
				continue;	/* known, or the set is full */
			s->hash = t->hash;
			s->rule = r;
			s->len = (uint8_t)t->flen;
			memcpy(s->w, sc->fold + t->foff, t->flen);
			p->n++;
		}
	}
	if (p == NULL || p->n == 0)
		return PHI_OK;
	for (k = px_first_token(sc, us); k < sc->ntok &&
	    sc->tok[k].start < ue; k++) {
		const struct px_token *t = &sc->tok[k];
		const struct slot *s;

		if (!t->alpha || t->flen < (size_t)eng->spec.prop_min ||
		    t->flen > WORD_MAX)
			continue;
		s = slot_of(p, t->hash, sc->fold + t->foff, t->flen);
		if (s->len == 0)
			continue;
		if (px_findings_add(fs, t->start, t->end, s->rule, 1.0, 0) !=
		    PHI_OK)
			return PHI_ENOMEM;
		added = 1;
	}
	return added;
}
