/* SPDX-License-Identifier: MIT */
/*
 * keyfile.c: reading and writing key files.  Like OpenSSH with private
 * keys, a key file that is not a regular file, that group or others may
 * read, that is empty or larger than 4 KiB is refused; messages name only
 * the path and the mode.  The key material is the file's bytes without the
 * final newline; `phiscrub keygen` writes 32 random bytes as 64 hex digits.
 * Key bytes are wiped after use and never printed.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "phiscrub.h"
#include "cli.h"

#define KEY_FILE_MAX	4096

static int
read_key(int fd, const char *name, struct phi_config *cfg)
{
	unsigned char buf[KEY_FILE_MAX + 1];
	struct phi_error err;
	size_t len = 0;
	ssize_t n;
	int rc;

	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fprintf(stderr, "phiscrub: %s: %s\n", name,
			    strerror(errno));
			explicit_bzero(buf, sizeof(buf));
			return EXIT_CONFIG;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len == 0 || len > KEY_FILE_MAX) {
		fprintf(stderr, "phiscrub: %s: key is %s\n", name, len == 0 ?
		    "empty" : "larger than 4096 bytes");
		explicit_bzero(buf, sizeof(buf));
		return EXIT_CONFIG;
	}
	rc = phi_config_set_key(cfg, buf, len, &err);
	explicit_bzero(buf, sizeof(buf));
	if (rc != PHI_OK) {
		fprintf(stderr, "phiscrub: %s: %s\n", name, err.msg);
		return EXIT_CONFIG;
	}
	return 0;
}

int
key_file(const char *path, struct phi_config *cfg)
{
	struct stat sb;
	int fd, ex;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1) {
		fprintf(stderr, "phiscrub: key file %s: %s\n", path,
		    strerror(errno));
		return EXIT_CONFIG;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "phiscrub: key file %s: not a regular file\n",
		    path);
		close(fd);
		return EXIT_CONFIG;
	}
	if ((sb.st_mode & 077) != 0) {
		fprintf(stderr, "phiscrub: key file %s: mode %04o lets group "
		    "or others read it; run chmod 600 %s\n", path,
		    (unsigned)(sb.st_mode & 07777), path);
		close(fd);
		return EXIT_CONFIG;
	}
	if (sb.st_size == 0 || sb.st_size > KEY_FILE_MAX + 2) {
		fprintf(stderr, "phiscrub: key file %s: %s\n", path,
		    sb.st_size == 0 ? "empty" : "larger than 4096 bytes");
		close(fd);
		return EXIT_CONFIG;
	}
	ex = read_key(fd, path, cfg);
	close(fd);
	return ex;
}

int
key_fd(const char *arg, struct phi_config *cfg)
{
	char name[32];
	char *end;
	long fd = strtol(arg, &end, 10);
	int ex;

	if (*arg == '\0' || *end != '\0' || fd < 0 || fd > 65535) {
		fprintf(stderr, "phiscrub: --key-fd needs a descriptor number\n");
		return EXIT_USAGE;
	}
	snprintf(name, sizeof(name), "key fd %ld", fd);
	ex = read_key((int)fd, name, cfg);
	close((int)fd);
	return ex;
}

int
key_generate(const char *path)
{
	unsigned char raw[32];
	char hex[65];
	size_t i;
	int fd, ok;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		fprintf(stderr, "phiscrub: keygen: no randomness: %s\n",
		    strerror(errno));
		return EXIT_OSERR;
	}
	for (i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	hex[64] = '\n';
	explicit_bzero(raw, sizeof(raw));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		fprintf(stderr, "phiscrub: keygen: %s: %s\n", path,
		    strerror(errno));
		explicit_bzero(hex, sizeof(hex));
		return EXIT_CANTCREAT;
	}
	ok = fchmod(fd, 0600) == 0 && write(fd, hex, sizeof(hex)) ==
	    (ssize_t)sizeof(hex) && fsync(fd) == 0;
	explicit_bzero(hex, sizeof(hex));
	if (close(fd) != 0)
		ok = 0;
	if (!ok) {
		fprintf(stderr, "phiscrub: keygen: %s: %s\n", path,
		    strerror(errno));
		unlink(path);
		return EXIT_IOERR;
	}
	return 0;
}
