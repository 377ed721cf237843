/* SPDX-License-Identifier: MIT */
/*
 * json.c: a strict JSON (RFC 8259) parser into a flat tree, and its writer.
 *
 * Why our own: the FHIR reader needs every string decoded (\uXXXX and
 * surrogate pairs) for the detectors, the raw token kept so that an
 * unchanged string or number goes out byte for byte, duplicate keys and
 * nesting bombs refused, and errors located without quoting input.  A flat
 * array of nodes costs one allocation per document instead of one per
 * value, and the lexer runs at memory speed next to the detectors (libfyaml
 * parses JSON at 16-38 MB/s, see PERFORMANCE.md); a DOM library would need
 * the same bookkeeping on top.
 *
 * Nodes refer to each other by index; strings live in one arena.  The
 * writer leaves out deleted nodes, writes replaced strings escaped, and
 * everything else from the input as it was, compact or indented.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phiscrub-int.h"

struct jp {
	struct px_json *j;
	const char *s;
	size_t n;
	size_t i;
	int depth;
	const char *why;
	size_t where;			/* byte offset of the error */
	uint32_t at;			/* innermost node at the error */
	uint32_t pkey, pklen;		/* member name of the next value */
};

static int
fail(struct jp *p, const char *why)
{
	if (p->why == NULL) {
		p->why = why;
		p->where = p->i;
	}
	return -1;
}

static void
ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
	    p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

/* Append n bytes to the arena; returns the offset, or UINT32_MAX. */
uint32_t
px_json_store(struct px_json *j, const char *s, size_t n)
{
	uint32_t off;

	if (j->alen + n + 1 > UINT32_MAX ||
	    px_grow((void **)&j->arena, &j->acap, j->alen + n + 1, 1) !=
	    PHI_OK)
		return UINT32_MAX;
	off = (uint32_t)j->alen;
	if (n > 0)
		memcpy(j->arena + off, s, n);
	j->arena[off + n] = '\0';
	j->alen += n + 1;
	return off;
}

/* A new node, child of parent (appended), or PX_JNONE on ENOMEM. */
uint32_t
px_json_node(struct px_json *j, uint32_t parent, int type)
{
	struct px_jnode *x;
	uint32_t id;

	if (j->nn >= UINT32_MAX - 1 || px_grow((void **)&j->n, &j->ncap,
	    j->nn + 1, sizeof(*j->n)) != PHI_OK)
		return PX_JNONE;
	id = (uint32_t)j->nn++;
	x = &j->n[id];
	memset(x, 0, sizeof(*x));
	x->type = (uint8_t)type;
	x->parent = parent;
	x->first = x->last = x->next = PX_JNONE;
	x->key = x->raw = x->val = x->rv = PX_JNONE;
	if (parent != PX_JNONE) {
		struct px_jnode *pa = &j->n[parent];

		if (pa->last == PX_JNONE)
			pa->first = id;
		else
			j->n[pa->last].next = id;
		pa->last = id;
		pa->nkids++;
	}
	return id;
}

