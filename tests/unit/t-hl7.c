/* SPDX-License-Identifier: MIT */
/*
 * t-hl7.c: the HL7 v2 reader and writer and the hl7: section of packs:
 * format sniffing, delimiters and escapes, field rules, known identifiers,
 * date-times, fail-closed errors, writes of any size, and the Nth
 * allocation failing.  All people and numbers are made up.
 */
#include "unit.h"

#define HEAD	"schema: 1\npack: t\nversion: '1'\n"
#define RULES	HEAD "rules:\n" \
	"  - { id: ssn, category: SSN, pattern: '\\d{3}-\\d{2}-\\d{4}' }\n" \
	"hl7:\n" \
	"  fields:\n" \
	"    PID-3.1: MRN\n" \
	"    PID-5: { category: NAME, type: XPN }\n" \
	"    PID-7: { category: DATE, type: DTM, action: generalize }\n" \
	"    OBX-5: [ { value-type: ED, category: DOC, type: ED, action: " \
	"redact }, scan ]\n" \
	"  segments: { MSH: keep, ZXX: drop }\n"

#define MSH	"MSH|^~\\&|A|B|C|D|20230412083015||ADT^A01|1|P|2.5\r"

struct mem {
	char buf[1 << 16];
	size_t len;
};

static int
out(void *arg, const char *b, size_t len)
{
	struct mem *m = arg;

	ck_assert_uint_le(m->len + len, sizeof(m->buf) - 1);
	memcpy(m->buf + m->len, b, len);
	m->len += len;
	m->buf[m->len] = '\0';
	return 0;
}

/* Scrub in as HL7 (or fmt) in pieces of piece bytes; returns the status. */
static int
run(const struct phi_engine *eng, int fmt, const char *in, size_t piece,
    struct mem *m, struct phi_error *err)
{
	struct phi_stream_cfg scfg;
	struct phi_stream *st;
	size_t off, len = strlen(in);
	int rc = PHI_OK;

	memset(&scfg, 0, sizeof(scfg));
	scfg.out = out;
	scfg.out_arg = m;
	scfg.format = fmt;
	m->len = 0;
	m->buf[0] = '\0';
	if ((rc = phi_stream_create(eng, &scfg, &st, err)) != PHI_OK)
		return rc;
	for (off = 0; off < len && rc == PHI_OK; off += piece)
		rc = phi_stream_write(st, in + off, len - off < piece ?
		    len - off : piece, err);
	if (rc == PHI_OK)
		rc = phi_stream_finish(st, err);
	if (rc == PHI_OK)
		rc = phi_stream_status(st);
	phi_stream_destroy(st);
	return rc;
}

static int
pack_error(const char *yaml, struct phi_error *err)
{
	struct phi_config *cfg;
	int rc;

	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	rc = phi_config_add_pack_string(cfg, yaml, strlen(yaml), "t.yaml",
	    NULL, err);
	phi_config_destroy(cfg);
	return rc;
}

