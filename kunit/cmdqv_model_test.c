// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the CMDQV register model itself: the behaviour the
 * backend's suite relies on (enable -> status, allocation and its order
 * rules, unmapped and forbidden accesses recorded, reset, error injection,
 * the invariant checker and the mutation knob), driven by hand through the
 * model's io ops as a backend would.
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/slab.h>

#include "cmdqv_model.h"

#define REPORT_LEN	1024

/* 4 VINTFs of 2 LVCMDQs, 4 SID slots each */
static const struct cmdqv_model_params params = {
	.ver = 1, .num_vintf_log2 = 2, .num_vcmdq_log2 = 3, .num_sid_log2 = 2,
};

KUNIT_DEFINE_ACTION_WRAPPER(model_destroy_action, cmdqv_model_destroy,
			    struct cmdqv_model *);

static struct cmdqv_model *model(struct kunit *test)
{
	struct cmdqv_model *m = cmdqv_model_create(&params);

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, model_destroy_action,
						  m));
	return m;
}

static char *report(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, REPORT_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	return buf;
}

static u32 rd(struct cmdqv_model *m, u32 off)
{
	return cmdqv_model_io.read(m, off);
}

static void wr(struct cmdqv_model *m, u32 off, u32 val)
{
	cmdqv_model_io.write(m, off, val);
}

static u32 alloc_val(u16 v, u16 l, bool allocated)
{
	return FIELD_PREP(VCMDQV_CMDQ_ALLOC_VINTF, v) |
	       FIELD_PREP(VCMDQV_CMDQ_ALLOC_LVCMDQ, l) |
	       (allocated ? VCMDQV_CMDQ_ALLOCATED : 0);
}

static unsigned int violations(struct cmdqv_model *m)
{
	char buf[8];

	return cmdqv_model_violations(m, buf, sizeof(buf));
}

/* What the backend does for a VINTF it takes (upstream order) */
static void hand_vintf_init(struct cmdqv_model *m, u16 v, u16 vmid)
{
	u32 config = FIELD_PREP(VCMDQV_VINTF_VMID, vmid);
	int l;

	/* undo the 6.12 reset's static allocation, descending */
	for (l = m->per - 1; l >= 0; l--)
		wr(m, VCMDQV_CMDQ_ALLOC(v * m->per + l), alloc_val(v, l, false));
	wr(m, VCMDQV_VINTF(v) + VCMDQV_VINTF_CONFIG, config);
	wr(m, VCMDQV_VINTF(v) + VCMDQV_VINTF_CONFIG, config | VCMDQV_VINTF_EN);
}

static void hand_vintf_deinit(struct cmdqv_model *m, u16 v)
{
	u16 s;

	wr(m, VCMDQV_VINTF(v) + VCMDQV_VINTF_CONFIG, 0);
	for (s = 0; s < m->num_sids; s++) {
		wr(m, VCMDQV_VINTF(v) + VCMDQV_VINTF_SID_MATCH(s), 0);
		wr(m, VCMDQV_VINTF(v) + VCMDQV_VINTF_SID_REPLACE(s), 0);
	}
}

static void hand_queue_init(struct cmdqv_model *m, u16 v, u16 l, u64 base)
{
	wr(m, VCMDQV_CMDQ_ALLOC(v * m->per + l), alloc_val(v, l, true));
	cmdqv_model_io.write64(m, VCMDQV_LVCMDQ_PAGE1(v, l) + VCMDQV_VCMDQ_BASE,
			       base);
}

static void hand_queue_deinit(struct cmdqv_model *m, u16 v, u16 l)
{
	u32 p0 = VCMDQV_LVCMDQ_PAGE0(v, l), p1 = VCMDQV_LVCMDQ_PAGE1(v, l);

	wr(m, p0 + VCMDQV_VCMDQ_CONFIG, 0);
	wr(m, p0 + VCMDQV_VCMDQ_PROD, 0);
	wr(m, p0 + VCMDQV_VCMDQ_CONS, 0);
	cmdqv_model_io.write64(m, p1 + VCMDQV_VCMDQ_BASE, 0);
	cmdqv_model_io.write64(m, p1 + VCMDQV_VCMDQ_CONS_INDX_BASE, 0);
	wr(m, VCMDQV_CMDQ_ALLOC(v * m->per + l), alloc_val(v, l, false));
}

