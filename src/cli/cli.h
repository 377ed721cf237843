/* SPDX-License-Identifier: MIT */
/* cli.h: shared by the files of the phiscrub command. */
#ifndef PHISCRUB_CLI_H
#define PHISCRUB_CLI_H

#include <stddef.h>

/* Exit statuses, documented in phiscrub(1); sysexits(3) values. */
#define EXIT_FOUND	1	/* check: PHI found; test: examples failed */
#define EXIT_USAGE	64	/* command-line usage error */
#define EXIT_DATAERR	65	/* input regions could not be evaluated */
#define EXIT_NOINPUT	66	/* an input file could not be opened/read */
#define EXIT_SOFTWARE	70	/* internal error */
#define EXIT_OSERR	71	/* out of memory */
#define EXIT_CANTCREAT	73	/* output file could not be created */
#define EXIT_IOERR	74	/* output could not be written */
#define EXIT_CONFIG	78	/* rule pack or configuration error */

struct out {
	int fd;
	const char *path;	/* -o FILE, or NULL for stdout */
	int error;		/* first errno */
};

/* main.c */
struct phi_config;
struct phi_error;
void	pack_error(const struct phi_error *);
int	cli_action(struct phi_config *, char *);

/* eval.c */
int	cmd_eval(int, char **);

/* keyfile.c */
int	key_file(const char *, struct phi_config *);
int	key_fd(const char *, struct phi_config *);
int	key_generate(const char *);

/* out.c */
int	out_open(struct out *, const char *);
int	out_write(void *, const char *, size_t);
int	out_close(struct out *, int);

#endif
