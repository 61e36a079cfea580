// SPDX-License-Identifier: GPL-2.0
/*
 * The mock IOMMU instance and its devices.
 *
 * 6.12 has no way for a module to put an IOMMU on a bus of its own
 * (iommu_device_register_bus() is built only for the in-tree selftest), so
 * the mock IOMMU registers like a firmware-described one: its instance has a
 * software fwnode, and each mock device is a platform device whose fwspec
 * names that fwnode. The 6.12 core then probes exactly those devices with
 * mock_ops, from the platform bus notifier, when they are added.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/idr.h>
#include <linux/irqdomain.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "mock.h"

static struct iommu_device mock_iommu;
static struct platform_device *mock_iommu_pdev;
/* NULL without CONFIG_IOMMU_IOPF: no device can then enable IOPF. */
static struct iopf_queue *mock_iopf_queue;
static struct irq_domain *mock_msi_domain;
static DEFINE_IDA(mock_dev_ida);

/* Gives the instance's device a (software) fwnode; no properties needed. */
static const struct property_entry mock_iommu_props[] = {
	{}
};

static void mock_dev_release(struct device *dev);

/**
 * mock_dev_is_mock() - Whether a device is a mock device
 * @dev: Any device
 *
 * Return: true for devices of viommu_mock_dev_create().
 */
bool mock_dev_is_mock(struct device *dev)
{
	return dev->release == mock_dev_release;
}

static struct iommu_device *mock_probe_device(struct device *dev)
{
	if (!mock_dev_is_mock(dev))
		return ERR_PTR(-ENODEV);
	return &mock_iommu;
}

/* The device stops using its domain: forget the vIOMMU it reported to. */
static void mock_release_device(struct device *dev)
{
	mock_dev_forget_viommu(to_mock_dev(dev));
}

static bool mock_capable(struct device *dev, enum iommu_cap cap)
{
	/* iommufd_device_bind() refuses devices without it. */
	return cap == IOMMU_CAP_CACHE_COHERENCY;
}

/* Stock IOMMU_GET_HW_INFO: 6.12 passes *type as output only. */
static void *mock_iommu_hw_info(struct device *dev, u32 *length, u32 *type)
{
	*type = VIOMMU_HW_INFO_TYPE_DEFAULT;
	return mock_hw_info(dev, length, type);
}

/* A mock device has no hardware queue to answer. */
/* Every last-page request is answered once: by its handler or the core. */
static void mock_page_response(struct device *dev, struct iopf_fault *evt,
			       struct iommu_page_response *msg)
{
	atomic_dec(&to_mock_dev(dev)->iopf_pending);
}

/* Stock attach of a HWPT with a fault queue enables IOPF, as upstream. */
static int mock_dev_enable_feat(struct device *dev, enum iommu_dev_features feat)
{
	if (feat != IOMMU_DEV_FEAT_IOPF || !mock_iopf_queue)
		return -ENODEV;
	return iopf_queue_add_device(mock_iopf_queue, dev);
}

static int mock_dev_disable_feat(struct device *dev, enum iommu_dev_features feat)
{
	if (feat != IOMMU_DEV_FEAT_IOPF || !mock_iopf_queue)
		return -ENODEV;
	iopf_queue_remove_device(mock_iopf_queue, dev);
	return 0;
}

const struct iommu_ops mock_ops = {
	.owner = THIS_MODULE,
	.default_domain = &mock_blocking_domain,
	.blocked_domain = &mock_blocking_domain,
	.pgsize_bitmap = MOCK_IO_PAGE_SIZE,
	.capable = mock_capable,
	.hw_info = mock_iommu_hw_info,
	.domain_alloc_paging = mock_domain_alloc_paging,
	.domain_alloc_user = mock_domain_alloc_user,
	.probe_device = mock_probe_device,
	.release_device = mock_release_device,
	.device_group = generic_device_group,
	.page_response = mock_page_response,
	.dev_enable_feat = mock_dev_enable_feat,
	.dev_disable_feat = mock_dev_disable_feat,
	/* As upstream: a fault with a PASID goes to the RID's nested domain. */
	.user_pasid_table = true,
};

