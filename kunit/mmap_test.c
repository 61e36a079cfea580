// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for mmap on /dev/viommu: where regions land, what mmap()
 * may take of them, that a mapping pins the owner for exactly as long as
 * it lives, and a real mapping reads the registered pages.
 */
#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/uaccess.h>

#include "test_util.h"
#include "mmap.h"

/* Never mapped by the tests that use it; only its alignment matters. */
#define MMAP_TEST_PHYS 0x40000000UL

static void mmap_test_ctx_free(void *data)
{
	struct viommu_ctx *ctx = data;

	viommu_mmap_free_all(ctx);
	xa_destroy(&ctx->objects);
}

/* Just what mmap.c uses of a context: the region tree and the id table. */
static struct viommu_ctx *mmap_test_ctx(struct kunit *test)
{
	struct viommu_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	viommu_mmap_init(ctx);
	xa_init(&ctx->objects);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mmap_test_ctx_free,
						  ctx));
	return ctx;
}

/* A vIOMMU published at @id, with the table's reference only. */
static struct viommu *mmap_test_viommu(struct kunit *test,
				       struct viommu_ctx *ctx, u32 id)
{
	struct viommu *viommu = kunit_kzalloc(test, sizeof(*viommu),
					      GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, viommu);
	viommu->ctx = ctx;
	viommu->obj.type = VIOMMU_OBJ_VIOMMU;
	viommu->obj.id = id;
	refcount_set(&viommu->obj.users, 1);
	KUNIT_ASSERT_EQ(test, 0, xa_err(xa_store(&ctx->objects, id,
						 &viommu->obj, GFP_KERNEL)));
	return viommu;
}

static unsigned long mmap_test_alloc(struct kunit *test, struct viommu *viommu,
				     phys_addr_t phys, size_t length)
{
	unsigned long offset = 0;

	KUNIT_ASSERT_EQ(test, 0,
			viommu_alloc_mmap(viommu, phys, length, &offset));
	return offset;
}

static bool mmap_test_overlap(unsigned long a, size_t alen, unsigned long b,
			      size_t blen)
{
	return a < b + blen && b < a + alen;
}

static void mmap_alloc_from_page_size_without_overlap(struct kunit *test)
{
	struct viommu_ctx *ctx = mmap_test_ctx(test);
	struct viommu *viommu = mmap_test_viommu(test, ctx, VIOMMU_ID_MIN);
	static const size_t len[] = { 2 * PAGE_SIZE, PAGE_SIZE, 3 * PAGE_SIZE };
	unsigned long off[ARRAY_SIZE(len)];
	int i, j;

	for (i = 0; i < ARRAY_SIZE(len); i++)
		off[i] = mmap_test_alloc(test, viommu,
					 MMAP_TEST_PHYS + i * SZ_1M, len[i]);

	/* The first region takes the lowest offset there is: PAGE_SIZE. */
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, off[0]);
	for (i = 0; i < ARRAY_SIZE(len); i++) {
		KUNIT_EXPECT_GE(test, off[i], PAGE_SIZE);
		KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(off[i]));
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_FALSE(test,
					   mmap_test_overlap(off[i], len[i],
							     off[j], len[j]));
	}
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(len), viommu_mmap_free_all(ctx));
}

static void mmap_alloc_unaligned_is_einval(struct kunit *test)
{
	struct viommu_ctx *ctx = mmap_test_ctx(test);
	struct viommu *viommu = mmap_test_viommu(test, ctx, VIOMMU_ID_MIN);
	unsigned long offset = 1;

	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_alloc_mmap(viommu, MMAP_TEST_PHYS + 1, PAGE_SIZE,
					  &offset));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_alloc_mmap(viommu, MMAP_TEST_PHYS, PAGE_SIZE / 2,
					  &offset));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_alloc_mmap(viommu, MMAP_TEST_PHYS, PAGE_SIZE + 1,
					  &offset));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_alloc_mmap(viommu, MMAP_TEST_PHYS, 0, &offset));
	KUNIT_EXPECT_EQ(test, 1, offset);
	KUNIT_EXPECT_EQ(test, 0, viommu_mmap_free_all(ctx));
}

