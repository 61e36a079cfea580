// SPDX-License-Identifier: GPL-2.0
/*
 * Every function of the stock iommufd the shim redirects, in one table,
 * and their replacements. 6.12 lacks what 7.2 relies on here:
 *  - iommufd_device_unbind: no vDEVICE tombstones, so the core tears the
 *    device's vDEVICE down before the stock removal (which would find the
 *    idev pinned and WARN);
 *  - iommufd_hwpt_nested_destroy, iommufd_hwpt_nested_abort: the core
 *    learns that a nested HWPT it injected is gone;
 *  - iommufd_device_detach, iommufd_device_replace: a device left a HWPT,
 *    maybe one a closed context was waiting for;
 *  - iopt_unmap_iova, iopt_unmap_all: a range under a guard gives EBUSY,
 *    where 6.12 would retry 100 times, WARN and fail with EDEADLOCK.
 * And one stock bug the unbind hook works around (viommu_unbind_waker).
 * The prototypes come from the private header, so a replacement cannot
 * drift from the function it stands in for.
 *
 * A hook only sees calls that reach the function's own code, so a copy
 * inlined into a caller escapes it. Why none does here (no LTO, so no
 * inlining across translation units):
 *  - iommufd_device_unbind/detach/replace are exported and called from
 *    VFIO, another module; iommufd's own callers (selftest.c, only with
 *    IOMMUFD_TEST) are in another file;
 *  - iopt_unmap_iova and iopt_unmap_all are called only from ioas.c and
 *    vfio_compat.c, not from io_pagetable.c where they live;
 *  - iommufd_hwpt_nested_destroy and _abort are reached through the
 *    stock iommufd_object_ops table, checked at load to point at exactly
 *    these two functions; _abort calls _destroy in the same file (and it
 *    is inlined there in our build), which is why _abort is hooked too.
 *
 * The hooks are installed only while a reference is held: each bound
 * context takes one. Removal waits for grace periods, so a reference
 * dropped inside a hook is handed to a work item.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/delay.h>
#include <linux/iommufd.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "internal.h"

enum {
	VIOMMU_HOOK_DEVICE_UNBIND,
	VIOMMU_HOOK_NESTED_DESTROY,
	VIOMMU_HOOK_NESTED_ABORT,
	VIOMMU_HOOK_DEVICE_DETACH,
	VIOMMU_HOOK_DEVICE_REPLACE,
	VIOMMU_HOOK_UNMAP_IOVA,
	VIOMMU_HOOK_UNMAP_ALL,
	VIOMMU_NR_HOOKS,
};

static viommu_device_unbind_fn viommu_device_unbind;
static viommu_hwpt_nested_destroy_fn viommu_hwpt_nested_destroy;
static viommu_hwpt_nested_abort_fn viommu_hwpt_nested_abort;
static viommu_device_detach_fn viommu_device_detach;
static viommu_device_replace_fn viommu_device_replace;
static viommu_iopt_unmap_iova_fn viommu_iopt_unmap_iova;
static viommu_iopt_unmap_all_fn viommu_iopt_unmap_all;

static struct viommu_hook viommu_hooks[VIOMMU_NR_HOOKS] = {
	VIOMMU_HOOK(VIOMMU_HOOK_DEVICE_UNBIND, iommufd_device_unbind,
		    viommu_device_unbind),
	VIOMMU_HOOK(VIOMMU_HOOK_NESTED_DESTROY, iommufd_hwpt_nested_destroy,
		    viommu_hwpt_nested_destroy),
	VIOMMU_HOOK(VIOMMU_HOOK_NESTED_ABORT, iommufd_hwpt_nested_abort,
		    viommu_hwpt_nested_abort),
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
#define VIOMMU_ORIG(id, fn_type) ((typeof(fn_type) *)viommu_hooks[id].orig)

/*
 * Stock iommufd (6.12 and 7.2) wakes a remover waiting for short-term
 * users with wake_up_interruptible_all(), but the remover sleeps in
 * wait_event_timeout(), uninterruptibly: a stock ioctl on a device while
 * it unbinds leaves the unbind asleep for the full 60 s timeout. While
 * the stock unbind runs, a timer wakes every sleeper of the file's
 * destroy_wait; each rechecks its condition and sleeps again if it must.
 */
#define VIOMMU_UNBIND_WAKE_MS 10

static void viommu_unbind_wake(struct timer_list *t)
{
	struct viommu_unbind_waker *w = from_timer(w, t, timer);

	wake_up_all(w->wq);
	mod_timer(&w->timer, jiffies + msecs_to_jiffies(VIOMMU_UNBIND_WAKE_MS));
}

