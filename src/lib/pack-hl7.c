/* SPDX-License-Identifier: MIT */
/*
 * pack-hl7.c: the hl7: section of rule packs (doc/hl7.md).
 *
 *	hl7:
 *	  fields:
 *	    PID-5: { category: NAME, type: XPN }
 *	    PID-3.1: MRN
 *	    OBX-5: [ { value-type: ED, category: DOCUMENT, type: ED,
 *	               action: redact }, scan ]
 *	  segments: { MSH: keep, 'Z*': scan }
 *	  unknown-segments: scan
 *	  other-fields: scan
 *	  known-identifiers: true
 *
 * A path is SEG[-FIELD[[REP|*]][.COMP[.SUB]]], 1-based.  Each rule becomes
 * a struct px_hl7_rule with synthetic px_rules, one per category its type
 * gives components, so that findings in HL7 name a rule, a category and an
 * action like any other finding and the usual overrides (-a NAME=redact)
 * apply.  A later rule for the same path (and value types) replaces an
 * earlier one, so a pack can include another and change single fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfyaml.h>

#include "phiscrub-int.h"

/* Rank of synthetic rules when findings overlap: above the text rules. */
#define HL7_PRIORITY	100

static const struct {
	const char *name;
	int type;
} types[] = {
	{ "XPN", PX_HL7_T_XPN }, { "XCN", PX_HL7_T_XCN },
	{ "XAD", PX_HL7_T_XAD }, { "XTN", PX_HL7_T_XTN },
	{ "CX", PX_HL7_T_CX }, { "EI", PX_HL7_T_EI },
	{ "XON", PX_HL7_T_XON }, { "DTM", PX_HL7_T_DTM },
	{ "TS", PX_HL7_T_DTM }, { "DT", PX_HL7_T_DTM },
	{ "ED", PX_HL7_T_ED }, { "NDL", PX_HL7_T_NDL },
	{ "EIP", PX_HL7_T_EIP }, { "DLN", PX_HL7_T_CX },
	{ "ST", PX_HL7_T_NONE }
};

/* The category each role stands for; MAIN takes the rule's own. */
static const char *const role_category[PX_HL7_R_N] = {
	NULL, "ID", "LOCATION", "ZIP", "EMAIL"
};

/* Which roles a type has besides MAIN (bit per role). */
static unsigned
type_roles(int type)
{
	switch (type) {
	case PX_HL7_T_XCN:
	case PX_HL7_T_XON:
		return 1U << PX_HL7_R_ID;
	case PX_HL7_T_XAD:
		return 1U << PX_HL7_R_LOCATION | 1U << PX_HL7_R_ZIP;
	case PX_HL7_T_XTN:
		return 1U << PX_HL7_R_EMAIL;
	}
	return 0;
}

static void
rule_free(struct px_hl7_rule *h)
{
	int i;

	if (h == NULL)
		return;
	for (i = 0; i < PX_HL7_R_N; i++) {
		px_rule_free(h->rules[i]);
		px_rule_free(h->krules[i]);
	}
	px_pack_strlist_free(h->vtypes, h->nvtypes);
	px_free(h->path);
	px_free(h->category);
	px_free(h->source);
	px_free(h);
}

void
px_hl7_spec_free(struct px_hl7_spec *hs)
{
	size_t i;

	for (i = 0; i < hs->nrules; i++)
		rule_free(hs->rules[i]);
	px_free(hs->rules);
	rule_free(hs->unknown);
	rule_free(hs->other);
	rule_free(hs->dates);
	memset(hs, 0, sizeof(*hs));
}

static int
number(const char **pp, int max, int *out)
{
	const char *p = *pp;
	long v = 0;

	if (*p < '1' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		if (v > max)
			return -1;
	}
	*out = (int)v;
	*pp = p;
	return 0;
}

/*
 * Parse a path into h.  With segment_only the path is a segment name (or
 * Z*) alone; otherwise it must name a field.  Returns 0, or -1 when it is
 * not a path.
 */
