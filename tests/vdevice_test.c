// SPDX-License-Identifier: GPL-2.0
/*
 * vDEVICEs, vEVENTQs and vIOMMU cache invalidation on /dev/viommu, after
 * upstream's iommufd_viommu tests: vdevice_alloc, vdevice_cache and
 * vdevice_tombstone, with the vEVENTQ's read() and poll() rules.
 */
#include <poll.h>
#include <pthread.h>

#include "fixture.h"

#define HDR_SIZE sizeof(struct viommu_vevent_header)
#define EVENT_SIZE (HDR_SIZE + sizeof(struct viommu_viommu_event_selftest))

TEST(vdevice_alloc)
{
	struct vt_vevent ev[8];
	__u32 veventq_id, vdev_id, id;
	struct vt_fixture f;
	__u32 stdev2, dev2;
	char buf[64];
	int qfd, qfd2;

	vt_setup(&f, VT_NESTED);
	/* A device needs a vDEVICE before it can attach to a nested HWPT. */
	ASSERT_ERRNO(ENOENT, vt_mock_replace(f.vfd, f.stdev_id,
					     f.nested_hwpt_id));

	/* Depth bounds */
	ASSERT_ERRNO(EINVAL, vt_veventq_alloc(f.vfd, f.viommu_id,
					      VIOMMU_VEVENTQ_TYPE_SELFTEST, 0,
					      NULL, NULL));
	ASSERT_ERRNO(EINVAL, vt_veventq_alloc(f.vfd, f.viommu_id,
					      VIOMMU_VEVENTQ_TYPE_SELFTEST,
					      VEVENTQ_MAX_DEPTH + 1, NULL,
					      NULL));
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST,
				   VEVENTQ_MAX_DEPTH, &veventq_id, &qfd));
	ASSERT_TRUE(qfd >= 0 && is_viommu_id(veventq_id));
	ASSERT_OK(close(qfd));
	ASSERT_OK(vt_destroy(f.vfd, veventq_id));

	/* One vEVENTQ per type and vIOMMU */
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 2,
				   &veventq_id, &qfd));
	ASSERT_ERRNO(EEXIST, vt_veventq_alloc(f.vfd, f.viommu_id,
					      VIOMMU_VEVENTQ_TYPE_SELFTEST, 2,
					      NULL, &qfd2));

	/* Reads on an empty queue: below a header is EINVAL, else 0. */
	ASSERT_ERRNO(EINVAL, read(qfd, buf, 0));
	ASSERT_ERRNO(EINVAL, read(qfd, buf, HDR_SIZE - 1));
	ASSERT_EQ(0, read(qfd, buf, sizeof(buf)));

	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   &vdev_id));
	ASSERT_TRUE(is_viommu_id(vdev_id));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.nested_hwpt_id));
	ASSERT_OK(vt_trigger_vevent(f.vfd, f.device_id));

	/* Too small for the one event: a header alone does not do. */
	ASSERT_ERRNO(EINVAL, read(qfd, buf, 0));
	ASSERT_ERRNO(EINVAL, read(qfd, buf, HDR_SIZE));
	ASSERT_ERRNO(EINVAL, read(qfd, buf, EVENT_SIZE - 1));
	/* The fd is a stream: a non-zero position is ESPIPE. */
	ASSERT_ERRNO(ESPIPE, pread(qfd, buf, sizeof(buf), 1));
	/* The event survived all of that; the first one is number 0. */
	vt_expect_vevent(qfd, 0x99, 0);
	ASSERT_EQ(0, read(qfd, buf, sizeof(buf)));

	/* One vDEVICE per device */
	ASSERT_ERRNO(EEXIST, vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id,
					      0x99, &id));
	ASSERT_ERRNO(EEXIST, vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id,
					      0x77, &id));
	/* ... and one device per virt_id */
	ASSERT_OK(vt_mock_domain(f.vfd, f.ioas_id, &stdev2, NULL, &dev2));
	ASSERT_ERRNO(EEXIST, vt_vdevice_alloc(f.vfd, f.viommu_id, dev2, 0x99,
					      &id));
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, dev2, 0x77, &id));
	ASSERT_OK(vt_destroy(f.vfd, id));
	ASSERT_OK(vt_destroy(f.vfd, stdev2));

	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.ioas_id));
	ASSERT_OK(vt_destroy(f.vfd, vdev_id));

	/* Again with 0x88, three events into a queue of depth 2 */
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x88,
				   &vdev_id));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.nested_hwpt_id));
	ASSERT_OK(vt_trigger_vevent(f.vfd, f.device_id));
	ASSERT_OK(vt_trigger_vevent(f.vfd, f.device_id));
	ASSERT_OK(vt_trigger_vevent(f.vfd, f.device_id));
	/* Only whole records: room for one and a half gives one. */
	ASSERT_EQ(1, vt_read_vevents(qfd, EVENT_SIZE + HDR_SIZE, ev, 8));
	ASSERT_EQ(0, ev[0].flags);
	ASSERT_EQ(1, ev[0].sequence);
	ASSERT_EQ(0x88, ev[0].virt_id);
	/* Then the second event and the lost-events mark after it */
	ASSERT_EQ(2, vt_read_vevents(qfd, sizeof(buf), ev, 8));
	ASSERT_EQ(0, ev[0].flags);
	ASSERT_EQ(2, ev[0].sequence);
	ASSERT_EQ(0x88, ev[0].virt_id);
	ASSERT_EQ(VIOMMU_VEVENTQ_FLAG_LOST_EVENTS, ev[1].flags);
	ASSERT_EQ(3, ev[1].sequence);
	ASSERT_EQ(0, read(qfd, buf, sizeof(buf)));
	/* The overflow is over: the next event reads cleanly. */
	ASSERT_OK(vt_trigger_vevent(f.vfd, f.device_id));
	vt_expect_vevent(qfd, 0x88, 4);

	ASSERT_OK(close(qfd));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.ioas_id));
	ASSERT_OK(vt_destroy(f.vfd, vdev_id));
	ASSERT_OK(vt_destroy(f.vfd, veventq_id));
	vt_teardown(&f);
}

