/* SPDX-License-Identifier: MIT */
/*
 * phiscrub-int.h: private structures and px_ prototypes of libphiscrub,
 * grouped by the file that defines them.
 */
#ifndef PHISCRUB_INT_H
#define PHISCRUB_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>

#include "phiscrub.h"
#include "phiscrub-limits.h"

#define PX_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Index of the lowest set bit of a non-zero mask. */
static inline int
px_ctz64(uint64_t m)
{
#if defined(__GNUC__)
	return __builtin_ctzll(m);
#else
	int n = 0;

	while (!(m & 1)) {
		m >>= 1;
		n++;
	}
	return n;
#endif
}

/* A set of triggered rules, bit b for the engine's trig_rules[b]. */
#define PX_TMASK_WORDS	(PX_TRIGGER_RULES_MAX / 64)
struct px_tmask {
	uint64_t w[PX_TMASK_WORDS];
};

static inline void
px_tmask_set(struct px_tmask *m, int b)
{
	m->w[b / 64] |= 1ULL << (b % 64);
}

static inline int
px_tmask_has(const struct px_tmask *m, int b)
{
	return (m->w[b / 64] >> (b % 64) & 1) != 0;
}

/* The value of hex digit c, or -1. */
static inline int
px_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* Is byte c in the 256-bit set? */
static inline int
px_byte_in(const uint8_t *set, unsigned char c)
{
	return set[c >> 3] >> (c & 7) & 1;
}

/* Validators a regex rule can ask for (bit mask). */
enum px_validator {
	PX_VAL_DATE = 1 << 0,	/* month 1-12, day valid for the month */
	PX_VAL_LUHN = 1 << 1,	/* Luhn check digit */
	PX_VAL_SSN = 1 << 2,	/* SSA area/group/serial ranges */
	PX_VAL_IPV4 = 1 << 3,	/* four octets 0-255 */
	PX_VAL_AGE90 = 1 << 4,	/* the first number is 90..130 */
	PX_VAL_YEAR = 1 << 5	/* a 4-digit year in 1880..2100 */
};

/* Token case classes a dictionary rule accepts (bit mask). */
enum px_case {
	PX_CASE_LOWER = 1 << 0,
	PX_CASE_TITLE = 1 << 1,
	PX_CASE_UPPER = 1 << 2
};

struct px_context {
	char **words;		/* folded context words or phrases */
	size_t nwords;
	int window;		/* bytes before and after the span */
	int required;		/* drop the finding without context */
	double boost;		/* added to the score when context is found */
	int before_only;	/* look before the span only */
	int same_line;		/* the window stops at line ends */
	struct px_dict *dict;	/* the words as tokens (engine.c) */
	char **rest;		/* words that are no tokens: byte scan */
	size_t *rest_len;
	size_t nrest;
	uint8_t rest_first[32];	/* first bytes of rest, | 0x20 */
};

/* Bytes after the trigger token a trigger-after can name. */
#define PX_AFTER_MAX	3

enum px_rule_kind { PX_RULE_REGEX, PX_RULE_DICT };

/*
 * struct px_rule - one compiled rule.  Strings and the regex are owned by
 * the rule and freed by px_rule_free().  After engine creation, read-only.
 */
