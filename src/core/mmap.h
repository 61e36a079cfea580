/* SPDX-License-Identifier: GPL-2.0 */
/* mmap regions of a /dev/viommu context, for drivers' MMIO pages. */
#ifndef _VIOMMU_MMAP_H
#define _VIOMMU_MMAP_H

#include <linux/types.h>

#include "core.h"

/**
 * struct viommu_mmap - One region userspace may mmap() from a context
 * @owner: The object that registered it; each VMA pins it
 * @mmio_addr: Physical address of the region, page aligned
 * @length: Length in bytes, page aligned
 *
 * Stored in &viommu_ctx.mt_mmap at its offset (a byte offset, at least
 * PAGE_SIZE); mmap() takes it whole or not at all.
 */
struct viommu_mmap {
	struct viommu_object *owner;
	phys_addr_t mmio_addr;
	size_t length;
};

int viommu_mmap_get(struct viommu_ctx *ctx, unsigned long pgoff,
		    size_t length, struct viommu_mmap *region);
unsigned int viommu_mmap_free_all(struct viommu_ctx *ctx);

#endif /* _VIOMMU_MMAP_H */
