// SPDX-License-Identifier: GPL-2.0
/*
 * Object lifetimes across /dev/viommu and /dev/iommu: an object in use
 * cannot be destroyed (EBUSY, one test per pin), and closing the files
 * frees everything in any state, dropping every pin on stock objects and
 * on the test buffer's pages.
 */
#include <time.h>

#include "fixture.h"

/* A second vIOMMU on the fixture's parent, holding nothing yet. */
static __u32 fresh_viommu(struct vt_fixture *f)
{
	__u32 id;

	ASSERT_OK(vt_viommu_alloc(f->vfd, f->device_id, f->hwpt_id,
				  VIOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &id));
	return id;
}

/* Once its last pin is gone the vIOMMU goes, and its id with it. */
static void destroy_unpinned(struct vt_fixture *f, __u32 viommu_id)
{
	ASSERT_OK(vt_destroy(f->vfd, viommu_id));
	ASSERT_ERRNO(ENOENT, vt_destroy(f->vfd, viommu_id));
}

TEST(viommu_busy_with_vdevice)
{
	struct vt_fixture f;
	__u32 viommu_id, vdev_id;

	vt_setup(&f, VT_NESTED);
	viommu_id = fresh_viommu(&f);
	ASSERT_OK(vt_vdevice_alloc(f.vfd, viommu_id, f.device_id, 1,
				   &vdev_id));
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, viommu_id));
	ASSERT_OK(vt_destroy(f.vfd, vdev_id));
	destroy_unpinned(&f, viommu_id);
	vt_teardown(&f);
}

TEST(viommu_busy_with_nested_hwpt)
{
	struct vt_fixture f;
	__u32 viommu_id, hwpt_id;

	vt_setup(&f, VT_NESTED);
	viommu_id = fresh_viommu(&f);
	ASSERT_OK(vt_nested_alloc_default(f.vfd, f.device_id, viommu_id,
					  &hwpt_id));
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, viommu_id));
	ASSERT_OK(stock_destroy(f.iommufd, hwpt_id));
	destroy_unpinned(&f, viommu_id);
	vt_teardown(&f);
}

TEST(viommu_busy_with_hw_queue)
{
	struct vt_fixture f;
	__u32 viommu_id, q;

	vt_setup(&f, VT_NESTED);
	viommu_id = fresh_viommu(&f);
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, viommu_id,
				    VIOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
				    MOCK_APERTURE_START, psz, &q));
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, viommu_id));
	ASSERT_OK(vt_destroy(f.vfd, q));
	destroy_unpinned(&f, viommu_id);
	vt_teardown(&f);
}

TEST(viommu_busy_with_veventq)
{
	struct vt_fixture f;
	__u32 viommu_id, q;
	int qfd;

	vt_setup(&f, VT_NESTED);
	viommu_id = fresh_viommu(&f);
	ASSERT_OK(vt_veventq_alloc(f.vfd, viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 2, &q, &qfd));
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, viommu_id));
	/* The vEVENTQ is busy itself while its file is open. */
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, q));
	ASSERT_OK(close(qfd));
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, viommu_id));
	ASSERT_OK(vt_destroy(f.vfd, q));
	destroy_unpinned(&f, viommu_id);
	vt_teardown(&f);
}

TEST(viommu_busy_with_mmap)
{
	struct viommu_viommu_selftest data = { .in_data = 0x1234 };
	struct vt_fixture f;
	__u32 viommu_id;
	void *p;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_viommu_alloc(f.vfd, f.device_id, f.hwpt_id,
				  VIOMMU_VIOMMU_TYPE_SELFTEST, &data,
				  sizeof(data), &viommu_id));
	p = mmap(NULL, data.out_mmap_length, PROT_READ | PROT_WRITE,
		 MAP_SHARED, f.vfd, data.out_mmap_offset);
	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, viommu_id));
	ASSERT_OK(munmap(p, data.out_mmap_length));
	destroy_unpinned(&f, viommu_id);
	vt_teardown(&f);
}

