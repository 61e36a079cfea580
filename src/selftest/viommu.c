// SPDX-License-Identifier: GPL-2.0
/*
 * The mock vIOMMU driver: upstream's mock_viommu_* on viommu.ko's driver
 * API. vDEVICEs are plain core ones.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "mock.h"

/**
 * mock_hw_info() - The mock IOMMU's hardware information
 * @dev: The mock device
 * @length: Out: the size of the returned struct
 * @type: In: the type asked for (VIOMMU_HW_INFO_TYPE_DEFAULT or
 *        VIOMMU_HW_INFO_TYPE_SELFTEST); out: VIOMMU_HW_INFO_TYPE_SELFTEST
 *
 * Return: a kmalloc'ed struct viommu_test_hw_info the caller frees, or
 * ERR_PTR(-EOPNOTSUPP) for another type, ERR_PTR(-ENOMEM).
 */
void *mock_hw_info(struct device *dev, u32 *length, u32 *type)
{
	struct viommu_test_hw_info *info;

	if (*type != VIOMMU_HW_INFO_TYPE_DEFAULT &&
	    *type != VIOMMU_HW_INFO_TYPE_SELFTEST)
		return ERR_PTR(-EOPNOTSUPP);

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->test_reg = VIOMMU_HW_INFO_SELFTEST_REGVAL;
	*length = sizeof(*info);
	*type = VIOMMU_HW_INFO_TYPE_SELFTEST;
	return info;
}

static size_t mock_get_viommu_size(struct device *dev, u32 viommu_type)
{
	if (viommu_type != VIOMMU_VIOMMU_TYPE_SELFTEST)
		return 0;
	return VIOMMU_STRUCT_SIZE(struct mock_viommu, core);
}

static void mock_viommu_destroy(struct viommu *viommu)
{
	struct mock_viommu *mock_viommu = to_mock_viommu(viommu);

	if (mock_viommu->page) {
		viommu_destroy_mmap(viommu, mock_viommu->mmap_offset);
		free_pages((unsigned long)mock_viommu->page, 1);
	}
	mutex_destroy(&mock_viommu->queue_mutex);
	/* The core frees the struct. */
}

static struct iommu_domain *
mock_viommu_alloc_domain_nested(struct viommu *viommu, u32 flags,
				const struct iommu_user_data *user_data)
{
	if (flags & ~VIOMMU_HWPT_ALLOC_PASID)
		return ERR_PTR(-EOPNOTSUPP);
	return mock_domain_alloc_nested(to_mock_viommu(viommu), user_data);
}

/**
 * viommu_mock_cache_inv_check() - Check one vIOMMU invalidation entry
 * @inv: The entry
 *
 * Return: 0, -EOPNOTSUPP for unknown flags, -EINVAL for a bad cache_id.
 */
int viommu_mock_cache_inv_check(const struct viommu_viommu_invalidate_selftest *inv)
{
	if (inv->flags & ~VIOMMU_TEST_INVALIDATE_FLAG_ALL)
		return -EOPNOTSUPP;
	if (inv->cache_id > VIOMMU_MOCK_DEV_CACHE_ID_MAX)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_mock_cache_inv_check);

/**
 * viommu_mock_dev_cache_inv() - Apply a checked invalidation entry
 * @mdev: The device the entry's vdev_id names
 * @inv: The entry, accepted by viommu_mock_cache_inv_check()
 *
 * Zeroes the entry's cache_id, or every entry with FLAG_ALL.
 */
void viommu_mock_dev_cache_inv(struct mock_dev *mdev,
			       const struct viommu_viommu_invalidate_selftest *inv)
{
	int i;

	if (inv->flags & VIOMMU_TEST_INVALIDATE_FLAG_ALL) {
		for (i = 0; i < VIOMMU_MOCK_DEV_CACHE_NUM; i++)
			WRITE_ONCE(mdev->cache[i], 0);
	} else {
		WRITE_ONCE(mdev->cache[inv->cache_id], 0);
	}
}
EXPORT_SYMBOL_IF_KUNIT(viommu_mock_dev_cache_inv);

