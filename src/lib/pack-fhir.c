/* SPDX-License-Identifier: MIT */
/*
 * pack-fhir.c: the fhir: section of rule packs (doc/fhir.md).
 *
 *	fhir:
 *	  types:
 *	    HumanName: { category: NAME, action: tag }
 *	    HumanName.use: keep
 *	    date: { category: DATE, action: generalize }
 *	  paths:
 *	    '*.id': pseudonym
 *	    Patient.extension:patient-mothersMaidenName: { category: NAME }
 *	    Observation.valueString: scan
 *	  other-strings: scan
 *	  known-identifiers: true
 *	  security-labels: true
 *
 * A selector is dot-separated steps.  Under paths: the first step is a
 * resource type, or * (or Resource) for any; under types: a data type
 * (HumanName, Address, ContactPoint, Identifier, Reference, Attachment,
 * Narrative, Annotation, Period, CodeableConcept, Coding, Extension, Meta,
 * date, dateTime, instant).  Then element names; extension:NAME selects
 * the extensions whose url ends in /NAME.  A disposition is keep, scan,
 * remove, pseudonym, or a mapping with category and action.  Each rule
 * gets a synthetic px_rule, so that findings name a rule, a category and
 * an action, and -a NAME=redact applies.  A later rule for the same
 * selector replaces an earlier one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfyaml.h>

#include "phiscrub-int.h"

/* Rank of synthetic rules when findings overlap: above the text rules. */
#define FHIR_PRIORITY	100

const char *const px_fhir_types[] = {
	"HumanName", "Address", "ContactPoint", "Identifier", "Reference",
	"Attachment", "Narrative", "Annotation", "Period", "CodeableConcept",
	"Coding", "Extension", "Meta", "date", "dateTime", "instant", NULL
};

static void
rule_free(struct px_fhir_rule *f)
{
	if (f == NULL)
		return;
	px_pack_strlist_free(f->steps, f->nsteps);
	px_pack_strlist_free(f->targets, f->ntargets);
	px_rule_free(f->rule);
	px_rule_free(f->krule);
	px_free(f->sel);
	px_free(f->category);
	px_free(f->source);
	px_free(f);
}

void
px_fhir_spec_free(struct px_fhir_spec *fs)
{
	size_t i;

	for (i = 0; i < fs->nrules; i++)
		rule_free(fs->rules[i]);
	px_free(fs->rules);
	px_free(fs->single);
	px_free(fs->bykey);
	rule_free(fs->other);
	memset(fs, 0, sizeof(*fs));
}

int
px_fhir_type_of(const char *s)
{
	int i;

	for (i = 0; px_fhir_types[i] != NULL; i++)
		if (strcmp(px_fhir_types[i], s) == 0)
			return i + 1;
	return 0;
}

static int
name_ok(const char *s, size_t n, int first)
{
	size_t i;

	if (n == 0 || n > 64)
		return 0;
	if (first && n == 1 && s[0] == '*')
		return 1;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || (!first && (s[i] == ':' || s[i] == '-'))))
			return 0;
	return 1;
}

/*
 * Split sel into steps: element names, and extension:NAME, whose NAME
 * (the last part of an extension url) has no dots.  Returns 0, -1 when it
 * is no selector, -2 on ENOMEM.
 */
static int
parse_sel(const char *sel, int typed, struct px_fhir_rule *f)
{
	const char *p = sel, *e;
	size_t n;
	char *s;

	for (;;) {
		e = strchr(p, '.');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (!name_ok(p, n, f->nsteps == 0) || (n >= 10 &&
		    strncmp(p, "extension:", 10) == 0 && n == 10))
			return -1;
		if (f->nsteps >= PX_FHIR_STEPS_MAX)
			return -1;
		if ((s = px_strndup(p, n)) == NULL)
			return -2;
		if (px_grow((void **)&f->steps, &f->stepcap, f->nsteps + 1,
		    sizeof(*f->steps)) != PHI_OK) {
			px_free(s);
			return -2;
		}
		f->steps[f->nsteps++] = s;
		if (e == NULL)
			break;
		p = e + 1;
	}
	if (f->nsteps > 1 && strchr(f->steps[0], ':') != NULL)
		return -1;
	if (typed) {
		if ((f->type = px_fhir_type_of(f->steps[0])) == 0)
			return -1;
	} else {
		if (strcmp(f->steps[0], "Resource") == 0) {
			px_free(f->steps[0]);
			if ((f->steps[0] = px_strdup("*")) == NULL)
				return -2;
		}
		if (px_fhir_type_of(f->steps[0]) != 0 ||
		    (f->steps[0][0] != '*' && (f->steps[0][0] < 'A' ||
		    f->steps[0][0] > 'Z')))
			return -1;
	}
	/* asked of every rule at every value: worked out once */
	f->lastkey = strcspn(f->steps[f->nsteps - 1], ":");
	return 0;
}

