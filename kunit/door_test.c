// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the /dev/iommu door: which numbers it claims, and, on a
 * real /dev/iommu file of the test VM, that the file gets the door, that
 * the stock iommufd still takes it as its own, and that a door section
 * leaves the file's pins alone.
 */
#include <kunit/test.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommufd.h>
#include <uapi/linux/iommufd.h>

#include "core.h"
#include "../door/door.h"
#include "shim.h"
#include "test_util.h"

/* The decision for @nr, a plain _IO(';', nr), with the id/flags given. */
static bool door_claims(unsigned int nr, u32 value, bool test_ours)
{
	unsigned int cmd = _IO(VIOMMU_TYPE, nr);
	int off = viommu_door_route(cmd, test_ours);

	if (off == VIOMMU_DOOR_OURS)
		return true;
	if (off == VIOMMU_DOOR_STOCK)
		return false;
	return viommu_door_route_value(cmd, value);
}

static void route_only_viommu_numbers_are_claimed(struct kunit *test)
{
	unsigned int nr;

	for (nr = 0; nr < 256; nr++) {
		bool ours = nr == 0x90 || nr == 0x91 || nr == 0x93 ||
			    nr == 0x94;
		bool shared = nr == 0x80 || nr == 0x89 || nr == 0x8a ||
			      nr == 0x8d;

		/* A value no shared number claims: id 0, no flags. */
		KUNIT_EXPECT_EQ_MSG(test, door_claims(nr, 0, false), ours,
				    "nr 0x%x", nr);
		KUNIT_EXPECT_EQ_MSG(test, door_claims(nr, 0, true),
				    ours || nr == 0xa0, "nr 0x%x", nr);
		if (shared)
			KUNIT_EXPECT_GE(test, viommu_door_route(_IO(';', nr), true), 0);
	}
}

static void route_other_type_or_size_bits_go_stock(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, viommu_door_route(_IO('x', 0x90), true),
			VIOMMU_DOOR_STOCK);
	KUNIT_EXPECT_EQ(test, viommu_door_route(_IOW(';', 0x90, u32), true),
			VIOMMU_DOOR_STOCK);
	KUNIT_EXPECT_EQ(test, viommu_door_route(_IOR(';', 0xa0, u64), true),
			VIOMMU_DOOR_STOCK);
	/* The same number as IOMMU_VIOMMU_ALLOC in the stock uAPI. */
	KUNIT_EXPECT_EQ(test, viommu_door_route(_IO(IOMMUFD_TYPE, 0x90), false),
			VIOMMU_DOOR_OURS);
}

static void route_shared_numbers_decide_on_the_id(struct kunit *test)
{
	static const unsigned int by_id[] = { 0x80, 0x89, 0x8d };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(by_id); i++) {
		unsigned int cmd = _IO(';', by_id[i]);

		KUNIT_EXPECT_FALSE(test, viommu_door_route_value(cmd, 0));
		KUNIT_EXPECT_FALSE(test, viommu_door_route_value(cmd, 1));
		KUNIT_EXPECT_FALSE(test, viommu_door_route_value(cmd, 0x7fffffff));
		KUNIT_EXPECT_TRUE(test, viommu_door_route_value(cmd, VIOMMU_ID_MIN));
		KUNIT_EXPECT_TRUE(test, viommu_door_route_value(cmd, VIOMMU_ID_MAX));
		KUNIT_EXPECT_TRUE(test, viommu_door_route_value(cmd, 0xffffffff));
	}
	/* The field sits where the uAPI puts it. */
	KUNIT_EXPECT_EQ(test, viommu_door_route(IOMMU_DESTROY, false),
			(int)offsetof(struct iommu_destroy, id));
	KUNIT_EXPECT_EQ(test, viommu_door_route(IOMMU_HWPT_ALLOC, false),
			(int)offsetof(struct iommu_hwpt_alloc, pt_id));
	KUNIT_EXPECT_EQ(test, viommu_door_route(IOMMU_HWPT_INVALIDATE, false),
			(int)offsetof(struct iommu_hwpt_invalidate, hwpt_id));
	KUNIT_EXPECT_EQ(test, viommu_door_route(IOMMU_GET_HW_INFO, false),
			(int)offsetof(struct iommu_hw_info, flags));
}

static void route_hw_info_by_input_type_flag(struct kunit *test)
{
	unsigned int cmd = IOMMU_GET_HW_INFO;

	KUNIT_EXPECT_FALSE(test, viommu_door_route_value(cmd, 0));
	KUNIT_EXPECT_TRUE(test, viommu_door_route_value(cmd, 1));
	KUNIT_EXPECT_FALSE(test, viommu_door_route_value(cmd, 2));
	KUNIT_EXPECT_TRUE(test, viommu_door_route_value(cmd, 3));
	/* An id-sized value is not an id here. */
	KUNIT_EXPECT_FALSE(test, viommu_door_route_value(cmd, VIOMMU_ID_MIN));
}

