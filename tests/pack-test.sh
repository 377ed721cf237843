#!/bin/bash
# pack-test.sh: `phiscrub test` passes on the built-in default pack, which
# carries at least 200 examples, at least a third of them negatives that
# must come back unchanged.  Also runs the examples of the installed copy
# (rules/safe-harbor.yaml), which must equal the built-in one, and the
# keep-years pack.
set -u
PHISCRUB=${PHISCRUB:-./phiscrub}
srcdir=${srcdir:-.}
fails=0
out=$("$PHISCRUB" test)
st=$?
echo "$out" | tail -5
summary=$(echo "$out" | tail -1)
total=$(echo "$summary" | sed -n 's/^\([0-9]*\) examples.*/\1/p')
neg=$(echo "$summary" | sed -n 's/.*(\([0-9]*\) unchanged).*/\1/p')
if [ "$st" = 0 ]; then echo "ok 1 - phiscrub test passes"
else echo "not ok 1 - phiscrub test: exit $st"; fails=1; fi
if [ "${total:-0}" -ge 200 ] && [ $((neg * 3)) -ge "$total" ]; then
	echo "ok 2 - $total examples, $neg unchanged"
else
	echo "not ok 2 - $total examples, $neg unchanged (want >= 200, >= 1/3)"
	fails=1
fi
if "$PHISCRUB" test "$srcdir/rules/safe-harbor.yaml" > /dev/null; then
	echo "ok 3 - examples pass from the pack file too"
else
	echo "not ok 3 - examples from rules/safe-harbor.yaml"; fails=1
fi
# keep-years: every inherited example passes without the year rules, and
# the years that the default pack tags come through untouched.
line="PMH: MI '92, CABG 81, CVA 2004; seen 3/14/2021."
kept=$(printf '%s\n' "$line" | "$PHISCRUB" -r keep-years)
tagged=$(printf '%s\n' "$line" | "$PHISCRUB")
if "$PHISCRUB" test keep-years > /dev/null &&
   [ "$kept" = "PMH: MI '92, CABG 81, CVA 2004; seen [DATE]." ] &&
   [ "$tagged" = "PMH: MI '[DATE], CABG [DATE], CVA [DATE]; seen [DATE]." ]; then
	echo "ok 4 - keep-years keeps the years the default pack tags"
else
	echo "not ok 4 - keep-years: '$kept' / default: '$tagged'"; fails=1
fi
# The trigger-rule limit (128): the default pack's triggered rules plus
# enough of our own to fill it load, and the rules past the first 64 bits
# fire; one more is refused.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pack-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
ntrig=$(grep -cE '^[[:space:]]*trigger:|[{,][[:space:]]*trigger:' "$srcdir/rules/safe-harbor.yaml")
# trig_pack N: safe-harbor and N rules, each triggered by a word of its own
# (letters only: a token with a digit is no trigger word), zqaa, zqab ...
trig_pack() {
	printf 'schema: 1\npack: t\nversion: 0.1.0\ninclude: [safe-harbor]\nrules:\n'
	awk -v n="$1" 'BEGIN { a = "abcdefghijklmnopqrstuvwxyz"
	    for (i = 0; i < n; i++) { w = "zq" substr(a, int(i / 26) + 1, 1) substr(a, i % 26 + 1, 1)
	        printf "  - { id: %s, category: ZQ, pattern: %s, trigger: [%s] }\n", w, w, w } }'
}
trig_pack $((128 - ntrig)) > "$tmp/full.yaml"
trig_pack $((129 - ntrig)) > "$tmp/over.yaml"
last=$(tail -1 "$tmp/full.yaml" | sed 's/.*id: \([a-z]*\),.*/\1/')
got=$(printf 'zqaa and %s seen\n' "$last" | "$PHISCRUB" -r "$tmp/full.yaml" 2>&1)
err=$(echo x | "$PHISCRUB" -r "$tmp/over.yaml" 2>&1 >/dev/null)
st=$?
if [ "$got" = "[ZQ] and [ZQ] seen" ] && [ "$st" = 78 ] &&
   case $err in *"more than 128 rules with triggers"*) true;; *) false;; esac; then
	echo "ok 5 - 128 triggered rules load and fire, 129 are refused"
else
	echo "not ok 5 - trigger limit: '$got' / exit $st '$err'"; fails=1
fi
# A guard only skips places where no match can start: the same rule with
# and without one finds the same, searched (no triggers) or triggered.
guard_pack() {	# guard_pack GUARD-LINE
	printf 'schema: 1\npack: g\nversion: 0.1.0\nrules:\n'
	printf '  - id: g1\n    category: G1\n    pattern: %s\n%s\n' \
	    "'[A-Z][a-z]*+(?:-[A-Z][a-z]+)?, [A-Z]'" "$1"
	printf '  - id: g2\n    category: G2\n    pattern: %s\n    trigger: [at]\n    trigger-back: 2\n%s\n' \
	    "'[a-z0-9.]+@[a-z]+'" "$1"
}
guard_pack '' > "$tmp/plain.yaml"
guard_pack "    guard: ['A-Za-z.0-9-', ',@']" > "$tmp/guarded.yaml"
text='Seen: McDONALD, JOHN; Smith-Jones, Ann; x, Y; a.b@at at c@d at, Zed, Q'
plain=$(printf '%s\n' "$text" | "$PHISCRUB" -r "$tmp/plain.yaml" 2>&1)
guarded=$(printf '%s\n' "$text" | "$PHISCRUB" -r "$tmp/guarded.yaml" 2>&1)
if [ "$plain" = "$guarded" ] && [ "$plain" != "$text" ]; then
	echo "ok 6 - a guard does not change findings ($guarded)"
else
	echo "not ok 6 - guard: '$plain' / '$guarded'"; fails=1
fi
# prefilters: its examples hold only with near, trigger-prev and
# trigger-after working (tests/packs/prefilters.yaml)
if "$PHISCRUB" test "$srcdir/tests/packs/prefilters.yaml" > /dev/null; then
	echo "ok 7 - near, trigger-prev and trigger-after keep out what they must"
else
	echo "not ok 7 - prefilters: tests/packs/prefilters.yaml"; fails=1
fi
echo "1..7"
[ "$fails" = 0 ]
