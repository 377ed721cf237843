/* SPDX-License-Identifier: MIT */
/*
 * fhir.c: the FHIR R4 JSON and NDJSON reader and writer (doc/fhir.md).
 *
 * Input is cut into documents: each top-level JSON value (a resource or a
 * Bundle) of a JSON file, or each line of NDJSON.  A document is evaluated
 * whole, in memory bounded by the document limit:
 *
 *  1. parse (json.c): strict JSON, strings decoded, duplicate keys and deep
 *     nesting refused;
 *  2. rules: every element gets the fhir: rule that names it most
 *     precisely (element paths before data types, the nearest element
 *     first), or the rule of its parent element, or other-strings;
 *  3. known identifiers: the values rules replace in Patient,
 *     RelatedPerson, Person, Practitioner, PractitionerRole, Organization
 *     and Location become a dictionary for the document's free text (and,
 *     through the session, for later NDJSON lines of the same patient);
 *  4. detect: the text detectors and that dictionary run over the scanned
 *     strings, narratives (tags and entities decoded) and text attachments
 *     (base64 decoded);
 *  5. write: the document again, compact when it came on one line, else
 *     indented; replaced strings re-escaped, removed elements left out,
 *     emptied objects and arrays pruned, ids and references pseudonymized
 *     consistently, meta.security labels added.
 *
 * Fail closed: a document that is not valid JSON, not a resource, too
 * long or too deep is not written at all; the error names the document
 * (line), byte offset and JSON path, never input text.  A region the
 * detectors could not evaluate becomes [UNEVALUATED]; an attachment that
 * cannot be decoded is removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "phiscrub-int.h"

#define MARKER		"[UNEVALUATED]"
#define TOO_LONG	"longer than the document limit"
#define SLICE		(64 * 1024)	/* bytes buffered at once */
#define LABEL_SYSTEM	"http://terminology.hl7.org/CodeSystem/" \
			"v3-ObservationValue"
#define DAR_URL		"http://hl7.org/fhir/StructureDefinition/" \
			"data-absent-reason"

/* Data types the reader infers (index + 1 into px_fhir_types). */
enum {
	T_NONE = 0, T_HUMANNAME, T_ADDRESS, T_CONTACTPOINT, T_IDENTIFIER,
	T_REFERENCE, T_ATTACHMENT, T_NARRATIVE, T_ANNOTATION, T_PERIOD,
	T_CODEABLECONCEPT, T_CODING, T_EXTENSION, T_META, T_DATE,
	T_DATETIME, T_INSTANT
};

/* Security labels (bit per code). */
enum { L_REDACTED = 1, L_ABSTRED = 2, L_PSEUDED = 4, L_MASKED = 8 };
static const char *const label_code[] = { "REDACTED", "ABSTRED", "PSEUDED",
	"MASKED" };
static const char *const label_display[] = { "redacted", "abstracted",
	"pseudonymized", "masked" };

/* What a scanned piece of text is. */
enum { S_PLAIN, S_DIV, S_B64 };

struct ninfo {
	const struct px_fhir_rule *rule;	/* governing, or NULL */
	uint32_t res;				/* its resource */
	uint8_t type;				/* inferred data type */
	uint8_t seen;				/* the walk reached it */
};

/* One piece of scan text: [t0, t1) stands for node x. */
struct piece {
	uint32_t x;
	uint8_t kind;
	size_t t0, t1;
	size_t m0;			/* S_DIV: its map (3 per text byte) */
};

struct abuf {
	char *p;
	size_t len, cap;
};

/* The known identifiers of one patient, kept for a run (NDJSON). */
struct pslot {
	uint64_t id;			/* hash of the Patient id; 0 empty */
	struct px_known *k;
};

/*
 * A session: what the streams of one run share (phiscrub.h).  The key for
 * pseudonyms when none is given, so that one run is consistent, and the
 * known identifiers of NDJSON resources for later lines and files.
 */
struct phi_session {
	unsigned char idkey[32];
	struct px_known *everyone;	/* practitioners, organizations ... */
	struct pslot *pat;
	size_t npat, patcap;		/* used, slots (power of two) */
	size_t entries;
	uint64_t dropped;		/* resources that seeded nothing */
};

struct px_fhir {
	/* reader */
	char *buf;
	size_t len, cap;
	uint64_t base;			/* stream offset of buf[0] */
	uint64_t line;			/* line number of buf[0] */
	int ndjson;			/* 1 ndjson, 0 json, -1 undecided */
	size_t scan;			/* boundary search resumes here */
	int depth, instr, esc;		/* boundary scanner state */
	int skipping;			/* in an over-long document */
	int broken;			/* JSON: cannot find boundaries */
	uint64_t ndoc;
	size_t max;
	char label[64];
	/* document */
	struct px_json j;
	struct ninfo *ni;
	size_t nicap;
	uint32_t *labels;		/* per node: label bits (resources) */
	size_t labcap;
	size_t kb;			/* the resource's path starts here */
	const char *keys[PX_JSON_DEPTH_MAX + 2];
	size_t klen[PX_JSON_DEPTH_MAX + 2];
	uint8_t ptype[PX_JSON_DEPTH_MAX + 2];
	uint32_t pnode[PX_JSON_DEPTH_MAX + 2];
	struct abuf text;		/* scan text */
	struct piece *pc;
	size_t npc, pccap;
	uint32_t *map;			/* S_DIV: text byte -> div offset */
	size_t nmap, mapcap;
	struct px_findings fs;
	struct px_known *known;		/* this document's */
	struct px_known *pknown;	/* its patient's (NDJSON), or NULL */
	int ref_year;			/* latest year of the document */
	struct abuf out;		/* rendering of one value */
	struct abuf tmp;
	struct phi_session *sess;
	int own_sess;
};

static int
abuf_add(struct abuf *b, const char *p, size_t n)
{
	if (px_grow((void **)&b->p, &b->cap, b->len + n + 1, 1) != PHI_OK)
		return PHI_ENOMEM;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return PHI_OK;
}

/* --- session -------------------------------------------------------- */

int
phi_session_create(struct phi_session **sp)
{
	struct phi_session *s;

	if (sp == NULL)
		return PHI_EINVAL;
	if ((s = px_calloc(1, sizeof(*s))) == NULL)
		return PHI_ENOMEM;
	if (RAND_bytes(s->idkey, sizeof(s->idkey)) != 1) {
		px_free(s);
		return PHI_EKEY;
	}
	if ((s->everyone = px_known_new()) == NULL) {
		px_free(s);
		return PHI_ENOMEM;
	}
	*sp = s;
	return PHI_OK;
}

void
phi_session_destroy(struct phi_session *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->patcap; i++)
		px_known_free(s->pat[i].k);
	px_free(s->pat);
	px_known_free(s->everyone);
	explicit_bzero(s->idkey, sizeof(s->idkey));
	px_free(s);
}

uint64_t
phi_session_known_dropped(const struct phi_session *s)
{
	return s != NULL ? s->dropped : 0;
}

/* The known identifiers of patient id (created when make is set). */
static struct px_known *
patient_known(struct phi_session *s, const char *id, size_t n, int make)
{
	uint64_t h = px_hash(id, n) | 1;
	size_t i, mask;

	if (s->patcap == 0 && !make)
		return NULL;
	if (make && (s->npat + 1) * 2 > s->patcap) {
		size_t nc = s->patcap ? s->patcap * 2 : 64, k;
		struct pslot *np = px_calloc(nc, sizeof(*np));

		if (np == NULL)
			return NULL;
		for (k = 0; k < s->patcap; k++) {
			if (s->pat[k].id == 0)
				continue;
			for (i = s->pat[k].id & (nc - 1); np[i].id != 0;
			    i = (i + 1) & (nc - 1))
				;
			np[i] = s->pat[k];
		}
		px_free(s->pat);
		s->pat = np;
		s->patcap = nc;
	}
	mask = s->patcap - 1;
	for (i = h & mask; s->pat[i].id != 0; i = (i + 1) & mask)
		if (s->pat[i].id == h)
			return s->pat[i].k;
	if (!make)
		return NULL;
	if ((s->pat[i].k = px_known_new()) == NULL)
		return NULL;
	s->pat[i].id = h;
	s->npat++;
	return s->pat[i].k;
}

/* --- reader state ----------------------------------------------------- */

