// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the ioctl dispatcher: table lookup, the extensible-struct
 * size rules and the bind gate, run on a test-only op table and on the real
 * one, through real user memory.
 */
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/uaccess.h>

#include "test_util.h"

struct viommu_dispatch_cmd {
	__u32 size;
	__u32 a;
	__u64 b;
	__u32 opt;	/* optional: past min_size */
	__u32 __reserved;
};

#define VIOMMU_TEST_BOUND _IO(VIOMMU_TYPE, 0x80)
#define VIOMMU_TEST_HOLE _IO(VIOMMU_TYPE, 0x81)
#define VIOMMU_TEST_UNBOUND _IO(VIOMMU_TYPE, 0x82)

/* What the last executed op saw; the test's priv points here. */
struct viommu_test_state {
	unsigned int calls;
	struct viommu_dispatch_cmd seen;
	u32 user_size;
	int ret;
};

static struct viommu_test_state *viommu_test_state(void)
{
	return kunit_get_current_test()->priv;
}

static int viommu_test_execute(struct viommu_ucmd *ucmd)
{
	struct viommu_test_state *st = viommu_test_state();

	st->calls++;
	st->seen = *(struct viommu_dispatch_cmd *)ucmd->cmd;
	st->user_size = ucmd->user_size;
	return st->ret;
}

static const struct viommu_ioctl_op viommu_test_ops[] = {
	VIOMMU_IOCTL_OP(VIOMMU_TEST_BOUND, viommu_test_execute,
			struct viommu_dispatch_cmd, b, false),
	VIOMMU_IOCTL_OP(VIOMMU_TEST_UNBOUND, viommu_test_execute,
			struct viommu_dispatch_cmd, b, true),
};

static const struct viommu_ioctl_table viommu_test_table = {
	.ops = viommu_test_ops,
	.nr_ops = ARRAY_SIZE(viommu_test_ops),
};

struct viommu_dispatch_fixture {
	struct viommu_test_state state;
	struct viommu_ctx *ctx;
	void __user *page;
};

static int viommu_dispatch_test_init(struct kunit *test)
{
	struct viommu_dispatch_fixture *fx;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	if (!fx)
		return -ENOMEM;
	test->priv = &fx->state;
	fx->ctx = viommu_test_ctx(test);
	fx->page = viommu_test_user_page(test);
	return 0;
}

static struct viommu_dispatch_fixture *fixture(struct kunit *test)
{
	return container_of(test->priv, struct viommu_dispatch_fixture, state);
}

/* Put @len bytes of @data at @off in the user page; return its address. */
static void __user *put_user_bytes(struct kunit *test, size_t off,
				   const void *data, size_t len)
{
	void __user *dst = fixture(test)->page + off;

	KUNIT_ASSERT_LE(test, off + len, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(dst, data, len));
	return dst;
}

static long dispatch(struct kunit *test, unsigned int cmd, void __user *arg)
{
	return viommu_dispatch(&viommu_test_table, fixture(test)->ctx, cmd,
			       arg);
}

/* A full, valid command for the unbound-allowed op, in user memory. */
static void __user *valid_cmd(struct kunit *test, u32 size)
{
	u8 raw[64] = {};
	struct viommu_dispatch_cmd *cmd = (void *)raw;

	cmd->size = size;
	cmd->a = 0x11223344;
	cmd->b = 0x5566778899aabbccULL;
	cmd->opt = 0xfeedf00d;
	return put_user_bytes(test, 0, raw, sizeof(raw));
}

static void dispatch_unknown_command_is_enotty(struct kunit *test)
{
	static const unsigned int cmds[] = {
		_IO(VIOMMU_TYPE, VIOMMU_CMD_BASE - 1),	/* below the table */
		_IO(VIOMMU_TYPE, 0x83),			/* past its end */
		VIOMMU_TEST_HOLE,			/* hole in it */
		_IOW(VIOMMU_TYPE, 0x82, __u32),		/* direction bits */
		_IO('x', 0x82),				/* other type */
		_IO(VIOMMU_TYPE, 0xff),
	};
	void __user *arg = valid_cmd(test, sizeof(struct viommu_dispatch_cmd));
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		KUNIT_EXPECT_EQ_MSG(test, -ENOTTY, dispatch(test, cmds[i], arg),
				    "cmd %#x", cmds[i]);
	KUNIT_EXPECT_EQ(test, 0, viommu_test_state()->calls);
}

