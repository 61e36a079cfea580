// SPDX-License-Identifier: GPL-2.0
/*
 * The functions of 6.12's tegra241-cmdqv driver the shim follows, in their
 * own hook set: installed while a CMDQV is in use (first get), removed at
 * the last put. 6.12 knows only its own VINTF0:
 *  - tegra241_cmdqv_hw_reset: re-maps every VCMDQ to its static VINTF and
 *    enables VINTF0 only; the backend then re-applies its VINTFs;
 *  - tegra241_cmdqv_isr: handles VINTF0's errors only; the backend reports
 *    those of its VINTFs.
 * Both run the driver's function first, then the backend's callback, in
 * process context: hw_reset from the SMMU's probe (impl_ops->device_reset,
 * its only caller), the ISR as the thread of a threaded IRQ.
 *
 * Neither escapes by inlining: both are reached through pointers only
 * (hw_reset through tegra241_cmdqv_impl_ops, checked at init to point at
 * exactly the hooked function; the ISR through request_threaded_irq()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/mutex.h>

#include "cmdqv_internal.h"

enum {
	VIOMMU_CMDQV_HOOK_HW_RESET,
	VIOMMU_CMDQV_HOOK_ISR,
	VIOMMU_CMDQV_NR_HOOKS,
};

static viommu_cmdqv_hw_reset_fn viommu_cmdqv_hw_reset;
static viommu_cmdqv_isr_fn viommu_cmdqv_isr;

static struct viommu_hook viommu_cmdqv_hooks[VIOMMU_CMDQV_NR_HOOKS] = {
	VIOMMU_HOOK(VIOMMU_CMDQV_HOOK_HW_RESET, tegra241_cmdqv_hw_reset,
		    viommu_cmdqv_hw_reset),
	VIOMMU_HOOK(VIOMMU_CMDQV_HOOK_ISR, tegra241_cmdqv_isr,
		    viommu_cmdqv_isr),
};

static struct viommu_hook_set viommu_cmdqv_hook_set = {
	.hooks = viommu_cmdqv_hooks,
	.count = VIOMMU_CMDQV_NR_HOOKS,
};

/* Serialises get/put/exit; a removal waits for the replacements under it. */
static DEFINE_MUTEX(viommu_cmdqv_hooks_lock);
/* Resolved and verified by viommu_shim_cmdqv_init(). */
static bool viommu_cmdqv_hooks_ok;
static unsigned int viommu_cmdqv_hooks_users;

#define VIOMMU_ORIG(id, fn_type) \
	((typeof(fn_type) *)viommu_cmdqv_hooks[id].orig)

static int viommu_cmdqv_hw_reset(struct arm_smmu_device *smmu)
{
	struct viommu_hook *hook =
		&viommu_cmdqv_hooks[VIOMMU_CMDQV_HOOK_HW_RESET];
	struct viommu_hook_frame f;
	int rc;

	viommu_hook_enter(&f, hook);
	viommu_hook_bypass(&f, hook);
	rc = VIOMMU_ORIG(VIOMMU_CMDQV_HOOK_HW_RESET,
			 viommu_cmdqv_hw_reset_fn)(smmu);
	viommu_hook_unbypass(&f);
	if (!rc)
		viommu_cmdqv_reset_done((struct viommu_smmu *)smmu);
	viommu_hook_leave(&f);
	return rc;
}

/* @devid is the cmdqv, whose smmu is at offset 0 (checked by the table). */
static irqreturn_t viommu_cmdqv_isr(int irq, void *devid)
{
	struct viommu_hook *hook = &viommu_cmdqv_hooks[VIOMMU_CMDQV_HOOK_ISR];
	struct viommu_hook_frame f;
	irqreturn_t ret;

	viommu_hook_enter(&f, hook);
	viommu_hook_bypass(&f, hook);
	ret = VIOMMU_ORIG(VIOMMU_CMDQV_HOOK_ISR, viommu_cmdqv_isr_fn)(irq, devid);
	viommu_hook_unbypass(&f);
	viommu_cmdqv_irq(devid);
	viommu_hook_leave(&f);
	return ret;
}

/**
 * viommu_cmdqv_hooks_set() - Where the hooked functions are
 * @hw_reset: tegra241_cmdqv_hw_reset(), resolved and checked
 * @isr: tegra241_cmdqv_isr(), resolved and checked
 *
 * From viommu_shim_cmdqv_init(), while no hook is installed. Allows get.
 */