struct px_rule {
	char *id;
	char *category;
	const struct px_category *cat;	/* its entry, set for the engine's
					   active rules; else NULL */
	int kind;
	int pack;			/* index into engine packs */
	enum phi_action action;		/* PHI_ACT_DEFAULT: inherit */
	int disabled;
	double score;
	double ambiguous_score;
	int priority;
	/* regex */
	char *pattern;
	pcre2_code *re;
	int jitted;			/* re has JIT code */
	int has_first;			/* first: the bytes a match attempt
					   can start with (triggered rules) */
	uint8_t first[32];
	int has_guard;			/* guard: an attempt at off needs a
					   run of guard_run bytes from off,
					   then a guard_then byte */
	uint8_t guard_run[32];
	uint8_t guard_then[32];
	int guard_then1;		/* the THEN byte if it is one, or -1 */
	int has_near;			/* near: a byte of near_set within
					   near_n characters from the
					   trigger token, on its line */
	int near_n;
	uint8_t near_set[32];
	uint8_t near_kind[256];		/* PX_NEAR_* of each byte */
	int has_lead;			/* trigger-lead: an attempt starts at
					   the byte before the trigger token
					   first if it is in lead_set */
	uint8_t lead_set[32];
	int has_prev;			/* trigger-prev: the byte before the
					   trigger token is in prev_set */
	uint8_t prev_set[32];
	int caseless;
	int group;			/* capture group that is the PHI; 0 = all */
	unsigned validators;
	char **triggers;		/* folded words; "@digit": digit tokens */
	size_t ntriggers;
	int trigger_back;		/* tokens before the trigger to try */
	int trigger_back_min;		/* ... from this many before it */
	char *trigger_next;		/* a byte of these must follow it */
	int nafter;			/* trigger-after: classes of the 1st
					   to nafter-th bytes after it */
	uint8_t after_set[PX_AFTER_MAX][32];
	int trigger_digits[2];		/* leading digits of the trigger */
	/* dictionary */
	char *dict;			/* dictionary name */
	int dict_idx;
	char **ambiguous;		/* dictionaries whose words need context */
	size_t nambiguous;
	int *ambiguous_idx;
	char **exclude;			/* dictionaries whose words never match */
	size_t nexclude;
	int *exclude_idx;
	unsigned cases;
	int expand;			/* grow over adjacent name-like tokens */
	double adjacent_boost;		/* when next to a finding of its kind */
	int nomerge;			/* never merge with blank-separated
					   findings of its category */
	int min_len;
	int birth;			/* hl7: a birth date (generalize
					   aggregates ages over 89) */
	struct px_context ctx;
	/* where it was defined, for diagnostics */
	char *source;
	int line;
};

/* What a byte is to a near scan: counted, its class, a line end, or
 * skipped (a blank, or a byte inside a character). */
#define PX_NEAR_COUNT	0
#define PX_NEAR_HIT	1
#define PX_NEAR_STOP	2
#define PX_NEAR_SKIP	3

struct px_category {
	char *name;
	char *tag;
	enum phi_action action;
	int keep;			/* mask: trailing characters kept */
};

struct px_example {
	char *pack;
	char *rule;
	char *source;
	int line;
	char *in;
	char *out;			/* NULL: unchanged */
};

struct px_pack {
	char *name;
	char *version;
};

/* A set of folded strings: open addressing over 64-bit hashes. */
struct px_dict {
	char *name;
	char *file;			/* as written in the pack */
	char *dir;			/* directory it resolves against */
	char *text;			/* inline words, one per line */
	size_t text_len;
	uint64_t *hashes;		/* 0 = empty slot */
	uint32_t *offs;			/* entry offsets into arena */
	char *arena;
	size_t arena_len;
	size_t nslots;			/* power of two */
	size_t nentries;
	int max_words;			/* longest entry in words */
	struct px_dict *prefix;		/* first words of multi-word entries */
	uint64_t *vals;			/* optional value per slot */
	uint64_t *bloom;		/* 2-bit Bloom filter over the hashes */
	uint64_t bloom_mask;		/* bits - 1 */
	uint32_t *order;		/* entry offsets, in file order */
	size_t norder;
	size_t ordcap;
};

/*
 * HL7 v2 field rules: the hl7: section of packs (pack-hl7.c), applied by
 * the HL7 reader (hl7.c).  See doc/hl7.md.
 */
enum px_hl7_kind {
	PX_HL7_SCAN = 1,		/* run the text detectors on the value */
	PX_HL7_KEEP,			/* pass the value as it is */
	PX_HL7_ACT,			/* replace it: the rule's action */
	PX_HL7_DROP			/* segments only: leave the segment out */
};

/* Data types whose components a field rule can tell apart. */
enum px_hl7_type {
	PX_HL7_T_NONE = 0,		/* every component */
	PX_HL7_T_XPN, PX_HL7_T_XCN, PX_HL7_T_XAD, PX_HL7_T_XTN,
	PX_HL7_T_CX, PX_HL7_T_EI, PX_HL7_T_XON, PX_HL7_T_DTM,
	PX_HL7_T_ED, PX_HL7_T_NDL, PX_HL7_T_EIP
};

/*
 * What a component is within its type, when that gives it a category of
 * its own (the city of an XAD is a LOCATION, whatever the field's).
 */
enum px_hl7_role {
	PX_HL7_R_MAIN = 0, PX_HL7_R_ID, PX_HL7_R_LOCATION, PX_HL7_R_ZIP,
	PX_HL7_R_EMAIL, PX_HL7_R_N
};

/*
 * struct px_hl7_rule - a path and what happens to the values under it.
 * Numbers are 1-based; 0 means every one.  @rules are the synthetic rules
 * findings name (per role, NULL where the type has no such role),
 * @krules those of known-identifier findings in free text.
 */
