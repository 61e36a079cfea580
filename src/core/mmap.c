// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() on /dev/viommu: a driver registers a physical region (a Tegra
 * VINTF page, the selftest's pages) and gives userspace its offset; each
 * mapping of it pins the vIOMMU that registered it.
 */
#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "mmap.h"

/**
 * viommu_mmap_init() - Set up the mmap regions of a new context
 * @ctx: The context
 */
void viommu_mmap_init(struct viommu_ctx *ctx)
{
	mt_init_flags(&ctx->mt_mmap, MT_FLAGS_ALLOC_RANGE);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_mmap_init);

/**
 * viommu_alloc_mmap() - Let userspace mmap() a physical region
 * @viommu: The vIOMMU the region belongs to; its mappings pin it
 * @mmio_addr: Physical address of the region, page aligned
 * @length: Length of the region in bytes, page aligned
 * @offset: Set to the offset userspace passes to mmap() on /dev/viommu
 *
 * Call it from viommu_init (or later) and report @offset and @length to
 * userspace. The region lives until viommu_destroy_mmap(), which the
 * driver must call before its vIOMMU is freed, at the latest from its
 * destroy op. Offsets start at PAGE_SIZE: 0 never names a region.
 *
 * Context: Process context; takes the context's mmap lock.
 * Return: 0; -EINVAL if @mmio_addr or @length is not page aligned or
 * @length is 0; -ENOMEM; -EBUSY if the offset space is full.
 */
int viommu_alloc_mmap(struct viommu *viommu, phys_addr_t mmio_addr,
		      size_t length, unsigned long *offset)
{
	struct viommu_mmap *region;
	unsigned long start;
	int rc;

	if (!PAGE_ALIGNED(mmio_addr) || !length || !PAGE_ALIGNED(length))
		return -EINVAL;

	region = kzalloc(sizeof(*region), GFP_KERNEL_ACCOUNT);
	if (!region)
		return -ENOMEM;
	region->owner = &viommu->obj;
	region->mmio_addr = mmio_addr;
	region->length = length;

	rc = mtree_alloc_range(&viommu->ctx->mt_mmap, &start, region, length,
			       PAGE_SIZE, ULONG_MAX, GFP_KERNEL_ACCOUNT);
	if (rc) {
		kfree(region);
		return rc;
	}
	*offset = start;
	return 0;
}
EXPORT_SYMBOL_GPL(viommu_alloc_mmap);

/**
 * viommu_destroy_mmap() - Undo viommu_alloc_mmap()
 * @viommu: The vIOMMU that registered the region
 * @offset: The offset viommu_alloc_mmap() gave
 *
 * New mmap() calls fail with ENXIO from now on; mappings made before stay
 * and keep @viommu pinned until they go.
 *
 * Context: Process context; takes the context's mmap lock.
 */
void viommu_destroy_mmap(struct viommu *viommu, unsigned long offset)
{
	MA_STATE(mas, &viommu->ctx->mt_mmap, offset, offset);
	struct viommu_mmap *region;

	mtree_lock(mas.tree);
	region = mas_walk(&mas);
	if (WARN_ON_ONCE(!region || mas.index != offset ||
			 region->owner != &viommu->obj)) {
		mtree_unlock(mas.tree);
		return;
	}
	mas_erase(&mas);
	mtree_unlock(mas.tree);
	kfree(region);
}
EXPORT_SYMBOL_GPL(viommu_destroy_mmap);

/**
 * viommu_mmap_get() - Find the region an mmap() asks for and pin its owner
 * @ctx: The context
 * @pgoff: The mmap() offset in pages
 * @length: The mmap() length in bytes
 * @region: Set to a copy of the region
 *
 * Only a whole region maps: @pgoff must be its start and @length its
 * length. The lookup and the pin happen under the tree lock, so a racing
 * viommu_destroy_mmap() either comes first (ENXIO) or finds the owner
 * pinned. The caller drops the pin with refcount_dec(&owner->users).
 *
 * Return: 0, or -ENXIO if no region matches or its owner is going away.
 */