/* The stock nest parent is pinned by every vIOMMU on it. */
TEST(nest_parent_busy_with_viommu)
{
	struct vt_fixture f;
	__u32 viommu_id;

	vt_setup(&f, VT_VIOMMU);
	viommu_id = fresh_viommu(&f);
	ASSERT_ERRNO(EBUSY, stock_destroy(f.iommufd, f.hwpt_id));
	destroy_unpinned(&f, f.viommu_id);
	ASSERT_ERRNO(EBUSY, stock_destroy(f.iommufd, f.hwpt_id));
	destroy_unpinned(&f, viommu_id);
	ASSERT_OK(stock_destroy(f.iommufd, f.hwpt_id));
	/* With no parent left the IOAS goes too. */
	ASSERT_OK(ioas_unmap(f.iommufd, f.ioas_id, MOCK_APERTURE_START,
			     MAPPED_PAGES * psz));
	ASSERT_OK(vt_destroy(f.vfd, f.stdev_id));
	ASSERT_OK(stock_destroy(f.iommufd, f.ioas_id));
	vt_teardown(&f);
}

/* A nested HWPT with a device attached is in use. */
TEST(nested_hwpt_busy_while_attached)
{
	struct vt_fixture f;
	__u32 vdev_id;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   &vdev_id));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.nested_hwpt_id));
	ASSERT_ERRNO(EBUSY, stock_destroy(f.iommufd, f.nested_hwpt_id));
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, f.viommu_id));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.ioas_id));
	ASSERT_OK(stock_destroy(f.iommufd, f.nested_hwpt_id));
	ASSERT_OK(vt_destroy(f.vfd, vdev_id));
	destroy_unpinned(&f, f.viommu_id);
	ASSERT_OK(stock_destroy(f.iommufd, f.hwpt_id));
	vt_teardown(&f);
}

/**
 * struct everything - One object of every kind, all alive and in use
 * @f: The fixture
 * @qfd: The vEVENTQ's file, with events queued and lost
 * @map: The second vIOMMU's region, mapped
 * @map_len: Its length
 */
struct everything {
	struct vt_fixture f;
	int qfd;
	void *map;
	__u64 map_len;
};

static void make_everything(struct everything *e)
{
	struct viommu_viommu_selftest data = { .in_data = 0x5678 };
	struct vt_fixture *f = &e->f;
	__u32 stdev2, dev2, viommu2, id;
	int i;

	vt_setup(f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(f->vfd, f->viommu_id, f->device_id, 0x99,
				   NULL));
	ASSERT_OK(vt_mock_replace(f->vfd, f->stdev_id, f->nested_hwpt_id));
	ASSERT_OK(vt_veventq_alloc(f->vfd, f->viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 2, NULL,
				   &e->qfd));
	for (i = 0; i < 3; i++)
		ASSERT_OK(vt_trigger_vevent(f->vfd, f->device_id));
	ASSERT_OK(vt_hw_queue_alloc(f->vfd, f->viommu_id,
				    VIOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
				    MOCK_APERTURE_START, psz, NULL));
	ASSERT_OK(vt_hw_queue_alloc(f->vfd, f->viommu_id,
				    VIOMMU_HW_QUEUE_TYPE_SELFTEST, 1,
				    MOCK_APERTURE_START + psz, psz, NULL));

	/* A second device on a second vIOMMU with its region mapped */
	ASSERT_OK(vt_mock_domain(f->vfd, f->ioas_id, &stdev2, NULL, &dev2));
	ASSERT_OK(vt_viommu_alloc(f->vfd, dev2, f->hwpt_id,
				  VIOMMU_VIOMMU_TYPE_SELFTEST, &data,
				  sizeof(data), &viommu2));
	ASSERT_OK(vt_vdevice_alloc(f->vfd, viommu2, dev2, 0x99, NULL));
	ASSERT_OK(vt_nested_alloc_default(f->vfd, dev2, viommu2, &id));
	ASSERT_OK(vt_mock_replace(f->vfd, stdev2, id));
	ASSERT_OK(vt_veventq_alloc(f->vfd, viommu2,
				   VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 1, NULL,
				   NULL));
	e->map_len = data.out_mmap_length;
	e->map = mmap(NULL, e->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		      f->vfd, data.out_mmap_offset);
	ASSERT_TRUE(e->map != MAP_FAILED);
	/* Pins on the stock side that closing must drop */
	ASSERT_ERRNO(EBUSY, stock_destroy(f->iommufd, f->hwpt_id));
	ASSERT_ERRNO(EBUSY, ioas_unmap(f->iommufd, f->ioas_id,
				       MOCK_APERTURE_START,
				       MAPPED_PAGES * psz));
}