struct px_fhir *
px_fhir_new(struct phi_session *sess, int ndjson, size_t max)
{
	struct px_fhir *f;

	if ((f = px_calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->ndjson = ndjson;
	f->max = max != 0 ? max : PX_JSON_DOC_MAX;
	f->line = 1;
	if ((f->known = px_known_new()) == NULL)
		goto fail;
	if (sess == NULL) {
		if (phi_session_create(&f->sess) != PHI_OK)
			goto fail;
		f->own_sess = 1;
	} else
		f->sess = sess;
	return f;
fail:
	px_known_free(f->known);
	px_free(f);
	return NULL;
}

void
px_fhir_free(struct px_fhir *f)
{
	if (f == NULL)
		return;
	px_wipe_free(f->buf, f->cap);
	px_json_free(&f->j);
	px_free(f->ni);
	px_free(f->labels);
	px_wipe_free(f->text.p, f->text.cap);
	px_free(f->pc);
	px_free(f->map);
	px_free(f->fs.v);
	px_known_free(f->known);
	px_wipe_free(f->out.p, f->out.cap);
	px_wipe_free(f->tmp.p, f->tmp.cap);
	if (f->own_sess)
		phi_session_destroy(f->sess);
	px_free(f);
}

/* Does the input look like JSON?  1 yes, 0 no, -1 need more bytes. */
int
px_fhir_sniff(const char *p, size_t n, int eof)
{
	size_t i = 0;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	if (i == n)
		return eof ? 0 : -1;
	return p[i] == '{';
}

/* --- values ----------------------------------------------------------- */

#define N(x)	(&f->j.n[(x)])
#define S(x)	(f->j.arena + f->j.n[(x)].val)

static int
str_is(const struct px_fhir *f, uint32_t x, const char *s)
{
	return x != PX_JNONE && N(x)->type == PX_J_STR &&
	    N(x)->vlen == strlen(s) && memcmp(S(x), s, N(x)->vlen) == 0;
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A FHIR date, dateTime or instant: YYYY-MM at least (a bare year is as
 * likely a number written as a string), then -DD and a time.  Returns
 * T_DATE, T_DATETIME (with a time) or T_NONE.
 */
static int
date_shape(const char *v, size_t n)
{
	size_t i;

	if (n < 7 || !isdig(v[0]) || !isdig(v[1]) || !isdig(v[2]) ||
	    !isdig(v[3]) || v[4] != '-' || !isdig(v[5]) || !isdig(v[6]))
		return T_NONE;
	if (n == 7)
		return T_DATE;
	if (n < 10 || v[7] != '-' || !isdig(v[8]) || !isdig(v[9]))
		return T_NONE;
	if (n == 10)
		return T_DATE;
	if (v[10] != 'T' || n < 16)
		return T_NONE;
	for (i = 11; i < n; i++)
		if (!isdig(v[i]) && strchr(":.+-Z", v[i]) == NULL)
			return T_NONE;
	return T_DATETIME;
}

/* Elements that are instants in R4 (year-only would not be valid). */
static int
instant_key(const char *k, size_t n, const char *rtype)
{
	static const char *const keys[] = { "issued", "lastUpdated",
	    "recorded", "timestamp", "when", NULL };
	int i;

	for (i = 0; keys[i] != NULL; i++)
		if (strlen(keys[i]) == n && memcmp(keys[i], k, n) == 0)
			return 1;
	return n == 4 && memcmp(k, "date", 4) == 0 && rtype != NULL &&
	    strcmp(rtype, "DocumentReference") == 0;
}

static int
key_is(const char *k, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(k, s, n) == 0;
}

/*
 * A Reference: a reference, or a logical one (identifier and display),
 * and nothing but the members a Reference has.
 */
static int
reference_shape(struct px_fhir *f, uint32_t x)
{
	static const char *const mem[] = { "reference", "type", "identifier",
	    "display", "extension", "id", NULL };
	uint32_t k, idf;
	int i;

	for (k = N(x)->first; k != PX_JNONE; k = N(k)->next) {
		for (i = 0; mem[i] != NULL; i++)
			if (key_is(f->j.arena + N(k)->key, N(k)->klen, mem[i]))
				break;
		if (mem[i] == NULL)
			return 0;
	}
	idf = px_json_get(&f->j, x, "identifier");
	return px_json_get(&f->j, x, "reference") != PX_JNONE ||
	    (idf != PX_JNONE && N(idf)->type == PX_J_OBJ) ||
	    px_json_get(&f->j, x, "display") != PX_JNONE;
}

/* The data type of value x, member (or array element) of key k. */
static int
infer(struct px_fhir *f, uint32_t x, const char *k, size_t kn,
    const char *rtype)
{
	const struct px_jnode *nd = N(x);
	int t;

	if (nd->type == PX_J_STR) {
		if (key_is(k, kn, "id") || key_is(k, kn, "reference") ||
		    key_is(k, kn, "url") || key_is(k, kn, "system") ||
		    key_is(k, kn, "fullUrl") || key_is(k, kn, "code"))
			return T_NONE;
		t = date_shape(S(x), nd->vlen);
		if (t == T_DATETIME && instant_key(k, kn, rtype))
			return T_INSTANT;
		return t;
	}
	if (nd->type != PX_J_OBJ)
		return T_NONE;
	if (key_is(k, kn, "extension") || key_is(k, kn, "modifierExtension"))
		return T_EXTENSION;
	if (key_is(k, kn, "meta"))
		return T_META;
	if (!key_is(k, kn, "coding") && reference_shape(f, x))
		return T_REFERENCE;
	if (key_is(k, kn, "text") && px_json_get(&f->j, x, "div") !=
	    PX_JNONE)
		return T_NARRATIVE;
	if (px_json_get(&f->j, x, "contentType") != PX_JNONE ||
	    (px_json_get(&f->j, x, "data") != PX_JNONE &&
	    !key_is(k, kn, "valueAttachment")))
		return T_ATTACHMENT;
	if (key_is(k, kn, "valueAttachment"))
		return T_ATTACHMENT;
	if (key_is(k, kn, "name") || key_is(k, kn, "valueHumanName")) {
		if (px_json_get(&f->j, x, "family") != PX_JNONE ||
		    px_json_get(&f->j, x, "given") != PX_JNONE ||
		    px_json_get(&f->j, x, "text") != PX_JNONE ||
		    px_json_get(&f->j, x, "prefix") != PX_JNONE)
			return T_HUMANNAME;
	}
	if (key_is(k, kn, "address") || key_is(k, kn, "valueAddress") ||
	    px_json_get(&f->j, x, "postalCode") != PX_JNONE ||
	    (px_json_get(&f->j, x, "city") != PX_JNONE &&
	    px_json_get(&f->j, x, "line") != PX_JNONE))
		return T_ADDRESS;
	if (key_is(k, kn, "telecom") || key_is(k, kn, "valueContactPoint"))
		return T_CONTACTPOINT;
	if (key_is(k, kn, "identifier") || key_is(k, kn, "valueIdentifier"))
		return T_IDENTIFIER;
	if (key_is(k, kn, "note") || key_is(k, kn, "valueAnnotation"))
		return T_ANNOTATION;
	if (px_json_get(&f->j, x, "coding") != PX_JNONE)
		return T_CODEABLECONCEPT;
	if (key_is(k, kn, "coding"))
		return T_CODING;
	if ((px_json_get(&f->j, x, "start") != PX_JNONE ||
	    px_json_get(&f->j, x, "end") != PX_JNONE) && nd->nkids <= 3)
		return T_PERIOD;
	return T_NONE;
}

/* --- rules ------------------------------------------------------------ */

static int type_name(const char *, size_t);

/* Does step s name key k of value x (extension:NAME by its url)? */
static int
step_is(struct px_fhir *f, const char *s, const char *k, size_t kn,
    uint32_t x)
{
	const char *c = strchr(s, ':');
	uint32_t u;
	size_t nl;

	if (c == NULL)
		return strlen(s) == kn && memcmp(s, k, kn) == 0;
	if ((size_t)(c - s) != kn || memcmp(s, k, kn) != 0 ||
	    N(x)->type != PX_J_OBJ ||
	    (u = px_json_get(&f->j, x, "url")) == PX_JNONE ||
	    N(u)->type != PX_J_STR)
		return 0;
	c++;
	nl = strlen(c);
	return N(u)->vlen == nl ? memcmp(S(u), c, nl) == 0 :
	    N(u)->vlen > nl && memcmp(S(u) + N(u)->vlen - nl, c, nl) == 0 &&
	    S(u)[N(u)->vlen - nl - 1] == '/';
}

/*
 * Rank of rule r at the value at depth d (1-based; keys[0..d) the path
 * from the resource), or -1 when it does not name it.  Element paths rank
 * above data types; an explicit resource above *; more steps above fewer.
 */
static long
rank(struct px_fhir *f, const struct px_fhir_rule *r, size_t d,
    const char *rtype)
{
	size_t ns = r->nsteps, i, a;

	if (r->type == 0) {
		if (ns - 1 != d)
			return -1;
		if (strcmp(r->steps[0], "*") != 0 && (rtype == NULL ||
		    strcmp(r->steps[0], rtype) != 0))
			return -1;
		for (i = 1; i < ns; i++)
			if (!step_is(f, r->steps[i], f->keys[f->kb + i - 1],
			    f->klen[f->kb + i - 1], f->pnode[f->kb + i - 1]))
				return -1;
		return 1000000L + (r->steps[0][0] != '*') * 100000L +
		    (long)ns * 1000L + r->order;
	}
	/* the value with the type is at depth a, the rest names the path */
	if (ns - 1 > d)
		return -1;
	a = d - (ns - 1);
	if (a == 0 || f->ptype[f->kb + a - 1] != r->type)
		return -1;
	for (i = 1; i < ns; i++)
		if (!step_is(f, r->steps[i], f->keys[f->kb + a + i - 1],
		    f->klen[f->kb + a + i - 1], f->pnode[f->kb + a + i - 1]))
			return -1;
	return (long)ns * 1000L + r->order;
}

/*
 * A rule with targets names only (what is under) references to those
 * resource types.  The type of the reference at depth a: Type/id,
 * Type?query, base/Type/id; a urn:uuid reference does not tell, and
 * counts as a target (the safe side).
 */
static int
target_ok(struct px_fhir *f, const struct px_fhir_rule *r, size_t d)
{
	uint32_t ref;
	const char *v, *e, *s;
	size_t i, a, n, tl;

	if (r->ntargets == 0)
		return 1;
	for (a = d; a > 0 && f->ptype[f->kb + a - 1] != T_REFERENCE; a--)
		;
	if (a == 0)
		return 1;
	if ((ref = px_json_get(&f->j, f->pnode[f->kb + a - 1], "reference")) ==
	    PX_JNONE || N(ref)->type != PX_J_STR)
		ref = px_json_get(&f->j, f->pnode[f->kb + a - 1], "type");
	if (ref == PX_JNONE || N(ref)->type != PX_J_STR)
		return 1;
	v = S(ref);
	n = N(ref)->vlen;
	if ((e = memchr(v, '?', n)) != NULL)
		n = (size_t)(e - v);
	/* the type is the segment before the id (or before the query) */
	e = v + n;
	if (memchr(v, '?', N(ref)->vlen) == NULL) {
		while (e > v && e[-1] != '/')
			e--;
		if (e == v)
			return 1;
		e--;
	}
	for (s = e; s > v && s[-1] != '/'; s--)
		;
	tl = (size_t)(e - s);
	if (!type_name(s, tl))
		return 1;
	for (i = 0; i < r->ntargets; i++)
		if (strlen(r->targets[i]) == tl &&
		    memcmp(r->targets[i], s, tl) == 0)
			return 1;
	return 0;
}

/* The range of fs->bykey whose key is k[0..kn). */
static void
key_range(const struct px_fhir_spec *fs, const char *k, size_t kn,
    size_t *a, size_t *b)
{
	size_t lo = 0, hi = fs->nbykey, mid;
	const struct px_fhir_key *x;
	int c;

	while (lo < hi) {		/* the first entry not below k */
		mid = lo + (hi - lo) / 2;
		x = &fs->bykey[mid];
		c = memcmp(x->key, k, x->len < kn ? x->len : kn);
		if (c < 0 || (c == 0 && x->len < kn))
			lo = mid + 1;
		else
			hi = mid;
	}
	*a = lo;
	while (lo < fs->nbykey && fs->bykey[lo].len == kn &&
	    memcmp(fs->bykey[lo].key, k, kn) == 0)
		lo++;
	*b = lo;
}

static const struct px_fhir_rule *
best(struct px_fhir *f, const struct phi_engine *eng, size_t d,
    const char *rtype)
{
	const struct px_fhir_spec *fs = &eng->spec.fhir;
	const struct px_fhir_rule *b = NULL, *r;
	long br = -1, rk;
	size_t s = 0, k = 0, ke = 0;
	uint32_t i;

	/* the one-step rules and those whose last step names this key,
	 * merged in pack order: no other rule names the value */
	if (d > 0)
		key_range(fs, f->keys[f->kb + d - 1], f->klen[f->kb + d - 1],
		    &k, &ke);
	while (s < fs->nsingle || k < ke) {
		if (k >= ke || (s < fs->nsingle && fs->single[s] <
		    fs->bykey[k].idx))
			i = fs->single[s++];
		else
			i = fs->bykey[k++].idx;
		r = fs->rules[i];
		if ((rk = rank(f, r, d, rtype)) > br && target_ok(f, r, d)) {
			br = rk;
			b = r;
		}
	}
	return b;
}

static int
final(const struct px_fhir_rule *r)
{
	return r != NULL && (r->kind == PX_FHIR_KEEP ||
	    r->kind == PX_FHIR_REMOVE);
}

/*
 * Give value x (at depth d, member of key keys[d-1]) and what is under it
 * their rules.  inh is the parent's rule; res the enclosing resource.
 */
static int
walk(struct px_fhir *f, const struct phi_engine *eng, uint32_t x, size_t D,
    const struct px_fhir_rule *inh, uint32_t res, const char *rtype)
{
	const struct px_jnode *nd = N(x);
	const struct px_fhir_rule *r = inh;
	size_t saved = f->kb, d;
	uint32_t k, rt;
	int rc = PHI_OK;

	if (nd->type == PX_J_OBJ && (rt = px_json_get(&f->j, x,
	    "resourceType")) != PX_JNONE && N(rt)->type == PX_J_STR) {
		/* a resource (the document, an entry, a contained one): its
		 * paths start here */
		res = x;
		rtype = S(rt);
		f->kb = D;
		inh = r = NULL;
	}
	d = D - f->kb;
	if (d > 0)
		f->ptype[D - 1] = nd->type == PX_J_ARR ? T_NONE :
		    (uint8_t)infer(f, x, f->keys[D - 1], f->klen[D - 1],
		    rtype);
	if (d > 0)
		f->pnode[D - 1] = x;
	if (!final(inh) && (d > 0 || res == x)) {
		const struct px_fhir_rule *b = best(f, eng, d, rtype);

		if (b != NULL)
			r = b;
	}
	f->ni[x].rule = r;
	f->ni[x].res = res;
	f->ni[x].type = d > 0 ? f->ptype[D - 1] : T_NONE;
	f->ni[x].seen = 1;
	if ((r != NULL && r->kind == PX_FHIR_REMOVE) ||
	    D >= PX_JSON_DEPTH_MAX) {
		f->kb = saved;
		return PHI_OK;
	}
	for (k = nd->first; k != PX_JNONE && rc == PHI_OK; k = N(k)->next) {
		if (nd->type == PX_J_OBJ) {
			const char *kk = f->j.arena + N(k)->key;
			size_t kl = N(k)->klen;

			if (key_is(kk, kl, "resourceType"))
				continue;
			/* _x carries the extensions of primitive x */
			if (kl > 1 && kk[0] == '_') {
				kk++;
				kl--;
			}
			f->keys[D] = kk;
			f->klen[D] = kl;
			rc = walk(f, eng, k, D + 1, r, res, rtype);
		} else {
			/* array elements: the array's key (a nested resource
			 * may have used the slot) */
			if (D > 0 && nd->key != PX_JNONE) {
				f->keys[D - 1] = f->j.arena + nd->key;
				f->klen[D - 1] = nd->klen;
				if (f->klen[D - 1] > 1 && f->keys[D - 1][0] ==
				    '_') {
					f->keys[D - 1]++;
					f->klen[D - 1]--;
				}
			}
			rc = walk(f, eng, k, D, r, res, rtype);
		}
	}
	f->kb = saved;
	return rc;
}

/* --- pseudonyms ------------------------------------------------------- */

static int
is_uuid(const char *v, size_t n)
{
	size_t i;

	if (n != 36)
		return 0;
	for (i = 0; i < n; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (v[i] != '-')
				return 0;
		} else if (!isdig(v[i]) && ((v[i] | 0x20) < 'a' ||
		    (v[i] | 0x20) > 'f'))
			return 0;
	return 1;
}

/*
 * The pseudonym of id v: HMAC-SHA-256 under the token subkey (or the
 * session's random key), as a UUID when v is one (urn:uuid references
 * stay valid) and else as 32 hex digits (a valid FHIR id).  The same v
 * gives the same pseudonym wherever it stands, so references resolve.
 */
static int
pseudonym(struct px_fhir *f, const struct phi_engine *eng, const char *v,
    size_t n, struct abuf *o)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[32];
	unsigned int ml = 0;
	const unsigned char *key = eng->keys.set ? eng->keys.token :
	    f->sess->idkey;
	char u[40];
	size_t i, k = 0;

	if (HMAC(EVP_sha256(), key, 32, (const unsigned char *)v, n, mac,
	    &ml) == NULL || ml != 32)
		return PHI_EKEY;
	if (is_uuid(v, n)) {
		mac[6] = (unsigned char)((mac[6] & 0x0f) | 0x40);
		mac[8] = (unsigned char)((mac[8] & 0x3f) | 0x80);
		for (i = 0; i < 16; i++) {
			if (i == 4 || i == 6 || i == 8 || i == 10)
				u[k++] = '-';
			u[k++] = hex[mac[i] >> 4];
			u[k++] = hex[mac[i] & 15];
		}
	} else
		for (i = 0; i < 16; i++) {
			u[k++] = hex[mac[i] >> 4];
			u[k++] = hex[mac[i] & 15];
		}
	explicit_bzero(mac, sizeof(mac));
	return abuf_add(o, u, k);
}

/* A bare resource type (the url of a create in a transaction). */
static int
type_name(const char *v, size_t n)
{
	size_t i;

	if (n == 0 || v[0] < 'A' || v[0] > 'Z')
		return 0;
	for (i = 1; i < n; i++)
		if (!((v[i] | 0x20) >= 'a' && (v[i] | 0x20) <= 'z'))
			return 0;
	return 1;
}

/*
 * A reference (or fullUrl, request url, response location) with its ids
 * pseudonymized: urn:uuid:X, #X, [base/]Type/X[/_history/V], and
 * Type?param=value&... (identifier=system|value keeps the system).
 */
static int
pseudo_ref(struct px_fhir *f, const struct phi_engine *eng, const char *v,
    size_t n, struct abuf *o)
{
	const char *q, *e, *h, *sl, *eq, *bar;
	int rc;

	o->len = 0;
	if (n > 9 && memcmp(v, "urn:uuid:", 9) == 0)
		return abuf_add(o, v, 9) != PHI_OK ? PHI_ENOMEM :
		    pseudonym(f, eng, v + 9, n - 9, o);
	if (n > 8 && memcmp(v, "urn:oid:", 8) == 0)
		return abuf_add(o, v, n);
	if (n > 1 && v[0] == '#')
		return abuf_add(o, "#", 1) != PHI_OK ? PHI_ENOMEM :
		    pseudonym(f, eng, v + 1, n - 1, o);
	if ((q = memchr(v, '?', n)) != NULL) {
		if ((rc = abuf_add(o, v, (size_t)(q - v) + 1)) != PHI_OK)
			return rc;
		for (q++; q < v + n; q = e + 1) {
			if ((e = memchr(q, '&', (size_t)(v + n - q))) == NULL)
				e = v + n;
			if ((eq = memchr(q, '=', (size_t)(e - q))) == NULL)
				eq = e;
			else
				eq++;
			bar = memchr(eq, '|', (size_t)(e - eq));
			if (bar != NULL)
				bar++;
			else
				bar = eq;
			if ((rc = abuf_add(o, q, (size_t)(bar - q))) != PHI_OK)
				return rc;
			if (e > bar && (rc = pseudonym(f, eng, bar,
			    (size_t)(e - bar), o)) != PHI_OK)
				return rc;
			if (e < v + n && (rc = abuf_add(o, "&", 1)) != PHI_OK)
				return rc;
		}
		return PHI_OK;
	}
	if (memchr(v, '/', n) == NULL)
		return type_name(v, n) ? abuf_add(o, v, n) :
		    pseudonym(f, eng, v, n, o);
	/* [base/]Type/id[/_history/vid] */
	h = NULL;
	for (e = v; e + 10 <= v + n; e++)
		if (memcmp(e, "/_history/", 10) == 0) {
			h = e;
			break;
		}
	if (h == NULL)
		h = v + n;
	for (sl = h; sl > v && sl[-1] != '/'; sl--)
		;
	if ((rc = abuf_add(o, v, (size_t)(sl - v))) != PHI_OK ||
	    (sl < h && (rc = pseudonym(f, eng, sl, (size_t)(h - sl), o)) !=
	    PHI_OK))
		return rc;
	return abuf_add(o, h, (size_t)(v + n - h));
}

/* --- known identifiers ------------------------------------------------ */

static int
who(const char *rtype)
{
	static const char *const t[] = { "Patient", "RelatedPerson",
	    "Person", "Practitioner", "PractitionerRole", "Organization",
	    "Location", NULL };
	int i;

	for (i = 0; rtype != NULL && t[i] != NULL; i++)
		if (strcmp(rtype, t[i]) == 0)
			return 1;
	return 0;
}

static const char *
rtype_of(const struct px_fhir *f, uint32_t res)
{
	uint32_t rt;

	if (res == PX_JNONE ||
	    (rt = px_json_get(&f->j, res, "resourceType")) == PX_JNONE)
		return NULL;
	return S(rt);
}

static int
replaces(const struct px_fhir_rule *r)
{
	return r != NULL && (r->kind == PX_FHIR_ACT ||
	    r->kind == PX_FHIR_PSEUDONYM || r->kind == PX_FHIR_REMOVE);
}

/* The string member k of object x, as a part (v NULL when absent). */
static struct px_part
part(const struct px_fhir *f, uint32_t x, const char *k, int idx)
{
	struct px_part p = { NULL, 0 };
	uint32_t m = px_json_get(&f->j, x, k);

	if (m != PX_JNONE && N(m)->type == PX_J_ARR) {
		for (m = N(m)->first; m != PX_JNONE && idx > 0; idx--)
			m = N(m)->next;
	} else if (idx > 0)
		m = PX_JNONE;
	if (m != PX_JNONE && N(m)->type == PX_J_STR) {
		p.v = S(m);
		p.n = N(m)->vlen;
	}
	return p;
}

/*
 * The values rules replace in the "who" resources under node range: names
 * in every order, numbers by digits, dates in every layout, streets
 * without their number.  Into kn.
 */
static int
harvest(struct px_fhir *f, struct px_known *kn)
{
	size_t x;
	int rc;

	for (x = 0; x < f->j.nn; x++) {
		const struct ninfo *ni = &f->ni[x];
		const struct px_fhir_rule *r = ni->rule;
		const struct px_jnode *nd = N(x);
		uint32_t pa = nd->parent;
		char d8[8];

		if (!replaces(r) || !who(rtype_of(f, ni->res)))
			continue;
		if (nd->type == PX_J_OBJ && ni->type == T_HUMANNAME) {
			struct px_part fam = part(f, (uint32_t)x, "family", 0);
			struct px_part g0 = part(f, (uint32_t)x, "given", 0);
			struct px_part g1 = part(f, (uint32_t)x, "given", 1);

			if (fam.v != NULL && (rc = px_known_add_name(kn, &fam,
			    &g0, &g1, r->krule)) != PHI_OK)
				return rc;
			continue;
		}
		if (nd->type != PX_J_STR)
			continue;
		if (pa != PX_JNONE && N(pa)->type == PX_J_ARR)
			pa = N(pa)->parent;
		if (ni->type == T_DATE || ni->type == T_DATETIME ||
		    ni->type == T_INSTANT) {
			const char *v = S(x);

			if (nd->vlen < 10)
				continue;
			memcpy(d8, v, 4);
			memcpy(d8 + 4, v + 5, 2);
			memcpy(d8 + 6, v + 8, 2);
			if ((rc = px_known_add_date(kn, d8, 8, r->krule)) !=
			    PHI_OK)
				return rc;
			continue;
		}
		if ((rc = px_known_add_value(kn, S(x), nd->vlen, r->krule,
		    pa != PX_JNONE && f->ni[pa].type == T_CONTACTPOINT)) !=
		    PHI_OK)
			return rc;
		if (pa != PX_JNONE && f->ni[pa].type == T_ADDRESS &&
		    key_is(f->j.arena + (N(nd->parent)->type == PX_J_ARR ?
		    N(nd->parent)->key : nd->key), N(nd->parent)->type ==
		    PX_J_ARR ? N(nd->parent)->klen : nd->klen, "line") &&
		    (rc = px_known_add_street(kn, S(x), nd->vlen, r->krule)) !=
		    PHI_OK)
			return rc;
	}
	return PHI_OK;
}

/* The id of the first Patient/X reference under x (or x's own id). */
static int
patient_of(const struct px_fhir *f, const char **id, size_t *n)
{
	const char *rt = rtype_of(f, 0);
	size_t x;

	if (rt != NULL && strcmp(rt, "Patient") == 0) {
		struct px_part p = part(f, 0, "id", 0);

		*id = p.v;
		*n = p.n;
		return p.v != NULL;
	}
	for (x = 0; x < f->j.nn; x++) {
		const struct px_jnode *nd = N(x);

		if (nd->type == PX_J_STR && nd->parent != PX_JNONE &&
		    key_is(f->j.arena + nd->key, nd->klen, "reference") &&
		    nd->vlen > 8 && memcmp(S(x), "Patient/", 8) == 0) {
			*id = S(x) + 8;
			*n = nd->vlen - 8;
			return 1;
		}
	}
	return 0;
}

/*
 * NDJSON: a Patient (or who-resource) line seeds the session for the
 * later lines of its patient (or of everyone); any line uses them.
 */
static int
session_known(struct px_fhir *f)
{
	struct phi_session *s = f->sess;
	const char *rt = rtype_of(f, 0), *id;
	struct px_known *kn;
	size_t n, before;
	int rc;

	f->pknown = NULL;
	if (patient_of(f, &id, &n))
		f->pknown = patient_known(s, id, n, 0);
	if (!who(rt))
		return PHI_OK;
	if (s->entries >= PX_KNOWN_RUN_MAX) {
		s->dropped++;
		return PHI_OK;
	}
	if (strcmp(rt, "Patient") == 0 || strcmp(rt, "RelatedPerson") == 0) {
		if (!patient_of(f, &id, &n))
			return PHI_OK;
		if ((kn = patient_known(s, id, n, 1)) == NULL)
			return PHI_ENOMEM;
	} else
		kn = s->everyone;
	before = px_known_count(kn);
	if ((rc = harvest(f, kn)) != PHI_OK ||
	    (rc = px_known_index(kn)) != PHI_OK)
		return rc;
	s->entries += px_known_count(kn) - before;
	f->pknown = strcmp(rt, "Patient") == 0 ? kn : f->pknown;
	return PHI_OK;
}

/* --- scan text: strings, narratives, attachments ----------------------- */

static int
add_piece(struct px_fhir *f, uint32_t x, int kind, size_t t0, size_t m0)
{
	struct piece *p;

	if (px_grow((void **)&f->pc, &f->pccap, f->npc + 1,
	    sizeof(*f->pc)) != PHI_OK)
		return PHI_ENOMEM;
	p = &f->pc[f->npc++];
	p->x = x;
	p->kind = (uint8_t)kind;
	p->t0 = t0;
	p->t1 = f->text.len;
	p->m0 = m0;
	/* a line end between pieces: no match joins two values */
	return abuf_add(&f->text, "\n", 1);
}

/* One text byte of a narrative and the div bytes [a, b) it stands for. */
static int
map_add(struct px_fhir *f, const char *c, size_t n, size_t a, size_t b)
{
	size_t i;

	if (abuf_add(&f->text, c, n) != PHI_OK ||
	    px_grow((void **)&f->map, &f->mapcap, f->nmap + 3 * n,
	    sizeof(*f->map)) != PHI_OK)
		return PHI_ENOMEM;
	for (i = 0; i < n; i++) {
		f->map[f->nmap++] = (uint32_t)a;
		f->map[f->nmap++] = (uint32_t)b;
		f->map[f->nmap++] = 1;		/* text, not markup */
	}
	return PHI_OK;
}

static int
block_tag(const char *t, size_t n)
{
	static const char *const tags[] = { "br", "p", "div", "li", "tr",
	    "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul",
	    "ol", "dt", "dd", "pre", "blockquote", "hr", "caption", NULL };
	int i;

	for (i = 0; tags[i] != NULL; i++)
		if (strlen(tags[i]) == n && memcmp(tags[i], t, n) == 0)
			return 1;
	return 0;
}

/* An entity at d[i] ('&'): its UTF-8 into c, its length into *len. */
static size_t
entity(const char *d, size_t i, size_t n, char *c, size_t *len)
{
	static const struct { const char *e; char c; } named[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
		{ "apos", '\'' }, { "nbsp", ' ' }
	};
	size_t j, k;
	unsigned long cp = 0;

	for (j = i + 1; j < n && j - i < 12 && d[j] != ';'; j++)
		;
	if (j >= n || d[j] != ';')
		return 0;
	*len = j + 1 - i;
	if (d[i + 1] == '#') {
		int hx = j > i + 2 && (d[i + 2] | 0x20) == 'x';

		for (k = i + 2 + (size_t)hx; k < j; k++) {
			char ch = (char)(d[k] | (hx ? 0x20 : 0));

			if (isdig(d[k]))
				cp = cp * (hx ? 16 : 10) + (unsigned long)(d[k] -
				    '0');
			else if (hx && ch >= 'a' && ch <= 'f')
				cp = cp * 16 + (unsigned long)(ch - 'a' + 10);
			else
				return 0;
			if (cp > 0x10ffff)
				return 0;
		}
		if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		return px_utf8_put(c, (unsigned)cp);
	}
	for (k = 0; k < PX_NELEM(named); k++)
		if (strlen(named[k].e) == j - i - 1 &&
		    memcmp(named[k].e, d + i + 1, j - i - 1) == 0) {
			c[0] = named[k].c;
			return 1;
		}
	return 0;
}

/* Character data d[a, b) (entities decoded) into the scan text. */
static int
chars(struct px_fhir *f, const char *d, size_t a, size_t b)
{
	char c[4];
	size_t i = a, el, cl;

	while (i < b) {
		if (d[i] == '&' && (cl = entity(d, i, b, c, &el)) > 0) {
			if (map_add(f, c, cl, i, i + el) != PHI_OK)
				return PHI_ENOMEM;
			i += el;
			continue;
		}
		if (map_add(f, d + i, 1, i, i + 1) != PHI_OK)
			return PHI_ENOMEM;
		i++;
	}
	return PHI_OK;
}

/*
 * A narrative div as text: character data and attribute values (but
 * xmlns) with entities decoded; a block tag becomes a line end.  Every
 * text byte maps back to the div bytes it came from, so findings can be
 * replaced between the tags and the div stays well-formed.
 */
static int
div_text(struct px_fhir *f, const char *d, size_t n)
{
	size_t i = 0, j, ns, vs, ve, an;
	const char *e;
	int blk;

	while (i < n) {
		if (d[i] != '<') {
			for (j = i; j < n && d[j] != '<'; j++)
				;
			if (chars(f, d, i, j) != PHI_OK)
				return PHI_ENOMEM;
			i = j;
			continue;
		}
		if (n - i >= 4 && memcmp(d + i, "<!--", 4) == 0) {
			for (j = i + 4; j + 3 <= n && memcmp(d + j, "-->", 3);
			    j++)
				;
			i = j + 3 <= n ? j + 3 : n;
			continue;
		}
		j = i + 1;
		if (j < n && d[j] == '/')
			j++;
		for (ns = j; j < n && (((d[j] | 0x20) >= 'a' &&
		    (d[j] | 0x20) <= 'z') || isdig(d[j])); j++)
			;
		blk = block_tag(d + ns, j - ns);
		if (blk && abuf_add(&f->text, "\n", 1) != PHI_OK)
			return PHI_ENOMEM;
		if (blk && px_grow((void **)&f->map, &f->mapcap, f->nmap + 3,
		    sizeof(*f->map)) != PHI_OK)
			return PHI_ENOMEM;
		if (blk) {
			f->map[f->nmap++] = (uint32_t)i;
			f->map[f->nmap++] = (uint32_t)i;
			f->map[f->nmap++] = 0;
		}
		/* attributes: name = "value" */
		while (j < n && d[j] != '>') {
			if (d[j] != '"' && d[j] != '\'') {
				j++;
				continue;
			}
			vs = j + 1;
			e = memchr(d + vs, d[j], n - vs);
			ve = e != NULL ? (size_t)(e - d) : n;
			/* the attribute's name, before '=' */
			for (an = j; an > i && (d[an - 1] == '=' ||
			    d[an - 1] == ' '); an--)
				;
			if (!(an - i >= 5 && (memcmp(d + an - 5, "xmlns", 5) ==
			    0 || memchr(d + i, ':', an - i) != NULL))) {
				if (abuf_add(&f->text, "\n", 1) != PHI_OK ||
				    px_grow((void **)&f->map, &f->mapcap,
				    f->nmap + 3, sizeof(*f->map)) != PHI_OK)
					return PHI_ENOMEM;
				f->map[f->nmap++] = (uint32_t)vs;
				f->map[f->nmap++] = (uint32_t)vs;
				f->map[f->nmap++] = 0;
				if (chars(f, d, vs, ve) != PHI_OK ||
				    abuf_add(&f->text, "\n", 1) != PHI_OK ||
				    px_grow((void **)&f->map, &f->mapcap,
				    f->nmap + 3, sizeof(*f->map)) != PHI_OK)
					return PHI_ENOMEM;
				f->map[f->nmap++] = (uint32_t)ve;
				f->map[f->nmap++] = (uint32_t)ve;
				f->map[f->nmap++] = 0;
			}
			j = ve + 1;
		}
		i = j < n ? j + 1 : n;
	}
	return PHI_OK;
}

static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode base64 s[0, n) onto o; -1 when it is not base64. */
static int
b64_decode(const char *s, size_t n, struct abuf *o)
{
	unsigned acc = 0;
	int bits = 0, v, pad = 0;
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n' || s[i] == ' ')
			continue;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = b64val((unsigned char)s[i])) < 0)
			return -1;
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			c = (char)(acc >> bits & 0xff);
			if (abuf_add(o, &c, 1) != PHI_OK)
				return -2;
		}
	}
	return pad > 2 ? -1 : 0;
}

