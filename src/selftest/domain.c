// SPDX-License-Identifier: GPL-2.0
/*
 * Domains of the mock IOMMU: a static blocking domain (the default domain
 * and the DMA-ownership domain), paging domains that keep their mappings in
 * an xarray, and nested domains with a mock IOTLB.
 */
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <uapi/linux/iommufd.h>
#include <kunit/visibility.h>

#include "mock.h"

/*
 * Each paging or nested domain pins this module: a stock HWPT outlives the
 * mock device it was made for, and iommufd frees its domain when the stock
 * file closes. viommu_domain_free() (in viommu.ko) drops the pin after our
 * free returned, so no code of ours runs once the module may go.
 */
static const struct viommu_domain_ops mock_paging_ops;
static const struct viommu_domain_ops mock_nested_ops;

static int mock_domain_pin(void)
{
	/* Fails only while the module is being unloaded. */
	return try_module_get(THIS_MODULE) ? 0 : -ENODEV;
}

static struct mock_paging_domain *to_mock_paging(struct iommu_domain *domain)
{
	return container_of(domain, struct mock_paging_domain, domain);
}

/**
 * mock_dev_forget_viommu() - Stop reporting events of a vIOMMU for a device
 * @mdev: The mock device
 */
void mock_dev_forget_viommu(struct mock_dev *mdev)
{
	down_write(&mdev->viommu_rwsem);
	mdev->viommu = NULL;
	mdev->vdev_id = 0;
	up_write(&mdev->viommu_rwsem);
}

/*
 * Every domain attaches this way. A nested domain of a vIOMMU needs the
 * device's vDEVICE there, as upstream's mock_domain_nop_attach().
 */
static int mock_domain_attach(struct iommu_domain *domain, struct device *dev)
{
	struct mock_dev *mdev = to_mock_dev(dev);
	struct mock_viommu *new_viommu = NULL;
	unsigned long vdev_id = 0;
	int rc;

	iommu_group_mutex_assert(dev);
	/*
	 * The IOMMU core does not check on replace that @dev is ours (a VFIO
	 * device replaced onto a mock HWPT): it is no mock_dev then.
	 */
	if (viommu_dev_iommu_ops(dev) != &mock_ops)
		return -EINVAL;
	/*
	 * The domain the group is on: 6.12's core putting the device back
	 * after a failed change, which must not fail (a mock device is alone
	 * in its group, so this is no probe). Its vDEVICE may be gone since
	 * (destroyed while attached, as upstream allows): nothing changes.
	 */
	if (iommu_get_domain_for_dev(dev) == domain)
		return 0;
	if (domain->type == IOMMU_DOMAIN_NESTED) {
		new_viommu = to_mock_nested(domain)->mock_viommu;
		if (new_viommu) {
			rc = viommu_get_vdev_id(&new_viommu->core, dev,
						&vdev_id);
			if (rc)
				return rc;
		}
	}

	if (new_viommu != mdev->viommu || vdev_id != mdev->vdev_id) {
		down_write(&mdev->viommu_rwsem);
		mdev->viommu = new_viommu;
		mdev->vdev_id = vdev_id;
		up_write(&mdev->viommu_rwsem);
	}
	return 0;
}

static const struct iommu_domain_ops mock_blocking_ops = {
	.attach_dev = mock_domain_attach,
};

/* BLOCKED is 0, so it can only be the default domain as ops->default_domain. */
struct iommu_domain mock_blocking_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &mock_blocking_ops,
};

/**
 * mock_domain_alloc_paging() - Allocate an empty mock paging domain
 * @dev: The device it is for; unused
 *
 * Return: the domain, or ERR_PTR(-ENOMEM).
 */
struct iommu_domain *mock_domain_alloc_paging(struct device *dev)
{
	struct mock_paging_domain *mock;

	if (mock_domain_pin())
		return ERR_PTR(-ENODEV);
	mock = kzalloc(sizeof(*mock), GFP_KERNEL_ACCOUNT);
	if (!mock) {
		module_put(THIS_MODULE);
		return ERR_PTR(-ENOMEM);
	}
	mock->domain.type = IOMMU_DOMAIN_UNMANAGED;
	mock->domain.ops = &mock_paging_ops.ops;
	mock->domain.owner = &mock_ops;
	mock->domain.pgsize_bitmap = MOCK_IO_PAGE_SIZE;
	mock->domain.geometry.aperture_start = VIOMMU_MOCK_APERTURE_START;
	mock->domain.geometry.aperture_end = VIOMMU_MOCK_APERTURE_LAST;
	xa_init(&mock->pfns);
	return &mock->domain;
}

