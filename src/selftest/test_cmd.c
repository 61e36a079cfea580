// SPDX-License-Identifier: GPL-2.0
/*
 * VIOMMU_TEST_CMD: upstream's IOMMU_TEST_CMD ops for the vIOMMU tests.
 *
 * A mock device ("stdev") is an object of the /dev/viommu context whose
 * idev lives in the bound stock iommufd. Ops that name a device by its
 * stock id find it in mock_stdevs: only the stock core can resolve stock
 * ids, and it does not export that. So a stock device that is no mock
 * device is ENOENT here, where upstream says EINVAL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/iommufd.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/uaccess.h>

#include "mock.h"

/**
 * struct mock_stdev - A mock device bound to a stock iommufd
 * @obj: Object head in the /dev/viommu context, at offset 0
 * @ictx: The stock iommufd @idev lives in
 * @idev: The stock device
 * @idev_id: Its stock id
 * @mdev: The mock device
 * @pt_id: The IOAS or HWPT the device was last put on, as the user named
 *         it; 0 once a failed replace left it detached. Under the mock
 *         device's iopf_rwsem, as @hwpt_id.
 * @hwpt_id: The HWPT the device is on (the stock answer to @pt_id)
 * @node: Entry in mock_stdevs
 */
struct mock_stdev {
	struct viommu_object obj;
	struct iommufd_ctx *ictx;
	struct iommufd_device *idev;
	u32 idev_id;
	struct mock_dev *mdev;
	u32 pt_id;
	u32 hwpt_id;
	struct list_head node;
};

/* All bound mock devices; the lock also keeps a found one alive. */
static LIST_HEAD(mock_stdevs);
/* Page requests of one device no one answered yet: beyond, EBUSY. */
#define MOCK_IOPF_MAX_PENDING 1024
static DEFINE_MUTEX(mock_stdevs_lock);

/*
 * Attach, replace and detach of a mock device exclude a fault report
 * (mock_test_trigger_iopf()): the IOMMU core finds the fault's domain
 * through the attach handle these change and free.
 */
static int mock_dev_attach(struct mock_dev *mdev, struct iommufd_device *idev,
			   u32 *pt_id)
{
	int rc;

	down_write(&mdev->iopf_rwsem);
	rc = iommufd_device_attach(idev, pt_id);
	up_write(&mdev->iopf_rwsem);
	return rc;
}

/*
 * Onto an IOAS, the stock replace tries each of its auto domains without
 * checking the owner: another driver's (edu's SMMUv3 one) would reach that
 * driver's attach_dev with our device. Attach checks the owner, so an IOAS
 * is served as detach + attach, and a failed attach puts the device back
 * where it was (by the name it was given: an auto HWPT left with the
 * detach), or leaves it detached (pt_id 0) if that is gone too.
 */
static int mock_dev_replace_ioas(struct mock_stdev *stdev, u32 *pt_id)
{
	u32 want = *pt_id, back = stdev->pt_id;
	int rc;

	iommufd_device_detach(stdev->idev);
	rc = iommufd_device_attach(stdev->idev, pt_id);
	if (!rc) {
		stdev->pt_id = want;
		stdev->hwpt_id = *pt_id;
		return 0;
	}
	if (iommufd_device_attach(stdev->idev, &back))
		stdev->pt_id = 0;
	else
		stdev->hwpt_id = back;
	return rc;
}

static int mock_dev_replace(struct viommu_ctx *ctx, struct mock_stdev *stdev,
			    u32 *pt_id)
{
	u32 want = *pt_id;
	int rc;

	down_write(&stdev->mdev->iopf_rwsem);
	if (!stdev->pt_id) {
		rc = -EINVAL;	/* as the stock replace of a detached device */
	} else if (want == stdev->pt_id) {
		/* Still named (the device pins it): as stock, nothing moves. */
		*pt_id = stdev->hwpt_id;
		rc = 0;
	} else {
		/* Another driver's HWPT: its attach_dev would get our device. */
		rc = viommu_device_replace_checked(ctx, stdev->idev, pt_id);
		if (rc == -EXDEV) {
			rc = mock_dev_replace_ioas(stdev, pt_id);
		} else if (!rc) {
			stdev->pt_id = want;
			stdev->hwpt_id = *pt_id;
		}
	}
	up_write(&stdev->mdev->iopf_rwsem);
	return rc;
}

