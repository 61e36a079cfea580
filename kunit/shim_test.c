// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the shim over the stock iommufd, against a real
 * /dev/iommu: object lookups and pins as seen by stock IOMMU_DESTROY,
 * guards as seen by stock IOAS_UNMAP and the VFIO compat unmap, the
 * per-task bypass of the hooks and, with the edu device of the test VM,
 * the unbind and nested-destroy hooks and the nested HWPT injection.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/kthread.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <uapi/linux/iommufd.h>

#include "internal.h"
#include "shim.h"
#include "test_util.h"

#define SHIM_TEST_IOVA 0x100000UL

struct shim_fixture {
	struct file *file;
	struct iommufd_ctx *ictx;
	void __user *ucmd;	/* ioctl structs go here */
	void __user *udata;	/* the page IOAS_MAP maps */
};

static int shim_test_init(struct kunit *test)
{
	struct shim_fixture *fx;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->file = viommu_test_open_iommufd(test);
	fx->ictx = viommu_test_ictx(test, fx->file);
	fx->ucmd = viommu_test_user_page(test);
	fx->udata = viommu_test_user_page(test);
	test->priv = fx;
	return 0;
}

static struct shim_fixture *fixture(struct kunit *test)
{
	return test->priv;
}

static long stock_ioctl(struct kunit *test, unsigned int cmd, void *buf,
			size_t len)
{
	struct shim_fixture *fx = fixture(test);

	return viommu_test_ioctl(test, fx->file, fx->ucmd, cmd, buf, len);
}

static u32 ioas_alloc(struct kunit *test)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };

	KUNIT_ASSERT_EQ(test, 0,
			stock_ioctl(test, IOMMU_IOAS_ALLOC, &cmd, sizeof(cmd)));
	return cmd.out_ioas_id;
}

static long stock_destroy(struct kunit *test, u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return stock_ioctl(test, IOMMU_DESTROY, &cmd, sizeof(cmd));
}

/* Map the fixture's user page at SHIM_TEST_IOVA. */
static void ioas_map(struct kunit *test, u32 ioas_id)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)fixture(test)->udata,
		.length = PAGE_SIZE,
		.iova = SHIM_TEST_IOVA,
	};

	KUNIT_ASSERT_EQ(test, 0,
			stock_ioctl(test, IOMMU_IOAS_MAP, &cmd, sizeof(cmd)));
}

static long ioas_unmap(struct kunit *test, u32 ioas_id, u64 iova, u64 length,
		       u64 *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = length,
	};
	long rc = stock_ioctl(test, IOMMU_IOAS_UNMAP, &cmd, sizeof(cmd));

	*unmapped = cmd.length;
	return rc;
}

static struct iommufd_object *get_ok(struct kunit *test, u32 id,
				     enum viommu_stock_type type)
{
	struct iommufd_object *obj;

	obj = viommu_shim_get_object(fixture(test)->ictx, id, type);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(obj), "id %u: %ld", id,
			       PTR_ERR(obj));
	return obj;
}

/* Have the hooks in for the test, as a bound context does. */
static void shim_hold_hooks(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, 0, viommu_shim_hooks_get());
	KUNIT_ASSERT_TRUE(test, viommu_shim_hooks_installed());
}

static void shim_is_ready(struct kunit *test)
{
	/* Kbuild built the shim for this kernel: off means it did not verify. */
	KUNIT_EXPECT_TRUE(test, viommu_shim_ready());
}

static void shim_verify_ictx(struct kunit *test)
{
	void *other = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_EXPECT_EQ(test, 0, viommu_shim_verify_ictx(fixture(test)->ictx));
	/* Zeroed memory has no file: not a stock context. */
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, viommu_shim_verify_ictx(other));
}

