// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the shim's door to the arm-smmu-v3 driver, on the test
 * VM's emulated SMMUv3: the second layout table, the instances, an S2
 * domain made by the driver's own steps, the command queue, the nested
 * attach steps on the edu device, and the nest-parent hook through stock
 * IOMMU_HWPT_ALLOC. Until the backend calls viommu_shim_smmu_init() at
 * load, the suite brings the SMMU shim up itself.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/pci.h>
#include <uapi/linux/iommufd.h>

#include "internal.h"
#include "shim.h"
#include "smmuv3_internal.h"
#include "test_util.h"

#define SMMU_CMD_TLBI_NH_ALL	0x10
#define SMMU_STE_0_V		BIT_ULL(0)
#define SMMU_STE_0_CFG_S1	(5ULL << 1)

static bool smmu_test_started;

static int smmu_suite_init(struct kunit_suite *suite)
{
	if (viommu_shim_ready() && !viommu_shim_smmu_iommu_ops())
		smmu_test_started = !viommu_shim_smmu_init();
	return 0;
}

static void smmu_suite_exit(struct kunit_suite *suite)
{
	if (smmu_test_started)
		viommu_shim_smmu_exit();
	smmu_test_started = false;
}

static int smmu_test_init(struct kunit *test)
{
	if (!viommu_shim_ready())
		kunit_skip(test, "stock iommufd shim is off");
	return 0;
}

/* The SMMU shim must be up on the test VM: a failure, not a skip. */
static void smmu_require_up(struct kunit *test)
{
	KUNIT_ASSERT_NOT_NULL_MSG(test, viommu_shim_smmu_iommu_ops(),
				  "SMMUv3 shim did not come up (see the log)");
}

static void smmu_table_verifies(struct kunit *test)
{
	char why[VIOMMU_WHY_LEN] = "";

	KUNIT_EXPECT_EQ_MSG(test, 0, viommu_smmu_layout_run(NULL, why,
							    sizeof(why)),
			    "%s", why);
	KUNIT_EXPECT_GT(test, viommu_smmu_layout.state_size, 0);
	KUNIT_EXPECT_GE(test, viommu_smmu_layout.ste_data.size,
			2 * sizeof(u64));
	KUNIT_EXPECT_EQ(test, 1, viommu_smmu_layout.stage_s2);
}

/* Each run parses vmlinux BTF (seconds under TCG): two entries only. */
static void smmu_table_forced_failure_names_it(struct kunit *test)
{
	static const char * const names[] = {
		"arm_smmu_master.ats_enabled", "ARM_SMMU_DOMAIN_S2",
	};
	char why[VIOMMU_WHY_LEN];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		why[0] = 0;
		KUNIT_EXPECT_EQ(test, -EINVAL,
				viommu_smmu_layout_run(names[i], why,
						       sizeof(why)));
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, names[i]), "%s", why);
	}
}

static int smmu_count(struct viommu_smmu *smmu, void *arg)
{
	struct viommu_smmu **first = arg;

	if (!*first)
		*first = smmu;
	return 0;
}

static int smmu_count_n(struct viommu_smmu *smmu, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void smmu_instances_found(struct kunit *test)
{
	struct viommu_smmu *smmu = NULL;
	struct iommu_device *iommu;
	int n = 0;

	smmu_require_up(test);
	viommu_shim_smmu_for_each(smmu_count_n, &n);
	/* QEMU virt has exactly one SMMUv3. */
	KUNIT_EXPECT_EQ(test, 1, n);
	viommu_shim_smmu_for_each(smmu_count, &smmu);
	KUNIT_ASSERT_NOT_NULL(test, smmu);
	iommu = viommu_shim_smmu_iommu(smmu);
	KUNIT_EXPECT_PTR_EQ(test, iommu->ops, viommu_shim_smmu_iommu_ops());
	KUNIT_EXPECT_PTR_EQ(test, iommu->dev->parent,
			    viommu_shim_smmu_dev(smmu));
	KUNIT_EXPECT_NOT_NULL(test, (__force void *)viommu_shim_smmu_base(smmu));
	KUNIT_EXPECT_TRUE(test, viommu_shim_smmu_for_each(smmu_count_n, &n) == 0);
}

static void smmu_master_of_edu(struct kunit *test)
{
	struct pci_dev *pdev = viommu_test_edu(test);
	struct viommu_smmu *smmu;
	unsigned int num;
	u32 sid;

	smmu_require_up(test);
	KUNIT_EXPECT_NOT_NULL(test, viommu_shim_smmu_of_dev(&pdev->dev));
	KUNIT_ASSERT_EQ(test, 0,
			viommu_shim_smmu_master_sid(&pdev->dev, &sid, &num));
	/* 00:02.0 behind the SMMU of QEMU virt */
	KUNIT_EXPECT_EQ(test, 0x10, sid);
	KUNIT_EXPECT_EQ(test, 1, num);
	/* The SMMU's own device is no master. */
	smmu = viommu_shim_smmu_of_dev(&pdev->dev);
	KUNIT_EXPECT_NULL(test,
			  viommu_shim_smmu_of_dev(viommu_shim_smmu_dev(smmu)));
}

static struct iommu_domain *smmu_alloc_s2(struct kunit *test,
					  struct device *dev)
{
	struct iommu_domain *domain = viommu_shim_smmu_alloc_s2(dev);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(domain), "alloc_s2: %ld",
			       PTR_ERR(domain));
	return domain;
}

