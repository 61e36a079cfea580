// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's door to 6.12's arm-smmu-v3 driver (see smmuv3.h): its
 * instances, its S2 domains, a nested attach made of the driver's own
 * steps, and its command queue. Layouts come from smmuv3_layout.c,
 * functions from kallsyms (unique vmlinux names) checked against their
 * BTF prototypes; what a live ops table reaches is taken from the table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pci-ats.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "smmuv3_internal.h"

#define VL viommu_smmu_layout

/* Not in BTF (macros): from the SMMUv3 architecture, as 6.12 defines them. */
#define VIOMMU_SMMU_IDR0		0x0
#define VIOMMU_SMMU_IDR0_S2P		BIT(0)
#define VIOMMU_SMMU_IDR0_S1P		BIT(1)
#define VIOMMU_STE_0_V			BIT_ULL(0)
#define VIOMMU_STE_0_CFG		GENMASK_ULL(3, 1)
#define VIOMMU_STE_0_CFG_NESTED		7

/* QEMU virt has one; a server a handful. */
#define VIOMMU_SMMU_MAX		32

static struct device *viommu_smmu_devs[VIOMMU_SMMU_MAX];
static struct viommu_smmu *viommu_smmu_insts[VIOMMU_SMMU_MAX];
static unsigned int viommu_smmu_nr;
static const struct iommu_ops *viommu_smmu_ops;
static bool viommu_smmu_on;

static struct mutex *viommu_smmu_asid_lock;
static viommu_smmu_domain_alloc_fn *viommu_smmu_domain_alloc;
static viommu_smmu_domain_finalise_fn *viommu_smmu_domain_finalise;
static viommu_smmu_attach_prepare_fn *viommu_smmu_attach_prepare;
static viommu_smmu_attach_commit_fn *viommu_smmu_attach_commit;
static viommu_smmu_install_ste_fn *viommu_smmu_install_ste;
static viommu_smmu_make_abort_ste_fn *viommu_smmu_make_abort_ste;
static viommu_smmu_make_s2_ste_fn *viommu_smmu_make_s2_ste;
static viommu_smmu_issue_cmdlist_fn *viommu_smmu_issue_cmdlist;

/* A field of a private struct at @base, as BTF lays it out. */
static void *fld(const void *base, const struct viommu_field *f)
{
	return (void *)base + f->offset;
}

static void *fld_ptr(const void *base, const struct viommu_field *f)
{
	return READ_ONCE(*(void **)fld(base, f));
}

static bool fld_bit(const void *base, const struct viommu_field *f)
{
	u8 byte = READ_ONCE(*(u8 *)fld(base, f));

	return f->bits ? byte & BIT(f->bit) : byte;
}

static bool viommu_smmu_known(const void *smmu)
{
	unsigned int i;

	for (i = 0; i < viommu_smmu_nr; i++)
		if (viommu_smmu_insts[i] == smmu)
			return true;
	return false;
}

/**
 * viommu_shim_smmu_iommu() - The iommu_device of an SMMU
 * @smmu: An instance
 *
 * Return: &smmu->iommu.
 */
struct iommu_device *viommu_shim_smmu_iommu(struct viommu_smmu *smmu)
{
	return fld(smmu, &VL.smmu_iommu);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_iommu);

/**
 * viommu_shim_smmu_base() - The register page 0 of an SMMU
 * @smmu: An instance
 *
 * Return: smmu->base.
 */
void __iomem *viommu_shim_smmu_base(struct viommu_smmu *smmu)
{
	return (void __iomem *)fld_ptr(smmu, &VL.smmu_base);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_base);

/**
 * viommu_shim_smmu_dev() - The platform device of an SMMU
 * @smmu: An instance
 *
 * Return: smmu->dev.
 */
struct device *viommu_shim_smmu_dev(struct viommu_smmu *smmu)
{
	return fld_ptr(smmu, &VL.smmu_dev);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_dev);

/**
 * viommu_shim_smmu_iommu_ops() - The live SMMUv3 iommu_ops
 *
 * Return: The ops of the instances, NULL when the SMMU shim is off.
 */
