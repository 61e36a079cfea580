/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only door to what the kernel does not export: private layouts of the
 * stock iommufd, looked-up symbols and ftrace hooks. The core sees opaque
 * pointers and the functions below; nothing outside src/shim/ includes a
 * private kernel header.
 */
#ifndef _VIOMMU_SHIM_H
#define _VIOMMU_SHIM_H

#include <linux/list.h>
#include <linux/types.h>

struct device;
struct iommu_domain;
struct iommufd_access;
struct iommufd_ctx;
struct iommufd_device;
struct iommufd_object;

/* Stock object types the core looks up, mapped to the kernel's enum. */
enum viommu_stock_type {
	VIOMMU_STOCK_ANY,
	VIOMMU_STOCK_DEVICE,
	VIOMMU_STOCK_HWPT_PAGING,
	VIOMMU_STOCK_HWPT_NESTED,
	VIOMMU_STOCK_IOAS,
};

/*
 * init never fails the load: a shim that does not verify logs one line and
 * stays not ready. Call exit on unload, after everything that could have
 * taken a hooks reference is gone: it waits for a deferred removal.
 */
void viommu_shim_init(void);
void viommu_shim_exit(void);
void viommu_layout_btf_release(void);	/* layout.c: built everywhere */
bool viommu_shim_ready(void);

/*
 * The hooks are installed only once someone needs them: the /dev/iommu
 * door at load, else the first bound context; they stay until the module
 * unloads
 * (-ENOMEM or -EOPNOTSUPP if installing fails; 0 and nothing installed
 * when the shim is not ready).
 */
int viommu_shim_hooks_get(void);
#if IS_ENABLED(CONFIG_KUNIT)
bool viommu_shim_hooks_installed(void);
#endif

/* 0 if @ictx really is a stock context; -EOPNOTSUPP (logged) if not. */
int viommu_shim_verify_ictx(struct iommufd_ctx *ictx);

/*
 * Like the stock iommufd_get_object(): users and shortterm_users taken,
 * ERR_PTR(-ENOENT) for a missing id or another type, ERR_PTR(-EOPNOTSUPP)
 * when the shim is not ready.
 */
struct iommufd_object *viommu_shim_get_object(struct iommufd_ctx *ictx, u32 id,
					      enum viommu_stock_type type);
void viommu_shim_put_object(struct iommufd_ctx *ictx, struct iommufd_object *obj);
/*
 * Long-term pins: users only, so stock IOMMU_DESTROY of @obj gives EBUSY.
 * Pin only an object held (from get_object); drop every pin before the
 * reference on the stock context goes.
 */
void viommu_shim_pin(struct iommufd_object *obj);
void viommu_shim_unpin(struct iommufd_object *obj);
/* users++ unless the object is already being destroyed (users == 0). */
bool viommu_shim_try_pin(struct iommufd_object *obj);
/*
 * Stock iommufd_object_remove(ictx, obj, obj->id, 0): consumes one users
 * reference the caller holds; -EBUSY if something else still uses @obj.
 */
int viommu_shim_remove_object(struct iommufd_ctx *ictx, struct iommufd_object *obj);
u32 viommu_shim_object_id(struct iommufd_object *obj);

struct iommufd_device *viommu_shim_to_idev(struct iommufd_object *obj);
struct iommufd_object *viommu_shim_idev_obj(struct iommufd_device *idev);
struct device *viommu_shim_idev_dev(struct iommufd_device *idev);

bool viommu_shim_hwpt_is_nest_parent(struct iommufd_object *hwpt_paging);
struct iommu_domain *viommu_shim_hwpt_domain(struct iommufd_object *hwpt);
bool viommu_shim_is_ioas(struct iommufd_object *obj);
u32 viommu_shim_hwpt_ioas_id(struct iommufd_object *hwpt_paging);

/*
 * Put @domain into @ictx as a stock IOMMUFD_OBJ_HWPT_NESTED on @parent
 * (a nest-parent HWPT_PAGING, which gets one more user, as stock nesting
 * does). *@out_obj is the new object, also the key later passed to
 * viommu_core_nested_destroyed(). @prepare runs before the object becomes
 * visible; if it fails, nothing is left behind and the domain is not freed.
 */
int viommu_shim_nested_add(struct iommufd_ctx *ictx,
			   struct iommufd_object *parent,
			   struct iommu_domain *domain,
			   int (*prepare)(struct iommufd_object *nested, void *arg),
			   void *arg, u32 *out_id,
			   struct iommufd_object **out_obj);

