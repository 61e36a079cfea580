// SPDX-License-Identifier: GPL-2.0
/*
 * Generating and mutating programs. A call that needs a resource the
 * program has not made yet first gets a call that makes it, so most calls
 * are well-typed and reach past the argument checks; a few % of calls
 * break exactly one rule (a reserved field, an unknown flag, a short size),
 * which oracle (b) then holds them to.
 */
#include <string.h>
#include <linux/iommufd.h>

#include "fuzz.h"

int fuzz_stock_ok;		/* the stock-file door is on (main.c) */
int fuzz_no_edu;		/* VIOMMU_FUZZ_NO_EDU: no edu programs */
int fuzz_faults;		/* failslab answers fail-nth (main.c) */
static int creator[R_NR] = { [0 ... R_NR - 1] = -1 };
static int total_weight;

/*
 * An op's share of generated calls; weight 0 (slow ops: fork, a mock
 * device) an eighth of weight 1, about once in 700 calls.
 */
static int eff_weight(int k)
{
	return ops[k]->weight ? ops[k]->weight * 8 : 1;
}

static void gen_init(void)
{
	static const struct {
		enum res_type t;
		const char *op;
	} make[] = {
		{ R_CTX, "ctx_open" }, { R_IOAS, "ioas_alloc" },
		{ R_HWPT, "mock_domain" }, { R_PARENT, "hwpt_alloc" },
		{ R_NESTED, "hwpt_alloc_nested" }, { R_IDEV, "mock_domain" },
		{ R_STDEV, "mock_domain" }, { R_VIOMMU, "viommu_alloc" },
		{ R_VDEV, "vdevice_alloc" }, { R_VEVQ, "veventq_alloc" },
		{ R_HWQ, "hw_queue_alloc" }, { R_FAULT, "fault_alloc" },
		{ R_VFIO, "vfio_open" }, { R_AREA, "ioas_map" },
		{ R_REGION, "viommu_alloc" }, { R_MAPPING, "mmap" },
	};
	unsigned int i;
	int k;

	if (total_weight)
		return;
	for (i = 0; i < ARRAY_SIZE(make); i++)
		creator[make[i].t] = op_find(make[i].op);
	for (k = 0; k < nr_ops; k++)
		total_weight += eff_weight(k);
}

/*
 * A few calls fail one of their allocations: the error paths behind
 * them. Mostly an early one, since a call makes only a few.
 */
static __u8 gen_fault(struct rng *r)
{
	if (!fuzz_faults || !rng_pct(r, 3))
		return 0;
	return 1 + rng_below(r, rng_pct(r, 70) ? 4 : 32);
}

static void add_call(struct gctx *g, int opi);

__u64 gen_ref(struct gctx *g, enum res_type t)
{
	struct rng *r = g->r;
	__u64 n;

	if (!g->nres[t] && creator[t] >= 0 && g->depth < 5 &&
	    (t != R_VFIO || g->edu) &&
	    g->p->n < MAX_CALLS - 8 && rng_pct(r, 92)) {
		g->depth++;
		add_call(g, creator[t]);
		g->depth--;
	}
	n = g->nres[t];
	/* Mostly the first file pair: objects meet their own file */
	if (t == R_CTX)
		return REF(REF_LIVE, n > 1 && rng_pct(r, 10) ? rng_below(r, n) : 0);
	if (rng_pct(r, 6)) {
		switch (rng_below(r, 3)) {
		case 0:
			return REF(REF_DEAD, rng_below(r, 4));
		case 1:
			return REF(REF_OTHER, rng_below(r, 8));
		default: {
			static const __u32 lit[] = {
				0, 1, 2, 0x7fffffff, 0x80000000, 0x80000001,
				0xffffffff, 0xfffffffe,
			};
			return REF(REF_LIT, lit[rng_below(r, ARRAY_SIZE(lit))]);
		}
		}
	}
	if (n <= 1)
		return REF(REF_LIVE, 0);
	/* Mostly the newest: what a VMM would use next */
	if (rng_pct(r, 60))
		return REF(REF_LIVE, n - 1);
	return REF(REF_LIVE, rng_below(r, n));
}

static int has_sub(struct gctx *g, enum res_type t, int sub)
{
	int i;

	for (i = 0; i < g->nres[t]; i++)
		if (g->sub[t][i] == sub)
			return 1;
	return 0;
}

/*
 * edu the way a VMM sets it up: its cdev bound, a nest parent made from
 * it, and it attached to that parent (what an SMMUv3 vIOMMU needs).
 */
static void gen_edu(struct gctx *g)
{
	struct call c;

	g->depth++;
	add_call(g, op_find("vfio_open"));
	memset(&c, 0, sizeof(c));
	c.op = op_find("hwpt_alloc");
	c.thread = g->cur_thread;
	c.a[0] = REF(REF_LIVE, 0);
	c.a[1] = REF(REF_LIVE, g->nres[R_IDEV] - 1);
	c.a[2] = gen_ref(g, R_IOAS);
	c.a[3] = IOMMU_HWPT_ALLOC_NEST_PARENT;
	if (g->p->n < MAX_CALLS)
		g->p->c[g->p->n++] = c;
	gen_add(g, R_PARENT, SUB_EDU);
	c.op = op_find("vfio_attach");
	c.a[0] = REF(REF_LIVE, g->nres[R_VFIO] - 1);
	c.a[1] = 0;	/* a nest parent */
	c.a[2] = REF(REF_LIVE, g->nres[R_PARENT] - 1);
	c.a[3] = 0;
	if (g->p->n < MAX_CALLS)
		g->p->c[g->p->n++] = c;
	g->depth--;
}