static void shim_get_object_types(struct kunit *test)
{
	struct iommufd_ctx *ictx = fixture(test)->ictx;
	u32 id = ioas_alloc(test);
	static const struct {
		u32 id_xor;
		unsigned int type;
	} bad[] = {
		{ 0, VIOMMU_STOCK_DEVICE },
		{ 0, VIOMMU_STOCK_HWPT_PAGING },
		{ 0, VIOMMU_STOCK_HWPT_NESTED },
		{ 0, 99 },
		{ 0x80000000, VIOMMU_STOCK_IOAS },	/* a viommu id */
		{ 0x40, VIOMMU_STOCK_IOAS },		/* never allocated */
		{ 0x40, VIOMMU_STOCK_ANY },
	};
	struct iommufd_object *obj;
	unsigned int i;

	obj = get_ok(test, id, VIOMMU_STOCK_IOAS);
	KUNIT_EXPECT_EQ(test, id, viommu_shim_object_id(obj));
	KUNIT_EXPECT_NULL(test, viommu_shim_to_idev(obj));
	KUNIT_EXPECT_NULL(test, viommu_shim_hwpt_domain(obj));
	KUNIT_EXPECT_TRUE(test, viommu_shim_is_ioas(obj));
	KUNIT_EXPECT_EQ(test, 0, viommu_shim_hwpt_ioas_id(obj));
	KUNIT_EXPECT_FALSE(test, viommu_shim_hwpt_is_nest_parent(obj));
	viommu_shim_put_object(ictx, obj);

	obj = get_ok(test, id, VIOMMU_STOCK_ANY);
	viommu_shim_put_object(ictx, obj);

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_PTR_EQ_MSG(test, ERR_PTR(-ENOENT),
					viommu_shim_get_object(ictx,
							       id ^ bad[i].id_xor,
							       bad[i].type),
					"case %u", i);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    viommu_shim_get_object(ictx, 0,
						   VIOMMU_STOCK_ANY));

	/* Every reference went back: stock destroy succeeds. */
	KUNIT_EXPECT_EQ(test, 0, stock_destroy(test, id));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    viommu_shim_get_object(ictx, id, VIOMMU_STOCK_IOAS));
}

static void shim_pin_blocks_stock_destroy(struct kunit *test)
{
	struct iommufd_ctx *ictx = fixture(test)->ictx;
	u32 id = ioas_alloc(test);
	struct iommufd_object *obj = get_ok(test, id, VIOMMU_STOCK_IOAS);

	/* Held by a lookup: busy. */
	KUNIT_EXPECT_EQ(test, -EBUSY, stock_destroy(test, id));
	viommu_shim_pin(obj);
	viommu_shim_put_object(ictx, obj);
	/* Only pinned: still busy. */
	KUNIT_EXPECT_EQ(test, -EBUSY, stock_destroy(test, id));
	viommu_shim_unpin(obj);
	KUNIT_EXPECT_EQ(test, 0, stock_destroy(test, id));
}

static void shim_guard_refuses_ioas_unmap(struct kunit *test)
{
	struct iommufd_ctx *ictx = fixture(test)->ictx;
	/* Only ioctls unmap ranges; unmap-all also runs on IOAS teardown. */
	long iova_calls = viommu_shim_hook_calls("iopt_unmap_iova");
	struct iommufd_object *ioas, *other;
	struct viommu_shim_guard guard;
	u32 other_id = ioas_alloc(test);
	u32 id = ioas_alloc(test);
	u64 unmapped;

	shim_hold_hooks(test);

	ioas_map(test, id);
	ioas = get_ok(test, id, VIOMMU_STOCK_IOAS);
	KUNIT_ASSERT_EQ(test, 0, viommu_shim_guard_add(&guard, ioas,
						       SHIM_TEST_IOVA + 16, 32));

	KUNIT_EXPECT_EQ(test, -EBUSY,
			ioas_unmap(test, id, SHIM_TEST_IOVA, PAGE_SIZE,
				   &unmapped));
	KUNIT_EXPECT_EQ(test, -EBUSY, ioas_unmap(test, id, 0, U64_MAX,
						 &unmapped));
	/* A range next to the guard reaches the stock code: nothing there. */
	KUNIT_EXPECT_EQ(test, -ENOENT,
			ioas_unmap(test, id, SHIM_TEST_IOVA + PAGE_SIZE,
				   PAGE_SIZE, &unmapped));
	/* Bad ranges keep their stock errno. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ioas_unmap(test, id, SHIM_TEST_IOVA, 0, &unmapped));
	KUNIT_EXPECT_EQ(test, iova_calls + 3,
			viommu_shim_hook_calls("iopt_unmap_iova"));

	viommu_shim_guard_del(&guard);
	KUNIT_EXPECT_EQ(test, 0, ioas_unmap(test, id, SHIM_TEST_IOVA,
					    PAGE_SIZE, &unmapped));
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, unmapped);

	/* Unmap-all, with the guard on the last byte of the mapping. */
	ioas_map(test, id);
	KUNIT_ASSERT_EQ(test, 0,
			viommu_shim_guard_add(&guard, ioas,
					      SHIM_TEST_IOVA + PAGE_SIZE - 1, 1));
	KUNIT_EXPECT_EQ(test, -EBUSY, ioas_unmap(test, id, 0, U64_MAX,
						 &unmapped));
	viommu_shim_guard_del(&guard);

	/* A guard on another IOAS does not count. */
	other = get_ok(test, other_id, VIOMMU_STOCK_IOAS);
	KUNIT_ASSERT_EQ(test, 0, viommu_shim_guard_add(&guard, other,
						       SHIM_TEST_IOVA, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0, ioas_unmap(test, id, 0, U64_MAX, &unmapped));
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, unmapped);
	viommu_shim_guard_del(&guard);
	viommu_shim_put_object(ictx, other);

	viommu_shim_put_object(ictx, ioas);
	KUNIT_EXPECT_EQ(test, 0, stock_destroy(test, id));
}