/* viommu_mmap_get(), dropping the pin it takes on success. */
static int mmap_test_get(struct viommu_ctx *ctx, unsigned long offset,
			 size_t length, struct viommu_mmap *region)
{
	int rc = viommu_mmap_get(ctx, offset >> PAGE_SHIFT, length, region);

	if (!rc)
		refcount_dec(&region->owner->users);
	return rc;
}

static void mmap_get_takes_whole_regions_only(struct kunit *test)
{
	struct viommu_ctx *ctx = mmap_test_ctx(test);
	struct viommu *viommu = mmap_test_viommu(test, ctx, VIOMMU_ID_MIN);
	size_t len = 2 * PAGE_SIZE;
	unsigned long off = mmap_test_alloc(test, viommu, MMAP_TEST_PHYS, len);
	struct viommu_mmap region = {};

	KUNIT_ASSERT_EQ(test, 0, viommu_mmap_get(ctx, off >> PAGE_SHIFT, len,
						 &region));
	KUNIT_EXPECT_PTR_EQ(test, &viommu->obj, region.owner);
	KUNIT_EXPECT_EQ(test, MMAP_TEST_PHYS, region.mmio_addr);
	KUNIT_EXPECT_EQ(test, len, region.length);
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&viommu->obj.users));
	refcount_dec(&viommu->obj.users);

	/* What upstream's viommu_alloc_with_data test tries, and more. */
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_get(ctx, off + PAGE_SIZE,
						    len, &region));
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_get(ctx, off + PAGE_SIZE,
						    PAGE_SIZE, &region));
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_get(ctx, off + 2 * PAGE_SIZE,
						    len, &region));
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_get(ctx, off, len / 2,
						    &region));
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_get(ctx, off, len * 2,
						    &region));
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_get(ctx, 0, PAGE_SIZE,
						    &region));
	KUNIT_EXPECT_EQ(test, -ENXIO, viommu_mmap_get(ctx, ULONG_MAX, len,
						      &region));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&viommu->obj.users));
}

static void mmap_get_needs_a_published_live_owner(struct kunit *test)
{
	struct viommu_ctx *ctx = mmap_test_ctx(test);
	struct viommu *viommu = mmap_test_viommu(test, ctx, VIOMMU_ID_MIN);
	struct viommu *other = mmap_test_viommu(test, ctx, VIOMMU_ID_MIN + 1);
	unsigned long off = mmap_test_alloc(test, viommu, MMAP_TEST_PHYS,
					    PAGE_SIZE);
	struct viommu_mmap region;

	KUNIT_ASSERT_EQ(test, 0, mmap_test_get(ctx, off, PAGE_SIZE, &region));

	/* Being destroyed: removal left users at 0. */
	refcount_set(&viommu->obj.users, 0);
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_get(ctx, off, PAGE_SIZE,
						    &region));
	KUNIT_EXPECT_EQ(test, 0, refcount_read(&viommu->obj.users));
	refcount_set(&viommu->obj.users, 1);

	/* Not published (still being set up, or already removed). */
	xa_erase(&ctx->objects, viommu->obj.id);
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_get(ctx, off, PAGE_SIZE,
						    &region));
	/* Its id now names another object. */
	xa_store(&ctx->objects, viommu->obj.id, &other->obj, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_get(ctx, off, PAGE_SIZE,
						    &region));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&viommu->obj.users));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&other->obj.users));
}

