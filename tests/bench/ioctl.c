// SPDX-License-Identifier: GPL-2.0
/*
 * The fixture's own calls: the shared wrappers (tests/vt_ioctl.h) with the
 * benchmark's devices, vIOMMU and selftest types filled in. The wrappers
 * send our mirrored structs, whose numbers and layouts are upstream's
 * (bench_native.h checks them against 7.2), so the same call serves
 * /dev/viommu, our stock-file door and upstream's /dev/iommu. Each returns
 * 0, or -1 with errno as ioctl() left it.
 */
#include "bench.h"
#include "bench_native.h"

/* A selftest vIOMMU on the fixture's nest parent, without driver data */
int bench_viommu_alloc(struct bench *b, __u32 *viommu_id)
{
	return vt_viommu_alloc(b->vfd, b->dev_a.idev_id, b->parent_id,
			       VIOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, viommu_id);
}

/*
 * A nested HWPT of selftest data on a vIOMMU, for device A. It is a stock
 * object: DESTROY it on b->iommufd.
 */
int bench_nested_alloc(struct bench *b, __u32 viommu_id, __u32 *hwpt_id)
{
	return vt_nested_alloc_default(b->vfd, b->dev_a.idev_id, viommu_id,
				       hwpt_id);
}

/*
 * HWPT_INVALIDATE of @num selftest entries on a vIOMMU; *@done is the
 * number the kernel says it handled, on failure too.
 */
int bench_invalidate(struct bench *b, __u32 viommu_id, const void *entries,
		     __u32 num, __u32 *done)
{
	*done = num;
	return vt_invalidate(b->vfd, viommu_id, (void *)entries,
			     VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
			     sizeof(struct viommu_viommu_invalidate_selftest),
			     done);
}

int bench_veventq_alloc(struct bench *b, __u32 depth, __u32 *veventq_id,
			int *veventq_fd)
{
	return vt_veventq_alloc(b->vfd, b->viommu_id,
				VIOMMU_VEVENTQ_TYPE_SELFTEST, depth, veventq_id,
				veventq_fd);
}

/*
 * Queue 0 of the fixture's vIOMMU on the first page of the buffer, which
 * the fixture mapped at the aperture start, as hw_queue_test.c does.
 */
int bench_hw_queue_alloc(struct bench *b, __u32 *hw_queue_id)
{
	return vt_hw_queue_alloc(b->vfd, b->viommu_id,
				 VIOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
				 VIOMMU_MOCK_APERTURE_START, b->psz,
				 hw_queue_id);
}

int bench_mock_domain(int fd, __u32 pt_id, struct bench_dev *dev)
{
	return vt_mock_domain(fd, pt_id, &dev->stdev_id, NULL, &dev->idev_id);
}
