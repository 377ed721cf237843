/* SPDX-License-Identifier: MIT */
/*
 * engine.c: configuration and the compiled engine.  A configuration records
 * the packs as named (and parses them at once, so errors surface early); an
 * engine takes that specification or replays the packs into its own, loads
 * dictionaries, compiles every regex and is read-only from then on, so
 * threads may share it.  Per-stream scratch space (match data, JIT stack, token buffers) lives
 * in struct px_scratch.
 */
#include <stdio.h>
#include <string.h>

#include "phiscrub-int.h"

#define DEFAULT_PACK		"safe-harbor"
#define DEFAULT_THRESHOLD	0.5

int
phi_config_create(struct phi_config **cfg)
{
	if (cfg == NULL)
		return PHI_EINVAL;
	if ((*cfg = px_calloc(1, sizeof(**cfg))) == NULL)
		return PHI_ENOMEM;
	(*cfg)->jit = 1;
	(*cfg)->shift_range = 365;
	return PHI_OK;
}

static void
sources_free(struct phi_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nsrc; i++) {
		px_free(cfg->src[i].name);
		px_free(cfg->src[i].text);
		px_free(cfg->src[i].label);
		px_free(cfg->src[i].dir);
	}
	px_free(cfg->src);
}

void
phi_config_destroy(struct phi_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	px_spec_free(&cfg->spec);
	px_pack_docs_free(cfg);
	explicit_bzero(&cfg->keys, sizeof(cfg->keys));
	sources_free(cfg);
	for (i = 0; i < cfg->novr; i++)
		px_free(cfg->ovr[i].what);
	px_free(cfg->ovr);
	px_free(cfg);
}

static int
add_source(struct phi_config *cfg, const char *name, const char *text,
    size_t len, const char *label, const char *dir)
{
	struct px_source *s;
	size_t cap = cfg->nsrc;

	if (px_grow((void **)&cfg->src, &cap, cfg->nsrc + 1,
	    sizeof(*cfg->src)) != PHI_OK)
		return PHI_ENOMEM;
	s = &cfg->src[cfg->nsrc];
	memset(s, 0, sizeof(*s));
	if (name != NULL && (s->name = px_strdup(name)) == NULL)
		return PHI_ENOMEM;
	if (text != NULL && (s->text = px_strndup(text, len)) == NULL)
		goto nomem;
	s->len = len;
	if (label != NULL && (s->label = px_strdup(label)) == NULL)
		goto nomem;
	if (dir != NULL && (s->dir = px_strdup(dir)) == NULL)
		goto nomem;
	cfg->nsrc++;
	return PHI_OK;
nomem:
	px_free(s->name);
	px_free(s->text);
	px_free(s->label);
	return PHI_ENOMEM;
}

/* Parse the packs of cfg, in order, into dst. */
static int
replay(struct phi_config *dst, const struct phi_config *cfg,
    struct phi_error *err)
{
	size_t i;
	int rc = PHI_OK;

	for (i = 0; i < cfg->nsrc && rc == PHI_OK; i++) {
		const struct px_source *s = &cfg->src[i];

		rc = s->name != NULL ? px_pack_add(dst, s->name, err) :
		    px_pack_load_string(dst, s->text, s->len, s->label,
		    s->dir, err);
	}
	return rc;
}

/*
 * An engine took the spec: parse the packs again before adding one, so
 * that it is checked against the same spec as before.
 */
static int
spec_back(struct phi_config *cfg, struct phi_error *err)
{
	int rc;

	if (cfg->spec_state != PX_SPEC_TAKEN)
		return PHI_OK;
	px_spec_free(&cfg->spec);
	memset(&cfg->spec, 0, sizeof(cfg->spec));
	if ((rc = replay(cfg, cfg, err)) != PHI_OK) {
		cfg->spec_state = PX_SPEC_DIRTY;
		return rc;
	}
	cfg->spec_state = PX_SPEC_FRESH;
	return PHI_OK;
}