static void model_param_and_reset_state(struct kunit *test)
{
	struct cmdqv_model *m = model(test);
	char *buf = report(test);
	u32 param = rd(m, VCMDQV_PARAM);
	u16 q;

	KUNIT_EXPECT_EQ(test, 1, (int)FIELD_GET(VCMDQV_PARAM_VER, param));
	KUNIT_EXPECT_EQ(test, 2,
			(int)FIELD_GET(VCMDQV_PARAM_NUM_VINTF_LOG2, param));
	KUNIT_EXPECT_EQ(test, 3,
			(int)FIELD_GET(VCMDQV_PARAM_NUM_VCMDQ_LOG2, param));
	KUNIT_EXPECT_EQ(test, 2,
			(int)FIELD_GET(VCMDQV_PARAM_NUM_SID_LOG2, param));
	KUNIT_EXPECT_EQ(test, VCMDQV_STATUS_ENABLED, rd(m, VCMDQV_STATUS));
	/* 6.12's reset: every queue statically allocated, VINTF0 enabled */
	for (q = 0; q < 8; q++)
		KUNIT_EXPECT_EQ(test, alloc_val(q / 2, q % 2, true),
				rd(m, VCMDQV_CMDQ_ALLOC(q)));
	KUNIT_EXPECT_EQ(test, VCMDQV_VINTF_HYP_OWN | VCMDQV_VINTF_EN,
			rd(m, VCMDQV_VINTF(0) + VCMDQV_VINTF_CONFIG));
	KUNIT_EXPECT_EQ(test, VCMDQV_VINTF_ENABLED,
			rd(m, VCMDQV_VINTF(0) + VCMDQV_VINTF_STATUS));
	KUNIT_EXPECT_EQ(test, VCMDQV_VCMDQ_ENABLED,
			rd(m, VCMDQV_LVCMDQ_PAGE0(0, 1) + VCMDQV_VCMDQ_STATUS));
	/* the space is real memory, big enough and power-of-two sized */
	KUNIT_EXPECT_GE(test, PAGE_SIZE << m->order,
			(unsigned long)VCMDQV_SPACE(4));
	KUNIT_EXPECT_EQ_MSG(test, 0u, cmdqv_model_check(m, buf, REPORT_LEN),
			    "%s", buf);
}

static void model_enable_sets_status(struct kunit *test)
{
	struct cmdqv_model *m = model(test);
	char *buf = report(test);
	u32 p0 = VCMDQV_LVCMDQ_PAGE0(1, 0);

	hand_vintf_init(m, 1, 7);
	KUNIT_EXPECT_EQ(test, VCMDQV_VINTF_ENABLED,
			rd(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_STATUS));
	/* an unallocated global queue does not come up */
	wr(m, VCMDQV_VCMDQ_PAGE0(2) + VCMDQV_VCMDQ_CONFIG, VCMDQV_VCMDQ_EN);
	KUNIT_EXPECT_EQ(test, 0u,
			rd(m, VCMDQV_VCMDQ_PAGE0(2) + VCMDQV_VCMDQ_STATUS));
	wr(m, VCMDQV_VCMDQ_PAGE0(2) + VCMDQV_VCMDQ_CONFIG, 0);
	hand_queue_init(m, 1, 0, 0x1000005);
	wr(m, p0 + VCMDQV_VCMDQ_CONFIG, VCMDQV_VCMDQ_EN);
	KUNIT_EXPECT_EQ(test, VCMDQV_VCMDQ_ENABLED,
			rd(m, p0 + VCMDQV_VCMDQ_STATUS));
	/* the global page shows the same queue */
	KUNIT_EXPECT_EQ(test, VCMDQV_VCMDQ_ENABLED,
			rd(m, VCMDQV_VCMDQ_PAGE0(2) + VCMDQV_VCMDQ_STATUS));
	wr(m, p0 + VCMDQV_VCMDQ_CONFIG, 0);
	KUNIT_EXPECT_EQ(test, 0u, rd(m, p0 + VCMDQV_VCMDQ_STATUS));
	wr(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_CONFIG, 0);
	KUNIT_EXPECT_EQ(test, 0u, rd(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_STATUS));
	KUNIT_EXPECT_EQ_MSG(test, 0u, cmdqv_model_violations(m, buf, REPORT_LEN),
			    "%s", buf);
}

