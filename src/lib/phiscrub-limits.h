/* SPDX-License-Identifier: MIT */
/*
 * phiscrub-limits.h: every hard limit of the library, with its reason.
 * Exceeding one is an error (PHI_ELIMIT or PHI_EPACK), never a silent
 * truncation.
 */
#ifndef PHISCRUB_LIMITS_H
#define PHISCRUB_LIMITS_H

/*
 * Text units.  A unit is what the detectors see at once: at most
 * PX_UNIT_MAX bytes, ended at the last newline in its second half when there
 * is one.  256 KiB keeps the working set (the unit's tokens) in L2, and
 * each rule's JIT code warm over many attempts: the notes run 7 % faster
 * than with 64 KiB units.  The price: a unit that fails closed replaces
 * that many bytes.
 */
#define PX_UNIT_MAX		(256 * 1024)

/*
 * Context kept before and after a unit so that lookbehind, context words and
 * matches crossing a unit end still see their neighbourhood.  The longest
 * PHI item we know of (a URL or an address) is far below 1 KiB.
 */
#define PX_CONTEXT		1024

/*
 * Words a stream remembers for propagate (propagate.c), as 64-bit hashes
 * in a table twice that size: 18 KiB, which stays in the L1 cache.  A
 * stream that finds more distinct words keeps its first ones.
 */
#define PX_PROP_MAX		1024

/* Size of a rule-pack file: packs are small; a bigger one is hostile. */
#define PX_PACK_MAX_BYTES	(4 * 1024 * 1024)

/* Nesting of include: deep chains are a mistake or a loop. */
#define PX_INCLUDE_DEPTH	8

/* Rules, pattern length and examples, against hostile packs. */
#define PX_RULES_MAX		4096
#define PX_PATTERN_MAX		4096
#define PX_EXAMPLE_MAX		(16 * 1024)

/* A dictionary file: the largest shipped list is about 2 MB. */
#define PX_DICT_MAX_BYTES	(64 * 1024 * 1024)

/* One dictionary entry (folded), and words in a multi-word entry. */
#define PX_DICT_ENTRY_MAX	128
#define PX_DICT_NGRAM_MAX	8

/* Context words per rule, and the widest context window in bytes. */
#define PX_CONTEXT_WORDS_MAX	256
#define PX_CONTEXT_WINDOW_MAX	512

/*
 * PCRE2 limits per match call.  The match limit turns catastrophic
 * backtracking into an error in milliseconds; ordinary PHI patterns need a
 * few hundred steps.  The JIT stack of 1 MiB is what pcre2jit(3) calls more
 * than enough.
 */
#define PX_MATCH_LIMIT		1000000
#define PX_DEPTH_LIMIT		100000
#define PX_HEAP_LIMIT_KIB	(64 * 1024)
#define PX_JIT_STACK_MAX	(1024 * 1024)

/*
 * Rules with trigger words: one bit each in a mask of 64-bit words (a
 * multiple of 64); a mask costs a load and a test per 64 rules.
 */
#define PX_TRIGGER_RULES_MAX	128

/* Largest `near` distance, in characters. */
#define PX_NEAR_MAX		256

/* Words whose lexicon value a stream remembers (256 KiB, a power of 2). */
#define PX_WORD_CACHE		4096

/*
 * Key material: at least 128 bits; at most 4 KiB, as a key file larger than
 * that is not a key (OpenSSH refuses big private keys the same way).
 */
#define PX_KEY_MIN		16
#define PX_KEY_MAX		4096
#define PX_SUBKEY_LEN		32

/* Longest value `encrypt` takes: PHI items are short; a token stays short. */
#define PX_ENCRYPT_MAX		1024

/*
 * HL7 v2.  A message is evaluated whole, because the identifiers of its
 * PID, NK1 and GT1 segments are looked for in its free text wherever that
 * text comes.  16 MiB holds the largest messages met in practice (an MDM
 * with a base64 document of a few MB in OBX-5); a longer message is
 * replaced by markers, never truncated or passed through.
 */
#define PX_HL7_MESSAGE_MAX	(16 * 1024 * 1024)

/*
 * One field: a 4 MiB field is a document (ED) or a dump, not a value; the
 * actions render a value in memory of twice its size.
 */
#define PX_HL7_FIELD_MAX	(4 * 1024 * 1024)

/*
 * Non-empty values (subcomponents) of one message: each costs about 48
 * bytes of bookkeeping, so a hostile message of one-byte values cannot make
 * memory grow beyond the message's own size by more than a small factor.
 */
#define PX_HL7_VALUES_MAX	(1024 * 1024)

/*
 * Words of one known identifier: names and street lines have fewer; a
 * longer value is replaced where it stands but not searched for in text.
 */
#define PX_HL7_KNOWN_WORDS	12

/* Field rules in packs, and the highest field, component, repetition. */
#define PX_HL7_RULES_MAX	4096
#define PX_HL7_FIELD_NUM_MAX	999
#define PX_HL7_COMP_NUM_MAX	99
#define PX_HL7_REP_NUM_MAX	9999

/*
 * FHIR JSON.  A document (one resource or Bundle, one NDJSON line) is
 * evaluated whole, because the identifiers of its Patient are looked for
 * in all its free text.  64 MiB holds Synthea's largest patient Bundles
 * (3 MB) twenty times over; phiscrub --max-document raises it.  A longer
 * document is refused with an error, never truncated or passed through.
 */
#define PX_JSON_DOC_MAX		(64 * 1024 * 1024)
#define PX_JSON_DOC_LIMIT	(1024 * 1024 * 1024)	/* highest setting */

/* Nesting: FHIR needs about 12 levels; deep nesting is an attack. */
#define PX_JSON_DEPTH_MAX	100

/* Values of one document: about 56 bytes each, on top of the text. */
#define PX_JSON_NODES_MAX	(32 * 1024 * 1024)

/*
 * Known identifiers of a run over NDJSON: what Patient, RelatedPerson,
 * Practitioner, Organization and Location resources seed for the later
 * resources of the same patient (or of everyone).  About 120 bytes an
 * entry: 2 M entries is 240 MiB at most; past it, further resources seed
 * nothing, and the stream counts them (phi_stream_known_dropped).
 */
#define PX_KNOWN_RUN_MAX	(2 * 1024 * 1024)

/* Path rules of FHIR sections, and steps in one path. */
#define PX_FHIR_RULES_MAX	4096
#define PX_FHIR_STEPS_MAX	12

#endif /* PHISCRUB_LIMITS_H */
