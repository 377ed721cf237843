#!/bin/sh
# hl7-leakcheck.sh [PHISCRUB [CORPUS]] - run phiscrub -f hl7 over every
# file of the hl7v2-dev corpus and check its output against the corpus's
# PHI inventory, with the leak rule of ../shared/corpora/README.md:
#
#  - an inventory value leaks when, after HL7 unescaping, the output of the
#    same file holds it case-insensitively as a whole word (bounded by
#    non-alphanumerics); values shorter than 3 characters and all-digit
#    values shorter than 5 digits do not count;
#  - a date (YYYYMMDD) leaks when its digits appear (also at the start of a
#    longer date-time) or the same date as YYYY-MM-DD or MM/DD/YYYY;
#
# and that every output message has the same segments, in the same order,
# with the same numbers of fields and components as its input.  A file
# phiscrub cannot evaluate must fail closed: exit 65, [UNEVALUATED] in
# place of what it could not read, and still no leak.
#
# The corpus is third-party data: it is read where it lies, never copied
# into the repository.  Exit 0 when all holds, 1 when it does not, 77 (the
# automake code for a skipped test) when the corpus is absent, 2 on usage.
# Environment: HL7_LEAKCHECK_VERBOSE=1 lists every file.
here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(cd "$here/.." && pwd) || exit 2
bin=${1:-${PHISCRUB:-$root/phiscrub}}
corpus=${2:-${HL7_CORPUS:-$root/../shared/corpora/hl7v2-dev}}

if [ ! -f "$corpus/phi-inventory.jsonl" ]; then
	echo "hl7-leakcheck: no corpus at $corpus: skipped"
	exit 77
fi
if [ ! -x "$bin" ]; then
	echo "hl7-leakcheck: no executable phiscrub at $bin" >&2
	exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "hl7-leakcheck: python3 is needed: skipped"
	exit 77
fi

exec python3 - "$bin" "$corpus" <<'PY'
import json, os, re, subprocess, sys
from collections import defaultdict

binary, corpus = sys.argv[1], sys.argv[2]
verbose = os.environ.get("HL7_LEAKCHECK_VERBOSE") == "1"
DATE_CATS = {"DOB", "ADMIT_DATE", "DISCHARGE_DATE", "DEATH_DATE"}

def messages(data):
    """Split raw HL7 into messages: lists of (segment, fields, components)
    per segment; a batch segment is a message of its own."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    data = data.replace(b"\x0b", b"").replace(b"\x1c", b"")
    msgs, cur, fs, comp = [], None, b"|", b"^"
    for line in re.split(rb"\r\n|\r|\n", data):
        if not line.strip():
            continue
        head = line[:3]
        if head in (b"MSH", b"FHS", b"BHS") and len(line) > 4:
            fs, comp = line[3:4], line[4:5]
        if head in (b"FHS", b"BHS", b"BTS", b"FTS"):
            msgs.append([(head, len(line.split(fs)), 0)])
            cur = None
            continue
        if head == b"MSH" or cur is None:
            cur = []
            msgs.append(cur)
        fields = line.split(fs)
        cur.append((fields[0][:8], len(fields),
                    sum(len(f.split(comp)) for f in fields)))
    return msgs

def unescape(text):
    """HL7 unescaping of the default delimiters, as the leak rule asks."""
    rep = {"F": "|", "S": "^", "T": "&", "R": "~", "E": "\\",
           ".br": "\n", "H": "", "N": ""}
    def sub(m):
        s = m.group(1)
        if s in rep:
            return rep[s]
        if s.startswith("X") and re.fullmatch(r"X([0-9A-Fa-f]{2})+", s):
            try:
                return bytes.fromhex(s[1:]).decode("utf-8", "replace")
            except ValueError:
                return m.group(0)
        return m.group(0)
    return re.sub(r"\\([^\\\r\n|^~&]{1,32})\\", sub, text)

def word_re(value):
    return re.compile(r"(?<![0-9A-Za-z])" + re.escape(value) +
                      r"(?![0-9A-Za-z])", re.IGNORECASE)

def date_res(v):
    y, m, d = v[:4], v[4:6], v[6:8]
    return [re.compile(r"(?<![0-9])" + v),
            re.compile(r"(?<![0-9])%s-%s-%s(?![0-9])" % (y, m, d)),
            re.compile(r"(?<![0-9])%s/%s/%s(?![0-9])" % (m, d, y))]

def counted(row):
    v = row["value"]
    if len(v) < 3:
        return False
    if v.isdigit() and len(v) < 5:
        return False
    return True

inventory = defaultdict(list)
with open(os.path.join(corpus, "phi-inventory.jsonl"), encoding="utf-8") as f:
    for line in f:
        row = json.loads(line)
        inventory[row["file"]].append(row)

files = []
for d, _, names in os.walk(corpus):
    for n in names:
        if n.endswith(".hl7"):
            files.append(os.path.relpath(os.path.join(d, n), corpus))
files.sort()

nfiles = nmsgs = nvalues = nleaks = nstruct = nclosed = nbad = 0
for rel in files:
    path = os.path.join(corpus, rel)
    with open(path, "rb") as f:
        raw = f.read()
    p = subprocess.run([binary, "-f", "hl7", path], capture_output=True)
    out = p.stdout
    nfiles += 1
    inm, outm = messages(raw), messages(out)
    nmsgs += sum(1 for m in inm if m and m[0][0] == b"MSH")
    problems = []
    if p.returncode not in (0, 65):
        problems.append("exit status %d: %s" % (p.returncode,
                        p.stderr.decode("utf-8", "replace").strip()))
        nbad += 1
    closed = p.returncode == 65
    if closed:
        nclosed += 1
        if b"[UNEVALUATED]" not in out:
            problems.append("exit 65 without a marker")
    elif p.returncode == 0:
        if [[(s[0], s[1]) for s in m] for m in inm] != \
           [[(s[0], s[1]) for s in m] for m in outm]:
            problems.append("segments or field counts differ")
            nstruct += 1
        elif [[s[2] for s in m] for m in inm] != \
             [[s[2] for s in m] for m in outm]:
            problems.append("component counts differ")
            nstruct += 1
    text = unescape(out.decode("utf-8", "replace"))
    for row in inventory.get(rel, []):
        if not counted(row):
            continue
        nvalues += 1
        v = row["value"]
        if row["category"] in DATE_CATS and re.fullmatch(r"\d{8}", v):
            hit = any(r.search(text) for r in date_res(v))
        else:
            hit = word_re(v).search(text) is not None
        if hit:
            nleaks += 1
            problems.append("LEAK %s message %s %s %s: %r" % (rel,
                            row["message"], row["field"], row["category"], v))
    for pr in problems:
        print(("%s: " % rel if not pr.startswith("LEAK") else "") + pr)
    if verbose and not problems:
        print("ok %s%s" % (rel, " (failed closed)" if closed else ""))

print("hl7-leakcheck: %d files, %d messages, %d inventory values, "
      "%d leaks, %d structure mismatches, %d failed closed, %d errors"
      % (nfiles, nmsgs, nvalues, nleaks, nstruct, nclosed, nbad))
sys.exit(1 if nleaks or nstruct or nbad else 0)
PY
