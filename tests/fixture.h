/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vIOMMU test fixture and ioctl wrappers, after upstream's
 * tools/testing/selftests/iommu/iommufd_utils.h, for two files instead of
 * one: stock objects (IOAS, HWPT_PAGING, nested HWPT, device ids) live on
 * /dev/iommu; vIOMMUs, vDEVICEs, vEVENTQs, HW_QUEUEs and mock devices on
 * /dev/viommu, bound to it. With VT_DOOR=stock (util.h) the second "file"
 * is the /dev/iommu file itself, through its stock-file door: the same
 * calls, one file. Each wrapper returns 0, or -1 with errno as
 * ioctl() left it, so ASSERT_OK and ASSERT_ERRNO take it as it is; outputs
 * are written only on success.
 */
#ifndef VIOMMU_TEST_FIXTURE_H
#define VIOMMU_TEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/iommufd.h>
#include <linux/viommu_test.h>

#include "util.h"
#include "vt_ioctl.h"

/* P(type)->field names a field without an object, for vt_end(). */
#define P(type) ((struct type *)0)
/* Where a field ends: upstream's offsetofend() */
#define vt_end(member) ((size_t)&(member) + sizeof(member))

/* Upstream's mock aperture starts at 1 << 24; the fixture maps there. */
#define MOCK_APERTURE_START 0x1000000ULL
/* Far from anything the tests map. */
#define UNMAPPED_IOVA (MOCK_APERTURE_START + 0x4000000ULL)
#define BUFFER_PAGES 16
/* The fixture maps the first half of the buffer; tests map the rest. */
#define MAPPED_PAGES 8
/* 1 << 19, upstream's VEVENTQ_MAX_DEPTH */
#define VEVENTQ_MAX_DEPTH 0x80000U
#define VIOMMU_ID_MIN 0x80000000U

static long psz;

__attribute__((constructor)) static void vt_init_psz(void)
{
	psz = sysconf(_SC_PAGESIZE);
}

static inline void vt_check_cache_all(int vfd, __u32 dev_id, __u32 expected)
{
	__u32 i;

	for (i = 0; i < VIOMMU_MOCK_DEV_CACHE_NUM; i++)
		ASSERT_OK(vt_check_cache(vfd, dev_id, i, expected));
}

/* The fixture: upstream's iommufd_viommu, over two files */

/**
 * struct vt_fixture - The objects one test starts with
 * @iommufd: The /dev/iommu file
 * @vfd: The /dev/viommu file bound to @iommufd, or (stock door) a dup of it
 * @buffer: BUFFER_PAGES pages of shared memory, MAPPED_PAGES of them
 *          mapped at MOCK_APERTURE_START
 * @ioas_id: The IOAS (stock)
 * @stdev_id: The mock device (a /dev/viommu object)
 * @mock_hwpt_id: The paging HWPT the mock device was attached to (stock)
 * @device_id: The mock device's idev (stock)
 * @hwpt_id: The nest-parent HWPT_PAGING (stock)
 * @viommu_id: The selftest vIOMMU
 * @nested_hwpt_id: A nested HWPT on the vIOMMU (stock)
 * @refcnt: Module refcounts before the test, checked after teardown
 */
struct vt_fixture {
	int iommufd;
	int vfd;
	__u8 *buffer;
	__u32 ioas_id;
	__u32 stdev_id;
	__u32 mock_hwpt_id;
	__u32 device_id;
	__u32 hwpt_id;
	__u32 viommu_id;
	__u32 nested_hwpt_id;
	long refcnt[3];
};

/* How far vt_setup() goes. */
enum vt_level {
	VT_IOAS,	/* files bound, an IOAS: upstream's no_viommu */
	VT_DEVICE,	/* + mock device on the IOAS, buffer mapped */
	VT_PARENT,	/* + nest-parent HWPT on the IOAS */
	VT_VIOMMU,	/* + selftest vIOMMU on it */
	VT_NESTED,	/* + nested HWPT on the vIOMMU: upstream's mock_viommu */
};

static const char * const vt_modules[] = {
	"viommu", "viommu_selftest", "iommufd",
};