static void model_map_order_rules(struct kunit *test)
{
	struct cmdqv_model *m = model(test);
	char *buf = report(test);

	hand_vintf_init(m, 1, 1);
	KUNIT_EXPECT_EQ(test, 0u, violations(m));
	/* ascending: LVCMDQ1 before LVCMDQ0 */
	wr(m, VCMDQV_CMDQ_ALLOC(3), alloc_val(1, 1, true));
	KUNIT_EXPECT_EQ(test, 1u, cmdqv_model_violations(m, buf, REPORT_LEN));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "before LVCMDQ0"));
	wr(m, VCMDQV_CMDQ_ALLOC(2), alloc_val(1, 0, true));
	cmdqv_model_clear_violations(m);
	/* descending: LVCMDQ0 while LVCMDQ1 is mapped */
	wr(m, VCMDQV_CMDQ_ALLOC(2), alloc_val(1, 0, false));
	KUNIT_EXPECT_EQ(test, 1u, cmdqv_model_violations(m, buf, REPORT_LEN));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "before LVCMDQ1"));
	cmdqv_model_clear_violations(m);
	/* the right orders are silent */
	wr(m, VCMDQV_CMDQ_ALLOC(3), alloc_val(1, 1, false));
	wr(m, VCMDQV_CMDQ_ALLOC(2), alloc_val(1, 0, true));
	wr(m, VCMDQV_CMDQ_ALLOC(3), alloc_val(1, 1, true));
	KUNIT_EXPECT_EQ(test, 0u, violations(m));
	/* a second queue on a mapped LVCMDQ is refused */
	wr(m, VCMDQV_CMDQ_ALLOC(6), alloc_val(3, 1, false));
	wr(m, VCMDQV_CMDQ_ALLOC(7), alloc_val(3, 0, false));
	cmdqv_model_clear_violations(m);
	wr(m, VCMDQV_CMDQ_ALLOC(6), alloc_val(1, 0, true));
	KUNIT_EXPECT_EQ(test, 1u, cmdqv_model_violations(m, buf, REPORT_LEN));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "already has VCMDQ2"));
	KUNIT_EXPECT_EQ(test, 2, cmdqv_model_mapped_queue(m, 1, 0));
	KUNIT_EXPECT_FALSE(test, rd(m, VCMDQV_CMDQ_ALLOC(6)) &
			   VCMDQV_CMDQ_ALLOCATED);
	cmdqv_model_clear_violations(m);
	/* an LVCMDQ index beyond the VINTF's count */
	wr(m, VCMDQV_CMDQ_ALLOC(6), alloc_val(3, 2, true));
	KUNIT_EXPECT_EQ(test, 1u, violations(m));
	cmdqv_model_clear_violations(m);
	/* unmapping an enabled queue */
	wr(m, VCMDQV_LVCMDQ_PAGE0(1, 1) + VCMDQV_VCMDQ_CONFIG, VCMDQV_VCMDQ_EN);
	wr(m, VCMDQV_CMDQ_ALLOC(3), alloc_val(1, 1, false));
	KUNIT_EXPECT_EQ(test, 1u, cmdqv_model_violations(m, buf, REPORT_LEN));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "enabled"));
}

