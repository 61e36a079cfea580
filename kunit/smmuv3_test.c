// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the SMMUv3 backend's pure logic, table-driven as
 * upstream's arm-smmu-v3-test.c: vSTE validation, the conversion of guest
 * commands (with real vDEVICE tables of two vIOMMUs), the batching and
 * entry_num of an invalidation array read from user memory, the event
 * filter and record, and the nesting gate: none of it needs an SMMU.
 * With the backend on, a nest parent's life on the test VM's SMMU.
 */
#include <kunit/test.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/linux/iommufd.h>

#include "test_util.h"
#include "../src/smmuv3/vsmmu.h"

#define STE0_S1(extra)	cpu_to_le64(VSMMU_STE_0_V |				\
				    FIELD_PREP(VSMMU_STE_0_CFG,			\
					       VSMMU_STE_0_CFG_S1_TRANS) | (extra))

/* V=1, Cfg=S1: the base every bit test starts from. */
static void vste_s1(__le64 *ste)
{
	ste[0] = STE0_S1(0);
	ste[1] = 0;
}

static void vste_bits_outside_allowed_are_eio(struct kunit *test)
{
	unsigned int word, bit;

	for (word = 0; word < 2; word++) {
		u64 allowed = word ? VSMMU_STE_1_NESTING_ALLOWED :
				     VSMMU_STE_0_NESTING_ALLOWED;

		for (bit = 0; bit < 64; bit++) {
			bool ats = false;
			__le64 ste[2];

			if (allowed & BIT_ULL(bit))
				continue;
			vste_s1(ste);
			ste[word] |= cpu_to_le64(BIT_ULL(bit));
			KUNIT_EXPECT_EQ_MSG(test, -EIO,
					    viommu_smmuv3_validate_vste(ste, &ats),
					    "word %u bit %u", word, bit);
		}
	}
}

/* The allowed bits outside Cfg and EATS pass through unchanged. */
static void vste_allowed_fields_pass_through(struct kunit *test)
{
	static const struct {
		unsigned int word;
		u64 field;
	} cases[] = {
		{ 0, VSMMU_STE_0_S1FMT },
		{ 0, VSMMU_STE_0_S1CTXPTR_MASK },
		{ 0, VSMMU_STE_0_S1CDMAX },
		{ 1, VSMMU_STE_1_S1DSS },
		{ 1, VSMMU_STE_1_S1CIR },
		{ 1, VSMMU_STE_1_S1COR },
		{ 1, VSMMU_STE_1_S1CSH },
		{ 1, VSMMU_STE_1_S1STALLD },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bool ats = false;
		__le64 ste[2], want[2];

		vste_s1(ste);
		ste[cases[i].word] |= cpu_to_le64(cases[i].field);
		memcpy(want, ste, sizeof(want));
		KUNIT_EXPECT_EQ_MSG(test, 0,
				    viommu_smmuv3_validate_vste(ste, &ats),
				    "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, le64_to_cpu(want[0]),
				    le64_to_cpu(ste[0]), "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, le64_to_cpu(want[1]),
				    le64_to_cpu(ste[1]), "case %u", i);
		KUNIT_EXPECT_FALSE(test, ats);
	}
}

static void vste_every_cfg(struct kunit *test)
{
	static const struct {
		int rc;
		enum viommu_smmu_ste kind;
	} want[8] = {
		[0] = { 0, VIOMMU_SMMU_STE_ABORT },
		[1] = { -EIO }, [2] = { -EIO }, [3] = { -EIO },
		[4] = { 0, VIOMMU_SMMU_STE_BYPASS },
		[5] = { 0, VIOMMU_SMMU_STE_NESTED },
		[6] = { -EIO }, [7] = { -EIO },
	};
	unsigned int cfg;

	for (cfg = 0; cfg < 8; cfg++) {
		__le64 ste[2] = {
			cpu_to_le64(VSMMU_STE_0_V |
				    FIELD_PREP(VSMMU_STE_0_CFG, cfg)),
			0,
		};
		bool ats = false;

		KUNIT_EXPECT_EQ_MSG(test, want[cfg].rc,
				    viommu_smmuv3_validate_vste(ste, &ats),
				    "cfg %u", cfg);
		if (!want[cfg].rc)
			KUNIT_EXPECT_EQ_MSG(test, want[cfg].kind,
					    viommu_smmuv3_ste_kind(ste),
					    "cfg %u", cfg);
	}
}

