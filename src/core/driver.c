// SPDX-License-Identifier: GPL-2.0
/*
 * What IOMMU drivers call: registration, driver-defined objects, vDEVICE
 * lookups and the user-data copy helpers 6.12 lacks.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

#include "core.h"

static LIST_HEAD(viommu_drivers);
static DEFINE_MUTEX(viommu_drivers_lock);

/**
 * viommu_register_driver() - Offer the vIOMMU layer to an IOMMU driver's devices
 * @drv: The driver's description; it must stay valid until unregistered
 *
 * Return: 0, -EINVAL for an incomplete @drv, -EEXIST if its iommu_ops are
 * already registered.
 */
int viommu_register_driver(struct viommu_driver *drv)
{
	struct viommu_driver *cur;
	int rc = 0;

	if (!drv->owner || !drv->iommu_ops || !drv->get_viommu_size ||
	    !drv->viommu_init)
		return -EINVAL;

	mutex_lock(&viommu_drivers_lock);
	list_for_each_entry(cur, &viommu_drivers, node) {
		if (cur->iommu_ops == drv->iommu_ops) {
			rc = -EEXIST;
			goto out;
		}
	}
	list_add_tail(&drv->node, &viommu_drivers);
	pr_info("viommu: driver %s registered\n", drv->name);
out:
	mutex_unlock(&viommu_drivers_lock);
	return rc;
}
EXPORT_SYMBOL_GPL(viommu_register_driver);

/**
 * viommu_unregister_driver() - Undo viommu_register_driver()
 * @drv: The driver
 *
 * Every object the driver backs pins its module, so none is left when a
 * module exit calls this.
 */
void viommu_unregister_driver(struct viommu_driver *drv)
{
	mutex_lock(&viommu_drivers_lock);
	list_del(&drv->node);
	mutex_unlock(&viommu_drivers_lock);
}
EXPORT_SYMBOL_GPL(viommu_unregister_driver);

/**
 * viommu_driver_get() - Find the driver of a device's IOMMU and pin it
 * @dev: A device behind an IOMMU
 *
 * Return: the driver with its module pinned, or NULL.
 */
struct viommu_driver *viommu_driver_get(struct device *dev)
{
	struct iommu_device *iommu = dev->iommu ? __iommu_get_iommu_dev(dev) : NULL;
	struct viommu_driver *drv, *found = NULL;

	if (!iommu)
		return NULL;
	mutex_lock(&viommu_drivers_lock);
	list_for_each_entry(drv, &viommu_drivers, node) {
		if (drv->iommu_ops == iommu->ops && try_module_get(drv->owner)) {
			found = drv;
			break;
		}
	}
	mutex_unlock(&viommu_drivers_lock);
	return found;
}

/**
 * viommu_driver_put() - Drop what viommu_driver_get() took
 * @drv: The driver, or NULL
 */
void viommu_driver_put(struct viommu_driver *drv)
{
	if (drv)
		module_put(drv->owner);
}

/**
 * viommu_test_cmd_dispatch() - Hand VIOMMU_TEST_CMD to the driver serving it
 * @ucmd: The command, struct viommu_test_cmd
 *
 * Return: the driver's result, or -ENOTTY if no driver serves test commands.
 */
int viommu_test_cmd_dispatch(struct viommu_ucmd *ucmd)
{
	struct viommu_driver *drv, *found = NULL;
	int rc;

	mutex_lock(&viommu_drivers_lock);
	list_for_each_entry(drv, &viommu_drivers, node) {
		if (drv->test_cmd && try_module_get(drv->owner)) {
			found = drv;
			break;
		}
	}
	mutex_unlock(&viommu_drivers_lock);
	if (!found)
		return -ENOTTY;
	rc = found->test_cmd(ucmd->ctx, ucmd->cmd, ucmd);
	module_put(found->owner);
	return rc;
}

/**
 * viommu_test_cmd_served() - Whether a driver serves VIOMMU_TEST_CMD now
 *
 * Return: true while one is registered.
 */
bool viommu_test_cmd_served(void)
{
	struct viommu_driver *drv;
	bool served = false;

	mutex_lock(&viommu_drivers_lock);
	list_for_each_entry(drv, &viommu_drivers, node)
		served |= !!drv->test_cmd;
	mutex_unlock(&viommu_drivers_lock);
	return served;
}

