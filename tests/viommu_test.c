// SPDX-License-Identifier: GPL-2.0
/*
 * vIOMMU objects on /dev/viommu, after upstream's iommufd selftests
 * (tools/testing/selftests/iommu/iommufd.c): the size rules of every
 * command, the bound/unbound states, the id space, vIOMMU and nested HWPT
 * allocation, the vIOMMU mmap region and GET_HW_INFO. Test names are the
 * upstream ones where a test mirrors one.
 */
#include "fixture.h"

struct vt_cmd {
	const char *name;
	unsigned long ioc;
	size_t size;
	size_t min_size;
};

#define VT_CMD(ioc, cmd, last) { #ioc, ioc, sizeof(*(cmd)), vt_end(last) }

/* Every command /dev/viommu serves besides the bind, with upstream's minimum. */
static const struct vt_cmd vt_cmds[] = {
	VT_CMD(VIOMMU_DESTROY, P(viommu_destroy), P(viommu_destroy)->id),
	VT_CMD(VIOMMU_GET_HW_INFO, P(viommu_hw_info),
	       P(viommu_hw_info)->__reserved),
	VT_CMD(VIOMMU_HWPT_ALLOC, P(viommu_hwpt_alloc),
	       P(viommu_hwpt_alloc)->__reserved),
	VT_CMD(VIOMMU_HWPT_INVALIDATE, P(viommu_hwpt_invalidate),
	       P(viommu_hwpt_invalidate)->__reserved),
	VT_CMD(VIOMMU_VIOMMU_ALLOC, P(viommu_viommu_alloc),
	       P(viommu_viommu_alloc)->out_viommu_id),
	VT_CMD(VIOMMU_VDEVICE_ALLOC, P(viommu_vdevice_alloc),
	       P(viommu_vdevice_alloc)->virt_id),
	VT_CMD(VIOMMU_VEVENTQ_ALLOC, P(viommu_veventq_alloc),
	       P(viommu_veventq_alloc)->out_veventq_fd),
	VT_CMD(VIOMMU_HW_QUEUE_ALLOC, P(viommu_hw_queue_alloc),
	       P(viommu_hw_queue_alloc)->length),
	VT_CMD(VIOMMU_TEST_CMD, P(viommu_test_cmd), P(viommu_test_cmd)->last),
};

/* @raw zeroed, then @size in the size field and @extra at byte @at */
static void *vt_raw(__u8 *raw, size_t rawlen, __u32 size, __u8 extra,
		    size_t at)
{
	memset(raw, 0, rawlen);
	memcpy(raw, &size, sizeof(size));
	raw[at] = extra;
	return raw;
}

/*
 * Upstream's TEST_LENGTH: a size below the minimum is EINVAL, a non-zero
 * byte past the kernel's struct is E2BIG, and a zero one changes nothing.
 * When @bound is false, the size checks still come before EBADFD.
 */
static void check_cmd_length(int vfd, const struct vt_cmd *c, int bound)
{
	__u8 raw[512];
	void *cmd;
	int rc, err;

	printf("#   %s\n", c->name);
	ASSERT_TRUE(c->size + 1 <= sizeof(raw));
	cmd = vt_raw(raw, sizeof(raw), c->min_size - 1, 0xff, c->size);
	ASSERT_ERRNO(EINVAL, ioctl(vfd, c->ioc, cmd));
	cmd = vt_raw(raw, sizeof(raw), c->size + 1, 0xff, c->size);
	ASSERT_ERRNO(E2BIG, ioctl(vfd, c->ioc, cmd));

	cmd = vt_raw(raw, sizeof(raw), c->size, 0xff, c->size);
	errno = 0;
	rc = ioctl(vfd, c->ioc, cmd);
	err = errno;
	if (!bound)
		ASSERT_TRUE(rc == -1 && err == EBADFD);
	/* All-zero commands create nothing, so both calls see the same. */
	ASSERT_TRUE(rc == -1);
	cmd = vt_raw(raw, sizeof(raw), c->size + 1, 0, c->size);
	ASSERT_ERRNO(err, ioctl(vfd, c->ioc, cmd));
}

