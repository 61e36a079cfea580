/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the files of the shim only. Nothing here is a private kernel
 * header: the layouts stay in iommufd.c and hooks.c.
 */
#ifndef _VIOMMU_SHIM_INTERNAL_H
#define _VIOMMU_SHIM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/list.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "shim.h"

/* The module whose private functions the shim calls and hooks. */
#define VIOMMU_STOCK_MODULE "iommufd"

/**
 * struct viommu_shim_why - What made the shim give up, for its one log line
 * @step: What was being done, e.g. "resolve"
 * @name: The symbol, hook or check it failed on
 */
struct viommu_shim_why {
	const char *step;
	const char *name;
};

/* symbols.c */
int viommu_sym_init(struct viommu_shim_why *why);
int viommu_sym_resolve(const char *modname, const char *name,
		       unsigned long *addr);
int viommu_sym_resolve_data(const char *modname, const char *name,
			    size_t size, unsigned long *addr);
int viommu_sym_resolve_vmlinux(const char *name, unsigned long *addr);
int viommu_sym_resolve_vmlinux_data(const char *name, size_t size,
				    unsigned long *addr);
int viommu_sym_resolve_vmlinux_object(const char *name, size_t size,
				      unsigned long *addr);
bool viommu_sym_vmlinux_is(unsigned long addr, const char *name);
bool viommu_sym_vmlinux_calls(unsigned long addr, const char *name,
			      unsigned long callee);
void viommu_sym_exit(void);

wait_queue_head_t *viommu_shim_idev_destroy_wait(struct iommufd_device *idev);

/* Works around a stock wake-up that misses the unbind (hooks.c) */
struct viommu_unbind_waker {
	struct timer_list timer;
	wait_queue_head_t *wq;
};

void viommu_unbind_waker_start(struct viommu_unbind_waker *w,
			       wait_queue_head_t *wq);
void viommu_unbind_waker_stop(struct viommu_unbind_waker *w);

/**
 * struct viommu_hook - One function redirected to a replacement
 * @name: The function, a text symbol of VIOMMU_STOCK_MODULE
 * @replacement: Where calls to @name go; same prototype
 * @orig: The address of @name once resolved; the replacement calls it
 * @calls: How many times the replacement ran
 */
struct viommu_hook {
	const char *name;
	void *replacement;
	unsigned long orig;
	atomic_long_t calls;
};

/**
 * struct viommu_hook_frame - A running replacement, on its stack
 * @node: Linkage in the table of frames, hashed by task
 * @task: The task running the replacement
 * @armed: The hook whose next entry by @task goes to the original
 * @srcu_idx: The SRCU read side the replacement holds
 */
struct viommu_hook_frame {
	struct hlist_node node;
	struct task_struct *task;
	const struct viommu_hook *armed;
	int srcu_idx;
};

/**
 * struct viommu_hook_set - Hooks that go in and out together
 * @hooks: The hooks, with @replacement and @orig set before install
 * @count: How many
 * @ops: The set's own ftrace_ops, set up by each install
 * @stuck: An unregister failed: the call sites stay patched
 */
struct viommu_hook_set {
	struct viommu_hook *hooks;
	unsigned int count;
	struct ftrace_ops ops;
	bool stuck;
};

/* A line of a hook table: calls to @_fn go to @_repl. */
#define VIOMMU_HOOK(_id, _fn, _repl) \
	[_id] = { .name = #_fn, .replacement = _repl }

/* ftrace_hook.c */
int viommu_hook_set_install(struct viommu_hook_set *set);
int viommu_hook_set_remove(struct viommu_hook_set *set);
void viommu_hook_set_remove_for_unload(struct viommu_hook_set *set,
				       const char *what);
long viommu_hook_calls(const struct viommu_hook *hooks, unsigned int count,
		       const char *name);
int viommu_hooks_install(struct viommu_hook *hooks, unsigned int count);
int viommu_hooks_remove(void);
void viommu_hook_enter(struct viommu_hook_frame *f, struct viommu_hook *hook)
	__acquires(viommu_hook_srcu);
void viommu_hook_leave(struct viommu_hook_frame *f)
	__releases(viommu_hook_srcu);
void viommu_hook_bypass(struct viommu_hook_frame *f,
			const struct viommu_hook *hook);
void viommu_hook_unbypass(struct viommu_hook_frame *f);
bool viommu_hook_bypass_take(const struct viommu_hook *hook);
bool viommu_hook_in_replacement(void);

/* hooks.c */
int viommu_hooks_init(struct viommu_shim_why *why);
void viommu_hooks_exit(void);
long viommu_shim_hook_calls(const char *name);
#if IS_ENABLED(CONFIG_KUNIT)
void viommu_shim_test_nested_abort(struct iommufd_object *nested);
int viommu_shim_test_refcount(void);
#endif

/* iommufd.c */
int viommu_iommufd_init(struct viommu_shim_why *why);
void *viommu_shim_iopt(struct iommufd_object *obj);
#if IS_ENABLED(CONFIG_KUNIT)
void viommu_shim_test_set_nest_parent(struct iommufd_object *hwpt, bool on);
#endif

/**
 * struct viommu_guard_unmap - A stock unmap in flight, on its hook's stack
 * @node: Linkage in the guard bucket of @iopt
 * @iopt: The io_pagetable, NULL when not in flight
 * @first: First IOVA of the unmapped range
 * @last: Last IOVA (inclusive)
 */
struct viommu_guard_unmap {
	struct hlist_node node;
	void *iopt;
	unsigned long first;
	unsigned long last;
};

/* guard.c */
void viommu_guards_init(void);
int viommu_guard_unmap_begin(struct viommu_guard_unmap *u, void *iopt,
			     unsigned long first, unsigned long last);
void viommu_guard_unmap_end(struct viommu_guard_unmap *u);

/* btf.c, layout.c: private layouts from the running kernel's BTF */
#include "layout.h"

#endif /* _VIOMMU_SHIM_INTERNAL_H */
