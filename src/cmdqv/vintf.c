// SPDX-License-Identifier: GPL-2.0
/*
 * vIOMMUs of type TEGRA241_CMDQV: an SMMUv3 vIOMMU with a guest-owned
 * VINTF (upstream tegra241_cmdqv_init_vintf_user() and its destroy), and
 * IOMMU_GET_HW_INFO of type TEGRA241_CMDQV.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/slab.h>

#include "cmdqv.h"

/**
 * vcmdqv_get_viommu_size() - The vIOMMU struct size for a CMDQV type
 * @smmu: The SMMU of the device
 * @viommu_type: The type asked for
 *
 * Return: the size, or 0 when @smmu has no CMDQV we can use.
 */
size_t vcmdqv_get_viommu_size(struct viommu_smmu *smmu, u32 viommu_type)
{
	if (viommu_type != VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV ||
	    !vcmdqv_of_smmu(smmu))
		return 0;
	return VIOMMU_STRUCT_SIZE(struct vcmdqv_vintf, vsmmu.core);
}

/**
 * vcmdqv_hw_info() - IOMMU_GET_HW_INFO of type TEGRA241_CMDQV
 * @smmu: The SMMU of the device
 * @length: Out: length of the returned struct
 * @type: In: the type asked for (only TEGRA241_CMDQV, never the default)
 *
 * Return: a kmalloc'ed struct viommu_hw_info_tegra241_cmdqv or an ERR_PTR.
 */
void *vcmdqv_hw_info(struct viommu_smmu *smmu, u32 *length, u32 *type)
{
	struct viommu_hw_info_tegra241_cmdqv *info;
	struct vcmdqv *cmdqv = vcmdqv_of_smmu(smmu);

	if (*type != VIOMMU_HW_INFO_TYPE_TEGRA241_CMDQV || !cmdqv)
		return ERR_PTR(-EOPNOTSUPP);
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->version = cmdqv->version;
	info->log2vcmdqs = ilog2(cmdqv->num_lvcmdqs_per_vintf);
	info->log2vsids = ilog2(cmdqv->num_sids_per_vintf);
	*length = sizeof(*info);
	return info;
}

/* Take a VINTF index and make it findable by reset and error reports. */
static int vcmdqv_vintf_publish(struct vcmdqv *cmdqv,
				struct vcmdqv_vintf *vintf)
{
	int idx;

	/* Index 0 is the host's VINTF0: never ours. */
	idx = ida_alloc_range(cmdqv->vintf_ids, 1, cmdqv->num_vintfs - 1,
			      GFP_KERNEL);
	if (idx < 0)
		return idx;
	vintf->idx = idx;
	vintf->cmdqv = cmdqv;
	mutex_lock(&cmdqv->lock);
	cmdqv->vintfs[idx] = vintf;
	cmdqv->nr_vintfs++;
	mutex_unlock(&cmdqv->lock);
	return 0;
}

static void vcmdqv_vintf_unpublish(struct vcmdqv_vintf *vintf)
{
	struct vcmdqv *cmdqv = vintf->cmdqv;

	mutex_lock(&cmdqv->lock);
	cmdqv->vintfs[vintf->idx] = NULL;
	cmdqv->nr_vintfs--;
	mutex_unlock(&cmdqv->lock);
	ida_free(cmdqv->vintf_ids, vintf->idx);
}

static void vcmdqv_vintf_destroy(struct viommu *viommu)
{
	struct vcmdqv_vintf *vintf = to_vintf(viommu);

	if (vintf->mmap_offset)
		viommu_destroy_mmap(viommu, vintf->mmap_offset);
	/* Taken out first: a reset re-apply must not enable it again. */
	vcmdqv_vintf_unpublish(vintf);
	mutex_lock(&vintf->lock);
	vcmdqv_vintf_hw_deinit(vintf);
	mutex_unlock(&vintf->lock);
	mutex_destroy(&vintf->sid_lock);
	mutex_destroy(&vintf->lock);
	kfree(vintf->lvcmdqs);
	kfree(vintf->vsids);
}

