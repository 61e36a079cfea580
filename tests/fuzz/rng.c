// SPDX-License-Identifier: GPL-2.0
/* splitmix64: one seed gives one stream, the same on every run. */
#include "fuzz.h"

void rng_seed(struct rng *r, __u64 seed)
{
	r->s = seed;
}

__u64 rng_next(struct rng *r)
{
	__u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

__u64 rng_below(struct rng *r, __u64 n)
{
	return n ? rng_next(r) % n : 0;
}

int rng_pct(struct rng *r, unsigned int pct)
{
	return rng_below(r, 100) < pct;
}
