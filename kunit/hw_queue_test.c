// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for HW_QUEUE: the checks done before any lookup, the size a
 * driver asks for, page rounding, the contiguity rule on real pages, queue
 * dependencies, and the pin of guest pages through a real stock IOAS.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/iommufd.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>

#include "test_util.h"
#include "hw_queue.h"

#define HWQ_TEST_TYPE 0xdeadbeef
#define HWQ_TEST_IOVA 0x100000UL

static void hwq_check_in_upstream_order(struct kunit *test)
{
	struct viommu_hw_queue_alloc cmd = {
		.type = HWQ_TEST_TYPE,
		.nesting_parent_iova = HWQ_TEST_IOVA,
		.length = PAGE_SIZE,
	};

	KUNIT_EXPECT_EQ(test, 0, viommu_hw_queue_check(&cmd));

	cmd.flags = 1;
	cmd.length = 0;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, viommu_hw_queue_check(&cmd));
	cmd.flags = 0;
	cmd.type = VIOMMU_HW_QUEUE_TYPE_DEFAULT;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, viommu_hw_queue_check(&cmd));
	cmd.type = HWQ_TEST_TYPE;
	KUNIT_EXPECT_EQ(test, -EINVAL, viommu_hw_queue_check(&cmd));

	/* The last byte may be the last IOVA; one more wraps. */
	cmd.nesting_parent_iova = U64_MAX;
	cmd.length = 1;
	KUNIT_EXPECT_EQ(test, 0, viommu_hw_queue_check(&cmd));
	cmd.length = 2;
	KUNIT_EXPECT_EQ(test, -EOVERFLOW, viommu_hw_queue_check(&cmd));
	cmd.nesting_parent_iova = 1;
	cmd.length = U64_MAX;
	KUNIT_EXPECT_EQ(test, 0, viommu_hw_queue_check(&cmd));
	cmd.nesting_parent_iova = 2;
	KUNIT_EXPECT_EQ(test, -EOVERFLOW, viommu_hw_queue_check(&cmd));
}

static void hwq_span_rounds_to_pages(struct kunit *test)
{
	unsigned long first = 1, span = 1;

	KUNIT_EXPECT_EQ(test, 0, viommu_hw_queue_span(HWQ_TEST_IOVA, PAGE_SIZE,
						      &first, &span));
	KUNIT_EXPECT_EQ(test, HWQ_TEST_IOVA, first);
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, span);

	/* Half a page in the middle of a page: that one page. */
	KUNIT_EXPECT_EQ(test, 0,
			viommu_hw_queue_span(HWQ_TEST_IOVA + PAGE_SIZE / 4,
					     PAGE_SIZE / 2, &first, &span));
	KUNIT_EXPECT_EQ(test, HWQ_TEST_IOVA, first);
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, span);

	/* One page across a page boundary: two pages. */
	KUNIT_EXPECT_EQ(test, 0,
			viommu_hw_queue_span(HWQ_TEST_IOVA + PAGE_SIZE / 2,
					     PAGE_SIZE, &first, &span));
	KUNIT_EXPECT_EQ(test, HWQ_TEST_IOVA, first);
	KUNIT_EXPECT_EQ(test, 2 * PAGE_SIZE, span);

	/* The last page of the IOVA space rounds without wrapping. */
	KUNIT_EXPECT_EQ(test, 0, viommu_hw_queue_span(ULONG_MAX - PAGE_SIZE + 1,
						      PAGE_SIZE, &first,
						      &span));
	KUNIT_EXPECT_EQ(test, ULONG_MAX - PAGE_SIZE + 1, first);
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, span);
}

static void hwq_span_overflow_is_erange(struct kunit *test)
{
	unsigned long first = 1, span = 1;

	/* Both pass the EOVERFLOW check: they end on the last IOVA. */
	KUNIT_EXPECT_EQ(test, -ERANGE,
			viommu_hw_queue_span(PAGE_SIZE / 2,
					     U64_MAX - PAGE_SIZE / 2 + 1,
					     &first, &span));
	KUNIT_EXPECT_EQ(test, -ERANGE,
			viommu_hw_queue_span(0, U64_MAX, &first, &span));
	KUNIT_EXPECT_EQ(test, 1, first);
	KUNIT_EXPECT_EQ(test, 1, span);
}

