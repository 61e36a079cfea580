/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shim's CMDQV door: what the Tegra241 CMDQV backend (src/cmdqv/) may
 * know of 6.12's tegra241-cmdqv driver. Layouts are read from vmlinux BTF
 * and verified at init; nothing here is assumed from a header.
 */
#ifndef _VIOMMU_SHIM_CMDQV_H
#define _VIOMMU_SHIM_CMDQV_H

#include <linux/types.h>

struct device;
struct ida;
struct viommu_smmu;

/**
 * struct viommu_shim_cmdqv - A CMDQV found behind an SMMUv3 instance
 * @base: The driver's mapping of the CMDQV registers (its cmdqv->base)
 * @base_phys: Physical address of the CMDQV registers (the first memory
 *             resource of its ACPI device; 6.12 does not keep it)
 * @size: Length of that resource
 * @vintf_ids: The driver's VINTF id allocator (it holds id 0, VINTF0)
 * @dev: The CMDQV's own device (smmu->impl_dev)
 * @num_vintfs: VINTFs the driver read from PARAM
 * @num_vcmdqs: VCMDQs the driver read from PARAM
 * @num_lvcmdqs_per_vintf: @num_vcmdqs / @num_vintfs
 */
struct viommu_shim_cmdqv {
	void __iomem *base;
	phys_addr_t base_phys;
	resource_size_t size;
	struct ida *vintf_ids;
	struct device *dev;
	u16 num_vintfs;
	u16 num_vcmdqs;
	u16 num_lvcmdqs_per_vintf;
};

/*
 * Verify the driver's CMDQV layouts (struct tegra241_cmdqv, the SMMU's
 * impl_ops/impl_dev), the data symbol tegra241_cmdqv_impl_ops and the
 * prototypes of tegra241_cmdqv_hw_reset() and tegra241_cmdqv_isr(). 0, or
 * a negative errno after one log line "CMDQV backend off: ..." that names
 * what failed. Needs viommu_shim_smmu_init() done. No hook is installed
 * here. exit is safe when init failed.
 */
int viommu_shim_cmdqv_init(void);
void viommu_shim_cmdqv_exit(void);

/*
 * The CMDQV behind @smmu (an instance of viommu_shim_smmu_for_each()):
 * 0 and *@out filled, -ENODEV when @smmu has no CMDQV (its impl_ops are
 * not tegra241_cmdqv_impl_ops), another errno when it has one we cannot
 * use (e.g. no memory resource): the caller logs it.
 */
int viommu_shim_smmu_cmdqv(struct viommu_smmu *smmu,
			   struct viommu_shim_cmdqv *out);

/*
 * Install the hooks on tegra241_cmdqv_hw_reset() and tegra241_cmdqv_isr()
 * (both run the driver's function first, then the backend's callback
 * below). Only when at least one CMDQV is in use. put removes them and
 * waits until no task runs a replacement. get: 0 or a negative errno.
 */
int viommu_shim_cmdqv_hooks_get(void);
void viommu_shim_cmdqv_hooks_put(void);

/*
 * Implemented by the backend (src/cmdqv/), called from the hooks in
 * process context (the ISR is threaded). @smmu may be any pointer: compare
 * it, never dereference one you do not know.
 *  - reset_done: the driver reset @smmu's CMDQV (tegra241_cmdqv_hw_reset()
 *    returned 0): it re-mapped every VCMDQ to its static VINTF/LVCMDQ and
 *    enabled VINTF0 only; the backend re-applies its VINTFs.
 *  - irq: the driver's ISR ran for @smmu's CMDQV (it handles VINTF0 only);
 *    the backend reports errors of its VINTFs.
 */
void viommu_cmdqv_reset_done(struct viommu_smmu *smmu);
void viommu_cmdqv_irq(struct viommu_smmu *smmu);

#endif /* _VIOMMU_SHIM_CMDQV_H */
