// SPDX-License-Identifier: GPL-2.0
/*
 * More of our ioctls: nested HWPT allocation on a vIOMMU, GET_HW_INFO,
 * vIOMMU invalidation, BIND_IOMMUFD, and command numbers at random.
 */
#include <fcntl.h>
#include <unistd.h>

#include "ops.h"

/* SMMUv3 command opcodes a guest may send, and some it may not */
static const __u8 smmu_ops[] = {
	0x03, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12, 0x13, 0x20, 0x28, 0x2a,
	0x30, 0x40, 0x41, 0x44, 0x46, 0x01, 0xff,
};

/* hwpt_alloc_nested: a nested HWPT on a vIOMMU (stock object) */
enum { ND_OK, ND_SHORT, ND_LONG, ND_LONG_DIRTY, ND_GARBAGE, ND_NONE, ND_NR };

static void g_nested(struct gctx *g, struct call *c)
{
	struct rng *r = g->r;
	int sub = SUB_MOCK, viol = gen_viol(g), got;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[2] = gen_ref(g, R_VIOMMU);
	if (g->nres[R_VIOMMU])
		sub = g->sub[R_VIOMMU][REF_VAL(c->a[2]) % g->nres[R_VIOMMU]];
	c->a[1] = gen_ref_sub(g, R_IDEV, sub ? sub : SUB_MOCK, &got);
	c->a[3] = gen_flags(g, 0xf, 0);
	if (viol && rng_pct(r, 50))
		c->a[3] = 1U << (4 + rng_below(r, 28));
	c->a[4] = sub == SUB_EDU ? VIOMMU_HWPT_DATA_ARM_SMMUV3 :
				   VIOMMU_HWPT_DATA_SELFTEST;
	if (!g->depth && rng_pct(r, 5))
		c->a[4] = rng_pct(r, 50) ? rng_below(r, 4) : gen_u32(g);
	c->a[5] = g->depth || rng_pct(r, 85) ? ND_OK : rng_below(r, ND_NR);
	c->a[6] = rng_next(r) & 0xffffffff;			/* seed */
	c->a[7] = gen_ref(g, R_FAULT);
	if (rng_pct(r, 10))
		c->a[3] |= VIOMMU_HWPT_FAULT_ID_VALID;
	c->a[8] = viol && !c->a[3] ? 1 + rng_below(r, 0xff) : 0;
	c->a[9] = rng_pct(r, 3) ? 1 : 0;		/* ignored upstream */
	c->a[10] = gen_size(g, sizeof(struct viommu_hwpt_alloc),
			    END_OF(P(viommu_hwpt_alloc)->__reserved));
	c->a[11] = gen_ptr(g);
	/* Its sub: edu's (SMMUv3) nested HWPTs are what vfio_attach wants */
	gen_add(g, R_NESTED, sub == SUB_EDU ? SUB_EDU : 0);
}

