// SPDX-License-Identifier: GPL-2.0
/*
 * Accessors over the private layouts of the stock iommufd. Every offset,
 * size and enum value comes from viommu_layout, learned from the running
 * kernel's BTF by layout.c; every stock function is called through a
 * typedef whose prototype layout.c checked against BTF. No private header
 * is included. Object lookups and the nested HWPT injection call the
 * stock functions themselves, so stock locking and refcounting stay the
 * stock code's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/refcount.h>
#include <linux/wait.h>

#include "internal.h"

#define VL viommu_layout

/* The field @f (a struct viommu_field of viommu_layout) of @base. */
static void *vl_at(const void *base, const struct viommu_field *f)
{
	return (void *)base + f->offset;
}

/* The object that embeds field @f at @member. */
static void *vl_container(const void *member, const struct viommu_field *f)
{
	return (void *)member - f->offset;
}

#define VL_PTR(base, f, type) ((type *)vl_at(base, &VL.f))

static u32 vl_obj_type(struct iommufd_object *obj)
{
	return *VL_PTR(obj, object_type, u32);
}

static refcount_t *vl_users(struct iommufd_object *obj)
{
	return VL_PTR(obj, object_users, refcount_t);
}

static bool vl_bit(const void *base, const struct viommu_field *f)
{
	return *(const u8 *)vl_at(base, f) & BIT(f->bit);
}

/* Stock functions the accessors call, typed as layout.c checked them. */
static struct {
	viommu_get_object_fn *get_object;
	viommu_object_alloc_fn *object_alloc;
	viommu_object_finalize_fn *object_finalize;
	viommu_object_abort_fn *object_abort;
	viommu_object_remove_fn *object_remove;
} viommu_stock;

/*
 * Every field read as a C type has the size of that type: the BTF type
 * check fixes the kind, this fixes the width the accessors use.
 */
static int viommu_iommufd_check_sizes(struct viommu_shim_why *why)
{
	static const struct {
		const char *name;
		const struct viommu_field *f;
		u32 size;
	} sizes[] = {
		{ "iommufd_object.id", &VL.object_id, sizeof(u32) },
		{ "iommufd_object.type", &VL.object_type, sizeof(u32) },
		{ "iommufd_object.users", &VL.object_users, sizeof(refcount_t) },
		{ "iommufd_object.shortterm_users", &VL.object_shortterm_users,
		  sizeof(refcount_t) },
		{ "iommufd_ctx.file", &VL.ctx_file, sizeof(void *) },
		{ "iommufd_device.dev", &VL.device_dev, sizeof(void *) },
		{ "iommufd_device.ictx", &VL.device_ictx, sizeof(void *) },
		{ "iommufd_hw_pagetable.domain", &VL.hwpt_domain, sizeof(void *) },
		{ "iommufd_hwpt_paging.ioas", &VL.paging_ioas, sizeof(void *) },
		{ "iommufd_hwpt_nested.parent", &VL.nested_parent, sizeof(void *) },
	};
	unsigned int i;

	why->step = "BTF layout check:";
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		why->name = sizes[i].name;
		if (sizes[i].f->size != sizes[i].size)
			return -EINVAL;
	}
	why->name = "iommufd_hwpt_nested size";
	if (VL.nested_size < VL.nested_parent.offset + sizeof(void *))
		return -EINVAL;
	return 0;
}

static int viommu_iommufd_fault_init(struct viommu_shim_why *why);

