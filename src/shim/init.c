// SPDX-License-Identifier: GPL-2.0
/*
 * Bringing the shim up and down. Nothing is installed unless everything
 * verifies: every private layout and prototype against the running
 * kernel's own BTF (layout.c), and every symbol is where it must be.
 * Anything else leaves the shim off, with one log line saying what failed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "internal.h"

static bool viommu_shim_on;
/* Read-only, so tests and users can tell "shim off" from a failure. */
module_param_named(shim_ready, viommu_shim_on, bool, 0444);
MODULE_PARM_DESC(shim_ready,
		 "Read only: the stock iommufd shim verified (the log says why not)");

/**
 * viommu_shim_init() - Verify the stock iommufd and check the hooks
 *
 * The hooks are installed and removed once to see that ftrace takes them;
 * after that, the first user installs them for good (viommu_shim_hooks_get():
 * the /dev/iommu door at load, else the first bound context).
 * Never fails the module load: when something does not verify, one
 * warning names it and viommu_shim_ready() stays false.
 */
void viommu_shim_init(void)
{
	struct viommu_shim_why why = {};
	int rc;

	rc = viommu_sym_init(&why);
	if (!rc)
		rc = viommu_iommufd_init(&why);
	if (!rc)
		rc = viommu_hooks_init(&why);
	if (rc) {
		viommu_sym_exit();
		pr_warn("stock iommufd shim off: %s %s failed (%d)\n",
			why.step, why.name, rc);
		return;
	}
	/* Pairs with viommu_shim_ready(): the resolved addresses come first. */
	smp_store_release(&viommu_shim_on, true);
	pr_info("shim: ready: stock iommufd verified, hooks checked (installed when first needed: the /dev/iommu door or a bound context, until unload)\n");
}

/**
 * viommu_shim_exit() - Take the hooks out and release the stock iommufd
 *
 * Call on unload once no context is left. Also when the shim never came
 * on: a load-time check may have left hooks patched in.
 */
void viommu_shim_exit(void)
{
	WRITE_ONCE(viommu_shim_on, false);
	viommu_hooks_exit();
	viommu_sym_exit();
}

/**
 * viommu_shim_ready() - Whether the shim verified
 *
 * Return: true if the stock accessors and hooks may be used.
 */
bool viommu_shim_ready(void)
{
	/* Pairs with viommu_shim_init(). */
	return smp_load_acquire(&viommu_shim_on);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_ready);
