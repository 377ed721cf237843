/* SPDX-License-Identifier: MIT */
/*
 * dict.c: dictionaries of folded words and phrases.  A dictionary is an
 * open-addressing table of 64-bit FNV-1a hashes with the folded entry kept
 * in an arena for an exact compare, so a lookup is one hash and, almost
 * always, one probe.  Entries are folded once at load time (uni.c);
 * multi-word entries are stored with single spaces between folded words.
 */
#include <string.h>

#include "phiscrub-int.h"

uint64_t
px_hash_more(uint64_t h, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		h = px_hash_step(h, (unsigned char)s[i]);
	return h;
}

/* Hash of a folded string; never 0, which marks an empty slot. */
uint64_t
px_hash(const char *s, size_t len)
{
	uint64_t h = px_hash_more(PX_HASH_START, s, len);

	return h != 0 ? h : 1;
}

struct px_dict *
px_dict_new(const char *name, const char *file, const char *dir)
{
	struct px_dict *d;

	if ((d = px_calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->name = px_strdup(name);
	d->file = px_strdup(file != NULL ? file : "");
	d->dir = px_strdup(dir != NULL ? dir : "");
	if (d->name == NULL || d->file == NULL || d->dir == NULL) {
		px_dict_free(d);
		return NULL;
	}
	return d;
}

void
px_dict_free(struct px_dict *d)
{
	if (d == NULL)
		return;
	px_free(d->name);
	px_free(d->file);
	px_free(d->dir);
	px_free(d->text);
	px_free(d->hashes);
	px_free(d->offs);
	px_free(d->arena);
	px_free(d->vals);
	px_free(d->bloom);
	px_free(d->order);
	px_dict_free(d->prefix);
	px_free(d);
}

static int
bloom_build(struct px_dict *d)
{
	size_t bits = 1024, i;

	while (bits < d->nentries * 8)
		bits *= 2;
	if ((d->bloom = px_calloc(bits / 64, sizeof(uint64_t))) == NULL)
		return PHI_ENOMEM;
	d->bloom_mask = bits - 1;
	for (i = 0; i < d->nslots; i++) {
		uint64_t h = d->hashes[i], a, b;

		if (h == 0)
			continue;
		a = (h >> 7) & d->bloom_mask;
		b = (h >> 37) & d->bloom_mask;
		d->bloom[a >> 6] |= 1ULL << (a & 63);
		d->bloom[b >> 6] |= 1ULL << (b & 63);
	}
	return PHI_OK;
}

/* Slot of the folded entry s, or -1. */
static long
slot(const struct px_dict *d, uint64_t h, const char *s, size_t len)
{
	size_t mask, i;

	if (!px_dict_maybe(d, h))
		return -1;
	mask = d->nslots - 1;
	for (i = (size_t)h & mask; d->hashes[i] != 0; i = (i + 1) & mask) {
		const char *e;

		if (d->hashes[i] != h)
			continue;
		e = d->arena + d->offs[i];
		if (memcmp(e, s, len) == 0 && e[len] == '\0')
			return (long)i;
	}
	return -1;
}

int
px_dict_has(const struct px_dict *d, uint64_t h, const char *s, size_t len)
{
	return slot(d, h, s, len) >= 0;
}

uint64_t
px_dict_value(const struct px_dict *d, uint64_t h, const char *s, size_t len)
{
	long i = slot(d, h, s, len);

	return i >= 0 && d->vals != NULL ? d->vals[i] : 0;
}

/* OR v into the value of folded entry s, which must be in d. */
int
px_dict_set_value(struct px_dict *d, const char *s, size_t len, uint64_t v)
{
	long i = slot(d, px_hash(s, len), s, len);

	if (i < 0)
		return PHI_EINVAL;
	if (d->vals == NULL && (d->vals = px_calloc(d->nslots,
	    sizeof(*d->vals))) == NULL)
		return PHI_ENOMEM;
	d->vals[i] |= v;
	return PHI_OK;
}

/* Add folded entry key of hash h (px_hash()); *at is its slot. */
static inline int
insert(struct px_dict *d, const char *key, size_t len, uint64_t h,
    size_t *arena_cap, size_t *at)
{
	size_t mask = d->nslots - 1, i;

	for (i = (size_t)h & mask; d->hashes[i] != 0; i = (i + 1) & mask)
		if (d->hashes[i] == h &&
		    strcmp(d->arena + d->offs[i], key) == 0) {
			*at = i;
			return PHI_OK;		/* duplicate after folding */
		}
	*at = i;
	if (d->arena_len + len + 1 > *arena_cap && px_grow((void **)&d->arena,
	    arena_cap, d->arena_len + len + 1, 1) != PHI_OK)
		return PHI_ENOMEM;
	memcpy(d->arena + d->arena_len, key, len + 1);
	if (d->norder + 1 > d->ordcap && px_grow((void **)&d->order,
	    &d->ordcap, d->norder + 1, sizeof(*d->order)) != PHI_OK)
		return PHI_ENOMEM;
	d->order[d->norder++] = (uint32_t)d->arena_len;
	d->hashes[i] = h;
	d->offs[i] = (uint32_t)d->arena_len;
	d->arena_len += len + 1;
	d->nentries++;
	return PHI_OK;
}

/*
 * Fold one line into key: each word folded, words joined by one space.
 * Returns the number of words, 0 for an empty line, or a negative status.
 */
static int
fold_entry(const char *s, size_t len, char *key, size_t cap, size_t *klen)
{
	size_t i = 0, n, out = 0;
	int words = 0, rc;

	while (i < len) {
		size_t j;

		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len)
			break;
		for (j = i; j < len && s[j] != ' ' && s[j] != '\t'; j++)
			;
		if (words > 0) {
			if (out + 1 >= cap)
				return PHI_ELIMIT;
			key[out++] = ' ';
		}
		if ((rc = px_fold(s + i, j - i, key + out, cap - out - 1,
		    &n)) != PHI_OK)
			return rc;
		out += n;
		words++;
		i = j;
	}
	key[out] = '\0';
	*klen = out;
	return words;
}

/*
 * fold_entry() of an ASCII line, as px_fold() folds ASCII (A-Z lowered),
 * hashing as it goes: *h is px_hash() of key, *h1 that of its first word,
 * *len1 the first word's length.  Returns the number of words, or -1 at a
 * byte >= 0x80 (the line takes fold_entry()).  key holds len bytes.
 */
static int
fold_ascii(const char *s, size_t len, char *key, size_t *klen, uint64_t *h,
    uint64_t *h1, size_t *len1)
{
	uint64_t x = PX_HASH_START;
	size_t i = 0, out = 0;
	int words = 0;

	*h1 = 0;
	*len1 = 0;
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len)
			break;
		if (words == 1) {
			*h1 = x != 0 ? x : 1;
			*len1 = out;
		}
		if (words > 0) {
			key[out++] = ' ';
			x = px_hash_step(x, ' ');
		}
		for (; i < len && s[i] != ' ' && s[i] != '\t'; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c >= 0x80)
				return -1;
			if (c >= 'A' && c <= 'Z')
				c += 32;
			key[out++] = (char)c;
			x = px_hash_step(x, c);
		}
		words++;
	}
	key[out] = '\0';
	*klen = out;
	*h = x != 0 ? x : 1;
	if (words == 1) {
		*h1 = *h;
		*len1 = out;
	}
	return words;
}