static int
b64_encode(const char *s, size_t n, struct abuf *o)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	    "opqrstuvwxyz0123456789+/";
	const unsigned char *u = (const unsigned char *)s;
	char q[4];
	size_t i;

	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)u[i] << 16 | (i + 1 < n ?
		    (unsigned)u[i + 1] << 8 : 0) | (i + 2 < n ? u[i + 2] : 0);

		q[0] = tab[v >> 18];
		q[1] = tab[v >> 12 & 63];
		q[2] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? tab[v & 63] : '=';
		if (abuf_add(o, q, 4) != PHI_OK)
			return PHI_ENOMEM;
	}
	return PHI_OK;
}

/* Is the attachment's contentType text we can scan (UTF-8)? */
static int
text_type(const struct px_fhir *f, uint32_t att)
{
	static const char *const apps[] = { "application/json",
	    "application/xml", "application/fhir+json",
	    "application/fhir+xml", "application/xhtml+xml", "application/hl7-v2",
	    NULL };
	uint32_t ct = px_json_get(&f->j, att, "contentType");
	const char *v, *cs;
	size_t n, i, k;
	char low[128];

	if (ct == PX_JNONE || N(ct)->type != PX_J_STR ||
	    (n = N(ct)->vlen) >= sizeof(low))
		return 0;
	v = S(ct);
	for (i = 0; i < n; i++)
		low[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] | 0x20 :
		    v[i]);
	low[n] = '\0';
	if ((cs = strstr(low, "charset=")) != NULL) {
		cs += 8;
		if (strncmp(cs, "utf-8", 5) != 0 && strncmp(cs, "utf8", 4) != 0 &&
		    strncmp(cs, "us-ascii", 8) != 0)
			return 0;
	}
	if (strncmp(low, "text/", 5) == 0)
		return 1;
	for (k = 0; apps[k] != NULL; k++)
		if (strncmp(low, apps[k], strlen(apps[k])) == 0)
			return 1;
	return 0;
}

