// SPDX-License-Identifier: GPL-2.0
/*
 * viommu: the iommufd vIOMMU object layer as an out-of-tree module, next to
 * the kernel's own iommufd. This file registers /dev/viommu.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "compat.h"
#include "core.h"

static int viommu_fops_open(struct inode *inode, struct file *filp)
{
	struct viommu_ctx *ctx;

	ctx = viommu_ctx_alloc();
	if (!ctx)
		return -ENOMEM;
	/* misc_open() left the miscdevice here; the context replaces it. */
	filp->private_data = ctx;
	return nonseekable_open(inode, filp);
}

static int viommu_fops_release(struct inode *inode, struct file *filp)
{
	viommu_ctx_free(filp->private_data);
	return 0;
}

static long viommu_fops_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
	return viommu_ioctl(filp->private_data, cmd, (void __user *)arg);
}

static const struct file_operations viommu_fops = {
	.owner = THIS_MODULE,
	.open = viommu_fops_open,
	.release = viommu_fops_release,
	.unlocked_ioctl = viommu_fops_ioctl,
};

static struct miscdevice viommu_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "viommu",
	.fops = &viommu_fops,
	.mode = 0600,
};

static int __init viommu_init(void)
{
	int rc;

	rc = misc_register(&viommu_misc);
	if (rc) {
		pr_err("cannot register /dev/viommu: %d\n", rc);
		return rc;
	}
	pr_info("/dev/viommu ready\n");
	return 0;
}

static void __exit viommu_exit(void)
{
	misc_deregister(&viommu_misc);
}

module_init(viommu_init);
module_exit(viommu_exit);

MODULE_DESCRIPTION("iommufd vIOMMU object layer for kernels that lack it");
MODULE_LICENSE("GPL");
VIOMMU_IMPORT_NS("IOMMUFD");