/* As upstream: a number in the table's range reads the size first. */
static void dispatch_in_range_unreadable_is_efault(struct kunit *test)
{
	static const unsigned int in_range[] = {
		VIOMMU_TEST_HOLE, _IOW(VIOMMU_TYPE, 0x82, __u32),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(in_range); i++)
		KUNIT_EXPECT_EQ_MSG(test, -EFAULT,
				    dispatch(test, in_range[i], NULL),
				    "cmd %#x", in_range[i]);
	KUNIT_EXPECT_EQ(test, -ENOTTY,
			dispatch(test, _IO(VIOMMU_TYPE, 0x83), NULL));
	KUNIT_EXPECT_EQ(test, 0, viommu_test_state()->calls);
}

static void dispatch_size_below_min_is_einval(struct kunit *test)
{
	static const u32 sizes[] = { 0, 4, 8, 15 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    dispatch(test, VIOMMU_TEST_UNBOUND,
					     valid_cmd(test, sizes[i])),
				    "size %u", sizes[i]);
	KUNIT_EXPECT_EQ(test, 0, viommu_test_state()->calls);
}

static void dispatch_min_size_zero_extends(struct kunit *test)
{
	struct viommu_test_state *st = viommu_test_state();

	/* opt lies past the 16 bytes userspace claims: the op sees zero. */
	KUNIT_ASSERT_EQ(test, 0,
			dispatch(test, VIOMMU_TEST_UNBOUND, valid_cmd(test, 16)));
	KUNIT_ASSERT_EQ(test, 1, st->calls);
	KUNIT_EXPECT_EQ(test, 16, st->user_size);
	KUNIT_EXPECT_EQ(test, 16, st->seen.size);
	KUNIT_EXPECT_EQ(test, 0x11223344, st->seen.a);
	KUNIT_EXPECT_EQ(test, 0x5566778899aabbccULL, st->seen.b);
	KUNIT_EXPECT_EQ(test, 0, st->seen.opt);
}

static void dispatch_exact_size_copies_all(struct kunit *test)
{
	struct viommu_test_state *st = viommu_test_state();

	KUNIT_ASSERT_EQ(test, 0,
			dispatch(test, VIOMMU_TEST_UNBOUND,
				 valid_cmd(test, sizeof(struct viommu_dispatch_cmd))));
	KUNIT_EXPECT_EQ(test, 0xfeedf00d, st->seen.opt);
}

static void dispatch_zero_tail_is_accepted(struct kunit *test)
{
	struct viommu_test_state *st = viommu_test_state();

	KUNIT_ASSERT_EQ(test, 0,
			dispatch(test, VIOMMU_TEST_UNBOUND, valid_cmd(test, 64)));
	KUNIT_EXPECT_EQ(test, 64, st->user_size);
	KUNIT_EXPECT_EQ(test, 0xfeedf00d, st->seen.opt);
}

static void dispatch_nonzero_tail_is_e2big(struct kunit *test)
{
	u8 one = 1;

	valid_cmd(test, 64);
	put_user_bytes(test, 63, &one, 1);
	KUNIT_EXPECT_EQ(test, -E2BIG,
			dispatch(test, VIOMMU_TEST_UNBOUND, fixture(test)->page));
	KUNIT_EXPECT_EQ(test, 0, viommu_test_state()->calls);
}

