/* SPDX-License-Identifier: MIT */
/* t-regex.c: regex rules, and fail closed on every PCRE2 error code. */
#include <stdio.h>

#include "unit.h"

#define HEAD	"schema: 1\npack: t\nversion: '1'\n"

START_TEST(status_codes)
{
	/* a negative pcre2_match() result is never "no match" */
	ck_assert_int_eq(px_regex_status(PCRE2_ERROR_NOMATCH), PHI_OK);
	ck_assert_int_eq(px_regex_status(1), PHI_OK);
	ck_assert_int_eq(px_regex_status(PCRE2_ERROR_MATCHLIMIT), PHI_EMATCH);
	ck_assert_int_eq(px_regex_status(PCRE2_ERROR_DEPTHLIMIT), PHI_EMATCH);
	ck_assert_int_eq(px_regex_status(PCRE2_ERROR_HEAPLIMIT), PHI_EMATCH);
	ck_assert_int_eq(px_regex_status(PCRE2_ERROR_JIT_STACKLIMIT),
	    PHI_EMATCH);
	ck_assert_int_eq(px_regex_status(PCRE2_ERROR_NOMEMORY), PHI_ENOMEM);
	ck_assert_int_eq(px_regex_status(PCRE2_ERROR_CALLOUT), PHI_EMATCH);
	ck_assert_int_eq(px_regex_status(PCRE2_ERROR_BADOFFSET), PHI_EMATCH);
	ck_assert_int_eq(px_regex_status(PCRE2_ERROR_PARTIAL), PHI_EMATCH);
}
END_TEST

static void
fails_closed(const char *limits, int jit, const char *subject)
{
	struct phi_config *cfg;
	struct phi_engine *eng;
	struct phi_error err;
	char yaml[512], *out;
	size_t len;
	int rc;

	snprintf(yaml, sizeof(yaml), HEAD "limits: %s\nrules:\n"
	    "  - { id: bad, category: X, pattern: '%s' }\n", limits,
	    strstr(limits, "jit") ? "(?:[a-z]|x)+[0-9]" : "(a+)+$");
	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	phi_config_set_jit(cfg, jit);
	ck_assert_int_eq(phi_config_add_pack_string(cfg, yaml, strlen(yaml),
	    "t.yaml", NULL, &err), PHI_OK);
	ck_assert_int_eq(phi_engine_create(cfg, &eng, &err), PHI_OK);
	rc = phi_scrub_buffer(eng, subject, strlen(subject), &out, &len, &err);
	ck_assert_int_eq(rc, PHI_EMATCH);
	ck_assert_msg(strstr(out, "Zebulon") == NULL, "raw text passed");
	ck_assert(strstr(out, "[UNEVALUATED]") != NULL);
	ck_assert(strstr(err.msg, "Zebulon") == NULL);
	phi_free(out);
	phi_engine_destroy(eng);
	phi_config_destroy(cfg);
}

START_TEST(limits_fail_closed)
{
	char stack[20100];

	fails_closed("{ match: 1000 }", 1, "Zebulon aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");
	fails_closed("{ match: 1000 }", 0, "Zebulon aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");
	fails_closed("{ depth: 10 }", 0, "Zebulon aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");
	fails_closed("{ heap: 1 }", 0, "Zebulon aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");
	memset(stack, 'q', sizeof(stack) - 1);
	memcpy(stack, "Zebulon ", 8);
	stack[sizeof(stack) - 1] = '\0';
	fails_closed("{ jit-stack: 1 }", 1, stack);
}
END_TEST

