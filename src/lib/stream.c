/* SPDX-License-Identifier: MIT */
/*
 * stream.c: the text reader and writer.  Input arrives in any pieces; it
 * is cut into units whose ends depend only on the content (the last newline
 * in the second half of PX_UNIT_MAX bytes, else PX_UNIT_MAX bytes on a
 * character boundary), so the output never depends on how the input was
 * cut into writes.  Each unit is evaluated with PX_CONTEXT bytes of context
 * on each side, which is all the buffer ever holds beyond the unit: memory
 * is bounded whatever the length of a line or of the stream.
 *
 * Fail closed: a unit a detector could not evaluate, and every token with
 * invalid UTF-8, is replaced by a marker and remembered in the stream
 * status; under PHI_ON_ERROR_STOP the stream stops before writing any of
 * that unit.
 *
 * HL7 input goes to hl7.c, which uses the output, finding and error
 * plumbing below (px_stream_*).  PHI_FORMAT_AUTO holds back the first
 * bytes until they show whether the input is HL7, then hands them on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "phiscrub-int.h"

#define OUT_FLUSH	(64 * 1024)
#define ERROR_MARKER	"[UNEVALUATED]"
/* AUTO looks past a BOM and blank lines, no further. */
#define SNIFF_MAX	64

struct phi_stream {
	const struct phi_engine *eng;
	struct phi_stream_cfg cfg;
	struct px_scratch sc;
	struct px_findings fs;
	char *buf;			/* input from absolute offset base */
	size_t blen;
	size_t bcap;
	uint64_t base;
	uint64_t s;			/* start of the next unit */
	uint64_t emitted;		/* output covers input up to here */
	char *obuf;			/* pending output */
	size_t olen;
	size_t ocap;
	char *rbuf;			/* one rendered replacement */
	size_t rcap;
	int status;			/* first region error, or PHI_OK */
	struct phi_error first;		/* ... and its description */
	int failed;			/* a callback failed or we stopped */
	int finished;
	uint64_t unevaluated;
	uint64_t restore_failed;
	int format;			/* decided format, or AUTO */
	struct px_hl7 *hl7;		/* HL7 reader state */
	struct px_fhir *fhir;		/* FHIR reader state */
	struct px_prop *prop;		/* text: words found so far */
	char sniff[SNIFF_MAX];		/* AUTO: bytes held back */
	size_t nsniff;
};

int
phi_stream_create(const struct phi_engine *eng,
    const struct phi_stream_cfg *scfg, struct phi_stream **stp,
    struct phi_error *err)
{
	struct phi_stream *st;
	int rc;

