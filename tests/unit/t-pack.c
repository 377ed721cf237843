/* SPDX-License-Identifier: MIT */
/* t-pack.c: the rule-pack loader: schema, errors located, composition. */
#include <stdio.h>

#include "unit.h"

#define HEAD	"schema: 1\npack: t\nversion: '1'\n"

/* Load yaml; expect rc, and (when line > 0) the error at line:col. */
static void
expect(const char *yaml, int rc, int line, int col, const char *needle)
{
	struct phi_config *cfg;
	struct phi_error err;
	int got;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	got = phi_config_add_pack_string(cfg, yaml, strlen(yaml), "p.yaml",
	    NULL, &err);
	ck_assert_msg(got == rc, "rc %d want %d (%s)", got, rc, err.msg);
	if (line > 0) {
		ck_assert_str_eq(err.source, "p.yaml");
		ck_assert_msg(err.line == line && err.col == col,
		    "at %d:%d want %d:%d (%s)", err.line, err.col, line, col,
		    err.msg);
	}
	if (needle != NULL)
		ck_assert_msg(strstr(err.msg, needle) != NULL, "msg: %s",
		    err.msg);
	phi_config_destroy(cfg);
}

START_TEST(errors_located)
{
	expect(HEAD "rules:\n  - id: a\n    category: X\n    patern: x\n",
	    PHI_EPACK, 7, 5, "unknown key 'patern'");
	expect(HEAD "bogus: 1\n", PHI_EPACK, 4, 1, "unknown key");
	expect(HEAD "rules:\n  - id: a\n    category: X\n    pattern: x\n"
	    "    score: high\n", PHI_EPACK, 8, 12, "number");
	expect(HEAD "rules:\n  - { id: a, category: X, pattern: x, "
	    "caseless: maybe }\n", PHI_EPACK, 5, 49, "true or false");
	expect(HEAD "rules: {}\n", PHI_EPACK, 0, 0, "must be a list");
	expect("pack: t\nversion: '1'\n", PHI_EPACK, 1, 1, "schema");
	expect("schema: 2\npack: t\nversion: '1'\n", PHI_EPACK, 1, 9,
	    "unsupported schema");
	expect(HEAD "rules:\n  - [a, b]\n", PHI_EPACK, 5, 6, "mapping");
	expect(HEAD "rules:\n  - id: a\n    category: X\n", PHI_EPACK, 0, 0,
	    "exactly one of pattern and dictionary");
	expect(HEAD "rules: [\n", PHI_EPACK, 0, 0, "YAML syntax error");
	expect(HEAD "rules:\n  - { id: a, category: X, pattern: x,"
	    " examples: [ { out: y } ] }\n", PHI_EPACK, 0, 0, "example");
}
END_TEST

START_TEST(no_alias_bombs)
{
	expect(HEAD "a: &a [x, x]\n", PHI_EPACK, 4, 8, "anchors and aliases");
	expect(HEAD "description: &d text\nrules: []\n", PHI_EPACK, 0, 0,
	    "anchors and aliases");
	expect(HEAD "categories:\n  NAME: &c { action: tag }\n"
	    "  DATE: *c\n", PHI_EPACK, 0, 0, "anchors and aliases");
}
END_TEST

START_TEST(oversize)
{
	size_t len = PX_PACK_MAX_BYTES + 10;
	char *big = malloc(len + 1);

	memset(big, '#', len);
	big[len] = '\0';
	expect(big, PHI_EPACK, 0, 0, "larger than");
	free(big);
}
END_TEST

START_TEST(bad_regex)
{
	struct phi_config *cfg;
	struct phi_engine *eng = NULL;
	struct phi_error err;
	const char *y = HEAD "rules:\n  - id: a\n    category: X\n"
	    "    pattern: 'ab(c'\n";

	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	ck_assert_int_eq(phi_config_add_pack_string(cfg, y, strlen(y),
	    "p.yaml", NULL, &err), PHI_OK);
	ck_assert_int_eq(phi_engine_create(cfg, &eng, &err), PHI_EPACK);
	ck_assert_ptr_null(eng);
	ck_assert_int_eq(err.line, 7);
	ck_assert(strstr(err.msg, "rule 'a'") != NULL);
	ck_assert(strstr(err.msg, "missing closing parenthesis") != NULL);
	phi_config_destroy(cfg);
}
END_TEST