TEST(no_viommu_vdevice_alloc)
{
	struct vt_fixture f;

	vt_setup(&f, VT_IOAS);
	ASSERT_ERRNO(ENOENT, vt_vdevice_alloc(f.vfd, 0, 0, 0x99, NULL));
	vt_teardown(&f);
}

TEST(vdevice_errors)
{
	struct vt_fixture f;
	__u32 id;

	vt_setup(&f, VT_NESTED);
	ASSERT_ERRNO(ENOENT, vt_vdevice_alloc(f.vfd, 0, f.device_id, 0x99,
					      NULL));
	ASSERT_ERRNO(ENOENT, vt_vdevice_alloc(f.vfd, f.stdev_id, f.device_id,
					      0x99, NULL));
	ASSERT_ERRNO(ENOENT, vt_vdevice_alloc(f.vfd, f.viommu_id, 0, 0x99,
					      NULL));
	ASSERT_ERRNO(ENOENT, vt_vdevice_alloc(f.vfd, f.viommu_id, f.ioas_id,
					      0x99, NULL));
	ASSERT_ERRNO(ENOENT, vt_vdevice_alloc(f.vfd, f.viommu_id, f.stdev_id,
					      0x99, NULL));
	/* Any virt_id an unsigned long holds is fine. */
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id,
				   ~0ULL, &id));
	ASSERT_OK(vt_destroy(f.vfd, id));
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, id));
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0, &id));
	vt_teardown(&f);
}

