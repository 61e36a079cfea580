// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/viommu with a real device: the VM's edu PCI device, bound to
 * vfio-pci behind the emulated SMMUv3 and to a stock iommufd through its
 * VFIO cdev. The calls must answer as the SMMUv3 backend's state says
 * (smmuv3_test covers the backend itself), and the unbind hook must leave
 * a device without a vDEVICE alone.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include <linux/viommu.h>

#include "edu_regs.h"
#include "util.h"

struct vfio_fixture {
	int iommufd;
	int devfd;
	int vfd;
	__u32 dev_id;
	__u32 ioas_id;
};

static void vfio_setup(struct vfio_fixture *f)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };

	f->iommufd = open_iommufd();
	f->devfd = open(EDU_CDEV, O_RDWR | O_CLOEXEC);
	if (f->devfd < 0)
		SKIP(EDU_CDEV " is missing: no VFIO device in this VM");
	bind.iommufd = f->iommufd;
	ASSERT_OK(ioctl(f->devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	f->dev_id = bind.out_devid;
	ASSERT_OK(ioctl(f->iommufd, IOMMU_IOAS_ALLOC, &ioas));
	f->ioas_id = ioas.out_ioas_id;
	ASSERT_OK(vt_door_bind(f->iommufd, &f->vfd));
}

/*
 * With the SMMUv3 backend on, the answer is its own (IDRs, checked in
 * smmuv3_test); without it, 6.12's driver has no hw_info: type NONE, the
 * buffer zeroed, and NONE answers a query for any type, as upstream answers
 * for an IOMMU without hw_info. With it, a type it does not serve is
 * EOPNOTSUPP.
 */
TEST(hw_info_of_real_device)
{
	struct viommu_hw_info info = { .size = sizeof(info) };
	bool backend = viommu_param_state("smmuv3_ready") == 'Y';
	struct vfio_fixture f;
	__u8 buf[64];

	vfio_setup(&f);
	memset(buf, 0xa5, sizeof(buf));
	info.dev_id = f.dev_id;
	info.data_len = sizeof(buf);
	info.data_uptr = (unsigned long)buf;
	ASSERT_OK(ioctl(f.vfd, VIOMMU_GET_HW_INFO, &info));
	if (backend) {
		ASSERT_EQ(VIOMMU_HW_INFO_TYPE_ARM_SMMUV3, info.out_data_type);
		ASSERT_EQ(sizeof(struct viommu_hw_info_arm_smmuv3), info.data_len);
		/* Past what the kernel has, the user buffer is zeroed. */
		for (unsigned int i = info.data_len; i < sizeof(buf); i++)
			ASSERT_EQ(0, buf[i]);
	} else {
		ASSERT_EQ(VIOMMU_HW_INFO_TYPE_NONE, info.out_data_type);
		ASSERT_EQ(0, info.data_len);
		for (unsigned int i = 0; i < sizeof(buf); i++)
			ASSERT_EQ(0, buf[i]);
	}

	info.flags = VIOMMU_HW_INFO_FLAG_INPUT_TYPE;
	info.data_len = sizeof(buf);
	if (backend) {
		info.in_data_type = VIOMMU_HW_INFO_TYPE_TEGRA241_CMDQV;
		ASSERT_ERRNO(EOPNOTSUPP,
			     ioctl(f.vfd, VIOMMU_GET_HW_INFO, &info));
	} else {
		/* As upstream: an IOMMU without hw_info answers NONE to any. */
		info.in_data_type = VIOMMU_HW_INFO_TYPE_ARM_SMMUV3;
		ASSERT_OK(ioctl(f.vfd, VIOMMU_GET_HW_INFO, &info));
		ASSERT_EQ(VIOMMU_HW_INFO_TYPE_NONE, info.out_data_type);
		ASSERT_EQ(0, info.data_len);
	}
}

/*
 * Refused before any object exists: without the backend there is no
 * driver; with it, a vIOMMU needs a nest parent (EINVAL, as upstream)
 * once the coherency gate lets it through.
 */
TEST(viommu_alloc_needs_driver_and_nest_parent)
{
	struct iommu_hwpt_alloc parent = { .size = sizeof(parent) };
	struct viommu_viommu_alloc alloc = { .size = sizeof(alloc) };
	bool backend = viommu_param_state("smmuv3_ready") == 'Y';
	bool gate_open = viommu_param_state("smmuv3_allow_noncoherent") == 'Y';
	struct vfio_fixture f;

	vfio_setup(&f);
	parent.dev_id = f.dev_id;
	parent.pt_id = f.ioas_id;
	ASSERT_OK(ioctl(f.iommufd, IOMMU_HWPT_ALLOC, &parent));

	alloc.type = VIOMMU_VIOMMU_TYPE_ARM_SMMUV3;
	alloc.dev_id = f.dev_id;
	alloc.hwpt_id = parent.out_hwpt_id;
	ASSERT_ERRNO(backend && gate_open ? EINVAL : EOPNOTSUPP,
		     ioctl(f.vfd, VIOMMU_VIOMMU_ALLOC, &alloc));
	alloc.type = VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV;
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(f.vfd, VIOMMU_VIOMMU_ALLOC, &alloc));
	alloc.type = VIOMMU_VIOMMU_TYPE_ARM_SMMUV3;
	alloc.dev_id = f.ioas_id;
	ASSERT_ERRNO(ENOENT, ioctl(f.vfd, VIOMMU_VIOMMU_ALLOC, &alloc));
}

/*
 * Closing the VFIO device unbinds it through the hooked stock unbind while
 * /dev/viommu is bound: nothing to tear down, and both fds stay usable.
 */
TEST(unbind_hook_passes_devices_through)
{
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct viommu_destroy destroy = { .size = sizeof(destroy) };
	struct vfio_fixture f;

	vfio_setup(&f);
	ASSERT_OK(close(f.devfd));
	/* Before the IOAS: through the stock door it could take that id. */
	destroy.id = f.dev_id;
	ASSERT_ERRNO(ENOENT, ioctl(f.vfd, VIOMMU_DESTROY, &destroy));
	ASSERT_OK(ioctl(f.iommufd, IOMMU_IOAS_ALLOC, &ioas));
	ASSERT_OK(close(f.vfd));
	ASSERT_OK(close(f.iommufd));

	/* The device binds again: its DMA ownership was released. */
	vfio_setup(&f);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