static void hwq_contiguous_pages(struct kunit *test)
{
	struct page *two = viommu_test_pages(test, 1);
	struct page *four = viommu_test_pages(test, 2);
	struct page *pages[3];

	pages[0] = two;
	KUNIT_EXPECT_EQ(test, 0, viommu_pages_contiguous(pages, 1));

	pages[1] = two + 1;
	KUNIT_EXPECT_EQ(test, 0, viommu_pages_contiguous(pages, 2));

	/* Right pages, wrong order. */
	pages[0] = two + 1;
	pages[1] = two;
	KUNIT_EXPECT_EQ(test, -EFAULT, viommu_pages_contiguous(pages, 2));

	/* A hole of one page. */
	pages[0] = four;
	pages[1] = four + 2;
	KUNIT_EXPECT_EQ(test, -EFAULT, viommu_pages_contiguous(pages, 2));

	/* Only the last page breaks the run. */
	pages[0] = four;
	pages[1] = four + 1;
	pages[2] = four + 3;
	KUNIT_EXPECT_EQ(test, -EFAULT, viommu_pages_contiguous(pages, 3));
	pages[2] = four + 2;
	KUNIT_EXPECT_EQ(test, 0, viommu_pages_contiguous(pages, 3));
}

static void hwq_pages_continue_across_chunks(struct kunit *test)
{
	struct page *four = viommu_test_pages(test, 2);
	unsigned long next = 0;
	struct page *pages[2];

	pages[0] = four;
	pages[1] = four + 1;
	KUNIT_ASSERT_EQ(test, 0, viommu_pages_continue(pages, 2, true, &next));
	KUNIT_EXPECT_EQ(test, page_to_pfn(four + 2), next);

	/* The next chunk must start where the last one stopped. */
	pages[0] = four + 3;
	KUNIT_EXPECT_EQ(test, -EFAULT,
			viommu_pages_continue(pages, 1, false, &next));
	KUNIT_EXPECT_EQ(test, page_to_pfn(four + 2), next);
	pages[0] = four + 2;
	pages[1] = four + 3;
	KUNIT_EXPECT_EQ(test, 0, viommu_pages_continue(pages, 2, false, &next));
	KUNIT_EXPECT_EQ(test, page_to_pfn(four + 4), next);

	/* A first chunk starts a run anywhere, but must be one itself. */
	pages[0] = four + 1;
	pages[1] = four + 3;
	KUNIT_EXPECT_EQ(test, -EFAULT,
			viommu_pages_continue(pages, 2, true, &next));
}

/* A driver whose size answer the test sets. */
static size_t hwq_test_size;

static size_t hwq_test_get_size(struct viommu *viommu, u32 queue_type)
{
	return queue_type == HWQ_TEST_TYPE ? hwq_test_size : 0;
}

static int hwq_test_init_phys(struct viommu_hw_queue *hw_queue, u32 index,
			      phys_addr_t base_addr_pa)
{
	return 0;
}

static int hwq_test_init(struct viommu_hw_queue *hw_queue, u32 index)
{
	return 0;
}

static void hwq_size_needs_ops_for_the_mode(struct kunit *test)
{
	struct viommu_ops ops = {
		.flags = VIOMMU_OPS_FLAG_HW_QUEUE_READS_PA,
		.get_hw_queue_size = hwq_test_get_size,
		.hw_queue_init_phys = hwq_test_init_phys,
	};
	struct viommu viommu = { .ops = &ops };
	size_t size = sizeof(struct viommu_hw_queue) + 16;

	hwq_test_size = size;
	KUNIT_EXPECT_EQ(test, size, viommu_hw_queue_size(&viommu, HWQ_TEST_TYPE));
	/* Type not supported. */
	KUNIT_EXPECT_EQ(test, 0, viommu_hw_queue_size(&viommu, HWQ_TEST_TYPE + 1));

	/* Reading by PA needs init_phys; reading guest addresses needs init. */
	ops.flags = 0;
	KUNIT_EXPECT_EQ(test, 0, viommu_hw_queue_size(&viommu, HWQ_TEST_TYPE));
	ops.hw_queue_init = hwq_test_init;
	KUNIT_EXPECT_EQ(test, size, viommu_hw_queue_size(&viommu, HWQ_TEST_TYPE));
	ops.flags = VIOMMU_OPS_FLAG_HW_QUEUE_READS_PA;
	ops.hw_queue_init_phys = NULL;
	KUNIT_EXPECT_EQ(test, 0, viommu_hw_queue_size(&viommu, HWQ_TEST_TYPE));
	ops.hw_queue_init_phys = hwq_test_init_phys;

	ops.get_hw_queue_size = NULL;
	KUNIT_EXPECT_EQ(test, 0, viommu_hw_queue_size(&viommu, HWQ_TEST_TYPE));
	viommu.ops = NULL;
	KUNIT_EXPECT_EQ(test, 0, viommu_hw_queue_size(&viommu, HWQ_TEST_TYPE));
}