TEST(veventq_errors)
{
	struct viommu_veventq_alloc cmd;
	struct vt_fixture f;
	__u32 id;
	int qfd;

	vt_setup(&f, VT_NESTED);
	cmd = (struct viommu_veventq_alloc){
		.size = sizeof(cmd),
		.flags = 1,
		.viommu_id = f.viommu_id,
		.type = VIOMMU_VEVENTQ_TYPE_SELFTEST,
		.veventq_depth = 2,
	};
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(f.vfd, VIOMMU_VEVENTQ_ALLOC, &cmd));
	cmd.flags = 0;
	cmd.__reserved = 1;
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(f.vfd, VIOMMU_VEVENTQ_ALLOC, &cmd));
	ASSERT_ERRNO(EOPNOTSUPP, vt_veventq_alloc(f.vfd, f.viommu_id,
						  VIOMMU_VEVENTQ_TYPE_DEFAULT,
						  2, NULL, NULL));
	ASSERT_ERRNO(ENOENT, vt_veventq_alloc(f.vfd, 0,
					      VIOMMU_VEVENTQ_TYPE_SELFTEST, 2,
					      NULL, NULL));
	ASSERT_ERRNO(ENOENT, vt_veventq_alloc(f.vfd, f.stdev_id,
					      VIOMMU_VEVENTQ_TYPE_SELFTEST, 2,
					      NULL, NULL));
	/* The type is not checked against the driver; each type once. */
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 2, &id,
				   &qfd));
	ASSERT_ERRNO(EEXIST, vt_veventq_alloc(f.vfd, f.viommu_id,
					      VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
					      1, NULL, NULL));
	/* The fd pins the vEVENTQ, which pins the vIOMMU. */
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, id));
	ASSERT_OK(close(qfd));
	ASSERT_OK(vt_destroy(f.vfd, id));
	/* Freed with its type slot */
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 1, NULL,
				   NULL));
	vt_teardown(&f);
}

/* Events reach only the vEVENTQ of their type, from an attached device. */
TEST(vevent_needs_attach_and_queue)
{
	struct vt_fixture f;
	__u32 vdev_id, id;
	int qfd;

	vt_setup(&f, VT_NESTED);
	ASSERT_ERRNO(ENOENT, vt_trigger_vevent(f.vfd, 0));
	ASSERT_ERRNO(ENOENT, vt_trigger_vevent(f.vfd, f.device_id));
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   &vdev_id));
	ASSERT_ERRNO(ENOENT, vt_trigger_vevent(f.vfd, f.device_id));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.nested_hwpt_id));
	ASSERT_ERRNO(EOPNOTSUPP, vt_trigger_vevent(f.vfd, f.device_id));
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 4, &id,
				   &qfd));
	ASSERT_ERRNO(EOPNOTSUPP, vt_trigger_vevent(f.vfd, f.device_id));
	ASSERT_OK(close(qfd));
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 4, &id, &qfd));
	ASSERT_OK(vt_trigger_vevent(f.vfd, f.device_id));
	vt_expect_vevent(qfd, 0x99, 0);
	/* Back on the IOAS the device reports to no vIOMMU. */
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.ioas_id));
	ASSERT_ERRNO(ENOENT, vt_trigger_vevent(f.vfd, f.device_id));
	/* An open vEVENTQ file keeps the context: close it first. */
	ASSERT_OK(close(qfd));
	vt_teardown(&f);
}

static int poll_in(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDNORM };
	int rc = poll(&p, 1, timeout_ms);

	if (rc <= 0)
		return rc;
	ASSERT_EQ(POLLIN | POLLRDNORM, p.revents & (POLLIN | POLLRDNORM));
	ASSERT_EQ(0, p.revents & (POLLERR | POLLHUP | POLLNVAL));
	return rc;
}

struct poller {
	int fd;
	int rc;
};

static void *poll_thread(void *arg)
{
	struct poller *p = arg;

	p->rc = poll_in(p->fd, 10000);
	return NULL;
}

TEST(veventq_poll)
{
	struct poller p = {};
	struct vt_fixture f;
	__u32 vdev_id, id;
	pthread_t thread;
	char buf[64];

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   &vdev_id));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.nested_hwpt_id));
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 4, &id,
				   &p.fd));
	ASSERT_EQ(0, poll_in(p.fd, 0));
	ASSERT_OK(vt_trigger_vevent(f.vfd, f.device_id));
	ASSERT_EQ(1, poll_in(p.fd, 0));
	ASSERT_EQ(1, poll_in(p.fd, 0));
	vt_expect_vevent(p.fd, 0x99, 0);
	ASSERT_EQ(0, poll_in(p.fd, 0));

	/* A sleeping poller is woken by a new event. */
	ASSERT_EQ(0, pthread_create(&thread, NULL, poll_thread, &p));
	usleep(200000);
	ASSERT_OK(vt_trigger_vevent(f.vfd, f.device_id));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ASSERT_EQ(1, p.rc);
	vt_expect_vevent(p.fd, 0x99, 1);
	ASSERT_EQ(0, read(p.fd, buf, sizeof(buf)));
	ASSERT_OK(close(p.fd));
	vt_teardown(&f);
}

