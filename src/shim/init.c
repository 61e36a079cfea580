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
#include <linux/printk.h>
#include <linux/string.h>

#include "internal.h"

static bool viommu_shim_on;

/**
 * viommu_shim_init() - Verify the stock iommufd and check the hooks
 *
 * The hooks are installed and removed once to see that ftrace takes them;
 * after that, only bound contexts install them (viommu_shim_hooks_get()).
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
	pr_info("shim: ready: stock iommufd verified, hooks checked (in while a context is bound)\n");
}

/**
 * viommu_shim_exit() - Release the stock iommufd
 *
 * Call last on unload: no context is left, so no hook is installed; this
 * waits for a deferred removal to return.
 */
void viommu_shim_exit(void)
{
	if (!viommu_shim_on)
		return;
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