/**
 * viommu_unbind_waker_start() - Wake every sleeper of @wq until stopped
 * @w: The waker, on the caller's stack
 * @wq: The queue, which must outlive viommu_unbind_waker_stop()
 */
void viommu_unbind_waker_start(struct viommu_unbind_waker *w,
			       wait_queue_head_t *wq)
{
	w->wq = wq;
	timer_setup_on_stack(&w->timer, viommu_unbind_wake, 0);
	mod_timer(&w->timer, jiffies + msecs_to_jiffies(VIOMMU_UNBIND_WAKE_MS));
}
EXPORT_SYMBOL_IF_KUNIT(viommu_unbind_waker_start);

/**
 * viommu_unbind_waker_stop() - Stop @w; no wake-up runs after this returns
 * @w: A started waker
 */
void viommu_unbind_waker_stop(struct viommu_unbind_waker *w)
{
	timer_shutdown_sync(&w->timer);
	destroy_timer_on_stack(&w->timer);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_unbind_waker_stop);

static void viommu_device_unbind(struct iommufd_device *idev)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_DEVICE_UNBIND];
	struct viommu_unbind_waker w;
	struct viommu_hook_frame f;

	viommu_hook_enter(&f, hook);
	viommu_core_idev_unbind(idev);
	/* The file outlives the unbind: its binder holds it. */
	viommu_unbind_waker_start(&w, viommu_shim_idev_destroy_wait(idev));
	viommu_hook_bypass(&f, hook);
	VIOMMU_ORIG(VIOMMU_HOOK_DEVICE_UNBIND, viommu_device_unbind_fn)(idev);
	viommu_hook_unbypass(&f);
	viommu_unbind_waker_stop(&w);
	viommu_core_idev_unbind_done(idev);
	viommu_hook_leave(&f);
}

static void viommu_hwpt_nested_destroy(struct iommufd_object *obj)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_NESTED_DESTROY];
	struct viommu_hook_frame f;

	viommu_hook_enter(&f, hook);
	viommu_hook_bypass(&f, hook);
	VIOMMU_ORIG(VIOMMU_HOOK_NESTED_DESTROY, viommu_hwpt_nested_destroy_fn)(obj);
	viommu_hook_unbypass(&f);
	/* @obj is freed only after this returns: still a valid key. */
	viommu_core_nested_destroyed(obj);
	viommu_hook_leave(&f);
}

/*
 * The core ignores a key it does not know, so when _abort reaches the
 * hooked _destroy (not inlined), the second notice is harmless.
 */
static void viommu_hwpt_nested_abort(struct iommufd_object *obj)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_NESTED_ABORT];
	struct viommu_hook_frame f;

	viommu_hook_enter(&f, hook);
	viommu_hook_bypass(&f, hook);
	VIOMMU_ORIG(VIOMMU_HOOK_NESTED_ABORT, viommu_hwpt_nested_abort_fn)(obj);
	viommu_hook_unbypass(&f);
	viommu_core_nested_destroyed(obj);
	viommu_hook_leave(&f);
}

static void viommu_device_detach(struct iommufd_device *idev)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_DEVICE_DETACH];
	struct viommu_hook_frame f;

	viommu_hook_enter(&f, hook);
	viommu_hook_bypass(&f, hook);
	VIOMMU_ORIG(VIOMMU_HOOK_DEVICE_DETACH, viommu_device_detach_fn)(idev);
	viommu_hook_unbypass(&f);
	viommu_core_attach_changed();
	viommu_hook_leave(&f);
}

static int viommu_device_replace(struct iommufd_device *idev, u32 *pt_id)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_DEVICE_REPLACE];
	struct viommu_hook_frame f;
	int rc;

	viommu_hook_enter(&f, hook);
	viommu_hook_bypass(&f, hook);
	rc = VIOMMU_ORIG(VIOMMU_HOOK_DEVICE_REPLACE, viommu_device_replace_fn)
		(idev, pt_id);
	viommu_hook_unbypass(&f);
	if (!rc)
		viommu_core_attach_changed();
	viommu_hook_leave(&f);
	return rc;
}

/*
 * Both unmaps stay listed as in flight across the original: once a guard
 * is added, no unmap that could still reach its range is running.
 */