/**
 * viommu_ctx_iommufd() - The stock iommufd a context is bound to
 * @ctx: The context
 *
 * Return: the iommufd context, valid as long as @ctx; NULL if unbound.
 */
struct iommufd_ctx *viommu_ctx_iommufd(struct viommu_ctx *ctx)
{
	return viommu_ctx_ictx(ctx);
}
EXPORT_SYMBOL_GPL(viommu_ctx_iommufd);

/**
 * viommu_driver_object_alloc() - Allocate a driver-defined object
 * @ctx: The context that will hold it
 * @size: Size of the driver's struct, a struct viommu_object at offset 0
 * @ops: Its operations; @ops->owner is pinned while the object lives
 *
 * Publish it with viommu_driver_object_finalize() once setup cannot fail,
 * or undo it with viommu_driver_object_abort().
 *
 * Return: the object, or an ERR_PTR.
 */
struct viommu_object *viommu_driver_object_alloc(struct viommu_ctx *ctx,
						 size_t size,
						 const struct viommu_object_ops *ops)
{
	struct viommu_object *obj;

	if (!ops || !ops->destroy || !try_module_get(ops->owner))
		return ERR_PTR(-EINVAL);
	obj = _viommu_object_alloc(ctx, size, VIOMMU_OBJ_DRIVER);
	if (IS_ERR(obj)) {
		module_put(ops->owner);
		return obj;
	}
	obj->ops = ops;
	return obj;
}
EXPORT_SYMBOL_GPL(viommu_driver_object_alloc);

/**
 * viommu_driver_object_finalize() - Publish a driver-defined object
 * @ctx: The context
 * @obj: The object from viommu_driver_object_alloc()
 */
void viommu_driver_object_finalize(struct viommu_ctx *ctx,
				   struct viommu_object *obj)
{
	viommu_object_finalize(ctx, obj);
}
EXPORT_SYMBOL_GPL(viommu_driver_object_finalize);

/**
 * viommu_driver_object_abort() - Free an unpublished driver-defined object
 * @ctx: The context
 * @obj: The object; its destroy op is not called
 */
void viommu_driver_object_abort(struct viommu_ctx *ctx,
				struct viommu_object *obj)
{
	struct module *owner = obj->ops->owner;

	viommu_object_abort(ctx, obj);
	module_put(owner);
}
EXPORT_SYMBOL_GPL(viommu_driver_object_abort);

/**
 * viommu_driver_object_get() - Look up a driver-defined object
 * @ctx: The context
 * @id: Its id
 * @ops: The ops it must have, so drivers only see their own objects
 *
 * Return: the object, held until viommu_object_put(); ERR_PTR(-ENOENT).
 */
struct viommu_object *viommu_driver_object_get(struct viommu_ctx *ctx, u32 id,
					       const struct viommu_object_ops *ops)
{
	struct viommu_object *obj;

	obj = viommu_get_object(ctx, id, VIOMMU_OBJ_DRIVER);
	if (!IS_ERR(obj) && obj->ops != ops) {
		viommu_put_object(ctx, obj);
		return ERR_PTR(-ENOENT);
	}
	return obj;
}
EXPORT_SYMBOL_GPL(viommu_driver_object_get);

/**
 * viommu_object_put() - Drop a lookup reference
 * @ctx: The context
 * @obj: The object from viommu_driver_object_get()
 */
void viommu_object_put(struct viommu_ctx *ctx, struct viommu_object *obj)
{
	viommu_put_object(ctx, obj);
}
EXPORT_SYMBOL_GPL(viommu_object_put);

/**
 * viommu_vdevice_to_device() - The physical device of a vDEVICE
 * @vdev: The vDEVICE
 *
 * Return: the device.
 */
struct device *viommu_vdevice_to_device(struct viommu_vdevice *vdev)
{
	return vdev->dev;
}
EXPORT_SYMBOL_GPL(viommu_vdevice_to_device);

