// SPDX-License-Identifier: GPL-2.0
/*
 * TEMP until src/smmuv3 lands: the backend's callbacks, so the SMMU shim
 * builds and its tests run alone. A nest parent is a plain shim S2.
 */
#include <linux/iommu.h>
#include <uapi/linux/iommufd.h>

#include "smmuv3.h"

struct iommu_domain *viommu_smmu_alloc_nest_parent(struct device *dev,
						   u32 flags)
{
	if (flags != IOMMU_HWPT_ALLOC_NEST_PARENT)
		return ERR_PTR(-EOPNOTSUPP);
	return viommu_shim_smmu_alloc_s2(dev);
}

struct iommu_domain *viommu_smmu_nested_parent(struct iommu_domain *domain)
{
	return NULL;
}

void viommu_smmu_nested_left(struct device *dev, struct iommu_domain *domain)
{
}

bool viommu_smmu_event(struct viommu_smmu *smmu, const u64 *evt)
{
	return false;
}

bool viommu_smmu_owns_parent(struct iommu_domain *domain)
{
	return false;
}
