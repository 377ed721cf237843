/* SPDX-License-Identifier: MIT */
/*
 * act.c: what a finding becomes.  The action is the first that applies of:
 * a command-line override for the rule id, for the category, for "*"; the
 * rule's own; its category's; tag.  Replacements are built from the pack's
 * tag names and the shape of the value, never copied from it.
 */
#include <stdio.h>
#include <string.h>

#include "phiscrub-int.h"

#define REDACT_MARKER	"[REDACTED]"

const char *
px_action_name(enum phi_action a)
{
	switch (a) {
	case PHI_ACT_REDACT:
		return "redact";
	case PHI_ACT_MASK:
		return "mask";
	case PHI_ACT_KEEP:
		return "keep";
	case PHI_ACT_TOKEN:
		return "token";
	case PHI_ACT_ENCRYPT:
		return "encrypt";
	case PHI_ACT_SURROGATE:
		return "surrogate";
	case PHI_ACT_SHIFT:
		return "shift";
	case PHI_ACT_GENERALIZE:
		return "generalize";
	case PHI_ACT_RESTORE:
		return "restore";
	default:
		return "tag";
	}
}

/* Actions that cannot work without a key. */
int
px_action_needs_key(enum phi_action a)
{
	return a == PHI_ACT_TOKEN || a == PHI_ACT_ENCRYPT ||
	    a == PHI_ACT_SURROGATE || a == PHI_ACT_SHIFT ||
	    a == PHI_ACT_RESTORE;
}

enum phi_action
phi_action_parse(const char *s)
{
	if (strcmp(s, "tag") == 0)
		return PHI_ACT_TAG;
	if (strcmp(s, "redact") == 0)
		return PHI_ACT_REDACT;
	if (strcmp(s, "mask") == 0)
		return PHI_ACT_MASK;
	if (strcmp(s, "keep") == 0)
		return PHI_ACT_KEEP;
	if (strcmp(s, "token") == 0)
		return PHI_ACT_TOKEN;
	if (strcmp(s, "encrypt") == 0)
		return PHI_ACT_ENCRYPT;
	if (strcmp(s, "surrogate") == 0)
		return PHI_ACT_SURROGATE;
	if (strcmp(s, "shift") == 0)
		return PHI_ACT_SHIFT;
	if (strcmp(s, "generalize") == 0)
		return PHI_ACT_GENERALIZE;
	if (strcmp(s, "restore") == 0)
		return PHI_ACT_RESTORE;
	return PHI_ACT_DEFAULT;
}

const struct px_category *
px_category_of(const struct phi_engine *eng, const char *name)
{
	size_t i;

	for (i = 0; i < eng->spec.ncats; i++)
		if (strcmp(eng->spec.cats[i].name, name) == 0)
			return &eng->spec.cats[i];
	return NULL;
}

/* Binds rule r (may be NULL) to its category entry, once at engine
 * creation, so no finding looks the category up by name. */
void
px_rule_bind_cat(const struct phi_engine *eng, struct px_rule *r)
{
	if (r != NULL)
		r->cat = px_category_of(eng, r->category);
}

/* The category entry of rule r. */
static const struct px_category *
category(const struct phi_engine *eng, const struct px_rule *r)
{
	return r->cat != NULL ? r->cat : px_category_of(eng, r->category);
}

static enum phi_action
override(const struct phi_engine *eng, const char *what)
{
	size_t i;

	for (i = eng->novr; i-- > 0; )
		if (strcmp(eng->ovr[i].what, what) == 0)
			return eng->ovr[i].act;
	return PHI_ACT_DEFAULT;
}

enum phi_action
px_action_of(const struct phi_engine *eng, const struct px_rule *r)
{
	const struct px_category *c;
	enum phi_action a;

	enum phi_action own;

	if ((a = override(eng, r->id)) != PHI_ACT_DEFAULT ||
	    (a = override(eng, r->category)) != PHI_ACT_DEFAULT)
		return a;
	own = r->action;
	if (own == PHI_ACT_DEFAULT && (c = category(eng, r)) != NULL)
		own = c->action;
	/* "*" changes what is replaced, never an allow-list (keep) rule */
	if (own != PHI_ACT_KEEP && (a = override(eng, "*")) !=
	    PHI_ACT_DEFAULT)
		return a;
	return own != PHI_ACT_DEFAULT ? own : PHI_ACT_TAG;
}

