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
#include "../door/door.h"
#include "../shim/shim.h"
#include "../smmuv3/backend.h"

static int viommu_fops_open(struct inode *inode, struct file *filp)
{
	struct viommu_ctx *ctx;

	ctx = viommu_ctx_alloc();
	if (!ctx)
		return -ENOMEM;
	/* misc_open() left the miscdevice here; the context replaces it. */
	filp->private_data = ctx;
	ctx->file = filp;
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

static int viommu_fops_mmap(struct file *filp, struct vm_area_struct *vma)
{
	return viommu_mmap(filp->private_data, vma);
}

static const struct file_operations viommu_fops = {
	.owner = THIS_MODULE,
	.open = viommu_fops_open,
	.release = viommu_fops_release,
	.unlocked_ioctl = viommu_fops_ioctl,
	.mmap = viommu_fops_mmap,
};

static struct miscdevice viommu_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "viommu",
	.fops = &viommu_fops,
	/* As /dev/iommu: a VMM with group access to it can use ours too. */
	.mode = 0660,
};

static int __init viommu_init(void)
{
	int rc;

	/* First: the shim's trial install of the hooks already runs them. */
	rc = viommu_hwpt_init();
	if (rc)
		return rc;
	/*
	 * Without the shim only the stock-independent ioctls work. It leaves
	 * no hook installed: the door (viommu_door_init() below) or the first
	 * bound context installs them.
	 */
	viommu_shim_init();

	rc = misc_register(&viommu_misc);
	if (rc) {
		pr_err("cannot register /dev/viommu: %d\n", rc);
		goto err_shim;
	}
	pr_info("/dev/viommu ready\n");
	/*
	 * Last: its hooks let /dev/iommu users make domains whose ops are
	 * ours, which a failed load could not wait for.
	 */
	viommu_smmuv3_init();
	viommu_door_init();
	/* The checks above are done with the kernel's BTF. */
	viommu_layout_btf_release();
	return 0;

err_shim:
	/* Nothing can have run, but leave nothing queued either way. */
	viommu_shim_exit();
	viommu_layout_btf_release();
	viommu_ctx_reap_flush();
	viommu_hwpt_exit();
	return rc;
}

static void __exit viommu_exit(void)
{
	/*
	 * No file and no orphan is left (each holds the module, door files
	 * too), so no context holds the hooks and no hook runs: nothing
	 * queues more work.
	 */
	viommu_door_exit();
	misc_deregister(&viommu_misc);
	viommu_ctx_reap_flush();
	viommu_smmuv3_exit();
	viommu_shim_exit();
	viommu_hwpt_exit();
	/* Read again if KUnit checked a table after the load. */
	viommu_layout_btf_release();
}

module_init(viommu_init);
module_exit(viommu_exit);

MODULE_DESCRIPTION("iommufd vIOMMU object layer for kernels that lack it");
MODULE_LICENSE("GPL");
VIOMMU_IMPORT_NS("IOMMUFD");
