// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the selftest backend (viommu_selftest.ko): the mock
 * IOMMU as the 6.12 core probes it, its domains, the vIOMMU driver's rules
 * for nested domains, invalidations and HW queues, and VIOMMU_TEST_CMD on a
 * context bound to a real stock iommufd.
 */
#include <kunit/test.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/msi.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>

#include "test_util.h"
#include "../src/selftest/mock.h"

static struct viommu_driver *const drv = &viommu_mock_driver;

KUNIT_DEFINE_ACTION_WRAPPER(mock_dev_destroy_action, viommu_mock_dev_destroy,
			    struct mock_dev *);
KUNIT_DEFINE_ACTION_WRAPPER(domain_free_action, iommu_domain_free,
			    struct iommu_domain *);

static struct device *test_mock_dev(struct kunit *test)
{
	struct mock_dev *mdev = viommu_mock_dev_create();

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mdev);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mock_dev_destroy_action,
						  mdev));
	return &mdev->pdev.dev;
}

static struct iommu_domain *test_paging_domain(struct kunit *test,
					       struct device *dev)
{
	struct iommu_domain *domain = iommu_paging_domain_alloc(dev);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, domain_free_action,
						  domain));
	return domain;
}

/* @len bytes of @data in user memory, for iommu_user_data(_array). */
static void __user *test_user_copy(struct kunit *test, const void *data,
				   size_t len)
{
	void __user *uptr = viommu_test_user_page(test);

	KUNIT_ASSERT_LE(test, len, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(uptr, data, len));
	return uptr;
}

static struct iommu_user_data test_hwpt_data(struct kunit *test, u32 iotlb)
{
	struct viommu_hwpt_selftest cfg = { .iotlb = iotlb };

	return (struct iommu_user_data){
		.type = VIOMMU_HWPT_DATA_SELFTEST,
		.uptr = test_user_copy(test, &cfg, sizeof(cfg)),
		.len = sizeof(cfg),
	};
}

static void test_viommu_free(void *data)
{
	struct viommu *viommu = data;

	if (viommu->ops && viommu->ops->destroy)
		viommu->ops->destroy(viommu);
	xa_destroy(&viommu->vdevs);
	kfree(to_mock_viommu(viommu));
}

/*
 * A vIOMMU as the core would hand it to viommu_init, without a context:
 * enough for the driver ops that only look at vdevs and the parent.
 */
static struct viommu *test_viommu(struct kunit *test,
				  struct iommu_domain *parent)
{
	size_t size = drv->get_viommu_size(NULL, VIOMMU_VIOMMU_TYPE_SELFTEST);
	struct viommu *viommu;

	KUNIT_ASSERT_GE(test, size, sizeof(*viommu));
	viommu = kzalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, viommu);
	xa_init(&viommu->vdevs);
	INIT_LIST_HEAD(&viommu->veventqs);
	init_rwsem(&viommu->veventqs_rwsem);
	viommu->type = VIOMMU_VIOMMU_TYPE_SELFTEST;
	viommu->parent = parent;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, test_viommu_free,
						  viommu));
	KUNIT_ASSERT_EQ(test, 0, drv->viommu_init(viommu, parent, NULL));
	KUNIT_ASSERT_NOT_NULL(test, viommu->ops);
	return viommu;
}

static void hw_info_types(struct kunit *test)
{
	struct viommu_test_hw_info *info;
	u32 len = 0, type;

	type = VIOMMU_HW_INFO_TYPE_DEFAULT;
	info = drv->hw_info(NULL, &len, &type);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, info);
	KUNIT_EXPECT_EQ(test, len, sizeof(*info));
	KUNIT_EXPECT_EQ(test, type, VIOMMU_HW_INFO_TYPE_SELFTEST);
	KUNIT_EXPECT_EQ(test, info->flags, 0);
	KUNIT_EXPECT_EQ(test, info->test_reg, VIOMMU_HW_INFO_SELFTEST_REGVAL);
	kfree(info);

	type = VIOMMU_HW_INFO_TYPE_SELFTEST;
	info = drv->hw_info(NULL, &len, &type);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, info);
	kfree(info);

	type = VIOMMU_HW_INFO_TYPE_SELFTEST + 1;
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EOPNOTSUPP),
			    drv->hw_info(NULL, &len, &type));
}

static void viommu_size_only_for_selftest_type(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct mock_viommu),
			drv->get_viommu_size(NULL, VIOMMU_VIOMMU_TYPE_SELFTEST));
	KUNIT_EXPECT_EQ(test, 0,
			drv->get_viommu_size(NULL, VIOMMU_VIOMMU_TYPE_DEFAULT));
	KUNIT_EXPECT_EQ(test, 0, drv->get_viommu_size(NULL, 1));
}

