// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the core's object flow on the selftest backend, driven
 * through the real entry points only: viommu_ioctl() on /dev/viommu
 * contexts and stock ioctls on a /dev/iommu file, all on user memory.
 * Covers the vDEVICE rules, the pins a vIOMMU counts, vDEVICE tombstones
 * on unbind, the teardown of a context closed while the stock side
 * still holds its nested HWPT, and stock fault queues on nested HWPTs
 * (IOMMU_HWPT_FAULT_ID_VALID, TRIGGER_IOPF).
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/fdtable.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>

#include "test_util.h"
#include "layout.h"
#include "shim.h"
#include "../src/selftest/mock.h"

/**
 * struct flow - A stock iommufd, a context on it and the objects most cases need
 * @iommufd: The /dev/iommu file
 * @ctx_file: The /dev/viommu file of @ctx
 * @ctx: Its context, bound to @iommufd
 * @arg: User memory the command structs go through
 * @data: User memory for driver data
 * @ioas_id: A stock IOAS
 * @stdev_id: A mock device on @ioas_id, an object of @ctx
 * @idev_id: Its stock device id
 * @parent_id: A stock nest-parent HWPT on @ioas_id
 * @viommu_id: A selftest vIOMMU on @parent_id
 */
struct flow {
	struct file *iommufd;
	struct file *ctx_file;
	struct viommu_ctx *ctx;
	void __user *arg;
	void __user *data;
	u32 ioas_id;
	u32 stdev_id;
	u32 idev_id;
	u32 parent_id;
	u32 viommu_id;
};

/* Kernel threads defer fput(): close now so the release is in the test. */
KUNIT_DEFINE_ACTION_WRAPPER(flow_fput_sync, __fput_sync, struct file *);
KUNIT_DEFINE_ACTION_WRAPPER(flow_unpin, viommu_shim_unpin,
			    struct iommufd_object *);

static void flow_close_fd(void *data)
{
	struct file *file = file_close_fd((uintptr_t)data);

	if (file)
		__fput_sync(file);
}

static long flow_stock_ioctl(struct kunit *test, struct flow *f,
			     unsigned int cmd, void *data, size_t size)
{
	return viommu_test_ioctl(test, f->iommufd, f->arg, cmd, data, size);
}

static long flow_ioctl(struct kunit *test, struct flow *f,
		       struct viommu_ctx *ctx, unsigned int cmd, void *data,
		       size_t size)
{
	long rc;

	KUNIT_ASSERT_EQ(test, 0, copy_to_user(f->arg, data, size));
	rc = viommu_ioctl(ctx, cmd, f->arg);
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(data, f->arg, size));
	return rc;
}

static long flow_stock_destroy(struct kunit *test, struct flow *f, u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return flow_stock_ioctl(test, f, IOMMU_DESTROY, &cmd, sizeof(cmd));
}

static long flow_destroy(struct kunit *test, struct flow *f,
			 struct viommu_ctx *ctx, u32 id)
{
	struct viommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return flow_ioctl(test, f, ctx, VIOMMU_DESTROY, &cmd, sizeof(cmd));
}

/* A /dev/viommu context bound to @f's iommufd, closed when the test ends. */
static struct viommu_ctx *flow_ctx(struct kunit *test, struct flow *f,
				   struct file **filep)
{
	struct file *file = filp_open("/dev/viommu", O_RDWR, 0);
	struct iommufd_ctx *ictx;
	struct viommu_ctx *ctx;
	int rc;

	if (IS_ERR(file))
		kunit_skip(test, "cannot open /dev/viommu: %ld", PTR_ERR(file));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, flow_fput_sync, file));
	ctx = file->private_data;
	ictx = iommufd_ctx_from_file(f->iommufd);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx));
	rc = viommu_ctx_bind(ctx, ictx);
	if (rc)
		iommufd_ctx_put(ictx);
	KUNIT_ASSERT_EQ(test, 0, rc);
	*filep = file;
	return ctx;
}

static void flow_mock_domain(struct kunit *test, struct flow *f,
			     struct viommu_ctx *ctx, u32 *stdev_id,
			     u32 *idev_id)
{
	struct viommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = VIOMMU_TEST_OP_MOCK_DOMAIN,
		.id = f->ioas_id,
	};

	KUNIT_ASSERT_EQ(test, 0,
			flow_ioctl(test, f, ctx, VIOMMU_TEST_CMD, &cmd,
				   sizeof(cmd)));
	*stdev_id = cmd.mock_domain.out_stdev_id;
	*idev_id = cmd.mock_domain.out_idev_id;
}

static long flow_mock_replace(struct kunit *test, struct flow *f,
			      struct viommu_ctx *ctx, u32 stdev_id, u32 pt_id)
{
	struct viommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev_id,
		.mock_domain_replace.pt_id = pt_id,
	};

	return flow_ioctl(test, f, ctx, VIOMMU_TEST_CMD, &cmd, sizeof(cmd));
}

static long flow_viommu_alloc(struct kunit *test, struct flow *f,
			      u32 idev_id, u32 *viommu_id)
{
	struct viommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = VIOMMU_VIOMMU_TYPE_SELFTEST,
		.dev_id = idev_id,
		.hwpt_id = f->parent_id,
	};
	long rc;

	rc = flow_ioctl(test, f, f->ctx, VIOMMU_VIOMMU_ALLOC, &cmd,
			sizeof(cmd));
	*viommu_id = cmd.out_viommu_id;
	return rc;
}

