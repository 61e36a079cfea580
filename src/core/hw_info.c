// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_GET_HW_INFO on /dev/viommu, with upstream's input type: the
 * registered vIOMMU driver answers, else the IOMMU driver's own hw_info.
 */
#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/pci.h>
#include <linux/pci-ats.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core.h"
#include "../shim/shim.h"

static void *viommu_hw_info_data(struct device *dev, u32 *len, u32 *type)
{
	const struct iommu_ops *ops = __iommu_get_iommu_dev(dev)->ops;
	struct viommu_driver *drv = viommu_driver_get(dev);
	u32 wanted = *type;
	void *data;

	if (drv && drv->hw_info) {
		data = drv->hw_info(dev, len, type);
		viommu_driver_put(drv);
		return data;
	}
	viommu_driver_put(drv);

	/* As upstream: with no hw_info, any asked type gets NONE. */
	if (!ops->hw_info) {
		*len = 0;
		*type = VIOMMU_HW_INFO_TYPE_NONE;
		return NULL;
	}
	/* 6.12's hw_info only reports its one type. */
	data = ops->hw_info(dev, len, type);
	if (!IS_ERR(data) && wanted != VIOMMU_HW_INFO_TYPE_DEFAULT &&
	    wanted != *type) {
		kfree(data);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return data;
}

/**
 * viommu_hw_info_has_driver() - Whether a vIOMMU driver answers for a device
 * @ictx: The stock context the device is bound to
 * @dev_id: Its device id there
 *
 * The stock 6.12 IOMMU_GET_HW_INFO knows only the IOMMU driver's own
 * hw_info (none for SMMUv3): a device a vIOMMU driver of ours backs is
 * answered by the core on a door file too, as upstream answers it.
 *
 * Return: true if such a driver has hw_info for the device.
 */
bool viommu_hw_info_has_driver(struct iommufd_ctx *ictx, u32 dev_id)
{
	struct iommufd_object *idev_obj;
	struct viommu_driver *drv;
	bool ours;

	if (!viommu_shim_ready())
		return false;
	idev_obj = viommu_shim_get_object(ictx, dev_id, VIOMMU_STOCK_DEVICE);
	if (IS_ERR(idev_obj))
		return false;
	drv = viommu_driver_get(viommu_shim_idev_dev(viommu_shim_to_idev(idev_obj)));
	ours = drv && drv->hw_info;
	viommu_driver_put(drv);
	viommu_shim_put_object(ictx, idev_obj);
	return ours;
}

/**
 * viommu_get_hw_info_ioctl() - IOMMU_GET_HW_INFO on /dev/viommu
 * @ucmd: The command, struct viommu_hw_info
 *
 * Return: 0 or a negative errno as upstream gives it.
 */
int viommu_get_hw_info_ioctl(struct viommu_ucmd *ucmd)
{
	struct viommu_hw_info *cmd = ucmd->cmd;
	struct iommufd_ctx *ictx = viommu_ctx_ictx(ucmd->ctx);
	void __user *user_ptr = u64_to_user_ptr(cmd->data_uptr);
	struct iommufd_object *idev_obj;
	u32 data_len = 0, copy_len;
	struct device *dev;
	void *data;
	int rc;

	if (cmd->flags & ~VIOMMU_HW_INFO_FLAG_INPUT_TYPE)
		return -EOPNOTSUPP;
	if (cmd->__reserved[0] || cmd->__reserved[1] || cmd->__reserved[2])
		return -EOPNOTSUPP;
	if (!(cmd->flags & VIOMMU_HW_INFO_FLAG_INPUT_TYPE))
		cmd->in_data_type = VIOMMU_HW_INFO_TYPE_DEFAULT;
	if (!viommu_shim_ready())
		return -EOPNOTSUPP;

	idev_obj = viommu_shim_get_object(ictx, cmd->dev_id, VIOMMU_STOCK_DEVICE);
	if (IS_ERR(idev_obj))
		return PTR_ERR(idev_obj);
	dev = viommu_shim_idev_dev(viommu_shim_to_idev(idev_obj));

	data = viommu_hw_info_data(dev, &data_len, &cmd->out_data_type);
	if (IS_ERR(data)) {
		viommu_shim_put_object(ictx, idev_obj);
		return PTR_ERR(data);
	}

	cmd->out_capabilities = 0;
	if (device_iommu_capable(dev, IOMMU_CAP_DIRTY_TRACKING))
		cmd->out_capabilities |= VIOMMU_HW_CAP_DIRTY_TRACKING;
	cmd->out_max_pasid_log2 = 0;
	if (dev->iommu->max_pasids) {
		cmd->out_max_pasid_log2 = ilog2(dev->iommu->max_pasids);
		if (dev_is_pci(dev)) {
			int ctrl = pci_pasid_status(to_pci_dev(dev));

			if (ctrl > 0 && (ctrl & PCI_PASID_CTRL_EXEC))
				cmd->out_capabilities |= VIOMMU_HW_CAP_PCI_PASID_EXEC;
			if (ctrl > 0 && (ctrl & PCI_PASID_CTRL_PRIV))
				cmd->out_capabilities |= VIOMMU_HW_CAP_PCI_PASID_PRIV;
		}
	}
	/* 6.12 has no IOMMU_CAP_PCI_ATS_SUPPORTED: ATS_NOT_SUPPORTED is never set. */

	/*
	 * All read: a stock destroy of the device waits for this short-term
	 * hold, so none may last across a user copy.
	 */
	viommu_shim_put_object(ictx, idev_obj);

	copy_len = min(cmd->data_len, data_len);
	rc = -EFAULT;
	if (copy_to_user(user_ptr, data, copy_len))
		goto out_free;
	/* A bigger user buffer gets zeroes past what the kernel has. */
	if (copy_len < cmd->data_len &&
	    clear_user(user_ptr + copy_len, cmd->data_len - copy_len))
		goto out_free;
	cmd->data_len = data_len;

	rc = viommu_ucmd_respond(ucmd, sizeof(*cmd));
out_free:
	kfree(data);
	return rc;
}