static void model_unmapped_access_recorded(struct kunit *test)
{
	struct cmdqv_model *m = model(test);
	char *buf = report(test);
	u32 p0 = VCMDQV_LVCMDQ_PAGE0(1, 0);

	hand_vintf_init(m, 1, 1);
	KUNIT_EXPECT_EQ(test, 0u, violations(m));
	wr(m, VCMDQV_VCMDQ_PAGE0(2) + VCMDQV_VCMDQ_PROD, 0x55);
	KUNIT_EXPECT_EQ(test, 0u, rd(m, p0 + VCMDQV_VCMDQ_PROD));
	KUNIT_EXPECT_EQ(test, 1u, cmdqv_model_violations(m, buf, REPORT_LEN));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "not mapped"));
	wr(m, p0 + VCMDQV_VCMDQ_PROD, 0x66);
	KUNIT_EXPECT_EQ(test, 2u, violations(m));
	/* dropped: the global queue keeps its value */
	KUNIT_EXPECT_EQ(test, 0x55u,
			rd(m, VCMDQV_VCMDQ_PAGE0(2) + VCMDQV_VCMDQ_PROD));
	KUNIT_EXPECT_EQ(test, 0u, cmdqv_model_peek(m, p0 + VCMDQV_VCMDQ_PROD));
}

/* A queue's registers follow it to the logical page the guest maps */
static void model_queue_moves_with_mapping(struct kunit *test)
{
	struct cmdqv_model *m = model(test);
	u32 p0 = VCMDQV_LVCMDQ_PAGE0(1, 0);

	hand_vintf_init(m, 1, 1);
	wr(m, VCMDQV_VCMDQ_PAGE0(2) + VCMDQV_VCMDQ_PROD, 0x12);
	hand_queue_init(m, 1, 0, 0x40000005);
	KUNIT_EXPECT_EQ(test, 0x12u, cmdqv_model_peek(m, p0 + VCMDQV_VCMDQ_PROD));
	KUNIT_EXPECT_EQ(test, 0x40000005u,
			cmdqv_model_peek(m, VCMDQV_LVCMDQ_PAGE1(1, 0)));
	wr(m, p0 + VCMDQV_VCMDQ_PROD, 0x34);
	KUNIT_EXPECT_EQ(test, 0x34u,
			rd(m, VCMDQV_VCMDQ_PAGE0(2) + VCMDQV_VCMDQ_PROD));
	/* the guest's view of page 0 is the memory itself */
	KUNIT_EXPECT_EQ(test, 0x34u,
			*(u32 *)(page_address(m->pages) + p0 +
				 VCMDQV_VCMDQ_PROD));
	wr(m, VCMDQV_CMDQ_ALLOC(2), alloc_val(1, 0, false));
	KUNIT_EXPECT_EQ(test, 0u, cmdqv_model_peek(m, p0 + VCMDQV_VCMDQ_PROD));
	KUNIT_EXPECT_EQ(test, 0x34u,
			cmdqv_model_peek(m, VCMDQV_VCMDQ_PAGE0(2) +
					 VCMDQV_VCMDQ_PROD));
	KUNIT_EXPECT_EQ(test, 0u, violations(m));
}

static void model_vintf0_writes_recorded(struct kunit *test)
{
	static const u32 offs[] = {
		VCMDQV_VINTF(0) + VCMDQV_VINTF_CONFIG,
		VCMDQV_VINTF(0) + VCMDQV_VINTF_SID_MATCH(0),
		VCMDQV_LVCMDQ_PAGE0(0, 0) + VCMDQV_VCMDQ_PROD,
		VCMDQV_VCMDQ_PAGE0(1) + VCMDQV_VCMDQ_PROD,
		VCMDQV_CMDQ_ALLOC(0),
	};
	char *buf = report(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		struct cmdqv_model *m = cmdqv_model_create(&params);

		KUNIT_ASSERT_NOT_NULL(test, m);
		wr(m, offs[i], rd(m, offs[i]) ^ 0x100);
		KUNIT_EXPECT_GE_MSG(test, violations(m), 1u, "off %#x",
				    offs[i]);
		cmdqv_model_clear_violations(m);
		/* the checker sees the change itself, not only the record */
		KUNIT_EXPECT_GE_MSG(test, cmdqv_model_check(m, buf, REPORT_LEN),
				    1u, "off %#x", offs[i]);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, "VINTF0"),
					  "off %#x: %s", offs[i], buf);
		cmdqv_model_destroy(m);
	}
}