static void vste_every_eats(struct kunit *test)
{
	static const struct {
		unsigned int cfg;
		unsigned int eats;
		int rc;
		bool ats;
	} cases[] = {
		{ VSMMU_STE_0_CFG_S1_TRANS, 0, 0, false },
		{ VSMMU_STE_0_CFG_S1_TRANS, 1, 0, true },
		{ VSMMU_STE_0_CFG_S1_TRANS, 2, -EIO, false },	/* S1CHK */
		{ VSMMU_STE_0_CFG_S1_TRANS, 3, -EIO, false },
		/* ATS follows EATS only for stage 1. */
		{ VSMMU_STE_0_CFG_BYPASS, 1, 0, false },
		{ VSMMU_STE_0_CFG_ABORT, 1, 0, false },
		{ VSMMU_STE_0_CFG_BYPASS, 2, -EIO, false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		__le64 ste[2] = {
			cpu_to_le64(VSMMU_STE_0_V |
				    FIELD_PREP(VSMMU_STE_0_CFG, cases[i].cfg)),
			cpu_to_le64(FIELD_PREP(VSMMU_STE_1_EATS, cases[i].eats) |
				    VSMMU_STE_1_S1CSH),
		};
		bool ats = false;

		KUNIT_EXPECT_EQ_MSG(test, cases[i].rc,
				    viommu_smmuv3_validate_vste(ste, &ats),
				    "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, cases[i].ats, ats, "case %u", i);
		if (cases[i].rc)
			continue;
		/* EATS is the host's to set; the rest stays. */
		KUNIT_EXPECT_EQ_MSG(test, (u64)VSMMU_STE_1_S1CSH,
				    le64_to_cpu(ste[1]), "case %u", i);
	}
}

static void vste_invalid_is_zeroed_abort(struct kunit *test)
{
	__le64 ste[2] = {
		cpu_to_le64(~VSMMU_STE_0_V), cpu_to_le64(~0ULL),
	};
	bool ats = true;

	KUNIT_EXPECT_EQ(test, 0, viommu_smmuv3_validate_vste(ste, &ats));
	KUNIT_EXPECT_EQ(test, 0ULL, le64_to_cpu(ste[0]));
	KUNIT_EXPECT_EQ(test, 0ULL, le64_to_cpu(ste[1]));
	/* Untouched: the caller's default (false) stands. */
	KUNIT_EXPECT_TRUE(test, ats);
	KUNIT_EXPECT_EQ(test, VIOMMU_SMMU_STE_ABORT,
			viommu_smmuv3_ste_kind(ste));
}

/* Two vIOMMUs with real vDEVICE tables, as the core fills them. */
#define TEST_VMID_A	0x1234
#define TEST_VMID_B	0x0042
#define TEST_VSID_A	0x100
#define TEST_SID_A	0x10
#define TEST_VSID_B	0x200
#define TEST_SID_B	0x18

static void test_xa_destroy(void *data)
{
	xa_destroy(data);
}

static struct vsmmu *test_vsmmu(struct kunit *test, u16 vmid, u32 vsid,
				u32 sid)
{
	struct vsmmu *vsmmu = kunit_kzalloc(test, sizeof(*vsmmu), GFP_KERNEL);
	struct vsmmu_vdevice *vdev = kunit_kzalloc(test, sizeof(*vdev),
						   GFP_KERNEL);
	struct device *dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vsmmu);
	KUNIT_ASSERT_NOT_NULL(test, vdev);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	vsmmu->vmid = vmid;
	vsmmu->inst = kunit_kzalloc(test, sizeof(*vsmmu->inst), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vsmmu->inst);
	mutex_init(&vsmmu->inst->lock);
	hash_init(vsmmu->inst->vmasters);
	xa_init(&vsmmu->core.vdevs);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, test_xa_destroy,
						  &vsmmu->core.vdevs));
	vdev->core.viommu = &vsmmu->core;
	vdev->core.dev = dev;
	vdev->core.virt_id = vsid;
	vdev->sid = sid;
	KUNIT_ASSERT_EQ(test, 0, xa_err(xa_store(&vsmmu->core.vdevs, vsid,
						 &vdev->core, GFP_KERNEL)));
	return vsmmu;
}