static void mock_dev_probed_by_mock_iommu(struct kunit *test)
{
	struct device *dev = test_mock_dev(test);
	struct device *dev2 = test_mock_dev(test);
	struct iommu_group *group, *group2;
	struct iommu_domain *domain;

	KUNIT_EXPECT_TRUE(test, device_iommu_mapped(dev));
	KUNIT_EXPECT_TRUE(test,
			  device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY));
	KUNIT_EXPECT_FALSE(test,
			   device_iommu_capable(dev,
						IOMMU_CAP_ENFORCE_CACHE_COHERENCY));
	if (IS_ENABLED(CONFIG_GENERIC_MSI_IRQ))
		KUNIT_EXPECT_TRUE(test, msi_device_has_isolated_msi(dev));

	/* The default domain is the static blocking one, and no driver bound. */
	domain = iommu_get_domain_for_dev(dev);
	KUNIT_ASSERT_NOT_NULL(test, domain);
	KUNIT_EXPECT_EQ(test, domain->type, IOMMU_DOMAIN_BLOCKED);
	KUNIT_EXPECT_NULL(test, dev->driver);

	/* Each mock device is a group of its own. */
	group = iommu_group_get(dev);
	group2 = iommu_group_get(dev2);
	KUNIT_EXPECT_NOT_NULL(test, group);
	KUNIT_EXPECT_NOT_NULL(test, group2);
	KUNIT_EXPECT_PTR_NE(test, group, group2);
	iommu_group_put(group);
	iommu_group_put(group2);
}

static void paging_domain_maps_in_io_pages(struct kunit *test)
{
	struct device *dev = test_mock_dev(test);
	struct iommu_domain *domain = test_paging_domain(test, dev);
	const unsigned long iova = VIOMMU_MOCK_APERTURE_START;
	struct page *page;
	phys_addr_t pa;

	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	pa = page_to_phys(page);

	KUNIT_EXPECT_EQ(test, domain->type, IOMMU_DOMAIN_UNMANAGED);
	KUNIT_EXPECT_PTR_EQ(test, domain->owner, drv->iommu_ops);
	KUNIT_EXPECT_EQ(test, domain->pgsize_bitmap, MOCK_IO_PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, domain->geometry.aperture_start,
			VIOMMU_MOCK_APERTURE_START);
	KUNIT_EXPECT_EQ(test, domain->geometry.aperture_end,
			VIOMMU_MOCK_APERTURE_LAST);

	KUNIT_ASSERT_EQ(test, 0,
			iommu_map(domain, iova, pa, PAGE_SIZE,
				  IOMMU_READ | IOMMU_WRITE, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, pa, iommu_iova_to_phys(domain, iova));
	/* Any offset, also one in the second IO page of the page. */
	KUNIT_EXPECT_EQ(test, pa + 0x10, iommu_iova_to_phys(domain, iova + 0x10));
	KUNIT_EXPECT_EQ(test, pa + MOCK_IO_PAGE_SIZE + 4,
			iommu_iova_to_phys(domain,
					   iova + MOCK_IO_PAGE_SIZE + 4));
	KUNIT_EXPECT_EQ(test, 0, iommu_iova_to_phys(domain, iova + PAGE_SIZE));
	/* A mapped IO page is never silently replaced. */
	KUNIT_EXPECT_EQ(test, -EEXIST,
			iommu_map(domain, iova + MOCK_IO_PAGE_SIZE, pa,
				  MOCK_IO_PAGE_SIZE, IOMMU_READ, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, pa + MOCK_IO_PAGE_SIZE,
			iommu_iova_to_phys(domain, iova + MOCK_IO_PAGE_SIZE));

	KUNIT_EXPECT_EQ(test, PAGE_SIZE, iommu_unmap(domain, iova, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0, iommu_iova_to_phys(domain, iova));
	__free_page(page);
}

/* Each paging and nested domain pins the module until it is freed. */
static void domain_pins_module(struct kunit *test)
{
	struct device *dev = test_mock_dev(test);
	struct iommu_domain *parent = test_paging_domain(test, dev);
	const struct iommu_ops *ops = parent->owner;
	struct iommu_user_data data = test_hwpt_data(test, 0x1234);
	unsigned int refs = module_refcount(drv->owner);
	struct iommu_domain *paging, *nested;

	paging = ops->domain_alloc_user(dev, 0, NULL, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, paging);
	KUNIT_EXPECT_EQ(test, refs + 1, module_refcount(drv->owner));
	nested = ops->domain_alloc_user(dev, 0, parent, &data);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, nested);
	KUNIT_EXPECT_EQ(test, refs + 2, module_refcount(drv->owner));
	/* A failed allocation leaves no pin. */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EOPNOTSUPP),
			    ops->domain_alloc_user(dev, 1, parent, &data));
	KUNIT_EXPECT_EQ(test, refs + 2, module_refcount(drv->owner));
	iommu_domain_free(nested);
	iommu_domain_free(paging);
	KUNIT_EXPECT_EQ(test, refs, module_refcount(drv->owner));
}