static void model_read_only_and_undecoded(struct kunit *test)
{
	static const u32 offs[] = {
		VCMDQV_PARAM, VCMDQV_STATUS, VCMDQV_VINTF_ERR_MAP,
		VCMDQV_CMDQ_ERR_MAP(1),
		VCMDQV_VINTF(1) + VCMDQV_VINTF_STATUS,
		VCMDQV_VINTF(1) + VCMDQV_VINTF_LVCMDQ_ERR_MAP_64(1),
		VCMDQV_VCMDQ_PAGE0(2) + VCMDQV_VCMDQ_STATUS,
		VCMDQV_VCMDQ_PAGE0(2) + VCMDQV_VCMDQ_GERROR,
		/* outside the decoded space or between registers */
		VCMDQV_SPACE(4), VCMDQV_SPACE(4) + 0x1000, 0x100,
		VCMDQV_VINTF(4), VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_MATCH(4),
		VCMDQV_VCMDQ_PAGE0(8), VCMDQV_VCMDQ_PAGE0(2) + 0x20,
		VCMDQV_LVCMDQ_PAGE0(1, 2), 0x3,
	};
	struct cmdqv_model *m = model(test);
	char *buf = report(test);
	unsigned int i;
	u32 before;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		before = rd(m, offs[i]);
		wr(m, offs[i], 0xffffffff);
		KUNIT_EXPECT_EQ_MSG(test, 1u,
				    cmdqv_model_violations(m, buf, REPORT_LEN),
				    "off %#x", offs[i]);
		KUNIT_EXPECT_EQ_MSG(test, before, rd(m, offs[i]), "off %#x",
				    offs[i]);
		cmdqv_model_clear_violations(m);
	}
	KUNIT_EXPECT_EQ_MSG(test, 0u, cmdqv_model_check(m, buf, REPORT_LEN),
			    "%s", buf);
}

static void model_reset_like_612(struct kunit *test)
{
	struct cmdqv_model *m = model(test);
	char *buf = report(test);
	u16 l;

	hand_vintf_init(m, 1, 9);
	wr(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_REPLACE(0), 0x10);
	wr(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_MATCH(0),
	   FIELD_PREP(VCMDQV_VINTF_SID_MATCH_VIRT_SID, 0x20) |
	   VCMDQV_VINTF_SID_MATCH_ENABLE);
	hand_queue_init(m, 1, 0, 0x40000005);
	cmdqv_model_expect_vintf(m, 1, 9);
	cmdqv_model_expect_sid(m, 1, 0x20, 0x10);
	cmdqv_model_expect_queue(m, 1, 0, 0x40000005);
	KUNIT_EXPECT_EQ_MSG(test, 0u, cmdqv_model_check(m, buf, REPORT_LEN),
			    "%s", buf);

	cmdqv_model_reset(m);
	KUNIT_EXPECT_EQ(test, 0u, violations(m));
	KUNIT_EXPECT_EQ(test, 0u, rd(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_CONFIG));
	KUNIT_EXPECT_EQ(test, 0u,
			rd(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_MATCH(0)));
	KUNIT_EXPECT_EQ(test, alloc_val(1, 1, true),
			rd(m, VCMDQV_CMDQ_ALLOC(3)));
	KUNIT_EXPECT_EQ(test, VCMDQV_VINTF_ENABLED,
			rd(m, VCMDQV_VINTF(0) + VCMDQV_VINTF_STATUS));
	/* not re-applied: the checker says what is missing */
	KUNIT_EXPECT_GE(test, cmdqv_model_check(m, buf, REPORT_LEN), 3u);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "VINTF1: not enabled"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "vSID 0x20"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "BASE"));

	/* re-applied as the backend must: all of it comes back */
	hand_vintf_init(m, 1, 9);
	wr(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_REPLACE(2), 0x10);
	wr(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_MATCH(2),
	   FIELD_PREP(VCMDQV_VINTF_SID_MATCH_VIRT_SID, 0x20) |
	   VCMDQV_VINTF_SID_MATCH_ENABLE);
	hand_queue_init(m, 1, 0, 0x40000005);
	KUNIT_EXPECT_EQ_MSG(test, 0u, cmdqv_model_check(m, buf, REPORT_LEN),
			    "%s", buf);
	for (l = 0; l < 2; l++)
		KUNIT_EXPECT_EQ(test, VCMDQV_VCMDQ_ENABLED,
				rd(m, VCMDQV_VCMDQ_PAGE0(l) +
				   VCMDQV_VCMDQ_STATUS));
}

