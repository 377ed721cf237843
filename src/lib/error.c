/* SPDX-License-Identifier: MIT */
/*
 * error.c: status codes and struct phi_error.  Messages are built from
 * format strings written here and names from rule packs; input text never
 * reaches them.
 */
#include <stdio.h>
#include <string.h>

#include "phiscrub-int.h"

const char *
phi_strerror(int code)
{
	switch (code) {
	case PHI_OK:
		return "success";
	case PHI_ENOMEM:
		return "out of memory";
	case PHI_EINVAL:
		return "invalid argument";
	case PHI_EPACK:
		return "rule pack error";
	case PHI_EINPUT:
		return "input could not be evaluated";
	case PHI_EMATCH:
		return "pattern matching failed (resource limit)";
	case PHI_EIO:
		return "output error";
	case PHI_ELIMIT:
		return "limit exceeded";
	case PHI_ESTATE:
		return "call out of order";
	case PHI_EUNICODE:
		return "Unicode processing failed";
	}
	return "unknown error";
}

static int
verror(struct phi_error *err, int code, const char *src, int line, int col,
    const char *fmt, va_list ap)
{
	if (err == NULL)
		return code;
	memset(err, 0, sizeof(*err));
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (src != NULL)
		snprintf(err->source, sizeof(err->source), "%s", src);
	err->line = line;
	err->col = col;
	return code;
}

/* Fill err (when given) and return code, so callers can "return px_error". */
int
px_error(struct phi_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(err, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

/* As px_error, for rule packs: located at source:line:col. */
int
px_error_at(struct phi_error *err, const char *src, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(err, PHI_EPACK, src, line, col, fmt, ap);
	va_end(ap);
	return PHI_EPACK;
}
