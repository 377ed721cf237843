/* SPDX-License-Identifier: MIT */
/*
 * main.c: the phiscrub command, a thin client of libphiscrub: options,
 * files, the audit log, and the exit status (phiscrub(1), EXIT STATUS).
 * Diagnostics name files, offsets, rules and categories, never input text.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "phiscrub.h"
#include "cli.h"

#define READ_SIZE	(256 * 1024)

static const char *progname = "phiscrub";

enum mode { MODE_SCRUB, MODE_CHECK, MODE_TEST, MODE_RESTORE };

struct opts {
	enum mode mode;
	const char *subject;
	const char *output;
	const char *audit;
	int line_units;
	int verbose;
	int format;		/* enum phi_format */
	size_t max_document;	/* FHIR: bytes, 0 for the default */
	struct phi_session *session;	/* FHIR: one per run */
};

/* Per-file state handed to the finding callback. */
struct run {
	const char *file;
	FILE *audit;
	int audit_error;
	int check;
	unsigned long long found;
	unsigned long long restore_failed;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: phiscrub [options] [FILE...]          scrub PHI, FILEs or stdin to stdout\n"
"       phiscrub check [options] [FILE...]    exit 1 if PHI is found\n"
"       phiscrub test [PACK...]               run the packs' examples\n"
"       phiscrub restore --key-file K [FILE...] put encrypted values back\n"
"       phiscrub keygen FILE                  write a new random key (0600)\n"
"       phiscrub eval [options] CORPUS...     score against annotated corpora\n"
"                                             (phiscrub eval --help)\n"
"\n"
"options:\n"
"  -r, --rules PACK         rule pack file or built-in name (repeatable;\n"
"                           default: the built-in safe-harbor pack, and\n"
"                           safe-harbor-hl7 for HL7, safe-harbor-fhir for\n"
"                           FHIR input)\n"
"  -a, --action WHAT=ACTION set the action of a category, rule id or '*':\n"
"                           tag, redact, mask, keep, generalize, or with a\n"
"                           key token, encrypt, surrogate, shift\n"
"      --key-file FILE      key for the keyed actions (mode 0600 or stricter)\n"
"      --key-fd N           read the key from file descriptor N\n"
"      --subject ID         whose dates `shift` moves (default: one subject)\n"
"      --shift-range DAYS   shift dates by 1..DAYS days either way (365)\n"
"  -o, --output FILE        write to FILE (atomically) instead of stdout\n"
"      --audit FILE         write findings as JSON Lines (never the PHI)\n"
"      --on-error POLICY    replace (default: marker, exit 65) or stop\n"
"  -f, --format FORMAT      input format: auto (default: hl7 when the input\n"
"                           starts with MSH, FHS, BHS or MLLP; fhir or\n"
"                           ndjson when it starts with '{'), text, hl7,\n"
"                           fhir (JSON resources, Bundles), ndjson\n"
"      --max-document SIZE  FHIR: longest document (resource, Bundle or\n"
"                           NDJSON line), e.g. 256M (default 64M, max 1G)\n"
"      --line-buffered      each line is a unit; output per line (tail -f)\n"
"      --no-jit             do not JIT-compile patterns (testing)\n"
"  -v, --verbose            test: list every example\n"
"  -h, --help               this help\n"
"  -V, --version            print the version\n"
"\n"
"exit status: 0 ok, 1 PHI found (check) or examples failed (test),\n"
"64 usage, 65 input not evaluated (fail closed), 66 cannot read input,\n"
"71 out of memory, 73 cannot create output, 74 output error, 78 rule pack.\n");
}

/* 64M, 512K, 1G, or bytes: 1 KiB to the library's limit; 0 if bad. */
static size_t
parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s)
		return 0;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	if (*end != '\0' || v < 1024 || v > (1ULL << 30))
		return 0;
	return (size_t)v;
}

static void __attribute__((format(printf, 1, 2)))
warnx_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int
status_exit(int code)
{
	switch (code) {
	case PHI_ENOMEM:
		return EXIT_OSERR;
	case PHI_EPACK:
		return EXIT_CONFIG;
	case PHI_EINPUT:
	case PHI_EMATCH:
	case PHI_EUNICODE:
	case PHI_ELIMIT:
		return EXIT_DATAERR;
	case PHI_EIO:
		return EXIT_IOERR;
	case PHI_EKEY:
		return EXIT_CONFIG;
	}
	return EXIT_SOFTWARE;
}