static long flow_vdevice_alloc(struct kunit *test, struct flow *f,
			       u32 viommu_id, u32 idev_id, u64 virt_id,
			       u32 *vdev_id)
{
	struct viommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.dev_id = idev_id,
		.virt_id = virt_id,
	};
	long rc;

	rc = flow_ioctl(test, f, f->ctx, VIOMMU_VDEVICE_ALLOC, &cmd,
			sizeof(cmd));
	if (vdev_id)
		*vdev_id = cmd.out_vdevice_id;
	return rc;
}

/* A nested HWPT for @idev_id on @f's vIOMMU, with @flags and @fault_id. */
static long flow_nested_alloc_cmd(struct kunit *test, struct flow *f,
				  u32 idev_id, u32 flags, u32 fault_id,
				  u32 data_type, u32 data_len, u32 *hwpt_id)
{
	struct viommu_hwpt_selftest data = {
		.iotlb = VIOMMU_TEST_IOTLB_DEFAULT,
	};
	struct viommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = idev_id,
		.pt_id = f->viommu_id,
		.data_type = data_type,
		.data_len = data_len,
		.data_uptr = (uintptr_t)f->data,
		.fault_id = fault_id,
	};
	long rc;

	KUNIT_ASSERT_EQ(test, 0, copy_to_user(f->data, &data, sizeof(data)));
	rc = flow_ioctl(test, f, f->ctx, VIOMMU_HWPT_ALLOC, &cmd, sizeof(cmd));
	if (hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}

static long flow_nested_alloc(struct kunit *test, struct flow *f,
			      u32 idev_id, u32 *hwpt_id)
{
	return flow_nested_alloc_cmd(test, f, idev_id, 0, 0,
				     VIOMMU_HWPT_DATA_SELFTEST,
				     sizeof(struct viommu_hwpt_selftest),
				     hwpt_id);
}

/* The same for @f's mock device. */
static long flow_nested_alloc_fault(struct kunit *test, struct flow *f,
				    u32 flags, u32 fault_id, u32 data_type,
				    u32 data_len, u32 *hwpt_id)
{
	return flow_nested_alloc_cmd(test, f, f->idev_id, flags, fault_id,
				     data_type, data_len, hwpt_id);
}

/* The vIOMMU's lifetime pins, without the lookup's own reference. */
static unsigned int flow_users(struct kunit *test, struct flow *f,
			       u32 viommu_id)
{
	struct viommu_object *obj;
	unsigned int users;

	obj = viommu_get_object(f->ctx, viommu_id, VIOMMU_OBJ_VIOMMU);
	KUNIT_ASSERT_FALSE(test, IS_ERR(obj));
	users = refcount_read(&obj->users) - 1;
	viommu_put_object(f->ctx, obj);
	return users;
}

/*
 * An IOAS with a mock device on it, a nest parent and a selftest vIOMMU,
 * as upstream's mock_viommu fixture has them.
 */
static void flow_setup(struct kunit *test, struct flow *f)
{
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct iommu_hwpt_alloc hwpt = {
		.size = sizeof(hwpt),
		.flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
	};

	memset(f, 0, sizeof(*f));
	if (!viommu_shim_ready())
		kunit_skip(test, "the stock iommufd shim is not ready");
	f->iommufd = viommu_test_open_iommufd(test);
	f->arg = viommu_test_user_page(test);
	f->data = viommu_test_user_page(test);
	KUNIT_ASSERT_EQ(test, 0,
			flow_stock_ioctl(test, f, IOMMU_IOAS_ALLOC, &ioas,
					 sizeof(ioas)));
	f->ioas_id = ioas.out_ioas_id;

	f->ctx = flow_ctx(test, f, &f->ctx_file);
	flow_mock_domain(test, f, f->ctx, &f->stdev_id, &f->idev_id);

	hwpt.dev_id = f->idev_id;
	hwpt.pt_id = f->ioas_id;
	KUNIT_ASSERT_EQ(test, 0,
			flow_stock_ioctl(test, f, IOMMU_HWPT_ALLOC, &hwpt,
					 sizeof(hwpt)));
	f->parent_id = hwpt.out_hwpt_id;
	KUNIT_ASSERT_EQ(test, 0, flow_viommu_alloc(test, f, f->idev_id,
						   &f->viommu_id));
}