const struct iommu_ops *viommu_shim_smmu_iommu_ops(void)
{
	return READ_ONCE(viommu_smmu_on) ? viommu_smmu_ops : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_iommu_ops);

/**
 * viommu_shim_smmu_for_each() - Walk the instances found at init
 * @fn: Called for each; a non-zero return stops the walk
 * @arg: Passed to @fn
 *
 * Return: The first non-zero return of @fn, or 0.
 */
int viommu_shim_smmu_for_each(int (*fn)(struct viommu_smmu *smmu, void *arg),
			      void *arg)
{
	unsigned int i;
	int rc;

	if (!READ_ONCE(viommu_smmu_on))
		return 0;
	for (i = 0; i < viommu_smmu_nr; i++) {
		rc = fn(viommu_smmu_insts[i], arg);
		if (rc)
			return rc;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_for_each);

/**
 * viommu_shim_smmu_of_dev() - The SMMU of a master
 * @dev: A device, probed while the answer is used
 *
 * Return: The instance whose iommu_device serves @dev, or NULL.
 */
struct viommu_smmu *viommu_shim_smmu_of_dev(struct device *dev)
{
	struct iommu_device *iommu;
	unsigned int i;
	void *master;

	if (!READ_ONCE(viommu_smmu_on) || !dev || !dev->iommu)
		return NULL;
	iommu = __iommu_get_iommu_dev(dev);
	master = dev_iommu_priv_get(dev);
	if (!iommu || !master)
		return NULL;
	for (i = 0; i < viommu_smmu_nr; i++) {
		struct viommu_smmu *smmu = viommu_smmu_insts[i];

		if (viommu_shim_smmu_iommu(smmu) == iommu &&
		    fld_ptr(master, &VL.master_smmu) == smmu &&
		    fld_ptr(master, &VL.master_dev) == dev)
			return smmu;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_of_dev);

/**
 * viommu_shim_smmu_master_sid() - The StreamIDs of a master
 * @dev: A master of one of the instances
 * @sid0: Its first StreamID
 * @num_streams: How many it has
 *
 * Return: 0, or -ENODEV if @dev is not a master of ours or has no stream.
 */
int viommu_shim_smmu_master_sid(struct device *dev, u32 *sid0,
				unsigned int *num_streams)
{
	void *master, *streams;
	unsigned int n;

	if (!viommu_shim_smmu_of_dev(dev))
		return -ENODEV;
	master = dev_iommu_priv_get(dev);
	n = READ_ONCE(*(unsigned int *)fld(master, &VL.master_num_streams));
	streams = fld_ptr(master, &VL.master_streams);
	if (!n || !streams)
		return -ENODEV;
	*sid0 = *(u32 *)fld(streams, &VL.stream_id);
	*num_streams = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_master_sid);

static struct iommu_domain *viommu_smmu_to_domain(void *smmu_domain)
{
	return fld(smmu_domain, &VL.domain_domain);
}

static void *viommu_smmu_domain_of(struct iommu_domain *domain)
{
	return (void *)domain - VL.domain_domain.offset;
}

/**
 * viommu_shim_smmu_alloc_s2() - A finalised stage-2 domain for a master
 * @dev: A master of one of the instances
 *
 * As 6.12's arm_smmu_domain_alloc_user(), with stage 2 asked for.
 *
 * Return: The domain; ERR_PTR(-ENODEV) if @dev is not ours,
 * -EOPNOTSUPP if its SMMU lacks stage 1 or stage 2, or the driver's errno.
 */
struct iommu_domain *viommu_shim_smmu_alloc_s2(struct device *dev)
{
	struct viommu_smmu *smmu = viommu_shim_smmu_of_dev(dev);
	struct iommu_domain *domain;
	void *smmu_domain;
	u32 idr0;
	int rc;

	if (!smmu)
		return ERR_PTR(-ENODEV);
	/* Nesting needs both stages; finalise would quietly pick the other. */
	idr0 = readl_relaxed(viommu_shim_smmu_base(smmu) + VIOMMU_SMMU_IDR0);
	if (!(idr0 & VIOMMU_SMMU_IDR0_S1P) || !(idr0 & VIOMMU_SMMU_IDR0_S2P))
		return ERR_PTR(-EOPNOTSUPP);

	smmu_domain = viommu_smmu_domain_alloc();
	if (IS_ERR(smmu_domain))
		return ERR_CAST(smmu_domain);
	*(u32 *)fld(smmu_domain, &VL.domain_stage) = VL.stage_s2;
	domain = viommu_smmu_to_domain(smmu_domain);
	domain->type = IOMMU_DOMAIN_UNMANAGED;
	domain->ops = viommu_smmu_ops->default_domain_ops;
	rc = viommu_smmu_domain_finalise(smmu_domain, (void *)smmu, 0);
	if (rc) {
		kfree(smmu_domain);
		return ERR_PTR(rc);
	}
	return domain;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_alloc_s2);

/**
 * viommu_shim_smmu_domain_s2() - Whether a domain is a finalised S2 domain
 * @domain: Any domain
 * @smmu: Set to its SMMU (may be NULL)
 * @vmid: Set to its VMID (may be NULL)
 *
 * Return: true for a finalised stage-2 domain of one of the instances
 * whose ops are the driver's or a copy the backend owns.
 */
bool viommu_shim_smmu_domain_s2(struct iommu_domain *domain,
				struct viommu_smmu **smmu, u16 *vmid)
{
	void *smmu_domain, *s;

	if (!READ_ONCE(viommu_smmu_on) || !domain)
		return false;
	if (domain->ops != viommu_smmu_ops->default_domain_ops &&
	    !viommu_smmu_owns_parent(domain))
		return false;
	smmu_domain = viommu_smmu_domain_of(domain);
	if (*(u32 *)fld(smmu_domain, &VL.domain_stage) != VL.stage_s2)
		return false;
	s = fld_ptr(smmu_domain, &VL.domain_smmu);
	if (!s || !viommu_smmu_known(s))
		return false;
	if (smmu)
		*smmu = s;
	if (vmid)
		*vmid = *(u16 *)fld(fld(smmu_domain, &VL.domain_s2_cfg),
				    &VL.s2cfg_vmid);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_domain_s2);

/*
 * 7.2's state.disable_ats, after 6.12's prepare enabled ATS: take back
 * its nr_ats_masters increment and keep ATS off at the device. QEMU has
 * no ATS: this path is unproven.
 */
static void viommu_smmu_disable_ats(void *state, void *master, void *parent)
{
	spinlock_t *lock = fld(parent, &VL.domain_devices_lock);
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	atomic_dec((atomic_t *)fld(parent, &VL.domain_nr_ats_masters));
	spin_unlock_irqrestore(lock, flags);
	*(bool *)fld(state, &VL.state_ats_enabled) = false;
	if (fld_bit(master, &VL.master_ats_enabled)) {
		pci_disable_ats(to_pci_dev(fld_ptr(master, &VL.master_dev)));
		/* As 6.12: the config write lands before the STE changes. */
		wmb();
	}
}

static void viommu_smmu_build_ste(void *ste, void *master, void *parent,
				  enum viommu_smmu_ste kind,
				  const __le64 *vste, bool ats_enabled)
{
	__le64 *data = fld(ste, &VL.ste_data);

	if (kind == VIOMMU_SMMU_STE_ABORT) {
		viommu_smmu_make_abort_ste(ste);
		return;
	}
	/* Words 2-3 (VMID, VTCR, S2TTB) are the parent's. */
	viommu_smmu_make_s2_ste(ste, master, parent, ats_enabled);
	if (kind != VIOMMU_SMMU_STE_NESTED)
		return;
	/* No MEV: 6.12 does not count it as used (hitless-write WARN). */
	data[0] = cpu_to_le64(VIOMMU_STE_0_V |
			      FIELD_PREP(VIOMMU_STE_0_CFG,
					 VIOMMU_STE_0_CFG_NESTED)) |
		  (vste[0] & ~cpu_to_le64(VIOMMU_STE_0_CFG));
	data[1] |= vste[1];
}

/**
 * viommu_shim_smmu_attach() - Install a nested domain's STE on a master
 * @dev: The master
 * @s2_parent: A stage-2 domain of @dev's SMMU (viommu_shim_smmu_domain_s2)
 * @kind: Which STE
 * @vste: The validated vSTE words 0 and 1 (NESTED only)
 * @ats: The guest allows ATS; honoured for NESTED only (7.2 enables ATS
 *	 only for an S1-translating vSTE with EATS=trans)
 *
 * 7.2's arm_smmu_attach_dev_nested() on 6.12's steps. The device list of
 * @s2_parent gets @dev (the driver then invalidates the S2 for it); the
 * old domain's entry goes through the remove_master_domain hook.
 *
 * Return: 0; -EINVAL if @dev is not on @s2_parent's SMMU, -EBUSY if it
 * has SSIDs in use, -ENOMEM.
 */
int viommu_shim_smmu_attach(struct device *dev, struct iommu_domain *s2_parent,
			    enum viommu_smmu_ste kind, const __le64 *vste,
			    bool ats)
{
	struct viommu_smmu *smmu;
	void *master, *parent, *state, *ste;
	int rc;

	if (!viommu_shim_smmu_domain_s2(s2_parent, &smmu, NULL) ||
	    viommu_shim_smmu_of_dev(dev) != smmu)
		return -EINVAL;
	if (kind == VIOMMU_SMMU_STE_NESTED && !vste)
		return -EINVAL;
	master = dev_iommu_priv_get(dev);
	if (READ_ONCE(*(unsigned int *)fld(fld(master, &VL.master_cd_table),
					   &VL.cdcfg_used_ssids)))
		return -EBUSY;
	parent = viommu_smmu_domain_of(s2_parent);

	/* One zeroed buffer: the .c-local state, then the STE. */
	state = kzalloc(ALIGN(VL.state_size, 8) + VL.ste_size, GFP_KERNEL);
	if (!state)
		return -ENOMEM;
	ste = state + ALIGN(VL.state_size, 8);
	*(struct iommu_domain **)fld(state, &VL.state_old_domain) =
		iommu_get_domain_for_dev(dev);
	*(void **)fld(state, &VL.state_master) = master;
	*(u32 *)fld(state, &VL.state_ssid) = IOMMU_NO_PASID;

	mutex_lock(viommu_smmu_asid_lock);
	/* 6.12's to_smmu_domain_devices() knows no NESTED: give the parent. */
	rc = viommu_smmu_attach_prepare(state, s2_parent);
	if (rc)
		goto out_unlock;
	if (fld_bit(state, &VL.state_ats_enabled) &&
	    (kind != VIOMMU_SMMU_STE_NESTED || !ats))
		viommu_smmu_disable_ats(state, master, parent);
	viommu_smmu_build_ste(ste, master, parent, kind, vste,
			      fld_bit(state, &VL.state_ats_enabled));
	viommu_smmu_install_ste(master, ste);
	viommu_smmu_attach_commit(state);
out_unlock:
	mutex_unlock(viommu_smmu_asid_lock);
	kfree(state);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_attach);

/**
 * viommu_shim_smmu_issue_cmds() - Issue raw commands and a CMD_SYNC
 * @smmu: An instance
 * @cmds: @n commands, 2 u64 each, CPU order
 * @n: How many
 *
 * Return: 0 or the driver's error (-ETIMEDOUT). Never sleeps.
 */
int viommu_shim_smmu_issue_cmds(struct viommu_smmu *smmu, u64 *cmds, int n)
{
	if (!viommu_smmu_known(smmu))
		return -EINVAL;
	return viommu_smmu_issue_cmdlist((void *)smmu, fld(smmu, &VL.smmu_cmdq),
					 cmds, n, true);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_issue_cmds);

/**
 * viommu_smmu_of_evtq() - The instance whose event queue @q is
 * @q: Any queue of the driver
 *
 * Return: The instance, or NULL (another queue, e.g. the PRI queue).
 */
struct viommu_smmu *viommu_smmu_of_evtq(struct arm_smmu_queue *q)
{
	unsigned int i;

	for (i = 0; i < viommu_smmu_nr; i++) {
		struct viommu_smmu *smmu = viommu_smmu_insts[i];

		if (fld(fld(smmu, &VL.smmu_evtq), &VL.evtq_q) == (void *)q)
			return smmu;
	}
	return NULL;
}

/* Each bound platform device of the driver: its drvdata is the SMMU. */
static int viommu_smmu_add_one(struct device *dev, void *data)
{
	struct viommu_shim_why *why = data;
	struct iommu_device *iommu;
	void *smmu = dev_get_drvdata(dev);

	why->step = "check";
	why->name = "arm-smmu-v3 instance";
	if (!smmu || viommu_smmu_nr == VIOMMU_SMMU_MAX)
		return -EINVAL;
	iommu = fld(smmu, &VL.smmu_iommu);
	if (fld_ptr(smmu, &VL.smmu_dev) != dev || !iommu->ops ||
	    !iommu->dev || iommu->dev->parent != dev ||
	    !fld_ptr(smmu, &VL.smmu_base))
		return -EINVAL;
	if (viommu_smmu_ops && iommu->ops != viommu_smmu_ops)
		return -EINVAL;
	viommu_smmu_ops = iommu->ops;
	viommu_smmu_devs[viommu_smmu_nr] = get_device(dev);
	viommu_smmu_insts[viommu_smmu_nr++] = smmu;
	return 0;
}

static void viommu_smmu_put_all(void)
{
	while (viommu_smmu_nr)
		put_device(viommu_smmu_devs[--viommu_smmu_nr]);
	viommu_smmu_ops = NULL;
}

static int viommu_smmu_find(struct viommu_shim_why *why)
{
	struct device_driver *drv;
	int rc;

	why->step = "find";
	why->name = "driver arm-smmu-v3";
	drv = driver_find("arm-smmu-v3", &platform_bus_type);
	if (!drv)
		return -ENODEV;
	/* Its structs are looked up in vmlinux BTF only. */
	why->name = "built-in arm-smmu-v3 (it is a module)";
	if (drv->owner)
		return -EOPNOTSUPP;
	rc = driver_for_each_device(drv, NULL, why, viommu_smmu_add_one);
	if (rc)
		return rc;
	why->name = "arm-smmu-v3 instances (none bound)";
	if (!viommu_smmu_nr)
		return -ENODEV;
	why->step = "check";
	why->name = "arm_smmu_ops";
	if (!viommu_sym_vmlinux_is((unsigned long)viommu_smmu_ops,
				   "arm_smmu_ops") ||
	    !viommu_smmu_ops->default_domain_ops)
		return -EINVAL;
	return 0;
}

static int viommu_smmu_resolve(struct viommu_shim_why *why)
{
	static const struct {
		const char *name;
		void **fn;
	} fns[] = {
#define FN(n, var) { #n, (void **)&(var) }
		FN(arm_smmu_domain_alloc, viommu_smmu_domain_alloc),
		FN(arm_smmu_domain_finalise, viommu_smmu_domain_finalise),
		FN(arm_smmu_attach_prepare, viommu_smmu_attach_prepare),
		FN(arm_smmu_attach_commit, viommu_smmu_attach_commit),
		FN(arm_smmu_install_ste_for_dev, viommu_smmu_install_ste),
		FN(arm_smmu_make_abort_ste, viommu_smmu_make_abort_ste),
		FN(arm_smmu_make_s2_domain_ste, viommu_smmu_make_s2_ste),
		FN(arm_smmu_cmdq_issue_cmdlist, viommu_smmu_issue_cmdlist),
#undef FN
	};
	unsigned long addr;
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(fns); i++) {
		why->step = "check";
		why->name = fns[i].name;
		rc = viommu_smmu_layout_check_func(fns[i].name);
		if (rc)
			return rc;
		why->step = "resolve";
		rc = viommu_sym_resolve_vmlinux(fns[i].name, &addr);
		if (rc)
			return rc;
		*fns[i].fn = (void *)addr;
	}

	/*
	 * Leaving a nested domain is fixed up in the remove_master_domain
	 * hook: a commit with an inlined copy of it would strand the master
	 * on the parent's list, to be walked after the master is freed.
	 */
	why->name = "arm_smmu_remove_master_domain";
	rc = viommu_sym_resolve_vmlinux(why->name, &addr);
	if (rc)
		return rc;
	why->step = "check";
	why->name = "arm_smmu_attach_commit (calls arm_smmu_remove_master_domain)";
	if (!viommu_sym_vmlinux_calls((unsigned long)viommu_smmu_attach_commit,
				      "arm_smmu_attach_commit", addr))
		return -ENOENT;

	why->step = "resolve";
	why->name = "arm_smmu_asid_lock";
	rc = viommu_sym_resolve_vmlinux_data(why->name, sizeof(struct mutex),
					     &addr);
	if (rc)
		return rc;
	viommu_smmu_asid_lock = (struct mutex *)addr;
	return 0;
}

/* Sizes the shim relies on beyond what the table checks. */
static int viommu_smmu_check_sizes(struct viommu_shim_why *why)
{
	why->step = "check";
	why->name = "arm_smmu_ste.data (2 words)";
	if (VL.ste_data.size < 2 * sizeof(__le64))
		return -EINVAL;
	why->name = "enum arm_smmu_domain_stage (4 bytes)";
	if (VL.domain_stage.size != sizeof(u32))
		return -EINVAL;
	/* Written as a whole bool: a bitfield would take its neighbours along. */
	why->name = "arm_smmu_attach_state.ats_enabled (a plain bool)";
	if (VL.state_ats_enabled.bits)
		return -EINVAL;
	return 0;
}

/**
 * viommu_shim_smmu_init() - Verify the SMMUv3 driver, find its instances,
 * install the SMMU hooks
 *
 * The backend's callbacks may be called as soon as the hooks are in,
 * before this returns.
 *
 * Return: 0, or a negative errno after one log line that names what
 * failed.
 */
int viommu_shim_smmu_init(void)
{
	struct viommu_shim_why why = { "check", "stock iommufd shim" };
	static char sub[VIOMMU_WHY_LEN];
	int rc = -EOPNOTSUPP;

	if (READ_ONCE(viommu_smmu_on))
		return -EBUSY;
	if (!viommu_shim_ready())
		goto out;
	why.step = "layout";
	why.name = sub;
	rc = viommu_smmu_layout_init(viommu_layout_fail_check(), sub,
				     sizeof(sub));
	if (!rc)
		rc = viommu_smmu_check_sizes(&why);
	if (!rc)
		rc = viommu_smmu_find(&why);
	if (!rc)
		rc = viommu_smmu_resolve(&why);
	if (!rc) {
		/* The hooks' callbacks may use the door at once. */
		WRITE_ONCE(viommu_smmu_on, true);
		rc = viommu_smmu_hooks_init(viommu_smmu_ops, &why);
		if (rc)
			WRITE_ONCE(viommu_smmu_on, false);
	}
	if (!rc) {
		pr_info("SMMUv3 shim: ready: %u instance(s), hooks installed\n",
			viommu_smmu_nr);
		return 0;
	}
	viommu_smmu_put_all();
out:
	pr_warn("SMMUv3 backend off: %s %s failed (%d)\n", why.step, why.name,
		rc);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_init);

/**
 * viommu_shim_smmu_exit() - Remove the SMMU hooks and let go of the SMMUs
 *
 * On return no task runs a replacement. Safe when init failed.
 */
void viommu_shim_smmu_exit(void)
{
	viommu_smmu_hooks_exit();
	WRITE_ONCE(viommu_smmu_on, false);
	viommu_smmu_put_all();
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_exit);
