/* SPDX-License-Identifier: MIT */
/* unit.h: shared by the Check unit tests; one suite per module. */
#ifndef PHISCRUB_UNIT_H
#define PHISCRUB_UNIT_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "phiscrub-int.h"

#define UNIT_MAIN(name, ...)						\
int									\
main(void)								\
{									\
	Suite *s = suite_create(name);					\
	TCase *tc = tcase_create("core");				\
	const TTest *fns[] = { __VA_ARGS__ };				\
	SRunner *sr;							\
	size_t i;							\
	int nf;								\
									\
	tcase_set_timeout(tc, 60);					\
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)		\
		tcase_add_test(tc, fns[i]);				\
	suite_add_tcase(s, tc);						\
	sr = srunner_create(s);						\
	srunner_run_all(sr, CK_NORMAL);					\
	nf = srunner_ntests_failed(sr);					\
	srunner_free(sr);						\
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;			\
}

/* An engine from a pack given as YAML text; fails the test on error. */
static inline struct phi_engine *
engine_from(const char *yaml)
{
	struct phi_config *cfg;
	struct phi_engine *eng = NULL;
	struct phi_error err;

	ck_assert_int_eq(phi_config_create(&cfg), PHI_OK);
	if (yaml != NULL)
		ck_assert_msg(phi_config_add_pack_string(cfg, yaml,
		    strlen(yaml), "test.yaml", NULL, &err) == PHI_OK,
		    "pack: %d:%d: %s", err.line, err.col, err.msg);
	ck_assert_msg(phi_engine_create(cfg, &eng, &err) == PHI_OK,
	    "engine: %s", err.msg);
	phi_config_destroy(cfg);
	return eng;
}

/* Scrub s with eng; returns a malloc'd string (phi_free). */
static inline char *
scrub(const struct phi_engine *eng, const char *s, int *rc)
{
	struct phi_error err;
	char *out = NULL;
	size_t len;

	*rc = phi_scrub_buffer(eng, s, strlen(s), &out, &len, &err);
	return out;
}

/*
 * Fault injection: with countdown = N, allocation N (from 0) and all after
 * it fail; -1 never fails.  Install with phi_set_allocator(fail_malloc,
 * fail_realloc, free).
 */
static long countdown = -1;

static inline void *
fail_malloc(size_t n)
{
	if (countdown == 0)
		return NULL;
	if (countdown > 0)
		countdown--;
	return malloc(n);
}

static inline void *
fail_realloc(void *p, size_t n)
{
	if (countdown == 0)
		return NULL;
	if (countdown > 0)
		countdown--;
	return realloc(p, n);
}

#endif
