/* SPDX-License-Identifier: MIT */
/*
 * alloc.c: every allocation of the library goes through these hooks, so
 * that tests can fail the Nth one and prove that nothing leaks raw.
 */
#include <stdlib.h>
#include <string.h>

#include "phiscrub-int.h"

static void *(*hook_malloc)(size_t) = malloc;
static void *(*hook_realloc)(void *, size_t) = realloc;
static void (*hook_free)(void *) = free;

void
phi_set_allocator(void *(*m)(size_t), void *(*r)(void *, size_t),
    void (*f)(void *))
{
	hook_malloc = m != NULL ? m : malloc;
	hook_realloc = r != NULL ? r : realloc;
	hook_free = f != NULL ? f : free;
}

void *
px_malloc(size_t len)
{
	return hook_malloc(len == 0 ? 1 : len);
}

void *
px_calloc(size_t n, size_t len)
{
	void *p;

	if (len != 0 && n > SIZE_MAX / len)
		return NULL;
	if ((p = px_malloc(n * len)) != NULL)
		memset(p, 0, n * len);
	return p;
}

void *
px_realloc(void *p, size_t len)
{
	return hook_realloc(p, len == 0 ? 1 : len);
}

void
px_free(void *p)
{
	if (p != NULL)
		hook_free(p);
}

void
phi_free(void *p)
{
	px_free(p);
}

/* Buffers that held PHI are wiped before they go back to the heap. */
void
px_wipe_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	explicit_bzero(p, len);
	hook_free(p);
}

char *
px_strndup(const char *s, size_t len)
{
	char *p;

	if ((p = px_malloc(len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
px_strdup(const char *s)
{
	return px_strndup(s, strlen(s));
}

/*
 * Grow *vp (of *cap elements of size sz) to hold at least need elements,
 * doubling.  On failure *vp is untouched and PHI_ENOMEM returned.
 */
int
px_grow(void **vp, size_t *cap, size_t need, size_t sz)
{
	size_t ncap;
	void *nv;

	if (need <= *cap)
		return PHI_OK;
	ncap = *cap != 0 ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / sz)
			return PHI_ENOMEM;
		ncap *= 2;
	}
	if ((nv = px_realloc(*vp, ncap * sz)) == NULL)
		return PHI_ENOMEM;
	*vp = nv;
	*cap = ncap;
	return PHI_OK;
}

static void *
pcre2_hook_malloc(size_t len, void *arg)
{
	(void)arg;
	return px_malloc(len);
}

static void
pcre2_hook_free(void *p, void *arg)
{
	(void)arg;
	px_free(p);
}

/*
 * A PCRE2 general context that allocates through our hooks.  It is created
 * per caller (cheap) so that no global state is shared between threads.
 */
pcre2_general_context *
px_pcre2_gctx(void)
{
	return pcre2_general_context_create(pcre2_hook_malloc,
	    pcre2_hook_free, NULL);
}
