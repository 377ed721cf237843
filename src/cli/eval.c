/* SPDX-License-Identifier: MIT */
/*
 * eval.c: `phiscrub eval`, scoring the engine against annotated corpora.
 *
 * Gold formats: PhysioNet deid (id.text + id-phi.phrase), BRAT standoff
 * (.txt + .ann) and the project's own standoff (.txt + .phi: START END
 * CATEGORY, byte offsets, end exclusive).  Gold and predicted categories
 * are mapped to evaluation categories by a scheme (physionet, i2b2, or
 * phiscrub = identity) plus --map overrides.
 *
 * Metrics (also in phiscrub(1) and `phiscrub eval --help`):
 *  - any-overlap recall and precision, as PhysioNet's stat.pm: a gold span
 *    is found when any predicted span overlaps or touches it; a predicted
 *    span that overlaps no gold span is a false positive;
 *  - exact-span recall and precision: identical start and end;
 *  - token leak: alphanumeric tokens inside gold spans that no single
 *    predicted span covers fully, over all such tokens.
 * Missed spans and false positives can be listed with context: that prints
 * corpus text, so it is for test corpora only.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phiscrub.h"
#include "cli.h"

#define EVAL_MAX_DOC	(64 * 1024 * 1024)	/* one document, in memory */
#define MAX_CATS	64

struct span {
	size_t start;
	size_t end;
	char cat[32];		/* evaluation category */
	int hit;		/* matched (gold: found; pred: overlaps gold) */
};

struct spans {
	struct span *v;
	size_t n;
	size_t cap;
};

struct doc {
	char *name;
	char *text;
	size_t len;
	struct spans gold;
	struct spans pred;
};

struct corpus {
	struct doc *v;
	size_t n;
	size_t cap;
};

struct mapent {
	const char *from;
	const char *to;
};

/* PhysioNet deid categories and ours, to the physionet evaluation set. */
static const struct mapent map_physionet[] = {
	{ "HCPName", "NAME" }, { "PTName", "NAME" },
	{ "RelativeProxyName", "NAME" }, { "PTNameInitial", "NAME" },
	{ "Date", "DATE" }, { "DateYear", "DATE" }, { "Location", "LOCATION" },
	{ "Phone", "PHONE" }, { "Age", "AGE" }, { "Other", "OTHER" },
	{ "ADDRESS", "LOCATION" }, { "ZIP", "LOCATION" },
	{ "FACILITY", "LOCATION" }, { "EMPLOYER", "LOCATION" },
	{ "FAX", "PHONE" }, { "MRN", "OTHER" },
	{ "ACCOUNT", "OTHER" }, { "PLAN", "OTHER" }, { "LICENSE", "OTHER" },
	{ "VEHICLE", "OTHER" }, { "DEVICE", "OTHER" }, { "ID", "OTHER" },
	{ "SSN", "OTHER" }, { "EMAIL", "OTHER" }, { "URL", "OTHER" },
	{ "IP", "OTHER" }, { NULL, NULL }
};

/* i2b2 2006/2014 de-identification categories. */
static const struct mapent map_i2b2[] = {
	{ "PATIENT", "NAME" }, { "DOCTOR", "NAME" }, { "USERNAME", "NAME" },
	{ "HOSPITAL", "LOCATION" }, { "LOCATION", "LOCATION" },
	{ "STREET", "LOCATION" }, { "CITY", "LOCATION" },
	{ "STATE", "LOCATION" }, { "COUNTRY", "LOCATION" },
	{ "ZIP", "LOCATION" }, { "ORGANIZATION", "LOCATION" },
	{ "LOCATION-OTHER", "LOCATION" }, { "ADDRESS", "LOCATION" },
	{ "FACILITY", "LOCATION" }, { "EMPLOYER", "LOCATION" },
	{ "DATE", "DATE" }, { "AGE", "AGE" },
	{ "PHONE", "PHONE" }, { "FAX", "PHONE" }, { "EMAIL", "CONTACT" },
	{ "URL", "CONTACT" }, { "IPADDR", "CONTACT" }, { "IP", "CONTACT" },
	{ "ID", "ID" }, { "MEDICALRECORD", "ID" }, { "MRN", "ID" },
	{ "IDNUM", "ID" }, { "SSN", "ID" }, { "ACCOUNT", "ID" },
	{ "PLAN", "ID" }, { "HEALTHPLAN", "ID" }, { "LICENSE", "ID" },
	{ "VEHICLE", "ID" }, { "DEVICE", "ID" }, { "BIOID", "ID" },
	{ "PROFESSION", "PROFESSION" }, { NULL, NULL }
};

