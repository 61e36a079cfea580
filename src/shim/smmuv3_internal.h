/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the SMMUv3 files of the shim: the layout of the arm-smmu-v3
 * driver learned from vmlinux BTF (smmuv3_layout.c), the prototypes the
 * shim calls and hooks it with, and the hooks (smmuv3_hooks.c).
 */
#ifndef _VIOMMU_SHIM_SMMUV3_INTERNAL_H
#define _VIOMMU_SHIM_SMMUV3_INTERNAL_H

#include "internal.h"
#include "smmuv3.h"

/*
 * What the SMMU table learned, valid once viommu_smmu_layout_init()
 * returned 0: sizes as <struct>_size, fields as <struct>_<member> (smmu:
 * arm_smmu_device, evtq: arm_smmu_evtq, master: arm_smmu_master, cdcfg:
 * arm_smmu_ctx_desc_cfg, stream: arm_smmu_stream, domain:
 * arm_smmu_domain, s2cfg: arm_smmu_s2_cfg, state: the .c-local
 * arm_smmu_attach_state, ste: arm_smmu_ste) and stage_s2, the value of
 * ARM_SMMU_DOMAIN_S2.
 */
struct viommu_smmu_layout {
	u32 smmu_size;
	struct viommu_field smmu_dev, smmu_base, smmu_cmdq, smmu_evtq,
		smmu_iommu;
	u32 evtq_size;
	struct viommu_field evtq_q;
	u32 master_size;
	struct viommu_field master_smmu, master_dev, master_streams,
		master_cd_table, master_num_streams, master_ats_enabled;
	u32 cdcfg_size;
	struct viommu_field cdcfg_used_ssids;
	u32 stream_size;
	struct viommu_field stream_id;
	u32 domain_size;
	struct viommu_field domain_smmu, domain_nr_ats_masters, domain_stage,
		domain_s2_cfg, domain_domain, domain_devices_lock;
	u32 s2cfg_size;
	struct viommu_field s2cfg_vmid;
	u32 state_size;
	struct viommu_field state_old_domain, state_master, state_ssid,
		state_ats_enabled;
	u32 ste_size;
	struct viommu_field ste_data;
	u32 stage_s2;
};

extern struct viommu_smmu_layout viommu_smmu_layout;

int viommu_smmu_layout_run(const char *fail_check, char *why, size_t len);
int viommu_smmu_layout_init(const char *fail_check, char *why, size_t len);
int viommu_smmu_layout_check_func(const char *name);
#if IS_ENABLED(CONFIG_KUNIT)
extern const struct viommu_layout_entry viommu_smmu_layout_table[];
extern const unsigned int viommu_smmu_layout_table_len;
#endif

/*
 * The driver's functions, typed as the shim calls them (enums as u32,
 * ioasid_t as u32); each is checked against its BTF prototype at load.
 */
struct arm_smmu_attach_state;
struct arm_smmu_cmdq;
struct arm_smmu_device;
struct arm_smmu_domain;
struct arm_smmu_master;
struct arm_smmu_queue;
struct arm_smmu_ste;
struct iommu_user_data;
typedef struct arm_smmu_domain *(viommu_smmu_domain_alloc_fn)(void);
typedef int viommu_smmu_domain_finalise_fn(struct arm_smmu_domain *smmu_domain,
					   struct arm_smmu_device *smmu,
					   u32 flags);
typedef struct iommu_domain *(viommu_smmu_domain_alloc_user_fn)(struct device *dev,
								u32 flags,
								struct iommu_domain *p,
								const struct iommu_user_data *ud);
typedef int viommu_smmu_attach_prepare_fn(struct arm_smmu_attach_state *state,
					  struct iommu_domain *new_domain);
typedef void viommu_smmu_attach_commit_fn(struct arm_smmu_attach_state *state);
typedef void viommu_smmu_install_ste_fn(struct arm_smmu_master *master,
					const struct arm_smmu_ste *target);
typedef void viommu_smmu_make_abort_ste_fn(struct arm_smmu_ste *target);
typedef void viommu_smmu_make_s2_ste_fn(struct arm_smmu_ste *target,
					struct arm_smmu_master *master,
					struct arm_smmu_domain *smmu_domain,
					bool ats_enabled);
typedef int viommu_smmu_issue_cmdlist_fn(struct arm_smmu_device *smmu,
					 struct arm_smmu_cmdq *cmdq, u64 *cmds,
					 int n, bool sync);
typedef int viommu_smmu_queue_remove_raw_fn(struct arm_smmu_queue *q, u64 *ent);
typedef void viommu_smmu_remove_master_domain_fn(struct arm_smmu_master *master,
						 struct iommu_domain *domain,
						 u32 ssid);

/* smmuv3.c: the instances found at init, for the hooks */
struct viommu_smmu *viommu_smmu_of_evtq(struct arm_smmu_queue *q);

/* smmuv3_hooks.c */
int viommu_smmu_hooks_init(const struct iommu_ops *ops,
			   struct viommu_shim_why *why);
void viommu_smmu_hooks_exit(void);
#if IS_ENABLED(CONFIG_KUNIT)
long viommu_smmu_hook_calls(const char *name);
#endif

#endif /* _VIOMMU_SHIM_SMMUV3_INTERNAL_H */