/**
 * mock_domain_is_paging() - Whether a domain is a mock paging domain
 * @domain: Any domain
 *
 * Return: true for a domain of mock_domain_alloc_paging().
 */
bool mock_domain_is_paging(struct iommu_domain *domain)
{
	return domain->ops == &mock_paging_ops.ops;
}

static void mock_paging_free(struct iommu_domain *domain)
{
	struct mock_paging_domain *mock = to_mock_paging(domain);

	/* iommufd unmaps everything before it frees a domain. */
	WARN_ON_ONCE(!xa_empty(&mock->pfns));
	xa_destroy(&mock->pfns);
	kfree(mock);
}

static int mock_paging_map_pages(struct iommu_domain *domain,
				 unsigned long iova, phys_addr_t paddr,
				 size_t pgsize, size_t pgcount, int prot,
				 gfp_t gfp, size_t *mapped)
{
	struct mock_paging_domain *mock = to_mock_paging(domain);
	unsigned long first = iova / MOCK_IO_PAGE_SIZE;
	unsigned long pfn = paddr / MOCK_IO_PAGE_SIZE;
	unsigned long n = pgsize * pgcount / MOCK_IO_PAGE_SIZE;
	unsigned long i;
	int rc;

	/* The core only passes sizes from pgsize_bitmap. */
	if (WARN_ON_ONCE(iova % MOCK_IO_PAGE_SIZE || paddr % MOCK_IO_PAGE_SIZE ||
			 pgsize % MOCK_IO_PAGE_SIZE))
		return -EINVAL;

	for (i = 0; i != n; i++) {
		rc = xa_insert(&mock->pfns, first + i, xa_mk_value(pfn + i),
			       gfp);
		if (rc) {
			while (i--)
				xa_erase(&mock->pfns, first + i);
			return rc == -EBUSY ? -EEXIST : rc;
		}
		if (!((i + 1) % SZ_1K) && gfpflags_allow_blocking(gfp))
			cond_resched();
	}
	*mapped += n * MOCK_IO_PAGE_SIZE;
	return 0;
}

static size_t mock_paging_unmap_pages(struct iommu_domain *domain,
				      unsigned long iova, size_t pgsize,
				      size_t pgcount,
				      struct iommu_iotlb_gather *gather)
{
	struct mock_paging_domain *mock = to_mock_paging(domain);
	unsigned long first = iova / MOCK_IO_PAGE_SIZE;
	unsigned long n = pgsize * pgcount / MOCK_IO_PAGE_SIZE;
	unsigned long i;

	for (i = 0; i != n; i++)
		xa_erase(&mock->pfns, first + i);
	return n * MOCK_IO_PAGE_SIZE;
}

static phys_addr_t mock_paging_iova_to_phys(struct iommu_domain *domain,
					    dma_addr_t iova)
{
	struct mock_paging_domain *mock = to_mock_paging(domain);
	void *ent;

	ent = xa_load(&mock->pfns, iova / MOCK_IO_PAGE_SIZE);
	if (!ent)
		return 0;
	return (phys_addr_t)xa_to_value(ent) * MOCK_IO_PAGE_SIZE +
	       iova % MOCK_IO_PAGE_SIZE;
}

static const struct viommu_domain_ops mock_paging_ops = {
	.ops = {
		.attach_dev = mock_domain_attach,
		.map_pages = mock_paging_map_pages,
		.unmap_pages = mock_paging_unmap_pages,
		.iova_to_phys = mock_paging_iova_to_phys,
		.free = viommu_domain_free,
	},
	.free = mock_paging_free,
	.owner = THIS_MODULE,
};

/**
 * mock_domain_alloc_nested() - Allocate a mock nested domain
 * @mock_viommu: The vIOMMU it is allocated on, or NULL
 * @user_data: VIOMMU_HWPT_DATA_SELFTEST, struct viommu_hwpt_selftest
 *
 * Return: the domain, its IOTLB entries all set to the given iotlb value;
 * ERR_PTR(-EOPNOTSUPP) for another data type, -EINVAL for bad data.
 */
