#!/bin/bash
# golden.sh: end-to-end golden tests, jq style.  Each tests/golden/*.test
# holds blocks separated by blank lines:
#	ARGS            (one line: phiscrub options; may be empty: '.')
#	input line(s)
#	---
#	expected output line(s)  (first line '%%EXIT N' expects exit status N)
# Lines starting with '#' outside blocks are comments.
set -u
PHISCRUB=${PHISCRUB:-./phiscrub}
srcdir=${srcdir:-.}
T=$(mktemp -d "${TMPDIR:-/tmp}/phiscrub-golden.XXXXXX")
trap 'rm -rf "$T"' EXIT
# @KEY@ in an args line is a fixed test key (git keeps no file modes, so
# it is copied to a 0600 file here; it protects nothing).
cp "$srcdir/tests/keys/golden.key" "$T/key" && chmod 600 "$T/key"
n=0
fails=0

run_block() {
	local args=$1 want_exit=0 st
	n=$((n + 1))
	if head -1 "$T/want" | grep -q '^%%EXIT '; then
		want_exit=$(head -1 "$T/want" | cut -d' ' -f2)
		tail -n +2 "$T/want" > "$T/want2"; mv "$T/want2" "$T/want"
	fi
	[ "$args" = . ] && args=
	args=${args//@KEY@/$T/key}
	# shellcheck disable=SC2086
	(cd "$srcdir" && "$PHISCRUB" $args < "$T/in" > "$T/got" 2> "$T/err")
	st=$?
	if [ "$st" = "$want_exit" ] && cmp -s "$T/want" "$T/got"; then
		echo "ok $n - $file:$line"
	else
		fails=$((fails + 1))
		echo "not ok $n - $file:$line (exit $st, want $want_exit)"
		diff "$T/want" "$T/got" | sed 's/^/#   /' | head -10
	fi
}

for file in "$srcdir"/tests/golden/*.test; do
	state=args
	lineno=0
	while IFS= read -r l || [ -n "$l" ]; do
		lineno=$((lineno + 1))
		case $state in
		args)
			case $l in ''|'#'*) continue ;; esac
			args=$l; line=$lineno; : > "$T/in"; : > "$T/want"
			state=in ;;
		in)
			if [ "$l" = --- ]; then state=want; continue; fi
			printf '%s\n' "$l" >> "$T/in" ;;
		want)
			if [ -z "$l" ]; then run_block "$args"; state=args
			else printf '%s\n' "$l" >> "$T/want"; fi ;;
		esac
	done < "$file"
	[ "$state" = want ] && run_block "$args"
done
echo "1..$n"
[ "$n" -gt 0 ] && [ "$fails" = 0 ]