static void hwq_init_fake(struct viommu_hw_queue *hw_queue,
			  struct viommu *viommu)
{
	hw_queue->obj.type = VIOMMU_OBJ_HW_QUEUE;
	refcount_set(&hw_queue->obj.users, 1);
	hw_queue->viommu = viommu;
}

/* A vIOMMU stand-in: its queues live in a real context's id table. */
static struct viommu *hwq_fake_viommu(struct kunit *test)
{
	struct viommu *viommu;

	viommu = kunit_kzalloc(test, sizeof(*viommu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, viommu);
	refcount_set(&viommu->obj.users, 1);
	/* Made after @viommu, so freed before it. */
	viommu->ctx = viommu_test_ctx(test);
	return viommu;
}

/* A queue object as the ioctl makes it: holds @viommu, id reserved. */
static struct viommu_hw_queue *hwq_new_queue(struct kunit *test,
					     struct viommu *viommu, bool publish)
{
	struct viommu_hw_queue *hw_queue;
	struct viommu_object *obj;

	obj = _viommu_object_alloc(viommu->ctx, sizeof(*hw_queue),
				   VIOMMU_OBJ_HW_QUEUE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(obj));
	hw_queue = container_of(obj, struct viommu_hw_queue, obj);
	hw_queue->viommu = viommu;
	refcount_inc(&viommu->obj.users);
	if (publish)
		viommu_object_finalize(viommu->ctx, obj);
	return hw_queue;
}

static int hwq_remove(struct viommu_hw_queue *hw_queue)
{
	return viommu_object_remove(hw_queue->viommu->ctx, NULL,
				    hw_queue->obj.id, 0);
}

static void hwq_depend_counts_users(struct kunit *test)
{
	struct viommu *viommu = hwq_fake_viommu(test);
	struct viommu_hw_queue *q0, *q1, *q2;

	q0 = hwq_new_queue(test, viommu, true);
	q1 = hwq_new_queue(test, viommu, true);
	q2 = hwq_new_queue(test, viommu, true);

	KUNIT_ASSERT_EQ(test, 0, viommu_hw_queue_depend(q1, q0));
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&q0->obj.users));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&q1->obj.users));
	KUNIT_ASSERT_EQ(test, 0, viommu_hw_queue_depend(q2, q1));
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&q1->obj.users));
	/* Held: destroy fails until the dependent lets go. */
	KUNIT_EXPECT_EQ(test, -EBUSY, hwq_remove(q1));

	viommu_hw_queue_undepend(q2, q1);
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&q1->obj.users));
	viommu_hw_queue_undepend(q1, q0);
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&q0->obj.users));

	KUNIT_EXPECT_EQ(test, 0, hwq_remove(q2));
	KUNIT_EXPECT_EQ(test, 0, hwq_remove(q1));
	KUNIT_EXPECT_EQ(test, 0, hwq_remove(q0));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&viommu->obj.users));
}

/*
 * The core rule behind issue 7 item 1: a driver may record a queue before
 * the core publishes it, and that queue's ioctl may still fail and free
 * it. A dependency on it must be refused, or the dependent keeps a pointer
 * to freed memory; so must one on a queue whose removal has begun.
 */