START_TEST(pack_errors)
{
	static const struct {
		const char *yaml;
		int line;
		const char *msg;
	} cases[] = {
		{ HEAD "hl7:\n  fields:\n    PID5: NAME\n", 6, "field path" },
		{ HEAD "hl7:\n  fields:\n    PID-5.x: NAME\n", 6,
		    "field path" },
		{ HEAD "hl7:\n  fields:\n    PID-5: { category: NAME, type: "
		    "XYZ }\n", 6, "type must be" },
		{ HEAD "hl7:\n  fields:\n    PID-5: { categry: NAME }\n", 6,
		    "unknown key" },
		{ HEAD "hl7:\n  fields:\n    PID-5: { value-type: ED, "
		    "category: NAME }\n", 6, "OBX" },
		{ HEAD "hl7:\n  fields:\n    PID-5: { action: tag }\n", 6,
		    "needs a category" },
		{ HEAD "hl7:\n  fields:\n    PID-5: { category: NAME, action: "
		    "restore }\n", 6, "action must be" },
		{ HEAD "hl7:\n  fields:\n    PID-5: drop\n", 6, "use scan" },
		{ HEAD "hl7:\n  segments:\n    PID-5: drop\n", 6,
		    "segment name" },
		{ HEAD "hl7:\n  other-fields: drop\n", 5, "use scan" },
		{ HEAD "hl7:\n  known-identifiers: maybe\n", 5,
		    "true or false" },
		{ HEAD "hl7:\n  colours: red\n", 5, "unknown key" },
		{ HEAD "hl7: [ PID-5 ]\n", 4, "mapping" },
	};
	struct phi_error err;
	size_t i;

	for (i = 0; i < PX_NELEM(cases); i++) {
		ck_assert_msg(pack_error(cases[i].yaml, &err) == PHI_EPACK,
		    "case %zu loaded", i);
		ck_assert_msg(err.line == cases[i].line, "case %zu: line %d, "
		    "want %d (%s)", i, err.line, cases[i].line, err.msg);
		ck_assert_msg(strstr(err.msg, cases[i].msg) != NULL,
		    "case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
	}
}
END_TEST

START_TEST(keyed_needs_key)
{
	struct phi_config *cfg;
	struct phi_engine *eng = NULL;
	struct phi_error err;
	static const char y[] = HEAD "hl7:\n  fields:\n    PID-5: { category: "
	    "NAME, action: token }\n";

	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	ck_assert_int_eq(phi_config_add_pack_string(cfg, y, strlen(y), "t",
	    NULL, &err), PHI_OK);
	ck_assert_int_eq(phi_engine_create(cfg, &eng, &err), PHI_EKEY);
	ck_assert_ptr_null(strstr(err.msg, "Vantrebeck"));
	ck_assert_ptr_nonnull(strstr(err.msg, "PID-5"));
	phi_config_destroy(cfg);
}
END_TEST

START_TEST(sniff)
{
	ck_assert_int_eq(px_hl7_sniff("MSH|^~\\&|", 9, 0), 1);
	ck_assert_int_eq(px_hl7_sniff("\xef\xbb\xbfMSH|^", 8, 0), 1);
	ck_assert_int_eq(px_hl7_sniff("\r\n\x0b", 3, 0), 1);
	ck_assert_int_eq(px_hl7_sniff("FHS|^~", 6, 0), 1);
	ck_assert_int_eq(px_hl7_sniff("MS", 2, 0), -1);
	ck_assert_int_eq(px_hl7_sniff("MS", 2, 1), 0);
	ck_assert_int_eq(px_hl7_sniff("MSH is", 6, 0), 0);
	ck_assert_int_eq(px_hl7_sniff("MSHX|^", 6, 0), 0);
	ck_assert_int_eq(px_hl7_sniff("Pt seen", 7, 0), 0);
	ck_assert_int_eq(px_hl7_sniff("\xef\xbb", 2, 0), -1);
	ck_assert_int_eq(px_hl7_sniff("", 0, 1), 0);
}
END_TEST

START_TEST(dtm)
{
	struct phi_engine *eng = engine_from(HEAD "categories: { DATE: { "
	    "action: generalize } }\nrules:\n  - { id: d, category: DATE, "
	    "pattern: 'x' }\n");
	const struct px_rule *r = eng->active[0];
	char buf[256];
	size_t n;

	ck_assert_int_eq(px_hl7_render_value(eng, r, NULL,
	    "20230412083015-0500", 19, buf, sizeof(buf), &n), PHI_OK);
	ck_assert_int_eq((int)n, 4);
	ck_assert(memcmp(buf, "2023", 4) == 0);
	ck_assert_int_eq(px_hl7_render_value(eng, r, NULL, "202304", 6, buf,
	    sizeof(buf), &n), PHI_OK);
	ck_assert(n == 4 && memcmp(buf, "2023", 4) == 0);
	/* not an HL7 date-time: the ordinary action */
	ck_assert_int_eq(px_hl7_render_value(eng, r, NULL, "04/12/2023", 10,
	    buf, sizeof(buf), &n), PHI_OK);
	ck_assert(n == 4 && memcmp(buf, "2023", 4) == 0);
	ck_assert_int_eq(px_hl7_render_value(eng, r, NULL, "060561", 6, buf,
	    sizeof(buf), &n), PHI_OK);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "[DATE]");
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(fields_and_escapes)
{
	static struct mem m;
	struct phi_engine *eng = engine_from(RULES);
	struct phi_error err;

	/* delimiters of the message's own MSH; replacements re-escaped */
	ck_assert_int_eq(run(eng, PHI_FORMAT_HL7,
	    "MSH#*$!@#A#B###20230412##ADT*A01#1#P#2.5\r"
	    "PID#1##4452311*!F!x*HOSP##Vantrebeck*Quillon##19580917\r"
	    "ZXX#1#gone\r"
	    "NTE#1##ssn 123-45-6789!F!ok*still$rep\r", 5, &m, &err), PHI_OK);
	ck_assert_str_eq(m.buf,
	    "MSH#*$!@#A#B###20230412##ADT*A01#1#P#2.5\r"
	    "PID#1##[MRN]*!F!x*HOSP##[NAME]*[NAME]##1958\r"
	    "NTE#1##ssn [SSN]!F!ok*still$rep\r");
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(mask_escapes_delimiters)
{
	static struct mem m;
	struct phi_engine *eng = engine_from(HEAD "categories: { NAME: { "
	    "action: mask } }\nhl7:\n  fields:\n    PID-5: NAME\n");
	struct phi_error err;

	/* O^Brien decoded: the mask keeps the ^, which must go out as \S\ */
	ck_assert_int_eq(run(eng, PHI_FORMAT_HL7, MSH
	    "PID|1||||O\\S\\Brien\\X7C\\x^Al\r", 1, &m, &err), PHI_OK);
	ck_assert_str_eq(m.buf, MSH "PID|1||||*\\S\\*****\\F\\*^**\r");
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(value_types)
{
	static struct mem m;
	struct phi_engine *eng = engine_from(RULES);
	struct phi_error err;

	ck_assert_int_eq(run(eng, PHI_FORMAT_HL7, MSH
	    "OBX|1|ED|x||A^TEXT^PDF^Base64^SGVsbG8=\r"
	    "OBX|2|TX|x||ssn 123-45-6789\r", 7, &m, &err), PHI_OK);
	ck_assert_str_eq(m.buf, MSH
	    "OBX|1|ED|x||A^TEXT^PDF^Base64^[REDACTED]\r"
	    "OBX|2|TX|x||ssn [SSN]\r");
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(known_identifiers)
{
	static struct mem m;
	struct phi_engine *eng = engine_from(RULES);
	struct phi_error err;

	ck_assert_int_eq(run(eng, PHI_FORMAT_HL7, MSH
	    "PID|1||88123456^^^H^MR||Vantrebeck^Quillon^Idris||19580917\r"
	    "NTE|1||QUILLON VANTREBECK (88123456) born 09/17/1958; "
	    "Vantrebeck, Q.; Q. I. Vantrebeck; vantrebeck's\r", 3, &m, &err),
	    PHI_OK);
	ck_assert_str_eq(m.buf, MSH
	    "PID|1||[MRN]^^^H^MR||[NAME]^[NAME]^[NAME]||1958\r"
	    "NTE|1||[NAME] ([MRN]) born 1958; [NAME].; [NAME]; [NAME]'s\r");
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(fail_closed)
{
	static struct mem m;
	struct phi_engine *eng = engine_from(RULES);
	struct phi_error err;

	ck_assert_int_eq(run(eng, PHI_FORMAT_HL7, MSH
	    "NTE|1||Vantrebeck \\X4\r", 64, &m, &err), PHI_EINPUT);
	ck_assert_str_eq(m.buf, MSH "NTE|1||[UNEVALUATED]\r");
	ck_assert_int_eq(run(eng, PHI_FORMAT_HL7, "NTE|1||Vantrebeck\r" MSH,
	    64, &m, &err), PHI_EINPUT);
	ck_assert_str_eq(m.buf, "[UNEVALUATED]\r" MSH);
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(stop)
{
	static struct mem m;
	struct phi_config *cfg;
	struct phi_engine *eng;
	struct phi_error err;

	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	ck_assert_int_eq(phi_config_add_pack_string(cfg, RULES, strlen(RULES),
	    "t", NULL, &err), PHI_OK);
	phi_config_set_on_error(cfg, PHI_ON_ERROR_STOP);
	ck_assert_int_eq(phi_engine_create(cfg, &eng, &err), PHI_OK);
	phi_config_destroy(cfg);
	ck_assert_int_eq(run(eng, PHI_FORMAT_HL7, MSH
	    "PID|1||||Vantrebeck\\Xq\\\r", 4096, &m, &err), PHI_EINPUT);
	ck_assert_uint_eq(m.len, 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "message 1, PID-5"));
	ck_assert_ptr_null(strstr(err.msg, "Vantrebeck"));
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(auto_format)
{
	static struct mem a, b;
	struct phi_engine *eng = engine_from(RULES);
	struct phi_error err;
	static const char hl7[] = "\xef\xbb\xbf" MSH "PID|1||||Vantrebeck\r";

	ck_assert_int_eq(run(eng, PHI_FORMAT_AUTO, hl7, 1, &a, &err), PHI_OK);
	ck_assert_int_eq(run(eng, PHI_FORMAT_HL7, hl7, 4096, &b, &err),
	    PHI_OK);
	ck_assert_str_eq(a.buf, b.buf);
	ck_assert_ptr_null(strstr(a.buf, "Vantrebeck"));
	/* text stays text: no field rules, no markers */
	ck_assert_int_eq(run(eng, PHI_FORMAT_AUTO, "PID-5 is Vantrebeck\n", 3,
	    &a, &err), PHI_OK);
	ck_assert_str_eq(a.buf, "PID-5 is Vantrebeck\n");
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(every_allocation)
{
	static const char in[] = MSH
	    "PID|1||88123456^^^H^MR||Vantrebeck^Quillon||19580917\r"
	    "NTE|1||Quillon Vantrebeck, ssn 123-45-6789\r";
	static struct mem m;
	struct phi_engine *eng = engine_from(RULES);
	struct phi_error err;
	long n;
	int ok = 0, rc;

	phi_set_allocator(fail_malloc, fail_realloc, free);
	for (n = 0; n < 2000 && !ok; n++) {
		countdown = n;
		rc = run(eng, PHI_FORMAT_HL7, in, 7, &m, &err);
		if (rc == PHI_OK)
			ok = 1;
		else
			ck_assert_msg(rc == PHI_ENOMEM, "allocation %ld: "
			    "status %d", n, rc);
		ck_assert_ptr_null(strstr(m.buf, "Vantrebeck"));
		ck_assert_ptr_null(strstr(m.buf, "6789"));
	}
	countdown = -1;
	phi_set_allocator(NULL, NULL, NULL);
	ck_assert_msg(ok, "never succeeded");
	ck_assert_int_gt(n, 10);
	phi_engine_destroy(eng);
}
END_TEST

UNIT_MAIN("hl7", pack_errors, keyed_needs_key, sniff, dtm, fields_and_escapes,
    mask_escapes_delimiters, value_types, known_identifiers, fail_closed,
    stop, auto_format, every_allocation)