/**
 * viommu_iommufd_init() - Learn the private layouts, resolve the stock functions
 * @why: Filled with the check or symbol that failed
 *
 * Return: 0; the errno of viommu_layout_init() when the running kernel's
 * BTF does not describe what the table expects; the errno of
 * viommu_sym_resolve().
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

	why->step = "BTF layout check:";
	rc = viommu_layout_init(&why->name);
	if (!rc)
		rc = viommu_iommufd_check_sizes(why);
	if (rc)
		return rc;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		why->step = "check";
		why->name = names[i];
		rc = viommu_layout_check_func(names[i]);
		if (rc)
			return rc;
		why->step = "resolve";
		rc = viommu_sym_resolve(VIOMMU_STOCK_MODULE, names[i], &addr[i]);
		if (rc)
			return rc;
	}
	viommu_stock.get_object = (void *)addr[0];
	viommu_stock.object_alloc = (void *)addr[1];
	viommu_stock.object_finalize = (void *)addr[2];
	viommu_stock.object_abort = (void *)addr[3];
	viommu_stock.object_remove = (void *)addr[4];
	return viommu_iommufd_fault_init(why);
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
	struct file *file;

	if (!viommu_shim_ready()) {
		pr_warn_ratelimited("stock iommufd shim is off: cannot use iommufd contexts\n");
		return -EOPNOTSUPP;
	}
	file = *VL_PTR(ictx, ctx_file, struct file *);
	if (!file || file->private_data != ictx) {
		pr_warn_ratelimited("iommufd context layout does not match this kernel\n");
		return -EOPNOTSUPP;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_verify_ictx);

/* The kernel's enum iommufd_object_type value of each stock type. */
static const u32 *const viommu_stock_types[] = {
	[VIOMMU_STOCK_ANY] = &VL.obj_any,
	[VIOMMU_STOCK_DEVICE] = &VL.obj_device,
	[VIOMMU_STOCK_HWPT_PAGING] = &VL.obj_hwpt_paging,
	[VIOMMU_STOCK_HWPT_NESTED] = &VL.obj_hwpt_nested,
	[VIOMMU_STOCK_IOAS] = &VL.obj_ioas,
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
	return viommu_stock.get_object(ictx, id, *viommu_stock_types[type]);
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
	/*
	 * The stock inline iommufd_put_object(): users first, then shortterm,
	 * so that a REMOVE_WAIT_SHORTTERM never sees a spurious !0 users with
	 * a 0 shortterm_users. But wake every sleeper: the stock remover
	 * waits uninterruptibly (wait_event_timeout), so 6.12's interruptible
	 * wake-up would leave it asleep for its whole 60 s timeout.
	 */
	refcount_dec(vl_users(obj));
	if (refcount_dec_and_test(VL_PTR(obj, object_shortterm_users, refcount_t)))
		wake_up_all(VL_PTR(ictx, ctx_destroy_wait, wait_queue_head_t));
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
	refcount_inc(vl_users(obj));
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_pin);

/**
 * viommu_shim_unpin() - Undo viommu_shim_pin()
 * @obj: The pinned object
 */
void viommu_shim_unpin(struct iommufd_object *obj)
{
	refcount_dec(vl_users(obj));
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
	return refcount_inc_not_zero(vl_users(obj));
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
	return viommu_stock.object_remove(ictx, obj, viommu_shim_object_id(obj), 0);
}

/**
 * viommu_shim_object_id() - The id of a stock object
 * @obj: The object
 *
 * Return: Its id in its context.
 */
u32 viommu_shim_object_id(struct iommufd_object *obj)
{
	return *VL_PTR(obj, object_id, u32);
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
	if (vl_obj_type(obj) != VL.obj_device)
		return NULL;
	return vl_container(obj, &VL.device_obj);
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
	return vl_at(idev, &VL.device_obj);
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
	return *VL_PTR(idev, device_dev, struct device *);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_idev_dev);

/**
 * viommu_shim_idev_destroy_wait() - Where removers of @idev's file sleep
 * @idev: A bound device
 *
 * Return: the destroy_wait queue of the file @idev is bound to.
 */
wait_queue_head_t *viommu_shim_idev_destroy_wait(struct iommufd_device *idev)
{
	struct iommufd_ctx *ictx = *VL_PTR(idev, device_ictx,
					   struct iommufd_ctx *);

	return VL_PTR(ictx, ctx_destroy_wait, wait_queue_head_t);
}

/* The struct iommufd_hwpt_paging of @obj, or NULL if it is not one. */
static void *viommu_to_paging(struct iommufd_object *obj)
{
	if (vl_obj_type(obj) != VL.obj_hwpt_paging)
		return NULL;
	return vl_container(vl_container(obj, &VL.hwpt_obj), &VL.paging_common);
}