TEST(cmd_length)
{
	struct vt_fixture f;
	unsigned int i;

	vt_setup(&f, VT_IOAS);
	for (i = 0; i < ARRAY_SIZE(vt_cmds); i++)
		check_cmd_length(f.vfd, &vt_cmds[i], 1);
	vt_teardown(&f);
}

/* Without the selftest backend no one serves VIOMMU_TEST_CMD. */
static int vt_cmd_served(const struct vt_cmd *c)
{
	return c->ioc != VIOMMU_TEST_CMD || vt_has_selftest();
}

TEST(cmd_length_before_bind)
{
	int vfd = open_viommu();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vt_cmds); i++)
		if (vt_cmd_served(&vt_cmds[i]))
			check_cmd_length(vfd, &vt_cmds[i], 0);
}

/* Every object ioctl needs a bound file, whatever it carries. */
TEST(ebadfd_before_bind)
{
	int vfd = open_viommu(), iommufd = open_iommufd();
	int null = open("/dev/null", O_RDWR);
	__u8 raw[512];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vt_cmds); i++) {
		const struct vt_cmd *c = &vt_cmds[i];

		if (vt_cmd_served(c))
			ASSERT_ERRNO(EBADFD,
				     ioctl(vfd, c->ioc,
					   vt_raw(raw, sizeof(raw), c->size, 0,
						  c->size)));
	}
	/* A refused bind leaves the file unbound. */
	ASSERT_TRUE(null >= 0);
	ASSERT_ERRNO(EINVAL, bind_iommufd(vfd, null));
	ASSERT_ERRNO(EBADFD, vt_destroy(vfd, VIOMMU_ID_MIN));
	ASSERT_ERRNO(EBADFD, vt_viommu_alloc(vfd, 1, 2,
					     VIOMMU_VIOMMU_TYPE_SELFTEST,
					     NULL, 0, NULL));
	/* Bound, the same commands reach their ops. */
	ASSERT_OK(bind_iommufd(vfd, iommufd));
	ASSERT_ERRNO(ENOENT, vt_destroy(vfd, 0));
	ASSERT_ERRNO(ENOENT, vt_destroy(vfd, VIOMMU_ID_MIN));
	ASSERT_ERRNO(EOPNOTSUPP, vt_viommu_alloc(vfd, 1, 2, 0, NULL, 0, NULL));
}

/* vIOMMU-layer ids have bit 31 set, stock ids never: one id, one object. */
TEST(object_ids_disjoint)
{
	__u32 vdev_id, veventq_id, hw_queue_id, stock[5], ours[5];
	struct vt_fixture f;
	unsigned int i, j;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   &vdev_id));
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 2, &veventq_id,
				   NULL));
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id,
				    VIOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
				    MOCK_APERTURE_START, psz, &hw_queue_id));

	stock[0] = f.ioas_id;
	stock[1] = f.mock_hwpt_id;
	stock[2] = f.device_id;
	stock[3] = f.hwpt_id;
	stock[4] = f.nested_hwpt_id;
	ours[0] = f.stdev_id;
	ours[1] = f.viommu_id;
	ours[2] = vdev_id;
	ours[3] = veventq_id;
	ours[4] = hw_queue_id;
	for (i = 0; i < ARRAY_SIZE(ours); i++) {
		ASSERT_TRUE(is_stock_id(stock[i]));
		ASSERT_TRUE(is_viommu_id(ours[i]));
		for (j = 0; j < i; j++)
			ASSERT_TRUE(ours[i] != ours[j]);
		for (j = 0; j < ARRAY_SIZE(stock); j++)
			ASSERT_TRUE(ours[i] != stock[j]);
		/* Two files: neither knows the other's ids. */
		if (vt_two_files()) {
			ASSERT_ERRNO(ENOENT, stock_destroy(f.iommufd, ours[i]));
			ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, stock[i]));
		}
	}

	/* Everything is still there and goes in dependency order. */
	ASSERT_OK(vt_destroy(f.vfd, hw_queue_id));
	ASSERT_OK(vt_destroy(f.vfd, veventq_id));
	ASSERT_OK(vt_destroy(f.vfd, vdev_id));
	ASSERT_OK(stock_destroy(f.iommufd, f.nested_hwpt_id));
	ASSERT_OK(vt_destroy(f.vfd, f.viommu_id));
	ASSERT_OK(stock_destroy(f.iommufd, f.hwpt_id));
	for (i = 1; i < ARRAY_SIZE(ours); i++)
		ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, ours[i]));
	vt_teardown(&f);
}

