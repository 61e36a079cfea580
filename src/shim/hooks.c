// SPDX-License-Identifier: GPL-2.0
/*
 * Every function of the stock iommufd the shim redirects, in one table,
 * and their replacements. 6.12 lacks what 7.2 relies on here:
 *  - iommufd_device_unbind: no vDEVICE tombstones, so the core tears the
 *    device's vDEVICE down before the stock removal (which would find the
 *    idev pinned and WARN);
 *  - iommufd_hwpt_nested_destroy: the core learns that a nested HWPT it
 *    injected is gone;
 *  - iommufd_device_detach, iommufd_device_replace: a device left a HWPT,
 *    maybe one a closed context was waiting for;
 *  - iopt_unmap_iova, iopt_unmap_all: a range under a guard gives EBUSY,
 *    where 6.12 would retry 100 times, WARN and fail with EDEADLOCK.
 * The prototypes come from the private header, so a replacement cannot
 * drift from the function it stands in for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/iommufd.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include "iommufd_private.h"
#include "internal.h"

enum {
	VIOMMU_HOOK_DEVICE_UNBIND,
	VIOMMU_HOOK_NESTED_DESTROY,
	VIOMMU_HOOK_DEVICE_DETACH,
	VIOMMU_HOOK_DEVICE_REPLACE,
	VIOMMU_HOOK_UNMAP_IOVA,
	VIOMMU_HOOK_UNMAP_ALL,
	VIOMMU_NR_HOOKS,
};

static typeof(iommufd_device_unbind) viommu_device_unbind;
static typeof(iommufd_hwpt_nested_destroy) viommu_hwpt_nested_destroy;
static typeof(iommufd_device_detach) viommu_device_detach;
static typeof(iommufd_device_replace) viommu_device_replace;
static typeof(iopt_unmap_iova) viommu_iopt_unmap_iova;
static typeof(iopt_unmap_all) viommu_iopt_unmap_all;

#define VIOMMU_HOOK(_id, _fn, _repl) \
	[_id] = { .name = #_fn, .replacement = _repl }

static struct viommu_hook viommu_hooks[VIOMMU_NR_HOOKS] = {
	VIOMMU_HOOK(VIOMMU_HOOK_DEVICE_UNBIND, iommufd_device_unbind,
		    viommu_device_unbind),
	VIOMMU_HOOK(VIOMMU_HOOK_NESTED_DESTROY, iommufd_hwpt_nested_destroy,
		    viommu_hwpt_nested_destroy),
	VIOMMU_HOOK(VIOMMU_HOOK_DEVICE_DETACH, iommufd_device_detach,
		    viommu_device_detach),
	VIOMMU_HOOK(VIOMMU_HOOK_DEVICE_REPLACE, iommufd_device_replace,
		    viommu_device_replace),
	VIOMMU_HOOK(VIOMMU_HOOK_UNMAP_IOVA, iopt_unmap_iova,
		    viommu_iopt_unmap_iova),
	VIOMMU_HOOK(VIOMMU_HOOK_UNMAP_ALL, iopt_unmap_all,
		    viommu_iopt_unmap_all),
};

/* The original of hook @id, typed like @fn. */
#define VIOMMU_ORIG(id, fn) ((typeof(fn) *)viommu_hooks[id].orig)

static void viommu_device_unbind(struct iommufd_device *idev)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_DEVICE_UNBIND];
	struct viommu_bypass *bypass;
	int idx;

	idx = viommu_hook_enter(hook);
	viommu_core_idev_unbind(idev);
	bypass = viommu_hook_bypass(hook);
	VIOMMU_ORIG(VIOMMU_HOOK_DEVICE_UNBIND, iommufd_device_unbind)(idev);
	viommu_hook_unbypass(bypass);
	viommu_core_idev_unbind_done(idev);
	viommu_hook_leave(idx);
}

static void viommu_hwpt_nested_destroy(struct iommufd_object *obj)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_NESTED_DESTROY];
	struct viommu_bypass *bypass;
	int idx;

	idx = viommu_hook_enter(hook);
	bypass = viommu_hook_bypass(hook);
	VIOMMU_ORIG(VIOMMU_HOOK_NESTED_DESTROY, iommufd_hwpt_nested_destroy)(obj);
	viommu_hook_unbypass(bypass);
	/* @obj is freed only after this returns: still a valid key. */
	viommu_core_nested_destroyed(obj);
	viommu_hook_leave(idx);
}

static void viommu_device_detach(struct iommufd_device *idev)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_DEVICE_DETACH];
	struct viommu_bypass *bypass;
	int idx;

	idx = viommu_hook_enter(hook);
	bypass = viommu_hook_bypass(hook);
	VIOMMU_ORIG(VIOMMU_HOOK_DEVICE_DETACH, iommufd_device_detach)(idev);
	viommu_hook_unbypass(bypass);
	viommu_core_attach_changed();
	viommu_hook_leave(idx);
}