struct iommu_domain *
mock_domain_alloc_nested(struct mock_viommu *mock_viommu,
			 const struct iommu_user_data *user_data)
{
	struct mock_nested_domain *nested;
	struct viommu_hwpt_selftest cfg;
	int rc, i;

	if (!user_data || user_data->type != VIOMMU_HWPT_DATA_SELFTEST)
		return ERR_PTR(-EOPNOTSUPP);
	rc = iommu_copy_struct_from_user(&cfg, user_data,
					 VIOMMU_HWPT_DATA_SELFTEST, iotlb);
	if (rc)
		return ERR_PTR(rc);

	if (mock_domain_pin())
		return ERR_PTR(-ENODEV);
	nested = kzalloc(sizeof(*nested), GFP_KERNEL_ACCOUNT);
	if (!nested) {
		module_put(THIS_MODULE);
		return ERR_PTR(-ENOMEM);
	}
	nested->domain.type = IOMMU_DOMAIN_NESTED;
	nested->domain.ops = &mock_nested_ops.ops;
	nested->domain.owner = &mock_ops;
	nested->mock_viommu = mock_viommu;
	for (i = 0; i < VIOMMU_MOCK_NESTED_DOMAIN_IOTLB_NUM; i++)
		nested->iotlb[i] = cfg.iotlb;
	return &nested->domain;
}

/**
 * mock_domain_alloc_user() - iommu_ops.domain_alloc_user of the mock IOMMU
 * @dev: The mock device
 * @flags: IOMMU_HWPT_ALLOC_* flags
 * @parent: NULL for a paging domain, else a nest parent to nest on
 * @user_data: NULL for a paging domain, else struct viommu_hwpt_selftest
 *
 * The stock IOMMU_HWPT_ALLOC comes here: paging domains (also the ones
 * iommufd allocates on its own when a device attaches to an IOAS) and,
 * with @parent, nested domains without a vIOMMU.
 *
 * Return: the domain; ERR_PTR(-EOPNOTSUPP) for unsupported flags or data,
 * -EINVAL when @parent is no mock paging domain.
 */
struct iommu_domain *mock_domain_alloc_user(struct device *dev, u32 flags,
					    struct iommu_domain *parent,
					    const struct iommu_user_data *user_data)
{
	if (!parent) {
		if ((flags & ~IOMMU_HWPT_ALLOC_NEST_PARENT) || user_data)
			return ERR_PTR(-EOPNOTSUPP);
		return mock_domain_alloc_paging(dev);
	}

	if (flags)
		return ERR_PTR(-EOPNOTSUPP);
	if (!mock_domain_is_paging(parent))
		return ERR_PTR(-EINVAL);
	return mock_domain_alloc_nested(NULL, user_data);
}

static void mock_nested_free(struct iommu_domain *domain)
{
	kfree(to_mock_nested(domain));
}

/**
 * viommu_mock_iotlb_inv_check() - Check one nested-domain invalidation entry
 * @inv: The entry
 *
 * Return: 0, -EOPNOTSUPP for unknown flags, -EINVAL for a bad iotlb_id.
 */
int viommu_mock_iotlb_inv_check(const struct viommu_hwpt_invalidate_selftest *inv)
{
	if (inv->flags & ~VIOMMU_TEST_INVALIDATE_FLAG_ALL)
		return -EOPNOTSUPP;
	if (inv->iotlb_id > VIOMMU_MOCK_NESTED_DOMAIN_IOTLB_ID_MAX)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_mock_iotlb_inv_check);

/* Stock IOMMU_HWPT_INVALIDATE of a nested HWPT; 6.12 calls it unchecked. */
static int mock_nested_cache_invalidate_user(struct iommu_domain *domain,
					     struct iommu_user_data_array *array)
{
	struct mock_nested_domain *nested = to_mock_nested(domain);
	struct viommu_hwpt_invalidate_selftest inv;
	u32 processed = 0;
	int rc = 0;
	u32 i, j;

	if (array->type != VIOMMU_HWPT_INVALIDATE_DATA_SELFTEST) {
		rc = -EINVAL;
		goto out;
	}

	for (i = 0; i < array->entry_num; i++) {
		rc = iommu_copy_struct_from_user_array(&inv, array,
						       VIOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
						       i, iotlb_id);
		if (rc)
			break;
		rc = viommu_mock_iotlb_inv_check(&inv);
		if (rc)
			break;

		if (inv.flags & VIOMMU_TEST_INVALIDATE_FLAG_ALL) {
			for (j = 0; j < VIOMMU_MOCK_NESTED_DOMAIN_IOTLB_NUM; j++)
				WRITE_ONCE(nested->iotlb[j], 0);
		} else {
			WRITE_ONCE(nested->iotlb[inv.iotlb_id], 0);
		}
		processed++;
		cond_resched();
	}
out:
	array->entry_num = processed;
	return rc;
}

static const struct viommu_domain_ops mock_nested_ops = {
	.ops = {
		.attach_dev = mock_domain_attach,
		.cache_invalidate_user = mock_nested_cache_invalidate_user,
		.free = viommu_domain_free,
	},
	.free = mock_nested_free,
	.owner = THIS_MODULE,
};