TEST(close_with_every_object_alive)
{
	struct everything e;

	make_everything(&e);
	ASSERT_EQ(0, close(e.f.vfd));
	ASSERT_EQ(0, close(e.f.iommufd));
	/* The mapping and the vEVENTQ file hold the context until now. */
	ASSERT_OK(munmap(e.map, e.map_len));
	ASSERT_EQ(0, close(e.qfd));
	vt_check_released(&e.f);
}

TEST(close_with_every_object_alive_reversed)
{
	struct everything e;

	make_everything(&e);
	ASSERT_EQ(0, close(e.qfd));
	ASSERT_OK(munmap(e.map, e.map_len));
	ASSERT_EQ(0, close(e.f.iommufd));
	ASSERT_EQ(0, close(e.f.vfd));
	vt_check_released(&e.f);
}

/*
 * Closing /dev/viommu alone gives the stock context back whole: nothing
 * pins the nest parent or the queue memory, no device stays bound, and
 * /dev/iommu then destroys and closes as usual.
 */
TEST(close_viommu_releases_stock_pins)
{
	struct everything e;
	struct vt_fixture *f = &e.f;
	int rc;

	VT_REQUIRE_VIOMMU_DOOR("closes the vIOMMU file alone");
	make_everything(&e);
	ASSERT_OK(munmap(e.map, e.map_len));
	ASSERT_EQ(0, close(e.qfd));
	ASSERT_EQ(0, close(f->vfd));

	/* The nested HWPT was made through /dev/viommu and went with it. */
	errno = 0;
	rc = stock_destroy(f->iommufd, f->nested_hwpt_id);
	ASSERT_TRUE(rc == 0 || errno == ENOENT);
	ASSERT_OK(stock_destroy(f->iommufd, f->hwpt_id));
	ASSERT_OK(ioas_unmap(f->iommufd, f->ioas_id, MOCK_APERTURE_START,
			     MAPPED_PAGES * psz));
	/* Unbound with the mock device, the device id is gone too. */
	ASSERT_ERRNO(ENOENT, stock_destroy(f->iommufd, f->device_id));
	ASSERT_OK(stock_destroy(f->iommufd, f->ioas_id));
	ASSERT_EQ(0, close(f->iommufd));
	vt_check_released(f);
}

/* An ioctl that holds a vDEVICE for a moment, again and again. */
struct short_user {
	int vfd;
	__u32 id;
	int stop;
};

static long short_user_fn(void *p)
{
	struct short_user *s = p;
	long n = 0;

	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		__u32 num = 0;

		/* A vDEVICE id is no vIOMMU: EINVAL, after a lookup. */
		vt_invalidate(s->vfd, s->id, NULL,
			      VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, 0, &num);
		n++;
	}
	return n;
}

/*
 * Unbinding a device waits out ioctls that use its vDEVICE; the last one
 * must wake it. 10 s only tells a missed wake-up (a 60 s timeout) from a
 * slow machine. Rounds make a racing lookup likely.
 */
TEST(unbind_wakes_after_short_term_user)
{
	struct short_user s = {};
	struct vt_async a = {};
	struct timespec t0, t1;
	struct vt_fixture f;
	__u32 stdev, dev;
	int round;

	vt_setup(&f, VT_VIOMMU);
	s.vfd = f.vfd;
	for (round = 0; round < 5; round++) {
		ASSERT_OK(vt_mock_domain(f.vfd, f.ioas_id, &stdev, NULL, &dev));
		ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, dev, 0x40 + round,
					   &s.id));
		__atomic_store_n(&s.stop, 0, __ATOMIC_RELAXED);
		vt_async_start(&a, short_user_fn, &s);
		usleep(20000);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ASSERT_OK(vt_destroy(f.vfd, stdev));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		__atomic_store_n(&s.stop, 1, __ATOMIC_RELAXED);
		ASSERT_TRUE(vt_async_wait(&a, 60000));
		if (t1.tv_sec - t0.tv_sec >= 10)
			FAIL("unbind took %lds: the remover was not woken",
			     (long)(t1.tv_sec - t0.tv_sec));
		ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, s.id));
	}
	vt_teardown(&f);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
