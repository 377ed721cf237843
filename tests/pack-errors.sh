#!/bin/bash
# pack-errors.sh: every tests/packs/bad-*.yaml must be refused with exit 78
# and the diagnostic in bad-*.err (source:line:col: message), and nothing
# may run: no output at all.
set -u
PHISCRUB=${PHISCRUB:-./phiscrub}
srcdir=${srcdir:-.}
n=0
fails=0
cd "$srcdir" || exit 1
for p in tests/packs/bad-*.yaml; do
	n=$((n + 1))
	want=$(cat "${p%.yaml}.err")
	got=$(echo "Pt John Smith" | "$PHISCRUB" -r "$p" 2>&1 >/dev/null)
	st=$?
	out=$(echo "Pt John Smith" | "$PHISCRUB" -r "$p" 2>/dev/null)
	if [ "$st" = 78 ] && [ "$got" = "$want" ] && [ -z "$out" ]; then
		echo "ok $n - $p"
	else
		fails=$((fails + 1))
		echo "not ok $n - $p: exit $st"
		echo "#   want: $want"
		echo "#   got:  $got"
	fi
done
echo "1..$n"
[ "$fails" = 0 ]