static int
hex4(const char *s, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*v |= (unsigned)((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	return 0;
}

/* Code point cp (valid, not a surrogate) as UTF-8 into o; its length. */
size_t
px_utf8_put(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The string token at p->i (its opening quote): decoded into the arena.
 * *off, *len give the decoded text, *esc whether it had escapes.
 */
static int
string(struct jp *p, uint32_t *off, uint32_t *len, int *esc)
{
	struct px_json *j = p->j;
	size_t start = ++p->i, run, i;
	unsigned cp, lo, plain = 1;

	*esc = 0;
	/* the decoded text is never longer than the raw token; most strings
	 * have no escape and no control character: plain */
	for (i = start; i < p->n && p->s[i] != '"'; i++) {
		plain &= (unsigned char)p->s[i] >= 0x20;
		if (p->s[i] == '\\') {
			plain = 0;
			i++;
		}
	}
	if (i >= p->n)
		return fail(p, "unterminated string");
	if (j->alen + (i - start) + 1 > UINT32_MAX ||
	    px_grow((void **)&j->arena, &j->acap, j->alen + (i - start) + 1,
	    1) != PHI_OK)
		return fail(p, "out of memory");
	*off = (uint32_t)j->alen;
	/* a plain string is one run of the loop below */
	if (plain && p->i < i) {
		if ((run = px_utf8_valid_prefix(p->s + p->i, i - p->i)) !=
		    i - p->i) {
			p->i += run;
			return fail(p, "invalid UTF-8 in string");
		}
		memcpy(j->arena + j->alen, p->s + p->i, i - p->i);
		j->alen += i - p->i;
		p->i = i;
	}
	while (p->i < p->n) {
		unsigned char c = (unsigned char)p->s[p->i];

		if (c == '"')
			break;
		if (c < 0x20)
			return fail(p, "control character in string");
		if (c != '\\') {
			/* a run of plain bytes, UTF-8 checked at once */
			for (run = p->i; run < p->n && p->s[run] != '"' &&
			    p->s[run] != '\\' &&
			    (unsigned char)p->s[run] >= 0x20; run++)
				;
			if (px_utf8_valid_prefix(p->s + p->i, run - p->i) !=
			    run - p->i) {
				p->i += px_utf8_valid_prefix(p->s + p->i,
				    run - p->i);
				return fail(p, "invalid UTF-8 in string");
			}
			memcpy(j->arena + j->alen, p->s + p->i, run - p->i);
			j->alen += run - p->i;
			p->i = run;
			continue;
		}
		*esc = 1;
		if (p->i + 1 >= p->n)
			return fail(p, "unterminated string");
		c = (unsigned char)p->s[++p->i];
		p->i++;
		switch (c) {
		case '"': case '\\': case '/':
			j->arena[j->alen++] = (char)c;
			continue;
		case 'b': j->arena[j->alen++] = '\b'; continue;
		case 'f': j->arena[j->alen++] = '\f'; continue;
		case 'n': j->arena[j->alen++] = '\n'; continue;
		case 'r': j->arena[j->alen++] = '\r'; continue;
		case 't': j->arena[j->alen++] = '\t'; continue;
		case 'u':
			break;
		default:
			p->i -= 2;
			return fail(p, "bad escape in string");
		}
		if (p->i + 4 > p->n || hex4(p->s + p->i, &cp) != 0) {
			p->i -= 2;
			return fail(p, "bad \\u escape in string");
		}
		p->i += 4;
		if (cp >= 0xdc00 && cp <= 0xdfff) {
			p->i -= 6;
			return fail(p, "lone low surrogate in string");
		}
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (p->i + 6 > p->n || p->s[p->i] != '\\' ||
			    p->s[p->i + 1] != 'u' ||
			    hex4(p->s + p->i + 2, &lo) != 0 ||
			    lo < 0xdc00 || lo > 0xdfff) {
				p->i -= 6;
				return fail(p, "lone high surrogate in "
				    "string");
			}
			p->i += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (cp == 0) {
			p->i -= 6;
			return fail(p, "NUL character in string");
		}
		j->alen += px_utf8_put(j->arena + j->alen, cp);
	}
	*len = (uint32_t)(j->alen - *off);
	j->arena[j->alen++] = '\0';
	p->i++;			/* closing quote */
	return 0;
}

static int
number(struct jp *p)
{
	size_t i = p->i;
	const char *s = p->s;

	if (i < p->n && s[i] == '-')
		i++;
	if (i < p->n && s[i] == '0')
		i++;
	else if (i < p->n && s[i] >= '1' && s[i] <= '9')
		while (i < p->n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return fail(p, "bad number");
	if (i < p->n && s[i] == '.') {
		if (++i >= p->n || s[i] < '0' || s[i] > '9')
			return fail(p, "bad number");
		while (i < p->n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < p->n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= p->n || s[i] < '0' || s[i] > '9')
			return fail(p, "bad number");
		while (i < p->n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	p->i = i;
	return 0;
}

static int
keycmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Reject an object whose members repeat a name. */
static int
dupkeys(struct jp *p, uint32_t obj)
{
	struct px_json *j = p->j;
	uint32_t k, m;
	uint64_t *h, small[16];
	size_t i, n = j->n[obj].nkids;

	if (n < 2)
		return 0;
	if (n <= 8) {
		for (k = j->n[obj].first; k != PX_JNONE; k = j->n[k].next)
			for (m = j->n[k].next; m != PX_JNONE; m = j->n[m].next)
				if (j->n[k].klen == j->n[m].klen &&
				    memcmp(j->arena + j->n[k].key, j->arena +
				    j->n[m].key, j->n[k].klen) == 0) {
					p->at = m;
					return fail(p, "duplicate key");
				}
		return 0;
	}
	h = n <= PX_NELEM(small) ? small : px_malloc(n * sizeof(*h));
	if (h == NULL)
		return fail(p, "out of memory");
	for (i = 0, k = j->n[obj].first; k != PX_JNONE; k = j->n[k].next)
		h[i++] = px_hash(j->arena + j->n[k].key, j->n[k].klen);
	qsort(h, n, sizeof(*h), keycmp);
	for (i = 1; i < n; i++)
		if (h[i] == h[i - 1])
			break;
	if (h != small)
		px_free(h);
	if (i < n) {
		p->at = obj;
		return fail(p, "duplicate key");
	}
	return 0;
}

static int value(struct jp *, uint32_t, uint32_t *);

static int
container(struct jp *p, uint32_t x, int obj)
{
	char close = obj ? '}' : ']';
	uint32_t kid, koff, klen;
	int esc;

	if (++p->depth > PX_JSON_DEPTH_MAX)
		return fail(p, "nesting too deep");
	p->i++;
	ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		p->depth--;
		return 0;
	}
	for (;;) {
		ws(p);
		if (obj) {
			if (p->i >= p->n || p->s[p->i] != '"')
				return fail(p, "expected a member name");
			if (string(p, &koff, &klen, &esc) != 0)
				return -1;
			p->pkey = koff;
			p->pklen = klen;
			ws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return fail(p, "expected ':'");
			p->i++;
			ws(p);
		}
		if (!obj)
			p->pkey = PX_JNONE;
		if (value(p, x, &kid) != 0)
			return -1;
		ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			break;
		}
		return fail(p, obj ? "expected ',' or '}'" :
		    "expected ',' or ']'");
	}
	p->depth--;
	return obj ? dupkeys(p, x) : 0;
}

static int
value(struct jp *p, uint32_t parent, uint32_t *id)
{
	struct px_json *j = p->j;
	size_t start;
	uint32_t x, off, len;
	int type, esc;
	char c;

	ws(p);
	if (p->i >= p->n)
		return fail(p, "unexpected end of input");
	c = p->s[p->i];
	switch (c) {
	case '{': type = PX_J_OBJ; break;
	case '[': type = PX_J_ARR; break;
	case '"': type = PX_J_STR; break;
	case 't': type = PX_J_TRUE; break;
	case 'f': type = PX_J_FALSE; break;
	case 'n': type = PX_J_NULL; break;
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			type = PX_J_NUM;
			break;
		}
		return fail(p, "unexpected character");
	}
	if ((x = px_json_node(j, parent, type)) == PX_JNONE)
		return fail(p, "out of memory");
	if (j->nn > PX_JSON_NODES_MAX)
		return fail(p, "too many values");
	*id = x;
	p->at = x;
	if (p->pkey != PX_JNONE) {
		j->n[x].key = p->pkey;
		j->n[x].klen = p->pklen;
		p->pkey = PX_JNONE;
	}
	start = p->i;
	j->n[x].raw = (uint32_t)start;
	switch (type) {
	case PX_J_OBJ:
	case PX_J_ARR:
		if (container(p, x, type == PX_J_OBJ) != 0)
			return -1;
		break;
	case PX_J_STR:
		if (string(p, &off, &len, &esc) != 0)
			return -1;
		j->n[x].val = off;
		j->n[x].vlen = len;
		j->n[x].esc = (uint8_t)esc;
		break;
	case PX_J_NUM:
		if (number(p) != 0)
			return -1;
		break;
	default: {
		const char *w = type == PX_J_TRUE ? "true" : type ==
		    PX_J_FALSE ? "false" : "null";
		size_t wl = strlen(w);

		if (p->n - p->i < wl || memcmp(p->s + p->i, w, wl) != 0)
			return fail(p, "unexpected word");
		p->i += wl;
	}
	}
	j->n[x].rlen = (uint32_t)(p->i - start);
	return 0;
}

void
px_json_clear(struct px_json *j)
{
	j->nn = 0;
	j->alen = 0;
	j->src = NULL;
	j->len = 0;
}

void
px_json_free(struct px_json *j)
{
	px_free(j->n);
	px_wipe_free(j->arena, j->acap);
	memset(j, 0, sizeof(*j));
}

/* A member name fit to print in a location: an element name. */
static int
printable_key(const char *k, size_t n)
{
	size_t i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' &&
		    k[i] <= 'Z') || (k[i] >= '0' && k[i] <= '9') ||
		    k[i] == '_'))
			return 0;
	return 1;
}