static long vfio_unmap(struct kunit *test, u32 flags, u64 iova, u64 size)
{
	struct vfio_iommu_type1_dma_unmap cmd = {
		.argsz = sizeof(cmd),
		.flags = flags,
		.iova = iova,
		.size = size,
	};

	return stock_ioctl(test, VFIO_IOMMU_UNMAP_DMA, &cmd, sizeof(cmd));
}

static void shim_guard_refuses_vfio_unmap(struct kunit *test)
{
	struct iommufd_ctx *ictx = fixture(test)->ictx;
	struct iommu_vfio_ioas set = {
		.size = sizeof(set),
		.op = IOMMU_VFIO_IOAS_SET,
	};
	struct viommu_shim_guard guard;
	struct iommufd_object *ioas;
	u32 id = ioas_alloc(test);

	shim_hold_hooks(test);

	set.ioas_id = id;
	KUNIT_ASSERT_EQ(test, 0,
			stock_ioctl(test, IOMMU_VFIO_IOAS, &set, sizeof(set)));
	ioas_map(test, id);
	ioas = get_ok(test, id, VIOMMU_STOCK_IOAS);
	KUNIT_ASSERT_EQ(test, 0, viommu_shim_guard_add(&guard, ioas,
						       SHIM_TEST_IOVA, PAGE_SIZE));

	KUNIT_EXPECT_EQ(test, -EBUSY,
			vfio_unmap(test, 0, SHIM_TEST_IOVA, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, -EBUSY,
			vfio_unmap(test, VFIO_DMA_UNMAP_FLAG_ALL, 0, 0));

	viommu_shim_guard_del(&guard);
	KUNIT_EXPECT_EQ(test, 0,
			vfio_unmap(test, VFIO_DMA_UNMAP_FLAG_ALL, 0, 0));
	viommu_shim_put_object(ictx, ioas);
}

/* Bypasses, on hooks that are never installed: only identity matters. */
struct shim_bypass_other {
	const struct viommu_hook *hook;
	struct completion ran;
	bool taken;
};

static int shim_bypass_other_task(void *data)
{
	struct shim_bypass_other *other = data;

	other->taken = viommu_hook_bypass_take(other->hook);
	complete(&other->ran);
	return 0;
}

/* Whether another task would take the bypass of @hook. */
static bool shim_bypass_taken_elsewhere(struct kunit *test,
					const struct viommu_hook *hook)
{
	struct shim_bypass_other other = { .hook = hook };
	struct task_struct *task;

	init_completion(&other.ran);
	task = kthread_create(shim_bypass_other_task, &other,
			      "viommu-shim-test");
	/* No assert: the caller has a frame on its stack to unlink. */
	if (IS_ERR(task)) {
		KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(task));
		return false;
	}
	get_task_struct(task);
	wake_up_process(task);
	wait_for_completion(&other.ran);
	/* It may still be in complete(): wait until it is gone. */
	kthread_stop(task);
	put_task_struct(task);
	return other.taken;
}

