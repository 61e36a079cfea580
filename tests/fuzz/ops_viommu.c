// SPDX-License-Identifier: GPL-2.0
/*
 * Our ioctls on the door fd: each op lays out its struct from the args,
 * and says before the call why it must fail, when it must (oracle b):
 * a reserved field set, an undefined flag bit, a size rule broken.
 */
#include <fcntl.h>
#include <unistd.h>

#include "ops.h"

/* A reserved value: 0, or (violation) a non-zero one */
static __u64 rsv(struct gctx *g, int viol)
{
	return viol ? 1ULL << rng_below(g->r, 8) : 0;
}

/* destroy: VIOMMU_DESTROY of any kind of object */
static void g_destroy(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = rng_below(g->r, NR_OBJ_KINDS);
	/*
	 * A mock device unplugged under its vDEVICE: the unbind must take
	 * the vDEVICE down first (viommu_core_idev_unbind()).
	 */
	if (g->nres[R_VDEV] && g->nres[R_STDEV] && rng_pct(g->r, 20))
		c->a[1] = obj_kind(R_STDEV);
	c->a[2] = gen_ref(g, obj_kinds[c->a[1]]);
	c->a[3] = gen_size(g, sizeof(struct viommu_destroy),
			   END_OF(P(viommu_destroy)->id));
	c->a[4] = 0;
	gen_del(g, obj_kinds[c->a[1]], c->a[2]);
}

static void x_destroy(struct ectx *e, const struct call *c, struct result *r)
{
	struct viommu_destroy cmd = {};
	struct res *ctx = ctx_of(e, c->a[0], r);
	int t = obj_kinds[c->a[1] % NR_OBJ_KINDS];
	void *p;

	if (!ctx)
		return;
	LOCK(e);
	cmd.id = pool_id(e, t, c->a[2], r);
	UNLOCK(e);
	p = lay(e, PTR_OK, &cmd, sizeof(cmd), c->a[3], c->a[4]);
	size_rules(r, PTR_OK, c->a[3], END_OF(P(viommu_destroy)->id), sizeof(cmd),
		   c->a[4]);
	do_ioctl(r, ctx->fd2, VIOMMU_DESTROY, p);
	if (!r->rc) {
		LOCK(e);
		pool_kill_id(e, ctx->ns, cmd.id);
		UNLOCK(e);
	}
}

const struct op op_destroy = {
	.name = "destroy", .nargs = 5,
	.args = { { "ctx", A_RES, R_CTX }, { "kind" }, { "id", A_RES, -1 },
		  { "size" }, { "tail" } },
	.gen = g_destroy, .exec = x_destroy, .weight = 4,
};

/* viommu_alloc: selftest on a mock device, SMMUv3/CMDQV on edu */
enum { VD_NONE, VD_SELFTEST, VD_SHORT, VD_CMDQV, VD_GARBAGE, VD_NR };

static void g_viommu_alloc(struct gctx *g, struct call *c)
{
	struct rng *r = g->r;
	int sub, psub, viol = gen_viol(g);

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref_sub(g, R_IDEV, rng_pct(r, 75) ? SUB_MOCK : SUB_EDU,
			      &sub);
	c->a[2] = gen_ref_sub(g, R_PARENT, sub ? sub : SUB_MOCK, &psub);
	if (sub == SUB_EDU)
		c->a[3] = rng_pct(r, 85) ? VIOMMU_VIOMMU_TYPE_ARM_SMMUV3 :
			  VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV;
	else
		c->a[3] = VIOMMU_VIOMMU_TYPE_SELFTEST;
	if (!g->depth && rng_pct(r, 5))
		c->a[3] = gen_u32(g);
	c->a[4] = viol && rng_pct(r, 50) ? 1U << rng_below(r, 32) : 0; /* flags */
	c->a[5] = sub == SUB_MOCK && rng_pct(r, 50) ? VD_SELFTEST :
		  sub == SUB_EDU && c->a[3] == VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV ?
		  VD_CMDQV : VD_NONE;
	if (!g->depth && rng_pct(r, 8))
		c->a[5] = rng_below(r, VD_NR);
	c->a[6] = rng_next(r) & 0xffff;			/* in_data */
	c->a[7] = rsv(g, viol && !c->a[4] && rng_pct(r, 30));
	c->a[8] = gen_size(g, sizeof(struct viommu_viommu_alloc),
			   END_OF(P(viommu_viommu_alloc)->out_viommu_id));
	c->a[9] = viol && rng_pct(r, 20);		/* tail */
	c->a[10] = gen_ptr(g);
	if (!g->depth && rng_pct(r, 3))
		c->a[10] = PTR_NR * (1 + rng_below(r, PTR_NR - 1));
	gen_add(g, R_VIOMMU, sub == SUB_EDU ? SUB_EDU : SUB_MOCK);
	if (c->a[5] == VD_SELFTEST || c->a[5] == VD_CMDQV)
		gen_add(g, R_REGION, 0);
}

