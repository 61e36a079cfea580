// SPDX-License-Identifier: GPL-2.0
/*
 * The functions of the arm-smmu-v3 driver the shim redirects, in their own
 * hook set: installed by viommu_shim_smmu_init() (a VMM may allocate a
 * nest parent on /dev/iommu before it ever opens /dev/viommu) and removed
 * by viommu_shim_smmu_exit(). 6.12 lacks what 7.2 has here:
 *  - arm_smmu_domain_alloc_user: no IOMMU_HWPT_ALLOC_NEST_PARENT; the
 *    backend makes the nest parent;
 *  - arm_smmu_remove_master_domain: 6.12 finds no device list on a nested
 *    domain, so leaving one would strand its entry on the S2 parent's list
 *    (and an nr_ats_masters count); the hook gives the parent instead;
 *  - queue_remove_raw: no vEVENTQ; an event record the backend delivers
 *    never reaches the driver's handler.
 * All three run in process context: alloc_user from the iommufd ioctl,
 * remove_master_domain under the driver's arm_smmu_asid_lock mutex, and
 * queue_remove_raw only from the threaded handlers of the event and PRI
 * queues (arm_smmu_evtq_thread, arm_smmu_priq_thread: its only callers in
 * 6.12's arm-smmu-v3.c).
 *
 * None escapes by inlining: alloc_user is reached through arm_smmu_ops
 * (checked: the hook is the function the live table points at), and
 * arm_smmu_attach_commit, through which every attach leaves its old
 * domain, is checked at load to branch to remove_master_domain (smmuv3.c).
 * A static function inlined everywhere has no symbol: the backend stays
 * off. queue_remove_raw inlined into the event thread would only leave
 * events with the host, as without the backend.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/iommu.h>
#include <uapi/linux/iommufd.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "smmuv3_internal.h"

#define VL viommu_smmu_layout

enum {
	VIOMMU_SMMU_HOOK_ALLOC_USER,
	VIOMMU_SMMU_HOOK_REMOVE_MASTER_DOMAIN,
	VIOMMU_SMMU_HOOK_QUEUE_REMOVE_RAW,
	VIOMMU_SMMU_NR_HOOKS,
};

static viommu_smmu_domain_alloc_user_fn viommu_smmu_alloc_user;
static viommu_smmu_remove_master_domain_fn viommu_smmu_remove_master_domain;
static viommu_smmu_queue_remove_raw_fn viommu_smmu_queue_remove_raw;

static struct viommu_hook viommu_smmu_hooks[VIOMMU_SMMU_NR_HOOKS] = {
	VIOMMU_HOOK(VIOMMU_SMMU_HOOK_ALLOC_USER, arm_smmu_domain_alloc_user,
		    viommu_smmu_alloc_user),
	VIOMMU_HOOK(VIOMMU_SMMU_HOOK_REMOVE_MASTER_DOMAIN,
		    arm_smmu_remove_master_domain,
		    viommu_smmu_remove_master_domain),
	VIOMMU_HOOK(VIOMMU_SMMU_HOOK_QUEUE_REMOVE_RAW, queue_remove_raw,
		    viommu_smmu_queue_remove_raw),
};

static struct viommu_hook_set viommu_smmu_hook_set = {
	.hooks = viommu_smmu_hooks,
	.count = VIOMMU_SMMU_NR_HOOKS,
};

static bool viommu_smmu_hooks_in;

#define VIOMMU_ORIG(id, fn_type) ((typeof(fn_type) *)viommu_smmu_hooks[id].orig)

static struct iommu_domain *
viommu_smmu_alloc_user(struct device *dev, u32 flags,
		       struct iommu_domain *parent,
		       const struct iommu_user_data *user_data)
{
	struct viommu_hook *hook = &viommu_smmu_hooks[VIOMMU_SMMU_HOOK_ALLOC_USER];
	struct viommu_hook_frame f;
	struct iommu_domain *domain;

	viommu_hook_enter(&f, hook);
	if ((flags & IOMMU_HWPT_ALLOC_NEST_PARENT) && !parent && !user_data) {
		domain = viommu_smmu_alloc_nest_parent(dev, flags);
	} else {
		viommu_hook_bypass(&f, hook);
		domain = VIOMMU_ORIG(VIOMMU_SMMU_HOOK_ALLOC_USER,
				     viommu_smmu_domain_alloc_user_fn)
			(dev, flags, parent, user_data);
		viommu_hook_unbypass(&f);
	}
	viommu_hook_leave(&f);
	return domain;
}

static void viommu_smmu_remove_master_domain(struct arm_smmu_master *master,
					     struct iommu_domain *domain,
					     u32 ssid)
{
	struct viommu_hook *hook =
		&viommu_smmu_hooks[VIOMMU_SMMU_HOOK_REMOVE_MASTER_DOMAIN];
	struct iommu_domain *parent = NULL;
	struct viommu_hook_frame f;

	viommu_hook_enter(&f, hook);
	if (domain)
		parent = viommu_smmu_nested_parent(domain);
	viommu_hook_bypass(&f, hook);
	VIOMMU_ORIG(VIOMMU_SMMU_HOOK_REMOVE_MASTER_DOMAIN,
		    viommu_smmu_remove_master_domain_fn)
		(master, parent ?: domain, ssid);
	viommu_hook_unbypass(&f);
	if (parent)
		viommu_smmu_nested_left(*(struct device **)((void *)master +
							    VL.master_dev.offset),
					domain);
	viommu_hook_leave(&f);
}

/*
 * Records of an SMMU's event queue go to the backend first; one it
 * delivers is consumed here and the next is read, so the driver's loop
 * only sees the rest.
 */