static int viommu_iopt_unmap_iova(struct io_pagetable *iopt,
				  unsigned long iova, unsigned long length,
				  unsigned long *unmapped)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_UNMAP_IOVA];
	struct viommu_guard_unmap u = {};
	struct viommu_hook_frame f;
	unsigned long last;
	int rc;

	viommu_hook_enter(&f, hook);
	/* An empty or wrapping range gets the stock errno from the original. */
	if (length && !check_add_overflow(iova, length - 1, &last) &&
	    viommu_guard_unmap_begin(&u, iopt, iova, last)) {
		if (unmapped)
			*unmapped = 0;
		rc = -EBUSY;
	} else {
		viommu_hook_bypass(&f, hook);
		rc = VIOMMU_ORIG(VIOMMU_HOOK_UNMAP_IOVA, viommu_iopt_unmap_iova_fn)
			(iopt, iova, length, unmapped);
		viommu_hook_unbypass(&f);
		viommu_guard_unmap_end(&u);
	}
	viommu_hook_leave(&f);
	return rc;
}

static int viommu_iopt_unmap_all(struct io_pagetable *iopt,
				 unsigned long *unmapped)
{
	struct viommu_hook *hook = &viommu_hooks[VIOMMU_HOOK_UNMAP_ALL];
	struct viommu_guard_unmap u;
	struct viommu_hook_frame f;
	int rc;

	viommu_hook_enter(&f, hook);
	/*
	 * Only iommufd_ioas_destroy() passes no @unmapped: the IOAS is being
	 * freed and must not be refused. A guard still on it is a core bug
	 * (guards come with a pin that keeps the IOAS alive).
	 */
	if (viommu_guard_unmap_begin(&u, iopt, 0, ULONG_MAX) &&
	    !WARN_ON_ONCE(!unmapped)) {
		*unmapped = 0;
		rc = -EBUSY;
	} else {
		viommu_hook_bypass(&f, hook);
		rc = VIOMMU_ORIG(VIOMMU_HOOK_UNMAP_ALL, viommu_iopt_unmap_all_fn)
			(iopt, unmapped);
		viommu_hook_unbypass(&f);
		viommu_guard_unmap_end(&u);
	}
	viommu_hook_leave(&f);
	return rc;
}

/*
 * Stock destroy and abort of a nested HWPT must reach our two hooks: the
 * entry of the stock object ops table (a static array of iommufd main.c),
 * laid out as the running kernel's BTF says, must point at exactly them.
 */
static viommu_hwpt_nested_abort_fn *viommu_stock_nested_abort;

static int viommu_hooks_check_ops(struct viommu_shim_why *why)
{
	const struct viommu_layout *vl = &viommu_layout;
	unsigned long addr, destroy, abort;
	const void *entry;
	size_t table_size;
	int rc;

	why->step = "check";
	why->name = "iommufd_object_ops[IOMMUFD_OBJ_HWPT_NESTED]";
	/* Read only inside the entry, and the entry inside the table. */
	if (vl->ops_size < sizeof(destroy) ||
	    vl->ops_destroy.size != sizeof(destroy) ||
	    vl->ops_abort.size != sizeof(abort) ||
	    vl->ops_destroy.offset > vl->ops_size - sizeof(destroy) ||
	    vl->ops_abort.offset > vl->ops_size - sizeof(abort) ||
	    vl->obj_hwpt_nested >= vl->obj_max ||
	    check_mul_overflow((size_t)vl->obj_hwpt_nested + 1,
			       (size_t)vl->ops_size, &table_size))
		return -EINVAL;
	rc = viommu_sym_resolve_data(VIOMMU_STOCK_MODULE, "iommufd_object_ops",
				     table_size, &addr);
	if (rc)
		return rc;
	entry = (const void *)(addr + table_size - vl->ops_size);
	memcpy(&destroy, entry + vl->ops_destroy.offset, sizeof(destroy));
	memcpy(&abort, entry + vl->ops_abort.offset, sizeof(abort));
	if (destroy != viommu_hooks[VIOMMU_HOOK_NESTED_DESTROY].orig ||
	    abort != viommu_hooks[VIOMMU_HOOK_NESTED_ABORT].orig)
		return -EINVAL;
	viommu_stock_nested_abort = (viommu_hwpt_nested_abort_fn *)abort;
	return 0;
}

/*
 * The hooks go in with their first user (the door at load, else the first
 * bound context) and stay until unload:
 * taking them out at every last close would let any user with
 * /dev/viommu make every close patch kernel text and wait for RCU-tasks
 * grace periods under ftrace_lock, and each new install opens a window
 * where a stock call already running escapes them.
 */
static DEFINE_MUTEX(viommu_hooks_lock);
static bool viommu_hooks_in;
/* Resolved and verified at load: installing may be tried. */
static bool viommu_hooks_ok;

/**
 * viommu_shim_hooks_get() - Make sure the hooks are installed
 *
 * Once in, they stay until the module unloads.
 *
 * Return: 0; -ENOMEM, or -EOPNOTSUPP if ftrace refuses the hooks (logged
 * with its errno). Without a ready shim there is nothing to install: 0.
 */
