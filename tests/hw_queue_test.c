// SPDX-License-Identifier: GPL-2.0
/*
 * HW_QUEUEs on /dev/viommu, after upstream's iommufd_viommu.hw_queue: the
 * queue memory is pinned in the nest parent's IOAS (stock IOAS_UNMAP of it
 * is EBUSY), queues are made in index order and destroyed in reverse.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>

#include "fixture.h"

#define SELFTEST VIOMMU_HW_QUEUE_TYPE_SELFTEST

TEST(hw_queue)
{
	__u64 iova, iova2;
	struct vt_fixture f;
	__u32 q[2] = {};

	vt_setup(&f, VT_NESTED);
	ASSERT_ERRNO(EOPNOTSUPP, vt_hw_queue_alloc(f.vfd, f.viommu_id,
						   VIOMMU_HW_QUEUE_TYPE_DEFAULT,
						   0, MOCK_APERTURE_START, psz,
						   &q[0]));
	/* Address and length */
	ASSERT_ERRNO(EINVAL, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0, MOCK_APERTURE_START, 0,
					       &q[0]));
	ASSERT_ERRNO(EOVERFLOW, vt_hw_queue_alloc(f.vfd, f.viommu_id,
						  SELFTEST, 0, ~0ULL, psz,
						  &q[0]));
	/* Not mapped in the parent's IOAS */
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0, UNMAPPED_IOVA, psz, &q[0]));

	/* Two pages of the buffer's unmapped half, one area each */
	iova = 0;
	ASSERT_OK(ioas_map(f.iommufd, f.ioas_id,
			   f.buffer + MAPPED_PAGES * psz, psz, &iova, 0));
	iova2 = 0;
	ASSERT_OK(ioas_map(f.iommufd, f.ioas_id,
			   f.buffer + (MAPPED_PAGES + 1) * psz, psz, &iova2,
			   0));

	/* Index 0 first; the selftest has indexes below MAX only. */
	ASSERT_ERRNO(EIO, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 1,
					    iova, psz, &q[0]));
	ASSERT_ERRNO(EINVAL, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       VIOMMU_TEST_HW_QUEUE_MAX, iova,
					       psz, &q[0]));
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 0, iova,
				    psz, &q[0]));
	ASSERT_TRUE(is_viommu_id(q[0]));
	ASSERT_ERRNO(EEXIST, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0, iova, psz, &q[1]));

	/* The queue's page cannot be unmapped, its neighbour can. */
	ASSERT_ERRNO(EBUSY, ioas_unmap(f.iommufd, f.ioas_id, iova, psz));
	ASSERT_OK(ioas_unmap(f.iommufd, f.ioas_id, iova2, psz));

	/* Index 1, unaligned, within the same page */
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 1,
				    iova + psz / 2, psz / 2, &q[1]));
	/* Queue 1 depends on queue 0. */
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, q[0]));
	ASSERT_OK(vt_destroy(f.vfd, q[1]));
	ASSERT_ERRNO(EBUSY, ioas_unmap(f.iommufd, f.ioas_id, iova, psz));
	ASSERT_OK(vt_destroy(f.vfd, q[0]));
	/* Unpinned now */
	ASSERT_OK(ioas_unmap(f.iommufd, f.ioas_id, iova, psz));
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, q[0]));
	vt_teardown(&f);
}

