// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's CMDQV door (cmdqv.h): what the Tegra241 CMDQV backend may know
 * of 6.12's tegra241-cmdqv driver. Layouts come from cmdqv_layout.c; the
 * data symbol tegra241_cmdqv_impl_ops and the hooked functions from
 * kallsyms (unique vmlinux names). The functions are checked against their
 * BTF prototypes. The object has no BTF type to check (pahole 1.24 emits
 * no VAR for static data), so: it lies in the kernel's .data, has room
 * for a struct arm_smmu_impl_ops (BTF size) before the next symbol, and
 * its device_reset is the hw_reset we hook. An SMMU is a CMDQV exactly
 * when its impl_ops points at that object: 6.12 sets it only in
 * tegra241_cmdqv_init_structures(), on an SMMU it reallocated as a
 * struct tegra241_cmdqv.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/acpi.h>
#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/log2.h>
#include <linux/resource_ext.h>
#include <linux/string.h>

#include "cmdqv_internal.h"

#define VL viommu_cmdqv_layout

/* What verified at init: the address of tegra241_cmdqv_impl_ops. */
static unsigned long viommu_cmdqv_impl_ops;
static bool viommu_cmdqv_on;

struct viommu_cmdqv_syms {
	unsigned long impl_ops;
	unsigned long hw_reset;
	unsigned long isr;
};

static void *fld(const void *base, const struct viommu_field *f)
{
	return (void *)base + f->offset;
}

static void *fld_ptr(const void *base, const struct viommu_field *f)
{
	return READ_ONCE(*(void **)fld(base, f));
}

static u16 fld_u16(const void *base, const struct viommu_field *f)
{
	return READ_ONCE(*(u16 *)fld(base, f));
}

static const char *viommu_cmdqv_sym_error(int rc, bool data)
{
	switch (rc) {
	case -ENOENT:
		return data ? "not in kallsyms (needs CONFIG_KALLSYMS_ALL)" :
			      "not in kallsyms (inlined or not built)";
	case -ENOTUNIQ:
		return "vmlinux has more than one symbol of that name";
	default:
		return data ? "not an object of its BTF size in the kernel's .data" :
			      "not the start of a vmlinux function";
	}
}

static const char viommu_cmdqv_forced[] =
	"failed on purpose (shim_fail_check, for tests)";

/* Resolve the data symbol and the two functions, then tie them together. */
static int viommu_cmdqv_resolve(const char *fail_check,
				struct viommu_cmdqv_syms *syms,
				char *why, size_t len)
{
	static const char * const names[] = {
		"tegra241_cmdqv_impl_ops", "tegra241_cmdqv_hw_reset",
		"tegra241_cmdqv_isr",
	};
	unsigned long *addrs[] = { &syms->impl_ops, &syms->hw_reset,
				   &syms->isr };
	unsigned long reset;
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (fail_check && !strcmp(fail_check, names[i])) {
			scnprintf(why, len, "symbol %s: %s", names[i],
				  viommu_cmdqv_forced);
			return -EINVAL;
		}
		if (!i)
			rc = viommu_sym_resolve_vmlinux_object(names[i],
							       VL.ops_size,
							       addrs[i]);
		else
			rc = viommu_sym_resolve_vmlinux(names[i], addrs[i]);
		if (rc) {
			scnprintf(why, len, "symbol %s: %s", names[i],
				  viommu_cmdqv_sym_error(rc, !i));
			return rc;
		}
	}
	/*
	 * The SMMU driver reaches hw_reset only through this pointer: it
	 * must be the function hooked, and the object is then the impl ops.
	 */
	reset = (unsigned long)fld_ptr((void *)syms->impl_ops,
				       &VL.ops_device_reset);
	if (reset != syms->hw_reset) {
		scnprintf(why, len,
			  "symbol tegra241_cmdqv_impl_ops: its device_reset is not tegra241_cmdqv_hw_reset");
		return -EINVAL;
	}
	return 0;
}

static int viommu_cmdqv_verify(const char *fail_check,
			       struct viommu_cmdqv_syms *syms,
			       char *why, size_t len)
{
	char sub[VIOMMU_WHY_LEN];
	int rc;

	/* The table's arm_smmu_device is checked against the SMMU table's. */
	if (!viommu_shim_smmu_iommu_ops()) {
		scnprintf(why, len, "SMMUv3 shim: not up (its own line says why)");
		return -EOPNOTSUPP;
	}
	rc = viommu_cmdqv_layout_run(fail_check, sub, sizeof(sub));
	if (rc) {
		scnprintf(why, len, "layout: %s", sub);
		return rc;
	}
	return viommu_cmdqv_resolve(fail_check, syms, why, len);
}

