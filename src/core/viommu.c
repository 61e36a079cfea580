// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_VIOMMU_ALLOC: a vIOMMU object sized and set up by the driver of the
 * device's physical IOMMU, on a nest-parent HWPT of the bound iommufd.
 */
#include <linux/iommu.h>

#include "core.h"
#include "../shim/shim.h"

static struct viommu *viommu_alloc_for(struct viommu_ctx *ctx, size_t size,
				       struct device *dev, u32 type)
{
	struct viommu_object *obj;
	struct viommu *viommu;

	obj = _viommu_object_alloc(ctx, size, VIOMMU_OBJ_VIOMMU);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	viommu = container_of(obj, struct viommu, obj);
	viommu->ctx = ctx;
	viommu->ictx = viommu_ctx_ictx(ctx);
	viommu->iommu_dev = __iommu_get_iommu_dev(dev);
	viommu->type = type;
	xa_init(&viommu->vdevs);
	INIT_LIST_HEAD(&viommu->veventqs);
	init_rwsem(&viommu->veventqs_rwsem);
	return viommu;
}

/**
 * viommu_viommu_alloc_ioctl() - IOMMU_VIOMMU_ALLOC on /dev/viommu
 * @ucmd: The command, struct viommu_viommu_alloc
 *
 * Return: 0 or a negative errno as upstream gives it.
 */
int viommu_viommu_alloc_ioctl(struct viommu_ucmd *ucmd)
{
	struct viommu_viommu_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ictx = viommu_ctx_ictx(ucmd->ctx);
	struct iommufd_object *idev_obj, *hwpt;
	struct iommu_user_data user_data = {
		.type = cmd->type,
		.uptr = u64_to_user_ptr(cmd->data_uptr),
		.len = cmd->data_len,
	};
	struct viommu_driver *drv;
	struct viommu *viommu;
	struct device *dev;
	size_t size;
	int rc;

	if (cmd->flags || cmd->type == VIOMMU_VIOMMU_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!viommu_shim_ready())
		return -EOPNOTSUPP;

	idev_obj = viommu_shim_get_object(ictx, cmd->dev_id, VIOMMU_STOCK_DEVICE);
	if (IS_ERR(idev_obj))
		return PTR_ERR(idev_obj);
	dev = viommu_shim_idev_dev(viommu_shim_to_idev(idev_obj));

	drv = viommu_driver_get(dev);
	if (!drv) {
		rc = -EOPNOTSUPP;
		goto out_put_idev;
	}
	/* As upstream: the type is checked before the HWPT is looked up. */
	size = drv->get_viommu_size(dev, cmd->type);
	if (!size || WARN_ON_ONCE(size < sizeof(*viommu))) {
		rc = -EOPNOTSUPP;
		goto out_put_drv;
	}

	hwpt = viommu_shim_get_object(ictx, cmd->hwpt_id,
				      VIOMMU_STOCK_HWPT_PAGING);
	if (IS_ERR(hwpt)) {
		rc = PTR_ERR(hwpt);
		goto out_put_drv;
	}
	if (!viommu_shim_hwpt_is_nest_parent(hwpt)) {
		rc = -EINVAL;
		goto out_put_hwpt;
	}

	viommu = viommu_alloc_for(ucmd->ctx, size, dev, cmd->type);
	if (IS_ERR(viommu)) {
		rc = PTR_ERR(viommu);
		goto out_put_hwpt;
	}
	viommu->parent = viommu_shim_hwpt_domain(hwpt);
	/*
	 * The device is not used past here: drop it before the driver copies
	 * user data, which may block for as long as userspace likes, while a
	 * stock unbind of the device waits for this hold (and warns).
	 */
	viommu_shim_put_object(ictx, idev_obj);
	idev_obj = NULL;

	rc = drv->viommu_init(viommu, viommu->parent,
			      cmd->data_len ? &user_data : NULL);
	if (!rc && WARN_ON_ONCE(!viommu->ops))
		rc = -EOPNOTSUPP;
	if (rc) {
		/* As upstream: an init that set ops is undone by destroy. */
		if (viommu->ops && viommu->ops->destroy)
			viommu->ops->destroy(viommu);
		goto out_abort;
	}
	viommu->hwpt = hwpt;
	viommu_shim_pin(hwpt);
	viommu->drv = drv;
	drv = NULL;

	cmd->out_viommu_id = viommu->obj.id;
	rc = viommu_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc) {
		viommu_object_abort_and_destroy(ucmd->ctx, &viommu->obj);
		goto out_put_hwpt;
	}
	viommu_object_finalize(ucmd->ctx, &viommu->obj);
	goto out_put_hwpt;

out_abort:
	viommu_object_abort(ucmd->ctx, &viommu->obj);
out_put_hwpt:
	viommu_shim_put_object(ictx, hwpt);
out_put_drv:
	viommu_driver_put(drv);
out_put_idev:
	if (idev_obj)
		viommu_shim_put_object(ictx, idev_obj);
	return rc;
}

/**
 * viommu_viommu_destroy() - Free what a vIOMMU holds
 * @obj: The vIOMMU; nothing pins it anymore
 */
void viommu_viommu_destroy(struct viommu_object *obj)
{
	struct viommu *viommu = container_of(obj, struct viommu, obj);

	if (viommu->ops->destroy)
		viommu->ops->destroy(viommu);
	viommu_shim_unpin(viommu->hwpt);
	WARN_ON(!xa_empty(&viommu->vdevs));
	WARN_ON(!list_empty(&viommu->veventqs));
	xa_destroy(&viommu->vdevs);
	viommu_driver_put(viommu->drv);
}
