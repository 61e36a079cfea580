// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle (a): the errnos a call may fail with. An ioctl never returns
 * EPERM (that is for open and capabilities) nor a positive value.
 */
#include <errno.h>

#include "fuzz.h"

/*
 * What upstream iommufd and our files return from any of their ioctls
 * (EADDRINUSE: an IOVA range a device reserves is mapped already).
 */
const int errnos_ioctl[] = {
	EADDRINUSE, EINVAL, EOPNOTSUPP, ENOENT, EBUSY, EFAULT, EOVERFLOW, ENOMEM, ENODEV,
	ENOSPC, EEXIST, EIO, ENOTTY, EBADF, EBADFD, EAGAIN, EINTR, E2BIG,
	ENXIO, ERANGE, 0,
};

/* Stock iommufd ioctls (not our code): also EPERM (read-only pages) */
const int errnos_stock[] = {
	EADDRINUSE, EINVAL, EOPNOTSUPP, ENOENT, EBUSY, EFAULT, EOVERFLOW, ENOMEM, ENODEV,
	ENOSPC, EEXIST, EIO, ENOTTY, EBADF, EBADFD, EAGAIN, EINTR, E2BIG,
	ENXIO, ERANGE, EPERM, 0,
};

/*
 * VFIO cdev ioctls of edu (vfio-pci), stock code. EADDRINUSE: an attach
 * onto an IOAS that maps edu's MSI window (a reserved region).
 */
const int errnos_vfio[] = {
	EADDRINUSE, EINVAL, EOPNOTSUPP, ENOENT, EBUSY, EFAULT, ENOMEM, ENODEV, ENOSPC,
	EEXIST, EIO, ENOTTY, EBADF, EBADFD, EAGAIN, EINTR, E2BIG, ENXIO,
	EOVERFLOW, ERANGE, EPERM, 0,
};

/*
 * read/poll/mmap/munmap/dup/close: what their man pages allow; ESPIPE:
 * a read at a position, or (stock fault fd) not in whole records.
 */
const int errnos_syscall[] = {
	ESPIPE, EINVAL, EFAULT, EAGAIN, EINTR, EBADF, ENOMEM, ENODEV, ENXIO, EPERM,
	EACCES, EOVERFLOW, EIO, EBUSY, ENOENT, EMFILE, 0,
};

int errno_allowed(const int *tab, int err)
{
	for (; *tab; tab++)
		if (*tab == err)
			return 1;
	return 0;
}
