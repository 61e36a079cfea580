// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the shim's CMDQV door, on the test kernel (6.12 with
 * TEGRA241_CMDQV=y) in a VM without CMDQV: the third layout table and the
 * symbols verify, the live SMMU has no CMDQV, forced failures name what
 * failed, the reading of a CMDQV on one made up as BTF lays it out, the
 * sanity checks, and the hook set going in and out. No CMDQV exists here,
 * so the driver never calls its hooked functions itself: the ISR is
 * called by the test on a made-up cmdqv (its only side effect is a
 * ratelimited "unexpected error reported" line about the fake device);
 * hw_reset, which writes and polls registers, is never called.
 * The backend runs viommu_shim_cmdqv_init() at load (then init here says
 * -EBUSY); if it did not, the suite brings the CMDQV shim (and the SMMU
 * shim if need be) up itself.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/idr.h>
#include <linux/slab.h>

#include "cmdqv_internal.h"
#include "shim.h"

static bool cmdqv_test_smmu_started;
static bool cmdqv_test_started;
static int cmdqv_test_init_rc = -EOPNOTSUPP;

static int cmdqv_suite_init(struct kunit_suite *suite)
{
	if (!viommu_shim_ready())
		return 0;
	if (!viommu_shim_smmu_iommu_ops())
		cmdqv_test_smmu_started = !viommu_shim_smmu_init();
	cmdqv_test_init_rc = viommu_shim_cmdqv_init();
	cmdqv_test_started = !cmdqv_test_init_rc;
	/* The backend did it at load: that is the same verification. */
	if (cmdqv_test_init_rc == -EBUSY)
		cmdqv_test_init_rc = 0;
	return 0;
}

static void cmdqv_suite_exit(struct kunit_suite *suite)
{
	if (cmdqv_test_started)
		viommu_shim_cmdqv_exit();
	if (cmdqv_test_smmu_started)
		viommu_shim_smmu_exit();
	cmdqv_test_started = false;
	cmdqv_test_smmu_started = false;
}

static int cmdqv_test_init(struct kunit *test)
{
	if (!viommu_shim_ready())
		kunit_skip(test, "stock iommufd shim is off");
	return 0;
}

/* TEGRA241_CMDQV=y on the test kernel: a failure, not a skip. */
static void cmdqv_require_up(struct kunit *test)
{
	KUNIT_ASSERT_EQ_MSG(test, 0, cmdqv_test_init_rc,
			    "CMDQV shim did not verify (see the log)");
}

static void cmdqv_table_verifies(struct kunit *test)
{
	const struct viommu_cmdqv_layout *vl = &viommu_cmdqv_layout;
	char why[VIOMMU_WHY_LEN] = "";

	cmdqv_require_up(test);
	KUNIT_EXPECT_EQ_MSG(test, 0, viommu_cmdqv_check(NULL, why, sizeof(why)),
			    "%s", why);
	/* What 6.12's struct tegra241_cmdqv is: the SMMUv3 one, then its own. */
	KUNIT_EXPECT_EQ(test, 0, vl->cmdqv_smmu.offset);
	KUNIT_EXPECT_EQ(test, vl->smmu_size, vl->cmdqv_smmu.size);
	KUNIT_EXPECT_EQ(test, viommu_smmu_layout.smmu_size, vl->smmu_size);
	KUNIT_EXPECT_GE(test, vl->cmdqv_dev.offset, vl->smmu_size);
	KUNIT_EXPECT_LT(test, vl->cmdqv_base.offset, vl->cmdqv_num_vintfs.offset);
	KUNIT_EXPECT_EQ(test, vl->cmdqv_num_vintfs.offset + 2,
			vl->cmdqv_num_vcmdqs.offset);
	KUNIT_EXPECT_EQ(test, sizeof(struct ida), vl->cmdqv_vintf_ids.size);
	/* get_secondary_cmdq, device_reset, device_remove, init_structures */
	KUNIT_EXPECT_EQ(test, 4 * sizeof(void *), vl->ops_size);
}

/* Each run parses vmlinux BTF (seconds under TCG): two runs only. */
static void cmdqv_forced_failure_names_it(struct kunit *test)
{
	static const struct {
		const char *name;
		const char *what;
	} cases[] = {
		{ "tegra241_cmdqv.vintf_ids", "layout: tegra241_cmdqv.vintf_ids: " },
		{ "tegra241_cmdqv_impl_ops", "symbol tegra241_cmdqv_impl_ops: " },
	};
	char why[VIOMMU_WHY_LEN];
	unsigned int i;

	cmdqv_require_up(test);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		why[0] = 0;
		KUNIT_EXPECT_EQ(test, -EINVAL,
				viommu_cmdqv_check(cases[i].name, why,
						   sizeof(why)));
		KUNIT_EXPECT_TRUE_MSG(test, strstarts(why, cases[i].what),
				      "%s", why);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "shim_fail_check"),
					  "%s", why);
	}
	/* And the table is learned as before for the cases that follow. */
	KUNIT_EXPECT_EQ_MSG(test, 0, viommu_cmdqv_check(NULL, why, sizeof(why)),
			    "%s", why);
}