static void domain_alloc_user_rules(struct kunit *test)
{
	struct device *dev = test_mock_dev(test);
	struct iommu_domain *parent = test_paging_domain(test, dev);
	const struct iommu_ops *ops = parent->owner;
	struct iommu_user_data data = test_hwpt_data(test, 0x1234);
	struct iommu_user_data bad = data;
	struct iommu_domain *domain;
	int i;

	/* Paging: NEST_PARENT is the one flag, and there is no data. */
	domain = ops->domain_alloc_user(dev, IOMMU_HWPT_ALLOC_NEST_PARENT,
					NULL, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	KUNIT_EXPECT_EQ(test, domain->type, IOMMU_DOMAIN_UNMANAGED);
	iommu_domain_free(domain);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EOPNOTSUPP),
			    ops->domain_alloc_user(dev,
						   IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
						   NULL, NULL));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EOPNOTSUPP),
			    ops->domain_alloc_user(dev, 0, NULL, &data));

	/* Nested on a mock parent, as the stock IOMMU_HWPT_ALLOC asks. */
	domain = ops->domain_alloc_user(dev, 0, parent, &data);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	KUNIT_EXPECT_EQ(test, domain->type, IOMMU_DOMAIN_NESTED);
	KUNIT_EXPECT_NOT_NULL(test, domain->ops->cache_invalidate_user);
	KUNIT_EXPECT_NULL(test, to_mock_nested(domain)->mock_viommu);
	for (i = 0; i < VIOMMU_MOCK_NESTED_DOMAIN_IOTLB_NUM; i++)
		KUNIT_EXPECT_EQ(test, to_mock_nested(domain)->iotlb[i], 0x1234);
	iommu_domain_free(domain);

	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EOPNOTSUPP),
			    ops->domain_alloc_user(dev, 1, parent, &data));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ops->domain_alloc_user(dev, 0,
						   iommu_get_domain_for_dev(dev),
						   &data));
	bad.type = VIOMMU_HWPT_DATA_SELFTEST + 1;
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EOPNOTSUPP),
			    ops->domain_alloc_user(dev, 0, parent, &bad));
	bad = data;
	bad.len = offsetofend(struct viommu_hwpt_selftest, iotlb) - 1;
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ops->domain_alloc_user(dev, 0, parent, &bad));
}

/* Run the nested domain's invalidation on @n entries of @inv. */
static int nested_invalidate(struct kunit *test, struct iommu_domain *domain,
			     const void *inv, size_t entry_len, u32 n,
			     u32 type, u32 *done)
{
	struct iommu_user_data_array array = {
		.type = type,
		.uptr = test_user_copy(test, inv, entry_len * n),
		.entry_len = entry_len,
		.entry_num = n,
	};
	int rc;

	rc = domain->ops->cache_invalidate_user(domain, &array);
	*done = array.entry_num;
	return rc;
}

static void nested_iotlb_invalidation(struct kunit *test)
{
	struct device *dev = test_mock_dev(test);
	struct iommu_domain *parent = test_paging_domain(test, dev);
	struct iommu_user_data data = test_hwpt_data(test, 0xbadbeef);
	const u32 type = VIOMMU_HWPT_INVALIDATE_DATA_SELFTEST;
	struct viommu_hwpt_invalidate_selftest inv[2] = {};
	struct mock_nested_domain *nested;
	struct iommu_domain *domain;
	u8 longer[sizeof(inv[0]) + 4] = {};
	u32 done;

	domain = parent->owner->domain_alloc_user(dev, 0, parent, &data);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, domain_free_action,
						  domain));
	nested = to_mock_nested(domain);

	KUNIT_EXPECT_EQ(test, -EINVAL,
			nested_invalidate(test, domain, inv, sizeof(inv[0]), 1,
					  VIOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID,
					  &done));
	KUNIT_EXPECT_EQ(test, 0, done);

	/* The second entry fails: only the first one counts. */
	inv[0].iotlb_id = 1;
	inv[1].iotlb_id = VIOMMU_MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			nested_invalidate(test, domain, inv, sizeof(inv[0]), 2,
					  type, &done));
	KUNIT_EXPECT_EQ(test, 1, done);
	KUNIT_EXPECT_EQ(test, 0xbadbeef, nested->iotlb[0]);
	KUNIT_EXPECT_EQ(test, 0, nested->iotlb[1]);
	KUNIT_EXPECT_EQ(test, 0xbadbeef, nested->iotlb[2]);

	inv[0].flags = 1 << 1;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			nested_invalidate(test, domain, inv, sizeof(inv[0]), 1,
					  type, &done));
	KUNIT_EXPECT_EQ(test, 0, done);

	/* Entries shorter than iotlb_id or longer than the struct. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			nested_invalidate(test, domain, inv, sizeof(u32), 1,
					  type, &done));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			nested_invalidate(test, domain, longer, sizeof(longer),
					  1, type, &done));
	KUNIT_EXPECT_EQ(test, 0, done);

	inv[0].flags = VIOMMU_TEST_INVALIDATE_FLAG_ALL;
	inv[0].iotlb_id = 0;
	KUNIT_EXPECT_EQ(test, 0,
			nested_invalidate(test, domain, inv, sizeof(inv[0]), 1,
					  type, &done));
	KUNIT_EXPECT_EQ(test, 1, done);
	KUNIT_EXPECT_EQ(test, 0, nested->iotlb[0]);
	KUNIT_EXPECT_EQ(test, 0, nested->iotlb[3]);
}

static void viommu_nested_alloc_rules(struct kunit *test)
{
	struct device *dev = test_mock_dev(test);
	struct iommu_domain *parent = test_paging_domain(test, dev);
	struct iommu_user_data data = test_hwpt_data(test, 7);
	struct viommu *viommu = test_viommu(test, parent);
	struct iommu_domain *domain;

	KUNIT_EXPECT_EQ(test, VIOMMU_OPS_FLAG_HW_QUEUE_READS_PA,
			viommu->ops->flags);
	KUNIT_EXPECT_EQ(test, 0, viommu->ops->vdevice_size);

	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EOPNOTSUPP),
			    viommu->ops->alloc_domain_nested(viommu, 1U << 31,
							     &data));
	domain = viommu->ops->alloc_domain_nested(viommu,
						  VIOMMU_HWPT_ALLOC_PASID,
						  &data);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	KUNIT_EXPECT_EQ(test, domain->type, IOMMU_DOMAIN_NESTED);
	KUNIT_EXPECT_PTR_EQ(test, to_mock_nested(domain)->mock_viommu,
			    to_mock_viommu(viommu));
	KUNIT_EXPECT_EQ(test, 7, to_mock_nested(domain)->iotlb[3]);
	iommu_domain_free(domain);
}

static void viommu_init_wants_mock_parent(struct kunit *test)
{
	struct device *dev = test_mock_dev(test);
	struct iommu_domain *parent = test_paging_domain(test, dev);
	struct viommu *viommu = test_viommu(test, parent);

	KUNIT_EXPECT_PTR_EQ(test, to_mock_viommu(viommu)->s2_parent, parent);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			drv->viommu_init(viommu, iommu_get_domain_for_dev(dev),
					 NULL));
}

/* A vIOMMU's nested domain needs the device's vDEVICE; others attach. */
static void nested_attach_needs_vdevice(struct kunit *test)
{
	struct device *dev = test_mock_dev(test);
	struct iommu_domain *parent = test_paging_domain(test, dev);
	struct iommu_user_data data = test_hwpt_data(test, 0);
	struct viommu *viommu = test_viommu(test, parent);
	struct iommu_domain *nested;

	nested = viommu->ops->alloc_domain_nested(viommu, 0, &data);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, nested);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, domain_free_action,
						  nested));

	KUNIT_EXPECT_EQ(test, -ENOENT, iommu_attach_device(nested, dev));
	KUNIT_EXPECT_NULL(test, to_mock_dev(dev)->viommu);

	KUNIT_ASSERT_EQ(test, 0, iommu_attach_device(parent, dev));
	KUNIT_EXPECT_PTR_EQ(test, parent, iommu_get_domain_for_dev(dev));
	iommu_detach_device(parent, dev);
	KUNIT_EXPECT_EQ(test, IOMMU_DOMAIN_BLOCKED,
			iommu_get_domain_for_dev(dev)->type);
}

