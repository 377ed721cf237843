/* SPDX-License-Identifier: MIT */
/*
 * hl7.c: the HL7 v2 reader and writer (doc/hl7.md).
 *
 * Input is cut into records: a message, from its MSH segment (and the MLLP
 * start block before it) to the next MSH, batch segment or start block, or
 * to the end of its MLLP block; a batch segment (FHS BHS BTS FTS) alone;
 * or, as an error, lines that come before any MSH.  Segments end with CR,
 * LF or CR LF, whichever the input uses.  A record is evaluated whole:
 *
 *  1. parse: segments, fields, repetitions, components, subcomponents,
 *     with the delimiters of the message's own MSH-1 and MSH-2.  Every
 *     non-empty value gets the field rule that names it most precisely (or
 *     the pack's default) and is decoded (escapes) into the value arena,
 *     when an action replaces it, or into the scan text, when it is to be
 *     scanned;
 *  2. known identifiers: the values actions replace become a dictionary of
 *     this message, in the orders people write names, numbers and dates;
 *  3. detect: the text detectors and that dictionary run over the scan
 *     text, window by window as in text mode;
 *  4. write: the input bytes again, each replaced value and each finding
 *     in a scanned value re-escaped with the message's own delimiters.
 *     Separators, segment order, field counts, line ends, MLLP framing and
 *     every byte not replaced come out as they went in.
 *
 * Fail closed: a line that is no segment, a broken escape, invalid UTF-8
 * in scanned text, a detector failure, an over-long message or field,
 * lines before MSH and a truncated MLLP block are replaced by [UNEVALUATED]
 * and reported with the message number and segment or field path, never
 * with input text; under PHI_ON_ERROR_STOP nothing of that record is
 * written.  Memory is bounded by PX_HL7_MESSAGE_MAX and the window.
 */
#include <stdio.h>
#include <string.h>

#include "phiscrub-int.h"

#define MARKER		"[UNEVALUATED]"
#define VT		0x0b		/* MLLP start block */
#define FS		0x1c		/* MLLP end block */
#define SLICE		(64 * 1024)	/* read at once: memory bound */

/* Header kinds of a line. */
#define HDR_MSH		1
#define HDR_BATCH	2		/* FHS BHS BTS FTS */

#define L_ERROR		100		/* leaf kind: a marker */

struct abuf {
	char *p;
	size_t len;
	size_t cap;
};

struct delims {
	int fs, comp, rep, esc, sub, trunc;	/* -1: none */
};

/* One line of a record: [start, a) is an MLLP start block or a BOM, [a, b)
 * the segment, [b, c) its terminator, [c, end) an MLLP end block. */
struct line {
	size_t start, a, b, c, end;
	int vt;				/* an MLLP block starts here */
};

struct seg {
	size_t line;
	char name[4];
	uint32_t num;			/* 1-based within the record */
	size_t leaf0;
	size_t nleaf;
	const char *bad;		/* why it is replaced whole, or NULL */
	int drop;
};

/* One non-empty value (subcomponent). */
struct leaf {
	uint32_t a, b;			/* raw bytes in the record */
	uint32_t d0, d1;		/* decoded: scan text or value arena */
	uint32_t e0, ne;		/* its escapes (scanned values) */
	uint32_t seg;
	uint16_t field, rep, comp, sub;
	uint8_t kind;			/* PX_HL7_SCAN .. _ACT, L_ERROR */
	uint8_t role;
	uint8_t limit;			/* L_ERROR: a limit, not syntax */
	uint8_t kt;			/* KEEP: decoded into ktext */
	const struct px_hl7_rule *rule;
};

/* An escape sequence of a scanned value: decoded and raw extents. */
struct esc {
	uint32_t d, dlen, r, rlen;
};

/* The rules that may govern a segment of one name (cached per stream). */
/*
 * A best_rule() answer: the same segment, position and value type always
 * get the same rule, and the values of a feed repeat them.
 */
#define RULE_MEMO	512
struct rule_memo {
	const struct px_hl7_rule *rule;
	size_t seg;			/* sr index + 1; 0: an empty entry */
	unsigned f, r, c, s;
	char vtype[16];
};

struct segrules {
	char name[4];
	size_t off;			/* into srv */
	size_t n;
	int named;			/* some rule names it exactly */
};

struct px_hl7 {
	/* reader */
	char *buf;			/* input from stream offset base */
	size_t len;
	size_t cap;
	uint64_t base;
	size_t rec_end;			/* the record's complete lines */
	size_t scan;			/* terminator search resumes here */
	int skipping;			/* inside an over-long record */
	int skip_line;			/* ... in a line already marked */
	uint64_t nmsg;
	struct delims last;		/* of the last header, for BTS/FTS */
	int have_last;
	char label[80];			/* "message 3", for errors */
	/* record */
	struct line *lines;
	size_t nlines, linecap;
	struct seg *segs;
	size_t nsegs, segcap;
	struct leaf *leaves;
	size_t nleaves, leafcap;
	struct esc *escs;
	size_t nescs, esccap;
	const struct px_hl7_rule *const *cand;	/* of this segment */
	size_t ncand;
	size_t cand_seg;		/* its index in sr */
	struct rule_memo *memo;		/* best_rule() answers */
	struct segrules *sr;		/* candidates by segment name */
	size_t nsr, srcap;
	const struct px_hl7_rule **srv;
	size_t nsrv, srvcap;
	struct abuf text;		/* scan text */
	struct abuf ktext;		/* kept values: known identifiers */
	struct abuf vals;		/* decoded values actions replace */
	struct px_findings fs;		/* in the scan text */
	struct px_findings kfs;		/* in the kept text */
	int too_many;
	size_t last_scan;		/* last scanned value, or SIZE_MAX */
	int ref_year;			/* MSH-7's, for ages; 0: none */
	struct px_known *known;		/* this message's identifiers */
	struct phi_stream *st;		/* while detecting */
	/* output */
	char *rbuf;
	size_t rcap;
	char *ebuf;
	size_t ecap;
};

static const struct delims default_delims = { '|', '^', '~', '\\', '&',
	-1 };

struct px_hl7 *
px_hl7_new(void)
{
	struct px_hl7 *h;

	if ((h = px_calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->known = px_known_new()) == NULL) {
		px_free(h);
		return NULL;
	}
	return h;
}

void
px_hl7_free(struct px_hl7 *h)
{
	if (h == NULL)
		return;
	px_wipe_free(h->buf, h->cap);
	px_free(h->lines);
	px_free(h->segs);
	px_free(h->leaves);
	px_free(h->escs);
	px_free(h->sr);
	px_free(h->srv);
	px_wipe_free(h->text.p, h->text.cap);
	px_wipe_free(h->ktext.p, h->ktext.cap);
	px_wipe_free(h->vals.p, h->vals.cap);
	px_free(h->fs.v);
	px_free(h->kfs.v);
	px_free(h->memo);
	px_known_free(h->known);
	px_wipe_free(h->rbuf, h->rcap);
	px_wipe_free(h->ebuf, h->ecap);
	px_free(h);
}

static int
abuf_add(struct abuf *b, const char *p, size_t n)
{
	if (px_grow((void **)&b->p, &b->cap, b->len + n + 1, 1) != PHI_OK)
		return PHI_ENOMEM;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return PHI_OK;
}

static int
isalnum_(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
	    (c | 0x20) <= 'z');
}

static int
header_kind(const char *s, size_t n)
{
	if (n < 3 || (n > 3 && (isalnum_((unsigned char)s[3]) ||
	    s[3] == '\r' || s[3] == '\n')))
		return 0;
	if (memcmp(s, "MSH", 3) == 0)
		return HDR_MSH;
	if (memcmp(s, "FHS", 3) == 0 || memcmp(s, "BHS", 3) == 0 ||
	    memcmp(s, "BTS", 3) == 0 || memcmp(s, "FTS", 3) == 0)
		return HDR_BATCH;
	return 0;
}

static int	delim_ok(int);

/*
 * Does the input start like HL7?  Looks past a UTF-8 BOM and blank lines.
 * Returns 1 (HL7), 0 (text) or -1 (need more bytes; never with eof).
 */
