/* SPDX-License-Identifier: MIT */
/*
 * phiscrub.h: the public API of libphiscrub.
 *
 * The library finds protected health information (PHI) in text and replaces
 * it.  It never prints, never exits and never aborts on bad input: every
 * function returns a status (PHI_OK or a negative PHI_E* code) and, where a
 * struct phi_error is passed, fills it with a message that never contains
 * input text.
 *
 * Life cycle:
 *	phi_config_create()	collect packs and options
 *	phi_engine_create()	compile them; the engine is immutable and may
 *				be shared by any number of threads
 *	phi_stream_create()	one per input; owns its scratch space
 *	phi_stream_write()...	feed bytes in any pieces
 *	phi_stream_finish()	flush the tail
 * Output bytes and findings go to callbacks.  The output never depends on
 * how the input was cut into writes.
 *
 * Ownership: strings passed in are copied; pointers handed to callbacks are
 * borrowed for the duration of the call only.  Every *_destroy(NULL) is a
 * no-op.
 */
#ifndef PHISCRUB_H
#define PHISCRUB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PHI_VERSION "0.1.0"

/* Status codes.  Negative values are errors. */
enum phi_status {
	PHI_OK = 0,
	PHI_ENOMEM = -1,	/* allocation failed */
	PHI_EINVAL = -2,	/* bad argument (caller's bug) */
	PHI_EPACK = -3,		/* rule pack could not be loaded or compiled */
	PHI_EINPUT = -4,	/* input could not be evaluated (fail closed) */
	PHI_EMATCH = -5,	/* a regex hit a resource limit or failed */
	PHI_EIO = -6,		/* a callback reported an output error */
	PHI_ELIMIT = -7,	/* a documented limit was exceeded */
	PHI_ESTATE = -8,	/* call out of order (write after finish) */
	PHI_EUNICODE = -9,	/* ICU failed on a span */
	PHI_EKEY = -10		/* no key, bad key, or a token that does not
				   authenticate under the key */
};

/* What a finding is replaced with. */
enum phi_action {
	PHI_ACT_DEFAULT = 0,	/* inherit: rule, then category, then pack */
	PHI_ACT_TAG,		/* [CATEGORY] */
	PHI_ACT_REDACT,		/* one fixed marker, [REDACTED] */
	PHI_ACT_MASK,		/* '*' per letter or digit, shape kept */
	PHI_ACT_KEEP,		/* leave as is (reported only) */
	PHI_ACT_TOKEN,		/* [NAME-7KQ2M9]: keyed HMAC pseudonym */
	PHI_ACT_ENCRYPT,	/* [NAME~...]: AES-SIV, reversible with the key */
	PHI_ACT_SURROGATE,	/* a realistic fake value of the same shape */
	PHI_ACT_SHIFT,		/* dates moved by a per-subject offset */
	PHI_ACT_GENERALIZE,	/* year only, 90+, ZIP3 */
	PHI_ACT_RESTORE		/* put back what encrypt replaced */
};

/* What to do when a region cannot be evaluated. */
enum phi_on_error {
	PHI_ON_ERROR_REPLACE = 0,	/* replace region by a marker, go on */
	PHI_ON_ERROR_STOP		/* stop: phi_stream_write fails */
};

/*
 * struct phi_error - why a call failed.  @msg never holds input text; for
 * rule packs @source, @line and @col (1-based) locate the problem.
 */
struct phi_error {
	int code;
	char msg[256];
	char source[256];
	int line;
	int col;
	char rule[64];
};

/*
 * struct phi_finding - one replaced span, as handed to the finding callback.
 * @offset is the byte offset in the stream, @len the byte length.  No field
 * holds the PHI text itself.
 */
struct phi_finding {
	uint64_t offset;
	size_t len;
	const char *category;
	const char *rule;
	const char *action;
	const char *pack;
	const char *pack_version;
	const char *key_id;	/* short public id of the key, or NULL */
	double score;
};

struct phi_config;
struct phi_engine;
struct phi_stream;

/**
 * phi_strerror() - static description of a status code.
 */
const char *phi_strerror(int code);

/**
 * phi_action_parse() - parse "tag", "redact", "mask" or "keep".
 * Returns the action, or PHI_ACT_DEFAULT when @s is not one of them.
 */
enum phi_action phi_action_parse(const char *s);

/**
 * phi_set_allocator() - replace malloc/realloc/free for the whole library
 * (and the PCRE2 contexts it creates).  Call before anything else; meant for
 * fault-injection tests.  Passing NULLs restores the C library's.
 */
