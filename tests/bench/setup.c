// SPDX-License-Identifier: GPL-2.0
/*
 * The two modes' setups and the fixture they share. What differs is only
 * how the files are opened; the fixture after that is the same calls in
 * both.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "bench.h"

/* Pages of the buffer mapped at the aperture start; queue 0 uses one. */
#define BENCH_BUFFER_PAGES 2

/* Module mode: tests/fixture.h's vt_open_pair(), without its harness */

/**
 * bench_bind_viommu() - Open /dev/viommu into b->vfd, bound to b->iommufd
 * @b: The benchmark, its iommufd open
 *
 * Return: 0, or -1 with errno.
 */
int bench_bind_viommu(struct bench *b)
{
	struct viommu_bind_iommufd bind = {
		.size = sizeof(bind),
		.iommufd_fd = b->iommufd,
	};

	b->vfd = open("/dev/viommu", O_RDWR | O_CLOEXEC);
	if (b->vfd < 0)
		return -1;
	return ioctl(b->vfd, VIOMMU_BIND_IOMMUFD, &bind) ? -1 : 0;
}

/*
 * /dev/iommu for the stock objects and /dev/viommu bound to it, or, with
 * VT_DOOR=stock as for the tests (tests/util.h), a second fd of the
 * /dev/iommu file through its stock-file door.
 */
static int module_open(struct bench *b)
{
	const char *door = getenv("VT_DOOR");

	b->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (b->iommufd < 0)
		return -1;
	if (door && !strcmp(door, "stock")) {
		b->vfd = fcntl(b->iommufd, F_DUPFD_CLOEXEC, 0);
		return b->vfd < 0 ? -1 : 0;
	}
	return bench_bind_viommu(b);
}

const struct bench_abi bench_module_abi = {
	.mode = "module",
	.open = module_open,
};

/* Native mode: upstream's one /dev/iommu file for everything */

static int native_open(struct bench *b)
{
	b->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	b->vfd = b->iommufd;
	return b->iommufd < 0 ? -1 : 0;
}

const struct bench_abi bench_native_abi = {
	.mode = "native",
	.open = native_open,
};

/**
 * bench_setup() - Open the mode's files and make the shared fixture
 * @b: The benchmark, with @abi and @opt set
 *
 * The fixture is upstream's iommufd_viommu (mock_viommu variant): an IOAS
 * with the buffer mapped at the aperture start, mock device A on it, a
 * nest parent and a selftest vIOMMU on it; plus device A's vDEVICE
 * (BENCH_VIRT_A), which the invalidations name, and mock device B with no
 * vDEVICE, for vdevice_alloc_destroy.
 *
 * Return: 0; 1 with b->why set when the kernel lacks the mock or the
 * vIOMMU layer (every figure but noop_ioctl is skipped then); -1 with errno
 * on an unexpected failure.
 */
int bench_setup(struct bench *b)
{
	__u64 iova = VIOMMU_MOCK_APERTURE_START;

	b->psz = sysconf(_SC_PAGESIZE);
	if (b->abi->open(b))
		return -1;
	/* Without its shim, viommu.ko refuses every object: nothing to time. */
	if (b->abi == &bench_module_abi && viommu_param_state("shim_ready") == 'N') {
		b->why = "shim_off";
		return 1;
	}
	b->buffer = mmap(NULL, BENCH_BUFFER_PAGES * b->psz,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			 -1, 0);
	if (b->buffer == MAP_FAILED)
		return -1;
	memset(b->buffer, 0x5a, BENCH_BUFFER_PAGES * b->psz);
	if (ioas_alloc(b->iommufd, &b->ioas_id))
		return -1;
	if (bench_mock_domain(b->vfd, b->ioas_id, &b->dev_a)) {
		/* No test command: no viommu_selftest.ko, no IOMMUFD_TEST */
		if (errno != ENOTTY)
			return -1;
		b->why = "no_mock";
		return 1;
	}
	if (ioas_map(b->iommufd, b->ioas_id, b->buffer,
		     BENCH_BUFFER_PAGES * b->psz, &iova, 1))
		return -1;
	if (stock_hwpt_alloc(b->iommufd, b->dev_a.idev_id, b->ioas_id,
			     IOMMU_HWPT_ALLOC_NEST_PARENT, &b->parent_id))
		return -1;
	if (bench_viommu_alloc(b, &b->viommu_id)) {
		if (errno != ENOTTY)
			return -1;
		b->why = "no_viommu";
		return 1;
	}
	if (vt_vdevice_alloc(b->vfd, b->viommu_id, b->dev_a.idev_id,
			     BENCH_VIRT_A, &b->vdev_a_id))
		return -1;
	return bench_mock_domain(b->vfd, b->ioas_id, &b->dev_b);
}