static int mock_viommu_cache_invalidate(struct viommu *viommu,
					struct iommu_user_data_array *array)
{
	struct viommu_viommu_invalidate_selftest *cmds;
	u32 i = 0;
	int rc;

	static_assert(sizeof(*cmds) == 3 * sizeof(u32));

	/* An empty array only checks the type. */
	if (array->entry_num == 0 &&
	    array->type == VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST)
		return 0;

	/* Up to 2^19 entries: too many for kmalloc alone. */
	cmds = kvcalloc(array->entry_num, sizeof(*cmds), GFP_KERNEL_ACCOUNT);
	if (!cmds) {
		rc = -ENOMEM;
		goto out;
	}
	rc = viommu_copy_struct_from_full_user_array(cmds, sizeof(*cmds), array,
						     VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST);
	if (rc)
		goto out;

	for (; i < array->entry_num; i++) {
		struct device *dev;

		rc = viommu_mock_cache_inv_check(&cmds[i]);
		if (rc)
			break;

		xa_lock(&viommu->vdevs);
		dev = viommu_find_dev(viommu, cmds[i].vdev_id);
		if (!dev) {
			xa_unlock(&viommu->vdevs);
			rc = -EINVAL;
			break;
		}
		viommu_mock_dev_cache_inv(to_mock_dev(dev), &cmds[i]);
		xa_unlock(&viommu->vdevs);
		cond_resched();
	}
out:
	array->entry_num = i;
	kvfree(cmds);
	return rc;
}

static size_t mock_viommu_get_hw_queue_size(struct viommu *viommu,
					    u32 queue_type)
{
	if (queue_type != VIOMMU_HW_QUEUE_TYPE_SELFTEST)
		return 0;
	return VIOMMU_HW_QUEUE_STRUCT_SIZE(struct mock_hw_queue, core);
}

/**
 * viommu_mock_hw_queue_slot_check() - Whether a queue may take a slot
 * @slots: The vIOMMU's queues by index, VIOMMU_TEST_HW_QUEUE_MAX of them
 * @index: The index asked for
 *
 * Queues are allocated in index order, as on Tegra241 CMDQV.
 *
 * Return: 0; -EINVAL for an index out of range, -EEXIST for a taken one,
 * -EIO when the one before it is missing.
 */
int viommu_mock_hw_queue_slot_check(struct mock_hw_queue *const *slots,
				    u32 index)
{
	if (index >= VIOMMU_TEST_HW_QUEUE_MAX)
		return -EINVAL;
	if (slots[index])
		return -EEXIST;
	if (index && !slots[index - 1])
		return -EIO;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_mock_hw_queue_slot_check);

static void mock_hw_queue_destroy(struct viommu_hw_queue *hw_queue)
{
	struct mock_hw_queue *mock_hw_queue =
		container_of(hw_queue, struct mock_hw_queue, core);
	struct mock_viommu *mock_viommu = mock_hw_queue->mock_viommu;

	mutex_lock(&mock_viommu->queue_mutex);
	mock_viommu->hw_queue[mock_hw_queue->index] = NULL;
	if (mock_hw_queue->prev)
		viommu_hw_queue_undepend(hw_queue, &mock_hw_queue->prev->core);
	mutex_unlock(&mock_viommu->queue_mutex);
}