/* Constant expressions (static tables): the opcode is bits 7:0. */
#define CMD0(op, hi)	((u64)(op) | ((u64)(hi) << 32))
#define ANY_LOW		0x00fff800ULL	/* bits 8..31: must survive */

struct cmd_case {
	const char *name;
	u64 in[2];
	int rc;
	u64 out[2];
};

static const struct cmd_case cmd_cases[] = {
	{ "NH_ALL vmid forced", { CMD0(0x10, 0xffff) | ANY_LOW, 7 }, 0,
	  { CMD0(0x10, TEST_VMID_A) | ANY_LOW, 7 } },
	{ "NH_ASID vmid forced, asid kept",
	  { CMD0(0x11, 0xabcd0000 | 0x9999), 0 }, 0,
	  { CMD0(0x11, 0xabcd0000 | TEST_VMID_A), 0 } },
	{ "NH_VA vmid forced, address kept",
	  { CMD0(0x12, 0x00010000), 0xdead000ULL | 1 }, 0,
	  { CMD0(0x12, 0x00010000 | TEST_VMID_A), 0xdead000ULL | 1 } },
	{ "NH_VAA vmid forced", { CMD0(0x13, 0), 0xbeef000ULL }, 0,
	  { CMD0(0x13, TEST_VMID_A), 0xbeef000ULL } },
	{ "NSNH_ALL becomes NH_ALL", { CMD0(0x30, 0xffffffff) | ANY_LOW, ~0ULL },
	  0, { CMD0(0x10, TEST_VMID_A), 0 } },
	{ "CFGI_CD vsid to sid", { CMD0(0x05, TEST_VSID_A) | (5 << 12), 1 }, 0,
	  { CMD0(0x05, TEST_SID_A) | (5 << 12), 1 } },
	{ "CFGI_CD_ALL vsid to sid", { CMD0(0x06, TEST_VSID_A), 0 }, 0,
	  { CMD0(0x06, TEST_SID_A), 0 } },
	{ "ATC_INV vsid to sid", { CMD0(0x40, TEST_VSID_A) | BIT(9), 52 }, 0,
	  { CMD0(0x40, TEST_SID_A) | BIT(9), 52 } },
	{ "CFGI_CD unknown vsid", { CMD0(0x05, 0x999), 0 }, -EIO },
	{ "ATC_INV vsid of another vIOMMU", { CMD0(0x40, TEST_VSID_B), 0 }, -EIO },
	{ "CFGI_CD_ALL vsid of another vIOMMU", { CMD0(0x06, TEST_VSID_B), 0 },
	  -EIO },
	{ "CFGI_STE refused", { CMD0(0x03, TEST_VSID_A), 0 }, -EIO },
	{ "CFGI_ALL refused", { CMD0(0x04, 0), 0 }, -EIO },
	{ "PREFETCH_CFG refused", { CMD0(0x01, TEST_VSID_A), 0 }, -EIO },
	{ "TLBI_EL2_ALL refused", { CMD0(0x20, 0), 0 }, -EIO },
	{ "TLBI_S12_VMALL refused", { CMD0(0x28, TEST_VMID_A), 0 }, -EIO },
	{ "TLBI_S2_IPA refused", { CMD0(0x2a, TEST_VMID_A), 0 }, -EIO },
	{ "PRI_RESP refused", { CMD0(0x41, 0), 0 }, -EIO },
	{ "RESUME refused", { CMD0(0x44, 0), 0 }, -EIO },
	{ "CMD_SYNC refused", { CMD0(0x46, 0), 0 }, -EIO },
};