/* Does x's governing rule make it scanned text? */
static int
scanned(const struct px_fhir *f, const struct phi_engine *eng, uint32_t x)
{
	const struct px_fhir_rule *r = f->ni[x].rule;

	if (r == NULL)
		r = eng->spec.fhir.other;
	return r == NULL || r->kind == PX_FHIR_SCAN;
}

static int
is_member(const struct px_fhir *f, uint32_t x, const char *k)
{
	uint32_t p = N(x)->parent;

	if (p != PX_JNONE && N(p)->type == PX_J_ARR)
		x = p;
	return N(x)->key != PX_JNONE && key_is(f->j.arena + N(x)->key,
	    N(x)->klen, k);
}

/* The object a value is a member of (through an array). */
static uint32_t
owner(const struct px_fhir *f, uint32_t x)
{
	uint32_t p = N(x)->parent;

	if (p != PX_JNONE && N(p)->type == PX_J_ARR)
		p = N(p)->parent;
	return p;
}

static void
label(struct px_fhir *f, uint32_t x, unsigned bits)
{
	uint32_t r = f->ni[x].res;

	if (r != PX_JNONE && r < f->labcap)
		f->labels[r] |= bits;
}

static unsigned
label_of(enum phi_action a)
{
	switch (a) {
	case PHI_ACT_GENERALIZE:
		return L_ABSTRED;
	case PHI_ACT_TOKEN:
	case PHI_ACT_SURROGATE:
	case PHI_ACT_SHIFT:
		return L_PSEUDED;
	case PHI_ACT_ENCRYPT:
		return L_MASKED;
	case PHI_ACT_KEEP:
		return 0;
	default:
		return L_REDACTED;
	}
}