static void mock_dev_detach(struct mock_dev *mdev, struct iommufd_device *idev)
{
	down_write(&mdev->iopf_rwsem);
	iommufd_device_detach(idev);
	up_write(&mdev->iopf_rwsem);
}

static void mock_stdev_destroy(struct viommu_object *obj)
{
	struct mock_stdev *stdev = container_of(obj, struct mock_stdev, obj);

	mutex_lock(&mock_stdevs_lock);
	list_del(&stdev->node);
	mutex_unlock(&mock_stdevs_lock);

	/* A fault report that found the device before the del sees this. */
	down_write(&stdev->mdev->iopf_rwsem);
	stdev->mdev->iopf_gone = true;
	if (stdev->pt_id)
		iommufd_device_detach(stdev->idev);
	up_write(&stdev->mdev->iopf_rwsem);
	iommufd_device_unbind(stdev->idev);
	viommu_mock_dev_destroy(stdev->mdev);
}

static const struct viommu_object_ops mock_stdev_ops = {
	.owner = THIS_MODULE,
	.destroy = mock_stdev_destroy,
};

/* Caller holds mock_stdevs_lock. */
static struct mock_dev *mock_stdev_find(struct iommufd_ctx *ictx, u32 idev_id)
{
	struct mock_stdev *stdev;

	lockdep_assert_held(&mock_stdevs_lock);
	list_for_each_entry(stdev, &mock_stdevs, node)
		if (stdev->ictx == ictx && stdev->idev_id == idev_id)
			return stdev->mdev;
	return NULL;
}

/*
 * Bind a new mock device to the stock iommufd and attach it to cmd->id.
 * As upstream, the answer goes out before the device is published: on
 * EFAULT no device is left that the caller never learned about.
 */
static int mock_test_mock_domain(struct viommu_ctx *ctx,
				 struct viommu_test_cmd *cmd,
				 struct viommu_ucmd *ucmd)
{
	struct iommufd_ctx *ictx = viommu_ctx_iommufd(ctx);
	struct iommufd_device *idev;
	struct viommu_object *obj;
	struct mock_stdev *stdev;
	struct mock_dev *mdev;
	u32 pt_id = cmd->id;
	u32 idev_id;
	int rc;

	static_assert(offsetof(struct mock_stdev, obj) == 0);

	if (!ictx)
		return -EBADFD;

	obj = viommu_driver_object_alloc(ctx, sizeof(*stdev), &mock_stdev_ops);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	stdev = container_of(obj, struct mock_stdev, obj);

	mdev = viommu_mock_dev_create();
	if (IS_ERR(mdev)) {
		rc = PTR_ERR(mdev);
		goto err_abort;
	}

	idev = iommufd_device_bind(ictx, &mdev->pdev.dev, &idev_id);
	if (IS_ERR(idev)) {
		rc = PTR_ERR(idev);
		goto err_mdev;
	}

	rc = mock_dev_attach(mdev, idev, &pt_id);
	if (rc)
		goto err_unbind;

	cmd->mock_domain.out_stdev_id = obj->id;
	cmd->mock_domain.out_hwpt_id = pt_id;
	cmd->mock_domain.out_idev_id = idev_id;
	rc = viommu_test_cmd_respond(ucmd);
	if (rc)
		goto err_detach;

	stdev->ictx = ictx;
	stdev->idev = idev;
	stdev->idev_id = idev_id;
	stdev->mdev = mdev;
	stdev->pt_id = cmd->id;
	stdev->hwpt_id = pt_id;
	mutex_lock(&mock_stdevs_lock);
	list_add_tail(&stdev->node, &mock_stdevs);
	mutex_unlock(&mock_stdevs_lock);
	/* Once finalized, userspace may destroy it at any time. */
	viommu_driver_object_finalize(ctx, obj);
	return 0;

err_detach:
	mock_dev_detach(mdev, idev);
err_unbind:
	iommufd_device_unbind(idev);
err_mdev:
	viommu_mock_dev_destroy(mdev);
err_abort:
	viommu_driver_object_abort(ctx, obj);
	return rc;
}

