/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's edu PCI device through its VFIO cdev (edu_regs.h: its registers),
 * for tests that make it do real DMA behind the emulated SMMUv3.
 */
#ifndef VIOMMU_TEST_EDU_H
#define VIOMMU_TEST_EDU_H

#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/vfio.h>

#include "edu_regs.h"
#include "harness.h"

/**
 * struct edu - The edu device, opened through its VFIO cdev
 * @devfd: The VFIO device file
 * @dev_id: Its device id in the bound iommufd
 * @bar0: BAR0, mmapped
 * @bar0_size: Its length
 * @cfg_off: File offset of the PCI config space region
 */
struct edu {
	int devfd;
	__u32 dev_id;
	__u8 *bar0;
	__u64 bar0_size;
	__u64 cfg_off;
};

/* MMIO: relaxed atomics are one plain ldr/str each, never split or merged */
static inline __u32 edu_r32(struct edu *e, unsigned int off)
{
	return __atomic_load_n((__u32 *)(e->bar0 + off), __ATOMIC_RELAXED);
}

static inline void edu_w32(struct edu *e, unsigned int off, __u32 val)
{
	__atomic_store_n((__u32 *)(e->bar0 + off), val, __ATOMIC_RELAXED);
}

static inline __u64 edu_r64(struct edu *e, unsigned int off)
{
	return __atomic_load_n((__u64 *)(e->bar0 + off), __ATOMIC_RELAXED);
}

static inline void edu_w64(struct edu *e, unsigned int off, __u64 val)
{
	__atomic_store_n((__u64 *)(e->bar0 + off), val, __ATOMIC_RELAXED);
}

static inline void edu_region(struct edu *e, __u32 index,
			      struct vfio_region_info *info)
{
	*info = (struct vfio_region_info) {
		.argsz = sizeof(*info),
		.index = index,
	};
	ASSERT_OK(ioctl(e->devfd, VFIO_DEVICE_GET_REGION_INFO, info));
}

/*
 * Open edu's cdev (skip if this VM has none), bind it to @iommufd, map
 * BAR0 and turn on memory space and bus mastering: vfio-pci leaves bus
 * mastering off, and QEMU drops DMA of a device without it.
 */
static inline void edu_open(struct edu *e, int iommufd)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_region_info bar, cfg;
	void *p;
	__u16 cmd;

	e->devfd = open(EDU_CDEV, O_RDWR | O_CLOEXEC);
	if (e->devfd < 0)
		SKIP(EDU_CDEV " is missing: no VFIO device in this VM");
	bind.iommufd = iommufd;
	ASSERT_OK(ioctl(e->devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	e->dev_id = bind.out_devid;

	edu_region(e, VFIO_PCI_BAR0_REGION_INDEX, &bar);
	ASSERT_TRUE(bar.flags & VFIO_REGION_INFO_FLAG_MMAP);
	ASSERT_TRUE(bar.size >= 0x100);
	p = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 e->devfd, bar.offset);
	ASSERT_TRUE(p != MAP_FAILED);
	e->bar0 = p;
	e->bar0_size = bar.size;
	ASSERT_EQ(EDU_ID, edu_r32(e, EDU_REG_ID));

	edu_region(e, VFIO_PCI_CONFIG_REGION_INDEX, &cfg);
	e->cfg_off = cfg.offset;
	ASSERT_EQ(2, pread(e->devfd, &cmd, 2, e->cfg_off + EDU_PCI_COMMAND));
	cmd |= EDU_PCI_COMMAND_MEMORY | EDU_PCI_COMMAND_MASTER;
	ASSERT_EQ(2, pwrite(e->devfd, &cmd, 2, e->cfg_off + EDU_PCI_COMMAND));
	ASSERT_EQ(2, pread(e->devfd, &cmd, 2, e->cfg_off + EDU_PCI_COMMAND));
	ASSERT_TRUE(cmd & EDU_PCI_COMMAND_MASTER);
}

