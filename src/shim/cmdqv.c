// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's CMDQV door (cmdqv.h): what the Tegra241 CMDQV backend may know
 * of 6.12's tegra241-cmdqv driver.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>

#include "cmdqv.h"

int viommu_shim_cmdqv_init(void)
{
	return 0;
}

void viommu_shim_cmdqv_exit(void)
{
}

int viommu_shim_smmu_cmdqv(struct viommu_smmu *smmu,
			   struct viommu_shim_cmdqv *out)
{
	return -ENODEV;
}

int viommu_shim_cmdqv_hooks_get(void)
{
	return -EOPNOTSUPP;
}

void viommu_shim_cmdqv_hooks_put(void)
{
}
