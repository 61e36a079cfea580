// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_VDEVICE_ALLOC: a device as a guest names it on a vIOMMU. A device
 * has at most one vDEVICE, and when the stock iommufd unbinds the device
 * the vDEVICE goes first (6.12 has no tombstones: the shim calls in).
 */
#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include "core.h"
#include "../shim/shim.h"

/*
 * vDEVICE of each stock iommufd_device, and devices being unbound. While
 * VDEVICE_ALLOC copies its answer out (the lock dropped: a user copy may
 * block for ever), the map holds the vDEVICE tagged as not yet in its id
 * table; the unbind hook waits for such an entry to change.
 */
static DEFINE_XARRAY(viommu_idev_vdevs);
static LIST_HEAD(viommu_unbinding);
static DEFINE_MUTEX(viommu_vdev_lock);
static DECLARE_WAIT_QUEUE_HEAD(viommu_vdev_wait);

#define VIOMMU_VDEV_UNPUBLISHED 1

struct viommu_unbinding {
	struct list_head node;
	struct iommufd_device *idev;
};

/* The entry of a device being unbound, or NULL. */
static struct viommu_unbinding *
viommu_unbinding_find(struct iommufd_device *idev)
{
	struct viommu_unbinding *u;

	lockdep_assert_held(&viommu_vdev_lock);
	list_for_each_entry(u, &viommu_unbinding, node)
		if (u->idev == idev)
			return u;
	return NULL;
}

/* Undo a published vDEVICE: driver part, both maps, both pins. */
static void viommu_vdevice_teardown(struct viommu_vdevice *vdev)
{
	struct viommu *viommu = vdev->viommu;

	lockdep_assert_held(&viommu_vdev_lock);
	if (vdev->destroy)
		vdev->destroy(vdev);
	xa_cmpxchg(&viommu->vdevs, vdev->virt_id, vdev, NULL, GFP_KERNEL);
	xa_cmpxchg(&viommu_idev_vdevs, (unsigned long)vdev->idev, vdev, NULL,
		   GFP_KERNEL);
	xa_cmpxchg(&viommu_idev_vdevs, (unsigned long)vdev->idev,
		   xa_tag_pointer(vdev, VIOMMU_VDEV_UNPUBLISHED), NULL,
		   GFP_KERNEL);
	viommu_shim_unpin(viommu_shim_idev_obj(vdev->idev));
	refcount_dec(&viommu->obj.users);
}

static int viommu_vdevice_publish(struct viommu_vdevice *vdev)
{
	struct viommu *viommu = vdev->viommu;
	int rc;

	/* Reserve the virt_id so a racing alloc sees it taken. */
	rc = xa_insert(&viommu->vdevs, vdev->virt_id, NULL, GFP_KERNEL);
	if (rc)
		return rc == -EBUSY ? -EEXIST : rc;
	rc = xa_insert(&viommu_idev_vdevs, (unsigned long)vdev->idev,
		       xa_tag_pointer(vdev, VIOMMU_VDEV_UNPUBLISHED), GFP_KERNEL);
	if (rc)
		goto err_release;
	if (viommu->ops->vdevice_init) {
		rc = viommu->ops->vdevice_init(vdev);
		if (rc)
			goto err_idev;
	}
	/* Fills the reserved slot: no allocation, cannot fail. */
	xa_store(&viommu->vdevs, vdev->virt_id, vdev, GFP_KERNEL);
	return 0;

err_idev:
	xa_erase(&viommu_idev_vdevs, (unsigned long)vdev->idev);
err_release:
	xa_release(&viommu->vdevs, vdev->virt_id);
	return rc;
}

/**
 * viommu_vdevice_alloc_ioctl() - IOMMU_VDEVICE_ALLOC on /dev/viommu
 * @ucmd: The command, struct viommu_vdevice_alloc
 *
 * Return: 0 or a negative errno as upstream gives it.
 */