/*
 * Mask: every letter or digit (one code point) becomes '*'; punctuation and
 * spaces stay, so the shape survives.  The last `keep` letters or digits
 * may be kept when the pack asks (not Safe Harbor: see phiscrub-rules(5)).
 */
static int
mask(const char *v, size_t len, int keep, char *out, size_t cap,
    size_t *outlen)
{
	size_t i, o = 0, nalnum = 0, seen = 0, limit;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c & 0xc0) == 0x80)
			continue;
		if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a'
		    && (c | 0x20) <= 'z'))
			nalnum++;
	}
	limit = keep > 0 && (size_t)keep < nalnum ? nalnum - (size_t)keep :
	    (keep > 0 ? 0 : nalnum);
	for (i = 0; i < len; ) {
		unsigned char c = (unsigned char)v[i];
		size_t n = 1;
		int alnum;

		if (c >= 0x80)
			while (i + n < len && ((unsigned char)v[i + n] &
			    0xc0) == 0x80)
				n++;
		alnum = c >= 0x80 || (c >= '0' && c <= '9') ||
		    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
		if (alnum && seen++ < limit) {
			if (o + 1 > cap)
				return PHI_ELIMIT;
			out[o++] = '*';
		} else {
			if (o + n > cap)
				return PHI_ELIMIT;
			memcpy(out + o, v + i, n);
			o += n;
		}
		i += n;
	}
	*outlen = o;
	return PHI_OK;
}

/* Copy the fixed replacement s into out; PHI_ELIMIT when it does not fit. */
int
px_put(const char *s, char *out, size_t cap, size_t *outlen)
{
	return px_putn(s, strlen(s), out, cap, outlen);
}

int
px_putn(const char *s, size_t n, char *out, size_t cap, size_t *outlen)
{
	if (n > cap)
		return PHI_ELIMIT;
	memcpy(out, s, n);
	*outlen = n;
	return PHI_OK;
}

/*
 * Render the replacement of value v (len bytes) found by rule r (NULL for an
 * unevaluated region) into out; subject is whose dates shift moves.  cap
 * must be at least 2 * len + 128.  PHI_EKEY from restore means "leave the
 * token as it is".
 */
int
px_act_render(const struct phi_engine *eng, const struct px_rule *r,
    const char *subject, const char *v, size_t len, char *out, size_t cap,
    size_t *outlen)
{
	const struct px_category *c;
	const char *tname;
	char tag[96];

	if (r == NULL)
		return px_put("[UNEVALUATED]", out, cap, outlen);
	c = category(eng, r);
	tname = c != NULL && c->tag != NULL ? c->tag : r->category;
	switch (px_action_of(eng, r)) {
	case PHI_ACT_TOKEN:
		return px_act_token(eng, r->category, tname, v, len, out, cap,
		    outlen);
	case PHI_ACT_ENCRYPT:
		return px_act_encrypt(eng, tname, v, len, out, cap, outlen);
	case PHI_ACT_RESTORE:
		return px_act_decrypt(eng, v, len, out, cap, outlen);
	case PHI_ACT_GENERALIZE:
		return px_act_generalize(eng, r->category, v, len, out, cap,
		    outlen);
	case PHI_ACT_SHIFT:
		if (strcmp(r->category, "DATE") == 0)
			return px_act_shift(eng, subject, v, len, out, cap,
			    outlen);
		break;		/* only dates shift; others are tagged */
	case PHI_ACT_SURROGATE:
		return px_act_surrogate(eng, r->category, subject, v, len, out,
		    cap, outlen);
	default:
		break;
	}
	switch (px_action_of(eng, r)) {
	case PHI_ACT_REDACT:
		return px_put(REDACT_MARKER, out, cap, outlen);
	case PHI_ACT_MASK:
		return mask(v, len, c != NULL ? c->keep : 0, out, cap, outlen);
	case PHI_ACT_KEEP:
		return px_putn(v, len, out, cap, outlen);
	default:
		snprintf(tag, sizeof(tag), "[%s]", tname);
		return px_put(tag, out, cap, outlen);
	}
}