/*
 * The location of node x as a JSON path: $.entry[3].resource.name[0].
 * Member names that are not element names print as [?]: a path never
 * quotes input text.
 */
void
px_json_path(const struct px_json *j, uint32_t x, char *out, size_t cap)
{
	uint32_t chain[PX_JSON_DEPTH_MAX + 2], k, c;
	size_t n = 0, o;
	int i;

	for (k = x; k != PX_JNONE && n < PX_NELEM(chain); k = j->n[k].parent)
		chain[n++] = k;
	o = (size_t)snprintf(out, cap, "$");
	for (i = (int)n - 2; i >= 0 && o < cap; i--) {
		/* deep paths: the first steps, then the depth */
		if (n > 16 && i == (int)n - 10) {
			o += (size_t)snprintf(out + o, cap - o, "...(depth %zu)",
			    n - 1);
			break;
		}
		const struct px_jnode *nd = &j->n[chain[i]];
		const struct px_jnode *pa = &j->n[chain[i + 1]];

		if (pa->type == PX_J_ARR) {
			unsigned idx = 0;

			for (c = pa->first; c != chain[i]; c = j->n[c].next)
				idx++;
			o += (size_t)snprintf(out + o, cap - o, "[%u]", idx);
		} else if (printable_key(j->arena + nd->key, nd->klen))
			o += (size_t)snprintf(out + o, cap - o, ".%.*s",
			    (int)nd->klen, j->arena + nd->key);
		else
			o += (size_t)snprintf(out + o, cap - o, ".[?]");
	}
}

