/* SPDX-License-Identifier: MIT */
/*
 * chunker.c: the chunk-invariance contract.  Scrubs each FILE once as a
 * whole and again fed in pieces of 1, 7, 4096 and 65536 bytes and of random
 * sizes; every output must be byte-identical.  Usage:
 *	chunker [-r PACK]... [-f text|hl7|fhir|ndjson|auto] FILE...
 * Exit 0 when all agree, 1 when one differs (the offset is printed), 2 on
 * errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "phiscrub.h"

static int format = PHI_FORMAT_TEXT;

struct mem {
	char *p;
	size_t len;
	size_t cap;
};

static int
out(void *arg, const char *buf, size_t len)
{
	struct mem *m = arg;

	if (m->len + len > m->cap) {
		size_t ncap = (m->cap + len) * 2;
		char *np = realloc(m->p, ncap);

		if (np == NULL)
			return -1;
		m->p = np;
		m->cap = ncap;
	}
	memcpy(m->p + m->len, buf, len);
	m->len += len;
	return 0;
}

/* piece < 0: random sizes from a fixed seed (1..-piece bytes). */
static int
scrub(const struct phi_engine *eng, const char *in, size_t len, long piece,
    struct mem *m)
{
	struct phi_stream_cfg scfg;
	struct phi_stream *st;
	struct phi_error err;
	unsigned int seed = 12345;
	size_t off = 0, n;

	memset(&scfg, 0, sizeof(scfg));
	scfg.out = out;
	scfg.out_arg = m;
	scfg.format = format;
	m->len = 0;
	if (phi_stream_create(eng, &scfg, &st, &err) != PHI_OK)
		return -1;
	while (off < len) {
		n = piece > 0 ? (size_t)piece : 1 + (size_t)rand_r(&seed) %
		    (size_t)-piece;
		if (n > len - off)
			n = len - off;
		if (phi_stream_write(st, in + off, n, &err) != PHI_OK) {
			phi_stream_destroy(st);
			return -1;
		}
		off += n;
	}
	if (phi_stream_finish(st, &err) != PHI_OK) {
		phi_stream_destroy(st);
		return -1;
	}
	phi_stream_destroy(st);
	return 0;
}

int
main(int argc, char **argv)
{
	static const long pieces[] = { 1, 7, 4096, 65536, -100, -70000 };
	struct phi_config *cfg;
	struct phi_engine *eng;
	struct phi_error err;
	struct mem whole = { 0 }, part = { 0 };
	int i = 1, bad = 0;
	size_t k;

	phi_config_create(&cfg);
	while (i + 1 < argc && (strcmp(argv[i], "-r") == 0 ||
	    strcmp(argv[i], "-f") == 0)) {
		if (strcmp(argv[i], "-f") == 0)
			format = strcmp(argv[i + 1], "hl7") == 0 ?
			    PHI_FORMAT_HL7 : strcmp(argv[i + 1], "auto") == 0 ?
			    PHI_FORMAT_AUTO : strcmp(argv[i + 1], "fhir") == 0 ?
			    PHI_FORMAT_FHIR : strcmp(argv[i + 1], "ndjson") == 0 ?
			    PHI_FORMAT_NDJSON : PHI_FORMAT_TEXT;
		else if (phi_config_add_pack(cfg, argv[i + 1], &err) !=
		    PHI_OK) {
			fprintf(stderr, "chunker: %s: %s\n", argv[i + 1],
			    err.msg);
			return 2;
		}
		i += 2;
	}
	/* a fixed key: FHIR pseudonyms are then the same in every stream */
	if (phi_config_set_key(cfg, "chunker test key, not secret", 28,
	    &err) != PHI_OK) {
		fprintf(stderr, "chunker: %s\n", err.msg);
		return 2;
	}
	if (phi_engine_create(cfg, &eng, &err) != PHI_OK) {
		fprintf(stderr, "chunker: %s:%d: %s\n", err.source, err.line,
		    err.msg);
		return 2;
	}
	for (; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		char *in;
		long len;

		if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 ||
		    (len = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
			fprintf(stderr, "chunker: cannot read %s\n", argv[i]);
			return 2;
		}
		in = malloc((size_t)len + 1);
		if (in == NULL || fread(in, 1, (size_t)len, fp) != (size_t)len)
			return 2;
		fclose(fp);
		if (scrub(eng, in, (size_t)len, (long)len + 1, &whole) != 0)
			return 2;
		for (k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
			size_t d;

			if (scrub(eng, in, (size_t)len, pieces[k], &part) != 0)
				return 2;
			for (d = 0; d < whole.len && d < part.len &&
			    whole.p[d] == part.p[d]; d++)
				;
			if (d != whole.len || d != part.len) {
				printf("DIFF %s: pieces %ld: first difference "
				    "at output offset %zu\n", argv[i],
				    pieces[k], d);
				bad = 1;
			}
		}
		printf("%s %s (%ld bytes in, %zu out)\n", bad ? "FAIL" : "ok",
		    argv[i], len, whole.len);
		free(in);
	}
	phi_engine_destroy(eng);
	phi_config_destroy(cfg);
	free(whole.p);
	free(part.p);
	return bad;
}
