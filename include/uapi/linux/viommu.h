/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/viommu: the iommufd vIOMMU object layer for kernels whose own
 * iommufd lacks it.
 *
 * The ioctls mirror include/uapi/linux/iommufd.h of current Linux: same
 * type, numbers and struct layouts, and the same extensible-struct rules.
 * Every struct starts with a __u32 size that userspace sets to the size it
 * knows. A size below the smallest valid one fails with EINVAL; bytes past
 * the struct the kernel knows must be zero, else E2BIG. An unknown command
 * fails with ENOTTY.
 *
 * A new file descriptor must first be bound to a stock iommufd with
 * VIOMMU_BIND_IOMMUFD; every other ioctl fails with EBADFD until then.
 */
#ifndef _UAPI_LINUX_VIOMMU_H
#define _UAPI_LINUX_VIOMMU_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Shared with iommufd so the upstream numbers can be used as they are. */
#define VIOMMU_TYPE (';')

/*
 * Naming: every upstream name is spelled with a viommu prefix, e.g.
 * struct iommu_viommu_alloc is struct viommu_viommu_alloc and
 * IOMMU_VIOMMU_ALLOC is VIOMMU_VIOMMU_ALLOC. Numbers, layouts and errnos are
 * upstream's, so a client may as well use the upstream names on this file.
 */
enum {
	VIOMMU_CMD_BASE = 0x80,
	VIOMMU_CMD_DESTROY = VIOMMU_CMD_BASE,
	VIOMMU_CMD_HWPT_ALLOC = 0x89,
	VIOMMU_CMD_GET_HW_INFO = 0x8a,
	VIOMMU_CMD_HWPT_INVALIDATE = 0x8d,
	VIOMMU_CMD_VIOMMU_ALLOC = 0x90,
	VIOMMU_CMD_VDEVICE_ALLOC = 0x91,
	VIOMMU_CMD_VEVENTQ_ALLOC = 0x93,
	VIOMMU_CMD_HW_QUEUE_ALLOC = 0x94,
	/* Upstream's IOMMU_TEST_CMD, served by the selftest backend. */
	VIOMMU_CMD_TEST = 0xa0,
	/* Commands only /dev/viommu has, far above upstream's range. */
	VIOMMU_CMD_BIND_IOMMUFD = 0xc0,
};

/**
 * struct viommu_bind_iommufd - ioctl(VIOMMU_BIND_IOMMUFD)
 * @size: sizeof(struct viommu_bind_iommufd)
 * @iommufd_fd: An open /dev/iommu file descriptor
 *
 * Bind this /dev/viommu file to a stock iommufd context. Object ids given
 * to later ioctls (dev_id, hwpt_id, ioas_id) are ids of that context. The
 * binding holds a reference on the iommufd context until this file is
 * closed, so @iommufd_fd may be closed right after.
 *
 * Errors: EBUSY if this file is already bound; EBADF if @iommufd_fd is not
 * an open file descriptor; EINVAL if it is not an iommufd.
 */
struct viommu_bind_iommufd {
	__u32 size;
	__u32 iommufd_fd;
};

#define VIOMMU_BIND_IOMMUFD _IO(VIOMMU_TYPE, VIOMMU_CMD_BIND_IOMMUFD)

/**
 * struct viommu_destroy - ioctl(VIOMMU_DESTROY), upstream IOMMU_DESTROY
 * @size: sizeof(struct viommu_destroy)
 * @id: A vIOMMU, vDEVICE, vEVENTQ, HW_QUEUE or selftest object of this file
 *
 * Errors: ENOENT if @id names no object of this file; EBUSY while another
 * object or an open file or mapping still uses it.
 */
struct viommu_destroy {
	__u32 size;
	__u32 id;
};

#define VIOMMU_DESTROY _IO(VIOMMU_TYPE, VIOMMU_CMD_DESTROY)

/* enum iommufd_hwpt_alloc_flags */
enum viommu_hwpt_alloc_flags {
	VIOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0,
	VIOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
	VIOMMU_HWPT_FAULT_ID_VALID = 1 << 2,
	VIOMMU_HWPT_ALLOC_PASID = 1 << 3,
};