static void x_nested(struct ectx *e, const struct call *c, struct result *r)
{
	static const __u64 cfg[] = { 0, 4, 5, 6, 7, 1, 2, 3 };
	struct viommu_hwpt_alloc cmd = {};
	struct res *ctx = ctx_of(e, c->a[0], r), *x;
	__u8 data[64] = {};
	__u32 sz = c->a[10], seed = c->a[6];
	size_t len;
	void *p;

	if (!ctx)
		return;
	LOCK(e);
	cmd.dev_id = pool_id(e, R_IDEV, c->a[1], r);
	cmd.pt_id = pool_id(e, R_VIOMMU, c->a[2], r);
	if (c->a[3] & VIOMMU_HWPT_FAULT_ID_VALID)
		cmd.fault_id = pool_id(e, R_FAULT, c->a[7], NULL);
	UNLOCK(e);
	cmd.flags = c->a[3];
	cmd.data_type = c->a[4];
	if (cmd.data_type == VIOMMU_HWPT_DATA_ARM_SMMUV3) {
		__u64 ste[2];

		/* V, a config, a CD pointer somewhere in the IPA space */
		ste[0] = (seed & 1) | (cfg[(seed >> 1) & 7] << 1) |
			 ((0x1000000ULL + ((seed >> 4) & 0xff) * 4096) &
			  0x000fffffffffffc0ULL);
		ste[1] = (seed & 0x100000) ? seed * 0x9e3779b97f4a7c15ULL : 2;
		if (seed & 0x200000)
			ste[0] |= (__u64)seed << 32;
		memcpy(data, ste, sizeof(ste));
		len = sizeof(ste);
	} else {
		struct viommu_hwpt_selftest st = {
			.iotlb = seed & 0x10000 ? seed : VIOMMU_TEST_IOTLB_DEFAULT,
		};

		memcpy(data, &st, sizeof(st));
		len = sizeof(st);
	}
	switch (c->a[5] % ND_NR) {
	case ND_SHORT:
		len--;
		break;
	case ND_LONG:
		len += 8;
		break;
	case ND_LONG_DIRTY:
		data[len] = 1;
		len += 8;
		break;
	case ND_GARBAGE:
		memset(data, seed, sizeof(data));
		break;
	case ND_NONE:
		cmd.data_type = 0;
		len = 0;
		break;
	}
	cmd.data_len = len;
	cmd.data_uptr = len ? (uintptr_t)payload(e, PTR_OK, data, len) : 0;
	cmd.__reserved = c->a[8];
	cmd.__reserved2 = c->a[9];
	p = lay(e, c->a[11], &cmd, sizeof(cmd), sz, 0);
	size_rules(r, c->a[11], sz, END_OF(P(viommu_hwpt_alloc)->__reserved),
		   sizeof(cmd), 0);
	/* The stock door sends a stock pt_id to the stock code: its rules */
	if (e->pl->stock && !(cmd.pt_id & 0x80000000U))
		;
	else if (cmd.__reserved && SEEN(sz, P(viommu_hwpt_alloc)->__reserved))
		r->must_fail = "__reserved set";
	else if ((cmd.flags & ~(VIOMMU_HWPT_FAULT_ID_VALID | VIOMMU_HWPT_ALLOC_PASID)) &&
		 SEEN(sz, P(viommu_hwpt_alloc)->flags))
		r->must_fail = "a flag a nested HWPT cannot have";
	do_ioctl(r, ctx->fd2, VIOMMU_HWPT_ALLOC, p);
	if (r->rc || !back(e, c->a[11], &cmd, sizeof(cmd)))
		return;
	LOCK(e);
	x = pool_add(e, R_NESTED);
	if (x) {
		x->id = cmd.out_hwpt_id;
		x->ns = ctx->ns;
	}
	UNLOCK(e);
}

const struct op op_hwpt_alloc_nested = {
	.name = "hwpt_alloc_nested", .nargs = 12,
	.args = { { "ctx", A_RES, R_CTX }, { "idev", A_RES, R_IDEV },
		  { "viommu", A_RES, R_VIOMMU }, { "flags" }, { "type" },
		  { "data" }, { "seed" }, { "fault", A_RES, R_FAULT },
		  { "rsv" }, { "rsv2" }, { "size" }, { "ptr" } },
	.gen = g_nested, .exec = x_nested, .weight = 4,
	.creates = RES(R_NESTED),
};

/* hw_info: GET_HW_INFO of a device */
static void g_hw_info(struct gctx *g, struct call *c)
{
	struct rng *r = g->r;
	int viol = gen_viol(g), sub;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref_sub(g, R_IDEV, rng_pct(r, 60) ? SUB_MOCK : SUB_EDU,
			      &sub);
	c->a[2] = rng_pct(r, 30) ? VIOMMU_HW_INFO_FLAG_INPUT_TYPE : 0;
	if (viol && rng_pct(r, 50))
		c->a[2] |= 1U << (1 + rng_below(r, 31));
	c->a[3] = rng_pct(r, 50) ? rng_below(r, 5) : VIOMMU_HW_INFO_TYPE_SELFTEST;
	c->a[4] = rng_pct(r, 60) ? 64 : gen_len(g);		/* data_len */
	c->a[5] = gen_ptr(g);					/* data ptr */
	c->a[6] = viol && !(c->a[2] & ~1ULL) ? 1 + rng_below(r, 0xffffff) : 0;
	c->a[7] = gen_size(g, sizeof(struct viommu_hw_info),
			   END_OF(P(viommu_hw_info)->__reserved));
	c->a[8] = gen_viol(g) && rng_pct(r, 30);
	c->a[9] = gen_ptr(g);
}

