/* SPDX-License-Identifier: MIT */
/*
 * pack.c: the YAML rule-pack loader (schema 1, see phiscrub-rules(5)).
 *
 * A pack is untrusted input.  It is size-limited before parsing; anchors and
 * aliases are refused outright (no expansion bombs); every key is checked
 * against the schema and every value against its type, and the first
 * problem is reported as source:line:col.  libfyaml's own diagnostics go to
 * a private sink, never to stderr.  Nothing of a pack takes effect until it
 * has loaded completely: on error the configuration is left as it was for
 * rules already merged, and the caller must not create an engine.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libfyaml.h>

#include "phiscrub-int.h"

static int	load_file(struct phi_config *, const char *, struct phi_error *);

/* 1-based line and column of a node (of its scalar, or first child). */
static void
where(struct fy_node *n, int *line, int *col)
{
	struct fy_token *t = NULL;
	const struct fy_mark *m;

	*line = *col = 0;
	if (n == NULL)
		return;
	if (fy_node_get_type(n) == FYNT_SCALAR)
		t = fy_node_get_scalar_token(n);
	else {
		void *it = NULL;

		if (fy_node_get_type(n) == FYNT_MAPPING) {
			struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);

			if (p != NULL)
				where(fy_node_pair_key(p), line, col);
		} else {
			struct fy_node *c = fy_node_sequence_iterate(n, &it);

			if (c != NULL)
				where(c, line, col);
		}
		return;
	}
	if (t != NULL && (m = fy_token_start_mark(t)) != NULL) {
		*line = m->line + 1;
		*col = m->column + 1;
	}
}

static int __attribute__((format(printf, 3, 4)))
fail(struct px_ld *l, struct fy_node *n, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	int line, col;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where(n, &line, &col);
	px_error_at(l->err, l->src, line, col, "%s", msg);
	return PHI_EPACK;
}

/* Scalar text of n, NUL-terminated copy, or NULL with an error. */
static char *
str(struct px_ld *l, struct fy_node *n, const char *what)
{
	const char *s;
	size_t len;
	char *r;

	if (n == NULL || fy_node_get_type(n) != FYNT_SCALAR) {
		fail(l, n, "%s must be a string", what);
		return NULL;
	}
	if ((s = fy_node_get_scalar(n, &len)) == NULL) {
		fail(l, n, "%s: cannot read scalar", what);
		return NULL;
	}
	if (memchr(s, '\0', len) != NULL) {
		fail(l, n, "%s contains a NUL byte", what);
		return NULL;
	}
	if ((r = px_strndup(s, len)) == NULL)
		px_error(l->err, PHI_ENOMEM, "out of memory");
	return r;
}

static int
num(struct px_ld *l, struct fy_node *n, const char *what, double lo, double hi,
    double *v)
{
	char *s, *end;
	double d;

	if (n == NULL || fy_node_get_type(n) != FYNT_SCALAR)
		return fail(l, n, "%s must be a number", what);
	if ((s = str(l, n, what)) == NULL)
		return PHI_EPACK;
	errno = 0;
	d = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || d < lo || d > hi) {
		px_free(s);
		return fail(l, n, "%s must be a number in range", what);
	}
	px_free(s);
	*v = d;
	return PHI_OK;
}

static int
boolean(struct px_ld *l, struct fy_node *n, const char *what, int *v)
{
	char *s;

	if (n == NULL || fy_node_get_type(n) != FYNT_SCALAR)
		return fail(l, n, "%s must be true or false", what);
	if ((s = str(l, n, what)) == NULL)
		return PHI_EPACK;
	if (strcmp(s, "true") == 0)
		*v = 1;
	else if (strcmp(s, "false") == 0)
		*v = 0;
	else {
		px_free(s);
		return fail(l, n, "%s must be true or false", what);
	}
	px_free(s);
	return PHI_OK;
}

/* A string or a sequence of strings, into a new array. */
static int
strlist(struct px_ld *l, struct fy_node *n, const char *what, char ***out,
    size_t *nout)
{
	struct fy_node *c;
	void *it = NULL;
	size_t cap = 0;
	char *s;

	*out = NULL;
	*nout = 0;
	if (n != NULL && fy_node_get_type(n) == FYNT_SCALAR) {
		if ((s = str(l, n, what)) == NULL)
			return PHI_EPACK;
		if ((*out = px_calloc(1, sizeof(char *))) == NULL) {
			px_free(s);
			return px_error(l->err, PHI_ENOMEM, "out of memory");
		}
		(*out)[0] = s;
		*nout = 1;
		return PHI_OK;
	}
	if (n == NULL || fy_node_get_type(n) != FYNT_SEQUENCE)
		return fail(l, n, "%s must be a list of strings", what);
	while ((c = fy_node_sequence_iterate(n, &it)) != NULL) {
		if ((s = str(l, c, what)) == NULL)
			return PHI_EPACK;
		if (px_grow((void **)out, &cap, *nout + 1, sizeof(char *)) !=
		    PHI_OK) {
			px_free(s);
			return px_error(l->err, PHI_ENOMEM, "out of memory");
		}
		(*out)[(*nout)++] = s;
	}
	return PHI_OK;
}

static void
strlist_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		px_free(v[i]);
	px_free(v);
}

/* Anchors and aliases are refused anywhere: no expansion bombs. */
static int
no_aliases(struct px_ld *l, struct fy_node *n, int depth)
{
	struct fy_node_pair *p;
	struct fy_node *c;
	void *it = NULL;

	if (n == NULL)
		return PHI_OK;
	if (depth > 64)
		return fail(l, n, "%s", "nesting too deep");
	if (fy_node_is_alias(n) || fy_node_get_anchor(n) != NULL)
		return fail(l, n, "%s", "anchors and aliases are not allowed "
		    "in rule packs");
	switch (fy_node_get_type(n)) {
	case FYNT_MAPPING:
		while ((p = fy_node_mapping_iterate(n, &it)) != NULL)
			if (no_aliases(l, fy_node_pair_key(p), depth + 1) ||
			    no_aliases(l, fy_node_pair_value(p), depth + 1))
				return PHI_EPACK;
		break;
	case FYNT_SEQUENCE:
		while ((c = fy_node_sequence_iterate(n, &it)) != NULL)
			if (no_aliases(l, c, depth + 1))
				return PHI_EPACK;
		break;
	default:
		break;
	}
	return PHI_OK;
}

