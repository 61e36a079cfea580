// SPDX-License-Identifier: GPL-2.0
/*
 * The selftest backend's TEST_CMD ops, as the tests use them: mock
 * devices (made on an IOAS or HWPT, replaced), pin checks, IOPF and
 * vEVENT triggers, cache checks; and op numbers nobody serves.
 */
#include <unistd.h>

#include "ops.h"

static void test_cmd(struct ectx *e, struct res *ctx, struct viommu_test_cmd *cmd,
		     __u32 sz, __u64 pk, struct result *r)
{
	void *p = lay(e, pk, cmd, sizeof(*cmd), sz, 0);

	size_rules(r, pk, sz, END_OF(P(viommu_test_cmd)->last), sizeof(*cmd), 0);
	do_ioctl(r, ctx->fd2, VIOMMU_TEST_CMD, p);
	back(e, pk, cmd, sizeof(*cmd));
}

/* Size and pointer args every TEST_CMD op has, last */
static void gen_tail(struct gctx *g, struct call *c, int i)
{
	c->a[i] = gen_size(g, sizeof(struct viommu_test_cmd),
			   END_OF(P(viommu_test_cmd)->last));
	c->a[i + 1] = gen_ptr(g);
}

/* mock_domain: a mock device attached to an IOAS or a paging HWPT */
static const int md_pt[] = { R_IOAS, R_HWPT, R_PARENT, R_NESTED };

static void g_mock_domain(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = rng_pct(g->r, 85) || g->depth ? 0 : rng_below(g->r, 4);
	c->a[2] = gen_ref(g, md_pt[c->a[1]]);
	gen_tail(g, c, 3);
	gen_add(g, R_STDEV, 0);
	gen_add(g, R_IDEV, SUB_MOCK);
	gen_add(g, R_HWPT, 0);
}

static void x_mock_domain(struct ectx *e, const struct call *c,
			  struct result *r)
{
	struct viommu_test_cmd cmd = { .op = VIOMMU_TEST_OP_MOCK_DOMAIN };
	struct res *ctx = ctx_of(e, c->a[0], r), *x;

	if (!ctx)
		return;
	LOCK(e);
	cmd.id = pool_id(e, md_pt[c->a[1] % 4], c->a[2], r);
	UNLOCK(e);
	test_cmd(e, ctx, &cmd, c->a[3], c->a[4], r);
	if (r->rc || (c->a[4] % PTR_NR != PTR_OK && c->a[4] % PTR_NR != PTR_RO))
		return;
	ops_add_obj(e, R_STDEV, ctx, cmd.mock_domain.out_stdev_id, 0);
	x = ops_add_obj(e, R_IDEV, ctx, cmd.mock_domain.out_idev_id, SUB_MOCK);
	if (x)	/* its mock device, for scn_mock */
		x->x = cmd.mock_domain.out_stdev_id;
	ops_add_obj(e, R_HWPT, ctx, cmd.mock_domain.out_hwpt_id, 0);
}

const struct op op_mock_domain = {
	.name = "mock_domain", .nargs = 5,
	.args = { { "ctx", A_RES, R_CTX }, { "kind" }, { "pt", A_RES, -1 },
		  { "size" }, { "ptr" } },
	/*
	 * A mock device is a device_add(): 70 ms under TCG and KASAN, most
	 * of a program's time at weight 1. Rare: mostly made when needed.
	 */
	.gen = g_mock_domain, .exec = x_mock_domain, .weight = 0,
	.creates = RES(R_STDEV) | RES(R_IDEV) | RES(R_HWPT),
};

/* mock_replace: attach a mock device elsewhere */
static void g_mock_replace(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref(g, R_STDEV);
	c->a[2] = rng_below(g->r, 4);
	c->a[3] = gen_ref(g, md_pt[c->a[2]]);
	gen_tail(g, c, 4);
}

static void x_mock_replace(struct ectx *e, const struct call *c,
			   struct result *r)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
	};
	struct res *ctx = ctx_of(e, c->a[0], r);

	if (!ctx)
		return;
	LOCK(e);
	cmd.id = pool_id(e, R_STDEV, c->a[1], r);
	cmd.mock_domain_replace.pt_id = pool_id(e, md_pt[c->a[2] % 4],
						c->a[3], r);
	UNLOCK(e);
	test_cmd(e, ctx, &cmd, c->a[4], c->a[5], r);
}

const struct op op_mock_replace = {
	.name = "mock_replace", .nargs = 6,
	.args = { { "ctx", A_RES, R_CTX }, { "stdev", A_RES, R_STDEV },
		  { "kind" }, { "pt", A_RES, -1 }, { "size" }, { "ptr" } },
	.gen = g_mock_replace, .exec = x_mock_replace, .weight = 2,
};

