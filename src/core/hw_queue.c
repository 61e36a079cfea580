// SPDX-License-Identifier: GPL-2.0
/*
 * HW_QUEUE: guest queue memory that the hardware reads directly. The core
 * pins the memory in the nest parent's IOAS through a stock access, keeps
 * the range from being unmapped, and hands the driver the queue, with its
 * physical address when the hardware reads it by PA.
 */
#include <linux/iommufd.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "hw_queue.h"

/**
 * viommu_hw_queue_check() - Check what needs no lookup in a HW_QUEUE_ALLOC
 * @cmd: The command
 *
 * Return: 0; -EOPNOTSUPP for flags or the DEFAULT type; -EINVAL for an
 * empty queue; -EOVERFLOW if the queue wraps the IOVA space.
 */
int viommu_hw_queue_check(const struct viommu_hw_queue_alloc *cmd)
{
	u64 last;

	if (cmd->flags || cmd->type == VIOMMU_HW_QUEUE_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->length)
		return -EINVAL;
	if (check_add_overflow(cmd->nesting_parent_iova, cmd->length - 1,
			       &last))
		return -EOVERFLOW;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hw_queue_check);

/**
 * viommu_hw_queue_size() - Size of a driver's HW_QUEUE struct
 * @viommu: The vIOMMU the queue is for
 * @type: The queue type userspace asked for
 *
 * Return: the size, or 0 when the driver cannot make a queue of @type:
 * no get_hw_queue_size op, no init op for the way its hardware reads the
 * queue, or the type is not supported.
 */
size_t viommu_hw_queue_size(struct viommu *viommu, u32 type)
{
	const struct viommu_ops *ops = viommu->ops;
	size_t size;

	if (!ops || !ops->get_hw_queue_size)
		return 0;
	if (ops->flags & VIOMMU_OPS_FLAG_HW_QUEUE_READS_PA ?
	    !ops->hw_queue_init_phys : !ops->hw_queue_init)
		return 0;

	size = ops->get_hw_queue_size(viommu, type);
	/* A driver struct smaller than the core one is a driver bug. */
	if (WARN_ON_ONCE(size && size < sizeof(struct viommu_hw_queue)))
		return 0;
	return size;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hw_queue_size);

/**
 * viommu_hw_queue_span() - The whole pages a queue lies in
 * @iova: First IOVA of the queue
 * @length: Length of the queue in bytes, not 0, not wrapping
 * @first: Set to the first IOVA of the first page
 * @span: Set to the length of the pages in bytes
 *
 * Return: 0, or -ERANGE if rounding up to whole pages overflows.
 */
int viommu_hw_queue_span(u64 iova, u64 length, unsigned long *first,
			 unsigned long *span)
{
	unsigned long offset = offset_in_page(iova);
	unsigned long end;

	if (check_add_overflow(offset, length, &end) ||
	    check_add_overflow(end, PAGE_SIZE - 1, &end))
		return -ERANGE;
	*first = iova - offset;
	*span = end & PAGE_MASK;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hw_queue_span);

/**
 * viommu_pages_contiguous() - Check that pages are physically contiguous
 * @pages: The pages, in IOVA order
 * @npages: Number of pages, at least 1
 *
 * Return: 0, or -EFAULT if a page does not follow the one before it.
 */
int viommu_pages_contiguous(struct page **pages, size_t npages)
{
	size_t i;

	for (i = 1; i < npages; i++)
		if (page_to_pfn(pages[i]) != page_to_pfn(pages[i - 1]) + 1)
			return -EFAULT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_pages_contiguous);

/**
 * viommu_pages_continue() - Check that pages continue a physical run
 * @pages: The next pages of the run, in IOVA order
 * @npages: Number of pages, at least 1
 * @first: @pages start the run
 * @next_pfn: In: unless @first, the pfn the run goes on with; out: the pfn
 *            after the last of @pages
 *
 * Return: 0, or -EFAULT if @pages are not contiguous or do not go on
 * where the run stopped; @next_pfn is then left alone.
 */
int viommu_pages_continue(struct page **pages, size_t npages, bool first,
			  unsigned long *next_pfn)
{
	if (!first && page_to_pfn(pages[0]) != *next_pfn)
		return -EFAULT;
	if (viommu_pages_contiguous(pages, npages))
		return -EFAULT;
	*next_pfn = page_to_pfn(pages[npages - 1]) + 1;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_pages_continue);

/*
 * The hardware may be reading the queue: the pages stay pinned. The shim
 * guard fails IOAS_UNMAP of the range with EBUSY before stock iommufd ever
 * asks its accesses to let go.
 */
static void viommu_hw_queue_access_unmap(void *data, unsigned long iova,
					 unsigned long length)
{
}