/* Key name of a mapping pair, checked against the allowed list. */
static const char *
key_of(struct px_ld *l, struct fy_node_pair *p, const char *const *allowed,
    char *buf, size_t cap)
{
	struct fy_node *k = fy_node_pair_key(p);
	const char *s;
	size_t len, i;

	if (k == NULL || fy_node_get_type(k) != FYNT_SCALAR ||
	    (s = fy_node_get_scalar(k, &len)) == NULL) {
		fail(l, k, "%s", "keys must be strings");
		return NULL;
	}
	if (len >= cap) {
		fail(l, k, "%s", "unknown key");
		return NULL;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (allowed == NULL)
		return buf;
	for (i = 0; allowed[i] != NULL; i++)
		if (strcmp(allowed[i], buf) == 0)
			return buf;
	fail(l, k, "unknown key '%s'", buf);
	return NULL;
}

static int
is_map(struct px_ld *l, struct fy_node *n, const char *what)
{
	if (n == NULL || fy_node_get_type(n) != FYNT_MAPPING)
		return fail(l, n, "%s must be a mapping", what);
	return PHI_OK;
}

static int
context(struct px_ld *l, struct fy_node *n, struct px_context *c)
{
	static const char *const keys[] = { "words", "window", "required",
	    "boost", "before-only", "same-line", NULL };
	struct fy_node_pair *p;
	void *it = NULL;
	char kb[32];
	const char *k;
	double d;
	size_t i;

	if (is_map(l, n, "context"))
		return PHI_EPACK;
	c->window = 40;
	c->boost = 0.5;
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		struct fy_node *v = fy_node_pair_value(p);

		if ((k = key_of(l, p, keys, kb, sizeof(kb))) == NULL)
			return PHI_EPACK;
		if (strcmp(k, "words") == 0) {
			strlist_free(c->words, c->nwords);
			if (strlist(l, v, "context words", &c->words,
			    &c->nwords))
				return PHI_EPACK;
			if (c->nwords > PX_CONTEXT_WORDS_MAX)
				return fail(l, v, "%s", "too many context "
				    "words");
			for (i = 0; i < c->nwords; i++) {
				char *w;

				for (w = c->words[i]; *w != '\0'; w++)
					if (*w >= 'A' && *w <= 'Z')
						*w += 32;
			}
		} else if (strcmp(k, "window") == 0) {
			if (num(l, v, "window", 1, PX_CONTEXT_WINDOW_MAX, &d))
				return PHI_EPACK;
			c->window = (int)d;
		} else if (strcmp(k, "required") == 0) {
			if (boolean(l, v, "required", &c->required))
				return PHI_EPACK;
		} else if (strcmp(k, "before-only") == 0) {
			if (boolean(l, v, "before-only", &c->before_only))
				return PHI_EPACK;
		} else if (strcmp(k, "same-line") == 0) {
			if (boolean(l, v, "same-line", &c->same_line))
				return PHI_EPACK;
		} else if (num(l, v, "boost", -1, 1, &c->boost))
			return PHI_EPACK;
	}
	if (c->nwords == 0)
		return fail(l, n, "%s", "context needs words");
	return PHI_OK;
}

static int
cases(struct px_ld *l, struct fy_node *n, unsigned *out)
{
	char **v;
	size_t nv, i;
	int rc = PHI_OK;

	if (strlist(l, n, "case", &v, &nv))
		return PHI_EPACK;
	*out = 0;
	for (i = 0; i < nv && rc == PHI_OK; i++) {
		if (strcmp(v[i], "lower") == 0)
			*out |= PX_CASE_LOWER;
		else if (strcmp(v[i], "title") == 0)
			*out |= PX_CASE_TITLE;
		else if (strcmp(v[i], "upper") == 0)
			*out |= PX_CASE_UPPER;
		else if (strcmp(v[i], "any") == 0)
			*out |= PX_CASE_LOWER | PX_CASE_TITLE | PX_CASE_UPPER;
		else
			rc = fail(l, n, "%s", "case must be lower, title, "
			    "upper or any");
	}
	strlist_free(v, nv);
	return rc;
}

static int
example(struct px_ld *l, struct fy_node *n, const char *rule)
{
	static const char *const keys[] = { "in", "out", "unchanged", NULL };
	struct px_spec *sp = &l->cfg->spec;
	struct px_example ex;
	struct fy_node_pair *p;
	void *it = NULL;
	char kb[16];
	const char *k;
	size_t cap;
	int line, col;

	memset(&ex, 0, sizeof(ex));
	if (is_map(l, n, "an example"))
		return PHI_EPACK;
	where(n, &line, &col);
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		struct fy_node *v = fy_node_pair_value(p);
		char **dst;

		if ((k = key_of(l, p, keys, kb, sizeof(kb))) == NULL)
			goto fail;
		dst = strcmp(k, "out") == 0 ? &ex.out : &ex.in;
		if (*dst != NULL) {
			fail(l, v, "%s", "example has both in and unchanged");
			goto fail;
		}
		if ((*dst = str(l, v, k)) == NULL)
			goto fail;
		if (strlen(*dst) > PX_EXAMPLE_MAX) {
			fail(l, v, "%s", "example too long");
			goto fail;
		}
	}
	if (ex.in == NULL) {
		fail(l, n, "%s", "example needs in (with out) or unchanged");
		goto fail;
	}
	ex.pack = px_strdup(l->pack);
	ex.rule = px_strdup(rule);
	ex.source = px_strdup(l->src);
	ex.line = line;
	cap = sp->nexamples;
	if (ex.pack == NULL || ex.rule == NULL || ex.source == NULL ||
	    px_grow((void **)&sp->examples, &cap, sp->nexamples + 1,
	    sizeof(ex)) != PHI_OK) {
		px_error(l->err, PHI_ENOMEM, "out of memory");
		goto fail;
	}
	/* px_grow doubles from nexamples; keep exact count semantics */
	sp->examples[sp->nexamples++] = ex;
	return PHI_OK;
fail:
	px_free(ex.in);
	px_free(ex.out);
	px_free(ex.pack);
	px_free(ex.rule);
	px_free(ex.source);
	return PHI_EPACK;
}

void
px_rule_free(struct px_rule *r)
{
	if (r == NULL)
		return;
	px_free(r->id);
	px_free(r->category);
	px_free(r->pattern);
	if (r->re != NULL)
		pcre2_code_free(r->re);
	px_free(r->dict);
	strlist_free(r->ambiguous, r->nambiguous);
	px_free(r->ambiguous_idx);
	strlist_free(r->exclude, r->nexclude);
	px_free(r->exclude_idx);
	strlist_free(r->ctx.words, r->ctx.nwords);
	px_context_free(&r->ctx);
	strlist_free(r->triggers, r->ntriggers);
	px_free(r->trigger_next);
	px_free(r->source);
	px_free(r);
}

/* Put r into the spec: replace a rule of the same id, or append. */
static int
merge_rule(struct px_ld *l, struct px_rule *r)
{
	struct px_spec *sp = &l->cfg->spec;
	size_t i, cap = sp->nrules;

	for (i = 0; i < sp->nrules; i++)
		if (strcmp(sp->rules[i]->id, r->id) == 0) {
			px_rule_free(sp->rules[i]);
			sp->rules[i] = r;
			return PHI_OK;
		}
	if (sp->nrules >= PX_RULES_MAX)
		return px_error_at(l->err, l->src, r->line, 1,
		    "more than %d rules", PX_RULES_MAX);
	if (px_grow((void **)&sp->rules, &cap, sp->nrules + 1,
	    sizeof(*sp->rules)) != PHI_OK)
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	sp->rules[sp->nrules++] = r;
	return PHI_OK;
}

/* The next byte of a class at *s: \xHH, \t, \n, \r, or \ and a byte. */
static int
class_byte(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	int c = *p++, h, l;

	if (c == '\\') {
		c = *p++;
		if (c == 'x') {
			if ((h = px_hexval(p[0])) < 0 ||
			    (l = px_hexval(p[1])) < 0)
				return -1;
			c = h * 16 + l;
			p += 2;
		} else if (c == 't')
			c = '\t';
		else if (c == 'n')
			c = '\n';
		else if (c == 'r')
			c = '\r';
		else if (c == '\0')
			return -1;
	}
	*s = (const char *)p;
	return c;
}

