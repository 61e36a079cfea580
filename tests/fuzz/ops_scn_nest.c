// SPDX-License-Identifier: GPL-2.0
/*
 * scn_nest: edu nested on the SMMUv3 the way a VMM sets it up (cdev
 * bound, IOAS with guest RAM, nest parent, edu attached, ARM_SMMUV3
 * vIOMMU, vDEVICE, vEVENTQ, nested HWPT of a vSTE, edu attached to it),
 * then one ending: edu back on the parent and the nested HWPT freed, a
 * second vSTE replacing the first, a detach, or edu's cdev closed (its
 * unbind) under the live vDEVICE.
 */
#include <unistd.h>
#include <linux/vfio.h>

#include "scn.h"
#include "smmuv3_nested.h"

enum {
	NEND_KEEP,	/* leave it all to the other ops */
	NEND_LEAVE,	/* back to the parent, nested HWPT destroyed */
	NEND_REPLACE,	/* a second vSTE replaces the first */
	NEND_DETACH,	/* detached, nested HWPT destroyed */
	NEND_UNBIND,	/* the cdev closed under vDEVICE and nested HWPT */
	NEND_NR,
};

/* vSTE kinds: what upstream takes, and two it refuses (EIO) */
static const __u64 nest_cfg[] = {
	STE0_CFG_S1_TRANS, STE0_CFG_ABORT, STE0_CFG_BYPASS, STE0_CFG_S1_TRANS,
	STE0_CFG_S2_TRANS, STE0_CFG_NESTED,
};

/* edu's cdev bound to the ctx's iommufd: a live one, or opened now */
static int nest_vfio(struct scn *s)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct res *x;
	int i;

	LOCK(s->e);
	for (i = 0; i < s->e->pl->nres; i++) {
		x = &s->e->pl->res[i];
		if (!x->dead && x->type == R_VFIO && x->fd >= 0 &&
		    x->ns == s->ctx->ns) {
			s->vfio_fd = x->fd;
			s->dev = x->id;
		}
	}
	UNLOCK(s->e);
	if (s->vfio_fd >= 0)
		return 0;
	s->vfio_fd = open(EDU_CDEV, O_RDWR | O_CLOEXEC);
	if (s->vfio_fd < 0) {
		s->r->skipped = 1;	/* no edu in this VM */
		return -1;
	}
	bind.iommufd = s->ifd;
	if (scn_step(s, ioctl(s->vfio_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind),
		     errnos_vfio)) {
		close(s->vfio_fd);
		return -1;
	}
	s->dev = bind.out_devid;
	if (!scn_add_fd(s, R_VFIO, s->dev, s->vfio_fd))
		return -1;
	scn_add(s, R_IDEV, s->dev, SUB_EDU);
	return 0;
}

