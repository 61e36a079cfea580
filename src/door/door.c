// SPDX-License-Identifier: GPL-2.0
/*
 * The door on stock /dev/iommu files: real VMMs open /dev/iommu and issue
 * the vIOMMU ioctls there, so each stock file opened while the door is in
 * gets a context of the core (the same one /dev/viommu files get, bound to
 * that file from the start) and the door's fops: the vIOMMU numbers and
 * mmap go to the core, everything else to the stock functions unchanged.
 * The file's objects die with it, before its stock release runs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "core.h"
#include "door.h"
#include "../shim/shim.h"

static bool stock_door = true;
module_param(stock_door, bool, 0444);
MODULE_PARM_DESC(stock_door,
		 "Serve the vIOMMU uAPI on /dev/iommu files opened while loaded (default Y)");

static bool viommu_door_ready;
module_param_named(stock_door_ready, viommu_door_ready, bool, 0444);
MODULE_PARM_DESC(stock_door_ready,
		 "Read only: the /dev/iommu door is in (the log says why not)");

/* Set before the hooks go in; constant while a door file exists. */
static const struct file_operations *viommu_stock_fops;
static bool viommu_stock_serves_test_cmd;

/**
 * struct viommu_door - A door file and its context
 * @node: Linkage in viommu_doors, hashed by file
 * @file: The stock file
 * @ctx: Its context, freed before the file's stock release
 */
struct viommu_door {
	struct hlist_node node;
	struct file *file;
	struct viommu_ctx *ctx;
};

/*
 * Looked up only by a caller holding the file (an ioctl, an mmap), so an
 * entry cannot go while it is used: only the release removes it.
 */
static DEFINE_HASHTABLE(viommu_doors, 6);
static DEFINE_SPINLOCK(viommu_doors_lock);

static struct viommu_door *viommu_door_find(struct file *filp)
{
	struct viommu_door *door;

	hash_for_each_possible(viommu_doors, door, node, (unsigned long)filp)
		if (door->file == filp)
			return door;
	return NULL;
}

static struct viommu_ctx *viommu_door_ctx(struct file *filp)
{
	struct viommu_door *door;

	spin_lock(&viommu_doors_lock);
	door = viommu_door_find(filp);
	spin_unlock(&viommu_doors_lock);
	/* Only files with a door entry get the door's fops. */
	return door->ctx;
}

/**
 * viommu_door_opened() - Give a stock iommufd file just opened its context
 * @filp: The file
 * @ictx: Its iommufd context
 *
 * Called by the shim's open hook; the file gets the door's fops on success.
 *
 * Return: 0, or -ENOMEM to leave the file stock.
 */
int viommu_door_opened(struct file *filp, struct iommufd_ctx *ictx)
{
	struct viommu_door *door;

	door = kzalloc(sizeof(*door), GFP_KERNEL_ACCOUNT);
	if (!door)
		return -ENOMEM;
	door->ctx = viommu_ctx_alloc_door(filp, ictx);
	if (!door->ctx) {
		kfree(door);
		return -ENOMEM;
	}
	door->file = filp;
	spin_lock(&viommu_doors_lock);
	hash_add(viommu_doors, &door->node, (unsigned long)filp);
	spin_unlock(&viommu_doors_lock);
	return 0;
}

/*
 * IOMMU_GET_HW_INFO without an input type: the core answers for a device a
 * vIOMMU driver of ours backs (upstream's answer), stock for the others.
 */
static bool viommu_door_hw_info_ours(struct file *filp, void __user *arg)
{
	u32 size, dev_id;

	if (get_user(size, (u32 __user *)arg) ||
	    size < offsetofend(struct viommu_hw_info, dev_id) ||
	    get_user(dev_id, (u32 __user *)(arg +
					    offsetof(struct viommu_hw_info, dev_id))))
		return false;
	return viommu_hw_info_has_driver(viommu_ctx_ictx(viommu_door_ctx(filp)),
					 dev_id);
}