/*
 * Parse the one JSON value that s[0, n) holds (whitespace around it
 * allowed) into j, replacing what j held.  Returns PHI_OK, or PHI_EINPUT
 * with err->msg naming line, byte offset and JSON path (never input text),
 * or PHI_ENOMEM.
 */
int
px_json_parse(struct px_json *j, const char *s, size_t n, uint64_t base,
    struct phi_error *err)
{
	struct jp p;
	uint32_t root;
	char path[256];
	size_t i, line = 1;

	px_json_clear(j);
	j->src = s;
	j->len = n;
	memset(&p, 0, sizeof(p));
	p.j = j;
	p.s = s;
	p.n = n;
	p.at = PX_JNONE;
	p.pkey = PX_JNONE;
	if (value(&p, PX_JNONE, &root) == 0) {
		ws(&p);
		if (p.i == n)
			return PHI_OK;
		fail(&p, "text after the value");
		p.at = PX_JNONE;
	}
	if (strcmp(p.why, "out of memory") == 0)
		return px_error(err, PHI_ENOMEM, "out of memory");
	for (i = 0; i < p.where && i < n; i++)
		if (s[i] == '\n')
			line++;
	path[0] = '\0';
	if (p.at != PX_JNONE)
		px_json_path(j, p.at, path, sizeof(path));
	px_error(err, PHI_EINPUT, "byte %llu%s%s: %s",
	    (unsigned long long)(base + p.where), path[0] ? ", at " : "",
	    path, p.why);
	err->line = (int)(line < INT32_MAX ? line : INT32_MAX);
	return PHI_EINPUT;
}

/* --- writer ------------------------------------------------------------ */

struct jw {
	int (*put)(void *, const char *, size_t);
	void *arg;
	int indent;
	int rc;
};

