// SPDX-License-Identifier: GPL-2.0
/*
 * The steps scenario ops are made of (scn.h): each is one call of the
 * tests' own wrappers (fixture.h) on the ids the steps before made, and
 * records what it made in the pool. The first step that fails ends the
 * scenario with its errno, held to that step's table.
 */
#include "scn.h"
#include "fixture.h"

int scn_begin(struct scn *s, struct ectx *e, __u64 ctx_ref,
	      struct result *r)
{
	memset(s, 0, sizeof(*s));
	s->e = e;
	s->r = r;
	s->vfio_fd = -1;
	s->qfd = -1;
	LOCK(e);
	s->ctx = pool_ctx(e, ctx_ref, r);
	if (s->ctx) {
		s->ifd = s->ctx->fd;
		s->vfd = s->ctx->fd2;
	}
	UNLOCK(e);
	if (!s->ctx || s->ifd < 0 || s->vfd < 0) {
		r->skipped = 1;
		return -1;
	}
	return 0;
}

/* A step's outcome: 0 goes on; -1 ends the scenario with its errno. */
int scn_step(struct scn *s, int rc, const int *errnos)
{
	if (!rc)
		return 0;
	s->r->rc = -1;
	s->r->err = errno;
	s->r->errnos = errnos;
	return -1;
}

/*
 * A step that may fail (EBUSY and such): only a wrong errno ends the
 * scenario (scn_over()). Returns the step's rc.
 */
int scn_try(struct scn *s, int rc, const int *errnos)
{
	if (rc && !errno_allowed(errnos, errno))
		scn_step(s, rc, errnos);
	return rc;
}

void scn_add(struct scn *s, enum res_type t, __u32 id, int sub)
{
	ops_add_obj(s->e, t, s->ctx, id, sub);
}

/* An entry with an fd (vEVENTQ, VFIO); else the fd is closed: NULL */
struct res *scn_add_fd(struct scn *s, enum res_type t, __u32 id, int fd)
{
	struct res *x;

	LOCK(s->e);
	x = pool_add(s->e, t);
	if (x) {
		x->id = id;
		x->ns = s->ctx->ns;
		x->fd = fd;
	}
	UNLOCK(s->e);
	if (!x)
		close(fd);
	return x;
}

/* A destroyed id: every pool entry of it is gone. */
void scn_kill(struct scn *s, __u32 id)
{
	LOCK(s->e);
	pool_kill_id(s->e, s->ctx->ns, id);
	UNLOCK(s->e);
}

int scn_ioas(struct scn *s)
{
	if (scn_step(s, ioas_alloc(s->ifd, &s->ioas), errnos_stock))
		return -1;
	scn_add(s, R_IOAS, s->ioas, 0);
	return 0;
}

/* @pages of guest RAM from page @first, at @iova (0: the kernel picks) */
int scn_map(struct scn *s, __u64 iova, unsigned int first,
	    unsigned int pages, __u64 *out)
{
	__u64 len = pages * s->e->psz;
	struct res *x;
	__u8 *va;

	first %= GBUF_PAGES;
	if (first + pages > GBUF_PAGES)
		first = GBUF_PAGES - pages;
	va = s->e->pl->gbuf + first * s->e->psz;

	if (scn_step(s, ioas_map(s->ifd, s->ioas, va, len, &iova, !!iova),
		     errnos_stock))
		return -1;
	LOCK(s->e);
	x = pool_add(s->e, R_AREA);
	if (x) {
		x->ns = s->ctx->ns;
		x->ioas = s->ioas;
		x->x = iova;
		x->y = len;
	}
	UNLOCK(s->e);
	if (out)
		*out = iova;
	return 0;
}

int scn_parent(struct scn *s, int sub)
{
	if (scn_step(s, stock_hwpt_alloc(s->ifd, s->dev, s->ioas,
					 IOMMU_HWPT_ALLOC_NEST_PARENT,
					 &s->parent), errnos_stock))
		return -1;
	scn_add(s, R_PARENT, s->parent, sub);
	return 0;
}

int scn_viommu(struct scn *s, __u32 type, int sub)
{
	if (scn_step(s, vt_viommu_alloc(s->vfd, s->dev, s->parent, type, NULL,
					0, &s->viommu), errnos_ioctl))
		return -1;
	scn_add(s, R_VIOMMU, s->viommu, sub);
	return 0;
}

int scn_vdev(struct scn *s, __u64 virt_id)
{
	if (scn_step(s, vt_vdevice_alloc(s->vfd, s->viommu, s->dev, virt_id,
					 &s->vdev), errnos_ioctl))
		return -1;
	scn_add(s, R_VDEV, s->vdev, 0);
	return 0;
}

int scn_veventq(struct scn *s, __u32 type, __u32 depth)
{
	if (scn_step(s, vt_veventq_alloc(s->vfd, s->viommu, type, depth,
					 &s->veventq, &s->qfd), errnos_ioctl))
		return -1;
	if (scn_add_fd(s, R_VEVQ, s->veventq, s->qfd))
		return 0;
	s->qfd = -1;
	return -1;
}

/* VIOMMU_DESTROY of @id; a success kills its pool entries. */
int scn_destroy(struct scn *s, __u32 id)
{
	int rc = vt_destroy(s->vfd, id);

	if (!rc)
		scn_kill(s, id);
	return rc;
}