static int
is_category(const char *s)
{
	size_t i;

	if (s[0] < 'A' || s[0] > 'Z' || strlen(s) > 48)
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

static struct px_rule *
synth(struct px_ld *l, const struct px_fhir_rule *f, const char *prefix)
{
	struct px_rule *r;
	size_t n;

	if ((r = px_calloc(1, sizeof(*r))) == NULL)
		return NULL;
	n = strlen(prefix) + strlen(f->sel) + 1;
	if ((r->id = px_malloc(n)) == NULL)
		goto fail;
	snprintf(r->id, n, "%s%s", prefix, f->sel);
	if ((r->category = px_strdup(f->category != NULL ? f->category :
	    "ID")) == NULL || (r->source = px_strdup(l->src)) == NULL)
		goto fail;
	r->kind = PX_RULE_REGEX;	/* neither: it is never run */
	r->pack = (int)l->cfg->spec.npacks - 1;
	r->action = f->action;
	r->score = 1.0;
	r->priority = FHIR_PRIORITY;
	r->line = f->line;
	r->dict_idx = -1;
	r->birth = f->birth;
	return r;
fail:
	px_rule_free(r);
	return NULL;
}

/* keep, scan, remove, pseudonym, or an action (with the category). */
static int
disposition(struct px_ld *l, struct fy_node *v, const char *s,
    struct px_fhir_rule *f)
{
	if (strcmp(s, "keep") == 0)
		f->kind = PX_FHIR_KEEP;
	else if (strcmp(s, "scan") == 0)
		f->kind = PX_FHIR_SCAN;
	else if (strcmp(s, "remove") == 0)
		f->kind = PX_FHIR_REMOVE;
	else if (strcmp(s, "pseudonym") == 0)
		f->kind = PX_FHIR_PSEUDONYM;
	else {
		f->kind = PX_FHIR_ACT;
		f->action = phi_action_parse(s);
		if (f->action == PHI_ACT_DEFAULT ||
		    f->action == PHI_ACT_RESTORE || f->action == PHI_ACT_KEEP)
			return px_pack_fail(l, v, "'%s': action must be keep, "
			    "scan, remove, pseudonym, tag, redact, mask, "
			    "generalize, token, encrypt, surrogate or shift",
			    f->sel);
	}
	return PHI_OK;
}

static int
mapping(struct px_ld *l, struct fy_node *n, struct px_fhir_rule *f)
{
	static const char *const keys[] = { "category", "action", "targets",
	    "birth-date", "absent-reason", "description", NULL };
	struct fy_node_pair *p;
	struct fy_node *an = n;
	void *it = NULL;
	char kb[16], *s;
	const char *k;
	int rc;

	f->kind = PX_FHIR_ACT;
	f->action = PHI_ACT_DEFAULT;
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		struct fy_node *v = fy_node_pair_value(p);

		if ((k = px_pack_key(l, p, keys, kb, sizeof(kb))) == NULL)
			return PHI_EPACK;
		if (strcmp(k, "description") == 0)
			continue;
		if (strcmp(k, "birth-date") == 0) {
			if (px_pack_bool(l, v, k, &f->birth))
				return PHI_EPACK;
			continue;
		}
		if (strcmp(k, "absent-reason") == 0) {
			if (px_pack_bool(l, v, k, &f->absent))
				return PHI_EPACK;
			continue;
		}
		if (strcmp(k, "targets") == 0) {
			px_pack_strlist_free(f->targets, f->ntargets);
			f->targets = NULL;
			f->ntargets = 0;
			if (px_pack_strlist(l, v, k, &f->targets,
			    &f->ntargets))
				return PHI_EPACK;
			continue;
		}
		if ((s = px_pack_str(l, v, k)) == NULL)
			return PHI_EPACK;
		if (strcmp(k, "category") == 0) {
			px_free(f->category);
			f->category = s;
			if (!is_category(s))
				return px_pack_fail(l, v, "'%s': a category "
				    "is written in capitals (NAME)", f->sel);
			continue;
		}
		an = v;
		rc = disposition(l, v, s, f);
		px_free(s);
		if (rc != PHI_OK)
			return rc;
	}
	if (f->kind == PX_FHIR_ACT && f->category == NULL &&
	    f->action != PHI_ACT_REDACT)
		return px_pack_fail(l, an, "'%s': needs a category (or "
		    "action keep, scan, remove, pseudonym or redact)", f->sel);
	return PHI_OK;
}