/* The struct iommufd_ioas a HWPT_PAGING maps. */
static void *viommu_paging_ioas(void *paging)
{
	return *VL_PTR(paging, paging_ioas, void *);
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
	void *paging = viommu_to_paging(hwpt_paging);

	return paging && vl_bit(paging, &VL.paging_nest_parent) &&
	       !vl_bit(paging, &VL.paging_auto_domain);
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
	u32 type = vl_obj_type(hwpt);

	if (type != VL.obj_hwpt_paging && type != VL.obj_hwpt_nested)
		return NULL;
	return *VL_PTR(vl_container(hwpt, &VL.hwpt_obj), hwpt_domain,
		       struct iommu_domain *);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_hwpt_domain);

/**
 * viommu_shim_is_ioas() - Whether a stock object is an IOAS
 * @obj: The object, held by the caller
 *
 * Return: true for an IOMMUFD_OBJ_IOAS.
 */
bool viommu_shim_is_ioas(struct iommufd_object *obj)
{
	return vl_obj_type(obj) == VL.obj_ioas;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_is_ioas);

/**
 * viommu_shim_hwpt_ioas_id() - The IOAS a HWPT_PAGING maps
 * @hwpt_paging: A HWPT_PAGING object
 *
 * Return: The IOAS id, or 0 (never a valid id) if @hwpt_paging is not a
 * HWPT_PAGING.
 */
u32 viommu_shim_hwpt_ioas_id(struct iommufd_object *hwpt_paging)
{
	void *paging = viommu_to_paging(hwpt_paging);

	if (!paging)
		return 0;
	return viommu_shim_object_id(vl_at(viommu_paging_ioas(paging),
					   &VL.ioas_obj));
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
	void *paging = viommu_to_paging(obj);

	if (paging)
		return vl_at(viommu_paging_ioas(paging), &VL.ioas_iopt);
	if (WARN_ON_ONCE(vl_obj_type(obj) != VL.obj_ioas))
		return NULL;
	return vl_at(vl_container(obj, &VL.ioas_obj), &VL.ioas_iopt);
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
	void *paging = viommu_to_paging(parent);
	struct iommufd_object *obj;
	const struct iommu_ops *owner;
	void *nested;
	int rc;

	if (!viommu_shim_hwpt_is_nest_parent(parent))
		return -EINVAL;
	owner = viommu_shim_hwpt_domain(parent)->owner;
	if (domain->type != IOMMU_DOMAIN_NESTED || !domain->ops ||
	    !domain->ops->cache_invalidate_user ||
	    (domain->owner && domain->owner != owner))
		return -EINVAL;

	obj = viommu_stock.object_alloc(ictx, VL.nested_size, VL.obj_hwpt_nested);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	/* nested.common and hw_pagetable.obj are at 0 (the table checks). */
	nested = vl_container(vl_container(obj, &VL.hwpt_obj), &VL.nested_common);
	refcount_inc(vl_users(parent));
	*VL_PTR(nested, nested_parent, void *) = paging;

	if (prepare) {
		rc = prepare(obj, arg);
		if (rc) {
			/* Not iommufd_object_abort_and_destroy(): keep @domain. */
			refcount_dec(vl_users(parent));
			viommu_stock.object_abort(ictx, obj);
			return rc;
		}
	}
	domain->owner = owner;
	*VL_PTR(vl_at(nested, &VL.nested_common), hwpt_domain,
		struct iommu_domain *) = domain;
	*out_id = viommu_shim_object_id(obj);
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
	refcount_inc(vl_users(vl_at(access, &VL.access_obj)));
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_access_pin);

/**
 * viommu_shim_access_unpin() - Undo viommu_shim_access_pin()
 * @access: The access
 */
void viommu_shim_access_unpin(struct iommufd_access *access)
{
	refcount_dec(vl_users(vl_at(access, &VL.access_obj)));
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_access_unpin);

/*
 * IOPF of nested HWPTs: what 6.12's iommufd_hwpt_alloc() does for a HWPT
 * allocated with IOMMU_HWPT_FAULT_ID_VALID, on the core's nested HWPTs.
 */
static viommu_fault_iopf_handler_fn *viommu_stock_iopf_handler;