/*
 * iommu_fwspec_init() asserts iommu_probe_device_lock, which modules
 * cannot take. The device is not added yet, so nothing can probe it
 * concurrently: set up the same dev->iommu directly. From device_add()
 * on, the IOMMU core owns it and frees it with dev_iommu_free().
 */
static int mock_dev_init_fwspec(struct device *dev)
{
	struct iommu_fwspec *fwspec;
	struct dev_iommu *param;

	param = kzalloc(sizeof(*param), GFP_KERNEL);
	fwspec = kzalloc(struct_size(fwspec, ids, 1), GFP_KERNEL);
	if (!param || !fwspec) {
		kfree(param);
		kfree(fwspec);
		return -ENOMEM;
	}
	mutex_init(&param->lock);
	fwspec->iommu_fwnode = fwnode_handle_get(mock_iommu.fwnode);
	param->fwspec = fwspec;
	dev->iommu = param;
	return 0;
}

/* Only for a device that never reached the IOMMU core. */
static void mock_dev_free_fwspec(struct device *dev)
{
	struct dev_iommu *param = dev->iommu;

	if (!param || param->iommu_dev)
		return;
	dev->iommu = NULL;
	fwnode_handle_put(param->fwspec->iommu_fwnode);
	kfree(param->fwspec);
	kfree(param);
}

static void mock_dev_release(struct device *dev)
{
	struct mock_dev *mdev = to_mock_dev(dev);

	mock_dev_free_fwspec(dev);
	ida_free(&mock_dev_ida, mdev->pdev.id);
	kfree(mdev);
}

/**
 * viommu_mock_dev_create() - Add a mock device behind the mock IOMMU
 *
 * The device is probed by the mock IOMMU (its own group, the blocking
 * default domain) and has an isolated MSI domain, so iommufd_device_bind()
 * accepts it. No driver binds it: no platform driver has its name.
 *
 * Return: the device, or an ERR_PTR().
 */
struct mock_dev *viommu_mock_dev_create(void)
{
	struct mock_dev *mdev;
	struct device *dev;
	int rc, i;

	mdev = kzalloc(sizeof(*mdev), GFP_KERNEL);
	if (!mdev)
		return ERR_PTR(-ENOMEM);
	rc = ida_alloc(&mock_dev_ida, GFP_KERNEL);
	if (rc < 0)
		goto err_free;
	mdev->pdev.id = rc;
	dev = &mdev->pdev.dev;
	rc = mock_dev_init_fwspec(dev);
	if (rc)
		goto err_ida;

	mdev->pdev.name = "viommu_mock";
	dev->release = mock_dev_release;
	init_rwsem(&mdev->iopf_rwsem);
	init_rwsem(&mdev->viommu_rwsem);
	for (i = 0; i < VIOMMU_MOCK_DEV_CACHE_NUM; i++)
		mdev->cache[i] = VIOMMU_TEST_DEV_CACHE_DEFAULT;
	dev_set_msi_domain(dev, mock_msi_domain);

	/* From here on the release function frees everything. */
	rc = platform_device_register(&mdev->pdev);
	if (rc) {
		put_device(dev);
		return ERR_PTR(rc);
	}
	if (!device_iommu_mapped(dev)) {
		/* The IOMMU core could not probe it (out of memory). */
		platform_device_unregister(&mdev->pdev);
		return ERR_PTR(-ENODEV);
	}
	return mdev;

err_ida:
	ida_free(&mock_dev_ida, mdev->pdev.id);
err_free:
	kfree(mdev);
	return ERR_PTR(rc);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_mock_dev_create);

