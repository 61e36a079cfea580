/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftest backend: a mock IOMMU, its domains and its vIOMMU driver,
 * rebuilt from upstream's drivers/iommu/iommufd/selftest.c on the exported
 * APIs of a 6.12 kernel and of viommu.ko.
 */
#ifndef _VIOMMU_SELFTEST_MOCK_H
#define _VIOMMU_SELFTEST_MOCK_H

#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/viommu_test.h>
#include <linux/xarray.h>
#include <viommu/viommu.h>

/* As 6.12's mock: a 2 KiB IO page on 4 KiB kernel pages. */
#define MOCK_IO_PAGE_SIZE (PAGE_SIZE / 2)

/**
 * struct mock_paging_domain - A mock paging domain (stage 2 when nest parent)
 * @domain: The core domain
 * @pfns: Mock page frame numbers (physical address / MOCK_IO_PAGE_SIZE) as
 *        xarray values, indexed by IOVA / MOCK_IO_PAGE_SIZE
 */
struct mock_paging_domain {
	struct iommu_domain domain;
	struct xarray pfns;
};

struct mock_viommu;

/**
 * struct mock_nested_domain - A mock stage-1 domain on a nest parent
 * @domain: The core domain, IOMMU_DOMAIN_NESTED
 * @mock_viommu: The vIOMMU it was allocated on; NULL when it came from the
 *               stock IOMMU_HWPT_ALLOC on a nest-parent HWPT
 * @iotlb: Mock IOTLB entries; invalidation zeroes them
 */
struct mock_nested_domain {
	struct iommu_domain domain;
	struct mock_viommu *mock_viommu;
	u32 iotlb[VIOMMU_MOCK_NESTED_DOMAIN_IOTLB_NUM];
};

struct mock_hw_queue;

/**
 * struct mock_viommu - The mock vIOMMU
 * @core: The core vIOMMU, at offset 0
 * @s2_parent: The nest parent's domain
 * @hw_queue: HW queues by index
 * @queue_mutex: Protects @hw_queue
 * @mmap_offset: The mmap offset of @page, valid when @page is set
 * @page: Two zeroed pages userspace can mmap; the first u32 holds in_data
 */
struct mock_viommu {
	struct viommu core;
	struct iommu_domain *s2_parent;
	struct mock_hw_queue *hw_queue[VIOMMU_TEST_HW_QUEUE_MAX];
	struct mutex queue_mutex; /* protects hw_queue[] */
	unsigned long mmap_offset;
	u32 *page;
};

/**
 * struct mock_hw_queue - A mock HW queue
 * @core: The core HW_QUEUE, at offset 0
 * @mock_viommu: Its vIOMMU
 * @prev: The queue at @index - 1, which this one depends on
 * @index: Its slot in @mock_viommu->hw_queue
 */
struct mock_hw_queue {
	struct viommu_hw_queue core;
	struct mock_viommu *mock_viommu;
	struct mock_hw_queue *prev;
	u16 index;
};

/**
 * struct mock_dev - A mock device behind the mock IOMMU
 * @pdev: A platform device, so the 6.12 IOMMU core probes it
 * @iopf_rwsem: Held for write around attach, replace and detach, for read
 *              around a reported fault: the attach handle the IOMMU core
 *              finds the fault's domain by must not go away under it
 * @iopf_gone: Set under @iopf_rwsem when the device leaves its iommufd:
 *             no fault is reported after that
 * @iopf_pending: Page requests reported and not answered yet
 * @viommu_rwsem: Protects @viommu and @vdev_id
 * @viommu: The vIOMMU of the nested domain the device is attached to
 * @vdev_id: Its virtual id on @viommu, from its vDEVICE at attach time
 * @cache: Mock device cache entries; vIOMMU invalidation zeroes them
 */
struct mock_dev {
	struct platform_device pdev;
	struct rw_semaphore iopf_rwsem;
	bool iopf_gone;
	atomic_t iopf_pending;
	struct rw_semaphore viommu_rwsem;
	struct mock_viommu *viommu;
	unsigned long vdev_id;
	u32 cache[VIOMMU_MOCK_DEV_CACHE_NUM];
};

static inline struct mock_dev *to_mock_dev(struct device *dev)
{
	return container_of(dev, struct mock_dev, pdev.dev);
}

static inline struct mock_viommu *to_mock_viommu(struct viommu *viommu)
{
	return container_of(viommu, struct mock_viommu, core);
}

static inline struct mock_nested_domain *
to_mock_nested(struct iommu_domain *domain)
{
	return container_of(domain, struct mock_nested_domain, domain);
}

/* iommu.c: the mock IOMMU instance and its devices */
extern const struct iommu_ops mock_ops;
int mock_iommu_register(void);
void mock_iommu_unregister(void);
bool mock_dev_is_mock(struct device *dev);
struct mock_dev *viommu_mock_dev_create(void);
void viommu_mock_dev_destroy(struct mock_dev *mdev);

/* domain.c: blocking, paging and nested domains */
extern struct iommu_domain mock_blocking_domain;
struct iommu_domain *mock_domain_alloc_paging(struct device *dev);
struct iommu_domain *mock_domain_alloc_user(struct device *dev, u32 flags,
					    struct iommu_domain *parent,
					    const struct iommu_user_data *user_data);
struct iommu_domain *mock_domain_alloc_nested(struct mock_viommu *mock_viommu,
					      const struct iommu_user_data *user_data);
bool mock_domain_is_paging(struct iommu_domain *domain);
int viommu_mock_iotlb_inv_check(const struct viommu_hwpt_invalidate_selftest *inv);
void mock_dev_forget_viommu(struct mock_dev *mdev);

/* viommu.c: the vIOMMU driver */
extern struct viommu_driver viommu_mock_driver;
void *mock_hw_info(struct device *dev, u32 *length, u32 *type);
int viommu_mock_cache_inv_check(const struct viommu_viommu_invalidate_selftest *inv);
void viommu_mock_dev_cache_inv(struct mock_dev *mdev,
			       const struct viommu_viommu_invalidate_selftest *inv);
int viommu_mock_hw_queue_slot_check(struct mock_hw_queue *const *slots,
				    u32 index);

/* test_cmd.c: VIOMMU_TEST_CMD */
int mock_test_cmd(struct viommu_ctx *ctx, void *data, struct viommu_ucmd *ucmd);

#endif /* _VIOMMU_SELFTEST_MOCK_H */