static int
parse_path(const char *s, int segment_only, struct px_hl7_rule *h)
{
	const char *p = s;

	if (p[0] == 'Z' && p[1] == '*')
		memcpy(h->seg, "Z*", 3);
	else if (p[0] >= 'A' && p[0] <= 'Z' && ((p[1] >= 'A' && p[1] <= 'Z') ||
	    (p[1] >= '0' && p[1] <= '9')) && ((p[2] >= 'A' && p[2] <= 'Z') ||
	    (p[2] >= '0' && p[2] <= '9'))) {
		memcpy(h->seg, p, 3);
		h->seg[3] = '\0';
	} else
		return -1;
	p += h->seg[1] == '*' ? 2 : 3;
	if (segment_only)
		return *p == '\0' ? 0 : -1;
	if (*p++ != '-' || number(&p, PX_HL7_FIELD_NUM_MAX, &h->field))
		return -1;
	if (*p == '[') {
		p++;
		if (*p == '*')
			p++;
		else if (number(&p, PX_HL7_REP_NUM_MAX, &h->rep))
			return -1;
		if (*p++ != ']')
			return -1;
	}
	if (*p == '.') {
		p++;
		if (number(&p, PX_HL7_COMP_NUM_MAX, &h->comp))
			return -1;
		if (*p == '.') {
			p++;
			if (number(&p, PX_HL7_COMP_NUM_MAX, &h->sub))
				return -1;
		}
	}
	return *p == '\0' ? 0 : -1;
}

/* A category name: capitals, digits, '_' and '-', starting with a letter. */
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
synth(struct px_ld *l, const struct px_hl7_rule *h, const char *prefix,
    const char *category)
{
	struct px_rule *r;
	size_t n;

	if ((r = px_calloc(1, sizeof(*r))) == NULL)
		return NULL;
	n = strlen(prefix) + strlen(h->path) + 1;
	if ((r->id = px_malloc(n)) == NULL)
		goto fail;
	snprintf(r->id, n, "%s%s", prefix, h->path);
	if ((r->category = px_strdup(category)) == NULL ||
	    (r->source = px_strdup(l->src)) == NULL)
		goto fail;
	r->kind = PX_RULE_REGEX;	/* neither: it is never run */
	r->pack = (int)l->cfg->spec.npacks - 1;
	r->action = h->action;
	r->score = 1.0;
	r->priority = HL7_PRIORITY;
	r->line = h->line;
	r->dict_idx = -1;
	r->birth = h->birth;
	return r;
fail:
	px_rule_free(r);
	return NULL;
}

/* The synthetic rules of an ACT rule, one per role of its type. */
static int
synthesize(struct px_ld *l, struct px_hl7_rule *h)
{
	unsigned roles = type_roles(h->type) | 1U << PX_HL7_R_MAIN;
	int i;

	if (h->kind != PX_HL7_ACT)
		return PHI_OK;
	for (i = 0; i < PX_HL7_R_N; i++) {
		const char *c = i == PX_HL7_R_MAIN ? h->category :
		    role_category[i];

		if (!(roles & 1U << i))
			continue;
		if ((h->rules[i] = synth(l, h, "hl7:", c)) == NULL ||
		    (h->krules[i] = synth(l, h, "hl7-known:", c)) == NULL)
			return px_error(l->err, PHI_ENOMEM, "out of memory");
	}
	return PHI_OK;
}

/*
 * A disposition given as a scalar: scan, keep, drop (where allowed),
 * redact, or a category whose action applies.
 */
static int
scalar(struct px_ld *l, struct fy_node *n, struct px_hl7_rule *h,
    int allow_drop)
{
	char *s;

	if ((s = px_pack_str(l, n, h->path)) == NULL)
		return PHI_EPACK;
	if (strcmp(s, "scan") == 0)
		h->kind = PX_HL7_SCAN;
	else if (strcmp(s, "keep") == 0)
		h->kind = PX_HL7_KEEP;
	else if (strcmp(s, "drop") == 0 && allow_drop)
		h->kind = PX_HL7_DROP;
	else if (strcmp(s, "redact") == 0) {
		h->kind = PX_HL7_ACT;
		h->action = PHI_ACT_REDACT;
		if ((h->category = px_strdup("REDACTED")) == NULL) {
			px_free(s);
			return px_error(l->err, PHI_ENOMEM, "out of memory");
		}
	} else if (is_category(s)) {
		h->kind = PX_HL7_ACT;
		h->category = s;
		return PHI_OK;
	} else {
		px_free(s);
		return px_pack_fail(l, n, "'%s': use scan, keep, %sredact or "
		    "a category (NAME)", h->path, allow_drop ? "drop, " : "");
	}
	px_free(s);
	return PHI_OK;
}