/**
 * viommu_mock_dev_destroy() - Remove a mock device
 * @mdev: The device; it must not be bound to an iommufd
 */
void viommu_mock_dev_destroy(struct mock_dev *mdev)
{
	platform_device_unregister(&mdev->pdev);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_mock_dev_destroy);

static const struct irq_domain_ops mock_msi_domain_ops = {};

/*
 * 6.12's iommufd_device_bind() wants isolated MSI, and exempts only the
 * in-tree mock devices. Mock devices raise no interrupts at all, so give
 * them an MSI domain that says so, instead of asking the test machine for
 * iommufd.allow_unsafe_interrupts.
 */
static int mock_msi_domain_create(void)
{
	struct irq_domain_info info = {
		.domain_flags = IRQ_DOMAIN_FLAG_ISOLATED_MSI,
		.ops = &mock_msi_domain_ops,
	};
	struct irq_domain *domain;

	if (!IS_ENABLED(CONFIG_GENERIC_MSI_IRQ)) {
		pr_notice("no MSI domains: binding mock devices needs iommufd.allow_unsafe_interrupts\n");
		return 0;
	}

	info.fwnode = irq_domain_alloc_named_fwnode("viommu-selftest-msi");
	if (!info.fwnode)
		return -ENOMEM;
	domain = irq_domain_instantiate(&info);
	if (IS_ERR(domain)) {
		irq_domain_free_fwnode(info.fwnode);
		return PTR_ERR(domain);
	}
	mock_msi_domain = domain;
	return 0;
}

static void mock_msi_domain_remove(void)
{
	struct fwnode_handle *fwnode;

	if (!mock_msi_domain)
		return;
	fwnode = mock_msi_domain->fwnode;
	irq_domain_remove(mock_msi_domain);
	irq_domain_free_fwnode(fwnode);
	mock_msi_domain = NULL;
}

/**
 * mock_iommu_register() - Register the mock IOMMU instance
 *
 * Return: 0 or an errno; nothing is left registered on error.
 */
int mock_iommu_register(void)
{
	struct platform_device_info info = {
		.name = "viommu_selftest_iommu",
		.id = PLATFORM_DEVID_NONE,
		.properties = mock_iommu_props,
	};
	int rc;

	rc = mock_msi_domain_create();
	if (rc)
		return rc;

	/* The instance's device: its fwnode is what fwspecs name. */
	mock_iommu_pdev = platform_device_register_full(&info);
	if (IS_ERR(mock_iommu_pdev)) {
		rc = PTR_ERR(mock_iommu_pdev);
		goto err_msi;
	}

	rc = iommu_device_sysfs_add(&mock_iommu, &mock_iommu_pdev->dev, NULL,
				    "viommu-selftest");
	if (rc)
		goto err_pdev;

	/* As upstream, no queue is no error: attaching with IOPF fails. */
	mock_iopf_queue = iopf_queue_alloc("viommu-mock-iopfq");

	rc = iommu_device_register(&mock_iommu, &mock_ops,
				   &mock_iommu_pdev->dev);
	if (rc)
		goto err_iopf;
	return 0;

err_iopf:
	iopf_queue_free(mock_iopf_queue);
	mock_iopf_queue = NULL;
	iommu_device_sysfs_remove(&mock_iommu);
err_pdev:
	platform_device_unregister(mock_iommu_pdev);
err_msi:
	mock_msi_domain_remove();
	return rc;
}

/**
 * mock_iommu_unregister() - Undo mock_iommu_register()
 *
 * Every mock device holds a module reference, so none is left here.
 */
void mock_iommu_unregister(void)
{
	iommu_device_unregister(&mock_iommu);
	iopf_queue_free(mock_iopf_queue);
	mock_iopf_queue = NULL;
	iommu_device_sysfs_remove(&mock_iommu);
	platform_device_unregister(mock_iommu_pdev);
	mock_msi_domain_remove();
	ida_destroy(&mock_dev_ida);
}
