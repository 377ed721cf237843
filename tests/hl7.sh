#!/bin/bash
# hl7.sh: HL7 v2 golden cases, one directory per case (the libfyaml
# test-errors layout):
#	tests/hl7/NNNN-name/args	phiscrub options, one line; @DIR@ is the
#					case directory, @KEY@ a fixed test key
#	tests/hl7/NNNN-name/in.hl7	input, byte-exact
#	tests/hl7/NNNN-name/out.hl7	expected output, byte-exact
#	tests/hl7/NNNN-name/status	expected exit status (default 0)
#	tests/hl7/NNNN-name/pack.yaml	a rule pack the args may name
# Then: chunk invariance of every input (tests/chunker -f hl7), generated
# inputs past each documented limit, and no input text in any diagnostic
# (the fictional names of the cases never reach stderr).
#
# HL7_GOLDEN_UPDATE=1 rewrites out.hl7 and status from the current
# phiscrub: review every change before committing it.
set -u
PHISCRUB=${PHISCRUB:-./phiscrub}
srcdir=${srcdir:-.}
builddir=${builddir:-.}
T=$(mktemp -d "${TMPDIR:-/tmp}/phiscrub-hl7.XXXXXX")
trap 'rm -rf "$T"' EXIT
cp "$srcdir/tests/keys/golden.key" "$T/key" && chmod 600 "$T/key"
SECRETS='Vantrebeck|Quillon|Dravenholt|Okonkwo|Larkspur'
n=0
fails=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1${2:+: $2}"; }

for dir in "$srcdir"/tests/hl7/[0-9]*/; do
	dir=${dir%/}
	name=${dir##*/}
	args=$(cat "$dir/args")
	args=${args//@DIR@/$dir}
	args=${args//@KEY@/$T/key}
	want_status=0
	[ -f "$dir/status" ] && want_status=$(cat "$dir/status")
	# shellcheck disable=SC2086
	"$PHISCRUB" $args < "$dir/in.hl7" > "$T/got" 2> "$T/err"
	st=$?
	if [ "${HL7_GOLDEN_UPDATE:-}" = 1 ]; then
		cp "$T/got" "$dir/out.hl7"
		if [ "$st" != 0 ]; then echo "$st" > "$dir/status"
		else rm -f "$dir/status"; fi
		want_status=$st
	fi
	if [ "$st" != "$want_status" ]; then
		fail "$name" "exit $st, want $want_status: $(head -c 300 "$T/err")"
	elif ! cmp -s "$T/got" "$dir/out.hl7"; then
		fail "$name" "output differs"
		diff <(tr '\r' '\n' < "$dir/out.hl7") <(tr '\r' '\n' < "$T/got") |
		    sed 's/^/#   /' | head -20
	elif grep -Eq "$SECRETS" "$T/err"; then
		fail "$name" "input text in a diagnostic"
	elif [ "$want_status" = 65 ] && ! grep -q 'message\|input before' "$T/err"; then
		fail "$name" "the error names no message"
	else
		pass "$name"
	fi
done

# --- the audit log: stream offsets of raw bytes, rule ids, no PHI --------
d=$srcdir/tests/hl7/0008-known-identifiers
"$PHISCRUB" -f hl7 --audit "$T/audit" < "$d/in.hl7" > /dev/null 2>&1
if grep -Eq "$SECRETS" "$T/audit"; then
	fail "audit" "input text in the audit log"
elif ! grep -q '"rule":"hl7:PID-5","action":"tag"' "$T/audit" ||
    ! grep -q '"rule":"hl7-known:PID-5"' "$T/audit" ||
    ! grep -q '"rule":"hl7-known:PID-3"' "$T/audit"; then
	fail "audit" "field and known-identifier findings not named"
else
	# every finding is a span of the input that holds no separator
	bad=0
	while IFS=' ' read -r off len; do
		if dd if="$d/in.hl7" bs=1 skip="$off" count="$len" \
		    2>/dev/null | grep -q '[|^~&]'; then
			bad=1
		fi
	done < <(sed 's/.*"offset":\([0-9]*\),"length":\([0-9]*\).*/\1 \2/' \
	    "$T/audit")
	if [ "$bad" = 0 ]; then pass "audit: offsets, rule ids, no PHI"
	else fail "audit" "a finding spans a separator"; fi
fi

# --- chunk invariance --------------------------------------------------
if "$builddir/tests/chunker" -r safe-harbor-hl7 -f hl7 \
    "$srcdir"/tests/hl7/[0-9]*/in.hl7 > "$T/chunker.out"; then
	pass "chunk invariance of every case input (-f hl7)"
else
	fail "chunk invariance" "$(grep -v '^ok' "$T/chunker.out" | head -3)"
fi
if "$builddir/tests/chunker" -r safe-harbor-hl7 -f auto \
    "$srcdir"/tests/hl7/[0-9]*/in.hl7 > "$T/chunker.out"; then
	pass "chunk invariance of every case input (-f auto)"
else
	fail "chunk invariance (auto)" "$(grep -v '^ok' "$T/chunker.out" | head -3)"
fi

# --- limits: fail closed, then go on with the next message --------------
NEXT='MSH|^~\&|A|B|||20230412||ADT^A01|2|P|2.5\rPID|1||6620194^^^H^MR||Okonkwo^Marisol\r'
limit() {
	local what=$1 gen=$2
	perl -e "$gen; print \"$NEXT\"" > "$T/limit.hl7"
	"$PHISCRUB" -f hl7 "$T/limit.hl7" > "$T/limit.out" 2> "$T/limit.err"
	st=$?
	if [ "$st" != 65 ]; then
		fail "limit: $what" "exit $st, want 65"
	elif grep -Eq "$SECRETS" "$T/limit.out" "$T/limit.err"; then
		fail "limit: $what" "input text in the output or a diagnostic"
	elif ! grep -q 'UNEVALUATED' "$T/limit.out" ||
	    ! tr '\r' '\n' < "$T/limit.out" | grep -q '^PID|1||\[MRN\]'; then
		fail "limit: $what" "no marker, or the next message was lost"
	else
		pass "limit: $what ($(sed 's/.*first: //' "$T/limit.err"))"
	fi
}
H='print "MSH|^~\\&|A|B|||20230412||ADT^A01|1|P|2.5\rPID|1||4452311^^^H^MR||Vantrebeck^Quillon\r"'
limit "a field longer than 4 MiB" \
    "$H; print \"OBX|1|TX|||\", \"Quillon Vantrebeck \" x 250000, \"\\r\""
limit "a message longer than 16 MiB" \
    "$H; print \"OBX|1|TX|||\", \"Vantrebeck \" x 100000, \"\\r\" for 1 .. 18"
limit "more than 1048576 values" \
    "$H; print \"OBX|1|TX|||\", \"Q^\" x 1100000, \"\\r\""
limit "one segment longer than 16 MiB" \
    "$H; print \"OBX|1|TX|||\", \"Vantrebeck&\" x 1600000, \"\\r\""

echo "1..$n"
[ "$n" -gt 0 ] && [ "$fails" = 0 ]