static void vdevice_one_per_device_and_virt_id(struct kunit *test)
{
	u32 vdev_id, viommu2, stdev2, idev2, id;
	struct flow f;

	flow_setup(test, &f);
	KUNIT_ASSERT_EQ(test, 0, flow_vdevice_alloc(test, &f, f.viommu_id,
						    f.idev_id, 0x99,
						    &vdev_id));
	KUNIT_ASSERT_EQ(test, 0, flow_viommu_alloc(test, &f, f.idev_id,
						   &viommu2));
	flow_mock_domain(test, &f, f.ctx, &stdev2, &idev2);

	/* A device has one vDEVICE, on this vIOMMU or on any other. */
	KUNIT_EXPECT_EQ(test, -EEXIST,
			flow_vdevice_alloc(test, &f, f.viommu_id, f.idev_id,
					   0x98, NULL));
	KUNIT_EXPECT_EQ(test, -EEXIST,
			flow_vdevice_alloc(test, &f, viommu2, f.idev_id, 0x99,
					   NULL));
	/* A virt_id names one device on a vIOMMU. */
	KUNIT_EXPECT_EQ(test, -EEXIST,
			flow_vdevice_alloc(test, &f, f.viommu_id, idev2, 0x99,
					   NULL));
	/* The refusals pinned nothing. */
	KUNIT_EXPECT_EQ(test, 2, flow_users(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, 1, flow_users(test, &f, viommu2));

	/* The same virt_id on another vIOMMU is another name. */
	KUNIT_EXPECT_EQ(test, 0,
			flow_vdevice_alloc(test, &f, viommu2, idev2, 0x99,
					   &id));
	KUNIT_EXPECT_EQ(test, 2, flow_users(test, &f, viommu2));

	/* Once destroyed, the device and its virt_id are free again. */
	KUNIT_EXPECT_EQ(test, 0, flow_destroy(test, &f, f.ctx, vdev_id));
	KUNIT_EXPECT_EQ(test, 1, flow_users(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, 0,
			flow_vdevice_alloc(test, &f, f.viommu_id, f.idev_id,
					   0x99, NULL));
}

/* The edu PCI device of the test VM, bound to @f's iommufd. */
static u32 flow_bind_edu(struct kunit *test, struct flow *f)
{
	u32 dev_id;

	viommu_test_bind(test, viommu_ctx_ictx(f->ctx), viommu_test_edu(test),
			 &dev_id);
	return dev_id;
}

/* A device behind another IOMMU instance gets no vDEVICE, no nested HWPT. */
static void vdevice_needs_the_viommus_iommu(struct kunit *test)
{
	u32 edu_id, id = 0;
	struct flow f;

	flow_setup(test, &f);
	edu_id = flow_bind_edu(test, &f);

	KUNIT_EXPECT_EQ(test, -EINVAL,
			flow_vdevice_alloc(test, &f, f.viommu_id, edu_id, 1,
					   NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, flow_nested_alloc(test, &f, edu_id, &id));
	/* No vIOMMU driver serves the SMMUv3 here. */
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			flow_viommu_alloc(test, &f, edu_id, &id));
	KUNIT_EXPECT_EQ(test, 1, flow_users(test, &f, f.viommu_id));
}

static void viommu_users_count_pins(struct kunit *test)
{
	struct viommu_veventq_alloc q = {
		.size = sizeof(q),
		.type = VIOMMU_VEVENTQ_TYPE_SELFTEST,
		.veventq_depth = 2,
	};
	u32 vdev_id, nested_id;
	void *qfd;
	struct flow f;

	flow_setup(test, &f);
	if (!current->files)
		kunit_skip(test, "the test thread has no file table");
	KUNIT_EXPECT_EQ(test, 1, flow_users(test, &f, f.viommu_id));

	KUNIT_ASSERT_EQ(test, 0, flow_vdevice_alloc(test, &f, f.viommu_id,
						    f.idev_id, 0x99,
						    &vdev_id));
	KUNIT_EXPECT_EQ(test, 2, flow_users(test, &f, f.viommu_id));
	KUNIT_ASSERT_EQ(test, 0, flow_nested_alloc(test, &f, f.idev_id,
						   &nested_id));
	KUNIT_EXPECT_EQ(test, 3, flow_users(test, &f, f.viommu_id));
	q.viommu_id = f.viommu_id;
	KUNIT_ASSERT_EQ(test, 0,
			flow_ioctl(test, &f, f.ctx, VIOMMU_VEVENTQ_ALLOC, &q,
				   sizeof(q)));
	qfd = (void *)(uintptr_t)q.out_veventq_fd;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, flow_close_fd, qfd));
	KUNIT_EXPECT_EQ(test, 4, flow_users(test, &f, f.viommu_id));

	/* Pinned, it stays whole. */
	KUNIT_EXPECT_EQ(test, -EBUSY, flow_destroy(test, &f, f.ctx,
						   f.viommu_id));
	KUNIT_EXPECT_EQ(test, 4, flow_users(test, &f, f.viommu_id));

	/* The open file holds the vEVENTQ, the vEVENTQ the vIOMMU. */
	KUNIT_EXPECT_EQ(test, -EBUSY,
			flow_destroy(test, &f, f.ctx, q.out_veventq_id));
	kunit_release_action(test, flow_close_fd, qfd);
	KUNIT_EXPECT_EQ(test, 4, flow_users(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, 0,
			flow_destroy(test, &f, f.ctx, q.out_veventq_id));
	KUNIT_EXPECT_EQ(test, 3, flow_users(test, &f, f.viommu_id));

	/* The stock destroy of the nested HWPT reaches the core. */
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, nested_id));
	KUNIT_EXPECT_EQ(test, 2, flow_users(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, 0, flow_destroy(test, &f, f.ctx, vdev_id));
	KUNIT_EXPECT_EQ(test, 1, flow_users(test, &f, f.viommu_id));

	KUNIT_EXPECT_EQ(test, 0, flow_destroy(test, &f, f.ctx, f.viommu_id));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    viommu_get_object(f.ctx, f.viommu_id,
					      VIOMMU_OBJ_NONE));
	/* And its pin on the nest parent went with it. */
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, f.parent_id));
}