int
phi_config_add_pack(struct phi_config *cfg, const char *name,
    struct phi_error *err)
{
	int rc;

	if (cfg == NULL || name == NULL)
		return px_error(err, PHI_EINVAL, "no configuration or name");
	if ((rc = spec_back(cfg, err)) != PHI_OK)
		return rc;
	if ((rc = px_pack_add(cfg, name, err)) != PHI_OK) {
		cfg->spec_state = PX_SPEC_DIRTY;
		return rc;
	}
	if (add_source(cfg, name, NULL, 0, NULL, NULL) != PHI_OK) {
		cfg->spec_state = PX_SPEC_DIRTY;
		return px_error(err, PHI_ENOMEM, "out of memory");
	}
	return PHI_OK;
}

int
phi_config_add_pack_string(struct phi_config *cfg, const char *yaml,
    size_t len, const char *source, const char *dir, struct phi_error *err)
{
	int rc;

	if (cfg == NULL || yaml == NULL)
		return px_error(err, PHI_EINVAL, "no configuration or text");
	if ((rc = spec_back(cfg, err)) != PHI_OK)
		return rc;
	if ((rc = px_pack_load_string(cfg, yaml, len, source, dir, err)) !=
	    PHI_OK) {
		cfg->spec_state = PX_SPEC_DIRTY;
		return rc;
	}
	if (add_source(cfg, NULL, yaml, len, source, dir) != PHI_OK) {
		cfg->spec_state = PX_SPEC_DIRTY;
		return px_error(err, PHI_ENOMEM, "out of memory");
	}
	return PHI_OK;
}

int
phi_config_set_action(struct phi_config *cfg, const char *what,
    enum phi_action act)
{
	size_t cap;

	if (cfg == NULL || what == NULL || act == PHI_ACT_DEFAULT)
		return PHI_EINVAL;
	cap = cfg->novr;
	if (px_grow((void **)&cfg->ovr, &cap, cfg->novr + 1,
	    sizeof(*cfg->ovr)) != PHI_OK)
		return PHI_ENOMEM;
	if ((cfg->ovr[cfg->novr].what = px_strdup(what)) == NULL)
		return PHI_ENOMEM;
	cfg->ovr[cfg->novr++].act = act;
	return PHI_OK;
}

void
phi_config_set_on_error(struct phi_config *cfg, enum phi_on_error oe)
{
	if (cfg != NULL)
		cfg->on_error = oe;
}

void
phi_config_set_shift_range(struct phi_config *cfg, int days)
{
	if (cfg != NULL && days >= 1 && days <= 36500)
		cfg->shift_range = days;
}

void
phi_config_set_jit(struct phi_config *cfg, int on)
{
	if (cfg != NULL)
		cfg->jit = on;
}

static int
dict_index(const struct px_spec *sp, const char *name)
{
	size_t i;

	for (i = 0; i < sp->ndicts; i++)
		if (strcmp(sp->dicts[i]->name, name) == 0)
			return (int)i;
	return -1;
}