/**
 * viommu_cmdqv_check() - Verify the CMDQV driver as init does, for KUnit
 * @fail_check: As the shim_fail_check parameter (NULL: none)
 * @why: Filled with "<what>: <why>" on failure
 * @len: Size of @why
 *
 * Learns into viommu_cmdqv_layout (the same values as init); changes
 * nothing else.
 *
 * Return: 0, or the errno of the first check that failed.
 */
int viommu_cmdqv_check(const char *fail_check, char *why, size_t len)
{
	struct viommu_cmdqv_syms syms;

	return viommu_cmdqv_verify(fail_check, &syms, why, len);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_check);

/**
 * viommu_shim_cmdqv_init() - Verify the tegra241-cmdqv driver
 *
 * Needs viommu_shim_smmu_init() done. Installs nothing.
 *
 * Return: 0, or a negative errno after one line "CMDQV backend off: ...";
 * -EBUSY if already done.
 */
int viommu_shim_cmdqv_init(void)
{
	struct viommu_cmdqv_syms syms;
	char why[VIOMMU_WHY_LEN];
	int rc;

	if (READ_ONCE(viommu_cmdqv_on))
		return -EBUSY;
	rc = viommu_cmdqv_verify(viommu_layout_fail_check(), &syms, why,
				 sizeof(why));
	if (rc) {
		pr_warn("CMDQV backend off: %s (%d)\n", why, rc);
		return rc;
	}
	viommu_cmdqv_impl_ops = syms.impl_ops;
	viommu_cmdqv_hooks_set(syms.hw_reset, syms.isr);
	/* Pairs with the acquire of viommu_shim_smmu_cmdqv(). */
	smp_store_release(&viommu_cmdqv_on, true);
	pr_info("CMDQV shim: ready: tegra241-cmdqv layouts and symbols verified\n");
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_cmdqv_init);

/**
 * viommu_shim_cmdqv_exit() - Remove the CMDQV hooks if a get leaked
 *
 * Safe when init failed.
 */
void viommu_shim_cmdqv_exit(void)
{
	WRITE_ONCE(viommu_cmdqv_on, false);
	viommu_cmdqv_hooks_exit();
	viommu_cmdqv_impl_ops = 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_cmdqv_exit);

/**
 * viommu_cmdqv_sane() - Whether what was read of a CMDQV makes sense
 * @c: The values read from the driver's struct (not the resource)
 * @why: Set to what does not, on failure
 *
 * 6.12 reads the counts from PARAM as powers of two and divides; the
 * backend indexes VINTFs 1.. and LVCMDQs by them.
 *
 * Return: 0 or -EINVAL.
 */
