#!/bin/bash
# guards.sh: a guard (rules/README.md, Guards) only says where a match
# cannot start, so the default pack with its guard: lines taken out must
# find exactly what it finds with them.  Checked on the synthetic corpus,
# the samples and the examples, with the audit log, so that a rule edited
# past what its guard allows is caught here rather than by a lost finding.
set -u
PHISCRUB=${PHISCRUB:-./phiscrub}
srcdir=${srcdir:-.}
T=$(mktemp -d "${TMPDIR:-/tmp}/phiscrub-guards.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fails=0
# the pack next to a dict/ like the original, so ../dict/ paths resolve
mkdir -p "$T/rules" && ln -s "$srcdir/dict" "$T/dict" || exit 1
n=$(grep -c '^    guard:' "$srcdir/rules/safe-harbor.yaml")
grep -v '^    guard:' "$srcdir/rules/safe-harbor.yaml" > "$T/rules/unguarded.yaml"
cat "$srcdir"/corpora/synth/*.txt "$srcdir"/corpora/samples/*.txt > "$T/in.txt"
# and the inputs of the pack's examples, one a line (single-quoted ones)
sed -n -e "s/^ *- { *in: '\(.*\)', *out: '.*' *} *\$/\1/p" \
    -e "s/^ *- unchanged: '\(.*\)' *\$/\1/p" \
    "$srcdir/rules/safe-harbor.yaml" | sed "s/''/'/g" >> "$T/in.txt"
"$PHISCRUB" --audit "$T/a1" "$T/in.txt" > "$T/o1" 2>&1
"$PHISCRUB" -r "$T/rules/unguarded.yaml" --audit "$T/a2" "$T/in.txt" \
    > "$T/o2" 2>&1
sed -i 's/"pack_version":"[^"]*",//; s/"pack":"[^"]*",//' "$T/a1" "$T/a2"
if [ "$n" -gt 0 ] && cmp -s "$T/o1" "$T/o2" && cmp -s "$T/a1" "$T/a2" &&
   [ -s "$T/a1" ]; then
	echo "ok 1 - $n guarded rules find the same without their guards"
else
	echo "not ok 1 - guards change findings ($n guards):"
	diff "$T/a1" "$T/a2" | head -5 | sed 's/^/#   /'
	fails=1
fi
if "$PHISCRUB" test "$T/rules/unguarded.yaml" > /dev/null 2>&1; then
	echo "ok 2 - the examples pass without the guards too"
else
	echo "not ok 2 - examples without the guards"; fails=1
fi
echo "1..2"
[ "$fails" = 0 ]
