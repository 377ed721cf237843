#!/bin/bash
# contracts.sh: one test per contract of DESIGN.md and per CLI error path:
# chunk invariance, bounded memory on a 1 GiB line, fail closed on every
# PCRE2 limit code, no input text in diagnostics, ENOSPC and EPIPE, atomic
# -o, exit statuses, the audit log.  Each check names itself and fails the
# script when its contract is broken.
#
# PHISCRUB_BIG_MB (default 1024) sets the size of the single-line test.
set -u
PHISCRUB=${PHISCRUB:-./phiscrub}
srcdir=${srcdir:-.}
builddir=${builddir:-.}
BIG_MB=${PHISCRUB_BIG_MB:-1024}
T=$(mktemp -d "${TMPDIR:-/tmp}/phiscrub-contracts.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
n=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1${2:+: $2}"; }
# expect_status NAME WANT GOT
expect_status() {
	if [ "$3" = "$2" ]; then pass "$1"; else fail "$1" "exit $3, want $2"; fi
}
# no_secret NAME FILE...: the sentinel never appears
SECRET=Zebulon
no_secret() {
	local name=$1; shift
	if grep -q "$SECRET" "$@" 2>/dev/null; then fail "$name" "input text leaked"
	else pass "$name"; fi
}

# A note with PHI; the sentinel surname is PHI the default pack finds.
NOTE="Pt John $SECRET (MRN 4452311) seen 03/14/2021 by Dr. Alice Wong, call 617-555-0134"

# --- chunk invariance -------------------------------------------------
perl -e '
	srand(7);
	my @n = ("John Smith", "Alice Wong", "Maria Garcia", "JOSE NUNEZ");
	for my $i (1 .. 12000) {	# about 0.9 MB: several units
		printf "Pt %s seen %02d/%02d/2021, call 617-555-%04d. BP 120/80. ",
		    $n[rand @n], 1 + int(rand 12), 1 + int(rand 28), 100 + int(rand 99);
		print "\n" if rand() < 0.2;
		print "caf\xc3\xa9 Jos\xc3\xa9 M\xc3\xbcller " if rand() < 0.1;
	}' > "$T/chunks.txt"
# one line longer than a unit, so units must cut inside a line
perl -e 'print "x" x 300000, " Pt John Smith 03/14/2021 ", "y" x 300000, "\n"' > "$T/longline.txt"
set -- "$T/chunks.txt" "$T/longline.txt"
for f in "$srcdir"/corpora/samples/*.txt; do [ -f "$f" ] && set -- "$@" "$f"; done
if "$builddir/tests/chunker" "$@" > "$T/chunker.out"; then
	pass "chunk invariance: pieces of 1, 7, 4096, 65536 and random sizes"
else
	fail "chunk invariance" "$(grep -v '^ok' "$T/chunker.out" | head -3)"
fi

# --- bounded memory on a single long line ----------------------------
# Memory is capped well below the line length: growth with the line fails.
(
	ulimit -v 600000
	perl -e '
		my $s = "Pt John Smith seen 03/14/2021 call 617-555-0134 ok " x 1024;
		my $n = int('"$BIG_MB"' * 1048576 / length $s);
		print $s for 1 .. $n;' | "$PHISCRUB" | wc -c > "$T/big.count"
	exit "${PIPESTATUS[1]}"
)
st=$?
if [ "$st" = 0 ] && [ "$(cat "$T/big.count")" -gt 0 ]; then
	pass "bounded memory: one ${BIG_MB} MiB line under ulimit -v 600 MB"
else
	fail "bounded memory: one ${BIG_MB} MiB line" "exit $st"
fi

# --- fail closed on each PCRE2 limit ------------------------------------
A=$(printf 'a%.0s' $(seq 1 30))
printf 'first %s line\n%s %s! tail\nlast line\n' "$SECRET" "$SECRET" "$A" > "$T/redos.txt"
L=$(printf 'q%.0s' $(seq 1 20000))
printf '%s %s tail\n' "$SECRET" "$L" > "$T/stack.txt"
for c in "match:" "match:--no-jit" "depth:--no-jit" "heap:--no-jit" "jit-stack:"; do
	lim=${c%%:*}; opt=${c#*:}
	in=$T/redos.txt; [ "$lim" = jit-stack ] && in=$T/stack.txt
	"$PHISCRUB" $opt -r "$srcdir/tests/packs/limit-$lim.yaml" "$in" \
	    > "$T/fc.out" 2> "$T/fc.err"
	st=$?
	if [ "$st" = 65 ] && grep -q '\[UNEVALUATED\]' "$T/fc.out" &&
	    ! grep -q "$SECRET" "$T/fc.out" "$T/fc.err"; then
		pass "fail closed: $lim limit ${opt:-(JIT)} gives marker and exit 65"
	else
		fail "fail closed: $lim limit ${opt:-(JIT)}" "exit $st"
	fi
done
"$PHISCRUB" --on-error stop -r "$srcdir/tests/packs/limit-match.yaml" \
    "$T/redos.txt" > "$T/stop.out" 2> "$T/stop.err"
st=$?
if [ "$st" = 65 ] && ! grep -q "$SECRET" "$T/stop.out" "$T/stop.err"; then
	pass "fail closed: --on-error stop stops with 65 and writes no raw text"
else
	fail "fail closed: --on-error stop" "exit $st"
fi
printf 'ok \377\376%s bad\nnext %s\n' "$SECRET" "$SECRET" > "$T/utf8.txt"
"$PHISCRUB" "$T/utf8.txt" > "$T/utf8.out" 2> "$T/utf8.err"
st=$?
if [ "$st" = 65 ] && grep -q '^ok \[UNEVALUATED\] bad$' "$T/utf8.out"; then
	pass "fail closed: invalid UTF-8 token replaced, exit 65"
else
	fail "fail closed: invalid UTF-8" "exit $st"
fi
no_secret "no input text in diagnostics: invalid UTF-8" "$T/utf8.err"

# --- output integrity ----------------------------------------------------
printf '%s\n' "$NOTE" > "$T/note.txt"
if [ -w /dev/full ]; then
	"$PHISCRUB" "$T/note.txt" > /dev/full 2> "$T/full.err"
	expect_status "ENOSPC on stdout gives exit 74" 74 $?
	no_secret "no input text in diagnostics: ENOSPC" "$T/full.err"
	"$PHISCRUB" --audit /dev/full "$T/note.txt" > /dev/null 2>&1
	expect_status "ENOSPC on the audit file gives exit 74" 74 $?
fi
perl -e 'print "Pt John Smith seen 03/14/2021 and doing well.\n" x 200000' > "$T/many.txt"
( trap '' PIPE; "$PHISCRUB" "$T/many.txt" 2> "$T/pipe.err" | head -c 10 > /dev/null
  exit "${PIPESTATUS[0]}" )
expect_status "EPIPE (SIGPIPE ignored) gives exit 74" 74 $?
( "$PHISCRUB" "$T/many.txt" | head -c 10 > /dev/null; exit "${PIPESTATUS[0]}" )
st=$?
if [ "$st" != 0 ]; then pass "closed pipe (default SIGPIPE) is a non-zero status ($st)"
else fail "closed pipe (default SIGPIPE)" "exit 0"; fi

echo OLD > "$T/out.txt"
"$PHISCRUB" -o "$T/out.txt" "$T/note.txt" "$T/missing.txt" 2> "$T/o.err"
st=$?
if [ "$st" = 66 ] && [ "$(cat "$T/out.txt")" = OLD ] &&
    [ -z "$(ls "$T" | grep phiscrub-)" ]; then
	pass "atomic -o: a failed run leaves the old file and no temporary"
else
	fail "atomic -o: failed run" "exit $st"
fi
"$PHISCRUB" --on-error stop -r "$srcdir/tests/packs/limit-match.yaml" \
    -o "$T/new.txt" "$T/redos.txt" 2> /dev/null
st=$?
if [ "$st" = 65 ] && [ ! -e "$T/new.txt" ]; then
	pass "atomic -o: a stopped run creates no output file"
else
	fail "atomic -o: stopped run" "exit $st"
fi
"$PHISCRUB" -o "$T/out.txt" "$T/note.txt"
st=$?
if [ "$st" = 0 ] && ! grep -q "$SECRET" "$T/out.txt" && grep -q '\[PHONE\]' "$T/out.txt"; then
	pass "atomic -o: a good run replaces the file"
else
	fail "atomic -o: good run" "exit $st"
fi

# --- exit statuses and diagnostics -------------------------------------------
"$PHISCRUB" --no-such-option < /dev/null > /dev/null 2>&1
expect_status "usage error gives 64" 64 $?
"$PHISCRUB" "$T/missing.txt" > /dev/null 2>&1
expect_status "missing input gives 66" 66 $?
"$PHISCRUB" -r "$srcdir/tests/packs/bad-unknown-key.yaml" < /dev/null > /dev/null 2>&1
expect_status "bad rule pack gives 78" 78 $?
"$PHISCRUB" -o /nonexistent-dir/out.txt "$T/note.txt" > /dev/null 2>&1
expect_status "uncreatable output gives 73" 73 $?
"$PHISCRUB" check "$T/note.txt" > "$T/check.out" 2> "$T/check.err"
expect_status "check: PHI found gives 1" 1 $?
no_secret "no input text in check output" "$T/check.out" "$T/check.err"
if grep -q "note.txt:[0-9]*: NAME " "$T/check.out"; then
	pass "check: prints file, offset, category and rule"
else
	fail "check: output format" "$(head -1 "$T/check.out")"
fi
printf 'BP 120/80, HR 72, 5/10 pain.\n' > "$T/clean.txt"
"$PHISCRUB" check "$T/clean.txt" > /dev/null 2>&1
expect_status "check: clean text gives 0" 0 $?

"$PHISCRUB" --audit "$T/audit.jsonl" "$T/note.txt" > /dev/null
st=$?
if [ "$st" = 0 ] && grep -q '"category":"PHONE"' "$T/audit.jsonl" &&
    grep -q '"pack":"safe-harbor"' "$T/audit.jsonl" &&
    grep -q '"offset":' "$T/audit.jsonl"; then
	pass "audit: JSON Lines with offset, category, rule, pack"
else
	fail "audit: content" "exit $st"
fi
no_secret "audit never holds the PHI" "$T/audit.jsonl"
if [ "$(stat -c %a "$T/audit.jsonl")" = 600 ]; then pass "audit file mode 0600"
else fail "audit file mode" "$(stat -c %a "$T/audit.jsonl")"; fi

echo "1..$n"
[ "$fails" = 0 ]