static void mmap_destroy_removes_the_region(struct kunit *test)
{
	struct viommu_ctx *ctx = mmap_test_ctx(test);
	struct viommu *viommu = mmap_test_viommu(test, ctx, VIOMMU_ID_MIN);
	unsigned long a = mmap_test_alloc(test, viommu, MMAP_TEST_PHYS,
					  2 * PAGE_SIZE);
	unsigned long b = mmap_test_alloc(test, viommu, MMAP_TEST_PHYS,
					  PAGE_SIZE);
	struct viommu_mmap region;

	viommu_destroy_mmap(viommu, a);
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_get(ctx, a, 2 * PAGE_SIZE,
						    &region));
	KUNIT_EXPECT_EQ(test, 0, mmap_test_get(ctx, b, PAGE_SIZE, &region));

	/* The offset is free again. */
	KUNIT_EXPECT_EQ(test, a, mmap_test_alloc(test, viommu,
						 MMAP_TEST_PHYS + SZ_1M,
						 PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0, mmap_test_get(ctx, a, PAGE_SIZE, &region));
	KUNIT_EXPECT_EQ(test, MMAP_TEST_PHYS + SZ_1M, region.mmio_addr);

	viommu_destroy_mmap(viommu, a);
	viommu_destroy_mmap(viommu, b);
	KUNIT_EXPECT_EQ(test, 0, viommu_mmap_free_all(ctx));
}

/* A VMA as mmap() hands it over, never inserted anywhere. */
static struct vm_area_struct *mmap_test_vma(struct kunit *test,
					    unsigned long offset, size_t length,
					    vm_flags_t flags)
{
	struct vm_area_struct *vma = kunit_kzalloc(test, sizeof(*vma),
						   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vma);
	vma->vm_start = 0x10000000;
	vma->vm_end = vma->vm_start + length;
	vma->vm_pgoff = offset >> PAGE_SHIFT;
	vm_flags_init(vma, flags);
	return vma;
}

static void mmap_vma_rules_in_upstream_order(struct kunit *test)
{
	struct viommu_ctx *ctx = mmap_test_ctx(test);
	struct viommu *viommu = mmap_test_viommu(test, ctx, VIOMMU_ID_MIN);
	unsigned long off = mmap_test_alloc(test, viommu, MMAP_TEST_PHYS,
					    PAGE_SIZE);
	vm_flags_t shared = VM_READ | VM_WRITE | VM_SHARED | VM_MAYSHARE;

	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_mmap(ctx, mmap_test_vma(test, off, PAGE_SIZE + 8,
						       shared | VM_EXEC)));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_mmap(ctx, mmap_test_vma(test, off, PAGE_SIZE,
						       VM_READ | VM_EXEC)));
	KUNIT_EXPECT_EQ(test, -EPERM,
			viommu_mmap(ctx, mmap_test_vma(test, off + PAGE_SIZE,
						       PAGE_SIZE,
						       shared | VM_EXEC)));
	KUNIT_EXPECT_EQ(test, -ENXIO,
			viommu_mmap(ctx, mmap_test_vma(test, off + PAGE_SIZE,
						       PAGE_SIZE, shared)));
	KUNIT_EXPECT_EQ(test, -ENXIO,
			viommu_mmap(ctx, mmap_test_vma(test, off,
						       2 * PAGE_SIZE, shared)));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&viommu->obj.users));
}

/* A file whose mmap() is viommu_mmap() on the test's context. */
static int mmap_test_fop_mmap(struct file *file, struct vm_area_struct *vma)
{
	return viommu_mmap(file->private_data, vma);
}

static const struct file_operations mmap_test_fops = {
	.owner = THIS_MODULE,
	.mmap = mmap_test_fop_mmap,
};

static long mmap_test_map(struct kunit *test, struct file *file,
			  unsigned long offset, size_t length,
			  unsigned long flags)
{
	unsigned long addr = kunit_vm_mmap(test, file, 0, length,
					   PROT_READ | PROT_WRITE, flags,
					   offset);

	if (!addr)
		return -ENOMEM;
	return IS_ERR_VALUE(addr) ? (long)addr : 0;
}