static void cmd_table(struct kunit *test)
{
	struct vsmmu *a = test_vsmmu(test, TEST_VMID_A, TEST_VSID_A, TEST_SID_A);
	unsigned int i;

	test_vsmmu(test, TEST_VMID_B, TEST_VSID_B, TEST_SID_B);
	for (i = 0; i < ARRAY_SIZE(cmd_cases); i++) {
		const struct cmd_case *c = &cmd_cases[i];
		u64 cmd[2] = { c->in[0], c->in[1] };

		KUNIT_EXPECT_EQ_MSG(test, c->rc,
				    viommu_smmuv3_convert_cmd(a, cmd), "%s",
				    c->name);
		if (c->rc)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, c->out[0], cmd[0], "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, c->out[1], cmd[1], "%s", c->name);
	}
}

/* Every opcode: the seven upstream takes, and EIO for the other 249. */
static void cmd_every_opcode(struct kunit *test)
{
	struct vsmmu *a = test_vsmmu(test, TEST_VMID_A, TEST_VSID_A, TEST_SID_A);
	unsigned int op;

	for (op = 0; op < 256; op++) {
		u64 cmd[2] = { CMD0(op, TEST_VSID_A), 0 };
		bool taken;

		switch (op) {
		case 0x05: case 0x06: case 0x10: case 0x11: case 0x12:
		case 0x13: case 0x30: case 0x40:
			taken = true;
			break;
		default:
			taken = false;
		}
		KUNIT_EXPECT_EQ_MSG(test, taken ? 0 : -EIO,
				    viommu_smmuv3_convert_cmd(a, cmd),
				    "opcode 0x%02x", op);
	}
}

/* The domain a guest STE makes, without attaching it anywhere. */
static void nested_domain_alloc(struct kunit *test)
{
	struct vsmmu *vsmmu = test_vsmmu(test, TEST_VMID_A, TEST_VSID_A,
					 TEST_SID_A);
	struct iommu_domain *parent = kunit_kzalloc(test, sizeof(*parent),
						    GFP_KERNEL);
	struct viommu_hwpt_arm_smmuv3 arg = {
		.ste = { STE0_S1(0),
			 cpu_to_le64(FIELD_PREP(VSMMU_STE_1_EATS, 1) |
				     VSMMU_STE_1_S1CSH) },
	};
	struct iommu_user_data ud = {
		.type = VIOMMU_HWPT_DATA_ARM_SMMUV3,
		.uptr = viommu_test_user_page(test),
		.len = sizeof(arg),
	};
	struct iommu_user_data_array array = { .entry_num = 5 };
	struct iommu_domain *domain;
	struct vsmmu_nested *nested;

	KUNIT_ASSERT_NOT_NULL(test, parent);
	vsmmu->s2_parent = parent;
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(ud.uptr, &arg, sizeof(arg)));

	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			PTR_ERR(viommu_smmuv3_alloc_domain_nested(&vsmmu->core,
								  1, &ud)));
	ud.type++;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(viommu_smmuv3_alloc_domain_nested(&vsmmu->core,
								  0, &ud)));
	ud.type--;
	ud.len = 8;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(viommu_smmuv3_alloc_domain_nested(&vsmmu->core,
								  0, &ud)));
	ud.len = sizeof(arg);

	domain = viommu_smmuv3_alloc_domain_nested(&vsmmu->core, 0, &ud);
	KUNIT_ASSERT_FALSE(test, IS_ERR(domain));
	KUNIT_EXPECT_EQ(test, IOMMU_DOMAIN_NESTED, domain->type);
	KUNIT_EXPECT_PTR_EQ(test, parent, viommu_smmu_nested_parent(domain));
	KUNIT_EXPECT_FALSE(test, viommu_smmu_owns_parent(domain));
	nested = container_of(domain, struct vsmmu_nested, domain);
	KUNIT_EXPECT_TRUE(test, nested->enable_ats);
	KUNIT_EXPECT_EQ(test, (u64)VSMMU_STE_1_S1CSH,
			le64_to_cpu(nested->ste[1]));
	/* Invalidation goes through the vIOMMU, as upstream. */
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			domain->ops->cache_invalidate_user(domain, &array));
	KUNIT_EXPECT_EQ(test, 0, array.entry_num);
	domain->ops->free(domain);

	/* Any other pointer is not ours. */
	KUNIT_EXPECT_NULL(test, viommu_smmu_nested_parent(NULL));
	parent->type = IOMMU_DOMAIN_NESTED;
	KUNIT_EXPECT_NULL(test, viommu_smmu_nested_parent(parent));
	KUNIT_EXPECT_FALSE(test, viommu_smmu_owns_parent(NULL));
	KUNIT_EXPECT_FALSE(test, viommu_smmu_owns_parent(parent));

	/* A bad vSTE makes no domain. */
	arg.ste[0] = cpu_to_le64(VSMMU_STE_0_V |
				 FIELD_PREP(VSMMU_STE_0_CFG, 6));
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(ud.uptr, &arg, sizeof(arg)));
	KUNIT_EXPECT_EQ(test, -EIO,
			PTR_ERR(viommu_smmuv3_alloc_domain_nested(&vsmmu->core,
								  0, &ud)));
}