static void x_hw_info(struct ectx *e, const struct call *c, struct result *r)
{
	struct viommu_hw_info cmd = {};
	struct res *ctx = ctx_of(e, c->a[0], r);
	__u32 sz = c->a[7], rsv = c->a[6];
	void *p;

	if (!ctx)
		return;
	LOCK(e);
	cmd.dev_id = pool_id(e, R_IDEV, c->a[1], r);
	UNLOCK(e);
	cmd.flags = c->a[2];
	cmd.in_data_type = c->a[3];
	cmd.data_len = c->a[4];
	cmd.data_uptr = (uintptr_t)payload(e, c->a[5], NULL, 64);
	/* The kernel zeroes the room it was given: scratch to clean after */
	e->dirty = BUF_SIZE;
	memcpy(cmd.__reserved, &rsv, 3);
	p = lay(e, c->a[9], &cmd, sizeof(cmd), sz, c->a[8]);
	size_rules(r, c->a[9], sz, END_OF(P(viommu_hw_info)->__reserved),
		   sizeof(cmd), c->a[8]);
	if ((cmd.flags & ~VIOMMU_HW_INFO_FLAG_INPUT_TYPE) &&
	    SEEN(sz, P(viommu_hw_info)->flags))
		r->must_fail = "an undefined flag";
	if ((rsv & 0xffffff) && SEEN(sz, P(viommu_hw_info)->__reserved))
		r->must_fail = "__reserved set";
	/* The data area is at most 60 KiB: bigger lengths may fault. */
	do_ioctl(r, ctx->fd2, VIOMMU_GET_HW_INFO, p);
}

const struct op op_hw_info = {
	.name = "hw_info", .nargs = 10,
	.args = { { "ctx", A_RES, R_CTX }, { "idev", A_RES, R_IDEV },
		  { "flags" }, { "type" }, { "data_len" }, { "data_ptr" },
		  { "rsv" }, { "size" }, { "tail" }, { "ptr" } },
	.gen = g_hw_info, .exec = x_hw_info, .weight = 3,
};

/* invalidate: HWPT_INVALIDATE on a vIOMMU (or a wrong kind of id) */
static const int inv_kinds[] = { R_VIOMMU, R_NESTED, R_VDEV, R_HWPT };

static void g_invalidate(struct gctx *g, struct call *c)
{
	struct rng *r = g->r;
	int sub = SUB_MOCK;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = rng_pct(r, 90) ? 0 : rng_below(r, 4);
	c->a[2] = gen_ref(g, inv_kinds[c->a[1]]);
	if (!c->a[1] && g->nres[R_VIOMMU])
		sub = g->sub[R_VIOMMU][REF_VAL(c->a[2]) % g->nres[R_VIOMMU]];
	c->a[3] = sub == SUB_EDU ? VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 :
				   VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST;
	if (rng_pct(r, 5))
		c->a[3] = rng_pct(r, 50) ? VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID :
			  gen_u32(g);
	c->a[4] = sub == SUB_EDU ? 16 : sizeof(struct viommu_viommu_invalidate_selftest);
	if (rng_pct(r, 8))
		c->a[4] = gen_u32(g);
	c->a[5] = rng_pct(r, 90) ? rng_below(r, 5) : gen_u32(g);
	c->a[6] = rng_next(r);
	c->a[7] = gen_ptr(g);
	c->a[8] = gen_viol(g) ? 1 + rng_below(r, 0xffff) : 0;
	c->a[9] = gen_size(g, sizeof(struct viommu_hwpt_invalidate),
			   END_OF(P(viommu_hwpt_invalidate)->__reserved));
	c->a[10] = gen_ptr(g);
}