struct px_hl7_rule {
	char seg[4];			/* "PID", or "Z*" for Z-segments */
	int field;			/* 0: a segment-level rule */
	int rep;
	int comp;
	int sub;
	char **vtypes;			/* OBX-2 values it is limited to */
	size_t nvtypes;
	int kind;			/* enum px_hl7_kind */
	int type;			/* enum px_hl7_type */
	int known;			/* feeds the known identifiers */
	int birth;			/* a birth date */
	char *path;			/* as written in the pack */
	char *category;
	enum phi_action action;
	struct px_rule *rules[PX_HL7_R_N];
	struct px_rule *krules[PX_HL7_R_N];
	char *source;
	int line;
};

struct px_hl7_spec {
	struct px_hl7_rule **rules;
	size_t nrules;
	struct px_hl7_rule *unknown;	/* segments no rule names */
	struct px_hl7_rule *other;	/* fields no rule names */
	struct px_hl7_rule *dates;	/* scanned values that are DTMs */
	int known;			/* known identifiers: 1 on, 0 off */
	int known_set;
};

/*
 * FHIR rules: the fhir: section of packs (pack-fhir.c), applied by the FHIR
 * reader (fhir.c).  See doc/fhir.md.
 */
enum px_fhir_kind {
	PX_FHIR_SCAN = 1,		/* run the text detectors on strings */
	PX_FHIR_KEEP,			/* the element as it is */
	PX_FHIR_ACT,			/* strings replaced: the rule's action */
	PX_FHIR_REMOVE,			/* the element left out */
	PX_FHIR_PSEUDONYM		/* ids and references: keyed, consistent */
};

struct px_fhir_rule {
	char *sel;			/* as written */
	char **steps;			/* steps[0]: resource, '*' or data type */
	size_t nsteps, stepcap;
	size_t lastkey;			/* the last step's key: its length
					   before any ':NAME' */
	int type;			/* data type of steps[0] (types:), 0 */
	int kind;			/* enum px_fhir_kind */
	char *category;
	enum phi_action action;
	char **targets;			/* references: target resource types */
	size_t ntargets;
	int birth;			/* a birth date (90+ aggregation) */
	int absent;			/* removal writes data-absent-reason */
	int order;			/* position in the packs */
	struct px_rule *rule;		/* findings of the value itself */
	struct px_rule *krule;		/* ... as a known identifier in text */
	char *source;
	int line;
};

/* A rule of more than one step, by the key its last step names. */
struct px_fhir_key {
	const char *key;		/* the last step; len bytes count */
	size_t len;
	uint32_t idx;			/* in rules[] */
};

struct px_fhir_spec {
	struct px_fhir_rule **rules;
	size_t nrules;
	/* set at engine creation: which rules can name a value */
	uint32_t *single;		/* one-step rules, ascending */
	size_t nsingle;
	struct px_fhir_key *bykey;	/* the others, by key, then index */
	size_t nbykey;
	struct px_fhir_rule *other;	/* strings no rule names */
	int known, known_set;
	int labels, labels_set;
};

/*
 * struct px_spec - the merged, not yet compiled, content of all packs: what
 * phi_config accumulates.
 */
struct px_spec {
	struct px_rule **rules;
	size_t nrules;
	char **disabled;
	size_t ndisabled;
	struct px_category *cats;
	size_t ncats;
	struct px_dict **dicts;
	size_t ndicts;
	struct px_example *examples;
	size_t nexamples;
	struct px_pack *packs;
	size_t npacks;
	double threshold;
	unsigned long match_limit;
	unsigned long depth_limit;
	unsigned long heap_limit;	/* KiB */
	unsigned long jit_stack;	/* KiB */
	int threshold_set;
	char **prop_cats;		/* propagate: categories, */
	size_t nprop_cats;
	char **prop_excl;		/* ... words never propagated, */
	size_t nprop_excl;
	int prop_min;			/* ... shortest word */
	int prop_pack;			/* ... the pack that said so, */
	char *prop_src;			/* ... where */
	int prop_line;
	struct px_hl7_spec hl7;
	struct px_fhir_spec fhir;
};

struct px_override {
	char *what;
	enum phi_action act;
};