TEST(vdevice_cache)
{
	struct viommu_viommu_invalidate_selftest inv[2] = {};
	const __u32 type = VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST;
	const __u32 len = sizeof(inv[0]);
	const __u32 dflt = VIOMMU_TEST_DEV_CACHE_DEFAULT;
	__u32 vdev_id, num, dev2;
	struct vt_fixture f;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   &vdev_id));
	vt_check_cache_all(f.vfd, f.device_id, dflt);

	/* An empty array only checks data_type. */
	num = 0;
	ASSERT_OK(vt_invalidate(f.vfd, f.viommu_id, inv, type, len, &num));
	ASSERT_EQ(0, num);
	num = 1;
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, f.viommu_id, inv,
					   VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID,
					   len, &num));
	ASSERT_EQ(0, num);
	/* Entry sizes */
	num = 1;
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, f.viommu_id, inv, type,
					   len + 1, &num));
	ASSERT_EQ(0, num);
	num = 1;
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, f.viommu_id, inv, type, 1,
					   &num));
	ASSERT_EQ(0, num);
	/* Invalid flags */
	num = 1;
	inv[0].flags = 0xffffffff;
	inv[0].vdev_id = 0x99;
	ASSERT_ERRNO(EOPNOTSUPP, vt_invalidate(f.vfd, f.viommu_id, inv, type,
					       len, &num));
	ASSERT_EQ(0, num);
	/* A non-empty array needs a pointer and an entry length. */
	num = 1;
	inv[0].flags = 0;
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, f.viommu_id, NULL, type,
					   len, &num));
	ASSERT_EQ(0, num);
	num = 1;
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, f.viommu_id, inv, type, 0,
					   &num));
	ASSERT_EQ(0, num);
	/* Invalid cache_id, then invalid vdev_id */
	num = 1;
	inv[0].cache_id = VIOMMU_MOCK_DEV_CACHE_ID_MAX + 1;
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, f.viommu_id, inv, type, len,
					   &num));
	ASSERT_EQ(0, num);
	num = 1;
	inv[0].vdev_id = 0x9;
	inv[0].cache_id = 0;
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, f.viommu_id, inv, type, len,
					   &num));
	ASSERT_EQ(0, num);
	vt_check_cache_all(f.vfd, f.device_id, dflt);

	/* The 1st entry is done, the 2nd fails on its flags. */
	num = 2;
	inv[0] = (struct viommu_viommu_invalidate_selftest){
		.vdev_id = 0x99, .cache_id = 0,
	};
	inv[1] = (struct viommu_viommu_invalidate_selftest){
		.flags = 0xffffffff, .vdev_id = 0x99, .cache_id = 1,
	};
	ASSERT_ERRNO(EOPNOTSUPP, vt_invalidate(f.vfd, f.viommu_id, inv, type,
					       len, &num));
	ASSERT_EQ(1, num);
	ASSERT_OK(vt_check_cache(f.vfd, f.device_id, 0, 0));
	ASSERT_OK(vt_check_cache(f.vfd, f.device_id, 1, dflt));
	ASSERT_OK(vt_check_cache(f.vfd, f.device_id, 2, dflt));
	ASSERT_OK(vt_check_cache(f.vfd, f.device_id, 3, dflt));
	/* DEV_CHECK_CACHE itself tells a mismatch. */
	ASSERT_ERRNO(EINVAL, vt_check_cache(f.vfd, f.device_id, 1, 0));

	/* The 1st entry is done, the 2nd fails on its cache_id. */
	num = 2;
	inv[1] = (struct viommu_viommu_invalidate_selftest){
		.vdev_id = 0x99, .cache_id = VIOMMU_MOCK_DEV_CACHE_ID_MAX + 1,
	};
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, f.viommu_id, inv, type, len,
					   &num));
	ASSERT_EQ(1, num);
	ASSERT_OK(vt_check_cache(f.vfd, f.device_id, 0, 0));
	ASSERT_OK(vt_check_cache(f.vfd, f.device_id, 1, dflt));

	/* The 2nd entry */
	num = 1;
	inv[0].cache_id = 1;
	ASSERT_OK(vt_invalidate(f.vfd, f.viommu_id, inv, type, len, &num));
	ASSERT_EQ(1, num);
	ASSERT_OK(vt_check_cache(f.vfd, f.device_id, 0, 0));
	ASSERT_OK(vt_check_cache(f.vfd, f.device_id, 1, 0));
	ASSERT_OK(vt_check_cache(f.vfd, f.device_id, 2, dflt));
	ASSERT_OK(vt_check_cache(f.vfd, f.device_id, 3, dflt));

	/* The 3rd and 4th in one call */
	num = 2;
	inv[0].cache_id = 2;
	inv[1].cache_id = 3;
	ASSERT_OK(vt_invalidate(f.vfd, f.viommu_id, inv, type, len, &num));
	ASSERT_EQ(2, num);
	vt_check_cache_all(f.vfd, f.device_id, 0);

	/* FLAG_ALL clears every entry of the one device it names. */
	ASSERT_OK(vt_mock_domain(f.vfd, f.ioas_id, NULL, NULL, &dev2));
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, dev2, 0x77, NULL));
	vt_check_cache_all(f.vfd, dev2, dflt);
	num = 1;
	inv[0] = (struct viommu_viommu_invalidate_selftest){
		.flags = VIOMMU_TEST_INVALIDATE_FLAG_ALL, .vdev_id = 0x77,
	};
	ASSERT_OK(vt_invalidate(f.vfd, f.viommu_id, inv, type, len, &num));
	ASSERT_EQ(1, num);
	vt_check_cache_all(f.vfd, dev2, 0);
	ASSERT_OK(vt_destroy(f.vfd, vdev_id));
	vt_teardown(&f);
}