static int nest_attach(struct scn *s, __u32 pt_id)
{
	struct vfio_device_attach_iommufd_pt at = {
		.argsz = sizeof(at), .pt_id = pt_id,
	};

	return ioctl(s->vfio_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
}

/* A nested HWPT of vSTE kind @k; its stock id in *@id */
static int nest_hwpt(struct scn *s, unsigned int k, __u32 *id)
{
	struct viommu_hwpt_arm_smmuv3 data;
	__u64 ste[2];

	ste_encode(ste, nest_cfg[k % ARRAY_SIZE(nest_cfg)],
		   IPA_TABLES + TBL_CD * PG);
	/* V=0: an abort STE upstream takes all the same */
	if (k / ARRAY_SIZE(nest_cfg) % 4 == 1)
		ste[0] &= ~STE0_V;
	data.ste[0] = htole64(ste[0]);
	data.ste[1] = htole64(ste[1]);
	if (scn_step(s, vt_nested_alloc(s->vfd, s->dev, s->viommu, 0,
					VIOMMU_HWPT_DATA_ARM_SMMUV3, &data,
					sizeof(data), id), errnos_ioctl))
		return -1;
	scn_add(s, R_NESTED, *id, SUB_EDU);
	return 0;
}

/* IOMMU_DESTROY of a nested HWPT: the SMMUv3 domain's free */
static void nest_free(struct scn *s, __u32 id)
{
	if (!scn_try(s, stock_destroy(s->ifd, id), errnos_stock))
		scn_kill(s, id);
}

/* Guest RAM at its IPAs, nest parent, edu on it, the vIOMMU objects */
static int nest_setup(struct scn *s, const struct call *c)
{
	return scn_ioas(s) ||
	       scn_map(s, IPA_TABLES, c->a[5], TBL_PAGES, NULL) ||
	       scn_parent(s, SUB_EDU) ||
	       scn_step(s, nest_attach(s, s->parent), errnos_vfio) ||
	       scn_viommu(s, VIOMMU_VIOMMU_TYPE_ARM_SMMUV3, SUB_EDU) ||
	       scn_vdev(s, c->a[2]) ||
	       (c->a[6] && scn_veventq(s, VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
				       c->a[6])) ||
	       nest_hwpt(s, c->a[1], &s->nested) ||
	       scn_try(s, nest_attach(s, s->nested), errnos_vfio);
}

/*
 * The guest's invalidations of @n commands, cycling through those a
 * vIOMMU takes (TLBI by VMID, CFGI and ATC_INV by the vDEVICE's vSID);
 * with @bad, the last names a vSID no vDEVICE has (EIO, a partial batch).
 */
static void nest_guest_inval(struct scn *s, __u32 vsid, __u32 n, int bad)
{
	static const __u64 ops[] = {
		CMD_TLBI_NH_ALL, CMD_TLBI_NH_ASID, CMD_TLBI_NH_VA,
		CMD_CFGI_CD, CMD_CFGI_CD_ALL, 0x30 /* NSNH_ALL */,
		0x40 /* ATC_INV */,
	};
	struct viommu_viommu_arm_smmuv3_invalidate req[80];
	__u32 i;

	n = n % ARRAY_SIZE(req) + 1;
	for (i = 0; i < n; i++) {
		__u64 op = ops[i % ARRAY_SIZE(ops)], cmd[2] = { op, 0 };

		if (op == CMD_TLBI_NH_VA)
			cmd_tlbi_nh_va(cmd, S1_ASID, IOVA_X);
		else if (op == CMD_TLBI_NH_ASID)
			cmd_tlbi_nh_asid(cmd, S1_ASID);
		else if (op != CMD_TLBI_NH_ALL && op != 0x30)
			cmd_cfgi(cmd, op, bad && i == n - 1 ? vsid + 1 : vsid);
		req[i].cmd[0] = htole64(cmd[0]);
		req[i].cmd[1] = htole64(cmd[1]);
	}
	scn_try(s, vt_invalidate(s->vfd, s->viommu, req,
				 VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
				 sizeof(req[0]), &n), errnos_ioctl);
}

static void nest_unbind(struct scn *s)
{
	LOCK(s->e);
	for (int i = 0; i < s->e->pl->nres; i++) {
		struct res *x = &s->e->pl->res[i];

		if (x->type == R_VFIO && x->fd == s->vfio_fd) {
			x->fd = -1;
			x->dead = 1;
		}
	}
	pool_kill_id(s->e, s->ctx->ns, s->dev);
	UNLOCK(s->e);
	scn_try(s, close(s->vfio_fd), errnos_syscall);
}

static void nest_ending(struct scn *s, const struct call *c)
{
	struct vfio_device_detach_iommufd_pt de = { .argsz = sizeof(de) };
	__u32 second;

	switch (c->a[3] % NEND_NR) {
	case NEND_LEAVE:
		scn_try(s, nest_attach(s, s->parent), errnos_vfio);
		nest_free(s, s->nested);
		break;
	case NEND_REPLACE:
		if (nest_hwpt(s, c->a[4], &second))
			break;
		scn_try(s, nest_attach(s, second), errnos_vfio);
		nest_free(s, s->nested);
		break;
	case NEND_DETACH:
		scn_try(s, ioctl(s->vfio_fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de),
			errnos_vfio);
		nest_free(s, s->nested);
		break;
	case NEND_UNBIND:
		nest_unbind(s);
		break;
	}
}

static void g_scn_nest(struct gctx *g, struct call *c)
{
	struct rng *r = g->r;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = rng_pct(r, 85) ? rng_below(r, 3) :
		  rng_below(r, 4 * ARRAY_SIZE(nest_cfg));
	/* vSIDs the invalidate op's commands name too */
	c->a[2] = rng_pct(r, 80) ? rng_below(r, 4) : gen_virt(g);
	c->a[3] = rng_below(r, NEND_NR);
	c->a[4] = rng_below(r, 3);
	c->a[5] = rng_below(r, GBUF_PAGES);	/* guest RAM's first page */
	c->a[6] = rng_pct(r, 70) ? 1 + rng_below(r, 8) : 0;
	c->a[7] = rng_pct(r, 60) ? rng_below(r, 80) : 0;	/* commands */
	c->a[8] = rng_pct(r, 30);				/* unmap */
	if (!g->nres[R_VFIO]) {
		gen_add(g, R_VFIO, 0);
		gen_add(g, R_IDEV, SUB_EDU);
	}
	gen_add(g, R_IOAS, 0);
	gen_add(g, R_AREA, 0);
	gen_add(g, R_PARENT, SUB_EDU);
	gen_add(g, R_VIOMMU, SUB_EDU);
	gen_add(g, R_VDEV, 0);
	gen_add(g, R_NESTED, SUB_EDU);
}

static void x_scn_nest(struct ectx *e, const struct call *c,
		       struct result *r)
{
	struct scn s;

	if (scn_begin(&s, e, c->a[0], r) || nest_vfio(&s) ||
	    nest_setup(&s, c) || scn_over(&s))
		return;
	if (c->a[7])
		nest_guest_inval(&s, c->a[2], c->a[7], c->a[7] & 1);
	if (!scn_over(&s))
		nest_ending(&s, c);
	/* Guest RAM gone: the parent's iotlb_sync flushes stage 1 too */
	if (!scn_over(&s) && c->a[8])
		scn_try(&s, ioas_unmap(s.ifd, s.ioas, IPA_TABLES, TBL_PAGES * PG),
			errnos_stock);
}

const struct op op_scn_nest = {
	.name = "scn_nest", .nargs = 9,
	.args = { { "ctx", A_RES, R_CTX }, { "vste" }, { "vsid" },
		  { "end" }, { "vste2" }, { "ram" }, { "depth" },
		  { "commands" }, { "unmap" } },
	.creates = RES(R_VFIO) | RES(R_IDEV) | RES(R_IOAS) | RES(R_AREA) |
		   RES(R_PARENT) | RES(R_VIOMMU) | RES(R_VDEV) |
		   RES(R_VEVQ) | RES(R_NESTED),
	.gen = g_scn_nest, .exec = x_scn_nest,
	/*
	 * 30 to 50 ms, a dozen calls: weight 1, but in edu programs only (a
	 * fifth of them), so about as rare as a weight-0 op over the run.
	 */
	.weight = 1,
	/* Its endings detach edu or close its cdev. */
	.must_succeed = call_always,
};
