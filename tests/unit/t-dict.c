/* SPDX-License-Identifier: MIT */
/* t-dict.c: folding (uni.c) and dictionaries (dict.c). */
#include "unit.h"

static int
has(const struct px_dict *d, const char *word)
{
	char f[256];
	size_t n;

	ck_assert_int_eq(px_fold(word, strlen(word), f, sizeof(f), &n),
	    PHI_OK);
	return px_dict_has(d, px_hash(f, n), f, n);
}

START_TEST(fold)
{
	char f[64];
	size_t n;

	ck_assert_int_eq(px_fold("JoSé", 5, f, sizeof(f), &n), PHI_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert(memcmp(f, "jose", 4) == 0);
	ck_assert_int_eq(px_fold("MÜLLER", 7, f, sizeof(f), &n), PHI_OK);
	ck_assert(n == 6 && memcmp(f, "muller", 6) == 0);
	ck_assert_int_eq(px_fold("abc", 3, f, 2, &n), PHI_ELIMIT);
}
END_TEST

START_TEST(lookup)
{
	static const char text[] = "# header\nJosé\nSmith\n\nSan Antonio\n"
	    "O'Brien\n";
	struct px_dict *d = px_dict_new("t", "t.txt", NULL);
	struct phi_error err;

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(px_dict_load(d, text, sizeof(text) - 1, &err),
	    PHI_OK);
	ck_assert_uint_eq(d->nentries, 4);
	ck_assert_int_eq(d->max_words, 2);
	ck_assert(has(d, "JOSE"));
	ck_assert(has(d, "josé"));
	ck_assert(has(d, "smith"));
	ck_assert(has(d, "san antonio"));
	ck_assert(has(d, "o'brien"));
	ck_assert(!has(d, "header"));
	ck_assert(!has(d, "smit"));
	px_dict_free(d);
}
END_TEST

START_TEST(bad_utf8)
{
	static const char text[] = "ok\nbad\xff\n";
	struct px_dict *d = px_dict_new("t", "t.txt", NULL);
	struct phi_error err;

	ck_assert_int_eq(px_dict_load(d, text, sizeof(text) - 1, &err),
	    PHI_EPACK);
	ck_assert(strstr(err.msg, "line 2") != NULL);
	ck_assert(strstr(err.msg, "bad") == NULL);
	px_dict_free(d);
}
END_TEST

START_TEST(rule_on_text)
{
	struct phi_engine *eng = engine_from(
	    "schema: 1\npack: t\nversion: '1'\n"
	    "dictionaries: { names: { words: [Müller, 'van Dyke'] },"
	    " common: { words: [will] } }\n"
	    "rules:\n"
	    "  - { id: n, category: NAME, dictionary: names }\n"
	    "  - { id: w, category: NAME, dictionary: names,"
	    " ambiguous: [common] }\n");
	char *out;
	int rc;

	out = scrub(eng, "Seen by MULLER and Dr van Dyke; mueller no.", &rc);
	ck_assert_int_eq(rc, PHI_OK);
	ck_assert_str_eq(out, "Seen by [NAME] and Dr [NAME]; mueller no.");
	phi_free(out);
	phi_engine_destroy(eng);
}
END_TEST

UNIT_MAIN("dict", fold, lookup, bad_utf8, rule_on_text)
