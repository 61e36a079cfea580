// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the life of a /dev/viommu context: binding to a real
 * stock iommufd takes exactly one reference, a second bind is refused
 * without leaking one, and freeing the context drops it.
 */
#include <kunit/test.h>
#include <linux/uaccess.h>

#include "test_util.h"

static void ctx_starts_unbound(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, viommu_ctx_ictx(viommu_test_ctx(test)));
}

static void ctx_bind_owns_one_reference(struct kunit *test)
{
	struct file *file = viommu_test_open_iommufd(test);
	long base = file_count(file);
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	struct iommufd_ctx *ictx;

	ictx = iommufd_ctx_from_file(file);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx));
	KUNIT_EXPECT_EQ(test, base + 1, file_count(file));

	KUNIT_ASSERT_EQ(test, 0, viommu_ctx_bind(ctx, ictx));
	KUNIT_EXPECT_PTR_EQ(test, ictx, viommu_ctx_ictx(ctx));
	KUNIT_EXPECT_EQ(test, base + 1, file_count(file));

	/* Freeing the context now gives the reference back. */
	kunit_release_action(test, viommu_test_ctx_free, ctx);
	KUNIT_EXPECT_EQ(test, base, file_count(file));
}

static void ctx_second_bind_is_ebusy(struct kunit *test)
{
	struct file *file1 = viommu_test_open_iommufd(test);
	struct file *file2 = viommu_test_open_iommufd(test);
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	long base2 = file_count(file2);
	struct iommufd_ctx *ictx1, *ictx2;

	ictx1 = iommufd_ctx_from_file(file1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx1));
	KUNIT_ASSERT_EQ(test, 0, viommu_ctx_bind(ctx, ictx1));

	ictx2 = iommufd_ctx_from_file(file2);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx2));
	KUNIT_EXPECT_EQ(test, -EBUSY, viommu_ctx_bind(ctx, ictx2));
	KUNIT_EXPECT_EQ(test, -EBUSY, viommu_ctx_bind(ctx, ictx1));
	KUNIT_EXPECT_PTR_EQ(test, ictx1, viommu_ctx_ictx(ctx));
	/* On EBUSY the caller keeps its reference: nothing was taken. */
	iommufd_ctx_put(ictx2);
	KUNIT_EXPECT_EQ(test, base2, file_count(file2));
}

/* Run VIOMMU_BIND_IOMMUFD on @ctx with @fd through user memory. */
static long bind_ioctl(struct kunit *test, struct viommu_ctx *ctx, int fd)
{
	struct viommu_bind_iommufd bind = {
		.size = sizeof(bind),
		.iommufd_fd = fd,
	};
	void __user *uptr = viommu_test_user_page(test);

	KUNIT_ASSERT_EQ(test, 0, copy_to_user(uptr, &bind, sizeof(bind)));
	return viommu_ioctl(ctx, VIOMMU_BIND_IOMMUFD, uptr);
}

static void ctx_bind_ioctl_bad_fd_is_ebadf(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);

	KUNIT_EXPECT_EQ(test, -EBADF, bind_ioctl(test, ctx, -1));
	KUNIT_EXPECT_EQ(test, -EBADF, bind_ioctl(test, ctx, INT_MAX));
	KUNIT_EXPECT_NULL(test, viommu_ctx_ictx(ctx));
}

static void ctx_bound_refuses_bind_before_fd_check(struct kunit *test)
{
	struct file *file = viommu_test_open_iommufd(test);
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	struct iommufd_ctx *ictx = iommufd_ctx_from_file(file);

	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx));
	KUNIT_ASSERT_EQ(test, 0, viommu_ctx_bind(ctx, ictx));
	/* A bound context says EBUSY even for an fd that is not open. */
	KUNIT_EXPECT_EQ(test, -EBUSY, bind_ioctl(test, ctx, -1));
	KUNIT_EXPECT_PTR_EQ(test, ictx, viommu_ctx_ictx(ctx));
}

static void ctx_outlives_closed_iommufd_file(struct kunit *test)
{
	struct file *file = viommu_test_open_iommufd(test);
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	struct iommufd_ctx *ictx = iommufd_ctx_from_file(file);

	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx));
	KUNIT_ASSERT_EQ(test, 0, viommu_ctx_bind(ctx, ictx));
	/* The opener's reference goes; the context's keeps the file alive. */
	kunit_release_action(test, viommu_test_fput, file);
	KUNIT_EXPECT_EQ(test, 1, file_count(file));
	KUNIT_EXPECT_PTR_EQ(test, ictx, viommu_ctx_ictx(ctx));
}

static struct kunit_case viommu_context_test_cases[] = {
	KUNIT_CASE(ctx_starts_unbound),
	KUNIT_CASE(ctx_bind_owns_one_reference),
	KUNIT_CASE(ctx_second_bind_is_ebusy),
	KUNIT_CASE(ctx_bind_ioctl_bad_fd_is_ebadf),
	KUNIT_CASE(ctx_bound_refuses_bind_before_fd_check),
	KUNIT_CASE(ctx_outlives_closed_iommufd_file),
	{}
};

static struct kunit_suite viommu_context_test_suite = {
	.name = "viommu-context",
	.test_cases = viommu_context_test_cases,
};

kunit_test_suites(&viommu_context_test_suite);
