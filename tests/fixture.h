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

/* Stock /dev/iommu ioctls */

static inline int ioas_alloc(int fd, __u32 *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int rc = ioctl(fd, IOMMU_IOAS_ALLOC, &cmd) ? -1 : 0;

	if (!rc)
		*ioas_id = cmd.out_ioas_id;
	return rc;
}

/* Map read/write; at *@iova if @fixed, else where the kernel picks. */
static inline int ioas_map(int fd, __u32 ioas_id, void *va, __u64 length,
			   __u64 *iova, int fixed)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE |
			 (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0),
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)va,
		.length = length,
		.iova = *iova,
	};
	int rc = ioctl(fd, IOMMU_IOAS_MAP, &cmd) ? -1 : 0;

	if (!rc)
		*iova = cmd.iova;
	return rc;
}

static inline int ioas_unmap(int fd, __u32 ioas_id, __u64 iova, __u64 length)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = length,
	};

	return ioctl(fd, IOMMU_IOAS_UNMAP, &cmd);
}

static inline int stock_hwpt_alloc(int fd, __u32 dev_id, __u32 pt_id,
				   __u32 flags, __u32 *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = pt_id,
	};
	int rc = ioctl(fd, IOMMU_HWPT_ALLOC, &cmd) ? -1 : 0;

	if (!rc)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}

static inline int stock_destroy(int fd, __u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &cmd);
}

/* /dev/viommu ioctls */

static inline int vt_destroy(int vfd, __u32 id)
{
	struct viommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(vfd, VIOMMU_DESTROY, &cmd);
}

static inline int vt_viommu_alloc(int vfd, __u32 dev_id, __u32 hwpt_id,
				  __u32 type, void *data, __u32 data_len,
				  __u32 *viommu_id)
{
	struct viommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = hwpt_id,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
	};
	int rc = ioctl(vfd, VIOMMU_VIOMMU_ALLOC, &cmd) ? -1 : 0;

	if (!rc && viommu_id)
		*viommu_id = cmd.out_viommu_id;
	return rc;
}

static inline int vt_nested_alloc(int vfd, __u32 dev_id, __u32 viommu_id,
				  __u32 flags, __u32 data_type, void *data,
				  __u32 data_len, __u32 *hwpt_id)
{
	struct viommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = viommu_id,
		.data_type = data_type,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
	};
	int rc = ioctl(vfd, VIOMMU_HWPT_ALLOC, &cmd) ? -1 : 0;

	if (!rc && hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}

/* A selftest nested HWPT with the default iotlb value. */
static inline int vt_nested_alloc_default(int vfd, __u32 dev_id,
					  __u32 viommu_id, __u32 *hwpt_id)
{
	struct viommu_hwpt_selftest data = {
		.iotlb = VIOMMU_TEST_IOTLB_DEFAULT,
	};

	return vt_nested_alloc(vfd, dev_id, viommu_id, 0,
			       VIOMMU_HWPT_DATA_SELFTEST, &data, sizeof(data),
			       hwpt_id);
}

static inline int vt_vdevice_alloc(int vfd, __u32 viommu_id, __u32 dev_id,
				   __u64 virt_id, __u32 *vdev_id)
{
	struct viommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.dev_id = dev_id,
		.virt_id = virt_id,
	};
	int rc = ioctl(vfd, VIOMMU_VDEVICE_ALLOC, &cmd) ? -1 : 0;

	if (!rc && vdev_id)
		*vdev_id = cmd.out_vdevice_id;
	return rc;
}

/* With @veventq_fd NULL the new vEVENTQ's file is closed at once. */
static inline int vt_veventq_alloc(int vfd, __u32 viommu_id, __u32 type,
				   __u32 depth, __u32 *veventq_id,
				   int *veventq_fd)
{
	struct viommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.type = type,
		.veventq_depth = depth,
	};
	int rc = ioctl(vfd, VIOMMU_VEVENTQ_ALLOC, &cmd) ? -1 : 0;

	if (!rc) {
		if (veventq_id)
			*veventq_id = cmd.out_veventq_id;
		if (veventq_fd)
			*veventq_fd = cmd.out_veventq_fd;
		else
			close(cmd.out_veventq_fd);
	}
	return rc;
}

static inline int vt_hw_queue_alloc(int vfd, __u32 viommu_id, __u32 type,
				    __u32 index, __u64 iova, __u64 length,
				    __u32 *hw_queue_id)
{
	struct viommu_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.type = type,
		.index = index,
		.nesting_parent_iova = iova,
		.length = length,
	};
	int rc = ioctl(vfd, VIOMMU_HW_QUEUE_ALLOC, &cmd) ? -1 : 0;

	if (!rc && hw_queue_id)
		*hw_queue_id = cmd.out_hw_queue_id;
	return rc;
}

/* HWPT_INVALIDATE on a vIOMMU; *@num is entry_num in and out. */
static inline int vt_invalidate(int vfd, __u32 viommu_id, void *reqs,
				__u32 data_type, __u32 entry_len, __u32 *num)
{
	struct viommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = viommu_id,
		.data_uptr = (uintptr_t)reqs,
		.data_type = data_type,
		.entry_len = entry_len,
		.entry_num = *num,
	};
	int rc = ioctl(vfd, VIOMMU_HWPT_INVALIDATE, &cmd) ? -1 : 0;

	*num = cmd.entry_num;
	return rc;
}

