// SPDX-License-Identifier: GPL-2.0
/*
 * TEMP: the SMMU door of the shim until src/shim/smmuv3*.c lands. Every
 * function fails safely, so the backend builds and stays off. Exported
 * for KUnit as the real ones are.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/printk.h>

#include "../shim/smmuv3.h"

/**
 * viommu_shim_smmu_init() - Say the door is not built
 *
 * Return: -EOPNOTSUPP.
 */
int viommu_shim_smmu_init(void)
{
	pr_info("SMMUv3 backend off: the shim's SMMU door is not built\n");
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_init);

/**
 * viommu_shim_smmu_exit() - Nothing to undo
 */
void viommu_shim_smmu_exit(void)
{
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_exit);

/**
 * viommu_shim_smmu_iommu_ops() - None
 *
 * Return: NULL.
 */
const struct iommu_ops *viommu_shim_smmu_iommu_ops(void)
{
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_iommu_ops);

/**
 * viommu_shim_smmu_for_each() - No instance
 * @fn: Unused
 * @arg: Unused
 *
 * Return: 0.
 */
int viommu_shim_smmu_for_each(int (*fn)(struct viommu_smmu *smmu, void *arg),
			      void *arg)
{
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_for_each);

/**
 * viommu_shim_smmu_iommu() - None
 * @smmu: Unused
 *
 * Return: NULL.
 */
struct iommu_device *viommu_shim_smmu_iommu(struct viommu_smmu *smmu)
{
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_iommu);

/**
 * viommu_shim_smmu_base() - None
 * @smmu: Unused
 *
 * Return: NULL.
 */
void __iomem *viommu_shim_smmu_base(struct viommu_smmu *smmu)
{
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_base);

/**
 * viommu_shim_smmu_dev() - None
 * @smmu: Unused
 *
 * Return: NULL.
 */
struct device *viommu_shim_smmu_dev(struct viommu_smmu *smmu)
{
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_dev);

/**
 * viommu_shim_smmu_of_dev() - None
 * @dev: Unused
 *
 * Return: NULL.
 */
struct viommu_smmu *viommu_shim_smmu_of_dev(struct device *dev)
{
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_of_dev);

/**
 * viommu_shim_smmu_master_sid() - None
 * @dev: Unused
 * @sid0: Unused
 * @num_streams: Unused
 *
 * Return: -ENODEV.
 */
int viommu_shim_smmu_master_sid(struct device *dev, u32 *sid0,
				unsigned int *num_streams)
{
	return -ENODEV;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_master_sid);

/**
 * viommu_shim_smmu_alloc_s2() - None
 * @dev: Unused
 *
 * Return: ERR_PTR(-EOPNOTSUPP).
 */
struct iommu_domain *viommu_shim_smmu_alloc_s2(struct device *dev)
{
	return ERR_PTR(-EOPNOTSUPP);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_alloc_s2);

/**
 * viommu_shim_smmu_domain_s2() - None
 * @domain: Unused
 * @smmu: Unused
 * @vmid: Unused
 *
 * Return: false.
 */
bool viommu_shim_smmu_domain_s2(struct iommu_domain *domain,
				struct viommu_smmu **smmu, u16 *vmid)
{
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_domain_s2);

/**
 * viommu_shim_smmu_attach() - None
 * @dev: Unused
 * @s2_parent: Unused
 * @kind: Unused
 * @vste: Unused
 * @ats: Unused
 *
 * Return: -EOPNOTSUPP.
 */
int viommu_shim_smmu_attach(struct device *dev, struct iommu_domain *s2_parent,
			    enum viommu_smmu_ste kind, const __le64 *vste,
			    bool ats)
{
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_attach);

/**
 * viommu_shim_smmu_issue_cmds() - None
 * @smmu: Unused
 * @cmds: Unused
 * @n: Unused
 *
 * Return: -EOPNOTSUPP.
 */
int viommu_shim_smmu_issue_cmds(struct viommu_smmu *smmu, u64 *cmds, int n)
{
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_issue_cmds);