void phi_set_allocator(void *(*m)(size_t), void *(*r)(void *, size_t),
    void (*f)(void *));

/**
 * phi_config_create() - new, empty configuration.
 * Returns PHI_OK or PHI_ENOMEM.  The caller owns *@cfg.
 */
int phi_config_create(struct phi_config **cfg);
void phi_config_destroy(struct phi_config *cfg);

/**
 * phi_config_add_pack() - load a rule pack.  @name is a file path, or the
 * name of a built-in pack ("safe-harbor") when no file of that name exists
 * and it contains no '/'.  Packs are applied in the order added; a later
 * rule with the same id replaces an earlier one.
 * Returns PHI_OK, PHI_EPACK (with @err located) or PHI_ENOMEM.
 */
int phi_config_add_pack(struct phi_config *cfg, const char *name,
    struct phi_error *err);

/**
 * phi_config_add_pack_string() - load a pack from memory; @source names it
 * in diagnostics, includes resolve against @dir (may be NULL).
 */
int phi_config_add_pack_string(struct phi_config *cfg, const char *yaml,
    size_t len, const char *source, const char *dir, struct phi_error *err);

/**
 * phi_config_set_action() - override the action of a category ("NAME"), of
 * a rule id, or of everything ("*").  Overrides beat the packs.
 */
int phi_config_set_action(struct phi_config *cfg, const char *what,
    enum phi_action act);

/** phi_config_set_on_error() - policy for unevaluable regions. */
void phi_config_set_on_error(struct phi_config *cfg, enum phi_on_error oe);

/** phi_config_set_jit() - 0 disables PCRE2 JIT (testing, odd platforms). */
void phi_config_set_jit(struct phi_config *cfg, int on);

/**
 * phi_config_set_key() - key material for token, encrypt, surrogate and
 * shift (16 to 4096 bytes).  Only subkeys derived with HKDF-SHA-256 are
 * kept; the caller should wipe its copy.  Returns PHI_OK or PHI_EKEY.
 */
int phi_config_set_key(struct phi_config *cfg, const void *key, size_t len,
    struct phi_error *err);

/**
 * phi_config_set_shift_range() - date shifting moves dates by 1 to @days
 * days, earlier or later (default 365).
 */
void phi_config_set_shift_range(struct phi_config *cfg, int days);

/**
 * phi_engine_create() - compile @cfg (which stays the caller's).  With no
 * pack added, the built-in "safe-harbor" pack is used.  The first engine
 * of a configuration takes the packs as they were parsed when added (a
 * pack file changed since is not read again); later engines parse the
 * packs again.  Engines may be created from one configuration in parallel.
 * Returns PHI_OK, PHI_EPACK or PHI_ENOMEM.  The caller owns *@eng.
 */
int phi_engine_create(const struct phi_config *cfg, struct phi_engine **eng,
    struct phi_error *err);
void phi_engine_destroy(struct phi_engine *eng);

/** phi_engine_key_id() - short public name of the key, or NULL. */
const char *phi_engine_key_id(const struct phi_engine *eng);

/** phi_engine_rule_count() - number of active rules. */
size_t phi_engine_rule_count(const struct phi_engine *eng);

/** phi_engine_pack() - name and version of the i-th loaded pack. */
int phi_engine_pack(const struct phi_engine *eng, size_t i,
    const char **name, const char **version);

/*
 * struct phi_example - one rule example.  @out is NULL when the input must
 * come back unchanged.  Strings are owned by the engine.
 */
struct phi_example {
	const char *pack;
	const char *rule;
	const char *source;
	int line;
	const char *in;
	const char *out;
};

/** phi_engine_example_count() / _get() - the examples of all loaded packs. */
size_t phi_engine_example_count(const struct phi_engine *eng);
int phi_engine_example_get(const struct phi_engine *eng, size_t i,
    struct phi_example *ex);

/* Output callback: return 0, or non-zero to fail the stream (PHI_EIO). */
typedef int (*phi_output_fn)(void *arg, const char *buf, size_t len);
/* Finding callback: return 0, or non-zero to fail the stream (PHI_EIO). */
typedef int (*phi_finding_fn)(void *arg, const struct phi_finding *fnd);

