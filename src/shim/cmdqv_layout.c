// SPDX-License-Identifier: GPL-2.0
/*
 * The third table: what the shim reads of 6.12's tegra241-cmdqv driver,
 * checked against vmlinux BTF at CMDQV init (the driver is built in with
 * arm-smmu-v3). Apart from the SMMU table so that a CMDQV driver that does
 * not verify turns off only the CMDQV backend. struct tegra241_cmdqv is
 * private to tegra241-cmdqv.c; struct arm_smmu_device has a namesake in
 * SMMU v2, told apart by impl_dev and impl_ops (v3 only).
 */
#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/idr.h>
#include <linux/string.h>

#include "cmdqv_internal.h"

struct viommu_cmdqv_layout viommu_cmdqv_layout;
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_layout);

#define VL viommu_cmdqv_layout
#define S(n, sz) { .kind = VIOMMU_LAYOUT_STRUCT, .name = n, .size = sz }
#define F(n, m, out, ...) { .kind = VIOMMU_LAYOUT_FIELD, .name = n, \
			    .member = m, .field = &VL.out, .want = __VA_ARGS__ }
#define F0(n, m, out, ...) { .kind = VIOMMU_LAYOUT_FIELD, .name = n, \
			     .member = m, .field = &VL.out, \
			     .flags = VIOMMU_LAYOUT_AT_ZERO, .want = __VA_ARGS__ }
#define FN(n, ...) { .kind = VIOMMU_LAYOUT_FUNC, .name = #n, \
		     .proto = &(const struct viommu_btf_proto)__VA_ARGS__ }

#define P_SMMU VB_PTR("arm_smmu_device")

const struct viommu_layout_entry viommu_cmdqv_layout_table[] = {
	S("tegra241_cmdqv", &VL.cmdqv_size),
	/*
	 * The ISR's devid is the cmdqv; the backend is told the smmu. Which
	 * arm_smmu_device it embeds is checked after the table (by size).
	 */
	F0("tegra241_cmdqv", "smmu", cmdqv_smmu,
	   VB_STRUCT("arm_smmu_device", 0)),
	F("tegra241_cmdqv", "dev", cmdqv_dev, VB_PTR("device")),
	F("tegra241_cmdqv", "base", cmdqv_base, VB_PTR_TO(VB_VOID)),
	F("tegra241_cmdqv", "irq", cmdqv_irq, VB_INT(int)),
	F("tegra241_cmdqv", "num_vintfs", cmdqv_num_vintfs, VB_INT(u16)),
	F("tegra241_cmdqv", "num_vcmdqs", cmdqv_num_vcmdqs, VB_INT(u16)),
	F("tegra241_cmdqv", "num_lvcmdqs_per_vintf",
	  cmdqv_num_lvcmdqs_per_vintf, VB_INT(u16)),
	F("tegra241_cmdqv", "vintf_ids", cmdqv_vintf_ids,
	  VB_STRUCT("ida", sizeof(struct ida))),
	F("tegra241_cmdqv", "vintfs", cmdqv_vintfs,
	  VB_PTR_TO(VB_PTR("tegra241_vintf"))),

	S("arm_smmu_device", &VL.smmu_size),
	F("arm_smmu_device", "impl_dev", smmu_impl_dev, VB_PTR("device")),
	F("arm_smmu_device", "impl_ops", smmu_impl_ops,
	  VB_PTR("arm_smmu_impl_ops")),

	/* The type of tegra241_cmdqv_impl_ops (no BTF VAR for static data). */
	S("arm_smmu_impl_ops", &VL.ops_size),
	F("arm_smmu_impl_ops", "device_reset", ops_device_reset, VB_FUNC_PTR),

	/* Hooked by cmdqv_hooks.c. */
	FN(tegra241_cmdqv_hw_reset, { VB_INT(int), 1, { P_SMMU } }),
	FN(tegra241_cmdqv_isr,
	   { VB_ENUM("irqreturn", u32), 2, { VB_INT(int), VB_PTR_TO(VB_VOID) } }),
};
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_layout_table);

const unsigned int viommu_cmdqv_layout_table_len =
	ARRAY_SIZE(viommu_cmdqv_layout_table);
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_layout_table_len);

/*
 * What the shim relies on beyond the table: the embedded SMMU is the one
 * the SMMU table verified (v2's namesake has another size), and the
 * pointers and counts it reads are whole machine words and u16s.
 */
static int viommu_cmdqv_layout_check(char *why, size_t len)
{
	if (VL.cmdqv_smmu.size != VL.smmu_size ||
	    VL.smmu_size != viommu_smmu_layout.smmu_size) {
		scnprintf(why, len,
			  "tegra241_cmdqv.smmu: %u bytes, the SMMUv3 arm_smmu_device has %u (SMMU table: %u)",
			  VL.cmdqv_smmu.size, VL.smmu_size,
			  viommu_smmu_layout.smmu_size);
		return -EINVAL;
	}
	if (VL.ops_device_reset.size != sizeof(void *) ||
	    VL.smmu_impl_ops.size != sizeof(void *) ||
	    VL.smmu_impl_dev.size != sizeof(void *) ||
	    VL.cmdqv_dev.size != sizeof(void *) ||
	    VL.cmdqv_base.size != sizeof(void *)) {
		scnprintf(why, len, "a pointer member is not %zu bytes",
			  sizeof(void *));
		return -EINVAL;
	}
	return 0;
}

/**
 * viommu_cmdqv_layout_run() - Check the CMDQV table against vmlinux BTF
 * @fail_check: For tests: the entry of this name fails (NULL: none)
 * @why: Filled with what failed
 * @len: Size of @why
 *
 * Learns into viommu_cmdqv_layout (the same values each time). Needs the
 * SMMU table verified (viommu_shim_smmu_init()).
 *
 * Return: 0, or the errno of the first entry that does not verify.
 */
int viommu_cmdqv_layout_run(const char *fail_check, char *why, size_t len)
{
	int rc;

	rc = viommu_layout_verify_vmlinux(viommu_cmdqv_layout_table,
					  ARRAY_SIZE(viommu_cmdqv_layout_table),
					  fail_check, why, len);
	if (!rc)
		rc = viommu_cmdqv_layout_check(why, len);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_layout_run);
