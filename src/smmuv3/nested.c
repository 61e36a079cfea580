// SPDX-License-Identifier: GPL-2.0
/*
 * Nested domains: a guest STE over a vIOMMU's stage 2 (upstream's
 * arm_smmu_validate_vste(), arm_vsmmu_alloc_domain_nested() and
 * arm_smmu_attach_dev_nested()), and the vmaster table that tells event
 * delivery which vIOMMU and vSID a physical StreamID stands for.
 */
#include <kunit/visibility.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vsmmu.h"

static const struct iommu_domain_ops vsmmu_nested_ops;

static struct vsmmu_nested *to_vsmmu_nested(struct iommu_domain *domain)
{
	return container_of(domain, struct vsmmu_nested, domain);
}

/**
 * viommu_smmuv3_validate_vste() - Check a guest STE, as upstream
 * @ste: The vSTE words 0..1 (little endian); rewritten: zeroed when V=0,
 *	 EATS cleared
 * @enable_ats: Set to whether the guest wants ATS (Cfg S1 with
 *		EATS=trans); left alone otherwise
 *
 * Return: 0; -EIO for a bit the guest may not set, a Cfg other than abort,
 * bypass or stage-1, or an EATS other than abort or translate.
 */
int viommu_smmuv3_validate_vste(__le64 *ste, bool *enable_ats)
{
	unsigned int cfg, eats;
	u64 ste0, ste1;

	if (!(ste[0] & cpu_to_le64(VSMMU_STE_0_V))) {
		ste[0] = 0;
		ste[1] = 0;
		return 0;
	}

	/* EIO is what upstream reserves for bad STE data. */
	ste0 = le64_to_cpu(ste[0]);
	ste1 = le64_to_cpu(ste[1]);
	if ((ste0 & ~VSMMU_STE_0_NESTING_ALLOWED) ||
	    (ste1 & ~VSMMU_STE_1_NESTING_ALLOWED))
		return -EIO;

	cfg = FIELD_GET(VSMMU_STE_0_CFG, ste0);
	if (cfg != VSMMU_STE_0_CFG_ABORT && cfg != VSMMU_STE_0_CFG_BYPASS &&
	    cfg != VSMMU_STE_0_CFG_S1_TRANS)
		return -EIO;

	/* Full ATS or ATS UR only; the host sets EATS in the real STE. */
	eats = FIELD_GET(VSMMU_STE_1_EATS, ste1);
	ste[1] &= ~cpu_to_le64(VSMMU_STE_1_EATS);
	if (eats != VSMMU_STE_1_EATS_ABT && eats != VSMMU_STE_1_EATS_TRANS)
		return -EIO;

	if (cfg == VSMMU_STE_0_CFG_S1_TRANS)
		*enable_ats = eats == VSMMU_STE_1_EATS_TRANS;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmuv3_validate_vste);

/**
 * viommu_smmuv3_ste_kind() - The STE a validated vSTE installs
 * @ste: The vSTE words 0..1, from viommu_smmuv3_validate_vste()
 *
 * A non-valid vSTE becomes an abort STE, so the guest still sees
 * C_BAD_STE events for the stream.
 *
 * Return: the kind of STE.
 */
enum viommu_smmu_ste viommu_smmuv3_ste_kind(const __le64 *ste)
{
	u64 ste0 = le64_to_cpu(ste[0]);

	if (!(ste0 & VSMMU_STE_0_V))
		return VIOMMU_SMMU_STE_ABORT;
	switch (FIELD_GET(VSMMU_STE_0_CFG, ste0)) {
	case VSMMU_STE_0_CFG_S1_TRANS:
		return VIOMMU_SMMU_STE_NESTED;
	case VSMMU_STE_0_CFG_BYPASS:
		return VIOMMU_SMMU_STE_BYPASS;
	default:
		return VIOMMU_SMMU_STE_ABORT;
	}
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmuv3_ste_kind);

/**
 * viommu_smmuv3_alloc_domain_nested() - viommu_ops.alloc_domain_nested
 * @viommu: The SMMUv3 vIOMMU
 * @flags: IOMMU_HWPT_ALLOC_* flags; none is supported
 * @user_data: VIOMMU_HWPT_DATA_ARM_SMMUV3, struct viommu_hwpt_arm_smmuv3
 *
 * Return: the domain, or an ERR_PTR: -EOPNOTSUPP for flags, -EINVAL for
 * bad user data, -EIO for a bad vSTE, -EFAULT, -ENOMEM.
 */
