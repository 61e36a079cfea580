// SPDX-License-Identifier: GPL-2.0
/*
 * Accessors over the private layouts of the stock iommufd. The header is
 * the one of the kernel tree the module is built against (Kbuild adds its
 * directory to this file's include path); init.c checks that the running
 * kernel is that build before anything here runs. Object lookups and the
 * nested HWPT injection call the stock functions themselves, so stock
 * locking and refcounting stay the stock code's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/refcount.h>
#include <linux/wait.h>

#include "iommufd_private.h"
#include "internal.h"

/* Stock functions the accessors call, typed by the private header. */
static struct {
	typeof(iommufd_get_object) *get_object;
	typeof(_iommufd_object_alloc) *object_alloc;
	typeof(iommufd_object_finalize) *object_finalize;
	typeof(iommufd_object_abort) *object_abort;
	typeof(iommufd_object_remove) *object_remove;
} viommu_stock;

/**
 * viommu_iommufd_init() - Resolve the stock functions the accessors call
 * @why: Filled with the symbol that failed
 *
 * Return: 0 or the errno of viommu_sym_resolve().
 */
int viommu_iommufd_init(struct viommu_shim_why *why)
{
	static const char * const names[] = {
		"iommufd_get_object",
		"_iommufd_object_alloc",
		"iommufd_object_finalize",
		"iommufd_object_abort",
		"iommufd_object_remove",
	};
	unsigned long addr[ARRAY_SIZE(names)];
	unsigned int i;
	int rc;

	why->step = "resolve";
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		why->name = names[i];
		rc = viommu_sym_resolve(VIOMMU_STOCK_MODULE, names[i], &addr[i]);
		if (rc)
			return rc;
	}
	viommu_stock.get_object = (void *)addr[0];
	viommu_stock.object_alloc = (void *)addr[1];
	viommu_stock.object_finalize = (void *)addr[2];
	viommu_stock.object_abort = (void *)addr[3];
	viommu_stock.object_remove = (void *)addr[4];
	return 0;
}

/**
 * viommu_shim_verify_ictx() - Check that a pointer is a stock iommufd context
 * @ictx: What iommufd_ctx_from_fd() gave
 *
 * Return: 0 if @ictx is the private data of its own file, as every stock
 * context is; -EOPNOTSUPP (logged) if not, or if the shim is not ready.
 */
