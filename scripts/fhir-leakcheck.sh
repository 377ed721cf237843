#!/bin/sh
# fhir-leakcheck.sh [--self-test] [PHISCRUB [CORPUS]] - run phiscrub over
# the FHIR R4 sets of the fhir-dev corpus and check its output against the
# corpus's PHI inventories, with the leak rule of
# ../shared/corpora/README.md (that of hl7v2-dev, applied to FHIR):
#
#  - an inventory value leaks when the output of the same source holds it
#    case-insensitively as a whole word (bounded by non-alphanumerics);
#    values shorter than 3 characters and all-digit values shorter than 5
#    digits do not count;
#  - a date (the day of a FHIR date or dateTime) leaks when its YYYYMMDD
#    digits appear (also at the start of a longer run of digits), or the
#    same day as YYYY-MM-DD or MM/DD/YYYY;
#  - the output text is every JSON key, string and number (as written)
#    after JSON unescaping, plus the text of every base64 "data" (Attachment,
#    Binary) decoded as UTF-8 with replacement.
#
# Each set is a folder SET/ beside its inventory SET.phi-inventory.jsonl.
# A folder of *.json is a set of Bundles: each is run alone,
# "phiscrub -f fhir FILE", and checked against the inventory rows whose
# source is that file.  A folder of *.ndjson is a bulk export: it is run
# once, "phiscrub -f ndjson" with the Patient, RelatedPerson, Practitioner,
# PractitionerRole, Organization and Location files first and the others
# after them in name order, and checked against all of its inventory rows;
# a file whose first line is not a FHIR resource (the export's log.ndjson)
# is left out.  Checked, besides leaks:
#
#  - exit status 0; 65 (regions not evaluated) is a failure here, as the
#    corpus is well-formed, and its output is still checked for leaks;
#  - the output is JSON (every line of it, for NDJSON) and holds the same
#    resources: as many entries (lines), with the same resourceType each,
#    in the same order;
#  - every reference that resolves in the input resolves in the output to
#    the same resource: urn:uuid: and absolute references to an entry's
#    fullUrl, Type/id to the resource of that type and id,
#    Type?identifier=system|value to the resource of that type with that
#    identifier, #id to a contained resource; in a Bundle, within the
#    Bundle; in an export, within the export when it has resources of
#    that type (other references are unresolvable by design and counted).
#
# Before that, the same checks run on the input itself, as if phiscrub
# were cat: every reference must resolve there (or, in a Bundle, in
# another Bundle of its set: unresolvable by design, as each Bundle is
# run alone; counted as cross-Bundle), and every counted inventory value
# must be found in its own input, or the checker is broken (exit 1).
# With --self-test phiscrub is not run at all: the unmodified input
# stands for its output, and the run succeeds only when the checks find
# every inventory value leaked and nothing else wrong.
# tests/fhir-leakcheck/run.sh tests this script on synthetic data.
#
# Diagnostics never print an inventory value, a reference or an id: leaks
# are reported by set, file, category, inventory path and the JSON path
# where they occur.  Bundle files are named by their number in the
# folder's *.json files sorted by name in the C locale (Synthea names
# them after the patient).
#
# The corpus is third-party data: it is read where it lies, never copied
# into the repository.  Exit 0 when all holds, 1 when it does not, 77 (the
# automake code for a skipped test) when the corpus or python3 is absent,
# 2 on usage.  Environment: FHIR_LEAKCHECK_ARGS adds phiscrub options
# (--key-file K: the same pseudonyms in every run, so that references
# between Bundles resolve too); FHIR_LEAKCHECK_VERBOSE=1 lists every file and
# every leak; FHIR_LEAKCHECK_TIMEOUT is the limit of one phiscrub run in
# seconds (900); PHISCRUB and FHIR_CORPUS stand for the arguments.
usage() {
	echo "usage: fhir-leakcheck.sh [--self-test] [PHISCRUB [CORPUS]]" >&2
	exit 2
}
selftest=0
case ${1-} in
--self-test) selftest=1; shift ;;
--) shift ;;
-?*) usage ;;
esac
[ $# -le 2 ] || usage
here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(cd "$here/.." && pwd) || exit 2
bin=${1:-${PHISCRUB:-$root/phiscrub}}
corpus=${2:-${FHIR_CORPUS:-$root/../shared/corpora/fhir-dev}}

found=
for f in "$corpus"/*.phi-inventory.jsonl; do
	[ -f "$f" ] && found=1
done
if [ -z "$found" ]; then
	echo "fhir-leakcheck: no corpus at $corpus: skipped"
	exit 77
fi
if [ "$selftest" = 0 ] && [ ! -x "$bin" ]; then
	echo "fhir-leakcheck: no executable phiscrub at $bin" >&2
	exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "fhir-leakcheck: python3 is needed: skipped"
	exit 77
fi

exec python3 - "$selftest" "$bin" "$corpus" <<'PY'
import base64, binascii, bisect, json, os, re, subprocess, sys, time
from collections import Counter, defaultdict
from urllib.parse import unquote

selftest = sys.argv[1] == "1"
binary, corpus = sys.argv[2], sys.argv[3]
verbose = os.environ.get("FHIR_LEAKCHECK_VERBOSE") == "1"
try:
    timeout = float(os.environ.get("FHIR_LEAKCHECK_TIMEOUT") or 900)
except ValueError:
    timeout = 900.0
WHO = ("Patient", "RelatedPerson", "Practitioner", "PractitionerRole",
       "Organization", "Location")
SHOWN = 20          # problem lines shown per file unless verbose
ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
DIGITS = frozenset("0123456789")
TOKEN = re.compile(r"[0-9a-z]+")
SAFE_KEY = re.compile(r"_?[a-z][A-Za-z]*\Z")
TYPE = re.compile(r"[A-Z][A-Za-z]{1,63}\Z")
B64_SPACE = re.compile(r"[ \t\r\n]+")
REL = re.compile(r"([A-Z][A-Za-z]+)/([^/?#]+)(?:/_history/[^/?#]+)?\Z")
COND = re.compile(r"([A-Z][A-Za-z]+)\?(.*)\Z", re.S)
DAY = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
started = time.time()
bin_time = 0.0

# --- diagnostics without PHI -------------------------------------------------

guard_values = set()

def bounded(text, i, n, lb, la):
    return ((i == 0 or text[i - 1] not in lb) and
            (la is None or i + n >= len(text) or text[i + n] not in la))

def guard(line):
    """Belt and braces: mask any counted inventory value in a diagnostic."""
    low = line.lower()
    for v in guard_values:
        i = low.find(v)
        while i >= 0:
            if bounded(low, i, len(v), ALNUM, ALNUM):
                line = line[:i] + "#" * len(v) + line[i + len(v):]
                low = line.lower()
            i = low.find(v, i + 1)
    return line

def say(line):
    print(guard(line), flush=True)

def ref_form(ref, types):
    """A reference with its ids left out."""
    if ref.startswith("#"):
        return "#<id>"
    if ref.startswith("urn:uuid:"):
        return "urn:uuid:<uuid>"
    if ref.startswith("urn:"):
        return "urn:<...>"
    m = COND.match(ref)
    if m:
        t = m.group(1) if m.group(1) in types else "<type>"
        q = m.group(2)
        if q.startswith("identifier=") and "|" in q:
            return t + "?identifier=<system>|<value>"
        return t + "?<query>"
    m = REL.match(ref)
    if m:
        return (m.group(1) if m.group(1) in types else "<type>") + "/<id>"
    if "://" in ref:
        return "<absolute URL>"
    return "<unparsed>"

def type_name(t):
    return t if isinstance(t, str) and TYPE.match(t) else "<none>"

# --- JSON to text ------------------------------------------------------------

def no_constant(name):
    raise ValueError("%s is not JSON" % name)

def loads(s):
    """JSON with numbers kept as written (geolocations are decimals)."""
    return json.loads(s, parse_float=str, parse_int=str,
                      parse_constant=no_constant)

def walk(x, p, out, paths, refs, st):
    """Append to out every text piece of x: keys, strings, numbers and the
    decoded text of base64 "data".  Without paths, p is the path without
    array indices and refs gets (p, reference) pairs; with paths, p is the
    printable indexed path and paths gets one per piece."""
    if isinstance(x, str):
        out.append(x)
        if paths is not None:
            paths.append(p)
    elif isinstance(x, dict):
        for k, v in x.items():
            if paths is not None:
                q = p + "." + (k if SAFE_KEY.match(k) else "<key>")
                paths.append(q + "(key)")
            else:
                q = p + "." + k
                if k == "reference" and isinstance(v, str):
                    refs.append((q, v))
            out.append(k)
            walk(v, q, out, paths, refs, st)
        d = x.get("data")
        if isinstance(d, str):
            try:
                raw = base64.b64decode(B64_SPACE.sub("", d), validate=True)
            except (binascii.Error, ValueError):
                if paths is None and "contentType" in x:
                    st["bad_b64"] += 1
            else:
                out.append(raw.decode("utf-8", "replace"))
                if paths is not None:
                    paths.append(p + ".data(decoded)")
                elif "contentType" in x:
                    st["att"] += 1
    elif isinstance(x, list):
        if paths is None:
            for v in x:
                walk(v, p, out, None, refs, st)
        else:
            for i, v in enumerate(x):
                walk(v, "%s[%d]" % (p, i), out, paths, None, None)

class Side:
    """The text, references and resources of one input or output: docs is
    a list of (JSON value, label, resource or None)."""
    def __init__(self, docs):
        self.docs = docs
        self.refs, texts, st = [], [], Counter()
        for obj, _, _ in docs:
            out, refs = [], []
            walk(obj, "", out, None, refs, st)
            texts.append("\n".join(out).lower())
            self.refs.append(refs)
        self.starts, pos = [], 0
        for t in texts:
            self.starts.append(pos)
            pos += len(t) + 1
        self.text = "\n".join(texts)
        self.tokens = set(TOKEN.findall(self.text))
        self.att, self.bad_b64 = st["att"], st["bad_b64"]

    def locate(self, off):
        d = bisect.bisect_right(self.starts, off) - 1
        rel = off - self.starts[d]
        obj, label, _ = self.docs[d]
        out, paths = [], []
        walk(obj, "", out, paths, None, None)
        pos = 0
        for piece, path in zip(out, paths):
            end = pos + len(piece.lower())
            if rel <= end:
                return "%s %s" % (label, path.lstrip(".") or "(value)")
            pos = end + 1
        return label

# --- inventory and the leak rule ---------------------------------------------

def counted(v):
    return len(v) >= 3 and not (v.isdigit() and len(v) < 5)

def matcher(row):
    """(needles, tokens): needles are (text, not-before, not-after)."""
    v, cat = row["value"], row["category"].upper()
    m = DAY.match(v)
    if m and ("DATE" in cat or "DOB" in cat or "BIRTH" in cat):
        y, mo, d = m.groups()
        return ([(y + mo + d, DIGITS, None),
                 ("%s-%s-%s" % (y, mo, d), DIGITS, DIGITS),
                 ("%s/%s/%s" % (mo, d, y), DIGITS, DIGITS)], None)
    low = v.lower()
    return [(low, ALNUM, ALNUM)], TOKEN.findall(low)

def occurrences(side, row, limit):
    needles, toks = row["_m"]
    if toks and not all(t in side.tokens for t in toks):
        return []
    text, hits = side.text, []
    for needle, lb, la in needles:
        i = text.find(needle)
        while i >= 0:
            if bounded(text, i, len(needle), lb, la):
                hits.append(i)
                if len(hits) >= limit:
                    return hits
            i = text.find(needle, i + 1)
    return hits

def load_inventory(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                if isinstance(row.get("value"), str) and counted(row["value"]):
                    row["_m"] = matcher(row)
                    rows.append(row)
                    if row["_m"][1] is None:
                        for n, _, _ in row["_m"][0]:
                            guard_values.add(n)
                    else:
                        guard_values.add(row["value"].lower())
    return rows

# --- references --------------------------------------------------------------

class Index:
    def __init__(self):
        self.full = defaultdict(set)
        self.typeid = defaultdict(set)
        self.ident = defaultdict(set)
        self.ident_any = defaultdict(set)
        self.types = set()

    def add(self, res, target, fullurl=None):
        if isinstance(fullurl, str):
            self.full[fullurl].add(target)
        if not isinstance(res, dict) or \
           not isinstance(res.get("resourceType"), str):
            return
        t = res["resourceType"]
        self.types.add(t)
        if isinstance(res.get("id"), str):
            self.typeid[(t, res["id"])].add(target)
        ids = res.get("identifier")
        for idf in ids if isinstance(ids, list) else [ids]:
            if isinstance(idf, dict) and isinstance(idf.get("value"), str):
                s = idf.get("system")
                s = s if isinstance(s, str) else None
                self.ident[(t, s, idf["value"])].add(target)
                self.ident_any[(t, idf["value"])].add(target)

def resolve(ref, idx, res, target, export):
    """("ok", targets), ("design", None) or ("bad", None)."""
    def ok(hits):
        return ("ok", frozenset(hits)) if hits else ("bad", None)
    if ref.startswith("#"):
        if ref == "#":
            return ok({target})
        cont = res.get("contained") if isinstance(res, dict) else None
        return ok({(target, j) for j, c in enumerate(cont or [])
                   if isinstance(c, dict) and c.get("id") == ref[1:]})
    if ref.startswith("urn:"):
        return ("design", None) if export else ok(idx.full.get(ref))
    m = COND.match(ref)
    if m:
        t, q = m.groups()
        if export and t not in idx.types:
            return ("design", None)
        name, eq, val = q.partition("=")
        if name != "identifier" or not eq or "&" in val:
            return ("design", None)
        val = unquote(val)
        if "|" in val:
            s, _, v = val.partition("|")
            return ok(idx.ident.get((t, s or None, v)))
        return ok(idx.ident_any.get((t, val)))
    m = REL.match(ref)
    if m:
        if export and m.group(1) not in idx.types:
            return ("design", None)
        return ok(idx.typeid.get(m.groups()))
    if "://" in ref:
        # An absolute reference: a fullUrl of the Bundle, or outside it.
        if not export and ref in idx.full:
            return ok(idx.full[ref])
        return ("design", None)
    return ("bad", None)

def classify(side, idx, export):
    """Per doc: {path without indices: [(reference, class, targets)]}."""
    res = []
    for d, (_, _, r) in enumerate(side.docs):
        g = defaultdict(list)
        for path, ref in side.refs[d]:
            c, t = resolve(ref, idx, r, d, export)
            g[path].append((ref, c, t))
        res.append(g)
    return res

# --- one set -----------------------------------------------------------------

class Report:
    """The problems of one file (or export): the first SHOWN lines of each
    kind, then the summaries."""
    def __init__(self, label):
        self.label, self.lines, self.tail = label, [], []
        self.kinds = Counter()

    def add(self, kind, line):
        self.kinds[kind] += 1
        self.lines.append((kind, line))

    def summary(self, line):
        self.tail.append(line)

    def flush(self, detail):
        shown, hidden = Counter(), Counter()
        for kind, line in self.lines:
            if verbose or shown[kind] < SHOWN:
                shown[kind] += 1
                say("%s: %s" % (self.label, line))
            else:
                hidden[kind] += 1
        for kind, n in sorted(hidden.items()):
            say("%s: ... %d more %s lines (FHIR_LEAKCHECK_VERBOSE=1 lists "
                "them)" % (self.label, n, kind))
        for line in self.tail:
            say("%s: %s" % (self.label, line))
        if verbose and not self.lines:
            say("ok %s: %s" % (self.label, detail))

T = Counter()       # totals

def run(args, fallback):
    global bin_time
    if selftest:
        return fallback, 0, b"", None
    # FHIR_LEAKCHECK_ARGS: more phiscrub options (e.g. --key-file K, so
    # that pseudonyms are the same across runs and cross-Bundle
    # references resolve too)
    args = args[:1] + os.environ.get("FHIR_LEAKCHECK_ARGS", "").split() + \
        args[1:]
    t = time.time()
    try:
        p = subprocess.run(args, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        bin_time += time.time() - t
        return (e.stdout or b"", None, e.stderr or b"",
                "timed out after %gs" % timeout)
    except OSError as e:
        return b"", None, b"", "cannot run: %s" % e.strerror
    bin_time += time.time() - t
    return p.stdout, p.returncode, p.stderr, None

def check_status(rep, rc, err, why):
    if why:
        rep.add("error", "phiscrub %s" % why)
        T["errors"] += 1
    elif rc == 65:
        rep.add("unevaluated", "exit 65: regions not evaluated (the corpus "
                "is well-formed)")
        T["unevaluated"] += 1
    elif rc != 0:
        msg = err.decode("utf-8", "replace").strip().splitlines()
        rep.add("error", "exit status %d%s" % (
            rc, (": " + msg[-1][:200]) if msg else ""))
        T["errors"] += 1

def check_inventory(rep, in_side, out_side, rows, export):
    """Self-check on the input, then the leaks of the output."""
    missing, found = Counter(), {}
    for row in rows:
        key = tuple(row["_m"][0])
        if key not in found:
            found[key] = bool(occurrences(in_side, row, 1))
        if not found[key]:
            missing[(row["category"], row["path"])] += 1
    for (cat, path), n in sorted(missing.items()):
        rep.add("checker", "CHECKER BROKEN? %d %s value(s) of %s not found in "
                "the unmodified input" % (n, cat, path))
    T["checker"] += sum(missing.values())
    T["values"] += len(rows)
    # A leak is counted per inventory row, as for HL7, and shown once per
    # value, with the rows (source file of an export, category, path) that
    # list it.  Bundle rows are not shown with their source: Synthea names
    # the file after the patient.
    leaks, bycat, byvalue, cache = [], Counter(), {}, {}
    for row in rows:
        key = tuple(row["_m"][0])
        if key not in cache:
            cache[key] = occurrences(out_side, row, 100000)
        src = row["source"] if export else ""
        hits, rs = byvalue.setdefault((key, src), (cache[key], []))
        if hits:
            leaks.append(row)
            rs.append(row)
            bycat[row["category"]] += 1
    for (_, src), (hits, rs) in byvalue.items() if not selftest else ():
        if not rs:
            continue
        what = ", ".join(sorted(set("%s %s" % (r["category"], r["path"])
                                    for r in rs)))
        where = "; ".join(out_side.locate(h) for h in hits[:3])
        rep.add("leak", "LEAK %s%s: %d occurrence%s, e.g. %s" % (
            "[%s] " % src if src else "", what, len(hits),
            "" if len(hits) == 1 else "s", where))
    if leaks and (verbose or not selftest):
        rep.summary("leaks by category: " + ", ".join(
            "%s %d" % kv for kv in sorted(bycat.items())))
    T["leaks"] += len(leaks)
    for c, n in bycat.items():
        T["leak:" + c] += n
    return len(leaks)

def check_refs(rep, in_side, out_side, in_cls, out_cls, types):
    """Compare the references of aligned docs; returns the output's
    references where the input's do not resolve."""
    dangling = []
    for d in range(len(in_side.docs)):
        a, b = in_cls[d], out_cls[d]
        label = in_side.docs[d][1]
        for path in sorted(a.keys() | b.keys()):
            la, lb = a.get(path, []), b.get(path, [])
            shown = label + " " + ".".join(
                k if SAFE_KEY.match(k) else "<key>"
                for k in path.split(".")[1:])
            if len(la) != len(lb):
                rep.add("refs", "%s: %d reference(s) in the input, %d in the "
                        "output" % (shown, len(la), len(lb)))
            for (ri, ci, ti), (ro, co, to) in zip(la, lb):
                if ci == "ok":
                    T["refs"] += 1
                    if co != "ok":
                        rep.add("refs", "%s: %s does not resolve" % (
                            shown, ref_form(ro, types)))
                    elif to != ti:
                        rep.add("refs", "%s: %s resolves to another "
                                "resource than in the input" % (
                                    shown, ref_form(ro, types)))
                elif ci != "design":
                    dangling.append(ro)
    return dangling

def input_refs(in_cls):
    n = Counter()
    bad = []
    for g in in_cls:
        for lst in g.values():
            for ref, c, _ in lst:
                n[c] += 1
                if c == "bad":
                    bad.append(ref)
    T["in_refs"] += sum(n.values())
    T["design"] += n["design"]
    return n, bad

def bundle_docs(obj, nameof):
    """Entries, then the Bundle without them."""
    if not isinstance(obj, dict) or obj.get("resourceType") != "Bundle" \
       or not isinstance(obj.get("entry", []), list):
        return None, None
    docs, types = [], []
    for i, e in enumerate(obj.get("entry", [])):
        r = e.get("resource") if isinstance(e, dict) else None
        t = r.get("resourceType") if isinstance(r, dict) else None
        types.append(t)
        docs.append((e, "entry %d (%s)" % (i, nameof(t)), r))
    shell = {k: v for k, v in obj.items() if k != "entry"}
    docs.append((shell, "Bundle", None))
    return docs, types

def bundle_index(docs, fileno=None, idx=None):
    idx = idx or Index()
    for i, (e, _, r) in enumerate(docs[:-1]):
        idx.add(r, i if fileno is None else (fileno, i),
                e.get("fullUrl") if isinstance(e, dict) else None)
    return idx

def check_bundles(name, folder, rows):
    files = sorted(f for f in os.listdir(folder) if f.endswith(".json"))
    bysource = defaultdict(list)
    for row in rows:
        bysource[row["source"]].append(row)
    for src in sorted(set(bysource) - set(files)):
        say("%s: %d inventory rows name a file that is not there" % (
            name, len(bysource[src])))
        T["errors"] += 1
    union_in, union_out, dangling_in, dangling_out = Index(), Index(), [], []
    width = len(str(len(files)))
    for n, f in enumerate(files, 1):
        label = "%s#%0*d" % (name, width, n)
        rep = Report(label)
        path = os.path.join(folder, f)
        with open(path, "rb") as fh:
            raw = fh.read()
        T["files"] += 1
        try:
            in_obj = loads(raw.decode("utf-8"))
        except ValueError:
            rep.add("error", "the input is not JSON; skipped")
            T["errors"] += 1
            rep.flush("")
            continue
        in_docs, in_types = bundle_docs(in_obj, type_name)
        if in_docs is None:
            rep.add("error", "the input is not a Bundle; skipped")
            T["errors"] += 1
            rep.flush("")
            continue
        known = set(t for t in in_types if isinstance(t, str))
        nameof = lambda t: t if t in known else "<other>"
        T["resources"] += len(in_types)
        in_side = Side(in_docs)
        idx_in = bundle_index(in_docs)
        bundle_index(in_docs, n, union_in)
        in_cls = classify(in_side, idx_in, False)
        nin, bad = input_refs(in_cls)
        dangling_in += bad
        out, rc, err, why = run([binary, "-f", "fhir", path], raw)
        check_status(rep, rc, err, why)
        out_obj = out_docs = None
        try:
            out_obj = loads(out.decode("utf-8"))
        except UnicodeDecodeError:
            rep.add("structure", "the output is not UTF-8")
        except ValueError as e:
            rep.add("structure", "the output is not JSON (%s)" %
                    str(e).split(":")[0])
        if out_obj is not None:
            out_docs, out_types = bundle_docs(out_obj, nameof)
            if out_docs is None:
                rep.add("structure", "the output is not a Bundle")
            else:
                i = first_difference(in_types, out_types)
                if len(out_types) != len(in_types):
                    rep.add("structure", "%d entries in the input, %d in the "
                            "output; the resourceTypes first differ at entry "
                            "%d" % (len(in_types), len(out_types), i))
                elif i is not None:
                    rep.add("structure", "entry %d: %s in the input, %s in "
                            "the output" % (i, nameof(in_types[i]),
                                            nameof(out_types[i])))
        if out_docs is None:
            out_docs = [(out_obj if out_obj is not None
                         else out.decode("utf-8", "replace"), "output", None)]
        out_side = Side(out_docs)
        T["attachments"] += out_side.att
        if out_side.bad_b64:
            rep.add("structure", "%d attachment data not base64" %
                    out_side.bad_b64)
        aligned = ("structure" not in rep.kinds and
                   len(out_docs) == len(in_docs))
        if aligned:
            idx_out = bundle_index(out_docs)
            bundle_index(out_docs, n, union_out)
            out_cls = classify(out_side, idx_out, False)
            dangling_out += check_refs(rep, in_side, out_side, in_cls, out_cls,
                                       known)
        else:
            rep.summary("references not compared: the output's entries differ")
        check_inventory(rep, in_side, out_side, bysource.get(f, []), False)
        T["struct"] += rep.kinds["structure"]
        T["refbad"] += rep.kinds["refs"]
        rep.flush("%d entries, %d references (%d resolve in the input), %d "
                  "inventory values, %d attachments decoded" % (
                      len(in_types), sum(nin.values()), nin["ok"],
                      len(bysource.get(f, [])), out_side.att))
    # References that no Bundle resolves alone: do they point into another?
    if dangling_in:
        nx = sum(1 for ref in dangling_in
                 if resolve(ref, union_in, None, None, False)[0] == "ok")
        no = sum(1 for ref in dangling_out
                 if resolve(ref, union_out, None, None, False)[0] == "ok")
        T["crossbundle"] += nx
        T["dangling"] += len(dangling_in) - nx
        say("%s: %d reference(s) do not resolve within their Bundle in the "
            "input: %d point into another Bundle of the set (unresolvable by "
            "design; in the outputs %d of them resolve across Bundles), %d "
            "nowhere" % (name, len(dangling_in), nx, no,
                         len(dangling_in) - nx))

def first_difference(a, b):
    """The first index where two lists of resourceTypes differ, or None."""
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))

def ndjson_lines(data):
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines

def check_export(name, folder, rows):
    label = name
    rep = Report(label)
    names = sorted(f for f in os.listdir(folder) if f.endswith(".ndjson"))
    files, left = [], []
    for f in names:
        with open(os.path.join(folder, f), "rb") as fh:
            first = fh.readline()
        try:
            head = json.loads(first)
            ok = isinstance(head, dict) and "resourceType" in head
        except ValueError:
            ok = False
        (files if ok else left).append(f)
    if left:
        say("%s: left out, not FHIR resources: %s" % (name, ", ".join(left)))
    first = [f for t in WHO for f in files if f.split(".")[0] == t]
    files = first + [f for f in files if f not in first]
    in_docs, counts, raws = [], [], []
    for f in files:
        with open(os.path.join(folder, f), "rb") as fh:
            raw = fh.read()
        raws.append(raw if raw.endswith(b"\n") or not raw else raw + b"\n")
        lines = ndjson_lines(raw.decode("utf-8"))
        counts.append(len(lines))
        for k, line in enumerate(lines, 1):
            try:
                obj = loads(line)
            except ValueError:
                rep.add("error", "%s line %d of the input is not JSON" % (
                    f, k))
                T["errors"] += 1
                obj = {}
            in_docs.append((obj, "%s line %d" % (f, k), obj))
    T["files"] += len(files)
    T["resources"] += len(in_docs)
    in_types = [o.get("resourceType") if isinstance(o, dict) else None
                for o, _, _ in in_docs]
    known = set(in_types)
    nameof = lambda t: t if t in known else "<other>"
    in_side = Side(in_docs)
    idx_in = Index()
    for d, (o, _, _) in enumerate(in_docs):
        idx_in.add(o, d)
    in_cls = classify(in_side, idx_in, True)
    nin, bad = input_refs(in_cls)
    if bad:
        rep.add("checker", "CHECKER BROKEN? %d reference(s) do not resolve "
                "in the unmodified input (%s)" % (len(bad), ", ".join(sorted(
                    set(ref_form(r, known) for r in bad)))))
        T["checker"] += len(bad)
    out, rc, err, why = run([binary, "-f", "ndjson"] +
                            [os.path.join(folder, f) for f in files],
                            b"".join(raws))
    check_status(rep, rc, err, why)
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError:
        rep.add("structure", "the output is not UTF-8")
        text = out.decode("utf-8", "replace")
    lines = ndjson_lines(text)
    aligned = len(lines) == len(in_docs)
    out_docs, badjson, mismatch, out_types = [], 0, None, []
    for k, line in enumerate(lines):
        lab = in_docs[k][1] if aligned else "output line %d" % (k + 1)
        try:
            obj = loads(line)
        except ValueError:
            badjson += 1
            out_docs.append((line, lab, None))
            out_types.append(None)
            continue
        out_docs.append((obj, lab, obj if isinstance(obj, dict) else None))
        t = obj.get("resourceType") if isinstance(obj, dict) else None
        out_types.append(t)
        if aligned and mismatch is None and t != in_types[k]:
            mismatch = "%s: %s in the input, %s in the output" % (
                lab, nameof(in_types[k]), nameof(t))
    if not aligned:
        i = first_difference(in_types, out_types)
        rep.add("structure", "%d lines in the input, %d in the output; the "
                "resourceTypes first differ at %s" % (
                    len(in_docs), len(lines),
                    in_docs[i][1] if i < len(in_docs) else "the end"))
    if badjson:
        rep.add("structure", "%d output line(s) are not JSON" % badjson)
    if mismatch:
        rep.add("structure", mismatch)
    out_side = Side(out_docs)
    T["attachments"] += out_side.att
    if out_side.bad_b64:
        rep.add("structure", "%d attachment data not base64" %
                out_side.bad_b64)
    if "structure" not in rep.kinds:
        idx_out = Index()
        for d, (o, _, _) in enumerate(out_docs):
            idx_out.add(o, d)
        out_cls = classify(out_side, idx_out, True)
        check_refs(rep, in_side, out_side, in_cls, out_cls, known)
    else:
        rep.summary("references not compared: the output's lines differ")
    check_inventory(rep, in_side, out_side, rows, True)
    T["struct"] += rep.kinds["structure"]
    T["refbad"] += rep.kinds["refs"]
    rep.flush("%d files (%s), %d resources, %d references (%d resolve in the "
              "input, %d unresolvable by design), %d inventory values, %d "
              "attachments decoded" % (
                  len(files),
                  " ".join("%s:%d" % fc for fc in zip(files, counts)),
                  len(in_docs), sum(nin.values()), nin["ok"], nin["design"],
                  len(rows), out_side.att))

# --- main --------------------------------------------------------------------

sets = sorted(f[:-len(".phi-inventory.jsonl")] for f in os.listdir(corpus)
              if f.endswith(".phi-inventory.jsonl"))
nsets = 0
for name in sets:
    folder = os.path.join(corpus, name)
    rows = load_inventory(os.path.join(corpus, name + ".phi-inventory.jsonl"))
    if not os.path.isdir(folder):
        say("%s: an inventory without its folder" % name)
        T["errors"] += 1
        continue
    nsets += 1
    if any(f.endswith(".ndjson") for f in os.listdir(folder)):
        T["exports"] += 1
        check_export(name, folder, rows)
    else:
        T["bundlesets"] += 1
        check_bundles(name, folder, rows)

elapsed = time.time() - started
cats = ", ".join("%s %d" % (k[5:], v) for k, v in sorted(T.items())
                 if k.startswith("leak:"))
head = "fhir-leakcheck%s" % (" --self-test" if selftest else "")
print("%s: %d sets (%d of Bundles, %d of NDJSON), %d files, %d resources; "
      "references: %d in the input, %d checked, %d cross-Bundle, %d "
      "unresolvable by design; %d inventory values checked, %d leaks%s; %d "
      "attachments decoded" % (
          head, nsets, T["bundlesets"], T["exports"], T["files"],
          T["resources"], T["in_refs"], T["refs"], T["crossbundle"],
          T["design"], T["values"], T["leaks"], " (%s)" % cats if cats else "",
          T["attachments"]))
print("%s: %d structure problems, %d reference problems, %d unevaluated, %d "
      "errors; %.1fs (phiscrub %.1fs)" % (
          head, T["struct"], T["refbad"], T["unevaluated"], T["errors"],
          elapsed, bin_time))
if T["checker"] or T["dangling"] or not T["values"]:
    print("fhir-leakcheck: the checker is broken or the corpus changed: %d "
          "inventory values not found in their own input, %d input references "
          "that resolve nowhere" % (T["checker"], T["dangling"]))
    sys.exit(1)
if selftest:
    good = (T["leaks"] == T["values"] and not T["struct"] and not T["refbad"]
            and not T["errors"])
    print("fhir-leakcheck --self-test: %s" % (
        "the checks find every inventory value in the unmodified input, and "
        "nothing else wrong" if good else "FAILED: the checker is broken"))
    sys.exit(0 if good else 1)
sys.exit(1 if T["leaks"] or T["struct"] or T["refbad"] or T["unevaluated"]
         or T["errors"] else 0)
PY