static void smmu_s2_domain(struct kunit *test)
{
	struct pci_dev *pdev = viommu_test_edu(test);
	struct iommu_domain *domain;
	struct viommu_smmu *smmu = NULL;
	u16 vmid = 0;
	u64 cmd[2];

	smmu_require_up(test);
	domain = smmu_alloc_s2(test, &pdev->dev);
	KUNIT_EXPECT_EQ(test, IOMMU_DOMAIN_UNMANAGED, domain->type);
	KUNIT_EXPECT_PTR_EQ(test, domain->ops,
			    viommu_shim_smmu_iommu_ops()->default_domain_ops);
	KUNIT_EXPECT_TRUE(test, viommu_shim_smmu_domain_s2(domain, &smmu, &vmid));
	KUNIT_EXPECT_PTR_EQ(test, smmu, viommu_shim_smmu_of_dev(&pdev->dev));
	KUNIT_EXPECT_NE(test, 0, vmid);

	/* A guest's "invalidate all of stage 1" for that VMID */
	cmd[0] = SMMU_CMD_TLBI_NH_ALL | (u64)vmid << 32;
	cmd[1] = 0;
	KUNIT_EXPECT_EQ(test, 0, viommu_shim_smmu_issue_cmds(smmu, cmd, 1));
	domain->ops->free(domain);
}

static const struct iommu_domain_ops smmu_other_ops;