/* Closing the files frees the fixture's vIOMMU and nested HWPT. */
TEST(viommu_auto_destroy)
{
	struct vt_fixture f;

	vt_setup(&f, VT_NESTED);
	vt_teardown(&f);
}

TEST(viommu_negative_tests)
{
	struct vt_fixture f;
	__u32 hwpt_id;

	vt_setup(&f, VT_NESTED);
	ASSERT_ERRNO(ENOENT, vt_viommu_alloc(f.vfd, f.device_id, 0,
					     VIOMMU_VIOMMU_TYPE_SELFTEST,
					     NULL, 0, NULL));
	/* Not a nesting parent */
	ASSERT_OK(stock_hwpt_alloc(f.iommufd, f.device_id, f.ioas_id, 0,
				   &hwpt_id));
	ASSERT_ERRNO(EINVAL, vt_viommu_alloc(f.vfd, f.device_id, hwpt_id,
					     VIOMMU_VIOMMU_TYPE_SELFTEST,
					     NULL, 0, NULL));
	ASSERT_OK(stock_destroy(f.iommufd, hwpt_id));
	ASSERT_ERRNO(EOPNOTSUPP, vt_viommu_alloc(f.vfd, f.device_id,
						 f.hwpt_id, 0xdead, NULL, 0,
						 NULL));
	/* The vIOMMU pins its parent; the nested HWPT pins the vIOMMU. */
	ASSERT_ERRNO(EBUSY, stock_destroy(f.iommufd, f.hwpt_id));
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, f.viommu_id));
	vt_teardown(&f);
}

/* Upstream's no_viommu variant: no device at all. */
TEST(no_viommu_viommu_negative_tests)
{
	struct vt_fixture f;

	vt_setup(&f, VT_IOAS);
	ASSERT_ERRNO(ENOENT, vt_viommu_alloc(f.vfd, 0, 0,
					     VIOMMU_VIOMMU_TYPE_SELFTEST,
					     NULL, 0, NULL));
	vt_teardown(&f);
}

/* The rest of upstream's iommufd_viommu_alloc_ioctl() checks, in order. */
TEST(viommu_alloc_errors)
{
	struct viommu_viommu_alloc cmd;
	struct vt_fixture f;
	__u32 id;

	vt_setup(&f, VT_NESTED);
	cmd = (struct viommu_viommu_alloc){
		.size = sizeof(cmd),
		.flags = 1,
		.type = VIOMMU_VIOMMU_TYPE_SELFTEST,
		.dev_id = f.device_id,
		.hwpt_id = f.hwpt_id,
	};
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(f.vfd, VIOMMU_VIOMMU_ALLOC, &cmd));
	ASSERT_ERRNO(EOPNOTSUPP, vt_viommu_alloc(f.vfd, f.device_id,
						 f.hwpt_id,
						 VIOMMU_VIOMMU_TYPE_DEFAULT,
						 NULL, 0, NULL));
	ASSERT_ERRNO(EOPNOTSUPP, vt_viommu_alloc(f.vfd, f.device_id,
						 f.hwpt_id,
						 VIOMMU_VIOMMU_TYPE_ARM_SMMUV3,
						 NULL, 0, NULL));
	/* dev_id and hwpt_id must name a device and a HWPT_PAGING. */
	ASSERT_ERRNO(ENOENT, vt_viommu_alloc(f.vfd, f.ioas_id, f.hwpt_id,
					     VIOMMU_VIOMMU_TYPE_SELFTEST,
					     NULL, 0, NULL));
	ASSERT_ERRNO(ENOENT, vt_viommu_alloc(f.vfd, f.stdev_id, f.hwpt_id,
					     VIOMMU_VIOMMU_TYPE_SELFTEST,
					     NULL, 0, NULL));
	ASSERT_ERRNO(ENOENT, vt_viommu_alloc(f.vfd, f.device_id, f.ioas_id,
					     VIOMMU_VIOMMU_TYPE_SELFTEST,
					     NULL, 0, NULL));
	ASSERT_ERRNO(ENOENT, vt_viommu_alloc(f.vfd, f.device_id,
					     f.nested_hwpt_id,
					     VIOMMU_VIOMMU_TYPE_SELFTEST,
					     NULL, 0, NULL));
	ASSERT_ERRNO(ENOENT, vt_viommu_alloc(f.vfd, f.device_id, f.viommu_id,
					     VIOMMU_VIOMMU_TYPE_SELFTEST,
					     NULL, 0, NULL));
	/* The auto-domain HWPT of the mock device is no nest parent. */
	ASSERT_ERRNO(EINVAL, vt_viommu_alloc(f.vfd, f.device_id,
					     f.mock_hwpt_id,
					     VIOMMU_VIOMMU_TYPE_SELFTEST,
					     NULL, 0, NULL));
	/* Many vIOMMUs may share one parent. */
	ASSERT_OK(vt_viommu_alloc(f.vfd, f.device_id, f.hwpt_id,
				  VIOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &id));
	ASSERT_TRUE(id != f.viommu_id);
	ASSERT_OK(vt_destroy(f.vfd, id));
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, id));
	vt_teardown(&f);
}

