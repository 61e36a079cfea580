// SPDX-License-Identifier: GPL-2.0
/*
 * The SMMUv3 backend: upstream's arm-smmu-v3-iommufd.c for 6.12's driver,
 * through the shim's SMMU door (src/shim/smmuv3.h). This file brings it up
 * and down, keeps the per-SMMU state and the module pins of the domains
 * whose ops live here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "vsmmu.h"
#include "backend.h"
#include "../cmdqv/cmdqv.h"
#include "../shim/shim.h"

static bool vsmmu_on;
/* Read-only, so tests can tell "backend off" from a failure. */
module_param_named(smmuv3_ready, vsmmu_on, bool, 0444);
MODULE_PARM_DESC(smmuv3_ready,
		 "Read only: the SMMUv3 vIOMMU backend is on (the log says why not)");

/* Published once by init (release), read by the callbacks (acquire). */
static struct vsmmu_instance *vsmmu_insts;
static unsigned int vsmmu_nr_insts;

/**
 * vsmmu_instance() - The backend state of a physical SMMU
 * @smmu: Any pointer: it is only compared
 *
 * Return: the state, or NULL if @smmu is none of the instances found.
 */
struct vsmmu_instance *vsmmu_instance(struct viommu_smmu *smmu)
{
	/* Pairs with vsmmu_instances_init(): the entries are filled in. */
	struct vsmmu_instance *insts = smp_load_acquire(&vsmmu_insts);
	unsigned int i;

	if (!insts || !smmu)
		return NULL;
	for (i = 0; i < vsmmu_nr_insts; i++)
		if (insts[i].smmu == smmu)
			return &insts[i];
	return NULL;
}

/*
 * Domains whose ops are ours (nest parents, nested domains) pin the module:
 * a stock HWPT outlives every file of ours. Their free cannot drop the pin
 * itself and then return into the module, so it counts the pin here and a
 * work item drops it; exit flushes that work. The return of the free that
 * queued it is waited out too: removing the SMMU hooks at exit waits for
 * RCU-tasks, which counts a task preempted anywhere as still inside.
 */
static atomic_t vsmmu_pins_to_drop = ATOMIC_INIT(0);

static void vsmmu_unpin_work_fn(struct work_struct *work)
{
	int n = atomic_xchg(&vsmmu_pins_to_drop, 0);

	while (n--)
		module_put(THIS_MODULE);
}

static DECLARE_WORK(vsmmu_unpin_work, vsmmu_unpin_work_fn);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * viommu_smmuv3_test_state() - For KUnit: whether the backend is on
 * @flush: Drop the deferred pins first
 *
 * Return: true if the backend is on.
 */
bool viommu_smmuv3_test_state(bool flush)
{
	if (flush)
		flush_work(&vsmmu_unpin_work);
	return READ_ONCE(vsmmu_on);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmuv3_test_state);
#endif

/**
 * vsmmu_pin() - Pin the module for a domain whose ops are ours
 *
 * Return: 0, or -ENODEV while the module is being unloaded.
 */
int vsmmu_pin(void)
{
	return try_module_get(THIS_MODULE) ? 0 : -ENODEV;
}

/**
 * vsmmu_unpin_deferred() - Drop a vsmmu_pin() after the caller returned
 *
 * The last thing a domain's free does.
 */
void vsmmu_unpin_deferred(void)
{
	atomic_inc(&vsmmu_pins_to_drop);
	schedule_work(&vsmmu_unpin_work);
}

/**
 * viommu_smmuv3_nesting_ok() - Whether an SMMU can nest (upstream FEAT_NESTING)
 * @idr0: Its IDR0
 * @iidr: Its IIDR
 *
 * Both stages, minus the parts whose errata make upstream turn nesting off
 * (MMU-600 before r2: 1209401; MMU-700 before r1p1: 2268618, 2812531).
 *
 * Return: true if nesting may be offered.
 */