int
px_hl7_sniff(const char *p, size_t n, int eof)
{
	static const char *const heads[] = { "MSH", "FHS", "BHS" };
	size_t i = 0, k, m;

	if (n >= 1 && (unsigned char)p[0] == 0xef) {
		if (n < 3)
			return eof ? 0 : -1;
		if ((unsigned char)p[1] == 0xbb && (unsigned char)p[2] == 0xbf)
			i = 3;
	}
	while (i < n && (p[i] == '\r' || p[i] == '\n' || p[i] == ' ' ||
	    p[i] == '\t'))
		i++;
	if (i == n)
		return eof ? 0 : -1;
	if (p[i] == VT)
		return 1;
	/* a header and two delimiters: MSH|^ */
	for (k = 0; k < PX_NELEM(heads); k++) {
		m = n - i < 3 ? n - i : 3;
		if (memcmp(p + i, heads[k], m) != 0)
			continue;
		if (n - i < 5)
			return eof ? 0 : -1;
		return delim_ok((unsigned char)p[i + 3]) &&
		    delim_ok((unsigned char)p[i + 4]);
	}
	return 0;
}

/*
 * The line starting at `from` in p[0..len): its segment ends at *b, its
 * terminator (CR, LF, CR LF) at *c, an MLLP end block after it at *end.
 * Returns 1 when more input is needed to tell (never with eof).  A CR or
 * an end block at the very end waits for the next byte, so that the line
 * ends do not depend on how the input was cut.
 */
static int
split(const char *p, size_t i, size_t len, int eof, size_t *b, size_t *c,
    size_t *end, size_t *stop)
{
	while (i < len && p[i] != '\r' && p[i] != '\n' && p[i] != FS)
		i++;
	*stop = i;
	if (i == len) {
		if (!eof)
			return 1;
		*b = *c = *end = len;
		return 0;
	}
	*b = i;
	if (p[i] == '\n') {
		*c = *end = i + 1;
		return 0;
	}
	if (i + 1 == len && !eof)
		return 1;
	if (p[i] == '\r') {
		*c = *end = i + 1 < len && p[i + 1] == '\n' ? i + 2 : i + 1;
		return 0;
	}
	*c = i;
	*end = i + 1 < len && p[i + 1] == '\r' ? i + 2 : i + 1;
	return 0;
}

static void
consume(struct px_hl7 *h, size_t n)
{
	memmove(h->buf, h->buf + n, h->len - n);
	h->len -= n;
	h->base += n;
	h->rec_end = h->rec_end > n ? h->rec_end - n : 0;
	h->scan = h->scan > n ? h->scan - n : 0;
}

/*
 * Bytes before a segment on its line, passed as they are: an MLLP start
 * block, and a UTF-8 byte order mark (files joined with cat keep theirs).
 */
static size_t
prefix(const char *p, size_t a, size_t b, int *vt)
{
	size_t i = a;
	int bom = 0;

	*vt = 0;
	for (;;) {
		if (i < b && p[i] == VT && !*vt) {
			*vt = 1;
			i++;
		} else if (!bom && b - i >= 3 && (unsigned char)p[i] == 0xef &&
		    (unsigned char)p[i + 1] == 0xbb &&
		    (unsigned char)p[i + 2] == 0xbf) {
			bom = 1;
			i += 3;
		} else
			return i - a;
	}
}

static int
blank(const char *p, size_t a, size_t b)
{
	for (; a < b; a++)
		if (p[a] != ' ' && p[a] != '\t')
			return 0;
	return 1;
}

static int
emit(struct phi_stream *st, const char *p, size_t n, struct phi_error *err)
{
	return n == 0 ? PHI_OK : px_stream_emit(st, p, n, err);
}

/* Why a region was replaced by a marker, as the audit log names it. */
#define WHY_SYNTAX	"hl7-syntax"
#define WHY_LIMIT	"hl7-limit"
#define WHY_TRUNCATED	"hl7-truncated"

/* A marker in place of raw bytes [a, b) of the buffer. */
static int
marker(struct phi_stream *st, struct px_hl7 *h, size_t a, size_t b,
    const char *why, struct phi_error *err)
{
	int rc;

	if ((rc = emit(st, MARKER, sizeof(MARKER) - 1, err)) != PHI_OK)
		return rc;
	px_stream_count_unevaluated(st, 1);
	return px_stream_report_error(st, why, h->base + a, b - a, err);
}

/* --- labels for errors: names and numbers only, never input ----------- */

static void
label_record(struct px_hl7 *h, int kind, const char *name)
{
	if (kind == HDR_MSH)
		snprintf(h->label, sizeof(h->label), "message %llu",
		    (unsigned long long)h->nmsg);
	else if (kind == HDR_BATCH)
		snprintf(h->label, sizeof(h->label), "%.3s segment after "
		    "message %llu", name, (unsigned long long)h->nmsg);
	else if (h->nmsg == 0)
		snprintf(h->label, sizeof(h->label), "input before message 1");
	else
		snprintf(h->label, sizeof(h->label), "input after message %llu",
		    (unsigned long long)h->nmsg);
}

static void
leaf_path(const struct px_hl7 *h, const struct leaf *lf, char *out,
    size_t cap)
{
	snprintf(out, cap, "%s-%u[%u].%u.%u", h->segs[lf->seg].name,
	    lf->field, lf->rep, lf->comp, lf->sub);
}

/* --- delimiters and escapes ------------------------------------------- */

static int
delim_ok(int c)
{
	return c > 0x20 && c < 0x7f && !isalnum_((unsigned char)c);
}

/* MSH-1 and MSH-2 (or FHS, BHS) of header line [a, b). */
static int
read_delims(const char *p, size_t a, size_t b, struct delims *dl)
{
	int e[5] = { -1, -1, -1, -1, -1 };
	size_t i, j, n;

	if (b - a < 5 || !delim_ok((unsigned char)p[a + 3]))
		return -1;
	dl->fs = (unsigned char)p[a + 3];
	for (i = a + 4, n = 0; i < b && p[i] != dl->fs; i++, n++) {
		if (n == 5 || !delim_ok((unsigned char)p[i]))
			return -1;
		for (j = 0; j < n; j++)
			if (e[j] == (unsigned char)p[i])
				return -1;
		e[n] = (unsigned char)p[i];
	}
	if (n == 0)
		return -1;
	dl->comp = e[0];
	dl->rep = e[1];
	dl->esc = e[2];
	dl->sub = e[3];
	dl->trunc = e[4];
	return 0;
}

/*
 * Decode raw p[a, b) onto out.  With note, escape sequences are recorded
 * in h->escs (decoded offsets are out's), so that a finding can be mapped
 * back to raw bytes.  Returns PHI_OK, PHI_ENOMEM, or 1 for a broken escape
 * sequence.  Unknown escapes are kept as they are, as HL7 asks.
 */
static int
decode(struct px_hl7 *h, const struct delims *dl, size_t a, size_t b,
    struct abuf *out, int note)
{
	const char *p = h->buf;
	size_t i = a, e, j, n, k, d0;
	char tmp[2];
	const char *rep;
	size_t rlen;

	while (i < b) {
		const char *q = dl->esc >= 0 ? memchr(p + i, dl->esc, b - i) :
		    NULL;

		e = q != NULL ? (size_t)(q - p) : b;
		if (e > i && abuf_add(out, p + i, e - i) != PHI_OK)
			return PHI_ENOMEM;
		if (e == b)
			break;
		q = memchr(p + e + 1, dl->esc, b - e - 1);
		if (q == NULL)
			return 1;
		j = (size_t)(q - p);
		n = j - e - 1;
		rep = NULL;
		rlen = 0;
		d0 = out->len;
		if (n == 1) {
			int ch = -2;

			switch (p[e + 1]) {
			case 'F': ch = dl->fs; break;
			case 'S': ch = dl->comp; break;
			case 'T': ch = dl->sub; break;
			case 'R': ch = dl->rep; break;
			case 'E': ch = dl->esc; break;
			case 'P': ch = dl->trunc >= 0 ? dl->trunc : '#'; break;
			case 'H': case 'N': rep = ""; break;
			}
			if (ch >= 0) {
				tmp[0] = (char)ch;
				rep = tmp;
				rlen = 1;
			}
		} else if (n > 1 && p[e + 1] == 'X') {
			if ((n - 1) % 2 != 0)
				return 1;
			for (k = e + 2; k < j; k += 2) {
				int hi = px_hexval(p[k]),
				    lo = px_hexval(p[k + 1]);

				if (hi < 0 || lo < 0)
					return 1;
				tmp[0] = (char)(hi << 4 | lo);
				if (abuf_add(out, tmp, 1) != PHI_OK)
					return PHI_ENOMEM;
			}
			rep = "";	/* already added */
		} else if (n >= 3 && p[e + 1] == '.') {
			const char *c = p + e + 2;

			if (memcmp(c, "br", 2) == 0 ||
			    memcmp(c, "sp", 2) == 0 ||
			    memcmp(c, "ce", 2) == 0) {
				rep = "\n";
				rlen = 1;
			} else if (memcmp(c, "sk", 2) == 0) {
				rep = " ";
				rlen = 1;
			} else if (memcmp(c, "fi", 2) == 0 ||
			    memcmp(c, "nf", 2) == 0 ||
			    memcmp(c, "in", 2) == 0 ||
			    memcmp(c, "ti", 2) == 0)
				rep = "";
		} else if (n > 1 && (p[e + 1] == 'C' || p[e + 1] == 'M'))
			rep = "";	/* character set switches */
		if (rep == NULL) {
			/* unknown: kept as written, decoded as itself */
			if (abuf_add(out, p + e, j + 1 - e) != PHI_OK)
				return PHI_ENOMEM;
		} else {
			if (rlen > 0 && abuf_add(out, rep, rlen) != PHI_OK)
				return PHI_ENOMEM;
			if (note) {
				struct esc *x;

				if (px_grow((void **)&h->escs, &h->esccap,
				    h->nescs + 1, sizeof(*h->escs)) != PHI_OK)
					return PHI_ENOMEM;
				x = &h->escs[h->nescs++];
				x->d = (uint32_t)d0;
				x->dlen = (uint32_t)(out->len - d0);
				x->r = (uint32_t)e;
				x->rlen = (uint32_t)(j + 1 - e);
			}
		}
		i = j + 1;
	}
	return PHI_OK;
}

