// SPDX-License-Identifier: GPL-2.0
/*
 * Page faults of nested HWPTs: upstream's iommufd_viommu.viommu_alloc_nested_iopf
 * row, over two files. The fault queue is a stock one (IOMMU_FAULT_QUEUE_ALLOC
 * on /dev/iommu); a nested HWPT made on a vIOMMU of /dev/viommu reports to it,
 * and the mock device's page requests (TRIGGER_IOPF) are read and answered
 * on the stock fault fd. Also the memory-limit op the fixture sets up with.
 */
#include "fixture.h"

/* No CONFIG_IOMMU_IOPF: the op is not served, and no HWPT can take faults. */
static void vt_require_iopf(struct vt_fixture *f)
{
	/* Attached to the IOAS: nobody handles it, which is no error. */
	if (vt_trigger_iopf(f->vfd, f->device_id, 0x1) && errno == EOPNOTSUPP)
		SKIP("this kernel has no CONFIG_IOMMU_IOPF");
}

/* Read one fault record; the read must return exactly one. */
static void vt_read_fault(int fault_fd, struct iommu_hwpt_pgfault *fault)
{
	struct iommu_hwpt_pgfault buf[2] = {};

	ASSERT_EQ((ssize_t)sizeof(*fault), read(fault_fd, buf, sizeof(buf)));
	*fault = buf[0];
}

static int vt_respond(int fault_fd, __u32 cookie, __u32 code)
{
	struct iommu_hwpt_page_response resp = {
		.cookie = cookie,
		.code = code,
	};
	ssize_t n = write(fault_fd, &resp, sizeof(resp));

	if (n < 0)
		return -1;
	ASSERT_EQ((ssize_t)sizeof(resp), n);
	return 0;
}

/* upstream's _test_cmd_trigger_iopf(): trigger, read, answer. */
static void vt_iopf_round_trip(struct vt_fixture *f, int fault_fd, __u32 pasid)
{
	struct iommu_hwpt_pgfault fault;

	ASSERT_OK(vt_trigger_iopf(f->vfd, f->device_id, pasid));
	vt_read_fault(fault_fd, &fault);
	ASSERT_EQ(IOMMU_PGFAULT_FLAGS_LAST_PAGE |
		  (pasid ? IOMMU_PGFAULT_FLAGS_PASID_VALID : 0), fault.flags);
	ASSERT_EQ(f->device_id, fault.dev_id);
	ASSERT_EQ(pasid, fault.pasid);
	ASSERT_EQ(VT_IOPF_GRPID, fault.grpid);
	ASSERT_EQ(VT_IOPF_PERM, fault.perm);
	ASSERT_EQ(VT_IOPF_ADDR, fault.addr);
	ASSERT_EQ(0, fault.length);
	ASSERT_OK(vt_respond(fault_fd, fault.cookie, IOMMUFD_PAGE_RESP_SUCCESS));
	/* Answered once: the cookie is gone. */
	ASSERT_ERRNO(EINVAL, vt_respond(fault_fd, fault.cookie,
					IOMMUFD_PAGE_RESP_SUCCESS));
	ASSERT_EQ(0, read(fault_fd, &fault, sizeof(fault)));
}

/*
 * A fault queue, a nested HWPT on the fixture's vIOMMU that reports to it,
 * a vDEVICE, and the mock device moved onto that HWPT.
 */
static void vt_attach_iopf_hwpt(struct vt_fixture *f, __u32 *hwpt_id,
				int *fault_fd)
{
	__u32 fault_id;

	ASSERT_OK(vt_fault_alloc(f->iommufd, &fault_id, fault_fd));
	ASSERT_OK(vt_nested_alloc_iopf(f->vfd, f->device_id, f->viommu_id,
				       fault_id, VIOMMU_HWPT_FAULT_ID_VALID,
				       hwpt_id));
	ASSERT_OK(vt_vdevice_alloc(f->vfd, f->viommu_id, f->device_id, 0x99,
				   NULL));
	ASSERT_OK(vt_mock_replace(f->vfd, f->stdev_id, *hwpt_id));
}

