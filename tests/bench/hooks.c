// SPDX-License-Identifier: GPL-2.0
/*
 * viommu_bench --hooks: what our ftrace hooks add to the stock iommufd's
 * own paths (src/shim/hooks.c hooks iopt_unmap_iova() and
 * iommufd_device_unbind()), timed on edu, a real VFIO device behind the
 * emulated SMMUv3. The same boot runs it with viommu.ko loaded and not
 * (vm-init.sh); each figure's name says in which state (main.c).
 * No vIOMMU object is made: a tenant that never uses the vIOMMU layer
 * pays only the hook itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "bench.h"
#include "../edu_regs.h"

/* An IOVA edu can reach (its 28-bit DMA mask) and no other figure uses */
#define HOOK_IOVA 0x100000ULL

static double clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/**
 * bench_edu_bind() - Open edu's cdev and bind it to b->iommufd
 * @b: The benchmark, its iommufd open
 * @dev_id: Its stock device id
 *
 * Return: the cdev's fd, or -1 with errno (ENOENT: this VM has no edu).
 */
int bench_edu_bind(struct bench *b, __u32 *dev_id)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	int fd, err;

	fd = open(EDU_CDEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	bind.iommufd = b->iommufd;
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	*dev_id = bind.out_devid;
	return fd;
}

/**
 * bench_edu_attach() - Attach edu's bound cdev @fd to @pt_id
 * @fd: From bench_edu_bind()
 * @pt_id: An IOAS or HWPT of the same iommufd
 *
 * Return: 0, or -1 with errno.
 */
int bench_edu_attach(int fd, __u32 pt_id)
{
	struct vfio_device_attach_iommufd_pt at = {
		.argsz = sizeof(at),
		.pt_id = pt_id,
	};

	return ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) ? -1 : 0;
}

/* edu's cdev, bound to the benchmark's iommufd and attached to its IOAS */
static int edu_bind_attach(struct bench *b)
{
	__u32 dev_id;
	int fd, err;

	fd = bench_edu_bind(b, &dev_id);
	if (fd < 0 || !bench_edu_attach(fd, b->ioas_id))
		return fd;
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/**
 * bench_hooks_setup() - The IOAS and the attached edu the figures use
 * @b: The benchmark, with @opt set
 * @bind: Bind a /dev/viommu context to the iommufd first (--bind)
 *
 * Return: 0; 1 with b->why set when this VM has no edu cdev; -1 with errno.
 */
int bench_hooks_setup(struct bench *b, int bind)
{
	b->psz = sysconf(_SC_PAGESIZE);
	b->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (b->iommufd < 0)
		return -1;
	b->vfd = b->iommufd;
	if (bind && bench_bind_viommu(b))
		return -1;
	b->buffer = mmap(NULL, b->psz, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b->buffer == MAP_FAILED)
		return -1;
	memset(b->buffer, 0x5a, b->psz);
	if (ioas_alloc(b->iommufd, &b->ioas_id) ||
	    ioas_alloc(b->iommufd, &b->ioas2_id))
		return -1;
	b->edu_fd = edu_bind_attach(b);
	if (b->edu_fd >= 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	b->why = "no_edu";
	return 1;
}

/* IOAS_UNMAP of the page at HOOK_IOVA of @ioas_id; the map is not timed. */
static int unmap_one(struct bench_fig *f, __u32 ioas_id)
{
	struct bench *b = f->b;
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = HOOK_IOVA,
		.length = b->psz,
	};
	__u64 iova = HOOK_IOVA;
	double t0;
	int rc;

	if (ioas_map(b->iommufd, ioas_id, b->buffer, b->psz, &iova, 1))
		return -1;
	t0 = clock_ns();
	rc = ioctl(b->iommufd, IOMMU_IOAS_UNMAP, &cmd);
	f->timed_ns += clock_ns() - t0;
	if (rc)
		return -1;
	if (cmd.length == (__u64)b->psz)
		return 0;
	b->why = "short_unmap";
	return -1;
}

/*
 * ioas_unmap: a page the edu's SMMU domain maps (an io-pgtable unmap and
 * a TLB invalidation with a CMD_SYNC on the emulated SMMUv3, whose timing
 * varies from run to run).
 */
static int op_ioas_unmap(struct bench_fig *f)
{
	return unmap_one(f, f->b->ioas_id);
}

/* ioas_unmap_nodev: the same on an IOAS no device uses: the hook's share */
static int op_ioas_unmap_nodev(struct bench_fig *f)
{
	return unmap_one(f, f->b->ioas2_id);
}

/*
 * device_unbind: close() of edu's cdev, bound and attached: VFIO unbinds
 * it from iommufd (iommufd_device_unbind()) before close() returns (the
 * file's release runs as task work on the way back to userspace). The
 * open, bind and attach before it are not timed.
 */
static int op_device_unbind(struct bench_fig *f)
{
	int fd = edu_bind_attach(f->b);
	double t0;
	int rc;

	if (fd < 0)
		return -1;
	t0 = clock_ns();
	rc = close(fd);
	f->timed_ns += clock_ns() - t0;
	return rc;
}

/*
 * A VFIO cdev binds once at a time: device_unbind runs after ioas_unmap
 * (late) and closes the fixture's binding before it makes its own.
 */
static int prep_device_unbind(struct bench_fig *f)
{
	struct bench *b = f->b;

	if (close(b->edu_fd))
		return -1;
	b->edu_fd = -1;
	return 0;
}

struct bench_fig bench_hook_figs[] = {
	{ .name = "ioas_unmap", .op = op_ioas_unmap, .self_timed = 1 },
	{ .name = "ioas_unmap_nodev", .op = op_ioas_unmap_nodev,
	  .self_timed = 1 },
	{ .name = "device_unbind", .prepare = prep_device_unbind,
	  .op = op_device_unbind, .self_timed = 1, .late = 1 },
};

const unsigned int bench_nr_hook_figs = ARRAY_SIZE(bench_hook_figs);
