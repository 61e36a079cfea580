/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shim's door to the private parts of 6.12's arm-smmu-v3 driver, for
 * the SMMUv3 backend (src/smmuv3/). Layouts come from vmlinux BTF (its
 * own table, verified apart from the iommufd one: an SMMU that does not
 * verify turns only this backend off), functions are checked against
 * their BTF prototypes and kallsyms (unique names only; those a live ops
 * table reaches are taken from the table), the SMMU instances are the
 * devices bound to the driver "arm-smmu-v3". The backend sees opaque
 * pointers and the functions below.
 */
#ifndef _VIOMMU_SHIM_SMMUV3_H
#define _VIOMMU_SHIM_SMMUV3_H

#include <linux/types.h>

struct device;
struct iommu_device;
struct iommu_domain;
struct iommu_ops;

/* A struct arm_smmu_device of the running kernel. */
struct viommu_smmu;

/*
 * Verify the driver, find its instances and install the SMMU hooks (they
 * stay until viommu_shim_smmu_exit()). 0, or a negative errno after one
 * log line "SMMUv3 backend off: ..." that names what failed. Needs
 * viommu_shim_ready(). The backend's callbacks below may run as soon as
 * the hooks are in, before init returns: set the backend up first. exit
 * removes the hooks and waits until no task runs a replacement; it is
 * safe to call when init failed. The SMMUv3 driver must be built in (its
 * layouts are read from vmlinux BTF): a modular one turns this off.
 */
int viommu_shim_smmu_init(void);
void viommu_shim_smmu_exit(void);

/* The live SMMUv3 iommu_ops (what dev_iommu_ops() gives for its masters). */
const struct iommu_ops *viommu_shim_smmu_iommu_ops(void);

/* The instances found at init; @fn's first non-zero return stops the walk. */
int viommu_shim_smmu_for_each(int (*fn)(struct viommu_smmu *smmu, void *arg),
			      void *arg);
struct iommu_device *viommu_shim_smmu_iommu(struct viommu_smmu *smmu);
/* The SMMU's register page 0 (IDR0..5 at 0x0..0x14, IIDR 0x18, AIDR 0x1c). */
void __iomem *viommu_shim_smmu_base(struct viommu_smmu *smmu);
struct device *viommu_shim_smmu_dev(struct viommu_smmu *smmu);

/*
 * The SMMU of a master (a device whose IOMMU is one of the instances
 * found), else NULL. The master must stay probed while the answer is used
 * (a bound iommufd device is).
 */
struct viommu_smmu *viommu_shim_smmu_of_dev(struct device *dev);
/* StreamID of the master's first stream and how many it has. */
int viommu_shim_smmu_master_sid(struct device *dev, u32 *sid0,
				unsigned int *num_streams);

/*
 * A finalised stage-2 paging domain (IOMMU_DOMAIN_UNMANAGED, its VMID
 * allocated) made by the driver's own steps for @dev's SMMU, with the
 * driver's stock domain ops; freed by domain->ops->free as any other.
 */
struct iommu_domain *viommu_shim_smmu_alloc_s2(struct device *dev);
/*
 * Whether @domain is a finalised stage-2 domain of the SMMUv3 driver (its
 * ops are the driver's, or the backend says it owns a copy of them: see
 * viommu_smmu_owns_parent()); if so, its SMMU and VMID.
 */
bool viommu_shim_smmu_domain_s2(struct iommu_domain *domain,
				struct viommu_smmu **smmu, u16 *vmid);

/**
 * enum viommu_smmu_ste - The STE a nested attach installs
 * @VIOMMU_SMMU_STE_ABORT: Abort every transaction (vSTE V=0 or Cfg abort)
 * @VIOMMU_SMMU_STE_BYPASS: Stage 2 of the parent only (vSTE Cfg bypass)
 * @VIOMMU_SMMU_STE_NESTED: Guest stage 1 (the vSTE words) over the parent's
 *			    stage 2
 */
enum viommu_smmu_ste {
	VIOMMU_SMMU_STE_ABORT,
	VIOMMU_SMMU_STE_BYPASS,
	VIOMMU_SMMU_STE_NESTED,
};

/*
 * Install the STE of a nested domain on @dev with the driver's own steps:
 * under arm_smmu_asid_lock, prepare (threads @dev on @s2_parent's device
 * list, as a plain attach to it would), build the STE (the parent's S2
 * words, VMID and, for NESTED, Config=nested with @vste[0..1]'s S1 fields;
 * no MEV, which 6.12 does not count as used), install, commit (the old
 * domain's bookkeeping goes through the remove_master_domain hook).
 * @ats: the guest allows ATS (vSTE EATS=trans); honoured for NESTED only
 * (as 7.2: ABORT and BYPASS keep ATS off). -EINVAL if @dev is not on
 * @s2_parent's SMMU or @vste is NULL for NESTED, -EBUSY when the master
 * has SSIDs in use, -ENOMEM.
 */
int viommu_shim_smmu_attach(struct device *dev, struct iommu_domain *s2_parent,
			    enum viommu_smmu_ste kind, const __le64 *vste,
			    bool ats);

/*
 * Issue @n raw commands (2 u64 each, CPU order) on the SMMU's main
 * command queue, then a CMD_SYNC; 0 or the driver's error (-ETIMEDOUT).
 * Never sleeps.
 */
int viommu_shim_smmu_issue_cmds(struct viommu_smmu *smmu, u64 *cmds, int n);

/*
 * Implemented by the backend (src/smmuv3/), called from the SMMU hooks in
 * process context:
 *  - alloc_nest_parent: the driver's domain_alloc_user() was asked for
 *    @flags with parent and user data NULL and @flags has
 *    IOMMU_HWPT_ALLOC_NEST_PARENT; return the domain or an ERR_PTR.
 *  - nested_parent: the stage-2 parent if @domain is a nested domain of
 *    the backend, else NULL (any domain pointer may come here).
 *  - nested_left: @dev left the backend's nested @domain (its bookkeeping
 *    was just moved off the parent's device list), under the driver's
 *    arm_smmu_asid_lock.
 *  - event: one raw event record read from @smmu's event queue; true if
 *    the backend delivered it (the driver then never sees it). @smmu may
 *    be any pointer: compare it, never dereference one you do not know.
 *  - owns_parent: whether @domain is a nest parent the backend made (its
 *    ops are the backend's copy of the driver's).
 */
struct iommu_domain *viommu_smmu_alloc_nest_parent(struct device *dev,
						   u32 flags);
struct iommu_domain *viommu_smmu_nested_parent(struct iommu_domain *domain);
void viommu_smmu_nested_left(struct device *dev, struct iommu_domain *domain);
bool viommu_smmu_event(struct viommu_smmu *smmu, const u64 *evt);
bool viommu_smmu_owns_parent(struct iommu_domain *domain);

#endif /* _VIOMMU_SHIM_SMMUV3_H */
