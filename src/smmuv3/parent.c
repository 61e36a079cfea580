// SPDX-License-Identifier: GPL-2.0
/*
 * Nest parents: the stage-2 domains a vIOMMU nests on, made when the stock
 * IOMMU_HWPT_ALLOC asks the driver for IOMMU_HWPT_ALLOC_NEST_PARENT (6.12's
 * driver refuses it; the shim's hook brings the request here).
 *
 * A parent is the driver's own finalised S2 domain with a copy of the
 * driver's domain ops: upstream flushes a nest parent's VMID for stage 1
 * too when the host unmaps (INV_TYPE_S2_VMID_S1_CLEAR), since the guest's
 * stage-1 and combined entries were walked through the old stage 2.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <uapi/linux/iommufd.h>

#include "vsmmu.h"

static DEFINE_MUTEX(vsmmu_parent_ops_lock);
/* The driver's S2 domain ops, and our copy of them. */
static const struct iommu_domain_ops *vsmmu_stock_ops;
static struct iommu_domain_ops vsmmu_parent_ops;

/* Never sleeps: iotlb_sync may come from any context the driver allows. */
static void vsmmu_parent_s1_clear(struct iommu_domain *domain)
{
	struct viommu_smmu *smmu;
	u64 cmd[2];
	u16 vmid;
	int rc;

	if (WARN_ON_ONCE(!viommu_shim_smmu_domain_s2(domain, &smmu, &vmid)))
		return;
	cmd[0] = FIELD_PREP(VSMMU_CMD_0_OP, VSMMU_CMD_OP_TLBI_NH_ALL) |
		 FIELD_PREP(VSMMU_CMD_TLBI_0_VMID, vmid);
	cmd[1] = 0;
	rc = viommu_shim_smmu_issue_cmds(smmu, cmd, 1);
	if (rc)
		pr_warn_ratelimited("SMMUv3: stage-1 flush of VMID %u failed: %d\n",
				    vmid, rc);
}

/*
 * Unconditional, unlike the driver's (which returns on an empty gather): an
 * unmap that only freed a table flushes the walk caches, not the gather.
 */
static void vsmmu_parent_iotlb_sync(struct iommu_domain *domain,
				    struct iommu_iotlb_gather *gather)
{
	if (vsmmu_stock_ops->iotlb_sync)
		vsmmu_stock_ops->iotlb_sync(domain, gather);
	vsmmu_parent_s1_clear(domain);
}

static void vsmmu_parent_flush_iotlb_all(struct iommu_domain *domain)
{
	if (vsmmu_stock_ops->flush_iotlb_all)
		vsmmu_stock_ops->flush_iotlb_all(domain);
	vsmmu_parent_s1_clear(domain);
}

static void vsmmu_parent_free(struct iommu_domain *domain)
{
	vsmmu_stock_ops->free(domain);
	vsmmu_unpin_deferred();
}

/* The first parent decides what the driver's ops are; all must agree. */
static int vsmmu_parent_take_ops(struct iommu_domain *domain)
{
	int rc = 0;

	mutex_lock(&vsmmu_parent_ops_lock);
	if (!vsmmu_stock_ops) {
		vsmmu_parent_ops = *domain->ops;
		vsmmu_parent_ops.iotlb_sync = vsmmu_parent_iotlb_sync;
		vsmmu_parent_ops.flush_iotlb_all = vsmmu_parent_flush_iotlb_all;
		vsmmu_parent_ops.free = vsmmu_parent_free;
		vsmmu_stock_ops = domain->ops;
	} else if (domain->ops != vsmmu_stock_ops) {
		rc = -EOPNOTSUPP;
	}
	mutex_unlock(&vsmmu_parent_ops_lock);
	if (rc)
		pr_warn_once("SMMUv3: stage-2 domains with other ops than the first one: no nest parent\n");
	return rc;
}

/**
 * viommu_smmu_alloc_nest_parent() - A nest-parent S2 domain for the stock iommufd
 * @dev: The device the HWPT is allocated for, a master of the SMMU
 * @flags: IOMMU_HWPT_ALLOC_* flags, with IOMMU_HWPT_ALLOC_NEST_PARENT
 *
 * Called by the shim's domain_alloc_user hook. As upstream, NEST_PARENT
 * must come alone and the SMMU must be able to nest.
 *
 * Return: the domain, or ERR_PTR(-EOPNOTSUPP) for other flags, an SMMU
 * that cannot nest or a module on its way out; the driver's errors.
 */
struct iommu_domain *viommu_smmu_alloc_nest_parent(struct device *dev,
						   u32 flags)
{
	struct viommu_smmu *smmu = viommu_shim_smmu_of_dev(dev);
	struct iommu_domain *domain;
	void __iomem *base;
	int rc;

	if (flags != IOMMU_HWPT_ALLOC_NEST_PARENT || !smmu)
		return ERR_PTR(-EOPNOTSUPP);
	base = viommu_shim_smmu_base(smmu);
	if (!viommu_smmuv3_nesting_ok(readl_relaxed(base + VSMMU_IDR0),
				      readl_relaxed(base + VSMMU_IIDR)))
		return ERR_PTR(-EOPNOTSUPP);
	/* The stock driver's answer while we unload. */
	if (vsmmu_pin())
		return ERR_PTR(-EOPNOTSUPP);

	domain = viommu_shim_smmu_alloc_s2(dev);
	if (IS_ERR(domain)) {
		rc = PTR_ERR(domain);
		goto err_unpin;
	}
	rc = vsmmu_parent_take_ops(domain);
	if (rc) {
		domain->ops->free(domain);
		goto err_unpin;
	}
	domain->ops = &vsmmu_parent_ops;
	return domain;

err_unpin:
	/* The shim's hook keeps unload waiting until we have returned. */
	module_put(THIS_MODULE);
	return ERR_PTR(rc);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmu_alloc_nest_parent);

/**
 * viommu_smmu_owns_parent() - Whether a domain is a nest parent made here
 * @domain: Any domain
 *
 * Return: true if its ops are our copy of the driver's.
 */
bool viommu_smmu_owns_parent(struct iommu_domain *domain)
{
	return domain && domain->ops == &vsmmu_parent_ops;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmu_owns_parent);
