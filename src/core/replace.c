// SPDX-License-Identifier: GPL-2.0
/*
 * Replacing a device's domain with a stock HWPT: the IOMMU core checks that
 * a domain belongs to the device's IOMMU driver on attach, not on replace
 * (6.12 and upstream alike), and a driver's attach_dev takes any device for
 * one of its own: the SMMUv3 driver's dereferences a mock device as its
 * master. A driver that replaces on a user's pt_id goes through here.
 */
#include <linux/err.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/module.h>

#include "core.h"
#include "shim.h"

/**
 * viommu_device_replace_checked() - iommufd_device_replace() for a driver
 * @ctx: The context whose stock file @idev is bound to
 * @idev: The stock device
 * @pt_id: As for iommufd_device_replace(): an IOAS or a HWPT of that file
 *
 * A HWPT whose domain belongs to another IOMMU driver than @idev's device
 * is refused with -EINVAL (as the IOMMU core refuses it on attach). The
 * object @pt_id names is held until the replace returns, so the id cannot
 * come to name another HWPT between the check and the stock lookup.
 * Anything else is the stock call's to judge.
 *
 * Not covered: an IOAS whose auto domains include another driver's (the
 * stock replace tries each unchecked): a driver serves an IOAS as detach
 * and attach (viommu_stock_id_is_ioas()), since attach checks each.
 *
 * Return: 0 or a negative errno.
 */
int viommu_device_replace_checked(struct viommu_ctx *ctx,
				  struct iommufd_device *idev, u32 *pt_id)
{
	struct iommufd_ctx *ictx = viommu_ctx_ictx(ctx);
	struct device *dev = viommu_shim_idev_dev(idev);
	struct iommufd_object *obj;
	struct iommu_domain *domain;
	int rc;

	if (!ictx || !viommu_shim_ready())
		return -EOPNOTSUPP;
	/* As the stock lookup: ENOENT for an id that names nothing. */
	obj = viommu_shim_get_object(ictx, *pt_id, VIOMMU_STOCK_ANY);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	domain = viommu_shim_hwpt_domain(obj);
	if (domain && (!dev->iommu || !dev->iommu->iommu_dev ||
		       domain->owner != dev->iommu->iommu_dev->ops))
		rc = -EINVAL;
	else
		rc = iommufd_device_replace(idev, pt_id);
	viommu_shim_put_object(ictx, obj);
	return rc;
}
EXPORT_SYMBOL_GPL(viommu_device_replace_checked);

/**
 * viommu_stock_id_is_ioas() - Whether @id names an IOAS of @ctx's stock file
 * @ctx: The context whose stock file holds @id
 * @id: An object id of that file
 *
 * For a driver that must not hand an IOAS to iommufd_device_replace()
 * (see viommu_device_replace_checked()). The answer may be stale by the
 * time the caller acts on it: it only chooses between two checked paths.
 *
 * Return: true when @id names an IOAS now.
 */
bool viommu_stock_id_is_ioas(struct viommu_ctx *ctx, u32 id)
{
	struct iommufd_ctx *ictx = viommu_ctx_ictx(ctx);
	struct iommufd_object *obj;

	if (!ictx || !viommu_shim_ready())
		return false;
	obj = viommu_shim_get_object(ictx, id, VIOMMU_STOCK_IOAS);
	if (IS_ERR(obj))
		return false;
	viommu_shim_put_object(ictx, obj);
	return true;
}
EXPORT_SYMBOL_GPL(viommu_stock_id_is_ioas);