struct eopts {
	const char *format;		/* physionet, brat, standoff, or NULL */
	const char *scheme;
	const char *json;
	struct mapent user[MAX_CATS];
	size_t nuser;
	int show_missed;
	int show_fp;
	double min_recall;
	double min_precision;
	double max_leak;
};

static const struct mapent *scheme_map;
static const struct eopts *eop;

static void
map_cat(const char *in, char *out, size_t cap)
{
	const struct mapent *m;
	size_t i;

	for (i = 0; i < eop->nuser; i++)
		if (strcmp(eop->user[i].from, in) == 0) {
			snprintf(out, cap, "%s", eop->user[i].to);
			return;
		}
	for (m = scheme_map; m != NULL && m->from != NULL; m++)
		if (strcmp(m->from, in) == 0) {
			snprintf(out, cap, "%s", m->to);
			return;
		}
	snprintf(out, cap, "%s", in);
}

static int
spans_add(struct spans *s, size_t a, size_t b, const char *cat)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		struct span *nv = realloc(s->v, nc * sizeof(*nv));

		if (nv == NULL)
			return -1;
		s->v = nv;
		s->cap = nc;
	}
	s->v[s->n].start = a;
	s->v[s->n].end = b;
	s->v[s->n].hit = 0;
	map_cat(cat, s->v[s->n].cat, sizeof(s->v[s->n].cat));
	s->n++;
	return 0;
}