TEST(hw_queue_errors)
{
	struct viommu_hw_queue_alloc cmd;
	struct vt_fixture f;
	__u32 q = 0;

	vt_setup(&f, VT_NESTED);
	cmd = (struct viommu_hw_queue_alloc){
		.size = sizeof(cmd),
		.flags = 1,
		.viommu_id = f.viommu_id,
		.type = SELFTEST,
		.nesting_parent_iova = MOCK_APERTURE_START,
		.length = psz,
	};
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(f.vfd, VIOMMU_HW_QUEUE_ALLOC, &cmd));
	ASSERT_ERRNO(EOPNOTSUPP, vt_hw_queue_alloc(f.vfd, f.viommu_id,
						   0xdead, 0,
						   MOCK_APERTURE_START, psz,
						   &q));
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, 0, SELFTEST, 0,
					       MOCK_APERTURE_START, psz, &q));
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, f.stdev_id, SELFTEST,
					       0, MOCK_APERTURE_START, psz,
					       &q));
	/* The last byte may be the last of the address space. */
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0, ~0ULL, 1, &q));
	/* Partly mapped: the fixture maps MAPPED_PAGES pages. */
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0,
					       MOCK_APERTURE_START +
					       (MAPPED_PAGES - 1) * psz,
					       2 * psz, &q));
	/* A pinned page inside a larger area blocks the whole area. */
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 0,
				    MOCK_APERTURE_START + psz, 8, &q));
	ASSERT_ERRNO(EBUSY, ioas_unmap(f.iommufd, f.ioas_id,
				       MOCK_APERTURE_START,
				       MAPPED_PAGES * psz));
	/* Failed unmaps left the area alone: the queue still works. */
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, f.viommu_id));
	ASSERT_OK(vt_destroy(f.vfd, q));
	ASSERT_OK(ioas_unmap(f.iommufd, f.ioas_id, MOCK_APERTURE_START,
			     MAPPED_PAGES * psz));
	vt_teardown(&f);
}

/*
 * 6.12 has no internal accesses: the access that pins a queue is a stock
 * IOMMUFD_OBJ_ACCESS with an id (upstream's has none). Userspace can name
 * it, but stock IOMMU_DESTROY of it is EBUSY while the queue lives.
 */
TEST(hw_queue_access_id)
{
	struct vt_fixture f;
	__u32 probe, q;

	vt_setup(&f, VT_NESTED);
	/* Stock ids are the lowest free: the access takes this one. */
	ASSERT_OK(ioas_alloc(f.iommufd, &probe));
	ASSERT_OK(stock_destroy(f.iommufd, probe));
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 0,
				    MOCK_APERTURE_START, psz, &q));
	ASSERT_ERRNO(EBUSY, stock_destroy(f.iommufd, probe));
	/* Still pinned and usable */
	ASSERT_ERRNO(EBUSY, ioas_unmap(f.iommufd, f.ioas_id,
				       MOCK_APERTURE_START, psz));
	ASSERT_OK(vt_destroy(f.vfd, q));
	/* It was the queue's: gone with it. */
	ASSERT_ERRNO(ENOENT, stock_destroy(f.iommufd, probe));
	vt_teardown(&f);
}

/*
 * A private anonymous page whose writes userfaultfd holds: an ioctl whose
 * argument struct lies there stops in its copy-out until released.
 */
struct wp_page {
	int uffd;
	void *page;
};

static void wp_page_range(struct wp_page *w, struct uffdio_range *range)
{
	range->start = (uintptr_t)w->page;
	range->len = psz;
}

static void wp_page_map(struct wp_page *w)
{
	w->page = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(w->page != MAP_FAILED);
	/* Present before it is protected */
	memset(w->page, 0, psz);
}

/* From now on a write to the page waits for wp_page_release(). */
static void wp_page_protect(struct wp_page *w)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
	struct uffdio_writeprotect wp = {
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};

	/* Not UFFD_USER_MODE_ONLY: the kernel's own copy must be held. */
	w->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	ASSERT_TRUE(w->uffd >= 0);
	ASSERT_OK(ioctl(w->uffd, UFFDIO_API, &api));
	if (!(api.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP))
		SKIP("userfaultfd without write-protect in this kernel");
	wp_page_range(w, &reg.range);
	ASSERT_OK(ioctl(w->uffd, UFFDIO_REGISTER, &reg));
	wp_page_range(w, &wp.range);
	ASSERT_OK(ioctl(w->uffd, UFFDIO_WRITEPROTECT, &wp));
}