static void shim_bypass_is_per_task_and_once(struct kunit *test)
{
	struct viommu_hook *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct viommu_hook *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct viommu_hook_frame fa, fb;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_FALSE(test, viommu_hook_in_replacement());
	viommu_hook_enter(&fa, a);
	KUNIT_EXPECT_TRUE(test, viommu_hook_in_replacement());
	KUNIT_EXPECT_FALSE(test, viommu_hook_bypass_take(a));

	viommu_hook_bypass(&fa, a);
	/* Another task entering the same function is redirected. */
	KUNIT_EXPECT_FALSE(test, shim_bypass_taken_elsewhere(test, a));
	/* So is this task entering another hooked function. */
	KUNIT_EXPECT_FALSE(test, viommu_hook_bypass_take(b));
	/* The one armed entry goes through, once. */
	KUNIT_EXPECT_TRUE(test, viommu_hook_bypass_take(a));
	KUNIT_EXPECT_FALSE(test, viommu_hook_bypass_take(a));
	viommu_hook_unbypass(&fa);

	/* An unused bypass does not outlive its unbypass. */
	viommu_hook_bypass(&fa, a);
	viommu_hook_unbypass(&fa);
	KUNIT_EXPECT_FALSE(test, viommu_hook_bypass_take(a));

	/* Nested: each armed entry is consumed once. */
	viommu_hook_bypass(&fa, a);
	viommu_hook_enter(&fb, b);
	viommu_hook_bypass(&fb, b);
	viommu_hook_unbypass(&fb);
	viommu_hook_leave(&fb);
	KUNIT_EXPECT_TRUE(test, viommu_hook_bypass_take(a));
	viommu_hook_unbypass(&fa);
	viommu_hook_leave(&fa);
	KUNIT_EXPECT_FALSE(test, viommu_hook_in_replacement());
}

/* More tasks than the old global pool had slots arm a bypass at once. */
#define SHIM_BYPASS_TASKS 100U

struct shim_bypass_many {
	struct viommu_hook *hook;
	atomic_t armed;
	atomic_t taken;
	struct completion go;
};

static int shim_bypass_many_task(void *data)
{
	struct shim_bypass_many *m = data;
	struct viommu_hook_frame f;

	viommu_hook_enter(&f, m->hook);
	viommu_hook_bypass(&f, m->hook);
	atomic_inc(&m->armed);
	wait_for_completion(&m->go);
	if (viommu_hook_bypass_take(m->hook))
		atomic_inc(&m->taken);
	viommu_hook_unbypass(&f);
	viommu_hook_leave(&f);
	return 0;
}

static void shim_bypass_has_no_global_bound(struct kunit *test)
{
	struct viommu_hook *hook = kunit_kzalloc(test, sizeof(*hook),
						 GFP_KERNEL);
	struct task_struct **tasks;
	struct shim_bypass_many *m;
	unsigned long timeout;
	unsigned int i;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	tasks = kunit_kcalloc(test, SHIM_BYPASS_TASKS, sizeof(*tasks),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hook);
	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_NOT_NULL(test, tasks);
	m->hook = hook;
	init_completion(&m->go);
	for (i = 0; i < SHIM_BYPASS_TASKS; i++) {
		tasks[i] = kthread_run(shim_bypass_many_task, m,
				       "viommu-bypass-%u", i);
		if (IS_ERR(tasks[i]))
			break;
		get_task_struct(tasks[i]);
	}
	/* Every task armed its bypass without waiting for another one. */
	timeout = jiffies + 20 * HZ;
	while (atomic_read(&m->armed) < (int)i && time_before(jiffies, timeout))
		msleep(20);
	KUNIT_EXPECT_EQ(test, SHIM_BYPASS_TASKS, i);
	KUNIT_EXPECT_EQ(test, (int)i, atomic_read(&m->armed));
	complete_all(&m->go);
	while (i--) {
		kthread_stop(tasks[i]);
		put_task_struct(tasks[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&m->armed), atomic_read(&m->taken));
}

/*
 * A task blocked inside a hooked unmap of IOAS A (an access's ->unmap
 * waits) must not hold up a guard or an unmap on IOAS B.
 */
struct shim_slow_access {
	struct iommufd_access *access;
	struct completion in_unmap;
	struct completion release;
	bool pinned;
};

/* Unpin exactly what the test pinned, once, as iommufd's selftest does. */
static void shim_slow_unpin(struct shim_slow_access *sa)
{
	if (!sa->pinned)
		return;
	sa->pinned = false;
	iommufd_access_unpin_pages(sa->access, SHIM_TEST_IOVA, PAGE_SIZE);
}

static void shim_slow_unmap(void *data, unsigned long iova,
			    unsigned long length)
{
	struct shim_slow_access *sa = data;

	complete_all(&sa->in_unmap);
	wait_for_completion(&sa->release);
	shim_slow_unpin(sa);
}

static const struct iommufd_access_ops shim_slow_access_ops = {
	.needs_pin_pages = 1,
	.unmap = shim_slow_unmap,
};

/* A helper thread; @done completes for all, as it is waited for twice. */
struct shim_helper {
	struct kunit *test;
	struct mm_struct *mm;
	void __user *ucmd;
	u32 ioas_id;
	struct iommufd_object *guard_owner;
	long rc;
	struct completion done;
};

/* Unmap the test page of @h->ioas_id, as the test's process. */
static int shim_helper_unmap(void *data)
{
	struct shim_helper *h = data;
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = h->ioas_id,
		.iova = SHIM_TEST_IOVA,
		.length = PAGE_SIZE,
	};

	kthread_use_mm(h->mm);
	if (copy_to_user(h->ucmd, &cmd, sizeof(cmd)))
		h->rc = -EFAULT;
	else
		h->rc = vfs_ioctl(fixture(h->test)->file, IOMMU_IOAS_UNMAP,
				  (unsigned long)h->ucmd);
	kthread_unuse_mm(h->mm);
	complete_all(&h->done);
	return 0;
}