static void x_viommu_alloc(struct ectx *e, const struct call *c,
			   struct result *r)
{
	struct viommu_viommu_alloc cmd = {};
	struct viommu_viommu_selftest st = { .in_data = c->a[6] };
	struct viommu_viommu_tegra241_cmdqv cq = {};
	struct res *ctx = ctx_of(e, c->a[0], r), *x;
	__u8 garbage[64];
	__u32 sz = c->a[8];
	const void *src = NULL;
	size_t len = 0;
	__u8 *data;
	void *p;

	if (!ctx)
		return;
	LOCK(e);
	cmd.dev_id = pool_id(e, R_IDEV, c->a[1], r);
	cmd.hwpt_id = pool_id(e, R_PARENT, c->a[2], r);
	UNLOCK(e);
	cmd.type = c->a[3];
	cmd.flags = c->a[4];
	cmd.__reserved = c->a[7];
	switch (c->a[5] % VD_NR) {
	case VD_SELFTEST:
		src = &st;
		len = sizeof(st);
		break;
	case VD_SHORT:
		src = &st;
		len = sizeof(__u32);
		break;
	case VD_CMDQV:
		src = &cq;
		len = sizeof(cq);
		break;
	case VD_GARBAGE:
		memset(garbage, c->a[6], sizeof(garbage));
		src = garbage;
		len = sizeof(garbage);
		break;
	}
	/* ptr: the struct's pointer kind; ptr / PTR_NR: the data's */
	data = len ? payload(e, (c->a[10] / PTR_NR) % PTR_NR, src, len) : NULL;
	cmd.data_len = len;
	cmd.data_uptr = (uintptr_t)data;
	p = lay(e, c->a[10] % PTR_NR, &cmd, sizeof(cmd), sz, c->a[9]);
	size_rules(r, c->a[10] % PTR_NR, sz, END_OF(P(viommu_viommu_alloc)->out_viommu_id),
		   sizeof(cmd), c->a[9]);
	if (cmd.flags && SEEN(sz, P(viommu_viommu_alloc)->flags))
		r->must_fail = "flags set";
	do_ioctl(r, ctx->fd2, VIOMMU_VIOMMU_ALLOC, p);
	if (r->rc || !back(e, c->a[10] % PTR_NR, &cmd, sizeof(cmd)))
		return;
	x = ops_add_obj(e, R_VIOMMU, ctx, cmd.out_viommu_id,
			cmd.type == VIOMMU_VIOMMU_TYPE_SELFTEST ? SUB_MOCK : SUB_EDU);
	if (!x || !data || (c->a[10] / PTR_NR) % PTR_NR != PTR_OK)
		return;
	/* The region the driver gave out, for the mmap op */
	LOCK(e);
	if (len == sizeof(st) && src == &st) {
		memcpy(&st, data, sizeof(st));
		x = st.out_mmap_length ? pool_add(e, R_REGION) : NULL;
		if (x) {
			x->ns = ctx->ns;
			x->x = st.out_mmap_offset;
			x->y = st.out_mmap_length;
		}
	} else if (src == &cq) {
		memcpy(&cq, data, sizeof(cq));
		x = cq.out_vintf_mmap_length ? pool_add(e, R_REGION) : NULL;
		if (x) {
			x->ns = ctx->ns;
			x->x = cq.out_vintf_mmap_offset;
			x->y = cq.out_vintf_mmap_length;
		}
	}
	UNLOCK(e);
}

const struct op op_viommu_alloc = {
	.name = "viommu_alloc", .nargs = 11,
	.args = { { "ctx", A_RES, R_CTX }, { "idev", A_RES, R_IDEV },
		  { "parent", A_RES, R_PARENT }, { "type" }, { "flags" },
		  { "data" }, { "in_data" }, { "rsv" }, { "size" },
		  { "tail" }, { "ptr" } },
	.gen = g_viommu_alloc, .exec = x_viommu_alloc, .weight = 4,
	.creates = RES(R_VIOMMU) | RES(R_REGION),
};