static void x_invalidate(struct ectx *e, const struct call *c,
			 struct result *r)
{
	struct viommu_hwpt_invalidate cmd = {};
	struct res *ctx = ctx_of(e, c->a[0], r);
	__u64 seed = c->a[6], x;
	__u8 ent[8 * 64] = {};
	__u32 sz = c->a[9], i, elen = c->a[4];
	void *p;

	if (!ctx)
		return;
	LOCK(e);
	cmd.hwpt_id = pool_id(e, inv_kinds[c->a[1] % 4], c->a[2], r);
	UNLOCK(e);
	cmd.data_type = c->a[3];
	cmd.entry_len = elen;
	cmd.entry_num = c->a[5];
	for (i = 0; i < 8 && elen && elen <= 64; i++) {
		x = seed * (i + 1) * 0x9e3779b97f4a7c15ULL;
		if (cmd.data_type == VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3) {
			__u64 cmdq[2];

			cmdq[0] = smmu_ops[(x >> 8) % sizeof(smmu_ops)] |
				  ((x >> 20) % 4) << 32 |
				  (x & 0x100 ? (x & 0xffff0000ULL) : 0);
			cmdq[1] = x & 0x1000 ? x : 0;
			memcpy(ent + i * elen, cmdq, elen < 16 ? elen : 16);
		} else {
			struct viommu_viommu_invalidate_selftest st = {
				.flags = (x >> 4) & 1 ? x & 3 : 0,
				.vdev_id = (x >> 8) % 4,
				.cache_id = (x >> 12) % 5,
			};

			memcpy(ent + i * elen, &st, elen < sizeof(st) ? elen : sizeof(st));
		}
	}
	cmd.data_uptr = (uintptr_t)payload(e, c->a[7], ent, sizeof(ent));
	cmd.__reserved = c->a[8];
	p = lay(e, c->a[10], &cmd, sizeof(cmd), sz, 0);
	size_rules(r, c->a[10], sz, END_OF(P(viommu_hwpt_invalidate)->__reserved),
		   sizeof(cmd), 0);
	if (cmd.__reserved && SEEN(sz, P(viommu_hwpt_invalidate)->__reserved) &&
	    (!e->pl->stock || (cmd.hwpt_id & 0x80000000U)))
		r->must_fail = "__reserved set";
	do_ioctl(r, ctx->fd2, VIOMMU_HWPT_INVALIDATE, p);
}

const struct op op_invalidate = {
	.name = "invalidate", .nargs = 11,
	.args = { { "ctx", A_RES, R_CTX }, { "kind" }, { "id", A_RES, -1 },
		  { "type" }, { "entry_len" }, { "entry_num" }, { "seed" },
		  { "data_ptr" }, { "rsv" }, { "size" }, { "ptr" } },
	.gen = g_invalidate, .exec = x_invalidate, .weight = 4,
};

/* bind: BIND_IOMMUFD of a new /dev/viommu to some fd, or a rebind */
enum { BT_IOMMUFD, BT_VFD, BT_VEVQ, BT_MINUS1, BT_STDIN, BT_AGAIN, BT_NR };

static void g_bind(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = rng_below(g->r, BT_NR);
	c->a[2] = gen_size(g, sizeof(struct viommu_bind_iommufd),
			   END_OF(P(viommu_bind_iommufd)->iommufd_fd));
	c->a[3] = gen_viol(g) && rng_pct(g->r, 50);
	c->a[4] = gen_ptr(g);
	c->a[5] = gen_ref(g, R_VEVQ);
}