static int viommu_device_replace(struct iommufd_device *idev, u32 *pt_id)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_DEVICE_REPLACE];
	struct viommu_bypass *bypass;
	int idx, rc;

	idx = viommu_hook_enter(hook);
	bypass = viommu_hook_bypass(hook);
	rc = VIOMMU_ORIG(VIOMMU_HOOK_DEVICE_REPLACE, iommufd_device_replace)
		(idev, pt_id);
	viommu_hook_unbypass(bypass);
	if (!rc)
		viommu_core_attach_changed();
	viommu_hook_leave(idx);
	return rc;
}

/*
 * Both unmaps hold the guard lock across the original: once a guard is
 * added, no unmap that could still reach its range is in flight.
 */
static int viommu_iopt_unmap_iova(struct io_pagetable *iopt,
				  unsigned long iova, unsigned long length,
				  unsigned long *unmapped)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_UNMAP_IOVA];
	struct viommu_bypass *bypass;
	unsigned long last;
	int idx, rc;

	idx = viommu_hook_enter(hook);
	viommu_guards_lock();
	/* An empty or wrapping range gets the stock errno from the original. */
	if (length && !check_add_overflow(iova, length - 1, &last) &&
	    viommu_guarded(iopt, iova, last)) {
		if (unmapped)
			*unmapped = 0;
		rc = -EBUSY;
	} else {
		bypass = viommu_hook_bypass(hook);
		rc = VIOMMU_ORIG(VIOMMU_HOOK_UNMAP_IOVA, iopt_unmap_iova)
			(iopt, iova, length, unmapped);
		viommu_hook_unbypass(bypass);
	}
	viommu_guards_unlock();
	viommu_hook_leave(idx);
	return rc;
}

static int viommu_iopt_unmap_all(struct io_pagetable *iopt,
				 unsigned long *unmapped)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_UNMAP_ALL];
	struct viommu_bypass *bypass;
	int idx, rc;

	idx = viommu_hook_enter(hook);
	viommu_guards_lock();
	/*
	 * Only iommufd_ioas_destroy() passes no @unmapped: the IOAS is being
	 * freed and must not be refused. A guard still on it is a core bug
	 * (guards come with a pin that keeps the IOAS alive).
	 */
	if (viommu_guarded(iopt, 0, ULONG_MAX) && !WARN_ON_ONCE(!unmapped)) {
		*unmapped = 0;
		rc = -EBUSY;
	} else {
		bypass = viommu_hook_bypass(hook);
		rc = VIOMMU_ORIG(VIOMMU_HOOK_UNMAP_ALL, iopt_unmap_all)
			(iopt, unmapped);
		viommu_hook_unbypass(bypass);
	}
	viommu_guards_unlock();
	viommu_hook_leave(idx);
	return rc;
}

/**
 * viommu_hooks_init() - Resolve and install every hook of the table
 * @why: Filled with the hook that failed
 *
 * All or nothing: on failure no hook is left installed.
 *
 * Return: 0 or the errno of the failing step.
 */
int viommu_hooks_init(struct viommu_shim_why *why)
{
	unsigned int i;
	int rc;

	for (i = 0; i < VIOMMU_NR_HOOKS; i++) {
		struct viommu_hook *hook = &viommu_hooks[i];

		why->name = hook->name;
		why->step = "resolve";
		rc = viommu_sym_resolve(VIOMMU_STOCK_MODULE, hook->name,
					&hook->orig);
		if (rc)
			goto err_remove;
		why->step = "hook";
		rc = viommu_hook_install(hook);
		if (rc)
			goto err_remove;
	}
	return 0;

err_remove:
	viommu_hooks_exit();
	return rc;
}

/**
 * viommu_hooks_exit() - Remove every hook, wait until no task is inside one
 */
void viommu_hooks_exit(void)
{
	unsigned int i;

	for (i = 0; i < VIOMMU_NR_HOOKS; i++)
		viommu_hook_remove(&viommu_hooks[i]);
	viommu_hooks_drain();
}

/**
 * viommu_shim_hook_calls() - How often a replacement ran
 * @name: The hooked function
 *
 * Return: The count, or -ENOENT for a function no hook replaces.
 */
long viommu_shim_hook_calls(const char *name)
{
	unsigned int i;

	for (i = 0; i < VIOMMU_NR_HOOKS; i++)
		if (!strcmp(viommu_hooks[i].name, name))
			return atomic_long_read(&viommu_hooks[i].calls);
	return -ENOENT;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_hook_calls);
