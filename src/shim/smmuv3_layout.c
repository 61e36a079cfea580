// SPDX-License-Identifier: GPL-2.0
/*
 * The second table: everything private of the arm-smmu-v3 driver the shim
 * touches, checked against vmlinux BTF at SMMU init (the driver is built
 * in). Apart from the iommufd table so that a driver that does not verify
 * turns off only the SMMUv3 backend. Two structs have a namesake in SMMU
 * v2 (arm_smmu_device, arm_smmu_domain): their FIELD lines pick ours.
 */
#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/iommu.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "smmuv3_internal.h"

struct viommu_smmu_layout viommu_smmu_layout;
EXPORT_SYMBOL_IF_KUNIT(viommu_smmu_layout);

static bool viommu_smmu_layout_ok;

#define VL viommu_smmu_layout
#define S(n, sz) { .kind = VIOMMU_LAYOUT_STRUCT, .name = n, .size = sz }
#define F(n, m, out, ...) { .kind = VIOMMU_LAYOUT_FIELD, .name = n, \
			    .member = m, .field = &VL.out, .want = __VA_ARGS__ }
#define E(n, m, out) { .kind = VIOMMU_LAYOUT_ENUM, .name = n, .member = m, \
		       .value = &VL.out }
#define FN(n, ...) { .kind = VIOMMU_LAYOUT_FUNC, .name = #n, \
		     .proto = &(const struct viommu_btf_proto)__VA_ARGS__ }

#define P_SMMU VB_PTR("arm_smmu_device")
#define P_MASTER VB_PTR("arm_smmu_master")
#define P_DOMAIN VB_PTR("arm_smmu_domain")
#define P_STATE VB_PTR("arm_smmu_attach_state")
#define P_STE VB_PTR("arm_smmu_ste")
#define P_IDOMAIN VB_PTR("iommu_domain")

const struct viommu_layout_entry viommu_smmu_layout_table[] = {
	S("arm_smmu_device", &VL.smmu_size),
	F("arm_smmu_device", "dev", smmu_dev, VB_PTR("device")),
	F("arm_smmu_device", "base", smmu_base, VB_PTR_TO(VB_VOID)),
	F("arm_smmu_device", "cmdq", smmu_cmdq, VB_STRUCT("arm_smmu_cmdq", 0)),
	F("arm_smmu_device", "evtq", smmu_evtq, VB_STRUCT("arm_smmu_evtq", 0)),
	F("arm_smmu_device", "iommu", smmu_iommu,
	  VB_STRUCT("iommu_device", sizeof(struct iommu_device))),

	S("arm_smmu_evtq", &VL.evtq_size),
	F("arm_smmu_evtq", "q", evtq_q, VB_STRUCT("arm_smmu_queue", 0)),

	S("arm_smmu_master", &VL.master_size),
	F("arm_smmu_master", "smmu", master_smmu, P_SMMU),
	F("arm_smmu_master", "dev", master_dev, VB_PTR("device")),
	F("arm_smmu_master", "streams", master_streams,
	  VB_PTR("arm_smmu_stream")),
	F("arm_smmu_master", "cd_table", master_cd_table,
	  VB_STRUCT("arm_smmu_ctx_desc_cfg", 0)),
	F("arm_smmu_master", "num_streams", master_num_streams,
	  VB_INT(unsigned int)),
	F("arm_smmu_master", "ats_enabled", master_ats_enabled, VB_BOOL),

	S("arm_smmu_ctx_desc_cfg", &VL.cdcfg_size),
	F("arm_smmu_ctx_desc_cfg", "used_ssids", cdcfg_used_ssids,
	  VB_INT(unsigned int)),

	S("arm_smmu_stream", &VL.stream_size),
	F("arm_smmu_stream", "id", stream_id, VB_U32),

	S("arm_smmu_domain", &VL.domain_size),
	F("arm_smmu_domain", "smmu", domain_smmu, P_SMMU),
	/* atomic_t: a typedef of an anonymous struct */
	F("arm_smmu_domain", "nr_ats_masters", domain_nr_ats_masters,
	  VB_STRUCT("", sizeof(atomic_t))),
	F("arm_smmu_domain", "stage", domain_stage,
	  VB_ENUM("arm_smmu_domain_stage", u32)),
	F("arm_smmu_domain", "s2_cfg", domain_s2_cfg,
	  VB_STRUCT("arm_smmu_s2_cfg", 0)),
	F("arm_smmu_domain", "domain", domain_domain,
	  VB_STRUCT("iommu_domain", sizeof(struct iommu_domain))),
	F("arm_smmu_domain", "devices_lock", domain_devices_lock,
	  VB_STRUCT("spinlock", sizeof(spinlock_t))),

	S("arm_smmu_s2_cfg", &VL.s2cfg_size),
	F("arm_smmu_s2_cfg", "vmid", s2cfg_vmid, VB_INT(u16)),

	/* Local to arm-smmu-v3.c: the shim allocates it at this size. */
	S("arm_smmu_attach_state", &VL.state_size),
	F("arm_smmu_attach_state", "old_domain", state_old_domain, P_IDOMAIN),
	F("arm_smmu_attach_state", "master", state_master, P_MASTER),
	F("arm_smmu_attach_state", "ssid", state_ssid, VB_U32),
	F("arm_smmu_attach_state", "ats_enabled", state_ats_enabled, VB_BOOL),

	S("arm_smmu_ste", &VL.ste_size),
	F("arm_smmu_ste", "data", ste_data, VB_ARRAY(0, VB_INT(u64))),

	E("arm_smmu_domain_stage", "ARM_SMMU_DOMAIN_S2", stage_s2),

	/* Called by smmuv3.c. */
	FN(arm_smmu_domain_alloc, { P_DOMAIN, 0, {} }),
	FN(arm_smmu_domain_finalise, { VB_INT(int), 3, { P_DOMAIN, P_SMMU, VB_U32 } }),
	FN(arm_smmu_attach_prepare, { VB_INT(int), 2, { P_STATE, P_IDOMAIN } }),
	FN(arm_smmu_attach_commit, { VB_VOID, 1, { P_STATE } }),
	FN(arm_smmu_install_ste_for_dev, { VB_VOID, 2, { P_MASTER, P_STE } }),
	FN(arm_smmu_make_abort_ste, { VB_VOID, 1, { P_STE } }),
	FN(arm_smmu_make_s2_domain_ste,
	   { VB_VOID, 4, { P_STE, P_MASTER, P_DOMAIN, VB_BOOL } }),
	FN(arm_smmu_cmdq_issue_cmdlist,
	   { VB_INT(int), 5, { P_SMMU, VB_PTR("arm_smmu_cmdq"),
			       VB_PTR_TO(VB_INT(u64)), VB_INT(int), VB_BOOL } }),

	/* Hooked by smmuv3_hooks.c. */
	FN(arm_smmu_domain_alloc_user,
	   { P_IDOMAIN, 4, { VB_PTR("device"), VB_U32, P_IDOMAIN,
			     VB_PTR("iommu_user_data") } }),
	FN(arm_smmu_remove_master_domain,
	   { VB_VOID, 3, { P_MASTER, P_IDOMAIN, VB_U32 } }),
	FN(queue_remove_raw,
	   { VB_INT(int), 2, { VB_PTR("arm_smmu_queue"),
			       VB_PTR_TO(VB_INT(u64)) } }),
};
EXPORT_SYMBOL_IF_KUNIT(viommu_smmu_layout_table);