/*
 * -a WHAT=ACTION, for scrubbing and eval alike.  Returns 0 or an exit
 * status, having said why.  restore is not an action users may pick.
 */
int
cli_action(struct phi_config *cfg, char *arg)
{
	char *eq = strchr(arg, '=');
	enum phi_action a;

	if (eq == NULL || eq == arg || (a = phi_action_parse(eq + 1)) ==
	    PHI_ACT_DEFAULT || a == PHI_ACT_RESTORE) {
		warnx_("bad --action '%s': use WHAT=tag|redact|mask|keep|"
		    "generalize|token|encrypt|surrogate|shift", arg);
		return EXIT_USAGE;
	}
	*eq = '\0';
	if (phi_config_set_action(cfg, arg, a) != PHI_OK)
		return EXIT_OSERR;
	return 0;
}

void
pack_error(const struct phi_error *e)
{
	if (e->source[0] != '\0' && e->line > 0)
		fprintf(stderr, "%s: %s:%d:%d: %s\n", progname, e->source,
		    e->line, e->col, e->msg);
	else if (e->source[0] != '\0')
		fprintf(stderr, "%s: %s: %s\n", progname, e->source, e->msg);
	else
		fprintf(stderr, "%s: %s\n", progname, e->msg);
}

/* JSON string: only names of files, rules and packs go through here. */
static void
json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static int
on_finding(void *arg, const struct phi_finding *f)
{
	struct run *r = arg;

	/* an allow-list (keep) finding is audited but is not PHI found */
	if (strcmp(f->action, "keep") != 0)
		r->found++;
	if (r->check && strcmp(f->action, "keep") != 0)
		printf("%s:%llu: %s %s\n", r->file,
		    (unsigned long long)f->offset, f->category, f->rule);
	if (r->audit != NULL) {
		fputs("{\"file\":", r->audit);
		json_str(r->audit, r->file);
		fprintf(r->audit, ",\"offset\":%llu,\"length\":%zu,"
		    "\"category\":", (unsigned long long)f->offset, f->len);
		json_str(r->audit, f->category);
		fputs(",\"rule\":", r->audit);
		json_str(r->audit, f->rule);
		fputs(",\"action\":", r->audit);
		json_str(r->audit, f->action);
		fputs(",\"pack\":", r->audit);
		json_str(r->audit, f->pack);
		fputs(",\"pack_version\":", r->audit);
		json_str(r->audit, f->pack_version);
		if (f->key_id != NULL) {
			fputs(",\"key_id\":", r->audit);
			json_str(r->audit, f->key_id);
		}
		fprintf(r->audit, ",\"score\":%.2f}\n", f->score);
		if (ferror(r->audit))
			r->audit_error = 1;
	}
	return 0;
}

static int
discard(void *arg, const char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	return 0;
}

/*
 * Scrub one input through a new stream.  Returns 0, or the exit status of
 * the first failure; *dataerr is set when regions were replaced by markers.
 */
static int
scrub_fd(const struct phi_engine *eng, const struct opts *op, int fd,
    const char *name, struct out *o, struct run *r, int *dataerr)
{
	struct phi_stream_cfg scfg;
	struct phi_stream *st = NULL;
	struct phi_error err;
	char *buf;
	ssize_t n;
	int rc, ex = 0;

	memset(&scfg, 0, sizeof(scfg));
	scfg.out = op->mode == MODE_CHECK ? discard : out_write;
	scfg.out_arg = o;
	scfg.finding = on_finding;
	scfg.finding_arg = r;
	scfg.line_units = op->line_units;
	scfg.subject = op->subject;
	scfg.format = op->format;
	scfg.session = op->session;
	scfg.max_document = op->max_document;
	if ((buf = malloc(READ_SIZE)) == NULL) {
		warnx_("%s%s", "out of memory", "");
		return EXIT_OSERR;
	}
	if ((rc = phi_stream_create(eng, &scfg, &st, &err)) != PHI_OK) {
		free(buf);
		pack_error(&err);
		return status_exit(rc);
	}
	for (;;) {
		n = read(fd, buf, READ_SIZE);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			warnx_("%s: read error: %s", name, strerror(errno));
			ex = EXIT_NOINPUT;
			break;
		}
		if (n == 0) {
			rc = phi_stream_finish(st, &err);
			break;
		}
		if ((rc = phi_stream_write(st, buf, (size_t)n, &err)) != PHI_OK)
			break;
	}
	if (ex == 0 && rc != PHI_OK) {
		if (rc == PHI_EIO && o->error != 0)
			warnx_("%s: %s", o->path != NULL ? o->path :
			    "stdout", strerror(o->error));
		else
			warnx_("%s: %s", name, err.msg);
		ex = status_exit(rc);
	}
	r->restore_failed += phi_stream_restore_failed(st);
	if (ex == 0 && phi_stream_status(st) != PHI_OK) {
		fprintf(stderr, "%s: %s: %llu region(s) could not be "
		    "evaluated and were replaced by a marker; first: %s\n",
		    progname, name,
		    (unsigned long long)phi_stream_unevaluated(st),
		    phi_stream_error(st)->msg);
		*dataerr = 1;
	}
	phi_stream_destroy(st);
	free(buf);
	return ex;
}

