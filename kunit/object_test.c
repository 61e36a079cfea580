// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the object table: id range, publish/abort, lookups by
 * type, the users rule of destroy and the leaf-first teardown on close.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "test_util.h"

struct object_test_obj {
	struct viommu_object obj;
	struct viommu_object *pinned;	/* dropped on destroy */
	unsigned int *destroyed;
};

static void object_test_destroy(struct viommu_object *obj)
{
	struct object_test_obj *t = container_of(obj, struct object_test_obj, obj);

	if (t->pinned)
		refcount_dec(&t->pinned->users);
	(*t->destroyed)++;
}

static const struct viommu_object_ops object_test_ops = {
	.owner = THIS_MODULE,
	.destroy = object_test_destroy,
};

static struct object_test_obj *object_test_new(struct kunit *test,
					       struct viommu_ctx *ctx,
					       unsigned int *destroyed)
{
	struct viommu_object *obj;
	struct object_test_obj *t;

	obj = viommu_driver_object_alloc(ctx, sizeof(*t), &object_test_ops);
	KUNIT_ASSERT_FALSE(test, IS_ERR(obj));
	t = container_of(obj, struct object_test_obj, obj);
	t->destroyed = destroyed;
	return t;
}

static void object_ids_are_outside_stock_range(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	unsigned int destroyed = 0;
	struct object_test_obj *a, *b;

	a = object_test_new(test, ctx, &destroyed);
	b = object_test_new(test, ctx, &destroyed);
	KUNIT_EXPECT_GE(test, a->obj.id, VIOMMU_ID_MIN);
	KUNIT_EXPECT_GE(test, b->obj.id, VIOMMU_ID_MIN);
	KUNIT_EXPECT_NE(test, a->obj.id, b->obj.id);
	viommu_driver_object_finalize(ctx, &a->obj);
	viommu_driver_object_finalize(ctx, &b->obj);
}

static void object_unpublished_is_invisible(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	unsigned int destroyed = 0;
	struct object_test_obj *t;
	struct viommu_object *got;
	u32 id;

	t = object_test_new(test, ctx, &destroyed);
	id = t->obj.id;
	KUNIT_EXPECT_EQ(test, -ENOENT,
			PTR_ERR(viommu_get_object(ctx, id, VIOMMU_OBJ_NONE)));
	KUNIT_EXPECT_EQ(test, -ENOENT, viommu_object_remove(ctx, NULL, id));

	viommu_driver_object_abort(ctx, &t->obj);
	KUNIT_EXPECT_EQ(test, 0U, destroyed);
	KUNIT_EXPECT_TRUE(test, xa_empty(&ctx->objects));

	t = object_test_new(test, ctx, &destroyed);
	viommu_driver_object_finalize(ctx, &t->obj);
	got = viommu_get_object(ctx, t->obj.id, VIOMMU_OBJ_NONE);
	KUNIT_ASSERT_PTR_EQ(test, got, &t->obj);
	viommu_put_object(ctx, got);
}

static void object_lookup_checks_type(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	unsigned int destroyed = 0;
	struct object_test_obj *t;
	struct viommu_object *got;

	t = object_test_new(test, ctx, &destroyed);
	viommu_driver_object_finalize(ctx, &t->obj);

	KUNIT_EXPECT_EQ(test, -ENOENT,
			PTR_ERR(viommu_get_object(ctx, t->obj.id,
						  VIOMMU_OBJ_VIOMMU)));
	got = viommu_get_object(ctx, t->obj.id, VIOMMU_OBJ_DRIVER);
	KUNIT_ASSERT_FALSE(test, IS_ERR(got));
	KUNIT_EXPECT_EQ(test, 2U, refcount_read(&got->users));
	viommu_put_object(ctx, got);
	KUNIT_EXPECT_EQ(test, 1U, refcount_read(&t->obj.users));

	/* Drivers only ever find their own objects. */
	KUNIT_EXPECT_EQ(test, -ENOENT,
			PTR_ERR(viommu_driver_object_get(ctx, t->obj.id, NULL)));
	got = viommu_driver_object_get(ctx, t->obj.id, &object_test_ops);
	KUNIT_ASSERT_FALSE(test, IS_ERR(got));
	viommu_object_put(ctx, got);
}

static void object_destroy_needs_one_user(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	unsigned int destroyed = 0;
	struct object_test_obj *parent, *child;

	parent = object_test_new(test, ctx, &destroyed);
	viommu_driver_object_finalize(ctx, &parent->obj);
	child = object_test_new(test, ctx, &destroyed);
	refcount_inc(&parent->obj.users);
	child->pinned = &parent->obj;
	viommu_driver_object_finalize(ctx, &child->obj);

	KUNIT_EXPECT_EQ(test, -EBUSY,
			viommu_object_remove(ctx, NULL, parent->obj.id));
	KUNIT_EXPECT_EQ(test, 0U, destroyed);
	KUNIT_EXPECT_EQ(test, 0, viommu_object_remove(ctx, NULL, child->obj.id));
	KUNIT_EXPECT_EQ(test, 1U, destroyed);
	KUNIT_EXPECT_EQ(test, -ENOENT,
			viommu_object_remove(ctx, NULL, child->obj.id));
	KUNIT_EXPECT_EQ(test, 0, viommu_object_remove(ctx, NULL, parent->obj.id));
	KUNIT_EXPECT_EQ(test, 2U, destroyed);
	KUNIT_EXPECT_EQ(test, -ENOENT, viommu_object_remove(ctx, NULL, 0));
}

static void object_close_destroys_leaves_first(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_ctx_alloc();
	struct object_test_obj *objs[4];
	unsigned int destroyed = 0;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	/* A chain: objs[i + 1] pins objs[i]; only the last is a leaf. */
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = object_test_new(test, ctx, &destroyed);
		if (i) {
			refcount_inc(&objs[i - 1]->obj.users);
			objs[i]->pinned = &objs[i - 1]->obj;
		}
		viommu_driver_object_finalize(ctx, &objs[i]->obj);
	}
	KUNIT_EXPECT_EQ(test, 4U, viommu_objects_destroy_leaves(ctx));
	KUNIT_EXPECT_EQ(test, 4U, destroyed);
	KUNIT_EXPECT_TRUE(test, xa_empty(&ctx->objects));
	viommu_ctx_free(ctx);
}

static void object_driver_object_pins_owner(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	unsigned int destroyed = 0, before = module_refcount(THIS_MODULE);
	struct object_test_obj *t;

	t = object_test_new(test, ctx, &destroyed);
	KUNIT_EXPECT_EQ(test, before + 1, module_refcount(THIS_MODULE));
	viommu_driver_object_finalize(ctx, &t->obj);
	KUNIT_EXPECT_EQ(test, 0, viommu_object_remove(ctx, NULL, t->obj.id));
	KUNIT_EXPECT_EQ(test, before, module_refcount(THIS_MODULE));
}

static struct kunit_case viommu_object_test_cases[] = {
	KUNIT_CASE(object_ids_are_outside_stock_range),
	KUNIT_CASE(object_unpublished_is_invisible),
	KUNIT_CASE(object_lookup_checks_type),
	KUNIT_CASE(object_destroy_needs_one_user),
	KUNIT_CASE(object_close_destroys_leaves_first),
	KUNIT_CASE(object_driver_object_pins_owner),
	{}
};

static struct kunit_suite viommu_object_test_suite = {
	.name = "viommu-object",
	.test_cases = viommu_object_test_cases,
};

kunit_test_suites(&viommu_object_test_suite);