/* Whether the core serves @cmd: a peek at the u32 that decides, if any. */
static bool viommu_door_claims(struct file *filp, unsigned int cmd,
			       void __user *arg)
{
	bool test_cmd_ours = _IOC_NR(cmd) == VIOMMU_CMD_TEST &&
			     !viommu_stock_serves_test_cmd &&
			     viommu_test_cmd_served();
	int off = viommu_door_route(cmd, test_cmd_ours);
	u32 size, value;

	if (off == VIOMMU_DOOR_OURS)
		return true;
	if (off == VIOMMU_DOOR_STOCK)
		return false;
	/*
	 * Unreadable or short: the stock path gives the same EFAULT or
	 * EINVAL (the minimum sizes are the same), so it may answer.
	 */
	if (get_user(size, (u32 __user *)arg) || size < off + sizeof(u32) ||
	    get_user(value, (u32 __user *)(arg + off)))
		return false;
	if (viommu_door_route_value(cmd, value))
		return true;
	return _IOC_NR(cmd) == VIOMMU_CMD_GET_HW_INFO &&
	       viommu_door_hw_info_ours(filp, arg);
}

static long viommu_door_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
	struct viommu_shim_unpinned unpinned;
	struct viommu_ctx *ctx;
	long rc;

	if (!viommu_door_claims(filp, cmd, (void __user *)arg))
		return viommu_stock_fops->unlocked_ioctl(filp, cmd, arg);

	ctx = viommu_door_ctx(filp);
	/* Objects of the file must not pin it, or it never closes. */
	viommu_shim_unpinned_begin(&unpinned, ctx->ictx);
	rc = viommu_ioctl(ctx, cmd, (void __user *)arg);
	viommu_shim_unpinned_end(&unpinned);
	return rc;
}

static int viommu_door_mmap(struct file *filp, struct vm_area_struct *vma)
{
	return viommu_mmap(viommu_door_ctx(filp), vma);
}

static int viommu_door_release(struct inode *inode, struct file *filp)
{
	struct viommu_shim_unpinned unpinned;
	struct viommu_door *door;
	bool closed;

	spin_lock(&viommu_doors_lock);
	door = viommu_door_find(filp);
	hash_del(&door->node);
	spin_unlock(&viommu_doors_lock);

	/* The pins skipped when they were made are not dropped either. */
	viommu_shim_unpinned_begin(&unpinned, door->ctx->ictx);
	closed = viommu_ctx_close_door(door->ctx);
	viommu_shim_unpinned_end(&unpinned);
	kfree(door);
	/*
	 * What is left points into the stock context: leak both rather
	 * than let the stock release free it under them (warned already).
	 */
	if (!closed) {
		/* The leftovers run this module's code: keep it. */
		__module_get(THIS_MODULE);
		return 0;
	}
	return viommu_stock_fops->release(inode, filp);
}

/*
 * The stock fops have owner, open, release and unlocked_ioctl only (the
 * shim checks it); open is never called through a file's own fops.
 */
static const struct file_operations viommu_door_fops = {
	.owner = THIS_MODULE,
	.release = viommu_door_release,
	.unlocked_ioctl = viommu_door_ioctl,
	.mmap = viommu_door_mmap,
};

/**
 * viommu_door_init() - Put the door in, unless it is off or cannot be
 *
 * Never fails the load: one line says whether the door is in, or why not.
 */
void viommu_door_init(void)
{
	const char *reason;
	int rc;

	if (!stock_door) {
		pr_info("/dev/iommu door off: stock_door=0\n");
		return;
	}
	/* Objects made through the door rely on the shim's stock hooks. */
	rc = viommu_shim_hooks_get();
	if (rc) {
		pr_warn("/dev/iommu door off: the stock hooks cannot be installed (%d)\n",
			rc);
		return;
	}
	rc = viommu_shim_door_init(&viommu_door_fops, &viommu_stock_fops,
				   &viommu_stock_serves_test_cmd, &reason);
	if (rc) {
		pr_warn("/dev/iommu door off: %s\n", reason);
		return;
	}
	viommu_door_ready = true;
	pr_info("/dev/iommu door on: files opened from now on serve the vIOMMU uAPI\n");
}

/**
 * viommu_door_exit() - Take the door out
 *
 * Every door file pins the module, so none is left.
 */
void viommu_door_exit(void)
{
	viommu_shim_door_exit();
	WARN_ON(!hash_empty(viommu_doors));
	viommu_door_ready = false;
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * viommu_door_file_ctx() - The context of a door file, for KUnit
 * @filp: An open file
 *
 * Return: its context, or NULL if @filp is not a door file.
 */
struct viommu_ctx *viommu_door_file_ctx(struct file *filp)
{
	struct viommu_door *door;

	if (filp->f_op != &viommu_door_fops)
		return NULL;
	spin_lock(&viommu_doors_lock);
	door = viommu_door_find(filp);
	spin_unlock(&viommu_doors_lock);
	return door ? door->ctx : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_door_file_ctx);
#endif
