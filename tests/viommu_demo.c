// SPDX-License-Identifier: GPL-2.0
/*
 * viommu_demo: show, in plain words, a /dev/viommu context bound to a
 * stock iommufd, next to a VFIO device bound to that same iommufd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include <linux/viommu.h>

static int bind(int vfd, int iommufd)
{
	struct viommu_bind_iommufd cmd = {
		.size = sizeof(cmd),
		.iommufd_fd = iommufd,
	};

	return ioctl(vfd, VIOMMU_BIND_IOMMUFD, &cmd) ? -errno : 0;
}

int main(void)
{
	struct vfio_device_bind_iommufd vbind = { .argsz = sizeof(vbind) };
	int iommufd, vfd, devfd, rc;

	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0) {
		printf("cannot open /dev/iommu (the stock iommufd): %s\n",
		       strerror(errno));
		return 1;
	}
	printf("opened /dev/iommu, the kernel's own iommufd: fd %d\n", iommufd);

	devfd = open("/dev/vfio/devices/vfio0", O_RDWR);
	if (devfd >= 0) {
		vbind.iommufd = iommufd;
		if (ioctl(devfd, VFIO_DEVICE_BIND_IOMMUFD, &vbind) == 0)
			printf("bound the edu device (VFIO cdev) to that iommufd: dev_id %u\n",
			       vbind.out_devid);
		else
			printf("VFIO_DEVICE_BIND_IOMMUFD failed: %s\n",
			       strerror(errno));
	}

	vfd = open("/dev/viommu", O_RDWR);
	if (vfd < 0) {
		printf("cannot open /dev/viommu: %s\n", strerror(errno));
		return 1;
	}
	printf("opened /dev/viommu: fd %d, a new context, not bound yet\n", vfd);

	rc = bind(vfd, iommufd);
	if (rc) {
		printf("VIOMMU_BIND_IOMMUFD failed: %s\n", strerror(-rc));
		return 1;
	}
	printf("VIOMMU_BIND_IOMMUFD: /dev/viommu is now bound to the stock iommufd;\n"
	       "  ids in later ioctls (dev_id %u, hwpt_id, ioas_id) name that iommufd's objects\n",
	       vbind.out_devid);
	rc = bind(vfd, iommufd);
	printf("binding it a second time is refused: %s (%s)\n",
	       strerror(-rc), rc == -EBUSY ? "EBUSY, as it should" : "unexpected");
	close(iommufd);
	printf("closed our /dev/iommu fd: the binding keeps the iommufd context alive\n");
	close(vfd);
	if (devfd >= 0)
		close(devfd);
	printf("closed /dev/viommu: its reference on the iommufd is dropped\n");
	return rc == -EBUSY ? 0 : 1;
}
