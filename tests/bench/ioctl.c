// SPDX-License-Identifier: GPL-2.0
/*
 * The calls the operation table times, one per command. Each sends our
 * mirrored struct, whose number and layout are upstream's (bench_native.h
 * checks them against 7.2), so the same call serves /dev/viommu, our
 * stock-file door and upstream's /dev/iommu. The stock commands (IOAS,
 * nest parent) come from the installed 6.12 uAPI, unchanged in 7.2.
 * Each returns 0, or -1 with errno as ioctl() left it.
 */
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/iommufd.h>

#include "bench.h"
#include "bench_native.h"

int bench_destroy(int fd, __u32 id)
{
	struct viommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(fd, VIOMMU_DESTROY, &cmd) ? -1 : 0;
}

int bench_ioas_alloc(int fd, __u32 *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };

	if (ioctl(fd, IOMMU_IOAS_ALLOC, &cmd))
		return -1;
	*ioas_id = cmd.out_ioas_id;
	return 0;
}

int bench_ioas_map(int fd, __u32 ioas_id, void *va, __u64 length, __u64 iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_FIXED_IOVA,
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)va,
		.length = length,
		.iova = iova,
	};

	return ioctl(fd, IOMMU_IOAS_MAP, &cmd) ? -1 : 0;
}

int bench_parent_alloc(int fd, __u32 dev_id, __u32 ioas_id, __u32 *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
		.dev_id = dev_id,
		.pt_id = ioas_id,
	};

	if (ioctl(fd, IOMMU_HWPT_ALLOC, &cmd))
		return -1;
	*hwpt_id = cmd.out_hwpt_id;
	return 0;
}

/* A selftest vIOMMU on the fixture's nest parent, without driver data */
int bench_viommu_alloc(struct bench *b, __u32 *viommu_id)
{
	struct viommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = VIOMMU_VIOMMU_TYPE_SELFTEST,
		.dev_id = b->dev_a.idev_id,
		.hwpt_id = b->parent_id,
	};

	if (ioctl(b->vfd, VIOMMU_VIOMMU_ALLOC, &cmd))
		return -1;
	*viommu_id = cmd.out_viommu_id;
	return 0;
}

int bench_vdevice_alloc(int vfd, __u32 viommu_id, __u32 dev_id,
			__u64 virt_id, __u32 *vdev_id)
{
	struct viommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.dev_id = dev_id,
		.virt_id = virt_id,
	};

	if (ioctl(vfd, VIOMMU_VDEVICE_ALLOC, &cmd))
		return -1;
	if (vdev_id)
		*vdev_id = cmd.out_vdevice_id;
	return 0;
}

/*
 * A nested HWPT of selftest data on a vIOMMU, for device A. It is a stock
 * object: DESTROY it on b->iommufd.
 */
int bench_nested_alloc(struct bench *b, __u32 viommu_id, __u32 *hwpt_id)
{
	struct viommu_hwpt_selftest data = { .iotlb = VIOMMU_TEST_IOTLB_DEFAULT };
	struct viommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.dev_id = b->dev_a.idev_id,
		.pt_id = viommu_id,
		.data_type = VIOMMU_HWPT_DATA_SELFTEST,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
	};

	if (ioctl(b->vfd, VIOMMU_HWPT_ALLOC, &cmd))
		return -1;
	*hwpt_id = cmd.out_hwpt_id;
	return 0;
}

/*
 * HWPT_INVALIDATE of @num selftest entries on a vIOMMU; *@done is the
 * number the kernel says it handled, on failure too.
 */
int bench_invalidate(struct bench *b, __u32 viommu_id, const void *entries,
		     __u32 num, __u32 *done)
{
	struct viommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = viommu_id,
		.data_uptr = (uintptr_t)entries,
		.data_type = VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
		.entry_len = sizeof(struct viommu_viommu_invalidate_selftest),
		.entry_num = num,
	};
	int rc = ioctl(b->vfd, VIOMMU_HWPT_INVALIDATE, &cmd) ? -1 : 0;

	*done = cmd.entry_num;
	return rc;
}

int bench_veventq_alloc(struct bench *b, __u32 depth, __u32 *veventq_id,
			int *veventq_fd)
{
	struct viommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = b->viommu_id,
		.type = VIOMMU_VEVENTQ_TYPE_SELFTEST,
		.veventq_depth = depth,
	};

	if (ioctl(b->vfd, VIOMMU_VEVENTQ_ALLOC, &cmd))
		return -1;
	*veventq_id = cmd.out_veventq_id;
	*veventq_fd = cmd.out_veventq_fd;
	return 0;
}

/*
 * Queue 0 of the fixture's vIOMMU on the first page of the buffer, which
 * the fixture mapped at the aperture start, as hw_queue_test.c does.
 */
int bench_hw_queue_alloc(struct bench *b, __u32 *hw_queue_id)
{
	struct viommu_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = b->viommu_id,
		.type = VIOMMU_HW_QUEUE_TYPE_SELFTEST,
		.index = 0,
		.nesting_parent_iova = VIOMMU_MOCK_APERTURE_START,
		.length = b->psz,
	};

	if (ioctl(b->vfd, VIOMMU_HW_QUEUE_ALLOC, &cmd))
		return -1;
	*hw_queue_id = cmd.out_hw_queue_id;
	return 0;
}

/* The mocks' test command: ours; its number, ops and layout are 7.2's */
static int bench_test_cmd(int fd, struct viommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioctl(fd, VIOMMU_TEST_CMD, cmd) ? -1 : 0;
}

int bench_mock_domain(int fd, __u32 pt_id, struct bench_dev *dev)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_MOCK_DOMAIN,
		.id = pt_id,
	};

	if (bench_test_cmd(fd, &cmd))
		return -1;
	dev->stdev_id = cmd.mock_domain.out_stdev_id;
	dev->idev_id = cmd.mock_domain.out_idev_id;
	return 0;
}

int bench_mock_replace(int fd, __u32 stdev_id, __u32 pt_id)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev_id,
		.mock_domain_replace.pt_id = pt_id,
	};

	return bench_test_cmd(fd, &cmd);
}

int bench_trigger_vevent(int fd, __u32 idev_id)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_TRIGGER_VEVENT,
		.trigger_vevent.dev_id = idev_id,
	};

	return bench_test_cmd(fd, &cmd);
}