/* Attach the mock device cmd->id to another IOAS or HWPT, nested ones too. */
static int mock_test_mock_domain_replace(struct viommu_ctx *ctx,
					 struct viommu_test_cmd *cmd)
{
	u32 pt_id = cmd->mock_domain_replace.pt_id;
	struct viommu_object *obj;
	struct mock_stdev *stdev;
	int rc;

	obj = viommu_driver_object_get(ctx, cmd->id, &mock_stdev_ops);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	stdev = container_of(obj, struct mock_stdev, obj);

	rc = mock_dev_replace(ctx, stdev, &pt_id);
	if (!rc)
		cmd->mock_domain_replace.pt_id = pt_id;
	viommu_object_put(ctx, obj);
	return rc;
}

/*
 * Each page's pin count must be @refs. As upstream, the count is the page
 * refcount in units of GUP_PIN_COUNTING_BIAS, taken while this function
 * holds one plain reference of its own.
 */
static int mock_test_md_check_refs(void __user *uptr, size_t length,
				   unsigned int refs)
{
	uintptr_t end;

	if (length % PAGE_SIZE || (uintptr_t)uptr % PAGE_SIZE ||
	    check_add_overflow((uintptr_t)uptr, (uintptr_t)length, &end))
		return -EINVAL;

	for (; length; length -= PAGE_SIZE) {
		struct page *pages[1];
		long npages;

		npages = get_user_pages_fast((uintptr_t)uptr, 1, 0, pages);
		if (npages < 0)
			return npages;
		if (npages != 1)
			return -EFAULT;
		if (!PageCompound(pages[0]) &&
		    page_ref_count(pages[0]) / GUP_PIN_COUNTING_BIAS != refs) {
			put_page(pages[0]);
			return -EIO;
		}
		put_page(pages[0]);
		uptr += PAGE_SIZE;
		cond_resched();
	}
	return 0;
}

static int mock_test_dev_check_cache(struct viommu_ctx *ctx,
				     struct viommu_test_cmd *cmd)
{
	struct iommufd_ctx *ictx = viommu_ctx_iommufd(ctx);
	u32 cache_id = cmd->check_dev_cache.id;
	struct mock_dev *mdev;
	int rc = 0;

	if (!ictx)
		return -EBADFD;

	mutex_lock(&mock_stdevs_lock);
	mdev = mock_stdev_find(ictx, cmd->id);
	if (!mdev)
		rc = -ENOENT;
	else if (cache_id > VIOMMU_MOCK_DEV_CACHE_ID_MAX ||
		 READ_ONCE(mdev->cache[cache_id]) != cmd->check_dev_cache.cache)
		rc = -EINVAL;
	mutex_unlock(&mock_stdevs_lock);
	return rc;
}

/* Report the device's virtual id on the vIOMMU it is attached through. */
static int mock_test_trigger_vevent(struct viommu_ctx *ctx,
				    struct viommu_test_cmd *cmd)
{
	struct iommufd_ctx *ictx = viommu_ctx_iommufd(ctx);
	struct viommu_viommu_event_selftest event = {};
	struct mock_dev *mdev;
	int rc = -ENOENT;

	if (!ictx)
		return -EBADFD;

	mutex_lock(&mock_stdevs_lock);
	mdev = mock_stdev_find(ictx, cmd->trigger_vevent.dev_id);
	if (!mdev)
		goto out_unlock;

	/* The nested HWPT the device is attached to pins the vIOMMU. */
	down_read(&mdev->viommu_rwsem);
	if (mdev->viommu && mdev->vdev_id) {
		event.virt_id = mdev->vdev_id;
		rc = viommu_report_event(&mdev->viommu->core,
					 VIOMMU_VEVENTQ_TYPE_SELFTEST, &event,
					 sizeof(event));
	}
	up_read(&mdev->viommu_rwsem);
out_unlock:
	mutex_unlock(&mock_stdevs_lock);
	return rc;
}

/*
 * Upstream keeps the limit to shrink the batches that pin pages; the 6.12
 * stock iommufd has it only when built with IOMMUFD_TEST, which is not
 * this kernel (else it would serve IOMMU_TEST_CMD itself), so there is
 * nothing to set: check the value as upstream does and accept it.
 */
