// SPDX-License-Identifier: GPL-2.0
/*
 * scn_mock: a selftest vIOMMU the way the tests build one (IOAS, mock
 * device, nest parent, vIOMMU, vDEVICE, vEVENTQ), vEVENTs triggered and
 * read back, then one ending: HW queues that depend on each other, the
 * mock device unplugged under its live vDEVICE, or a teardown in order.
 */
#include <fcntl.h>
#include <poll.h>

#include "scn.h"
#include "fixture.h"

enum {
	MEND_KEEP,	/* leave it all to the other ops */
	MEND_UNPLUG,	/* the device unbound under its vDEVICE (and nested) */
	MEND_HWQ,	/* queue 1 depends on queue 0 */
	MEND_TEARDOWN,	/* vDEVICE, vEVENTQ, vIOMMU, events pending */
	MEND_NR,
};

/*
 * A mock device of the ctx's file no scenario took yet (one device, one
 * vDEVICE), or a new one on the IOAS.
 */
static int mock_dev(struct scn *s, int fresh)
{
	struct res *x;
	__u32 hwpt = 0;
	int i;

	LOCK(s->e);
	for (i = s->e->pl->nres - 1; !fresh && i >= 0; i--) {
		x = &s->e->pl->res[i];

		if (!x->dead && x->type == R_IDEV && x->sub == SUB_MOCK &&
		    x->ns == s->ctx->ns && x->x && !x->y) {
			x->y = 1;
			s->dev = x->id;
			s->stdev = x->x;
			break;
		}
	}
	UNLOCK(s->e);
	if (s->dev)
		return 0;
	if (scn_step(s, vt_mock_domain(s->vfd, s->ioas, &s->stdev, &hwpt,
				       &s->dev), errnos_ioctl))
		return -1;
	scn_add(s, R_STDEV, s->stdev, 0);
	scn_add(s, R_HWPT, hwpt, 0);
	LOCK(s->e);
	x = pool_add(s->e, R_IDEV);
	if (x) {
		x->id = s->dev;
		x->ns = s->ctx->ns;
		x->sub = SUB_MOCK;
		x->x = s->stdev;
		x->y = 1;
	}
	UNLOCK(s->e);
	return 0;
}

/*
 * @n selftest vEVENTs for the device, then the queue polled and read
 * into a buffer of pointer kind @pk (a fault puts the record back).
 */
static void mock_events(struct scn *s, unsigned int n, size_t count,
			__u64 pk)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_TRIGGER_VEVENT,
		.trigger_vevent.dev_id = s->dev,
	};
	struct pollfd p = { .fd = s->qfd, .events = POLLIN };

	while (n-- && !scn_over(s))
		scn_try(s, vt_test_cmd(s->vfd, &cmd), errnos_ioctl);
	if (scn_over(s) || s->qfd < 0)
		return;
	scn_try(s, poll(&p, 1, 0) < 0 ? -1 : 0, errnos_syscall);
	fcntl(s->qfd, F_SETFL, O_NONBLOCK);
	count %= BUF_SIZE - DATA_OFF;
	s->e->dirty = DATA_OFF + count;
	scn_try(s, read(s->qfd, payload(s->e, pk, NULL, count), count) < 0 ?
		-1 : 0, errnos_syscall);
}

/* Queue 0, then 1 in the same page; freed in the order @how says. */
static void mock_hwq(struct scn *s, unsigned int how)
{
	__u32 type = VIOMMU_HW_QUEUE_TYPE_SELFTEST, q0 = 0, q1 = 0;
	__u64 iova = 0, half = s->e->psz / 2;

	if (scn_map(s, 0, how >> 4, 1, &iova) ||
	    scn_try(s, vt_hw_queue_alloc(s->vfd, s->viommu, type, 0, iova,
					 s->e->psz, &q0), errnos_hwq))
		return;
	scn_add(s, R_HWQ, q0, 0);
	if (scn_try(s, vt_hw_queue_alloc(s->vfd, s->viommu, type, 1,
					 iova + half, half, &q1), errnos_hwq))
		return;
	scn_add(s, R_HWQ, q1, 0);
	/* Each while the other queue holds it: EBUSY */
	if (how & 1)
		scn_try(s, scn_destroy(s, q0), errnos_ioctl);
	if (how & 2)
		scn_try(s, ioas_unmap(s->ifd, s->ioas, iova, s->e->psz),
			errnos_stock);
	if (how & 4)
		scn_try(s, scn_destroy(s, s->viommu), errnos_ioctl);
	if (how & 8)
		return;
	scn_try(s, scn_destroy(s, q1), errnos_ioctl);
	scn_try(s, scn_destroy(s, q0), errnos_ioctl);
}