TEST(viommu_alloc_nested_iopf)
{
	struct vt_fixture f;
	__u32 iopf_hwpt_id, fault_id, vdev_id;
	int fault_fd;

	vt_setup(&f, VT_NESTED);
	vt_require_iopf(&f);
	ASSERT_OK(vt_fault_alloc(f.iommufd, &fault_id, &fault_fd));
	ASSERT_TRUE(is_stock_id(fault_id) && fault_fd > 0);
	ASSERT_ERRNO(ENOENT, vt_nested_alloc_iopf(f.vfd, f.device_id,
						  f.viommu_id, UINT32_MAX,
						  VIOMMU_HWPT_FAULT_ID_VALID,
						  &iopf_hwpt_id));
	ASSERT_ERRNO(EOPNOTSUPP,
		     vt_nested_alloc_iopf(f.vfd, f.device_id, f.viommu_id,
					  fault_id,
					  VIOMMU_HWPT_FAULT_ID_VALID | 1U << 31,
					  &iopf_hwpt_id));
	ASSERT_OK(vt_nested_alloc_iopf(f.vfd, f.device_id, f.viommu_id,
				       fault_id, VIOMMU_HWPT_FAULT_ID_VALID,
				       &iopf_hwpt_id));
	ASSERT_TRUE(is_stock_id(iopf_hwpt_id));

	/* Must allocate vdevice before attaching to a nested hwpt */
	ASSERT_ERRNO(ENOENT, vt_mock_replace(f.vfd, f.stdev_id, iopf_hwpt_id));
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   &vdev_id));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, iopf_hwpt_id));
	ASSERT_ERRNO(EBUSY, stock_destroy(f.iommufd, iopf_hwpt_id));
	vt_iopf_round_trip(&f, fault_fd, 0x1);

	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.ioas_id));
	ASSERT_OK(stock_destroy(f.iommufd, iopf_hwpt_id));
	ASSERT_OK(close(fault_fd));
	ASSERT_OK(stock_destroy(f.iommufd, fault_id));
	vt_teardown(&f);
}

/* Without a PASID, and answered INVALID: the same way through. */
TEST(nested_iopf_no_pasid)
{
	struct iommu_hwpt_pgfault fault;
	struct vt_fixture f;
	__u32 hwpt_id;
	int fault_fd;

	vt_setup(&f, VT_NESTED);
	vt_require_iopf(&f);
	vt_attach_iopf_hwpt(&f, &hwpt_id, &fault_fd);
	vt_iopf_round_trip(&f, fault_fd, 0);

	ASSERT_OK(vt_trigger_iopf(f.vfd, f.device_id, 0));
	vt_read_fault(fault_fd, &fault);
	/* A response code the uAPI does not know is refused, not consumed. */
	ASSERT_ERRNO(EINVAL, vt_respond(fault_fd, fault.cookie, 2));
	ASSERT_OK(vt_respond(fault_fd, fault.cookie, IOMMUFD_PAGE_RESP_INVALID));

	/* Attached elsewhere, the device's faults no longer arrive. */
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.nested_hwpt_id));
	ASSERT_OK(vt_trigger_iopf(f.vfd, f.device_id, 0));
	ASSERT_EQ(0, read(fault_fd, &fault, sizeof(fault)));
	ASSERT_OK(close(fault_fd));
	vt_teardown(&f);
}