/*
 * A set of bytes written like the inside of a regex class: bytes, ranges
 * (a-z, \x80-\xff), escapes; a - first or last is itself.
 */
static int
byte_class(const char *s, uint8_t set[32])
{
	int a, b;

	memset(set, 0, 32);
	while (*s != '\0') {
		if ((a = class_byte(&s)) < 0)
			return -1;
		b = a;
		if (s[0] == '-' && s[1] != '\0') {
			s++;
			if ((b = class_byte(&s)) < a)
				return -1;
		}
		for (; a <= b; a++)
			set[a >> 3] |= (uint8_t)(1u << (a & 7));
	}
	return 0;
}

/* The only byte of set, or -1 if it has none or several. */
static int
guard_single(const uint8_t set[32])
{
	int c, one = -1;

	for (c = 0; c < 256; c++)
		if (px_byte_in(set, (unsigned char)c)) {
			if (one >= 0)
				return -1;
			one = c;
		}
	return one;
}

/* Does set hold any byte? */
static int
near_some(const uint8_t set[32])
{
	int i;

	for (i = 0; i < 32; i++)
		if (set[i] != 0)
			return 1;
	return 0;
}

/* The window search of guarded rules needs disjoint, non-empty classes. */
static int
guard_overlap(const struct px_rule *r)
{
	int i, any = 0;

	for (i = 0; i < 32; i++) {
		if (r->guard_run[i] & r->guard_then[i])
			return 1;
		any |= r->guard_then[i];
	}
	return !any;
}

/*
 * [min, max] of a rule key (trigger-digits, trigger-back): two decimal
 * numbers 0 <= min <= max <= top from the strings sv[0..n), which it frees.
 */
static int
int_range(char **sv, size_t n, long top, long *lo, long *hi)
{
	char *end;
	size_t i;
	long x[2] = { -1, -1 };

	for (i = 0; n == 2 && i < 2; i++) {
		errno = 0;
		x[i] = strtol(sv[i], &end, 10);
		if (*sv[i] == '\0' || *end != '\0' || errno != 0)
			x[i] = -1;
	}
	strlist_free(sv, n);
	*lo = x[0];
	*hi = x[1];
	return x[0] < 0 || x[1] < x[0] || x[1] > top ? -1 : 0;
}