int viommu_vdevice_alloc_ioctl(struct viommu_ucmd *ucmd)
{
	struct viommu_vdevice_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ictx = viommu_ctx_ictx(ucmd->ctx);
	struct viommu_object *viommu_obj, *obj;
	struct iommufd_object *idev_obj;
	struct viommu_vdevice *vdev;
	struct iommufd_device *idev;
	struct viommu *viommu;
	struct device *dev;
	size_t size;
	int rc;

	if (cmd->virt_id > ULONG_MAX)
		return -EINVAL;
	if (!viommu_shim_ready())
		return -EOPNOTSUPP;

	viommu_obj = viommu_get_object(ucmd->ctx, cmd->viommu_id,
				       VIOMMU_OBJ_VIOMMU);
	if (IS_ERR(viommu_obj))
		return PTR_ERR(viommu_obj);
	viommu = container_of(viommu_obj, struct viommu, obj);

	idev_obj = viommu_shim_get_object(ictx, cmd->dev_id, VIOMMU_STOCK_DEVICE);
	if (IS_ERR(idev_obj)) {
		rc = PTR_ERR(idev_obj);
		goto out_put_viommu;
	}
	idev = viommu_shim_to_idev(idev_obj);
	dev = viommu_shim_idev_dev(idev);
	if (!viommu_backs_dev(viommu, dev)) {
		rc = -EINVAL;
		goto out_put_idev;
	}

	size = viommu->ops->vdevice_size ?: sizeof(*vdev);
	if (WARN_ON_ONCE(size < sizeof(*vdev))) {
		rc = -EOPNOTSUPP;
		goto out_put_idev;
	}

	mutex_lock(&viommu_vdev_lock);
	if (viommu_unbinding_find(idev)) {
		rc = -ENOENT;
		goto out_unlock;
	}
	if (xa_load(&viommu_idev_vdevs, (unsigned long)idev)) {
		rc = -EEXIST;
		goto out_unlock;
	}

	obj = _viommu_object_alloc(ucmd->ctx, size, VIOMMU_OBJ_VDEVICE);
	if (IS_ERR(obj)) {
		rc = PTR_ERR(obj);
		goto out_unlock;
	}
	vdev = container_of(obj, struct viommu_vdevice, obj);
	vdev->viommu = viommu;
	vdev->idev = idev;
	vdev->dev = dev;
	vdev->virt_id = cmd->virt_id;

	rc = viommu_vdevice_publish(vdev);
	if (rc) {
		viommu_object_abort(ucmd->ctx, obj);
		goto out_unlock;
	}
	/* Lifetime pins, dropped by viommu_vdevice_teardown(). */
	refcount_inc(&viommu->obj.users);
	viommu_shim_pin(idev_obj);
	mutex_unlock(&viommu_vdev_lock);

	/*
	 * Every unbind on the host takes the lock: never hold it across a
	 * user copy. Until finalized the vDEVICE has no id userspace can
	 * use, and the unbind of its own device waits for it to settle.
	 */
	cmd->out_vdevice_id = obj->id;
	rc = viommu_ucmd_respond(ucmd, sizeof(*cmd));

	mutex_lock(&viommu_vdev_lock);
	if (rc) {
		viommu_vdevice_teardown(vdev);
		mutex_unlock(&viommu_vdev_lock);
		viommu_object_abort(ucmd->ctx, obj);
	} else {
		/*
		 * Both under the lock: an unbind hook that finds the plain
		 * vDEVICE in the map also finds it in the id table. The slot
		 * exists, so the store needs no memory.
		 */
		xa_store(&viommu_idev_vdevs, (unsigned long)idev, vdev,
			 GFP_KERNEL);
		viommu_object_finalize(ucmd->ctx, obj);
		mutex_unlock(&viommu_vdev_lock);
	}
	wake_up_all(&viommu_vdev_wait);
	goto out_put_idev;

out_unlock:
	mutex_unlock(&viommu_vdev_lock);
out_put_idev:
	viommu_shim_put_object(ictx, idev_obj);
out_put_viommu:
	viommu_put_object(ucmd->ctx, viommu_obj);
	return rc;
}