/* A /dev/iommu file of the VM; skips unless it got the door. */
static struct file *door_file(struct kunit *test)
{
	struct file *file;

	if (!viommu_shim_ready())
		kunit_skip(test, "the stock iommufd shim is off");
	file = viommu_test_open_iommufd(test);
	if (!viommu_door_file_ctx(file))
		kunit_skip(test, "the /dev/iommu door is off (stock_door_ready=N)");
	return file;
}

static void live_open_gives_a_bound_door_context(struct kunit *test)
{
	struct file *file = door_file(test);
	struct viommu_ctx *ctx = viommu_door_file_ctx(file);

	KUNIT_EXPECT_TRUE(test, ctx->door);
	KUNIT_EXPECT_PTR_EQ(test, ctx->file, file);
	/* The stock open left its context where every stock function reads it. */
	KUNIT_EXPECT_PTR_EQ(test, viommu_ctx_ictx(ctx),
			    (struct iommufd_ctx *)file->private_data);
	/* The door's fops: mmap, and the file pins viommu.ko. */
	KUNIT_EXPECT_NOT_NULL(test, file->f_op->mmap);
	KUNIT_ASSERT_NOT_NULL(test, file->f_op->owner);
	KUNIT_EXPECT_STREQ(test, file->f_op->owner->name, "viommu");
}

static void live_stock_takes_a_door_file_as_its_own(struct kunit *test)
{
	struct file *file = door_file(test);
	long count = file_count(file);
	struct iommufd_ctx *ictx;

	/* VFIO's bind and set_container ask exactly this. */
	ictx = iommufd_ctx_from_file(file);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx));
	KUNIT_EXPECT_PTR_EQ(test, ictx, (struct iommufd_ctx *)file->private_data);
	KUNIT_EXPECT_EQ(test, file_count(file), count + 1);
	iommufd_ctx_put(ictx);
	KUNIT_EXPECT_EQ(test, file_count(file), count);
}

static void live_unpinned_section_skips_only_its_context(struct kunit *test)
{
	struct file *file = door_file(test);
	struct file *other = viommu_test_open_iommufd(test);
	struct iommufd_ctx *ictx = file->private_data;
	struct iommufd_ctx *other_ictx = other->private_data;
	struct viommu_shim_unpinned u;
	long count = file_count(file);
	long other_count = file_count(other);

	viommu_shim_unpinned_begin(&u, ictx);
	iommufd_ctx_get(ictx);
	KUNIT_EXPECT_EQ(test, file_count(file), count);
	iommufd_ctx_get(other_ictx);
	KUNIT_EXPECT_EQ(test, file_count(other), other_count + 1);
	iommufd_ctx_put(other_ictx);
	iommufd_ctx_put(ictx);
	viommu_shim_unpinned_end(&u);
	KUNIT_EXPECT_EQ(test, file_count(file), count);
	KUNIT_EXPECT_EQ(test, file_count(other), other_count);

	/* Outside the section the pins are real again. */
	iommufd_ctx_get(ictx);
	KUNIT_EXPECT_EQ(test, file_count(file), count + 1);
	iommufd_ctx_put(ictx);
	KUNIT_EXPECT_EQ(test, file_count(file), count);
}

static void live_pinned_put_is_real_inside_a_section(struct kunit *test)
{
	struct file *file = door_file(test);
	struct iommufd_ctx *ictx = file->private_data;
	struct viommu_shim_unpinned u;
	long count = file_count(file);

	/* A /dev/viommu context bound to the file took this pin. */
	iommufd_ctx_get(ictx);
	KUNIT_ASSERT_EQ(test, file_count(file), count + 1);
	/* Its last put may come from a door ioctl of that same file. */
	viommu_shim_unpinned_begin(&u, ictx);
	viommu_shim_ctx_put_pinned(ictx);
	viommu_shim_unpinned_end(&u);
	KUNIT_EXPECT_EQ(test, file_count(file), count);
}

static struct kunit_case door_test_cases[] = {
	KUNIT_CASE(route_only_viommu_numbers_are_claimed),
	KUNIT_CASE(route_other_type_or_size_bits_go_stock),
	KUNIT_CASE(route_shared_numbers_decide_on_the_id),
	KUNIT_CASE(route_hw_info_by_input_type_flag),
	KUNIT_CASE(live_open_gives_a_bound_door_context),
	KUNIT_CASE(live_stock_takes_a_door_file_as_its_own),
	KUNIT_CASE(live_unpinned_section_skips_only_its_context),
	KUNIT_CASE(live_pinned_put_is_real_inside_a_section),
	{}
};

static struct kunit_suite door_test_suite = {
	.name = "viommu-door",
	.test_cases = door_test_cases,
};

kunit_test_suites(&door_test_suite);