/* What the fake command queue saw. */
struct issue_log {
	unsigned int calls;
	unsigned int sizes[16];
	unsigned int total;
	unsigned int fail_call;	/* 1-based; 0: never */
	u64 first[2];
};

static struct issue_log *cur_log;

static int fake_issue(struct vsmmu *vsmmu, u64 *cmds, int n)
{
	struct issue_log *log = cur_log;

	if (log->calls < ARRAY_SIZE(log->sizes))
		log->sizes[log->calls] = n;
	log->calls++;
	if (log->calls == log->fail_call)
		return -ETIMEDOUT;
	if (!log->total) {
		log->first[0] = cmds[0];
		log->first[1] = cmds[1];
	}
	log->total += n;
	return 0;
}

struct inv_fixture {
	struct vsmmu *vsmmu;
	void __user *uptr;
	struct issue_log log;
};

static void inv_setup(struct kunit *test, struct inv_fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->vsmmu = test_vsmmu(test, TEST_VMID_A, TEST_VSID_A, TEST_SID_A);
	f->uptr = viommu_test_user_page(test);
	cur_log = &f->log;
}

#define NO_BAD U32_MAX

/* @n NH_ASID commands of 16 bytes, with a bad opcode at @bad (or none). */
static int inv_run(struct kunit *test, struct inv_fixture *f, u32 n, u32 bad,
		   u32 *entry_num)
{
	struct iommu_user_data_array array = {
		.type = VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
		.uptr = f->uptr,
		.entry_len = 16,
		.entry_num = n,
	};
	__le64 cmd[2];
	u32 i;
	int rc;

	KUNIT_ASSERT_LE(test, n * 16, PAGE_SIZE);
	for (i = 0; i < n; i++) {
		cmd[0] = cpu_to_le64(CMD0(i == bad ? 0x03 : 0x11, i << 16));
		cmd[1] = 0;
		KUNIT_ASSERT_EQ(test, 0, copy_to_user(f->uptr + 16 * i, cmd,
						      sizeof(cmd)));
	}
	rc = viommu_smmuv3_invalidate(f->vsmmu, &array, fake_issue);
	*entry_num = array.entry_num;
	return rc;
}

static void inv_batches_of_63(struct kunit *test)
{
	struct inv_fixture f;
	u32 done;

	inv_setup(test, &f);
	KUNIT_EXPECT_EQ(test, 0, inv_run(test, &f, 200, NO_BAD, &done));
	KUNIT_EXPECT_EQ(test, 200, done);
	KUNIT_EXPECT_EQ(test, 4, f.log.calls);
	KUNIT_EXPECT_EQ(test, 63, f.log.sizes[0]);
	KUNIT_EXPECT_EQ(test, 63, f.log.sizes[1]);
	KUNIT_EXPECT_EQ(test, 63, f.log.sizes[2]);
	KUNIT_EXPECT_EQ(test, 11, f.log.sizes[3]);
	/* Converted to CPU order with the VMID. */
	KUNIT_EXPECT_EQ(test, CMD0(0x11, TEST_VMID_A), f.log.first[0]);
}