/* enum iommu_hwpt_data_type */
enum viommu_hwpt_data_type {
	VIOMMU_HWPT_DATA_NONE = 0,
	VIOMMU_HWPT_DATA_VTD_S1 = 1,
	VIOMMU_HWPT_DATA_ARM_SMMUV3 = 2,
	VIOMMU_HWPT_DATA_AMD_GUEST = 3,
};

/**
 * struct viommu_hwpt_arm_smmuv3 - upstream struct iommu_hwpt_arm_smmuv3
 * @ste: The guest's stream table entry, little endian
 */
struct viommu_hwpt_arm_smmuv3 {
	__aligned_le64 ste[2];
};

/**
 * struct viommu_hwpt_alloc - ioctl(VIOMMU_HWPT_ALLOC), upstream IOMMU_HWPT_ALLOC
 * @size: sizeof(struct viommu_hwpt_alloc)
 * @flags: Combination of enum viommu_hwpt_alloc_flags
 * @dev_id: A device id of the bound iommufd
 * @pt_id: A vIOMMU id of this file
 * @out_hwpt_id: The new nested HWPT, an id of the bound iommufd
 * @__reserved: Must be 0
 * @data_type: One of enum viommu_hwpt_data_type, as the driver expects
 * @data_len: Length of the data at @data_uptr
 * @data_uptr: Driver data describing the guest page table
 * @fault_id: A fault object, with VIOMMU_HWPT_FAULT_ID_VALID
 * @__reserved2: Must be 0
 *
 * Only the vIOMMU form exists here: the nested HWPT is created as a stock
 * IOMMUFD_OBJ_HWPT_NESTED in the bound iommufd, so attaching it and
 * destroying it are done there, and so is the fault queue @fault_id names
 * (IOMMU_FAULT_QUEUE_ALLOC): its IOPFs arrive on the stock fault fd. The
 * stock fault queue's layout is part of what the module checks at load: a
 * kernel where it differs gets no vIOMMU ioctl at all (the load log says
 * why), never a fault queue that drops faults.
 */
struct viommu_hwpt_alloc {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;
	__u32 out_hwpt_id;
	__u32 __reserved;
	__u32 data_type;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 fault_id;
	__u32 __reserved2;
};

#define VIOMMU_HWPT_ALLOC _IO(VIOMMU_TYPE, VIOMMU_CMD_HWPT_ALLOC)

/* upstream struct iommu_hw_info_arm_smmuv3 */
struct viommu_hw_info_arm_smmuv3 {
	__u32 flags;
	__u32 __reserved;
	__u32 idr[6];
	__u32 iidr;
	__u32 aidr;
};

/* upstream struct iommu_hw_info_tegra241_cmdqv */
struct viommu_hw_info_tegra241_cmdqv {
	__u32 flags;
	__u8 version;
	__u8 log2vcmdqs;
	__u8 log2vsids;
	__u8 __reserved;
};

/* enum iommu_hw_info_type */
enum viommu_hw_info_type {
	VIOMMU_HW_INFO_TYPE_NONE = 0,
	VIOMMU_HW_INFO_TYPE_DEFAULT = 0,
	VIOMMU_HW_INFO_TYPE_INTEL_VTD = 1,
	VIOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2,
	VIOMMU_HW_INFO_TYPE_TEGRA241_CMDQV = 3,
	VIOMMU_HW_INFO_TYPE_AMD = 4,
};

/* enum iommufd_hw_capabilities */
enum viommu_hw_capabilities {
	VIOMMU_HW_CAP_DIRTY_TRACKING = 1 << 0,
	VIOMMU_HW_CAP_PCI_PASID_EXEC = 1 << 1,
	VIOMMU_HW_CAP_PCI_PASID_PRIV = 1 << 2,
	VIOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED = 1 << 3,
};

/* enum iommufd_hw_info_flags */
enum viommu_hw_info_flags {
	VIOMMU_HW_INFO_FLAG_INPUT_TYPE = 1 << 0,
};

/**
 * struct viommu_hw_info - ioctl(VIOMMU_GET_HW_INFO), upstream IOMMU_GET_HW_INFO
 * @size: sizeof(struct viommu_hw_info)
 * @flags: enum viommu_hw_info_flags
 * @dev_id: A device id of the bound iommufd
 * @data_len: In: room at @data_uptr; out: length the driver has
 * @data_uptr: Where the driver's info struct is written; the rest of
 *             the room is zeroed
 * @in_data_type: With VIOMMU_HW_INFO_FLAG_INPUT_TYPE, the type wanted
 * @out_data_type: The type written
 * @out_max_pasid_log2: Width of PASIDs, 0 if none
 * @__reserved: Must be 0
 * @out_capabilities: enum viommu_hw_capabilities
 */