static int mock_test_set_temp_memory_limit(struct viommu_test_cmd *cmd)
{
	/* Upstream: a batch needs room for one element at least. */
	if (cmd->memory_limit.limit < sizeof(unsigned long) + sizeof(u32))
		return -EINVAL;
	return 0;
}

/*
 * Report a page request from the mock device @dev_id, as upstream. The
 * stock fault queue of the HWPT the device is attached to gets it, or the
 * IOMMU core answers it itself when no handler is attached: not an error
 * here either.
 */
static int mock_test_trigger_iopf(struct viommu_ctx *ctx,
				  struct viommu_test_cmd *cmd)
{
	struct iommufd_ctx *ictx = viommu_ctx_iommufd(ctx);
	struct iopf_fault event = {};
	struct mock_dev *mdev;
	int rc = 0;

	if (!IS_ENABLED(CONFIG_IOMMU_IOPF)) {
		pr_info_once("TRIGGER_IOPF: this kernel has no CONFIG_IOMMU_IOPF\n");
		return -EOPNOTSUPP;
	}
	if (!ictx)
		return -EBADFD;

	event.fault.type = IOMMU_FAULT_PAGE_REQ;
	event.fault.prm.flags = IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
	if (cmd->trigger_iopf.pasid != IOMMU_NO_PASID)
		event.fault.prm.flags |= IOMMU_FAULT_PAGE_REQUEST_PASID_VALID;
	event.fault.prm.addr = cmd->trigger_iopf.addr;
	event.fault.prm.pasid = cmd->trigger_iopf.pasid;
	event.fault.prm.grpid = cmd->trigger_iopf.grpid;
	event.fault.prm.perm = cmd->trigger_iopf.perm;

	mutex_lock(&mock_stdevs_lock);
	mdev = mock_stdev_find(ictx, cmd->trigger_iopf.dev_id);
	if (mdev)
		get_device(&mdev->pdev.dev);
	mutex_unlock(&mock_stdevs_lock);
	if (!mdev)
		return -ENOENT;

	/*
	 * Not under the global lock: an attach holding iopf_rwsem may wait
	 * long on its IOAS, and other tenants' mock devices must not.
	 */
	down_read(&mdev->iopf_rwsem);
	if (mdev->iopf_gone) {
		rc = -ENOENT;
	} else if (atomic_inc_return(&mdev->iopf_pending) >
		   MOCK_IOPF_MAX_PENDING) {
		/* Unread faults are kernel memory no one is charged for. */
		atomic_dec(&mdev->iopf_pending);
		rc = -EBUSY;
	} else {
		iommu_report_device_fault(&mdev->pdev.dev, &event);
	}
	up_read(&mdev->iopf_rwsem);
	put_device(&mdev->pdev.dev);
	return rc;
}

/**
 * mock_test_cmd() - The selftest backend's VIOMMU_TEST_CMD
 * @ctx: The /dev/viommu context of the caller
 * @data: Kernel copy of struct viommu_test_cmd; copied back on success
 * @ucmd: The ioctl, for viommu_test_cmd_respond(); NULL from the kernel
 *
 * Return: 0, the op's errno, or -EOPNOTSUPP for an op not served.
 */
int mock_test_cmd(struct viommu_ctx *ctx, void *data, struct viommu_ucmd *ucmd)
{
	struct viommu_test_cmd *cmd = data;

	switch (cmd->op) {
	case VIOMMU_TEST_OP_MOCK_DOMAIN:
		return mock_test_mock_domain(ctx, cmd, ucmd);
	case VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE:
		return mock_test_mock_domain_replace(ctx, cmd);
	case VIOMMU_TEST_OP_MD_CHECK_REFS:
		return mock_test_md_check_refs(u64_to_user_ptr(cmd->check_refs.uptr),
					       cmd->check_refs.length,
					       cmd->check_refs.refs);
	case VIOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT:
		return mock_test_set_temp_memory_limit(cmd);
	case VIOMMU_TEST_OP_TRIGGER_IOPF:
		return mock_test_trigger_iopf(ctx, cmd);
	case VIOMMU_TEST_OP_DEV_CHECK_CACHE:
		return mock_test_dev_check_cache(ctx, cmd);
	case VIOMMU_TEST_OP_TRIGGER_VEVENT:
		return mock_test_trigger_vevent(ctx, cmd);
	default:
		return -EOPNOTSUPP;
	}
}