TEST(nested_iopf_bad_fault_ids)
{
	struct viommu_hwpt_selftest data = {
		.iotlb = VIOMMU_TEST_IOTLB_DEFAULT,
	};
	struct viommu_hwpt_alloc cmd;
	struct vt_fixture f;
	__u32 fault_id, bad[6];
	unsigned int i;
	int fault_fd;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_fault_alloc(f.iommufd, &fault_id, &fault_fd));
	/* No id, no object, or an object that is no fault queue. */
	bad[0] = 0;
	bad[1] = UINT32_MAX;
	bad[2] = f.ioas_id;
	bad[3] = f.hwpt_id;
	bad[4] = f.device_id;
	bad[5] = f.viommu_id;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_ERRNO(ENOENT,
			     vt_nested_alloc_iopf(f.vfd, f.device_id,
						  f.viommu_id, bad[i],
						  VIOMMU_HWPT_FAULT_ID_VALID,
						  NULL));
	/* Without the flag, fault_id is not looked at. */
	ASSERT_OK(vt_nested_alloc_iopf(f.vfd, f.device_id, f.viommu_id,
				       UINT32_MAX, 0, &bad[0]));
	ASSERT_OK(stock_destroy(f.iommufd, bad[0]));

	/* As upstream, flags and the driver's data are checked first. */
	ASSERT_ERRNO(EOPNOTSUPP,
		     vt_nested_alloc_iopf(f.vfd, f.device_id, f.viommu_id,
					  UINT32_MAX,
					  VIOMMU_HWPT_FAULT_ID_VALID | 1U << 31,
					  NULL));
	cmd = (struct viommu_hwpt_alloc){
		.size = sizeof(cmd),
		.flags = VIOMMU_HWPT_FAULT_ID_VALID,
		.dev_id = f.device_id,
		.pt_id = f.viommu_id,
		.data_type = VIOMMU_HWPT_DATA_SELFTEST,
		.data_len = 2,
		.data_uptr = (uintptr_t)&data,
		.fault_id = UINT32_MAX,
	};
	ASSERT_ERRNO(EINVAL, ioctl(f.vfd, VIOMMU_HWPT_ALLOC, &cmd));
	cmd.data_len = sizeof(data);
	cmd.data_type = 0xbeef;
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(f.vfd, VIOMMU_HWPT_ALLOC, &cmd));
	cmd.data_type = VIOMMU_HWPT_DATA_SELFTEST;
	ASSERT_ERRNO(ENOENT, ioctl(f.vfd, VIOMMU_HWPT_ALLOC, &cmd));
	cmd.fault_id = fault_id;
	ASSERT_OK(ioctl(f.vfd, VIOMMU_HWPT_ALLOC, &cmd));
	ASSERT_OK(stock_destroy(f.iommufd, cmd.out_hwpt_id));

	/* The refusals left no reference: everything goes at once. */
	ASSERT_OK(close(fault_fd));
	ASSERT_OK(stock_destroy(f.iommufd, fault_id));
	ASSERT_OK(stock_destroy(f.iommufd, f.nested_hwpt_id));
	ASSERT_OK(vt_destroy(f.vfd, f.viommu_id));
	vt_teardown(&f);
}

/* The nested HWPT holds its fault queue, as a stock HWPT does. */
TEST(nested_iopf_pins_fault_queue)
{
	struct vt_fixture f;
	__u32 hwpt_id, hwpt2_id, fault_id;
	int fault_fd;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_fault_alloc(f.iommufd, &fault_id, &fault_fd));
	ASSERT_OK(vt_nested_alloc_iopf(f.vfd, f.device_id, f.viommu_id,
				       fault_id, VIOMMU_HWPT_FAULT_ID_VALID,
				       &hwpt_id));
	ASSERT_OK(vt_nested_alloc_iopf(f.vfd, f.device_id, f.viommu_id,
				       fault_id, VIOMMU_HWPT_FAULT_ID_VALID,
				       &hwpt2_id));
	/* The open fd holds it as well: close it to see the HWPTs' pins. */
	ASSERT_OK(close(fault_fd));
	ASSERT_ERRNO(EBUSY, stock_destroy(f.iommufd, fault_id));
	ASSERT_OK(stock_destroy(f.iommufd, hwpt_id));
	ASSERT_ERRNO(EBUSY, stock_destroy(f.iommufd, fault_id));
	ASSERT_OK(stock_destroy(f.iommufd, hwpt2_id));
	ASSERT_OK(stock_destroy(f.iommufd, fault_id));
	ASSERT_ERRNO(ENOENT, stock_destroy(f.iommufd, fault_id));
	vt_teardown(&f);
}

/*
 * Closing the files with faults pending, one read and unanswered, one not
 * read at all, frees everything (the VM run's kmemleak scan looks too).
 */