/* The core checks of iommufd_hwpt_invalidate(), before the driver's. */
TEST(viommu_invalidate_errors)
{
	struct viommu_viommu_invalidate_selftest inv = { .vdev_id = 0x99 };
	const __u32 type = VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST;
	struct viommu_hwpt_invalidate cmd;
	struct vt_fixture f;
	__u32 veventq_id, num;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   NULL));
	cmd = (struct viommu_hwpt_invalidate){
		.size = sizeof(cmd),
		.hwpt_id = f.viommu_id,
		.data_uptr = (uintptr_t)&inv,
		.data_type = type,
		.entry_len = sizeof(inv),
		.entry_num = 1,
		.__reserved = 1,
	};
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(f.vfd, VIOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(0, cmd.entry_num);
	num = 1;
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, f.viommu_id, &inv, type,
					   psz + 1, &num));
	ASSERT_EQ(0, num);
	num = (1U << 19) + 1;
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, f.viommu_id, &inv, type,
					   sizeof(inv), &num));
	ASSERT_EQ(0, num);
	/* hwpt_id: unknown is ENOENT, a wrong kind of object EINVAL */
	num = 1;
	ASSERT_ERRNO(ENOENT, vt_invalidate(f.vfd, 0, &inv, type, sizeof(inv),
					   &num));
	ASSERT_EQ(0, num);
	/*
	 * A nested HWPT: not this file's (/dev/viommu), or on one file the
	 * HWPT's own invalidation, which refuses the vIOMMU's data type.
	 */
	num = 1;
	ASSERT_ERRNO(vt_two_files() ? ENOENT : EINVAL,
		     vt_invalidate(f.vfd, f.nested_hwpt_id, &inv, type,
				   sizeof(inv), &num));
	ASSERT_EQ(0, num);
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 2,
				   &veventq_id, NULL));
	num = 1;
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, veventq_id, &inv, type,
					   sizeof(inv), &num));
	ASSERT_EQ(0, num);
	num = 1;
	ASSERT_ERRNO(EINVAL, vt_invalidate(f.vfd, f.stdev_id, &inv, type,
					   sizeof(inv), &num));
	ASSERT_EQ(0, num);
	/* An unreadable array */
	num = 1;
	ASSERT_ERRNO(EFAULT, vt_invalidate(f.vfd, f.viommu_id,
					   guarded_page() + psz, type,
					   sizeof(inv), &num));
	ASSERT_EQ(0, num);
	num = 1;
	ASSERT_OK(vt_invalidate(f.vfd, f.viommu_id, &inv, type, sizeof(inv),
				&num));
	ASSERT_EQ(1, num);
	vt_teardown(&f);
}