/* Subkeys derived from the user's key (key.c); never the key itself. */
struct px_keys {
	unsigned char token[PX_SUBKEY_LEN];
	unsigned char encrypt[PX_SUBKEY_LEN];
	unsigned char shift[PX_SUBKEY_LEN];
	unsigned char surrogate[PX_SUBKEY_LEN];
	char id[12];
	int set;
};

/* A pack as the caller named it, replayed when an engine is built. */
struct px_source {
	char *name;			/* file or built-in name, or NULL */
	char *text;			/* YAML text when given as a string */
	size_t len;
	char *label;
	char *dir;
};

/* What phi_config.spec holds (engine.c). */
#define PX_SPEC_FRESH	0		/* what replaying the packs would give */
#define PX_SPEC_TAKEN	1		/* moved into an engine: replay */
#define PX_SPEC_DIRTY	2		/* an add failed half-way: replay */

/*
 * A built-in pack's YAML, parsed once per configuration (pack.c): the
 * default packs each include safe-harbor.
 */
#define PX_DOCS_MAX	8
struct fy_document;
struct px_doc {
	const char *text;		/* built-in text: lives as long */
	struct fy_document *fyd;
};

struct phi_config {
	struct px_spec spec;		/* parsed at add time, to check early */
	int spec_state;			/* PX_SPEC_*, atomic */
	struct px_doc docs[PX_DOCS_MAX];
	size_t ndocs;
	struct px_source *src;
	size_t nsrc;
	struct px_override *ovr;
	size_t novr;
	enum phi_on_error on_error;
	int jit;
	int include_depth;
	struct px_keys keys;
	int shift_range;
};

/* A pack being loaded (pack.c), shared with the section loaders. */
struct fy_node;
struct fy_node_pair;
struct px_ld {
	struct phi_config *cfg;
	const char *src;		/* name for diagnostics */
	const char *dir;		/* includes and files resolve here */
	const char *pack;		/* this pack's name */
	struct phi_error *err;
};

struct phi_engine {
	struct px_spec spec;		/* owns rules, dicts, ... */
	struct px_rule **active;	/* enabled rules, in priority order */
	size_t nactive;
	struct px_override *ovr;
	size_t novr;
	enum phi_on_error on_error;
	int jit;
	struct px_keys keys;
	int shift_range;
	uint32_t max_groups;
	int has_dict_rules;		/* rules need tokens and lexicon */
	int regex_exclude;		/* a regex rule has exclude: */
	struct px_rule **prop;		/* one "propagate" rule per category */
	size_t nprop;
	int *prop_excl_idx;		/* spec.prop_excl as dictionaries, */
	uint64_t prop_excl_mask;	/* ... those of the lexicon as bits, */
	int prop_excl_far;		/* ... and whether one is not in it */
	struct px_dict *trig;		/* trigger word -> its index in
					   trig_masks */
	struct px_tmask *trig_masks;	/* [0] empty, then one per distinct
					   set of rules a word triggers */
	size_t ntrig_masks;
	struct px_tmask trig_digit;	/* rules triggered by digit tokens */
	struct px_tmask trig_any;	/* rules triggered by every token */
	struct px_dict *lex;		/* words of dictionaries 0..31 */
	uint64_t dict_main;		/* lexicon bits of the dictionaries
					   of dictionary rules */
	int8_t dict_list[32];		/* dictionary -> its candidate list
					   in the scratch, or -1 */
	int ndict_lists;
	const struct px_rule *trig_rules[PX_TRIGGER_RULES_MAX];
	int ntrig;
	struct px_tmask *trig_ok;	/* [digits * 257 + next byte]: @any
					   and (digits > 0) @digit rules whose
					   trigger-next and -digits pass */
	size_t trig_rows;		/* leading digit counts, capped */
	struct px_tmask trig_slow;	/* rules tested one by one instead */
	struct px_tmask trig_first[256];	/* rules an attempt may start
					   at this byte for (first bytes) */
	struct px_tmask trig_back0;	/* rules without trigger-back */
	struct px_tmask trig_guarded;	/* rules with a guard */
	struct px_tmask trig_near;	/* rules with near */
	struct px_tmask trig_lead;	/* rules with trigger-lead */
	struct px_tmask trig_prev[257];	/* rules whose trigger-prev passes
					   after this byte (256: none) */
	struct px_tmask guard_run[256];	/* rules whose guard run has byte */
	struct px_tmask guard_then[256];	/* ... whose THEN has it */
	uint8_t trig_back[PX_TRIGGER_RULES_MAX];	/* their trigger-back */
	uint8_t trig_back_min[PX_TRIGGER_RULES_MAX];	/* ... and its min */
	struct px_tmask trig_after[PX_AFTER_MAX - 1][257];	/* rules
					   whose trigger-after passes with this
					   2nd (3rd) byte after the token (256:
					   none) */
	int trig_has_after;		/* a rule has more than one class */
	uint8_t trig_any_next[257];	/* an @any rule may fire at a word
					   followed by this byte (256: none) */
	int trig_has_slow;		/* trig_slow holds @digit or @any */
	struct px_tmask trig_start0[256];	/* trig_first, and every
					   rule with trigger-back */
	struct px_tmask trig_gback0;	/* guarded, without trigger-back */
};