/* Number of '\n' in text: eight bytes at a time. */
static size_t
count_lines(const char *text, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL, lo7 = 0x7f7f7f7f7f7f7f7fULL;
	size_t i = 0, n = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w, t;

		memcpy(&w, text + i, 8);
		t = w ^ (ones * '\n');		/* 0 where a '\n' was */
		t = ((t & lo7) + lo7) | t;	/* high bit: byte not 0 */
		/* one per '\n' in each byte, summed by the multiply */
		n += (size_t)((((~t & (ones << 7)) >> 7) * ones) >> 56);
	}
	for (; i < len; i++)
		n += text[i] == '\n';
	return n;
}

/*
 * Load entries from text: one per line, '#' starts a comment line, blank
 * lines ignored.  Errors name the dictionary and line, never an entry.
 */
/* A phrase's first word, kept until the prefix table is sized. */
struct first_word {
	uint64_t h;
	uint32_t off;			/* the phrase in d->arena */
	uint32_t len;
};

int
px_dict_load(struct px_dict *d, const char *text, size_t len,
    struct phi_error *err)
{
	char key[PX_DICT_ENTRY_MAX * 4];
	struct first_word *fw = NULL;
	size_t nlines, i, arena_cap, pcap = 0, klen = 0, at, nfw = 0, fwcap = 0,
	    len1;
	const char *p, *end = text + len;
	uint64_t h, h1;
	int line = 0, words, rc = PHI_OK;