int viommu_shim_hooks_get(void)
{
	int rc = 0;

	/* Lockless fast path: pairs with the release below. */
	if (smp_load_acquire(&viommu_hooks_in))
		return 0;
	mutex_lock(&viommu_hooks_lock);
	if (!viommu_hooks_in && viommu_hooks_ok) {
		rc = viommu_hooks_install(viommu_hooks, VIOMMU_NR_HOOKS);
		if (rc) {
			pr_warn_ratelimited("cannot install the ftrace hooks: %d\n",
					    rc);
			/* EBUSY would read as "already bound" to a binder. */
			if (rc != -ENOMEM)
				rc = -EOPNOTSUPP;
		} else {
			/* Pairs with the acquire of the fast path. */
			smp_store_release(&viommu_hooks_in, true);
		}
	}
	mutex_unlock(&viommu_hooks_lock);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_hooks_get);

/**
 * viommu_shim_hooks_installed() - Whether the hooks are in
 *
 * Return: true while ftrace sends the hooked functions to us.
 */
bool viommu_shim_hooks_installed(void)
{
	/* Lockless: a removal holds the lock while it waits for hooks. */
	return READ_ONCE(viommu_hooks_in);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_hooks_installed);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * viommu_shim_test_nested_abort() - Call the stock abort of a nested HWPT
 * @nested: An unpublished nested HWPT
 *
 * Through the stock ops table, as iommufd_object_abort_and_destroy() does.
 */
void viommu_shim_test_nested_abort(struct iommufd_object *nested)
{
	viommu_stock_nested_abort(nested);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_test_nested_abort);

/**
 * viommu_shim_test_refcount() - The reference count of this module
 *
 * Return: module_refcount() of viommu.ko, which the hooks pin.
 */
int viommu_shim_test_refcount(void)
{
	return module_refcount(THIS_MODULE);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_test_refcount);
#endif

/**
 * viommu_hooks_init() - Resolve and check every hook of the table
 * @why: Filled with the hook or check that failed
 *
 * Every stock path relied on must reach a hook, and ftrace must accept the
 * hooks: they are installed and removed once here, so a kernel with
 * kernel.ftrace_enabled=0 or a function another IPMODIFY user holds turns
 * the shim off now rather than failing a bind later. Nothing stays
 * installed.
 *
 * Return: 0 or the errno of the failing step.
 */
int viommu_hooks_init(struct viommu_shim_why *why)
{
	unsigned int i;
	int rc;

	viommu_guards_init();
	for (i = 0; i < VIOMMU_NR_HOOKS; i++) {
		struct viommu_hook *hook = &viommu_hooks[i];

		why->name = hook->name;
		why->step = "check";
		rc = viommu_layout_check_func(hook->name);
		if (rc)
			return rc;
		why->step = "resolve";
		rc = viommu_sym_resolve(VIOMMU_STOCK_MODULE, hook->name,
					&hook->orig);
		if (rc)
			return rc;
	}
	rc = viommu_hooks_check_ops(why);
	if (rc)
		return rc;

	why->step = "install";
	why->name = "ftrace hooks (EBUSY: kernel.ftrace_enabled=0 or another IPMODIFY user)";
	rc = viommu_hooks_install(viommu_hooks, VIOMMU_NR_HOOKS);
	if (rc)
		return rc;
	why->step = "remove";
	rc = viommu_hooks_remove();
	if (rc) {
		/* Still patched: unload must take them out (or never end). */
		viommu_hooks_in = true;
		return rc;
	}
	viommu_hooks_ok = true;
	return 0;
}

/**
 * viommu_hooks_exit() - Take the hooks out for unload
 *
 * On return no task is inside a hook and ftrace no longer calls into the
 * module. If ftrace cannot unregister them (it shut itself down after a
 * bug), the call sites stay patched into this module's text: rather than
 * let that text be freed, this never returns.
 */
void viommu_hooks_exit(void)
{
	mutex_lock(&viommu_hooks_lock);
	viommu_hooks_ok = false;
	if (viommu_hooks_in && viommu_hooks_remove()) {
		pr_emerg("ftrace cannot remove the hooks: unload blocked for good, so that ftrace never calls freed code\n");
		for (;;)
			msleep_interruptible(MSEC_PER_SEC * 3600);
	}
	WRITE_ONCE(viommu_hooks_in, false);
	mutex_unlock(&viommu_hooks_lock);
}

/**
 * viommu_shim_hook_calls() - How often a replacement ran
 * @name: The hooked function
 *
 * Return: The count, or -ENOENT for a function no hook replaces.
 */
long viommu_shim_hook_calls(const char *name)
{
	return viommu_hook_calls(viommu_hooks, VIOMMU_NR_HOOKS, name);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_hook_calls);