/* A selftest nested HWPT on the vIOMMU, the mock device moved onto it */
static void mock_nested(struct scn *s)
{
	__u32 id = 0;

	if (scn_step(s, vt_nested_alloc_default(s->vfd, s->dev, s->viommu,
						&id), errnos_ioctl))
		return;
	scn_add(s, R_NESTED, id, 0);
	scn_try(s, vt_mock_replace(s->vfd, s->stdev, id), errnos_ioctl);
}

static void mock_teardown(struct scn *s, unsigned int how)
{
	__u32 ids[] = { s->vdev, s->veventq, s->viommu };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ids) && !scn_over(s); i++)
		scn_try(s, scn_destroy(s, ids[(i + how) % ARRAY_SIZE(ids)]),
			errnos_ioctl);
}

static void g_scn_mock(struct gctx *g, struct call *c)
{
	struct rng *r = g->r;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = rng_pct(r, 10);			/* a new mock device */
	c->a[2] = rng_pct(r, 80) ? rng_below(r, 4) : gen_virt(g);
	c->a[3] = rng_pct(r, 80) ? 1 + rng_below(r, 4) : gen_u32(g);
	c->a[4] = rng_below(r, 8);			/* vEVENTs */
	c->a[5] = rng_pct(r, 70) ? 64 * rng_below(r, 8) : rng_below(r, 40);
	c->a[6] = rng_below(r, MEND_NR);
	c->a[7] = rng_next(r) & 0xff;
	c->a[8] = rng_pct(r, 70) ? PTR_OK : rng_below(r, PTR_NR);
	gen_add(g, R_IOAS, 0);
	gen_add(g, R_PARENT, SUB_MOCK);
	gen_add(g, R_VIOMMU, SUB_MOCK);
	gen_add(g, R_VDEV, 0);
	gen_add(g, R_VEVQ, 0);
	gen_add(g, R_NESTED, 0);
}

static void x_scn_mock(struct ectx *e, const struct call *c,
		       struct result *r)
{
	struct scn s;

	if (scn_begin(&s, e, c->a[0], r) || scn_ioas(&s) ||
	    mock_dev(&s, c->a[1] & 1) || scn_parent(&s, SUB_MOCK) ||
	    scn_viommu(&s, VIOMMU_VIOMMU_TYPE_SELFTEST, SUB_MOCK) ||
	    scn_vdev(&s, c->a[2]) ||
	    scn_veventq(&s, VIOMMU_VEVENTQ_TYPE_SELFTEST, c->a[3]))
		return;
	mock_nested(&s);
	mock_events(&s, c->a[4] % 8, c->a[5], c->a[8]);
	if (scn_over(&s))
		return;
	switch (c->a[6] % MEND_NR) {
	case MEND_UNPLUG:
		if (!scn_try(&s, scn_destroy(&s, s.stdev), errnos_ioctl))
			mock_events(&s, 1, c->a[5], c->a[8]);
		break;
	case MEND_HWQ:
		mock_hwq(&s, c->a[7]);
		break;
	case MEND_TEARDOWN:
		mock_teardown(&s, c->a[7]);
		mock_events(&s, 0, c->a[5], c->a[8]);
		break;
	}
}

const struct op op_scn_mock = {
	.name = "scn_mock", .nargs = 9,
	.args = { { "ctx", A_RES, R_CTX }, { "fresh" }, { "virt_id" },
		  { "depth" }, { "vevents" }, { "count" }, { "end" },
		  { "how" }, { "ptr" } },
	/* 45 ms: a dozen calls, often a device_add() (70 ms). Rare. */
	.gen = g_scn_mock, .exec = x_scn_mock, .weight = 0,
	.creates = RES(R_IOAS) | RES(R_AREA) | RES(R_STDEV) | RES(R_IDEV) |
		   RES(R_HWPT) | RES(R_PARENT) | RES(R_VIOMMU) | RES(R_VDEV) |
		   RES(R_VEVQ) | RES(R_HWQ) | RES(R_NESTED),
};