	if (eng == NULL || scfg == NULL || scfg->out == NULL || stp == NULL)
		return px_error(err, PHI_EINVAL, "stream needs an engine and "
		    "an output callback");
	if ((st = px_calloc(1, sizeof(*st))) == NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	st->eng = eng;
	st->cfg = *scfg;
	st->format = scfg->format;
	if (st->format != PHI_FORMAT_TEXT && st->format != PHI_FORMAT_HL7 &&
	    st->format != PHI_FORMAT_AUTO && st->format != PHI_FORMAT_FHIR &&
	    st->format != PHI_FORMAT_NDJSON) {
		px_free(st);
		return px_error(err, PHI_EINVAL, "unknown stream format %d",
		    scfg->format);
	}
	if (scfg->max_document > PX_JSON_DOC_LIMIT) {
		px_free(st);
		return px_error(err, PHI_EINVAL, "document limit above %d "
		    "bytes", PX_JSON_DOC_LIMIT);
	}
	if ((rc = px_scratch_init(eng, &st->sc, err)) != PHI_OK) {
		px_free(st);
		return rc;
	}
	if ((st->format == PHI_FORMAT_HL7 && (st->hl7 = px_hl7_new()) ==
	    NULL) || ((st->format == PHI_FORMAT_FHIR ||
	    st->format == PHI_FORMAT_NDJSON) && (st->fhir = px_fhir_new(
	    scfg->session, st->format == PHI_FORMAT_NDJSON,
	    scfg->max_document)) == NULL)) {
		phi_stream_destroy(st);
		return px_error(err, PHI_ENOMEM, "out of memory");
	}
	*stp = st;
	return PHI_OK;
}

void
phi_stream_destroy(struct phi_stream *st)
{
	if (st == NULL)
		return;
	px_scratch_free(&st->sc);
	px_hl7_free(st->hl7);
	px_fhir_free(st->fhir);
	px_prop_free(st->prop);
	px_free(st->fs.v);
	px_wipe_free(st->buf, st->bcap);
	px_wipe_free(st->obuf, st->ocap);
	px_wipe_free(st->rbuf, st->rcap);
	px_free(st);
}

int
phi_stream_status(const struct phi_stream *st)
{
	return st != NULL ? st->status : PHI_EINVAL;
}

const struct phi_error *
phi_stream_error(const struct phi_stream *st)
{
	return st != NULL && st->status != PHI_OK ? &st->first : NULL;
}

uint64_t
phi_stream_restore_failed(const struct phi_stream *st)
{
	return st != NULL ? st->restore_failed : 0;
}

uint64_t
phi_stream_unevaluated(const struct phi_stream *st)
{
	return st != NULL ? st->unevaluated : 0;
}

static int
flush(struct phi_stream *st, struct phi_error *err)
{
	if (st->olen == 0)
		return PHI_OK;
	if (st->cfg.out(st->cfg.out_arg, st->obuf, st->olen) != 0) {
		st->failed = 1;
		return px_error(err, PHI_EIO, "output callback failed");
	}
	st->olen = 0;
	return PHI_OK;
}

static int
emit(struct phi_stream *st, const char *p, size_t len)
{
	if (len == 0)		/* p may be NULL then: memcpy() must not see it */
		return PHI_OK;
	if (px_grow((void **)&st->obuf, &st->ocap, st->olen + len, 1) !=
	    PHI_OK)
		return PHI_ENOMEM;
	memcpy(st->obuf + st->olen, p, len);
	st->olen += len;
	return PHI_OK;
}

/* End of the unit starting at absolute offset s, given avail bytes. */
static size_t
unit_len(const struct phi_stream *st, const char *p, size_t avail, int eof)
{
	size_t n, i;

	if (st->cfg.line_units) {
		const char *nl;

		n = avail < PX_UNIT_MAX ? avail : PX_UNIT_MAX;
		if ((nl = memchr(p, '\n', n)) != NULL)
			return (size_t)(nl - p) + 1;
		if (!eof && avail < PX_UNIT_MAX)
			return 0;
	} else {
		if (avail <= PX_UNIT_MAX && eof)
			return avail;
		if (avail < PX_UNIT_MAX + PX_CONTEXT && !eof)
			return 0;
		for (i = PX_UNIT_MAX; i > PX_UNIT_MAX / 2; i--)
			if (p[i - 1] == '\n')
				return i;
		n = PX_UNIT_MAX;
	}
	if (n == avail)
		return n;
	/* never split a UTF-8 character: back up over continuation bytes */
	for (i = 0; i < 3 && n > 1 && ((unsigned char)p[n] & 0xc0) == 0x80;
	    i++)
		n--;
	return n;
}

/* Mark each whitespace-delimited token with invalid UTF-8 in [a, b). */
static int
invalid_utf8(struct phi_stream *st, const char *text, size_t a, size_t b)
{
	size_t i = a, x, y;
	int found = 0;

	while (px_utf8_bad_word(text, a, i, b, &x, &y)) {
		if (px_findings_add(&st->fs, x, y, NULL, 1.0, PHI_EINPUT) !=
		    PHI_OK)
			return PHI_ENOMEM;
		found = 1;
		i = y;
	}
	return found ? PHI_EINPUT : PHI_OK;
}

static int
report(struct phi_stream *st, const struct px_finding *f, uint64_t off,
    size_t len, struct phi_error *err)
{
	struct phi_finding pf;
	const struct px_rule *r = f->rule;

	if (st->cfg.finding == NULL)
		return PHI_OK;
	memset(&pf, 0, sizeof(pf));
	pf.offset = off;
	pf.len = len;
	if (r == NULL) {
		pf.category = "ERROR";
		pf.rule = f->error == PHI_EINPUT ? "invalid-utf8" :
		    "unevaluated";
		pf.action = "redact";
		pf.pack = "phiscrub";
		pf.pack_version = PHI_VERSION;
	} else {
		pf.category = r->category;
		pf.rule = r->id;
		pf.action = px_action_name(px_action_of(st->eng, r));
		pf.pack = st->eng->spec.packs[r->pack].name;
		pf.pack_version = st->eng->spec.packs[r->pack].version;
	}
	pf.key_id = phi_engine_key_id(st->eng);
	pf.score = f->score;
	if (st->cfg.finding(st->cfg.finding_arg, &pf) != 0) {
		st->failed = 1;
		return px_error(err, PHI_EIO, "finding callback failed");
	}
	return PHI_OK;
}

/* Evaluate and output the unit [s, s+ulen); then drop what is done. */
static int
unit(struct phi_stream *st, size_t ulen, struct phi_error *err)
{
	const struct phi_engine *eng = st->eng;
	size_t us = (size_t)(st->s - st->base), ue = us + ulen;
	size_t r0 = 0, r1 = st->blen, i, keep;
	uint64_t cur;
	int rc, bad;

	if (st->cfg.line_units) {
		r0 = us;
		r1 = ue;
	} else {
		if (us > PX_CONTEXT)
			r0 = us - PX_CONTEXT;
		while (r0 < us && ((unsigned char)st->buf[r0] & 0xc0) == 0x80)
			r0++;
		if (r1 > ue + PX_CONTEXT)
			r1 = ue + PX_CONTEXT;
	}
	rc = px_detect(eng, &st->sc, st->buf + r0, r1 - r0, us - r0, ue - r0,
	    &st->fs);
	if (rc == PHI_ENOMEM)
		return px_error(err, rc, "out of memory");
	bad = invalid_utf8(st, st->buf + r0, us - r0, ue - r0);
	if (bad == PHI_ENOMEM)
		return px_error(err, bad, "out of memory");
	if (rc != PHI_OK || bad != PHI_OK) {
		int code = rc != PHI_OK ? rc : bad;

		if (st->status == PHI_OK) {
			st->status = code;
			if (rc != PHI_OK && st->sc.fail_rule != NULL)
				px_error(&st->first, code, "unit at offset "
				    "%llu: rule '%s': %s", (unsigned long long)
				    st->s, st->sc.fail_rule,
				    phi_strerror(code));
			else
				px_error(&st->first, code, "unit at offset "
				    "%llu: invalid UTF-8", (unsigned long long)
				    st->s);
		}
		if (eng->on_error == PHI_ON_ERROR_STOP) {
			st->failed = 1;
			if (err != NULL)
				*err = st->first;
			return code;
		}
		px_resolve(eng, &st->fs, st->buf + r0);
	} else if (eng->nprop > 0) {
		/* words found before, or in this unit, wherever they stand */
		rc = px_prop_run(eng, &st->prop, &st->sc, &st->fs, us - r0,
		    ue - r0);
		if (rc == PHI_ENOMEM)
			return px_error(err, rc, "out of memory");
		if (rc == 1)
			px_resolve(eng, &st->fs, st->buf + r0);
	}
	cur = st->emitted;
	for (i = 0; i < st->fs.n; i++) {
		const struct px_finding *f = &st->fs.v[i];
		uint64_t a = st->base + r0 + f->start;
		uint64_t b = st->base + r0 + f->end;
		size_t olen;

		if (b <= cur || a >= st->base + ue)
			continue;
		if (a < cur)
			a = cur;
		if (emit(st, st->buf + (cur - st->base), (size_t)(a - cur)))
			return px_error(err, PHI_ENOMEM, "out of memory");
		if (f->error)
			st->unevaluated++;
		if (px_grow((void **)&st->rbuf, &st->rcap, 2 * (size_t)(b - a) +
		    128, 1) != PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
		rc = px_act_render(eng, f->error ? NULL : f->rule,
		    st->cfg.subject, st->buf + (a - st->base), (size_t)(b - a),
		    st->rbuf, st->rcap, &olen);
		if (rc == PHI_EKEY && !f->error &&
		    px_action_of(eng, f->rule) == PHI_ACT_RESTORE) {
			/* foreign or tampered token: left as it was */
			st->restore_failed++;
			memcpy(st->rbuf, st->buf + (a - st->base), (size_t)(b -
			    a));
			olen = (size_t)(b - a);
		} else if (rc != PHI_OK)
			return px_error(err, rc, "rule '%s': replacement failed: "
			    "%s", f->rule != NULL ? f->rule->id : "-",
			    phi_strerror(rc));
		if (emit(st, st->rbuf, olen))
			return px_error(err, PHI_ENOMEM, "out of memory");
		if ((rc = report(st, f, a, (size_t)(b - a), err)) != PHI_OK)
			return rc;
		cur = b;
	}
	if (cur < st->base + ue) {
		if (emit(st, st->buf + (cur - st->base), (size_t)(st->base +
		    ue - cur)))
			return px_error(err, PHI_ENOMEM, "out of memory");
		cur = st->base + ue;
	}
	st->emitted = cur;
	st->s += ulen;
	/* keep only the context the next unit needs */
	keep = (size_t)(st->s - st->base);
	keep = keep > PX_CONTEXT ? keep - PX_CONTEXT : 0;
	if (keep > 0) {
		memmove(st->buf, st->buf + keep, st->blen - keep);
		st->blen -= keep;
		st->base += keep;
	}
	if (st->olen >= OUT_FLUSH || st->cfg.line_units)
		return flush(st, err);
	return PHI_OK;
}

static int
run(struct phi_stream *st, int eof, struct phi_error *err)
{
	size_t off, n;
	int rc;

	for (;;) {
		off = (size_t)(st->s - st->base);
		if (off >= st->blen)
			return PHI_OK;
		if ((n = unit_len(st, st->buf + off, st->blen - off, eof)) ==
		    0)
			return PHI_OK;
		if ((rc = unit(st, n, err)) != PHI_OK)
			return rc;
	}
}

static int
text_write(struct phi_stream *st, const char *p, size_t len,
    struct phi_error *err)
{
	size_t room, take;
	int rc;

	while (len > 0) {
		/* take no more than one unit's look-ahead: bounded memory */
		room = (size_t)(st->s - st->base) + PX_UNIT_MAX + PX_CONTEXT;
		take = room > st->blen ? room - st->blen : 1;
		if (take > len)
			take = len;
		if (px_grow((void **)&st->buf, &st->bcap, st->blen + take,
		    1) != PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
		memcpy(st->buf + st->blen, p, take);
		st->blen += take;
		p += take;
		len -= take;
		if ((rc = run(st, 0, err)) != PHI_OK)
			return rc;
	}
	return PHI_OK;
}

static int
dispatch(struct phi_stream *st, const char *p, size_t len,
    struct phi_error *err)
{
	if (st->format == PHI_FORMAT_HL7)
		return px_hl7_write(st, st->hl7, p, len, err);
	if (st->fhir != NULL)
		return px_fhir_write(st, st->fhir, p, len, err);
	return text_write(st, p, len, err);
}

/*
 * AUTO: hold bytes back until they tell the format, then replay them.
 * Returns PHI_OK with *used bytes of p consumed (all of them while
 * undecided).
 */
static int
sniff(struct phi_stream *st, const char *p, size_t len, int eof,
    size_t *used, struct phi_error *err)
{
	size_t take = SNIFF_MAX - st->nsniff;
	int hl7, json, rc;

	if (take > len)
		take = len;
	memcpy(st->sniff + st->nsniff, p, take);
	st->nsniff += take;
	*used = take;
	hl7 = px_hl7_sniff(st->sniff, st->nsniff, eof ||
	    st->nsniff == SNIFF_MAX);
	if (hl7 < 0)
		return PHI_OK;
	json = hl7 ? 0 : px_fhir_sniff(st->sniff, st->nsniff, eof ||
	    st->nsniff == SNIFF_MAX);
	if (json < 0)
		return PHI_OK;
	st->format = hl7 ? PHI_FORMAT_HL7 : json ? PHI_FORMAT_FHIR :
	    PHI_FORMAT_TEXT;
	if (hl7 && (st->hl7 = px_hl7_new()) == NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	/* JSON or NDJSON: the reader tells them apart by the first line */
	if (json && (st->fhir = px_fhir_new(st->cfg.session, -1,
	    st->cfg.max_document)) == NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	rc = dispatch(st, st->sniff, st->nsniff, err);
	explicit_bzero(st->sniff, sizeof(st->sniff));
	st->nsniff = 0;
	return rc;
}

int
phi_stream_write(struct phi_stream *st, const void *data, size_t len,
    struct phi_error *err)
{
	const char *p = data;
	size_t used;
	int rc;

	if (st == NULL || (data == NULL && len > 0))
		return px_error(err, PHI_EINVAL, "no stream");
	if (st->finished)
		return px_error(err, PHI_ESTATE, "write after finish");
	if (st->failed)
		return px_error(err, PHI_EIO, "stream has failed");
	if (st->format == PHI_FORMAT_AUTO && len > 0) {
		if ((rc = sniff(st, p, len, 0, &used, err)) != PHI_OK)
			return rc;
		p += used;
		len -= used;
		if (st->format == PHI_FORMAT_AUTO || len == 0)
			return PHI_OK;
	}
	return dispatch(st, p, len, err);
}

int
phi_stream_finish(struct phi_stream *st, struct phi_error *err)
{
	size_t used;
	int rc;

	if (st == NULL)
		return px_error(err, PHI_EINVAL, "no stream");
	if (st->finished)
		return px_error(err, PHI_ESTATE, "finish called twice");
	if (st->failed)
		return px_error(err, PHI_EIO, "stream has failed");
	if (st->format == PHI_FORMAT_AUTO &&
	    (rc = sniff(st, "", 0, 1, &used, err)) != PHI_OK)
		return rc;
	st->finished = 1;
	if (st->format == PHI_FORMAT_HL7) {
		if ((rc = px_hl7_finish(st, st->hl7, err)) != PHI_OK)
			return rc;
	} else if (st->fhir != NULL) {
		if ((rc = px_fhir_finish(st, st->fhir, err)) != PHI_OK)
			return rc;
	} else if ((rc = run(st, 1, err)) != PHI_OK)
		return rc;
	return flush(st, err);
}

/* The plumbing a format reader shares with the text path. */
const struct phi_engine *
px_stream_engine(const struct phi_stream *st)
{
	return st->eng;
}

struct px_scratch *
px_stream_scratch(struct phi_stream *st)
{
	return &st->sc;
}

struct px_findings *
px_stream_findings(struct phi_stream *st)
{
	return &st->fs;
}

const char *
px_stream_subject(const struct phi_stream *st)
{
	return st->cfg.subject;
}

int
px_stream_emit(struct phi_stream *st, const char *p, size_t len,
    struct phi_error *err)
{
	if (emit(st, p, len) != PHI_OK)
		return px_error(err, PHI_ENOMEM, "out of memory");
	return PHI_OK;
}

/* Flush when enough is pending, when lines are units, or when forced. */
int
px_stream_flush(struct phi_stream *st, int force, struct phi_error *err)
{
	if (force || st->olen >= OUT_FLUSH || st->cfg.line_units)
		return flush(st, err);
	return PHI_OK;
}

/* Hand one finding (rule NULL: an unevaluated region) to the callback. */
int
px_stream_report(struct phi_stream *st, const struct px_rule *r, int error,
    uint64_t off, size_t len, double score, struct phi_error *err)
{
	struct px_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = r;
	f.error = error;
	f.score = score;
	return report(st, &f, off, len, err);
}

/* Report a region replaced by a marker; why names the cause. */
int
px_stream_report_error(struct phi_stream *st, const char *why, uint64_t off,
    size_t len, struct phi_error *err)
{
	struct phi_finding pf;

	if (st->cfg.finding == NULL)
		return PHI_OK;
	memset(&pf, 0, sizeof(pf));
	pf.offset = off;
	pf.len = len;
	pf.category = "ERROR";
	pf.rule = why;
	pf.action = "redact";
	pf.pack = "phiscrub";
	pf.pack_version = PHI_VERSION;
	pf.key_id = phi_engine_key_id(st->eng);
	pf.score = 1.0;
	if (st->cfg.finding(st->cfg.finding_arg, &pf) != 0) {
		st->failed = 1;
		return px_error(err, PHI_EIO, "finding callback failed");
	}
	return PHI_OK;
}

/*
 * A region could not be evaluated: remember the first such error (fmt
 * must name places, never input text).  Returns PHI_OK when the reader is
 * to replace the region by a marker and go on, or the code when the stream
 * stops (PHI_ON_ERROR_STOP; *err then describes it).
 */
int
px_stream_region_error(struct phi_stream *st, int code,
    struct phi_error *err, const char *fmt, ...)
{
	va_list ap;

	if (st->status == PHI_OK) {
		st->status = code;
		memset(&st->first, 0, sizeof(st->first));
		st->first.code = code;
		va_start(ap, fmt);
		vsnprintf(st->first.msg, sizeof(st->first.msg), fmt, ap);
		va_end(ap);
	}
	if (st->eng->on_error == PHI_ON_ERROR_STOP) {
		st->failed = 1;
		if (err != NULL)
			*err = st->first;
		return code;
	}
	return PHI_OK;
}

void
px_stream_count_unevaluated(struct phi_stream *st, uint64_t n)
{
	st->unevaluated += n;
}

void
px_stream_count_restore_failed(struct phi_stream *st)
{
	st->restore_failed++;
}

int
px_stream_stopping(const struct phi_stream *st)
{
	return st->eng->on_error == PHI_ON_ERROR_STOP;
}

struct membuf {
	char *p;
	size_t len;
	size_t cap;
	int nomem;
};

static int
mem_out(void *arg, const char *buf, size_t len)
{
	struct membuf *m = arg;

	if (px_grow((void **)&m->p, &m->cap, m->len + len + 1, 1) != PHI_OK) {
		m->nomem = 1;
		return -1;
	}
	memcpy(m->p + m->len, buf, len);
	m->len += len;
	m->p[m->len] = '\0';
	return 0;
}

int
phi_scrub_buffer(const struct phi_engine *eng, const char *in, size_t len,
    char **out, size_t *outlen, struct phi_error *err)
{
	struct phi_stream_cfg scfg;
	struct phi_stream *st = NULL;
	struct membuf m = { NULL, 0, 0, 0 };
	int rc;

	memset(&scfg, 0, sizeof(scfg));
	scfg.out = mem_out;
	scfg.out_arg = &m;
	if ((rc = phi_stream_create(eng, &scfg, &st, err)) != PHI_OK)
		return rc;
	if ((rc = phi_stream_write(st, in, len, err)) == PHI_OK)
		rc = phi_stream_finish(st, err);
	if (rc == PHI_OK && (rc = phi_stream_status(st)) != PHI_OK)
		px_error(err, rc, "%s", phi_strerror(rc));
	phi_stream_destroy(st);
	if (rc == PHI_EIO && m.nomem)
		rc = px_error(err, PHI_ENOMEM, "out of memory");
	if (rc != PHI_OK && rc != PHI_EINPUT && rc != PHI_EMATCH) {
		px_free(m.p);
		return rc;
	}
	if (m.p == NULL && mem_out(&m, "", 0) != 0)
		return px_error(err, PHI_ENOMEM, "out of memory");
	*out = m.p;
	*outlen = m.len;
	return rc;
}

/*
 * For format readers: run the detectors and the known identifiers of kn
 * (nk stores, NULLs skipped) over text[0, tlen), in windows as the text
 * stream cuts units (at most PX_UNIT_MAX, ending at a line end when one is
 * in the second half, PX_CONTEXT of context around), adding to out.  A
 * window the detectors could not evaluate is passed to where(arg, offset,
 * code, what, err), which records it with the reader's location; its
 * findings still come out, with their error set.  The caller resolves.
 */
int
px_stream_detect(struct phi_stream *st, const char *text, size_t tlen,
    struct px_known *const *kn, size_t nk, struct px_findings *out,
    int (*where)(void *, size_t, int, const char *, struct phi_error *),
    void *arg, struct phi_error *err)
{
	struct px_findings *fs = &st->fs;
	size_t us, ue, r0, r1, n, i, k;
	char what[128];
	int rc;

	for (us = 0; us < tlen; us = ue) {
		n = tlen - us;
		if (n > PX_UNIT_MAX) {
			for (i = PX_UNIT_MAX; i > PX_UNIT_MAX / 2; i--)
				if (text[us + i - 1] == '\n')
					break;
			if (i == PX_UNIT_MAX / 2) {
				i = PX_UNIT_MAX;
				for (k = 0; k < 3 && ((unsigned char)
				    text[us + i] & 0xc0) == 0x80; k++)
					i--;
			}
			n = i;
		}
		ue = us + n;
		r0 = us > PX_CONTEXT ? us - PX_CONTEXT : 0;
		while (r0 < us && ((unsigned char)text[r0] & 0xc0) == 0x80)
			r0++;
		r1 = ue + PX_CONTEXT < tlen ? ue + PX_CONTEXT : tlen;
		rc = px_detect(st->eng, &st->sc, text + r0, r1 - r0, us - r0,
		    ue - r0, fs);
		if (rc == PHI_ENOMEM)
			return px_error(err, rc, "out of memory");
		for (i = 0; i < fs->n; i++)
			if (px_findings_add(out, fs->v[i].start + r0,
			    fs->v[i].end + r0, fs->v[i].rule, fs->v[i].score,
			    fs->v[i].error) != PHI_OK)
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
		if (rc != PHI_OK) {
			snprintf(what, sizeof(what), "rule '%s': %s",
			    st->sc.fail_rule != NULL ? st->sc.fail_rule : "-",
			    phi_strerror(rc));
			if ((rc = where(arg, us, rc, what, err)) != PHI_OK)
				return rc;
		}
		for (k = 0; k < nk; k++)
			if (kn[k] != NULL && px_known_match(kn[k], text, r0,
			    r1, us, ue, out) != PHI_OK)
				return px_error(err, PHI_ENOMEM,
				    "out of memory");
	}
	return PHI_OK;
}