static int shim_helper_guard(void *data)
{
	struct shim_helper *h = data;
	struct viommu_shim_guard guard;

	if (!viommu_shim_guard_add(&guard, h->guard_owner, SHIM_TEST_IOVA,
				   PAGE_SIZE))
		viommu_shim_guard_del(&guard);
	complete_all(&h->done);
	return 0;
}

static struct task_struct *shim_helper_start(struct kunit *test,
					     struct shim_helper *h,
					     int (*fn)(void *))
{
	struct task_struct *task;

	h->test = test;
	h->mm = current->mm;
	init_completion(&h->done);
	task = kthread_run(fn, h, "viommu-shim-helper");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	return task;
}

static void shim_blocked_unmap_is_per_iopt(struct kunit *test)
{
	struct iommufd_ctx *ictx = fixture(test)->ictx;
	struct shim_helper slow = {}, guard = {}, unmap = {};
	struct shim_slow_access sa = {};
	struct iommufd_object *b;
	struct page *page;
	u32 a_id = ioas_alloc(test);
	u32 b_id = ioas_alloc(test);
	u32 access_id;
	bool guard_done, unmap_done;

	shim_hold_hooks(test);

	ioas_map(test, a_id);
	ioas_map(test, b_id);
	init_completion(&sa.in_unmap);
	init_completion(&sa.release);
	sa.access = iommufd_access_create(ictx, &shim_slow_access_ops, &sa,
					  &access_id);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa.access));
	KUNIT_ASSERT_EQ(test, 0, iommufd_access_attach(sa.access, a_id));
	KUNIT_ASSERT_EQ(test, 0,
			iommufd_access_pin_pages(sa.access, SHIM_TEST_IOVA,
						 PAGE_SIZE, &page, 0));
	sa.pinned = true;

	slow.ucmd = viommu_test_user_page(test);
	slow.ioas_id = a_id;
	shim_helper_start(test, &slow, shim_helper_unmap);
	KUNIT_ASSERT_GT(test,
			wait_for_completion_timeout(&sa.in_unmap, 20 * HZ), 0);

	/* A is stuck inside the stock unmap: B goes on. */
	b = get_ok(test, b_id, VIOMMU_STOCK_IOAS);
	guard.guard_owner = b;
	shim_helper_start(test, &guard, shim_helper_guard);
	guard_done = wait_for_completion_timeout(&guard.done, 5 * HZ);
	unmap.ucmd = viommu_test_user_page(test);
	unmap.ioas_id = b_id;
	shim_helper_start(test, &unmap, shim_helper_unmap);
	unmap_done = wait_for_completion_timeout(&unmap.done, 5 * HZ);
	KUNIT_EXPECT_TRUE(test, guard_done);
	KUNIT_EXPECT_TRUE(test, unmap_done);

	complete_all(&sa.release);
	wait_for_completion(&slow.done);
	wait_for_completion(&guard.done);
	wait_for_completion(&unmap.done);
	KUNIT_EXPECT_EQ(test, 0, slow.rc);
	KUNIT_EXPECT_EQ(test, 0, unmap.rc);
	viommu_shim_put_object(ictx, b);
	shim_slow_unpin(&sa);
	iommufd_access_detach(sa.access);
	iommufd_access_destroy(sa.access);
}

