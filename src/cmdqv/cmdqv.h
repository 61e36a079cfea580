/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Tegra241 CMDQV backend: a guest-owned VINTF per vIOMMU, its logical
 * VCMDQs as HW_QUEUEs, vSID slots per vDEVICE (upstream 7.2's user-space
 * part of tegra241-cmdqv.c, for 6.12's driver). A CMDQV vIOMMU is an
 * SMMUv3 vIOMMU (struct vsmmu) with a VINTF.
 *
 * Every register access goes through struct vcmdqv_io: on hardware the
 * driver's mapping, in KUnit a register model (kunit/cmdqv_model.c).
 */
#ifndef _VIOMMU_CMDQV_CMDQV_H
#define _VIOMMU_CMDQV_CMDQV_H

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/idr.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include "../smmuv3/vsmmu.h"

/* CMDQV global registers */
#define VCMDQV_CONFIG			0x0000
#define VCMDQV_CONFIG_EN		BIT(0)
#define VCMDQV_PARAM			0x0004
#define VCMDQV_PARAM_VER		GENMASK(3, 0)
#define VCMDQV_PARAM_NUM_VCMDQ_LOG2	GENMASK(7, 4)
#define VCMDQV_PARAM_NUM_VINTF_LOG2	GENMASK(11, 8)
#define VCMDQV_PARAM_NUM_SID_LOG2	GENMASK(15, 12)
#define VCMDQV_STATUS			0x0008
#define VCMDQV_STATUS_ENABLED		BIT(0)
/* 64 bits as two 32-bit registers (not 64-bit aligned) */
#define VCMDQV_VINTF_ERR_MAP		0x0014
#define VCMDQV_VINTF_INT_MASK		0x001c
#define VCMDQV_CMDQ_ERR_MAP(m)		(0x0024 + 0x4 * (m))
#define VCMDQV_CMDQ_ALLOC(q)		(0x0200 + 0x4 * (q))
#define VCMDQV_CMDQ_ALLOC_VINTF		GENMASK(20, 15)
#define VCMDQV_CMDQ_ALLOC_LVCMDQ	GENMASK(7, 1)
#define VCMDQV_CMDQ_ALLOCATED		BIT(0)

/* VINTF registers, at VCMDQV_VINTF(v) + */
#define VCMDQV_VINTF(v)			(0x1000 + 0x100 * (v))
#define VCMDQV_VINTF_CONFIG		0x0000
#define VCMDQV_VINTF_HYP_OWN		BIT(17)
#define VCMDQV_VINTF_VMID		GENMASK(16, 1)
#define VCMDQV_VINTF_EN			BIT(0)
#define VCMDQV_VINTF_STATUS		0x0004
#define VCMDQV_VINTF_ENABLED		BIT(0)
#define VCMDQV_VINTF_SID_MATCH(s)	(0x0040 + 0x4 * (s))
#define VCMDQV_VINTF_SID_MATCH_VIRT_SID	GENMASK(20, 1)
#define VCMDQV_VINTF_SID_MATCH_ENABLE	BIT(0)
#define VCMDQV_VINTF_SID_REPLACE(s)	(0x0080 + 0x4 * (s))
#define VCMDQV_VINTF_LVCMDQ_ERR_MAP_64(m) (0x00c0 + 0x8 * (m))
#define VCMDQV_LVCMDQ_ERR_MAP_NUM_64	2

/* VCMDQ page 0 registers (at a queue's page-0 address +) */
#define VCMDQV_VCMDQ_CONS		0x0000
#define VCMDQV_VCMDQ_PROD		0x0004
#define VCMDQV_VCMDQ_CONFIG		0x0008
#define VCMDQV_VCMDQ_EN			BIT(0)
#define VCMDQV_VCMDQ_STATUS		0x000c
#define VCMDQV_VCMDQ_ENABLED		BIT(0)
#define VCMDQV_VCMDQ_GERROR		0x0010
#define VCMDQV_VCMDQ_GERRORN		0x0014
/* VCMDQ page 1 registers, 64-bit */
#define VCMDQV_VCMDQ_BASE		0x0000
#define VCMDQV_VCMDQ_ADDR		GENMASK_ULL(47, 5)
#define VCMDQV_VCMDQ_LOG2SIZE		GENMASK_ULL(4, 0)
#define VCMDQV_VCMDQ_CONS_INDX_BASE	0x0008

/* Global VCMDQ pages, queue q at + 0x80 * q */
#define VCMDQV_VCMDQ_PAGE0(q)		(SZ_64K + 0x80 * (q))
#define VCMDQV_VCMDQ_PAGE1(q)		(2 * SZ_64K + 0x80 * (q))
/* A VINTF's logical pages: what its guest mmaps (page 0, 64 KiB) */
#define VCMDQV_VINTF_PAGE0(i)		(3 * SZ_64K + SZ_128K * (i))
#define VCMDQV_VINTF_PAGE1(i)		(VCMDQV_VINTF_PAGE0(i) + SZ_64K)
#define VCMDQV_LVCMDQ_PAGE0(i, l)	(VCMDQV_VINTF_PAGE0(i) + 0x80 * (l))
#define VCMDQV_LVCMDQ_PAGE1(i, l)	(VCMDQV_VINTF_PAGE1(i) + 0x80 * (l))
/* Bytes of register space a CMDQV with @n VINTFs decodes */
#define VCMDQV_SPACE(n)			VCMDQV_VINTF_PAGE0(n)

/* Commands of 16 bytes: a queue of length L holds L / 16 */
#define VCMDQV_CMD_SHIFT		4
/* SMMU IDR1.CMDQS: log2 of the most commands a queue may hold */
#define VCMDQV_SMMU_IDR1		0x4
#define VCMDQV_SMMU_IDR1_CMDQS		GENMASK(25, 21)
/* SMMU CMD_SYNC, completion signalled by nothing (CS=NONE) */
#define VCMDQV_SMMU_CMD_SYNC		0x46
/* upstream ARM_SMMU_POLL_TIMEOUT_US */
#define VCMDQV_POLL_TIMEOUT_US		1000000

/**
 * struct vcmdqv_io - How the backend reaches a CMDQV's registers
 * @read: 32-bit read at byte offset @off of the register space
 * @write: 32-bit write
 * @read64: 64-bit read (LVCMDQ_ERR_MAP_64)
 * @write64: 64-bit write (VCMDQ BASE, CONS_INDX_BASE)
 * @synced: Optional; told that a CMD_SYNC completed on the SMMU's main
 *          queue (a disabled LVCMDQ's ATC_INV timeouts are flushed)
 *
 * @priv is struct vcmdqv.io_priv: the driver's __iomem mapping on
 * hardware (vcmdqv_mmio_io), a register model in KUnit.
 */
struct vcmdqv_io {
	u32 (*read)(void *priv, u32 off);
	void (*write)(void *priv, u32 off, u32 val);
	u64 (*read64)(void *priv, u32 off);
	void (*write64)(void *priv, u32 off, u64 val);
	void (*synced)(void *priv);
};

extern const struct vcmdqv_io vcmdqv_mmio_io;

struct vcmdqv_vintf;

/**
 * struct vcmdqv - A CMDQV behind one SMMUv3 instance
 * @smmu: The SMMU it extends
 * @io: Register access
 * @io_priv: Given to @io
 * @base_phys: Physical address of the register space (for the guest's
 *             mmap of its VINTF page 0)
 * @vintf_ids: VINTF index allocator; index 0 is the host's VINTF0, never ours
 * @own_ids: @vintf_ids is ours to free (KUnit's model), not the driver's
 * @num_vintfs: VINTFs (PARAM)
 * @num_lvcmdqs_per_vintf: Logical VCMDQs per VINTF (PARAM)
 * @num_sids_per_vintf: SID_MATCH/SID_REPLACE pairs per VINTF (PARAM)
 * @version: PARAM.VER
 * @lock: Protects @vintfs
 * @vintfs: Our VINTFs by index (never the driver's own array), for reset
 *          re-apply and error reports
 * @nr_vintfs: How many of @vintfs are set
 */
struct vcmdqv {
	struct viommu_smmu *smmu;
	const struct vcmdqv_io *io;
	void *io_priv;
	phys_addr_t base_phys;
	struct ida *vintf_ids;
	bool own_ids;
	u16 num_vintfs;
	u16 num_lvcmdqs_per_vintf;
	u16 num_sids_per_vintf;
	u8 version;
	struct mutex lock; /* see @lock above */
	struct vcmdqv_vintf **vintfs;
	unsigned int nr_vintfs;
};

/**
 * struct vcmdqv_vintf - A vIOMMU of type TEGRA241_CMDQV: a guest-owned VINTF
 * @vsmmu: The SMMUv3 vIOMMU (its core struct first)
 * @cmdqv: The CMDQV
 * @idx: VINTF index (>= 1)
 * @enabled: The VINTF is enabled (a failed re-apply leaves it off)
 * @mmap_offset: The guest's mmap offset of page 0
 * @lock: Protects @enabled, @lvcmdqs and the VINTF's registers but the
 *	  SID slots'; held across queue disables, which may poll for long
 * @sid_lock: Protects @vsids and the SID slots; taken under the core's
 *	      global vDEVICE lock, so never held across a poll
 * @lvcmdqs: Logical VCMDQs by local index
 * @vsids: vSID slots by index
 */
struct vcmdqv_vintf {
	struct vsmmu vsmmu;
	struct vcmdqv *cmdqv;
	u16 idx;
	bool enabled;
	unsigned long mmap_offset;
	struct mutex lock; /* see @lock above */
	struct mutex sid_lock; /* see @sid_lock above */
	struct vcmdqv_lvcmdq **lvcmdqs;
	struct vcmdqv_vsid **vsids;
};

/**
 * struct vcmdqv_vsid - A vDEVICE on a VINTF: one SID_MATCH/SID_REPLACE pair
 * @vsdev: The SMMUv3 vDEVICE (core first; its @sid is the physical StreamID
 *         written to SID_REPLACE, the guest's invalidations use it too)
 * @vintf: Its VINTF
 * @idx: Slot index
 */
struct vcmdqv_vsid {
	struct vsmmu_vdevice vsdev;
	struct vcmdqv_vintf *vintf;
	u16 idx;
};

/**
 * struct vcmdqv_lvcmdq - A HW_QUEUE of type TEGRA241_CMDQV: a logical VCMDQ
 * @core: The core HW_QUEUE
 * @vintf: Its VINTF
 * @prev: The LVCMDQ of local index @lidx - 1 (it must outlive this one)
 * @idx: Global VCMDQ index (@vintf->idx * per-VINTF count + @lidx)
 * @lidx: Local index in the VINTF
 * @mapped: The VCMDQ is mapped to the VINTF (its logical registers reach it)
 * @q_base: VCMDQ BASE: physical address | log2 of the command count
 */
struct vcmdqv_lvcmdq {
	struct viommu_hw_queue core;
	struct vcmdqv_vintf *vintf;
	struct vcmdqv_lvcmdq *prev;
	u16 idx;
	u16 lidx;
	bool mapped;
	u64 q_base;
};

static inline struct vcmdqv_vintf *to_vintf(struct viommu *viommu)
{
	return container_of(viommu, struct vcmdqv_vintf, vsmmu.core);
}

/* hw.c: register sequences (upstream's, for a VINTF we own). */
int vcmdqv_vintf_hw_init(struct vcmdqv_vintf *vintf);
void vcmdqv_vintf_hw_deinit(struct vcmdqv_vintf *vintf);
void vcmdqv_vsid_hw_set(struct vcmdqv_vsid *vsid);
void vcmdqv_vsid_hw_clear(struct vcmdqv_vsid *vsid);
void vcmdqv_lvcmdq_hw_init(struct vcmdqv_lvcmdq *lvcmdq);
void vcmdqv_lvcmdq_hw_deinit(struct vcmdqv_lvcmdq *lvcmdq);
void vcmdqv_lvcmdq_hw_unmap(struct vcmdqv_lvcmdq *lvcmdq);

/* vintf.c, vsid.c, lvcmdq.c: the vIOMMU, vDEVICE and HW_QUEUE ops. */
size_t vcmdqv_get_viommu_size(struct viommu_smmu *smmu, u32 viommu_type);
int vcmdqv_vintf_init(struct vcmdqv_vintf *vintf,
		      const struct iommu_user_data *user_data);
void *vcmdqv_hw_info(struct viommu_smmu *smmu, u32 *length, u32 *type);
int vcmdqv_vsid_init(struct viommu_vdevice *vdev);
size_t vcmdqv_get_hw_queue_size(struct viommu *viommu, u32 queue_type);
int vcmdqv_lvcmdq_init(struct viommu_hw_queue *hw_queue, u32 lidx,
		       phys_addr_t base_pa);

/* main.c: instances, reset, errors. */
struct vcmdqv *vcmdqv_of_smmu(struct viommu_smmu *smmu);
void vcmdqv_init(void);
void vcmdqv_exit(void);
void vcmdqv_report_errors(struct vcmdqv *cmdqv);
void vcmdqv_reapply(struct vcmdqv *cmdqv);

#if IS_ENABLED(CONFIG_KUNIT)
int viommu_cmdqv_test_attach(struct viommu_smmu *smmu,
			     const struct vcmdqv_io *io, void *io_priv,
			     phys_addr_t base_phys);
int viommu_cmdqv_test_detach(struct viommu_smmu *smmu);
#endif

#endif /* _VIOMMU_CMDQV_CMDQV_H */
