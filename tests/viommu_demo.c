// SPDX-License-Identifier: GPL-2.0
/*
 * viommu_demo: walk the vIOMMU flow on the selftest backend, in plain
 * words: IOAS, mock device, nest parent, vIOMMU, vDEVICE, nested HWPT,
 * attach, an event read from the vEVENTQ, a guest invalidation, a HW
 * queue, and teardown. Exits non-zero if any step does not behave.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <linux/viommu.h>
#include <linux/viommu_test.h>

#define IOVA 0x1000000UL	/* the mock IOMMU's aperture starts here */

static int failures;

static void step(int ok, const char *fmt, ...)
{
	va_list ap;

	printf(ok ? "  ok    " : "  WRONG ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failures++;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int test_cmd(int vfd, struct viommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return xioctl(vfd, VIOMMU_TEST_CMD, cmd);
}

static int check_cache(int vfd, __u32 dev_id, __u32 cache_id, __u32 value)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_DEV_CHECK_CACHE,
		.id = dev_id,
		.check_dev_cache = { .id = cache_id, .cache = value },
	};

	return test_cmd(vfd, &cmd) == 0;
}

int main(void)
{
	long psz = sysconf(_SC_PAGESIZE);
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct iommu_ioas_map map = { .size = sizeof(map) };
	struct iommu_ioas_unmap unmap = { .size = sizeof(unmap) };
	struct iommu_hwpt_alloc parent = { .size = sizeof(parent) };
	struct viommu_bind_iommufd bind = { .size = sizeof(bind) };
	struct viommu_test_cmd mock = { .op = VIOMMU_TEST_OP_MOCK_DOMAIN };
	struct viommu_test_cmd replace = {
		.op = VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
	};
	struct viommu_viommu_alloc valloc = { .size = sizeof(valloc) };
	struct viommu_veventq_alloc qalloc = { .size = sizeof(qalloc) };
	struct viommu_hwpt_selftest nest_data = {
		.iotlb = VIOMMU_TEST_IOTLB_DEFAULT,
	};
	struct viommu_hwpt_alloc nested = { .size = sizeof(nested) };
	struct viommu_vdevice_alloc vdev = { .size = sizeof(vdev) };
	struct viommu_test_cmd trigger = { .op = VIOMMU_TEST_OP_TRIGGER_VEVENT };
	struct viommu_viommu_invalidate_selftest inv_entry = {
		.vdev_id = 0x99,
		.cache_id = 0,
	};
	struct viommu_hwpt_invalidate inv = { .size = sizeof(inv) };
	struct viommu_hw_queue_alloc queue = { .size = sizeof(queue) };
	struct viommu_destroy destroy = { .size = sizeof(destroy) };
	struct {
		struct viommu_vevent_header hdr;
		struct viommu_viommu_event_selftest data;
	} event;
	struct pollfd pfd;
	int iommufd, vfd, qfd, rc;
	void *buf;

	printf("== The stock iommufd: an IOAS with two pages of our memory\n");
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0) {
		printf("cannot open /dev/iommu: %s\n", strerror(errno));
		return 1;
	}
	rc = xioctl(iommufd, IOMMU_IOAS_ALLOC, &ioas);
	step(!rc, "IOMMU_IOAS_ALLOC on /dev/iommu: IOAS %u", ioas.out_ioas_id);
	buf = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	map.ioas_id = ioas.out_ioas_id;
	map.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		    IOMMU_IOAS_MAP_WRITEABLE;
	map.user_va = (unsigned long)buf;
	map.iova = IOVA;
	map.length = psz;
	rc = xioctl(iommufd, IOMMU_IOAS_MAP, &map);
	map.user_va += psz;
	map.iova += psz;
	rc = rc ?: xioctl(iommufd, IOMMU_IOAS_MAP, &map);
	step(!rc, "IOMMU_IOAS_MAP: guest-physical 0x%lx and 0x%lx (one page each)",
	     IOVA, IOVA + psz);

	printf("== /dev/viommu, bound to that iommufd\n");
	vfd = open("/dev/viommu", O_RDWR);
	bind.iommufd_fd = iommufd;
	rc = vfd < 0 ? -errno : xioctl(vfd, VIOMMU_BIND_IOMMUFD, &bind);
	step(!rc, "VIOMMU_BIND_IOMMUFD: ids below name the iommufd's objects");
	if (rc)
		return 1;

	mock.id = ioas.out_ioas_id;
	rc = test_cmd(vfd, &mock);
	step(!rc, "a mock device behind the selftest IOMMU: iommufd dev_id %u, on the IOAS",
	     mock.mock_domain.out_idev_id);
	parent.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	parent.dev_id = mock.mock_domain.out_idev_id;
	parent.pt_id = ioas.out_ioas_id;
	rc = xioctl(iommufd, IOMMU_HWPT_ALLOC, &parent);
	step(!rc, "stock IOMMU_HWPT_ALLOC(NEST_PARENT): stage-2 HWPT %u over the IOAS",
	     parent.out_hwpt_id);

	printf("== The vIOMMU layer\n");
	valloc.type = VIOMMU_VIOMMU_TYPE_SELFTEST;
	valloc.dev_id = parent.dev_id;
	valloc.hwpt_id = parent.out_hwpt_id;
	rc = xioctl(vfd, VIOMMU_VIOMMU_ALLOC, &valloc);
	step(!rc && valloc.out_viommu_id >= 0x80000000U,
	     "VIOMMU_ALLOC: vIOMMU 0x%x (our ids have bit 31 set, stock ids never do)",
	     valloc.out_viommu_id);
	qalloc.viommu_id = valloc.out_viommu_id;
	qalloc.type = VIOMMU_VEVENTQ_TYPE_SELFTEST;
	qalloc.veventq_depth = 4;
	rc = xioctl(vfd, VIOMMU_VEVENTQ_ALLOC, &qalloc);
	qfd = rc ? -1 : (int)qalloc.out_veventq_fd;
	step(!rc, "VEVENTQ_ALLOC: an event queue of depth 4, read through fd %d", qfd);

	nested.dev_id = parent.dev_id;
	nested.pt_id = valloc.out_viommu_id;
	nested.data_type = VIOMMU_HWPT_DATA_SELFTEST;
	nested.data_len = sizeof(nest_data);
	nested.data_uptr = (unsigned long)&nest_data;
	rc = xioctl(vfd, VIOMMU_HWPT_ALLOC, &nested);
	step(!rc, "HWPT_ALLOC on the vIOMMU: nested HWPT %u, a stock object of the iommufd",
	     nested.out_hwpt_id);

	replace.id = mock.mock_domain.out_stdev_id;
	replace.mock_domain_replace.pt_id = nested.out_hwpt_id;
	rc = test_cmd(vfd, &replace);
	step(rc == -ENOENT, "attaching the device to it before it has a vDEVICE is refused: %s",
	     strerror(-rc));
	vdev.viommu_id = valloc.out_viommu_id;
	vdev.dev_id = parent.dev_id;
	vdev.virt_id = 0x99;
	rc = xioctl(vfd, VIOMMU_VDEVICE_ALLOC, &vdev);
	step(!rc, "VDEVICE_ALLOC: the guest calls this device 0x99 (vDEVICE 0x%x)",
	     vdev.out_vdevice_id);
	rc = test_cmd(vfd, &replace);
	step(!rc, "attached the device to the nested HWPT through the stock path");

	trigger.trigger_vevent.dev_id = parent.dev_id;
	rc = test_cmd(vfd, &trigger);
	pfd.fd = qfd;
	pfd.events = POLLIN;
	step(!rc && poll(&pfd, 1, 1000) == 1,
	     "the mock IOMMU reported an event: poll() says readable");
	rc = read(qfd, &event, sizeof(event));
	step(rc == sizeof(event) && event.data.virt_id == 0x99 && !event.hdr.flags,
	     "read() one record: sequence %u, guest device 0x%x",
	     event.hdr.sequence, event.data.virt_id);

	inv.hwpt_id = valloc.out_viommu_id;
	inv.data_type = VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST;
	inv.entry_len = sizeof(inv_entry);
	inv.entry_num = 1;
	inv.data_uptr = (unsigned long)&inv_entry;
	rc = xioctl(vfd, VIOMMU_HWPT_INVALIDATE, &inv);
	step(!rc && inv.entry_num == 1 &&
	     check_cache(vfd, parent.dev_id, 0, 0) &&
	     check_cache(vfd, parent.dev_id, 1, VIOMMU_TEST_DEV_CACHE_DEFAULT),
	     "guest invalidation of cache 0 of device 0x99: cache 0 cleared, cache 1 kept");

	queue.viommu_id = valloc.out_viommu_id;
	queue.type = VIOMMU_HW_QUEUE_TYPE_SELFTEST;
	queue.nesting_parent_iova = IOVA;
	queue.length = psz;
	rc = xioctl(vfd, VIOMMU_HW_QUEUE_ALLOC, &queue);
	step(!rc, "HW_QUEUE_ALLOC: the guest queue at 0x%lx is pinned (HW queue 0x%x)",
	     IOVA, queue.out_hw_queue_id);
	unmap.ioas_id = ioas.out_ioas_id;
	unmap.iova = IOVA;
	unmap.length = psz;
	rc = xioctl(iommufd, IOMMU_IOAS_UNMAP, &unmap);
	step(rc == -EBUSY, "unmapping the queue's page from the IOAS is refused: %s",
	     strerror(-rc));
	unmap.iova = IOVA + psz;
	rc = xioctl(iommufd, IOMMU_IOAS_UNMAP, &unmap);
	step(!rc, "the page next to it unmaps fine");

	destroy.id = valloc.out_viommu_id;
	rc = xioctl(vfd, VIOMMU_DESTROY, &destroy);
	step(rc == -EBUSY, "destroying the vIOMMU while it is in use: %s", strerror(-rc));

	printf("== Teardown: closing the files frees everything, in order\n");
	close(qfd);
	close(vfd);
	close(iommufd);
	munmap(buf, 2 * psz);
	step(1, "closed the vEVENTQ, /dev/viommu and /dev/iommu");
	printf("%s\n", failures ? "demo: something went wrong" : "demo: all steps behaved");
	return failures ? 1 : 0;
}
