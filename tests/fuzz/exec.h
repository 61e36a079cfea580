/* SPDX-License-Identifier: GPL-2.0 */
/* What a program's child tells the parent, in shared memory. */
#ifndef VIOMMU_FUZZ_EXEC_H
#define VIOMMU_FUZZ_EXEC_H

#include "fuzz.h"

struct shm {
	long calls;
	long injected;		/* allocations made to fail (fail-nth) */
	int failed;
	int kind;
	int call;
	int op;
	int cur[MAX_THREADS];	/* the call each thread is in, -1: none */
	char msg[256];
	long op_calls[64];	/* per op: calls and time spent (us) */
	long op_us[64];
};

/* Runs @p and exits: never returns */
void exec_child(const struct prog *p, struct shm *s);

#endif