static int
mapping(struct px_ld *l, struct fy_node *n, struct px_hl7_rule *h)
{
	static const char *const keys[] = { "category", "action", "type",
	    "known", "value-type", "birth-date", "description", NULL };
	struct fy_node_pair *p;
	struct fy_node *an = NULL;
	void *it = NULL;
	char kb[16], *s;
	const char *k;
	size_t i;
	int scan = 0, keep = 0;

	h->action = PHI_ACT_DEFAULT;
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		struct fy_node *v = fy_node_pair_value(p);

		if ((k = px_pack_key(l, p, keys, kb, sizeof(kb))) == NULL)
			return PHI_EPACK;
		if (strcmp(k, "description") == 0)
			continue;
		if (strcmp(k, "known") == 0) {
			if (px_pack_bool(l, v, "known", &h->known))
				return PHI_EPACK;
			continue;
		}
		if (strcmp(k, "birth-date") == 0) {
			if (px_pack_bool(l, v, "birth-date", &h->birth))
				return PHI_EPACK;
			continue;
		}
		if (strcmp(k, "value-type") == 0) {
			px_pack_strlist_free(h->vtypes, h->nvtypes);
			if (px_pack_strlist(l, v, "value-type", &h->vtypes,
			    &h->nvtypes))
				return PHI_EPACK;
			if (strcmp(h->seg, "OBX") != 0)
				return px_pack_fail(l, v, "'%s': value-type "
				    "applies to OBX fields (OBX-2)", h->path);
			continue;
		}
		if ((s = px_pack_str(l, v, k)) == NULL)
			return PHI_EPACK;
		if (strcmp(k, "category") == 0) {
			px_free(h->category);
			h->category = s;
			if (!is_category(s))
				return px_pack_fail(l, v, "'%s': a category "
				    "is written in capitals (NAME)", h->path);
			continue;
		}
		if (strcmp(k, "type") == 0) {
			for (i = 0; i < PX_NELEM(types); i++)
				if (strcmp(types[i].name, s) == 0)
					break;
			px_free(s);
			if (i == PX_NELEM(types))
				return px_pack_fail(l, v, "'%s': type must be "
				    "one of XPN, XCN, XAD, XTN, CX, EI, EIP, "
				    "XON, DTM, TS, DT, ED, NDL, DLN, ST",
				    h->path);
			h->type = types[i].type;
			continue;
		}
		/* action */
		an = v;
		scan = strcmp(s, "scan") == 0;
		keep = strcmp(s, "keep") == 0;
		h->action = phi_action_parse(s);
		px_free(s);
		if (!scan && (h->action == PHI_ACT_DEFAULT ||
		    h->action == PHI_ACT_RESTORE))
			return px_pack_fail(l, v, "'%s': action must be scan, "
			    "tag, redact, mask, keep, generalize, token, "
			    "encrypt, surrogate or shift", h->path);
	}
	if (scan || (keep && h->category == NULL)) {
		h->kind = scan ? PX_HL7_SCAN : PX_HL7_KEEP;
		h->action = PHI_ACT_DEFAULT;
		return PHI_OK;
	}
	h->kind = PX_HL7_ACT;
	if (h->category == NULL) {
		if (h->action != PHI_ACT_REDACT)
			return px_pack_fail(l, an != NULL ? an : n, "'%s': "
			    "needs a category (or action scan, keep or "
			    "redact)", h->path);
		if ((h->category = px_strdup("REDACTED")) == NULL)
			return px_error(l->err, PHI_ENOMEM, "out of memory");
	}
	return PHI_OK;
}

static int
same_vtypes(const struct px_hl7_rule *a, const struct px_hl7_rule *b)
{
	size_t i;

	if (a->nvtypes != b->nvtypes)
		return 0;
	for (i = 0; i < a->nvtypes; i++)
		if (strcmp(a->vtypes[i], b->vtypes[i]) != 0)
			return 0;
	return 1;
}