START_TEST(include_override_disable)
{
	char dir[] = "/tmp/t-pack.XXXXXX", path[256];
	struct phi_engine *eng;
	struct phi_config *cfg;
	struct phi_error err;
	char *out;
	FILE *fp;
	int rc;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/base.yaml", dir);
	fp = fopen(path, "w");
	fputs("schema: 1\npack: base\nversion: '2'\nrules:\n"
	    "  - { id: aa, category: A, pattern: 'aaa' }\n"
	    "  - { id: bb, category: B, pattern: 'bbb' }\n"
	    "  - { id: cc, category: C, pattern: 'ccc' }\n", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/top.yaml", dir);
	fp = fopen(path, "w");
	fputs("schema: 1\npack: top\nversion: '1'\ninclude: [base.yaml]\n"
	    "disable: [cc]\n"
	    "categories: { A: { tag: ALPHA }, B: { action: redact } }\n"
	    "rules:\n  - { id: bb, category: B, pattern: 'bb+' }\n", fp);
	fclose(fp);
	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	ck_assert_int_eq(phi_config_add_pack(cfg, path, &err), PHI_OK);
	ck_assert_int_eq(phi_engine_create(cfg, &eng, &err), PHI_OK);
	ck_assert_uint_eq(phi_engine_rule_count(eng), 2);
	out = scrub(eng, "aaa bbbbb ccc", &rc);
	ck_assert_str_eq(out, "[ALPHA] [REDACTED] ccc");
	phi_free(out);
	phi_engine_destroy(eng);
	/* the command line beats the packs */
	ck_assert_int_eq(phi_config_set_action(cfg, "A", PHI_ACT_MASK),
	    PHI_OK);
	ck_assert_int_eq(phi_engine_create(cfg, &eng, &err), PHI_OK);
	out = scrub(eng, "aaa bbbbb", &rc);
	ck_assert_str_eq(out, "*** [REDACTED]");
	phi_free(out);
	phi_engine_destroy(eng);
	phi_config_destroy(cfg);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(include_loop)
{
	char dir[] = "/tmp/t-pack.XXXXXX", path[256];
	struct phi_config *cfg;
	struct phi_error err;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/loop.yaml", dir);
	fp = fopen(path, "w");
	fputs("schema: 1\npack: loop\nversion: '1'\ninclude: [loop.yaml]\n",
	    fp);
	fclose(fp);
	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	ck_assert_int_eq(phi_config_add_pack(cfg, path, &err), PHI_EPACK);
	ck_assert(strstr(err.msg, "nested too deeply") != NULL);
	phi_config_destroy(cfg);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(disable_unknown)
{
	struct phi_config *cfg;
	struct phi_engine *eng = NULL;
	struct phi_error err;
	const char *y = HEAD "disable: [nope]\n";

	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	ck_assert_int_eq(phi_config_add_pack_string(cfg, y, strlen(y),
	    "p.yaml", NULL, &err), PHI_OK);
	ck_assert_int_eq(phi_engine_create(cfg, &eng, &err), PHI_EPACK);
	ck_assert(strstr(err.msg, "nope") != NULL);
	phi_config_destroy(cfg);
}
END_TEST

START_TEST(builtin)
{
	struct phi_engine *eng = engine_from(NULL);
	const char *name, *version;

	ck_assert_int_eq(phi_engine_pack(eng, 0, &name, &version), PHI_OK);
	ck_assert_str_eq(name, "safe-harbor");
	ck_assert_uint_gt(phi_engine_rule_count(eng), 0);
	phi_engine_destroy(eng);
}
END_TEST

/*
 * The first engine takes the spec parsed at add time: a pack added after
 * it is still checked against, and merged into, the packs before it, and
 * after a failed add engines replay the packs that were added.
 */
START_TEST(add_after_engine)
{
	struct phi_config *cfg;
	struct phi_engine *a, *b, *c;
	struct phi_error err;
	const char *y1 = HEAD "rules:\n  - { id: r, category: A, "
	    "pattern: 'aaa+' }\n", *y2 = "schema: 1\npack: u\nversion: '1'\n"
	    "rules:\n  - { id: s, category: B, pattern: 'bbb+' }\n",
	    *bad = HEAD "rules: 1\n";
	char *out;
	int rc;

	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	ck_assert_int_eq(phi_config_add_pack_string(cfg, y1, strlen(y1),
	    "p.yaml", NULL, &err), PHI_OK);
	ck_assert_int_eq(phi_engine_create(cfg, &a, &err), PHI_OK);
	ck_assert_int_eq(phi_config_add_pack_string(cfg, y2, strlen(y2),
	    "q.yaml", NULL, &err), PHI_OK);
	ck_assert_int_eq(phi_engine_create(cfg, &b, &err), PHI_OK);
	ck_assert_int_eq(phi_config_add_pack_string(cfg, bad, strlen(bad),
	    "r.yaml", NULL, &err), PHI_EPACK);
	ck_assert_int_eq(phi_engine_create(cfg, &c, &err), PHI_OK);
	out = scrub(a, "aaa bbb", &rc);
	ck_assert_str_eq(out, "[A] bbb");
	phi_free(out);
	ck_assert_uint_eq(phi_engine_rule_count(b), 2);
	out = scrub(b, "aaa bbb", &rc);
	ck_assert_str_eq(out, "[A] [B]");
	phi_free(out);
	out = scrub(c, "aaa bbb", &rc);
	ck_assert_str_eq(out, "[A] [B]");
	phi_free(out);
	phi_engine_destroy(a);
	phi_engine_destroy(b);
	phi_engine_destroy(c);
	phi_config_destroy(cfg);
}
END_TEST

UNIT_MAIN("pack", errors_located, no_alias_bombs, oversize, bad_regex,
    include_override_disable, include_loop, disable_unknown, builtin,
    add_after_engine)