/* vdevice_alloc */
static void g_vdevice_alloc(struct gctx *g, struct call *c)
{
	int sub;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref(g, R_VIOMMU);
	c->a[2] = gen_ref_sub(g, R_IDEV, g->nres[R_VIOMMU] ?
				  g->sub[R_VIOMMU][REF_VAL(c->a[1]) %
						   g->nres[R_VIOMMU]] : SUB_MOCK,
			      &sub);
	c->a[3] = rng_pct(g->r, 80) ? rng_below(g->r, 4) : gen_virt(g);
	c->a[4] = gen_size(g, sizeof(struct viommu_vdevice_alloc),
			   END_OF(P(viommu_vdevice_alloc)->virt_id));
	c->a[5] = gen_viol(g) && rng_pct(g->r, 30);
	c->a[6] = gen_ptr(g);
	gen_add(g, R_VDEV, 0);
}

static void x_vdevice_alloc(struct ectx *e, const struct call *c,
			    struct result *r)
{
	struct viommu_vdevice_alloc cmd = {};
	struct res *ctx = ctx_of(e, c->a[0], r);
	void *p;

	if (!ctx)
		return;
	LOCK(e);
	cmd.viommu_id = pool_id(e, R_VIOMMU, c->a[1], r);
	cmd.dev_id = pool_id(e, R_IDEV, c->a[2], r);
	UNLOCK(e);
	cmd.virt_id = c->a[3];
	p = lay(e, c->a[6], &cmd, sizeof(cmd), c->a[4], c->a[5]);
	size_rules(r, c->a[6], c->a[4], END_OF(P(viommu_vdevice_alloc)->virt_id),
		   sizeof(cmd), c->a[5]);
	do_ioctl(r, ctx->fd2, VIOMMU_VDEVICE_ALLOC, p);
	if (!r->rc && back(e, c->a[6], &cmd, sizeof(cmd)))
		ops_add_obj(e, R_VDEV, ctx, cmd.out_vdevice_id, 0);
}

const struct op op_vdevice_alloc = {
	.name = "vdevice_alloc", .nargs = 7,
	.args = { { "ctx", A_RES, R_CTX }, { "viommu", A_RES, R_VIOMMU },
		  { "idev", A_RES, R_IDEV }, { "virt_id" }, { "size" },
		  { "tail" }, { "ptr" } },
	.gen = g_vdevice_alloc, .exec = x_vdevice_alloc, .weight = 4,
	.creates = RES(R_VDEV),
};

/* veventq_alloc */
static void g_veventq_alloc(struct gctx *g, struct call *c)
{
	struct rng *r = g->r;
	int viol = gen_viol(g), sub = SUB_MOCK;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref(g, R_VIOMMU);
	if (g->nres[R_VIOMMU])
		sub = g->sub[R_VIOMMU][REF_VAL(c->a[1]) % g->nres[R_VIOMMU]];
	c->a[2] = sub == SUB_EDU ? VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3 :
				   VIOMMU_VEVENTQ_TYPE_SELFTEST;
	if (!g->depth && rng_pct(r, 6))
		c->a[2] = rng_pct(r, 50) ? rng_below(r, 3) : gen_u32(g);
	c->a[3] = rng_pct(r, 80) ? 1 + rng_below(r, 4) : gen_u32(g);
	c->a[4] = viol && rng_pct(r, 50) ? 1U << rng_below(r, 32) : 0;
	c->a[5] = rsv(g, viol && !c->a[4] && rng_pct(r, 50));
	c->a[6] = gen_size(g, sizeof(struct viommu_veventq_alloc),
			   END_OF(P(viommu_veventq_alloc)->out_veventq_fd));
	c->a[7] = viol && rng_pct(r, 20);
	c->a[8] = gen_ptr(g);
	gen_add(g, R_VEVQ, 0);
}

static void x_veventq_alloc(struct ectx *e, const struct call *c,
			    struct result *r)
{
	struct viommu_veventq_alloc cmd = {};
	struct res *ctx = ctx_of(e, c->a[0], r), *x;
	__u32 sz = c->a[6];
	void *p;

	if (!ctx)
		return;
	LOCK(e);
	cmd.viommu_id = pool_id(e, R_VIOMMU, c->a[1], r);
	UNLOCK(e);
	cmd.type = c->a[2];
	cmd.veventq_depth = c->a[3];
	cmd.flags = c->a[4];
	cmd.__reserved = c->a[5];
	p = lay(e, c->a[8], &cmd, sizeof(cmd), sz, c->a[7]);
	size_rules(r, c->a[8], sz, END_OF(P(viommu_veventq_alloc)->out_veventq_fd),
		   sizeof(cmd), c->a[7]);
	if (cmd.flags && SEEN(sz, P(viommu_veventq_alloc)->flags))
		r->must_fail = "flags set";
	if (cmd.__reserved && SEEN(sz, P(viommu_veventq_alloc)->__reserved))
		r->must_fail = "__reserved set";
	do_ioctl(r, ctx->fd2, VIOMMU_VEVENTQ_ALLOC, p);
	if (r->rc || !back(e, c->a[8], &cmd, sizeof(cmd)))
		return;
	x = ops_add_obj(e, R_VEVQ, ctx, cmd.out_veventq_id, 0);
	if (x)
		x->fd = cmd.out_veventq_fd;
	else
		close(cmd.out_veventq_fd);
}