static void smmu_bogus_domain_not_s2(struct kunit *test)
{
	struct iommu_domain other = { .type = IOMMU_DOMAIN_UNMANAGED,
				      .ops = &smmu_other_ops };
	u64 cmd[2] = { SMMU_CMD_TLBI_NH_ALL, 0 };

	smmu_require_up(test);
	KUNIT_EXPECT_FALSE(test, viommu_shim_smmu_domain_s2(&other, NULL, NULL));
	KUNIT_EXPECT_FALSE(test, viommu_shim_smmu_domain_s2(NULL, NULL, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_shim_smmu_attach(NULL, &other,
						VIOMMU_SMMU_STE_ABORT, NULL,
						false));
	/* Not an SMMU: refused without touching it. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_shim_smmu_issue_cmds((void *)&other, cmd, 1));
}

struct smmu_fixture {
	struct file *file;
	struct iommufd_ctx *ictx;
	void __user *ucmd;
};

static long smmu_ioctl(struct kunit *test, struct smmu_fixture *fx,
		       unsigned int cmd, void *buf, size_t len)
{
	return viommu_test_ioctl(test, fx->file, fx->ucmd, cmd, buf, len);
}

static void smmu_fixture(struct kunit *test, struct smmu_fixture *fx)
{
	fx->file = viommu_test_open_iommufd(test);
	fx->ictx = viommu_test_ictx(test, fx->file);
	fx->ucmd = viommu_test_user_page(test);
}

static u32 smmu_nest_parent(struct kunit *test, struct smmu_fixture *fx,
			    u32 dev_id)
{
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
		.dev_id = dev_id,
	};

	KUNIT_ASSERT_EQ(test, 0, smmu_ioctl(test, fx, IOMMU_IOAS_ALLOC, &ioas,
					    sizeof(ioas)));
	cmd.pt_id = ioas.out_ioas_id;
	KUNIT_ASSERT_EQ(test, 0, smmu_ioctl(test, fx, IOMMU_HWPT_ALLOC, &cmd,
					    sizeof(cmd)));
	return cmd.out_hwpt_id;
}

/* Stock IOMMU_HWPT_ALLOC(NEST_PARENT) reaches the hook, gets an S2. */
static void smmu_stock_nest_parent(struct kunit *test)
{
	long calls = viommu_smmu_hook_calls("arm_smmu_domain_alloc_user");
	struct pci_dev *pdev = viommu_test_edu(test);
	struct smmu_fixture fx;
	struct iommufd_object *hwpt;
	u32 dev_id, hwpt_id;
	u16 vmid = 0;

	smmu_require_up(test);
	smmu_fixture(test, &fx);
	viommu_test_bind(test, fx.ictx, pdev, &dev_id);
	hwpt_id = smmu_nest_parent(test, &fx, dev_id);
	KUNIT_EXPECT_GT(test, viommu_smmu_hook_calls("arm_smmu_domain_alloc_user"),
			calls);
	hwpt = viommu_shim_get_object(fx.ictx, hwpt_id,
				      VIOMMU_STOCK_HWPT_PAGING);
	KUNIT_ASSERT_FALSE(test, IS_ERR(hwpt));
	KUNIT_EXPECT_TRUE(test, viommu_shim_hwpt_is_nest_parent(hwpt));
	KUNIT_EXPECT_TRUE(test,
			  viommu_shim_smmu_domain_s2(viommu_shim_hwpt_domain(hwpt),
						     NULL, &vmid));
	KUNIT_EXPECT_NE(test, 0, vmid);
	viommu_shim_put_object(fx.ictx, hwpt);
}

KUNIT_DEFINE_ACTION_WRAPPER(smmu_detach, iommufd_device_detach,
			    struct iommufd_device *);

/*
 * The nested attach steps on a device the iommu core has on the parent
 * (stock attach): each of our attaches threads one more entry on the
 * parent's list and commit takes the old one off, so the stock detach at
 * the end leaves the list as it found it (kmemleak and the driver's own
 * free would see a stray entry).
 */
static void smmu_attach_steps(struct kunit *test)
{
	struct pci_dev *pdev = viommu_test_edu(test);
	struct iommufd_device *idev;
	struct iommufd_object *hwpt;
	struct iommu_domain *parent;
	struct smmu_fixture fx;
	struct page *cd;
	__le64 vste[2];
	u32 dev_id, hwpt_id, pt_id;
	long removes;

	smmu_require_up(test);
	smmu_fixture(test, &fx);
	idev = viommu_test_bind(test, fx.ictx, pdev, &dev_id);
	hwpt_id = smmu_nest_parent(test, &fx, dev_id);
	pt_id = hwpt_id;
	KUNIT_ASSERT_EQ(test, 0, iommufd_device_attach(idev, &pt_id));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, smmu_detach,
							   idev));
	hwpt = viommu_shim_get_object(fx.ictx, hwpt_id,
				      VIOMMU_STOCK_HWPT_PAGING);
	KUNIT_ASSERT_FALSE(test, IS_ERR(hwpt));
	parent = viommu_shim_hwpt_domain(hwpt);
	KUNIT_EXPECT_PTR_EQ(test, parent, iommu_get_domain_for_dev(&pdev->dev));

	removes = viommu_smmu_hook_calls("arm_smmu_remove_master_domain");
	KUNIT_EXPECT_EQ(test, 0, viommu_shim_smmu_attach(&pdev->dev, parent,
							 VIOMMU_SMMU_STE_BYPASS,
							 NULL, false));
	KUNIT_EXPECT_EQ(test, 0, viommu_shim_smmu_attach(&pdev->dev, parent,
							 VIOMMU_SMMU_STE_ABORT,
							 NULL, false));
	/* A guest CD table (empty: nothing translates, nothing DMAs). */
	cd = viommu_test_pages(test, 0);
	vste[0] = cpu_to_le64(SMMU_STE_0_V | SMMU_STE_0_CFG_S1 |
			      page_to_phys(cd));
	vste[1] = 0;
	KUNIT_EXPECT_EQ(test, 0, viommu_shim_smmu_attach(&pdev->dev, parent,
							 VIOMMU_SMMU_STE_NESTED,
							 vste, false));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_shim_smmu_attach(&pdev->dev, parent,
						VIOMMU_SMMU_STE_NESTED, NULL,
						false));
	/* Back to the plain S2 STE the core believes in. */
	KUNIT_EXPECT_EQ(test, 0, viommu_shim_smmu_attach(&pdev->dev, parent,
							 VIOMMU_SMMU_STE_BYPASS,
							 NULL, false));
	KUNIT_EXPECT_EQ(test, removes + 4,
			viommu_smmu_hook_calls("arm_smmu_remove_master_domain"));
	viommu_shim_put_object(fx.ictx, hwpt);
	kunit_release_action(test, smmu_detach, idev);
}