static void cache_inv_entry_rules(struct kunit *test)
{
	struct viommu_viommu_invalidate_selftest inv = {};
	struct mock_dev *mdev = to_mock_dev(test_mock_dev(test));
	int i;

	for (i = 0; i < VIOMMU_MOCK_DEV_CACHE_NUM; i++)
		KUNIT_EXPECT_EQ(test, VIOMMU_TEST_DEV_CACHE_DEFAULT,
				mdev->cache[i]);

	KUNIT_EXPECT_EQ(test, 0, viommu_mock_cache_inv_check(&inv));
	inv.cache_id = VIOMMU_MOCK_DEV_CACHE_ID_MAX + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, viommu_mock_cache_inv_check(&inv));
	/* cache_id is checked with FLAG_ALL too, flags first. */
	inv.flags = VIOMMU_TEST_INVALIDATE_FLAG_ALL;
	KUNIT_EXPECT_EQ(test, -EINVAL, viommu_mock_cache_inv_check(&inv));
	inv.flags = 0xffffffff;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, viommu_mock_cache_inv_check(&inv));

	inv.flags = 0;
	inv.cache_id = 2;
	viommu_mock_dev_cache_inv(mdev, &inv);
	KUNIT_EXPECT_EQ(test, VIOMMU_TEST_DEV_CACHE_DEFAULT, mdev->cache[1]);
	KUNIT_EXPECT_EQ(test, 0, mdev->cache[2]);
	KUNIT_EXPECT_EQ(test, VIOMMU_TEST_DEV_CACHE_DEFAULT, mdev->cache[3]);

	inv.flags = VIOMMU_TEST_INVALIDATE_FLAG_ALL;
	viommu_mock_dev_cache_inv(mdev, &inv);
	for (i = 0; i < VIOMMU_MOCK_DEV_CACHE_NUM; i++)
		KUNIT_EXPECT_EQ(test, 0, mdev->cache[i]);

	KUNIT_EXPECT_EQ(test, 0,
			viommu_mock_iotlb_inv_check(&(struct viommu_hwpt_invalidate_selftest){
				.iotlb_id = VIOMMU_MOCK_NESTED_DOMAIN_IOTLB_ID_MAX }));
}

static int viommu_invalidate(struct kunit *test, struct viommu *viommu,
			     const void *inv, size_t entry_len, u32 n,
			     u32 type, u32 *done)
{
	struct iommu_user_data_array array = {
		.type = type,
		.uptr = test_user_copy(test, inv, entry_len * n ?: 1),
		.entry_len = entry_len,
		.entry_num = n,
	};
	int rc;

	rc = viommu->ops->cache_invalidate(viommu, &array);
	*done = array.entry_num;
	return rc;
}

