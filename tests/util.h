/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the /dev/viommu userspace tests. */
#ifndef VIOMMU_TEST_UTIL_H
#define VIOMMU_TEST_UTIL_H

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/viommu.h>

#include "harness.h"

static inline int open_viommu(void)
{
	int fd = open("/dev/viommu", O_RDWR | O_CLOEXEC);

	ASSERT_TRUE(fd >= 0);
	return fd;
}

static inline int open_iommufd(void)
{
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		SKIP("/dev/iommu is missing: stock iommufd not loaded");
	ASSERT_TRUE(fd >= 0);
	return fd;
}

/*
 * VIOMMU_BIND_IOMMUFD with a plain, valid-sized struct. A shim that did not
 * verify on this kernel answers a valid bind with EOPNOTSUPP: everything
 * after the bind needs it, so the test is skipped, never passed.
 */
static inline int bind_iommufd(int vfd, int iommufd)
{
	struct viommu_bind_iommufd bind = {
		.size = sizeof(bind),
		.iommufd_fd = (__u32)iommufd,
	};
	int rc = ioctl(vfd, VIOMMU_BIND_IOMMUFD, &bind);

	if (rc && errno == EOPNOTSUPP)
		SKIP("the stock iommufd shim is off (see dmesg)");
	return rc;
}

/* The module's reference count from sysfs, -1 when unreadable. */
static inline long module_refcnt(const char *module)
{
	char path[128];
	long val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", module);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &val) != 1)
		val = -1;
	fclose(f);
	return val;
}

/* Write @val to a sysfs or debugfs knob: 0, or -1 if that fails. */
static inline int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/*
 * Make the @n-th fault-injection site of this thread fail (0: none),
 * through a fail-nth fd opened beforehand: writing it allocates nothing.
 */
static inline void fail_nth_arm(int nthfd, int n)
{
	char val[16];
	int len = snprintf(val, sizeof(val), "%d", n);

	ASSERT_EQ(len, pwrite(nthfd, val, len, 0));
}

/* Non-zero while the armed failure has not happened yet. */
static inline long fail_nth_pending(int nthfd)
{
	char buf[32] = {};

	ASSERT_TRUE(pread(nthfd, buf, sizeof(buf) - 1, 0) > 0);
	return strtol(buf, NULL, 10);
}

/*
 * Two pages, the second PROT_NONE: data placed at the end of the first
 * one runs into a fault.
 */
static inline __u8 *guarded_page(void)
{
	long psz = sysconf(_SC_PAGESIZE);
	__u8 *p = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_OK(mprotect(p + psz, psz, PROT_NONE));
	return p;
}

#endif /* VIOMMU_TEST_UTIL_H */