static void shim_unbind_goes_through_hook(struct kunit *test)
{
	struct iommufd_ctx *ictx = fixture(test)->ictx;
	struct pci_dev *pdev = viommu_test_edu(test);
	long calls = viommu_shim_hook_calls("iommufd_device_unbind");
	struct iommufd_device *idev;
	struct iommufd_object *obj;
	u32 dev_id;

	shim_hold_hooks(test);

	idev = viommu_test_bind(test, fixture(test)->ictx, pdev, &dev_id);
	obj = get_ok(test, dev_id, VIOMMU_STOCK_DEVICE);
	KUNIT_EXPECT_PTR_EQ(test, idev, viommu_shim_to_idev(obj));
	KUNIT_EXPECT_PTR_EQ(test, obj, viommu_shim_idev_obj(idev));
	KUNIT_EXPECT_PTR_EQ(test, &pdev->dev, viommu_shim_idev_dev(idev));
	KUNIT_EXPECT_EQ(test, dev_id, viommu_shim_object_id(obj));
	viommu_shim_put_object(ictx, obj);

	kunit_release_action(test, viommu_test_unbind, idev);
	KUNIT_EXPECT_EQ(test, calls + 1,
			viommu_shim_hook_calls("iommufd_device_unbind"));
	/* The stock unbind ran too: the device is gone. */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    viommu_shim_get_object(ictx, dev_id,
						   VIOMMU_STOCK_ANY));
}

/* A nested domain that only counts its frees. */
static atomic_t shim_fake_frees;

static void shim_fake_free(struct iommu_domain *domain)
{
	atomic_inc(&shim_fake_frees);
	kfree(domain);
}

static int shim_fake_invalidate(struct iommu_domain *domain,
				struct iommu_user_data_array *array)
{
	return -EOPNOTSUPP;
}

static const struct iommu_domain_ops shim_fake_nested_ops = {
	.free = shim_fake_free,
	.cache_invalidate_user = shim_fake_invalidate,
};

static struct iommu_domain *shim_fake_nested(struct kunit *test)
{
	struct iommu_domain *domain = kzalloc(sizeof(*domain), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, domain);
	domain->type = IOMMU_DOMAIN_NESTED;
	domain->ops = &shim_fake_nested_ops;
	return domain;
}

struct shim_prepare {
	int ret;
	unsigned int calls;
	struct iommufd_object *seen;
	u32 seen_id;
	/* Abort the unpublished HWPT as the stock abort_and_destroy would. */
	struct iommufd_object *abort_parent;
};

static int shim_prepare(struct iommufd_object *nested, void *arg)
{
	struct shim_prepare *p = arg;

	p->calls++;
	p->seen = nested;
	p->seen_id = viommu_shim_object_id(nested);
	if (p->abort_parent) {
		/* The abort drops the parent user the caller drops again. */
		viommu_shim_pin(p->abort_parent);
		viommu_shim_test_nested_abort(nested);
	}
	return p->ret;
}

static u32 hwpt_alloc(struct kunit *test, u32 dev_id, u32 ioas_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
		.pt_id = ioas_id,
	};

	KUNIT_ASSERT_EQ(test, 0,
			stock_ioctl(test, IOMMU_HWPT_ALLOC, &cmd, sizeof(cmd)));
	return cmd.out_hwpt_id;
}