START_TEST(group_and_validators)
{
	struct phi_engine *eng = engine_from(HEAD "rules:\n"
	    "  - { id: d, category: DATE, pattern: '(?:on|seen) (\\d\\d?/\\d\\d?)',"
	    " group: 1, validate: date }\n"
	    "  - { id: k, category: MRN, pattern: 'MRN:? \\K\\d+' }\n"
	    "  - { id: c, category: FAX, pattern: '\\d{3}-\\d{4}',"
	    " context: { words: [fax], window: 10, required: true } }\n");
	char *out;
	int rc;

	out = scrub(eng, "seen 7/22, on 13/45, MRN: 123, fax 555-0134, "
	    "tel 555-0199", &rc);
	ck_assert_int_eq(rc, PHI_OK);
	ck_assert_str_eq(out, "seen [DATE], on 13/45, MRN: [MRN], fax [FAX], "
	    "tel 555-0199");
	phi_free(out);
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(jit_and_interpreter_agree)
{
	const char *yaml = HEAD "rules:\n"
	    "  - { id: p, category: PHONE, pattern: '\\(?\\d{3}\\)?[ .-]\\d{3}-\\d{4}' }\n"
	    "  - { id: n, category: NAME, pattern: '(?<=Dr\\. )\\p{Lu}\\p{L}+' }\n";
	const char *in = "Dr. Ñúñez (617) 555-0134 and 617.555-0199 Dr. x";
	struct phi_config *cfg;
	struct phi_engine *a, *b;
	struct phi_error err;
	char *oa, *ob;
	size_t la, lb;

	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	ck_assert_int_eq(phi_config_add_pack_string(cfg, yaml, strlen(yaml),
	    "t.yaml", NULL, &err), PHI_OK);
	ck_assert_int_eq(phi_engine_create(cfg, &a, &err), PHI_OK);
	phi_config_set_jit(cfg, 0);
	ck_assert_int_eq(phi_engine_create(cfg, &b, &err), PHI_OK);
	ck_assert_int_eq(phi_scrub_buffer(a, in, strlen(in), &oa, &la, &err),
	    PHI_OK);
	ck_assert_int_eq(phi_scrub_buffer(b, in, strlen(in), &ob, &lb, &err),
	    PHI_OK);
	ck_assert_str_eq(oa, ob);
	ck_assert_str_eq(oa, "Dr. [NAME] [PHONE] and [PHONE] Dr. x");
	phi_free(oa);
	phi_free(ob);
	phi_engine_destroy(a);
	phi_engine_destroy(b);
	phi_config_destroy(cfg);
}
END_TEST

START_TEST(triggers)
{
	struct phi_engine *eng = engine_from(HEAD "rules:\n"
	    "  - { id: f, category: FACILITY, pattern: '(?:\\p{Lu}\\p{L}+[ \\t]+){1,4}"
	    "(?:Hospital|Clinic)\\b', trigger: [hospital, clinic],"
	    " trigger-back: 4 }\n"
	    "  - { id: m, category: MRN, pattern: 'MRN:?[ \\t]*\\K\\d+',"
	    " trigger: [mrn] }\n"
	    "  - { id: p, category: PHONE, pattern: '\\d{3}-\\d{3}-\\d{4}',"
	    " trigger: '@digit' }\n");
	char *out;
	int rc;

	out = scrub(eng, "at Mercy General Hospital, mrn 12345, MRN: 99, "
	    "call 617-555-0134 or 617-555-0199; the Clinic; x617-555-0100",
	    &rc);
	ck_assert_int_eq(rc, PHI_OK);
	/* anchored at tokens: mid-token digits are no trigger */
	ck_assert_str_eq(out, "at [FACILITY], mrn 12345, MRN: [MRN], "
	    "call [PHONE] or [PHONE]; the Clinic; x617-555-0100");
	phi_free(out);
	phi_engine_destroy(eng);
}
END_TEST

/*
 * Rules are tried one at a time, but equal findings still tie as if every
 * rule had been tried at each token in turn: b's finding, fired at the
 * earlier token, is the one detected first and labels the span, though
 * rule a comes first in the pack.
 */
START_TEST(trigger_order)
{
	struct phi_engine *eng = engine_from(HEAD "rules:\n"
	    "  - { id: a, category: ID, pattern: 'foo bar', trigger: [bar],"
	    " trigger-back: 1 }\n"
	    "  - { id: b, category: DATE, pattern: 'foo bar', trigger: [foo] }\n"
	    "  - { id: c, category: ID, pattern: 'baz qux', trigger: [baz] }\n"
	    "  - { id: d, category: DATE, pattern: 'baz qux', trigger: [qux],"
	    " trigger-back: 1 }\n");
	char *out;
	int rc;

	out = scrub(eng, "x foo bar y baz qux z", &rc);
	ck_assert_int_eq(rc, PHI_OK);
	ck_assert_str_eq(out, "x [DATE] y [ID] z");
	phi_free(out);
	phi_engine_destroy(eng);
}
END_TEST

START_TEST(trigger_prefilters)
{
	struct phi_engine *eng = engine_from(HEAD "rules:\n"
	    "  - { id: d, category: DATE, pattern: '\\d{1,2}/\\d{1,2}',"
	    " trigger: '@digit', trigger-next: '/', trigger-digits: [1, 2] }\n"
	    "  - { id: z, category: ZIP, pattern: '\\d{5}',"
	    " trigger: '@digit', trigger-digits: [5, 5] }\n"
	    "  - { id: e, category: EMAIL, pattern: '\\w+@\\w+\\.org',"
	    " trigger: '@any', trigger-next: '@' }\n"
	    "  - { id: s, category: SSN, pattern: '\\d+-\\w+',"
	    " trigger: '@digit', trigger-after: ['-', '0-9', '0-9'] }\n");
	char *out;
	int rc;

	/* 120/80 has three digits before '/', 123456 six: no call at all */
	/* 4-ab and 4-5b end: the 2nd or 3rd byte after the token fails */
	out = scrub(eng, "seen 3/14, BP 120/80, zip 02139, id 123456, "
	    "mail jo@example.org, 4-56, 4-ab, 4-5b, 4-5", &rc);
	ck_assert_int_eq(rc, PHI_OK);
	ck_assert_str_eq(out, "seen [DATE], BP 120/80, zip [ZIP], id 123456, "
	    "mail [EMAIL], [SSN], 4-ab, 4-5b, 4-5");
	phi_free(out);
	phi_engine_destroy(eng);
}
END_TEST

UNIT_MAIN("regex", triggers, trigger_order, trigger_prefilters, status_codes, limits_fail_closed, group_and_validators,
    jit_and_interpreter_agree)
