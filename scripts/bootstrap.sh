#!/bin/sh
# bootstrap.sh: set up a fresh Debian 12 machine and build phiscrub.
# Installs the missing build dependencies with apt-get, then runs autoreconf,
# configure and make.  Idempotent: each step is skipped when already done.
# Environment: CONFIGURE_FLAGS (extra ./configure options), MAKEFLAGS.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential autoconf automake libtool pkg-config perl python3 time
      libpcre2-dev libicu-dev libfyaml-dev libssl-dev check"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "bootstrap: installing:$missing" >&2
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2
fi
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	echo "bootstrap: autoreconf" >&2
	autoreconf -fi >&2
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
	echo "bootstrap: configure" >&2
	# shellcheck disable=SC2086
	./configure -q ${CONFIGURE_FLAGS:-} >&2
fi
make -j"$(nproc)" >&2
