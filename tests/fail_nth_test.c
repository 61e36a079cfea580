// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures on every /dev/viommu object path, after upstream's
 * iommufd_fail_nth.c: for n = 1, 2, ... make the n-th failslab or
 * fail_page_alloc site of one ioctl fail, until the ioctl runs through
 * without reaching the n-th site. Each failed call must end in a clean
 * errno, leave no fd behind, and leave nothing that stops the same call
 * from then succeeding; every iteration tears down with the buffer's pins
 * and the module references back at zero. The VM's kmemleak scan at the
 * end finds what leaked.
 */
#include <dirent.h>
#include <sys/syscall.h>

#include "fixture.h"

#define FAILSLAB "/sys/kernel/debug/failslab/"
#define FAIL_PAGE_ALLOC "/sys/kernel/debug/fail_page_alloc/"
#define MAX_NTH 1000

/* This thread's fail-nth, opened once: using it allocates nothing. */
static int nth_fd = -1;

static void nth_open(void)
{
	char path[64];

	/* Any allocation may fail, quietly: we are after splats, not logs. */
	if (write_file(FAILSLAB "ignore-gfp-wait", "N") ||
	    write_file(FAILSLAB "verbose", "0") ||
	    write_file(FAIL_PAGE_ALLOC "ignore-gfp-wait", "N") ||
	    write_file(FAIL_PAGE_ALLOC "ignore-gfp-highmem", "N") ||
	    write_file(FAIL_PAGE_ALLOC "verbose", "0"))
		SKIP("failslab or fail_page_alloc knobs unavailable");
	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	nth_fd = open(path, O_RDWR | O_CLOEXEC);
	if (nth_fd < 0)
		SKIP("%s unavailable", path);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ASSERT_TRUE(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/**
 * struct nth_path - One ioctl swept with fail-nth
 * @name: Shown in the summary line
 * @level: How far the fixture is set up first
 * @prepare: Optional, more set-up, not under fault injection
 * @call: Only the ioctl under test; returns what it returned
 * @after: Uses and destroys what a successful @call made
 * @errnos: Allowed errnos besides ENOMEM, 0-terminated
 */
struct nth_path {
	const char *name;
	enum vt_level level;
	void (*prepare)(struct vt_fixture *f);
	int (*call)(struct vt_fixture *f);
	void (*after)(struct vt_fixture *f);
	int errnos[4];
};

/* What @call made, for @after */
static struct {
	__u32 id;
	int qfd;
	__u32 num;
	struct viommu_viommu_selftest data;
	struct viommu_test_hw_info info;
	struct viommu_viommu_invalidate_selftest inv[2];
} st;

static void check_errno(const struct nth_path *p, int n, int err)
{
	unsigned int i;

	if (err == ENOMEM)
		return;
	for (i = 0; i < ARRAY_SIZE(p->errnos) && p->errnos[i]; i++)
		if (err == p->errnos[i])
			return;
	FAIL("%s: fault %d gave errno %d (%s)", p->name, n, err,
	     strerror(err));
}

static void run_fail_nth(const struct nth_path *p)
{
	int n, injected = 0, failed = 0;

	nth_open();
	for (n = 1; n < MAX_NTH; n++) {
		struct vt_fixture f;
		int rc, err, fds;
		long pending;

		vt_setup(&f, p->level);
		if (p->prepare)
			p->prepare(&f);
		fds = count_fds();
		/* Touch what @call writes, so no page fault allocates. */
		memset(&st, 0, sizeof(st));

		fail_nth_arm(nth_fd, n);
		rc = p->call(&f);
		err = errno;
		pending = fail_nth_pending(nth_fd);
		fail_nth_arm(nth_fd, 0);

		if (pending) {
			/* The call has fewer than n sites: it ran clean. */
			if (rc)
				FAIL("%s: failed without a fault: errno %d",
				     p->name, err);
			p->after(&f);
			vt_teardown(&f);
			break;
		}
		injected++;
		if (rc) {
			failed++;
			check_errno(p, n, err);
			ASSERT_EQ(fds, count_fds());
			/* Nothing half-made stands in the way of a retry. */
			memset(&st, 0, sizeof(st));
			ASSERT_OK(p->call(&f));
		}
		p->after(&f);
		vt_teardown(&f);
	}
	ASSERT_TRUE(n < MAX_NTH);
	ASSERT_TRUE(failed > 0);
	printf("#   %s: %d faults injected, %d calls failed cleanly\n",
	       p->name, injected, failed);
}

/* MOCK_DOMAIN */

static int call_mock_domain(struct vt_fixture *f)
{
	return vt_mock_domain(f->vfd, f->ioas_id, &f->stdev_id,
			      &f->mock_hwpt_id, &f->device_id);
}

static void after_mock_domain(struct vt_fixture *f)
{
	__u64 iova = MOCK_APERTURE_START;

	ASSERT_OK(ioas_map(f->iommufd, f->ioas_id, f->buffer,
			   MAPPED_PAGES * psz, &iova, 1));
	ASSERT_OK(vt_check_refs(f->vfd, f->buffer, MAPPED_PAGES * psz, 1));
	ASSERT_OK(vt_destroy(f->vfd, f->stdev_id));
	ASSERT_OK(ioas_unmap(f->iommufd, f->ioas_id, MOCK_APERTURE_START,
			     MAPPED_PAGES * psz));
	ASSERT_OK(stock_destroy(f->iommufd, f->ioas_id));
}

/*
 * A failure inside the iommu core's probe of the new mock device leaves it
 * without a group; binding it then fails as iommufd_device_bind() does.
 * This path is mostly stock iommufd, iommu core and mm code (bind, auto
 * domain, attach, pinning): seen once, a fault there came back as EINVAL.
 * Clean either way; what this sweep proves is no leak and no splat.
 */
TEST(fail_nth_mock_domain)
{
	static const struct nth_path p = {
		"MOCK_DOMAIN", VT_IOAS, NULL, call_mock_domain,
		after_mock_domain, { ENODEV, EINVAL },
	};

	run_fail_nth(&p);
}

/* VIOMMU_ALLOC, without and with driver data */

static int call_viommu_alloc(struct vt_fixture *f)
{
	return vt_viommu_alloc(f->vfd, f->device_id, f->hwpt_id,
			       VIOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &st.id);
}

static void after_viommu_alloc(struct vt_fixture *f)
{
	ASSERT_ERRNO(EBUSY, stock_destroy(f->iommufd, f->hwpt_id));
	ASSERT_OK(vt_destroy(f->vfd, st.id));
	ASSERT_OK(stock_destroy(f->iommufd, f->hwpt_id));
}

TEST(fail_nth_viommu_alloc)
{
	static const struct nth_path p = {
		"VIOMMU_ALLOC", VT_PARENT, NULL, call_viommu_alloc,
		after_viommu_alloc, {},
	};

	run_fail_nth(&p);
}

static int call_viommu_alloc_data(struct vt_fixture *f)
{
	st.data.in_data = 0xbeef;
	return vt_viommu_alloc(f->vfd, f->device_id, f->hwpt_id,
			       VIOMMU_VIOMMU_TYPE_SELFTEST, &st.data,
			       sizeof(st.data), &st.id);
}

static void after_viommu_alloc_data(struct vt_fixture *f)
{
	__u32 *page;

	ASSERT_EQ(0xbeef, st.data.out_data);
	page = mmap(NULL, st.data.out_mmap_length, PROT_READ | PROT_WRITE,
		    MAP_SHARED, f->vfd, st.data.out_mmap_offset);
	ASSERT_TRUE(page != MAP_FAILED);
	ASSERT_EQ(0xbeef, *page);
	ASSERT_OK(munmap(page, st.data.out_mmap_length));
	after_viommu_alloc(f);
}

TEST(fail_nth_viommu_alloc_data)
{
	static const struct nth_path p = {
		"VIOMMU_ALLOC with data", VT_PARENT, NULL,
		call_viommu_alloc_data, after_viommu_alloc_data, {},
	};

	run_fail_nth(&p);
}

/* HWPT_ALLOC of a nested HWPT on the vIOMMU */

static int call_nested_alloc(struct vt_fixture *f)
{
	return vt_nested_alloc_default(f->vfd, f->device_id, f->viommu_id,
				       &st.id);
}

static void after_nested_alloc(struct vt_fixture *f)
{
	ASSERT_ERRNO(EBUSY, vt_destroy(f->vfd, f->viommu_id));
	ASSERT_OK(stock_destroy(f->iommufd, st.id));
	ASSERT_OK(vt_destroy(f->vfd, f->viommu_id));
}

TEST(fail_nth_hwpt_alloc_nested)
{
	static const struct nth_path p = {
		"HWPT_ALLOC nested", VT_VIOMMU, NULL, call_nested_alloc,
		after_nested_alloc, {},
	};

	run_fail_nth(&p);
}

/* VDEVICE_ALLOC */

static int call_vdevice_alloc(struct vt_fixture *f)
{
	return vt_vdevice_alloc(f->vfd, f->viommu_id, f->device_id, 0x99,
				&st.id);
}

static void after_vdevice_alloc(struct vt_fixture *f)
{
	ASSERT_ERRNO(EBUSY, vt_destroy(f->vfd, f->viommu_id));
	ASSERT_OK(vt_destroy(f->vfd, st.id));
	ASSERT_OK(vt_destroy(f->vfd, f->viommu_id));
}

TEST(fail_nth_vdevice_alloc)
{
	static const struct nth_path p = {
		"VDEVICE_ALLOC", VT_VIOMMU, NULL, call_vdevice_alloc,
		after_vdevice_alloc, {},
	};

	run_fail_nth(&p);
}

/* HW_QUEUE_ALLOC */

static int call_hw_queue_alloc(struct vt_fixture *f)
{
	return vt_hw_queue_alloc(f->vfd, f->viommu_id,
				 VIOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
				 MOCK_APERTURE_START, psz, &st.id);
}

static void after_hw_queue_alloc(struct vt_fixture *f)
{
	ASSERT_ERRNO(EBUSY, ioas_unmap(f->iommufd, f->ioas_id,
				       MOCK_APERTURE_START,
				       MAPPED_PAGES * psz));
	ASSERT_ERRNO(EBUSY, vt_destroy(f->vfd, f->viommu_id));
	ASSERT_OK(vt_destroy(f->vfd, st.id));
	ASSERT_OK(ioas_unmap(f->iommufd, f->ioas_id, MOCK_APERTURE_START,
			     MAPPED_PAGES * psz));
	ASSERT_OK(vt_destroy(f->vfd, f->viommu_id));
}

TEST(fail_nth_hw_queue_alloc)
{
	static const struct nth_path p = {
		"HW_QUEUE_ALLOC", VT_VIOMMU, NULL, call_hw_queue_alloc,
		after_hw_queue_alloc, {},
	};

	run_fail_nth(&p);
}

/* HW_QUEUE_ALLOC of index 1: it depends on a published queue 0. */

static __u32 hw_queue0_id;

static void prepare_hw_queue1(struct vt_fixture *f)
{
	ASSERT_OK(vt_hw_queue_alloc(f->vfd, f->viommu_id,
				    VIOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
				    MOCK_APERTURE_START, psz, &hw_queue0_id));
}

static int call_hw_queue1_alloc(struct vt_fixture *f)
{
	return vt_hw_queue_alloc(f->vfd, f->viommu_id,
				 VIOMMU_HW_QUEUE_TYPE_SELFTEST, 1,
				 MOCK_APERTURE_START + psz, psz, &st.id);
}

static void after_hw_queue1_alloc(struct vt_fixture *f)
{
	ASSERT_ERRNO(EBUSY, vt_destroy(f->vfd, hw_queue0_id));
	ASSERT_OK(vt_destroy(f->vfd, st.id));
	ASSERT_OK(vt_destroy(f->vfd, hw_queue0_id));
	ASSERT_OK(ioas_unmap(f->iommufd, f->ioas_id, MOCK_APERTURE_START,
			     MAPPED_PAGES * psz));
	ASSERT_OK(vt_destroy(f->vfd, f->viommu_id));
}

TEST(fail_nth_hw_queue1_alloc)
{
	static const struct nth_path p = {
		"HW_QUEUE_ALLOC index 1", VT_VIOMMU, prepare_hw_queue1,
		call_hw_queue1_alloc, after_hw_queue1_alloc, {},
	};

	run_fail_nth(&p);
}

/* VEVENTQ_ALLOC */

static int call_veventq_alloc(struct vt_fixture *f)
{
	return vt_veventq_alloc(f->vfd, f->viommu_id,
				VIOMMU_VEVENTQ_TYPE_SELFTEST, 2, &st.id,
				&st.qfd);
}

static void after_veventq_alloc(struct vt_fixture *f)
{
	ASSERT_ERRNO(EBUSY, vt_destroy(f->vfd, st.id));
	ASSERT_OK(close(st.qfd));
	ASSERT_OK(vt_destroy(f->vfd, st.id));
	ASSERT_OK(vt_destroy(f->vfd, f->viommu_id));
}

TEST(fail_nth_veventq_alloc)
{
	static const struct nth_path p = {
		"VEVENTQ_ALLOC", VT_VIOMMU, NULL, call_veventq_alloc,
		after_veventq_alloc, {},
	};

	run_fail_nth(&p);
}

/* HWPT_INVALIDATE on the vIOMMU */

static void prepare_invalidate(struct vt_fixture *f)
{
	ASSERT_OK(vt_vdevice_alloc(f->vfd, f->viommu_id, f->device_id, 0x99,
				   NULL));
}

static int call_invalidate(struct vt_fixture *f)
{
	st.inv[0].vdev_id = 0x99;
	st.inv[1].vdev_id = 0x99;
	st.inv[1].cache_id = 1;
	st.num = 2;
	return vt_invalidate(f->vfd, f->viommu_id, st.inv,
			     VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
			     sizeof(st.inv[0]), &st.num);
}

static void after_invalidate(struct vt_fixture *f)
{
	ASSERT_EQ(2, st.num);
	ASSERT_OK(vt_check_cache(f->vfd, f->device_id, 0, 0));
	ASSERT_OK(vt_check_cache(f->vfd, f->device_id, 1, 0));
	ASSERT_OK(vt_check_cache(f->vfd, f->device_id, 2,
				 VIOMMU_TEST_DEV_CACHE_DEFAULT));
}

TEST(fail_nth_hwpt_invalidate)
{
	static const struct nth_path p = {
		"HWPT_INVALIDATE", VT_VIOMMU, prepare_invalidate,
		call_invalidate, after_invalidate, {},
	};

	run_fail_nth(&p);
}

/* GET_HW_INFO */

static int call_hw_info(struct vt_fixture *f)
{
	return vt_hw_info(f->vfd, f->device_id, 0, 0, &st.info,
			  sizeof(st.info), NULL);
}

static void after_hw_info(struct vt_fixture *f)
{
	(void)f;
	ASSERT_EQ(VIOMMU_HW_INFO_SELFTEST_REGVAL, st.info.test_reg);
}

TEST(fail_nth_get_hw_info)
{
	static const struct nth_path p = {
		"GET_HW_INFO", VT_DEVICE, NULL, call_hw_info, after_hw_info,
		{},
	};

	run_fail_nth(&p);
}

/*
 * TRIGGER_VEVENT: a report that cannot allocate its event is ENOMEM and
 * queues the lost-events mark instead.
 */
static void prepare_vevent(struct vt_fixture *f)
{
	ASSERT_OK(vt_vdevice_alloc(f->vfd, f->viommu_id, f->device_id, 0x99,
				   NULL));
	ASSERT_OK(vt_mock_replace(f->vfd, f->stdev_id, f->nested_hwpt_id));
}

static int call_vevent(struct vt_fixture *f)
{
	return vt_trigger_vevent(f->vfd, f->device_id);
}

static int vevent_qfd;

static void prepare_vevent_queue(struct vt_fixture *f)
{
	prepare_vevent(f);
	ASSERT_OK(vt_veventq_alloc(f->vfd, f->viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 4, NULL,
				   &vevent_qfd));
}

static void after_vevent(struct vt_fixture *f)
{
	struct vt_vevent ev[4];
	int nr;

	(void)f;
	nr = vt_read_vevents(vevent_qfd, 256, ev, 4);
	ASSERT_TRUE(nr >= 1);
	/* The last record is the event that got through. */
	ASSERT_EQ(0, ev[nr - 1].flags);
	ASSERT_EQ(0x99, ev[nr - 1].virt_id);
	ASSERT_OK(close(vevent_qfd));
}

TEST(fail_nth_trigger_vevent)
{
	static const struct nth_path p = {
		"TRIGGER_VEVENT", VT_NESTED, prepare_vevent_queue, call_vevent,
		after_vevent, {},
	};

	run_fail_nth(&p);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
