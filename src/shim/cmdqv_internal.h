/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the CMDQV files of the shim: the layout of 6.12's tegra241-cmdqv
 * driver learned from vmlinux BTF (cmdqv_layout.c), the prototypes the shim
 * hooks, and the hook set (cmdqv_hooks.c).
 */
#ifndef _VIOMMU_SHIM_CMDQV_INTERNAL_H
#define _VIOMMU_SHIM_CMDQV_INTERNAL_H

#include <linux/irqreturn.h>

#include "cmdqv.h"
#include "smmuv3_internal.h"

/*
 * What the CMDQV table learned, valid once viommu_cmdqv_layout_run()
 * returned 0: sizes as <struct>_size, fields as <struct>_<member> (cmdqv:
 * struct tegra241_cmdqv, smmu: the SMMUv3 struct arm_smmu_device, ops:
 * struct arm_smmu_impl_ops).
 */
struct viommu_cmdqv_layout {
	u32 cmdqv_size;
	struct viommu_field cmdqv_smmu, cmdqv_dev, cmdqv_base, cmdqv_irq,
		cmdqv_num_vintfs, cmdqv_num_vcmdqs, cmdqv_num_lvcmdqs_per_vintf,
		cmdqv_vintf_ids, cmdqv_vintfs;
	u32 smmu_size;
	struct viommu_field smmu_impl_dev, smmu_impl_ops;
	u32 ops_size;
	struct viommu_field ops_device_reset;
};

extern struct viommu_cmdqv_layout viommu_cmdqv_layout;

int viommu_cmdqv_layout_run(const char *fail_check, char *why, size_t len);
#if IS_ENABLED(CONFIG_KUNIT)
extern const struct viommu_layout_entry viommu_cmdqv_layout_table[];
extern const unsigned int viommu_cmdqv_layout_table_len;
#endif

/* The driver's functions, typed as the shim hooks them (checked vs BTF). */
struct arm_smmu_device;
typedef int viommu_cmdqv_hw_reset_fn(struct arm_smmu_device *smmu);
typedef irqreturn_t viommu_cmdqv_isr_fn(int irq, void *devid);

/* cmdqv.c */
int viommu_cmdqv_check(const char *fail_check, char *why, size_t len);
int viommu_cmdqv_sane(const struct viommu_shim_cmdqv *c, const char **why);
int viommu_cmdqv_read(void *smmu, struct viommu_shim_cmdqv *out,
		      const char **why);
#if IS_ENABLED(CONFIG_KUNIT)
unsigned long viommu_cmdqv_test_impl_ops(void);
#endif

/* cmdqv_hooks.c */
void viommu_cmdqv_hooks_set(unsigned long hw_reset, unsigned long isr);
void viommu_cmdqv_hooks_exit(void);
#if IS_ENABLED(CONFIG_KUNIT)
long viommu_cmdqv_hook_calls(const char *name);
bool viommu_cmdqv_hooks_installed(void);
irqreturn_t viommu_cmdqv_test_isr(int irq, void *devid);
#endif

#endif /* _VIOMMU_SHIM_CMDQV_INTERNAL_H */
