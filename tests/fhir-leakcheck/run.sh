#!/bin/sh
# tests/fhir-leakcheck/run.sh - test scripts/fhir-leakcheck.sh itself, on
# the synthetic fixture corpus here (invented people, no corpus data) and
# with stub-phiscrub standing in for phiscrub: the checker must pass a
# clean output, fail each kind of damage, and never print an inventory
# value.  Exit 0, 1, or 77 when python3 is absent.
here=$(cd "$(dirname "$0")" && pwd) || exit 2
check=$here/../../scripts/fhir-leakcheck.sh
corpus=$here/corpus
stub=$here/stub-phiscrub
command -v python3 >/dev/null 2>&1 || { echo "run.sh: no python3: skipped"; exit 77; }
STUB_INVENTORY=$corpus/bundles.phi-inventory.jsonl:$corpus/bulk.phi-inventory.jsonl
export STUB_INVENTORY
tmp=${TMPDIR:-/tmp}/fhir-leakcheck-test.$$
trap 'rm -f "$tmp" "$tmp.values"' EXIT INT TERM
# Every counted inventory value, for the no-PHI-in-diagnostics check.
python3 -c '
import json, sys
for p in sys.argv[1:]:
    for l in open(p):
        v = json.loads(l)["value"]
        if len(v) >= 3 and not (v.isdigit() and len(v) < 5):
            print(v)
' "$corpus"/*.phi-inventory.jsonl > "$tmp.values"
fails=0
# expect NAME STATUS PATTERN [ARGS...]: run the checker, compare its exit
# status, look for PATTERN in what it printed, and for no inventory value.
expect() {
	name=$1 want=$2 pattern=$3
	shift 3
	"$@" > "$tmp" 2>&1
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: exit $got, expected $want"; sed 's/^/  /' "$tmp"
		fails=$((fails + 1))
	elif [ -n "$pattern" ] && ! grep -q -e "$pattern" "$tmp"; then
		echo "FAIL $name: no line matches: $pattern"; sed 's/^/  /' "$tmp"
		fails=$((fails + 1))
	elif grep -i -F -q -f "$tmp.values" "$tmp"; then
		echo "FAIL $name: an inventory value was printed"
		fails=$((fails + 1))
	else
		echo "ok $name"
	fi
}
run() { STUB_MODE=$1 sh "$check" "$stub" "$corpus"; }
expect self-test 0 "every inventory value" sh "$check" --self-test x "$corpus"
expect clean 0 "0 leaks;" run ok
expect cat 1 "LEAK NAME_GIVEN Patient.name.given" run cat
expect notes 1 "attachment.data(decoded)" run notes
expect geo 1 "LEAK GEO" run geo
expect dates 1 "LEAK \[Patient.000.ndjson\] DATE Patient.deceasedDateTime" run dates
expect badref 1 "does not resolve" run badref
expect retarget 1 "resolves to another resource" run retarget
expect condref 1 "Practitioner?identifier=<system>|<value> does not resolve" run condref
expect drop 1 "entries in the input" run drop
expect swap 1 "in the input, .* in the output" run swap
expect exit65 1 "exit 65" run exit65
expect garbage 1 "not JSON" run garbage
expect no-corpus 77 "skipped" sh "$check" "$stub" "$here/no-such-corpus"
expect usage 2 "usage" sh "$check" --bogus
[ "$fails" = 0 ] && echo "fhir-leakcheck tests: all passed" && exit 0
echo "fhir-leakcheck tests: $fails failed"
exit 1