static int cmdqv_first(struct viommu_smmu *smmu, void *arg)
{
	*(struct viommu_smmu **)arg = smmu;
	return 1;
}

static void cmdqv_live_smmu_has_none(struct kunit *test)
{
	struct viommu_shim_cmdqv out = { .num_vintfs = 0x5a5a };
	struct viommu_smmu *smmu = NULL;
	u64 not_an_smmu[8] = {};

	cmdqv_require_up(test);
	viommu_shim_smmu_for_each(cmdqv_first, &smmu);
	KUNIT_ASSERT_NOT_NULL_MSG(test, smmu, "no SMMUv3 instance");
	KUNIT_EXPECT_EQ(test, -ENODEV, viommu_shim_smmu_cmdqv(smmu, &out));
	KUNIT_EXPECT_EQ(test, 0x5a5a, out.num_vintfs);
	/* Not an instance: refused before anything is read. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_shim_smmu_cmdqv((void *)not_an_smmu, &out));
	KUNIT_EXPECT_EQ(test, -EINVAL, viommu_shim_smmu_cmdqv(NULL, &out));
}

/* A CMDQV as 6.12 lays it out (per BTF), with the real impl_ops. */
struct cmdqv_fake {
	void *cmdqv;
	void *regs;
	struct device *dev;
};

static void cmdqv_fake(struct kunit *test, struct cmdqv_fake *f)
{
	const struct viommu_cmdqv_layout *vl = &viommu_cmdqv_layout;
	unsigned long ops = viommu_cmdqv_test_impl_ops();

	f->cmdqv = kunit_kzalloc(test, vl->cmdqv_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->cmdqv);
	/* The ISR reads VINTF_ERR_MAP and CMDQ_ERR_MAP(0..3) only. */
	f->regs = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->regs);
	f->dev = kunit_device_register(test, "viommu-cmdqv-fake");
	KUNIT_ASSERT_FALSE(test, IS_ERR(f->dev));
	KUNIT_ASSERT_NE(test, 0, ops);
	*(unsigned long *)(f->cmdqv + vl->smmu_impl_ops.offset) = ops;
	*(struct device **)(f->cmdqv + vl->smmu_impl_dev.offset) = f->dev;
	*(struct device **)(f->cmdqv + vl->cmdqv_dev.offset) = f->dev;
	*(void **)(f->cmdqv + vl->cmdqv_base.offset) = f->regs;
	*(u16 *)(f->cmdqv + vl->cmdqv_num_vintfs.offset) = 64;
	*(u16 *)(f->cmdqv + vl->cmdqv_num_vcmdqs.offset) = 128;
	*(u16 *)(f->cmdqv + vl->cmdqv_num_lvcmdqs_per_vintf.offset) = 2;
}

static void cmdqv_read_made_up(struct kunit *test)
{
	const struct viommu_cmdqv_layout *vl = &viommu_cmdqv_layout;
	struct viommu_shim_cmdqv out = {};
	struct cmdqv_fake f;
	const char *why = NULL;
	struct device *other;

	cmdqv_require_up(test);
	cmdqv_fake(test, &f);
	/*
	 * Everything read and sane; then the CMDQV's ACPI device is looked
	 * up, and a KUnit device has none: the reason says so.
	 */
	KUNIT_EXPECT_EQ(test, -ENODEV, viommu_cmdqv_read(f.cmdqv, &out, &why));
	KUNIT_EXPECT_NOT_NULL(test, why);
	if (why)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "ACPI"), "%s", why);

	/* impl_dev and cmdqv->dev must agree. */
	other = kunit_device_register(test, "viommu-cmdqv-other");
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	*(struct device **)(f.cmdqv + vl->smmu_impl_dev.offset) = other;
	why = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, viommu_cmdqv_read(f.cmdqv, &out, &why));
	KUNIT_EXPECT_NOT_NULL(test, why);
	*(struct device **)(f.cmdqv + vl->smmu_impl_dev.offset) = f.dev;

	/* Counts read at their BTF offsets reach the sanity check. */
	*(u16 *)(f.cmdqv + vl->cmdqv_num_vcmdqs.offset) = 127;
	why = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, viommu_cmdqv_read(f.cmdqv, &out, &why));
	KUNIT_EXPECT_NOT_NULL(test, why);

	/* Another impl_ops: no CMDQV, and nothing else is read. */
	*(unsigned long *)(f.cmdqv + vl->smmu_impl_ops.offset) += sizeof(void *);
	why = NULL;
	KUNIT_EXPECT_EQ(test, -ENODEV, viommu_cmdqv_read(f.cmdqv, &out, &why));
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, 0, out.num_vintfs);
}