int viommu_mmap_get(struct viommu_ctx *ctx, unsigned long pgoff,
		    size_t length, struct viommu_mmap *region)
{
	MA_STATE(mas, &ctx->mt_mmap, 0, 0);
	struct viommu_mmap *found;
	unsigned long start;
	int rc = -ENXIO;

	if (pgoff > ULONG_MAX >> PAGE_SHIFT)
		return -ENXIO;
	start = pgoff << PAGE_SHIFT;
	mas_set(&mas, start);

	mtree_lock(&ctx->mt_mmap);
	found = mas_walk(&mas);
	if (found && mas.index == start && found->length == length &&
	    viommu_object_pin_published(ctx, found->owner)) {
		*region = *found;
		rc = 0;
	}
	mtree_unlock(&ctx->mt_mmap);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_mmap_get);

/* The VMA holds the owner, not the region, which may go before it. */
static void viommu_mmap_vm_open(struct vm_area_struct *vma)
{
	struct viommu_object *owner = vma->vm_private_data;

	refcount_inc(&owner->users);
}

static void viommu_mmap_vm_close(struct vm_area_struct *vma)
{
	struct viommu_object *owner = vma->vm_private_data;

	refcount_dec(&owner->users);
}

static const struct vm_operations_struct viommu_mmap_vm_ops = {
	.open = viommu_mmap_vm_open,
	.close = viommu_mmap_vm_close,
};

/**
 * viommu_mmap() - mmap() of a /dev/viommu file
 * @ctx: The context of the file
 * @vma: The new mapping
 *
 * Maps a region registered with viommu_alloc_mmap(), uncached. The
 * mapping pins the region's owner, so destroying it fails with EBUSY
 * until every mapping is gone.
 *
 * Return: 0; -EINVAL if the length is not page aligned or the mapping is
 * not shared; -EPERM if it is executable; -ENXIO if the offset and length
 * are not exactly those of a region; or an error of io_remap_pfn_range().
 */
int viommu_mmap(struct viommu_ctx *ctx, struct vm_area_struct *vma)
{
	size_t length = vma->vm_end - vma->vm_start;
	struct viommu_mmap region;
	int rc;

	if (!PAGE_ALIGNED(length))
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;

	rc = viommu_mmap_get(ctx, vma->vm_pgoff, length, &region);
	if (rc)
		return rc;

	vma->vm_pgoff = 0;
	vma->vm_private_data = region.owner;
	vma->vm_ops = &viommu_mmap_vm_ops;
	/* Device pages: never dumped, grown or made executable later. */
	vm_flags_mod(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP, VM_MAYEXEC);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);

	rc = io_remap_pfn_range(vma, vma->vm_start,
				PHYS_PFN(region.mmio_addr), length,
				vma->vm_page_prot);
	/* Not mapped: no vm_close will come for this pin. */
	if (rc)
		refcount_dec(&region.owner->users);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_mmap);

/**
 * viommu_mmap_free_all() - Free every region left in a context
 * @ctx: The context, with no mmap() running
 *
 * Return: how many regions were left.
 */
unsigned int viommu_mmap_free_all(struct viommu_ctx *ctx)
{
	struct viommu_mmap *region;
	unsigned long index = 0;
	unsigned int left = 0;

	mt_for_each(&ctx->mt_mmap, region, index, ULONG_MAX) {
		kfree(region);
		left++;
	}
	mtree_destroy(&ctx->mt_mmap);
	return left;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_mmap_free_all);

/**
 * viommu_mmap_destroy_all() - Release the mmap regions of a dying context
 * @ctx: The context, after all its objects are destroyed
 *
 * Owners remove their regions in their destroy ops, so none should be
 * left; any that is gets freed with a warning.
 */
void viommu_mmap_destroy_all(struct viommu_ctx *ctx)
{
	WARN_ON_ONCE(viommu_mmap_free_all(ctx));
}