/* A detected span, offsets relative to the unit's region buffer. */
struct px_finding {
	size_t start;
	size_t end;
	const struct px_rule *rule;
	double score;
	int error;			/* unevaluated region: PHI_E* */
	uint32_t seq;			/* order of detection, for ties */
};

struct px_findings {
	struct px_finding *v;
	size_t n;
	size_t cap;
};

/* A token of the unit: letters, digits, internal ' and -. */
struct px_token {
	uint32_t start;			/* a unit is far below 4 GiB: 40 bytes
					   a token, not 48, for the rules that
					   walk the tokens */
	uint32_t end;
	uint64_t hash;			/* of the folded form */
	uint64_t dmask;			/* lexicon value: the dictionaries
					   that hold it (bit i), whose phrases
					   it starts (bit 32 + i) */
	uint32_t tidx;			/* trig_masks index: the rules it is
					   a trigger word of */
	uint32_t foff;			/* folded text offset in scratch */
	uint16_t flen;			/* folded length */
	uint8_t cls;			/* PX_CASE_* of the token */
	uint8_t alpha;			/* only letters and ' - */
};

/*
 * A word of an earlier unit and its lexicon value: the words of a text
 * repeat, and a probe of the lexicon, megabytes in size, misses the cache
 * where this small table hits.  len 0: an empty entry.
 */
struct px_word {
	uint64_t hash;
	uint64_t dmask;
	uint32_t tidx;
	uint8_t len;
	char w[39];			/* folded, not terminated */
};

/* Per-stream scratch space for detectors. */
struct px_scratch {
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	struct px_token *tok;
	size_t ntok;
	size_t tokcap;
	uint32_t *tokblk;		/* per 64 bytes of the text: the first
					   token ending after their start */
	size_t tokblkcap;
	char *fold;			/* folded token text */
	size_t foldlen;
	size_t foldcap;
	uint32_t *cand;			/* per list of the engine (dict_list),
					   the tokens that may start a finding
					   of its dictionary, ntok apart */
	size_t ncand[32];
	size_t candcap;
	uint8_t *candcls;		/* beside cand: the token's PX_CASE_*
					   class, | 0x80 if it starts a
					   phrase of the list's dictionary */
	size_t candclscap;
	uint8_t *ngrams;		/* per list, per token: ngram() + 1,
					   0 while not known */
	size_t ngramcap;
	int looked;			/* dmask, tidx and cand are set */
	struct px_word *words;		/* PX_WORD_CACHE recent words */
	struct px_firing *fire;		/* triggered rules: firing tokens */
	size_t firecap;
	uint32_t *fireidx;		/* ... listed per rule */
	size_t fireidxcap;
	uint32_t *ftok;			/* ... the token of each finding */
	size_t ftokcap, nftok;
	struct px_finding *fsort;	/* ... and room to sort them */
	size_t fsortcap;
	uint32_t *fcount;		/* ... by token */
	size_t fcountcap;
	const char *fail_rule;		/* rule whose match failed, if any */
};

/* alloc.c */
void	*px_malloc(size_t);
void	*px_calloc(size_t, size_t);
void	*px_realloc(void *, size_t);
void	 px_free(void *);
char	*px_strdup(const char *);
char	*px_strndup(const char *, size_t);
void	 px_wipe_free(void *, size_t);
int	 px_grow(void **, size_t *, size_t, size_t);
pcre2_general_context *px_pcre2_gctx(void);

