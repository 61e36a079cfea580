// SPDX-License-Identifier: GPL-2.0
/*
 * Ops on the stock files: /dev/iommu (IOAS, paging HWPTs, fault queues,
 * nested invalidation, destroy) and edu's VFIO cdev (bind, attach,
 * detach). They make what our ioctls work on.
 */
#include <fcntl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "edu_regs.h"
#include "ops.h"

#define MOCK_APERTURE 0x1000000ULL

/* ctx_open: /dev/iommu and the door: /dev/viommu bound, or a dup */
static void g_ctx_open(struct gctx *g, struct call *c)
{
	(void)c;
	gen_add(g, R_CTX, 0);
}

static void x_ctx_open(struct ectx *e, const struct call *c,
		       struct result *r)
{
	struct viommu_bind_iommufd bind = { .size = sizeof(bind) };
	int ifd, vfd;
	struct res *x;

	(void)c;
	ifd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	r->rc = ifd;
	r->err = ifd < 0 ? errno : 0;
	if (ifd < 0)
		return;
	if (e->pl->stock) {
		vfd = fcntl(ifd, F_DUPFD_CLOEXEC, 0);
	} else {
		vfd = open("/dev/viommu", O_RDWR | O_CLOEXEC);
		bind.iommufd_fd = ifd;
		if (vfd >= 0 && ioctl(vfd, VIOMMU_BIND_IOMMUFD, &bind)) {
			r->rc = -1;
			r->err = errno;
			close(vfd);
			vfd = -1;
		}
	}
	if (vfd < 0) {
		close(ifd);
		if (!r->err)
			r->err = errno;
		r->rc = -1;
		return;
	}
	r->rc = 0;
	LOCK(e);
	x = pool_add(e, R_CTX);
	if (x) {
		x->fd = ifd;
		x->fd2 = vfd;
		x->ns = e->pl->nns++;
	} else {
		close(ifd);
		close(vfd);
	}
	UNLOCK(e);
}

static const int errnos_open[] = { ENOENT, ENOMEM, EMFILE, ENFILE, EBUSY, EOPNOTSUPP,
				   ENODEV, EINVAL, EBADF, 0 };

const struct op op_ctx_open = {
	.name = "ctx_open", .nargs = 0,
	.gen = g_ctx_open, .exec = x_ctx_open, .errnos = errnos_open,
	.weight = 1, .creates = RES(R_CTX),
};

/* ioas_alloc */
static void g_ioas_alloc(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_flags(g, 0, 0);
	c->a[2] = gen_size(g, sizeof(struct iommu_ioas_alloc),
			   END_OF(P(iommu_ioas_alloc)->out_ioas_id));
	gen_add(g, R_IOAS, 0);
}

static void x_ioas_alloc(struct ectx *e, const struct call *c,
			 struct result *r)
{
	struct iommu_ioas_alloc cmd = { .flags = c->a[1] };
	struct res *ctx = ctx_of(e, c->a[0], r);
	void *p;

	if (!ctx)
		return;
	p = lay(e, PTR_OK, &cmd, sizeof(cmd), c->a[2], 0);
	do_ioctl(r, ctx->fd, IOMMU_IOAS_ALLOC, p);
	if (!r->rc && back(e, PTR_OK, &cmd, sizeof(cmd)))
		ops_add_obj(e, R_IOAS, ctx, cmd.out_ioas_id, 0);
}

const struct op op_ioas_alloc = {
	.name = "ioas_alloc", .errnos = errnos_stock, .nargs = 3,
	.args = { { "ctx", A_RES, R_CTX }, { "flags" }, { "size" } },
	.gen = g_ioas_alloc, .exec = x_ioas_alloc, .weight = 3,
	.creates = RES(R_IOAS),
};

/* ioas_map: pages of the program's guest RAM into an IOAS */
static void g_ioas_map(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref(g, R_IOAS);
	c->a[2] = rng_below(g->r, GBUF_PAGES);		/* first page */
	c->a[3] = 1 + rng_below(g->r, 4);		/* pages */
	c->a[4] = rng_below(g->r, 3);			/* iova mode */
	c->a[5] = gen_flags(g, 0x7, IOMMU_IOAS_MAP_READABLE |
				    IOMMU_IOAS_MAP_WRITEABLE |
				    (c->a[4] == 1 ? IOMMU_IOAS_MAP_FIXED_IOVA : 0));
	if (rng_pct(g->r, 3))
		c->a[3] = rng_pct(g->r, 50) ? 0 : 0x100000;
	gen_add(g, R_AREA, 0);
}

static void x_ioas_map(struct ectx *e, const struct call *c,
		       struct result *r)
{
	struct iommu_ioas_map cmd = { .size = sizeof(cmd) };
	struct res *ctx = ctx_of(e, c->a[0], r), *x;
	__u64 first = c->a[2] % GBUF_PAGES;

