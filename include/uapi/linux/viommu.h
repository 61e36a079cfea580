/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/viommu: the iommufd vIOMMU object layer for kernels whose own
 * iommufd lacks it.
 *
 * The ioctls mirror include/uapi/linux/iommufd.h of current Linux: same
 * type, numbers and struct layouts, and the same extensible-struct rules.
 * Every struct starts with a __u32 size that userspace sets to the size it
 * knows. A size below the smallest valid one fails with EINVAL; bytes past
 * the struct the kernel knows must be zero, else E2BIG. An unknown command
 * fails with ENOTTY.
 *
 * A new file descriptor must first be bound to a stock iommufd with
 * VIOMMU_BIND_IOMMUFD; every other ioctl fails with EBADFD until then.
 */
#ifndef _UAPI_LINUX_VIOMMU_H
#define _UAPI_LINUX_VIOMMU_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Shared with iommufd so the upstream numbers can be used as they are. */
#define VIOMMU_TYPE (';')

enum {
	VIOMMU_CMD_BASE = 0x80,
	/* Commands only /dev/viommu has, far above upstream's range. */
	VIOMMU_CMD_BIND_IOMMUFD = 0xc0,
};

/**
 * struct viommu_bind_iommufd - ioctl(VIOMMU_BIND_IOMMUFD)
 * @size: sizeof(struct viommu_bind_iommufd)
 * @iommufd_fd: An open /dev/iommu file descriptor
 *
 * Bind this /dev/viommu file to a stock iommufd context. Object ids given
 * to later ioctls (dev_id, hwpt_id, ioas_id) are ids of that context. The
 * binding holds a reference on the iommufd context until this file is
 * closed, so @iommufd_fd may be closed right after.
 *
 * Errors: EBUSY if this file is already bound; EBADF if @iommufd_fd is not
 * an open file descriptor; EINVAL if it is not an iommufd.
 */
struct viommu_bind_iommufd {
	__u32 size;
	__u32 iommufd_fd;
};

#define VIOMMU_BIND_IOMMUFD _IO(VIOMMU_TYPE, VIOMMU_CMD_BIND_IOMMUFD)

#endif /* _UAPI_LINUX_VIOMMU_H */