struct viommu_hw_info {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 data_len;
	__aligned_u64 data_uptr;
	union {
		__u32 in_data_type;
		__u32 out_data_type;
	};
	__u8 out_max_pasid_log2;
	__u8 __reserved[3];
	__aligned_u64 out_capabilities;
};

#define VIOMMU_GET_HW_INFO _IO(VIOMMU_TYPE, VIOMMU_CMD_GET_HW_INFO)

/* enum iommu_viommu_invalidate_data_type */
enum viommu_viommu_invalidate_data_type {
	VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 = 1,
};

/**
 * struct viommu_viommu_arm_smmuv3_invalidate - one SMMUv3 command
 * @cmd: The 128-bit command, little endian
 */
struct viommu_viommu_arm_smmuv3_invalidate {
	__aligned_le64 cmd[2];
};

/**
 * struct viommu_hwpt_invalidate - ioctl(VIOMMU_HWPT_INVALIDATE)
 * @size: sizeof(struct viommu_hwpt_invalidate)
 * @hwpt_id: A vIOMMU id of this file
 * @data_uptr: Array of @entry_num entries of @entry_len bytes
 * @data_type: One of enum viommu_viommu_invalidate_data_type
 * @entry_len: Length of one entry
 * @entry_num: In: number of entries; out: number handled
 * @__reserved: Must be 0
 *
 * Nested HWPTs live in the bound iommufd: invalidate them there.
 */
struct viommu_hwpt_invalidate {
	__u32 size;
	__u32 hwpt_id;
	__aligned_u64 data_uptr;
	__u32 data_type;
	__u32 entry_len;
	__u32 entry_num;
	__u32 __reserved;
};

#define VIOMMU_HWPT_INVALIDATE _IO(VIOMMU_TYPE, VIOMMU_CMD_HWPT_INVALIDATE)

/* enum iommu_viommu_type */
enum viommu_viommu_type {
	VIOMMU_VIOMMU_TYPE_DEFAULT = 0,
	VIOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1,
	VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV = 2,
};

/* upstream struct iommu_viommu_tegra241_cmdqv */
struct viommu_viommu_tegra241_cmdqv {
	__aligned_u64 out_vintf_mmap_offset;
	__aligned_u64 out_vintf_mmap_length;
};

/**
 * struct viommu_viommu_alloc - ioctl(VIOMMU_VIOMMU_ALLOC)
 * @size: sizeof(struct viommu_viommu_alloc)
 * @flags: Must be 0
 * @type: One of enum viommu_viommu_type
 * @dev_id: A device id of the bound iommufd, behind the physical IOMMU
 * @hwpt_id: A nest-parent HWPT_PAGING id of the bound iommufd
 * @out_viommu_id: The new vIOMMU, an id of this file
 * @data_len: Length of the driver data at @data_uptr, 0 if none
 * @__reserved: Must be 0
 * @data_uptr: Driver data, in and out
 *
 * Errors: EOPNOTSUPP for flags, type 0 or a type no driver takes; ENOENT
 * for an unknown @dev_id or @hwpt_id; EINVAL if @hwpt_id is not a nest
 * parent.
 */
struct viommu_viommu_alloc {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 dev_id;
	__u32 hwpt_id;
	__u32 out_viommu_id;
	__u32 data_len;
	__u32 __reserved;
	__aligned_u64 data_uptr;
};

#define VIOMMU_VIOMMU_ALLOC _IO(VIOMMU_TYPE, VIOMMU_CMD_VIOMMU_ALLOC)

/**
 * struct viommu_vdevice_alloc - ioctl(VIOMMU_VDEVICE_ALLOC)
 * @size: sizeof(struct viommu_vdevice_alloc)
 * @viommu_id: A vIOMMU id of this file
 * @dev_id: A device id of the bound iommufd
 * @out_vdevice_id: The new vDEVICE, an id of this file
 * @virt_id: The device's id in the guest (a vSID on SMMUv3)
 *
 * A device has at most one vDEVICE and @virt_id is unique per vIOMMU
 * (EEXIST). When the device is unbound from the iommufd while its vDEVICE
 * lives, the vDEVICE is destroyed first and its id then gives ENOENT.
 */