static struct doc *
doc_new(struct corpus *c, const char *name, char *text, size_t len)
{
	struct doc *d;

	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 64;
		struct doc *nv = realloc(c->v, nc * sizeof(*nv));

		if (nv == NULL)
			return NULL;
		c->v = nv;
		c->cap = nc;
	}
	d = &c->v[c->n++];
	memset(d, 0, sizeof(*d));
	d->name = strdup(name);
	d->text = text;
	d->len = len;
	return d;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    n > EVAL_MAX_DOC * 4L || fseek(fp, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL) {
		fclose(fp);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static int
bad(const char *file, long line, const char *what)
{
	fprintf(stderr, "phiscrub: eval: %s:%ld: %s\n", file, line, what);
	return -1;
}

/* Gold spans must lie in the document; report by location only. */
static int
check_span(const char *file, long line, size_t a, size_t b, size_t len)
{
	if (a >= b || b > len)
		return bad(file, line, "span out of range");
	return 0;
}

/*
 * PhysioNet: records START_OF_RECORD=P||||N||||\n body ||||END_OF_RECORD;
 * the phrase file lists "P N start end Category text".
 */
static int
load_physionet(struct corpus *c, const char *textpath, const char *phrase)
{
	char *all, *p, *end, line[4096];
	size_t len, first = c->n, i;
	FILE *fp;
	long ln = 0;

	if ((all = slurp(textpath, &len)) == NULL)
		return bad(textpath, 0, strerror(errno));
	p = all;
	end = all + len;
	while ((p = strstr(p, "START_OF_RECORD=")) != NULL) {
		char name[64], *nl, *stop, *body;
		unsigned pt, note;

		if (sscanf(p, "START_OF_RECORD=%u||||%u||||", &pt, &note) != 2)
			return bad(textpath, 0, "bad record header");
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return bad(textpath, 0, "truncated record");
		body = nl + 1;
		if ((stop = strstr(body, "||||END_OF_RECORD")) == NULL)
			return bad(textpath, 0, "record without end");
		snprintf(name, sizeof(name), "%u:%u", pt, note);
		if (doc_new(c, name, NULL, 0) == NULL)
			return -1;
		c->v[c->n - 1].text = strndup(body, (size_t)(stop - body));
		c->v[c->n - 1].len = (size_t)(stop - body);
		p = stop;
	}
	free(all);
	if ((fp = fopen(phrase, "r")) == NULL)
		return bad(phrase, 0, strerror(errno));
	while (fgets(line, sizeof(line), fp) != NULL) {
		unsigned pt, note;
		size_t a, b;
		char cat[64], name[64];

		ln++;
		if (sscanf(line, "%u %u %zu %zu %63s", &pt, &note, &a, &b, cat)
		    != 5) {
			fclose(fp);
			return bad(phrase, ln, "expected: patient note start "
			    "end category");
		}
		snprintf(name, sizeof(name), "%u:%u", pt, note);
		for (i = first; i < c->n; i++)
			if (strcmp(c->v[i].name, name) == 0)
				break;
		if (i == c->n) {
			fclose(fp);
			return bad(phrase, ln, "no such record");
		}
		if (check_span(phrase, ln, a, b, c->v[i].len) ||
		    spans_add(&c->v[i].gold, a, b, cat)) {
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	return 0;
}

/* BRAT .ann: "T1<TAB>Category a b[;c d]<TAB>text"; other lines skipped. */
static int
load_brat(struct doc *d, const char *ann)
{
	char line[8192], cat[64];
	FILE *fp;
	long ln = 0;

	if ((fp = fopen(ann, "r")) == NULL)
		return bad(ann, 0, strerror(errno));
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *tab, *p;
		size_t a, b;
		int n;

		ln++;
		if (line[0] != 'T' || (tab = strchr(line, '\t')) == NULL)
			continue;
		if (sscanf(tab + 1, "%63s%n", cat, &n) != 1)
			continue;
		p = tab + 1 + n;
		while (sscanf(p, " %zu %zu%n", &a, &b, &n) == 2) {
			if (check_span(ann, ln, a, b, d->len) ||
			    spans_add(&d->gold, a, b, cat)) {
				fclose(fp);
				return -1;
			}
			p += n;
			if (*p != ';')
				break;
			p++;
		}
	}
	fclose(fp);
	return 0;
}

/* Own standoff .phi: "START<TAB>END<TAB>CATEGORY", '#' comments. */
static int
load_phi(struct doc *d, const char *phi)
{
	char line[512], cat[64];
	FILE *fp;
	long ln = 0;

	if ((fp = fopen(phi, "r")) == NULL)
		return bad(phi, 0, strerror(errno));
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t a, b;

		ln++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%zu %zu %63s", &a, &b, cat) != 3) {
			fclose(fp);
			return bad(phi, ln, "expected: start end category");
		}
		if (check_span(phi, ln, a, b, d->len) ||
		    spans_add(&d->gold, a, b, cat)) {
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	return 0;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A .txt with its .ann or .phi beside it. */
static int
load_pair(struct corpus *c, const char *txt, const char *fmt)
{
	char side[4096], *text;
	size_t len;
	struct doc *d;
	struct stat sb;

	snprintf(side, sizeof(side), "%.*s.%s", (int)(strlen(txt) - 4), txt,
	    strcmp(fmt, "brat") == 0 ? "ann" : "phi");
	if (stat(side, &sb) != 0)
		return 0;		/* unannotated text: not part of it */
	if ((text = slurp(txt, &len)) == NULL)
		return bad(txt, 0, strerror(errno));
	if ((d = doc_new(c, txt, text, len)) == NULL)
		return -1;
	return strcmp(fmt, "brat") == 0 ? load_brat(d, side) :
	    load_phi(d, side);
}

static const char *
detect(const char *path)
{
	char buf[4096];
	struct stat sb;
	struct dirent *de;
	DIR *dir;
	const char *fmt = NULL;

	if (has_suffix(path, ".text"))
		return "physionet";
	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(buf, sizeof(buf), "%.*s.ann", (int)strlen(path) - 4,
		    path);
		return stat(buf, &sb) == 0 ? "brat" : "standoff";
	}
	if ((dir = opendir(path)) == NULL)
		return NULL;
	while ((de = readdir(dir)) != NULL && fmt == NULL) {
		if (has_suffix(de->d_name, "-phi.phrase"))
			fmt = "physionet";
		else if (has_suffix(de->d_name, ".ann"))
			fmt = "brat";
		else if (has_suffix(de->d_name, ".phi"))
			fmt = "standoff";
	}
	closedir(dir);
	return fmt;
}

static int
load_path(struct corpus *c, const char *path, const char *fmt)
{
	char a[4096], b[4096];
	struct stat sb;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	DIR *dir;
	int rc = 0;

	if (strcmp(fmt, "physionet") == 0) {
		if (has_suffix(path, ".text")) {
			snprintf(a, sizeof(a), "%s", path);
			snprintf(b, sizeof(b), "%.*s-phi.phrase",
			    (int)strlen(path) - 5, path);
		} else {
			snprintf(a, sizeof(a), "%s/id.text", path);
			snprintf(b, sizeof(b), "%s/id-phi.phrase", path);
		}
		return load_physionet(c, a, b);
	}
	if (stat(path, &sb) == 0 && !S_ISDIR(sb.st_mode))
		return load_pair(c, path, fmt);
	if ((dir = opendir(path)) == NULL)
		return bad(path, 0, strerror(errno));
	while ((de = readdir(dir)) != NULL) {
		if (!has_suffix(de->d_name, ".txt"))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		snprintf(a, sizeof(a), "%s/%s", path, de->d_name);
		names[n++] = strdup(a);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), cmp_str);	/* deterministic order */
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = load_pair(c, names[i], fmt);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int
collect(void *arg, const struct phi_finding *f)
{
	struct doc *d = arg;

	if (strcmp(f->action, "keep") == 0)
		return 0;		/* reported, not replaced: not a prediction */
	return spans_add(&d->pred, (size_t)f->offset, (size_t)f->offset +
	    f->len, f->category);
}

static int
discard(void *arg, const char *b, size_t len)
{
	(void)arg;
	(void)b;
	(void)len;
	return 0;
}

static int
predict(const struct phi_engine *eng, struct doc *d)
{
	struct phi_stream_cfg scfg;
	struct phi_stream *st;
	struct phi_error err;
	int rc;

	memset(&scfg, 0, sizeof(scfg));
	scfg.out = discard;
	scfg.finding = collect;
	scfg.finding_arg = d;
	if ((rc = phi_stream_create(eng, &scfg, &st, &err)) != PHI_OK)
		return rc;
	if ((rc = phi_stream_write(st, d->text, d->len, &err)) == PHI_OK)
		rc = phi_stream_finish(st, &err);
	phi_stream_destroy(st);
	return rc;
}

struct tally {
	char cat[32];
	size_t gold, found, exact_gold;
	size_t pred, tp_pred, exact_pred;
	size_t tokens, leaked;
};

static struct tally tallies[MAX_CATS + 1];	/* [0] = all */
static size_t ntallies = 1;

static struct tally *
tally_of(const char *cat)
{
	size_t i;

	for (i = 1; i < ntallies; i++)
		if (strcmp(tallies[i].cat, cat) == 0)
			return &tallies[i];
	if (ntallies > MAX_CATS)
		return &tallies[MAX_CATS];
	snprintf(tallies[ntallies].cat, sizeof(tallies[0].cat), "%s", cat);
	return &tallies[ntallies++];
}

static int
alnum(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

static void
context(FILE *fp, const struct doc *d, size_t a, size_t b)
{
	size_t s = a > 30 ? a - 30 : 0, e = b + 30 < d->len ? b + 30 : d->len;
	size_t i;

	for (i = s; i < e; i++) {
		char c = d->text[i];

		if (i == a)
			fputs("<<", fp);
		fputc(c == '\n' || c == '\t' || c == '\r' ? ' ' : c, fp);
		if (i + 1 == b)
			fputs(">>", fp);
	}
}

static void
score(struct doc *d, FILE *lst)
{
	size_t i, j, k;

	for (i = 0; i < d->gold.n; i++) {
		struct span *g = &d->gold.v[i];
		struct tally *t = tally_of(g->cat);
		int exact = 0, leaks = 0;

		for (j = 0; j < d->pred.n; j++) {
			struct span *p = &d->pred.v[j];

			/* stat.pm's rule: overlapping or touching */
			if (p->start <= g->end && g->start <= p->end) {
				g->hit = 1;
				p->hit = 1;
			}
			if (p->start == g->start && p->end == g->end)
				exact = 1;
		}
		t->gold++;
		tallies[0].gold++;
		t->found += g->hit;
		tallies[0].found += g->hit;
		t->exact_gold += exact;
		tallies[0].exact_gold += exact;
		/* token leak: each alphanumeric token of the gold span */
		for (k = g->start; k < g->end; ) {
			size_t ts, te;
			int covered = 0;

			if (!alnum((unsigned char)d->text[k])) {
				k++;
				continue;
			}
			for (ts = k; k < g->end && alnum((unsigned char)
			    d->text[k]); k++)
				;
			te = k;
			for (j = 0; j < d->pred.n && !covered; j++)
				covered = d->pred.v[j].start <= ts &&
				    d->pred.v[j].end >= te;
			t->tokens++;
			tallies[0].tokens++;
			t->leaked += !covered;
			tallies[0].leaked += !covered;
			leaks += !covered;
		}
		/* a span found only in part still leaks: list it too */
		if ((!g->hit || leaks > 0) && lst != NULL &&
		    eop->show_missed) {
			fprintf(lst, "%s %s %s @%zu: ", g->hit ? "PARTIAL" :
			    "MISSED", d->name, g->cat, g->start);
			context(lst, d, g->start, g->end);
			fputc('\n', lst);
		}
	}
	for (j = 0; j < d->pred.n; j++) {
		struct span *p = &d->pred.v[j];
		struct tally *t = tally_of(p->cat);
		int exact = 0;

		/* a span touching a gold span that was scored before */
		for (i = 0; i < d->gold.n && !p->hit; i++)
			if (p->start <= d->gold.v[i].end &&
			    d->gold.v[i].start <= p->end)
				p->hit = 1;
		for (i = 0; i < d->gold.n; i++)
			if (p->start == d->gold.v[i].start &&
			    p->end == d->gold.v[i].end)
				exact = 1;
		t->pred++;
		tallies[0].pred++;
		t->tp_pred += p->hit;
		tallies[0].tp_pred += p->hit;
		t->exact_pred += exact;
		tallies[0].exact_pred += exact;
		if (!p->hit && lst != NULL && eop->show_fp) {
			fprintf(lst, "FALSE+ %s %s @%zu: ", d->name, p->cat,
			    p->start);
			context(lst, d, p->start, p->end);
			fputc('\n', lst);
		}
	}
}

static double
ratio(size_t a, size_t b)
{
	return b == 0 ? 1.0 : (double)a / (double)b;
}

static void
report(FILE *fp, double mb, double secs, size_t ndocs)
{
	size_t i;

	fprintf(fp, "%-10s %6s %7s %7s %7s %6s %7s %7s %7s\n", "category",
	    "gold", "recall", "exactR", "pred", "prec", "exactP", "tokens",
	    "leak");
	for (i = 1; i <= ntallies; i++) {
		const struct tally *t = &tallies[i == ntallies ? 0 : i];

		fprintf(fp, "%-10s %6zu %7.4f %7.4f %7zu %6.4f %7.4f %7zu "
		    "%6.2f%%\n", i == ntallies ? "ALL" : t->cat, t->gold,
		    ratio(t->found, t->gold), ratio(t->exact_gold, t->gold),
		    t->pred, ratio(t->tp_pred, t->pred),
		    ratio(t->exact_pred, t->pred), t->tokens,
		    100.0 * (t->tokens ? (double)t->leaked / (double)t->tokens :
		    0));
	}
	fprintf(fp, "%zu documents, %.2f MB scrubbed in %.2f s CPU "
	    "(%.1f MB/s)\n", ndocs, mb, secs, secs > 0 ? mb / secs : 0);
}

static void
json_report(FILE *fp, const char *scheme, size_t ndocs)
{
	size_t i;

	fprintf(fp, "{\"scheme\":\"%s\",\"documents\":%zu,\"categories\":[",
	    scheme, ndocs);
	for (i = 0; i < ntallies; i++) {
		const struct tally *t = &tallies[i];

		fprintf(fp, "%s{\"category\":\"%s\",\"gold\":%zu,\"found\":%zu,"
		    "\"recall\":%.6f,\"exact_recall\":%.6f,\"predicted\":%zu,"
		    "\"precision\":%.6f,\"exact_precision\":%.6f,"
		    "\"tokens\":%zu,\"leaked_tokens\":%zu,\"leak\":%.6f}",
		    i ? "," : "", i ? t->cat : "ALL", t->gold, t->found,
		    ratio(t->found, t->gold), ratio(t->exact_gold, t->gold),
		    t->pred, ratio(t->tp_pred, t->pred),
		    ratio(t->exact_pred, t->pred), t->tokens, t->leaked,
		    t->tokens ? (double)t->leaked / (double)t->tokens : 0);
	}
	fputs("]}\n", fp);
}

static void
eval_usage(FILE *fp)
{
	fprintf(fp,
"usage: phiscrub eval [options] CORPUS...\n"
"Score the engine against annotated corpora.  CORPUS is a directory or file:\n"
"  physionet  id.text + id-phi.phrase (PhysioNet deid gold standard)\n"
"  brat       NAME.txt + NAME.ann (BRAT standoff)\n"
"  standoff   NAME.txt + NAME.phi (\"START END CATEGORY\", byte offsets)\n"
"options:\n"
"  -r, --rules PACK       rule pack (default: built-in safe-harbor)\n"
"  -a, --action W=A       as for scrubbing (does not change what is found)\n"
"      --format F         physionet, brat or standoff (default: detected)\n"
"      --scheme S         category mapping: physionet, i2b2 or phiscrub\n"
"                         (default: physionet for PhysioNet, else phiscrub)\n"
"      --map FROM=TO      map a gold or predicted category (repeatable)\n"
"      --json FILE        also write the figures as JSON\n"
"      --show-missed      list missed gold spans, and spans found only in\n"
"                         part (PARTIAL), with context (prints corpus\n"
"                         text: for test corpora only)\n"
"      --show-fp          list false positives with context (same caveat)\n"
"      --min-recall R     exit 1 when overall recall < R\n"
"      --min-precision P  exit 1 when overall precision < P\n"
"      --max-leak L       exit 1 when the token leak rate > L (a fraction)\n"
"metrics:\n"
"  recall     gold spans overlapped (or touched) by any predicted span,\n"
"             over gold spans: the rule of PhysioNet's stat.pm\n"
"  precision  predicted spans that overlap a gold span, over predicted\n"
"  exactR/P   the same, counting only identical start and end\n"
"  leak       alphanumeric tokens inside gold spans that no single\n"
"             predicted span covers fully, over all such tokens\n"
"Per-category recall is by gold category, precision by predicted category.\n"
"exit: 0 thresholds met, 1 missed, 64 usage, 65 bad corpus, 78 rule pack\n");
}

int
cmd_eval(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "action", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 1 },
		{ "scheme", required_argument, NULL, 2 },
		{ "map", required_argument, NULL, 3 },
		{ "json", required_argument, NULL, 4 },
		{ "show-missed", no_argument, NULL, 5 },
		{ "show-fp", no_argument, NULL, 6 },
		{ "min-recall", required_argument, NULL, 7 },
		{ "min-precision", required_argument, NULL, 8 },
		{ "max-leak", required_argument, NULL, 9 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct eopts op;
	struct phi_config *cfg = NULL;
	struct phi_engine *eng = NULL;
	struct phi_error err;
	struct corpus c = { NULL, 0, 0 };
	const char *fmt, *scheme;
	double mb = 0, secs;
	clock_t t0;
	size_t i;
	int ch, rc, ex = 0;
	char *eq;

	memset(&op, 0, sizeof(op));
	op.max_leak = 1.0;
	eop = &op;
	phi_config_create(&cfg);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "r:a:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if ((rc = phi_config_add_pack(cfg, optarg, &err)) !=
			    PHI_OK) {
				pack_error(&err);
				ex = EXIT_CONFIG;
				goto out;
			}
			break;
		case 'a':
			if ((ex = cli_action(cfg, optarg)) != 0)
				goto out;
			break;
		case 1:
			op.format = optarg;
			break;
		case 2:
			op.scheme = optarg;
			break;
		case 3:
			if ((eq = strchr(optarg, '=')) == NULL ||
			    op.nuser == MAX_CATS) {
				ex = EXIT_USAGE;
				goto usage;
			}
			*eq = '\0';
			op.user[op.nuser].from = optarg;
			op.user[op.nuser++].to = eq + 1;
			break;
		case 4:
			op.json = optarg;
			break;
		case 5:
			op.show_missed = 1;
			break;
		case 6:
			op.show_fp = 1;
			break;
		case 7:
			op.min_recall = atof(optarg);
			break;
		case 8:
			op.min_precision = atof(optarg);
			break;
		case 9:
			op.max_leak = atof(optarg);
			break;
		case 'h':
			eval_usage(stdout);
			goto out;
		default:
			ex = EXIT_USAGE;
			goto usage;
		}
	}
	if (optind >= argc) {
		ex = EXIT_USAGE;
		goto usage;
	}
	fmt = op.format != NULL ? op.format : detect(argv[optind]);
	if (fmt == NULL || (strcmp(fmt, "physionet") != 0 &&
	    strcmp(fmt, "brat") != 0 && strcmp(fmt, "standoff") != 0)) {
		fprintf(stderr, "phiscrub: eval: %s: unknown corpus format\n",
		    argv[optind]);
		ex = EXIT_USAGE;
		goto out;
	}
	scheme = op.scheme != NULL ? op.scheme : strcmp(fmt, "physionet") ==
	    0 ? "physionet" : "phiscrub";
	if (strcmp(scheme, "physionet") == 0)
		scheme_map = map_physionet;
	else if (strcmp(scheme, "i2b2") == 0)
		scheme_map = map_i2b2;
	else if (strcmp(scheme, "phiscrub") == 0)
		scheme_map = NULL;
	else {
		ex = EXIT_USAGE;
		goto usage;
	}
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (load_path(&c, argv[i], fmt) != 0) {
			ex = EXIT_DATAERR;
			goto out;
		}
	if (c.n == 0) {
		fprintf(stderr, "phiscrub: eval: no annotated documents\n");
		ex = EXIT_DATAERR;
		goto out;
	}
	if ((rc = phi_engine_create(cfg, &eng, &err)) != PHI_OK) {
		pack_error(&err);
		ex = EXIT_CONFIG;
		goto out;
	}
	t0 = clock();
	for (i = 0; i < c.n; i++) {
		if ((rc = predict(eng, &c.v[i])) != PHI_OK) {
			fprintf(stderr, "phiscrub: eval: %s: %s\n",
			    c.v[i].name, phi_strerror(rc));
			ex = EXIT_DATAERR;
			goto out;
		}
		mb += (double)c.v[i].len / 1e6;
	}
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	for (i = 0; i < c.n; i++)
		score(&c.v[i], stdout);
	report(stdout, mb, secs, c.n);
	if (op.json != NULL) {
		FILE *jf = fopen(op.json, "w");

		if (jf == NULL) {
			ex = EXIT_CANTCREAT;
			goto out;
		}
		json_report(jf, scheme, c.n);
		if (fclose(jf) != 0) {
			ex = EXIT_IOERR;
			goto out;
		}
	}
	if (ratio(tallies[0].found, tallies[0].gold) < op.min_recall ||
	    ratio(tallies[0].tp_pred, tallies[0].pred) < op.min_precision ||
	    (tallies[0].tokens ? (double)tallies[0].leaked /
	    (double)tallies[0].tokens : 0) > op.max_leak) {
		printf("thresholds missed\n");
		ex = EXIT_FOUND;
	}
	goto out;
usage:
	eval_usage(stderr);
out:
	for (i = 0; i < c.n; i++) {
		free(c.v[i].name);
		free(c.v[i].text);
		free(c.v[i].gold.v);
		free(c.v[i].pred.v);
	}
	free(c.v);
	phi_engine_destroy(eng);
	phi_config_destroy(cfg);
	return ex;
}