struct iommu_domain *
viommu_smmuv3_alloc_domain_nested(struct viommu *viommu, u32 flags,
				  const struct iommu_user_data *user_data)
{
	struct viommu_hwpt_arm_smmuv3 arg;
	struct vsmmu_nested *nested;
	bool enable_ats = false;
	int rc;

	if (flags)
		return ERR_PTR(-EOPNOTSUPP);
	rc = iommu_copy_struct_from_user(&arg, user_data,
					 VIOMMU_HWPT_DATA_ARM_SMMUV3, ste);
	if (rc)
		return ERR_PTR(rc);
	rc = viommu_smmuv3_validate_vste(arg.ste, &enable_ats);
	if (rc)
		return ERR_PTR(rc);

	/* The domain's ops are ours: a stock HWPT may outlive our files. */
	rc = vsmmu_pin();
	if (rc)
		return ERR_PTR(rc);
	nested = kzalloc(sizeof(*nested), GFP_KERNEL_ACCOUNT);
	if (!nested) {
		/* Under the ioctl's file, which pins the module. */
		module_put(THIS_MODULE);
		return ERR_PTR(-ENOMEM);
	}
	nested->domain.type = IOMMU_DOMAIN_NESTED;
	nested->domain.ops = &vsmmu_nested_ops;
	nested->vsmmu = to_vsmmu(viommu);
	nested->enable_ats = enable_ats;
	nested->ste[0] = arg.ste[0];
	nested->ste[1] = arg.ste[1];
	return &nested->domain;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmuv3_alloc_domain_nested);

static struct vsmmu_vmaster *vsmmu_vmaster_find(struct vsmmu_instance *inst,
						struct device *dev)
{
	struct vsmmu_vmaster *vm;
	int bkt;

	lockdep_assert_held(&inst->lock);
	hash_for_each(inst->vmasters, bkt, vm, node)
		if (vm->dev == dev)
			return vm;
	return NULL;
}

/*
 * The vSID @dev had on @domain when it got there, if it is on it still:
 * 6.12's core puts a device back on its domain after a failed change and
 * WARNs if that fails, and the vDEVICE may have been destroyed since (as
 * upstream allows). Only a device the backend saw on @domain: a device
 * new to the group (probe) still needs its vDEVICE.
 */
static int vsmmu_vsid_kept(struct vsmmu_instance *inst, struct device *dev,
			   struct iommu_domain *domain, unsigned long *vsid)
{
	struct vsmmu_vmaster *vm;
	int rc = -ENOENT;

	mutex_lock(&inst->lock);
	vm = vsmmu_vmaster_find(inst, dev);
	if (vm && vm->domain == domain) {
		*vsid = vm->vsid;
		rc = 0;
	}
	mutex_unlock(&inst->lock);
	return rc;
}

static int vsmmu_attach_dev_nested(struct iommu_domain *domain,
				   struct device *dev)
{
	struct vsmmu_nested *nested = to_vsmmu_nested(domain);
	struct vsmmu *vsmmu = nested->vsmmu;
	struct vsmmu_instance *inst = vsmmu->inst;
	enum viommu_smmu_ste kind = viommu_smmuv3_ste_kind(nested->ste);
	struct vsmmu_vmaster *vm = NULL, *old;
	unsigned int num_streams;
	unsigned long vsid;
	u32 sid;
	int rc;

	if (viommu_shim_smmu_of_dev(dev) != vsmmu->smmu)
		return -EINVAL;

	/*
	 * Stage 1 needs a vDEVICE first: CD and ATC invalidations and events
	 * go by vSID. Abort and bypass may go without (the guest's GBPA).
	 */
	rc = viommu_get_vdev_id(&vsmmu->core, dev, &vsid);
	if (rc && kind == VIOMMU_SMMU_STE_NESTED) {
		rc = vsmmu_vsid_kept(inst, dev, domain, &vsid);
		if (rc)
			return rc;
	}
	if (!rc) {
		rc = viommu_shim_smmu_master_sid(dev, &sid, &num_streams);
		if (rc)
			return rc;
		/* Allocated first: once the STE is in, nothing may fail. */
		vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
		if (!vm)
			return -ENOMEM;
		vm->sid = sid;
		vm->dev = dev;
		vm->domain = domain;
		vm->viommu = &vsmmu->core;
		vm->vsid = vsid;
	}