/*
 * Escape a replacement with the message's delimiters: no raw delimiter,
 * CR or LF may appear in output values.  Without an escape character
 * (MSH-2 shorter than 3), delimiters become blanks.
 */
static int
put_escaped(struct phi_stream *st, struct px_hl7 *h, const struct delims *dl,
    const char *v, size_t n, struct phi_error *err)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	if (px_grow((void **)&h->ebuf, &h->ecap, 5 * n + 8, 1) != PHI_OK)
		return px_error(err, PHI_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		int c = (unsigned char)v[i];
		char x = 0;

		if (c == dl->fs)
			x = 'F';
		else if (c == dl->comp)
			x = 'S';
		else if (c == dl->sub)
			x = 'T';
		else if (c == dl->rep)
			x = 'R';
		else if (c == dl->esc)
			x = 'E';
		else if (c == dl->trunc)
			x = 'P';
		if (x != 0 || c < 0x20 || c == 0x7f) {
			if (dl->esc < 0) {
				h->ebuf[o++] = ' ';
				continue;
			}
			h->ebuf[o++] = (char)dl->esc;
			if (x != 0)
				h->ebuf[o++] = x;
			else {
				h->ebuf[o++] = 'X';
				h->ebuf[o++] = hex[c >> 4];
				h->ebuf[o++] = hex[c & 15];
			}
			h->ebuf[o++] = (char)dl->esc;
		} else
			h->ebuf[o++] = (char)c;
	}
	return emit(st, h->ebuf, o, err);
}

/* --- values and rules ------------------------------------------------- */

static int
dtm_digits(const char *v, size_t len)
{
	size_t i = 0, n;

	while (i < len && v[i] >= '0' && v[i] <= '9')
		i++;
	n = i;
	if (n != 4 && n != 6 && n != 8 && n != 10 && n != 12 && n != 14)
		return 0;
	if (i < len && v[i] == '.' && n == 14) {
		for (i++; i < len && v[i] >= '0' && v[i] <= '9'; i++)
			;
	}
	if (i < len && (v[i] == '+' || v[i] == '-')) {
		if (len - i != 5)
			return 0;
		for (i++; i < len; i++)
			if (v[i] < '0' || v[i] > '9')
				return 0;
	}
	return i == len ? (int)n : 0;
}