static void model_error_injection(struct kunit *test)
{
	struct cmdqv_model *m = model(test);
	char *buf = report(test);
	u32 p0 = VCMDQV_LVCMDQ_PAGE0(1, 1), ge;

	hand_vintf_init(m, 1, 1);
	KUNIT_EXPECT_EQ(test, -ENOENT, cmdqv_model_inject_error(m, 1, 1, 1));
	hand_queue_init(m, 1, 0, 0x40000005);
	hand_queue_init(m, 1, 1, 0x40010005);
	KUNIT_ASSERT_EQ(test, 0, cmdqv_model_inject_error(m, 1, 1, BIT(0)));
	KUNIT_EXPECT_EQ(test, (u32)BIT(1), rd(m, VCMDQV_VINTF_ERR_MAP));
	KUNIT_EXPECT_EQ(test, (u32)BIT(3), rd(m, VCMDQV_CMDQ_ERR_MAP(0)));
	KUNIT_EXPECT_EQ(test, (u64)BIT(1),
			cmdqv_model_io.read64(m, VCMDQV_VINTF(1) +
					      VCMDQV_VINTF_LVCMDQ_ERR_MAP_64(0)));
	KUNIT_EXPECT_EQ(test, 0ull,
			cmdqv_model_io.read64(m, VCMDQV_VINTF(1) +
					      VCMDQV_VINTF_LVCMDQ_ERR_MAP_64(1)));
	ge = rd(m, p0 + VCMDQV_VCMDQ_GERROR);
	KUNIT_EXPECT_EQ(test, (u32)BIT(0),
			ge ^ rd(m, p0 + VCMDQV_VCMDQ_GERRORN));
	/* the guest acknowledges: the maps clear */
	wr(m, p0 + VCMDQV_VCMDQ_GERRORN, ge);
	KUNIT_EXPECT_EQ(test, 0u, rd(m, VCMDQV_VINTF_ERR_MAP));
	KUNIT_EXPECT_EQ(test, 0u, rd(m, VCMDQV_CMDQ_ERR_MAP(0)));
	KUNIT_EXPECT_EQ(test, 0ull,
			cmdqv_model_io.read64(m, VCMDQV_VINTF(1) +
					      VCMDQV_VINTF_LVCMDQ_ERR_MAP_64(0)));
	KUNIT_EXPECT_EQ_MSG(test, 0u, cmdqv_model_violations(m, buf, REPORT_LEN),
			    "%s", buf);
}