/* A stock nested HWPT on @f's nest parent, made without any vIOMMU */
static u32 flow_stock_nested_alloc(struct kunit *test, struct flow *f)
{
	struct viommu_hwpt_selftest data = {
		.iotlb = VIOMMU_TEST_IOTLB_DEFAULT,
	};
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.dev_id = f->idev_id,
		.pt_id = f->parent_id,
		.data_type = VIOMMU_HWPT_DATA_SELFTEST,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)f->data,
	};

	KUNIT_ASSERT_EQ(test, 0, copy_to_user(f->data, &data, sizeof(data)));
	KUNIT_ASSERT_EQ(test, 0,
			flow_stock_ioctl(test, f, IOMMU_HWPT_ALLOC, &cmd,
					 sizeof(cmd)));
	return cmd.out_hwpt_id;
}

/* A nested HWPT on vIOMMU @viommu_id of @ctx, for @f's mock device */
static void flow_nested_on(struct kunit *test, struct flow *f,
			   struct viommu_ctx *ctx, u32 viommu_id, u32 *hwpt_id)
{
	struct viommu_ctx *ctx_was = f->ctx;
	u32 viommu_was = f->viommu_id;
	long rc;

	f->ctx = ctx;
	f->viommu_id = viommu_id;
	rc = flow_nested_alloc(test, f, f->idev_id, hwpt_id);
	f->ctx = ctx_was;
	f->viommu_id = viommu_was;
	KUNIT_ASSERT_EQ(test, 0, rc);
}

/*
 * Each nested HWPT made on a vIOMMU pins that vIOMMU once, and its stock
 * destroy drops that pin only, whatever the order; a stock nested HWPT
 * the core did not make is none of its business; closing a context
 * destroys its unattached nested HWPTs.
 */
static void nested_pins_follow_each_hwpt(struct kunit *test)
{
	u32 a[3], b[2], viommu_b, viommu_c, c, stock_id;
	struct viommu_ctx *ctx2;
	struct file *file2;
	struct flow f;

	flow_setup(test, &f);
	KUNIT_ASSERT_EQ(test, 0, flow_viommu_alloc(test, &f, f.idev_id,
						   &viommu_b));
	/* Interleaved: neighbours in the tables belong to other vIOMMUs. */
	flow_nested_on(test, &f, f.ctx, f.viommu_id, &a[0]);
	flow_nested_on(test, &f, f.ctx, viommu_b, &b[0]);
	flow_nested_on(test, &f, f.ctx, f.viommu_id, &a[1]);
	flow_nested_on(test, &f, f.ctx, viommu_b, &b[1]);
	flow_nested_on(test, &f, f.ctx, f.viommu_id, &a[2]);
	KUNIT_EXPECT_EQ(test, 4, flow_users(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, 3, flow_users(test, &f, viommu_b));

	stock_id = flow_stock_nested_alloc(test, &f);
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, stock_id));
	KUNIT_EXPECT_EQ(test, 4, flow_users(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, 3, flow_users(test, &f, viommu_b));

	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, b[0]));
	KUNIT_EXPECT_EQ(test, 4, flow_users(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, 2, flow_users(test, &f, viommu_b));
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, a[1]));
	KUNIT_EXPECT_EQ(test, -ENOENT, flow_stock_destroy(test, &f, a[1]));
	KUNIT_EXPECT_EQ(test, 3, flow_users(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, 2, flow_users(test, &f, viommu_b));

	/* A new one after others went is tracked as well. */
	flow_nested_on(test, &f, f.ctx, viommu_b, &b[0]);
	KUNIT_EXPECT_EQ(test, 3, flow_users(test, &f, viommu_b));
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, a[0]));
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, a[2]));
	KUNIT_EXPECT_EQ(test, 1, flow_users(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, 3, flow_users(test, &f, viommu_b));
	KUNIT_EXPECT_EQ(test, 0, flow_destroy(test, &f, f.ctx, f.viommu_id));
	KUNIT_EXPECT_EQ(test, -EBUSY, flow_destroy(test, &f, f.ctx, viommu_b));

	/* A second context's unattached nested HWPT goes when it closes. */
	ctx2 = flow_ctx(test, &f, &file2);
	/* The helpers work on f.ctx: the second context's, until swapped back */
	swap(f.ctx, ctx2);
	KUNIT_ASSERT_EQ(test, 0, flow_viommu_alloc(test, &f, f.idev_id,
						   &viommu_c));
	flow_nested_on(test, &f, f.ctx, viommu_c, &c);
	KUNIT_EXPECT_EQ(test, 2, flow_users(test, &f, viommu_c));
	swap(f.ctx, ctx2);
	kunit_release_action(test, flow_fput_sync, file2);
	KUNIT_EXPECT_EQ(test, -ENOENT, flow_stock_destroy(test, &f, c));
	/* The first context's are untouched. */
	KUNIT_EXPECT_EQ(test, 3, flow_users(test, &f, viommu_b));
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, b[0]));
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, b[1]));
	KUNIT_EXPECT_EQ(test, 0, flow_destroy(test, &f, f.ctx, viommu_b));
}

