// SPDX-License-Identifier: GPL-2.0
/*
 * The id table of a /dev/viommu context, with the stock iommufd's rules:
 * an id is reserved at allocation and published only once the object can
 * no longer fail; "users" counts lifetime pins and "shortterm_users" the
 * ioctls using the object right now; destroy needs users == 1.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "core.h"

static void viommu_driver_object_destroy(struct viommu_object *obj)
{
	obj->ops->destroy(obj);
}

static void (*const viommu_destroy_ops[VIOMMU_OBJ_MAX])(struct viommu_object *) = {
	[VIOMMU_OBJ_VIOMMU] = viommu_viommu_destroy,
	[VIOMMU_OBJ_VDEVICE] = viommu_vdevice_destroy,
	[VIOMMU_OBJ_VEVENTQ] = viommu_veventq_destroy,
	[VIOMMU_OBJ_HW_QUEUE] = viommu_hw_queue_destroy,
	[VIOMMU_OBJ_DRIVER] = viommu_driver_object_destroy,
};

/**
 * _viommu_object_alloc() - Allocate an object and reserve its id
 * @ctx: The context
 * @size: Size of the whole object, the head at offset 0
 * @type: enum viommu_object_type
 *
 * The id is reserved but not visible until viommu_object_finalize().
 *
 * Return: the object, or an ERR_PTR (-ENOMEM, -ENOSPC).
 */
struct viommu_object *_viommu_object_alloc(struct viommu_ctx *ctx, size_t size,
					   enum viommu_object_type type)
{
	struct viommu_object *obj;
	int rc;

	if (WARN_ON(size < sizeof(*obj) || type <= VIOMMU_OBJ_NONE ||
		    type >= VIOMMU_OBJ_MAX))
		return ERR_PTR(-EINVAL);

	obj = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->type = type;
	/* The table's own reference, dropped when the object is removed. */
	refcount_set(&obj->shortterm_users, 1);
	refcount_set(&obj->users, 1);

	rc = xa_alloc(&ctx->objects, &obj->id, XA_ZERO_ENTRY,
		      XA_LIMIT(VIOMMU_ID_MIN, VIOMMU_ID_MAX), GFP_KERNEL_ACCOUNT);
	if (rc) {
		kfree(obj);
		return ERR_PTR(rc);
	}
	return obj;
}
EXPORT_SYMBOL_IF_KUNIT(_viommu_object_alloc);

/**
 * viommu_object_finalize() - Publish an object under its id
 * @ctx: The context
 * @obj: An object from _viommu_object_alloc() whose setup cannot fail anymore
 */
void viommu_object_finalize(struct viommu_ctx *ctx, struct viommu_object *obj)
{
	void *old;

	/* The slot was reserved by xa_alloc(), so this store needs no memory. */
	old = xa_store(&ctx->objects, obj->id, obj, GFP_KERNEL);
	WARN_ON(old);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_object_finalize);

/**
 * viommu_object_abort() - Undo _viommu_object_alloc() before finalize
 * @ctx: The context
 * @obj: The object; its destroy op is not called
 *
 * Only the table's reference may be left: an unpublished object cannot be
 * pinned (viommu_object_pin_published()). If something holds it anyway,
 * that is a bug: warn and leak the object rather than free it under its
 * holder.
 */
void viommu_object_abort(struct viommu_ctx *ctx, struct viommu_object *obj)
{
	void *old;

	old = xa_erase(&ctx->objects, obj->id);
	WARN_ON(old);
	if (WARN_ON(!refcount_dec_and_test(&obj->users)))
		return;
	kfree(obj);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_object_abort);

/**
 * viommu_object_abort_and_destroy() - Undo a set-up object before finalize
 * @ctx: The context
 * @obj: The object; its destroy op runs, then it is freed
 *
 * As viommu_object_abort(), a held object is a bug: it is then left whole
 * (not destroyed, not freed) for its holder, and leaks.
 */
void viommu_object_abort_and_destroy(struct viommu_ctx *ctx,
				     struct viommu_object *obj)
{
	if (WARN_ON(refcount_read(&obj->users) != 1)) {
		xa_erase(&ctx->objects, obj->id);
		return;
	}
	viommu_destroy_ops[obj->type](obj);
	viommu_object_abort(ctx, obj);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_object_abort_and_destroy);

