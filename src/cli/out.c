/* SPDX-License-Identifier: MIT */
/*
 * out.c: where the CLI's bytes go.  Output is written with write(2) so that
 * every error (ENOSPC, EPIPE, short writes) is seen; -o FILE goes to a
 * temporary file in the same directory that is renamed over FILE only after
 * a complete, successful run, so a failed run never leaves a file that looks
 * complete.  A signal removes the temporary file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static char tmp_path[PATH_MAX];
static volatile sig_atomic_t tmp_live;

static void
on_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_path);	/* async-signal-safe */
	signal(sig, SIG_DFL);
	raise(sig);
}

int
out_open(struct out *o, const char *path)
{
	struct sigaction sa;
	int fd;

	memset(o, 0, sizeof(*o));
	o->fd = STDOUT_FILENO;
	if (path == NULL || strcmp(path, "-") == 0)
		return 0;
	if (snprintf(tmp_path, sizeof(tmp_path), "%s.phiscrub-XXXXXX", path)
	    >= (int)sizeof(tmp_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if ((fd = mkstemp(tmp_path)) == -1)
		return -1;
	tmp_live = 1;
	fchmod(fd, 0600);
	o->fd = fd;
	o->path = path;
	return 0;
}

int
out_write(void *arg, const char *buf, size_t len)
{
	struct out *o = arg;
	ssize_t n;

	if (o->error != 0)
		return -1;
	while (len > 0) {
		n = write(o->fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			o->error = n == 0 ? EIO : errno;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Finish the output.  ok says whether the run succeeded; only then is the
 * temporary file renamed into place.  Returns 0, or -1 with o->error set.
 */
int
out_close(struct out *o, int ok)
{
	if (o->path == NULL)
		return o->error != 0 ? -1 : 0;
	if (o->error == 0 && ok && fsync(o->fd) == -1)
		o->error = errno;
	if (close(o->fd) == -1 && o->error == 0)
		o->error = errno;
	if (o->error == 0 && ok && rename(tmp_path, o->path) == -1)
		o->error = errno;
	if (o->error != 0 || !ok)
		unlink(tmp_path);
	tmp_live = 0;
	return o->error != 0 ? -1 : 0;
}
