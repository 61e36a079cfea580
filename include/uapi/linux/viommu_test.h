/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The selftest backend's part of the /dev/viommu uAPI. It mirrors upstream's
 * drivers/iommu/iommufd/iommufd_test.h: same command number, struct layout,
 * op numbers and magic values, spelled with a viommu prefix. Only the ops
 * listed in enum viommu_test_op are served.
 */
#ifndef _UAPI_LINUX_VIOMMU_TEST_H
#define _UAPI_LINUX_VIOMMU_TEST_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/viommu.h>

/* Upstream op numbers; the gaps are ops this backend does not serve. */
enum viommu_test_op {
	VIOMMU_TEST_OP_MOCK_DOMAIN = 2,
	VIOMMU_TEST_OP_MD_CHECK_REFS = 4,
	VIOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT = 9,
	VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE = 10,
	VIOMMU_TEST_OP_TRIGGER_IOPF = 15,
	VIOMMU_TEST_OP_DEV_CHECK_CACHE = 16,
	VIOMMU_TEST_OP_TRIGGER_VEVENT = 17,
};

/**
 * struct viommu_test_cmd - ioctl(VIOMMU_TEST_CMD), upstream IOMMU_TEST_CMD
 * @size: sizeof(struct viommu_test_cmd)
 * @op: One of enum viommu_test_op
 * @id: The op's object: an IOAS or HWPT id of the bound iommufd for
 *      MOCK_DOMAIN, a mock device (stdev) id of this file for
 *      MOCK_DOMAIN_REPLACE, a device id of the bound iommufd for
 *      DEV_CHECK_CACHE
 * @__reserved: Must be 0
 * @mock_domain: MOCK_DOMAIN output. The mock device is an object of this
 *               file (@out_stdev_id; IOMMU_DESTROY of it unbinds the device);
 *               @out_idev_id and @out_hwpt_id are ids of the bound iommufd.
 * @mock_domain_replace: Attach the mock device @id to @pt_id instead
 * @check_refs: Check that each page of @uptr..@uptr+@length is pinned
 *              @refs times (0: not pinned at all)
 * @memory_limit: Upstream's temporary page-batch memory limit; accepted
 *                when at least sizeof(long) + sizeof(__u32), else EINVAL
 * @trigger_iopf: Report a page request (@addr, @pasid, @grpid, @perm) from
 *                the mock device @dev_id, a device id of the bound iommufd.
 *                Differences from upstream: ENOENT for a device that is not
 *                a mock device of this file (upstream EINVAL), EOPNOTSUPP on
 *                a kernel without CONFIG_IOMMU_IOPF (upstream builds with
 *                it), EBUSY with 1024 requests of the device unanswered
 *                (the queued requests are uncharged kernel memory)
 * @check_dev_cache: Check the mock device's cache entry @id equals @cache
 * @trigger_vevent: Report a selftest vEVENT for the device @dev_id
 * @__union_size: Keeps the union as large as upstream's
 * @last: Marks the end of the struct for the size check
 */
struct viommu_test_cmd {
	__u32 size;
	__u32 op;
	__u32 id;
	__u32 __reserved;
	union {
		struct {
			__u32 out_stdev_id;
			__u32 out_hwpt_id;
			__u32 out_idev_id;
		} mock_domain;
		struct {
			__u32 pt_id;
		} mock_domain_replace;
		struct {
			__aligned_u64 length;
			__aligned_u64 uptr;
			__u32 refs;
		} check_refs;
		struct {
			__u32 limit;
		} memory_limit;
		struct {
			__u32 dev_id;
			__u32 pasid;
			__u32 grpid;
			__u32 perm;
			__u64 addr;
		} trigger_iopf;
		struct {
			__u32 id;
			__u32 cache;
		} check_dev_cache;
		struct {
			__u32 dev_id;
		} trigger_vevent;
		__aligned_u64 __union_size[6];
	};
	__u32 last;
};

#define VIOMMU_TEST_CMD _IO(VIOMMU_TYPE, VIOMMU_CMD_TEST)

#define VIOMMU_HW_INFO_TYPE_SELFTEST 0xfeedbeef
#define VIOMMU_HW_INFO_SELFTEST_REGVAL 0xdeadbeef

/* upstream struct iommu_test_hw_info */
struct viommu_test_hw_info {
	__u32 flags;
	__u32 test_reg;
};

/* upstream MOCK_APERTURE_START/LAST: the IOVA range of mock paging domains */
enum {
	VIOMMU_MOCK_APERTURE_START = 1UL << 24,
	VIOMMU_MOCK_APERTURE_LAST = (1UL << 31) - 1,
};

#define VIOMMU_HWPT_DATA_SELFTEST 0xdead
#define VIOMMU_TEST_IOTLB_DEFAULT 0xbadbeef
#define VIOMMU_TEST_DEV_CACHE_DEFAULT 0xbaddad

enum {
	VIOMMU_MOCK_NESTED_DOMAIN_IOTLB_ID_MAX = 3,
	VIOMMU_MOCK_NESTED_DOMAIN_IOTLB_NUM = 4,
	VIOMMU_MOCK_DEV_CACHE_ID_MAX = 3,
	VIOMMU_MOCK_DEV_CACHE_NUM = 4,
};

/* upstream struct iommu_hwpt_selftest */
struct viommu_hwpt_selftest {
	__u32 iotlb;
	__u32 pagetable_type;
};

/*
 * Stock IOMMU_HWPT_INVALIDATE of a mock nested HWPT (upstream
 * IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, struct iommu_hwpt_invalidate_selftest).
 */
#define VIOMMU_HWPT_INVALIDATE_DATA_SELFTEST 0xdeadbeef
#define VIOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID 0xdadbeef

/* upstream struct iommu_hwpt_invalidate_selftest */
struct viommu_hwpt_invalidate_selftest {
	__u32 flags;
	__u32 iotlb_id;
};

#define VIOMMU_VIOMMU_TYPE_SELFTEST 0xdeadbeef

/* upstream struct iommu_viommu_selftest */
struct viommu_viommu_selftest {
	__u32 in_data;
	__u32 out_data;
	__aligned_u64 out_mmap_offset;
	__aligned_u64 out_mmap_length;
};

#define VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST 0xdeadbeef
#define VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID 0xdadbeef
#define VIOMMU_TEST_INVALIDATE_FLAG_ALL (1 << 0)

/* upstream struct iommu_viommu_invalidate_selftest */
struct viommu_viommu_invalidate_selftest {
	__u32 flags;
	__u32 vdev_id;
	__u32 cache_id;
};

#define VIOMMU_VEVENTQ_TYPE_SELFTEST 0xbeefbeef

/* upstream struct iommu_viommu_event_selftest */
struct viommu_viommu_event_selftest {
	__u32 virt_id;
};

#define VIOMMU_HW_QUEUE_TYPE_SELFTEST 0xdeadbeef
#define VIOMMU_TEST_HW_QUEUE_MAX 2

#endif /* _UAPI_LINUX_VIOMMU_TEST_H */
