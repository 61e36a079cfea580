/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the viommu KUnit suites. */
#ifndef _VIOMMU_KUNIT_TEST_UTIL_H
#define _VIOMMU_KUNIT_TEST_UTIL_H

#include <kunit/test.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/iommufd.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "core.h"

/* A context freed when the test ends, whatever the outcome. */
KUNIT_DEFINE_ACTION_WRAPPER(viommu_test_ctx_free, viommu_ctx_free,
			    struct viommu_ctx *);

static inline struct viommu_ctx *viommu_test_ctx(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_ctx_alloc();

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, viommu_test_ctx_free,
						  ctx));
	return ctx;
}

KUNIT_DEFINE_ACTION_WRAPPER(viommu_test_fput, fput, struct file *);

/*
 * Open a real stock iommufd. Skips the test when /dev/iommu is missing:
 * that is a test-bed problem, not a viommu failure.
 */
static inline struct file *viommu_test_open_iommufd(struct kunit *test)
{
	struct file *file = filp_open("/dev/iommu", O_RDWR, 0);

	if (IS_ERR(file))
		kunit_skip(test, "cannot open /dev/iommu: %ld", PTR_ERR(file));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, viommu_test_fput,
						  file));
	return file;
}

KUNIT_DEFINE_ACTION_WRAPPER(viommu_test_ictx_put, iommufd_ctx_put,
			    struct iommufd_ctx *);

/* The stock context of an iommufd file, referenced until the test ends. */
static inline struct iommufd_ctx *viommu_test_ictx(struct kunit *test,
						   struct file *file)
{
	struct iommufd_ctx *ictx = iommufd_ctx_from_file(file);

	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, viommu_test_ictx_put,
						  ictx));
	return ictx;
}

/*
 * Run ioctl @cmd of @file on @data as a process would: through the user
 * buffer @uarg (a page), copying the result back to @data.
 */
static inline long viommu_test_ioctl(struct kunit *test, struct file *file,
				     void __user *uarg, unsigned int cmd,
				     void *data, size_t size)
{
	long rc;

	KUNIT_ASSERT_LE(test, size, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(uarg, data, size));
	rc = vfs_ioctl(file, cmd, (unsigned long)uarg);
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(data, uarg, size));
	return rc;
}

KUNIT_DEFINE_ACTION_WRAPPER(viommu_test_pci_dev_put, pci_dev_put,
			    struct pci_dev *);

/* The edu PCI device of the test VM, behind the emulated SMMUv3. */
static inline struct pci_dev *viommu_test_edu(struct kunit *test)
{
	struct pci_dev *pdev = pci_get_device(0x1234, 0x11e8, NULL);

	if (!pdev)
		kunit_skip(test, "no edu PCI device");
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, viommu_test_pci_dev_put,
						  pdev));
	return pdev;
}

KUNIT_DEFINE_ACTION_WRAPPER(viommu_test_unbind, iommufd_device_unbind,
			    struct iommufd_device *);

/* Bind @pdev to @ictx as VFIO would; unbound when the test ends. */
static inline struct iommufd_device *
viommu_test_bind(struct kunit *test, struct iommufd_ctx *ictx,
		 struct pci_dev *pdev, u32 *dev_id)
{
	struct iommufd_device *idev;

	idev = iommufd_device_bind(ictx, &pdev->dev, dev_id);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(idev), "bind: %ld", PTR_ERR(idev));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, viommu_test_unbind,
						  idev));
	return idev;
}

KUNIT_DEFINE_ACTION_WRAPPER(viommu_test_mmdrop, mmdrop, struct mm_struct *);

/*
 * A page of user memory in the test thread's own mm.
 *
 * kunit_vm_mmap() attaches a new mm with kthread_use_mm() and leaves it
 * there; when the test thread exits, exit_mm() puts the mm_users reference
 * but not the mm_count one kthread_use_mm() took, so every mm leaks. Give
 * that one back once the test is over (cleanup runs after the test thread
 * is gone, on success and on a failed assertion alike).
 */
static inline void __user *viommu_test_user_page(struct kunit *test)
{
	bool had_mm = current->mm;
	unsigned long uaddr;

	uaddr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, 0, uaddr);
	if (!had_mm)
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test,
							  viommu_test_mmdrop,
							  current->mm));
	return (void __user *)uaddr;
}

struct viommu_test_pages {
	struct page *page;
	unsigned int order;
};

static inline void viommu_test_free_pages(void *data)
{
	struct viommu_test_pages *p = data;

	__free_pages(p->page, p->order);
}

/* 2^@order zeroed, physically contiguous pages, freed when the test ends. */
static inline struct page *viommu_test_pages(struct kunit *test,
					     unsigned int order)
{
	struct viommu_test_pages *p = kunit_kzalloc(test, sizeof(*p),
						    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->order = order;
	p->page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	KUNIT_ASSERT_NOT_NULL(test, p->page);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, viommu_test_free_pages,
						  p));
	return p->page;
}

#endif /* _VIOMMU_KUNIT_TEST_UTIL_H */