static inline __u8 *vt_buffer(void)
{
	__u8 *p;

	p = mmap(NULL, BUFFER_PAGES * psz, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	memset(p, 0x5a, BUFFER_PAGES * psz);
	return p;
}

static inline int vt_has_selftest(void)
{
	return !access("/sys/module/viommu_selftest", F_OK);
}

static inline void vt_require_selftest(void)
{
	if (!vt_has_selftest())
		SKIP("viommu_selftest.ko is not loaded");
}

/* Open and bind both files; the pair any test starts from. */
static inline void vt_open_pair(int *iommufd, int *vfd)
{
	*iommufd = open_iommufd();
	ASSERT_OK(vt_door_bind(*iommufd, vfd));
}

/*
 * Two files, each with its own ids (/dev/viommu), or one file (the stock
 * door), where one id names one object whichever fd the call goes through.
 */
static inline int vt_two_files(void)
{
	return !vt_stock_door();
}

static inline void vt_setup(struct vt_fixture *f, enum vt_level level)
{
	__u64 iova = MOCK_APERTURE_START;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	vt_require_selftest();
	for (i = 0; i < ARRAY_SIZE(vt_modules); i++)
		f->refcnt[i] = module_refcnt(vt_modules[i]);
	f->buffer = vt_buffer();
	vt_open_pair(&f->iommufd, &f->vfd);
	ASSERT_OK(ioas_alloc(f->iommufd, &f->ioas_id));
	/* upstream's test_ioctl_set_default_memory_limit() */
	ASSERT_OK(vt_set_temp_memory_limit(f->vfd, 65536));
	if (level < VT_DEVICE)
		return;

	ASSERT_OK(vt_mock_domain(f->vfd, f->ioas_id, &f->stdev_id,
				 &f->mock_hwpt_id, &f->device_id));
	ASSERT_OK(ioas_map(f->iommufd, f->ioas_id, f->buffer,
			   MAPPED_PAGES * psz, &iova, 1));
	/* The refs check sees pins, so its all-zero at teardown means it. */
	ASSERT_OK(vt_check_refs(f->vfd, f->buffer, MAPPED_PAGES * psz, 1));
	ASSERT_ERRNO(EIO, vt_check_refs(f->vfd, f->buffer, psz, 0));
	ASSERT_OK(vt_check_refs(f->vfd, f->buffer + MAPPED_PAGES * psz,
				(BUFFER_PAGES - MAPPED_PAGES) * psz, 0));
	if (level < VT_PARENT)
		return;

	ASSERT_OK(stock_hwpt_alloc(f->iommufd, f->device_id, f->ioas_id,
				   IOMMU_HWPT_ALLOC_NEST_PARENT, &f->hwpt_id));
	if (level < VT_VIOMMU)
		return;

	ASSERT_OK(vt_viommu_alloc(f->vfd, f->device_id, f->hwpt_id,
				  VIOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0,
				  &f->viommu_id));
	if (level < VT_NESTED)
		return;

	ASSERT_OK(vt_nested_alloc_default(f->vfd, f->device_id, f->viommu_id,
					  &f->nested_hwpt_id));
}

/* A module's refcount may drop a moment after the last fput. */
static inline void vt_wait_refcnt(const char *module, long expected)
{
	int i;

	if (expected < 0)
		return;
	for (i = 0; i < 100 && module_refcnt(module) != expected; i++)
		usleep(10000);
	if (module_refcnt(module) != expected)
		FAIL("module %s refcount %ld, was %ld before the test", module,
		     module_refcnt(module), expected);
}

/*
 * After both files are closed: every pin on the buffer is gone (checked
 * from a fresh pair, as upstream's teardown_iommufd does) and no module
 * reference is left behind.
 */
static inline void vt_check_released(struct vt_fixture *f)
{
	unsigned int i;
	int iommufd, vfd;

	vt_open_pair(&iommufd, &vfd);
	ASSERT_OK(vt_check_refs(vfd, f->buffer, BUFFER_PAGES * psz, 0));
	ASSERT_EQ(0, close(vfd));
	ASSERT_EQ(0, close(iommufd));
	for (i = 0; i < ARRAY_SIZE(vt_modules); i++)
		vt_wait_refcnt(vt_modules[i], f->refcnt[i]);
	ASSERT_OK(munmap(f->buffer, BUFFER_PAGES * psz));
}

static inline void vt_teardown(struct vt_fixture *f)
{
	ASSERT_EQ(0, close(f->vfd));
	ASSERT_EQ(0, close(f->iommufd));
	vt_check_released(f);
}

static inline int is_viommu_id(__u32 id)
{
	return id >= VIOMMU_ID_MIN && id != 0xffffffffU;
}

static inline int is_stock_id(__u32 id)
{
	return id && id < VIOMMU_ID_MIN;
}

/* vEVENTQ reading */

/* One selftest record as read(): header and, unless lost, the virt_id. */
struct vt_vevent {
	__u32 flags;
	__u32 sequence;
	__u32 virt_id;
};

/*
 * Read once into a buffer of @count bytes and split it into records.
 * Returns the number of records, or -1 with errno from read().
 */
static inline int vt_read_vevents(int fd, size_t count,
				  struct vt_vevent *ev, int max)
{
	const size_t hdr = sizeof(struct viommu_vevent_header);
	const size_t data = sizeof(struct viommu_viommu_event_selftest);
	__u8 buf[512];
	ssize_t n;
	size_t off = 0;
	int nr = 0;

	ASSERT_TRUE(count <= sizeof(buf));
	n = read(fd, buf, count);
	if (n < 0)
		return -1;
	while (off < (size_t)n) {
		struct viommu_vevent_header h;

		ASSERT_TRUE(nr < max && off + hdr <= (size_t)n);
		memcpy(&h, buf + off, hdr);
		off += hdr;
		ev[nr].flags = h.flags;
		ev[nr].sequence = h.sequence;
		ev[nr].virt_id = 0;
		if (!(h.flags & VIOMMU_VEVENTQ_FLAG_LOST_EVENTS)) {
			ASSERT_TRUE(off + data <= (size_t)n);
			memcpy(&ev[nr].virt_id, buf + off, data);
			off += data;
		}
		nr++;
	}
	return nr;
}

/* The next read returns exactly one normal event @virt_id, number @seq. */
static inline void vt_expect_vevent(int fd, __u32 virt_id, __u32 seq)
{
	struct vt_vevent ev[4];

	ASSERT_EQ(1, vt_read_vevents(fd, 256, ev, 4));
	ASSERT_EQ(0, ev[0].flags);
	ASSERT_EQ(seq, ev[0].sequence);
	ASSERT_EQ(virt_id, ev[0].virt_id);
}

#endif /* VIOMMU_TEST_FIXTURE_H */
