/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the SMMUv3 backend: the guest-facing objects (vIOMMU, vDEVICE,
 * nested domain), the per-SMMU state and the architecture facts it needs.
 * Bit fields, opcodes and event ids are the SMMUv3 architecture's, as
 * upstream's arm-smmu-v3.h spells them (that header is private, so they
 * are repeated here under our prefix).
 */
#ifndef _VIOMMU_SMMUV3_VSMMU_H
#define _VIOMMU_SMMUV3_VSMMU_H

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/hashtable.h>
#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <uapi/linux/viommu.h>
#include <viommu/viommu.h>

#include "../shim/smmuv3.h"

/* Register page 0 */
#define VSMMU_IDR0			0x0
#define VSMMU_IDR0_S1P			BIT(1)
#define VSMMU_IDR0_S2P			BIT(0)
#define VSMMU_IDR3			0xc
#define VSMMU_IIDR			0x18
#define VSMMU_IIDR_PRODUCTID		GENMASK(31, 20)
#define VSMMU_IIDR_VARIANT		GENMASK(19, 16)
#define VSMMU_IIDR_REVISION		GENMASK(15, 12)
#define VSMMU_IIDR_IMPLEMENTER		GENMASK(11, 0)
#define VSMMU_IIDR_IMPLEMENTER_ARM	0x43b
#define VSMMU_IIDR_PRODUCT_MMU_600	0x483
#define VSMMU_IIDR_PRODUCT_MMU_700	0x487
#define VSMMU_AIDR			0x1c

/* Stream table entry, words 0 and 1 */
#define VSMMU_STE_0_V			BIT_ULL(0)
#define VSMMU_STE_0_CFG			GENMASK_ULL(3, 1)
#define VSMMU_STE_0_CFG_ABORT		0
#define VSMMU_STE_0_CFG_BYPASS		4
#define VSMMU_STE_0_CFG_S1_TRANS	5
#define VSMMU_STE_0_S1FMT		GENMASK_ULL(5, 4)
#define VSMMU_STE_0_S1CTXPTR_MASK	GENMASK_ULL(51, 6)
#define VSMMU_STE_0_S1CDMAX		GENMASK_ULL(63, 59)
#define VSMMU_STE_1_S1DSS		GENMASK_ULL(1, 0)
#define VSMMU_STE_1_S1CIR		GENMASK_ULL(3, 2)
#define VSMMU_STE_1_S1COR		GENMASK_ULL(5, 4)
#define VSMMU_STE_1_S1CSH		GENMASK_ULL(7, 6)
#define VSMMU_STE_1_S1STALLD		BIT_ULL(27)
#define VSMMU_STE_1_EATS		GENMASK_ULL(29, 28)
#define VSMMU_STE_1_EATS_ABT		0
#define VSMMU_STE_1_EATS_TRANS		1

/* What a guest may set in a vSTE (upstream STRTAB_STE_*_NESTING_ALLOWED). */
#define VSMMU_STE_0_NESTING_ALLOWED					\
	(VSMMU_STE_0_V | VSMMU_STE_0_CFG | VSMMU_STE_0_S1FMT |		\
	 VSMMU_STE_0_S1CTXPTR_MASK | VSMMU_STE_0_S1CDMAX)
#define VSMMU_STE_1_NESTING_ALLOWED					\
	(VSMMU_STE_1_S1DSS | VSMMU_STE_1_S1CIR | VSMMU_STE_1_S1COR |	\
	 VSMMU_STE_1_S1CSH | VSMMU_STE_1_S1STALLD | VSMMU_STE_1_EATS)

/* Commands */
#define VSMMU_CMD_0_OP			GENMASK_ULL(7, 0)
#define VSMMU_CMD_CFGI_0_SID		GENMASK_ULL(63, 32)
#define VSMMU_CMD_TLBI_0_VMID		GENMASK_ULL(47, 32)
#define VSMMU_CMD_OP_CFGI_CD		0x05
#define VSMMU_CMD_OP_CFGI_CD_ALL	0x06
#define VSMMU_CMD_OP_TLBI_NH_ALL	0x10
#define VSMMU_CMD_OP_TLBI_NH_ASID	0x11
#define VSMMU_CMD_OP_TLBI_NH_VA		0x12
#define VSMMU_CMD_OP_TLBI_NH_VAA	0x13
#define VSMMU_CMD_OP_TLBI_NSNH_ALL	0x30
#define VSMMU_CMD_OP_ATC_INV		0x40
/* The command queue takes 64 per batch, one of them the CMD_SYNC. */
#define VSMMU_CMD_BATCH			63

/* Event records */
#define VSMMU_EVT_DWORDS		4
#define VSMMU_EVT_0_ID			GENMASK_ULL(7, 0)
#define VSMMU_EVT_0_SID			GENMASK_ULL(63, 32)
#define VSMMU_EVT_1_STALL		BIT_ULL(31)
#define VSMMU_EVT_1_S2			BIT_ULL(39)
#define VSMMU_EVT_BAD_STE_CONFIG	0x04
#define VSMMU_EVT_STREAM_DISABLED	0x06
#define VSMMU_EVT_BAD_SUBSTREAMID	0x08
#define VSMMU_EVT_BAD_CD_CONFIG		0x0a
#define VSMMU_EVT_TRANSLATION		0x10
#define VSMMU_EVT_ADDR_SIZE		0x11
#define VSMMU_EVT_ACCESS		0x12
#define VSMMU_EVT_PERMISSION		0x13