TEST(nested_iopf_close_frees_all)
{
	struct iommu_hwpt_pgfault fault;
	struct vt_fixture f;
	__u32 hwpt_id;
	int fault_fd;

	vt_setup(&f, VT_NESTED);
	vt_require_iopf(&f);
	vt_attach_iopf_hwpt(&f, &hwpt_id, &fault_fd);
	ASSERT_OK(vt_trigger_iopf(f.vfd, f.device_id, 0x1));
	vt_read_fault(fault_fd, &fault);
	ASSERT_OK(vt_trigger_iopf(f.vfd, f.device_id, 0x1));
	/* The fault file holds the stock context: it goes first. */
	ASSERT_OK(close(fault_fd));
	vt_teardown(&f);
}

/* Unanswered requests are capped per device; answering frees room. */
TEST(trigger_iopf_unanswered_capped)
{
	struct iommu_hwpt_pgfault fault;
	struct vt_fixture f;
	__u32 hwpt_id;
	int fault_fd, i;

	vt_setup(&f, VT_NESTED);
	vt_require_iopf(&f);
	vt_attach_iopf_hwpt(&f, &hwpt_id, &fault_fd);
	for (i = 0; i < 1024; i++)
		ASSERT_OK(vt_trigger_iopf(f.vfd, f.device_id, 0));
	ASSERT_ERRNO(EBUSY, vt_trigger_iopf(f.vfd, f.device_id, 0));
	/* One of the 1024 queued, read alone and answered. */
	ASSERT_EQ((ssize_t)sizeof(fault), read(fault_fd, &fault, sizeof(fault)));
	ASSERT_OK(vt_respond(fault_fd, fault.cookie, IOMMUFD_PAGE_RESP_SUCCESS));
	ASSERT_OK(vt_trigger_iopf(f.vfd, f.device_id, 0));
	ASSERT_ERRNO(EBUSY, vt_trigger_iopf(f.vfd, f.device_id, 0));
	/* Closing the queue answers the rest: the device has room again. */
	ASSERT_OK(close(fault_fd));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.nested_hwpt_id));
	ASSERT_OK(vt_trigger_iopf(f.vfd, f.device_id, 0));
	vt_teardown(&f);
}

TEST(trigger_iopf_errors)
{
	struct vt_fixture f;
	int iommufd, vfd;

	vt_setup(&f, VT_NESTED);
	vt_require_iopf(&f);
	ASSERT_ERRNO(ENOENT, vt_trigger_iopf(f.vfd, 0, 0x1));
	ASSERT_ERRNO(ENOENT, vt_trigger_iopf(f.vfd, f.ioas_id, 0x1));
	/* The mock device's id on this file is not its device id. */
	ASSERT_ERRNO(ENOENT, vt_trigger_iopf(f.vfd, f.stdev_id, 0x1));
	/* A file not bound yet has no devices. */
	vfd = open_viommu();
	ASSERT_ERRNO(EBADFD, vt_trigger_iopf(vfd, f.device_id, 0x1));
	/* Device ids are those of the iommufd a file is bound to. */
	iommufd = open_iommufd();
	ASSERT_OK(bind_iommufd(vfd, iommufd));
	ASSERT_ERRNO(ENOENT, vt_trigger_iopf(vfd, f.device_id, 0x1));
	ASSERT_OK(close(vfd));
	ASSERT_OK(close(iommufd));
	vt_teardown(&f);
}

/* upstream: the limit must hold one batch element; 6.12 has none to set. */
TEST(set_temp_memory_limit)
{
	struct vt_fixture f;

	vt_setup(&f, VT_IOAS);
	ASSERT_ERRNO(EINVAL, vt_set_temp_memory_limit(f.vfd, 0));
	ASSERT_ERRNO(EINVAL,
		     vt_set_temp_memory_limit(f.vfd, sizeof(long) +
						     sizeof(__u32) - 1));
	ASSERT_OK(vt_set_temp_memory_limit(f.vfd,
					   sizeof(long) + sizeof(__u32)));
	ASSERT_OK(vt_set_temp_memory_limit(f.vfd, UINT32_MAX));
	vt_teardown(&f);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