KUNIT_DEFINE_ACTION_WRAPPER(smmu_pci_disable, pci_disable_device,
			    struct pci_dev *);
KUNIT_DEFINE_ACTION_WRAPPER(smmu_pci_clear_master, pci_clear_master,
			    struct pci_dev *);

/* edu's DMA registers (QEMU hw/misc/edu.c) */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_START	BIT(0)
#define EDU_BUFFER	0x40000

/*
 * A DMA of 4 bytes (one event) from an IOVA the empty nest parent does
 * not map: the SMMU reports a translation fault, and the event thread's
 * reads of the queue go through the queue_remove_raw hook. The stub
 * backend (as the real one, for a device without vDEVICE) declines it,
 * so the driver still logs it.
 */
static void smmu_event_goes_through_hook(struct kunit *test)
{
	long calls = viommu_smmu_hook_calls("queue_remove_raw");
	struct pci_dev *pdev = viommu_test_edu(test);
	struct iommufd_device *idev;
	struct smmu_fixture fx;
	void __iomem *bar;
	u32 dev_id, pt_id;
	int i;

	smmu_require_up(test);
	smmu_fixture(test, &fx);
	idev = viommu_test_bind(test, fx.ictx, pdev, &dev_id);
	pt_id = smmu_nest_parent(test, &fx, dev_id);
	KUNIT_ASSERT_EQ(test, 0, iommufd_device_attach(idev, &pt_id));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, smmu_detach,
							   idev));
	KUNIT_ASSERT_EQ(test, 0, pci_enable_device(pdev));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   smmu_pci_disable,
							   pdev));
	bar = pci_iomap(pdev, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, (__force void *)bar);
	pci_set_master(pdev);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   smmu_pci_clear_master,
							   pdev));

	writeq(0x100000, bar + EDU_DMA_SRC);
	writeq(EDU_BUFFER, bar + EDU_DMA_DST);
	writeq(4, bar + EDU_DMA_COUNT);
	writeq(EDU_DMA_START, bar + EDU_DMA_CMD);
	for (i = 0; i < 100; i++) {
		if (!(readq(bar + EDU_DMA_CMD) & EDU_DMA_START) &&
		    viommu_smmu_hook_calls("queue_remove_raw") > calls)
			break;
		msleep(50);
	}
	KUNIT_EXPECT_GT(test, viommu_smmu_hook_calls("queue_remove_raw"), calls);
	pci_iounmap(pdev, bar);
}

static struct kunit_case smmu_shim_test_cases[] = {
	KUNIT_CASE(smmu_table_verifies),
	KUNIT_CASE_SLOW(smmu_table_forced_failure_names_it),
	KUNIT_CASE(smmu_instances_found),
	KUNIT_CASE(smmu_master_of_edu),
	KUNIT_CASE(smmu_s2_domain),
	KUNIT_CASE(smmu_bogus_domain_not_s2),
	KUNIT_CASE(smmu_stock_nest_parent),
	KUNIT_CASE(smmu_attach_steps),
	KUNIT_CASE(smmu_event_goes_through_hook),
	{}
};

static struct kunit_suite smmu_shim_test_suite = {
	.name = "viommu-shim-smmuv3",
	.suite_init = smmu_suite_init,
	.suite_exit = smmu_suite_exit,
	.init = smmu_test_init,
	.test_cases = smmu_shim_test_cases,
};

kunit_test_suites(&smmu_shim_test_suite);