static int
dict_indexes(const struct px_spec *sp, const struct px_rule *r, char **names,
    size_t n, int **out, struct phi_error *err)
{
	size_t i;

	if (n == 0)
		return PHI_OK;
	if ((*out = px_calloc(n, sizeof(int))) == NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if (((*out)[i] = dict_index(sp, names[i])) < 0)
			return px_error_at(err, r->source, r->line, 1,
			    "rule '%s': unknown dictionary '%s'", r->id,
			    names[i]);
	return PHI_OK;
}

/*
 * The pack's propagate: one rule "propagate" per category, which the
 * findings of propagate.c carry (audit, actions), and the exclude
 * dictionaries as indexes.
 */
static int
propagation(struct phi_engine *eng, struct phi_error *err)
{
	struct px_spec *sp = &eng->spec;
	size_t i;

	if (sp->nprop_cats == 0)
		return PHI_OK;
	if (sp->nprop_cats > 255)	/* propagate.c keeps a byte each */
		return px_error_at(err, sp->prop_src, sp->prop_line, 1,
		    "propagate: more than 255 categories");
	if ((eng->prop = px_calloc(sp->nprop_cats, sizeof(*eng->prop))) ==
	    NULL || (sp->nprop_excl > 0 && (eng->prop_excl_idx =
	    px_calloc(sp->nprop_excl, sizeof(int))) == NULL))
		return px_error(err, PHI_ENOMEM, "out of memory");
	for (i = 0; i < sp->nprop_excl; i++) {
		int di = eng->prop_excl_idx[i] = dict_index(sp,
		    sp->prop_excl[i]);

		if (di < 0)
			return px_error_at(err, sp->prop_src, sp->prop_line,
			    1, "propagate: unknown dictionary '%s'",
			    sp->prop_excl[i]);
		if (di < 32)	/* the lexicon holds the first 32 */
			eng->prop_excl_mask |= 1ULL << di;
		else
			eng->prop_excl_far = 1;
	}
	for (i = 0; i < sp->nprop_cats; i++) {
		struct px_rule *r;

		if (px_category_of(eng, sp->prop_cats[i]) == NULL)
			return px_error_at(err, sp->prop_src, sp->prop_line,
			    1, "propagate: unknown category '%s'",
			    sp->prop_cats[i]);
		if ((r = eng->prop[eng->nprop] = px_calloc(1,
		    sizeof(*r))) == NULL)
			return px_error(err, PHI_ENOMEM, "out of memory");
		eng->nprop++;
		if ((r->id = px_strdup("propagate")) == NULL ||
		    (r->category = px_strdup(sp->prop_cats[i])) == NULL)
			return px_error(err, PHI_ENOMEM, "out of memory");
		r->pack = sp->prop_pack;
		r->score = 1.0;
		r->dict_idx = -1;
		px_rule_bind_cat(eng, r);
	}
	eng->has_dict_rules = 1;	/* it reads the tokens */
	return PHI_OK;
}

/*
 * One table for the trigger words of all triggered rules: word -> index of
 * the set of rules it starts (trig_masks), so a token costs one probe
 * whatever the number of triggered rules.
 */
static int
triggers(struct phi_engine *eng, struct phi_error *err)
{
	char *text = NULL, f[256];
	size_t i, j, tlen = 0, cap = 0, n, ntw = 0;
	int rc;

	for (i = 0; i < eng->nactive; i++) {
		struct px_rule *r = eng->active[i];

		if (r->ntriggers == 0)
			continue;
		if (eng->ntrig >= PX_TRIGGER_RULES_MAX) {
			px_free(text);
			return px_error_at(err, r->source, r->line, 1,
			    "more than %d rules with triggers",
			    PX_TRIGGER_RULES_MAX);
		}
		eng->trig_rules[eng->ntrig] = r;
		for (j = 0; j < r->ntriggers; j++) {
			size_t wl = strlen(r->triggers[j]);

			if (strcmp(r->triggers[j], "@digit") == 0) {
				px_tmask_set(&eng->trig_digit, eng->ntrig);
				continue;
			}
			if (strcmp(r->triggers[j], "@any") == 0) {
				px_tmask_set(&eng->trig_any, eng->ntrig);
				continue;
			}
			if (strchr(r->triggers[j], ' ') != NULL) {
				px_free(text);
				return px_error_at(err, r->source, r->line, 1,
				    "rule '%s': a trigger is one word", r->id);
			}
			if (px_grow((void **)&text, &cap, tlen + wl + 2, 1)) {
				px_free(text);
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
			}
			memcpy(text + tlen, r->triggers[j], wl);
			tlen += wl;
			text[tlen++] = '\n';
			ntw++;
		}
		eng->ntrig++;
	}
	if (eng->ntrig == 0)
		return PHI_OK;
	if ((eng->trig = px_dict_new("triggers", NULL, NULL)) == NULL) {
		px_free(text);
		return px_error(err, PHI_ENOMEM, "out of memory");
	}
	rc = px_dict_load(eng->trig, text != NULL ? text : "", tlen, err);
	px_free(text);
	if (rc != PHI_OK)
		return rc;
	/* at most one set per trigger word, and the empty set at 0 */
	if ((eng->trig_masks = px_calloc(ntw + 1, sizeof(*eng->trig_masks))) ==
	    NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	eng->ntrig_masks = 1;
	for (i = 0; i < (size_t)eng->ntrig; i++) {
		const struct px_rule *r = eng->trig_rules[i];

		for (j = 0; j < r->ntriggers; j++) {
			uint64_t x;

			if (r->triggers[j][0] == '@')
				continue;
			if ((rc = px_fold(r->triggers[j], strlen(r->triggers[j]),
			    f, sizeof(f), &n)) != PHI_OK)
				return px_error_at(err, r->source, r->line, 1,
				    "rule '%s': bad trigger", r->id);
			x = px_dict_value(eng->trig, px_hash(f, n), f, n);
			if (x == 0) {
				x = eng->ntrig_masks++;
				/* the value is 0 before: OR sets it */
				if ((rc = px_dict_set_value(eng->trig, f, n,
				    x)) != PHI_OK)
					return px_error_at(err, r->source,
					    r->line, 1, "rule '%s': bad "
					    "trigger", r->id);
			}
			px_tmask_set(&eng->trig_masks[x], (int)i);
		}
	}
	eng->has_dict_rules = 1;	/* triggers need the tokens */
	if (px_trigger_table(eng) != PHI_OK)
		return px_error(err, PHI_ENOMEM, "out of memory");
	return PHI_OK;
}

/* Load dictionaries, resolve names, compile patterns. */
static int
compile(struct phi_engine *eng, struct phi_error *err)
{
	struct px_spec *sp = &eng->spec;
	size_t i, j;
	int rc;

	for (i = 0; i < sp->ndisabled; i++) {
		for (j = 0; j < sp->nrules; j++)
			if (strcmp(sp->rules[j]->id, sp->disabled[i]) == 0)
				break;
		if (j == sp->nrules)
			return px_error(err, PHI_EPACK, "disable: no rule "
			    "with id '%s'", sp->disabled[i]);
		sp->rules[j]->disabled = 1;
	}
	/* the examples of a disabled rule no longer describe the engine */
	for (i = j = 0; i < sp->nexamples; i++) {
		size_t k;
		int off = 0;

		for (k = 0; k < sp->nrules; k++)
			if (sp->rules[k]->disabled &&
			    strcmp(sp->rules[k]->id, sp->examples[i].rule) == 0)
				off = 1;
		if (off) {
			px_free(sp->examples[i].pack);
			px_free(sp->examples[i].rule);
			px_free(sp->examples[i].source);
			px_free(sp->examples[i].in);
			px_free(sp->examples[i].out);
		} else
			sp->examples[j++] = sp->examples[i];
	}
	sp->nexamples = j;
	for (i = 0; i < sp->ndicts; i++) {
		char *buf = NULL;
		size_t len = 0;
		int borrowed;

		rc = px_pack_read_dict(sp->dicts[i], &buf, &len, err);
		if (rc < 0)
			return rc;
		borrowed = rc == 1;	/* built-in text stays in the binary */
		rc = px_dict_load(sp->dicts[i], buf, len, err);
		if (!borrowed)
			px_free(buf);
		if (rc != PHI_OK)
			return rc;
	}
	if ((eng->active = px_calloc(sp->nrules + 1, sizeof(*eng->active))) ==
	    NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	for (i = 0; i < sp->nrules; i++) {
		struct px_rule *r = sp->rules[i];

		if (r->disabled)
			continue;
		if ((rc = px_context_compile(&r->ctx, err)) != PHI_OK)
			return rc;
		if (r->ctx.nwords > 0)
			eng->has_dict_rules = 1;	/* context reads tokens */
		if (r->kind == PX_RULE_REGEX) {
			uint32_t cap = 0;

			if ((rc = px_regex_compile(r, eng->jit, err)) != PHI_OK)
				return rc;
			pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT,
			    &cap);
			if (cap > eng->max_groups)
				eng->max_groups = cap;
		} else {
			if ((r->dict_idx = dict_index(sp, r->dict)) < 0)
				return px_error_at(err, r->source, r->line, 1,
				    "rule '%s': unknown dictionary '%s'",
				    r->id, r->dict);
			if ((rc = dict_indexes(sp, r, r->ambiguous,
			    r->nambiguous, &r->ambiguous_idx, err)) != PHI_OK)
				return rc;
			eng->has_dict_rules = 1;
		}
		if ((rc = dict_indexes(sp, r, r->exclude, r->nexclude,
		    &r->exclude_idx, err)) != PHI_OK)
			return rc;
		if (r->nexclude > 0 && r->kind == PX_RULE_REGEX)
			eng->has_dict_rules = eng->regex_exclude = 1;
		px_rule_bind_cat(eng, r);
		eng->active[eng->nactive++] = r;
	}
	if ((rc = propagation(eng, err)) != PHI_OK)
		return rc;
	if (eng->has_dict_rules && px_lexicon_build(&eng->lex, sp->dicts,
	    sp->ndicts < 32 ? sp->ndicts : 32) != PHI_OK)
		return px_error(err, PHI_ENOMEM, "out of memory");
	memset(eng->dict_list, -1, sizeof(eng->dict_list));
	for (i = 0; i < eng->nactive; i++) {
		const struct px_rule *r = eng->active[i];

		if (r->kind == PX_RULE_DICT && r->dict_idx < 32) {
			eng->dict_main |= 1ULL << r->dict_idx |
			    1ULL << (32 + r->dict_idx);
			if (eng->dict_list[r->dict_idx] < 0)
				eng->dict_list[r->dict_idx] =
				    (int8_t)eng->ndict_lists++;
		}
	}
	if (!sp->threshold_set)
		sp->threshold = DEFAULT_THRESHOLD;
	/* keyed actions without a key: refuse now, not on the first hit */
	for (i = 0; i < eng->nactive; i++) {
		enum phi_action a = px_action_of(eng, eng->active[i]);

		if (px_action_needs_key(a) && !eng->keys.set)
			return px_error(err, PHI_EKEY, "rule '%s': action '%s' "
			    "needs a key (--key-file)", eng->active[i]->id,
			    px_action_name(a));
	}
	if ((rc = px_hl7_compile(eng, err)) != PHI_OK ||
	    (rc = px_fhir_compile(eng, err)) != PHI_OK)
		return rc;
	return triggers(eng, err);
}

int
phi_engine_create(const struct phi_config *cfg, struct phi_engine **engp,
    struct phi_error *err)
{
	/* cfg stays the caller's, but its parsed spec may move, below */
	struct phi_config *mc = (struct phi_config *)cfg, *tmp = NULL;
	struct phi_engine *eng;
	size_t i;
	int rc, fresh = PX_SPEC_FRESH;

	if (cfg == NULL || engp == NULL)
		return px_error(err, PHI_EINVAL, "no configuration");
	*engp = NULL;
	if ((eng = px_calloc(1, sizeof(*eng))) == NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	/*
	 * The packs as parsed at add time are what replaying them gives, and
	 * parsing is most of start-up: the first engine takes that spec
	 * (atomically: engines may be created in parallel); the others, or
	 * any after a failed add, replay the packs into a fresh spec.
	 */
	if (cfg->nsrc > 0 && __atomic_compare_exchange_n(&mc->spec_state,
	    &fresh, PX_SPEC_TAKEN, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		eng->spec = mc->spec;
		memset(&mc->spec, 0, sizeof(mc->spec));
	} else {
		if ((rc = phi_config_create(&tmp)) != PHI_OK) {
			px_free(eng);
			return px_error(err, rc, "out of memory");
		}
		rc = cfg->nsrc == 0 ? px_pack_add(tmp, DEFAULT_PACK, err) :
		    replay(tmp, cfg, err);
		if (rc != PHI_OK) {
			phi_config_destroy(tmp);
			px_free(eng);
			return rc;
		}
		eng->spec = tmp->spec;
		memset(&tmp->spec, 0, sizeof(tmp->spec));
		phi_config_destroy(tmp);
	}
	eng->on_error = cfg->on_error;
	eng->jit = cfg->jit;
	eng->keys = cfg->keys;
	eng->shift_range = cfg->shift_range;
	if (cfg->novr > 0) {
		if ((eng->ovr = px_calloc(cfg->novr, sizeof(*eng->ovr))) ==
		    NULL) {
			phi_engine_destroy(eng);
			return px_error(err, PHI_ENOMEM, "out of memory");
		}
		for (i = 0; i < cfg->novr; i++) {
			eng->ovr[i].act = cfg->ovr[i].act;
			if ((eng->ovr[i].what = px_strdup(cfg->ovr[i].what)) ==
			    NULL) {
				phi_engine_destroy(eng);
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
			}
			eng->novr++;
		}
	}
	if ((rc = compile(eng, err)) != PHI_OK) {
		phi_engine_destroy(eng);
		return rc;
	}
	*engp = eng;
	return PHI_OK;
}

void
phi_engine_destroy(struct phi_engine *eng)
{
	size_t i;

	if (eng == NULL)
		return;
	for (i = 0; i < eng->nprop; i++)
		px_rule_free(eng->prop[i]);
	px_free(eng->prop);
	px_free(eng->prop_excl_idx);
	px_spec_free(&eng->spec);
	explicit_bzero(&eng->keys, sizeof(eng->keys));
	px_free(eng->active);
	px_dict_free(eng->trig);
	px_dict_free(eng->lex);
	px_free(eng->trig_ok);
	px_free(eng->trig_masks);
	for (i = 0; i < eng->novr; i++)
		px_free(eng->ovr[i].what);
	px_free(eng->ovr);
	px_free(eng);
}

size_t
phi_engine_rule_count(const struct phi_engine *eng)
{
	return eng != NULL ? eng->nactive : 0;
}

int
phi_engine_pack(const struct phi_engine *eng, size_t i, const char **name,
    const char **version)
{
	if (eng == NULL || i >= eng->spec.npacks)
		return PHI_EINVAL;
	*name = eng->spec.packs[i].name;
	*version = eng->spec.packs[i].version;
	return PHI_OK;
}

size_t
phi_engine_example_count(const struct phi_engine *eng)
{
	return eng != NULL ? eng->spec.nexamples : 0;
}

int
phi_engine_example_get(const struct phi_engine *eng, size_t i,
    struct phi_example *ex)
{
	const struct px_example *e;

	if (eng == NULL || i >= eng->spec.nexamples || ex == NULL)
		return PHI_EINVAL;
	e = &eng->spec.examples[i];
	ex->pack = e->pack;
	ex->rule = e->rule;
	ex->source = e->source;
	ex->line = e->line;
	ex->in = e->in;
	ex->out = e->out;
	return PHI_OK;
}

int
px_scratch_init(const struct phi_engine *eng, struct px_scratch *sc,
    struct phi_error *err)
{
	pcre2_general_context *g;

	memset(sc, 0, sizeof(*sc));
	if ((g = px_pcre2_gctx()) == NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	sc->md = pcre2_match_data_create(eng->max_groups + 1, g);
	sc->mctx = pcre2_match_context_create(g);
	if (eng->jit)
		sc->jstack = pcre2_jit_stack_create(eng->spec.jit_stack != 0 &&
		    eng->spec.jit_stack < 32 ? eng->spec.jit_stack * 1024 :
		    32 * 1024, eng->spec.jit_stack != 0 ? eng->spec.jit_stack *
		    1024 : PX_JIT_STACK_MAX, g);
	pcre2_general_context_free(g);
	if (sc->md == NULL || sc->mctx == NULL || (eng->jit &&
	    sc->jstack == NULL)) {
		px_scratch_free(sc);
		return px_error(err, PHI_ENOMEM, "out of memory");
	}
	pcre2_set_match_limit(sc->mctx, eng->spec.match_limit != 0 ?
	    (uint32_t)eng->spec.match_limit : PX_MATCH_LIMIT);
	pcre2_set_depth_limit(sc->mctx, eng->spec.depth_limit != 0 ?
	    (uint32_t)eng->spec.depth_limit : PX_DEPTH_LIMIT);
	pcre2_set_heap_limit(sc->mctx, eng->spec.heap_limit != 0 ?
	    (uint32_t)eng->spec.heap_limit : PX_HEAP_LIMIT_KIB);
	if (sc->jstack != NULL)
		pcre2_jit_stack_assign(sc->mctx, NULL, sc->jstack);
	return PHI_OK;
}

void
px_scratch_free(struct px_scratch *sc)
{
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	pcre2_jit_stack_free(sc->jstack);
	px_free(sc->tok);
	px_free(sc->tokblk);
	px_free(sc->cand);
	px_free(sc->candcls);
	px_free(sc->ngrams);
	px_free(sc->fire);
	px_free(sc->fireidx);
	px_free(sc->ftok);
	px_free(sc->fcount);
	px_free(sc->fsort);
	if (sc->fold != NULL)
		px_wipe_free(sc->fold, sc->foldcap);
	if (sc->words != NULL)		/* words of the input */
		px_wipe_free(sc->words, PX_WORD_CACHE * sizeof(*sc->words));
	memset(sc, 0, sizeof(*sc));
}

/*
 * Run every rule over text[0..len), keeping findings that touch [from, to),
 * then resolve them.  On a detector failure the whole of [from, to) becomes
 * one error finding: fail closed.  Returns PHI_OK or that failure's status.
 */
int
px_detect(const struct phi_engine *eng, struct px_scratch *sc,
    const char *text, size_t len, size_t from, size_t to,
    struct px_findings *fs)
{
	size_t i;
	int rc = PHI_OK;

	fs->n = 0;
	if (eng->has_dict_rules)
		rc = px_tokenize(sc, text, len);
	sc->fail_rule = NULL;
	for (i = 0; i < eng->nactive && rc == PHI_OK; i++) {
		const struct px_rule *r = eng->active[i];

		if (r->ntriggers > 0)
			continue;		/* below, at trigger tokens */
		if (r->kind == PX_RULE_REGEX)
			rc = px_regex_run(eng, r, sc, text, len, from, to, fs);
		else
			rc = px_dict_run(eng, r, sc, text, len, from, to, fs);
		if (rc != PHI_OK)
			sc->fail_rule = r->id;
	}
	if (rc == PHI_OK && eng->ntrig > 0)
		rc = px_regex_run_triggered(eng, sc, text, len, from, to, fs);
	if (rc == PHI_OK && eng->regex_exclude)
		rc = px_dict_exclude(eng, sc, fs);
	if (rc != PHI_OK) {
		/* one marker per line keeps the line structure */
		size_t a = from, b;

		fs->n = 0;
		while (a < to) {
			const char *nl = memchr(text + a, '\n', to - a);

			b = nl != NULL ? (size_t)(nl - text) : to;
			if (b > a && px_findings_add(fs, a, b, NULL, 1.0, rc) !=
			    PHI_OK)
				return PHI_ENOMEM;
			a = b + 1;
		}
		return rc;
	}
	px_resolve(eng, fs, text);
	return PHI_OK;
}