static int
rule(struct px_ld *l, struct fy_node *n)
{
	static const char *const keys[] = { "id", "category", "pattern",
	    "dictionary", "caseless", "group", "validate", "score",
	    "ambiguous-score", "priority", "context", "action", "case",
	    "ambiguous", "exclude", "expand", "adjacent-boost", "min-length",
	    "examples", "description", "trigger", "trigger-back", "trigger-next",
	    "trigger-after", "trigger-digits", "trigger-lead", "trigger-prev",
	    "guard", "near", "merge", NULL };
	static const char *const dict_keys[] = { "case", "ambiguous",
	    "ambiguous-score", "expand", "min-length", NULL };
	struct fy_node *exs = NULL, *idn = NULL, *dkn = NULL;
	struct fy_node_pair *p;
	struct px_rule *r;
	void *it = NULL;
	char kb[32], *s;
	const char *k, *dk = NULL;
	double d;
	int line, col;
	size_t di;

	if (is_map(l, n, "a rule"))
		return PHI_EPACK;
	if ((r = px_calloc(1, sizeof(*r))) == NULL)
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	where(n, &line, &col);
	r->line = line;
	r->score = 0.9;
	r->ambiguous_score = 0.3;
	r->cases = PX_CASE_TITLE | PX_CASE_UPPER;
	r->dict_idx = -1;
	r->min_len = 1;
	if ((r->source = px_strdup(l->src)) == NULL)
		goto nomem;
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		struct fy_node *v = fy_node_pair_value(p);

		if ((k = key_of(l, p, keys, kb, sizeof(kb))) == NULL)
			goto fail;
		for (di = 0; dk == NULL && dict_keys[di] != NULL; di++)
			if (strcmp(k, dict_keys[di]) == 0) {
				dk = dict_keys[di];
				dkn = v;
			}
		if (strcmp(k, "id") == 0) {
			idn = v;
			if ((r->id = str(l, v, "id")) == NULL)
				goto fail;
		} else if (strcmp(k, "category") == 0) {
			if ((r->category = str(l, v, "category")) == NULL)
				goto fail;
		} else if (strcmp(k, "pattern") == 0) {
			if ((r->pattern = str(l, v, "pattern")) == NULL)
				goto fail;
			where(v, &r->line, &col);
			if (strlen(r->pattern) > PX_PATTERN_MAX) {
				fail(l, v, "%s", "pattern too long");
				goto fail;
			}
		} else if (strcmp(k, "dictionary") == 0) {
			if ((r->dict = str(l, v, "dictionary")) == NULL)
				goto fail;
		} else if (strcmp(k, "caseless") == 0) {
			if (boolean(l, v, "caseless", &r->caseless))
				goto fail;
		} else if (strcmp(k, "expand") == 0) {
			if (boolean(l, v, "expand", &r->expand))
				goto fail;
		} else if (strcmp(k, "group") == 0) {
			if (num(l, v, "group", 0, 99, &d))
				goto fail;
			r->group = (int)d;
		} else if (strcmp(k, "min-length") == 0) {
			if (num(l, v, "min-length", 1, 64, &d))
				goto fail;
			r->min_len = (int)d;
		} else if (strcmp(k, "priority") == 0) {
			if (num(l, v, "priority", -1000, 1000, &d))
				goto fail;
			r->priority = (int)d;
		} else if (strcmp(k, "score") == 0) {
			if (num(l, v, "score", 0, 1, &r->score))
				goto fail;
		} else if (strcmp(k, "ambiguous-score") == 0) {
			if (num(l, v, "ambiguous-score", 0, 1,
			    &r->ambiguous_score))
				goto fail;
		} else if (strcmp(k, "adjacent-boost") == 0) {
			if (num(l, v, "adjacent-boost", 0, 1,
			    &r->adjacent_boost))
				goto fail;
		} else if (strcmp(k, "validate") == 0) {
			char **vv;
			size_t nv, i;
			unsigned bit;

			if (strlist(l, v, "validate", &vv, &nv))
				goto fail;
			for (i = 0; i < nv; i++) {
				if (px_validator_parse(vv[i], &bit) != PHI_OK) {
					fail(l, v, "unknown validator '%s'",
					    vv[i]);
					strlist_free(vv, nv);
					goto fail;
				}
				r->validators |= bit;
			}
			strlist_free(vv, nv);
		} else if (strcmp(k, "context") == 0) {
			if (context(l, v, &r->ctx))
				goto fail;
		} else if (strcmp(k, "merge") == 0) {
			int m;

			if (boolean(l, v, "merge", &m))
				goto fail;
			r->nomerge = !m;
		} else if (strcmp(k, "trigger-next") == 0) {
			px_free(r->trigger_next);
			if ((r->trigger_next = str(l, v, "trigger-next")) ==
			    NULL)
				goto fail;
		} else if (strcmp(k, "trigger-after") == 0) {
			char **av;
			size_t na, i;
			int bad;

			if (strlist(l, v, "trigger-after", &av, &na))
				goto fail;
			bad = na == 0 || na > PX_AFTER_MAX;
			for (i = 0; !bad && i < na; i++)
				bad = byte_class(av[i], r->after_set[i]) ||
				    !near_some(r->after_set[i]);
			strlist_free(av, na);
			if (bad) {
				fail(l, v, "trigger-after is a list of 1 to %d "
				    "byte classes such as '/.-' and '0-9', for "
				    "the bytes after the trigger token",
				    PX_AFTER_MAX);
				goto fail;
			}
			r->nafter = (int)na;
		} else if (strcmp(k, "trigger-digits") == 0) {
			char **dv;
			size_t nd;
			long lo, hi;

			if (strlist(l, v, "trigger-digits", &dv, &nd))
				goto fail;
			if (int_range(dv, nd, INT_MAX, &lo, &hi)) {
				fail(l, v, "%s", "trigger-digits is [min, max]");
				goto fail;
			}
			r->trigger_digits[0] = (int)lo;
			r->trigger_digits[1] = (int)hi;
		} else if (strcmp(k, "guard") == 0) {
			char **gv;
			size_t ng;
			int bad;

			if (strlist(l, v, "guard", &gv, &ng))
				goto fail;
			bad = ng != 2 || byte_class(gv[0], r->guard_run) ||
			    byte_class(gv[1], r->guard_then);
			strlist_free(gv, ng);
			if (bad) {
				fail(l, v, "%s", "guard is [run, then]: two "
				    "byte classes such as 'A-Za-z\\x80-\\xff' "
				    "and ','");
				goto fail;
			}
			if (guard_overlap(r)) {
				fail(l, v, "%s", "guard: the then class must "
				    "not be empty nor share a byte with the run "
				    "class");
				goto fail;
			}
			r->has_guard = 1;
			r->guard_then1 = guard_single(r->guard_then);
		} else if (strcmp(k, "trigger-lead") == 0 ||
		    strcmp(k, "trigger-prev") == 0) {
			int lead = k[8] == 'l';
			uint8_t *set = lead ? r->lead_set : r->prev_set;

			if ((s = str(l, v, k)) == NULL)
				goto fail;
			if (byte_class(s, set) || !near_some(set)) {
				px_free(s);
				fail(l, v, "%s is a byte class such as '%s'", k,
				    lead ? "(+" : "'");
				goto fail;
			}
			px_free(s);
			if (lead)
				r->has_lead = 1;
			else
				r->has_prev = 1;
		} else if (strcmp(k, "near") == 0) {
			char **nv;
			size_t nn;
			char *end = NULL;
			long m = -1;
			int bad, c;

			if (strlist(l, v, "near", &nv, &nn))
				goto fail;
			bad = nn != 2 || byte_class(nv[0], r->near_set);
			if (!bad) {
				m = strtol(nv[1], &end, 10);
				bad = *nv[1] == '\0' || *end != '\0' || m < 0 ||
				    m > PX_NEAR_MAX;
			}
			strlist_free(nv, nn);
			if (bad) {
				fail(l, v, "near is [bytes, characters]: a byte "
				    "class such as '0-9' and a number 0..%d",
				    PX_NEAR_MAX);
				goto fail;
			}
			if (!near_some(r->near_set)) {
				fail(l, v, "%s", "near: the class is empty");
				goto fail;
			}
			if (px_byte_in(r->near_set, '\n')) {
				fail(l, v, "%s", "near: the class must not hold a "
				    "newline (near looks on the trigger's line)");
				goto fail;
			}
			r->has_near = 1;
			r->near_n = (int)m;
			for (c = 0; c < 256; c++)
				r->near_kind[c] = px_byte_in(r->near_set,
				    (unsigned char)c) ? PX_NEAR_HIT : c == '\n' ?
				    PX_NEAR_STOP : c == ' ' || c == '\t' ||
				    (c & 0xc0) == 0x80 ? PX_NEAR_SKIP :
				    PX_NEAR_COUNT;
		} else if (strcmp(k, "trigger-back") == 0) {
			char **bv;
			size_t nb;
			long lo, hi;

			/* N, or [min, max]: the match starts min to max
			 * tokens before the trigger */
			if (v != NULL && fy_node_get_type(v) == FYNT_SCALAR) {
				if (num(l, v, "trigger-back", 0, 8, &d))
					goto fail;
				r->trigger_back = (int)d;
				r->trigger_back_min = 0;
			} else {
				if (strlist(l, v, "trigger-back", &bv, &nb))
					goto fail;
				if (int_range(bv, nb, 8, &lo, &hi) || hi == 0) {
					fail(l, v, "%s", "trigger-back is a number "
					    "0..8 or [min, max] with 0 <= min <= "
					    "max <= 8, max > 0");
					goto fail;
				}
				r->trigger_back = (int)hi;
				r->trigger_back_min = (int)lo;
			}
		} else if (strcmp(k, "trigger") == 0) {
			if (strlist(l, v, "trigger", &r->triggers,
			    &r->ntriggers))
				goto fail;
		} else if (strcmp(k, "action") == 0) {
			if ((s = str(l, v, "action")) == NULL)
				goto fail;
			r->action = phi_action_parse(s);
			px_free(s);
			if (r->action == PHI_ACT_DEFAULT) {
				fail(l, v, "%s", "action must be tag, redact, "
				    "mask or keep");
				goto fail;
			}
		} else if (strcmp(k, "case") == 0) {
			if (cases(l, v, &r->cases))
				goto fail;
		} else if (strcmp(k, "ambiguous") == 0) {
			if (strlist(l, v, "ambiguous", &r->ambiguous,
			    &r->nambiguous))
				goto fail;
		} else if (strcmp(k, "exclude") == 0) {
			if (strlist(l, v, "exclude", &r->exclude,
			    &r->nexclude))
				goto fail;
		} else if (strcmp(k, "examples") == 0) {
			if (v == NULL || fy_node_get_type(v) !=
			    FYNT_SEQUENCE) {
				fail(l, v, "%s", "examples must be a list");
				goto fail;
			}
			exs = v;
		}
		/* description: free text for people, ignored */
	}
	if (r->id == NULL || r->category == NULL) {
		fail(l, n, "%s", "a rule needs id and category");
		goto fail;
	}
	if ((r->pattern == NULL) == (r->dict == NULL)) {
		fail(l, idn, "rule '%s': needs exactly one of pattern and "
		    "dictionary", r->id);
		goto fail;
	}
	r->kind = r->pattern != NULL ? PX_RULE_REGEX : PX_RULE_DICT;
	if (r->ntriggers > 0 && r->kind != PX_RULE_REGEX) {
		fail(l, idn, "rule '%s': trigger needs a pattern", r->id);
		goto fail;
	}
	if (r->has_near && r->ntriggers == 0) {
		fail(l, idn, "rule '%s': near needs a trigger", r->id);
		goto fail;
	}
	if ((r->nafter > 0 || r->trigger_next != NULL) && r->ntriggers == 0) {
		fail(l, idn, "rule '%s': %s needs a trigger", r->id,
		    r->nafter > 0 ? "trigger-after" : "trigger-next");
		goto fail;
	}
	if (r->nafter > 0 && r->trigger_next != NULL) {
		fail(l, idn, "rule '%s': trigger-after and trigger-next "
		    "together (the first class of trigger-after is the "
		    "byte trigger-next names)", r->id);
		goto fail;
	}
	if (r->has_prev && r->ntriggers == 0) {
		fail(l, idn, "rule '%s': trigger-prev needs a trigger", r->id);
		goto fail;
	}
	if (r->has_lead && (r->ntriggers == 0 || r->trigger_back > 0)) {
		fail(l, idn, "rule '%s': trigger-lead needs a trigger and no "
		    "trigger-back", r->id);
		goto fail;
	}
	/* a key the rule's kind would ignore is an author's mistake */
	if (dk != NULL && r->kind != PX_RULE_DICT) {
		fail(l, dkn, "rule '%s': %s needs a dictionary", r->id, dk);
		goto fail;
	}
	r->pack = (int)l->cfg->spec.npacks - 1;
	if (exs != NULL) {
		struct fy_node *c;

		it = NULL;
		while ((c = fy_node_sequence_iterate(exs, &it)) != NULL)
			if (example(l, c, r->id))
				goto fail;
	}
	if (merge_rule(l, r) != PHI_OK)
		goto fail;
	return PHI_OK;