/* Everything short of a vDEVICE; the userspace tests have one. */
static void viommu_cache_invalidate_rules(struct kunit *test)
{
	struct device *dev = test_mock_dev(test);
	struct viommu *viommu = test_viommu(test,
					    test_paging_domain(test, dev));
	const u32 type = VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST;
	struct viommu_viommu_invalidate_selftest inv = {};
	u32 done = 1;

	KUNIT_EXPECT_EQ(test, 0,
			viommu_invalidate(test, viommu, &inv, sizeof(inv), 0,
					  type, &done));
	KUNIT_EXPECT_EQ(test, 0, done);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_invalidate(test, viommu, &inv, sizeof(inv), 0,
					  VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID,
					  &done));
	/* vdev_id 0 names no vDEVICE. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_invalidate(test, viommu, &inv, sizeof(inv), 1,
					  type, &done));
	KUNIT_EXPECT_EQ(test, 0, done);
	inv.flags = 0xffffffff;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			viommu_invalidate(test, viommu, &inv, sizeof(inv), 1,
					  type, &done));
	inv.flags = 0;
	inv.cache_id = VIOMMU_MOCK_DEV_CACHE_ID_MAX + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_invalidate(test, viommu, &inv, sizeof(inv), 1,
					  type, &done));
	KUNIT_EXPECT_EQ(test, 0, done);
}

/*
 * With a vDEVICE (made here as the core would: the device bound to a stock
 * iommufd), nested attach records the virtual id, and invalidations reach
 * the device's cache, stopping at the first bad entry.
 */
static void viommu_ops_with_a_vdevice(struct kunit *test)
{
	struct file *file = viommu_test_open_iommufd(test);
	struct device *dev = test_mock_dev(test);
	struct iommu_domain *parent = test_paging_domain(test, dev);
	struct iommu_user_data data = test_hwpt_data(test, 0);
	struct viommu *viommu = test_viommu(test, parent);
	struct viommu_viommu_invalidate_selftest inv[2] = {};
	const u32 type = VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST;
	struct mock_dev *mdev = to_mock_dev(dev);
	struct viommu_vdevice vdev = {
		.viommu = viommu,
		.dev = dev,
		.virt_id = 0x99,
	};
	struct iommu_domain *nested;
	struct iommufd_ctx *ictx;
	u32 idev_id, done;
	int i;

	nested = viommu->ops->alloc_domain_nested(viommu, 0, &data);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, nested);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, domain_free_action,
						  nested));
	ictx = iommufd_ctx_from_file(file);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx));
	vdev.idev = iommufd_device_bind(ictx, dev, &idev_id);
	iommufd_ctx_put(ictx);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vdev.idev));
	KUNIT_ASSERT_EQ(test, 0, xa_err(xa_store(&viommu->vdevs, vdev.virt_id,
						 &vdev, GFP_KERNEL)));

	KUNIT_EXPECT_EQ(test, 0, iommu_attach_device(nested, dev));
	KUNIT_EXPECT_PTR_EQ(test, mdev->viommu, to_mock_viommu(viommu));
	KUNIT_EXPECT_EQ(test, mdev->vdev_id, 0x99);

	inv[0].vdev_id = 0x99;
	inv[1].vdev_id = 0x98;
	inv[1].cache_id = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_invalidate(test, viommu, inv, sizeof(inv[0]), 2,
					  type, &done));
	KUNIT_EXPECT_EQ(test, 1, done);
	KUNIT_EXPECT_EQ(test, 0, mdev->cache[0]);
	KUNIT_EXPECT_EQ(test, VIOMMU_TEST_DEV_CACHE_DEFAULT, mdev->cache[1]);

	inv[1].vdev_id = 0x99;
	inv[1].flags = VIOMMU_TEST_INVALIDATE_FLAG_ALL;
	KUNIT_EXPECT_EQ(test, 0,
			viommu_invalidate(test, viommu, inv, sizeof(inv[0]), 2,
					  type, &done));
	KUNIT_EXPECT_EQ(test, 2, done);
	for (i = 0; i < VIOMMU_MOCK_DEV_CACHE_NUM; i++)
		KUNIT_EXPECT_EQ(test, 0, mdev->cache[i]);

	iommu_detach_device(nested, dev);
	KUNIT_EXPECT_NULL(test, mdev->viommu);
	KUNIT_EXPECT_EQ(test, mdev->vdev_id, 0);
	xa_erase(&viommu->vdevs, vdev.virt_id);
	iommufd_device_unbind(vdev.idev);
}