static void hwq_depend_needs_published(struct kunit *test)
{
	struct viommu *viommu = hwq_fake_viommu(test);
	struct viommu_ctx *ctx = viommu->ctx;
	struct viommu_hw_queue *q0, *q1;

	q0 = hwq_new_queue(test, viommu, false);
	q1 = hwq_new_queue(test, viommu, false);

	KUNIT_EXPECT_EQ(test, -EIO, viommu_hw_queue_depend(q1, q0));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&q0->obj.users));
	/* Nothing holds it: the failed ioctl frees it, no warning. */
	viommu_object_abort_and_destroy(ctx, &q0->obj);

	q0 = hwq_new_queue(test, viommu, false);
	viommu_object_finalize(ctx, &q0->obj);
	KUNIT_ASSERT_EQ(test, 0, viommu_hw_queue_depend(q1, q0));
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&q0->obj.users));
	viommu_hw_queue_undepend(q1, q0);

	/* Removal took the last users reference, the destroy is pending. */
	xa_lock(&ctx->objects);
	KUNIT_EXPECT_TRUE(test, refcount_dec_if_one(&q0->obj.users));
	xa_unlock(&ctx->objects);
	KUNIT_EXPECT_EQ(test, -EIO, viommu_hw_queue_depend(q1, q0));
	KUNIT_EXPECT_EQ(test, 0, refcount_read(&q0->obj.users));
	refcount_set(&q0->obj.users, 1);

	viommu_object_abort_and_destroy(ctx, &q1->obj);
	KUNIT_EXPECT_EQ(test, 0, hwq_remove(q0));
	KUNIT_EXPECT_TRUE(test, viommu_objects_empty(ctx));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&viommu->obj.users));
}

static void hwq_depend_refuses_bad_pairs(struct kunit *test)
{
	struct viommu viommu = {}, other = {};
	struct viommu_hw_queue q0 = {}, q1 = {}, stranger = {};

	hwq_init_fake(&q0, &viommu);
	hwq_init_fake(&q1, &viommu);
	hwq_init_fake(&stranger, &other);

	KUNIT_EXPECT_EQ(test, -EINVAL, viommu_hw_queue_depend(&q0, &q0));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&q0.obj.users));

	q1.obj.type = VIOMMU_OBJ_VDEVICE;
	KUNIT_EXPECT_EQ(test, -EINVAL, viommu_hw_queue_depend(&q1, &q0));
	KUNIT_EXPECT_EQ(test, -EINVAL, viommu_hw_queue_depend(&q0, &q1));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&q0.obj.users));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&q1.obj.users));

	/* Exported depend() warns on this one; the check alone does not. */
	KUNIT_EXPECT_EQ(test, -EXDEV,
			viommu_hw_queue_depend_check(&stranger, &q0));
	KUNIT_EXPECT_EQ(test, -EXDEV,
			viommu_hw_queue_depend_check(&q0, &stranger));
	q1.obj.type = VIOMMU_OBJ_HW_QUEUE;
	KUNIT_EXPECT_EQ(test, 0, viommu_hw_queue_depend_check(&q1, &q0));
}

/* A real stock iommufd with one IOAS, driven through user memory. */
struct hwq_ioas {
	struct file *file;
	struct iommufd_ctx *ictx;
	void __user *arg;
	u32 ioas_id;
};

static long hwq_stock_ioctl(struct kunit *test, struct hwq_ioas *s,
			    unsigned int cmd, void *data, size_t size)
{
	return viommu_test_ioctl(test, s->file, s->arg, cmd, data, size);
}

static void hwq_ioas_setup(struct kunit *test, struct hwq_ioas *s)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };

	s->file = viommu_test_open_iommufd(test);
	s->ictx = viommu_test_ictx(test, s->file);
	s->arg = viommu_test_user_page(test);
	KUNIT_ASSERT_EQ(test, 0, hwq_stock_ioctl(test, s, IOMMU_IOAS_ALLOC,
						 &alloc, sizeof(alloc)));
	s->ioas_id = alloc.out_ioas_id;
}

/* Map a fresh user page holding @magic at @iova. */
static void hwq_ioas_map_page(struct kunit *test, struct hwq_ioas *s,
			      unsigned long iova, u32 magic)
{
	void __user *buf = viommu_test_user_page(test);
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = s->ioas_id,
		.user_va = (u64)(uintptr_t)buf,
		.length = PAGE_SIZE,
		.iova = iova,
	};

	KUNIT_ASSERT_EQ(test, 0, put_user(magic, (u32 __user *)buf));
	KUNIT_ASSERT_EQ(test, 0, hwq_stock_ioctl(test, s, IOMMU_IOAS_MAP, &map,
						 sizeof(map)));
}

static long hwq_ioas_unmap(struct kunit *test, struct hwq_ioas *s,
			   unsigned long iova, unsigned long length)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = s->ioas_id,
		.iova = iova,
		.length = length,
	};

	return hwq_stock_ioctl(test, s, IOMMU_IOAS_UNMAP, &unmap,
			       sizeof(unmap));
}