/*
 * Unbinding a device (destroying the mock device) destroys its vDEVICE
 * first; its id is then gone.
 */
TEST(vdevice_tombstone)
{
	struct vt_fixture f;
	__u32 vdev_id, stdev2, dev2, id;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   &vdev_id));
	ASSERT_OK(vt_destroy(f.vfd, f.stdev_id));
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, vdev_id));
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, f.stdev_id));
	/* The device and its virt_id slot are gone too. */
	ASSERT_ERRNO(ENOENT, vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id,
					      0x55, NULL));
	ASSERT_OK(vt_mock_domain(f.vfd, f.ioas_id, &stdev2, NULL, &dev2));
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, dev2, 0x99, &id));
	ASSERT_TRUE(id != vdev_id);
	/* It no longer pins the vIOMMU. */
	ASSERT_OK(vt_destroy(f.vfd, id));
	ASSERT_OK(stock_destroy(f.iommufd, f.nested_hwpt_id));
	ASSERT_OK(vt_destroy(f.vfd, f.viommu_id));
	vt_teardown(&f);
}

/* The same with the device attached to the nested HWPT and reporting. */
TEST(vdevice_tombstone_attached)
{
	struct vt_fixture f;
	__u32 vdev_id, id;
	int qfd;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   &vdev_id));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.nested_hwpt_id));
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 4, &id, &qfd));
	ASSERT_OK(vt_trigger_vevent(f.vfd, f.device_id));
	/* Attached: the nested HWPT is in use. */
	ASSERT_ERRNO(EBUSY, stock_destroy(f.iommufd, f.nested_hwpt_id));
	ASSERT_OK(vt_destroy(f.vfd, f.stdev_id));
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, vdev_id));
	ASSERT_ERRNO(ENOENT, vt_trigger_vevent(f.vfd, f.device_id));
	/* The event queued before stays readable. */
	vt_expect_vevent(qfd, 0x99, 0);
	ASSERT_OK(close(qfd));
	ASSERT_OK(vt_destroy(f.vfd, id));
	ASSERT_OK(stock_destroy(f.iommufd, f.nested_hwpt_id));
	ASSERT_OK(vt_destroy(f.vfd, f.viommu_id));
	ASSERT_OK(stock_destroy(f.iommufd, f.hwpt_id));
	vt_teardown(&f);
}

/*
 * A replace that fails puts the device back on the nested HWPT it was on,
 * and that must not fail (the IOMMU core WARNs), even after the device's
 * vDEVICE was destroyed under it: a second nested HWPT of the vIOMMU is
 * refused for want of a vDEVICE, and the device stays where it was.
 */
TEST(failed_replace_back_onto_nested_without_vdevice)
{
	struct vt_fixture f;
	__u32 vdev_id, nested2;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x42,
				   &vdev_id));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.nested_hwpt_id));
	ASSERT_OK(vt_destroy(f.vfd, vdev_id));
	ASSERT_OK(vt_nested_alloc_default(f.vfd, f.device_id, f.viommu_id,
					  &nested2));
	ASSERT_ERRNO(ENOENT, vt_mock_replace(f.vfd, f.stdev_id, nested2));
	/* Still on the first one: it stays busy, the second one is free. */
	ASSERT_ERRNO(EBUSY, stock_destroy(f.iommufd, f.nested_hwpt_id));
	ASSERT_OK(stock_destroy(f.iommufd, nested2));
	ASSERT_OK(vt_destroy(f.vfd, f.stdev_id));
	ASSERT_OK(stock_destroy(f.iommufd, f.nested_hwpt_id));
	ASSERT_OK(vt_destroy(f.vfd, f.viommu_id));
	ASSERT_OK(stock_destroy(f.iommufd, f.hwpt_id));
	vt_teardown(&f);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