static void cmdqv_sanity(struct kunit *test)
{
	static const struct {
		u16 vintfs, vcmdqs, per_vintf;
		int rc;
	} cases[] = {
		{ 64, 128, 2, 0 },	/* Grace: 64 VINTFs, 128 VCMDQs */
		{ 2, 2, 1, 0 },
		{ 1, 128, 128, -EINVAL },	/* VINTF0 only */
		{ 0, 128, 0, -EINVAL },
		{ 48, 96, 2, -EINVAL },	/* not a power of two */
		{ 64, 128, 1, -EINVAL },	/* product differs */
		{ 64, 0, 0, -EINVAL },	/* no LVCMDQ per VINTF */
		{ 32768, 32768, 3, -EINVAL },	/* a u16 product would match */
	};
	u64 regs = 0;
	struct viommu_shim_cmdqv c = {
		.base = (void __iomem *)&regs,
		.dev = (struct device *)&regs,
	};
	const char *why;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		c.num_vintfs = cases[i].vintfs;
		c.num_vcmdqs = cases[i].vcmdqs;
		c.num_lvcmdqs_per_vintf = cases[i].per_vintf;
		why = NULL;
		KUNIT_EXPECT_EQ_MSG(test, cases[i].rc, viommu_cmdqv_sane(&c, &why),
				    "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, !cases[i].rc, !why, "case %u", i);
	}
	c.num_vintfs = 64;
	c.num_vcmdqs = 128;
	c.num_lvcmdqs_per_vintf = 2;
	c.base = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, viommu_cmdqv_sane(&c, &why));
	c.base = (void __iomem *)&regs;
	c.dev = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, viommu_cmdqv_sane(&c, &why));
}

/*
 * The hook set goes in at the first get and out at the last put. The
 * ISR, called at its own address on a made-up cmdqv, runs through the
 * replacement only while the set is in.
 */
static void cmdqv_hooks_in_and_out(struct kunit *test)
{
	long calls = viommu_cmdqv_hook_calls("tegra241_cmdqv_isr");
	long resets = viommu_cmdqv_hook_calls("tegra241_cmdqv_hw_reset");
	struct cmdqv_fake f;

	cmdqv_require_up(test);
	KUNIT_ASSERT_FALSE_MSG(test, viommu_cmdqv_hooks_installed(),
			       "a CMDQV is in use: cannot test removal");
	cmdqv_fake(test, &f);

	KUNIT_EXPECT_EQ(test, IRQ_HANDLED, viommu_cmdqv_test_isr(0, f.cmdqv));
	KUNIT_EXPECT_EQ(test, calls,
			viommu_cmdqv_hook_calls("tegra241_cmdqv_isr"));

	KUNIT_ASSERT_EQ(test, 0, viommu_shim_cmdqv_hooks_get());
	KUNIT_EXPECT_TRUE(test, viommu_cmdqv_hooks_installed());
	KUNIT_EXPECT_EQ(test, 0, viommu_shim_cmdqv_hooks_get());
	KUNIT_EXPECT_EQ(test, IRQ_HANDLED, viommu_cmdqv_test_isr(0, f.cmdqv));
	KUNIT_EXPECT_EQ(test, calls + 1,
			viommu_cmdqv_hook_calls("tegra241_cmdqv_isr"));
	/* Counted: one put leaves them in. */
	viommu_shim_cmdqv_hooks_put();
	KUNIT_EXPECT_TRUE(test, viommu_cmdqv_hooks_installed());
	viommu_shim_cmdqv_hooks_put();
	KUNIT_EXPECT_FALSE(test, viommu_cmdqv_hooks_installed());

	KUNIT_EXPECT_EQ(test, IRQ_HANDLED, viommu_cmdqv_test_isr(0, f.cmdqv));
	KUNIT_EXPECT_EQ(test, calls + 1,
			viommu_cmdqv_hook_calls("tegra241_cmdqv_isr"));
	KUNIT_EXPECT_EQ(test, resets,
			viommu_cmdqv_hook_calls("tegra241_cmdqv_hw_reset"));
}

static struct kunit_case cmdqv_shim_test_cases[] = {
	KUNIT_CASE(cmdqv_table_verifies),
	KUNIT_CASE_SLOW(cmdqv_forced_failure_names_it),
	KUNIT_CASE(cmdqv_live_smmu_has_none),
	KUNIT_CASE(cmdqv_read_made_up),
	KUNIT_CASE(cmdqv_sanity),
	KUNIT_CASE(cmdqv_hooks_in_and_out),
	{}
};

static struct kunit_suite cmdqv_shim_test_suite = {
	.name = "viommu-shim-cmdqv",
	.suite_init = cmdqv_suite_init,
	.suite_exit = cmdqv_suite_exit,
	.init = cmdqv_test_init,
	.test_cases = cmdqv_shim_test_cases,
};

kunit_test_suites(&cmdqv_shim_test_suite);