static long vt_mmap(int vfd, size_t length, int prot, int flags,
		    __u64 offset, void **out)
{
	void *p = mmap(NULL, length, prot, flags, vfd, offset);

	if (out)
		*out = p;
	return p == MAP_FAILED ? -1 : 0;
}

TEST(viommu_alloc_with_data)
{
	struct viommu_viommu_selftest data = { .in_data = 0xbeef };
	const int rw = PROT_READ | PROT_WRITE;
	__u32 viommu_id, *page, *page2;
	struct vt_fixture f;
	__u64 off, len;

	vt_setup(&f, VT_NESTED);
	/* The fixture's vIOMMU, made without data, has no region. */
	ASSERT_ERRNO(ENXIO, vt_mmap(f.vfd, psz, rw, MAP_SHARED, 0, NULL));
	ASSERT_ERRNO(ENXIO, vt_mmap(f.vfd, psz, rw, MAP_SHARED, psz, NULL));
	/* The selftest data must hold at least in_data and out_data. */
	ASSERT_ERRNO(EINVAL, vt_viommu_alloc(f.vfd, f.device_id, f.hwpt_id,
					     VIOMMU_VIOMMU_TYPE_SELFTEST,
					     &data, sizeof(__u32), NULL));

	ASSERT_OK(vt_viommu_alloc(f.vfd, f.device_id, f.hwpt_id,
				  VIOMMU_VIOMMU_TYPE_SELFTEST, &data,
				  sizeof(data), &viommu_id));
	ASSERT_EQ(data.in_data, data.out_data);
	off = data.out_mmap_offset;
	len = data.out_mmap_length;
	ASSERT_EQ(2 * psz, len);
	ASSERT_TRUE(off && !(off % psz));

	/* Only the exact region can be mapped. */
	ASSERT_ERRNO(ENXIO, vt_mmap(f.vfd, len, rw, MAP_SHARED, off + psz,
				    NULL));
	ASSERT_ERRNO(ENXIO, vt_mmap(f.vfd, len, rw, MAP_SHARED,
				    off + 2 * psz, NULL));
	ASSERT_ERRNO(ENXIO, vt_mmap(f.vfd, len / 2, rw, MAP_SHARED, off,
				    NULL));
	ASSERT_ERRNO(ENXIO, vt_mmap(f.vfd, len * 2, rw, MAP_SHARED, off,
				    NULL));
	ASSERT_ERRNO(EINVAL, vt_mmap(f.vfd, len, rw, MAP_PRIVATE, off, NULL));
	ASSERT_ERRNO(EPERM, vt_mmap(f.vfd, len, rw | PROT_EXEC, MAP_SHARED,
				    off, NULL));

	/* Loopback: the region's first word is in_data. */
	ASSERT_OK(vt_mmap(f.vfd, len, rw, MAP_SHARED, off, (void **)&page));
	ASSERT_EQ(data.in_data, *page);
	ASSERT_OK(vt_mmap(f.vfd, len, PROT_READ, MAP_SHARED, off,
			  (void **)&page2));
	ASSERT_EQ(data.in_data, *page2);

	/* Each mapping pins the vIOMMU. */
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, viommu_id));
	ASSERT_OK(munmap(page, len));
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, viommu_id));
	ASSERT_OK(munmap(page2, len));
	ASSERT_OK(vt_destroy(f.vfd, viommu_id));
	/* The region went with it. */
	ASSERT_ERRNO(ENXIO, vt_mmap(f.vfd, len, rw, MAP_SHARED, off, NULL));
	vt_teardown(&f);
}