/* Attach to an IOAS or HWPT of the bound iommufd (replaces any attach). */
static inline int edu_attach(struct edu *e, __u32 pt_id)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = pt_id,
	};

	return ioctl(e->devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);
}

static inline int edu_detach(struct edu *e)
{
	struct vfio_device_detach_iommufd_pt detach = {
		.argsz = sizeof(detach),
	};

	return ioctl(e->devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach);
}

static inline long edu_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* One transfer, waited for: the busy bit clears (5 s is a hang). */
static inline void edu_dma(struct edu *e, __u64 src, __u64 dst, __u64 count,
			   __u64 cmd)
{
	struct timespec t0;

	ASSERT_TRUE(count <= EDU_BUF_SIZE);
	ASSERT_EQ(0, edu_r64(e, EDU_REG_DMA_CMD) & EDU_DMA_START);
	edu_w64(e, EDU_REG_DMA_SRC, src);
	edu_w64(e, EDU_REG_DMA_DST, dst);
	edu_w64(e, EDU_REG_DMA_COUNT, count);
	edu_w64(e, EDU_REG_DMA_CMD, cmd | EDU_DMA_START);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (edu_r64(e, EDU_REG_DMA_CMD) & EDU_DMA_START) {
		if (edu_ms_since(&t0) > 5000)
			FAIL("edu DMA %#llx -> %#llx did not finish in 5 s",
			     (unsigned long long)src, (unsigned long long)dst);
		usleep(2000);
	}
	__sync_synchronize();
}

/* RAM at @iova -> edu buffer (at offset 0) */
static inline void edu_from_ram(struct edu *e, __u64 iova, __u64 count)
{
	edu_dma(e, iova, EDU_BUF, count, 0);
}

/* edu buffer (from offset 0) -> RAM at @iova */
static inline void edu_to_ram(struct edu *e, __u64 iova, __u64 count)
{
	edu_dma(e, EDU_BUF, iova, count, EDU_DMA_TO_RAM);
}

/*
 * Route edu's MSI to a new eventfd (VFIO_DEVICE_SET_IRQS). The MSI
 * address is fixed now: with a paging domain attached (one with an MSI
 * cookie), the kernel maps the ITS doorbell at MSI_IOVA_BASE 0x8000000 in
 * it and programs that IOVA; attach before this call.
 */
static inline int edu_msi_eventfd(struct edu *e)
{
	struct vfio_irq_info info = {
		.argsz = sizeof(info),
		.index = VFIO_PCI_MSI_IRQ_INDEX,
	};
	__u8 buf[sizeof(struct vfio_irq_set) + sizeof(int)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	int efd;

	ASSERT_OK(ioctl(e->devfd, VFIO_DEVICE_GET_IRQ_INFO, &info));
	ASSERT_TRUE(info.count >= 1);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_TRUE(efd >= 0);
	*set = (struct vfio_irq_set) {
		.argsz = sizeof(buf),
		.flags = VFIO_IRQ_SET_DATA_EVENTFD |
			 VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_PCI_MSI_IRQ_INDEX,
		.start = 0,
		.count = 1,
	};
	memcpy(set->data, &efd, sizeof(efd));
	ASSERT_OK(ioctl(e->devfd, VFIO_DEVICE_SET_IRQS, set));
	return efd;
}

/* 1 if @efd fired within @timeout_ms (its count is consumed), else 0. */
static inline int edu_eventfd_wait(int efd, int timeout_ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	__u64 count;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	ASSERT_EQ(sizeof(count), read(efd, &count, sizeof(count)));
	return count > 0;
}

static inline void edu_irq_ack(struct edu *e)
{
	edu_w32(e, EDU_REG_IRQ_ACK, edu_r32(e, EDU_REG_IRQ_STATUS));
}

#endif /* VIOMMU_TEST_EDU_H */