bool viommu_smmuv3_nesting_ok(u32 idr0, u32 iidr)
{
	unsigned int variant = FIELD_GET(VSMMU_IIDR_VARIANT, iidr);
	unsigned int revision = FIELD_GET(VSMMU_IIDR_REVISION, iidr);

	if (!(idr0 & VSMMU_IDR0_S1P) || !(idr0 & VSMMU_IDR0_S2P))
		return false;
	if (FIELD_GET(VSMMU_IIDR_IMPLEMENTER, iidr) != VSMMU_IIDR_IMPLEMENTER_ARM)
		return true;
	switch (FIELD_GET(VSMMU_IIDR_PRODUCTID, iidr)) {
	case VSMMU_IIDR_PRODUCT_MMU_600:
		return variant >= 2;
	case VSMMU_IIDR_PRODUCT_MMU_700:
		return variant >= 1 && revision >= 1;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmuv3_nesting_ok);

static int vsmmu_count_fn(struct viommu_smmu *smmu, void *arg)
{
	(*(unsigned int *)arg)++;
	return 0;
}

static int vsmmu_fill_fn(struct viommu_smmu *smmu, void *arg)
{
	struct vsmmu_instance **next = arg;

	(*next)->smmu = smmu;
	mutex_init(&(*next)->lock);
	hash_init((*next)->vmasters);
	(*next)++;
	return 0;
}

static int vsmmu_instances_init(void)
{
	struct vsmmu_instance *insts, *next;
	unsigned int n = 0;

	viommu_shim_smmu_for_each(vsmmu_count_fn, &n);
	if (!n)
		return -ENODEV;
	insts = kcalloc(n, sizeof(*insts), GFP_KERNEL);
	if (!insts)
		return -ENOMEM;
	next = insts;
	viommu_shim_smmu_for_each(vsmmu_fill_fn, &next);
	vsmmu_nr_insts = next - insts;
	/* Pairs with vsmmu_instance(): the entries before the pointer. */
	smp_store_release(&vsmmu_insts, insts);
	return 0;
}

static void vsmmu_instances_exit(void)
{
	struct vsmmu_instance *insts = vsmmu_insts;
	unsigned int i;

	WRITE_ONCE(vsmmu_insts, NULL);
	if (!insts)
		return;
	for (i = 0; i < vsmmu_nr_insts; i++) {
		/* Every nested domain is gone: they pin the module. */
		WARN_ON(!hash_empty(insts[i].vmasters));
		mutex_destroy(&insts[i].lock);
	}
	vsmmu_nr_insts = 0;
	kfree(insts);
}

/**
 * viommu_smmuv3_init() - Bring the SMMUv3 backend up
 *
 * Never fails the module load: one log line says whether the backend is
 * on (the shim's own line says why the SMMU door did not open).
 */
void viommu_smmuv3_init(void)
{
	int rc;

	if (!viommu_shim_ready()) {
		pr_info("SMMUv3 backend off: the stock iommufd shim is not ready\n");
		return;
	}
	rc = viommu_shim_smmu_init();
	if (rc)
		return;

	rc = vsmmu_instances_init();
	if (rc) {
		pr_warn("SMMUv3 backend off: no SMMU instance to serve (%d)\n", rc);
		goto err_shim;
	}
	/* Before the driver is registered: vIOMMUs may come right after. */
	vcmdqv_init();
	viommu_smmuv3_driver.iommu_ops = viommu_shim_smmu_iommu_ops();
	rc = viommu_register_driver(&viommu_smmuv3_driver);
	if (rc) {
		pr_warn("SMMUv3 backend off: cannot register the vIOMMU driver (%d)\n",
			rc);
		goto err_cmdqv;
	}
	WRITE_ONCE(vsmmu_on, true);
	pr_info("SMMUv3 backend on: %u instance(s)\n", vsmmu_nr_insts);
	return;

err_cmdqv:
	vcmdqv_exit();
	viommu_shim_smmu_exit();
	vsmmu_instances_exit();
	return;
err_shim:
	viommu_shim_smmu_exit();
}

/**
 * viommu_smmuv3_exit() - Take the SMMUv3 backend down
 *
 * Runs once the module's refcount is zero: no vIOMMU and no domain of ours
 * is left. Safe when init left the backend off.
 */
void viommu_smmuv3_exit(void)
{
	if (READ_ONCE(vsmmu_on)) {
		WRITE_ONCE(vsmmu_on, false);
		viommu_unregister_driver(&viommu_smmuv3_driver);
		vcmdqv_exit();
		/* Waits until no task runs one of our callbacks. */
		viommu_shim_smmu_exit();
		vsmmu_instances_exit();
	}
	/* The last pin may have been dropped by the work: let it return. */
	flush_work(&vsmmu_unpin_work);
}
