// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_VDEVICE_ALLOC: a device as a guest names it on a vIOMMU. A device
 * has at most one vDEVICE, and when the stock iommufd unbinds the device
 * the vDEVICE goes first (6.12 has no tombstones: the shim calls in).
 */
#include <linux/hashtable.h>
#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include "core.h"
#include "../shim/shim.h"

/*
 * vDEVICE of each stock iommufd_device, and devices being unbound. An
 * entry in the map is always a finalized vDEVICE: VDEVICE_ALLOC copies its
 * answer out before it takes the lock, then publishes in one critical
 * section, so the unbind hook never waits for a user copy. Upstream keeps
 * it in the device; here a hash of the device's address (an xarray keyed
 * by the address allocated and RCU-freed nodes on every vDEVICE). A
 * device has one vDEVICE at most: the map holds no more entries than
 * there are devices. Everything of it is under viommu_vdev_lock.
 */
static DEFINE_HASHTABLE(viommu_idev_vdevs, 8);
static LIST_HEAD(viommu_unbinding);
static DEFINE_MUTEX(viommu_vdev_lock);
static DECLARE_WAIT_QUEUE_HEAD(viommu_vdev_wait);

/*
 * A device being unbound. @gone counts removals of its vDEVICE from the
 * map: the unbind waits on it without the lock (the entry is its own).
 */
struct viommu_unbinding {
	struct list_head node;
	struct iommufd_device *idev;
	unsigned long gone;
};

/* The vDEVICE of @idev, or NULL */
static struct viommu_vdevice *viommu_idev_vdev(struct iommufd_device *idev)
{
	struct viommu_vdevice *vdev;

	lockdep_assert_held(&viommu_vdev_lock);
	hash_for_each_possible(viommu_idev_vdevs, vdev, idev_node,
			       (unsigned long)idev)
		if (vdev->idev == idev)
			return vdev;
	return NULL;
}

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

static void viommu_idev_vdev_del(struct viommu_vdevice *vdev)
{
	struct viommu_unbinding *u;

	lockdep_assert_held(&viommu_vdev_lock);
	if (!hash_hashed(&vdev->idev_node))
		return;
	hash_del(&vdev->idev_node);
	u = viommu_unbinding_find(vdev->idev);
	if (u)
		WRITE_ONCE(u->gone, u->gone + 1);
}

/* Undo a published vDEVICE: driver part, both maps, both pins. */
static void viommu_vdevice_teardown(struct viommu_vdevice *vdev)
{
	struct viommu *viommu = vdev->viommu;

	lockdep_assert_held(&viommu_vdev_lock);
	if (vdev->destroy)
		vdev->destroy(vdev);
	xa_cmpxchg(&viommu->vdevs, vdev->virt_id, vdev, NULL, GFP_KERNEL);
	viommu_idev_vdev_del(vdev);
	viommu_shim_unpin(viommu_shim_idev_obj(vdev->idev));
	refcount_dec(&viommu->obj.users);
}

/* May @idev get a vDEVICE at @virt_id of @viommu? Upstream's order. */
static int viommu_vdevice_check(struct viommu *viommu,
				struct iommufd_device *idev, u64 virt_id)
{
	lockdep_assert_held(&viommu_vdev_lock);
	if (viommu_unbinding_find(idev))
		return -ENOENT;
	if (viommu_idev_vdev(idev))
		return -EEXIST;
	if (xa_load(&viommu->vdevs, virt_id))
		return -EEXIST;
	return 0;
}

/*
 * Checks, driver init, both maps and both pins, under the lock that the
 * unbind hook takes: it finds @vdev in the map only once all is done.
 */
static int viommu_vdevice_publish(struct viommu_vdevice *vdev,
				  struct iommufd_object *idev_obj)
{
	struct viommu *viommu = vdev->viommu;
	int rc;

	lockdep_assert_held(&viommu_vdev_lock);
	rc = viommu_vdevice_check(viommu, vdev->idev, vdev->virt_id);
	if (rc)
		return rc;
	/* Reserve the virt_id so a racing alloc sees it taken. */
	rc = xa_insert(&viommu->vdevs, vdev->virt_id, NULL, GFP_KERNEL);
	if (rc)
		return rc == -EBUSY ? -EEXIST : rc;
	hash_add(viommu_idev_vdevs, &vdev->idev_node, (unsigned long)vdev->idev);
	if (viommu->ops->vdevice_init) {
		rc = viommu->ops->vdevice_init(vdev);
		if (rc)
			goto err_idev;
	}
	/* Lifetime pins, dropped by viommu_vdevice_teardown(). */
	refcount_inc(&viommu->obj.users);
	viommu_shim_pin(idev_obj);
	/* Fills the reserved slot: no allocation, cannot fail. */
	xa_store(&viommu->vdevs, vdev->virt_id, vdev, GFP_KERNEL);
	return 0;

err_idev:
	viommu_idev_vdev_del(vdev);
	xa_release(&viommu->vdevs, vdev->virt_id);
	return rc;
}

