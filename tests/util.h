/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the userspace tests, for both doors. */
#ifndef VIOMMU_TEST_UTIL_H
#define VIOMMU_TEST_UTIL_H

#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>
#include <linux/viommu.h>

#include "harness.h"
#include "vt_ioctl.h"

/*
 * VT_DOOR=stock runs a test through the stock-file door: the vIOMMU uAPI
 * on the /dev/iommu file itself, with no /dev/viommu file and no bind.
 * Unset (or "viommu") it runs through /dev/viommu, bound to /dev/iommu.
 */
static inline int vt_stock_door(void)
{
	const char *door = getenv("VT_DOOR");

	return door && !strcmp(door, "stock");
}

/* A test of /dev/viommu itself: nothing to run through the stock door. */
#define VT_REQUIRE_VIOMMU_DOOR(why)                                      \
	do {                                                             \
		if (vt_stock_door())                                     \
			SKIP("/dev/viommu only (" why ")");              \
	} while (0)

static inline int open_viommu(void)
{
	int fd;

	VT_REQUIRE_VIOMMU_DOOR("opens the /dev/viommu node");
	fd = open("/dev/viommu", O_RDWR | O_CLOEXEC);

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

/* The module's read-only shim_ready parameter: 'Y', 'N', or 0 if absent. */
static inline char viommu_shim_state(void)
{
	return viommu_param_state("shim_ready");
}

/*
 * VIOMMU_BIND_IOMMUFD with a plain, valid-sized struct. Everything after a
 * bind needs the stock iommufd shim: when it did not verify on this kernel
 * (the module says so in shim_ready), the test is skipped, never passed.
 */
static inline int bind_iommufd(int vfd, int iommufd)
{
	struct viommu_bind_iommufd bind = {
		.size = sizeof(bind),
		.iommufd_fd = (__u32)iommufd,
	};
	int rc = ioctl(vfd, VIOMMU_BIND_IOMMUFD, &bind);

	if (viommu_shim_state() == 'N')
		SKIP("the stock iommufd shim is off (see dmesg)");
	return rc;
}

/*
 * The file the vIOMMU uAPI goes through for @iommufd, in *@vfd: a
 * /dev/viommu bound to it, or with the stock door a second fd of that very
 * file (closing both fds, in either order, then closes it, as closing both
 * files does). Returns 0, or -1 with errno from the bind.
 */
static inline int vt_door_bind(int iommufd, int *vfd)
{
	if (!vt_stock_door()) {
		*vfd = open_viommu();
		return bind_iommufd(*vfd, iommufd);
	}
	if (viommu_shim_state() == 'N')
		SKIP("the stock iommufd shim is off (see dmesg)");
	/* A door that is not there fails the run, it is not skipped. */
	if (viommu_param_state("stock_door_ready") != 'Y')
		FAIL("the stock-file door is not on (stock_door_ready: %c)",
		     viommu_param_state("stock_door_ready") ?: '-');
	*vfd = fcntl(iommufd, F_DUPFD_CLOEXEC, 0);
	return *vfd < 0 ? -1 : 0;
}

/*
 * The module an open /dev/iommu file pins: iommufd.ko, or viommu.ko for a
 * door file (the door gives it viommu.ko's fops; viommu.ko pins
 * iommufd.ko). *@own: how many references to it an open /dev/viommu adds.
 */
static inline const char *iommu_file_module(int *own)
{
	int door = viommu_param_state("stock_door_ready") == 'Y';

	*own = door;
	return door ? "viommu" : "iommufd";
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

/*
 * A page that holds an ioctl struct in the middle of its copy-out: fill it,
 * then uffd_wp_arm() write-protects it through userfaultfd. The kernel
 * still reads the struct as usual, but its write back blocks until
 * uffd_wp_release().
 */
struct uffd_wp {
	int uffd;
	void *page;
};

static inline void uffd_wp_setup(struct uffd_wp *u)
{
	long size = sysconf(_SC_PAGESIZE);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.mode = UFFDIO_REGISTER_MODE_WP,
	};

	u->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	ASSERT_TRUE(u->uffd >= 0);
	ASSERT_OK(ioctl(u->uffd, UFFDIO_API, &api));
	u->page = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(u->page != MAP_FAILED);
	/* Present before protection: a write-protect marks existing PTEs. */
	memset(u->page, 0, size);
	reg.range.start = (uintptr_t)u->page;
	reg.range.len = size;
	ASSERT_OK(ioctl(u->uffd, UFFDIO_REGISTER, &reg));
}

static inline void uffd_wp_arm(struct uffd_wp *u)
{
	struct uffdio_writeprotect wp = {
		.range = {
			.start = (uintptr_t)u->page,
			.len = sysconf(_SC_PAGESIZE),
		},
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};

	ASSERT_OK(ioctl(u->uffd, UFFDIO_WRITEPROTECT, &wp));
}

/* 1 once a write to the page is blocked, 0 if none within @timeout_ms. */
static inline int uffd_wp_wait(struct uffd_wp *u, int timeout_ms)
{
	struct pollfd pfd = { .fd = u->uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	ASSERT_EQ(sizeof(msg), read(u->uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	ASSERT_TRUE(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP);
	return 1;
}

/* Lift the protection and wake the blocked writer. */
static inline void uffd_wp_release(struct uffd_wp *u)
{
	struct uffdio_writeprotect wp = {
		.range = {
			.start = (uintptr_t)u->page,
			.len = sysconf(_SC_PAGESIZE),
		},
	};

	ASSERT_OK(ioctl(u->uffd, UFFDIO_WRITEPROTECT, &wp));
}

/*
 * A call on its own thread, so that a test can stop waiting for it: a
 * timeout is there to report a hang as a failure, not as a speed target.
 */
struct vt_async {
	pthread_t thread;
	int pipe[2];
	long (*fn)(void *arg);
	void *arg;
	long rc;
	int err;
};

static inline void *vt_async_main(void *p)
{
	struct vt_async *a = p;

	errno = 0;
	a->rc = a->fn(a->arg);
	a->err = errno;
	if (write(a->pipe[1], "x", 1) != 1)
		_exit(3);
	return NULL;
}

static inline void vt_async_start(struct vt_async *a, long (*fn)(void *),
				  void *arg)
{
	a->fn = fn;
	a->arg = arg;
	ASSERT_OK(pipe(a->pipe));
	ASSERT_EQ(0, pthread_create(&a->thread, NULL, vt_async_main, a));
}

/* 1 if the call returned within @timeout_ms (then joined), else 0. */
static inline int vt_async_wait(struct vt_async *a, int timeout_ms)
{
	struct pollfd pfd = { .fd = a->pipe[0], .events = POLLIN };

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	ASSERT_EQ(0, pthread_join(a->thread, NULL));
	close(a->pipe[0]);
	close(a->pipe[1]);
	return 1;
}

#endif /* VIOMMU_TEST_UTIL_H */