/* The commands before a bad one run; entry_num is its index. */
static void inv_bad_command_stops_there(struct kunit *test)
{
	struct inv_fixture f;
	u32 done;

	inv_setup(test, &f);
	KUNIT_EXPECT_EQ(test, -EIO, inv_run(test, &f, 100, 70, &done));
	KUNIT_EXPECT_EQ(test, 70, done);
	KUNIT_EXPECT_EQ(test, 70, f.log.total);
	KUNIT_EXPECT_EQ(test, 2, f.log.calls);
	KUNIT_EXPECT_EQ(test, 7, f.log.sizes[1]);

	inv_setup(test, &f);
	KUNIT_EXPECT_EQ(test, -EIO, inv_run(test, &f, 10, 0, &done));
	KUNIT_EXPECT_EQ(test, 0, done);
	KUNIT_EXPECT_EQ(test, 0, f.log.calls);
}

/* A batch the queue refused is not counted, nor anything after it. */
static void inv_issue_failure_counts_issued_only(struct kunit *test)
{
	struct inv_fixture f;
	u32 done;

	inv_setup(test, &f);
	f.log.fail_call = 2;
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, inv_run(test, &f, 150, NO_BAD, &done));
	KUNIT_EXPECT_EQ(test, 63, done);
	KUNIT_EXPECT_EQ(test, 2, f.log.calls);
}

/* As upstream's whole-array copy: nothing runs when any entry is bad. */
static void inv_copy_errors_before_any_issue(struct kunit *test)
{
	struct iommu_user_data_array array = {
		.type = VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
		.entry_len = 24,
		.entry_num = 150,
	};
	struct inv_fixture f;
	__le64 word = cpu_to_le64(CMD0(0x11, 0));
	u32 i;

	inv_setup(test, &f);
	array.uptr = f.uptr;
	/* 24-byte entries, zero tails but entry 140's. */
	KUNIT_ASSERT_EQ(test, 0, clear_user(f.uptr, PAGE_SIZE));
	for (i = 0; i < 150; i++)
		KUNIT_ASSERT_EQ(test, 0, copy_to_user(f.uptr + 24 * i, &word,
						      sizeof(word)));
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(f.uptr + 24 * 140 + 16, &word,
					      sizeof(word)));
	KUNIT_EXPECT_EQ(test, -E2BIG,
			viommu_smmuv3_invalidate(f.vsmmu, &array, fake_issue));
	KUNIT_EXPECT_EQ(test, 0, array.entry_num);
	KUNIT_EXPECT_EQ(test, 0, f.log.calls);

	/* With the tail cleared, the same array runs, zero-extended. */
	word = 0;
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(f.uptr + 24 * 140 + 16, &word,
					      sizeof(word)));
	array.entry_num = 150;
	KUNIT_EXPECT_EQ(test, 0,
			viommu_smmuv3_invalidate(f.vsmmu, &array, fake_issue));
	KUNIT_EXPECT_EQ(test, 150, array.entry_num);
	KUNIT_EXPECT_EQ(test, 150, f.log.total);

	inv_setup(test, &f);
	array.uptr = f.uptr;
	array.entry_len = 16;
	array.entry_num = 5;
	array.type = VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_smmuv3_invalidate(f.vsmmu, &array, fake_issue));
	KUNIT_EXPECT_EQ(test, 0, array.entry_num);

	/* An empty array is EINVAL, as upstream's copy makes it. */
	array.type = VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3;
	array.entry_num = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_smmuv3_invalidate(f.vsmmu, &array, fake_issue));
	KUNIT_EXPECT_EQ(test, 0, f.log.calls);
}

static void event_filter(struct kunit *test)
{
	unsigned int id;

	for (id = 0; id < 256; id++) {
		u64 evt[4] = { FIELD_PREP(VSMMU_EVT_0_ID, id) |
			       FIELD_PREP(VSMMU_EVT_0_SID, 0x10) };
		bool want;

		switch (id) {
		case 0x04: case 0x06: case 0x08: case 0x0a:
		case 0x10: case 0x11: case 0x12: case 0x13:
			want = true;
			break;
		default:
			want = false;
		}
		KUNIT_EXPECT_EQ_MSG(test, want, viommu_smmuv3_event_wanted(evt),
				    "id 0x%02x", id);
		if (!want)
			continue;
		/* Stage-2 faults and stalls stay with the host. */
		evt[1] = VSMMU_EVT_1_S2;
		KUNIT_EXPECT_FALSE_MSG(test, viommu_smmuv3_event_wanted(evt),
				       "id 0x%02x S2", id);
		evt[1] = VSMMU_EVT_1_STALL;
		KUNIT_EXPECT_FALSE_MSG(test, viommu_smmuv3_event_wanted(evt),
				       "id 0x%02x stall", id);
		evt[1] = ~(VSMMU_EVT_1_S2 | VSMMU_EVT_1_STALL);
		KUNIT_EXPECT_TRUE_MSG(test, viommu_smmuv3_event_wanted(evt),
				      "id 0x%02x other bits", id);
	}
}

