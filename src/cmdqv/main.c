// SPDX-License-Identifier: GPL-2.0
/*
 * The Tegra241 CMDQV backend: finds the CMDQVs behind the SMMUv3
 * instances the SMMUv3 backend serves, keeps our VINTFs across an SMMU
 * reset and reports their queue errors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "cmdqv.h"
#include "../shim/cmdqv.h"

static bool vcmdqv_on;
/* Read-only, so tests can tell "no CMDQV here" from a failure. */
module_param_named(cmdqv_ready, vcmdqv_on, bool, 0444);
MODULE_PARM_DESC(cmdqv_ready,
		 "Read only: the Tegra241 CMDQV backend serves at least one CMDQV (the log says why not)");

/**
 * vcmdqv_of_smmu() - The CMDQV behind an SMMU
 * @smmu: Any pointer: it is only compared
 *
 * Return: the CMDQV, or NULL if @smmu has none we serve.
 */
struct vcmdqv *vcmdqv_of_smmu(struct viommu_smmu *smmu)
{
	struct vsmmu_instance *inst = vsmmu_instance(smmu);

	return inst ? READ_ONCE(inst->cmdqv) : NULL;
}

/*
 * The register fields bound what PARAM may say: VINTF and LVCMDQ fields of
 * CMDQ_ALLOC, four CMDQ_ERR_MAP words (which also keep the CMDQ_ALLOC
 * registers clear of the VINTFs'), the SID_MATCH registers.
 */
static int vcmdqv_read_param(struct vcmdqv *cmdqv)
{
	u32 param = cmdqv->io->read(cmdqv->io_priv, VCMDQV_PARAM);
	unsigned int vintfs = 1 << FIELD_GET(VCMDQV_PARAM_NUM_VINTF_LOG2, param);
	unsigned int vcmdqs = 1 << FIELD_GET(VCMDQV_PARAM_NUM_VCMDQ_LOG2, param);
	unsigned int sids = 1 << FIELD_GET(VCMDQV_PARAM_NUM_SID_LOG2, param);

	if (vintfs < 2 || vintfs > FIELD_MAX(VCMDQV_CMDQ_ALLOC_VINTF) + 1 ||
	    vcmdqs < vintfs || vcmdqs > 4 * 32 ||
	    vcmdqs / vintfs > FIELD_MAX(VCMDQV_CMDQ_ALLOC_LVCMDQ) + 1 ||
	    sids > (VCMDQV_VINTF_SID_REPLACE(0) - VCMDQV_VINTF_SID_MATCH(0)) / 4)
		return -EINVAL;
	cmdqv->num_vintfs = vintfs;
	cmdqv->num_lvcmdqs_per_vintf = vcmdqs / vintfs;
	cmdqv->num_sids_per_vintf = sids;
	cmdqv->version = FIELD_GET(VCMDQV_PARAM_VER, param);
	return 0;
}

static struct vcmdqv *vcmdqv_create(struct viommu_smmu *smmu,
				    const struct vcmdqv_io *io, void *io_priv,
				    phys_addr_t base_phys)
{
	struct vcmdqv *cmdqv = kzalloc(sizeof(*cmdqv), GFP_KERNEL);
	int rc;

	if (!cmdqv)
		return ERR_PTR(-ENOMEM);
	cmdqv->smmu = smmu;
	cmdqv->io = io;
	cmdqv->io_priv = io_priv;
	cmdqv->base_phys = base_phys;
	mutex_init(&cmdqv->lock);
	rc = vcmdqv_read_param(cmdqv);
	if (rc)
		goto err_free;
	cmdqv->vintfs = kcalloc(cmdqv->num_vintfs, sizeof(*cmdqv->vintfs),
				GFP_KERNEL);
	if (!cmdqv->vintfs) {
		rc = -ENOMEM;
		goto err_free;
	}
	return cmdqv;

err_free:
	mutex_destroy(&cmdqv->lock);
	kfree(cmdqv);
	return ERR_PTR(rc);
}

static void vcmdqv_free(struct vcmdqv *cmdqv)
{
	WARN_ON(cmdqv->nr_vintfs);
	if (cmdqv->own_ids) {
		ida_destroy(cmdqv->vintf_ids);
		kfree(cmdqv->vintf_ids);
	}
	kfree(cmdqv->vintfs);
	mutex_destroy(&cmdqv->lock);
	kfree(cmdqv);
}

/**
 * vcmdqv_reapply() - Program our VINTFs again after a CMDQV reset
 * @cmdqv: The CMDQV
 *
 * 6.12's reset maps every VCMDQ to its static VINTF and enables VINTF0
 * only; each VINTF of ours gets its state back from what it holds.
 */