/*
 * Stock fault queues (IOMMU_FAULT_QUEUE_ALLOC) on nested HWPTs, as 6.12's
 * own HWPT_ALLOC with IOMMU_HWPT_FAULT_ID_VALID. fault_ready: the shim is
 * ready and found the stock IOPF handler. get_fault: as get_object for a
 * fault queue (ERR_PTR(-ENOENT) for anything else, -EOPNOTSUPP when not
 * fault_ready). hwpt_set_fault: @hwpt (a new HWPT not yet visible, whose
 * domain is @domain) reports its IOPFs to @fault, which gets a users
 * reference the stock HWPT destroy drops. hwpt_fault: the fault queue of
 * a HWPT, or NULL.
 */
bool viommu_shim_fault_ready(void);
struct iommufd_object *viommu_shim_get_fault(struct iommufd_ctx *ictx, u32 id);
void viommu_shim_hwpt_set_fault(struct iommufd_object *hwpt,
				struct iommu_domain *domain,
				struct iommufd_object *fault);
struct iommufd_object *viommu_shim_hwpt_fault(struct iommufd_object *hwpt);

/*
 * Keep stock IOMMU_DESTROY from freeing an access the core owns. Unpin
 * before iommufd_access_destroy(), which WARNs on a pinned access.
 */
void viommu_shim_access_pin(struct iommufd_access *access);
void viommu_shim_access_unpin(struct iommufd_access *access);

/**
 * struct viommu_shim_guard - An IOVA range that must stay mapped
 * @node: Linkage in the shim's guard table
 * @iopt: The stock io_pagetable the range is in
 * @iova: First IOVA
 * @last: Last IOVA (inclusive)
 *
 * While a guard is added, unmapping any part of the range from the IOAS
 * (IOMMU_IOAS_UNMAP or the VFIO compat path) fails with EBUSY. Adding one
 * waits for unmaps in flight on that range (only those), so pin the
 * range's pages after adding the guard and unpin them before deleting it;
 * never add a guard while holding a lock the caller's access ->unmap
 * callback takes. Deleting never waits. The owner (a HWPT_PAGING or an
 * IOAS) stays pinned while the guard is added, and the hooks are installed
 * (the caller's context is bound).
 */
struct viommu_shim_guard {
	struct hlist_node node;
	void *iopt;
	unsigned long iova;
	unsigned long last;
};

int __must_check viommu_shim_guard_add(struct viommu_shim_guard *guard,
				       struct iommufd_object *owner,
				       unsigned long iova,
				       unsigned long length);
void viommu_shim_guard_del(struct viommu_shim_guard *guard);

/*
 * Implemented by the core, called from the hooks, in process context (may
 * sleep). idev_unbind runs before the stock unbind, possibly under VFIO's
 * dev_set->lock. nested_destroyed runs after the stock destroy freed the
 * domain: @nested is only a key; the core ignores one it does not know.
 * attach_changed runs after a stock detach or a successful replace.
 */
void viommu_core_idev_unbind(struct iommufd_device *idev);
void viommu_core_idev_unbind_done(struct iommufd_device *idev);
void viommu_core_nested_destroyed(struct iommufd_object *nested);
/* A device was detached or moved to another HWPT. */
void viommu_core_attach_changed(void);

/*
 * The stock-file door (door_hooks.c). init checks the stock iommufd_fops
 * and installs the hooks: from then on, a /dev/iommu file whose stock open
 * succeeded gets @door_fops, once viommu_door_opened() accepted it. exit
 * removes them (call when no door file is left).
 */
#include <linux/fs.h>

struct task_struct;
int viommu_shim_door_init(const struct file_operations *door_fops,
			  const struct file_operations **stock_fops,
			  bool *stock_test_cmd, const char **reason);
void viommu_shim_door_exit(void);

/**
 * struct viommu_shim_unpinned - A section that does not pin a door file
 * @node: Linkage in the shim's table of sections
 * @task: The task running it
 * @ictx: The context whose pins are skipped
 */
struct viommu_shim_unpinned {
	struct hlist_node node;
	struct task_struct *task;
	struct iommufd_ctx *ictx;
};

void viommu_shim_unpinned_begin(struct viommu_shim_unpinned *u,
				struct iommufd_ctx *ictx);
void viommu_shim_unpinned_end(struct viommu_shim_unpinned *u);
void viommu_shim_ctx_put_pinned(struct iommufd_ctx *ictx);

/*
 * Implemented by the door, called by the open hook after the stock open
 * succeeded: 0 if @filp becomes a door file, an errno to leave it stock.
 */
int viommu_door_opened(struct file *filp, struct iommufd_ctx *ictx);

#endif /* _VIOMMU_SHIM_H */