/* Input formats of a stream. */
enum phi_format {
	PHI_FORMAT_TEXT = 0,	/* plain text (the default) */
	PHI_FORMAT_HL7,		/* HL7 v2 messages, unframed or MLLP */
	PHI_FORMAT_AUTO,	/* HL7 when the input starts with MSH, FHS,
				   BHS or an MLLP start block; FHIR JSON or
				   NDJSON when it starts with '{'; else
				   text */
	PHI_FORMAT_FHIR,	/* FHIR R4 JSON: resources and Bundles */
	PHI_FORMAT_NDJSON	/* FHIR NDJSON: one resource per line */
};

struct phi_session;

/**
 * phi_session_create() - state the streams of one run share (optional):
 * the random key that makes FHIR pseudonyms consistent within the run
 * when no key is set, and the known identifiers NDJSON Patient,
 * Practitioner, Organization ... lines seed for later lines and files.
 * Use it with one engine, which must outlive it, and one stream at a
 * time.  Memory is bounded (PX_KNOWN_RUN_MAX entries, then nothing more
 * is remembered; see phi_session_known_dropped()).
 * Returns PHI_OK, PHI_ENOMEM or PHI_EKEY (no random bytes).
 */
int phi_session_create(struct phi_session **s);
void phi_session_destroy(struct phi_session *s);

/** phi_session_known_dropped() - resources whose identifiers were not
 * remembered because the session was full. */
uint64_t phi_session_known_dropped(const struct phi_session *s);

/*
 * struct phi_stream_cfg - per-stream settings.  @out is required.
 * @line_units makes every line its own unit: output appears as soon as a
 * line is complete (for tail -f pipelines), at the cost of matches that
 * cross line ends; in HL7 output is flushed after every message.
 * @format is an enum phi_format.  HL7 input is evaluated a message at a
 * time (see doc/hl7.md): findings carry the stream offsets of the raw
 * bytes they replace, and a message is output only once the next one (or
 * the end of an MLLP block, or of the input) shows that it is complete.
 * FHIR input is evaluated a document (resource, Bundle, NDJSON line) at a
 * time (doc/fhir.md); a document longer than @max_document is refused.
 */
struct phi_stream_cfg {
	phi_output_fn out;
	void *out_arg;
	phi_finding_fn finding;
	void *finding_arg;
	int line_units;
	const char *subject;	/* whose dates `shift` moves (may be NULL) */
	int format;		/* enum phi_format */
	struct phi_session *session;	/* FHIR: shared by a run, or NULL */
	size_t max_document;	/* FHIR: bytes of one document; 0: 64 MiB */
};

/**
 * phi_stream_create() - a stream over @eng, which must outlive it.
 */
int phi_stream_create(const struct phi_engine *eng,
    const struct phi_stream_cfg *scfg, struct phi_stream **st,
    struct phi_error *err);
void phi_stream_destroy(struct phi_stream *st);

/**
 * phi_stream_write() - feed @len bytes.  Returns PHI_OK; PHI_EIO when a
 * callback failed; PHI_ENOMEM; or, under PHI_ON_ERROR_STOP, the error of a
 * region that could not be evaluated (nothing of it was output).
 */
int phi_stream_write(struct phi_stream *st, const void *buf, size_t len,
    struct phi_error *err);

/**
 * phi_stream_finish() - end of input: process and output the rest.
 * Returns as phi_stream_write(); after it, only destroy is allowed.
 */
int phi_stream_finish(struct phi_stream *st, struct phi_error *err);

/**
 * phi_stream_status() - PHI_OK, or the first error of a region that was
 * replaced by a marker under PHI_ON_ERROR_REPLACE.  Callers must turn this
 * into a failing exit status: the output is complete but not faithful.
 */
int phi_stream_status(const struct phi_stream *st);

/**
 * phi_stream_error() - description of the first unevaluated region (offset,
 * rule id, reason; never input text), or NULL when there was none.
 */
const struct phi_error *phi_stream_error(const struct phi_stream *st);

/**
 * phi_stream_restore_failed() - encrypted tokens `restore` found but could
 * not open (another key, or tampered): they are left as they were.
 */
uint64_t phi_stream_restore_failed(const struct phi_stream *st);

/** phi_stream_unevaluated() - number of regions replaced by a marker. */
uint64_t phi_stream_unevaluated(const struct phi_stream *st);

/**
 * phi_scrub_buffer() - convenience: scrub @len bytes in one call.  *@out is
 * allocated with the library allocator and NUL-terminated; free it with
 * phi_free().
 */
int phi_scrub_buffer(const struct phi_engine *eng, const char *in,
    size_t len, char **out, size_t *outlen, struct phi_error *err);
void phi_free(void *p);

#ifdef __cplusplus
}
#endif
#endif /* PHISCRUB_H */