__u64 gen_ref_sub(struct gctx *g, enum res_type t, int sub, int *got)
{
	__u64 ref;
	int i, n;

	if (!g->edu && sub == SUB_EDU)
		sub = SUB_MOCK;
	if (sub == SUB_EDU && (t == R_IDEV || t == R_PARENT) &&
	    !has_sub(g, t, sub) && g->nres[R_CTX] && g->depth < 4 &&
	    g->p->n < MAX_CALLS - 8 && rng_pct(g->r, 90))
		gen_edu(g);
	ref = gen_ref(g, t);
	n = g->nres[t];

	if (REF_MODE(ref) != REF_LIVE || !n) {
		*got = 0;
		return ref;
	}
	if (g->sub[t][REF_VAL(ref) % n] != sub || rng_pct(g->r, 50)) {
		for (i = n - 1; i >= 0; i--)
			if (g->sub[t][i] == sub) {
				*got = sub;
				return REF(REF_LIVE, i);
			}
	}
	*got = g->sub[t][REF_VAL(ref) % n];
	return ref;
}

void gen_add(struct gctx *g, enum res_type t, int sub)
{
	if (g->nres[t] < POOL_MAX)
		g->sub[t][g->nres[t]++] = sub;
}

void gen_del(struct gctx *g, enum res_type t, __u64 ref)
{
	int n = g->nres[t], i;

	if (REF_MODE(ref) != REF_LIVE || !n)
		return;
	i = REF_VAL(ref) % n;
	memmove(&g->sub[t][i], &g->sub[t][i + 1], n - i - 1);
	g->nres[t]--;
}

/* Some top-level calls break exactly one rule (the run is short). */
int gen_viol(struct gctx *g)
{
	return !g->depth && rng_pct(g->r, 15);
}

__u64 gen_size(struct gctx *g, __u32 size, __u32 min)
{
	static const int delta[] = { -1, 1, 8 };
	struct rng *r = g->r;
	__u64 k;

	if (g->depth || !rng_pct(g->r, 10))
		return size;
	k = rng_below(r, 8);
	if (k < 3)
		return (__u32)((k ? size : min) + delta[k]);
	if (k == 3)
		return min;
	if (k == 4)
		return 0;
	if (k == 5)
		return 4096;
	if (k == 6)
		return 0xffffffff;
	return rng_below(r, size + 16);
}

/* Flag words: mostly @usual, sometimes any valid mix, an unknown bit. */
__u64 gen_flags(struct gctx *g, __u32 valid, __u32 usual)
{
	struct rng *r = g->r;

	if (g->depth || rng_pct(r, 80))
		return usual;
	if (rng_pct(r, 50))
		return rng_next(r) & valid;
	return usual | (1U << rng_below(r, 32));
}

__u64 gen_rsv(struct gctx *g)
{
	return 0;
	(void)g;
}

__u64 gen_ptr(struct gctx *g)
{
	if (g->depth || !rng_pct(g->r, 4))
		return PTR_OK;
	return rng_below(g->r, PTR_NR);
}

__u64 gen_u32(struct gctx *g)
{
	static const __u32 v[] = {
		0, 1, 2, 3, 4, 7, 8, 16, 63, 64, 255, 4096, 0x7fffffff,
		0x80000000, 0xffffffff, 0xfffffffe,
	};

	if (rng_pct(g->r, 70))
		return v[rng_below(g->r, ARRAY_SIZE(v))];
	return (__u32)rng_next(g->r);
}

__u64 gen_len(struct gctx *g)
{
	static const __u64 v[] = {
		0, 1, 4, 8, 16, 32, 64, 4095, 4096, 8192, 65536,
		0x100000, 0xffffffffULL, ~0ULL,
	};

	return v[rng_below(g->r, ARRAY_SIZE(v))];
}

static void add_call(struct gctx *g, int opi)
{
	struct call c;

	memset(&c, 0, sizeof(c));
	c.op = opi;
	c.thread = g->cur_thread;
	/* Prerequisites are appended by gen_ref() before this call. */
	ops[opi]->gen(g, &c);
	c.fault = gen_fault(g->r);
	if (g->p->n < MAX_CALLS)
		g->p->c[g->p->n++] = c;
}

static int pick_op(struct rng *r)
{
	int w = rng_below(r, total_weight), k;

	for (k = 0; k < nr_ops; k++) {
		w -= eff_weight(k);
		if (w < 0)
			return k;
	}
	return 0;
}