static void dispatch_unreadable_is_efault(struct kunit *test)
{
	u32 size = sizeof(struct viommu_dispatch_cmd);

	KUNIT_EXPECT_EQ(test, -EFAULT,
			dispatch(test, VIOMMU_TEST_UNBOUND, NULL));
	/* The size is readable, the rest runs off the end of the mapping. */
	KUNIT_EXPECT_EQ(test, -EFAULT,
			dispatch(test, VIOMMU_TEST_UNBOUND,
				 put_user_bytes(test, PAGE_SIZE - 4, &size, 4)));
	KUNIT_EXPECT_EQ(test, 0, viommu_test_state()->calls);
}

static void dispatch_unbound_is_ebadfd(struct kunit *test)
{
	void __user *arg = valid_cmd(test, sizeof(struct viommu_dispatch_cmd));

	KUNIT_EXPECT_EQ(test, -EBADFD, dispatch(test, VIOMMU_TEST_BOUND, arg));
	KUNIT_EXPECT_EQ(test, 0, viommu_test_state()->calls);
	/* Size errors still win over the bind gate. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			dispatch(test, VIOMMU_TEST_BOUND, valid_cmd(test, 4)));
}

static void dispatch_bound_runs_op(struct kunit *test)
{
	struct viommu_test_state *st = viommu_test_state();
	struct file *file = viommu_test_open_iommufd(test);
	struct iommufd_ctx *ictx = iommufd_ctx_from_file(file);
	void __user *arg = valid_cmd(test, sizeof(struct viommu_dispatch_cmd));

	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx));
	KUNIT_ASSERT_EQ(test, 0, viommu_ctx_bind(fixture(test)->ctx, ictx));

	st->ret = -EOPNOTSUPP;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			dispatch(test, VIOMMU_TEST_BOUND, arg));
	st->ret = 0;
	KUNIT_EXPECT_EQ(test, 0, dispatch(test, VIOMMU_TEST_BOUND, arg));
	KUNIT_EXPECT_EQ(test, 2, st->calls);
}

static void dispatch_real_table_rules(struct kunit *test)
{
	struct viommu_ctx *ctx = fixture(test)->ctx;
	struct viommu_bind_iommufd bind = {
		.size = sizeof(bind),
		.iommufd_fd = -1,
	};
	void __user *arg = put_user_bytes(test, 0, &bind, sizeof(bind));

	KUNIT_EXPECT_EQ(test, -ENOTTY,
			viommu_ioctl(ctx, _IO(VIOMMU_TYPE, 0xc1), arg));
	KUNIT_EXPECT_EQ(test, -EBADF,
			viommu_ioctl(ctx, VIOMMU_BIND_IOMMUFD, arg));
	bind.size = 4;
	arg = put_user_bytes(test, 0, &bind, sizeof(bind));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_ioctl(ctx, VIOMMU_BIND_IOMMUFD, arg));
	KUNIT_EXPECT_NULL(test, viommu_ctx_ictx(ctx));
}

static struct kunit_case viommu_dispatch_test_cases[] = {
	KUNIT_CASE(dispatch_unknown_command_is_enotty),
	KUNIT_CASE(dispatch_in_range_unreadable_is_efault),
	KUNIT_CASE(dispatch_size_below_min_is_einval),
	KUNIT_CASE(dispatch_min_size_zero_extends),
	KUNIT_CASE(dispatch_exact_size_copies_all),
	KUNIT_CASE(dispatch_zero_tail_is_accepted),
	KUNIT_CASE(dispatch_nonzero_tail_is_e2big),
	KUNIT_CASE(dispatch_unreadable_is_efault),
	KUNIT_CASE(dispatch_unbound_is_ebadfd),
	KUNIT_CASE(dispatch_bound_runs_op),
	KUNIT_CASE(dispatch_real_table_rules),
	{}
};

static struct kunit_suite viommu_dispatch_test_suite = {
	.name = "viommu-dispatch",
	.init = viommu_dispatch_test_init,
	.test_cases = viommu_dispatch_test_cases,
};

kunit_test_suites(&viommu_dispatch_test_suite);

MODULE_DESCRIPTION("KUnit suites for viommu");
MODULE_LICENSE("GPL");
VIOMMU_IMPORT_NS("IOMMUFD");
VIOMMU_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