void viommu_cmdqv_hooks_set(unsigned long hw_reset, unsigned long isr)
{
	mutex_lock(&viommu_cmdqv_hooks_lock);
	if (!WARN_ON(viommu_cmdqv_hooks_users)) {
		viommu_cmdqv_hooks[VIOMMU_CMDQV_HOOK_HW_RESET].orig = hw_reset;
		viommu_cmdqv_hooks[VIOMMU_CMDQV_HOOK_ISR].orig = isr;
		viommu_cmdqv_hooks_ok = true;
	}
	mutex_unlock(&viommu_cmdqv_hooks_lock);
}

/**
 * viommu_shim_cmdqv_hooks_get() - Install the CMDQV hooks (counted)
 *
 * Return: 0 (installed until the matching put); -EOPNOTSUPP when the
 * CMDQV shim did not verify, or ftrace's errno (-EBUSY: another IPMODIFY
 * user or kernel.ftrace_enabled=0), logged.
 */
int viommu_shim_cmdqv_hooks_get(void)
{
	int rc = 0;

	mutex_lock(&viommu_cmdqv_hooks_lock);
	if (!viommu_cmdqv_hooks_ok) {
		rc = -EOPNOTSUPP;
	} else if (!viommu_cmdqv_hooks_users) {
		rc = viommu_hook_set_install(&viommu_cmdqv_hook_set);
		if (rc)
			pr_warn("cannot install the CMDQV ftrace hooks: %d\n",
				rc);
	}
	if (!rc)
		viommu_cmdqv_hooks_users++;
	mutex_unlock(&viommu_cmdqv_hooks_lock);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_cmdqv_hooks_get);

/* With the lock held: on return no task runs a replacement. */
static void viommu_cmdqv_hooks_remove(void)
{
	viommu_hook_set_remove_for_unload(&viommu_cmdqv_hook_set,
					  "CMDQV hooks");
}

/**
 * viommu_shim_cmdqv_hooks_put() - Drop a get; the last one removes the hooks
 *
 * Waits until no task runs a replacement: never from the backend's
 * callbacks.
 */
void viommu_shim_cmdqv_hooks_put(void)
{
	mutex_lock(&viommu_cmdqv_hooks_lock);
	if (!WARN_ON(!viommu_cmdqv_hooks_users) &&
	    !--viommu_cmdqv_hooks_users)
		viommu_cmdqv_hooks_remove();
	mutex_unlock(&viommu_cmdqv_hooks_lock);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_cmdqv_hooks_put);

/**
 * viommu_cmdqv_hooks_exit() - No more gets; remove the hooks if a get leaked
 *
 * On return no task runs a replacement.
 */
void viommu_cmdqv_hooks_exit(void)
{
	mutex_lock(&viommu_cmdqv_hooks_lock);
	viommu_cmdqv_hooks_ok = false;
	if (WARN_ON(viommu_cmdqv_hooks_users)) {
		viommu_cmdqv_hooks_users = 0;
		viommu_cmdqv_hooks_remove();
	}
	mutex_unlock(&viommu_cmdqv_hooks_lock);
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * viommu_cmdqv_hook_calls() - How often a CMDQV replacement ran
 * @name: The hooked function
 *
 * Return: The count, or -ENOENT.
 */
long viommu_cmdqv_hook_calls(const char *name)
{
	return viommu_hook_calls(viommu_cmdqv_hooks, VIOMMU_CMDQV_NR_HOOKS,
				 name);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_hook_calls);

/**
 * viommu_cmdqv_hooks_installed() - Whether ftrace has the set registered
 *
 * Return: ftrace's own word (its ops is enabled), not our count.
 */
bool viommu_cmdqv_hooks_installed(void)
{
	bool in;

	mutex_lock(&viommu_cmdqv_hooks_lock);
	in = READ_ONCE(viommu_cmdqv_hook_set.ops.flags) & FTRACE_OPS_FL_ENABLED;
	mutex_unlock(&viommu_cmdqv_hooks_lock);
	return in;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_hooks_installed);

/**
 * viommu_cmdqv_test_isr() - Call tegra241_cmdqv_isr() at its own address
 * @irq: Passed on
 * @devid: A struct tegra241_cmdqv (for KUnit: one made up, whose register
 *	   page the ISR only reads)
 *
 * As the IRQ thread does: through the hook while it is installed.
 *
 * Return: What the call returned.
 */
irqreturn_t viommu_cmdqv_test_isr(int irq, void *devid)
{
	if (WARN_ON(!viommu_cmdqv_hooks_ok))
		return IRQ_NONE;
	return VIOMMU_ORIG(VIOMMU_CMDQV_HOOK_ISR, viommu_cmdqv_isr_fn)(irq,
								       devid);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_test_isr);
#endif