/* Wait (10 s at most) until a write to the page is held. */
static void wp_page_wait_write(struct wp_page *w)
{
	struct pollfd pfd = { .fd = w->uffd, .events = POLLIN };
	struct uffd_msg msg;

	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	ASSERT_EQ(sizeof(msg), read(w->uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	ASSERT_TRUE(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP);
}

/* Let the held write through: it succeeds, or with @fail gets EFAULT. */
static void wp_page_release(struct wp_page *w, int fail)
{
	struct uffdio_writeprotect wp = {};
	struct uffdio_range range;

	if (!fail) {
		wp_page_range(w, &wp.range);
		ASSERT_OK(ioctl(w->uffd, UFFDIO_WRITEPROTECT, &wp));
		return;
	}
	/* The retried fault now finds a read-only mapping. */
	ASSERT_OK(mprotect(w->page, psz, PROT_READ));
	wp_page_range(w, &range);
	ASSERT_OK(ioctl(w->uffd, UFFDIO_WAKE, &range));
}

struct hwq_call {
	int vfd;
	struct viommu_hw_queue_alloc *cmd;
	int rc;
	int err;
};

static void *hwq_call_fn(void *arg)
{
	struct hwq_call *c = arg;

	c->rc = ioctl(c->vfd, VIOMMU_HW_QUEUE_ALLOC, c->cmd);
	c->err = errno;
	return NULL;
}

/*
 * Issue 7 item 1. The selftest driver records queue 0 in its init op,
 * before the core publishes it; hold queue 0's ioctl in its copy-out and
 * ask for queue 1, which would depend on it. Then let queue 0's copy-out
 * fail (@fail: its struct is in a read-only page) or succeed. Before the
 * fix queue 1 was made, the failed queue 0 freed under it, and destroying
 * queue 1 wrote to freed memory.
 */
static void hw_queue_depend_race(int fail)
{
	const __u64 iova0 = MOCK_APERTURE_START, iova1 = iova0 + psz;
	struct hwq_call a = {};
	struct vt_fixture f;
	struct wp_page w;
	__u32 q0 = 0, q1 = 0;
	int rc1, err1;
	pthread_t t;

	vt_setup(&f, VT_NESTED);
	wp_page_map(&w);
	a.vfd = f.vfd;
	a.cmd = w.page;
	*a.cmd = (struct viommu_hw_queue_alloc){
		.size = sizeof(*a.cmd),
		.viommu_id = f.viommu_id,
		.type = SELFTEST,
		.index = 0,
		.nesting_parent_iova = iova0,
		.length = psz,
	};
	wp_page_protect(&w);
	ASSERT_EQ(0, pthread_create(&t, NULL, hwq_call_fn, &a));
	wp_page_wait_write(&w);

	/* Queue 0 is in the driver's table but not published. */
	rc1 = vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 1, iova1, psz,
				&q1);
	err1 = errno;

	wp_page_release(&w, fail);
	ASSERT_EQ(0, pthread_join(t, NULL));
	if (!rc1)	/* Before the fix: this touches the freed queue 0. */
		ASSERT_OK(vt_destroy(f.vfd, q1));
	ASSERT_EQ(-1, rc1);
	ASSERT_EQ(EIO, err1);

	if (fail) {
		ASSERT_EQ(-1, a.rc);
		ASSERT_EQ(EFAULT, a.err);
		/* Nothing is left of queue 0: index 1 has no predecessor. */
		ASSERT_ERRNO(EIO, vt_hw_queue_alloc(f.vfd, f.viommu_id,
						    SELFTEST, 1, iova1, psz,
						    &q1));
		ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 0,
					    iova0, psz, &q0));
	} else {
		ASSERT_EQ(0, a.rc);
		q0 = a.cmd->out_hw_queue_id;
		ASSERT_TRUE(is_viommu_id(q0));
	}

	/* Queue 0 is published now: queue 1 may depend on it. */
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 1, iova1,
				    psz, &q1));
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, q0));
	ASSERT_OK(vt_destroy(f.vfd, q1));
	ASSERT_OK(vt_destroy(f.vfd, q0));
	ASSERT_OK(close(w.uffd));
	vt_teardown(&f);
}