static int
atoi4(const char *v)
{
	return (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 +
	    (v[3] - '0');
}

/* A year from 1800 to 2199, and a month and a day if the value has them. */
static int
dtm_plausible(const char *v, int nd)
{
	int y, m = 1, d = 1;

	y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 +
	    (v[3] - '0');
	if (nd >= 6)
		m = (v[4] - '0') * 10 + (v[5] - '0');
	if (nd >= 8)
		d = (v[6] - '0') * 10 + (v[7] - '0');
	return y >= 1800 && y <= 2199 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= 31;
}

/*
 * Render the replacement of value v: as px_act_render, except that HL7
 * date-times (YYYY[MM[DD[HHMM[SS[.S]]]]][+ZZZZ]) generalize to their year
 * and shift only their date, keeping time and offset, so that the field
 * stays a valid DTM of the same precision.
 */
int
px_hl7_render_value(const struct phi_engine *eng, const struct px_rule *r,
    const char *subject, const char *v, size_t len, char *out, size_t cap,
    size_t *outlen)
{
	enum phi_action a;
	char tmp[8];
	size_t n;
	int nd, rc;

	if (r == NULL || strcmp(r->category, "DATE") != 0)
		return px_act_render(eng, r, subject, v, len, out, cap, outlen);
	a = px_action_of(eng, r);
	if ((a != PHI_ACT_GENERALIZE && a != PHI_ACT_SHIFT) ||
	    (nd = dtm_digits(v, len)) == 0 || cap < len + 32 ||
	    !dtm_plausible(v, nd))
		return px_act_render(eng, r, subject, v, len, out, cap, outlen);
	if (a == PHI_ACT_GENERALIZE || nd == 4) {
		memcpy(out, v, 4);
		*outlen = 4;
		return PHI_OK;
	}
	memcpy(tmp, v, nd >= 8 ? 8 : 6);
	if (nd == 6)
		memcpy(tmp + 6, "01", 2);
	if ((rc = px_act_shift(eng, subject, tmp, 8, out, cap, &n)) != PHI_OK)
		return rc;
	if (n != 8)		/* not understood: it is [DATE] */
		return px_act_render(eng, r, subject, v, len, out, cap,
		    outlen);
	if (nd == 6) {
		*outlen = 6;
		return PHI_OK;
	}
	memcpy(out + 8, v + 8, len - 8);
	*outlen = len;
	return PHI_OK;
}

#define ROLE_SCAN	(-1)		/* not an identifier: scanned */
#define ROLE_KEEP	(-2)		/* a title or degree: kept */

/*
 * The role of component comp.sub in a value of type t: what it is, or
 * ROLE_SCAN, or ROLE_KEEP for the suffix, prefix and degree of a name
 * (Jr, Dr, MD), which the name rules would take for a name after a title.
 */
static int
role_of(int t, unsigned comp, unsigned sub)
{
	switch (t) {
	case PX_HL7_T_NONE:
		return PX_HL7_R_MAIN;
	case PX_HL7_T_XPN:
		if (comp >= 4 && comp <= 6)
			return ROLE_KEEP;
		return comp <= 3 || comp == 15 ? PX_HL7_R_MAIN : ROLE_SCAN;
	case PX_HL7_T_XCN:
		if (comp == 1)
			return PX_HL7_R_ID;
		if (comp >= 5 && comp <= 7)
			return ROLE_KEEP;
		return comp >= 2 && comp <= 4 ? PX_HL7_R_MAIN : ROLE_SCAN;
	case PX_HL7_T_XAD:
		if (comp == 3 || comp == 9 || comp == 10)
			return PX_HL7_R_LOCATION;
		if (comp == 5)
			return PX_HL7_R_ZIP;
		return comp == 1 || comp == 2 || comp == 19 ? PX_HL7_R_MAIN :
		    -1;
	case PX_HL7_T_XTN:
		if (comp == 4)
			return PX_HL7_R_EMAIL;
		return comp == 1 || (comp >= 5 && comp <= 8) || comp == 12 ?
		    PX_HL7_R_MAIN : -1;
	case PX_HL7_T_XON:
		if (comp == 3 || comp == 10)
			return PX_HL7_R_ID;
		return comp == 1 ? PX_HL7_R_MAIN : -1;
	case PX_HL7_T_ED:
		return comp == 5 ? PX_HL7_R_MAIN : -1;
	case PX_HL7_T_EIP:		/* placer^filler, each an EI */
		return (comp == 1 || comp == 2) && sub == 1 ? PX_HL7_R_MAIN :
		    -1;
	default:		/* CX EI DTM NDL: the first component */
		return comp == 1 ? PX_HL7_R_MAIN : -1;
	}
}

/*
 * The rules that may govern a segment called name (its own and Z*) into
 * h->cand, in pack order; computed once per name and stream, since the
 * engine's rules never change.
 */
static int
candidates(struct px_hl7 *h, const struct px_hl7_spec *hs, const char *name,
    int *named)
{
	struct segrules *e;
	size_t i;

	for (i = 0; i < h->nsr; i++)
		if (memcmp(h->sr[i].name, name, 4) == 0)
			break;
	if (i == h->nsr) {
		if (px_grow((void **)&h->sr, &h->srcap, h->nsr + 1,
		    sizeof(*h->sr)) != PHI_OK)
			return PHI_ENOMEM;
		e = &h->sr[h->nsr];
		memset(e, 0, sizeof(*e));
		memcpy(e->name, name, 4);
		e->off = h->nsrv;
		for (i = 0; i < hs->nrules; i++) {
			const struct px_hl7_rule *r = hs->rules[i];

			if (strcmp(r->seg, name) == 0)
				e->named = 1;
			else if (!(r->seg[1] == '*' && name[0] == 'Z'))
				continue;
			if (px_grow((void **)&h->srv, &h->srvcap, h->nsrv + 1,
			    sizeof(*h->srv)) != PHI_OK)
				return PHI_ENOMEM;
			h->srv[h->nsrv++] = r;
		}
		e->n = h->nsrv - e->off;
		i = h->nsr++;
	}
	e = &h->sr[i];
	h->cand = h->srv + e->off;
	h->ncand = e->n;
	h->cand_seg = i;
	*named = e->named;
	return PHI_OK;
}

static int
vtype_ok(const struct px_hl7_rule *r, const char *vtype)
{
	size_t i;

	for (i = 0; i < r->nvtypes; i++)	/* first bytes first: cheap */
		if (r->vtypes[i][0] == vtype[0] &&
		    strcmp(r->vtypes[i], vtype) == 0)
			return 1;
	return 0;
}

/*
 * The rule for a value: the candidate that names it most precisely (an
 * exact segment beats Z*, then field, component, subcomponent, repetition,
 * value type); among equals the later one, so later packs override.
 * With field 0, only segment-level rules are looked at.
 */
static const struct px_hl7_rule *
best_rule(struct px_hl7 *h, const char *vtype,
    unsigned f, unsigned r, unsigned c, unsigned s)
{
	const struct px_hl7_rule *best = NULL;
	struct rule_memo *m = NULL;
	int bs = -1, sc;
	size_t i;

	if (h->memo == NULL)
		h->memo = px_calloc(RULE_MEMO, sizeof(*h->memo));
	if (h->memo != NULL && strlen(vtype) < sizeof(m->vtype)) {
		m = &h->memo[(h->cand_seg * 131 + f * 31 + r * 17 + c * 7 +
		    s + (unsigned char)vtype[0]) % RULE_MEMO];
		if (m->seg == h->cand_seg + 1 && m->f == f && m->r == r &&
		    m->c == c && m->s == s && strcmp(m->vtype, vtype) == 0)
			return m->rule;
	}
	for (i = 0; i < h->ncand; i++) {
		const struct px_hl7_rule *x = h->cand[i];

		if (f == 0 ? x->field != 0 : (x->field != 0 &&
		    x->field != (int)f))
			continue;
		if ((x->rep && x->rep != (int)r) || (x->comp && x->comp !=
		    (int)c) || (x->sub && x->sub != (int)s))
			continue;
		if (x->nvtypes > 0 && !vtype_ok(x, vtype))
			continue;
		sc = (x->seg[1] != '*' ? 64 : 0) + (x->field ? 32 :
		    0) + (x->comp ? 16 : 0) + (x->sub ? 8 : 0) + (x->rep ? 4 :
		    0) + (x->nvtypes ? 2 : 0);
		if (sc >= bs) {
			bs = sc;
			best = x;
		}
	}
	if (m != NULL) {
		m->rule = best;
		m->seg = h->cand_seg + 1;
		m->f = f;
		m->r = r;
		m->c = c;
		m->s = s;
		strcpy(m->vtype, vtype);
	}
	return best;
}

/* --- parsing ---------------------------------------------------------- */

struct segctx {
	const struct delims *dl;
	const struct px_hl7_spec *hs;
	int named;			/* the pack names this segment */
	char vtype[16];			/* OBX-2 */
	size_t prev_leaf;		/* last scanned value, or SIZE_MAX */
	int known;			/* known identifiers are on */
};

/* What a value to scan is, by its raw bytes. */
#define V_TEXT		0		/* text: detectors run */
#define V_SMALL		1		/* < 5 digits, no letter */
#define V_OID		2		/* an ISO object identifier */
#define V_DAY		3		/* an HL7 date-time to the day */

static int is_day(const char *, size_t);

/*
 * Values that cannot hold what the text detectors look for skip them:
 * numbers of fewer than five digits (set IDs, counts, versions) and ISO
 * object identifiers (they name systems and organizations); a date-time
 * goes to the pack's dates: rule.  Known identifiers are still looked for
 * in object identifiers.
 */
static int
classify(const char *v, size_t n)
{
	size_t i, digits = 0, dots = 0;
	int empty_arc = 0;		/* "..": no memmem(), which is not
					   declared without _GNU_SOURCE */

	for (i = 0; i < n; i++) {
		if (v[i] >= '0' && v[i] <= '9')
			digits++;
		else if (v[i] == '.') {
			dots++;
			if (i > 0 && v[i - 1] == '.')
				empty_arc = 1;
		} else if (v[i] != '+' && v[i] != '-')
			return V_TEXT;
	}
	if (digits < 5)
		return V_SMALL;
	if (is_day(v, n))
		return V_DAY;
	if (dots >= 3 && digits + dots == n && v[0] != '.' && v[n - 1] != '.'
	    && !empty_arc)
		return V_OID;
	return V_TEXT;
}

static int
add_leaf(struct phi_stream *st, struct px_hl7 *h, struct segctx *sx,
    size_t a, size_t b, unsigned f, unsigned r, unsigned c, unsigned s,
    struct phi_error *err)
{
	const struct px_hl7_rule *rule;
	struct leaf *lf;
	char path[48];
	size_t t0, e0;
	int kind, role = PX_HL7_R_MAIN, rc;

	if (h->nleaves >= PX_HL7_VALUES_MAX) {
		h->too_many = 1;
		return PHI_OK;
	}
	if (px_grow((void **)&h->leaves, &h->leafcap, h->nleaves + 1,
	    sizeof(*h->leaves)) != PHI_OK)
		return px_error(err, PHI_ENOMEM, "out of memory");
	rule = best_rule(h, sx->vtype, f, r, c, s);
	if (rule == NULL)
		rule = sx->named ? sx->hs->other : sx->hs->unknown;
	kind = rule != NULL ? rule->kind : PX_HL7_SCAN;
	if (kind == PX_HL7_DROP)
		kind = PX_HL7_SCAN;
	if (kind == PX_HL7_ACT && (role = role_of(rule->type, c, s)) < 0) {
		kind = role == ROLE_KEEP ? PX_HL7_KEEP : PX_HL7_SCAN;
		role = PX_HL7_R_MAIN;
	}
	/* "" is HL7's explicit null: no value, nothing to hide */
	if (b - a == 2 && h->buf[a] == '"' && h->buf[a + 1] == '"')
		kind = PX_HL7_KEEP;
	if (kind == PX_HL7_SCAN) {
		switch (classify(h->buf + a, b - a)) {
		case V_SMALL:
		case V_OID:
			kind = PX_HL7_KEEP;
			break;
		case V_DAY:
			if (sx->hs->dates != NULL && sx->hs->dates->kind ==
			    PX_HL7_ACT) {
				kind = PX_HL7_ACT;
				rule = sx->hs->dates;
			}
			break;
		}
	}
	lf = &h->leaves[h->nleaves];
	memset(lf, 0, sizeof(*lf));
	lf->a = (uint32_t)a;
	lf->b = (uint32_t)b;
	lf->seg = (uint32_t)(h->nsegs - 1);
	lf->field = (uint16_t)(f > 65535 ? 65535 : f);
	lf->rep = (uint16_t)(r > 65535 ? 65535 : r);
	lf->comp = (uint16_t)(c > 65535 ? 65535 : c);
	lf->sub = (uint16_t)(s > 65535 ? 65535 : s);
	lf->kind = (uint8_t)kind;
	lf->role = (uint8_t)role;
	lf->rule = rule;
	if (kind == PX_HL7_ACT) {
		t0 = h->vals.len;
		rc = decode(h, sx->dl, a, b, &h->vals, 0);
		lf->d0 = (uint32_t)t0;
		lf->d1 = (uint32_t)h->vals.len;
		if (rc == PHI_OK && blank(h->vals.p, t0, h->vals.len))
			lf->kind = PX_HL7_KEEP;
	} else if (kind == PX_HL7_SCAN) {
		const struct leaf *pv = sx->prev_leaf != SIZE_MAX ?
		    &h->leaves[sx->prev_leaf] : NULL;

		t0 = h->text.len;
		e0 = h->nescs;
		if (h->text.len > 0 && abuf_add(&h->text, pv != NULL &&
		    pv->seg == lf->seg && pv->field == lf->field &&
		    pv->rep == lf->rep ? " " : "\n", 1) != PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
		lf->d0 = (uint32_t)h->text.len;
		lf->e0 = (uint32_t)e0;
		rc = decode(h, sx->dl, a, b, &h->text, 1);
		lf->d1 = (uint32_t)h->text.len;
		lf->ne = (uint32_t)(h->nescs - e0);
		if (rc == 1) {
			h->text.len = t0;
			h->nescs = e0;
		} else
			sx->prev_leaf = h->nleaves;
	} else if (sx->known && kind == PX_HL7_KEEP) {
		/* kept, but the message's own identifiers are still looked
		 * for in it */
		e0 = h->nescs;
		if (h->ktext.len > 0 && abuf_add(&h->ktext, "\n", 1) != PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
		t0 = h->ktext.len;
		lf->d0 = (uint32_t)t0;
		lf->e0 = (uint32_t)e0;
		rc = decode(h, sx->dl, a, b, &h->ktext, 1);
		lf->d1 = (uint32_t)h->ktext.len;
		lf->ne = (uint32_t)(h->nescs - e0);
		lf->kt = 1;
		if (rc == 1) {
			h->ktext.len = t0;
			h->nescs = e0;
		}
	} else
		rc = PHI_OK;
	h->nleaves++;
	if (rc == PHI_ENOMEM)
		return px_error(err, rc, "out of memory");
	if (rc == 1) {
		lf->kind = L_ERROR;
		leaf_path(h, lf, path, sizeof(path));
		return px_stream_region_error(st, PHI_EINPUT, err, "%s, %s: "
		    "broken escape sequence", h->label, path);
	}
	return PHI_OK;
}

static int
add_field(struct phi_stream *st, struct px_hl7 *h, struct segctx *sx,
    size_t fa, size_t fb, unsigned f, struct phi_error *err)
{
	const struct delims *dl = sx->dl;
	const char *p = h->buf;
	unsigned r = 1, c = 1, s = 1;
	size_t i, la = fa;
	int rc;

	if (fb - fa > PX_HL7_FIELD_MAX) {
		struct leaf *lf;

		if (px_grow((void **)&h->leaves, &h->leafcap, h->nleaves + 1,
		    sizeof(*h->leaves)) != PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
		lf = &h->leaves[h->nleaves++];
		memset(lf, 0, sizeof(*lf));
		lf->a = (uint32_t)fa;
		lf->b = (uint32_t)fb;
		lf->seg = (uint32_t)(h->nsegs - 1);
		lf->field = (uint16_t)(f > 65535 ? 65535 : f);
		lf->kind = L_ERROR;
		lf->limit = 1;
		return px_stream_region_error(st, PHI_ELIMIT, err, "%s, %s-%u: "
		    "field longer than %d bytes", h->label,
		    h->segs[h->nsegs - 1].name, f, PX_HL7_FIELD_MAX);
	}
	for (i = fa; i <= fb; i++) {
		int ch = i < fb ? (unsigned char)p[i] : -2;

		if (i < fb && ch != dl->rep && ch != dl->comp &&
		    ch != dl->sub)
			continue;
		if (i > la && (rc = add_leaf(st, h, sx, la, i, f, r, c, s,
		    err)) != PHI_OK)
			return rc;
		if (i == fb)
			break;
		if (ch == dl->rep) {
			r++;
			c = s = 1;
		} else if (ch == dl->comp) {
			c++;
			s = 1;
		} else
			s++;
		la = i + 1;
	}
	return PHI_OK;
}

static int
is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/*
 * A control character other than tab in s[0, n)?  Eight bytes at a time:
 * a word without a byte below 0x20 or equal to 0x7f has none.
 */
static int
has_ctl(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	size_t i = 0, k;
	uint64_t x, y;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, s + i, 8);
		y = x ^ ones * 0x7f;
		if ((((x - ones * 0x20) & ~x) | ((y - ones) & ~y)) & high)
			for (k = i; k < i + 8; k++)
				if (is_ctl((unsigned char)s[k]))
					return 1;
	}
	for (; i < n; i++)
		if (is_ctl((unsigned char)s[i]))
			return 1;
	return 0;
}

static int
seg_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n != 3 || s[0] < 'A' || s[0] > 'Z')
		return 0;
	for (i = 1; i < 3; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' &&
		    s[i] <= '9')))
			return 0;
	return 1;
}