const struct op op_veventq_alloc = {
	.name = "veventq_alloc", .nargs = 9,
	.args = { { "ctx", A_RES, R_CTX }, { "viommu", A_RES, R_VIOMMU },
		  { "type" }, { "depth" }, { "flags" }, { "rsv" }, { "size" },
		  { "tail" }, { "ptr" } },
	.gen = g_veventq_alloc, .exec = x_veventq_alloc, .weight = 3,
	.creates = RES(R_VEVQ),
};

/*
 * The queue is pinned through a stock access (7.2 and our core alike:
 * iommufd_access_pin_pages(), flags 0): a range with an area mapped
 * without IOMMU_IOAS_MAP_READABLE is EPERM (device.c check_area_prot()).
 */
const int errnos_hwq[] = {
	EADDRINUSE, EINVAL, EOPNOTSUPP, ENOENT, EBUSY, EFAULT, EOVERFLOW, ENOMEM, ENODEV,
	ENOSPC, EEXIST, EIO, ENOTTY, EBADF, EBADFD, EAGAIN, EINTR, E2BIG,
	ENXIO, ERANGE, EPERM, 0,
};

/* hw_queue_alloc: queue memory from a mapped area of the parent's IOAS */
static void g_hwq_alloc(struct gctx *g, struct call *c)
{
	struct rng *r = g->r;
	int viol = gen_viol(g);

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref(g, R_VIOMMU);
	c->a[2] = rng_pct(r, 85) ? VIOMMU_HW_QUEUE_TYPE_SELFTEST :
		  rng_pct(r, 50) ? rng_below(r, 3) : gen_u32(g);
	c->a[3] = rng_pct(r, 85) ? rng_below(r, 2) : gen_u32(g);
	c->a[4] = gen_ref(g, R_AREA);
	c->a[5] = rng_pct(r, 85) ? 0 : rng_below(r, 4);	/* iova/len mode */
	c->a[6] = viol ? 1U << rng_below(r, 32) : 0;
	c->a[7] = gen_size(g, sizeof(struct viommu_hw_queue_alloc),
			   END_OF(P(viommu_hw_queue_alloc)->length));
	c->a[8] = gen_ptr(g);
	gen_add(g, R_HWQ, 0);
}

static void x_hwq_alloc(struct ectx *e, const struct call *c,
			struct result *r)
{
	struct viommu_hw_queue_alloc cmd = {};
	struct res *ctx = ctx_of(e, c->a[0], r), *a;
	__u32 sz = c->a[7];
	void *p;

	if (!ctx)
		return;
	LOCK(e);
	cmd.viommu_id = pool_id(e, R_VIOMMU, c->a[1], r);
	a = pool_get(e, R_AREA, c->a[4], NULL);
	if (a) {
		cmd.nesting_parent_iova = a->x;
		cmd.length = a->y;
	}
	UNLOCK(e);
	switch (c->a[5] % 4) {
	case 1:
		cmd.length = 0;
		break;
	case 2:
		cmd.nesting_parent_iova = ~0ULL;
		break;
	case 3:
		cmd.length += e->psz;
		break;
	}
	cmd.type = c->a[2];
	cmd.index = c->a[3];
	cmd.flags = c->a[6];
	p = lay(e, c->a[8], &cmd, sizeof(cmd), sz, 0);
	size_rules(r, c->a[8], sz, END_OF(P(viommu_hw_queue_alloc)->length),
		   sizeof(cmd), 0);
	if (cmd.flags && SEEN(sz, P(viommu_hw_queue_alloc)->flags))
		r->must_fail = "flags set";
	do_ioctl(r, ctx->fd2, VIOMMU_HW_QUEUE_ALLOC, p);
	if (!r->rc && back(e, c->a[8], &cmd, sizeof(cmd)))
		ops_add_obj(e, R_HWQ, ctx, cmd.out_hw_queue_id, 0);
}

const struct op op_hw_queue_alloc = {
	.name = "hw_queue_alloc", .errnos = errnos_hwq, .nargs = 9,
	.args = { { "ctx", A_RES, R_CTX }, { "viommu", A_RES, R_VIOMMU },
		  { "type" }, { "index" }, { "area", A_RES, R_AREA },
		  { "mode" }, { "flags" }, { "size" }, { "ptr" } },
	.gen = g_hwq_alloc, .exec = x_hwq_alloc, .weight = 3,
	.creates = RES(R_HWQ),
};
