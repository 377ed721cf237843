#!/bin/bash
# guards.sh: a guard, a near, a trigger-prev, a trigger-after and the
# minimum of a trigger-back (rules/README.md, Guards, Near, Triggers) only
# say where a match cannot be, so the default pack with its guard: (near:,
# trigger-prev:, trigger-after:) lines taken out, or its trigger-back
# minimums, must find exactly
# what it finds with them.  Checked on
# the synthetic corpus, the samples and the examples, with the audit log,
# so that a rule edited past what its guard or near allows is caught here
# rather than by a lost finding.
set -u
PHISCRUB=${PHISCRUB:-./phiscrub}
srcdir=$(cd "${srcdir:-.}" && pwd) || exit 1	# absolute: dict/ is linked
T=$(mktemp -d "${TMPDIR:-/tmp}/phiscrub-guards.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fails=0 t=0
# the pack next to a dict/ like the original, so ../dict/ paths resolve
mkdir -p "$T/rules" && ln -s "$srcdir/dict" "$T/dict" || exit 1
cat "$srcdir"/corpora/synth/*.txt "$srcdir"/corpora/samples/*.txt > "$T/in.txt"
# and the inputs of the pack's examples, one a line (single-quoted ones)
sed -n -e "s/^ *- { *in: '\(.*\)', *out: '.*' *} *\$/\1/p" \
    -e "s/^ *- unchanged: '\(.*\)' *\$/\1/p" \
    "$srcdir/rules/safe-harbor.yaml" | sed "s/''/'/g" >> "$T/in.txt"
"$PHISCRUB" -r "$srcdir/rules/safe-harbor.yaml" --audit "$T/a1" "$T/in.txt" \
    > "$T/o1" 2>&1
sed -i 's/"pack_version":"[^"]*",//; s/"pack":"[^"]*",//' "$T/a1"

# without KEY: the pack without its KEY: lines finds the same
without() {
	local key=$1 n
	n=$(grep -c "^    $key:" "$srcdir/rules/safe-harbor.yaml")
	grep -v "^    $key:" "$srcdir/rules/safe-harbor.yaml" > "$T/rules/no-$key.yaml"
	same "$key" "$n"
}

# the pack as rules/no-KEY.yaml finds the same as with KEY, on n rules
same() {
	local key=$1 n=$2
	"$PHISCRUB" -r "$T/rules/no-$key.yaml" --audit "$T/a2" "$T/in.txt" \
	    > "$T/o2" 2>&1
	sed -i 's/"pack_version":"[^"]*",//; s/"pack":"[^"]*",//' "$T/a2"
	t=$((t + 1))
	if [ "$n" -gt 0 ] && cmp -s "$T/o1" "$T/o2" &&
	   cmp -s "$T/a1" "$T/a2" && [ -s "$T/a1" ]; then
		echo "ok $t - $n rules with $key find the same without it"
	else
		echo "not ok $t - $key changes findings ($n rules):"
		diff "$T/a1" "$T/a2" | head -5 | sed 's/^/#   /'
		fails=1
	fi
	t=$((t + 1))
	if "$PHISCRUB" test "$T/rules/no-$key.yaml" > /dev/null 2>&1; then
		echo "ok $t - the examples pass without $key too"
	else
		echo "not ok $t - examples without $key"; fails=1
	fi
}
without guard
without near
without trigger-prev
without trigger-after
# a trigger-back minimum: [1, N] tries no start that N would not
n=$(grep -c "^    trigger-back: \[1," "$srcdir/rules/safe-harbor.yaml")
sed 's/^    trigger-back: \[1, \([0-9]\)\]/    trigger-back: \1/' \
    "$srcdir/rules/safe-harbor.yaml" > "$T/rules/no-trigger-back-min.yaml"
same trigger-back-min "$n"
echo "1..$t"
[ "$fails" = 0 ]
