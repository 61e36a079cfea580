/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vIOMMU uAPI calls of the userspace tests, without the test harness,
 * so that the benchmark (tests/bench/) and the fuzzer use them too: one
 * wrapper a command, after upstream's iommufd_utils.h. Each returns 0, or
 * -1 with errno as ioctl() left it; outputs are written only on success.
 * Stock objects (IOAS, HWPT_PAGING, nested HWPT, device ids) live on
 * /dev/iommu, the vIOMMU layer's on the file given as @vfd (/dev/viommu,
 * or /dev/iommu itself through its stock-file door, or upstream 7.2's).
 */
#ifndef VIOMMU_TEST_VT_IOCTL_H
#define VIOMMU_TEST_VT_IOCTL_H

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/iommufd.h>
#include <linux/viommu.h>
#include <linux/viommu_test.h>

/* A bool parameter of viommu.ko: 'Y', 'N', or 0 if absent. */
static inline char viommu_param_state(const char *name)
{
	char path[128], c = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/viommu/parameters/%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fread(&c, 1, 1, f) != 1)
			c = 0;
		fclose(f);
	}
	return c;
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

#endif /* VIOMMU_TEST_VT_IOCTL_H */