TEST(hw_queue_depend_unpublished_efault)
{
	hw_queue_depend_race(1);
}

TEST(hw_queue_depend_unpublished_ok)
{
	hw_queue_depend_race(0);
}

/* VmallocUsed from /proc/meminfo, in kB */
static long vmalloc_used_kb(void)
{
	FILE *file = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	ASSERT_TRUE(file);
	while (fgets(line, sizeof(line), file))
		if (sscanf(line, "VmallocUsed: %ld kB", &kb) == 1)
			break;
	fclose(file);
	ASSERT_TRUE(kb >= 0);
	return kb;
}

#define HUGE_CALLERS 4
#define HUGE_CALLS 4
/* Was a 128 MiB zeroed page array per call with 4 KiB pages */
#define HUGE_LENGTH (64ULL << 30)

struct huge_caller {
	int vfd;
	__u32 viommu_id;
	int bad;
	int *done;
};

static void *huge_caller_fn(void *arg)
{
	struct huge_caller *c = arg;
	__u32 q;
	int i;

	for (i = 0; i < HUGE_CALLS; i++)
		if (vt_hw_queue_alloc(c->vfd, c->viommu_id, SELFTEST, 0,
				      MOCK_APERTURE_START, HUGE_LENGTH, &q) !=
			    -1 ||
		    errno != ENOENT)
			c->bad = errno ? errno : -1;
	__atomic_add_fetch(c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Issue 7 item 6: a huge length is answered from the IOAS (iommufd's
 * ENOENT, as upstream), without an allocation the size of the length.
 * Before, 1 TiB asked for a 2 GiB page array (ENOMEM on this VM) and
 * every call zeroed a vmalloc area proportional to its length: parallel
 * callers show it in VmallocUsed.
 */
TEST(hw_queue_huge_length)
{
	struct huge_caller callers[HUGE_CALLERS];
	pthread_t threads[HUGE_CALLERS];
	int done = 0;
	long base, peak;
	struct vt_fixture f;
	__u32 q;
	int i;

	vt_setup(&f, VT_NESTED);
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0, MOCK_APERTURE_START,
					       1ULL << 40, &q));
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0, UNMAPPED_IOVA, 1ULL << 40,
					       &q));
	/* One byte past what the fixture maps */
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0, MOCK_APERTURE_START,
					       MAPPED_PAGES * psz + 1, &q));

	base = vmalloc_used_kb();
	peak = base;
	for (i = 0; i < HUGE_CALLERS; i++) {
		callers[i] = (struct huge_caller){
			.vfd = f.vfd,
			.viommu_id = f.viommu_id,
			.done = &done,
		};
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, huge_caller_fn,
					    &callers[i]));
	}
	while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) < HUGE_CALLERS) {
		long now = vmalloc_used_kb();

		if (now > peak)
			peak = now;
		usleep(500);
	}
	for (i = 0; i < HUGE_CALLERS; i++) {
		ASSERT_EQ(0, pthread_join(threads[i], NULL));
		ASSERT_EQ(0, callers[i].bad);
	}
	/* Other tenants of vmalloc may move it a little; 16 MiB is not that. */
	if (peak - base > 16 * 1024)
		FAIL("VmallocUsed rose by %ld kB during huge-length calls",
		     peak - base);

	/* The queue still works at its real length. */
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 0,
				    MOCK_APERTURE_START, psz, &q));
	ASSERT_OK(vt_destroy(f.vfd, q));
	vt_teardown(&f);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