nomem:
	px_error(l->err, PHI_ENOMEM, "out of memory");
fail:
	px_rule_free(r);
	return l->err != NULL && l->err->code != 0 ? l->err->code : PHI_EPACK;
}

static int
category(struct px_ld *l, const char *name, struct fy_node *n)
{
	static const char *const keys[] = { "action", "tag", "keep",
	    "description", NULL };
	struct px_spec *sp = &l->cfg->spec;
	struct px_category *c = NULL;
	struct fy_node_pair *p;
	void *it = NULL;
	char kb[16], *s;
	const char *k;
	size_t i, cap;
	double d;

	if (is_map(l, n, "a category"))
		return PHI_EPACK;
	for (i = 0; i < sp->ncats; i++)
		if (strcmp(sp->cats[i].name, name) == 0)
			c = &sp->cats[i];
	if (c == NULL) {
		cap = sp->ncats;
		if (px_grow((void **)&sp->cats, &cap, sp->ncats + 1,
		    sizeof(*sp->cats)) != PHI_OK)
			return px_error(l->err, PHI_ENOMEM, "out of memory");
		c = &sp->cats[sp->ncats];
		memset(c, 0, sizeof(*c));
		if ((c->name = px_strdup(name)) == NULL)
			return px_error(l->err, PHI_ENOMEM, "out of memory");
		sp->ncats++;
	}
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		struct fy_node *v = fy_node_pair_value(p);

		if ((k = key_of(l, p, keys, kb, sizeof(kb))) == NULL)
			return PHI_EPACK;
		if (strcmp(k, "description") == 0)
			continue;
		if (strcmp(k, "keep") == 0) {
			if (num(l, v, "keep", 0, 8, &d))
				return PHI_EPACK;
			c->keep = (int)d;
			continue;
		}
		if ((s = str(l, v, k)) == NULL)
			return PHI_EPACK;
		if (strcmp(k, "tag") == 0) {
			px_free(c->tag);
			c->tag = s;
			continue;
		}
		c->action = phi_action_parse(s);
		px_free(s);
		if (c->action == PHI_ACT_DEFAULT)
			return fail(l, v, "%s", "action must be tag, redact, "
			    "mask or keep");
	}
	return PHI_OK;
}

static int
dictionary(struct px_ld *l, const char *name, struct fy_node *n)
{
	static const char *const keys[] = { "file", "words", "description",
	    NULL };
	struct px_spec *sp = &l->cfg->spec;
	struct fy_node_pair *p;
	struct px_dict *d;
	char *file = NULL, kb[16], **words = NULL, *text = NULL;
	size_t nwords = 0, tlen = 0;
	void *it = NULL;
	const char *k;
	size_t i, cap;

	if (is_map(l, n, "a dictionary"))
		return PHI_EPACK;
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		if ((k = key_of(l, p, keys, kb, sizeof(kb))) == NULL)
			goto fail;
		if (strcmp(k, "file") == 0) {
			px_free(file);
			if ((file = str(l, fy_node_pair_value(p), "file")) ==
			    NULL)
				goto fail;
		} else if (strcmp(k, "words") == 0) {
			strlist_free(words, nwords);
			if (strlist(l, fy_node_pair_value(p), "words", &words,
			    &nwords))
				goto fail;
		}
	}
	if ((file == NULL) == (words == NULL)) {
		fail(l, n, "dictionary '%s' needs one of file and words", name);
		goto fail;
	}
	if (words != NULL) {
		/* inline words become the text of a dictionary file */
		size_t w, tcap = 0;

		for (w = 0; w < nwords; w++) {
			size_t wl = strlen(words[w]);

			if (px_grow((void **)&text, &tcap, tlen + wl + 2, 1)) {
				px_error(l->err, PHI_ENOMEM, "out of memory");
				goto fail;
			}
			memcpy(text + tlen, words[w], wl);
			tlen += wl;
			text[tlen++] = '\n';
			text[tlen] = '\0';
		}
	}
	if ((d = px_dict_new(name, file, l->dir)) == NULL) {
		px_error(l->err, PHI_ENOMEM, "out of memory");
		goto fail;
	}
	d->text = text;
	d->text_len = tlen;
	text = NULL;
	px_free(file);
	strlist_free(words, nwords);
	for (i = 0; i < sp->ndicts; i++)
		if (strcmp(sp->dicts[i]->name, name) == 0) {
			px_dict_free(sp->dicts[i]);
			sp->dicts[i] = d;
			return PHI_OK;
		}
	cap = sp->ndicts;
	if (px_grow((void **)&sp->dicts, &cap, sp->ndicts + 1,
	    sizeof(*sp->dicts)) != PHI_OK) {
		px_dict_free(d);
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	}
	sp->dicts[sp->ndicts++] = d;
	return PHI_OK;
fail:
	px_free(file);
	px_free(text);
	strlist_free(words, nwords);
	return PHI_EPACK;
}

/* Each value of mapping n is handed to fn with its key. */
static int
each(struct px_ld *l, struct fy_node *n, const char *what,
    int (*fn)(struct px_ld *, const char *, struct fy_node *))
{
	struct fy_node_pair *p;
	void *it = NULL;
	char kb[128];
	const char *k;

	if (is_map(l, n, what))
		return PHI_EPACK;
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		if ((k = key_of(l, p, NULL, kb, sizeof(kb))) == NULL)
			return PHI_EPACK;
		if (fn(l, k, fy_node_pair_value(p)))
			return PHI_EPACK;
	}
	return PHI_OK;
}