static int viommu_smmu_queue_remove_raw(struct arm_smmu_queue *q, u64 *ent)
{
	struct viommu_hook *hook =
		&viommu_smmu_hooks[VIOMMU_SMMU_HOOK_QUEUE_REMOVE_RAW];
	struct viommu_smmu *smmu = viommu_smmu_of_evtq(q);
	struct viommu_hook_frame f;
	int rc;

	viommu_hook_enter(&f, hook);
	do {
		viommu_hook_bypass(&f, hook);
		rc = VIOMMU_ORIG(VIOMMU_SMMU_HOOK_QUEUE_REMOVE_RAW,
				 viommu_smmu_queue_remove_raw_fn)(q, ent);
		viommu_hook_unbypass(&f);
		/* A guest can fault at line rate: let others run. */
		cond_resched();
	} while (!rc && smmu && viommu_smmu_event(smmu, ent));
	viommu_hook_leave(&f);
	return rc;
}

/*
 * alloc_user must be the function the live ops table points at: a
 * replacement of a namesake would never run.
 */
static int viommu_smmu_hook_resolve(struct viommu_hook *hook,
				    const struct iommu_ops *ops)
{
	int rc;

	rc = viommu_smmu_layout_check_func(hook->name);
	if (rc)
		return rc;
	if (hook == &viommu_smmu_hooks[VIOMMU_SMMU_HOOK_ALLOC_USER]) {
		hook->orig = (unsigned long)ops->domain_alloc_user;
		return viommu_sym_vmlinux_is(hook->orig, hook->name) ? 0 : -EINVAL;
	}
	return viommu_sym_resolve_vmlinux(hook->name, &hook->orig);
}

/**
 * viommu_smmu_hooks_init() - Resolve the SMMU hooks and install them
 * @ops: The live arm_smmu_ops
 * @why: Filled with the hook or step that failed
 *
 * Return: 0 (installed until viommu_smmu_hooks_exit()), or the errno.
 */
int viommu_smmu_hooks_init(const struct iommu_ops *ops,
			   struct viommu_shim_why *why)
{
	unsigned int i;
	int rc;

	for (i = 0; i < VIOMMU_SMMU_NR_HOOKS; i++) {
		why->step = "resolve";
		why->name = viommu_smmu_hooks[i].name;
		rc = viommu_smmu_hook_resolve(&viommu_smmu_hooks[i], ops);
		if (rc)
			return rc;
	}
	why->step = "install";
	why->name = "SMMU ftrace hooks (EBUSY: kernel.ftrace_enabled=0 or another IPMODIFY user)";
	rc = viommu_hook_set_install(&viommu_smmu_hook_set);
	if (rc)
		return rc;
	viommu_smmu_hooks_in = true;
	return 0;
}

/**
 * viommu_smmu_hooks_exit() - Remove the SMMU hooks
 *
 * On return no task is inside a replacement. If ftrace cannot unregister
 * them the call sites stay patched into this module's text: rather than
 * let it be freed, this never returns.
 */
void viommu_smmu_hooks_exit(void)
{
	if (!viommu_smmu_hooks_in)
		return;
	viommu_hook_set_remove_for_unload(&viommu_smmu_hook_set, "SMMU hooks");
	viommu_smmu_hooks_in = false;
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * viommu_smmu_hook_calls() - How often an SMMU replacement ran
 * @name: The hooked function
 *
 * Return: The count, or -ENOENT.
 */
long viommu_smmu_hook_calls(const char *name)
{
	return viommu_hook_calls(viommu_smmu_hooks, VIOMMU_SMMU_NR_HOOKS, name);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmu_hook_calls);
#endif