static void hw_queue_slot_rules(struct kunit *test)
{
	struct mock_hw_queue *q = (struct mock_hw_queue *)test;
	struct mock_hw_queue *slots[VIOMMU_TEST_HW_QUEUE_MAX] = {};

	KUNIT_EXPECT_EQ(test, 0, viommu_mock_hw_queue_slot_check(slots, 0));
	KUNIT_EXPECT_EQ(test, -EIO, viommu_mock_hw_queue_slot_check(slots, 1));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_mock_hw_queue_slot_check(slots,
							VIOMMU_TEST_HW_QUEUE_MAX));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_mock_hw_queue_slot_check(slots, U32_MAX));
	slots[0] = q;
	KUNIT_EXPECT_EQ(test, -EEXIST,
			viommu_mock_hw_queue_slot_check(slots, 0));
	KUNIT_EXPECT_EQ(test, 0, viommu_mock_hw_queue_slot_check(slots, 1));
	slots[1] = q;
	KUNIT_EXPECT_EQ(test, -EEXIST,
			viommu_mock_hw_queue_slot_check(slots, 1));
}

static void test_hw_queue_free(void *data)
{
	struct viommu_hw_queue *hw_queue = data;

	if (hw_queue->destroy)
		hw_queue->destroy(hw_queue);
	kfree(container_of(hw_queue, struct mock_hw_queue, core));
}

static struct viommu_hw_queue *test_hw_queue(struct kunit *test,
					     struct viommu *viommu, u64 iova)
{
	size_t size = viommu->ops->get_hw_queue_size(viommu,
						     VIOMMU_HW_QUEUE_TYPE_SELFTEST);
	struct viommu_hw_queue *hw_queue;

	KUNIT_ASSERT_GE(test, size, sizeof(*hw_queue));
	hw_queue = kzalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hw_queue);
	hw_queue->viommu = viommu;
	hw_queue->base_addr = iova;
	hw_queue->length = PAGE_SIZE / 2;
	hw_queue->type = VIOMMU_HW_QUEUE_TYPE_SELFTEST;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, test_hw_queue_free,
						  hw_queue));
	return hw_queue;
}

/* Index 0 only: later indexes depend on the core's object graph. */
static void hw_queue_init_checks_pa(struct kunit *test)
{
	struct device *dev = test_mock_dev(test);
	struct iommu_domain *parent = test_paging_domain(test, dev);
	const unsigned long iova = VIOMMU_MOCK_APERTURE_START + PAGE_SIZE;
	struct viommu *viommu = test_viommu(test, parent);
	struct mock_viommu *mock_viommu = to_mock_viommu(viommu);
	struct viommu_hw_queue *q0, *q;
	phys_addr_t pa;

	KUNIT_EXPECT_EQ(test, 0,
			viommu->ops->get_hw_queue_size(viommu,
						       VIOMMU_HW_QUEUE_TYPE_DEFAULT));
	pa = page_to_phys(ZERO_PAGE(0));
	KUNIT_ASSERT_EQ(test, 0,
			iommu_map(parent, iova, pa, PAGE_SIZE, IOMMU_READ,
				  GFP_KERNEL));

	q0 = test_hw_queue(test, viommu, iova + PAGE_SIZE / 2);
	KUNIT_EXPECT_EQ(test, -EFAULT,
			viommu->ops->hw_queue_init_phys(q0, 0, pa));
	KUNIT_EXPECT_NULL(test, mock_viommu->hw_queue[0]);
	KUNIT_EXPECT_EQ(test, -EIO,
			viommu->ops->hw_queue_init_phys(q0, 1,
							pa + PAGE_SIZE / 2));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu->ops->hw_queue_init_phys(q0,
							VIOMMU_TEST_HW_QUEUE_MAX,
							pa + PAGE_SIZE / 2));
	KUNIT_ASSERT_EQ(test, 0,
			viommu->ops->hw_queue_init_phys(q0, 0,
							pa + PAGE_SIZE / 2));
	KUNIT_EXPECT_PTR_EQ(test, &mock_viommu->hw_queue[0]->core, q0);
	KUNIT_EXPECT_NOT_NULL(test, q0->destroy);

	q = test_hw_queue(test, viommu, iova);
	KUNIT_EXPECT_EQ(test, -EEXIST,
			viommu->ops->hw_queue_init_phys(q, 0, pa));
	KUNIT_EXPECT_NULL(test, q->destroy);

	kunit_release_action(test, test_hw_queue_free, q0);
	KUNIT_EXPECT_NULL(test, mock_viommu->hw_queue[0]);
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, iommu_unmap(parent, iova, PAGE_SIZE));
}

/* A context bound to a fresh stock iommufd, and an IOAS there. */
static struct viommu_ctx *test_bound_ctx(struct kunit *test, u32 *ioas_id)
{
	struct file *file = viommu_test_open_iommufd(test);
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommufd_ctx *ictx;
	void __user *uptr;

	ictx = iommufd_ctx_from_file(file);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx));
	KUNIT_ASSERT_EQ(test, 0, viommu_ctx_bind(ctx, ictx));

	uptr = test_user_copy(test, &alloc, sizeof(alloc));
	KUNIT_ASSERT_EQ(test, 0,
			file->f_op->unlocked_ioctl(file, IOMMU_IOAS_ALLOC,
						   (unsigned long)uptr));
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(&alloc, uptr, sizeof(alloc)));
	*ioas_id = alloc.out_ioas_id;
	return ctx;
}