static const struct viommu_ops vcmdqv_viommu_ops = {
	.flags = VIOMMU_OPS_FLAG_HW_QUEUE_READS_PA,
	.destroy = vcmdqv_vintf_destroy,
	.alloc_domain_nested = viommu_smmuv3_alloc_domain_nested,
	/* What the guest does not issue on its own queues comes this way. */
	.cache_invalidate = vsmmu_cache_invalidate,
	.vdevice_size = VIOMMU_VDEVICE_STRUCT_SIZE(struct vcmdqv_vsid,
						   vsdev.core),
	.vdevice_init = vcmdqv_vsid_init,
	.get_hw_queue_size = vcmdqv_get_hw_queue_size,
	.hw_queue_init_phys = vcmdqv_lvcmdq_init,
};

/**
 * vcmdqv_vintf_init() - The CMDQV part of a TEGRA241_CMDQV vIOMMU
 * @vintf: The vIOMMU, its SMMUv3 part (vsmmu) set up
 * @user_data: struct viommu_viommu_tegra241_cmdqv, required
 *
 * A VINTF with no queue mapped (the guest asks for each) and page 0 of
 * its logical queues offered for mmap. On failure nothing is left: ops
 * stay unset.
 *
 * Return: 0, -EINVAL without @user_data, -EOPNOTSUPP when the SMMU has no
 * CMDQV, -ENOSPC when every VINTF is taken (as upstream), -ETIMEDOUT,
 * -EFAULT, -ENOMEM.
 */
int vcmdqv_vintf_init(struct vcmdqv_vintf *vintf,
		      const struct iommu_user_data *user_data)
{
	struct viommu *viommu = &vintf->vsmmu.core;
	struct viommu_viommu_tegra241_cmdqv data;
	struct vcmdqv *cmdqv;
	int rc;

	cmdqv = vcmdqv_of_smmu(vintf->vsmmu.smmu);
	if (!cmdqv)
		return -EOPNOTSUPP;
	if (!user_data)
		return -EINVAL;
	rc = iommu_copy_struct_from_user(&data, user_data,
					 VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV,
					 out_vintf_mmap_length);
	if (rc)
		return rc;

	mutex_init(&vintf->lock);
	mutex_init(&vintf->sid_lock);
	vintf->lvcmdqs = kcalloc(cmdqv->num_lvcmdqs_per_vintf,
				 sizeof(*vintf->lvcmdqs), GFP_KERNEL);
	vintf->vsids = kcalloc(cmdqv->num_sids_per_vintf,
			       sizeof(*vintf->vsids), GFP_KERNEL);
	if (!vintf->lvcmdqs || !vintf->vsids) {
		rc = -ENOMEM;
		goto err_free;
	}
	rc = vcmdqv_vintf_publish(cmdqv, vintf);
	if (rc)
		goto err_free;

	mutex_lock(&vintf->lock);
	rc = vcmdqv_vintf_hw_init(vintf);
	mutex_unlock(&vintf->lock);
	if (rc)
		goto err_hw;

	rc = viommu_alloc_mmap(viommu,
			       cmdqv->base_phys + VCMDQV_VINTF_PAGE0(vintf->idx),
			       SZ_64K, &vintf->mmap_offset);
	if (rc)
		goto err_hw;
	data.out_vintf_mmap_offset = vintf->mmap_offset;
	data.out_vintf_mmap_length = SZ_64K;
	rc = viommu_copy_struct_to_user(user_data, &data,
					VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV,
					out_vintf_mmap_length);
	if (rc)
		goto err_mmap;

	viommu->ops = &vcmdqv_viommu_ops;
	return 0;

err_mmap:
	viommu_destroy_mmap(viommu, vintf->mmap_offset);
	vintf->mmap_offset = 0;
err_hw:
	/* Unpublished first: a reset re-apply would enable it again. */
	vcmdqv_vintf_unpublish(vintf);
	mutex_lock(&vintf->lock);
	vcmdqv_vintf_hw_deinit(vintf);
	mutex_unlock(&vintf->lock);
err_free:
	kfree(vintf->lvcmdqs);
	kfree(vintf->vsids);
	vintf->lvcmdqs = NULL;
	vintf->vsids = NULL;
	mutex_destroy(&vintf->sid_lock);
	mutex_destroy(&vintf->lock);
	return rc;
}