static const struct iommufd_access_ops viommu_hw_queue_access_ops = {
	.needs_pin_pages = 1,
	.unmap = viommu_hw_queue_access_unmap,
};

static unsigned long viommu_hw_queue_chunk(unsigned long length,
					   unsigned long done)
{
	return min(length - done, VIOMMU_HW_QUEUE_PIN_CHUNK << PAGE_SHIFT);
}

/* Unpin what was pinned from @iova, chunk by chunk as it was pinned. */
static void viommu_hw_queue_unpin_range(struct iommufd_access *access,
					unsigned long iova,
					unsigned long length)
{
	unsigned long done, chunk;

	for (done = 0; done < length; done += chunk) {
		chunk = viommu_hw_queue_chunk(length, done);
		/* iommufd only unpins a range exactly as it was pinned. */
		iommufd_access_unpin_pages(access, iova + done, chunk);
	}
}

/*
 * Pin @pin's range chunk by chunk; *@pinned says how far it got. With
 * @contiguous each chunk must also follow the previous one physically, so
 * a scattered range fails at its first break, not after pinning it all.
 */
static int viommu_hw_queue_pin_range(struct viommu_hw_queue_pin *pin,
				     struct iommufd_access *access,
				     struct page **pages, bool contiguous,
				     phys_addr_t *pa, unsigned long *pinned)
{
	unsigned long next_pfn = 0, chunk, npages;
	int rc;

	for (*pinned = 0; *pinned < pin->length; *pinned += chunk) {
		if (fatal_signal_pending(current))
			return -EINTR;
		chunk = viommu_hw_queue_chunk(pin->length, *pinned);
		npages = chunk >> PAGE_SHIFT;
		rc = iommufd_access_pin_pages(access, pin->iova + *pinned,
					      chunk, pages, 0);
		if (rc)
			return rc;
		if (contiguous) {
			rc = viommu_pages_continue(pages, npages, !*pinned,
						   &next_pfn);
			if (rc) {
				iommufd_access_unpin_pages(access,
							   pin->iova + *pinned,
							   chunk);
				return rc;
			}
			if (!*pinned)
				*pa = page_to_phys(pages[0]);
		}
		cond_resched();
	}
	return 0;
}

/**
 * viommu_hw_queue_pin_pages() - Pin a queue's pages in an IOAS
 * @pin: @pin->iova and @pin->length give the pages; with @pin->hwpt set,
 *       the range is also guarded against IOAS_UNMAP
 * @ictx: The stock iommufd context of the IOAS
 * @ioas_id: The IOAS that maps the range
 * @contiguous: The pages must be physically contiguous
 * @pa: With @contiguous, set to the physical address of the first page
 *
 * Pins in chunks of VIOMMU_HW_QUEUE_PIN_CHUNK pages through one page-sized
 * array, so the memory used does not grow with @pin->length: a range that
 * is not mapped fails at its first unmapped chunk, one that is not
 * contiguous at its first break. On success @pin->access holds the pins;
 * undo with viommu_hw_queue_unpin_pages().
 *
 * Contiguity is checked chunk by chunk, as each is pinned, so the first
 * error met wins: with @contiguous, a range whose mapped head is not
 * contiguous and whose tail is not mapped gives -EFAULT, where upstream
 * (pin all, then check) gives -ENOENT. A deliberate difference: memory
 * stays O(1) in a length that userspace chooses.
 *
 * Return: 0; -ENOENT (from iommufd) if part of the range is not mapped;
 * -EFAULT if @contiguous and the pages are not; -EINTR on a fatal signal;
 * -ENOMEM.
 */