static void x_bind(struct ectx *e, const struct call *c, struct result *r)
{
	struct viommu_bind_iommufd cmd = {};
	struct res *ctx = ctx_of(e, c->a[0], r), *q;
	int vfd = -1, target = -1;
	__u32 sz = c->a[2];
	void *p;

	if (!ctx)
		return;
	LOCK(e);
	switch (c->a[1] % BT_NR) {
	case BT_IOMMUFD:
	case BT_AGAIN:
		target = ctx->fd;
		break;
	case BT_VFD:
		target = ctx->fd2;
		break;
	case BT_VEVQ:
		q = pool_get(e, R_VEVQ, c->a[5], NULL);
		target = q ? q->fd : -1;
		break;
	case BT_STDIN:
		target = 0;
		break;
	}
	/*
	 * Numbers of our own: another thread may close the pool's and an
	 * open reuse them, and the oracle would judge the wrong file.
	 */
	if (target > 0)
		target = dup(target);
	if (c->a[1] % BT_NR == BT_AGAIN)
		vfd = ctx->fd2 >= 0 ? dup(ctx->fd2) : -1;
	UNLOCK(e);
	cmd.iommufd_fd = target;
	if (c->a[1] % BT_NR == BT_AGAIN) {
		if (!e->pl->stock)
			r->must_fail = "the file is bound already";
	} else {
		vfd = open("/dev/viommu", O_RDWR | O_CLOEXEC);
		if (vfd < 0) {
			if (target > 0)
				close(target);
			r->skipped = 1;
			return;
		}
		if (target < 0 || (c->a[1] % BT_NR == BT_VFD && !e->pl->stock) ||
		    c->a[1] % BT_NR == BT_VEVQ || c->a[1] % BT_NR == BT_STDIN)
			r->must_fail = "the fd is not an iommufd";
	}
	p = lay(e, c->a[4], &cmd, sizeof(cmd), sz, c->a[3]);
	size_rules(r, c->a[4], sz, END_OF(P(viommu_bind_iommufd)->iommufd_fd),
		   sizeof(cmd), c->a[3]);
	if (!SEEN(sz, P(viommu_bind_iommufd)->iommufd_fd) &&
	    c->a[1] % BT_NR != BT_AGAIN)
		r->must_fail = r->must_fail ?: "size below the minimum";
	do_ioctl(r, vfd, VIOMMU_BIND_IOMMUFD, p);
	if (vfd >= 0)
		close(vfd);
	if (target > 0)
		close(target);
}

const struct op op_bind = {
	.name = "bind", .nargs = 6,
	.args = { { "ctx", A_RES, R_CTX }, { "target" }, { "size" },
		  { "tail" }, { "ptr" }, { "veventq", A_RES, R_VEVQ } },
	.gen = g_bind, .exec = x_bind, .weight = 1,
};

/* raw_ioctl: command numbers at random, on our fds */
static void g_raw(struct gctx *g, struct call *c)
{
	struct rng *r = g->r;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = rng_below(r, 4);
	c->a[2] = rng_pct(r, 70) ? _IO(VIOMMU_TYPE, 0x80 + rng_below(r, 0x48)) :
		  rng_pct(r, 50) ? _IOWR(VIOMMU_TYPE, rng_below(r, 256), __u64) :
				   (__u32)rng_next(r);
	c->a[3] = rng_pct(r, 60) ? 8 * rng_below(r, 10) : gen_u32(g);
	c->a[4] = gen_ref(g, R_VEVQ);
}

static void x_raw(struct ectx *e, const struct call *c, struct result *r)
{
	struct res *ctx = ctx_of(e, c->a[0], r), *q;
	__u32 sz = c->a[3];
	int fd = -1;

	if (!ctx)
		return;
	LOCK(e);
	switch (c->a[1] % 4) {
	case 0:
		fd = ctx->fd2;
		break;
	case 1:
		fd = ctx->fd;
		break;
	default:
		q = pool_get(e, c->a[1] % 4 == 2 ? R_VEVQ : R_FAULT, c->a[4], NULL);
		fd = q ? q->fd : ctx->fd2;
		break;
	}
	UNLOCK(e);
	memcpy(e->buf, &sz, sizeof(sz));
	e->dirty = 8;
	do_ioctl(r, fd, (unsigned long)(__u32)c->a[2], e->buf);
}

const struct op op_raw_ioctl = {
	.name = "raw_ioctl", .nargs = 5,
	.args = { { "ctx", A_RES, R_CTX }, { "fd" }, { "cmd" }, { "size" },
		  { "veventq", A_RES, R_VEVQ } },
	.gen = g_raw, .exec = x_raw, .weight = 1,
};
