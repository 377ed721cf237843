/* SPDX-License-Identifier: MIT */
/*
 * t-alloc.c: fail the Nth allocation, for every N, through engine creation
 * and scrubbing.  Each run must end in an error code or the right output:
 * never a crash, never raw PHI in the output.
 */
#include "unit.h"

START_TEST(every_allocation)
{
	static const char yaml[] = "schema: 1\npack: t\nversion: '1'\n"
	    "dictionaries: { n: { words: [Zebulon, Quux] } }\nrules:\n"
	    "  - { id: d, category: NAME, dictionary: n }\n"
	    "  - { id: s, category: SSN, pattern: '\\d{3}-\\d{2}-\\d{4}' }\n";
	static const char in[] = "Zebulon Quux has SSN 123-45-6789.\n";
	long n;
	int ok = 0;

	phi_set_allocator(fail_malloc, fail_realloc, free);
	for (n = 0; n < 5000 && !ok; n++) {
		struct phi_config *cfg = NULL;
		struct phi_engine *eng = NULL;
		struct phi_error err;
		char *out = NULL;
		size_t len;
		int rc;

		countdown = n;
		rc = phi_config_create(&cfg);
		if (rc == PHI_OK)
			rc = phi_config_add_pack_string(cfg, yaml,
			    sizeof(yaml) - 1, "t.yaml", NULL, &err);
		if (rc == PHI_OK)
			rc = phi_engine_create(cfg, &eng, &err);
		if (rc == PHI_OK)
			rc = phi_scrub_buffer(eng, in, sizeof(in) - 1, &out,
			    &len, &err);
		if (rc == PHI_OK) {
			ck_assert_str_eq(out, "[NAME] has SSN [SSN].\n");
			ok = 1;
		} else {
			ck_assert_msg(rc == PHI_ENOMEM || rc == PHI_EPACK,
			    "allocation %ld: unexpected status %d", n, rc);
			ck_assert(out == NULL || strstr(out, "Zebulon") ==
			    NULL);
		}
		phi_free(out);
		phi_engine_destroy(eng);
		phi_config_destroy(cfg);
	}
	countdown = -1;
	phi_set_allocator(NULL, NULL, NULL);
	ck_assert_msg(ok, "never succeeded");
	ck_assert_int_gt(n, 20);
}
END_TEST

struct obuf {
	char p[4096];
	size_t len;
};

static int
collect(void *arg, const char *buf, size_t len)
{
	struct obuf *o = arg;

	if (o->len + len >= sizeof(o->p))
		return -1;
	memcpy(o->p + o->len, buf, len);
	o->len += len;
	o->p[o->len] = '\0';
	return 0;
}

/* The same through the FHIR reader: NDJSON, a Patient and a note. */
START_TEST(every_allocation_fhir)
{
	static const char yaml[] = "schema: 1\npack: t\nversion: '1'\n"
	    "dictionaries: { n: { words: [Zebulon] } }\nrules:\n"
	    "  - { id: d, category: NAME, dictionary: n }\n"
	    "fhir:\n  security-labels: false\n  types:\n"
	    "    HumanName: { category: NAME, action: tag }\n"
	    "  paths: { '*.id': pseudonym }\n";
	static const char in[] = "{\"resourceType\":\"Patient\",\"id\":\"p\","
	    "\"name\":[{\"family\":\"Quux\"}]}\n{\"resourceType\":"
	    "\"Observation\",\"subject\":{\"reference\":\"Patient/p\"},"
	    "\"note\":[{\"text\":\"Zebulon Quux \\u00e9\"}]}\n";
	long n;
	int ok = 0;

	phi_set_allocator(fail_malloc, fail_realloc, free);
	for (n = 0; n < 20000 && !ok; n++) {
		struct phi_config *cfg = NULL;
		struct phi_engine *eng = NULL;
		struct phi_stream *st = NULL;
		struct phi_stream_cfg scfg;
		struct phi_error err;
		struct obuf o;
		int rc;

		o.len = 0;
		o.p[0] = '\0';
		countdown = n;
		rc = phi_config_create(&cfg);
		if (rc == PHI_OK)
			rc = phi_config_add_pack_string(cfg, yaml,
			    sizeof(yaml) - 1, "t.yaml", NULL, &err);
		if (rc == PHI_OK)
			rc = phi_engine_create(cfg, &eng, &err);
		memset(&scfg, 0, sizeof(scfg));
		scfg.out = collect;
		scfg.out_arg = &o;
		scfg.format = PHI_FORMAT_NDJSON;
		if (rc == PHI_OK)
			rc = phi_stream_create(eng, &scfg, &st, &err);
		if (rc == PHI_OK)
			rc = phi_stream_write(st, in, sizeof(in) - 1, &err);
		if (rc == PHI_OK)
			rc = phi_stream_finish(st, &err);
		if (rc == PHI_OK) {
			ck_assert_ptr_nonnull(strstr(o.p, "\"family\":"
			    "\"[NAME]\""));
			ck_assert_ptr_nonnull(strstr(o.p, "\"[NAME] \xc3\xa9\""));
			ok = 1;
		} else
			ck_assert_msg(rc == PHI_ENOMEM || rc == PHI_EPACK,
			    "allocation %ld: unexpected status %d", n, rc);
		ck_assert(strstr(o.p, "Zebulon") == NULL &&
		    strstr(o.p, "Quux") == NULL);
		phi_stream_destroy(st);
		phi_engine_destroy(eng);
		phi_config_destroy(cfg);
	}
	countdown = -1;
	phi_set_allocator(NULL, NULL, NULL);
	ck_assert_msg(ok, "never succeeded");
	ck_assert_int_gt(n, 20);
}
END_TEST

UNIT_MAIN("alloc", every_allocation, every_allocation_fhir)
