/* SPDX-License-Identifier: MIT */
/*
 * ruleprof.c: developer tool, CPU time per rule of a pack over a file, to
 * find the rules that set the speed.  Usage: ruleprof [-r PACK] FILE
 * Prints MB/s per rule, slowest first.  Not a test: `make tests/ruleprof`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phiscrub-int.h"

struct prof {
	const struct px_rule *r;
	double secs;
	size_t hits;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	const struct prof *x = a, *y = b;

	return x->secs < y->secs ? 1 : x->secs > y->secs ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct phi_config *cfg;
	struct phi_engine *eng;
	struct phi_error err;
	struct px_scratch sc;
	struct px_findings fs = { NULL, 0, 0 };
	struct prof *p;
	size_t len, off, i, u;
	double t, tok = 0;
	char *buf;
	FILE *fp;
	int ai = 1;

	phi_config_create(&cfg);
	if (argc > 3 && strcmp(argv[1], "-r") == 0) {
		if (phi_config_add_pack(cfg, argv[2], &err) != PHI_OK) {
			fprintf(stderr, "%s:%d: %s\n", err.source, err.line,
			    err.msg);
			return 2;
		}
		ai = 3;
	}
	if (ai >= argc || phi_engine_create(cfg, &eng, &err) != PHI_OK) {
		fprintf(stderr, "usage: ruleprof [-r PACK] FILE (%s)\n",
		    err.msg);
		return 2;
	}
	if ((fp = fopen(argv[ai], "rb")) == NULL)
		return 2;
	fseek(fp, 0, SEEK_END);
	len = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc(len);
	if (fread(buf, 1, len, fp) != len)
		return 2;
	fclose(fp);
	px_scratch_init(eng, &sc, &err);
	p = calloc(eng->nactive, sizeof(*p));
	for (i = 0; i < eng->nactive; i++)
		p[i].r = eng->active[i];
	for (off = 0; off < len; off += u) {
		u = len - off < PX_UNIT_MAX ? len - off : PX_UNIT_MAX;
		t = now();
		px_tokenize(&sc, buf + off, u);
		tok += now() - t;
		for (i = 0; i < eng->nactive; i++) {
			fs.n = 0;
			t = now();
			if (p[i].r->kind == PX_RULE_REGEX)
				px_regex_run(eng, p[i].r, &sc, buf + off, u, 0,
				    u, &fs);
			else
				px_dict_run(eng, p[i].r, &sc, buf + off, u, 0,
				    u, &fs);
			p[i].secs += now() - t;
			p[i].hits += fs.n;
		}
	}
	qsort(p, eng->nactive, sizeof(*p), cmp);
	printf("%-32s %9s %10s %8s\n", "rule", "cpu s", "MB/s", "hits");
	printf("%-32s %9.3f %10.1f\n", "(tokenizer)", tok, len / 1e6 / tok);
	for (i = 0; i < eng->nactive; i++)
		printf("%-32s %9.3f %10.1f %8zu\n", p[i].r->id, p[i].secs,
		    len / 1e6 / (p[i].secs > 0 ? p[i].secs : 1e-9), p[i].hits);
	return 0;
}