/**
 * viommu_vdevice_destroy() - Free what a vDEVICE holds
 * @obj: The vDEVICE; nothing else uses it anymore
 */
void viommu_vdevice_destroy(struct viommu_object *obj)
{
	struct viommu_vdevice *vdev = container_of(obj, struct viommu_vdevice, obj);

	mutex_lock(&viommu_vdev_lock);
	viommu_vdevice_teardown(vdev);
	mutex_unlock(&viommu_vdev_lock);
	wake_up_all(&viommu_vdev_wait);
}

/* Compares entries only: the vDEVICE an old entry named may be freed. */
static bool viommu_idev_entry_changed(struct iommufd_device *idev, void *old)
{
	return xa_load(&viommu_idev_vdevs, (unsigned long)idev) != old;
}

/**
 * viommu_core_idev_unbind() - A stock device is about to be unbound
 * @idev: The device
 *
 * Called by the shim before the stock iommufd_device_unbind(): destroy the
 * device's vDEVICE, which pins @idev, and refuse new ones until
 * viommu_core_idev_unbind_done(). The vDEVICE's id then gives ENOENT.
 */
void viommu_core_idev_unbind(struct iommufd_device *idev)
{
	struct viommu_unbinding *u;
	struct viommu_vdevice *vdev;
	struct viommu_ctx *ctx;
	void *entry;
	int rc;

	u = kzalloc(sizeof(*u), GFP_KERNEL | __GFP_NOFAIL);
	u->idev = idev;

	mutex_lock(&viommu_vdev_lock);
	list_add(&u->node, &viommu_unbinding);
	for (;;) {
		entry = xa_load(&viommu_idev_vdevs, (unsigned long)idev);
		if (!entry)
			break;
		vdev = xa_untag_pointer(entry);
		/* A published vDEVICE in the map keeps its context alive. */
		if (!xa_pointer_tag(entry) &&
		    refcount_inc_not_zero(&vdev->obj.users)) {
			ctx = vdev->viommu->ctx;
			viommu_ctx_get(ctx);
			mutex_unlock(&viommu_vdev_lock);
			/*
			 * As upstream: wait out ioctls using it, and the id
			 * stays dead until the file closes.
			 */
			rc = viommu_object_remove(ctx, &vdev->obj, vdev->obj.id,
						  VIOMMU_REMOVE_WAIT |
						  VIOMMU_REMOVE_TOMBSTONE);
			viommu_ctx_put(ctx);
			/* Left in the map: wait for its owner, not in a loop. */
			if (WARN_ON(rc))
				wait_event(viommu_vdev_wait,
					   viommu_idev_entry_changed(idev, entry));
		} else {
			/*
			 * Its VDEVICE_ALLOC is still copying out, or someone
			 * else is destroying it: its pin on @idev must go
			 * first. Only this device's unbind waits here.
			 */
			mutex_unlock(&viommu_vdev_lock);
			wait_event(viommu_vdev_wait,
				   viommu_idev_entry_changed(idev, entry));
		}
		mutex_lock(&viommu_vdev_lock);
	}
	mutex_unlock(&viommu_vdev_lock);
}

/**
 * viommu_core_idev_unbind_done() - The stock unbind of a device returned
 * @idev: The device, now gone
 */
void viommu_core_idev_unbind_done(struct iommufd_device *idev)
{
	struct viommu_unbinding *u;

	mutex_lock(&viommu_vdev_lock);
	u = viommu_unbinding_find(idev);
	if (u)
		list_del(&u->node);
	mutex_unlock(&viommu_vdev_lock);
	kfree(u);
	viommu_ctx_reap_orphans();
}