	if (len > PX_DICT_MAX_BYTES)
		return px_error(err, PHI_ELIMIT,
		    "dictionary '%s' is larger than %d bytes", d->name,
		    PX_DICT_MAX_BYTES);
	nlines = count_lines(text, len);
	d->nslots = 16;
	while (d->nslots < (nlines + 1) * 2)
		d->nslots *= 2;
	d->hashes = px_calloc(d->nslots, sizeof(*d->hashes));
	d->offs = px_calloc(d->nslots, sizeof(*d->offs));
	/* folded entries are rarely longer than their lines: no regrowth */
	arena_cap = len + 1;
	d->arena = px_malloc(arena_cap);
	d->ordcap = nlines + 1;
	d->order = px_malloc(d->ordcap * sizeof(*d->order));
	if (d->hashes == NULL || d->offs == NULL || d->arena == NULL ||
	    d->order == NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	if ((d->prefix = px_dict_new(d->name, NULL, NULL)) == NULL)
		return px_error(err, PHI_ENOMEM, "out of memory");
	for (p = text; p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		line++;
		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (l > 0 && p[0] != '#') {
			words = l < PX_DICT_ENTRY_MAX ? fold_ascii(p, l, key,
			    &klen, &h, &h1, &len1) : -1;
			if (words < 0) {
				if (px_utf8_valid_prefix(p, l) != l) {
					rc = px_error(err, PHI_EPACK,
					    "dictionary '%s' line %d: invalid "
					    "UTF-8", d->name, line);
					goto out;
				}
				if (l >= PX_DICT_ENTRY_MAX) {
					rc = px_error(err, PHI_EPACK,
					    "dictionary '%s' line %d: entry "
					    "longer than %d bytes", d->name,
					    line, PX_DICT_ENTRY_MAX);
					goto out;
				}
				words = fold_entry(p, l, key, sizeof(key),
				    &klen);
				if (words < 0) {
					rc = px_error(err, words,
					    "dictionary '%s' line %d: %s",
					    d->name, line, phi_strerror(words));
					goto out;
				}
				h = px_hash(key, klen);
				if (words > 1) {
					len1 = (size_t)((char *)memchr(key, ' ',
					    klen) - key);
					h1 = px_hash(key, len1);
				}
			}
			if (words > PX_DICT_NGRAM_MAX) {
				rc = px_error(err, PHI_EPACK,
				    "dictionary '%s' line %d: more than %d "
				    "words", d->name, line, PX_DICT_NGRAM_MAX);
				goto out;
			}
			if (words > 0) {
				if ((rc = insert(d, key, klen, h, &arena_cap,
				    &at)) != PHI_OK) {
					rc = px_error(err, rc, "out of memory");
					goto out;
				}
				if (words > d->max_words)
					d->max_words = words;
				/* first words of phrases: n-gram lookups
				 * start only at these */
				if (words > 1) {
					if (nfw + 1 > fwcap && px_grow((void **)
					    &fw, &fwcap, nfw + 1,
					    sizeof(*fw)) != PHI_OK) {
						rc = px_error(err, PHI_ENOMEM,
						    "out of memory");
						goto out;
					}
					fw[nfw].h = h1;
					fw[nfw].off = d->offs[at];
					fw[nfw++].len = (uint32_t)len1;
				}
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	/* sized by the phrases, not the lines: most dictionaries have few */
	d->prefix->nslots = 16;
	while (d->prefix->nslots < (nfw + 1) * 2)
		d->prefix->nslots *= 2;
	d->prefix->hashes = px_calloc(d->prefix->nslots, sizeof(*d->hashes));
	d->prefix->offs = px_calloc(d->prefix->nslots, sizeof(*d->offs));
	if (d->prefix->hashes == NULL || d->prefix->offs == NULL) {
		rc = px_error(err, PHI_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nfw; i++) {
		memcpy(key, d->arena + fw[i].off, fw[i].len);
		key[fw[i].len] = '\0';
		if (insert(d->prefix, key, fw[i].len, fw[i].h, &pcap,
		    &at) != PHI_OK) {
			rc = px_error(err, PHI_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (bloom_build(d) != PHI_OK || (d->prefix->nentries > 0 &&
	    bloom_build(d->prefix) != PHI_OK))
		rc = px_error(err, PHI_ENOMEM, "out of memory");
out:
	px_free(fw);
	return rc;
}

/*
 * Add the one-word entries of src to lex, OR-ing v into their values.
 * Slot by slot, with the hashes src keeps: no hashing and no second probe
 * for the value.  The order of insertion changes where entries sit in lex,
 * never what a lookup answers.
 */
static int
lexicon_add(struct px_dict *lex, const struct px_dict *src, uint64_t v,
    size_t *arena_cap)
{
	size_t i, at;
	int rc;

	for (i = 0; i < src->nslots; i++) {
		const char *e = src->arena + src->offs[i];

		/* phrases never equal a token; one-word ones hold no space */
		if (src->hashes[i] == 0 || (src->max_words > 1 &&
		    strchr(e, ' ') != NULL))
			continue;
		if ((rc = insert(lex, e, strlen(e), src->hashes[i], arena_cap,
		    &at)) != PHI_OK)
			return rc;
		lex->vals[at] |= v;
	}
	return PHI_OK;
}

/*
 * The lexicon: every word of dictionaries 0..n-1 (n <= 32) once, its value
 * bit i when dictionary i holds it and bit 32 + i when a phrase of
 * dictionary i starts with it.  A token then costs one probe for all the
 * dictionaries instead of one per dictionary it is asked about.  Entries
 * are copied as folded at load time, not folded again.
 */
int
px_lexicon_build(struct px_dict **lexp, struct px_dict *const *dicts,
    size_t n)
{
	struct px_dict *lex;
	size_t i, total = 0, bytes = 1, arena_cap;
	int rc = PHI_OK;

	*lexp = NULL;
	for (i = 0; i < n; i++) {
		total += dicts[i]->norder + (dicts[i]->prefix != NULL ?
		    dicts[i]->prefix->norder : 0);
		bytes += dicts[i]->arena_len + (dicts[i]->prefix != NULL ?
		    dicts[i]->prefix->arena_len : 0);
	}
	if ((lex = px_dict_new("lexicon", NULL, NULL)) == NULL)
		return PHI_ENOMEM;
	lex->nslots = 16;
	while (lex->nslots < total * 2)
		lex->nslots *= 2;
	lex->hashes = px_calloc(lex->nslots, sizeof(*lex->hashes));
	lex->offs = px_calloc(lex->nslots, sizeof(*lex->offs));
	lex->vals = px_calloc(lex->nslots, sizeof(*lex->vals));
	/* all the words fit: no regrowth */
	arena_cap = bytes;
	lex->arena = px_malloc(arena_cap);
	lex->ordcap = total + 1;
	lex->order = px_malloc(lex->ordcap * sizeof(*lex->order));
	if (lex->hashes == NULL || lex->offs == NULL || lex->vals == NULL ||
	    lex->arena == NULL || lex->order == NULL)
		rc = PHI_ENOMEM;
	for (i = 0; i < n && rc == PHI_OK; i++) {
		rc = lexicon_add(lex, dicts[i], 1ULL << i, &arena_cap);
		if (rc == PHI_OK && dicts[i]->prefix != NULL)
			rc = lexicon_add(lex, dicts[i]->prefix, 1ULL << (32 +
			    i), &arena_cap);
	}
	/* the order of entries is not needed: no value lists */
	px_free(lex->order);
	lex->order = NULL;
	lex->norder = lex->ordcap = 0;
	if (rc != PHI_OK) {
		px_dict_free(lex);
		return rc;
	}
	*lexp = lex;
	return PHI_OK;
}
