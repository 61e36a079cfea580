/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the files of the shim only. Nothing here is a private kernel
 * header: the layouts stay in iommufd.c and hooks.c.
 */
#ifndef _VIOMMU_SHIM_INTERNAL_H
#define _VIOMMU_SHIM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/types.h>

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
void viommu_sym_exit(void);

/**
 * struct viommu_hook - One function redirected to a replacement
 * @name: The function, a text symbol of VIOMMU_STOCK_MODULE
 * @replacement: Where calls to @name go; same prototype
 * @orig: The address of @name once resolved; the replacement calls it
 * @ops: The ftrace registration
 * @calls: How many times the replacement ran
 * @installed: @ops is registered
 */
struct viommu_hook {
	const char *name;
	void *replacement;
	unsigned long orig;
	struct ftrace_ops ops;
	atomic_long_t calls;
	bool installed;
};

struct viommu_bypass;

/* ftrace_hook.c */
int viommu_hook_install(struct viommu_hook *hook);
void viommu_hook_remove(struct viommu_hook *hook);
void viommu_hooks_drain(void);
int viommu_hook_enter(struct viommu_hook *hook)
	__acquires(viommu_hook_srcu);
void viommu_hook_leave(int idx) __releases(viommu_hook_srcu);
struct viommu_bypass *viommu_hook_bypass(const struct viommu_hook *hook);
void viommu_hook_unbypass(struct viommu_bypass *bypass);
bool viommu_hook_bypass_take(const struct viommu_hook *hook);

/* hooks.c */
int viommu_hooks_init(struct viommu_shim_why *why);
void viommu_hooks_exit(void);
long viommu_shim_hook_calls(const char *name);

/* iommufd.c */
int viommu_iommufd_init(struct viommu_shim_why *why);
void *viommu_shim_iopt(struct iommufd_object *obj);
#if IS_ENABLED(CONFIG_KUNIT)
void viommu_shim_test_set_nest_parent(struct iommufd_object *hwpt, bool on);
#endif

/* guard.c */
void viommu_guards_lock(void);
void viommu_guards_unlock(void);
bool viommu_guarded(void *iopt, unsigned long first, unsigned long last);

/* btf.c, layout.c: private layouts from the running kernel's BTF */
#include "layout.h"

#endif /* _VIOMMU_SHIM_INTERNAL_H */