	if (!ctx)
		return;
	LOCK(e);
	cmd.ioas_id = pool_id(e, R_IOAS, c->a[1], r);
	UNLOCK(e);
	cmd.flags = c->a[5];
	cmd.user_va = (uintptr_t)(e->pl->gbuf + first * e->psz);
	cmd.length = c->a[3] * e->psz;
	if (first + c->a[3] > GBUF_PAGES && c->a[3] < 16)
		cmd.length = (GBUF_PAGES - first) * e->psz;
	switch (c->a[4] % 3) {
	case 1:
		cmd.iova = MOCK_APERTURE + first * e->psz;
		break;
	case 2:
		cmd.iova = ~0ULL - e->psz + 1;
		break;
	}
	do_ioctl(r, ctx->fd, IOMMU_IOAS_MAP, &cmd);
	if (r->rc)
		return;
	LOCK(e);
	x = pool_add(e, R_AREA);
	if (x) {
		x->ns = ctx->ns;
		x->ioas = cmd.ioas_id;
		x->x = cmd.iova;
		x->y = cmd.length;
	}
	UNLOCK(e);
}

const struct op op_ioas_map = {
	.name = "ioas_map", .errnos = errnos_stock, .nargs = 6,
	.args = { { "ctx", A_RES, R_CTX }, { "ioas", A_RES, R_IOAS },
		  { "page" }, { "pages" }, { "iova_mode" }, { "flags" } },
	.gen = g_ioas_map, .exec = x_ioas_map, .weight = 4,
	.creates = RES(R_AREA),
};

/* ioas_unmap: an area exactly, part of it, or everything */
static void g_ioas_unmap(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref(g, R_AREA);
	c->a[2] = rng_below(g->r, 3);
	if (c->a[2] == 0)
		gen_del(g, R_AREA, c->a[1]);
}

static void x_ioas_unmap(struct ectx *e, const struct call *c,
			 struct result *r)
{
	struct iommu_ioas_unmap cmd = { .size = sizeof(cmd) };
	struct res *ctx = ctx_of(e, c->a[0], r), *a;

	if (!ctx)
		return;
	LOCK(e);
	a = pool_get(e, R_AREA, c->a[1], NULL);
	if (a) {
		cmd.ioas_id = a->ioas;
		cmd.iova = a->x;
		cmd.length = a->y;
	}
	UNLOCK(e);
	switch (c->a[2] % 3) {
	case 1:
		cmd.length = e->psz;
		break;
	case 2:
		cmd.iova = 0;
		cmd.length = ~0ULL;
		break;
	}
	do_ioctl(r, ctx->fd, IOMMU_IOAS_UNMAP, &cmd);
	if (!r->rc && a && c->a[2] % 3 == 0) {
		LOCK(e);
		a->dead = 1;
		UNLOCK(e);
	}
}

const struct op op_ioas_unmap = {
	.name = "ioas_unmap", .errnos = errnos_stock, .nargs = 3,
	.args = { { "ctx", A_RES, R_CTX }, { "area", A_RES, R_AREA },
		  { "mode" } },
	.gen = g_ioas_unmap, .exec = x_ioas_unmap, .weight = 2,
};

/* hwpt_alloc: a paging HWPT, mostly a nest parent */
static void g_hwpt_alloc(struct gctx *g, struct call *c)
{
	int sub;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref_sub(g, R_IDEV, rng_pct(g->r, 70) ? SUB_MOCK : SUB_EDU,
			      &sub);
	c->a[2] = gen_ref(g, R_IOAS);
	c->a[3] = gen_flags(g, 0xf, rng_pct(g->r, 85) || g->depth ?
				    IOMMU_HWPT_ALLOC_NEST_PARENT : 0);
	gen_add(g, c->a[3] & IOMMU_HWPT_ALLOC_NEST_PARENT ? R_PARENT : R_HWPT,
		sub ? sub : SUB_MOCK);
}

static void x_hwpt_alloc(struct ectx *e, const struct call *c,
			 struct result *r)
{
	struct iommu_hwpt_alloc cmd = { .size = sizeof(cmd) };
	struct res *ctx = ctx_of(e, c->a[0], r);

	if (!ctx)
		return;
	LOCK(e);
	cmd.dev_id = pool_id(e, R_IDEV, c->a[1], r);
	cmd.pt_id = pool_id(e, R_IOAS, c->a[2], r);
	UNLOCK(e);
	cmd.flags = c->a[3];
	do_ioctl(r, ctx->fd, IOMMU_HWPT_ALLOC, &cmd);
	if (!r->rc)
		ops_add_obj(e, cmd.flags & IOMMU_HWPT_ALLOC_NEST_PARENT ?
			   R_PARENT : R_HWPT, ctx, cmd.out_hwpt_id, 0);
}

