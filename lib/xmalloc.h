/*
 * xmalloc: allocation that never returns NULL.
 *
 * Workers run under a supervisor (multiwatch) that replaces a dead worker, so
 * the honest answer to an exhausted heap is to log and abort: no request is
 * half-served with a silently truncated buffer.  Every allocation in lib/ and
 * in the services goes through this family.
 */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated string built from a printf format; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