static int
include(struct px_ld *l, struct fy_node *n)
{
	char **v, path[PATH_MAX];
	size_t nv, i;
	int rc = PHI_OK;

	if (strlist(l, n, "include", &v, &nv))
		return PHI_EPACK;
	if (l->cfg->include_depth >= PX_INCLUDE_DEPTH) {
		strlist_free(v, nv);
		return fail(l, n, "%s", "includes nested too deeply (a loop?)");
	}
	l->cfg->include_depth++;
	for (i = 0; i < nv && rc == PHI_OK; i++) {
		if (strchr(v[i], '/') == NULL && strstr(v[i], ".yaml") == NULL)
			snprintf(path, sizeof(path), "%s", v[i]);
		else if (v[i][0] == '/' || l->dir == NULL ||
		    l->dir[0] == '\0' || l->dir[0] == '@')
			snprintf(path, sizeof(path), "%s", v[i]);
		else
			snprintf(path, sizeof(path), "%s/%s", l->dir, v[i]);
		rc = px_pack_add(l->cfg, path, l->err);
	}
	l->cfg->include_depth--;
	strlist_free(v, nv);
	return rc;
}

static void
diag_sink(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	/* libfyaml's text may quote the source; we report from the list. */
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}

static int
parse_error(struct px_ld *l, struct fy_diag *diag)
{
	struct fy_diag_error *e;
	void *it = NULL;

	if ((e = fy_diag_errors_iterate(diag, &it)) != NULL)
		return px_error_at(l->err, l->src, e->line + 1, e->column + 1,
		    "YAML syntax error: %s", e->msg != NULL ? e->msg :
		    "unknown");
	return px_error_at(l->err, l->src, 0, 0, "YAML syntax error");
}

/*
 * propagate: words of findings of these categories are found again
 * wherever they stand after (propagate.c).  A later pack's propagate
 * replaces an earlier one's; `categories: []` turns it off.
 */
static int
propagate(struct px_ld *l, struct fy_node *n)
{
	static const char *const keys[] = { "categories", "exclude",
	    "min-length", "description", NULL };
	struct px_spec *sp = &l->cfg->spec;
	struct fy_node_pair *p;
	char **cats = NULL, **excl = NULL, kb[16];
	size_t ncats = 0, nexcl = 0;
	void *it = NULL;
	const char *k;
	double d = 4;
	int col;

	if (is_map(l, n, "propagate"))
		return PHI_EPACK;
	while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
		struct fy_node *v = fy_node_pair_value(p);

		if ((k = key_of(l, p, keys, kb, sizeof(kb))) == NULL)
			goto fail;
		if (strcmp(k, "categories") == 0) {
			strlist_free(cats, ncats);
			cats = NULL;
			if (strlist(l, v, "categories", &cats, &ncats))
				goto fail;
		} else if (strcmp(k, "exclude") == 0) {
			strlist_free(excl, nexcl);
			excl = NULL;
			if (strlist(l, v, "exclude", &excl, &nexcl))
				goto fail;
		} else if (strcmp(k, "min-length") == 0) {
			if (num(l, v, "min-length", 1, 31, &d))
				goto fail;
		}
	}
	strlist_free(sp->prop_cats, sp->nprop_cats);
	strlist_free(sp->prop_excl, sp->nprop_excl);
	sp->prop_cats = cats;
	sp->nprop_cats = ncats;
	sp->prop_excl = excl;
	sp->nprop_excl = nexcl;
	sp->prop_min = (int)d;
	sp->prop_pack = (int)sp->npacks - 1;
	px_free(sp->prop_src);
	if ((sp->prop_src = px_strdup(l->src)) == NULL)
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	where(n, &sp->prop_line, &col);
	return PHI_OK;
fail:
	strlist_free(cats, ncats);
	strlist_free(excl, nexcl);
	return PHI_EPACK;
}

static int
pack_doc(struct px_ld *l, struct fy_node *root)
{
	static const char *const keys[] = { "schema", "pack", "version",
	    "description", "include", "disable", "threshold", "limits",
	    "categories", "dictionaries", "rules", "hl7", "fhir", "propagate",
	    NULL };
	struct px_spec *sp = &l->cfg->spec;
	struct fy_node *schema = NULL, *name = NULL, *version = NULL, *c;
	struct fy_node_pair *p;
	void *it = NULL;
	char kb[32];
	const char *k;
	double d;
	size_t cap;

	if (is_map(l, root, "a rule pack"))
		return PHI_EPACK;
	if (no_aliases(l, root, 0))
		return PHI_EPACK;
	/* first pass: identity, so that includes and rules know the pack */
	while ((p = fy_node_mapping_iterate(root, &it)) != NULL) {
		if ((k = key_of(l, p, keys, kb, sizeof(kb))) == NULL)
			return PHI_EPACK;
		if (strcmp(k, "schema") == 0)
			schema = fy_node_pair_value(p);
		else if (strcmp(k, "pack") == 0)
			name = fy_node_pair_value(p);
		else if (strcmp(k, "version") == 0)
			version = fy_node_pair_value(p);
	}
	if (schema == NULL || name == NULL || version == NULL)
		return fail(l, root, "%s", "a pack needs schema, pack and "
		    "version");
	if (num(l, schema, "schema", 0, 1000, &d))
		return PHI_EPACK;
	if (d != 1)
		return fail(l, schema, "%s", "unsupported schema version "
		    "(this phiscrub reads schema 1)");
	/* includes come first, so this pack overrides them */
	it = NULL;
	while ((p = fy_node_mapping_iterate(root, &it)) != NULL) {
		key_of(l, p, NULL, kb, sizeof(kb));
		if (strcmp(kb, "include") == 0 &&
		    include(l, fy_node_pair_value(p)))
			return l->err != NULL ? l->err->code : PHI_EPACK;
	}
	cap = sp->npacks;
	if (px_grow((void **)&sp->packs, &cap, sp->npacks + 1,
	    sizeof(*sp->packs)) != PHI_OK)
		return px_error(l->err, PHI_ENOMEM, "out of memory");
	sp->packs[sp->npacks].name = str(l, name, "pack");
	sp->packs[sp->npacks].version = str(l, version, "version");
	if (sp->packs[sp->npacks].name == NULL ||
	    sp->packs[sp->npacks].version == NULL) {
		px_free(sp->packs[sp->npacks].name);
		px_free(sp->packs[sp->npacks].version);
		return PHI_EPACK;
	}
	l->pack = sp->packs[sp->npacks].name;
	sp->npacks++;
	it = NULL;
	while ((p = fy_node_mapping_iterate(root, &it)) != NULL) {
		struct fy_node *v = fy_node_pair_value(p);

		key_of(l, p, NULL, kb, sizeof(kb));
		if (strcmp(kb, "threshold") == 0) {
			if (num(l, v, "threshold", 0, 2, &sp->threshold))
				return PHI_EPACK;
			sp->threshold_set = 1;
		} else if (strcmp(kb, "disable") == 0) {
			char **dv;
			size_t nd, i;

			if (strlist(l, v, "disable", &dv, &nd))
				return PHI_EPACK;
			cap = sp->ndisabled;
			if (px_grow((void **)&sp->disabled, &cap,
			    sp->ndisabled + nd, sizeof(char *)) != PHI_OK) {
				strlist_free(dv, nd);
				return px_error(l->err, PHI_ENOMEM,
				    "out of memory");
			}
			for (i = 0; i < nd; i++)
				sp->disabled[sp->ndisabled++] = dv[i];
			px_free(dv);
		} else if (strcmp(kb, "limits") == 0) {
			static const char *const lk[] = { "match", "depth",
			    "heap", "jit-stack", NULL };
			struct fy_node_pair *q;
			void *it2 = NULL;
			char kb2[16];

			if (is_map(l, v, "limits"))
				return PHI_EPACK;
			while ((q = fy_node_mapping_iterate(v, &it2)) != NULL) {
				if (key_of(l, q, lk, kb2, sizeof(kb2)) == NULL)
					return PHI_EPACK;
				/* packs may lower the limits, never raise */
				if (num(l, fy_node_pair_value(q), kb2, 1,
				    strcmp(kb2, "match") == 0 ? PX_MATCH_LIMIT :
				    strcmp(kb2, "depth") == 0 ? PX_DEPTH_LIMIT :
				    strcmp(kb2, "heap") == 0 ? PX_HEAP_LIMIT_KIB :
				    PX_JIT_STACK_MAX / 1024, &d))
					return PHI_EPACK;
				if (strcmp(kb2, "match") == 0)
					sp->match_limit = (unsigned long)d;
				else if (strcmp(kb2, "depth") == 0)
					sp->depth_limit = (unsigned long)d;
				else if (strcmp(kb2, "heap") == 0)
					sp->heap_limit = (unsigned long)d;
				else
					sp->jit_stack = (unsigned long)d;
			}
		} else if (strcmp(kb, "propagate") == 0) {
			if (propagate(l, v))
				return PHI_EPACK;
		} else if (strcmp(kb, "categories") == 0) {
			if (each(l, v, "categories", category))
				return PHI_EPACK;
		} else if (strcmp(kb, "dictionaries") == 0) {
			if (each(l, v, "dictionaries", dictionary))
				return PHI_EPACK;
		} else if (strcmp(kb, "rules") == 0) {
			if (v == NULL || fy_node_get_type(v) != FYNT_SEQUENCE)
				return fail(l, v, "%s", "rules must be a list");
			{
				void *it2 = NULL;

				while ((c = fy_node_sequence_iterate(v, &it2))
				    != NULL)
					if (rule(l, c))
						return l->err != NULL ?
						    l->err->code : PHI_EPACK;
			}
		} else if (strcmp(kb, "hl7") == 0) {
			if (px_pack_hl7(l, v))
				return l->err != NULL && l->err->code != 0 ?
				    l->err->code : PHI_EPACK;
		} else if (strcmp(kb, "fhir") == 0) {
			if (px_pack_fhir(l, v))
				return l->err != NULL && l->err->code != 0 ?
				    l->err->code : PHI_EPACK;
		} else if (strcmp(kb, "description") == 0 ||
		    strcmp(kb, "include") == 0 || strcmp(kb, "schema") == 0 ||
		    strcmp(kb, "pack") == 0 || strcmp(kb, "version") == 0) {
			if (strcmp(kb, "description") == 0 && (v == NULL ||
			    fy_node_get_type(v) != FYNT_SCALAR))
				return fail(l, v, "%s", "description must be a "
				    "string");
		}
	}
	return PHI_OK;
}