static void vdevice_tombstone_on_unbind(struct kunit *test)
{
	u32 vdev_id, stdev2, idev2, id;
	struct flow f;

	flow_setup(test, &f);
	KUNIT_ASSERT_EQ(test, 0, flow_vdevice_alloc(test, &f, f.viommu_id,
						    f.idev_id, 0x99,
						    &vdev_id));
	KUNIT_EXPECT_EQ(test, 2, flow_users(test, &f, f.viommu_id));

	/* Destroying the mock device unbinds it: its vDEVICE goes first. */
	KUNIT_EXPECT_EQ(test, 0, flow_destroy(test, &f, f.ctx, f.stdev_id));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			flow_destroy(test, &f, f.ctx, vdev_id));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    viommu_get_object(f.ctx, vdev_id, VIOMMU_OBJ_NONE));
	KUNIT_EXPECT_EQ(test, 1, flow_users(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			flow_vdevice_alloc(test, &f, f.viommu_id, f.idev_id,
					   0x55, NULL));

	/*
	 * A plainly destroyed id is handed out again first; the vDEVICE's
	 * is not, while its virt_id is free.
	 */
	flow_mock_domain(test, &f, f.ctx, &stdev2, &idev2);
	KUNIT_EXPECT_EQ(test, f.stdev_id, stdev2);
	KUNIT_ASSERT_EQ(test, 0, flow_vdevice_alloc(test, &f, f.viommu_id,
						    idev2, 0x99, &id));
	KUNIT_EXPECT_NE(test, vdev_id, id);
	KUNIT_EXPECT_EQ(test, -ENOENT,
			flow_destroy(test, &f, f.ctx, vdev_id));
	KUNIT_EXPECT_EQ(test, 0, flow_destroy(test, &f, f.ctx, id));
	KUNIT_EXPECT_EQ(test, 0, flow_destroy(test, &f, f.ctx, f.viommu_id));
}

/* Module references before a case, to compare with after it. */
struct flow_refs {
	struct module *viommu;
	struct module *selftest;
	int viommu_base;
	int selftest_base;
};

/*
 * Before anything is made. Files closed and orphans let go by earlier
 * cases are released first: their references must not drop in the middle
 * of this one.
 */
static void flow_refs_init(struct flow_refs *r)
{
	int i, now;

	r->selftest = viommu_mock_driver.owner;
	/*
	 * A release can queue another (a file whose release puts another
	 * file, a reap that queues one), each deferred again from a kernel
	 * thread: flush until the count holds still.
	 */
	for (i = 0; i < 50; i++) {
		flush_delayed_fput();
		viommu_ctx_reap_flush();
		now = module_refcount(r->selftest);
		if (i && now == r->selftest_base)
			break;
		r->selftest_base = now;
		msleep(20);
	}
}

/* viommu.ko is known by its file: count without @open_files of them. */
static void flow_refs_viommu(struct flow *f, struct flow_refs *r,
			     int open_files)
{
	r->viommu = f->ctx_file->f_op->owner;
	r->viommu_base = module_refcount(r->viommu) - open_files;
}

static void flow_expect_orphan(struct kunit *test, struct flow_refs *r,
			       struct viommu_ctx *ctx, int open_files)
{
	viommu_ctx_reap_flush();
	/* Checked first: a context freed too early must not be touched. */
	KUNIT_ASSERT_EQ(test, r->viommu_base + open_files + 1,
			module_refcount(r->viommu));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&ctx->refs));
	KUNIT_EXPECT_FALSE(test, list_empty(&ctx->orphan_node));
}

/* After the last stock pin went: nothing of the context is left. */
static void flow_expect_reaped(struct kunit *test, struct flow *f,
			       struct flow_refs *r)
{
	/* A reap can queue another one. */
	viommu_ctx_reap_flush();
	viommu_ctx_reap_flush();
	KUNIT_EXPECT_EQ(test, r->viommu_base, module_refcount(r->viommu));
	/* The vIOMMU's pin on the nest parent and every device are gone. */
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, f, f->parent_id));
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, f, f->ioas_id));
	/*
	 * Not above the baseline: a reference an earlier case let go of
	 * late (seen under TCG after the flushes above held still) may
	 * still be in the baseline, never one of this case's.
	 */
	KUNIT_EXPECT_LE(test, module_refcount(r->selftest), r->selftest_base);
}

/*
 * A stock pin on the nested HWPT keeps a closed context as an orphan;
 * the stock destroy of that HWPT lets it go.
 */