const unsigned int viommu_smmu_layout_table_len =
	ARRAY_SIZE(viommu_smmu_layout_table);
EXPORT_SYMBOL_IF_KUNIT(viommu_smmu_layout_table_len);

/**
 * viommu_smmu_layout_run() - Check the SMMU table against vmlinux BTF
 * @fail_check: For tests: the entry of this name fails (NULL: none)
 * @why: Filled with what failed
 * @len: Size of @why
 *
 * Learns into viommu_smmu_layout (the same values each time).
 *
 * Return: 0, or the errno of the first entry that does not verify.
 */
int viommu_smmu_layout_run(const char *fail_check, char *why, size_t len)
{
	return viommu_layout_verify_vmlinux(viommu_smmu_layout_table,
					    ARRAY_SIZE(viommu_smmu_layout_table),
					    fail_check, why, len);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmu_layout_run);

/**
 * viommu_smmu_layout_init() - Verify the SMMU table, once, at SMMU init
 * @fail_check: For tests: the entry of this name fails (NULL: none)
 * @why: Filled with what failed
 * @len: Size of @why
 *
 * Return: 0, or the errno of the first entry that does not verify.
 */
int viommu_smmu_layout_init(const char *fail_check, char *why, size_t len)
{
	int rc;

	viommu_smmu_layout_ok = false;
	rc = viommu_smmu_layout_run(fail_check, why, len);
	viommu_smmu_layout_ok = !rc;
	return rc;
}

/**
 * viommu_smmu_layout_check_func() - Whether a function of the table verified
 * @name: The function
 *
 * Return: 0 if it is in the table and the table verified; -ENOENT if the
 * table does not declare it (a bug); -EOPNOTSUPP if it did not verify.
 */
int viommu_smmu_layout_check_func(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(viommu_smmu_layout_table); i++) {
		if (viommu_smmu_layout_table[i].kind == VIOMMU_LAYOUT_FUNC &&
		    !strcmp(viommu_smmu_layout_table[i].name, name))
			return viommu_smmu_layout_ok ? 0 : -EOPNOTSUPP;
	}
	WARN_ONCE(1, "%s() is not in the SMMU layout table\n", name);
	return -ENOENT;
}
