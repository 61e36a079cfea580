// SPDX-License-Identifier: GPL-2.0
/*
 * The shim on a kernel it cannot work with: Kbuild chose this file and
 * VIOMMU_SHIM_OFF says why. It says so once and is never ready. The core
 * checks viommu_shim_ready() before touching a stock object, so the
 * accessors below are never reached; they fail safely all the same.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/err.h>
#include <linux/iommufd.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

#include "shim.h"

/**
 * viommu_shim_init() - Say why the shim is off
 *
 * A module without the shim still loads.
 */
void viommu_shim_init(void)
{
	pr_warn("stock iommufd shim off: %s\n", VIOMMU_SHIM_OFF);
}

/**
 * viommu_shim_exit() - Nothing to undo
 */
void viommu_shim_exit(void)
{
}

/* Always N here; the same read-only parameter as the real shim's. */
static bool viommu_shim_on;
module_param_named(shim_ready, viommu_shim_on, bool, 0444);
MODULE_PARM_DESC(shim_ready, "Read only: the stock iommufd shim is on (never, here)");

/**
 * viommu_shim_ready() - Never
 *
 * Return: false.
 */
bool viommu_shim_ready(void)
{
	return false;
}

/**
 * viommu_shim_verify_ictx() - No context can be used without the shim
 * @ictx: Unused
 *
 * Return: -EOPNOTSUPP.
 */
int viommu_shim_verify_ictx(struct iommufd_ctx *ictx)
{
	pr_warn_ratelimited("stock iommufd shim is off: cannot use iommufd contexts\n");
	return -EOPNOTSUPP;
}

/**
 * viommu_shim_get_object() - No stock object without the shim
 * @ictx: Unused
 * @id: Unused
 * @type: Unused
 *
 * Return: ERR_PTR(-EOPNOTSUPP).
 */
struct iommufd_object *viommu_shim_get_object(struct iommufd_ctx *ictx, u32 id,
					      enum viommu_stock_type type)
{
	return ERR_PTR(-EOPNOTSUPP);
}

/**
 * viommu_shim_put_object() - Never reached
 * @ictx: Unused
 * @obj: Unused
 */
void viommu_shim_put_object(struct iommufd_ctx *ictx,
			    struct iommufd_object *obj)
{
	WARN_ON_ONCE(1);
}

/**
 * viommu_shim_pin() - Never reached
 * @obj: Unused
 */
void viommu_shim_pin(struct iommufd_object *obj)
{
	WARN_ON_ONCE(1);
}

/**
 * viommu_shim_unpin() - Never reached
 * @obj: Unused
 */
void viommu_shim_unpin(struct iommufd_object *obj)
{
	WARN_ON_ONCE(1);
}

/**
 * viommu_shim_try_pin() - Never reached
 * @obj: Unused
 *
 * Return: false.
 */
bool viommu_shim_try_pin(struct iommufd_object *obj)
{
	WARN_ON_ONCE(1);
	return false;
}

/**
 * viommu_shim_remove_object() - Never reached
 * @ictx: Unused
 * @obj: Unused
 *
 * Return: -EOPNOTSUPP.
 */
int viommu_shim_remove_object(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	WARN_ON_ONCE(1);
	return -EOPNOTSUPP;
}

/**
 * viommu_shim_object_id() - Never reached
 * @obj: Unused
 *
 * Return: 0.
 */
u32 viommu_shim_object_id(struct iommufd_object *obj)
{
	WARN_ON_ONCE(1);
	return 0;
}

/**
 * viommu_shim_to_idev() - Never reached
 * @obj: Unused
 *
 * Return: NULL.
 */
struct iommufd_device *viommu_shim_to_idev(struct iommufd_object *obj)
{
	WARN_ON_ONCE(1);
	return NULL;
}

/**
 * viommu_shim_idev_obj() - Never reached
 * @idev: Unused
 *
 * Return: NULL.
 */
struct iommufd_object *viommu_shim_idev_obj(struct iommufd_device *idev)
{
	WARN_ON_ONCE(1);
	return NULL;
}

/**
 * viommu_shim_idev_dev() - Never reached
 * @idev: Unused
 *
 * Return: NULL.
 */
struct device *viommu_shim_idev_dev(struct iommufd_device *idev)
{
	WARN_ON_ONCE(1);
	return NULL;
}

/**
 * viommu_shim_hwpt_is_nest_parent() - Never reached
 * @hwpt_paging: Unused
 *
 * Return: false.
 */
bool viommu_shim_hwpt_is_nest_parent(struct iommufd_object *hwpt_paging)
{
	WARN_ON_ONCE(1);
	return false;
}

/**
 * viommu_shim_hwpt_domain() - Never reached
 * @hwpt: Unused
 *
 * Return: NULL.
 */
struct iommu_domain *viommu_shim_hwpt_domain(struct iommufd_object *hwpt)
{
	WARN_ON_ONCE(1);
	return NULL;
}

/**
 * viommu_shim_is_ioas() - Never reached
 * @obj: Unused
 *
 * Return: false.
 */