/* Parse line li, a segment, into its values. */
static int
add_segment(struct phi_stream *st, struct px_hl7 *h, const struct delims *dl,
    size_t li, int header, struct phi_error *err)
{
	const struct phi_engine *eng = px_stream_engine(st);
	const struct line *L = &h->lines[li];
	const char *p = h->buf;
	const struct px_hl7_rule *sr;
	struct segctx sx;
	struct seg *sg;
	size_t i, fa;
	unsigned f;
	int rc, ctl;

	if (px_grow((void **)&h->segs, &h->segcap, h->nsegs + 1,
	    sizeof(*h->segs)) != PHI_OK)
		return px_error(err, PHI_ENOMEM, "out of memory");
	sg = &h->segs[h->nsegs++];
	memset(sg, 0, sizeof(*sg));
	sg->line = li;
	sg->num = (uint32_t)h->nsegs;
	sg->leaf0 = h->nleaves;
	ctl = has_ctl(p + L->a, L->b - L->a);
	for (i = L->a; i < L->b && (unsigned char)p[i] != dl->fs; i++)
		;
	if (ctl || !seg_name_ok(p + L->a, i - L->a)) {
		sg->bad = WHY_SYNTAX;
		return px_stream_region_error(st, PHI_EINPUT, err, "%s, "
		    "segment %u: not a segment (bad name or control "
		    "characters)", h->label, sg->num);
	}
	memcpy(sg->name, p + L->a, 3);
	memset(&sx, 0, sizeof(sx));
	sx.dl = dl;
	sx.hs = &eng->spec.hl7;
	sx.known = eng->spec.hl7.known;
	sx.prev_leaf = SIZE_MAX;
	sx.prev_leaf = h->last_scan;
	if (candidates(h, sx.hs, sg->name, &sx.named) != PHI_OK)
		return px_error(err, PHI_ENOMEM, "out of memory");
	if (!header) {
		sr = best_rule(h, "", 0, 0, 0, 0);
		if ((sr != NULL && sr->kind == PX_HL7_DROP) || (sr == NULL &&
		    !sx.named && h->ncand == 0 && sx.hs->unknown != NULL &&
		    sx.hs->unknown->kind == PX_HL7_DROP)) {
			sg->drop = 1;
			return PHI_OK;
		}
	}
	/* fields: MSH-1 is the separator itself, MSH-2 is kept as is */
	if (header) {
		for (i = L->a + 4; i < L->b && (unsigned char)p[i] != dl->fs;
		    i++)
			;
		f = 3;
	} else
		f = 1;
	if (i >= L->b)
		goto out;
	for (fa = ++i; ; f++) {
		const char *e = memchr(p + i, dl->fs, L->b - i);

		i = e != NULL ? (size_t)(e - p) : L->b;
		if (f == 2 && strcmp(sg->name, "OBX") == 0) {
			size_t k, n = 0;

			for (k = fa; k < i && n + 1 < sizeof(sx.vtype) &&
			    (unsigned char)p[k] != dl->comp &&
			    (unsigned char)p[k] != dl->rep; k++)
				sx.vtype[n++] = p[k];
			sx.vtype[n] = '\0';
		}
		if (i > fa && (rc = add_field(st, h, &sx, fa, i, f, err)) !=
		    PHI_OK)
			return rc;
		if (i >= L->b)
			break;
		fa = ++i;
	}
out:
	h->segs[h->nsegs - 1].nleaf = h->nleaves - h->segs[h->nsegs - 1].leaf0;
	h->last_scan = sx.prev_leaf;
	return PHI_OK;
}

/* --- known identifiers ------------------------------------------------ */