/* error.c */
int	 px_error(struct phi_error *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 px_error_at(struct phi_error *, const char *, int, int,
	    const char *, ...) __attribute__((format(printf, 5, 6)));

/* uni.c */
int	 px_fold(const char *, size_t, char *, size_t, size_t *);
size_t	 px_utf8_valid_prefix(const char *, size_t);
int	 px_utf8_bad_word(const char *, size_t, size_t, size_t, size_t *,
	    size_t *);
int	 px_utf8_is_upper(const char *, size_t);
int	 px_utf8_is_lower(const char *, size_t);
int	 px_is_letter_at(const char *, size_t, size_t, size_t *);

/* dict.c */
struct px_dict *px_dict_new(const char *, const char *, const char *);
int	 px_dict_load(struct px_dict *, const char *, size_t,
	    struct phi_error *);
void	 px_dict_free(struct px_dict *);
int	 px_dict_has(const struct px_dict *, uint64_t, const char *, size_t);
uint64_t px_dict_value(const struct px_dict *, uint64_t, const char *,
	    size_t);
int	 px_dict_set_value(struct px_dict *, const char *, size_t, uint64_t);
uint64_t px_hash(const char *, size_t);
int	 px_lexicon_build(struct px_dict **, struct px_dict *const *, size_t);
uint64_t px_hash_more(uint64_t, const char *, size_t);

/*
 * May an entry of hash h be in d?  0 is sure.  Two bits per entry in a
 * Bloom filter of at least 8 bits per entry (dict.c): most tokens are in
 * no dictionary, and the filter (L2-resident) answers them without
 * touching the table, whose probes miss the cache.  Inline, for callers
 * that probe many tokens, and before building a phrase's key.
 */
static inline int
px_dict_maybe(const struct px_dict *d, uint64_t h)
{
	uint64_t a, b;

	if (d == NULL || d->nslots == 0)
		return 0;
	if (d->bloom == NULL)
		return 1;
	a = (h >> 7) & d->bloom_mask;
	b = (h >> 37) & d->bloom_mask;
	return (d->bloom[a >> 6] >> (a & 63) & 1) &&
	    (d->bloom[b >> 6] >> (b & 63) & 1);
}

/* px_hash() is FNV-1a from PX_HASH_START, a byte at a time: loops that
 * fold and hash in one pass use this step. */
#define PX_HASH_START	0xcbf29ce484222325ULL
static inline uint64_t
px_hash_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ULL;
}

/* builtin.c (generated) */
const char *px_builtin_find(const char *, size_t *);

/* pack.c */
int	 px_pack_load_file(struct phi_config *, const char *,
	    struct phi_error *);
int	 px_pack_load_string(struct phi_config *, const char *, size_t,
	    const char *, const char *, struct phi_error *);
int	 px_pack_add(struct phi_config *, const char *, struct phi_error *);
int	 px_pack_read_dict(const struct px_dict *, char **, size_t *,
	    struct phi_error *);