int viommu_shim_verify_ictx(struct iommufd_ctx *ictx)
{
	if (!viommu_shim_ready()) {
		pr_warn_ratelimited("stock iommufd shim is off: cannot use iommufd contexts\n");
		return -EOPNOTSUPP;
	}
	if (!ictx->file || ictx->file->private_data != ictx) {
		pr_warn_ratelimited("iommufd context layout does not match this kernel\n");
		return -EOPNOTSUPP;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_verify_ictx);

static const enum iommufd_object_type viommu_stock_types[] = {
	[VIOMMU_STOCK_ANY] = IOMMUFD_OBJ_ANY,
	[VIOMMU_STOCK_DEVICE] = IOMMUFD_OBJ_DEVICE,
	[VIOMMU_STOCK_HWPT_PAGING] = IOMMUFD_OBJ_HWPT_PAGING,
	[VIOMMU_STOCK_HWPT_NESTED] = IOMMUFD_OBJ_HWPT_NESTED,
	[VIOMMU_STOCK_IOAS] = IOMMUFD_OBJ_IOAS,
};

/**
 * viommu_shim_get_object() - Look up a stock object, as iommufd_get_object()
 * @ictx: The stock context
 * @id: The object id
 * @type: The type it must have
 *
 * Return: The object with users and shortterm_users taken (drop with
 * viommu_shim_put_object()), ERR_PTR(-ENOENT) for a missing id, an
 * object of another type or one being destroyed, or ERR_PTR(-EOPNOTSUPP)
 * when the shim is not ready.
 */
struct iommufd_object *viommu_shim_get_object(struct iommufd_ctx *ictx, u32 id,
					      enum viommu_stock_type type)
{
	/* No stock object ever reaches the core unless the layout verified. */
	if (!viommu_shim_ready())
		return ERR_PTR(-EOPNOTSUPP);
	if ((unsigned int)type >= ARRAY_SIZE(viommu_stock_types))
		return ERR_PTR(-ENOENT);
	return viommu_stock.get_object(ictx, id, viommu_stock_types[type]);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_get_object);

/**
 * viommu_shim_put_object() - Drop what viommu_shim_get_object() took
 * @ictx: The stock context
 * @obj: The object
 *
 * As the stock iommufd_put_object(): users first, then shortterm_users,
 * waking a stock destroy that waits for them.
 */
void viommu_shim_put_object(struct iommufd_ctx *ictx,
			    struct iommufd_object *obj)
{
	iommufd_put_object(ictx, obj);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_put_object);

/**
 * viommu_shim_pin() - Keep a stock object from being destroyed
 * @obj: An object the caller holds (from viommu_shim_get_object())
 *
 * One more users reference, as stock objects hold one another: stock
 * IOMMU_DESTROY of @obj gives EBUSY until viommu_shim_unpin().
 */
void viommu_shim_pin(struct iommufd_object *obj)
{
	refcount_inc(&obj->users);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_pin);

/**
 * viommu_shim_unpin() - Undo viommu_shim_pin()
 * @obj: The pinned object
 */
void viommu_shim_unpin(struct iommufd_object *obj)
{
	refcount_dec(&obj->users);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_unpin);

/**
 * viommu_shim_try_pin() - Pin an object unless it is being destroyed
 * @obj: The object; its memory must be valid (the caller knows it is not
 *       freed yet)
 *
 * Return: true if pinned.
 */
bool viommu_shim_try_pin(struct iommufd_object *obj)
{
	return refcount_inc_not_zero(&obj->users);
}

/**
 * viommu_shim_remove_object() - Destroy a stock object through stock code
 * @ictx: Its context
 * @obj: The object; the caller's users reference is consumed
 *
 * Return: 0; -EBUSY if something else still uses @obj (it stays).
 */
int viommu_shim_remove_object(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	return viommu_stock.object_remove(ictx, obj, obj->id, 0);
}

/**
 * viommu_shim_object_id() - The id of a stock object
 * @obj: The object
 *
 * Return: Its id in its context.
 */
u32 viommu_shim_object_id(struct iommufd_object *obj)
{
	return obj->id;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_object_id);

/**
 * viommu_shim_to_idev() - The device behind a stock DEVICE object
 * @obj: The object
 *
 * Return: The iommufd_device, or NULL if @obj is not a DEVICE.
 */
struct iommufd_device *viommu_shim_to_idev(struct iommufd_object *obj)
{
	if (obj->type != IOMMUFD_OBJ_DEVICE)
		return NULL;
	return container_of(obj, struct iommufd_device, obj);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_to_idev);

/**
 * viommu_shim_idev_obj() - The stock object of a bound device
 * @idev: The device
 *
 * Return: Its DEVICE object.
 */
struct iommufd_object *viommu_shim_idev_obj(struct iommufd_device *idev)
{
	return &idev->obj;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_idev_obj);

/**
 * viommu_shim_idev_dev() - The physical device of a bound device
 * @idev: The device
 *
 * Return: Its struct device.
 */
struct device *viommu_shim_idev_dev(struct iommufd_device *idev)
{
	return idev->dev;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_idev_dev);

static struct iommufd_hwpt_paging *viommu_to_paging(struct iommufd_object *obj)
{
	if (obj->type != IOMMUFD_OBJ_HWPT_PAGING)
		return NULL;
	return container_of(obj, struct iommufd_hwpt_paging, common.obj);
}

/**
 * viommu_shim_hwpt_is_nest_parent() - Whether a HWPT can be a nesting parent
 * @hwpt_paging: A stock object
 *
 * Return: true for a HWPT_PAGING allocated with NEST_PARENT (never an
 * automatic one), as stock iommufd_hwpt_nested_alloc() requires.
 */
bool viommu_shim_hwpt_is_nest_parent(struct iommufd_object *hwpt_paging)
{
	struct iommufd_hwpt_paging *paging = viommu_to_paging(hwpt_paging);

	return paging && paging->nest_parent && !paging->auto_domain;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_hwpt_is_nest_parent);

/**
 * viommu_shim_hwpt_domain() - The iommu_domain of a stock HWPT
 * @hwpt: A HWPT_PAGING or HWPT_NESTED object
 *
 * Return: The domain, or NULL if @hwpt is not a HWPT.
 */
struct iommu_domain *viommu_shim_hwpt_domain(struct iommufd_object *hwpt)
{
	if (hwpt->type != IOMMUFD_OBJ_HWPT_PAGING &&
	    hwpt->type != IOMMUFD_OBJ_HWPT_NESTED)
		return NULL;
	return container_of(hwpt, struct iommufd_hw_pagetable, obj)->domain;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_hwpt_domain);

/**
 * viommu_shim_hwpt_ioas_id() - The IOAS a HWPT_PAGING maps
 * @hwpt_paging: A HWPT_PAGING object
 *
 * Return: The IOAS id, or 0 (never a valid id) if @hwpt_paging is not a
 * HWPT_PAGING.
 */
u32 viommu_shim_hwpt_ioas_id(struct iommufd_object *hwpt_paging)
{
	struct iommufd_hwpt_paging *paging = viommu_to_paging(hwpt_paging);

	return paging ? paging->ioas->obj.id : 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_hwpt_ioas_id);

/**
 * viommu_shim_iopt() - The io_pagetable of a HWPT_PAGING or an IOAS
 * @obj: The object
 *
 * Return: The io_pagetable, or NULL (with a warning: a caller bug) for any
 * other object.
 */
void *viommu_shim_iopt(struct iommufd_object *obj)
{
	struct iommufd_hwpt_paging *paging = viommu_to_paging(obj);

	if (paging)
		return &paging->ioas->iopt;
	if (WARN_ON_ONCE(obj->type != IOMMUFD_OBJ_IOAS))
		return NULL;
	return &container_of(obj, struct iommufd_ioas, obj)->iopt;
}

/**
 * viommu_shim_nested_add() - Inject a nested domain as a stock HWPT_NESTED
 * @ictx: The stock context
 * @parent: A nest-parent HWPT_PAGING of @ictx the caller holds
 * @domain: An IOMMU_DOMAIN_NESTED domain on @parent's domain; it must have
 *          ->cache_invalidate_user (stock IOMMU_HWPT_INVALIDATE calls it
 *          unchecked). The new object owns it once this succeeds: stock
 *          destruction frees it with iommu_domain_free().
 * @prepare: Optional, runs on the new object before it becomes visible
 * @arg: For @prepare
 * @out_id: The new object's id
 * @out_obj: The new object: the key viommu_core_nested_destroyed() gets
 *
 * Mirrors stock iommufd_hwpt_nested_alloc(): @parent gets one more user
 * (dropped by stock iommufd_hwpt_nested_destroy()), the domain gets the
 * parent's owner. After this returns the object belongs to the stock
 * context: userspace can destroy it at any time.
 *
 * Return: 0; -EINVAL if @parent is not a nest parent or @domain not a
 * usable nested domain; -ENOMEM or the id allocation errno; or what
 * @prepare returned. On error nothing is left behind and @domain is not
 * freed.
 */
int viommu_shim_nested_add(struct iommufd_ctx *ictx,
			   struct iommufd_object *parent,
			   struct iommu_domain *domain,
			   int (*prepare)(struct iommufd_object *nested,
					  void *arg),
			   void *arg, u32 *out_id,
			   struct iommufd_object **out_obj)
{
	struct iommufd_hwpt_paging *paging = viommu_to_paging(parent);
	struct iommufd_hwpt_nested *nested;
	struct iommufd_object *obj;
	const struct iommu_ops *owner;
	int rc;

	if (!viommu_shim_hwpt_is_nest_parent(parent))
		return -EINVAL;
	owner = paging->common.domain->owner;
	if (domain->type != IOMMU_DOMAIN_NESTED || !domain->ops ||
	    !domain->ops->cache_invalidate_user ||
	    (domain->owner && domain->owner != owner))
		return -EINVAL;

	obj = viommu_stock.object_alloc(ictx, sizeof(*nested),
					IOMMUFD_OBJ_HWPT_NESTED);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	nested = container_of(obj, struct iommufd_hwpt_nested, common.obj);
	refcount_inc(&paging->common.obj.users);
	nested->parent = paging;

	if (prepare) {
		rc = prepare(obj, arg);
		if (rc) {
			/* Not iommufd_object_abort_and_destroy(): keep @domain. */
			refcount_dec(&paging->common.obj.users);
			viommu_stock.object_abort(ictx, obj);
			return rc;
		}
	}
	domain->owner = owner;
	nested->common.domain = domain;
	*out_id = obj->id;
	*out_obj = obj;
	viommu_stock.object_finalize(ictx, obj);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_nested_add);

/**
 * viommu_shim_access_pin() - Keep a stock ACCESS object from being destroyed
 * @access: An access the caller created
 *
 * Stock IOMMU_DESTROY of it gives EBUSY until viommu_shim_access_unpin().
 * Unpin before iommufd_access_destroy(), which WARNs on a pinned access.
 */
void viommu_shim_access_pin(struct iommufd_access *access)
{
	refcount_inc(&access->obj.users);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_access_pin);

/**
 * viommu_shim_access_unpin() - Undo viommu_shim_access_pin()
 * @access: The access
 */
void viommu_shim_access_unpin(struct iommufd_access *access)
{
	refcount_dec(&access->obj.users);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_access_unpin);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * viommu_shim_test_set_nest_parent() - Mark a HWPT_PAGING as a nest parent
 * @hwpt: A HWPT_PAGING no other thread uses
 * @on: The new value
 *
 * For KUnit only: the stock SMMUv3 driver of 6.12 refuses NEST_PARENT, so
 * the suite cannot get a nest parent otherwise.
 */
void viommu_shim_test_set_nest_parent(struct iommufd_object *hwpt, bool on)
{
	struct iommufd_hwpt_paging *paging = viommu_to_paging(hwpt);

	if (paging)
		paging->nest_parent = on;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_test_set_nest_parent);
#endif