struct viommu_vdevice_alloc {
	__u32 size;
	__u32 viommu_id;
	__u32 dev_id;
	__u32 out_vdevice_id;
	__aligned_u64 virt_id;
};

#define VIOMMU_VDEVICE_ALLOC _IO(VIOMMU_TYPE, VIOMMU_CMD_VDEVICE_ALLOC)

/* enum iommu_veventq_flag */
enum viommu_veventq_flag {
	VIOMMU_VEVENTQ_FLAG_LOST_EVENTS = (1U << 0),
};

/**
 * struct viommu_vevent_header - upstream struct iommufd_vevent_header
 * @flags: enum viommu_veventq_flag
 * @sequence: 0..INT_MAX, wrapping; a gap of n means n - 1 events were lost
 *
 * Each read() record is this header and, unless LOST_EVENTS is set, the
 * type's event data.
 */
struct viommu_vevent_header {
	__u32 flags;
	__u32 sequence;
};

/* enum iommu_veventq_type */
enum viommu_veventq_type {
	VIOMMU_VEVENTQ_TYPE_DEFAULT = 0,
	VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3 = 1,
	VIOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV = 2,
};

/* upstream struct iommu_vevent_arm_smmuv3 */
struct viommu_vevent_arm_smmuv3 {
	__aligned_le64 evt[4];
};

/* upstream struct iommu_vevent_tegra241_cmdqv */
struct viommu_vevent_tegra241_cmdqv {
	__aligned_le64 lvcmdq_err_map[2];
};

/**
 * struct viommu_veventq_alloc - ioctl(VIOMMU_VEVENTQ_ALLOC)
 * @size: sizeof(struct viommu_veventq_alloc)
 * @flags: Must be 0
 * @viommu_id: A vIOMMU id of this file
 * @type: One of enum viommu_veventq_type
 * @veventq_depth: Most events held before events are lost, 1..1 << 19
 * @out_veventq_id: The new vEVENTQ, an id of this file
 * @out_veventq_fd: A file to read() and poll() the events on
 * @__reserved: Must be 0
 */
struct viommu_veventq_alloc {
	__u32 size;
	__u32 flags;
	__u32 viommu_id;
	__u32 type;
	__u32 veventq_depth;
	__u32 out_veventq_id;
	__u32 out_veventq_fd;
	__u32 __reserved;
};

#define VIOMMU_VEVENTQ_ALLOC _IO(VIOMMU_TYPE, VIOMMU_CMD_VEVENTQ_ALLOC)

/* enum iommu_hw_queue_type */
enum viommu_hw_queue_type {
	VIOMMU_HW_QUEUE_TYPE_DEFAULT = 0,
	VIOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV = 1,
};

/**
 * struct viommu_hw_queue_alloc - ioctl(VIOMMU_HW_QUEUE_ALLOC)
 * @size: sizeof(struct viommu_hw_queue_alloc)
 * @flags: Must be 0
 * @viommu_id: A vIOMMU id of this file
 * @type: One of enum viommu_hw_queue_type
 * @index: The queue's index in the vIOMMU
 * @out_hw_queue_id: The new HW_QUEUE, an id of this file
 * @nesting_parent_iova: Guest physical address of the queue memory, mapped
 *                       in the nest parent's IOAS
 * @length: Length of the queue memory in bytes
 *
 * The queue memory stays pinned while the HW_QUEUE lives: unmapping it from
 * the IOAS fails with EBUSY.
 */
struct viommu_hw_queue_alloc {
	__u32 size;
	__u32 flags;
	__u32 viommu_id;
	__u32 type;
	__u32 index;
	__u32 out_hw_queue_id;
	__aligned_u64 nesting_parent_iova;
	__aligned_u64 length;
};

#define VIOMMU_HW_QUEUE_ALLOC _IO(VIOMMU_TYPE, VIOMMU_CMD_HW_QUEUE_ALLOC)
#endif /* _UAPI_LINUX_VIOMMU_H */