static int viommu_iommufd_fault_init(struct viommu_shim_why *why)
{
	unsigned long addr;
	int rc;

	why->step = "BTF layout check:";
	why->name = "iommufd_hw_pagetable.fault";
	if (VL.hwpt_fault.size != sizeof(void *))
		return -EINVAL;
	why->step = "check";
	why->name = "iommufd_fault_iopf_handler";
	rc = viommu_layout_check_func(why->name);
	if (rc)
		return rc;
	why->step = "resolve";
	rc = viommu_sym_resolve(VIOMMU_STOCK_MODULE, why->name, &addr);
	if (rc)
		return rc;
	viommu_stock_iopf_handler = (void *)addr;
	return 0;
}

/**
 * viommu_shim_fault_ready() - Whether nested HWPTs can take a fault queue
 *
 * Return: true when the shim is ready and knows the stock IOPF handler.
 */
bool viommu_shim_fault_ready(void)
{
	return viommu_shim_ready() && viommu_stock_iopf_handler;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_fault_ready);

/**
 * viommu_shim_get_fault() - Look up a stock fault queue
 * @ictx: The stock context
 * @id: Its id, from IOMMU_FAULT_QUEUE_ALLOC
 *
 * Return: The fault object, held as by viommu_shim_get_object();
 * ERR_PTR(-ENOENT) for a missing id or another type, ERR_PTR(-EOPNOTSUPP)
 * when viommu_shim_fault_ready() is false.
 */
struct iommufd_object *viommu_shim_get_fault(struct iommufd_ctx *ictx, u32 id)
{
	if (!viommu_shim_fault_ready())
		return ERR_PTR(-EOPNOTSUPP);
	return viommu_stock.get_object(ictx, id, VL.obj_fault);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_get_fault);

/**
 * viommu_shim_hwpt_set_fault() - Report a HWPT's IOPFs to a fault queue
 * @hwpt: A HWPT object not yet finalized, without a fault queue
 * @domain: Its domain (not necessarily stored in @hwpt yet)
 * @fault: A fault object the caller holds (viommu_shim_get_fault())
 *
 * As 6.12: hwpt->fault, the stock handler and hwpt as the domain's fault
 * data, and one users reference on @fault, dropped by the stock HWPT
 * destroy (also on abort_and_destroy), so stock IOMMU_DESTROY of the
 * fault queue gives EBUSY while the HWPT lives. Stock attach then enables
 * IOPF on the device (IOMMU_DEV_FEAT_IOPF) and detach answers what is
 * pending.
 */
void viommu_shim_hwpt_set_fault(struct iommufd_object *hwpt,
				struct iommu_domain *domain,
				struct iommufd_object *fault)
{
	void *common = vl_container(hwpt, &VL.hwpt_obj);

	if (WARN_ON_ONCE(vl_obj_type(fault) != VL.obj_fault ||
			 *VL_PTR(common, hwpt_fault, void *)))
		return;
	refcount_inc(vl_users(fault));
	*VL_PTR(common, hwpt_fault, void *) = vl_container(fault, &VL.fault_obj);
	domain->iopf_handler = viommu_stock_iopf_handler;
	domain->fault_data = common;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_hwpt_set_fault);

/**
 * viommu_shim_hwpt_fault() - The fault queue of a HWPT
 * @hwpt: A HWPT_PAGING or HWPT_NESTED object
 *
 * Return: The fault object, or NULL if @hwpt has none or is no HWPT.
 */
struct iommufd_object *viommu_shim_hwpt_fault(struct iommufd_object *hwpt)
{
	u32 type = vl_obj_type(hwpt);
	void *fault;

	if (type != VL.obj_hwpt_paging && type != VL.obj_hwpt_nested)
		return NULL;
	fault = *VL_PTR(vl_container(hwpt, &VL.hwpt_obj), hwpt_fault, void *);
	return fault ? vl_at(fault, &VL.fault_obj) : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_hwpt_fault);

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
	void *paging = viommu_to_paging(hwpt);
	u8 *byte;

	if (!paging)
		return;
	byte = vl_at(paging, &VL.paging_nest_parent);
	if (on)
		*byte |= BIT(VL.paging_nest_parent.bit);
	else
		*byte &= ~BIT(VL.paging_nest_parent.bit);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_test_set_nest_parent);
#endif
