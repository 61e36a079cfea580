/* SPDX-License-Identifier: GPL-2.0 */
/* HW_QUEUE internals: the pin of the guest queue memory and its checks. */
#ifndef _VIOMMU_HW_QUEUE_H
#define _VIOMMU_HW_QUEUE_H

#include <linux/types.h>

#include "../shim/shim.h"
#include "core.h"

struct page;

/*
 * Pages pinned per iommufd_access_pin_pages() call: the page array is one
 * page whatever the queue length, so userspace cannot size our memory.
 */
#define VIOMMU_HW_QUEUE_PIN_CHUNK (PAGE_SIZE / sizeof(struct page *))

/**
 * struct viommu_hw_queue_pin - Guest queue memory pinned in the parent IOAS
 * @access: A stock access attached to the IOAS, holding the page pins
 * @hwpt: The nest-parent HWPT_PAGING whose IOAS holds the range; the guard
 *        is added only when it is set
 * @iova: First IOVA of the pinned range, page aligned
 * @length: Length of the pinned range, a whole number of pages
 * @guard: Makes IOAS_UNMAP of the range fail with EBUSY while pinned
 */
struct viommu_hw_queue_pin {
	struct iommufd_access *access;
	struct iommufd_object *hwpt;
	unsigned long iova;
	unsigned long length;
	struct viommu_shim_guard guard;
};

int viommu_hw_queue_check(const struct viommu_hw_queue_alloc *cmd);
size_t viommu_hw_queue_size(struct viommu *viommu, u32 type);
int viommu_hw_queue_span(u64 iova, u64 length, unsigned long *first,
			 unsigned long *span);
int viommu_pages_contiguous(struct page **pages, size_t npages);
int viommu_pages_continue(struct page **pages, size_t npages, bool first,
			  unsigned long *next_pfn);
int viommu_hw_queue_pin_pages(struct viommu_hw_queue_pin *pin,
			      struct iommufd_ctx *ictx, u32 ioas_id,
			      bool contiguous, phys_addr_t *pa);
void viommu_hw_queue_unpin_pages(struct viommu_hw_queue_pin *pin);
int viommu_hw_queue_depend_check(struct viommu_hw_queue *dependent,
				 struct viommu_hw_queue *depended);

#endif /* _VIOMMU_HW_QUEUE_H */