static int
merge(struct px_ld *l, struct fy_node *n, struct px_fhir_rule *f)
{
	struct px_fhir_spec *fs = &l->cfg->spec.fhir;
	size_t i, cap = fs->nrules;

	for (i = 0; i < fs->nrules; i++)
		if (strcmp(fs->rules[i]->sel, f->sel) == 0) {
			f->order = fs->rules[i]->order;
			rule_free(fs->rules[i]);
			fs->rules[i] = f;
			return PHI_OK;
		}
	if (fs->nrules >= PX_FHIR_RULES_MAX)
		return px_pack_fail(l, n, "more than %d fhir rules",
		    PX_FHIR_RULES_MAX);
	if (px_grow((void **)&fs->rules, &cap, fs->nrules + 1,
	    sizeof(*fs->rules)) != PHI_OK)
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	f->order = (int)fs->nrules;
	fs->rules[fs->nrules++] = f;
	return PHI_OK;
}

static struct px_fhir_rule *
rule_new(struct px_ld *l, const char *sel, struct fy_node *n)
{
	struct px_fhir_rule *f;
	int line, col;

	if ((f = px_calloc(1, sizeof(*f))) == NULL)
		return NULL;
	px_pack_where(n, &line, &col);
	f->line = line;
	if ((f->sel = px_strdup(sel)) == NULL ||
	    (f->source = px_strdup(l->src)) == NULL) {
		rule_free(f);
		return NULL;
	}
	return f;
}

/* One selector and its disposition (scalar or mapping). */
static int
one(struct px_ld *l, const char *sel, struct fy_node *n, int typed,
    struct px_fhir_rule **policy)
{
	struct px_fhir_rule *f;
	char *s;
	int rc;

	if ((f = rule_new(l, sel, n)) == NULL)
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	rc = policy != NULL ? 0 : parse_sel(sel, typed, f);
	if (rc == -2) {
		rule_free(f);
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	}
	if (rc != 0) {
		rule_free(f);
		return px_pack_fail(l, n, "'%s' is not a %s", sel, typed ?
		    "data-type selector (HumanName, HumanName.use, date, "
		    "...)" : "path (Patient.name, *.telecom.value, "
		    "Patient.extension:patient-birthPlace)");
	}
	if (n != NULL && fy_node_get_type(n) == FYNT_MAPPING)
		rc = mapping(l, n, f);
	else if ((s = px_pack_str(l, n, sel)) == NULL)
		rc = PHI_EPACK;
	else {
		rc = disposition(l, n, s, f);
		if (rc == PHI_OK && f->kind == PX_FHIR_ACT &&
		    f->action != PHI_ACT_REDACT)
			rc = px_pack_fail(l, n, "'%s': a %s needs a category "
			    "({ category: NAME, action: %s })", sel, s, s);
		px_free(s);
	}
	if (rc == PHI_OK && policy != NULL && f->kind != PX_FHIR_SCAN &&
	    f->kind != PX_FHIR_KEEP)
		rc = px_pack_fail(l, n, "'%s' must be scan or keep", sel);
	if (rc == PHI_OK && ((f->rule = synth(l, f, "fhir:")) == NULL ||
	    (f->krule = synth(l, f, "fhir-known:")) == NULL))
		rc = px_error(l->err, PHI_ENOMEM, "out of memory");
	if (rc == PHI_OK && policy == NULL)
		rc = merge(l, n, f);
	if (rc == PHI_OK && policy != NULL) {
		rule_free(*policy);
		*policy = f;
	}
	if (rc != PHI_OK) {
		rule_free(f);
		return l->err != NULL && l->err->code != 0 ? l->err->code :
		    PHI_EPACK;
	}
	return PHI_OK;
}

static int
rules(struct px_ld *l, struct fy_node *n, int typed)
{
	struct fy_node_pair *p;
	void *it = NULL;
	char kb[256];
	const char *k;
	int rc;

	if (n == NULL || fy_node_get_type(n) != FYNT_MAPPING)
		return px_pack_fail(l, n, "fhir %s must be a mapping", typed ?
		    "types" : "paths");
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		if ((k = px_pack_key(l, p, NULL, kb, sizeof(kb))) == NULL)
			return PHI_EPACK;
		if ((rc = one(l, k, fy_node_pair_value(p), typed, NULL)) !=
		    PHI_OK)
			return rc;
	}
	return PHI_OK;
}