/**
 * viommu_find_dev() - The device a guest id names on a vIOMMU
 * @viommu: The vIOMMU
 * @vdev_id: The virt_id
 *
 * The caller holds xa_lock(&viommu->vdevs), which keeps the vDEVICE (and so
 * the device's binding) alive while the result is used.
 *
 * Return: the device, or NULL.
 */
struct device *viommu_find_dev(struct viommu *viommu, unsigned long vdev_id)
{
	struct viommu_vdevice *vdev;

	lockdep_assert_held(&viommu->vdevs.xa_lock);
	vdev = xa_load(&viommu->vdevs, vdev_id);
	return vdev ? vdev->dev : NULL;
}
EXPORT_SYMBOL_GPL(viommu_find_dev);

/**
 * viommu_get_vdev_id() - The guest id of a device on a vIOMMU
 * @viommu: The vIOMMU
 * @dev: The device
 * @vdev_id: Set to the virt_id on success
 *
 * Return: 0, or -ENOENT if @dev has no vDEVICE on @viommu.
 */
int viommu_get_vdev_id(struct viommu *viommu, struct device *dev,
		       unsigned long *vdev_id)
{
	struct viommu_vdevice *vdev;
	unsigned long index;
	int rc = -ENOENT;

	if (WARN_ON_ONCE(!viommu || !dev || !vdev_id))
		return -EINVAL;
	xa_lock(&viommu->vdevs);
	xa_for_each(&viommu->vdevs, index, vdev) {
		if (vdev->dev == dev) {
			*vdev_id = vdev->virt_id;
			rc = 0;
			break;
		}
	}
	xa_unlock(&viommu->vdevs);
	return rc;
}
EXPORT_SYMBOL_GPL(viommu_get_vdev_id);

/**
 * viommu_copy_struct_from_full_user_array() - Copy a whole user array in
 * @kdst: Room for @user_array->entry_num entries of @kdst_entry_size bytes
 * @kdst_entry_size: Size of one kernel entry
 * @user_array: The user array given to the driver op
 * @data_type: The type the array must have
 *
 * Entries of another length are copied one by one with the extensible-struct
 * rules (shorter: zero-extended; longer: the tail must be zero).
 *
 * Return: 0; -EINVAL for a type mismatch or an empty array; -E2BIG; -EFAULT.
 */
int viommu_copy_struct_from_full_user_array(void *kdst, size_t kdst_entry_size,
					    struct iommu_user_data_array *user_array,
					    unsigned int data_type)
{
	unsigned int i;
	int rc;

	if (user_array->type != data_type || !user_array->entry_num)
		return -EINVAL;
	if (user_array->entry_len == kdst_entry_size) {
		if (copy_from_user(kdst, user_array->uptr,
				   (size_t)user_array->entry_num *
					   user_array->entry_len))
			return -EFAULT;
		return 0;
	}
	for (i = 0; i != user_array->entry_num; i++) {
		rc = copy_struct_from_user(kdst + kdst_entry_size * i,
					   kdst_entry_size,
					   user_array->uptr +
						   (size_t)user_array->entry_len * i,
					   user_array->entry_len);
		if (rc)
			return rc;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(viommu_copy_struct_from_full_user_array);

/**
 * __viommu_copy_struct_to_user() - Copy a driver struct out to user data
 * @dst_data: The user data given to the driver op
 * @src: The kernel struct
 * @data_type: The type @dst_data must have
 * @src_len: sizeof(*@src)
 * @min_len: The least room userspace must give
 *
 * Use viommu_copy_struct_to_user().
 *
 * Return: 0; -EINVAL for a type mismatch or a length outside
 * @min_len..@src_len; -EFAULT.
 */
int __viommu_copy_struct_to_user(const struct iommu_user_data *dst_data,
				 const void *src, unsigned int data_type,
				 size_t src_len, size_t min_len)
{
	if (WARN_ON(!dst_data || !src))
		return -EINVAL;
	if (dst_data->type != data_type)
		return -EINVAL;
	if (dst_data->len < min_len || src_len < dst_data->len)
		return -EINVAL;
	if (copy_to_user(dst_data->uptr, src, dst_data->len))
		return -EFAULT;
	return 0;
}
EXPORT_SYMBOL_GPL(__viommu_copy_struct_to_user);