/* Put h into the spec, replacing a rule of the same path. */
static int
merge(struct px_ld *l, struct fy_node *n, struct px_hl7_rule *h)
{
	struct px_hl7_spec *hs = &l->cfg->spec.hl7;
	size_t i, cap = hs->nrules;

	for (i = 0; i < hs->nrules; i++) {
		struct px_hl7_rule *o = hs->rules[i];

		if (strcmp(o->seg, h->seg) == 0 && o->field == h->field &&
		    o->rep == h->rep && o->comp == h->comp &&
		    o->sub == h->sub && same_vtypes(o, h)) {
			rule_free(o);
			hs->rules[i] = h;
			return PHI_OK;
		}
	}
	if (hs->nrules >= PX_HL7_RULES_MAX)
		return px_pack_fail(l, n, "more than %d hl7 rules",
		    PX_HL7_RULES_MAX);
	if (px_grow((void **)&hs->rules, &cap, hs->nrules + 1,
	    sizeof(*hs->rules)) != PHI_OK)
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	hs->rules[hs->nrules++] = h;
	return PHI_OK;
}

/* One disposition (scalar or mapping) for path; merged when complete. */
static int
one(struct px_ld *l, const char *path, struct fy_node *n, int segment)
{
	struct px_hl7_rule *h;
	int line, col, rc;

	if ((h = px_calloc(1, sizeof(*h))) == NULL)
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	h->known = 1;
	px_pack_where(n, &line, &col);
	h->line = line;
	if ((h->path = px_strdup(path)) == NULL ||
	    (h->source = px_strdup(l->src)) == NULL) {
		rule_free(h);
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	}
	if (parse_path(path, segment, h) != 0) {
		rule_free(h);
		return px_pack_fail(l, n, "'%s' is not a %s", path, segment ?
		    "segment name (PID, or Z* for Z-segments)" : "field path "
		    "(PID-5, PID-3[*].1, NK1-2[1].1.1)");
	}
	if (n != NULL && fy_node_get_type(n) == FYNT_MAPPING && !segment)
		rc = mapping(l, n, h);
	else
		rc = scalar(l, n, h, segment);
	if (rc == PHI_OK)
		rc = synthesize(l, h);
	if (rc == PHI_OK)
		rc = merge(l, n, h);
	if (rc != PHI_OK) {
		rule_free(h);
		return l->err != NULL && l->err->code != 0 ? l->err->code :
		    PHI_EPACK;
	}
	return PHI_OK;
}

static int
fields(struct px_ld *l, struct fy_node *n, int segment)
{
	struct fy_node_pair *p;
	struct fy_node *c;
	void *it = NULL, *it2;
	char kb[64];
	const char *k;
	int rc;

	if (n == NULL || fy_node_get_type(n) != FYNT_MAPPING)
		return px_pack_fail(l, n, "%s must be a mapping", segment ?
		    "hl7 segments" : "hl7 fields");
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		struct fy_node *v = fy_node_pair_value(p);

		if ((k = px_pack_key(l, p, NULL, kb, sizeof(kb))) == NULL)
			return PHI_EPACK;
		if (v != NULL && fy_node_get_type(v) == FYNT_SEQUENCE &&
		    !segment) {
			/* alternatives for one path, by value type */
			it2 = NULL;
			while ((c = fy_node_sequence_iterate(v, &it2)) != NULL)
				if ((rc = one(l, k, c, 0)) != PHI_OK)
					return rc;
			continue;
		}
		if ((rc = one(l, k, v, segment)) != PHI_OK)
			return rc;
	}
	return PHI_OK;
}

/* unknown-segments and other-fields: a policy for what no rule names. */
static int
policy(struct px_ld *l, struct fy_node *n, const char *what,
    struct px_hl7_rule **out, int allow_drop)
{
	struct px_hl7_rule *h;
	int line, col, rc;

	if ((h = px_calloc(1, sizeof(*h))) == NULL)
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	px_pack_where(n, &line, &col);
	h->line = line;
	h->known = 0;
	if ((h->path = px_strdup(what)) == NULL ||
	    (h->source = px_strdup(l->src)) == NULL) {
		rule_free(h);
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	}
	if (n != NULL && fy_node_get_type(n) == FYNT_MAPPING && !allow_drop)
		rc = mapping(l, n, h);
	else
		rc = scalar(l, n, h, allow_drop);
	if (rc == PHI_OK && h->nvtypes > 0)
		rc = px_pack_fail(l, n, "'%s': no value-type here", what);
	if (rc == PHI_OK)
		rc = synthesize(l, h);
	if (rc != PHI_OK) {
		rule_free(h);
		return l->err != NULL && l->err->code != 0 ? l->err->code :
		    PHI_EPACK;
	}
	rule_free(*out);
	*out = h;
	return PHI_OK;
}