int
px_pack_fhir(struct px_ld *l, struct fy_node *n)
{
	static const char *const keys[] = { "types", "paths",
	    "other-strings", "known-identifiers", "security-labels",
	    "description", NULL };
	struct px_fhir_spec *fs = &l->cfg->spec.fhir;
	struct fy_node_pair *p;
	void *it = NULL;
	char kb[32];
	const char *k;
	int rc;

	if (n == NULL || fy_node_get_type(n) != FYNT_MAPPING)
		return px_pack_fail(l, n, "%s", "fhir must be a mapping");
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		struct fy_node *v = fy_node_pair_value(p);

		if ((k = px_pack_key(l, p, keys, kb, sizeof(kb))) == NULL)
			return PHI_EPACK;
		rc = PHI_OK;
		if (strcmp(k, "types") == 0)
			rc = rules(l, v, 1);
		else if (strcmp(k, "paths") == 0)
			rc = rules(l, v, 0);
		else if (strcmp(k, "other-strings") == 0)
			rc = one(l, "other-strings", v, 0, &fs->other);
		else if (strcmp(k, "known-identifiers") == 0) {
			if (px_pack_bool(l, v, k, &fs->known))
				return PHI_EPACK;
			fs->known_set = 1;
		} else if (strcmp(k, "security-labels") == 0) {
			if (px_pack_bool(l, v, k, &fs->labels))
				return PHI_EPACK;
			fs->labels_set = 1;
		} else if (v == NULL || fy_node_get_type(v) != FYNT_SCALAR)
			return px_pack_fail(l, v, "%s", "description must be "
			    "a string");
		if (rc != PHI_OK)
			return rc;
	}
	return PHI_OK;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct px_fhir_key *x = a, *y = b;
	int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Every value of a document asks which rules name it: only the one-step
 * rules and those whose last step is its key can.  Lists of both, in
 * pack order, so that a value looks at a few rules instead of all.
 */
static int
fhir_index(struct px_fhir_spec *fs)
{
	size_t i;

	fs->nsingle = fs->nbykey = 0;
	if (fs->nrules == 0)
		return PHI_OK;
	if ((fs->single = px_calloc(fs->nrules, sizeof(*fs->single))) ==
	    NULL || (fs->bykey = px_calloc(fs->nrules,
	    sizeof(*fs->bykey))) == NULL)
		return PHI_ENOMEM;
	for (i = 0; i < fs->nrules; i++) {
		const struct px_fhir_rule *r = fs->rules[i];

		if (r->nsteps <= 1)
			fs->single[fs->nsingle++] = (uint32_t)i;
		else {
			fs->bykey[fs->nbykey].key = r->steps[r->nsteps - 1];
			fs->bykey[fs->nbykey].len = r->lastkey;
			fs->bykey[fs->nbykey++].idx = (uint32_t)i;
		}
	}
	qsort(fs->bykey, fs->nbykey, sizeof(*fs->bykey), key_cmp);
	return PHI_OK;
}

/*
 * At engine creation: keyed actions without a key are refused now; the
 * rule index is built.
 */
int
px_fhir_compile(struct phi_engine *eng, struct phi_error *err)
{
	struct px_fhir_spec *fs = &eng->spec.fhir;
	enum phi_action a;
	size_t i;

	if (fhir_index(fs) != PHI_OK)
		return px_error(err, PHI_ENOMEM, "out of memory");
	/* category entries found once, not by name at every value */
	for (i = 0; i <= fs->nrules; i++) {
		struct px_fhir_rule *f = i < fs->nrules ? fs->rules[i] :
		    fs->other;

		if (f != NULL) {
			px_rule_bind_cat(eng, f->rule);
			px_rule_bind_cat(eng, f->krule);
		}
	}
	if (!fs->known_set)
		fs->known = 1;
	if (!fs->labels_set)
		fs->labels = 1;
	for (i = 0; i < fs->nrules; i++) {
		if (fs->rules[i]->kind != PX_FHIR_ACT)
			continue;
		a = px_action_of(eng, fs->rules[i]->rule);
		if (px_action_needs_key(a) && !eng->keys.set)
			return px_error(err, PHI_EKEY, "fhir rule '%s': action "
			    "'%s' needs a key (--key-file)", fs->rules[i]->sel,
			    px_action_name(a));
	}
	return PHI_OK;
}
