/* SPDX-License-Identifier: MIT */
/* t-stream.c: the stream: pieces, units, state, invalid UTF-8, actions. */
#include "unit.h"

#define HEAD	"schema: 1\npack: t\nversion: '1'\n"
#define PACK	HEAD "categories: { SSN: { action: mask, keep: 4 } }\n" \
	"rules:\n" \
	"  - { id: ssn, category: SSN, pattern: '\\d{3}-\\d{2}-\\d{4}' }\n" \
	"  - { id: nm, category: NAME, pattern: 'Zebulon( Quux)?' }\n"

struct mem {
	char buf[1 << 20];
	size_t len;
	int fail;
};

static int
out(void *arg, const char *b, size_t len)
{
	struct mem *m = arg;

	if (m->fail)
		return -1;
	ck_assert_uint_le(m->len + len, sizeof(m->buf));
	memcpy(m->buf + m->len, b, len);
	m->len += len;
	return 0;
}

static size_t
feed(const struct phi_engine *eng, const char *in, size_t len, size_t piece,
    struct mem *m)
{
	struct phi_stream_cfg scfg = { out, m, NULL, NULL, 0 };
	struct phi_stream *st;
	struct phi_error err;
	size_t off;

	m->len = 0;
	ck_assert_int_eq(phi_stream_create(eng, &scfg, &st, &err), PHI_OK);
	for (off = 0; off < len; off += piece)
		ck_assert_int_eq(phi_stream_write(st, in + off,
		    len - off < piece ? len - off : piece, &err), PHI_OK);
	ck_assert_int_eq(phi_stream_finish(st, &err), PHI_OK);
	phi_stream_destroy(st);
	return m->len;
}

START_TEST(pieces_across_units)
{
	static struct mem a, b;
	struct phi_engine *eng = engine_from(PACK);
	size_t len = 3 * PX_UNIT_MAX + 999, i, pieces[] = { 1, 3, 4096,
	    65536, 70001 };
	char *in = malloc(len);

	/* PHI straddling every unit end, in long lines and short */
	for (i = 0; i < len; i++)
		in[i] = (i % 97 == 0) ? '\n' : 'x';
	for (i = 1; i <= 3; i++) {
		memcpy(in + i * PX_UNIT_MAX - 6, " Zebulon Quux ", 14);
		memcpy(in + i * PX_UNIT_MAX / 2 - 5, " 123-45-6789 ", 13);
	}
	feed(eng, in, len, len, &a);
	ck_assert(memmem(a.buf, a.len, "Zebulon", 7) == NULL);
	ck_assert(memmem(a.buf, a.len, "***-**-6789", 11) != NULL);
	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		feed(eng, in, len, pieces[i], &b);
		ck_assert_uint_eq(a.len, b.len);
		ck_assert(memcmp(a.buf, b.buf, a.len) == 0);
	}
	free(in);
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(state_errors)
{
	struct phi_engine *eng = engine_from(PACK);
	static struct mem m;
	struct phi_stream_cfg scfg = { out, &m, NULL, NULL, 0 };
	struct phi_stream *st;
	struct phi_error err;

	ck_assert_int_eq(phi_stream_create(eng, &scfg, &st, &err), PHI_OK);
	ck_assert_int_eq(phi_stream_finish(st, &err), PHI_OK);
	ck_assert_int_eq(phi_stream_write(st, "x", 1, &err), PHI_ESTATE);
	ck_assert_int_eq(phi_stream_finish(st, &err), PHI_ESTATE);
	phi_stream_destroy(st);
	/* an output callback that fails makes the stream fail */
	m.fail = 1;
	ck_assert_int_eq(phi_stream_create(eng, &scfg, &st, &err), PHI_OK);
	ck_assert_int_eq(phi_stream_write(st, "Zebulon\n", 8, &err), PHI_OK);
	ck_assert_int_eq(phi_stream_finish(st, &err), PHI_EIO);
	ck_assert(strstr(err.msg, "Zebulon") == NULL);
	phi_stream_destroy(st);
	phi_stream_destroy(NULL);
	scfg.out = NULL;
	ck_assert_int_eq(phi_stream_create(eng, &scfg, &st, &err), PHI_EINVAL);
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(invalid_utf8)
{
	struct phi_engine *eng = engine_from(PACK);
	char *o;
	int rc;

	o = scrub(eng, "a b\xc3(Zebulon c\nd \xed\xa0\x80 e", &rc);
	ck_assert_int_eq(rc, PHI_EINPUT);
	ck_assert_str_eq(o, "a [UNEVALUATED] c\nd [UNEVALUATED] e");
	phi_free(o);
	o = scrub(eng, "José Müller 123-45-6789", &rc);
	ck_assert_int_eq(rc, PHI_OK);
	ck_assert_str_eq(o, "José Müller ***-**-6789");
	phi_free(o);
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(actions)
{
	struct phi_engine *eng = engine_from(HEAD
	    "categories: { NAME: { tag: PERSON } }\nrules:\n"
	    "  - { id: t, category: NAME, pattern: 'Zebulon' }\n"
	    "  - { id: r, category: NAME, pattern: 'Quux', action: redact }\n"
	    "  - { id: m, category: ID, pattern: 'AB-\\d+', action: mask }\n"
	    "  - { id: k, category: ID, pattern: 'KEEP', action: keep }\n");
	char *o;
	int rc;

	o = scrub(eng, "Zebulon, Quux, AB-123, KEEP, Åb", &rc);
	ck_assert_str_eq(o, "[PERSON], [REDACTED], **-***, KEEP, Åb");
	phi_free(o);
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(overlaps_union)
{
	struct phi_engine *eng = engine_from(HEAD "rules:\n"
	    "  - { id: a, category: A, pattern: 'abc' }\n"
	    "  - { id: b, category: B, pattern: 'cdefg' }\n"
	    "  - { id: n, category: N, pattern: 'Zeb|Quux' }\n");
	char *o;
	int rc;

	/* no byte of either finding survives; longest names the union */
	o = scrub(eng, "xabcdefgx Zeb Quux", &rc);
	ck_assert_str_eq(o, "x[B]x [N]");
	phi_free(o);
	phi_engine_destroy(eng);
}
END_TEST

UNIT_MAIN("stream", pieces_across_units, state_errors, invalid_utf8,
    actions, overlaps_union)