int viommu_cmdqv_sane(const struct viommu_shim_cmdqv *c, const char **why)
{
	if (!c->base) {
		*why = "no register mapping";
		return -EINVAL;
	}
	if (!c->dev) {
		*why = "no device";
		return -EINVAL;
	}
	if (c->num_vintfs < 2 || !is_power_of_2(c->num_vintfs)) {
		*why = "num_vintfs is not a power of two >= 2";
		return -EINVAL;
	}
	if (!c->num_lvcmdqs_per_vintf ||
	    (u32)c->num_lvcmdqs_per_vintf * c->num_vintfs != c->num_vcmdqs) {
		*why = "num_lvcmdqs_per_vintf * num_vintfs != num_vcmdqs";
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_sane);

#ifdef CONFIG_ACPI
/* As 6.12's tegra241_cmdqv_acpi_is_memory(): address space resources only. */
static int viommu_cmdqv_acpi_is_memory(struct acpi_resource *res, void *data)
{
	struct resource_win win;

	return !acpi_dev_resource_address_space(res, &win);
}

/*
 * The ACPI device of @dev, referenced. 6.12's impl_dev is the NVDA200C
 * device itself (acpi_smmu_dsdt_probe_tegra241_cmdqv()): found among them,
 * it is known to be one; else @dev's companion, if any.
 */
static struct acpi_device *viommu_cmdqv_adev(struct device *dev)
{
	struct acpi_device *adev;

	for_each_acpi_dev_match(adev, "NVDA200C", NULL, -1)
		if (&adev->dev == dev)
			return adev;
	adev = ACPI_COMPANION(dev);
	return adev ? acpi_dev_get(adev) : NULL;
}

/* 6.12 ioremapped the first memory resource and kept only the mapping. */
static int viommu_cmdqv_resource(struct device *dev,
				 struct viommu_shim_cmdqv *c, const char **why)
{
	struct resource_entry *e;
	struct acpi_device *adev;
	LIST_HEAD(list);
	int rc;

	adev = viommu_cmdqv_adev(dev);
	if (!adev) {
		*why = "no ACPI companion";
		return -ENODEV;
	}
	rc = acpi_dev_get_resources(adev, &list, viommu_cmdqv_acpi_is_memory,
				    NULL);
	acpi_dev_put(adev);
	if (rc < 0) {
		*why = "cannot read its ACPI resources";
		return rc;
	}
	e = list_first_entry_or_null(&list, struct resource_entry, node);
	if (!e || resource_type(e->res) != IORESOURCE_MEM) {
		*why = "its first ACPI address space resource is not memory";
		rc = -EINVAL;
	} else if (!resource_size(e->res)) {
		*why = "its memory resource is empty";
		rc = -EINVAL;
	} else {
		c->base_phys = e->res->start;
		c->size = resource_size(e->res);
		rc = 0;
	}
	acpi_dev_free_resource_list(&list);
	return rc;
}
#else
static int viommu_cmdqv_resource(struct device *dev,
				 struct viommu_shim_cmdqv *c, const char **why)
{
	*why = "no ACPI companion (a kernel without ACPI)";
	return -ENODEV;
}
#endif

/**
 * viommu_cmdqv_read() - Read a CMDQV of the driver
 * @smmu: A struct arm_smmu_device of the running kernel (an instance, or
 *	  for KUnit one laid out as BTF says)
 * @out: Filled on success
 * @why: Set to the reason for an errno other than -ENODEV without CMDQV
 *
 * Return: 0; -ENODEV if @smmu has no CMDQV (*@why left alone) or it has
 * no ACPI companion; -EINVAL if what was read makes no sense; the errno
 * of reading its ACPI resources.
 */
int viommu_cmdqv_read(void *smmu, struct viommu_shim_cmdqv *out,
		      const char **why)
{
	struct viommu_shim_cmdqv c = {};
	void *cmdqv = smmu;
	int rc;

	/* Compared only: the pointer of an SMMU without CMDQV is not read. */
	if ((unsigned long)fld_ptr(smmu, &VL.smmu_impl_ops) !=
	    viommu_cmdqv_impl_ops)
		return -ENODEV;

	/* Set once at probe, never changed while the SMMU is bound. */
	c.base = (void __iomem *)fld_ptr(cmdqv, &VL.cmdqv_base);
	c.dev = fld_ptr(cmdqv, &VL.cmdqv_dev);
	c.vintf_ids = fld(cmdqv, &VL.cmdqv_vintf_ids);
	c.num_vintfs = fld_u16(cmdqv, &VL.cmdqv_num_vintfs);
	c.num_vcmdqs = fld_u16(cmdqv, &VL.cmdqv_num_vcmdqs);
	c.num_lvcmdqs_per_vintf = fld_u16(cmdqv,
					  &VL.cmdqv_num_lvcmdqs_per_vintf);
	if (c.dev != fld_ptr(smmu, &VL.smmu_impl_dev)) {
		*why = "its device is not the SMMU's impl_dev";
		return -EINVAL;
	}
	rc = viommu_cmdqv_sane(&c, why);
	if (!rc)
		rc = viommu_cmdqv_resource(c.dev, &c, why);
	if (!rc)
		*out = c;
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_read);

static int viommu_cmdqv_is(struct viommu_smmu *smmu, void *arg)
{
	return smmu == arg;
}

/**
 * viommu_shim_smmu_cmdqv() - The CMDQV behind an SMMU
 * @smmu: An instance of viommu_shim_smmu_for_each()
 * @out: Filled on success
 *
 * Return: 0; -ENODEV if @smmu has no CMDQV; for one it has but we cannot
 * use (logged with the reason): -ENODEV without an ACPI companion, -EINVAL
 * for values that make no sense, or the errno of reading its resources;
 * -EINVAL if @smmu is not an instance, -EOPNOTSUPP if init did not verify.
 */
int viommu_shim_smmu_cmdqv(struct viommu_smmu *smmu,
			   struct viommu_shim_cmdqv *out)
{
	const char *why = NULL;
	int rc;

	/* Pairs with viommu_shim_cmdqv_init(): the address comes first. */
	if (!smp_load_acquire(&viommu_cmdqv_on))
		return -EOPNOTSUPP;
	if (!smmu || viommu_shim_smmu_for_each(viommu_cmdqv_is, smmu) != 1)
		return -EINVAL;
	rc = viommu_cmdqv_read(smmu, out, &why);
	if (rc && why)
		dev_warn(viommu_shim_smmu_dev(smmu), "CMDQV not usable: %s (%d)\n",
			 why, rc);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_smmu_cmdqv);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * viommu_cmdqv_test_impl_ops() - The address init verified
 *
 * Return: &tegra241_cmdqv_impl_ops, 0 before init.
 */
unsigned long viommu_cmdqv_test_impl_ops(void)
{
	return viommu_cmdqv_impl_ops;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_cmdqv_test_impl_ops);
#endif