/* iommufd_hwpt_alloc() checks for the vIOMMU form, in upstream's order. */
TEST(nested_alloc_errors)
{
	struct viommu_hwpt_selftest data = {
		.iotlb = VIOMMU_TEST_IOTLB_DEFAULT,
	};
	struct viommu_hwpt_alloc cmd;
	struct vt_fixture f;
	__u32 id;

	vt_setup(&f, VT_NESTED);
	cmd = (struct viommu_hwpt_alloc){
		.size = sizeof(cmd),
		.dev_id = f.device_id,
		.pt_id = f.viommu_id,
		.__reserved = 1,
		.data_type = VIOMMU_HWPT_DATA_SELFTEST,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
	};
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(f.vfd, VIOMMU_HWPT_ALLOC, &cmd));
	/* As upstream, which checks __reserved only: __reserved2 is ignored. */
	cmd.__reserved = 0;
	cmd.__reserved2 = 1;
	ASSERT_OK(ioctl(f.vfd, VIOMMU_HWPT_ALLOC, &cmd));
	ASSERT_TRUE(is_stock_id(cmd.out_hwpt_id));
	ASSERT_OK(stock_destroy(f.iommufd, cmd.out_hwpt_id));
	/* data_type and data_len come together or not at all. */
	ASSERT_ERRNO(EINVAL, vt_nested_alloc(f.vfd, f.device_id, f.viommu_id,
					     0, VIOMMU_HWPT_DATA_NONE, &data,
					     sizeof(data), NULL));
	ASSERT_ERRNO(EINVAL, vt_nested_alloc(f.vfd, f.device_id, f.viommu_id,
					     0, VIOMMU_HWPT_DATA_SELFTEST,
					     &data, 0, NULL));
	ASSERT_ERRNO(ENOENT, vt_nested_alloc(f.vfd, 0, f.viommu_id, 0,
					     VIOMMU_HWPT_DATA_SELFTEST, &data,
					     sizeof(data), NULL));
	/* A pt_id that is no vIOMMU of this file is EINVAL, not ENOENT. */
	ASSERT_ERRNO(EINVAL, vt_nested_alloc(f.vfd, f.device_id, 0, 0,
					     VIOMMU_HWPT_DATA_SELFTEST, &data,
					     sizeof(data), NULL));
	/* On one file an IOAS is a pt_id: a paging HWPT with data, refused. */
	ASSERT_ERRNO(vt_two_files() ? EINVAL : EOPNOTSUPP,
		     vt_nested_alloc(f.vfd, f.device_id, f.ioas_id, 0,
				     VIOMMU_HWPT_DATA_SELFTEST, &data,
				     sizeof(data), NULL));
	ASSERT_ERRNO(EINVAL, vt_nested_alloc(f.vfd, f.device_id, f.stdev_id,
					     0, VIOMMU_HWPT_DATA_SELFTEST,
					     &data, sizeof(data), NULL));
	/* No data, unknown flags, unknown data type */
	ASSERT_ERRNO(EOPNOTSUPP, vt_nested_alloc(f.vfd, f.device_id,
						 f.viommu_id, 0,
						 VIOMMU_HWPT_DATA_NONE, NULL,
						 0, NULL));
	ASSERT_ERRNO(EOPNOTSUPP, vt_nested_alloc(f.vfd, f.device_id,
						 f.viommu_id, 1U << 31,
						 VIOMMU_HWPT_DATA_SELFTEST,
						 &data, sizeof(data), NULL));
	ASSERT_ERRNO(EOPNOTSUPP, vt_nested_alloc(f.vfd, f.device_id,
						 f.viommu_id,
						 VIOMMU_HWPT_ALLOC_NEST_PARENT,
						 VIOMMU_HWPT_DATA_SELFTEST,
						 &data, sizeof(data), NULL));
	/* fault_id 0 names no fault queue (iopf_test has the rest). */
	ASSERT_ERRNO(ENOENT, vt_nested_alloc(f.vfd, f.device_id, f.viommu_id,
					     VIOMMU_HWPT_FAULT_ID_VALID,
					     VIOMMU_HWPT_DATA_SELFTEST, &data,
					     sizeof(data), NULL));
	ASSERT_ERRNO(EOPNOTSUPP, vt_nested_alloc(f.vfd, f.device_id,
						 f.viommu_id, 0, 0xbeef, &data,
						 sizeof(data), NULL));
	/* The selftest data is iotlb at least, no more than the struct. */
	ASSERT_ERRNO(EINVAL, vt_nested_alloc(f.vfd, f.device_id, f.viommu_id,
					     0, VIOMMU_HWPT_DATA_SELFTEST,
					     &data, 2, NULL));

	/* The nested HWPT is a stock object the stock file destroys. */
	ASSERT_OK(vt_nested_alloc_default(f.vfd, f.device_id, f.viommu_id,
					  &id));
	ASSERT_TRUE(is_stock_id(id) && id != f.nested_hwpt_id);
	if (vt_two_files())
		ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, id));
	ASSERT_OK(stock_destroy(f.iommufd, id));
	ASSERT_ERRNO(ENOENT, stock_destroy(f.iommufd, id));
	vt_teardown(&f);
}