static void model_checker_sees_each_wrong_state(struct kunit *test)
{
	struct cmdqv_model *m = model(test);
	char *buf = report(test);
	u32 match = FIELD_PREP(VCMDQV_VINTF_SID_MATCH_VIRT_SID, 0x20) |
		    VCMDQV_VINTF_SID_MATCH_ENABLE;

	hand_vintf_init(m, 1, 9);
	cmdqv_model_expect_vintf(m, 1, 9);
	wr(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_REPLACE(1), 0x10);
	wr(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_MATCH(1), match);
	cmdqv_model_expect_sid(m, 1, 0x20, 0x10);
	hand_queue_init(m, 1, 0, 0x40000005);
	cmdqv_model_expect_queue(m, 1, 0, 0x40000005);
	KUNIT_ASSERT_EQ_MSG(test, 0u, cmdqv_model_check(m, buf, REPORT_LEN),
			    "%s", buf);

	/* a destroyed vDEVICE whose slot stayed */
	cmdqv_model_forget_sid(m, 1, 0x20);
	KUNIT_EXPECT_EQ(test, 1u, cmdqv_model_check(m, buf, REPORT_LEN));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "slot 1 not cleared"));
	wr(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_MATCH(1), 0);
	wr(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_REPLACE(1), 0);
	KUNIT_EXPECT_EQ(test, 0u, cmdqv_model_check(m, buf, REPORT_LEN));

	/* a wrong BASE, then a destroyed queue still mapped */
	cmdqv_model_expect_queue(m, 1, 0, 0x50000005);
	KUNIT_EXPECT_EQ(test, 1u, cmdqv_model_check(m, buf, REPORT_LEN));
	cmdqv_model_forget_queue(m, 1, 0);
	KUNIT_EXPECT_GE(test, cmdqv_model_check(m, buf, REPORT_LEN), 2u);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "still mapped"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "not zero"));
	hand_queue_deinit(m, 1, 0);
	KUNIT_EXPECT_EQ_MSG(test, 0u, cmdqv_model_check(m, buf, REPORT_LEN),
			    "%s", buf);

	/* HYP_OWN and VMID */
	wr(m, VCMDQV_VINTF(1) + VCMDQV_VINTF_CONFIG,
	   FIELD_PREP(VCMDQV_VINTF_VMID, 8) | VCMDQV_VINTF_HYP_OWN |
	   VCMDQV_VINTF_EN);
	KUNIT_EXPECT_EQ(test, 2u, cmdqv_model_check(m, buf, REPORT_LEN));

	/* a dead VINTF left enabled */
	cmdqv_model_forget_vintf(m, 1);
	KUNIT_EXPECT_EQ(test, 1u, cmdqv_model_check(m, buf, REPORT_LEN));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "dead but enabled"));
	hand_vintf_deinit(m, 1);
	KUNIT_EXPECT_EQ_MSG(test, 0u, cmdqv_model_check(m, buf, REPORT_LEN),
			    "%s", buf);

	/* a recorded violation fails the check too */
	wr(m, VCMDQV_PARAM, 0);
	KUNIT_EXPECT_EQ(test, 1u, cmdqv_model_check(m, buf, REPORT_LEN));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "read-only"));
}