static int test_cmd(struct viommu_ctx *ctx, struct viommu_test_cmd *cmd,
		    u32 op, u32 id)
{
	cmd->size = sizeof(*cmd);
	cmd->op = op;
	cmd->id = id;
	/* No ucmd: the outputs are read in place. */
	return drv->test_cmd(ctx, cmd, NULL);
}

static void test_cmd_mock_domain(struct kunit *test)
{
	struct viommu_test_cmd cmd = {};
	struct viommu_ctx *ctx;
	u32 ioas_id, idev_id, stdev_id;

	ctx = test_bound_ctx(test, &ioas_id);
	KUNIT_ASSERT_EQ(test, 0,
			test_cmd(ctx, &cmd, VIOMMU_TEST_OP_MOCK_DOMAIN,
				 ioas_id));
	stdev_id = cmd.mock_domain.out_stdev_id;
	idev_id = cmd.mock_domain.out_idev_id;
	KUNIT_EXPECT_GE(test, stdev_id, VIOMMU_ID_MIN);
	KUNIT_EXPECT_LT(test, idev_id, VIOMMU_ID_MIN);
	KUNIT_EXPECT_NE(test, cmd.mock_domain.out_hwpt_id, ioas_id);

	/* The device's caches start at the default value. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.check_dev_cache.id = VIOMMU_MOCK_DEV_CACHE_ID_MAX;
	cmd.check_dev_cache.cache = VIOMMU_TEST_DEV_CACHE_DEFAULT;
	KUNIT_EXPECT_EQ(test, 0,
			test_cmd(ctx, &cmd, VIOMMU_TEST_OP_DEV_CHECK_CACHE,
				 idev_id));
	cmd.check_dev_cache.cache = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			test_cmd(ctx, &cmd, VIOMMU_TEST_OP_DEV_CHECK_CACHE,
				 idev_id));
	cmd.check_dev_cache.id = VIOMMU_MOCK_DEV_CACHE_ID_MAX + 1;
	cmd.check_dev_cache.cache = VIOMMU_TEST_DEV_CACHE_DEFAULT;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			test_cmd(ctx, &cmd, VIOMMU_TEST_OP_DEV_CHECK_CACHE,
				 idev_id));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			test_cmd(ctx, &cmd, VIOMMU_TEST_OP_DEV_CHECK_CACHE,
				 ioas_id));

	/* Not attached through a vIOMMU: no event to report. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.trigger_vevent.dev_id = idev_id;
	KUNIT_EXPECT_EQ(test, -ENOENT,
			test_cmd(ctx, &cmd, VIOMMU_TEST_OP_TRIGGER_VEVENT, 0));

	memset(&cmd, 0, sizeof(cmd));
	cmd.mock_domain_replace.pt_id = ioas_id;
	KUNIT_EXPECT_EQ(test, 0,
			test_cmd(ctx, &cmd, VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
				 stdev_id));
	KUNIT_EXPECT_NE(test, cmd.mock_domain_replace.pt_id, ioas_id);
	cmd.mock_domain_replace.pt_id = ioas_id;
	KUNIT_EXPECT_NE(test, 0,
			test_cmd(ctx, &cmd, VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
				 ioas_id));

	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, test_cmd(ctx, &cmd, 3, 0));
	/* The context's release unbinds and removes the mock device. */
}

static void test_cmd_mock_domain_bad_pt_unwinds(struct kunit *test)
{
	struct viommu_test_cmd cmd = {};
	struct viommu_ctx *ctx;
	u32 ioas_id;

	ctx = test_bound_ctx(test, &ioas_id);
	KUNIT_EXPECT_EQ(test, -ENOENT,
			test_cmd(ctx, &cmd, VIOMMU_TEST_OP_MOCK_DOMAIN,
				 ioas_id + 100));
	/* Nothing was left: a new device binds and attaches fine. */
	KUNIT_EXPECT_EQ(test, 0,
			test_cmd(ctx, &cmd, VIOMMU_TEST_OP_MOCK_DOMAIN,
				 ioas_id));
}

static void test_cmd_check_refs(struct kunit *test)
{
	void __user *uptr = viommu_test_user_page(test);
	struct viommu_test_cmd cmd = {};

	KUNIT_ASSERT_EQ(test, 0, clear_user(uptr, PAGE_SIZE));
	cmd.check_refs.uptr = (uintptr_t)uptr;
	cmd.check_refs.length = PAGE_SIZE;
	cmd.check_refs.refs = 0;
	KUNIT_EXPECT_EQ(test, 0,
			test_cmd(NULL, &cmd, VIOMMU_TEST_OP_MD_CHECK_REFS, 0));
	cmd.check_refs.refs = 1;
	KUNIT_EXPECT_EQ(test, -EIO,
			test_cmd(NULL, &cmd, VIOMMU_TEST_OP_MD_CHECK_REFS, 0));
	cmd.check_refs.refs = 0;
	cmd.check_refs.length = PAGE_SIZE / 2;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			test_cmd(NULL, &cmd, VIOMMU_TEST_OP_MD_CHECK_REFS, 0));
	cmd.check_refs.length = PAGE_SIZE;
	cmd.check_refs.uptr = (uintptr_t)uptr + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			test_cmd(NULL, &cmd, VIOMMU_TEST_OP_MD_CHECK_REFS, 0));
}