static void orphan_freed_after_stock_destroy(struct kunit *test)
{
	struct iommufd_object *nested;
	struct flow_refs refs;
	struct viommu_ctx *ctx;
	struct flow f;
	u32 nested_id;

	flow_refs_init(&refs);
	flow_setup(test, &f);
	ctx = f.ctx;
	KUNIT_ASSERT_EQ(test, 0, flow_nested_alloc(test, &f, f.idev_id,
						   &nested_id));
	nested = viommu_shim_get_object(viommu_ctx_ictx(ctx), nested_id,
					VIOMMU_STOCK_HWPT_NESTED);
	KUNIT_ASSERT_FALSE(test, IS_ERR(nested));
	viommu_shim_pin(nested);
	viommu_shim_put_object(viommu_ctx_ictx(ctx), nested);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, flow_unpin, nested));
	flow_refs_viommu(&f, &refs, 1);

	kunit_release_action(test, flow_fput_sync, f.ctx_file);
	flow_expect_orphan(test, &refs, ctx, 0);
	KUNIT_EXPECT_EQ(test, -EBUSY, flow_stock_destroy(test, &f, nested_id));
	KUNIT_EXPECT_EQ(test, -EBUSY,
			flow_stock_destroy(test, &f, f.parent_id));

	kunit_release_action(test, flow_unpin, nested);
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, nested_id));
	flow_expect_reaped(test, &f, &refs);
}

/**
 * struct flow_orphan - A closed context kept by another context's device
 * @f: The closed context's set-up
 * @refs: Module reference baselines
 * @file2: The other context's file, still open
 * @ctx2: The other context
 * @stdev2: Its mock device, attached to @nested_id through a vDEVICE
 * @nested_id: The closed context's nested HWPT
 */
struct flow_orphan {
	struct flow f;
	struct flow_refs refs;
	struct file *file2;
	struct viommu_ctx *ctx2;
	u32 stdev2;
	u32 nested_id;
};

/* Attach another context's device to our nested HWPT, then close ours. */
static void flow_orphan_setup(struct kunit *test, struct flow_orphan *o)
{
	struct flow *f = &o->f;
	struct viommu_ctx *ctx;
	u32 idev2;

	flow_refs_init(&o->refs);
	flow_setup(test, f);
	ctx = f->ctx;
	o->ctx2 = flow_ctx(test, f, &o->file2);
	flow_mock_domain(test, f, o->ctx2, &o->stdev2, &idev2);
	KUNIT_ASSERT_EQ(test, 0, flow_nested_alloc(test, f, f->idev_id,
						   &o->nested_id));
	/* The vDEVICE that lets the other context's device attach. */
	KUNIT_ASSERT_EQ(test, 0, flow_vdevice_alloc(test, f, f->viommu_id,
						    idev2, 0x99, NULL));
	KUNIT_ASSERT_EQ(test, 0, flow_mock_replace(test, f, o->ctx2, o->stdev2,
						   o->nested_id));
	flow_refs_viommu(f, &o->refs, 2);

	kunit_release_action(test, flow_fput_sync, f->ctx_file);
	flow_expect_orphan(test, &o->refs, ctx, 1);
	KUNIT_EXPECT_EQ(test, -EBUSY,
			flow_stock_destroy(test, f, o->nested_id));
}

/*
 * A device of another context attached to the nested HWPT keeps a closed
 * context as an orphan; once that device is unbound the reaper destroys
 * the nested HWPT itself.
 */
static void orphan_freed_after_other_context_detaches(struct kunit *test)
{
	struct flow_orphan o;

	flow_orphan_setup(test, &o);
	kunit_release_action(test, flow_fput_sync, o.file2);
	flow_expect_reaped(test, &o.f, &o.refs);
	KUNIT_EXPECT_EQ(test, -ENOENT,
			flow_stock_destroy(test, &o.f, o.nested_id));
}

/*
 * Moving the other context's device off the nested HWPT (a stock replace,
 * no unbind) is enough for the orphan to destroy it and go.
 */
static void orphan_freed_after_other_device_moves_away(struct kunit *test)
{
	struct flow_orphan o;

	flow_orphan_setup(test, &o);
	KUNIT_ASSERT_EQ(test, 0, flow_mock_replace(test, &o.f, o.ctx2, o.stdev2,
						   o.f.ioas_id));
	viommu_ctx_reap_flush();
	viommu_ctx_reap_flush();
	/* Only the other context's open file still holds viommu.ko. */
	KUNIT_EXPECT_EQ(test, o.refs.viommu_base + 1,
			module_refcount(o.refs.viommu));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			flow_stock_destroy(test, &o.f, o.nested_id));

	kunit_release_action(test, flow_fput_sync, o.file2);
	flow_expect_reaped(test, &o.f, &o.refs);
}

/* IOPF: stock fault queues on nested HWPTs */

/* The users count of a stock object. */
static unsigned int flow_obj_users(struct iommufd_object *obj)
{
	return refcount_read((refcount_t *)((u8 *)obj +
					    viommu_layout.object_users.offset));
}

/* A stock fault queue of @f's iommufd; its fd is closed when the test ends. */
static u32 flow_fault_alloc(struct kunit *test, struct flow *f, int *fd)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };

	if (!current->files)
		kunit_skip(test, "the test thread has no file table");
	KUNIT_ASSERT_EQ(test, 0,
			flow_stock_ioctl(test, f, IOMMU_FAULT_QUEUE_ALLOC, &cmd,
					 sizeof(cmd)));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, flow_close_fd,
						  (void *)(uintptr_t)cmd.out_fault_fd));
	*fd = cmd.out_fault_fd;
	return cmd.out_fault_id;
}

