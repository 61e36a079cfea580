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
 * An IOAS is never handed to the stock replace, which tries each of its
 * auto domains without that check: -EXDEV tells the caller to serve it as
 * detach + attach (attach checks each). The decision is made on the held
 * object, so the id cannot turn into an IOAS behind it.
 *
 * Return: 0, -EXDEV for an IOAS, or another negative errno.
 */
int viommu_device_replace_checked(struct viommu_ctx *ctx,
				  struct iommufd_device *idev, u32 *pt_id)
{
	struct iommufd_ctx *ictx = viommu_ctx_ictx(ctx);
	struct device *dev = viommu_shim_idev_dev(idev);
	struct iommufd_object *obj;
	const struct iommu_ops *ops;
	struct iommu_domain *domain;
	int rc;

	if (!ictx || !viommu_shim_ready())
		return -EOPNOTSUPP;
	/* As the stock lookup: ENOENT for an id that names nothing. */
	obj = viommu_shim_get_object(ictx, *pt_id, VIOMMU_STOCK_ANY);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	domain = viommu_shim_hwpt_domain(obj);
	ops = viommu_dev_iommu_ops(dev);
	if (domain && (!ops || domain->owner != ops))
		rc = -EINVAL;
	else if (viommu_shim_is_ioas(obj))
		rc = -EXDEV;
	else
		rc = iommufd_device_replace(idev, pt_id);
	viommu_shim_put_object(ictx, obj);
	return rc;
}
EXPORT_SYMBOL_GPL(viommu_device_replace_checked);