/* The known identifiers of one repetition of a field: leaves [i, j). */
static int
harvest_rep(struct px_hl7 *h, size_t i, size_t j)
{
	struct px_part fam = { NULL, 0 }, giv = { NULL, 0 }, mid = { NULL, 0 };
	const struct px_rule *namerule = NULL;
	const char *area = NULL, *local = NULL;
	size_t narea = 0, nlocal = 0, k;
	int rc;

	for (k = i; k < j; k++) {
		const struct leaf *lf = &h->leaves[k];
		const struct px_hl7_rule *r = lf->rule;
		const struct px_rule *kr;
		const char *v = h->vals.p + lf->d0;
		size_t n = lf->d1 - lf->d0;
		int t;

		if (lf->kind != PX_HL7_ACT || !r->known ||
		    (kr = r->krules[lf->role]) == NULL)
			continue;
		t = r->type;
		if ((t == PX_HL7_T_XPN || t == PX_HL7_T_XCN) &&
		    lf->role == PX_HL7_R_MAIN) {
			unsigned base = t == PX_HL7_T_XCN ? 1 : 0;

			namerule = kr;
			if (lf->sub != 1)
				continue;
			if (lf->comp == base + 1) {
				fam.v = v;
				fam.n = n;
			} else if (lf->comp == base + 2) {
				giv.v = v;
				giv.n = n;
			} else if (lf->comp == base + 3) {
				mid.v = v;
				mid.n = n;
			} else if ((rc = px_known_add_value(h->known, v, n, kr, 0)) !=
			    PHI_OK)
				return rc;
			continue;
		}
		if ((t == PX_HL7_T_DTM || strcmp(kr->category, "DATE") == 0) &&
		    is_day(v, n)) {
			if ((rc = px_known_add_date(h->known, v, n, kr)) != PHI_OK)
				return rc;
			continue;
		}
		if (t == PX_HL7_T_XTN && lf->comp == 6) {
			area = v;
			narea = n;
		} else if (t == PX_HL7_T_XTN && lf->comp == 7) {
			local = v;
			nlocal = n;
		}
		if ((rc = px_known_add_value(h->known, v, n, kr, t == PX_HL7_T_XTN ||
		    strcmp(kr->category, "PHONE") == 0)) != PHI_OK)
			return rc;
		/* a street is also written without its number */
		if (t == PX_HL7_T_XAD && lf->comp == 1 && lf->sub == 1 &&
		    (rc = px_known_add_street(h->known, v, n, kr)) != PHI_OK)
			return rc;
	}
	if (namerule != NULL && (rc = px_known_add_name(h->known, &fam, &giv, &mid,
	    namerule)) != PHI_OK)
		return rc;
	if (area != NULL && local != NULL && narea + nlocal < 40) {
		char tmp[48];
		const struct leaf *lf = NULL;

		for (k = i; k < j; k++)
			if (h->leaves[k].kind == PX_HL7_ACT &&
			    h->leaves[k].comp == 7)
				lf = &h->leaves[k];
		memcpy(tmp, area, narea);
		memcpy(tmp + narea, local, nlocal);
		if (lf != NULL && (rc = px_known_add_value(h->known, tmp, narea + nlocal,
		    lf->rule->krules[lf->role], 1)) != PHI_OK)
			return rc;
	}
	return PHI_OK;
}

static int
harvest(struct px_hl7 *h)
{
	size_t i, j;
	int rc;

	px_known_reset(h->known);
	for (i = 0; i < h->nleaves; i = j) {
		const struct leaf *a = &h->leaves[i];

		for (j = i + 1; j < h->nleaves && h->leaves[j].seg == a->seg &&
		    h->leaves[j].field == a->field &&
		    h->leaves[j].rep == a->rep; j++)
			;
		if ((rc = harvest_rep(h, i, j)) != PHI_OK)
			return rc;
	}
	return px_known_index(h->known);
}

/* --- detection -------------------------------------------------------- */

/* The scanned value holding scan-text offset x (for error paths). */
static const struct leaf *
leaf_at(const struct px_hl7 *h, size_t x)
{
	const struct leaf *best = NULL;
	size_t i;

	for (i = 0; i < h->nleaves; i++) {
		const struct leaf *lf = &h->leaves[i];

		if (lf->kind != PX_HL7_SCAN)
			continue;
		if (lf->d0 > x)
			break;
		best = lf;
	}
	return best;
}

static int
region_at(struct phi_stream *st, struct px_hl7 *h, size_t x, int code,
    const char *what, struct phi_error *err)
{
	const struct leaf *lf;
	char path[48] = "-";

	/* only the first error is described: do not look up the others */
	if (phi_stream_status(st) == PHI_OK && (lf = leaf_at(h, x)) != NULL)
		leaf_path(h, lf, path, sizeof(path));
	return px_stream_region_error(st, code, err, "%s, %s: %s", h->label,
	    path, what);
}

