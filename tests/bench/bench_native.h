/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI of upstream Linux 7.2's own iommufd with CONFIG_IOMMUFD_TEST, for
 * viommu_bench --native: values and layouts from 7.2's
 * include/uapi/linux/iommufd.h and drivers/iommu/iommufd/iommufd_test.h,
 * which are not installed uAPI. Our mirrored uAPI is meant to be the same
 * ABI: each static_assert below says that a number, size or value the
 * benchmark sends is 7.2's, so the one operation table, with our structs
 * and constants, is valid on 7.2's /dev/iommu too.
 */
#ifndef VIOMMU_BENCH_NATIVE_H
#define VIOMMU_BENCH_NATIVE_H

#include <assert.h>
#include <stddef.h>
#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/viommu.h>
#include <linux/viommu_test.h>

/* iommufd.h: IOMMUFD_TYPE and the enum of command numbers */
#define BN_IOMMUFD_TYPE ';'
#define BN_IOMMU_DESTROY _IO(BN_IOMMUFD_TYPE, 0x80)
#define BN_IOMMU_HWPT_ALLOC _IO(BN_IOMMUFD_TYPE, 0x89)
#define BN_IOMMU_HWPT_INVALIDATE _IO(BN_IOMMUFD_TYPE, 0x8d)
#define BN_IOMMU_VIOMMU_ALLOC _IO(BN_IOMMUFD_TYPE, 0x90)
#define BN_IOMMU_VDEVICE_ALLOC _IO(BN_IOMMUFD_TYPE, 0x91)
#define BN_IOMMU_VEVENTQ_ALLOC _IO(BN_IOMMUFD_TYPE, 0x93)
#define BN_IOMMU_HW_QUEUE_ALLOC _IO(BN_IOMMUFD_TYPE, 0x94)

static_assert(BN_IOMMU_DESTROY == VIOMMU_DESTROY, "7.2 number");
static_assert(BN_IOMMU_HWPT_ALLOC == VIOMMU_HWPT_ALLOC, "7.2 number");
static_assert(BN_IOMMU_HWPT_INVALIDATE == VIOMMU_HWPT_INVALIDATE,
	      "7.2 number");
static_assert(BN_IOMMU_VIOMMU_ALLOC == VIOMMU_VIOMMU_ALLOC, "7.2 number");
static_assert(BN_IOMMU_VDEVICE_ALLOC == VIOMMU_VDEVICE_ALLOC, "7.2 number");
static_assert(BN_IOMMU_VEVENTQ_ALLOC == VIOMMU_VEVENTQ_ALLOC, "7.2 number");
static_assert(BN_IOMMU_HW_QUEUE_ALLOC == VIOMMU_HW_QUEUE_ALLOC,
	      "7.2 number");

/* 7.2's sizeof() of the structs these commands take */
static_assert(sizeof(struct viommu_destroy) == 8, "7.2 layout");
static_assert(sizeof(struct viommu_hwpt_alloc) == 48, "7.2 layout");
static_assert(sizeof(struct viommu_hwpt_invalidate) == 32, "7.2 layout");
static_assert(sizeof(struct viommu_viommu_alloc) == 40, "7.2 layout");
static_assert(sizeof(struct viommu_vdevice_alloc) == 24, "7.2 layout");
static_assert(sizeof(struct viommu_veventq_alloc) == 32, "7.2 layout");
static_assert(sizeof(struct viommu_hw_queue_alloc) == 40, "7.2 layout");

/*
 * iommufd_test.h: IOMMU_TEST_CMD is IOMMUFD_CMD_BASE + 32, the ops are
 * 7.2's enum values, struct iommu_test_cmd is 72 bytes (its union 48, by
 * its largest member) with @last at 64: ours is the same, so one call
 * serves both modes.
 */
#define BN_IOMMU_TEST_CMD _IO(BN_IOMMUFD_TYPE, 0x80 + 32)

static_assert(BN_IOMMU_TEST_CMD == VIOMMU_TEST_CMD, "7.2 number");
static_assert(VIOMMU_TEST_OP_MOCK_DOMAIN == 2, "7.2 value");
static_assert(VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE == 10, "7.2 value");
static_assert(VIOMMU_TEST_OP_TRIGGER_VEVENT == 17, "7.2 value");
static_assert(sizeof(struct viommu_test_cmd) == 72, "7.2 layout");
static_assert(offsetof(struct viommu_test_cmd, last) == 64, "7.2 layout");
static_assert(offsetof(struct viommu_test_cmd, mock_domain.out_idev_id) == 24,
	      "7.2 layout");

/* iommufd_test.h: the selftest driver's types and magic values */
static_assert(VIOMMU_HWPT_DATA_SELFTEST == 0xdead, "7.2 value");
static_assert(VIOMMU_TEST_IOTLB_DEFAULT == 0xbadbeef, "7.2 value");
static_assert(VIOMMU_VIOMMU_TYPE_SELFTEST == 0xdeadbeef, "7.2 value");
static_assert(VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST == 0xdeadbeef,
	      "7.2 value");
static_assert(VIOMMU_VEVENTQ_TYPE_SELFTEST == 0xbeefbeef, "7.2 value");
static_assert(VIOMMU_HW_QUEUE_TYPE_SELFTEST == 0xdeadbeef, "7.2 value");
static_assert(VIOMMU_MOCK_DEV_CACHE_NUM == 4, "7.2 value");
/* MOCK_APERTURE_START, 1UL << 24 */
static_assert(VIOMMU_MOCK_APERTURE_START == 0x1000000UL, "7.2 value");

/*
 * The payloads the table lays out with our mirrored structs:
 * struct iommu_hwpt_selftest { iotlb, pagetable_type },
 * struct iommu_viommu_invalidate_selftest { flags, vdev_id, cache_id },
 * struct iommufd_vevent_header { flags, sequence } and
 * struct iommu_viommu_event_selftest { virt_id }, all __u32.
 */
static_assert(sizeof(struct viommu_hwpt_selftest) == 8, "7.2 layout");
static_assert(sizeof(struct viommu_viommu_invalidate_selftest) == 12,
	      "7.2 layout");
static_assert(offsetof(struct viommu_viommu_invalidate_selftest, vdev_id) ==
	      4, "7.2 layout");
static_assert(sizeof(struct viommu_vevent_header) == 8, "7.2 layout");
/* iommufd.h: IOMMU_VEVENTQ_FLAG_LOST_EVENTS */
static_assert(VIOMMU_VEVENTQ_FLAG_LOST_EVENTS == 1, "7.2 value");
static_assert(sizeof(struct viommu_viommu_event_selftest) == 4,
	      "7.2 layout");

#endif /* VIOMMU_BENCH_NATIVE_H */