static int mock_hw_queue_init_phys(struct viommu_hw_queue *hw_queue, u32 index,
				   phys_addr_t base_addr_pa)
{
	struct mock_viommu *mock_viommu = to_mock_viommu(hw_queue->viommu);
	struct mock_hw_queue *mock_hw_queue =
		container_of(hw_queue, struct mock_hw_queue, core);
	struct mock_hw_queue *prev = NULL;
	int rc;

	mutex_lock(&mock_viommu->queue_mutex);
	rc = viommu_mock_hw_queue_slot_check(mock_viommu->hw_queue, index);
	if (rc)
		goto unlock;
	if (index)
		prev = mock_viommu->hw_queue[index - 1];

	/* Catches a core that converted the guest address wrongly. */
	if (base_addr_pa != iommu_iova_to_phys(mock_viommu->s2_parent,
					       hw_queue->base_addr)) {
		rc = -EFAULT;
		goto unlock;
	}

	if (prev) {
		rc = viommu_hw_queue_depend(hw_queue, &prev->core);
		if (rc)
			goto unlock;
	}

	mock_hw_queue->prev = prev;
	mock_hw_queue->mock_viommu = mock_viommu;
	mock_hw_queue->index = index;
	mock_viommu->hw_queue[index] = mock_hw_queue;
	hw_queue->destroy = mock_hw_queue_destroy;
unlock:
	mutex_unlock(&mock_viommu->queue_mutex);
	return rc;
}

static const struct viommu_ops mock_viommu_ops = {
	.flags = VIOMMU_OPS_FLAG_HW_QUEUE_READS_PA,
	.destroy = mock_viommu_destroy,
	.alloc_domain_nested = mock_viommu_alloc_domain_nested,
	.cache_invalidate = mock_viommu_cache_invalidate,
	.get_hw_queue_size = mock_viommu_get_hw_queue_size,
	.hw_queue_init_phys = mock_hw_queue_init_phys,
};

/* Two pages userspace can mmap; the first u32 and out_data echo in_data. */
static int mock_viommu_init_mmap(struct mock_viommu *mock_viommu,
				 const struct iommu_user_data *user_data)
{
	struct viommu_viommu_selftest data;
	int rc;

	rc = iommu_copy_struct_from_user(&data, user_data,
					 VIOMMU_VIOMMU_TYPE_SELFTEST, out_data);
	if (rc)
		return rc;

	mock_viommu->page = (u32 *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 1);
	if (!mock_viommu->page)
		return -ENOMEM;
	rc = viommu_alloc_mmap(&mock_viommu->core, __pa(mock_viommu->page),
			       PAGE_SIZE * 2, &mock_viommu->mmap_offset);
	if (rc)
		goto err_free;

	*mock_viommu->page = data.in_data;
	data.out_data = data.in_data;
	data.out_mmap_length = PAGE_SIZE * 2;
	data.out_mmap_offset = mock_viommu->mmap_offset;
	rc = viommu_copy_struct_to_user(user_data, &data,
					VIOMMU_VIOMMU_TYPE_SELFTEST, out_data);
	if (rc)
		goto err_mmap;
	return 0;

err_mmap:
	viommu_destroy_mmap(&mock_viommu->core, mock_viommu->mmap_offset);
err_free:
	free_pages((unsigned long)mock_viommu->page, 1);
	mock_viommu->page = NULL;
	return rc;
}

static int mock_viommu_init(struct viommu *viommu,
			    struct iommu_domain *parent_domain,
			    const struct iommu_user_data *user_data)
{
	struct mock_viommu *mock_viommu = to_mock_viommu(viommu);
	int rc;

	/* As SMMUv3 wants its own S2: the stage 2 must be a mock one. */
	if (!mock_domain_is_paging(parent_domain))
		return -EINVAL;

	if (user_data) {
		rc = mock_viommu_init_mmap(mock_viommu, user_data);
		if (rc)
			return rc;
	}

	mutex_init(&mock_viommu->queue_mutex);
	mock_viommu->s2_parent = parent_domain;
	viommu->ops = &mock_viommu_ops;
	return 0;
}

struct viommu_driver viommu_mock_driver = {
	.owner = THIS_MODULE,
	.name = "selftest",
	.iommu_ops = &mock_ops,
	.hw_info = mock_hw_info,
	.get_viommu_size = mock_get_viommu_size,
	.viommu_init = mock_viommu_init,
	.test_cmd = mock_test_cmd,
};
EXPORT_SYMBOL_IF_KUNIT(viommu_mock_driver);