static void
put(struct jw *w, const char *s, size_t n)
{
	if (w->rc == 0 && n > 0)
		w->rc = w->put(w->arg, s, n);
}

/* s[0, n) as a JSON string: quotes, \" \\ and control characters escaped. */
void
px_json_put_string(int (*fn)(void *, const char *, size_t), void *arg,
    const char *s, size_t n, int *rc)
{
	struct jw w = { fn, arg, 0, *rc };
	size_t i, a = 0;
	char e[8];

	put(&w, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(&w, s + a, i - a);
		a = i + 1;
		switch (c) {
		case '"': put(&w, "\\\"", 2); break;
		case '\\': put(&w, "\\\\", 2); break;
		case '\n': put(&w, "\\n", 2); break;
		case '\r': put(&w, "\\r", 2); break;
		case '\t': put(&w, "\\t", 2); break;
		default:
			snprintf(e, sizeof(e), "\\u%04x", c);
			put(&w, e, 6);
		}
	}
	put(&w, s + a, n - a);
	put(&w, "\"", 1);
	*rc = w.rc;
}

static void
newline(struct jw *w, int depth)
{
	static const char sp[] = "                                ";
	int k = depth * 2;

	put(w, "\n", 1);
	while (k > 0) {
		int m = k < 32 ? k : 32;

		put(w, sp, (size_t)m);
		k -= m;
	}
}

static void
write_node(const struct px_json *j, struct jw *w, uint32_t x, int depth)
{
	const struct px_jnode *nd = &j->n[x];
	uint32_t k;
	int first = 1, obj = nd->type == PX_J_OBJ;

	if (nd->rv != PX_JNONE) {
		px_json_put_string(w->put, w->arg, j->arena + nd->rv, nd->rvlen,
		    &w->rc);
		return;
	}
	if (nd->type != PX_J_OBJ && nd->type != PX_J_ARR) {
		if (nd->raw != PX_JNONE)
			put(w, j->src + nd->raw, nd->rlen);
		else if (nd->type == PX_J_STR)
			px_json_put_string(w->put, w->arg, j->arena + nd->val,
			    nd->vlen, &w->rc);
		else
			put(w, nd->type == PX_J_TRUE ? "true" : nd->type ==
			    PX_J_FALSE ? "false" : "null", nd->type ==
			    PX_J_FALSE ? 5 : 4);
		return;
	}
	put(w, obj ? "{" : "[", 1);
	for (k = nd->first; k != PX_JNONE; k = j->n[k].next) {
		if (j->n[k].del)
			continue;
		if (!first)
			put(w, ",", 1);
		first = 0;
		if (w->indent)
			newline(w, depth + 1);
		if (obj) {
			px_json_put_string(w->put, w->arg, j->arena +
			    j->n[k].key, j->n[k].klen, &w->rc);
			put(w, w->indent ? ": " : ":", w->indent ? 2 : 1);
		}
		write_node(j, w, k, depth + 1);
	}
	if (w->indent && !first)
		newline(w, depth);
	put(w, obj ? "}" : "]", 1);
}

/*
 * Write node x and what is under it: deleted nodes left out, replaced
 * strings escaped, the rest as it came.  Indented by two spaces when
 * indent is set, else compact.  Returns 0 or the callback's error.
 */
int
px_json_write(const struct px_json *j, uint32_t x, int indent,
    int (*fn)(void *, const char *, size_t), void *arg)
{
	struct jw w = { fn, arg, indent, 0 };

	write_node(j, &w, x, 0);
	return w.rc;
}

/* The member of object x called name, or PX_JNONE. */
uint32_t
px_json_get(const struct px_json *j, uint32_t x, const char *name)
{
	size_t n = strlen(name);
	uint32_t k;

	if (x == PX_JNONE || j->n[x].type != PX_J_OBJ)
		return PX_JNONE;
	for (k = j->n[x].first; k != PX_JNONE; k = j->n[k].next)
		if (!j->n[k].del && j->n[k].klen == n &&
		    memcmp(j->arena + j->n[k].key, name, n) == 0)
			return k;
	return PX_JNONE;
}