static void shim_nested_is_a_stock_hwpt(struct kunit *test)
{
	struct iommufd_ctx *ictx = fixture(test)->ictx;
	struct pci_dev *pdev = viommu_test_edu(test);
	long calls = viommu_shim_hook_calls("iommufd_hwpt_nested_destroy");
	struct shim_prepare prep = { .ret = -E2BIG };
	struct iommufd_object *parent, *nested, *obj;
	struct iommu_domain *domain;
	u32 dev_id, ioas_id, hwpt_id, nested_id = 0;

	shim_hold_hooks(test);

	viommu_test_bind(test, fixture(test)->ictx, pdev, &dev_id);
	ioas_id = ioas_alloc(test);
	hwpt_id = hwpt_alloc(test, dev_id, ioas_id);
	parent = get_ok(test, hwpt_id, VIOMMU_STOCK_HWPT_PAGING);
	KUNIT_EXPECT_EQ(test, ioas_id, viommu_shim_hwpt_ioas_id(parent));
	KUNIT_EXPECT_NOT_NULL(test, viommu_shim_hwpt_domain(parent));
	KUNIT_EXPECT_FALSE(test, viommu_shim_is_ioas(parent));
	domain = shim_fake_nested(test);

	/* Not a nest parent: refused before anything happens. */
	KUNIT_EXPECT_FALSE(test, viommu_shim_hwpt_is_nest_parent(parent));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_shim_nested_add(ictx, parent, domain,
					       shim_prepare, &prep, &nested_id,
					       &nested));
	KUNIT_EXPECT_EQ(test, 0, prep.calls);

	viommu_shim_test_set_nest_parent(parent, true);
	KUNIT_EXPECT_TRUE(test, viommu_shim_hwpt_is_nest_parent(parent));

	/* A failing prepare leaves nothing and keeps the domain. */
	atomic_set(&shim_fake_frees, 0);
	KUNIT_EXPECT_EQ(test, -E2BIG,
			viommu_shim_nested_add(ictx, parent, domain,
					       shim_prepare, &prep, &nested_id,
					       &nested));
	KUNIT_EXPECT_EQ(test, 1, prep.calls);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&shim_fake_frees));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    viommu_shim_get_object(ictx, prep.seen_id,
						   VIOMMU_STOCK_ANY));

	prep.ret = 0;
	KUNIT_ASSERT_EQ(test, 0,
			viommu_shim_nested_add(ictx, parent, domain,
					       shim_prepare, &prep, &nested_id,
					       &nested));
	KUNIT_EXPECT_PTR_EQ(test, prep.seen, nested);
	KUNIT_EXPECT_PTR_EQ(test, viommu_shim_hwpt_domain(parent)->owner,
			    domain->owner);
	obj = get_ok(test, nested_id, VIOMMU_STOCK_HWPT_NESTED);
	KUNIT_EXPECT_PTR_EQ(test, nested, obj);
	KUNIT_EXPECT_PTR_EQ(test, domain, viommu_shim_hwpt_domain(obj));
	KUNIT_EXPECT_FALSE(test, viommu_shim_hwpt_is_nest_parent(obj));
	viommu_shim_put_object(ictx, obj);
	viommu_shim_put_object(ictx, parent);

	/* The nested HWPT holds its parent, as stock nesting does. */
	KUNIT_EXPECT_EQ(test, -EBUSY, stock_destroy(test, hwpt_id));
	KUNIT_EXPECT_EQ(test, 0, stock_destroy(test, nested_id));
	KUNIT_EXPECT_EQ(test, calls + 1,
			viommu_shim_hook_calls("iommufd_hwpt_nested_destroy"));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&shim_fake_frees));

	/*
	 * The stock abort of a nested HWPT (inlined destroy in our build)
	 * reaches a hook too.
	 */
	calls = viommu_shim_hook_calls("iommufd_hwpt_nested_abort");
	KUNIT_EXPECT_GE(test, calls, 0L);
	parent = get_ok(test, hwpt_id, VIOMMU_STOCK_HWPT_PAGING);
	domain = shim_fake_nested(test);
	prep.ret = -E2BIG;
	prep.abort_parent = parent;
	KUNIT_EXPECT_EQ(test, -E2BIG,
			viommu_shim_nested_add(ictx, parent, domain,
					       shim_prepare, &prep, &nested_id,
					       &nested));
	KUNIT_EXPECT_EQ(test, calls + 1,
			viommu_shim_hook_calls("iommufd_hwpt_nested_abort"));
	/* Unpublished: the domain was not the HWPT's yet. */
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&shim_fake_frees));
	kfree(domain);
	viommu_shim_put_object(ictx, parent);
	KUNIT_EXPECT_EQ(test, 0, stock_destroy(test, hwpt_id));
	KUNIT_EXPECT_EQ(test, 0, stock_destroy(test, ioas_id));
}

/*
 * A remover as stock iommufd's (uninterruptible, with a timeout), and its
 * last short-term user leaving as stock's iommufd_put_object() does: an
 * interruptible wake-up. The user leaves only once the remover sleeps.
 */