/**
 * struct vsmmu_instance - What the backend keeps per physical SMMU
 * @smmu: The SMMU (opaque, from the shim)
 * @lock: Protects @vmasters; taken by nested attach, the shim's
 *	  nested_left (under arm_smmu_asid_lock) and event delivery
 * @vmasters: struct vsmmu_vmaster by physical StreamID
 * @cmdqv: The Tegra241 CMDQV behind it, if the CMDQV backend serves one
 */
struct vsmmu_instance {
	struct viommu_smmu *smmu;
	struct mutex lock; /* see @lock above */
	DECLARE_HASHTABLE(vmasters, 6);
	struct vcmdqv *cmdqv;
};

/**
 * struct vsmmu - An SMMUv3 vIOMMU
 * @core: The core's vIOMMU, first as VIOMMU_STRUCT_SIZE() wants
 * @smmu: The physical SMMU
 * @inst: Its backend state
 * @s2_parent: The nest parent (stage 2) of this vIOMMU
 * @vmid: The parent's VMID: every guest TLBI is confined to it
 */
struct vsmmu {
	struct viommu core;
	struct viommu_smmu *smmu;
	struct vsmmu_instance *inst;
	struct iommu_domain *s2_parent;
	u16 vmid;
};

/**
 * struct vsmmu_vdevice - A vDEVICE on an SMMUv3 vIOMMU
 * @core: The core's vDEVICE, first
 * @sid: The device's one physical StreamID, what its vSID stands for
 */
struct vsmmu_vdevice {
	struct viommu_vdevice core;
	u32 sid;
};

/**
 * struct vsmmu_nested - A nested domain: a guest STE over the vIOMMU's S2
 * @domain: IOMMU_DOMAIN_NESTED, ops vsmmu_nested_ops
 * @vsmmu: The vIOMMU it was made on (the nested HWPT pins it)
 * @enable_ats: The guest asked for ATS (Cfg S1 with EATS=trans)
 * @ste: The validated vSTE words 0..1, EATS cleared
 */
struct vsmmu_nested {
	struct iommu_domain domain;
	struct vsmmu *vsmmu;
	bool enable_ats;
	__le64 ste[2];
};

/**
 * struct vsmmu_vmaster - A device attached to a nested domain with a vSID
 * @node: In the instance's @vmasters
 * @sid: Physical StreamID, the key
 * @dev: The device
 * @domain: The nested domain it is attached to
 * @viommu: Where its events go; alive while the entry is (the nested
 *	    HWPT pins it and cannot go while attached)
 * @vsid: The guest's StreamID for it
 */
struct vsmmu_vmaster {
	struct hlist_node node;
	u32 sid;
	struct device *dev;
	struct iommu_domain *domain;
	struct viommu *viommu;
	unsigned long vsid;
};

static inline struct vsmmu *to_vsmmu(struct viommu *viommu)
{
	return container_of(viommu, struct vsmmu, core);
}

/* main.c */
struct vsmmu_instance *vsmmu_instance(struct viommu_smmu *smmu);
int vsmmu_pin(void);
void vsmmu_unpin_deferred(void);
bool viommu_smmuv3_nesting_ok(u32 idr0, u32 iidr);
#if IS_ENABLED(CONFIG_KUNIT)
bool viommu_smmuv3_test_state(bool flush);
#endif

/* viommu.c */
extern struct viommu_driver viommu_smmuv3_driver;
int vsmmu_vdevice_init(struct viommu_vdevice *vdev);
#if IS_ENABLED(CONFIG_KUNIT)
bool viommu_smmuv3_test_allow_noncoherent(bool allow);
#endif

/* nested.c */
int viommu_smmuv3_validate_vste(__le64 *ste, bool *enable_ats);
enum viommu_smmu_ste viommu_smmuv3_ste_kind(const __le64 *ste);
struct iommu_domain *
viommu_smmuv3_alloc_domain_nested(struct viommu *viommu, u32 flags,
				  const struct iommu_user_data *user_data);

/* invalidate.c */
typedef int (*vsmmu_issue_fn)(struct vsmmu *vsmmu, u64 *cmds, int n);
int viommu_smmuv3_convert_cmd(struct vsmmu *vsmmu, u64 *cmd);
int viommu_smmuv3_invalidate(struct vsmmu *vsmmu,
			     struct iommu_user_data_array *array,
			     vsmmu_issue_fn issue);
int vsmmu_cache_invalidate(struct viommu *viommu,
			   struct iommu_user_data_array *array);

/* event.c */
bool viommu_smmuv3_event_wanted(const u64 *evt);
void viommu_smmuv3_event_to_guest(const u64 *evt, unsigned long vsid,
				  struct viommu_vevent_arm_smmuv3 *vevt);

#endif /* _VIOMMU_SMMUV3_VSMMU_H */