const struct op op_hwpt_alloc = {
	.name = "hwpt_alloc", .errnos = errnos_stock, .nargs = 4,
	.args = { { "ctx", A_RES, R_CTX }, { "idev", A_RES, R_IDEV },
		  { "ioas", A_RES, R_IOAS }, { "flags" } },
	.gen = g_hwpt_alloc, .exec = x_hwpt_alloc, .weight = 3,
	.creates = RES(R_PARENT) | RES(R_HWPT),
};

/* stock_destroy: IOMMU_DESTROY on /dev/iommu, of any kind of object */
static void g_stock_destroy(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = rng_below(g->r, NR_OBJ_KINDS);
	/* Nested HWPTs are stock objects: their free is ours (SMMUv3) */
	if (g->nres[R_NESTED] && rng_pct(g->r, 20))
		c->a[1] = obj_kind(R_NESTED);
	c->a[2] = gen_ref(g, obj_kinds[c->a[1]]);
	gen_del(g, obj_kinds[c->a[1]], c->a[2]);
}

static void x_stock_destroy(struct ectx *e, const struct call *c,
			    struct result *r)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd) };
	struct res *ctx = ctx_of(e, c->a[0], r);
	int t = obj_kinds[c->a[1] % NR_OBJ_KINDS];

	if (!ctx)
		return;
	LOCK(e);
	cmd.id = pool_id(e, t, c->a[2], r);
	UNLOCK(e);
	do_ioctl(r, ctx->fd, IOMMU_DESTROY, &cmd);
	if (!r->rc) {
		LOCK(e);
		pool_kill_id(e, ctx->ns, cmd.id);
		UNLOCK(e);
	}
}

const struct op op_stock_destroy = {
	.name = "stock_destroy", .errnos = errnos_stock, .nargs = 3,
	.args = { { "ctx", A_RES, R_CTX }, { "kind" }, { "id", A_RES, -1 } },
	.gen = g_stock_destroy, .exec = x_stock_destroy, .weight = 2,
};

/* fault_alloc: a stock fault queue, for IOPF-capable nested HWPTs */
static void g_fault_alloc(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_flags(g, 0, 0);
	gen_add(g, R_FAULT, 0);
}

static void x_fault_alloc(struct ectx *e, const struct call *c,
			  struct result *r)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	struct res *ctx = ctx_of(e, c->a[0], r), *x;

	if (!ctx)
		return;
	cmd.flags = c->a[1];
	do_ioctl(r, ctx->fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd);
	if (r->rc)
		return;
	x = ops_add_obj(e, R_FAULT, ctx, cmd.out_fault_id, 0);
	if (x)
		x->fd = cmd.out_fault_fd;
	else
		close(cmd.out_fault_fd);
}

const struct op op_fault_alloc = {
	.name = "fault_alloc", .errnos = errnos_stock, .nargs = 2,
	.args = { { "ctx", A_RES, R_CTX }, { "flags" } },
	.gen = g_fault_alloc, .exec = x_fault_alloc, .weight = 1,
	.creates = RES(R_FAULT),
};

/* nested_invalidate: stock IOMMU_HWPT_INVALIDATE of a nested HWPT */
static void g_nested_inval(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref(g, R_NESTED);
	c->a[2] = rng_pct(g->r, 80) ? VIOMMU_HWPT_INVALIDATE_DATA_SELFTEST :
		  rng_pct(g->r, 50) ? VIOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID :
				       gen_u32(g);
	c->a[3] = rng_pct(g->r, 85) ? sizeof(struct viommu_hwpt_invalidate_selftest) :
				       gen_u32(g);
	c->a[4] = rng_below(g->r, 5);
	c->a[5] = rng_next(g->r) & 0xffff;	/* entry content seed */
}

static void x_nested_inval(struct ectx *e, const struct call *c,
			   struct result *r)
{
	struct iommu_hwpt_invalidate cmd = { .size = sizeof(cmd) };
	struct viommu_hwpt_invalidate_selftest ent[4];
	struct res *ctx = ctx_of(e, c->a[0], r);
	unsigned int i;

	if (!ctx)
		return;
	for (i = 0; i < ARRAY_SIZE(ent); i++) {
		ent[i].flags = (c->a[5] >> i) & 1;
		ent[i].iotlb_id = ((c->a[5] >> (4 + 2 * i)) & 3) +
				  ((c->a[5] >> 15) & 1) * 4;
	}
	LOCK(e);
	cmd.hwpt_id = pool_id(e, R_NESTED, c->a[1], r);
	UNLOCK(e);
	cmd.data_type = c->a[2];
	cmd.entry_len = c->a[3];
	cmd.entry_num = c->a[4];
	cmd.data_uptr = (uintptr_t)payload(e, PTR_OK, ent, sizeof(ent));
	do_ioctl(r, ctx->fd, IOMMU_HWPT_INVALIDATE, &cmd);
}

