// SPDX-License-Identifier: GPL-2.0
/*
 * Shrinking a failing program: single-threaded first, then delta
 * debugging: drop chunks of calls, halving the chunk, keeping each
 * candidate that still fails the same way in a fresh child.
 */
#include <string.h>

#include "fuzz.h"

#define MAX_TRIES 400

static int tries;

static int still_fails(const struct prog *cand, const struct outcome *want)
{
	struct outcome o;

	if (tries++ >= MAX_TRIES)
		return 0;
	run_prog(cand, &o, WATCHDOG_S);
	return same_failure(&o, want);
}

void minimize(struct prog *p, const struct outcome *o)
{
	static struct prog cand;
	int chunk, start, i;

	tries = 0;
	/* A hang costs a watchdog period each try: report it as it is. */
	if (o->kind == F_HANG)
		return;
	if (p->threads > 1) {
		cand = *p;
		cand.threads = 1;
		for (i = 0; i < cand.n; i++)
			cand.c[i].thread = 0;
		if (still_fails(&cand, o))
			*p = cand;
		else
			out("note: single-threaded it passes: %d threads kept",
			    p->threads);
	}
	if (o->call >= 0 && o->call + 1 < p->n) {
		cand = *p;
		cand.n = o->call + 1;
		if (still_fails(&cand, o))
			*p = cand;
	}
	for (chunk = p->n / 2; chunk >= 1; chunk /= 2) {
		for (start = 0; start < p->n;) {
			int n = chunk;

			if (start + n > p->n)
				n = p->n - start;
			cand = *p;
			memmove(&cand.c[start], &cand.c[start + n],
				(cand.n - start - n) * sizeof(cand.c[0]));
			cand.n -= n;
			if (cand.n && still_fails(&cand, o))
				*p = cand;
			else
				start += n;
			if (tries >= MAX_TRIES)
				return;
		}
	}
}