struct key_text {
	const char *s;
	size_t len;
};

static int
key_cmp(const void *a, const void *b)
{
	const struct key_text *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->s, y->s, x->len);
}

/*
 * Might a mapping anywhere under n hold two equal keys?  libfyaml's own
 * check compares each key with every earlier one, a quarter of the parse;
 * this sorts the keys' text.  Keys that are not plain scalars, deep nesting
 * or no memory answer yes: the pack is then parsed again with libfyaml's
 * check, which reports the error as before.
 */
static int
maybe_dup_keys(struct fy_node *n, int depth)
{
	struct key_text *k = NULL;
	struct fy_node_pair *p;
	struct fy_node *c;
	void *it = NULL;
	size_t nk = 0, i;
	int dup = 0;

	if (n == NULL)
		return 0;
	if (depth > 64)
		return 1;
	switch (fy_node_get_type(n)) {
	case FYNT_MAPPING:
		if ((k = px_malloc((size_t)fy_node_mapping_item_count(n) *
		    sizeof(*k))) == NULL)
			return 1;
		while (!dup && (p = fy_node_mapping_iterate(n, &it)) != NULL) {
			c = fy_node_pair_key(p);
			if (c == NULL || fy_node_get_type(c) != FYNT_SCALAR ||
			    fy_node_is_alias(c) || (k[nk].s =
			    fy_node_get_scalar(c, &k[nk].len)) == NULL)
				dup = 1;
			else
				dup = maybe_dup_keys(fy_node_pair_value(p),
				    depth + 1);
			nk++;
		}
		if (!dup && nk > 1) {
			qsort(k, nk, sizeof(*k), key_cmp);
			for (i = 1; i < nk && !dup; i++)
				dup = key_cmp(&k[i - 1], &k[i]) == 0;
		}
		px_free(k);
		break;
	case FYNT_SEQUENCE:
		while (!dup && (c = fy_node_sequence_iterate(n, &it)) != NULL)
			dup = maybe_dup_keys(c, depth + 1);
		break;
	default:
		break;
	}
	return dup;
}

/* Parse yaml, collecting errors in a new *diag. */
static struct fy_document *
parse(const char *yaml, size_t len, int dup_ok, struct fy_diag **diag)
{
	struct fy_parse_cfg pcfg;
	struct fy_diag_cfg dcfg;

	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_sink;
	dcfg.colorize = false;
	dcfg.show_source = false;
	if ((*diag = fy_diag_create(&dcfg)) == NULL)
		return NULL;
	fy_diag_set_collect_errors(*diag, true);
	memset(&pcfg, 0, sizeof(pcfg));
	pcfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG;
	if (dup_ok)
		pcfg.flags |= FYPCF_ALLOW_DUPLICATE_KEYS;
	pcfg.diag = *diag;
	return fy_document_build_from_string(&pcfg, yaml, len);
}

/* builtin: yaml is a built-in pack's text, whose document may be kept. */
static int
load_string(struct phi_config *cfg, const char *yaml, size_t len,
    const char *source, const char *dir, int builtin, struct phi_error *err)
{
	struct fy_diag *diag;
	struct fy_document *fyd = NULL;
	struct px_ld l;
	size_t i;
	int rc;

	memset(&l, 0, sizeof(l));
	l.cfg = cfg;
	l.src = source != NULL ? source : "<string>";
	l.dir = dir;
	l.err = err;
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (len > PX_PACK_MAX_BYTES)
		return px_error_at(err, l.src, 0, 0, "rule pack is larger "
		    "than %d bytes", PX_PACK_MAX_BYTES);
	if (px_utf8_valid_prefix(yaml, len) != len || memchr(yaml, '\0',
	    len) != NULL)
		return px_error_at(err, l.src, 0, 0, "rule pack is not UTF-8 "
		    "text");
	/* the document is only read: a built-in one serves every include */
	for (i = 0; builtin && i < cfg->ndocs; i++)
		if (cfg->docs[i].text == yaml)
			return pack_doc(&l, fy_document_root(cfg->docs[i].fyd));
	fyd = parse(yaml, len, 1, &diag);
	if (diag != NULL && (fyd == NULL ||
	    maybe_dup_keys(fy_document_root(fyd), 0))) {
		/* libfyaml's duplicate-key check, and its error */
		fy_document_destroy(fyd);
		fy_diag_destroy(diag);
		fyd = parse(yaml, len, 0, &diag);
	}
	if (diag == NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	if (fyd == NULL)
		rc = parse_error(&l, diag);
	else
		rc = pack_doc(&l, fy_document_root(fyd));
	if (fyd != NULL && builtin && cfg->ndocs < PX_DOCS_MAX) {
		cfg->docs[cfg->ndocs].text = yaml;
		cfg->docs[cfg->ndocs++].fyd = fyd;
	} else
		fy_document_destroy(fyd);
	fy_diag_destroy(diag);
	return rc;
}

int
px_pack_load_string(struct phi_config *cfg, const char *yaml, size_t len,
    const char *source, const char *dir, struct phi_error *err)
{
	return load_string(cfg, yaml, len, source, dir, 0, err);
}

void
px_pack_docs_free(struct phi_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->ndocs; i++)
		fy_document_destroy(cfg->docs[i].fyd);
	cfg->ndocs = 0;
}