/**
 * viommu_vdevice_alloc_ioctl() - IOMMU_VDEVICE_ALLOC on /dev/viommu
 * @ucmd: The command, struct viommu_vdevice_alloc
 *
 * The answer is copied out first, with no lock and no hold on the stock
 * device: a copy-out blocked in userspace (userfaultfd) must not hold up
 * the device's unbind, which runs under VFIO's dev_set->lock. Until the
 * object is finalized its id names nothing, so an EFAULT only aborts it.
 * The device is then looked up again: if it was unbound meanwhile, or is
 * being unbound, the ioctl fails with ENOENT and leaves nothing behind.
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

	/* Upstream fails these before its copy-out: so do we, once here. */
	mutex_lock(&viommu_vdev_lock);
	rc = viommu_vdevice_check(viommu, idev, cmd->virt_id);
	mutex_unlock(&viommu_vdev_lock);
	if (rc)
		goto out_put_idev;

	obj = _viommu_object_alloc(ucmd->ctx, size, VIOMMU_OBJ_VDEVICE);
	if (IS_ERR(obj)) {
		rc = PTR_ERR(obj);
		goto out_put_idev;
	}
	vdev = container_of(obj, struct viommu_vdevice, obj);
	vdev->viommu = viommu;
	vdev->virt_id = cmd->virt_id;

	/*
	 * A stock destroy waits for short-term holds: none may last across
	 * a user copy. @idev is compared below, never used, until held again.
	 */
	viommu_shim_put_object(ictx, idev_obj);

	cmd->out_vdevice_id = obj->id;
	rc = viommu_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;

	idev_obj = viommu_shim_get_object(ictx, cmd->dev_id, VIOMMU_STOCK_DEVICE);
	if (IS_ERR(idev_obj)) {
		rc = PTR_ERR(idev_obj);
		goto out_abort;
	}
	/* Another device bound under the same id since: not the one named. */
	if (viommu_shim_to_idev(idev_obj) != idev) {
		rc = -ENOENT;
		goto out_abort_put_idev;
	}
	dev = viommu_shim_idev_dev(idev);
	if (!viommu_backs_dev(viommu, dev)) {
		rc = -EINVAL;
		goto out_abort_put_idev;
	}
	vdev->idev = idev;
	vdev->dev = dev;

	mutex_lock(&viommu_vdev_lock);
	rc = viommu_vdevice_publish(vdev, idev_obj);
	if (!rc)
		viommu_object_finalize(ucmd->ctx, obj);
	mutex_unlock(&viommu_vdev_lock);
	if (rc)
		goto out_abort_put_idev;
	/* Nothing waits for a vDEVICE to appear: no wake-up. */
	goto out_put_idev;

out_abort_put_idev:
	viommu_shim_put_object(ictx, idev_obj);
out_abort:
	viommu_object_abort(ucmd->ctx, obj);
	goto out_put_viommu;
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

/* Whether @u's vDEVICE left the map since @gone was read, under the lock */
static bool viommu_idev_vdev_went(struct viommu_unbinding *u,
				  unsigned long gone)
{
	return READ_ONCE(u->gone) != gone;
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
	unsigned long gone;
	int rc;

	u = kzalloc(sizeof(*u), GFP_KERNEL | __GFP_NOFAIL);
	u->idev = idev;

	mutex_lock(&viommu_vdev_lock);
	list_add(&u->node, &viommu_unbinding);
	for (;;) {
		vdev = viommu_idev_vdev(idev);
		if (!vdev)
			break;
		gone = u->gone;
		/* A vDEVICE in the map keeps its context alive. */
		if (refcount_inc_not_zero(&vdev->obj.users)) {
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
					   viommu_idev_vdev_went(u, gone));
		} else {
			/*
			 * Someone else is destroying it: its destroy op takes
			 * it out of the map (kernel work, no user copy) and
			 * drops its pin on @idev, then wakes us.
			 */
			mutex_unlock(&viommu_vdev_lock);
			wait_event(viommu_vdev_wait,
				   viommu_idev_vdev_went(u, gone));
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