/* upstream's bound: one batch element; the value is not kept on 6.12. */
static void test_cmd_set_temp_memory_limit(struct kunit *test)
{
	const u32 min = sizeof(unsigned long) + sizeof(u32);
	struct viommu_test_cmd cmd = {};

	cmd.memory_limit.limit = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			test_cmd(NULL, &cmd,
				 VIOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, 0));
	cmd.memory_limit.limit = min - 1;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			test_cmd(NULL, &cmd,
				 VIOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, 0));
	cmd.memory_limit.limit = min;
	KUNIT_EXPECT_EQ(test, 0,
			test_cmd(NULL, &cmd,
				 VIOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, 0));
	cmd.memory_limit.limit = U32_MAX;
	KUNIT_EXPECT_EQ(test, 0,
			test_cmd(NULL, &cmd,
				 VIOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, 0));
}

/*
 * What 6.12's stock attach asks of a device for a HWPT with a fault
 * queue: IOMMU_DEV_FEAT_IOPF puts it on the mock IOPF queue, once.
 */
static void mock_dev_iopf_feature(struct kunit *test)
{
	struct device *dev = test_mock_dev(test);

	KUNIT_EXPECT_EQ(test, -ENODEV,
			iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_SVA));
	KUNIT_EXPECT_EQ(test, -ENODEV,
			iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_SVA));
	if (!IS_ENABLED(CONFIG_IOMMU_IOPF)) {
		/* No queue: a HWPT with a fault queue cannot attach. */
		KUNIT_EXPECT_EQ(test, -ENODEV,
				iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_IOPF));
		return;
	}
	KUNIT_ASSERT_EQ(test, 0,
			iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_IOPF));
	KUNIT_EXPECT_NOT_NULL(test,
			      rcu_access_pointer(dev->iommu->fault_param));
	/* The queue takes a device once; iommufd counts enables itself. */
	KUNIT_EXPECT_EQ(test, -EBUSY,
			iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_IOPF));
	KUNIT_EXPECT_EQ(test, 0,
			iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_IOPF));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(dev->iommu->fault_param));
	/* And again, as the next attach would. */
	KUNIT_EXPECT_EQ(test, 0,
			iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_IOPF));
	KUNIT_EXPECT_EQ(test, 0,
			iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_IOPF));
}

/* Page requests of an unbound context, or of no mock device. */
static void test_cmd_trigger_iopf_errors(struct kunit *test)
{
	struct viommu_test_cmd cmd = {};
	struct viommu_ctx *ctx;
	u32 ioas_id;

	if (!IS_ENABLED(CONFIG_IOMMU_IOPF)) {
		KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
				test_cmd(NULL, &cmd,
					 VIOMMU_TEST_OP_TRIGGER_IOPF, 0));
		return;
	}
	KUNIT_EXPECT_EQ(test, -EBADFD,
			test_cmd(viommu_test_ctx(test), &cmd,
				 VIOMMU_TEST_OP_TRIGGER_IOPF, 0));
	ctx = test_bound_ctx(test, &ioas_id);
	cmd.trigger_iopf.dev_id = ioas_id;
	KUNIT_EXPECT_EQ(test, -ENOENT,
			test_cmd(ctx, &cmd, VIOMMU_TEST_OP_TRIGGER_IOPF, 0));
}

static struct kunit_case selftest_backend_test_cases[] = {
	KUNIT_CASE(hw_info_types),
	KUNIT_CASE(viommu_size_only_for_selftest_type),
	KUNIT_CASE(mock_dev_probed_by_mock_iommu),
	KUNIT_CASE(paging_domain_maps_in_io_pages),
	KUNIT_CASE(domain_alloc_user_rules),
	KUNIT_CASE(domain_pins_module),
	KUNIT_CASE(nested_iotlb_invalidation),
	KUNIT_CASE(viommu_nested_alloc_rules),
	KUNIT_CASE(viommu_init_wants_mock_parent),
	KUNIT_CASE(nested_attach_needs_vdevice),
	KUNIT_CASE(cache_inv_entry_rules),
	KUNIT_CASE(viommu_cache_invalidate_rules),
	KUNIT_CASE(viommu_ops_with_a_vdevice),
	KUNIT_CASE(hw_queue_slot_rules),
	KUNIT_CASE(hw_queue_init_checks_pa),
	KUNIT_CASE(test_cmd_mock_domain),
	KUNIT_CASE(test_cmd_mock_domain_bad_pt_unwinds),
	KUNIT_CASE(test_cmd_check_refs),
	KUNIT_CASE(test_cmd_set_temp_memory_limit),
	KUNIT_CASE(mock_dev_iopf_feature),
	KUNIT_CASE(test_cmd_trigger_iopf_errors),
	{}
};

static struct kunit_suite selftest_backend_test_suite = {
	.name = "viommu_selftest_backend",
	.test_cases = selftest_backend_test_cases,
};

kunit_test_suites(&selftest_backend_test_suite);

MODULE_DESCRIPTION("KUnit suite for the viommu selftest backend");
MODULE_LICENSE("GPL");
VIOMMU_IMPORT_NS("IOMMUFD");
VIOMMU_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