/* Read a whole (small) file: refuses non-regular files and big ones. */
static int
slurp(const char *path, size_t max, char **out, size_t *outlen,
    struct phi_error *err)
{
	struct stat sb;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return px_error_at(err, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return px_error_at(err, path, 0, 0, "not a regular file");
	}
	if ((size_t)sb.st_size > max) {
		close(fd);
		return px_error_at(err, path, 0, 0, "larger than %zu bytes",
		    max);
	}
	if ((buf = px_malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return px_error(err, PHI_ENOMEM, "out of memory");
	}
	while (len < (size_t)sb.st_size) {
		n = read(fd, buf + len, (size_t)sb.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len != (size_t)sb.st_size) {
		px_free(buf);
		return px_error_at(err, path, 0, 0, "read error");
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return PHI_OK;
}

static int
load_file(struct phi_config *cfg, const char *path, struct phi_error *err)
{
	char *buf, *dir, *slash;
	size_t len;
	int rc;

	if ((rc = slurp(path, PX_PACK_MAX_BYTES, &buf, &len, err)) != PHI_OK)
		return rc;
	if ((dir = px_strdup(path)) == NULL) {
		px_free(buf);
		return px_error(err, PHI_ENOMEM, "out of memory");
	}
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	rc = px_pack_load_string(cfg, buf, len, path, dir, err);
	px_free(dir);
	px_free(buf);
	return rc;
}

int
px_pack_load_file(struct phi_config *cfg, const char *path,
    struct phi_error *err)
{
	return load_file(cfg, path, err);
}

/* Read a dictionary file the pack names (used by engine.c). */
int
px_pack_read_dict(const struct px_dict *d, char **buf, size_t *len,
    struct phi_error *err)
{
	char path[PATH_MAX];
	const char *base, *text;

	if (d->text != NULL) {
		*buf = d->text;
		*len = d->text_len;
		return 1;		/* owned by the dictionary */
	}
	if (strcmp(d->dir, "@builtin") == 0) {
		base = strrchr(d->file, '/');
		base = base != NULL ? base + 1 : d->file;
		snprintf(path, sizeof(path), "dict/%s", base);
		if ((text = px_builtin_find(path, len)) == NULL)
			return px_error(err, PHI_EPACK, "built-in dictionary "
			    "'%s' not found", d->name);
		*buf = (char *)text;
		return 1;		/* borrowed: do not free */
	}
	if (d->file[0] == '/' || d->dir[0] == '\0')
		snprintf(path, sizeof(path), "%s", d->file);
	else
		snprintf(path, sizeof(path), "%s/%s", d->dir, d->file);
	return slurp(path, PX_DICT_MAX_BYTES, buf, len, err);
}

/* Load pack `name`: a file, else a built-in pack of that name. */
int
px_pack_add(struct phi_config *cfg, const char *name,
    struct phi_error *err)
{
	struct stat sb;
	char path[PATH_MAX];
	const char *text;
	size_t len;

	if (cfg == NULL || name == NULL)
		return px_error(err, PHI_EINVAL, "no configuration or name");
	/* a bare name is a built-in pack first: a stray file in the
	 * working directory must not replace the default pack */
	if (strchr(name, '/') == NULL && strstr(name, ".yaml") == NULL) {
		snprintf(path, sizeof(path), "rules/%s.yaml", name);
		if ((text = px_builtin_find(path, &len)) != NULL)
			return load_string(cfg, text, len, path, "@builtin", 1,
			    err);
	}
	if (stat(name, &sb) == 0 || strchr(name, '/') != NULL ||
	    strstr(name, ".yaml") != NULL)
		return load_file(cfg, name, err);
	return px_error_at(err, name, 0, 0, "no such rule pack file or "
	    "built-in pack");
}

void
px_spec_free(struct px_spec *sp)
{
	size_t i;

	for (i = 0; i < sp->nrules; i++)
		px_rule_free(sp->rules[i]);
	px_free(sp->rules);
	strlist_free(sp->disabled, sp->ndisabled);
	strlist_free(sp->prop_cats, sp->nprop_cats);
	strlist_free(sp->prop_excl, sp->nprop_excl);
	px_free(sp->prop_src);
	for (i = 0; i < sp->ncats; i++) {
		px_free(sp->cats[i].name);
		px_free(sp->cats[i].tag);
	}
	px_free(sp->cats);
	for (i = 0; i < sp->ndicts; i++)
		px_dict_free(sp->dicts[i]);
	px_free(sp->dicts);
	for (i = 0; i < sp->nexamples; i++) {
		px_free(sp->examples[i].pack);
		px_free(sp->examples[i].rule);
		px_free(sp->examples[i].source);
		px_free(sp->examples[i].in);
		px_free(sp->examples[i].out);
	}
	px_free(sp->examples);
	for (i = 0; i < sp->npacks; i++) {
		px_free(sp->packs[i].name);
		px_free(sp->packs[i].version);
	}
	px_free(sp->packs);
	px_hl7_spec_free(&sp->hl7);
	px_fhir_spec_free(&sp->fhir);
	memset(sp, 0, sizeof(*sp));
}

/*
 * The loader's helpers, for the loaders of other sections (pack-hl7.c), so
 * that every section reports problems the same way.
 */
int
px_pack_fail(struct px_ld *l, struct fy_node *n, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(l, n, "%s", msg);
}

char *
px_pack_str(struct px_ld *l, struct fy_node *n, const char *what)
{
	return str(l, n, what);
}

int
px_pack_bool(struct px_ld *l, struct fy_node *n, const char *what, int *v)
{
	return boolean(l, n, what, v);
}

int
px_pack_strlist(struct px_ld *l, struct fy_node *n, const char *what,
    char ***out, size_t *nout)
{
	return strlist(l, n, what, out, nout);
}

void
px_pack_strlist_free(char **v, size_t n)
{
	strlist_free(v, n);
}

const char *
px_pack_key(struct px_ld *l, struct fy_node_pair *p,
    const char *const *allowed, char *buf, size_t cap)
{
	return key_of(l, p, allowed, buf, cap);
}

void
px_pack_where(struct fy_node *n, int *line, int *col)
{
	where(n, line, col);
}