/* GET_HW_INFO; @type is sent with VIOMMU_HW_INFO_FLAG_INPUT_TYPE if set. */
static inline int vt_hw_info(int vfd, __u32 dev_id, __u32 flags, __u32 type,
			     void *data, __u32 data_len,
			     struct viommu_hw_info *out)
{
	struct viommu_hw_info cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
		.in_data_type = type,
	};
	int rc = ioctl(vfd, VIOMMU_GET_HW_INFO, &cmd) ? -1 : 0;

	if (out)
		*out = cmd;
	return rc;
}

/* Selftest ops, on /dev/viommu */

static inline int vt_test_cmd(int vfd, struct viommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioctl(vfd, VIOMMU_TEST_CMD, cmd) ? -1 : 0;
}

/* A mock device attached to @pt_id; any output pointer may be NULL. */
static inline int vt_mock_domain(int vfd, __u32 pt_id, __u32 *stdev_id,
				 __u32 *hwpt_id, __u32 *idev_id)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_MOCK_DOMAIN,
		.id = pt_id,
	};
	int rc = vt_test_cmd(vfd, &cmd);

	if (rc)
		return rc;
	if (stdev_id)
		*stdev_id = cmd.mock_domain.out_stdev_id;
	if (hwpt_id)
		*hwpt_id = cmd.mock_domain.out_hwpt_id;
	if (idev_id)
		*idev_id = cmd.mock_domain.out_idev_id;
	return 0;
}

static inline int vt_mock_replace(int vfd, __u32 stdev_id, __u32 pt_id)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev_id,
		.mock_domain_replace.pt_id = pt_id,
	};

	return vt_test_cmd(vfd, &cmd);
}

/* 0 if every page of @p..@p+@length is pinned @refs times, else EIO. */
static inline int vt_check_refs(int vfd, void *p, __u64 length, __u32 refs)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_MD_CHECK_REFS,
		.check_refs = {
			.length = length,
			.uptr = (uintptr_t)p,
			.refs = refs,
		},
	};

	return vt_test_cmd(vfd, &cmd);
}

static inline int vt_check_cache(int vfd, __u32 dev_id, __u32 cache_id,
				 __u32 expected)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_DEV_CHECK_CACHE,
		.id = dev_id,
		.check_dev_cache = { .id = cache_id, .cache = expected },
	};

	return vt_test_cmd(vfd, &cmd);
}

static inline void vt_check_cache_all(int vfd, __u32 dev_id, __u32 expected)
{
	__u32 i;

	for (i = 0; i < VIOMMU_MOCK_DEV_CACHE_NUM; i++)
		ASSERT_OK(vt_check_cache(vfd, dev_id, i, expected));
}

static inline int vt_trigger_vevent(int vfd, __u32 dev_id)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_TRIGGER_VEVENT,
		.trigger_vevent.dev_id = dev_id,
	};

	return vt_test_cmd(vfd, &cmd);
}

/* upstream's test_ioctl_set_temp_memory_limit() */
static inline int vt_set_temp_memory_limit(int vfd, __u32 limit)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT,
		.memory_limit.limit = limit,
	};

	return vt_test_cmd(vfd, &cmd);
}

/* Fault queues: stock IOMMU_FAULT_QUEUE_ALLOC and TRIGGER_IOPF */

static inline int vt_fault_alloc(int fd, __u32 *fault_id, int *fault_fd)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	int rc = ioctl(fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd) ? -1 : 0;

	if (!rc) {
		*fault_id = cmd.out_fault_id;
		*fault_fd = cmd.out_fault_fd;
	}
	return rc;
}

/* upstream's _test_cmd_hwpt_alloc_iopf() on a vIOMMU */
static inline int vt_nested_alloc_iopf(int vfd, __u32 dev_id, __u32 viommu_id,
				       __u32 fault_id, __u32 flags,
				       __u32 *hwpt_id)
{
	struct viommu_hwpt_selftest data = {
		.iotlb = VIOMMU_TEST_IOTLB_DEFAULT,
	};
	struct viommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = viommu_id,
		.data_type = VIOMMU_HWPT_DATA_SELFTEST,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
		.fault_id = fault_id,
	};
	int rc = ioctl(vfd, VIOMMU_HWPT_ALLOC, &cmd) ? -1 : 0;

	if (!rc && hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}

/* The page request upstream's _test_cmd_trigger_iopf() sends. */
#define VT_IOPF_GRPID 0x2
#define VT_IOPF_PERM (IOMMU_PGFAULT_PERM_READ | IOMMU_PGFAULT_PERM_WRITE)
#define VT_IOPF_ADDR 0xdeadbeafULL

static inline int vt_trigger_iopf(int vfd, __u32 dev_id, __u32 pasid)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_TRIGGER_IOPF,
		.trigger_iopf = {
			.dev_id = dev_id,
			.pasid = pasid,
			.grpid = VT_IOPF_GRPID,
			.perm = VT_IOPF_PERM,
			.addr = VT_IOPF_ADDR,
		},
	};

	return vt_test_cmd(vfd, &cmd);
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