/* Upstream's iommufd_device_pasid.pasid_attach: ALLOC_PASID is taken. */
TEST(nested_alloc_pasid)
{
	struct viommu_hwpt_selftest data = {
		.iotlb = VIOMMU_TEST_IOTLB_DEFAULT,
	};
	struct vt_fixture f;
	__u32 id;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_nested_alloc(f.vfd, f.device_id, f.viommu_id,
				  VIOMMU_HWPT_ALLOC_PASID,
				  VIOMMU_HWPT_DATA_SELFTEST, &data,
				  sizeof(data), &id));
	ASSERT_OK(stock_destroy(f.iommufd, id));
	vt_teardown(&f);
}

/* Upstream's iommufd_ioas.get_hw_info, through /dev/viommu. */
TEST(get_hw_info)
{
	struct viommu_test_hw_info exact;
	struct {
		struct viommu_test_hw_info info;
		__u64 trailing;
	} larger;
	struct viommu_hw_info out, cmd;
	struct vt_fixture f;
	__u8 *guard;

	vt_setup(&f, VT_DEVICE);
	ASSERT_ERRNO(ENOENT, vt_hw_info(f.vfd, 0, 0, 0, &exact,
					sizeof(exact), NULL));
	ASSERT_ERRNO(ENOENT, vt_hw_info(f.vfd, f.ioas_id, 0, 0, &exact,
					sizeof(exact), NULL));

	/* No buffer: only the length and type come back. */
	ASSERT_OK(vt_hw_info(f.vfd, f.device_id, 0, 0, NULL, 0, &out));
	ASSERT_EQ(sizeof(exact), out.data_len);
	ASSERT_EQ(VIOMMU_HW_INFO_TYPE_SELFTEST, out.out_data_type);
	ASSERT_EQ(0, out.out_max_pasid_log2);

	/* Exact size */
	memset(&exact, 0xff, sizeof(exact));
	ASSERT_OK(vt_hw_info(f.vfd, f.device_id, 0, 0, &exact, sizeof(exact),
			     &out));
	ASSERT_EQ(sizeof(exact), out.data_len);
	ASSERT_EQ(VIOMMU_HW_INFO_TYPE_SELFTEST, out.out_data_type);
	ASSERT_EQ(0, exact.flags);
	ASSERT_EQ(VIOMMU_HW_INFO_SELFTEST_REGVAL, exact.test_reg);

	/* Asked types: DEFAULT and SELFTEST are known, SELFTEST + 1 not. */
	ASSERT_ERRNO(EOPNOTSUPP,
		     vt_hw_info(f.vfd, f.device_id,
				VIOMMU_HW_INFO_FLAG_INPUT_TYPE,
				VIOMMU_HW_INFO_TYPE_SELFTEST + 1, &exact,
				sizeof(exact), NULL));
	memset(&exact, 0, sizeof(exact));
	ASSERT_OK(vt_hw_info(f.vfd, f.device_id,
			     VIOMMU_HW_INFO_FLAG_INPUT_TYPE,
			     VIOMMU_HW_INFO_TYPE_SELFTEST, &exact,
			     sizeof(exact), &out));
	ASSERT_EQ(VIOMMU_HW_INFO_TYPE_SELFTEST, out.out_data_type);
	ASSERT_EQ(VIOMMU_HW_INFO_SELFTEST_REGVAL, exact.test_reg);
	ASSERT_OK(vt_hw_info(f.vfd, f.device_id,
			     VIOMMU_HW_INFO_FLAG_INPUT_TYPE,
			     VIOMMU_HW_INFO_TYPE_DEFAULT, &exact,
			     sizeof(exact), &out));
	ASSERT_EQ(VIOMMU_HW_INFO_TYPE_SELFTEST, out.out_data_type);
	/* Without the flag the input type is ignored. */
	ASSERT_OK(vt_hw_info(f.vfd, f.device_id, 0,
			     VIOMMU_HW_INFO_TYPE_SELFTEST + 1, &exact,
			     sizeof(exact), &out));
	ASSERT_EQ(VIOMMU_HW_INFO_TYPE_SELFTEST, out.out_data_type);

	/* A larger buffer gets its tail zeroed. */
	memset(&larger, 0xff, sizeof(larger));
	ASSERT_OK(vt_hw_info(f.vfd, f.device_id, 0, 0, &larger,
			     sizeof(larger), &out));
	ASSERT_EQ(sizeof(exact), out.data_len);
	ASSERT_EQ(0, larger.info.flags);
	ASSERT_EQ(VIOMMU_HW_INFO_SELFTEST_REGVAL, larger.info.test_reg);
	ASSERT_EQ(0, larger.trailing);

	/* A smaller one gets what fits and nothing past it. */
	memset(&exact, 0xff, sizeof(exact));
	ASSERT_OK(vt_hw_info(f.vfd, f.device_id, 0, 0, &exact,
			     vt_end(P(viommu_test_hw_info)->flags),
			     &out));
	ASSERT_EQ(sizeof(exact), out.data_len);
	ASSERT_EQ(0, exact.flags);
	ASSERT_EQ(0xffffffffU, exact.test_reg);

	/* Unknown flags and reserved bytes */
	ASSERT_ERRNO(EOPNOTSUPP, vt_hw_info(f.vfd, f.device_id, 1U << 1, 0,
					    &exact, sizeof(exact), NULL));
	cmd = (struct viommu_hw_info){
		.size = sizeof(cmd),
		.dev_id = f.device_id,
		.data_len = sizeof(exact),
		.data_uptr = (uintptr_t)&exact,
		.__reserved = { 0, 0, 1 },
	};
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(f.vfd, VIOMMU_GET_HW_INFO, &cmd));

	/* An unwritable buffer */
	guard = guarded_page();
	ASSERT_ERRNO(EFAULT, vt_hw_info(f.vfd, f.device_id, 0, 0, guard + psz,
					sizeof(exact), NULL));
	ASSERT_ERRNO(EFAULT, vt_hw_info(f.vfd, f.device_id, 0, 0,
					guard + psz - 4, sizeof(exact), NULL));
	vt_teardown(&f);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