const struct op op_nested_invalidate = {
	.name = "nested_invalidate", .errnos = errnos_stock, .nargs = 6,
	.args = { { "ctx", A_RES, R_CTX }, { "nested", A_RES, R_NESTED },
		  { "type" }, { "entry_len" }, { "entry_num" }, { "seed" } },
	.gen = g_nested_inval, .exec = x_nested_inval, .weight = 2,
};

/* vfio_open: edu's cdev, bound to the ctx's iommufd */
static void g_vfio_open(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	gen_add(g, R_VFIO, 0);
	gen_add(g, R_IDEV, SUB_EDU);
}

static void x_vfio_open(struct ectx *e, const struct call *c,
			struct result *r)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct res *ctx = ctx_of(e, c->a[0], r), *x;
	int fd;

	if (!ctx)
		return;
	fd = open(EDU_CDEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r->skipped = 1;	/* no edu in this VM */
		return;
	}
	bind.iommufd = ctx->fd;
	do_ioctl(r, fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (r->rc) {
		close(fd);
		return;
	}
	LOCK(e);
	x = pool_add(e, R_VFIO);
	if (x) {
		x->fd = fd;
		x->ns = ctx->ns;
		x->id = bind.out_devid;
	}
	UNLOCK(e);
	if (!x) {
		close(fd);
		return;
	}
	ops_add_obj(e, R_IDEV, ctx, bind.out_devid, SUB_EDU);
}

const struct op op_vfio_open = {
	.name = "vfio_open", .nargs = 1,
	.args = { { "ctx", A_RES, R_CTX } },
	.gen = g_vfio_open, .exec = x_vfio_open, .errnos = errnos_vfio,
	.weight = 1, .creates = RES(R_VFIO) | RES(R_IDEV),
	/* A full pool closes the new binding at once: an unbind. */
	.must_succeed = call_always,
};

/* vfio_attach: to an IOAS, a paging HWPT, a nest parent or a nested one */
static const int pt_kinds[] = { R_PARENT, R_NESTED, R_IOAS, R_HWPT };
#define PT_NESTED 1

static void g_vfio_attach(struct gctx *g, struct call *c)
{
	int got;

	c->a[0] = gen_ref(g, R_VFIO);
	c->a[1] = rng_below(g->r, ARRAY_SIZE(pt_kinds));
	/*
	 * edu onto one of its nested HWPTs, as a VMM does once the guest
	 * sets an STE: what the SMMUv3 nested attach and leave paths need.
	 */
	if (g->nres[R_NESTED] && rng_pct(g->r, 40)) {
		c->a[1] = PT_NESTED;
		c->a[2] = gen_ref_sub(g, R_NESTED, SUB_EDU, &got);
		return;
	}
	c->a[2] = gen_ref(g, pt_kinds[c->a[1]]);
}

static void x_vfio_attach(struct ectx *e, const struct call *c,
			  struct result *r)
{
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	struct res *v;
	int fd;

	LOCK(e);
	v = pool_get(e, R_VFIO, c->a[0], NULL);
	fd = v ? v->fd : -1;
	at.pt_id = pool_id(e, pt_kinds[c->a[1] % ARRAY_SIZE(pt_kinds)],
			   c->a[2], r);
	UNLOCK(e);
	if (!v) {
		r->skipped = 1;
		return;
	}
	do_ioctl(r, fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
}

const struct op op_vfio_attach = {
	.name = "vfio_attach", .nargs = 3,
	.args = { { "vfio", A_RES, R_VFIO }, { "kind" }, { "pt", A_RES, -1 } },
	.gen = g_vfio_attach, .exec = x_vfio_attach, .errnos = errnos_vfio,
	.weight = 2,
	/*
	 * Its ioctl holds edu's file: when another thread closes it
	 * meanwhile, the unbind runs here, at the ioctl's end.
	 */
	.must_succeed = call_always,
};

static void g_vfio_detach(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_VFIO);
}

static void x_vfio_detach(struct ectx *e, const struct call *c,
			  struct result *r)
{
	struct vfio_device_detach_iommufd_pt de = { .argsz = sizeof(de) };
	struct res *v;
	int fd;

	LOCK(e);
	v = pool_get(e, R_VFIO, c->a[0], NULL);
	fd = v ? v->fd : -1;
	UNLOCK(e);
	if (!v) {
		r->skipped = 1;
		return;
	}
	do_ioctl(r, fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de);
}

const struct op op_vfio_detach = {
	.name = "vfio_detach", .nargs = 1,
	.args = { { "vfio", A_RES, R_VFIO } },
	.gen = g_vfio_detach, .exec = x_vfio_detach, .errnos = errnos_vfio,
	.must_succeed = call_always,
	.weight = 1,
};
