// SPDX-License-Identifier: GPL-2.0
/*
 * A fuzz target for the shim's BTF reader and layout checks, loaded by
 * the fuzzer only (never by a user). A write to
 * /sys/kernel/debug/viommu_btf_fuzz/split hands it a whole blob: it is
 * parsed as split BTF on the running kernel's vmlinux BTF, as the shim
 * reads iommufd.ko's, and the shim's iommufd table is checked against it
 * without learning anything (the running shim's layouts stay as they
 * are). The write returns the blob's length when both pass, else the
 * errno of the first failure; a read gives that failure's reason.
 *
 * The shim meets only the running kernel's BTF, which is well-formed and
 * matches: without this target the fuzzer would never reach its
 * malformed-BTF and mismatch paths.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "layout.h"

/* iommufd.ko's split BTF is tens of KiB: room for any mutation of it. */
#define BTF_FUZZ_MAX_BLOB	(4 << 20)
#define BTF_FUZZ_WHY_LEN	192

static struct viommu_btf *btf_fuzz_base;
static struct dentry *btf_fuzz_dir;

/* Per open file: the last write's reason, for reads. */
struct btf_fuzz_file {
	struct mutex lock;	/* one write or read of this file at a time */
	char why[BTF_FUZZ_WHY_LEN];
};

static int btf_fuzz_check(const void *blob, size_t len, char *why)
{
	struct viommu_btf *btfs[VIOMMU_LAYOUT_NR_BTF] = {};
	struct viommu_btf *split;
	unsigned int failed;
	size_t n;
	int rc;

	split = viommu_btf_parse(blob, len, btf_fuzz_base, why,
				 BTF_FUZZ_WHY_LEN);
	if (IS_ERR(split))
		return PTR_ERR(split);
	btfs[VIOMMU_LAYOUT_VMLINUX] = btf_fuzz_base;
	btfs[VIOMMU_LAYOUT_IOMMUFD] = split;
	rc = viommu_layout_check_only(btfs, viommu_layout_table,
				      viommu_layout_table_len, &failed, why,
				      BTF_FUZZ_WHY_LEN);
	viommu_btf_free(split);
	n = strnlen(why, BTF_FUZZ_WHY_LEN);
	if (failed > 1 && n < BTF_FUZZ_WHY_LEN)
		scnprintf(why + n, BTF_FUZZ_WHY_LEN - n, " (and %u more)",
			  failed - 1);
	return rc;
}

static ssize_t btf_fuzz_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	struct btf_fuzz_file *f = file->private_data;
	void *blob;
	int rc;

	/* Only this open file's: its reason follows its last write. */
	mutex_lock(&f->lock);
	f->why[0] = '\0';
	rc = -EINVAL;
	if (!len || len > BTF_FUZZ_MAX_BLOB)
		goto out;
	/* The parser wants the blob 4-byte aligned, as sysfs gives it. */
	rc = -ENOMEM;
	blob = kvmalloc(len, GFP_KERNEL);
	if (!blob)
		goto out;
	rc = -EFAULT;
	if (!copy_from_user(blob, ubuf, len))
		rc = btf_fuzz_check(blob, len, f->why);
	kvfree(blob);
out:
	mutex_unlock(&f->lock);
	return rc ? rc : len;
}

static ssize_t btf_fuzz_read(struct file *file, char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	struct btf_fuzz_file *f = file->private_data;
	char why[BTF_FUZZ_WHY_LEN + 1];
	size_t n;

	mutex_lock(&f->lock);
	n = scnprintf(why, sizeof(why), "%s\n", f->why);
	mutex_unlock(&f->lock);
	return simple_read_from_buffer(ubuf, len, ppos, why, n);
}

static int btf_fuzz_open(struct inode *inode, struct file *file)
{
	struct btf_fuzz_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int btf_fuzz_release(struct inode *inode, struct file *file)
{
	struct btf_fuzz_file *f = file->private_data;

	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static const struct file_operations btf_fuzz_fops = {
	.owner = THIS_MODULE,
	.open = btf_fuzz_open,
	.release = btf_fuzz_release,
	.read = btf_fuzz_read,
	.write = btf_fuzz_write,
};

static int __init btf_fuzz_init(void)
{
	char why[BTF_FUZZ_WHY_LEN];

	btf_fuzz_base = viommu_btf_load("/sys/kernel/btf/vmlinux", NULL, why,
					sizeof(why));
	if (IS_ERR(btf_fuzz_base)) {
		pr_warn("no vmlinux BTF to split on: %s\n", why);
		return PTR_ERR(btf_fuzz_base);
	}
	btf_fuzz_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("split", 0600, btf_fuzz_dir, NULL, &btf_fuzz_fops);
	return 0;
}

static void __exit btf_fuzz_exit(void)
{
	/* No file is open: each holds this module (.owner, taken at open). */
	debugfs_remove(btf_fuzz_dir);
	viommu_btf_free(btf_fuzz_base);
}

module_init(btf_fuzz_init);
module_exit(btf_fuzz_exit);
MODULE_DESCRIPTION("Fuzz target for viommu's BTF reader (tests only)");
MODULE_LICENSE("GPL");
VIOMMU_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