static int
cmd_scrub(const struct phi_engine *eng, const struct opts *op, int argc,
    char **argv)
{
	struct run r;
	struct out o;
	FILE *audit = NULL;
	int i, fd, ex = 0, dataerr = 0;
	const char *name;

	memset(&r, 0, sizeof(r));
	r.check = op->mode == MODE_CHECK;
	if (op->audit != NULL) {
		int afd = open(op->audit, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0600);

		if (afd == -1 || (audit = fdopen(afd, "w")) == NULL) {
			warnx_("%s: %s", op->audit, strerror(errno));
			return EXIT_CANTCREAT;
		}
		r.audit = audit;
	}
	if (out_open(&o, op->mode == MODE_CHECK ? NULL : op->output) == -1) {
		warnx_("%s: %s", op->output, strerror(errno));
		if (audit != NULL)
			fclose(audit);
		return EXIT_CANTCREAT;
	}
	for (i = 0; i < argc || (argc == 0 && i == 0); i++) {
		name = argc == 0 ? "-" : argv[i];
		if (strcmp(name, "-") == 0)
			fd = STDIN_FILENO;
		else if ((fd = open(name, O_RDONLY | O_CLOEXEC)) == -1) {
			warnx_("%s: %s", name, strerror(errno));
			ex = EXIT_NOINPUT;
			break;
		}
		r.file = strcmp(name, "-") == 0 ? "<stdin>" : name;
		ex = scrub_fd(eng, op, fd, name, &o, &r, &dataerr);
		if (fd != STDIN_FILENO)
			close(fd);
		if (ex != 0)
			break;
	}
	if (audit != NULL) {
		if (fflush(audit) != 0 || r.audit_error || fclose(audit) != 0) {
			warnx_("%s: %s", op->audit, "audit write error");
			if (ex == 0)
				ex = EXIT_IOERR;
		}
	}
	if (out_close(&o, ex == 0) == -1) {
		warnx_("%s: %s", o.path != NULL ? o.path : "stdout",
		    strerror(o.error));
		if (ex == 0)
			ex = EXIT_IOERR;
	}
	if (r.restore_failed > 0)
		fprintf(stderr, "%s: %llu token(s) could not be restored with "
		    "this key (another key, or altered) and were left as they "
		    "are\n", progname, r.restore_failed);
	if (ex == 0 && dataerr)
		ex = EXIT_DATAERR;
	if (ex == 0 && r.check && r.found > 0)
		ex = EXIT_FOUND;
	return ex;
}