/* read() or write() of the fault fd @fd, through @f's user page. */
static ssize_t flow_fault_rw(struct kunit *test, struct flow *f, int fd,
			     bool write, void *buf, size_t count)
{
	struct file *file = fget(fd);
	loff_t pos = 0;
	ssize_t n;

	KUNIT_ASSERT_NOT_NULL(test, file);
	KUNIT_ASSERT_LE(test, count, PAGE_SIZE);
	if (write) {
		KUNIT_ASSERT_EQ(test, 0, copy_to_user(f->data, buf, count));
		n = file->f_op->write(file, f->data, count, &pos);
	} else {
		n = file->f_op->read(file, f->data, count, &pos);
		if (n > 0)
			KUNIT_ASSERT_EQ(test, 0, copy_from_user(buf, f->data, n));
	}
	fput(file);
	return n;
}

static long flow_trigger_iopf(struct kunit *test, struct flow *f, u32 dev_id,
			      u32 pasid, u32 grpid)
{
	struct viommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = VIOMMU_TEST_OP_TRIGGER_IOPF,
		.trigger_iopf = {
			.dev_id = dev_id,
			.pasid = pasid,
			.grpid = grpid,
			.perm = IOMMU_PGFAULT_PERM_READ,
			.addr = 0x1000 * grpid,
		},
	};

	return flow_ioctl(test, f, f->ctx, VIOMMU_TEST_CMD, &cmd, sizeof(cmd));
}

/*
 * Upstream's order: unknown flags, then the driver's own checks, then
 * the fault queue lookup. Failures leave no pin; a success holds the
 * fault queue and sets the domain up as 6.12 does for its own HWPTs.
 */
static void nested_fault_id_errno_order(struct kunit *test)
{
	const u32 valid = VIOMMU_HWPT_FAULT_ID_VALID;
	const u32 sz = sizeof(struct viommu_hwpt_selftest);
	struct iommufd_object *fault, *hwpt;
	struct iommufd_ctx *ictx;
	struct iommu_domain *domain;
	u32 fault_id, hwpt_id;
	struct flow f;
	int fd;

	flow_setup(test, &f);
	ictx = viommu_ctx_ictx(f.ctx);
	KUNIT_ASSERT_TRUE(test, viommu_shim_fault_ready());
	fault_id = flow_fault_alloc(test, &f, &fd);

	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			flow_nested_alloc_fault(test, &f, valid | BIT(31), 0,
						VIOMMU_HWPT_DATA_SELFTEST, sz,
						NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			flow_nested_alloc_fault(test, &f, valid, 0,
						VIOMMU_HWPT_DATA_SELFTEST, 2,
						NULL));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			flow_nested_alloc_fault(test, &f, valid, 0, 0xbeef, sz,
						NULL));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			flow_nested_alloc_fault(test, &f, valid, 0,
						VIOMMU_HWPT_DATA_SELFTEST, sz,
						NULL));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			flow_nested_alloc_fault(test, &f, valid, f.parent_id,
						VIOMMU_HWPT_DATA_SELFTEST, sz,
						NULL));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			flow_nested_alloc_fault(test, &f, valid, f.viommu_id,
						VIOMMU_HWPT_DATA_SELFTEST, sz,
						NULL));
	/* Nothing pinned the vIOMMU or the fault queue. */
	KUNIT_EXPECT_EQ(test, 1, flow_users(test, &f, f.viommu_id));
	fault = viommu_shim_get_fault(ictx, fault_id);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fault));
	/* The object, its fd, and this lookup. */
	KUNIT_EXPECT_EQ(test, 3,
			flow_obj_users(fault));

	KUNIT_ASSERT_EQ(test, 0,
			flow_nested_alloc_fault(test, &f, valid, fault_id,
						VIOMMU_HWPT_DATA_SELFTEST, sz,
						&hwpt_id));
	KUNIT_EXPECT_EQ(test, 4,
			flow_obj_users(fault));
	hwpt = viommu_shim_get_object(ictx, hwpt_id, VIOMMU_STOCK_HWPT_NESTED);
	KUNIT_ASSERT_FALSE(test, IS_ERR(hwpt));
	KUNIT_EXPECT_PTR_EQ(test, fault, viommu_shim_hwpt_fault(hwpt));
	domain = viommu_shim_hwpt_domain(hwpt);
	KUNIT_EXPECT_NOT_NULL(test, domain->iopf_handler);
	/* 6.12's handler finds the HWPT there: the object is at its start. */
	KUNIT_EXPECT_PTR_EQ(test, (void *)hwpt, domain->fault_data);
	viommu_shim_put_object(ictx, hwpt);

	/* The stock destroy of the HWPT gives the reference back. */
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, hwpt_id));
	KUNIT_EXPECT_EQ(test, 3,
			flow_obj_users(fault));
	viommu_shim_put_object(ictx, fault);
	KUNIT_EXPECT_EQ(test, 1, flow_users(test, &f, f.viommu_id));
}

/*
 * TRIGGER_IOPF reaches the stock fault fd of the HWPT the device is
 * attached to; answers are taken once; detach answers what is pending;
 * the HWPT pins its fault queue until it goes.
 */
