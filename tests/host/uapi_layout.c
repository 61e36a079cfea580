// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side check that the /dev/viommu uAPI mirrors upstream: every struct
 * of include/uapi/linux/viommu.h and viommu_test.h against its upstream
 * twin in <linux/iommufd.h> and drivers/iommu/iommufd/iommufd_test.h of
 * the reference kernel (size, and offset and size of each field), and
 * every ioctl number and constant against the upstream value.
 *
 * The checks are static assertions, so a mismatch fails the build and
 * names itself; the program then only reports how many there were.
 * Built and run by scripts/uapi-layout-check.sh.
 */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/iommufd.h>
#include <linux/viommu.h>
#include <linux/viommu_test.h>

#include "iommufd_test.h"

static int nchecks;

#define SAME(a, b)                                                     \
	do {                                                           \
		static_assert((long long)(a) == (long long)(b),        \
			      #a " differs from " #b);                 \
		nchecks++;                                             \
	} while (0)

/*
 * P(type)->field names a field without an object. Its address, the old
 * offsetof(), is a constant GCC folds for static_assert; written this way
 * each macro names the field once.
 */
#define P(type) ((struct type *)0)
#define OFFSET(member) ((unsigned long)&(member))

#define SAME_SIZE(ours, theirs) SAME(sizeof(*(ours)), sizeof(*(theirs)))

/* Two fields at the same offset, of the same size */
#define SAME_MEMBER(ours, theirs)                                      \
	do {                                                           \
		SAME(OFFSET(ours), OFFSET(theirs));                    \
		SAME(sizeof(ours), sizeof(theirs));                    \
	} while (0)

static void check_ioctls(void)
{
	SAME(VIOMMU_TYPE, IOMMUFD_TYPE);
	SAME(VIOMMU_CMD_BASE, IOMMUFD_CMD_BASE);
	SAME(VIOMMU_CMD_DESTROY, IOMMUFD_CMD_DESTROY);
	SAME(VIOMMU_CMD_HWPT_ALLOC, IOMMUFD_CMD_HWPT_ALLOC);
	SAME(VIOMMU_CMD_GET_HW_INFO, IOMMUFD_CMD_GET_HW_INFO);
	SAME(VIOMMU_CMD_HWPT_INVALIDATE, IOMMUFD_CMD_HWPT_INVALIDATE);
	SAME(VIOMMU_CMD_VIOMMU_ALLOC, IOMMUFD_CMD_VIOMMU_ALLOC);
	SAME(VIOMMU_CMD_VDEVICE_ALLOC, IOMMUFD_CMD_VDEVICE_ALLOC);
	SAME(VIOMMU_CMD_VEVENTQ_ALLOC, IOMMUFD_CMD_VEVENTQ_ALLOC);
	SAME(VIOMMU_CMD_HW_QUEUE_ALLOC, IOMMUFD_CMD_HW_QUEUE_ALLOC);
	SAME(VIOMMU_DESTROY, IOMMU_DESTROY);
	SAME(VIOMMU_HWPT_ALLOC, IOMMU_HWPT_ALLOC);
	SAME(VIOMMU_GET_HW_INFO, IOMMU_GET_HW_INFO);
	SAME(VIOMMU_HWPT_INVALIDATE, IOMMU_HWPT_INVALIDATE);
	SAME(VIOMMU_VIOMMU_ALLOC, IOMMU_VIOMMU_ALLOC);
	SAME(VIOMMU_VDEVICE_ALLOC, IOMMU_VDEVICE_ALLOC);
	SAME(VIOMMU_VEVENTQ_ALLOC, IOMMU_VEVENTQ_ALLOC);
	SAME(VIOMMU_HW_QUEUE_ALLOC, IOMMU_HW_QUEUE_ALLOC);
	SAME(VIOMMU_CMD_TEST, IOMMUFD_CMD_BASE + 32);
	SAME(VIOMMU_TEST_CMD, IOMMU_TEST_CMD);
	/* Our own command stays clear of every upstream number. */
	SAME((int)VIOMMU_CMD_BIND_IOMMUFD > (int)IOMMUFD_CMD_HW_QUEUE_ALLOC, 1);
	SAME((int)VIOMMU_CMD_BIND_IOMMUFD > (int)IOMMUFD_CMD_BASE + 32, 1);
}

static void check_enums(void)
{
	SAME(VIOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_ALLOC_NEST_PARENT);
	SAME(VIOMMU_HWPT_ALLOC_DIRTY_TRACKING,
	     IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	SAME(VIOMMU_HWPT_FAULT_ID_VALID, IOMMU_HWPT_FAULT_ID_VALID);
	SAME(VIOMMU_HWPT_ALLOC_PASID, IOMMU_HWPT_ALLOC_PASID);

	SAME(VIOMMU_HWPT_DATA_NONE, IOMMU_HWPT_DATA_NONE);
	SAME(VIOMMU_HWPT_DATA_VTD_S1, IOMMU_HWPT_DATA_VTD_S1);
	SAME(VIOMMU_HWPT_DATA_ARM_SMMUV3, IOMMU_HWPT_DATA_ARM_SMMUV3);
	SAME(VIOMMU_HWPT_DATA_AMD_GUEST, IOMMU_HWPT_DATA_AMD_GUEST);

	SAME(VIOMMU_HW_INFO_TYPE_NONE, IOMMU_HW_INFO_TYPE_NONE);
	SAME(VIOMMU_HW_INFO_TYPE_DEFAULT, IOMMU_HW_INFO_TYPE_DEFAULT);
	SAME(VIOMMU_HW_INFO_TYPE_INTEL_VTD, IOMMU_HW_INFO_TYPE_INTEL_VTD);
	SAME(VIOMMU_HW_INFO_TYPE_ARM_SMMUV3, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
	SAME(VIOMMU_HW_INFO_TYPE_TEGRA241_CMDQV,
	     IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV);
	SAME(VIOMMU_HW_INFO_TYPE_AMD, IOMMU_HW_INFO_TYPE_AMD);

	SAME(VIOMMU_HW_CAP_DIRTY_TRACKING, IOMMU_HW_CAP_DIRTY_TRACKING);
	SAME(VIOMMU_HW_CAP_PCI_PASID_EXEC, IOMMU_HW_CAP_PCI_PASID_EXEC);
	SAME(VIOMMU_HW_CAP_PCI_PASID_PRIV, IOMMU_HW_CAP_PCI_PASID_PRIV);
	SAME(VIOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED,
	     IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED);
	SAME(VIOMMU_HW_INFO_FLAG_INPUT_TYPE, IOMMU_HW_INFO_FLAG_INPUT_TYPE);

	SAME(VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
	     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3);

	SAME(VIOMMU_VIOMMU_TYPE_DEFAULT, IOMMU_VIOMMU_TYPE_DEFAULT);
	SAME(VIOMMU_VIOMMU_TYPE_ARM_SMMUV3, IOMMU_VIOMMU_TYPE_ARM_SMMUV3);
	SAME(VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV,
	     IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV);

	SAME(VIOMMU_VEVENTQ_FLAG_LOST_EVENTS, IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
	SAME(VIOMMU_VEVENTQ_TYPE_DEFAULT, IOMMU_VEVENTQ_TYPE_DEFAULT);
	SAME(VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3);
	SAME(VIOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV,
	     IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV);

	SAME(VIOMMU_HW_QUEUE_TYPE_DEFAULT, IOMMU_HW_QUEUE_TYPE_DEFAULT);
	SAME(VIOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV,
	     IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV);
}

static void check_structs(void)
{
	SAME_SIZE(P(viommu_destroy), P(iommu_destroy));
	SAME_MEMBER(P(viommu_destroy)->size, P(iommu_destroy)->size);
	SAME_MEMBER(P(viommu_destroy)->id, P(iommu_destroy)->id);

	SAME_SIZE(P(viommu_hwpt_arm_smmuv3), P(iommu_hwpt_arm_smmuv3));
	SAME_MEMBER(P(viommu_hwpt_arm_smmuv3)->ste,
		    P(iommu_hwpt_arm_smmuv3)->ste);

	SAME_SIZE(P(viommu_hwpt_alloc), P(iommu_hwpt_alloc));
	SAME_MEMBER(P(viommu_hwpt_alloc)->size, P(iommu_hwpt_alloc)->size);
	SAME_MEMBER(P(viommu_hwpt_alloc)->flags, P(iommu_hwpt_alloc)->flags);
	SAME_MEMBER(P(viommu_hwpt_alloc)->dev_id, P(iommu_hwpt_alloc)->dev_id);
	SAME_MEMBER(P(viommu_hwpt_alloc)->pt_id, P(iommu_hwpt_alloc)->pt_id);
	SAME_MEMBER(P(viommu_hwpt_alloc)->out_hwpt_id,
		    P(iommu_hwpt_alloc)->out_hwpt_id);
	SAME_MEMBER(P(viommu_hwpt_alloc)->__reserved,
		    P(iommu_hwpt_alloc)->__reserved);
	SAME_MEMBER(P(viommu_hwpt_alloc)->data_type,
		    P(iommu_hwpt_alloc)->data_type);
	SAME_MEMBER(P(viommu_hwpt_alloc)->data_len,
		    P(iommu_hwpt_alloc)->data_len);
	SAME_MEMBER(P(viommu_hwpt_alloc)->data_uptr,
		    P(iommu_hwpt_alloc)->data_uptr);
	SAME_MEMBER(P(viommu_hwpt_alloc)->fault_id,
		    P(iommu_hwpt_alloc)->fault_id);
	SAME_MEMBER(P(viommu_hwpt_alloc)->__reserved2,
		    P(iommu_hwpt_alloc)->__reserved2);

	SAME_SIZE(P(viommu_hw_info_arm_smmuv3), P(iommu_hw_info_arm_smmuv3));
	SAME_MEMBER(P(viommu_hw_info_arm_smmuv3)->flags,
		    P(iommu_hw_info_arm_smmuv3)->flags);
	SAME_MEMBER(P(viommu_hw_info_arm_smmuv3)->__reserved,
		    P(iommu_hw_info_arm_smmuv3)->__reserved);
	SAME_MEMBER(P(viommu_hw_info_arm_smmuv3)->idr,
		    P(iommu_hw_info_arm_smmuv3)->idr);
	SAME_MEMBER(P(viommu_hw_info_arm_smmuv3)->iidr,
		    P(iommu_hw_info_arm_smmuv3)->iidr);
	SAME_MEMBER(P(viommu_hw_info_arm_smmuv3)->aidr,
		    P(iommu_hw_info_arm_smmuv3)->aidr);

	SAME_SIZE(P(viommu_hw_info_tegra241_cmdqv),
		  P(iommu_hw_info_tegra241_cmdqv));
	SAME_MEMBER(P(viommu_hw_info_tegra241_cmdqv)->flags,
		    P(iommu_hw_info_tegra241_cmdqv)->flags);
	SAME_MEMBER(P(viommu_hw_info_tegra241_cmdqv)->version,
		    P(iommu_hw_info_tegra241_cmdqv)->version);
	SAME_MEMBER(P(viommu_hw_info_tegra241_cmdqv)->log2vcmdqs,
		    P(iommu_hw_info_tegra241_cmdqv)->log2vcmdqs);
	SAME_MEMBER(P(viommu_hw_info_tegra241_cmdqv)->log2vsids,
		    P(iommu_hw_info_tegra241_cmdqv)->log2vsids);
	SAME_MEMBER(P(viommu_hw_info_tegra241_cmdqv)->__reserved,
		    P(iommu_hw_info_tegra241_cmdqv)->__reserved);

	SAME_SIZE(P(viommu_hw_info), P(iommu_hw_info));
	SAME_MEMBER(P(viommu_hw_info)->size, P(iommu_hw_info)->size);
	SAME_MEMBER(P(viommu_hw_info)->flags, P(iommu_hw_info)->flags);
	SAME_MEMBER(P(viommu_hw_info)->dev_id, P(iommu_hw_info)->dev_id);
	SAME_MEMBER(P(viommu_hw_info)->data_len, P(iommu_hw_info)->data_len);
	SAME_MEMBER(P(viommu_hw_info)->data_uptr, P(iommu_hw_info)->data_uptr);
	SAME_MEMBER(P(viommu_hw_info)->in_data_type,
		    P(iommu_hw_info)->in_data_type);
	SAME_MEMBER(P(viommu_hw_info)->out_data_type,
		    P(iommu_hw_info)->out_data_type);
	SAME_MEMBER(P(viommu_hw_info)->out_max_pasid_log2,
		    P(iommu_hw_info)->out_max_pasid_log2);
	SAME_MEMBER(P(viommu_hw_info)->__reserved,
		    P(iommu_hw_info)->__reserved);
	SAME_MEMBER(P(viommu_hw_info)->out_capabilities,
		    P(iommu_hw_info)->out_capabilities);

	SAME_SIZE(P(viommu_viommu_arm_smmuv3_invalidate),
		  P(iommu_viommu_arm_smmuv3_invalidate));
	SAME_MEMBER(P(viommu_viommu_arm_smmuv3_invalidate)->cmd,
		    P(iommu_viommu_arm_smmuv3_invalidate)->cmd);

	SAME_SIZE(P(viommu_hwpt_invalidate), P(iommu_hwpt_invalidate));
	SAME_MEMBER(P(viommu_hwpt_invalidate)->size,
		    P(iommu_hwpt_invalidate)->size);
	SAME_MEMBER(P(viommu_hwpt_invalidate)->hwpt_id,
		    P(iommu_hwpt_invalidate)->hwpt_id);
	SAME_MEMBER(P(viommu_hwpt_invalidate)->data_uptr,
		    P(iommu_hwpt_invalidate)->data_uptr);
	SAME_MEMBER(P(viommu_hwpt_invalidate)->data_type,
		    P(iommu_hwpt_invalidate)->data_type);
	SAME_MEMBER(P(viommu_hwpt_invalidate)->entry_len,
		    P(iommu_hwpt_invalidate)->entry_len);
	SAME_MEMBER(P(viommu_hwpt_invalidate)->entry_num,
		    P(iommu_hwpt_invalidate)->entry_num);
	SAME_MEMBER(P(viommu_hwpt_invalidate)->__reserved,
		    P(iommu_hwpt_invalidate)->__reserved);

	SAME_SIZE(P(viommu_viommu_tegra241_cmdqv),
		  P(iommu_viommu_tegra241_cmdqv));
	SAME_MEMBER(P(viommu_viommu_tegra241_cmdqv)->out_vintf_mmap_offset,
		    P(iommu_viommu_tegra241_cmdqv)->out_vintf_mmap_offset);
	SAME_MEMBER(P(viommu_viommu_tegra241_cmdqv)->out_vintf_mmap_length,
		    P(iommu_viommu_tegra241_cmdqv)->out_vintf_mmap_length);

	SAME_SIZE(P(viommu_viommu_alloc), P(iommu_viommu_alloc));
	SAME_MEMBER(P(viommu_viommu_alloc)->size, P(iommu_viommu_alloc)->size);
	SAME_MEMBER(P(viommu_viommu_alloc)->flags,
		    P(iommu_viommu_alloc)->flags);
	SAME_MEMBER(P(viommu_viommu_alloc)->type, P(iommu_viommu_alloc)->type);
	SAME_MEMBER(P(viommu_viommu_alloc)->dev_id,
		    P(iommu_viommu_alloc)->dev_id);
	SAME_MEMBER(P(viommu_viommu_alloc)->hwpt_id,
		    P(iommu_viommu_alloc)->hwpt_id);
	SAME_MEMBER(P(viommu_viommu_alloc)->out_viommu_id,
		    P(iommu_viommu_alloc)->out_viommu_id);
	SAME_MEMBER(P(viommu_viommu_alloc)->data_len,
		    P(iommu_viommu_alloc)->data_len);
	SAME_MEMBER(P(viommu_viommu_alloc)->__reserved,
		    P(iommu_viommu_alloc)->__reserved);
	SAME_MEMBER(P(viommu_viommu_alloc)->data_uptr,
		    P(iommu_viommu_alloc)->data_uptr);

	SAME_SIZE(P(viommu_vdevice_alloc), P(iommu_vdevice_alloc));
	SAME_MEMBER(P(viommu_vdevice_alloc)->size,
		    P(iommu_vdevice_alloc)->size);
	SAME_MEMBER(P(viommu_vdevice_alloc)->viommu_id,
		    P(iommu_vdevice_alloc)->viommu_id);
	SAME_MEMBER(P(viommu_vdevice_alloc)->dev_id,
		    P(iommu_vdevice_alloc)->dev_id);
	SAME_MEMBER(P(viommu_vdevice_alloc)->out_vdevice_id,
		    P(iommu_vdevice_alloc)->out_vdevice_id);
	SAME_MEMBER(P(viommu_vdevice_alloc)->virt_id,
		    P(iommu_vdevice_alloc)->virt_id);

	SAME_SIZE(P(viommu_vevent_header), P(iommufd_vevent_header));
	SAME_MEMBER(P(viommu_vevent_header)->flags,
		    P(iommufd_vevent_header)->flags);
	SAME_MEMBER(P(viommu_vevent_header)->sequence,
		    P(iommufd_vevent_header)->sequence);

	SAME_SIZE(P(viommu_vevent_arm_smmuv3), P(iommu_vevent_arm_smmuv3));
	SAME_MEMBER(P(viommu_vevent_arm_smmuv3)->evt,
		    P(iommu_vevent_arm_smmuv3)->evt);

	SAME_SIZE(P(viommu_vevent_tegra241_cmdqv),
		  P(iommu_vevent_tegra241_cmdqv));
	SAME_MEMBER(P(viommu_vevent_tegra241_cmdqv)->lvcmdq_err_map,
		    P(iommu_vevent_tegra241_cmdqv)->lvcmdq_err_map);

	SAME_SIZE(P(viommu_veventq_alloc), P(iommu_veventq_alloc));
	SAME_MEMBER(P(viommu_veventq_alloc)->size,
		    P(iommu_veventq_alloc)->size);
	SAME_MEMBER(P(viommu_veventq_alloc)->flags,
		    P(iommu_veventq_alloc)->flags);
	SAME_MEMBER(P(viommu_veventq_alloc)->viommu_id,
		    P(iommu_veventq_alloc)->viommu_id);
	SAME_MEMBER(P(viommu_veventq_alloc)->type,
		    P(iommu_veventq_alloc)->type);
	SAME_MEMBER(P(viommu_veventq_alloc)->veventq_depth,
		    P(iommu_veventq_alloc)->veventq_depth);
	SAME_MEMBER(P(viommu_veventq_alloc)->out_veventq_id,
		    P(iommu_veventq_alloc)->out_veventq_id);
	SAME_MEMBER(P(viommu_veventq_alloc)->out_veventq_fd,
		    P(iommu_veventq_alloc)->out_veventq_fd);
	SAME_MEMBER(P(viommu_veventq_alloc)->__reserved,
		    P(iommu_veventq_alloc)->__reserved);

	SAME_SIZE(P(viommu_hw_queue_alloc), P(iommu_hw_queue_alloc));
	SAME_MEMBER(P(viommu_hw_queue_alloc)->size,
		    P(iommu_hw_queue_alloc)->size);
	SAME_MEMBER(P(viommu_hw_queue_alloc)->flags,
		    P(iommu_hw_queue_alloc)->flags);
	SAME_MEMBER(P(viommu_hw_queue_alloc)->viommu_id,
		    P(iommu_hw_queue_alloc)->viommu_id);
	SAME_MEMBER(P(viommu_hw_queue_alloc)->type,
		    P(iommu_hw_queue_alloc)->type);
	SAME_MEMBER(P(viommu_hw_queue_alloc)->index,
		    P(iommu_hw_queue_alloc)->index);
	SAME_MEMBER(P(viommu_hw_queue_alloc)->out_hw_queue_id,
		    P(iommu_hw_queue_alloc)->out_hw_queue_id);
	SAME_MEMBER(P(viommu_hw_queue_alloc)->nesting_parent_iova,
		    P(iommu_hw_queue_alloc)->nesting_parent_iova);
	SAME_MEMBER(P(viommu_hw_queue_alloc)->length,
		    P(iommu_hw_queue_alloc)->length);
}

/* The selftest uAPI against drivers/iommu/iommufd/iommufd_test.h */
static void check_selftest(void)
{
	SAME(VIOMMU_TEST_OP_MOCK_DOMAIN, IOMMU_TEST_OP_MOCK_DOMAIN);
	SAME(VIOMMU_TEST_OP_MD_CHECK_REFS, IOMMU_TEST_OP_MD_CHECK_REFS);
	SAME(VIOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT,
	     IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT);
	SAME(VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
	     IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE);
	SAME(VIOMMU_TEST_OP_TRIGGER_IOPF, IOMMU_TEST_OP_TRIGGER_IOPF);
	SAME(VIOMMU_TEST_OP_DEV_CHECK_CACHE, IOMMU_TEST_OP_DEV_CHECK_CACHE);
	SAME(VIOMMU_TEST_OP_TRIGGER_VEVENT, IOMMU_TEST_OP_TRIGGER_VEVENT);

	SAME_SIZE(P(viommu_test_cmd), P(iommu_test_cmd));
	SAME_MEMBER(P(viommu_test_cmd)->size, P(iommu_test_cmd)->size);
	SAME_MEMBER(P(viommu_test_cmd)->op, P(iommu_test_cmd)->op);
	SAME_MEMBER(P(viommu_test_cmd)->id, P(iommu_test_cmd)->id);
	SAME_MEMBER(P(viommu_test_cmd)->__reserved,
		    P(iommu_test_cmd)->__reserved);
	SAME_MEMBER(P(viommu_test_cmd)->mock_domain.out_stdev_id,
		    P(iommu_test_cmd)->mock_domain.out_stdev_id);
	SAME_MEMBER(P(viommu_test_cmd)->mock_domain.out_hwpt_id,
		    P(iommu_test_cmd)->mock_domain.out_hwpt_id);
	SAME_MEMBER(P(viommu_test_cmd)->mock_domain.out_idev_id,
		    P(iommu_test_cmd)->mock_domain.out_idev_id);
	SAME_MEMBER(P(viommu_test_cmd)->mock_domain_replace.pt_id,
		    P(iommu_test_cmd)->mock_domain_replace.pt_id);
	SAME_MEMBER(P(viommu_test_cmd)->check_refs.length,
		    P(iommu_test_cmd)->check_refs.length);
	SAME_MEMBER(P(viommu_test_cmd)->check_refs.uptr,
		    P(iommu_test_cmd)->check_refs.uptr);
	SAME_MEMBER(P(viommu_test_cmd)->check_refs.refs,
		    P(iommu_test_cmd)->check_refs.refs);
	SAME_MEMBER(P(viommu_test_cmd)->memory_limit.limit,
		    P(iommu_test_cmd)->memory_limit.limit);
	SAME_MEMBER(P(viommu_test_cmd)->trigger_iopf.dev_id,
		    P(iommu_test_cmd)->trigger_iopf.dev_id);
	SAME_MEMBER(P(viommu_test_cmd)->trigger_iopf.pasid,
		    P(iommu_test_cmd)->trigger_iopf.pasid);
	SAME_MEMBER(P(viommu_test_cmd)->trigger_iopf.grpid,
		    P(iommu_test_cmd)->trigger_iopf.grpid);
	SAME_MEMBER(P(viommu_test_cmd)->trigger_iopf.perm,
		    P(iommu_test_cmd)->trigger_iopf.perm);
	SAME_MEMBER(P(viommu_test_cmd)->trigger_iopf.addr,
		    P(iommu_test_cmd)->trigger_iopf.addr);
	SAME_MEMBER(P(viommu_test_cmd)->check_dev_cache.id,
		    P(iommu_test_cmd)->check_dev_cache.id);
	SAME_MEMBER(P(viommu_test_cmd)->check_dev_cache.cache,
		    P(iommu_test_cmd)->check_dev_cache.cache);
	SAME_MEMBER(P(viommu_test_cmd)->trigger_vevent.dev_id,
		    P(iommu_test_cmd)->trigger_vevent.dev_id);
	SAME_MEMBER(P(viommu_test_cmd)->last, P(iommu_test_cmd)->last);

	SAME(VIOMMU_HW_INFO_TYPE_SELFTEST, IOMMU_HW_INFO_TYPE_SELFTEST);
	SAME(VIOMMU_HW_INFO_SELFTEST_REGVAL, IOMMU_HW_INFO_SELFTEST_REGVAL);
	SAME_SIZE(P(viommu_test_hw_info), P(iommu_test_hw_info));
	SAME_MEMBER(P(viommu_test_hw_info)->flags,
		    P(iommu_test_hw_info)->flags);
	SAME_MEMBER(P(viommu_test_hw_info)->test_reg,
		    P(iommu_test_hw_info)->test_reg);

	SAME(VIOMMU_HWPT_DATA_SELFTEST, IOMMU_HWPT_DATA_SELFTEST);
	SAME(VIOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT);
	SAME(VIOMMU_TEST_DEV_CACHE_DEFAULT, IOMMU_TEST_DEV_CACHE_DEFAULT);
	SAME(VIOMMU_MOCK_NESTED_DOMAIN_IOTLB_ID_MAX,
	     MOCK_NESTED_DOMAIN_IOTLB_ID_MAX);
	SAME(VIOMMU_MOCK_NESTED_DOMAIN_IOTLB_NUM, MOCK_NESTED_DOMAIN_IOTLB_NUM);
	SAME(VIOMMU_MOCK_DEV_CACHE_ID_MAX, MOCK_DEV_CACHE_ID_MAX);
	SAME(VIOMMU_MOCK_DEV_CACHE_NUM, MOCK_DEV_CACHE_NUM);
	SAME_SIZE(P(viommu_hwpt_selftest), P(iommu_hwpt_selftest));
	SAME_MEMBER(P(viommu_hwpt_selftest)->iotlb,
		    P(iommu_hwpt_selftest)->iotlb);
	SAME_MEMBER(P(viommu_hwpt_selftest)->pagetable_type,
		    P(iommu_hwpt_selftest)->pagetable_type);

	SAME(VIOMMU_VIOMMU_TYPE_SELFTEST, IOMMU_VIOMMU_TYPE_SELFTEST);
	SAME_SIZE(P(viommu_viommu_selftest), P(iommu_viommu_selftest));
	SAME_MEMBER(P(viommu_viommu_selftest)->in_data,
		    P(iommu_viommu_selftest)->in_data);
	SAME_MEMBER(P(viommu_viommu_selftest)->out_data,
		    P(iommu_viommu_selftest)->out_data);
	SAME_MEMBER(P(viommu_viommu_selftest)->out_mmap_offset,
		    P(iommu_viommu_selftest)->out_mmap_offset);
	SAME_MEMBER(P(viommu_viommu_selftest)->out_mmap_length,
		    P(iommu_viommu_selftest)->out_mmap_length);

	SAME(VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
	     IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST);
	SAME(VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID,
	     IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID);
	SAME(VIOMMU_TEST_INVALIDATE_FLAG_ALL, IOMMU_TEST_INVALIDATE_FLAG_ALL);
	SAME_SIZE(P(viommu_viommu_invalidate_selftest),
		  P(iommu_viommu_invalidate_selftest));
	SAME_MEMBER(P(viommu_viommu_invalidate_selftest)->flags,
		    P(iommu_viommu_invalidate_selftest)->flags);
	SAME_MEMBER(P(viommu_viommu_invalidate_selftest)->vdev_id,
		    P(iommu_viommu_invalidate_selftest)->vdev_id);
	SAME_MEMBER(P(viommu_viommu_invalidate_selftest)->cache_id,
		    P(iommu_viommu_invalidate_selftest)->cache_id);

	SAME(VIOMMU_VEVENTQ_TYPE_SELFTEST, IOMMU_VEVENTQ_TYPE_SELFTEST);
	SAME_SIZE(P(viommu_viommu_event_selftest),
		  P(iommu_viommu_event_selftest));
	SAME_MEMBER(P(viommu_viommu_event_selftest)->virt_id,
		    P(iommu_viommu_event_selftest)->virt_id);

	SAME(VIOMMU_HW_QUEUE_TYPE_SELFTEST, IOMMU_HW_QUEUE_TYPE_SELFTEST);
	SAME(VIOMMU_TEST_HW_QUEUE_MAX, IOMMU_TEST_HW_QUEUE_MAX);
}

/* Built with -DUAPI_LAYOUT_BREAK, this must not compile: the check bites. */
static void check_break(void)
{
#ifdef UAPI_LAYOUT_BREAK
	SAME_SIZE(P(viommu_destroy), P(iommu_hwpt_alloc));
	SAME_MEMBER(P(viommu_hw_info)->out_capabilities,
		    P(iommu_hw_info)->flags);
	SAME(VIOMMU_VEVENTQ_ALLOC, IOMMU_HW_QUEUE_ALLOC);
#endif
}

int main(void)
{
	check_ioctls();
	check_enums();
	check_structs();
	check_selftest();
	check_break();
	printf("uapi layout: %d checks against the reference headers\n",
	       nchecks);
	return nchecks ? 0 : 1;
}