static int
cmd_test(const struct phi_engine *eng, const struct opts *op)
{
	struct phi_example ex;
	struct phi_error err;
	size_t i, n = phi_engine_example_count(eng), failed = 0, neg = 0;
	char *out;
	size_t outlen;
	int rc;

	for (i = 0; i < n; i++) {
		const char *want;

		phi_engine_example_get(eng, i, &ex);
		want = ex.out != NULL ? ex.out : ex.in;
		if (ex.out == NULL)
			neg++;
		rc = phi_scrub_buffer(eng, ex.in, strlen(ex.in), &out, &outlen,
		    &err);
		if (rc != PHI_OK && rc != PHI_EINPUT && rc != PHI_EMATCH) {
			pack_error(&err);
			return status_exit(rc);
		}
		if (rc != PHI_OK || outlen != strlen(want) ||
		    memcmp(out, want, outlen) != 0) {
			/* examples are pack text written by rule authors */
			printf("FAIL %s:%d: rule %s\n  in:   %s\n  want: %s\n"
			    "  got:  %s\n", ex.source, ex.line, ex.rule, ex.in,
			    want, out);
			failed++;
		} else if (op->verbose)
			printf("ok   %s:%d: rule %s\n", ex.source, ex.line,
			    ex.rule);
		phi_free(out);
	}
	printf("%zu examples (%zu unchanged), %zu failed\n", n, neg, failed);
	if (fflush(stdout) != 0 || ferror(stdout))
		return EXIT_IOERR;
	return failed > 0 ? EXIT_FOUND : 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "action", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "audit", required_argument, NULL, 1 },
		{ "on-error", required_argument, NULL, 2 },
		{ "line-buffered", no_argument, NULL, 3 },
		{ "no-jit", no_argument, NULL, 4 },
		{ "key-file", required_argument, NULL, 5 },
		{ "key-fd", required_argument, NULL, 6 },
		{ "subject", required_argument, NULL, 7 },
		{ "shift-range", required_argument, NULL, 8 },
		{ "max-document", required_argument, NULL, 9 },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct phi_config *cfg = NULL;
	struct phi_engine *eng = NULL;
	struct phi_error err;
	struct opts op;
	int c, rc, ex = 0, npacks = 0, i, have_key = 0;

	memset(&op, 0, sizeof(op));
	memset(&err, 0, sizeof(err));
	op.format = PHI_FORMAT_AUTO;
	if (argc > 1 && strcmp(argv[1], "eval") == 0)
		return cmd_eval(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "keygen") == 0) {
		if (argc != 3) {
			fprintf(stderr, "usage: phiscrub keygen FILE\n");
			return EXIT_USAGE;
		}
		return key_generate(argv[2]);
	}
	if (argc > 1 && strcmp(argv[1], "restore") == 0) {
		op.mode = MODE_RESTORE;
		argv++;
		argc--;
	}
	if (argc > 1 && strcmp(argv[1], "check") == 0) {
		op.mode = MODE_CHECK;
		argv++;
		argc--;
	} else if (argc > 1 && strcmp(argv[1], "test") == 0) {
		op.mode = MODE_TEST;
		argv++;
		argc--;
	}
	if (phi_config_create(&cfg) != PHI_OK) {
		warnx_("%s%s", "out of memory", "");
		return EXIT_OSERR;
	}
	while ((c = getopt_long(argc, argv, "r:a:o:f:vhV", longopts, NULL))
	    != -1) {
		switch (c) {
		case 'r':
			if ((rc = phi_config_add_pack(cfg, optarg, &err)) !=
			    PHI_OK) {
				pack_error(&err);
				ex = status_exit(rc);
				goto out;
			}
			npacks++;
			break;
		case 'a':
			if ((ex = cli_action(cfg, optarg)) != 0)
				goto out;
			break;
		case 'o':
			op.output = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				op.format = PHI_FORMAT_TEXT;
			else if (strcmp(optarg, "hl7") == 0)
				op.format = PHI_FORMAT_HL7;
			else if (strcmp(optarg, "auto") == 0)
				op.format = PHI_FORMAT_AUTO;
			else if (strcmp(optarg, "fhir") == 0 ||
			    strcmp(optarg, "json") == 0)
				op.format = PHI_FORMAT_FHIR;
			else if (strcmp(optarg, "ndjson") == 0)
				op.format = PHI_FORMAT_NDJSON;
			else {
				warnx_("format '%s'%s is not supported: use "
				    "auto, text, hl7, fhir or ndjson", optarg,
				    "");
				ex = EXIT_USAGE;
				goto out;
			}
			break;
		case 1:
			op.audit = optarg;
			break;
		case 2:
			if (strcmp(optarg, "replace") == 0)
				phi_config_set_on_error(cfg,
				    PHI_ON_ERROR_REPLACE);
			else if (strcmp(optarg, "stop") == 0)
				phi_config_set_on_error(cfg, PHI_ON_ERROR_STOP);
			else {
				warnx_("bad --on-error '%s'%s: replace or stop",
				    optarg, "");
				ex = EXIT_USAGE;
				goto out;
			}
			break;
		case 3:
			op.line_units = 1;
			break;
		case 4:
			phi_config_set_jit(cfg, 0);
			break;
		case 5:
			if ((ex = key_file(optarg, cfg)) != 0)
				goto out;
			have_key = 1;
			break;
		case 6:
			if ((ex = key_fd(optarg, cfg)) != 0)
				goto out;
			have_key = 1;
			break;
		case 7:
			op.subject = optarg;
			break;
		case 8:
			if (atoi(optarg) < 1 || atoi(optarg) > 36500) {
				warnx_("--shift-range: 1 to 36500 days");
				ex = EXIT_USAGE;
				goto out;
			}
			phi_config_set_shift_range(cfg, atoi(optarg));
			break;
		case 9:
			if ((op.max_document = parse_size(optarg)) == 0) {
				warnx_("--max-document: a size from 1K to 1G "
				    "(%s)", "e.g. 256M");
				ex = EXIT_USAGE;
				goto out;
			}
			break;
		case 'v':
			op.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			goto out;
		case 'V':
			printf("phiscrub (phiscrub) %s\n", PHI_VERSION);
			goto out;
		default:
			usage(stderr);
			ex = EXIT_USAGE;
			goto out;
		}
	}
	argc -= optind;
	argv += optind;
	if (op.mode == MODE_RESTORE) {
		if (!have_key) {
			warnx_("restore needs --key-file or --key-fd");
			ex = EXIT_USAGE;
			goto out;
		}
		if (npacks > 0) {
			warnx_("restore takes no --rules");
			ex = EXIT_USAGE;
			goto out;
		}
		if ((rc = phi_config_add_pack(cfg, "restore", &err)) !=
		    PHI_OK) {
			pack_error(&err);
			ex = status_exit(rc);
			goto out;
		}
	}
	/*
	 * HL7 input without -r gets the default pack's HL7 field rules
	 * (safe-harbor-hl7 includes safe-harbor, so text is scrubbed as
	 * before); it is only known whether the input is HL7 when it is read,
	 * so auto loads them too.
	 */
	if (npacks == 0 && (op.mode == MODE_SCRUB || op.mode == MODE_CHECK) &&
	    (op.format == PHI_FORMAT_HL7 || op.format == PHI_FORMAT_AUTO)) {
		if ((rc = phi_config_add_pack(cfg, "safe-harbor-hl7", &err)) !=
		    PHI_OK) {
			pack_error(&err);
			ex = status_exit(rc);
			goto out;
		}
	}
	/* and FHIR input the default pack's fhir: rules, as for HL7 */
	if (npacks == 0 && (op.mode == MODE_SCRUB || op.mode == MODE_CHECK) &&
	    op.format != PHI_FORMAT_TEXT && op.format != PHI_FORMAT_HL7) {
		if ((rc = phi_config_add_pack(cfg, "safe-harbor-fhir", &err)) !=
		    PHI_OK) {
			pack_error(&err);
			ex = status_exit(rc);
			goto out;
		}
	}
	if (op.mode == MODE_TEST) {
		for (i = 0; i < argc; i++) {
			if ((rc = phi_config_add_pack(cfg, argv[i], &err)) !=
			    PHI_OK) {
				pack_error(&err);
				ex = status_exit(rc);
				goto out;
			}
		}
		argc = 0;
	}
	if ((rc = phi_engine_create(cfg, &eng, &err)) != PHI_OK) {
		pack_error(&err);
		ex = status_exit(rc);
		goto out;
	}
	/* one session per run: FHIR pseudonyms and NDJSON identifiers */
	if (op.mode != MODE_TEST && op.format != PHI_FORMAT_TEXT &&
	    op.format != PHI_FORMAT_HL7 &&
	    (rc = phi_session_create(&op.session)) != PHI_OK) {
		warnx_("%s%s", phi_strerror(rc), "");
		ex = status_exit(rc);
		goto out;
	}
	ex = op.mode == MODE_TEST ? cmd_test(eng, &op) :
	    cmd_scrub(eng, &op, argc, argv);
	if (phi_session_known_dropped(op.session) > 0)
		fprintf(stderr, "%s: %llu resource(s) seeded no known "
		    "identifiers: the run's memory for them is full\n",
		    progname, (unsigned long long)
		    phi_session_known_dropped(op.session));
out:
	phi_session_destroy(op.session);
	phi_engine_destroy(eng);
	phi_config_destroy(cfg);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (ex == 0) {
			warnx_("%s: %s", "stdout", strerror(errno));
			ex = EXIT_IOERR;
		}
	}
	(void)npacks;
	return ex;
}
