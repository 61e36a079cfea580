// SPDX-License-Identifier: GPL-2.0
/*
 * TEMPORARY, branch cmdqv-shim only: the backend's callbacks (src/cmdqv/)
 * until it lands on main. Weak, so that the real ones win if both are
 * linked. Drop this file (and its Kbuild line) when merging main.
 */
#include <linux/compiler.h>

#include "cmdqv.h"

void __weak viommu_cmdqv_reset_done(struct viommu_smmu *smmu)
{
}

void __weak viommu_cmdqv_irq(struct viommu_smmu *smmu)
{
}