/* check_refs: pins of guest RAM pages */
static void g_check_refs(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = rng_below(g->r, GBUF_PAGES);
	c->a[2] = rng_pct(g->r, 90) ? 1 + rng_below(g->r, 4) : gen_u32(g);
	c->a[3] = rng_below(g->r, 3);
	c->a[4] = rng_pct(g->r, 10);	/* misaligned */
	gen_tail(g, c, 5);
}

static void x_check_refs(struct ectx *e, const struct call *c,
			 struct result *r)
{
	struct viommu_test_cmd cmd = { .op = VIOMMU_TEST_OP_MD_CHECK_REFS };
	struct res *ctx = ctx_of(e, c->a[0], r);
	__u64 first = c->a[1] % GBUF_PAGES, n = c->a[2];

	if (!ctx)
		return;
	/* Past guest RAM only when the count is a boundary value */
	if (n < 16 && first + n > GBUF_PAGES)
		n = GBUF_PAGES - first;
	cmd.check_refs.uptr = (uintptr_t)(e->pl->gbuf + first * e->psz) +
			      (c->a[4] & 1) * 8;
	cmd.check_refs.length = n < 16 ? n * e->psz : n;
	cmd.check_refs.refs = c->a[3];
	test_cmd(e, ctx, &cmd, c->a[5], c->a[6], r);
}

const struct op op_check_refs = {
	.name = "check_refs", .nargs = 7,
	.args = { { "ctx", A_RES, R_CTX }, { "page" }, { "pages" }, { "refs" },
		  { "misalign" }, { "size" }, { "ptr" } },
	.gen = g_check_refs, .exec = x_check_refs, .weight = 1,
};

/* mem_limit: SET_TEMP_MEMORY_LIMIT */
static void g_mem_limit(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = rng_pct(g->r, 50) ? 65536 : gen_u32(g);
	gen_tail(g, c, 2);
}

static void x_mem_limit(struct ectx *e, const struct call *c,
			struct result *r)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT,
		.memory_limit.limit = c->a[1],
	};
	struct res *ctx = ctx_of(e, c->a[0], r);

	if (ctx)
		test_cmd(e, ctx, &cmd, c->a[2], c->a[3], r);
}

const struct op op_mem_limit = {
	.name = "mem_limit", .nargs = 4,
	.args = { { "ctx", A_RES, R_CTX }, { "limit" }, { "size" }, { "ptr" } },
	.gen = g_mem_limit, .exec = x_mem_limit, .weight = 1,
};

/* trigger_iopf: a page request from a mock device */
static void g_trigger_iopf(struct gctx *g, struct call *c)
{
	int sub;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref_sub(g, R_IDEV, SUB_MOCK, &sub);
	c->a[2] = rng_pct(g->r, 80) ? 0 : gen_u32(g);	/* pasid */
	c->a[3] = rng_pct(g->r, 80) ? 2 : gen_u32(g);	/* grpid */
	c->a[4] = rng_pct(g->r, 80) ? 3 : gen_u32(g);	/* perm */
	c->a[5] = rng_pct(g->r, 80) ? 0xdeadbeafULL : rng_next(g->r);
	gen_tail(g, c, 6);
}

static void x_trigger_iopf(struct ectx *e, const struct call *c,
			   struct result *r)
{
	struct viommu_test_cmd cmd = { .op = VIOMMU_TEST_OP_TRIGGER_IOPF };
	struct res *ctx = ctx_of(e, c->a[0], r);

	if (!ctx)
		return;
	LOCK(e);
	cmd.trigger_iopf.dev_id = pool_id(e, R_IDEV, c->a[1], r);
	UNLOCK(e);
	cmd.trigger_iopf.pasid = c->a[2];
	cmd.trigger_iopf.grpid = c->a[3];
	cmd.trigger_iopf.perm = c->a[4];
	cmd.trigger_iopf.addr = c->a[5];
	test_cmd(e, ctx, &cmd, c->a[6], c->a[7], r);
}

const struct op op_trigger_iopf = {
	.name = "trigger_iopf", .nargs = 8,
	.args = { { "ctx", A_RES, R_CTX }, { "idev", A_RES, R_IDEV },
		  { "pasid" }, { "grpid" }, { "perm" }, { "addr" }, { "size" },
		  { "ptr" } },
	.gen = g_trigger_iopf, .exec = x_trigger_iopf, .weight = 2,
};