/* A region we could not evaluate: where it is, never what. */
static int
region(struct phi_stream *st, struct px_fhir *f, uint32_t x, int code,
    const char *what, struct phi_error *err)
{
	char path[160] = "-";

	if (phi_stream_status(st) == PHI_OK && x != PX_JNONE)
		px_json_path(&f->j, x, path, sizeof(path));
	return px_stream_region_error(st, code, err, "%s, %s: %s", f->label,
	    path, what);
}

struct wctx {
	struct phi_stream *st;
	struct px_fhir *f;
};

/* The piece holding scan-text offset t. */
static const struct piece *
piece_at(const struct px_fhir *f, size_t t)
{
	size_t lo = 0, hi = f->npc;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f->pc[mid].t1 < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->npc ? &f->pc[lo] : NULL;
}

static int
where(void *arg, size_t t, int code, const char *what, struct phi_error *err)
{
	struct wctx *w = arg;
	const struct piece *p = piece_at(w->f, t);

	return region(w->st, w->f, p != NULL ? p->x : PX_JNONE, code, what,
	    err);
}

/* An attachment's data changed or went: its size and hash would lie. */
static void
drop_size(struct px_fhir *f, uint32_t data)
{
	uint32_t o = owner(f, data), k;

	if (o == PX_JNONE)
		return;
	if ((k = px_json_get(&f->j, o, "size")) != PX_JNONE)
		f->j.n[k].del = 1;
	if ((k = px_json_get(&f->j, o, "hash")) != PX_JNONE)
		f->j.n[k].del = 1;
}

/*
 * Collect the scanned strings, narratives and text attachments into the
 * scan text; remove attachments of other types (and those that do not
 * decode).
 */