	/*
	 * ATS stays off whatever the guest's EATS: 6.12 flushes a parent's
	 * ATCs by IPA range, but a nested device caches guest IOVAs, so a
	 * host unmap would leave its ATC pointing at freed pages (upstream
	 * 7.2 flushes them whole). QEMU has no ATS to prove otherwise.
	 */
	rc = viommu_shim_smmu_attach(dev, vsmmu->s2_parent, kind, nested->ste,
				     false);
	if (rc) {
		kfree(vm);
		return rc;
	}

	/*
	 * Leaving the old domain, if it was one of ours, already dropped its
	 * entry (viommu_smmu_nested_left()); one left over is stale.
	 */
	mutex_lock(&inst->lock);
	old = vsmmu_vmaster_find(inst, dev);
	if (old)
		hash_del(&old->node);
	if (vm)
		hash_add(inst->vmasters, &vm->node, vm->sid);
	mutex_unlock(&inst->lock);
	kfree(old);
	return 0;
}

/* 6.12's stock IOMMU_HWPT_INVALIDATE calls it without a check. */
static int vsmmu_nested_cache_invalidate_user(struct iommu_domain *domain,
					      struct iommu_user_data_array *array)
{
	/* Upstream invalidates through the vIOMMU, never the domain. */
	array->entry_num = 0;
	return -EOPNOTSUPP;
}

/*
 * A domain is freed only once no device is attached, so nested_left()
 * has dropped its entries. Should a path have missed it, an entry must
 * still not outlive the domain: the domain's HWPT is what keeps the
 * entry's vIOMMU alive.
 */
static void vsmmu_nested_forget(struct vsmmu_nested *nested)
{
	struct vsmmu_instance *inst = nested->vsmmu->inst;
	struct vsmmu_vmaster *vm;
	struct hlist_node *tmp;
	int bkt;

	if (!inst)
		return;
	mutex_lock(&inst->lock);
	hash_for_each_safe(inst->vmasters, bkt, tmp, vm, node) {
		if (vm->domain != &nested->domain)
			continue;
		WARN_ONCE(1, "viommu: SMMUv3 nested domain freed with a device on it\n");
		hash_del(&vm->node);
		kfree(vm);
	}
	mutex_unlock(&inst->lock);
}

static void vsmmu_nested_free(struct iommu_domain *domain)
{
	struct vsmmu_nested *nested = to_vsmmu_nested(domain);

	vsmmu_nested_forget(nested);
	kfree(nested);
	vsmmu_unpin_deferred();
}

static const struct iommu_domain_ops vsmmu_nested_ops = {
	.attach_dev = vsmmu_attach_dev_nested,
	.cache_invalidate_user = vsmmu_nested_cache_invalidate_user,
	.free = vsmmu_nested_free,
};

/**
 * viommu_smmu_nested_parent() - The stage-2 parent of a nested domain of ours
 * @domain: Any domain pointer, or NULL
 *
 * Return: the parent, or NULL if @domain is not a nested domain of ours.
 */
struct iommu_domain *viommu_smmu_nested_parent(struct iommu_domain *domain)
{
	if (!domain || domain->type != IOMMU_DOMAIN_NESTED ||
	    domain->ops != &vsmmu_nested_ops)
		return NULL;
	return to_vsmmu_nested(domain)->vsmmu->s2_parent;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmu_nested_parent);

/**
 * viommu_smmu_nested_left() - A device left one of our nested domains
 * @dev: The device
 * @domain: The nested domain it left
 *
 * Called by the shim under arm_smmu_asid_lock: takes only the instance
 * lock, which nothing holds while taking that one.
 */
void viommu_smmu_nested_left(struct device *dev, struct iommu_domain *domain)
{
	struct vsmmu_instance *inst;
	struct vsmmu_vmaster *vm;

	if (WARN_ON_ONCE(!viommu_smmu_nested_parent(domain)))
		return;
	inst = to_vsmmu_nested(domain)->vsmmu->inst;

	mutex_lock(&inst->lock);
	vm = vsmmu_vmaster_find(inst, dev);
	if (vm && vm->domain == domain)
		hash_del(&vm->node);
	else
		vm = NULL;
	mutex_unlock(&inst->lock);
	kfree(vm);
}