/* Whitespace-delimited words of text[a, b) with invalid UTF-8. */
static int
invalid_utf8(struct phi_stream *st, struct px_hl7 *h, const char *text,
    size_t a, size_t b, struct phi_error *err)
{
	size_t i = a, x, y;
	int rc;

	while (px_utf8_bad_word(text, a, i, b, &x, &y)) {
		if (px_findings_add(&h->fs, x, y, NULL, 1.0, PHI_EINPUT) !=
		    PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
		if ((rc = region_at(st, h, x, PHI_EINPUT, "invalid UTF-8",
		    err)) != PHI_OK)
			return rc;
		i = y;
	}
	return PHI_OK;
}

/* A day: YYYYMMDD... with a plausible year, month and day. */
static int
is_day(const char *v, size_t n)
{
	int nd;

	return n >= 8 && (nd = dtm_digits(v, n)) >= 8 && dtm_plausible(v, nd);
}

/*
 * Run the detectors and the known identifiers over the scan text, in
 * windows as the text stream cuts units (at most PX_UNIT_MAX, ending at a
 * line end when one is in its second half, PX_CONTEXT around).
 */
/* A window the detectors could not evaluate (px_stream_detect). */
static int
where(void *arg, size_t x, int code, const char *what, struct phi_error *err)
{
	struct px_hl7 *h = arg;

	return region_at(h->st, h, x, code, what, err);
}

static int
detect(struct phi_stream *st, struct px_hl7 *h, struct phi_error *err)
{
	const struct phi_engine *eng = px_stream_engine(st);
	const char *text = h->text.p;
	size_t tlen = h->text.len, us, ue, r0, r1;
	int rc;

	h->fs.n = 0;
	h->st = st;
	if ((rc = px_stream_detect(st, text, tlen, &h->known, 1, &h->fs,
	    where, h, err)) != PHI_OK ||
	    (rc = invalid_utf8(st, h, text, 0, tlen, err)) != PHI_OK)
		return rc;
	px_resolve(eng, &h->fs, text);
	/* the kept values: known identifiers only */
	text = h->ktext.p;
	tlen = h->ktext.len;
	h->kfs.n = 0;
	for (us = 0; us < tlen && px_known_count(h->known) > 0;
	    us = ue) {
		ue = tlen - us > PX_UNIT_MAX ? us + PX_UNIT_MAX : tlen;
		while (ue < tlen && ue > us + 1 && ((unsigned char)text[ue] &
		    0xc0) == 0x80)
			ue--;
		r0 = us > PX_CONTEXT ? us - PX_CONTEXT : 0;
		r1 = ue + PX_CONTEXT < tlen ? ue + PX_CONTEXT : tlen;
		if (px_known_match(h->known, text, r0, r1, us, ue,
		    &h->kfs) != PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
	}
	px_resolve(eng, &h->kfs, text);
	return PHI_OK;
}

/* --- writing ---------------------------------------------------------- */

/*
 * Raw offset of decoded byte x of scanned value lf: where it starts, or
 * with end, where it ends.  A byte that an escape sequence produced maps
 * to the whole sequence, so sequences are replaced whole or not at all.
 */
static size_t
raw_of(const struct px_hl7 *h, const struct leaf *lf, size_t x, int end)
{
	const struct esc *e;
	size_t lo = lf->e0, hi = lf->e0 + lf->ne, mid;

	/* the last escape that starts at or before x */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->escs[mid].d <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == lf->e0)
		return lf->a + (x - lf->d0) + (end ? 1 : 0);
	e = &h->escs[lo - 1];
	if (x < e->d + e->dlen)
		return end ? e->r + e->rlen : e->r;
	return e->r + e->rlen + (x - e->d - e->dlen) + (end ? 1 : 0);
}

/*
 * Replace raw [ra, rb) with the rendering of decoded v: rule NULL is an
 * unevaluated region; keep and foreign restore tokens leave the bytes.
 */
static int
replace(struct phi_stream *st, struct px_hl7 *h, const struct delims *dl,
    size_t *pos, size_t ra, size_t rb, const struct px_rule *rule,
    const char *why, double score, const char *v, size_t n,
    struct phi_error *err)
{
	const struct phi_engine *eng = px_stream_engine(st);
	enum phi_action act = rule != NULL ? px_action_of(eng, rule) :
	    PHI_ACT_DEFAULT;
	size_t olen;
	int rc;

	if (rule != NULL && why == NULL && act == PHI_ACT_KEEP)
		return px_stream_report(st, rule, 0, h->base + ra, rb - ra,
		    score, err);
	if (rule == NULL || why != NULL) {
		if ((rc = emit(st, h->buf + *pos, ra - *pos, err)) != PHI_OK ||
		    (rc = marker(st, h, ra, rb, why != NULL ? why : WHY_SYNTAX,
		    err)) != PHI_OK)
			return rc;
		*pos = rb;
		return PHI_OK;
	}
	if (px_grow((void **)&h->rbuf, &h->rcap, 2 * n + 128, 1) != PHI_OK)
		return px_error(err, PHI_ENOMEM, "out of memory");
	rc = px_hl7_render_value(eng, rule, px_stream_subject(st), v, n,
	    h->rbuf, h->rcap, &olen);
	if (rc == PHI_EKEY && act == PHI_ACT_RESTORE) {
		px_stream_count_restore_failed(st);
		return PHI_OK;
	}
	if (rc != PHI_OK)
		return px_error(err, rc, "rule '%s': replacement failed: %s",
		    rule->id, phi_strerror(rc));
	/*
	 * Safe Harbor: a birth year that makes someone 90 or older at the
	 * time of the message is not given; every such birth date becomes
	 * the year 90 years before the message (a year that could also be
	 * 89, so the rule errs on the safe side).
	 */
	if (rule->birth && act == PHI_ACT_GENERALIZE && h->ref_year > 0 &&
	    olen == 4 && dtm_digits(h->rbuf, 4) == 4 && h->ref_year -
	    atoi4(h->rbuf) >= 90) {
		int y = h->ref_year - 90;

		h->rbuf[0] = (char)('0' + y / 1000 % 10);
		h->rbuf[1] = (char)('0' + y / 100 % 10);
		h->rbuf[2] = (char)('0' + y / 10 % 10);
		h->rbuf[3] = (char)('0' + y % 10);
	}
	if ((rc = emit(st, h->buf + *pos, ra - *pos, err)) != PHI_OK ||
	    (rc = put_escaped(st, h, dl, h->rbuf, olen, err)) != PHI_OK)
		return rc;
	*pos = rb;
	return px_stream_report(st, rule, 0, h->base + ra, rb - ra, score,
	    err);
}

/*
 * The findings of fs (from *j on, which advances) within the value lf of
 * text, each replaced where it lies in the raw value.
 */
static int
write_found(struct phi_stream *st, struct px_hl7 *h, const struct delims *dl,
    size_t *pos, const struct leaf *lf, const char *text,
    const struct px_findings *fs, size_t *j, struct phi_error *err)
{
	size_t m, x, y;
	int rc = PHI_OK;

	while (*j < fs->n && fs->v[*j].end <= lf->d0)
		(*j)++;
	for (m = *j; m < fs->n && fs->v[m].start < lf->d1 && rc == PHI_OK;
	    m++) {
		const struct px_finding *f = &fs->v[m];

		x = f->start > lf->d0 ? f->start : lf->d0;
		y = f->end < lf->d1 ? f->end : lf->d1;
		if (y <= x)
			continue;
		rc = replace(st, h, dl, pos, raw_of(h, lf, x, 0), raw_of(h, lf,
		    y - 1, 1), f->rule, f->error == 0 ? NULL : f->error ==
		    PHI_EINPUT ? "invalid-utf8" : "unevaluated", f->score,
		    text + x, y - x, err);
	}
	return rc;
}

static int
write_record(struct phi_stream *st, struct px_hl7 *h, const struct delims *dl,
    size_t len, struct phi_error *err)
{
	size_t pos = 0, si = 0, li, k, j = 0, jk = 0;
	int rc;

	for (li = 0; li < h->nlines; li++) {
		const struct line *L = &h->lines[li];
		const struct seg *sg;

		if (blank(h->buf, L->a, L->b))
			continue;
		sg = &h->segs[si++];
		if (sg->bad) {
			if ((rc = replace(st, h, dl, &pos, L->a, L->b, NULL,
			    sg->bad, 1.0, NULL, 0, err)) != PHI_OK)
				return rc;
			continue;
		}
		if (sg->drop) {
			if ((rc = emit(st, h->buf + pos, L->a - pos, err)) !=
			    PHI_OK)
				return rc;
			pos = L->c;
			continue;
		}
		for (k = sg->leaf0; k < sg->leaf0 + sg->nleaf; k++) {
			const struct leaf *lf = &h->leaves[k];

			if (lf->kind == L_ERROR)
				rc = replace(st, h, dl, &pos, lf->a, lf->b,
				    NULL, lf->limit ? WHY_LIMIT : WHY_SYNTAX,
				    1.0, NULL, 0, err);
			else if (lf->kind == PX_HL7_ACT)
				rc = replace(st, h, dl, &pos, lf->a, lf->b,
				    lf->rule->rules[lf->role], NULL, 1.0,
				    h->vals.p + lf->d0, lf->d1 - lf->d0, err);
			else if (lf->kind == PX_HL7_SCAN)
				rc = write_found(st, h, dl, &pos, lf, h->text.p,
				    &h->fs, &j, err);
			else if (lf->kt)
				rc = write_found(st, h, dl, &pos, lf,
				    h->ktext.p, &h->kfs, &jk, err);
			else
				rc = PHI_OK;
			if (rc != PHI_OK)
				return rc;
		}
	}
	return emit(st, h->buf + pos, len - pos, err);
}

/* Every line of the record replaced: it could not be read as HL7. */
static int
fail_record(struct phi_stream *st, struct px_hl7 *h, int code,
    struct phi_error *err, const char *what)
{
	size_t li, pos = 0;
	int rc;

	if ((rc = px_stream_region_error(st, code, err, "%s: %s", h->label,
	    what)) != PHI_OK)
		return rc;
	for (li = 0; li < h->nlines; li++) {
		const struct line *L = &h->lines[li];

		if (blank(h->buf, L->a, L->b))
			continue;
		if ((rc = emit(st, h->buf + pos, L->a - pos, err)) != PHI_OK ||
		    (rc = marker(st, h, L->a, L->b, code == PHI_ELIMIT ?
		    WHY_LIMIT : WHY_SYNTAX, err)) != PHI_OK)
			return rc;
		pos = L->b;
	}
	return emit(st, h->buf + pos, h->lines[h->nlines - 1].end - pos, err);
}

/* Evaluate and write the record buf[0, len). */
static int
record(struct phi_stream *st, struct px_hl7 *h, size_t len,
    struct phi_error *err)
{
	const struct phi_engine *eng = px_stream_engine(st);
	struct delims dl;
	size_t pos = 0, b, c, end, stop, li, hdr = SIZE_MAX;
	int kind = 0, rc, truncated, trailer;

	h->nlines = h->nsegs = h->nleaves = h->nescs = 0;
	h->text.len = h->vals.len = h->ktext.len = 0;
	h->kfs.n = 0;
	px_known_reset(h->known);
	h->too_many = 0;
	h->last_scan = SIZE_MAX;
	while (pos < len) {
		struct line *L;

		if (px_grow((void **)&h->lines, &h->linecap, h->nlines + 1,
		    sizeof(*h->lines)) != PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
		L = &h->lines[h->nlines++];
		L->start = pos;
		split(h->buf, pos, len, 1, &b, &c, &end, &stop);
		L->a = pos + prefix(h->buf, pos, b, &L->vt);
		L->b = b;
		L->c = c;
		L->end = end;
		if (hdr == SIZE_MAX && !blank(h->buf, L->a, L->b)) {
			hdr = h->nlines - 1;
			kind = header_kind(h->buf + L->a, L->b - L->a);
		}
		pos = end;
	}
	if (hdr == SIZE_MAX)		/* blank lines: as they are */
		return emit(st, h->buf, len, err);
	if (kind == HDR_MSH)
		h->nmsg++;
	label_record(h, kind, h->buf + h->lines[hdr].a);
	if (kind == 0)
		return fail_record(st, h, PHI_EINPUT, err, "segments before "
		    "any MSH");
	trailer = memcmp(h->buf + h->lines[hdr].a, "BTS", 3) == 0 ||
	    memcmp(h->buf + h->lines[hdr].a, "FTS", 3) == 0;
	if (trailer)
		dl = h->have_last ? h->last : default_delims;
	else if (read_delims(h->buf, h->lines[hdr].a, h->lines[hdr].b, &dl))
		return fail_record(st, h, PHI_EINPUT, err, "bad field "
		    "separator or encoding characters (MSH-1, MSH-2)");
	else {
		h->last = dl;
		h->have_last = 1;
	}
	truncated = h->lines[0].vt &&
	    h->lines[h->nlines - 1].end == h->lines[h->nlines - 1].c;
	for (li = hdr; li < h->nlines; li++) {
		const struct line *L = &h->lines[li];
		int header = li == hdr && !trailer;

		if (blank(h->buf, L->a, L->b))
			continue;
		if ((rc = add_segment(st, h, &dl, li, header, err)) != PHI_OK)
			return rc;
		if (li == hdr && h->segs[0].bad != NULL)
			return fail_record(st, h, PHI_EINPUT, err, "header "
			    "segment unreadable");
		if (h->too_many)
			return fail_record(st, h, PHI_ELIMIT, err, "more than "
			    "1048576 values");
	}
	h->ref_year = 0;
	if (kind == HDR_MSH)
		for (li = 0; li < h->segs[0].nleaf; li++) {
			const struct leaf *lf = &h->leaves[li];
			int nd;

			if (lf->field == 7 && lf->comp == 1 && lf->sub == 1 &&
			    (nd = dtm_digits(h->buf + lf->a, lf->b - lf->a)) >=
			    4 && dtm_plausible(h->buf + lf->a, nd))
				h->ref_year = atoi4(h->buf + lf->a);
		}
	if (truncated) {
		struct seg *sg = &h->segs[h->nsegs - 1];

		if ((rc = px_stream_region_error(st, PHI_EINPUT, err, "%s, "
		    "segment %u: MLLP block not ended (truncated)", h->label,
		    sg->num)) != PHI_OK)
			return rc;
		sg->bad = WHY_TRUNCATED;
	}
	if (eng->spec.hl7.known && harvest(h) != PHI_OK)
		return px_error(err, PHI_ENOMEM, "out of memory");
	if ((rc = detect(st, h, err)) != PHI_OK)
		return rc;
	return write_record(st, h, &dl, len, err);
}

static int
finish_record(struct phi_stream *st, struct px_hl7 *h, size_t n,
    struct phi_error *err)
{
	int rc;

	if ((rc = record(st, h, n, err)) != PHI_OK)
		return rc;
	consume(h, n);
	h->rec_end = 0;
	h->scan = 0;
	return px_stream_flush(st, 0, err);
}

/* --- over-long records ------------------------------------------------ */

/*
 * The record has grown past PX_HL7_MESSAGE_MAX: its lines so far become
 * markers, and the reader skips (a marker per line) until the next header
 * or MLLP block.
 */
static int
overlong(struct phi_stream *st, struct px_hl7 *h, size_t limit,
    struct phi_error *err)
{
	size_t pos = 0, b, c, end, stop, a;
	int kind, rc, vt;

	a = prefix(h->buf, 0, h->len, &vt);
	kind = header_kind(h->buf + a, h->len - a);
	if (kind == HDR_MSH)
		h->nmsg++;
	label_record(h, kind, h->buf + a);
	if ((rc = px_stream_region_error(st, PHI_ELIMIT, err, "%s: longer "
	    "than %d bytes", h->label, PX_HL7_MESSAGE_MAX)) != PHI_OK)
		return rc;
	while (pos < limit) {
		if (split(h->buf, pos, h->len, 0, &b, &c, &end, &stop)) {
			a = pos + prefix(h->buf, pos, stop, &vt);
			/* the line goes on past the buffer */
			if ((rc = emit(st, h->buf + pos, a - pos, err)) !=
			    PHI_OK || (rc = marker(st, h, a, stop, WHY_LIMIT,
			    err)) != PHI_OK)
				return rc;
			h->skip_line = 1;
			pos = stop;
			break;
		}
		a = pos + prefix(h->buf, pos, b, &vt);
		if ((rc = emit(st, h->buf + pos, a - pos, err)) != PHI_OK)
			return rc;
		if (!blank(h->buf, a, b) && (rc = marker(st, h, a, b,
		    WHY_LIMIT, err)) != PHI_OK)
			return rc;
		if ((rc = emit(st, h->buf + b, end - b, err)) != PHI_OK)
			return rc;
		pos = end;
	}
	consume(h, pos);
	h->rec_end = h->scan = 0;
	h->skipping = 1;
	return px_stream_flush(st, 0, err);
}

/* In an over-long record: a marker per line until a header. */
static int
skip(struct phi_stream *st, struct px_hl7 *h, int eof, struct phi_error *err)
{
	size_t b, c, end, stop, a;
	int rc, vt;

	for (;;) {
		if (h->skip_line) {
			split(h->buf, 0, h->len, 1, &b, &c, &end, &stop);
			if (stop == h->len) {
				consume(h, h->len);
				return PHI_OK;
			}
			consume(h, stop);
			h->skip_line = 0;
		}
		if (h->len == 0)
			return PHI_OK;
		if (h->buf[0] == VT) {
			h->skipping = 0;
			return PHI_OK;
		}
		if (split(h->buf, 0, h->len, eof, &b, &c, &end, &stop)) {
			if (h->len < 8)
				return PHI_OK;
			a = prefix(h->buf, 0, stop, &vt);
			if (header_kind(h->buf + a, stop - a) != 0) {
				h->skipping = 0;
				return PHI_OK;
			}
			if (!blank(h->buf, 0, h->len) && (rc = marker(st, h,
			    0, stop, WHY_LIMIT, err)) != PHI_OK)
				return rc;
			consume(h, stop);
			h->skip_line = 1;
			return PHI_OK;
		}
		a = prefix(h->buf, 0, b, &vt);
		if (vt || header_kind(h->buf + a, b - a) != 0) {
			h->skipping = 0;
			return PHI_OK;
		}
		if ((rc = emit(st, h->buf, a, err)) != PHI_OK)
			return rc;
		if (!blank(h->buf, a, b) && (rc = marker(st, h, a, b,
		    WHY_LIMIT, err)) != PHI_OK)
			return rc;
		if ((rc = emit(st, h->buf + b, end - b, err)) != PHI_OK)
			return rc;
		consume(h, end);
		if (end > c) {
			h->skipping = 0;
			return PHI_OK;
		}
	}
}

/* --- the reader ------------------------------------------------------- */

static int
feed(struct phi_stream *st, struct px_hl7 *h, int eof, struct phi_error *err)
{
	size_t p, a, b, c, end, stop;
	int rc, kind, vt;

	for (;;) {
		if (h->skipping) {
			if ((rc = skip(st, h, eof, err)) != PHI_OK)
				return rc;
			if (h->skipping)
				return px_stream_flush(st, 0, err);
		}
		p = h->rec_end;
		if (p >= h->len)
			break;
		if (split(h->buf, h->scan > p ? h->scan : p, h->len, eof, &b,
		    &c, &end, &stop)) {
			h->scan = stop;
			if (h->len > PX_HL7_MESSAGE_MAX) {
				if ((rc = overlong(st, h, h->len, err)) !=
				    PHI_OK)
					return rc;
				continue;
			}
			return PHI_OK;
		}
		a = p + prefix(h->buf, p, b, &vt);
		kind = header_kind(h->buf + a, b - a);
		if ((vt || kind != 0) && p > 0) {
			/* a new message: the record so far is complete */
			if ((rc = finish_record(st, h, p, err)) != PHI_OK)
				return rc;
			continue;
		}
		h->rec_end = h->scan = end;
		if (kind == HDR_BATCH || end > c) {
			if ((rc = finish_record(st, h, end, err)) != PHI_OK)
				return rc;
			continue;
		}
		if (h->rec_end > PX_HL7_MESSAGE_MAX &&
		    (rc = overlong(st, h, h->rec_end, err)) != PHI_OK)
			return rc;
	}
	if (eof && h->len > 0)
		return finish_record(st, h, h->len, err);
	return PHI_OK;
}

int
px_hl7_write(struct phi_stream *st, struct px_hl7 *h, const char *p,
    size_t len, struct phi_error *err)
{
	size_t take;
	int rc;

	while (len > 0) {
		take = len < SLICE ? len : SLICE;
		if (px_grow((void **)&h->buf, &h->cap, h->len + take, 1) !=
		    PHI_OK)
			return px_error(err, PHI_ENOMEM, "out of memory");
		memcpy(h->buf + h->len, p, take);
		h->len += take;
		p += take;
		len -= take;
		if ((rc = feed(st, h, 0, err)) != PHI_OK)
			return rc;
	}
	return PHI_OK;
}

int
px_hl7_finish(struct phi_stream *st, struct px_hl7 *h, struct phi_error *err)
{
	return feed(st, h, 1, err);
}