struct shim_remover {
	wait_queue_head_t wq;
	bool users_gone;
	struct timer_list last_user;
};

static void shim_last_user_leaves(struct timer_list *t)
{
	struct shim_remover *r = from_timer(r, t, last_user);

	/* A peek is enough: a remover not asleep yet is tried next jiffy. */
	if (!waitqueue_active(&r->wq)) {
		mod_timer(&r->last_user, jiffies + 1);
		return;
	}
	WRITE_ONCE(r->users_gone, true);
	wake_up_interruptible_all(&r->wq);
}

/*
 * What wait_event_timeout() returned: 1 means it slept out @timeout after
 * the user left, 0 that the user had not left by then (a loaded machine).
 */
static long shim_remover_wait(struct shim_remover *r,
			      struct viommu_unbind_waker *waker, long timeout)
{
	long left;

	init_waitqueue_head(&r->wq);
	r->users_gone = false;
	timer_setup_on_stack(&r->last_user, shim_last_user_leaves, 0);
	mod_timer(&r->last_user, jiffies + 1);
	if (waker)
		viommu_unbind_waker_start(waker, &r->wq);
	left = wait_event_timeout(r->wq, READ_ONCE(r->users_gone), timeout);
	if (waker)
		viommu_unbind_waker_stop(waker);
	timer_shutdown_sync(&r->last_user);
	destroy_timer_on_stack(&r->last_user);
	return left;
}

/*
 * The premise first: stock's wake-up leaves the remover asleep until its
 * timeout. Then the unbind hook's waker wakes it long before.
 */
static void shim_unbind_waker_wakes_remover(struct kunit *test)
{
	struct viommu_unbind_waker waker;
	struct shim_remover r;

	KUNIT_EXPECT_LE(test, shim_remover_wait(&r, NULL, HZ), 1);
	KUNIT_EXPECT_GT(test, shim_remover_wait(&r, &waker, 60 * HZ),
			30 * HZ);
}

static void shim_hooks_follow_bound_contexts(struct kunit *test)
{
	struct iommufd_ctx *ictx = fixture(test)->ictx;
	struct viommu_ctx *ctx;
	int refs;

	/*
	 * A file the last test closed in its kthread is put by a work item
	 * (delayed fput): its module reference must be gone before counting.
	 */
	flush_delayed_fput();
	refs = viommu_shim_test_refcount();
	ctx = viommu_test_ctx(test);
	iommufd_ctx_get(ictx);
	KUNIT_ASSERT_EQ(test, 0, viommu_ctx_bind(ctx, ictx));
	/* A bound context has them in. */
	KUNIT_EXPECT_TRUE(test, viommu_shim_hooks_installed());
	/* They hold no module reference: unload takes them out. */
	KUNIT_EXPECT_EQ(test, refs, viommu_shim_test_refcount());

	/* No churn: the last context going leaves them in. */
	kunit_release_action(test, viommu_test_ctx_free, ctx);
	KUNIT_EXPECT_TRUE(test, viommu_shim_hooks_installed());
	KUNIT_EXPECT_EQ(test, refs, viommu_shim_test_refcount());
}

static struct kunit_case viommu_shim_test_cases[] = {
	KUNIT_CASE(shim_is_ready),
	KUNIT_CASE(shim_verify_ictx),
	KUNIT_CASE(shim_hooks_follow_bound_contexts),
	KUNIT_CASE(shim_get_object_types),
	KUNIT_CASE(shim_pin_blocks_stock_destroy),
	KUNIT_CASE(shim_guard_refuses_ioas_unmap),
	KUNIT_CASE(shim_guard_refuses_vfio_unmap),
	KUNIT_CASE(shim_bypass_is_per_task_and_once),
	KUNIT_CASE(shim_bypass_has_no_global_bound),
	KUNIT_CASE(shim_blocked_unmap_is_per_iopt),
	KUNIT_CASE(shim_unbind_goes_through_hook),
	KUNIT_CASE(shim_nested_is_a_stock_hwpt),
	KUNIT_CASE(shim_unbind_waker_wakes_remover),
	{}
};

static struct kunit_suite viommu_shim_test_suite = {
	.name = "viommu-shim",
	.init = shim_test_init,
	.test_cases = viommu_shim_test_cases,
};

kunit_test_suites(&viommu_shim_test_suite);
