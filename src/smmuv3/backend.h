/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SMMUv3 backend as the rest of viommu.ko sees it. Kbuild builds it
 * only with the shim (arm64) and then defines VIOMMU_SMMUV3.
 */
#ifndef _VIOMMU_SMMUV3_BACKEND_H
#define _VIOMMU_SMMUV3_BACKEND_H

#ifdef VIOMMU_SMMUV3
void viommu_smmuv3_init(void);
void viommu_smmuv3_exit(void);
#else
static inline void viommu_smmuv3_init(void)
{
}

static inline void viommu_smmuv3_exit(void)
{
}
#endif

#endif /* _VIOMMU_SMMUV3_BACKEND_H */