static void mmap_real_mapping_pins_its_owner(struct kunit *test)
{
	struct viommu_ctx *ctx = mmap_test_ctx(test);
	struct viommu *viommu = mmap_test_viommu(test, ctx, VIOMMU_ID_MIN);
	struct page *pages = viommu_test_pages(test, 1);
	struct file *file;
	unsigned long off, uaddr;
	u32 first = 0, second = 0;

	/* Gives the test thread an mm, and its cleanup, before we map. */
	viommu_test_user_page(test);
	*(u32 *)page_address(pages) = 0xbeef;
	*(u32 *)page_address(pages + 1) = 0xcafe;
	off = mmap_test_alloc(test, viommu, page_to_phys(pages),
			      2 * PAGE_SIZE);

	file = anon_inode_getfile("[viommu-mmap-test]", &mmap_test_fops, ctx,
				  O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, viommu_test_fput,
						  file));

	/* Through the real mmap path first: the errors reach userspace. */
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_map(test, file,
						    off + PAGE_SIZE,
						    2 * PAGE_SIZE, MAP_SHARED));
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_map(test, file, off,
						    PAGE_SIZE, MAP_SHARED));
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_map(test, file, off,
						    4 * PAGE_SIZE, MAP_SHARED));
	KUNIT_EXPECT_EQ(test, -EINVAL, mmap_test_map(test, file, off,
						     2 * PAGE_SIZE,
						     MAP_PRIVATE));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&viommu->obj.users));

	uaddr = kunit_vm_mmap(test, file, 0, 2 * PAGE_SIZE,
			      PROT_READ | PROT_WRITE, MAP_SHARED, off);
	KUNIT_ASSERT_NE(test, 0, uaddr);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(uaddr));

	/* From here on no assertion: the mapping must go before the test. */
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&viommu->obj.users));
	KUNIT_EXPECT_EQ(test, 0, get_user(first, (u32 __user *)uaddr));
	KUNIT_EXPECT_EQ(test, 0, get_user(second, (u32 __user *)(uaddr +
								  PAGE_SIZE)));
	KUNIT_EXPECT_EQ(test, 0xbeef, first);
	KUNIT_EXPECT_EQ(test, 0xcafe, second);

	/* Splitting the VMA opens one more; each one holds its own pin. */
	KUNIT_EXPECT_EQ(test, 0, vm_munmap(uaddr + PAGE_SIZE, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&viommu->obj.users));
	KUNIT_EXPECT_EQ(test, 0, vm_munmap(uaddr, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&viommu->obj.users));

	viommu_destroy_mmap(viommu, off);
}

static void mmap_free_all_frees_leftovers(struct kunit *test)
{
	struct viommu_ctx *ctx = mmap_test_ctx(test);
	struct viommu *viommu = mmap_test_viommu(test, ctx, VIOMMU_ID_MIN);
	struct viommu_mmap region;
	unsigned long off;

	mmap_test_alloc(test, viommu, MMAP_TEST_PHYS, PAGE_SIZE);
	mmap_test_alloc(test, viommu, MMAP_TEST_PHYS, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, 2, viommu_mmap_free_all(ctx));
	KUNIT_EXPECT_EQ(test, -ENXIO, mmap_test_get(ctx, PAGE_SIZE, PAGE_SIZE,
						    &region));

	/* The tree is empty and usable again. */
	off = mmap_test_alloc(test, viommu, MMAP_TEST_PHYS, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, off);
}

static struct kunit_case viommu_mmap_test_cases[] = {
	KUNIT_CASE(mmap_alloc_from_page_size_without_overlap),
	KUNIT_CASE(mmap_alloc_unaligned_is_einval),
	KUNIT_CASE(mmap_get_takes_whole_regions_only),
	KUNIT_CASE(mmap_get_needs_a_published_live_owner),
	KUNIT_CASE(mmap_destroy_removes_the_region),
	KUNIT_CASE(mmap_vma_rules_in_upstream_order),
	KUNIT_CASE(mmap_real_mapping_pins_its_owner),
	KUNIT_CASE(mmap_free_all_frees_leftovers),
	{}
};

static struct kunit_suite viommu_mmap_test_suite = {
	.name = "viommu-mmap",
	.test_cases = viommu_mmap_test_cases,
};

kunit_test_suites(&viommu_mmap_test_suite);