void vcmdqv_reapply(struct vcmdqv *cmdqv)
{
	unsigned int idx;

	/* Held throughout: a VINTF being destroyed waits to be unpublished. */
	mutex_lock(&cmdqv->lock);
	for (idx = 1; idx < cmdqv->num_vintfs; idx++) {
		struct vcmdqv_vintf *vintf = cmdqv->vintfs[idx];
		int rc;

		if (!vintf)
			continue;
		mutex_lock(&vintf->lock);
		rc = vcmdqv_vintf_hw_init(vintf);
		mutex_unlock(&vintf->lock);
		if (rc)
			pr_err("CMDQV: VINTF%u not restored after a reset (%d)\n",
			       idx, rc);
	}
	mutex_unlock(&cmdqv->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vcmdqv_reapply);

/**
 * vcmdqv_report_errors() - Report our VINTFs' queue errors to their guests
 * @cmdqv: The CMDQV whose interrupt fired
 *
 * One vEVENT of type TEGRA241_CMDQV per VINTF in error, with its two
 * LVCMDQ error maps; the guest clears the errors through its page 0.
 */
void vcmdqv_report_errors(struct vcmdqv *cmdqv)
{
	const struct vcmdqv_io *io = cmdqv->io;
	u64 map;

	map = (u64)io->read(cmdqv->io_priv, VCMDQV_VINTF_ERR_MAP + 4) << 32 |
	      io->read(cmdqv->io_priv, VCMDQV_VINTF_ERR_MAP);
	/* VINTF0 is the driver's. */
	map &= ~BIT_ULL(0);

	mutex_lock(&cmdqv->lock);
	while (map) {
		unsigned int idx = __ffs64(map);
		struct viommu_vevent_tegra241_cmdqv ev;
		struct vcmdqv_vintf *vintf;
		unsigned int i;

		map &= ~BIT_ULL(idx);
		if (idx >= cmdqv->num_vintfs)
			break;
		vintf = cmdqv->vintfs[idx];
		if (!vintf)
			continue;
		for (i = 0; i < VCMDQV_LVCMDQ_ERR_MAP_NUM_64; i++) {
			u32 off = VCMDQV_VINTF(idx) +
				  VCMDQV_VINTF_LVCMDQ_ERR_MAP_64(i);

			ev.lvcmdq_err_map[i] =
				cpu_to_le64(io->read64(cmdqv->io_priv, off));
		}
		viommu_report_event(&vintf->vsmmu.core,
				    VIOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, &ev,
				    sizeof(ev));
	}
	mutex_unlock(&cmdqv->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vcmdqv_report_errors);

void viommu_cmdqv_reset_done(struct viommu_smmu *smmu)
{
	struct vcmdqv *cmdqv = vcmdqv_of_smmu(smmu);

	if (cmdqv)
		vcmdqv_reapply(cmdqv);
}

void viommu_cmdqv_irq(struct viommu_smmu *smmu)
{
	struct vcmdqv *cmdqv = vcmdqv_of_smmu(smmu);

	if (cmdqv)
		vcmdqv_report_errors(cmdqv);
}

/* The driver's view and PARAM must agree, and the space must hold it. */
static int vcmdqv_check_driver(struct vcmdqv *cmdqv,
			       const struct viommu_shim_cmdqv *sc)
{
	if (cmdqv->num_vintfs != sc->num_vintfs ||
	    cmdqv->num_lvcmdqs_per_vintf != sc->num_lvcmdqs_per_vintf)
		return -EINVAL;
	if (sc->size < VCMDQV_SPACE(cmdqv->num_vintfs))
		return -EINVAL;
	return 0;
}

static int vcmdqv_probe_one(struct viommu_smmu *smmu, void *arg)
{
	struct vsmmu_instance *inst = vsmmu_instance(smmu);
	const char *name = dev_name(viommu_shim_smmu_dev(smmu));
	struct viommu_shim_cmdqv sc;
	struct vcmdqv *cmdqv;
	int rc;

	rc = viommu_shim_smmu_cmdqv(smmu, &sc);
	if (rc == -ENODEV) {
		pr_info("CMDQV backend: no CMDQV behind %s\n", name);
		return 0;
	}
	if (rc) {
		pr_warn("CMDQV backend off for %s: the driver's CMDQV is not usable (%d)\n",
			name, rc);
		return 0;
	}
	cmdqv = vcmdqv_create(smmu, &vcmdqv_mmio_io, (void __force *)sc.base,
			      sc.base_phys);
	if (IS_ERR(cmdqv)) {
		pr_warn("CMDQV backend off for %s: PARAM (%ld)\n", name,
			PTR_ERR(cmdqv));
		return 0;
	}
	cmdqv->vintf_ids = sc.vintf_ids;
	rc = vcmdqv_check_driver(cmdqv, &sc);
	if (rc) {
		pr_warn("CMDQV backend off for %s: PARAM says %u VINTFs x %u queues, the driver %u x %u, space %pa\n",
			name, cmdqv->num_vintfs, cmdqv->num_lvcmdqs_per_vintf,
			sc.num_vintfs, sc.num_lvcmdqs_per_vintf, &sc.size);
		vcmdqv_free(cmdqv);
		return 0;
	}
	pr_info("CMDQV backend: %s: CMDQV v%u, %u VINTFs, %u queues and %u vSIDs per VINTF\n",
		name, cmdqv->version, cmdqv->num_vintfs,
		cmdqv->num_lvcmdqs_per_vintf, cmdqv->num_sids_per_vintf);
	WRITE_ONCE(inst->cmdqv, cmdqv);
	(*(unsigned int *)arg)++;
	return 0;
}

static int vcmdqv_drop_one(struct viommu_smmu *smmu, void *arg)
{
	struct vsmmu_instance *inst = vsmmu_instance(smmu);
	struct vcmdqv *cmdqv = inst ? inst->cmdqv : NULL;

	if (cmdqv) {
		WRITE_ONCE(inst->cmdqv, NULL);
		vcmdqv_free(cmdqv);
	}
	return 0;
}

/**
 * vcmdqv_init() - Bring the CMDQV backend up, after the SMMUv3 instances
 *
 * Never fails: the SMMUv3 backend works without it. One log line per
 * SMMU (or one saying why the backend is off).
 */
void vcmdqv_init(void)
{
	unsigned int n = 0;
	int rc;

	if (viommu_shim_cmdqv_init())
		return;
	viommu_shim_smmu_for_each(vcmdqv_probe_one, &n);
	if (!n)
		return;
	rc = viommu_shim_cmdqv_hooks_get();
	if (rc) {
		pr_warn("CMDQV backend off: cannot hook the driver's reset and interrupt (%d)\n",
			rc);
		viommu_shim_smmu_for_each(vcmdqv_drop_one, NULL);
		return;
	}
	WRITE_ONCE(vcmdqv_on, true);
	pr_info("CMDQV backend on: %u CMDQV(s)\n", n);
}

/**
 * vcmdqv_exit() - Take the CMDQV backend down
 *
 * Runs once no vIOMMU is left (each pins the module). Safe when init left
 * the backend off.
 */
void vcmdqv_exit(void)
{
	if (READ_ONCE(vcmdqv_on)) {
		WRITE_ONCE(vcmdqv_on, false);
		viommu_shim_cmdqv_hooks_put();
	}
	viommu_shim_smmu_for_each(vcmdqv_drop_one, NULL);
	viommu_shim_cmdqv_exit();
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * viommu_cmdqv_test_attach() - For KUnit: give an SMMU a CMDQV of registers
 * @smmu: An instance the SMMUv3 backend serves, with no CMDQV
 * @io: Register access (a model)
 * @io_priv: Given to @io
 * @base_phys: Physical address of the register space, for the mmap
 *
 * The VINTF ids come from an allocator of its own, 0 held as the host's.
 * Nothing else may use @smmu's CMDQV while it is attached or detached.
 *
 * Return: 0; -ENODEV for an unknown SMMU, -EBUSY if it has a CMDQV,
 * -EINVAL if PARAM is out of range, -ENOMEM.
 */
int viommu_cmdqv_test_attach(struct viommu_smmu *smmu,
			     const struct vcmdqv_io *io, void *io_priv,
			     phys_addr_t base_phys)
{
	struct vsmmu_instance *inst = vsmmu_instance(smmu);
	struct vcmdqv *cmdqv;
	struct ida *ids;

	if (!inst)
		return -ENODEV;
	if (READ_ONCE(inst->cmdqv))
		return -EBUSY;
	ids = kzalloc(sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return -ENOMEM;
	ida_init(ids);
	if (ida_alloc_range(ids, 0, 0, GFP_KERNEL)) {
		kfree(ids);
		return -ENOMEM;
	}
	cmdqv = vcmdqv_create(smmu, io, io_priv, base_phys);
	if (IS_ERR(cmdqv)) {
		ida_destroy(ids);
		kfree(ids);
		return PTR_ERR(cmdqv);
	}
	cmdqv->vintf_ids = ids;
	cmdqv->own_ids = true;
	WRITE_ONCE(inst->cmdqv, cmdqv);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_test_attach);

/**
 * viommu_cmdqv_test_detach() - Undo viommu_cmdqv_test_attach()
 * @smmu: The SMMU
 *
 * Return: 0; -ENODEV if @smmu has no CMDQV, -EBUSY while a VINTF lives.
 */
int viommu_cmdqv_test_detach(struct viommu_smmu *smmu)
{
	struct vsmmu_instance *inst = vsmmu_instance(smmu);
	struct vcmdqv *cmdqv = inst ? READ_ONCE(inst->cmdqv) : NULL;

	if (!cmdqv)
		return -ENODEV;
	mutex_lock(&cmdqv->lock);
	if (cmdqv->nr_vintfs) {
		mutex_unlock(&cmdqv->lock);
		return -EBUSY;
	}
	WRITE_ONCE(inst->cmdqv, NULL);
	mutex_unlock(&cmdqv->lock);
	vcmdqv_free(cmdqv);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_test_detach);
#endif
