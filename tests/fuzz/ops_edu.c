// SPDX-License-Identifier: GPL-2.0
/*
 * edu_dma: make the edu device DMA through whatever its VFIO device is
 * attached to (a nest parent, a nested HWPT of a vSTE, nothing): mapped
 * IOVAs or not, so the SMMU reports faults that our event path forwards
 * to vEVENTQs while the program may be destroying them. The transfer is
 * started and not waited for (edu takes 100 ms per transfer).
 */
#include <unistd.h>
#include <linux/vfio.h>

#include "edu_regs.h"
#include "ops.h"

/* BAR0 of the device, mapped on first use; bus mastering on. */
static __u8 *edu_bar0(int fd)
{
	struct vfio_region_info bar = {
		.argsz = sizeof(bar), .index = VFIO_PCI_BAR0_REGION_INDEX,
	};
	struct vfio_region_info cfg = {
		.argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	__u16 cmd;
	void *p;

	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &bar) ||
	    ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &cfg) || bar.size < 0x100)
		return NULL;
	if (pread(fd, &cmd, 2, cfg.offset + EDU_PCI_COMMAND) != 2)
		return NULL;
	cmd |= EDU_PCI_COMMAND_MEMORY | EDU_PCI_COMMAND_MASTER;
	if (pwrite(fd, &cmd, 2, cfg.offset + EDU_PCI_COMMAND) != 2)
		return NULL;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, bar.offset);
	if (p == MAP_FAILED)
		return NULL;
	if (__atomic_load_n((__u32 *)p, __ATOMIC_RELAXED) != EDU_ID) {
		munmap(p, 4096);
		return NULL;
	}
	return p;
}

static void g_edu_dma(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_VFIO);
	c->a[1] = gen_ref(g, R_AREA);
	c->a[2] = rng_below(g->r, 4);	/* 0: an area, else unmapped IOVAs */
	c->a[3] = rng_below(g->r, 2);	/* direction */
	c->a[4] = rng_pct(g->r, 80) ? 64 : 1 + rng_below(g->r, 4096);
}

static void x_edu_dma(struct ectx *e, const struct call *c, struct result *r)
{
	static const __u64 iovas[] = { 0x1000000, 0x8000000, 0xfff0000 };
	__u64 iova = iovas[c->a[2] % 3], cmd;
	struct res *v, *a;
	__u8 *bar;

	LOCK(e);
	v = pool_get(e, R_VFIO, c->a[0], NULL);
	if (!v || v->fd < 0) {
		UNLOCK(e);
		r->skipped = 1;
		return;
	}
	if (!v->x)
		v->x = (uintptr_t)edu_bar0(v->fd);
	bar = (__u8 *)(uintptr_t)v->x;
	a = pool_get(e, R_AREA, c->a[1], NULL);
	if (a && !(c->a[2] % 4))
		iova = a->x;
	if (bar) {
		cmd = __atomic_load_n((__u64 *)(bar + EDU_REG_DMA_CMD),
				      __ATOMIC_RELAXED);
		/* One transfer at a time: a busy edu keeps its registers */
		if (!(cmd & EDU_DMA_START)) {
			__u64 dir = c->a[3] & 1 ? EDU_DMA_TO_RAM : 0;

			__atomic_store_n((__u64 *)(bar + EDU_REG_DMA_SRC),
					 dir ? EDU_BUF : iova, __ATOMIC_RELAXED);
			__atomic_store_n((__u64 *)(bar + EDU_REG_DMA_DST),
					 dir ? iova : EDU_BUF, __ATOMIC_RELAXED);
			__atomic_store_n((__u64 *)(bar + EDU_REG_DMA_COUNT),
					 c->a[4] % 4096 + 1, __ATOMIC_RELAXED);
			__atomic_store_n((__u64 *)(bar + EDU_REG_DMA_CMD),
					 dir | EDU_DMA_START, __ATOMIC_RELAXED);
		}
	}
	UNLOCK(e);
	r->rc = 0;
	if (!bar)
		r->skipped = 1;
}

const struct op op_edu_dma = {
	.name = "edu_dma", .nargs = 5,
	.args = { { "vfio", A_RES, R_VFIO }, { "area", A_RES, R_AREA },
		  { "iova_mode" }, { "to_ram" }, { "count" } },
	.gen = g_edu_dma, .exec = x_edu_dma, .errnos = errnos_syscall,
	.weight = 2,
};