static void trigger_iopf_delivers(struct kunit *test)
{
	struct iommu_hwpt_page_response resp = {};
	struct iommu_hwpt_pgfault pf[2] = {};
	u32 fault_id, hwpt_id;
	struct flow f;
	int fd;

	flow_setup(test, &f);
	fault_id = flow_fault_alloc(test, &f, &fd);
	if (!IS_ENABLED(CONFIG_IOMMU_IOPF)) {
		KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
				flow_trigger_iopf(test, &f, f.idev_id, 0, 1));
		kunit_skip(test, "no CONFIG_IOMMU_IOPF");
	}
	KUNIT_ASSERT_EQ(test, 0,
			flow_nested_alloc_fault(test, &f,
						VIOMMU_HWPT_FAULT_ID_VALID,
						fault_id,
						VIOMMU_HWPT_DATA_SELFTEST,
						sizeof(struct viommu_hwpt_selftest),
						&hwpt_id));
	KUNIT_ASSERT_EQ(test, 0, flow_vdevice_alloc(test, &f, f.viommu_id,
						    f.idev_id, 0x99, NULL));
	/* On the IOAS nobody takes it: no error, nothing queued. */
	KUNIT_EXPECT_EQ(test, 0, flow_trigger_iopf(test, &f, f.idev_id, 0, 1));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			flow_trigger_iopf(test, &f, f.stdev_id, 0, 1));
	KUNIT_ASSERT_EQ(test, 0, flow_mock_replace(test, &f, f.ctx, f.stdev_id,
						   hwpt_id));
	KUNIT_EXPECT_EQ(test, 0, flow_fault_rw(test, &f, fd, false, pf,
					       sizeof(pf)));

	KUNIT_EXPECT_EQ(test, 0, flow_trigger_iopf(test, &f, f.idev_id, 0, 1));
	KUNIT_EXPECT_EQ(test, 0, flow_trigger_iopf(test, &f, f.idev_id, 7, 2));
	KUNIT_ASSERT_EQ(test, sizeof(pf),
			flow_fault_rw(test, &f, fd, false, pf, sizeof(pf)));
	KUNIT_EXPECT_EQ(test, IOMMU_PGFAULT_FLAGS_LAST_PAGE, pf[0].flags);
	KUNIT_EXPECT_EQ(test, IOMMU_PGFAULT_FLAGS_LAST_PAGE |
			      IOMMU_PGFAULT_FLAGS_PASID_VALID, pf[1].flags);
	KUNIT_EXPECT_EQ(test, f.idev_id, pf[0].dev_id);
	KUNIT_EXPECT_EQ(test, 7, pf[1].pasid);
	KUNIT_EXPECT_EQ(test, 2, pf[1].grpid);
	KUNIT_EXPECT_EQ(test, IOMMU_PGFAULT_PERM_READ, pf[1].perm);
	KUNIT_EXPECT_EQ(test, 0x2000, pf[1].addr);
	KUNIT_EXPECT_NE(test, pf[0].cookie, pf[1].cookie);

	resp.cookie = pf[0].cookie;
	resp.code = IOMMUFD_PAGE_RESP_SUCCESS;
	KUNIT_EXPECT_EQ(test, sizeof(resp),
			flow_fault_rw(test, &f, fd, true, &resp, sizeof(resp)));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			flow_fault_rw(test, &f, fd, true, &resp, sizeof(resp)));
	/* Moving the device away answers pf[1]: its cookie is gone too. */
	KUNIT_ASSERT_EQ(test, 0, flow_mock_replace(test, &f, f.ctx, f.stdev_id,
						   f.ioas_id));
	resp.cookie = pf[1].cookie;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			flow_fault_rw(test, &f, fd, true, &resp, sizeof(resp)));
	KUNIT_EXPECT_EQ(test, 0, flow_trigger_iopf(test, &f, f.idev_id, 0, 3));
	KUNIT_EXPECT_EQ(test, 0, flow_fault_rw(test, &f, fd, false, pf,
					       sizeof(pf)));

	/* Without its fd, the fault queue is held by the HWPT alone. */
	kunit_release_action(test, flow_close_fd, (void *)(uintptr_t)fd);
	KUNIT_EXPECT_EQ(test, -EBUSY, flow_stock_destroy(test, &f, fault_id));
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, hwpt_id));
	KUNIT_EXPECT_EQ(test, 0, flow_stock_destroy(test, &f, fault_id));
}

static struct kunit_case core_flow_test_cases[] = {
	KUNIT_CASE(vdevice_one_per_device_and_virt_id),
	KUNIT_CASE(vdevice_needs_the_viommus_iommu),
	KUNIT_CASE(viommu_users_count_pins),
	KUNIT_CASE(nested_pins_follow_each_hwpt),
	KUNIT_CASE(vdevice_tombstone_on_unbind),
	KUNIT_CASE(orphan_freed_after_stock_destroy),
	KUNIT_CASE(orphan_freed_after_other_context_detaches),
	KUNIT_CASE(orphan_freed_after_other_device_moves_away),
	KUNIT_CASE(nested_fault_id_errno_order),
	KUNIT_CASE(trigger_iopf_delivers),
	{}
};

static struct kunit_suite core_flow_test_suite = {
	.name = "viommu-core-flow",
	.test_cases = core_flow_test_cases,
};

kunit_test_suites(&core_flow_test_suite);