bool viommu_shim_is_ioas(struct iommufd_object *obj)
{
	WARN_ON_ONCE(1);
	return false;
}

/**
 * viommu_shim_hwpt_ioas_id() - Never reached
 * @hwpt_paging: Unused
 *
 * Return: 0.
 */
u32 viommu_shim_hwpt_ioas_id(struct iommufd_object *hwpt_paging)
{
	WARN_ON_ONCE(1);
	return 0;
}

/**
 * viommu_shim_nested_add() - No stock HWPT without the shim
 * @ictx: Unused
 * @parent: Unused
 * @domain: Unused
 * @prepare: Unused
 * @arg: Unused
 * @out_id: Unused
 * @out_obj: Unused
 *
 * Return: -EOPNOTSUPP.
 */
int viommu_shim_nested_add(struct iommufd_ctx *ictx,
			   struct iommufd_object *parent,
			   struct iommu_domain *domain,
			   int (*prepare)(struct iommufd_object *nested,
					  void *arg),
			   void *arg, u32 *out_id,
			   struct iommufd_object **out_obj)
{
	return -EOPNOTSUPP;
}

/**
 * viommu_shim_access_pin() - Never reached
 * @access: Unused
 */
void viommu_shim_access_pin(struct iommufd_access *access)
{
	WARN_ON_ONCE(1);
}

/**
 * viommu_shim_access_unpin() - Never reached
 * @access: Unused
 */
void viommu_shim_access_unpin(struct iommufd_access *access)
{
	WARN_ON_ONCE(1);
}

/**
 * viommu_shim_guard_add() - Never reached
 * @guard: Initialised so that viommu_shim_guard_del() is harmless
 * @owner: Unused
 * @iova: Unused
 * @length: Unused
 *
 * Return: -EOPNOTSUPP
 */
int viommu_shim_guard_add(struct viommu_shim_guard *guard,
			  struct iommufd_object *owner, unsigned long iova,
			  unsigned long length)
{
	WARN_ON_ONCE(1);
	INIT_HLIST_NODE(&guard->node);
	return -EOPNOTSUPP;
}

/**
 * viommu_shim_guard_del() - Never reached
 * @guard: Unused
 */
void viommu_shim_guard_del(struct viommu_shim_guard *guard)
{
	WARN_ON_ONCE(1);
}

/**
 * viommu_shim_hooks_get() - Nothing to install
 *
 * Return: 0
 */
int viommu_shim_hooks_get(void)
{
	return 0;
}

/**
 * viommu_shim_door_init() - No door without the shim
 * @door_fops: Unused
 * @stock_fops: Unused
 * @stock_test_cmd: Unused
 * @reason: Set to why
 *
 * Return: -EOPNOTSUPP.
 */
int viommu_shim_door_init(const struct file_operations *door_fops,
			  const struct file_operations **stock_fops,
			  bool *stock_test_cmd, const char **reason)
{
	*reason = "the stock iommufd shim is off: " VIOMMU_SHIM_OFF;
	return -EOPNOTSUPP;
}

/**
 * viommu_shim_door_exit() - Nothing to undo
 */
void viommu_shim_door_exit(void)
{
}

/**
 * viommu_shim_unpinned_begin() - Never reached: there is no door file
 * @u: Unused
 * @ictx: Unused
 */
void viommu_shim_unpinned_begin(struct viommu_shim_unpinned *u,
				struct iommufd_ctx *ictx)
{
}

/**
 * viommu_shim_unpinned_end() - Never reached: there is no door file
 * @u: Unused
 */
void viommu_shim_unpinned_end(struct viommu_shim_unpinned *u)
{
}

/**
 * viommu_shim_ctx_put_pinned() - Without the door, every put is real
 * @ictx: The context to unpin
 */
void viommu_shim_ctx_put_pinned(struct iommufd_ctx *ictx)
{
	iommufd_ctx_put(ictx);
}

/**
 * viommu_shim_fault_ready() - Never
 *
 * Return: false.
 */
bool viommu_shim_fault_ready(void)
{
	return false;
}

/**
 * viommu_shim_get_fault() - No fault queue without the shim
 * @ictx: Unused
 * @id: Unused
 *
 * Return: ERR_PTR(-EOPNOTSUPP).
 */
struct iommufd_object *viommu_shim_get_fault(struct iommufd_ctx *ictx, u32 id)
{
	return ERR_PTR(-EOPNOTSUPP);
}

/**
 * viommu_shim_hwpt_set_fault() - Never reached
 * @hwpt: Unused
 * @domain: Unused
 * @fault: Unused
 */
void viommu_shim_hwpt_set_fault(struct iommufd_object *hwpt,
				struct iommu_domain *domain,
				struct iommufd_object *fault)
{
	WARN_ON_ONCE(1);
}

/**
 * viommu_shim_hwpt_fault() - Never reached
 * @hwpt: Unused
 *
 * Return: NULL.
 */
struct iommufd_object *viommu_shim_hwpt_fault(struct iommufd_object *hwpt)
{
	WARN_ON_ONCE(1);
	return NULL;
}