void gen_prog(struct rng *r, struct prog *p, int threads)
{
	struct gctx g = { .r = r, .p = p };
	int len;

	gen_init();
	memset(p, 0, sizeof(*p));
	p->stock = fuzz_stock_ok && rng_pct(r, 50);
	/* Some programs single-threaded, for exact replay */
	p->threads = threads > 1 && rng_pct(r, 70) ? threads : 1;
	/*
	 * Long: a program's fork and teardown cost as much as 100 calls
	 * under TCG, and the first calls make the files and devices.
	 */
	len = 64 + rng_below(r, 256);
	/* Binding and releasing edu resets it (slow): a few programs only */
	g.edu = rng_pct(r, 20) && !fuzz_no_edu;
	add_call(&g, creator[R_CTX]);
	while (p->n < len && p->n < MAX_CALLS - 12) {
		int k = pick_op(r);

		if (!g.edu && ops[k]->creates & RES(R_VFIO))
			continue;
		g.cur_thread = rng_below(r, p->threads);
		add_call(&g, k);
	}
}

/* The resources made before call @end, roughly: enough for gen_ref(). */
static void sim_prefix(struct gctx *g, const struct prog *p, int end)
{
	int i, t;

	for (i = 0; i < p->n; i++)
		if (ops[p->c[i].op]->creates & RES(R_VFIO))
			g->edu = 1;
	for (i = 0; i < end; i++)
		for (t = 0; t < R_NR; t++)
			if (ops[p->c[i].op]->creates & (1U << t))
				gen_add(g, t, 0);
}

static void mutate_arg(struct rng *r, struct call *c)
{
	const struct op *op = ops[c->op];
	int j;

	if (!op->nargs)
		return;
	j = rng_below(r, op->nargs);
	if (op->args[j].kind == A_RES && op->args[j].res == R_CTX) {
		c->a[j] = REF(REF_LIVE, rng_below(r, 3));
		return;
	}
	if (op->args[j].kind == A_RES) {
		c->a[j] = REF(rng_pct(r, 70) ? REF_LIVE : rng_below(r, 4),
			      rng_below(r, 4));
		if (REF_MODE(c->a[j]) == REF_LIT)
			c->a[j] = REF(REF_LIT, rng_pct(r, 50) ? 0 :
					       0x80000000U + rng_below(r, 4));
		return;
	}
	switch (rng_below(r, 6)) {
	case 0:
		c->a[j] ^= 1ULL << rng_below(r, 32);
		break;
	case 1:
		c->a[j]++;
		break;
	case 2:
		c->a[j]--;
		break;
	case 3:
		c->a[j] = 0;
		break;
	case 4:
		c->a[j] = (__u32)rng_next(r);
		break;
	default:
		c->a[j] = rng_below(r, 16);
		break;
	}
}

static void insert_calls(struct prog *p, int at, const struct prog *src)
{
	int n = src->n;

	if (p->n + n > MAX_CALLS)
		n = MAX_CALLS - p->n;
	if (n <= 0)
		return;
	memmove(&p->c[at + n], &p->c[at], (p->n - at) * sizeof(p->c[0]));
	memcpy(&p->c[at], src->c, n * sizeof(p->c[0]));
	p->n += n;
}

void mutate_prog(struct rng *r, struct prog *p, const struct prog *other)
{
	int rounds = 1 + rng_below(r, 3), i, at;
	struct prog tmp;

	gen_init();
	while (rounds--) {
		unsigned int what = rng_below(r, 100);

		if (!p->n)
			what = 30;
		if (what < 35) {
			mutate_arg(r, &p->c[rng_below(r, p->n)]);
		} else if (what < 60) {
			struct gctx g = { .r = r, .p = &tmp };

			at = rng_below(r, p->n + 1);
			memset(&tmp, 0, sizeof(tmp));
			sim_prefix(&g, p, at);
			g.cur_thread = rng_below(r, p->threads);
			add_call(&g, pick_op(r));
			insert_calls(p, at, &tmp);
		} else if (what < 75) {
			at = rng_below(r, p->n);
			memmove(&p->c[at], &p->c[at + 1],
				(p->n - at - 1) * sizeof(p->c[0]));
			p->n--;
		} else if (what < 85) {
			if (p->n < MAX_CALLS) {
				at = rng_below(r, p->n);
				memmove(&p->c[at + 1], &p->c[at],
					(p->n - at) * sizeof(p->c[0]));
				p->n++;
			}
		} else if (what < 93 && other && other->n) {
			/* Splice: our head, the other's tail */
			int keep = rng_below(r, p->n + 1);
			int from = rng_below(r, other->n);

			for (i = from; i < other->n && keep < MAX_CALLS; i++)
				p->c[keep++] = other->c[i];
			p->n = keep;
		} else if (what < 97) {
			at = rng_below(r, p->n);
			p->c[at].thread = rng_below(r, p->threads);
		} else {
			/* Another allocation fails, or none */
			at = rng_below(r, p->n);
			p->c[at].fault = p->c[at].fault && rng_pct(r, 50) ?
					 0 : 1 + rng_below(r, 16);
		}
	}
	for (i = 0; i < p->n; i++)
		p->c[i].thread %= p->threads;
}