int viommu_hw_queue_pin_pages(struct viommu_hw_queue_pin *pin,
			      struct iommufd_ctx *ictx, u32 ioas_id,
			      bool contiguous, phys_addr_t *pa)
{
	struct iommufd_access *access;
	unsigned long pinned = 0;
	phys_addr_t first_pa = 0;
	struct page **pages;
	u32 access_id;
	int rc;

	pages = kmalloc_array(VIOMMU_HW_QUEUE_PIN_CHUNK, sizeof(*pages),
			      GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;

	access = iommufd_access_create(ictx, &viommu_hw_queue_access_ops, pin,
				       &access_id);
	if (IS_ERR(access)) {
		rc = PTR_ERR(access);
		goto out_free;
	}
	/*
	 * 6.12 has no internal accesses: this one is a stock object with an
	 * id userspace can name. iommufd_access_create() counts its caller as
	 * a user until iommufd_access_destroy(), so IOMMU_DESTROY of that id
	 * is EBUSY from the start: no pin of our own is needed.
	 */

	rc = iommufd_access_attach(access, ioas_id);
	if (rc)
		goto out_destroy;

	/* Guard before pinning: an unmap must never meet unguarded pins. */
	if (pin->hwpt) {
		rc = viommu_shim_guard_add(&pin->guard, pin->hwpt, pin->iova,
					   pin->length);
		if (rc)
			goto out_detach;
	}

	rc = viommu_hw_queue_pin_range(pin, access, pages, contiguous,
				       &first_pa, &pinned);
	if (rc)
		goto out_unpin;

	if (contiguous)
		*pa = first_pa;
	kfree(pages);
	pin->access = access;
	return 0;

out_unpin:
	viommu_hw_queue_unpin_range(access, pin->iova, pinned);
	if (pin->hwpt)
		viommu_shim_guard_del(&pin->guard);
out_detach:
	iommufd_access_detach(access);
out_destroy:
	iommufd_access_destroy(access);
out_free:
	kfree(pages);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hw_queue_pin_pages);

/**
 * viommu_hw_queue_unpin_pages() - Undo viommu_hw_queue_pin_pages()
 * @pin: A pin that succeeded
 */
void viommu_hw_queue_unpin_pages(struct viommu_hw_queue_pin *pin)
{
	struct iommufd_access *access = pin->access;

	viommu_hw_queue_unpin_range(access, pin->iova, pin->length);
	/* Only unpinned pages may lose their guard, see above. */
	if (pin->hwpt)
		viommu_shim_guard_del(&pin->guard);
	iommufd_access_detach(access);
	iommufd_access_destroy(access);
	pin->access = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hw_queue_unpin_pages);

static int viommu_hw_queue_pin(struct viommu_hw_queue *hw_queue,
			       unsigned long first, unsigned long span,
			       bool contiguous, phys_addr_t *pa)
{
	struct viommu *viommu = hw_queue->viommu;
	struct viommu_hw_queue_pin *pin;
	int rc;

	pin = kzalloc(sizeof(*pin), GFP_KERNEL_ACCOUNT);
	if (!pin)
		return -ENOMEM;
	pin->hwpt = viommu->hwpt;
	pin->iova = first;
	pin->length = span;

	rc = viommu_hw_queue_pin_pages(pin, viommu->ictx,
				       viommu_shim_hwpt_ioas_id(pin->hwpt),
				       contiguous, pa);
	if (rc) {
		kfree(pin);
		return rc;
	}
	hw_queue->pin = pin;
	hw_queue->access = pin->access;
	return 0;
}

/**
 * viommu_hw_queue_destroy() - Release a HW_QUEUE
 * @obj: The HW_QUEUE's object head; also takes one that failed half way
 *
 * The driver lets go first, then the pages are unpinned and the vIOMMU is
 * released. The object table frees the memory.
 */
void viommu_hw_queue_destroy(struct viommu_object *obj)
{
	struct viommu_hw_queue *hw_queue =
		container_of(obj, struct viommu_hw_queue, obj);

	if (hw_queue->destroy)
		hw_queue->destroy(hw_queue);
	if (hw_queue->pin) {
		viommu_hw_queue_unpin_pages(hw_queue->pin);
		kfree(hw_queue->pin);
		hw_queue->pin = NULL;
		hw_queue->access = NULL;
	}
	if (hw_queue->viommu)
		refcount_dec(&hw_queue->viommu->obj.users);
}

/**
 * viommu_hw_queue_alloc_ioctl() - VIOMMU_HW_QUEUE_ALLOC
 * @ucmd: The call; @ucmd->cmd is a struct viommu_hw_queue_alloc
 *
 * Errors, in the order upstream checks them: EOPNOTSUPP (flags, DEFAULT
 * type), EINVAL (length 0), EOVERFLOW (range wraps), ENOENT (no such
 * vIOMMU), EOPNOTSUPP (the driver has no queues of this type), ERANGE
 * (page rounding overflows), then the pin's errors (ENOENT unmapped,
 * EFAULT not contiguous) and the driver's.
 *
 * Return: 0 or a negative errno.
 */
int viommu_hw_queue_alloc_ioctl(struct viommu_ucmd *ucmd)
{
	struct viommu_hw_queue_alloc *cmd = ucmd->cmd;
	struct viommu_ctx *ctx = ucmd->ctx;
	struct viommu_hw_queue *hw_queue;
	struct viommu_object *vobj, *obj;
	unsigned long first, span;
	struct viommu *viommu;
	phys_addr_t pa = 0;
	bool reads_pa;
	size_t size;
	int rc;

	rc = viommu_hw_queue_check(cmd);
	if (rc)
		return rc;

	vobj = viommu_get_object(ctx, cmd->viommu_id, VIOMMU_OBJ_VIOMMU);
	if (IS_ERR(vobj))
		return PTR_ERR(vobj);
	viommu = container_of(vobj, struct viommu, obj);

	size = viommu_hw_queue_size(viommu, cmd->type);
	if (!size) {
		rc = -EOPNOTSUPP;
		goto out_put;
	}
	rc = viommu_hw_queue_span(cmd->nesting_parent_iova, cmd->length,
				  &first, &span);
	if (rc)
		goto out_put;

	obj = _viommu_object_alloc(ctx, size, VIOMMU_OBJ_HW_QUEUE);
	if (IS_ERR(obj)) {
		rc = PTR_ERR(obj);
		goto out_put;
	}
	hw_queue = container_of(obj, struct viommu_hw_queue, obj);
	hw_queue->viommu = viommu;
	refcount_inc(&viommu->obj.users);
	hw_queue->base_addr = cmd->nesting_parent_iova;
	hw_queue->length = cmd->length;
	hw_queue->type = cmd->type;

	reads_pa = viommu->ops->flags & VIOMMU_OPS_FLAG_HW_QUEUE_READS_PA;
	rc = viommu_hw_queue_pin(hw_queue, first, span, reads_pa, &pa);
	if (rc)
		goto out_abort;

	if (reads_pa)
		rc = viommu->ops->hw_queue_init_phys(hw_queue, cmd->index,
						     pa + offset_in_page(cmd->nesting_parent_iova));
	else
		rc = viommu->ops->hw_queue_init(hw_queue, cmd->index);
	if (rc)
		goto out_abort;

	cmd->out_hw_queue_id = obj->id;
	rc = viommu_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;
	viommu_object_finalize(ctx, obj);
	viommu_put_object(ctx, vobj);
	return 0;

out_abort:
	viommu_object_abort_and_destroy(ctx, obj);
out_put:
	viommu_put_object(ctx, vobj);
	return rc;
}

/**
 * viommu_hw_queue_depend_check() - May one HW_QUEUE depend on another?
 * @dependent: The queue that needs @depended
 * @depended: The queue that must outlive @dependent
 *
 * Return: 0; -EINVAL for a queue depending on itself (it could never be
 * destroyed) or an object that is not a HW_QUEUE; -EXDEV for queues of
 * two vIOMMUs, which callers treat as a driver bug.
 */
int viommu_hw_queue_depend_check(struct viommu_hw_queue *dependent,
				 struct viommu_hw_queue *depended)
{
	if (dependent == depended)
		return -EINVAL;
	if (dependent->obj.type != VIOMMU_OBJ_HW_QUEUE ||
	    depended->obj.type != VIOMMU_OBJ_HW_QUEUE)
		return -EINVAL;
	if (dependent->viommu != depended->viommu)
		return -EXDEV;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hw_queue_depend_check);

/**
 * viommu_hw_queue_depend() - Make a HW_QUEUE depend on another
 * @dependent: The queue that needs @depended, typically the next index
 * @depended: The queue that must outlive @dependent
 *
 * Until viommu_hw_queue_undepend(), destroying @depended fails with EBUSY.
 * Call it from the init op and undo it in the queue's destroy op.
 *
 * @depended must be published: a driver may record a queue in its init op,
 * before the core publishes it, and that queue's ioctl may still fail (say
 * in its copy-out) and free it. Such a queue, or one being destroyed, is
 * not there yet (or anymore) for a dependent: -EIO, what Tegra241 CMDQV
 * answers when the previous queue is missing. Upstream 7.2 takes the
 * reference whatever the state.
 *
 * Return: 0; -EIO if @depended is not published or is being destroyed;
 * -EINVAL if @dependent is @depended, either is not a HW_QUEUE, or the
 * queues belong to different vIOMMUs (a driver bug; it also warns).
 */
int viommu_hw_queue_depend(struct viommu_hw_queue *dependent,
			   struct viommu_hw_queue *depended)
{
	int rc = viommu_hw_queue_depend_check(dependent, depended);

	/* Queues of two vIOMMUs can only come from a driver bug. */
	if (WARN_ON_ONCE(rc == -EXDEV))
		return -EINVAL;
	if (rc)
		return rc;
	if (!viommu_object_pin_published(depended->viommu->ctx,
					 &depended->obj))
		return -EIO;
	return 0;
}
EXPORT_SYMBOL_GPL(viommu_hw_queue_depend);

/**
 * viommu_hw_queue_undepend() - Undo viommu_hw_queue_depend()
 * @dependent: The queue passed to viommu_hw_queue_depend()
 * @depended: The queue it depended on
 */
void viommu_hw_queue_undepend(struct viommu_hw_queue *dependent,
			      struct viommu_hw_queue *depended)
{
	/* Nothing was taken for a pair that may not depend. */
	if (WARN_ON_ONCE(viommu_hw_queue_depend_check(dependent, depended)))
		return;
	refcount_dec(&depended->obj.users);
}
EXPORT_SYMBOL_GPL(viommu_hw_queue_undepend);
