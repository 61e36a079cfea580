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

/* Held (so its id cannot name another HWPT meanwhile), or NULL if no HWPT. */
static struct iommufd_object *viommu_hold_hwpt(struct iommufd_ctx *ictx,
					       u32 pt_id)
{
	struct iommufd_object *obj;

	obj = viommu_shim_get_object(ictx, pt_id, VIOMMU_STOCK_HWPT_PAGING);
	if (IS_ERR(obj))
		obj = viommu_shim_get_object(ictx, pt_id, VIOMMU_STOCK_HWPT_NESTED);
	return IS_ERR(obj) ? NULL : obj;
}

/**
 * viommu_device_replace_checked() - iommufd_device_replace() for a driver
 * @ctx: The context whose stock file @idev is bound to
 * @idev: The stock device
 * @pt_id: As for iommufd_device_replace(): an IOAS or a HWPT of that file
 *
 * A HWPT whose domain belongs to another IOMMU driver than @idev's device
 * is refused with -EINVAL (as the IOMMU core refuses it on attach); it is
 * held until the replace returns. Anything else is the stock call's to
 * judge.
 *
 * Return: 0 or a negative errno.
 */
int viommu_device_replace_checked(struct viommu_ctx *ctx,
				  struct iommufd_device *idev, u32 *pt_id)
{
	struct iommufd_ctx *ictx = viommu_ctx_ictx(ctx);
	struct device *dev = viommu_shim_idev_dev(idev);
	struct iommufd_object *hwpt;
	struct iommu_domain *domain;
	int rc;

	if (!ictx || !viommu_shim_ready())
		return -EOPNOTSUPP;
	hwpt = viommu_hold_hwpt(ictx, *pt_id);
	if (hwpt) {
		domain = viommu_shim_hwpt_domain(hwpt);
		if (!dev->iommu ||
		    domain->owner != __iommu_get_iommu_dev(dev)->ops) {
			viommu_shim_put_object(ictx, hwpt);
			return -EINVAL;
		}
	}
	rc = iommufd_device_replace(idev, pt_id);
	if (hwpt)
		viommu_shim_put_object(ictx, hwpt);
	return rc;
}
EXPORT_SYMBOL_GPL(viommu_device_replace_checked);