static long hwq_ioas_destroy(struct kunit *test, struct hwq_ioas *s)
{
	struct iommu_destroy destroy = {
		.size = sizeof(destroy),
		.id = s->ioas_id,
	};

	return hwq_stock_ioctl(test, s, IOMMU_DESTROY, &destroy,
			       sizeof(destroy));
}

static void hwq_pin_gives_the_guest_page(struct kunit *test)
{
	struct viommu_hw_queue_pin pin = {
		.iova = HWQ_TEST_IOVA,
		.length = PAGE_SIZE,
	};
	struct hwq_ioas s;
	phys_addr_t pa = 0;
	u32 seen;

	hwq_ioas_setup(test, &s);
	hwq_ioas_map_page(test, &s, HWQ_TEST_IOVA, 0xfeedc0de);

	KUNIT_ASSERT_EQ(test, 0, viommu_hw_queue_pin_pages(&pin, s.ictx,
							   s.ioas_id, true,
							   &pa));
	KUNIT_EXPECT_NOT_NULL(test, pin.access);
	seen = *(u32 *)page_address(pfn_to_page(PHYS_PFN(pa)));
	KUNIT_EXPECT_EQ(test, 0xfeedc0de, seen);
	/* The access holds the IOAS. */
	KUNIT_EXPECT_EQ(test, -EBUSY, hwq_ioas_destroy(test, &s));

	viommu_hw_queue_unpin_pages(&pin);
	KUNIT_EXPECT_NULL(test, pin.access);
	KUNIT_EXPECT_EQ(test, 0, hwq_ioas_unmap(test, &s, HWQ_TEST_IOVA,
						PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0, hwq_ioas_destroy(test, &s));
}

static void hwq_pin_unmapped_is_enoent(struct kunit *test)
{
	struct viommu_hw_queue_pin pin = {
		.iova = HWQ_TEST_IOVA + PAGE_SIZE,
		.length = PAGE_SIZE,
	};
	struct hwq_ioas s;
	phys_addr_t pa = 0;

	hwq_ioas_setup(test, &s);
	KUNIT_EXPECT_EQ(test, -ENOENT,
			viommu_hw_queue_pin_pages(&pin, s.ictx, s.ioas_id,
						  true, &pa));

	/* Half mapped: the pinned half is given back. */
	hwq_ioas_map_page(test, &s, HWQ_TEST_IOVA, 0);
	pin.iova = HWQ_TEST_IOVA;
	pin.length = 2 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, -ENOENT,
			viommu_hw_queue_pin_pages(&pin, s.ictx, s.ioas_id,
						  false, &pa));
	KUNIT_EXPECT_NULL(test, pin.access);
	KUNIT_EXPECT_EQ(test, 0, pa);

	/* Nothing is left holding the page or the IOAS. */
	KUNIT_EXPECT_EQ(test, 0, hwq_ioas_unmap(test, &s, HWQ_TEST_IOVA,
						PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0, hwq_ioas_destroy(test, &s));
}

static void hwq_pin_guest_addresses_span_areas(struct kunit *test)
{
	struct viommu_hw_queue_pin pin = {
		.iova = HWQ_TEST_IOVA,
		.length = 2 * PAGE_SIZE,
	};
	struct hwq_ioas s;
	phys_addr_t pa = 0;

	/* Two maps of two unrelated user pages. */
	hwq_ioas_setup(test, &s);
	hwq_ioas_map_page(test, &s, HWQ_TEST_IOVA, 1);
	hwq_ioas_map_page(test, &s, HWQ_TEST_IOVA + PAGE_SIZE, 2);

	KUNIT_ASSERT_EQ(test, 0, viommu_hw_queue_pin_pages(&pin, s.ictx,
							   s.ioas_id, false,
							   &pa));
	KUNIT_EXPECT_EQ(test, 0, pa);
	viommu_hw_queue_unpin_pages(&pin);

	KUNIT_EXPECT_EQ(test, 0, hwq_ioas_unmap(test, &s, HWQ_TEST_IOVA,
						2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0, hwq_ioas_destroy(test, &s));
}

/*
 * Issue 7 item 6: the length must not size an allocation. Before, 1 TiB
 * asked for a 2 GiB page array (ENOMEM on the test VM, unaccounted on a
 * large host) before the IOAS was even looked at; now the first chunk
 * meets the unmapped part and the answer is iommufd's ENOENT.
 */
static void hwq_pin_huge_length_is_enoent(struct kunit *test)
{
	struct viommu_hw_queue_pin pin = { .iova = HWQ_TEST_IOVA };
	const unsigned long lengths[] = {
		1UL << 40, 2 * PAGE_SIZE,
		(VIOMMU_HW_QUEUE_PIN_CHUNK + 1) << PAGE_SHIFT,
	};
	struct hwq_ioas s;
	phys_addr_t pa = 0;
	unsigned int i;

	hwq_ioas_setup(test, &s);
	hwq_ioas_map_page(test, &s, HWQ_TEST_IOVA, 0);

	for (i = 0; i < ARRAY_SIZE(lengths); i++) {
		pin.length = lengths[i];
		KUNIT_EXPECT_EQ_MSG(test, -ENOENT,
				    viommu_hw_queue_pin_pages(&pin, s.ictx,
							      s.ioas_id, true,
							      &pa),
				    "length %#lx", lengths[i]);
		KUNIT_EXPECT_NULL(test, pin.access);
	}

	KUNIT_EXPECT_EQ(test, 0, hwq_ioas_unmap(test, &s, HWQ_TEST_IOVA,
						PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0, hwq_ioas_destroy(test, &s));
}

/*
 * A range of more than one chunk, in one area: pinned and unpinned chunk
 * by chunk (iommufd unpins only exactly what it pinned, and warns if not).
 */
static void hwq_pin_spans_chunks(struct kunit *test)
{
	const unsigned long length = (VIOMMU_HW_QUEUE_PIN_CHUNK + 1) << PAGE_SHIFT;
	struct viommu_hw_queue_pin pin = {
		.iova = HWQ_TEST_IOVA,
		.length = length,
	};
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.length = length,
		.iova = HWQ_TEST_IOVA,
	};
	unsigned long uaddr;
	struct hwq_ioas s;
	phys_addr_t pa = 0;

	hwq_ioas_setup(test, &s);
	uaddr = kunit_vm_mmap(test, NULL, 0, length, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, 0, uaddr);
	map.ioas_id = s.ioas_id;
	map.user_va = uaddr;
	KUNIT_ASSERT_EQ(test, 0, hwq_stock_ioctl(test, &s, IOMMU_IOAS_MAP, &map,
						 sizeof(map)));

	KUNIT_ASSERT_EQ(test, 0, viommu_hw_queue_pin_pages(&pin, s.ictx,
							   s.ioas_id, false,
							   &pa));
	/* Pinned: the IOAS is held. */
	KUNIT_EXPECT_EQ(test, -EBUSY, hwq_ioas_destroy(test, &s));
	viommu_hw_queue_unpin_pages(&pin);

	KUNIT_EXPECT_EQ(test, 0, hwq_ioas_unmap(test, &s, HWQ_TEST_IOVA,
						length));
	KUNIT_EXPECT_EQ(test, 0, hwq_ioas_destroy(test, &s));
}

static struct kunit_case viommu_hw_queue_test_cases[] = {
	KUNIT_CASE(hwq_check_in_upstream_order),
	KUNIT_CASE(hwq_span_rounds_to_pages),
	KUNIT_CASE(hwq_span_overflow_is_erange),
	KUNIT_CASE(hwq_contiguous_pages),
	KUNIT_CASE(hwq_pages_continue_across_chunks),
	KUNIT_CASE(hwq_size_needs_ops_for_the_mode),
	KUNIT_CASE(hwq_depend_counts_users),
	KUNIT_CASE(hwq_depend_needs_published),
	KUNIT_CASE(hwq_depend_refuses_bad_pairs),
	KUNIT_CASE(hwq_pin_gives_the_guest_page),
	KUNIT_CASE(hwq_pin_unmapped_is_enoent),
	KUNIT_CASE(hwq_pin_guest_addresses_span_areas),
	KUNIT_CASE(hwq_pin_huge_length_is_enoent),
	KUNIT_CASE(hwq_pin_spans_chunks),
	{}
};

static struct kunit_suite viommu_hw_queue_test_suite = {
	.name = "viommu-hw-queue",
	.test_cases = viommu_hw_queue_test_cases,
};

kunit_test_suites(&viommu_hw_queue_test_suite);
