/* SPDX-License-Identifier: MIT */
/*
 * resolve.c: turns the detectors' overlapping candidates into one ordered,
 * non-overlapping set.  Overlaps become their union, so no byte of any
 * accepted finding survives; the union takes the category of its longest
 * member (then the higher priority, then the earlier rule).  Pieces of one
 * category separated only by blanks merge, so "John" "Smith" is one [NAME].
 * Error regions dominate everything they touch.
 */
#include <stdlib.h>
#include <string.h>

#include "phiscrub-int.h"

int
px_findings_add(struct px_findings *fs, size_t s, size_t e,
    const struct px_rule *r, double score, int error)
{
	struct px_finding *f;

	if (px_grow((void **)&fs->v, &fs->cap, fs->n + 1, sizeof(*fs->v)) !=
	    PHI_OK)
		return PHI_ENOMEM;
	f = &fs->v[fs->n++];
	f->start = s;
	f->end = e;
	f->rule = r;
	f->score = score;
	f->error = error;
	f->seq = (uint32_t)(fs->n - 1);
	return PHI_OK;
}

/*
 * A total order, so that which of equally good findings labels a union does
 * not depend on how the platform's qsort() orders equal elements: start,
 * longer first, errors first, higher priority, then the one detected first
 * (what a stable sort gives).
 */
static int
cmp_start(const void *a, const void *b)
{
	const struct px_finding *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	if (x->error != y->error)
		return x->error ? -1 : 1;
	if (x->rule != NULL && y->rule != NULL &&
	    x->rule->priority != y->rule->priority)
		return x->rule->priority > y->rule->priority ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Sort v[0..n) by cmp_start(): a counting sort by start / 16, then an
 * insertion sort of each bucket, which holds a few findings.  qsort()
 * spent a comparison call on each step of each of its passes.  Without
 * memory for the buckets, qsort().
 */
static void
sort_findings(struct px_finding *v, size_t n)
{
	struct px_finding *out, x;
	uint32_t *cnt;
	size_t i, j, nb, maxs = 0, sum, c;

	for (i = 0; i < n; i++)
		if (v[i].start > maxs)
			maxs = v[i].start;
	nb = (maxs >> 4) + 1;
	out = px_malloc(n * sizeof(*out));
	cnt = px_calloc(nb + 1, sizeof(*cnt));
	if (out == NULL || cnt == NULL) {
		px_free(out);
		px_free(cnt);
		qsort(v, n, sizeof(*v), cmp_start);
		return;
	}
	for (i = 0; i < n; i++)
		cnt[v[i].start >> 4]++;
	for (i = 0, sum = 0; i <= nb; i++) {
		c = cnt[i];
		cnt[i] = (uint32_t)sum;
		sum += c;
	}
	for (i = 0; i < n; i++)
		out[cnt[v[i].start >> 4]++] = v[i];
	/* in order across buckets: sort within each (a few findings) */
	for (i = 1; i < n; i++) {
		if (cmp_start(&out[i - 1], &out[i]) <= 0)
			continue;
		x = out[i];
		for (j = i; j > 0 && cmp_start(&out[j - 1], &x) > 0; j--)
			out[j] = out[j - 1];
		out[j] = x;
	}
	memcpy(v, out, n * sizeof(*v));
	px_free(out);
	px_free(cnt);
}

/* Touching, or 1 to 3 blanks apart. */
static int
adjacent(const char *text, size_t a, size_t b)
{
	return a == b || px_blank_between(text, a, b);
}

/* 1 to 3 blanks, "and", "or" or "&", 1 to 3 blanks: "Rosalind and Hank". */
static int
coordinated(const char *text, size_t a, size_t b)
{
	size_t i = a, n = 0, w;

	while (i < b && (text[i] == ' ' || text[i] == '\t') && n < 3)
		i++, n++;
	if (n == 0 || i >= b)
		return 0;
	if (text[i] == '&')
		w = 1;
	else if (b - i > 3 && (text[i] | 0x20) == 'a' &&
	    (text[i + 1] | 0x20) == 'n' && (text[i + 2] | 0x20) == 'd')
		w = 3;
	else if (b - i > 2 && (text[i] | 0x20) == 'o' &&
	    (text[i + 1] | 0x20) == 'r')
		w = 2;
	else
		return 0;
	return px_blank_between(text, i + w, b);
}

static int
same_cat(const struct px_finding *a, const struct px_finding *b)
{
	if (a->error || b->error || a->rule == NULL || b->rule == NULL)
		return 0;
	/* one entry per category name: the same entry is the same name */
	if (a->rule->cat != NULL && b->rule->cat != NULL)
		return a->rule->cat == b->rule->cat;
	return strcmp(a->rule->category, b->rule->category) == 0;
}

/* Does candidate x beat y as the label of a union? */
static int
better(const struct px_finding *x, const struct px_finding *y)
{
	if (x->error != y->error)
		return x->error;
	if (x->end - x->start != y->end - y->start)
		return x->end - x->start > y->end - y->start;
	if (x->rule == NULL || y->rule == NULL)
		return 0;
	if (x->rule->priority != y->rule->priority)
		return x->rule->priority > y->rule->priority;
	return 0;
}

void
px_resolve(const struct phi_engine *eng, struct px_findings *fs,
    const char *text)
{
	size_t i, j, n;

	if (fs->n == 0)
		return;
	sort_findings(fs->v, fs->n);

	/* Neighbours of one kind vouch for each other: "John Smith". */
	for (i = 0; i + 1 < fs->n; i++) {
		struct px_finding *a = &fs->v[i], *b;

		for (j = i + 1; j < fs->n && fs->v[j].start <= a->end + 9;
		    j++) {
			b = &fs->v[j];
			if (!same_cat(a, b) || a->rule->adjacent_boost <= 0 ||
			    b->rule->adjacent_boost <= 0)
				continue;
			if (adjacent(text, a->end, b->start)) {
				a->score += b->rule->adjacent_boost;
				b->score += a->rule->adjacent_boost;
			} else if (coordinated(text, a->end, b->start)) {
				/* a name that stands on its own vouches for
				 * a weak one joined to it by and, or, & */
				double th = eng->spec.threshold;

				if (a->score >= th && b->score < th)
					b->score += a->rule->adjacent_boost;
				else if (b->score >= th && a->score < th)
					a->score += b->rule->adjacent_boost;
			}
		}
	}

	/* Below the threshold: not PHI. */
	for (i = n = 0; i < fs->n; i++)
		if (fs->v[i].error || fs->v[i].score >=
		    eng->spec.threshold)
			fs->v[n++] = fs->v[i];
	fs->n = n;

	/* Union of overlapping or blank-separated same-kind findings. */
	for (i = n = 0; i < fs->n; i++) {
		struct px_finding cur = fs->v[i];

		if (n > 0) {
			struct px_finding *p = &fs->v[n - 1];

			if (cur.start < p->end || (same_cat(p, &cur) &&
			    !p->rule->nomerge && !cur.rule->nomerge &&
			    adjacent(text, p->end, cur.start))) {
				if (better(&cur, p)) {
					p->rule = cur.rule;
					p->error = cur.error;
					p->score = cur.score;
				}
				if (cur.end > p->end)
					p->end = cur.end;
				continue;
			}
		}
		fs->v[n++] = cur;
	}
	fs->n = n;
}