/* check_cache: a mock device's cache entry */
static void g_check_cache(struct gctx *g, struct call *c)
{
	int sub;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref_sub(g, R_IDEV, SUB_MOCK, &sub);
	c->a[2] = rng_pct(g->r, 90) ? rng_below(g->r, 4) : gen_u32(g);
	c->a[3] = rng_pct(g->r, 50) ? VIOMMU_TEST_DEV_CACHE_DEFAULT : 0;
	gen_tail(g, c, 4);
}

static void x_check_cache(struct ectx *e, const struct call *c,
			  struct result *r)
{
	struct viommu_test_cmd cmd = { .op = VIOMMU_TEST_OP_DEV_CHECK_CACHE };
	struct res *ctx = ctx_of(e, c->a[0], r);

	if (!ctx)
		return;
	LOCK(e);
	cmd.id = pool_id(e, R_IDEV, c->a[1], r);
	UNLOCK(e);
	cmd.check_dev_cache.id = c->a[2];
	cmd.check_dev_cache.cache = c->a[3];
	test_cmd(e, ctx, &cmd, c->a[4], c->a[5], r);
}

const struct op op_check_cache = {
	.name = "check_cache", .nargs = 6,
	.args = { { "ctx", A_RES, R_CTX }, { "idev", A_RES, R_IDEV },
		  { "cache_id" }, { "value" }, { "size" }, { "ptr" } },
	.gen = g_check_cache, .exec = x_check_cache, .weight = 1,
};

/* trigger_vevent: a selftest vEVENT for a device's vDEVICE */
static void g_trigger_vevent(struct gctx *g, struct call *c)
{
	int sub;

	c->a[0] = gen_ref(g, R_CTX);
	/*
	 * Mostly with somewhere for the event to go: a vEVENTQ, then a
	 * vDEVICE, on the newest vIOMMU (made first if there is none).
	 */
	if (rng_pct(g->r, 60)) {
		gen_ref(g, R_VEVQ);
		gen_ref(g, R_VDEV);
	}
	c->a[1] = gen_ref_sub(g, R_IDEV, SUB_MOCK, &sub);
	c->a[2] = rng_pct(g->r, 80) ? 1 : 1 + rng_below(g->r, 40);	/* times */
	gen_tail(g, c, 3);
}

static void x_trigger_vevent(struct ectx *e, const struct call *c,
			     struct result *r)
{
	struct viommu_test_cmd cmd = { .op = VIOMMU_TEST_OP_TRIGGER_VEVENT };
	struct res *ctx = ctx_of(e, c->a[0], r);
	__u64 i, n = c->a[2] % 64;

	if (!ctx)
		return;
	LOCK(e);
	cmd.trigger_vevent.dev_id = pool_id(e, R_IDEV, c->a[1], r);
	UNLOCK(e);
	/* Repeated, to overflow small queues (LOST_EVENTS) */
	for (i = 0; i < (n ? n : 1); i++) {
		test_cmd(e, ctx, &cmd, c->a[3], c->a[4], r);
		if (r->rc)
			break;
	}
}

const struct op op_trigger_vevent = {
	.name = "trigger_vevent", .nargs = 5,
	.args = { { "ctx", A_RES, R_CTX }, { "idev", A_RES, R_IDEV },
		  { "times" }, { "size" }, { "ptr" } },
	.gen = g_trigger_vevent, .exec = x_trigger_vevent, .weight = 3,
};

/* test_raw: any op number, any payload */
static void g_test_raw(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = rng_pct(g->r, 70) ? rng_below(g->r, 24) : gen_u32(g);
	c->a[2] = gen_u32(g);
	c->a[3] = rng_next(g->r);
	c->a[4] = rng_pct(g->r, 80) ? 0 : 1 + rng_below(g->r, 255);
	gen_tail(g, c, 5);
}

static void x_test_raw(struct ectx *e, const struct call *c, struct result *r)
{
	struct viommu_test_cmd cmd = { .op = c->a[1], .id = c->a[2] };
	struct res *ctx = ctx_of(e, c->a[0], r);

	if (!ctx)
		return;
	memcpy(&cmd.__union_size, &c->a[3], sizeof(c->a[3]));
	cmd.__reserved = c->a[4];
	test_cmd(e, ctx, &cmd, c->a[5], c->a[6], r);
}

const struct op op_test_raw = {
	.name = "test_raw", .nargs = 7,
	.args = { { "ctx", A_RES, R_CTX }, { "op" }, { "id" }, { "payload" },
		  { "rsv" }, { "size" }, { "ptr" } },
	.gen = g_test_raw, .exec = x_test_raw, .weight = 1,
};