static void model_mutation_knob(struct kunit *test)
{
	struct cmdqv_model *m = model(test);
	u32 sm = VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_MATCH(0);
	u32 sr = VCMDQV_VINTF(1) + VCMDQV_VINTF_SID_REPLACE(0);
	char *buf = report(test);

	hand_vintf_init(m, 1, 1);
	cmdqv_model_expect_vintf(m, 1, 1);
	/* the 2nd write from now is lost, the others land */
	cmdqv_model_drop_nth(m, 2);
	wr(m, sr, 1);
	wr(m, sm, 2);
	wr(m, sr, 3);
	KUNIT_EXPECT_EQ(test, 3u, rd(m, sr));
	KUNIT_EXPECT_EQ(test, 0u, rd(m, sm));
	KUNIT_EXPECT_EQ(test, 1ul, m->nr_dropped);
	/* every write to one offset */
	cmdqv_model_drop_offset(m, sm);
	wr(m, sm, 4);
	cmdqv_model_io.write64(m, sm, 5);
	KUNIT_EXPECT_EQ(test, 0u, rd(m, sm));
	KUNIT_EXPECT_EQ(test, 3ul, m->nr_dropped);
	wr(m, sr, 0);
	KUNIT_EXPECT_EQ(test, 0u, rd(m, sr));
	/* a dropped clear shows in the check */
	cmdqv_model_drop_none(m);
	wr(m, sr, 0x10);
	wr(m, sm, 0x41);
	cmdqv_model_drop_offset(m, sm);
	wr(m, sm, 0);
	wr(m, sr, 0);
	KUNIT_EXPECT_EQ(test, 1u, cmdqv_model_check(m, buf, REPORT_LEN));
	cmdqv_model_drop_none(m);
	wr(m, sm, 0);
	KUNIT_EXPECT_EQ_MSG(test, 0u, cmdqv_model_check(m, buf, REPORT_LEN),
			    "%s", buf);
}

/* Upstream flushes a stopped guest queue's timeouts before unmapping it */
static void model_unmap_needs_sync_after_disable(struct kunit *test)
{
	struct cmdqv_model *m = model(test);
	char *buf = report(test);
	u32 p0 = VCMDQV_LVCMDQ_PAGE0(1, 0);

	hand_vintf_init(m, 1, 1);
	hand_queue_init(m, 1, 0, 0x40000005);
	wr(m, p0 + VCMDQV_VCMDQ_CONFIG, VCMDQV_VCMDQ_EN);
	wr(m, p0 + VCMDQV_VCMDQ_CONFIG, 0);
	wr(m, VCMDQV_CMDQ_ALLOC(2), alloc_val(1, 0, false));
	KUNIT_EXPECT_EQ(test, 1u, cmdqv_model_violations(m, buf, REPORT_LEN));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "CMD_SYNC"));
	cmdqv_model_clear_violations(m);

	hand_queue_init(m, 1, 0, 0x40000005);
	wr(m, p0 + VCMDQV_VCMDQ_CONFIG, VCMDQV_VCMDQ_EN);
	wr(m, p0 + VCMDQV_VCMDQ_CONFIG, 0);
	cmdqv_model_io.synced(m);
	KUNIT_EXPECT_EQ(test, 1ul, m->nr_syncs);
	wr(m, VCMDQV_CMDQ_ALLOC(2), alloc_val(1, 0, false));
	/* never enabled, nothing to flush */
	hand_queue_init(m, 1, 0, 0x40000005);
	wr(m, p0 + VCMDQV_VCMDQ_CONFIG, 0);
	wr(m, VCMDQV_CMDQ_ALLOC(2), alloc_val(1, 0, false));
	KUNIT_EXPECT_EQ_MSG(test, 0u, cmdqv_model_violations(m, buf, REPORT_LEN),
			    "%s", buf);
}

static struct kunit_case cmdqv_model_test_cases[] = {
	KUNIT_CASE(model_param_and_reset_state),
	KUNIT_CASE(model_enable_sets_status),
	KUNIT_CASE(model_map_order_rules),
	KUNIT_CASE(model_unmapped_access_recorded),
	KUNIT_CASE(model_queue_moves_with_mapping),
	KUNIT_CASE(model_vintf0_writes_recorded),
	KUNIT_CASE(model_read_only_and_undecoded),
	KUNIT_CASE(model_reset_like_612),
	KUNIT_CASE(model_error_injection),
	KUNIT_CASE(model_unmap_needs_sync_after_disable),
	KUNIT_CASE(model_checker_sees_each_wrong_state),
	KUNIT_CASE(model_mutation_knob),
	{}
};

static struct kunit_suite cmdqv_model_test_suite = {
	.name = "viommu_cmdqv_model",
	.test_cases = cmdqv_model_test_cases,
};

kunit_test_suites(&cmdqv_model_test_suite);