static void event_record_has_vsid(struct kunit *test)
{
	const u64 evt[4] = {
		FIELD_PREP(VSMMU_EVT_0_ID, 0x10) |
			FIELD_PREP(VSMMU_EVT_0_SID, 0x10) | 0xfff00,
		0x1122334455667788ULL, 0xdeadbeef000ULL, 0x12345000ULL,
	};
	struct viommu_vevent_arm_smmuv3 vevt;

	viommu_smmuv3_event_to_guest(evt, 0x42, &vevt);
	KUNIT_EXPECT_EQ(test, FIELD_PREP(VSMMU_EVT_0_ID, 0x10) |
			      FIELD_PREP(VSMMU_EVT_0_SID, 0x42) | 0xfff00,
			le64_to_cpu(vevt.evt[0]));
	KUNIT_EXPECT_EQ(test, evt[1], le64_to_cpu(vevt.evt[1]));
	KUNIT_EXPECT_EQ(test, evt[2], le64_to_cpu(vevt.evt[2]));
	KUNIT_EXPECT_EQ(test, evt[3], le64_to_cpu(vevt.evt[3]));
}

/* ProductID 31:20, Variant 19:16, Revision 15:12, Implementer 11:0 */
#define IIDR(prod, var, rev)						\
	((prod) << 20 | (var) << 16 | (rev) << 12 | VSMMU_IIDR_IMPLEMENTER_ARM)

static void nesting_gate(struct kunit *test)
{
	static const struct {
		u32 idr0;
		u32 iidr;
		bool ok;
	} cases[] = {
		{ 0x3, 0, true },		/* QEMU: IIDR 0 */
		{ 0x1, 0, false },		/* S2 only */
		{ 0x2, 0, false },		/* S1 only (QEMU virt-9.1) */
		{ 0x3, IIDR(0x483, 1, 0), false },	/* MMU-600 r1 */
		{ 0x3, IIDR(0x483, 2, 0), true },
		{ 0x3, IIDR(0x487, 0, 1), false },	/* MMU-700 r0p1 */
		{ 0x3, IIDR(0x487, 1, 0), false },	/* MMU-700 r1p0 */
		{ 0x3, IIDR(0x487, 1, 1), true },
		{ 0x3, IIDR(0x123, 0, 0), true },	/* another Arm part */
		{ 0x3, 0x483 << 20 | 0x42, true },	/* not Arm's 600 */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, cases[i].ok,
				    viommu_smmuv3_nesting_ok(cases[i].idr0,
							     cases[i].iidr),
				    "case %u", i);
}

/*
 * On the test VM's SMMU, when the backend is on (the real shim): hw_info,
 * the vIOMMU gate, and a nest parent's life: our ops over the driver's,
 * a real map and unmap through them, and its module pin.
 */
