// SPDX-License-Identifier: GPL-2.0
/*
 * viommu_selftest: the mock IOMMU and vIOMMU driver that the vIOMMU tests
 * run on, as upstream's iommufd selftest. Never needed in production.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "compat.h"
#include "mock.h"

static int __init viommu_selftest_init(void)
{
	int rc;

	rc = mock_iommu_register();
	if (rc) {
		pr_err("cannot register the mock IOMMU: %d\n", rc);
		return rc;
	}
	rc = viommu_register_driver(&viommu_mock_driver);
	if (rc) {
		pr_err("cannot register the mock vIOMMU driver: %d\n", rc);
		mock_iommu_unregister();
		return rc;
	}
	return 0;
}

/* Mock devices and driver objects pin the module: none is left here. */
static void __exit viommu_selftest_exit(void)
{
	viommu_unregister_driver(&viommu_mock_driver);
	mock_iommu_unregister();
}

module_init(viommu_selftest_init);
module_exit(viommu_selftest_exit);

MODULE_DESCRIPTION("Mock IOMMU and vIOMMU driver for testing viommu");
MODULE_LICENSE("GPL");
VIOMMU_IMPORT_NS("IOMMUFD");