int
px_pack_hl7(struct px_ld *l, struct fy_node *n)
{
	static const char *const keys[] = { "fields", "segments",
	    "unknown-segments", "other-fields", "dates", "known-identifiers",
	    "description", NULL };
	struct px_hl7_spec *hs = &l->cfg->spec.hl7;
	struct fy_node_pair *p;
	void *it = NULL;
	char kb[32];
	const char *k;
	int rc;

	if (n == NULL || fy_node_get_type(n) != FYNT_MAPPING)
		return px_pack_fail(l, n, "%s", "hl7 must be a mapping");
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		struct fy_node *v = fy_node_pair_value(p);

		if ((k = px_pack_key(l, p, keys, kb, sizeof(kb))) == NULL)
			return PHI_EPACK;
		rc = PHI_OK;
		if (strcmp(k, "fields") == 0)
			rc = fields(l, v, 0);
		else if (strcmp(k, "segments") == 0)
			rc = fields(l, v, 1);
		else if (strcmp(k, "unknown-segments") == 0)
			rc = policy(l, v, "unknown-segments", &hs->unknown, 1);
		else if (strcmp(k, "other-fields") == 0)
			rc = policy(l, v, "other-fields", &hs->other, 0);
		else if (strcmp(k, "dates") == 0)
			rc = policy(l, v, "dates", &hs->dates, 0);
		else if (strcmp(k, "known-identifiers") == 0) {
			if (px_pack_bool(l, v, "known-identifiers",
			    &hs->known))
				return PHI_EPACK;
			hs->known_set = 1;
		} else if (v == NULL || fy_node_get_type(v) != FYNT_SCALAR)
			return px_pack_fail(l, v, "%s", "description must be "
			    "a string");
		if (rc != PHI_OK)
			return rc;
	}
	return PHI_OK;
}

static int
check_keys(const struct phi_engine *eng, const struct px_hl7_rule *h,
    struct phi_error *err)
{
	enum phi_action a;
	int i;

	if (h == NULL || h->kind != PX_HL7_ACT)
		return PHI_OK;
	for (i = 0; i < PX_HL7_R_N; i++) {
		if (h->rules[i] == NULL)
			continue;
		a = px_action_of(eng, h->rules[i]);
		if (px_action_needs_key(a) && !eng->keys.set)
			return px_error(err, PHI_EKEY, "hl7 field '%s': action "
			    "'%s' needs a key (--key-file)", h->path,
			    px_action_name(a));
	}
	return PHI_OK;
}

/* The category entries of h's rules, found once rather than by name at
 * every value (px_action_of). */
static void
set_cats(const struct phi_engine *eng, struct px_hl7_rule *h)
{
	int i;

	if (h == NULL)
		return;
	for (i = 0; i < PX_HL7_R_N; i++) {
		px_rule_bind_cat(eng, h->rules[i]);
		px_rule_bind_cat(eng, h->krules[i]);
	}
}

/*
 * At engine creation: keyed actions without a key are refused now, not at
 * the first message, as for the text rules.
 */
int
px_hl7_compile(struct phi_engine *eng, struct phi_error *err)
{
	const struct px_hl7_spec *hs = &eng->spec.hl7;
	size_t i;
	int rc;

	if (!hs->known_set)
		eng->spec.hl7.known = 1;
	for (i = 0; i < hs->nrules; i++)
		set_cats(eng, hs->rules[i]);
	set_cats(eng, hs->unknown);
	set_cats(eng, hs->dates);
	set_cats(eng, hs->other);
	for (i = 0; i < hs->nrules; i++)
		if ((rc = check_keys(eng, hs->rules[i], err)) != PHI_OK)
			return rc;
	if ((rc = check_keys(eng, hs->unknown, err)) != PHI_OK ||
	    (rc = check_keys(eng, hs->dates, err)) != PHI_OK)
		return rc;
	return check_keys(eng, hs->other, err);
}