static int
collect(struct phi_stream *st, struct px_fhir *f, struct phi_error *err)
{
	const struct phi_engine *eng = px_stream_engine(st);
	uint32_t x, o;
	size_t t0, m0;
	int rc;

	f->text.len = 0;
	f->npc = 0;
	f->nmap = 0;
	for (x = 0; x < f->j.nn; x++) {
		const struct px_jnode *nd = N(x);

		if (nd->type != PX_J_STR || !f->ni[x].seen ||
		    !scanned(f, eng, x))
			continue;
		t0 = f->text.len;
		o = owner(f, x);
		if (o != PX_JNONE && f->ni[o].type == T_NARRATIVE &&
		    is_member(f, x, "div")) {
			m0 = f->nmap;
			if (div_text(f, S(x), nd->vlen) != PHI_OK ||
			    add_piece(f, x, S_DIV, t0, m0) != PHI_OK)
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
			continue;
		}
		if (o != PX_JNONE && f->ni[o].type == T_ATTACHMENT &&
		    is_member(f, x, "data")) {
			if (!text_type(f, o)) {
				/* not text we can read: it goes */
				f->j.n[x].del = 1;
				drop_size(f, x);
				label(f, x, L_REDACTED);
				if ((rc = px_stream_report_error(st,
				    "attachment-not-text", f->base + nd->raw,
				    nd->rlen, err)) != PHI_OK)
					return rc;
				continue;
			}
			f->tmp.len = 0;
			rc = b64_decode(S(x), nd->vlen, &f->tmp);
			if (rc == -2)
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
			if (rc != 0 || px_utf8_valid_prefix(f->tmp.p,
			    f->tmp.len) != f->tmp.len ||
			    memchr(f->tmp.p, '\0', f->tmp.len) != NULL) {
				f->j.n[x].del = 1;
				drop_size(f, x);
				label(f, x, L_REDACTED);
				px_stream_count_unevaluated(st, 1);
				if ((rc = region(st, f, x, PHI_EINPUT,
				    rc != 0 ? "attachment is not base64" :
				    "attachment is not UTF-8 text", err)) !=
				    PHI_OK)
					return rc;
				continue;
			}
			if (abuf_add(&f->text, f->tmp.p, f->tmp.len) !=
			    PHI_OK || add_piece(f, x, S_B64, t0, 0) != PHI_OK)
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
			continue;
		}
		if (abuf_add(&f->text, S(x), nd->vlen) != PHI_OK ||
		    add_piece(f, x, S_PLAIN, t0, 0) != PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
	}
	return PHI_OK;
}

/* --- rendering -------------------------------------------------------- */

static int
year_of(const char *v)
{
	return (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 +
	    (v[3] - '0');
}

/*
 * The replacement of a whole value x under rule r into f->out.  Returns
 * PHI_OK, 1 when the value must be removed instead (an action a FHIR
 * primitive of its type cannot hold), or an error.
 */
static int
render_value(struct phi_stream *st, struct px_fhir *f, uint32_t x,
    const struct px_rule *r, int birth)
{
	const struct phi_engine *eng = px_stream_engine(st);
	enum phi_action a = px_action_of(eng, r);
	const char *v = S(x);
	size_t n = N(x)->vlen, ol;
	int t = f->ni[x].type, y, rc;
	char yb[32];

	f->out.len = 0;
	if (t == T_DATE || t == T_DATETIME || t == T_INSTANT) {
		if (a == PHI_ACT_GENERALIZE) {
			y = year_of(v);
			/* Safe Harbor: no birth year that makes someone 90+ */
			if (birth && f->ref_year > 0 && f->ref_year - y >= 90)
				y = f->ref_year - 90;
			if (t == T_INSTANT)
				snprintf(yb, sizeof(yb), "%04d-01-01T00:00:00Z",
				    y);
			else
				snprintf(yb, sizeof(yb), "%04d", y);
			return abuf_add(&f->out, yb, strlen(yb));
		}
		if (a == PHI_ACT_SHIFT && n >= 10) {
			if (px_grow((void **)&f->out.p, &f->out.cap, n + 64, 1)
			    != PHI_OK)
				return PHI_ENOMEM;
			rc = px_act_shift(eng, px_stream_subject(st), v, 10,
			    f->out.p, f->out.cap, &ol);
			if (rc != PHI_OK)
				return rc;
			if (ol != 10)
				return 1;
			f->out.len = ol;
			return abuf_add(&f->out, v + 10, n - 10);
		}
		if (a != PHI_ACT_KEEP && a != PHI_ACT_ENCRYPT &&
		    a != PHI_ACT_TOKEN)
			return 1;
	}
	if (px_grow((void **)&f->out.p, &f->out.cap, 2 * n + 128, 1) !=
	    PHI_OK)
		return PHI_ENOMEM;
	if ((rc = px_act_render(eng, r, px_stream_subject(st), v, n,
	    f->out.p, f->out.cap, &ol)) != PHI_OK)
		return rc;
	f->out.len = ol;
	return PHI_OK;
}

/* Set x's replacement to b. */
static int
set_value(struct px_fhir *f, uint32_t x, const struct abuf *b)
{
	uint32_t off = px_json_store(&f->j, b->p, b->len);

	if (off == PX_JNONE)
		return PHI_ENOMEM;
	f->j.n[x].rv = off;
	f->j.n[x].rvlen = (uint32_t)b->len;
	return PHI_OK;
}

/* XML-escape s onto o (a replacement inside a narrative). */
static int
xml_add(struct abuf *o, const char *s, size_t n)
{
	size_t i;
	int rc = PHI_OK;

	for (i = 0; i < n && rc == PHI_OK; i++)
		switch (s[i]) {
		case '&': rc = abuf_add(o, "&amp;", 5); break;
		case '<': rc = abuf_add(o, "&lt;", 4); break;
		case '>': rc = abuf_add(o, "&gt;", 4); break;
		case '"': rc = abuf_add(o, "&quot;", 6); break;
		case '\'': rc = abuf_add(o, "&#39;", 5); break;
		default: rc = abuf_add(o, s + i, 1);
		}
	return rc;
}

/* The rendering of finding fd (text[a, b)) appended to o. */
static int
render_finding(struct phi_stream *st, struct px_fhir *f,
    const struct px_finding *fd, size_t a, size_t b, struct abuf *o)
{
	const struct phi_engine *eng = px_stream_engine(st);
	size_t ol;
	int rc;

	if (fd->rule == NULL || fd->error != 0) {
		px_stream_count_unevaluated(st, 1);
		return abuf_add(o, MARKER, sizeof(MARKER) - 1);
	}
	if (px_grow((void **)&o->p, &o->cap, o->len + 2 * (b - a) + 128, 1) !=
	    PHI_OK)
		return PHI_ENOMEM;
	rc = px_act_render(eng, fd->rule, px_stream_subject(st),
	    f->text.p + a, b - a, o->p + o->len, o->cap - o->len, &ol);
	if (rc == PHI_OK)
		o->len += ol;
	return rc;
}

/* Report finding fd at node x (exact offsets when the string had none
 * of escapes, narrative markup or base64 between it and the input). */
static int
report(struct phi_stream *st, struct px_fhir *f, const struct piece *p,
    const struct px_finding *fd, size_t a, size_t b, struct phi_error *err)
{
	const struct px_jnode *nd = N(p->x);
	uint64_t off = f->base + nd->raw;
	size_t len = nd->rlen;

	if (p->kind == S_PLAIN && !nd->esc) {
		off += 1 + (a - p->t0);
		len = b - a;
	}
	if (fd->rule == NULL || fd->error != 0)
		return px_stream_report_error(st, "unevaluated", off, len, err);
	return px_stream_report(st, fd->rule, 0, off, len, fd->score, err);
}

/* The map entry of scan-text byte t of narrative piece p. */
#define MAP(p, t)	(&f->map[(p)->m0 + 3 * ((t) - (p)->t0)])

/*
 * Replace the findings of every piece in its string: between the tags of
 * a narrative, inside the decoded text of an attachment (re-encoded).
 */
static int
apply_findings(struct phi_stream *st, struct px_fhir *f,
    struct phi_error *err)
{
	const struct phi_engine *eng = px_stream_engine(st);
	const struct px_findings *fs = &f->fs;
	size_t i, j = 0, k, a, b, pos, sl, m, s, e, pe;
	int rc, any;

	for (i = 0; i < f->npc; i++) {
		const struct piece *p = &f->pc[i];
		const char *src = p->kind == S_B64 ? f->text.p + p->t0 : S(p->x);

		sl = p->kind == S_B64 ? p->t1 - p->t0 : N(p->x)->vlen;
		while (j < fs->n && fs->v[j].end <= p->t0)
			j++;
		f->out.len = 0;
		pos = 0;
		any = 0;
		for (k = j; k < fs->n && fs->v[k].start < p->t1; k++) {
			const struct px_finding *fd = &fs->v[k];

			a = fd->start > p->t0 ? fd->start : p->t0;
			b = fd->end < p->t1 ? fd->end : p->t1;
			if (a >= b || (fd->rule != NULL && fd->error == 0 &&
			    px_action_of(eng, fd->rule) == PHI_ACT_KEEP))
				continue;
			if (p->kind == S_DIV) {
				/* trim separators; find the div bytes */
				while (a < b && !MAP(p, a)[2])
					a++;
				while (b > a && !MAP(p, b - 1)[2])
					b--;
				if (a == b)
					continue;
				s = MAP(p, a)[0];
				e = MAP(p, b - 1)[1];
			} else {
				s = a - p->t0;
				e = b - p->t0;
			}
			if (s < pos)
				s = pos;
			if (e <= s)
				continue;
			if (abuf_add(&f->out, src + pos, s - pos) != PHI_OK)
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
			f->tmp.len = 0;
			if ((rc = render_finding(st, f, fd, a, b, &f->tmp)) !=
			    PHI_OK)
				return px_error(err, rc, "replacement failed: "
				    "%s", phi_strerror(rc));
			if (p->kind == S_DIV) {
				if (xml_add(&f->out, f->tmp.p, f->tmp.len) !=
				    PHI_OK)
					return px_error(err, PHI_ENOMEM,
					    "out of memory");
				/* the markup between its pieces stays */
				pe = s;
				for (m = a; m < b; m++) {
					const uint32_t *mp = MAP(p, m);

					if (!mp[2])
						continue;
					if (mp[0] > pe && abuf_add(&f->out,
					    src + pe, mp[0] - pe) != PHI_OK)
						return px_error(err,
						    PHI_ENOMEM,
						    "out of memory");
					if (mp[1] > pe)
						pe = mp[1];
				}
			} else if (abuf_add(&f->out, f->tmp.p, f->tmp.len) !=
			    PHI_OK)
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
			pos = e;
			any = 1;
			label(f, p->x, fd->rule != NULL ? label_of(
			    px_action_of(eng, fd->rule)) : L_REDACTED);
			if ((rc = report(st, f, p, fd, a, b, err)) != PHI_OK)
				return rc;
		}
		if (!any)
			continue;
		if (abuf_add(&f->out, src + pos, sl - pos) != PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
		if (p->kind == S_B64) {
			drop_size(f, p->x);
			f->tmp.len = 0;
			if (b64_encode(f->out.p, f->out.len, &f->tmp) != PHI_OK ||
			    set_value(f, p->x, &f->tmp) != PHI_OK)
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
		} else if (set_value(f, p->x, &f->out) != PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
	}
	return PHI_OK;
}

static uint32_t add_member(struct px_fhir *, uint32_t, const char *, int);
static uint32_t add_str(struct px_fhir *, uint32_t, const char *,
    const char *);

/*
 * Element x goes, and a data-absent-reason extension (masked) says so: in
 * its place for a complex element, in _x beside it for a primitive.
 */
static int
absent(struct px_fhir *f, uint32_t x)
{
	uint32_t o, k, ext, e;
	char key[80];

	if (N(x)->type == PX_J_OBJ) {
		for (k = N(x)->first; k != PX_JNONE; k = N(k)->next)
			f->j.n[k].del = 1;
		o = x;
	} else {
		f->j.n[x].del = 1;
		if (N(x)->klen + 2 > sizeof(key))
			return PHI_OK;
		key[0] = '_';
		memcpy(key + 1, f->j.arena + N(x)->key, N(x)->klen);
		key[N(x)->klen + 1] = '\0';
		if (key[1] == '_')
			return PHI_OK;
		if ((o = add_member(f, N(x)->parent, key, PX_J_OBJ)) ==
		    PX_JNONE)
			return PHI_ENOMEM;
	}
	if ((ext = add_member(f, o, "extension", PX_J_ARR)) == PX_JNONE ||
	    (e = px_json_node(&f->j, ext, PX_J_OBJ)) == PX_JNONE ||
	    add_str(f, e, "url", DAR_URL) == PX_JNONE ||
	    add_str(f, e, "valueCode", "masked") == PX_JNONE)
		return PHI_ENOMEM;
	return PHI_OK;
}

/*
 * A ContactPoint's value is a telephone number unless its system says it
 * is an e-mail address, a fax number or a URL: then the finding (a copy
 * of rule r in *alt) takes that category.
 */
static const struct px_rule *
contact_rule(const struct px_fhir *f, uint32_t x, const struct px_rule *r,
    struct px_rule *alt)
{
	static const char *const sys[][2] = { { "email", "EMAIL" },
	    { "fax", "FAX" }, { "url", "URL" } };
	uint32_t o = owner(f, x), s;
	size_t i;

	if (r == NULL || strcmp(r->category, "PHONE") != 0 || o == PX_JNONE ||
	    f->ni[o].type != T_CONTACTPOINT ||
	    (s = px_json_get(&f->j, o, "system")) == PX_JNONE)
		return r;
	for (i = 0; i < PX_NELEM(sys); i++)
		if (str_is(f, s, sys[i][0])) {
			*alt = *r;
			alt->category = (char *)(uintptr_t)sys[i][1];
			alt->cat = NULL;	/* r's entry: found by name */
			return alt;
		}
	return r;
}

/* The values rules replace, remove or pseudonymize. */
static int
apply_rules(struct phi_stream *st, struct px_fhir *f, struct phi_error *err)
{
	const struct phi_engine *eng = px_stream_engine(st);
	size_t nn = f->j.nn;
	struct px_rule alt;
	uint32_t x;
	int rc;

	for (x = 0; x < nn; x++) {
		const struct px_fhir_rule *r = f->ni[x].rule;
		const struct px_rule *rule = r != NULL ? r->rule : NULL;
		const struct px_jnode *nd = N(x);
		int t = nd->type;

		if (!f->ni[x].seen || r == NULL || r->kind == PX_FHIR_KEEP ||
		    r->kind == PX_FHIR_SCAN)
			continue;
		if (r->kind == PX_FHIR_PSEUDONYM) {
			if (t != PX_J_STR)
				continue;
			f->out.len = 0;
			if (is_member(f, x, "reference") ||
			    is_member(f, x, "fullUrl") ||
			    is_member(f, x, "url") || is_member(f, x, "location"))
				rc = pseudo_ref(f, eng, S(x), nd->vlen, &f->out);
			else
				rc = pseudonym(f, eng, S(x), nd->vlen, &f->out);
			if (rc == PHI_OK)
				rc = set_value(f, x, &f->out);
			if (rc != PHI_OK)
				return px_error(err, rc, "pseudonym failed: %s",
				    phi_strerror(rc));
			label(f, x, L_PSEUDED);
		} else if (r->kind == PX_FHIR_REMOVE) {
			if (r->absent && nd->parent != PX_JNONE &&
			    N(nd->parent)->type == PX_J_OBJ) {
				if (absent(f, x) != PHI_OK)
					return px_error(err, PHI_ENOMEM,
					    "out of memory");
			} else
				f->j.n[x].del = 1;
			label(f, x, L_REDACTED);
		} else {
			if (t == PX_J_OBJ || t == PX_J_ARR || t == PX_J_NULL)
				continue;
			rule = contact_rule(f, x, r->rule, &alt);
			rc = t == PX_J_STR ? render_value(st, f, x, rule,
			    r->birth) : 1;
			if (rc == 1) {
				f->j.n[x].del = 1;
				label(f, x, L_REDACTED);
			} else if (rc != PHI_OK || (rc = set_value(f, x,
			    &f->out)) != PHI_OK)
				return px_error(err, rc, "fhir rule '%s': "
				    "replacement failed: %s", r->sel,
				    phi_strerror(rc));
			else
				label(f, x, label_of(px_action_of(eng,
				    r->rule)));
		}
		if ((rc = px_stream_report(st, rule, 0, f->base +
		    N(x)->raw, N(x)->rlen, 1.0, err)) != PHI_OK)
			return rc;
	}
	return PHI_OK;
}

/* Objects and arrays whose every member went are left out too. */
static void
prune(struct px_fhir *f)
{
	size_t x;
	uint32_t k;

	for (x = f->j.nn; x-- > 1; ) {
		const struct px_jnode *nd = N(x);
		int all = 1;

		if ((nd->type != PX_J_OBJ && nd->type != PX_J_ARR) ||
		    nd->del || nd->nkids == 0)
			continue;
		for (k = nd->first; k != PX_JNONE && all; k = N(k)->next)
			all = N(k)->del;
		if (all)
			f->j.n[x].del = 1;
	}
}

static uint32_t
add_str(struct px_fhir *f, uint32_t parent, const char *key, const char *v)
{
	uint32_t x = px_json_node(&f->j, parent, PX_J_STR), off;

	if (x == PX_JNONE)
		return PX_JNONE;
	if (key != NULL) {
		if ((off = px_json_store(&f->j, key, strlen(key))) == PX_JNONE)
			return PX_JNONE;
		f->j.n[x].key = off;
		f->j.n[x].klen = (uint32_t)strlen(key);
	}
	if ((off = px_json_store(&f->j, v, strlen(v))) == PX_JNONE)
		return PX_JNONE;
	f->j.n[x].val = off;
	f->j.n[x].vlen = (uint32_t)strlen(v);
	return x;
}

static uint32_t
add_member(struct px_fhir *f, uint32_t parent, const char *key, int type)
{
	uint32_t x = px_json_node(&f->j, parent, type), off;

	if (x == PX_JNONE || (off = px_json_store(&f->j, key, strlen(key))) ==
	    PX_JNONE)
		return PX_JNONE;
	f->j.n[x].key = off;
	f->j.n[x].klen = (uint32_t)strlen(key);
	return x;
}

/* meta.security of resource x gains the labels of what was done to it. */
static int
add_labels(struct px_fhir *f, uint32_t x, unsigned bits)
{
	uint32_t meta, sec, c, k, code;
	int i;

	meta = px_json_get(&f->j, x, "meta");
	if (meta == PX_JNONE || N(meta)->type != PX_J_OBJ)
		meta = add_member(f, x, "meta", PX_J_OBJ);
	if (meta == PX_JNONE)
		return PHI_ENOMEM;
	sec = px_json_get(&f->j, meta, "security");
	if (sec == PX_JNONE || N(sec)->type != PX_J_ARR)
		sec = add_member(f, meta, "security", PX_J_ARR);
	if (sec == PX_JNONE)
		return PHI_ENOMEM;
	for (i = 0; i < 4; i++) {
		if (!(bits & 1U << i))
			continue;
		for (k = N(sec)->first; k != PX_JNONE; k = N(k)->next)
			if ((code = px_json_get(&f->j, k, "code")) !=
			    PX_JNONE && str_is(f, code, label_code[i]))
				break;
		if (k != PX_JNONE)
			continue;
		if ((c = px_json_node(&f->j, sec, PX_J_OBJ)) == PX_JNONE ||
		    add_str(f, c, "system", LABEL_SYSTEM) == PX_JNONE ||
		    add_str(f, c, "code", label_code[i]) == PX_JNONE ||
		    add_str(f, c, "display", label_display[i]) == PX_JNONE)
			return PHI_ENOMEM;
	}
	return PHI_OK;
}

/* --- documents -------------------------------------------------------- */

/* Output is buffered by the stream; emitting fails only for memory. */
static int
emit_cb(void *arg, const char *p, size_t n)
{
	return px_stream_emit(arg, p, n, NULL) != PHI_OK;
}

/* The latest year of the document's dates: "now" for ages over 89. */
static void
reference_year(struct px_fhir *f)
{
	uint32_t x;
	int y;

	f->ref_year = 0;
	for (x = 0; x < f->j.nn; x++)
		if (f->ni[x].seen && (f->ni[x].type == T_DATE ||
		    f->ni[x].type == T_DATETIME || f->ni[x].type == T_INSTANT) &&
		    (y = year_of(S(x))) > f->ref_year && y < 2200)
			f->ref_year = y;
}

/*
 * A document that cannot be evaluated (at input line line): nothing of it
 * is written.
 */
static int
reject(struct phi_stream *st, struct px_fhir *f, size_t n, uint64_t line,
    const char *why, struct phi_error *err)
{
	int rc;

	snprintf(f->label, sizeof(f->label), "line %llu",
	    (unsigned long long)line);
	px_stream_count_unevaluated(st, 1);
	if ((rc = px_stream_region_error(st, PHI_EINPUT, err, "%s: %s",
	    f->label, why)) != PHI_OK)
		return rc;
	return px_stream_report_error(st, "invalid-document", f->base, n, err);
}

/* Evaluate and write the document buf[0, n). */
static int
document(struct phi_stream *st, struct px_fhir *f, size_t n, int *written,
    struct phi_error *err)
{
	const struct phi_engine *eng = px_stream_engine(st);
	struct px_known *kn[3];
	struct phi_error perr;
	struct wctx w = { st, f };
	uint32_t rt;
	size_t nn, x;
	int rc;

	*written = 0;
	f->ndoc++;
	snprintf(f->label, sizeof(f->label), "%s %llu", f->ndjson == 1 ?
	    "line" : "document at line", (unsigned long long)f->line);
	memset(&perr, 0, sizeof(perr));
	rc = px_json_parse(&f->j, f->buf, n, f->base, &perr);
	if (rc == PHI_ENOMEM)
		return px_error(err, rc, "out of memory");
	if (rc != PHI_OK) {
		return reject(st, f, n, f->line + (uint64_t)perr.line - 1,
		    perr.msg, err);
	}
	if (N(0)->type != PX_J_OBJ || (rt = px_json_get(&f->j, 0,
	    "resourceType")) == PX_JNONE || N(rt)->type != PX_J_STR)
		return reject(st, f, n, f->line, "not a FHIR resource (no "
		    "resourceType)", err);
	nn = f->j.nn;
	if (px_grow((void **)&f->ni, &f->nicap, nn, sizeof(*f->ni)) !=
	    PHI_OK || px_grow((void **)&f->labels, &f->labcap, nn,
	    sizeof(*f->labels)) != PHI_OK)
		return px_error(err, PHI_ENOMEM, "out of memory");
	memset(f->ni, 0, nn * sizeof(*f->ni));
	memset(f->labels, 0, nn * sizeof(*f->labels));
	if ((rc = walk(f, eng, 0, 0, NULL, 0, NULL)) != PHI_OK)
		return px_error(err, rc, "out of memory");
	reference_year(f);
	/* known identifiers: the document's, its patient's, everyone's */
	px_known_reset(f->known);
	f->pknown = NULL;
	kn[0] = kn[1] = kn[2] = NULL;
	if (eng->spec.fhir.known) {
		if ((rc = harvest(f, f->known)) != PHI_OK ||
		    (rc = px_known_index(f->known)) != PHI_OK ||
		    (f->ndjson == 1 && (rc = session_known(f)) != PHI_OK))
			return px_error(err, rc, "out of memory");
		kn[0] = f->known;
		if (f->pknown != f->known)
			kn[1] = f->pknown;
		if (f->ndjson == 1)
			kn[2] = f->sess->everyone;
	}
	if ((rc = collect(st, f, err)) != PHI_OK)
		return rc;
	f->fs.n = 0;
	if ((rc = px_stream_detect(st, f->text.p, f->text.len, kn, 3, &f->fs,
	    where, &w, err)) != PHI_OK)
		return rc;
	px_resolve(eng, &f->fs, f->text.p);
	if ((rc = apply_findings(st, f, err)) != PHI_OK ||
	    (rc = apply_rules(st, f, err)) != PHI_OK)
		return rc;
	prune(f);
	if (eng->spec.fhir.labels)
		for (x = 0; x < nn; x++)
			if (f->labels[x] != 0 && f->ni[x].res == x &&
			    add_labels(f, (uint32_t)x, f->labels[x]) != PHI_OK)
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
	if (px_json_write(&f->j, 0, memchr(f->buf, '\n', n) != NULL, emit_cb,
	    st) != 0)
		return px_error(err, PHI_ENOMEM, "out of memory");
	*written = 1;
	return PHI_OK;
}

/* --- the reader ------------------------------------------------------- */

static void
consume(struct px_fhir *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (f->buf[i] == '\n')
			f->line++;
	explicit_bzero(f->buf, n);
	memmove(f->buf, f->buf + n, f->len - n);
	f->len -= n;
	f->base += n;
	f->scan = 0;
}

/*
 * The end of the JSON value that starts at buf[0] ('{'), from where the
 * last call left off: its length, or 0 when more input is needed.
 */
static size_t
value_end(struct px_fhir *f)
{
	size_t i;

	for (i = f->scan; i < f->len; i++) {
		char c = f->buf[i];

		if (f->instr) {
			if (f->esc)
				f->esc = 0;
			else if (c == '\\')
				f->esc = 1;
			else if (c == '"')
				f->instr = 0;
			continue;
		}
		if (c == '"')
			f->instr = 1;
		else if (c == '{' || c == '[')
			f->depth++;
		else if ((c == '}' || c == ']') && --f->depth == 0) {
			f->scan = 0;
			return i + 1;
		}
	}
	f->scan = i;
	return 0;
}

/* JSON whitespace (RFC 8259): nothing else passes between documents. */
static int
isws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isws(p[i]))
			return 0;
	return 1;
}

/*
 * No end of the document in sight and more than a document may hold:
 * refuse it once, then keep nothing of it (its line ends still counted,
 * so later errors name the right line).
 */
static int
skip_long(struct phi_stream *st, struct px_fhir *f, struct phi_error *err)
{
	int rc;

	if (f->len > f->max && !f->skipping) {
		f->skipping = 1;
		if ((rc = reject(st, f, f->len, f->line, TOO_LONG, err)) !=
		    PHI_OK)
			return rc;
	}
	if (f->skipping)
		consume(f, f->len);
	return PHI_OK;
}

/* NDJSON: every complete line is a document. */
static int
feed_lines(struct phi_stream *st, struct px_fhir *f, int eof,
    struct phi_error *err)
{
	const char *nl;
	size_t n, t;
	int rc, wr;

	for (;;) {
		nl = memchr(f->buf + f->scan, '\n', f->len - f->scan);
		if (nl == NULL && !(eof && f->len > 0)) {
			if ((rc = skip_long(st, f, err)) != PHI_OK)
				return rc;
			f->scan = f->len;
			return PHI_OK;
		}
		n = nl != NULL ? (size_t)(nl - f->buf) + 1 : f->len;
		t = n;
		if (t > 0 && f->buf[t - 1] == '\n')
			t--;
		if (t > 0 && f->buf[t - 1] == '\r')
			t--;
		if (f->skipping)
			f->skipping = 0;
		else if (blank(f->buf, t)) {
			if ((rc = px_stream_emit(st, f->buf, n, err)) != PHI_OK)
				return rc;
		} else if (t > f->max) {
			if ((rc = reject(st, f, t, f->line, TOO_LONG,
			    err)) != PHI_OK)
				return rc;
		} else {
			if ((rc = document(st, f, t, &wr, err)) != PHI_OK)
				return rc;
			/* a refused line goes whole, its line end too */
			if (wr && (rc = px_stream_emit(st, f->buf + t, n - t,
			    err)) != PHI_OK)
				return rc;
		}
		consume(f, n);
		if ((rc = px_stream_flush(st, 0, err)) != PHI_OK)
			return rc;
	}
}

/* JSON: each top-level value is a document; whitespace between passes. */
static int
feed_values(struct phi_stream *st, struct px_fhir *f, int eof,
    struct phi_error *err)
{
	size_t i, n;
	int rc, wr;

	for (;;) {
		if (f->broken) {
			consume(f, f->len);
			return PHI_OK;
		}
		if (f->depth == 0 && f->scan == 0 && !f->skipping) {
			for (i = 0; i < f->len && isws(f->buf[i]); i++)
				;
			if (i > 0) {
				if ((rc = px_stream_emit(st, f->buf, i, err)) !=
				    PHI_OK)
					return rc;
				consume(f, i);
			}
			if (f->len == 0)
				return PHI_OK;
			if (f->buf[0] != '{') {
				f->broken = 1;
				return reject(st, f, f->len, f->line, "not a JSON "
				    "object", err);
			}
		}
		n = value_end(f);
		if (n == 0) {
			/* value_end keeps its state: scanning goes on */
			if ((rc = skip_long(st, f, err)) != PHI_OK)
				return rc;
			if (eof && !f->skipping && f->len > 0) {
				f->broken = 1;
				return reject(st, f, f->len, f->line, "unexpected end "
				    "of input", err);
			}
			return PHI_OK;
		}
		if (f->skipping)
			f->skipping = 0;
		else if (n > f->max) {
			if ((rc = reject(st, f, n, f->line, TOO_LONG,
			    err)) != PHI_OK)
				return rc;
		} else if ((rc = document(st, f, n, &wr, err)) != PHI_OK)
			return rc;
		consume(f, n);
		if ((rc = px_stream_flush(st, 0, err)) != PHI_OK)
			return rc;
	}
}

static int
feed(struct phi_stream *st, struct px_fhir *f, int eof,
    struct phi_error *err)
{
	const char *nl;
	size_t n;
	int rc;

	if (f->base == 0 && f->len >= 3 && memcmp(f->buf, "\xef\xbb\xbf", 3) ==
	    0) {
		/* a byte order mark: as it came */
		if ((rc = px_stream_emit(st, f->buf, 3, err)) != PHI_OK)
			return rc;
		consume(f, 3);
	}
	if (f->ndjson < 0) {
		/* one value complete on the first line: NDJSON */
		size_t i;

		for (i = 0; i < f->len && isws(f->buf[i]); i++)
			;
		nl = i < f->len ? memchr(f->buf + i, '\n', f->len - i) : NULL;
		if (nl == NULL && !eof)
			return PHI_OK;
		if (i < f->len && f->buf[i] == '{' && nl != NULL) {
			struct px_fhir probe;

			memset(&probe, 0, sizeof(probe));
			probe.buf = f->buf + i;
			probe.len = (size_t)(nl - f->buf) - i;
			n = value_end(&probe);
			f->ndjson = n > 0;
		} else
			f->ndjson = 0;
	}
	return f->ndjson ? feed_lines(st, f, eof, err) :
	    feed_values(st, f, eof, err);
}

int
px_fhir_write(struct phi_stream *st, struct px_fhir *f, const char *p,
    size_t len, struct phi_error *err)
{
	size_t take;
	int rc;

	while (len > 0) {
		take = len < SLICE ? len : SLICE;
		if (px_grow((void **)&f->buf, &f->cap, f->len + take, 1) !=
		    PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
		memcpy(f->buf + f->len, p, take);
		f->len += take;
		p += take;
		len -= take;
		if ((rc = feed(st, f, 0, err)) != PHI_OK)
			return rc;
	}
	return PHI_OK;
}

int
px_fhir_finish(struct phi_stream *st, struct px_fhir *f,
    struct phi_error *err)
{
	return feed(st, f, 1, err);
}