/**
 * viommu_object_pin_published() - Take a users reference on a live object
 * @ctx: The context holding @obj
 * @obj: The object; the caller knows its memory is valid
 *
 * Pins only an object that is published and not being removed. Before
 * finalize its ioctl may still fail and tear it down; once removal has
 * begun it is going. Published, it goes only by removal, which fails with
 * EBUSY while pinned: the table lock orders the two.
 *
 * Return: true if pinned (drop with refcount_dec(&@obj->users)).
 */
bool viommu_object_pin_published(struct viommu_ctx *ctx,
				 struct viommu_object *obj)
{
	bool pinned;

	xa_lock(&ctx->objects);
	pinned = xa_load(&ctx->objects, obj->id) == obj &&
		 refcount_inc_not_zero(&obj->users);
	xa_unlock(&ctx->objects);
	return pinned;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_object_pin_published);

/**
 * viommu_lock_obj() - Take a users and a shortterm_users reference
 * @obj: The object; the caller holds xa_lock or already a users reference
 *
 * Return: false if the object is being destroyed.
 */
bool viommu_lock_obj(struct viommu_object *obj)
{
	if (!refcount_inc_not_zero(&obj->users))
		return false;
	if (!refcount_inc_not_zero(&obj->shortterm_users)) {
		refcount_dec(&obj->users);
		return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_lock_obj);

/**
 * viommu_get_object() - Look up an object for the length of an operation
 * @ctx: The context
 * @id: The object id
 * @type: The type it must have, or VIOMMU_OBJ_NONE for any
 *
 * Return: the object with a users and a shortterm_users reference, to be
 * dropped with viommu_put_object(); ERR_PTR(-ENOENT) if @id names no
 * published object of @type.
 */
struct viommu_object *viommu_get_object(struct viommu_ctx *ctx, u32 id,
					enum viommu_object_type type)
{
	struct viommu_object *obj;

	xa_lock(&ctx->objects);
	obj = xa_load(&ctx->objects, id);
	if (!obj || (type != VIOMMU_OBJ_NONE && obj->type != type) ||
	    !viommu_lock_obj(obj))
		obj = ERR_PTR(-ENOENT);
	xa_unlock(&ctx->objects);
	return obj;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_get_object);

/**
 * viommu_put_object() - Drop what viommu_get_object() took
 * @ctx: The context
 * @obj: The object
 */
void viommu_put_object(struct viommu_ctx *ctx, struct viommu_object *obj)
{
	/* users first, so a remover never sees shortterm 0 with users > 1 */
	refcount_dec(&obj->users);
	/*
	 * The remover sleeps uninterruptibly (the unbind hook cannot give
	 * up): an interruptible-only wake-up would leave it to its timeout.
	 */
	if (refcount_dec_and_test(&obj->shortterm_users))
		wake_up_all(&ctx->destroy_wait);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_put_object);

static void viommu_object_free(struct viommu_object *obj)
{
	struct module *owner = obj->ops ? obj->ops->owner : NULL;

	viommu_destroy_ops[obj->type](obj);
	kfree(obj);
	module_put(owner);
}

static int viommu_object_wait_shortterm(struct viommu_ctx *ctx,
					struct viommu_object *obj)
{
	if (refcount_dec_and_test(&obj->shortterm_users))
		return 0;
	/* An ioctl still uses it; users is 0 so it cannot take more. */
	if (wait_event_timeout(ctx->destroy_wait,
			       refcount_read(&obj->shortterm_users) == 0,
			       msecs_to_jiffies(60000)))
		return 0;
	/* Give back the reference this dropped, as stock iommufd does. */
	refcount_inc(&obj->shortterm_users);
	return -EBUSY;
}

/**
 * viommu_object_remove() - Remove and destroy an object nobody else uses
 * @ctx: The context
 * @to_destroy: The object, if the caller holds a users reference on it
 *              (dropped here); NULL to look up @id
 * @id: The object id
 * @flags: VIOMMU_REMOVE_WAIT: first wait (bounded) for ioctls using
 *         @to_destroy to finish, rather than fail with -EBUSY;
 *         VIOMMU_REMOVE_TOMBSTONE: keep @id reserved until the context
 *         closes, so it keeps giving ENOENT and never names a newer object
 *
 * Return: 0; -ENOENT if @id names no published object; -EBUSY if another
 * object, a file or a mapping still holds it.
 */
int viommu_object_remove(struct viommu_ctx *ctx,
			 struct viommu_object *to_destroy, u32 id,
			 unsigned int flags)
{
	bool zeroed_shortterm = false;
	struct viommu_object *obj;
	XA_STATE(xas, &ctx->objects, id);
	int rc = -ENOENT;

	if (to_destroy && (flags & VIOMMU_REMOVE_WAIT)) {
		/* Drop the table's shortterm reference and wait for the rest. */
		if (viommu_object_wait_shortterm(ctx, to_destroy)) {
			refcount_dec(&to_destroy->users);
			return -EBUSY;
		}
		zeroed_shortterm = true;
	}

	xa_lock(&ctx->objects);
	obj = xas_load(&xas);
	if (to_destroy) {
		refcount_dec(&to_destroy->users);
		if (WARN_ON(obj != to_destroy))
			goto err_unlock;
	} else if (!obj || xa_is_zero(obj)) {
		goto err_unlock;
	}
	rc = -EBUSY;
	if (!refcount_dec_if_one(&obj->users))
		goto err_unlock;
	xas_store(&xas, (flags & VIOMMU_REMOVE_TOMBSTONE) ? XA_ZERO_ENTRY : NULL);
	xa_unlock(&ctx->objects);

	if (!zeroed_shortterm && WARN_ON(viommu_object_wait_shortterm(ctx, obj)))
		return -EBUSY;
	viommu_object_free(obj);
	return 0;

err_unlock:
	/* Give back the table's shortterm reference the wait dropped. */
	if (zeroed_shortterm)
		refcount_set(&to_destroy->shortterm_users, 1);
	xa_unlock(&ctx->objects);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_object_remove);

/**
 * viommu_objects_empty() - Whether a context holds no object
 * @ctx: The context
 *
 * Tombstones (reserved ids of objects already destroyed) do not count.
 *
 * Return: true if no object is left.
 */
bool viommu_objects_empty(struct viommu_ctx *ctx)
{
	unsigned long index = 0;

	return !xa_find(&ctx->objects, &index, ULONG_MAX, XA_PRESENT);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_objects_empty);

/**
 * viommu_objects_destroy_leaves() - Destroy every object nobody else uses
 * @ctx: The context, no longer reachable from userspace
 *
 * Objects pin each other, so repeated passes free the graph from its
 * leaves inward.
 *
 * Return: the number of objects destroyed.
 */
unsigned int viommu_objects_destroy_leaves(struct viommu_ctx *ctx)
{
	unsigned int destroyed = 0, pass;
	struct viommu_object *obj;
	unsigned long index;

	do {
		pass = 0;
		xa_for_each(&ctx->objects, index, obj) {
			/* Under the lock, as a hook's remove of the same object. */
			xa_lock(&ctx->objects);
			if (xa_load(&ctx->objects, index) != obj ||
			    !refcount_dec_if_one(&obj->users)) {
				xa_unlock(&ctx->objects);
				continue;
			}
			__xa_erase(&ctx->objects, index);
			xa_unlock(&ctx->objects);
			/* No ioctl can run: the file is gone. */
			WARN_ON(!refcount_dec_and_test(&obj->shortterm_users));
			viommu_object_free(obj);
			pass++;
		}
		destroyed += pass;
	} while (pass);
	return destroyed;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_objects_destroy_leaves);

/**
 * viommu_destroy_ioctl() - IOMMU_DESTROY on /dev/viommu
 * @ucmd: The command, struct viommu_destroy
 *
 * Return: see viommu_object_remove().
 */
int viommu_destroy_ioctl(struct viommu_ucmd *ucmd)
{
	struct viommu_destroy *cmd = ucmd->cmd;

	return viommu_object_remove(ucmd->ctx, NULL, cmd->id, 0);
}
