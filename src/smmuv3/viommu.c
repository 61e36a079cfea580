// SPDX-License-Identifier: GPL-2.0
/*
 * SMMUv3 vIOMMUs and vDEVICEs: upstream's arm_smmu_hw_info(),
 * arm_smmu_get_viommu_size(), arm_vsmmu_init() and arm_vsmmu_vdevice_init().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "vsmmu.h"
#include "../cmdqv/cmdqv.h"

/*
 * Upstream offers a vIOMMU only where the guest cannot make DMA
 * non-coherent behind the host's back (VFIO does no cache maintenance):
 * the root complex is CANWBS (IORT), or the SMMU forces write-back (S2FWB)
 * and the nest parent is built to use it. 6.12 parses no CANWBS and
 * programs no S2FWB (neither the STE bit nor the io-pgtable quirk), so an
 * SMMU with FWB is no safer here than one without: only an admin (or a
 * test bed) accepting the risk opens the gate.
 */
static bool vsmmu_allow_noncoherent;
module_param_named(smmuv3_allow_noncoherent, vsmmu_allow_noncoherent, bool,
		   0644);
MODULE_PARM_DESC(smmuv3_allow_noncoherent,
		 "Offer SMMUv3 vIOMMUs although 6.12 cannot keep guest DMA coherent (no S2FWB, no CANWBS): only for I/O-coherent devices and cacheable guest DMA (default: N)");

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * viommu_smmuv3_test_allow_noncoherent() - For KUnit: set the gate
 * @allow: The new value of smmuv3_allow_noncoherent
 *
 * Return: the old value.
 */
bool viommu_smmuv3_test_allow_noncoherent(bool allow)
{
	return xchg(&vsmmu_allow_noncoherent, allow);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmuv3_test_allow_noncoherent);
#endif

static bool vsmmu_coherent_enough(void)
{
	if (!READ_ONCE(vsmmu_allow_noncoherent))
		return false;
	pr_warn_once("SMMUv3 vIOMMU allowed by smmuv3_allow_noncoherent: 6.12 enforces no coherency, guest DMA may be non-coherent\n");
	return true;
}

/* A CMDQV vIOMMU is an SMMUv3 vIOMMU with a VINTF: the same gate. */
static size_t vsmmu_get_viommu_size(struct device *dev, u32 viommu_type)
{
	struct viommu_smmu *smmu = viommu_shim_smmu_of_dev(dev);
	void __iomem *base;
	size_t size;

	if (!smmu)
		return 0;
	if (viommu_type == VIOMMU_VIOMMU_TYPE_ARM_SMMUV3)
		size = VIOMMU_STRUCT_SIZE(struct vsmmu, core);
	else
		size = vcmdqv_get_viommu_size(smmu, viommu_type);
	if (!size)
		return 0;
	base = viommu_shim_smmu_base(smmu);
	if (!viommu_smmuv3_nesting_ok(readl_relaxed(base + VSMMU_IDR0),
				      readl_relaxed(base + VSMMU_IIDR)))
		return 0;
	if (!vsmmu_coherent_enough())
		return 0;
	return size;
}

/*
 * A vSID stands for the first stream of its device alone (as upstream), so
 * a device with more streams would keep the others stale.
 */
int vsmmu_vdevice_init(struct viommu_vdevice *vdev)
{
	struct vsmmu_vdevice *vsdev = container_of(vdev, struct vsmmu_vdevice,
						   core);
	unsigned int num_streams;
	u32 sid;
	int rc;

	rc = viommu_shim_smmu_master_sid(viommu_vdevice_to_device(vdev), &sid,
					 &num_streams);
	if (rc)
		return rc;
	if (num_streams != 1)
		return -EOPNOTSUPP;
	vsdev->sid = sid;
	return 0;
}

/* As upstream arm_smmu_hw_info(): the ID registers, read live. */
static void *vsmmu_hw_info(struct device *dev, u32 *length, u32 *type)
{
	struct viommu_smmu *smmu = viommu_shim_smmu_of_dev(dev);
	struct viommu_hw_info_arm_smmuv3 *info;
	void __iomem *base;
	unsigned int i;

	if (*type == VIOMMU_HW_INFO_TYPE_TEGRA241_CMDQV)
		return vcmdqv_hw_info(smmu, length, type);
	if (*type != VIOMMU_HW_INFO_TYPE_DEFAULT &&
	    *type != VIOMMU_HW_INFO_TYPE_ARM_SMMUV3)
		return ERR_PTR(-EOPNOTSUPP);
	if (!smmu)
		return ERR_PTR(-ENODEV);

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	base = viommu_shim_smmu_base(smmu);
	for (i = 0; i < ARRAY_SIZE(info->idr); i++)
		info->idr[i] = readl_relaxed(base + VSMMU_IDR0 + 4 * i);
	info->iidr = readl_relaxed(base + VSMMU_IIDR);
	info->aidr = readl_relaxed(base + VSMMU_AIDR);
	*length = sizeof(*info);
	*type = VIOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	return info;
}

static const struct viommu_ops vsmmu_ops = {
	.alloc_domain_nested = viommu_smmuv3_alloc_domain_nested,
	.cache_invalidate = vsmmu_cache_invalidate,
	.vdevice_size = VIOMMU_VDEVICE_STRUCT_SIZE(struct vsmmu_vdevice, core),
	.vdevice_init = vsmmu_vdevice_init,
};

static int vsmmu_viommu_init(struct viommu *viommu,
			     struct iommu_domain *parent_domain,
			     const struct iommu_user_data *user_data)
{
	struct vsmmu *vsmmu = to_vsmmu(viommu);
	struct viommu_smmu *smmu;
	u16 vmid;

	if (viommu->type != VIOMMU_VIOMMU_TYPE_ARM_SMMUV3 &&
	    viommu->type != VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV)
		return -EOPNOTSUPP;
	/*
	 * Only a parent of ours: its unmaps also flush the guest's stage-1
	 * entries of the VMID.
	 */
	if (!viommu_smmu_owns_parent(parent_domain) ||
	    !viommu_shim_smmu_domain_s2(parent_domain, &smmu, &vmid))
		return -EINVAL;
	if (viommu_shim_smmu_iommu(smmu) != viommu->iommu_dev)
		return -EINVAL;
	vsmmu->inst = vsmmu_instance(smmu);
	if (WARN_ON_ONCE(!vsmmu->inst))
		return -EINVAL;

	vsmmu->smmu = smmu;
	vsmmu->s2_parent = parent_domain;
	vsmmu->vmid = vmid;
	if (viommu->type == VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV)
		return vcmdqv_vintf_init(to_vintf(viommu), user_data);
	viommu->ops = &vsmmu_ops;
	return 0;
}

struct viommu_driver viommu_smmuv3_driver = {
	.owner = THIS_MODULE,
	.name = "arm-smmu-v3",
	/* Set by init: the live ops the shim found. */
	.iommu_ops = NULL,
	.hw_info = vsmmu_hw_info,
	.get_viommu_size = vsmmu_get_viommu_size,
	.viommu_init = vsmmu_viommu_init,
};
EXPORT_SYMBOL_IF_KUNIT(viommu_smmuv3_driver);
