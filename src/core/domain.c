// SPDX-License-Identifier: GPL-2.0
/*
 * Domains of driver modules that can be unloaded. A stock HWPT outlives the
 * device it was made for, so the IOMMU core's per-device pin on the driver
 * module does not cover its domain: the driver pins its module per domain,
 * and the pin is dropped here, after the driver's free has returned, by
 * code that is not being unloaded (as the IOMMU core drops its per-device
 * pin after release_device()).
 */
#include <linux/iommu.h>
#include <linux/module.h>

#include "core.h"

/**
 * viommu_domain_free() - iommu_domain_ops.free of a struct viommu_domain_ops
 * @domain: The domain; its ops are the @ops member of a viommu_domain_ops
 *
 * Calls the driver's free, then drops the module pin the driver took when
 * it allocated @domain.
 */
void viommu_domain_free(struct iommu_domain *domain)
{
	const struct viommu_domain_ops *vops =
		container_of(domain->ops, struct viommu_domain_ops, ops);
	/* Read first: the ops may be gone once the pin is. */
	struct module *owner = vops->owner;

	vops->free(domain);
	module_put(owner);
}
EXPORT_SYMBOL_GPL(viommu_domain_free);