static void live_nest_parent_on_edu(struct kunit *test)
{
	struct viommu_driver *drv = &viommu_smmuv3_driver;
	struct viommu_hw_info_arm_smmuv3 *info;
	struct iommu_domain *domain;
	struct viommu_smmu *smmu;
	struct pci_dev *pdev;
	struct page *page;
	unsigned int refs;
	u32 len = 0, type;
	u16 vmid = 0;

	if (!viommu_smmuv3_test_state(true))
		kunit_skip(test, "SMMUv3 backend off");
	pdev = viommu_test_edu(test);

	type = VIOMMU_HW_INFO_TYPE_DEFAULT;
	info = drv->hw_info(&pdev->dev, &len, &type);
	KUNIT_ASSERT_FALSE(test, IS_ERR(info));
	KUNIT_EXPECT_EQ(test, VIOMMU_HW_INFO_TYPE_ARM_SMMUV3, type);
	KUNIT_EXPECT_EQ(test, sizeof(*info), len);
	KUNIT_EXPECT_EQ(test, VSMMU_IDR0_S1P | VSMMU_IDR0_S2P,
			info->idr[0] & (VSMMU_IDR0_S1P | VSMMU_IDR0_S2P));
	KUNIT_EXPECT_EQ(test, 0, info->flags);
	/*
	 * FWB or not, only smmuv3_allow_noncoherent lets it be: 6.12 programs
	 * no S2FWB. The suite runs with the default, N.
	 */
	KUNIT_EXPECT_EQ(test, 0,
			drv->get_viommu_size(&pdev->dev,
					     VIOMMU_VIOMMU_TYPE_ARM_SMMUV3));
	kfree(info);
	type = VIOMMU_HW_INFO_TYPE_ARM_SMMUV3 + 1;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			PTR_ERR(drv->hw_info(&pdev->dev, &len, &type)));
	KUNIT_EXPECT_EQ(test, 0,
			drv->get_viommu_size(&pdev->dev,
					     VIOMMU_VIOMMU_TYPE_ARM_SMMUV3 + 1));

	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			PTR_ERR(viommu_smmu_alloc_nest_parent(&pdev->dev,
							      IOMMU_HWPT_ALLOC_NEST_PARENT |
							      IOMMU_HWPT_ALLOC_DIRTY_TRACKING)));

	refs = module_refcount(drv->owner);
	domain = viommu_smmu_alloc_nest_parent(&pdev->dev,
					       IOMMU_HWPT_ALLOC_NEST_PARENT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(domain));
	KUNIT_EXPECT_EQ(test, refs + 1, module_refcount(drv->owner));
	KUNIT_EXPECT_TRUE(test, viommu_smmu_owns_parent(domain));
	KUNIT_EXPECT_NULL(test, viommu_smmu_nested_parent(domain));
	KUNIT_EXPECT_TRUE(test, viommu_shim_smmu_domain_s2(domain, &smmu, &vmid));
	KUNIT_EXPECT_PTR_EQ(test, smmu, viommu_shim_smmu_of_dev(&pdev->dev));
	KUNIT_EXPECT_NE(test, 0, vmid);

	/* A real unmap goes through our iotlb_sync (and its NH_ALL). */
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, 0, iommu_map(domain, SZ_1M, page_to_phys(page),
					   PAGE_SIZE, IOMMU_READ, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, page_to_phys(page),
			iommu_iova_to_phys(domain, SZ_1M));
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, iommu_unmap(domain, SZ_1M, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0, iommu_iova_to_phys(domain, SZ_1M));
	domain->ops->flush_iotlb_all(domain);
	__free_page(page);

	domain->ops->free(domain);
	viommu_smmuv3_test_state(true);
	KUNIT_EXPECT_EQ(test, refs, module_refcount(drv->owner));
}

static struct kunit_case viommu_smmuv3_test_cases[] = {
	KUNIT_CASE(vste_bits_outside_allowed_are_eio),
	KUNIT_CASE(vste_allowed_fields_pass_through),
	KUNIT_CASE(vste_every_cfg),
	KUNIT_CASE(vste_every_eats),
	KUNIT_CASE(vste_invalid_is_zeroed_abort),
	KUNIT_CASE(cmd_table),
	KUNIT_CASE(cmd_every_opcode),
	KUNIT_CASE(nested_domain_alloc),
	KUNIT_CASE(inv_batches_of_63),
	KUNIT_CASE(inv_bad_command_stops_there),
	KUNIT_CASE(inv_issue_failure_counts_issued_only),
	KUNIT_CASE(inv_copy_errors_before_any_issue),
	KUNIT_CASE(event_filter),
	KUNIT_CASE(event_record_has_vsid),
	KUNIT_CASE(nesting_gate),
	KUNIT_CASE(live_nest_parent_on_edu),
	{}
};

static struct kunit_suite viommu_smmuv3_test_suite = {
	.name = "viommu-smmuv3",
	.test_cases = viommu_smmuv3_test_cases,
};

kunit_test_suites(&viommu_smmuv3_test_suite);