void	 px_rule_free(struct px_rule *);
void	 px_spec_free(struct px_spec *);
void	 px_pack_docs_free(struct phi_config *);
int	 px_pack_fail(struct px_ld *, struct fy_node *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
char	*px_pack_str(struct px_ld *, struct fy_node *, const char *);
int	 px_pack_bool(struct px_ld *, struct fy_node *, const char *, int *);
int	 px_pack_strlist(struct px_ld *, struct fy_node *, const char *,
	    char ***, size_t *);
void	 px_pack_strlist_free(char **, size_t);
const char *px_pack_key(struct px_ld *, struct fy_node_pair *,
	    const char *const *, char *, size_t);
void	 px_pack_where(struct fy_node *, int *, int *);

/* pack-hl7.c */
int	 px_pack_hl7(struct px_ld *, struct fy_node *);
void	 px_hl7_spec_free(struct px_hl7_spec *);
int	 px_hl7_compile(struct phi_engine *, struct phi_error *);

/* pack-fhir.c */
extern const char *const px_fhir_types[];
int	 px_pack_fhir(struct px_ld *, struct fy_node *);
void	 px_fhir_spec_free(struct px_fhir_spec *);
int	 px_fhir_compile(struct phi_engine *, struct phi_error *);
int	 px_fhir_type_of(const char *);

/* validate.c */
int	 px_validate(unsigned, const char *, size_t);
int	 px_validator_parse(const char *, unsigned *);

/* det-regex.c */
int	 px_regex_compile(struct px_rule *, int, struct phi_error *);
int	 px_regex_run(const struct phi_engine *, const struct px_rule *,
	    struct px_scratch *, const char *, size_t, size_t, size_t,
	    struct px_findings *);
int	 px_regex_status(int);
int	 px_trigger_table(struct phi_engine *);
int	 px_regex_run_triggered(const struct phi_engine *,
	    struct px_scratch *, const char *, size_t, size_t, size_t,
	    struct px_findings *);

/* det-context.c */
int	 px_context_compile(struct px_context *, struct phi_error *);
void	 px_context_free(struct px_context *);
int	 px_context_found(const struct px_context *, const struct px_scratch *,
	    const char *, size_t, size_t, size_t);
double	 px_context_score(const struct px_rule *, const struct px_scratch *,
	    double, const char *, size_t, size_t, size_t);

/* det-dict.c */
int	 px_tokenize(struct px_scratch *, const char *, size_t);
size_t	 px_first_token(const struct px_scratch *, size_t);
int	 px_look_up(const struct phi_engine *, struct px_scratch *);
int	 px_blank_between(const char *, size_t, size_t);
int	 px_dict_run(const struct phi_engine *, const struct px_rule *,
	    struct px_scratch *, const char *, size_t, size_t, size_t,
	    struct px_findings *);
int	 px_dict_exclude(const struct phi_engine *, struct px_scratch *,
	    struct px_findings *);
int	 px_tok_in_any(const struct phi_engine *, const int *, size_t,
	    const struct px_scratch *, const struct px_token *);
uint64_t px_tok_hash_state(const struct px_scratch *,
	    const struct px_token *);
int	 px_tok_phrase_in(const struct px_dict *, const struct px_scratch *,
	    size_t, size_t, uint64_t);

/* propagate.c */
struct px_prop;
struct px_prop *px_prop_new(void);
void	 px_prop_free(struct px_prop *);
int	 px_prop_run(const struct phi_engine *, struct px_prop **,
	    struct px_scratch *, struct px_findings *, size_t, size_t);

/* resolve.c */
int	 px_findings_add(struct px_findings *, size_t, size_t,
	    const struct px_rule *, double, int);
void	 px_resolve(const struct phi_engine *, struct px_findings *,
	    const char *);

/* act.c */
enum phi_action px_action_of(const struct phi_engine *,
	    const struct px_rule *);
const struct px_category *px_category_of(const struct phi_engine *,
	    const char *);
void	 px_rule_bind_cat(const struct phi_engine *, struct px_rule *);
int	 px_act_render(const struct phi_engine *, const struct px_rule *,
	    const char *, const char *, size_t, char *, size_t, size_t *);
int	 px_action_needs_key(enum phi_action);
const char *px_action_name(enum phi_action);
int	 px_put(const char *, char *, size_t, size_t *);
int	 px_putn(const char *, size_t, char *, size_t, size_t *);

/* key.c */
size_t	 px_base32(const unsigned char *, size_t, char *, size_t);
long	 px_base32_decode(const char *, size_t, unsigned char *, size_t);

/* act-token.c */
int	 px_act_token(const struct phi_engine *, const char *, const char *,
	    const char *, size_t, char *, size_t, size_t *);
int	 px_act_encrypt(const struct phi_engine *, const char *, const char *,
	    size_t, char *, size_t, size_t *);
int	 px_act_decrypt(const struct phi_engine *, const char *, size_t,
	    char *, size_t, size_t *);

/* act-date.c */
int	 px_act_generalize(const struct phi_engine *, const char *,
	    const char *, size_t, char *, size_t, size_t *);
int	 px_act_shift(const struct phi_engine *, const char *, const char *,
	    size_t, char *, size_t, size_t *);

/* act-surrogate.c */
int	 px_act_surrogate(const struct phi_engine *, const char *,
	    const char *, const char *, size_t, char *, size_t, size_t *);

struct px_known;

/* stream.c: what a format reader (hl7.c) needs of its stream */
const struct phi_engine *px_stream_engine(const struct phi_stream *);
struct px_scratch *px_stream_scratch(struct phi_stream *);
struct px_findings *px_stream_findings(struct phi_stream *);
const char *px_stream_subject(const struct phi_stream *);
int	 px_stream_emit(struct phi_stream *, const char *, size_t,
	    struct phi_error *);
int	 px_stream_flush(struct phi_stream *, int, struct phi_error *);
int	 px_stream_report(struct phi_stream *, const struct px_rule *, int,
	    uint64_t, size_t, double, struct phi_error *);
int	 px_stream_report_error(struct phi_stream *, const char *, uint64_t,
	    size_t, struct phi_error *);
int	 px_stream_region_error(struct phi_stream *, int, struct phi_error *,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
void	 px_stream_count_unevaluated(struct phi_stream *, uint64_t);
int	 px_stream_detect(struct phi_stream *, const char *, size_t,
	    struct px_known *const *, size_t, struct px_findings *,
	    int (*)(void *, size_t, int, const char *, struct phi_error *),
	    void *, struct phi_error *);
void	 px_stream_count_restore_failed(struct phi_stream *);
int	 px_stream_stopping(const struct phi_stream *);

/* json.c: a parsed JSON document as a flat tree (indices, PX_JNONE). */
#define PX_JNONE	UINT32_MAX
enum px_jtype {
	PX_J_NULL = 1, PX_J_FALSE, PX_J_TRUE, PX_J_NUM, PX_J_STR, PX_J_ARR,
	PX_J_OBJ
};

struct px_jnode {
	uint32_t parent, first, last, next;
	uint32_t nkids;
	uint32_t key, klen;		/* member name, decoded, in the arena */
	uint32_t raw, rlen;		/* the token in the input */
	uint32_t val, vlen;		/* a string, decoded, in the arena */
	uint32_t rv, rvlen;		/* writer: replacement string */
	uint8_t type;			/* enum px_jtype */
	uint8_t esc;			/* the string had escapes */
	uint8_t del;			/* writer: leave out */
};

struct px_json {
	struct px_jnode *n;
	size_t nn, ncap;
	char *arena;
	size_t alen, acap;
	const char *src;		/* the input of the last parse */
	size_t len;
};

int	 px_json_parse(struct px_json *, const char *, size_t, uint64_t,
	    struct phi_error *);
void	 px_json_clear(struct px_json *);
void	 px_json_free(struct px_json *);
uint32_t px_json_node(struct px_json *, uint32_t, int);
uint32_t px_json_store(struct px_json *, const char *, size_t);
uint32_t px_json_get(const struct px_json *, uint32_t, const char *);
void	 px_json_path(const struct px_json *, uint32_t, char *, size_t);
int	 px_json_write(const struct px_json *, uint32_t, int,
	    int (*)(void *, const char *, size_t), void *);
size_t	 px_utf8_put(char *, unsigned);
void	 px_json_put_string(int (*)(void *, const char *, size_t), void *,
	    const char *, size_t, int *);

/* known.c */
struct px_part {
	const char *v;
	size_t n;
};
struct px_known *px_known_new(void);
void	 px_known_free(struct px_known *);
void	 px_known_reset(struct px_known *);
size_t	 px_known_count(const struct px_known *);
int	 px_known_add_value(struct px_known *, const char *, size_t,
	    const struct px_rule *, int);
int	 px_known_add_name(struct px_known *, const struct px_part *,
	    const struct px_part *, const struct px_part *,
	    const struct px_rule *);
int	 px_known_add_date(struct px_known *, const char *, size_t,
	    const struct px_rule *);
int	 px_known_add_street(struct px_known *, const char *, size_t,
	    const struct px_rule *);
int	 px_known_index(struct px_known *);
int	 px_known_match(struct px_known *, const char *, size_t, size_t,
	    size_t, size_t, struct px_findings *);

/* hl7.c */
struct px_hl7;
struct px_hl7 *px_hl7_new(void);
void	 px_hl7_free(struct px_hl7 *);
int	 px_hl7_write(struct phi_stream *, struct px_hl7 *, const char *,
	    size_t, struct phi_error *);
int	 px_hl7_finish(struct phi_stream *, struct px_hl7 *,
	    struct phi_error *);
int	 px_hl7_sniff(const char *, size_t, int);
int	 px_hl7_render_value(const struct phi_engine *, const struct px_rule *,
	    const char *, const char *, size_t, char *, size_t, size_t *);

/* fhir.c */
struct px_fhir;
struct px_fhir *px_fhir_new(struct phi_session *, int, size_t);
void	 px_fhir_free(struct px_fhir *);
int	 px_fhir_write(struct phi_stream *, struct px_fhir *, const char *,
	    size_t, struct phi_error *);
int	 px_fhir_finish(struct phi_stream *, struct px_fhir *,
	    struct phi_error *);
int	 px_fhir_sniff(const char *, size_t, int);

/* engine.c */
int	 px_scratch_init(const struct phi_engine *, struct px_scratch *,
	    struct phi_error *);
void	 px_scratch_free(struct px_scratch *);
int	 px_detect(const struct phi_engine *, struct px_scratch *,
	    const char *, size_t, size_t, size_t, struct px_findings *);

#endif /* PHISCRUB_INT_H */
