// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the object table: id range, publish/abort, lookups by
 * type, the users rule of destroy and the leaf-first teardown on close.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include "test_util.h"

struct object_test_obj {
	struct viommu_object obj;
	struct viommu_object *pinned;	/* dropped on destroy */
};

/* Static: objects left for the test's cleanup are destroyed after it returns. */
static unsigned int object_test_destroyed;

static void object_test_destroy(struct viommu_object *obj)
{
	struct object_test_obj *t = container_of(obj, struct object_test_obj, obj);

	if (t->pinned)
		refcount_dec(&t->pinned->users);
	object_test_destroyed++;
}

static const struct viommu_object_ops object_test_ops = {
	.owner = THIS_MODULE,
	.destroy = object_test_destroy,
};

static struct object_test_obj *object_test_new(struct kunit *test,
					       struct viommu_ctx *ctx)
{
	struct viommu_object *obj;
	struct object_test_obj *t;

	obj = viommu_driver_object_alloc(ctx, sizeof(*t), &object_test_ops);
	KUNIT_ASSERT_FALSE(test, IS_ERR(obj));
	return container_of(obj, struct object_test_obj, obj);
}

static void object_ids_are_outside_stock_range(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	struct object_test_obj *a, *b;

	a = object_test_new(test, ctx);
	b = object_test_new(test, ctx);
	KUNIT_EXPECT_GE(test, a->obj.id, VIOMMU_ID_MIN);
	KUNIT_EXPECT_GE(test, b->obj.id, VIOMMU_ID_MIN);
	KUNIT_EXPECT_NE(test, a->obj.id, b->obj.id);
	viommu_driver_object_finalize(ctx, &a->obj);
	viommu_driver_object_finalize(ctx, &b->obj);
}

static void object_unpublished_is_invisible(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	struct object_test_obj *t;
	struct viommu_object *got;
	u32 id;

	t = object_test_new(test, ctx);
	id = t->obj.id;
	KUNIT_EXPECT_EQ(test, -ENOENT,
			PTR_ERR(viommu_get_object(ctx, id, VIOMMU_OBJ_NONE)));
	KUNIT_EXPECT_EQ(test, -ENOENT, viommu_object_remove(ctx, NULL, id, 0));

	viommu_driver_object_abort(ctx, &t->obj);
	KUNIT_EXPECT_EQ(test, 0U, object_test_destroyed);
	KUNIT_EXPECT_TRUE(test, viommu_objects_empty(ctx));

	t = object_test_new(test, ctx);
	viommu_driver_object_finalize(ctx, &t->obj);
	got = viommu_get_object(ctx, t->obj.id, VIOMMU_OBJ_NONE);
	KUNIT_ASSERT_PTR_EQ(test, got, &t->obj);
	viommu_put_object(ctx, got);
}

static void object_lookup_checks_type(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	struct object_test_obj *t;
	struct viommu_object *got;

	t = object_test_new(test, ctx);
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
	struct object_test_obj *parent, *child;
	u32 child_id;

	parent = object_test_new(test, ctx);
	viommu_driver_object_finalize(ctx, &parent->obj);
	child = object_test_new(test, ctx);
	refcount_inc(&parent->obj.users);
	child->pinned = &parent->obj;
	viommu_driver_object_finalize(ctx, &child->obj);

	KUNIT_EXPECT_EQ(test, -EBUSY,
			viommu_object_remove(ctx, NULL, parent->obj.id, 0));
	KUNIT_EXPECT_EQ(test, 0U, object_test_destroyed);
	child_id = child->obj.id;
	KUNIT_EXPECT_EQ(test, 0, viommu_object_remove(ctx, NULL, child_id, 0));
	KUNIT_EXPECT_EQ(test, 1U, object_test_destroyed);
	KUNIT_EXPECT_EQ(test, -ENOENT,
			viommu_object_remove(ctx, NULL, child_id, 0));
	KUNIT_EXPECT_EQ(test, 0, viommu_object_remove(ctx, NULL, parent->obj.id, 0));
	KUNIT_EXPECT_EQ(test, 2U, object_test_destroyed);
	KUNIT_EXPECT_EQ(test, -ENOENT, viommu_object_remove(ctx, NULL, 0, 0));
}

static void object_close_destroys_leaves_first(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_ctx_alloc();
	struct object_test_obj *objs[4];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	/* A chain: objs[i + 1] pins objs[i]; only the last is a leaf. */
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = object_test_new(test, ctx);
		if (i) {
			refcount_inc(&objs[i - 1]->obj.users);
			objs[i]->pinned = &objs[i - 1]->obj;
		}
		viommu_driver_object_finalize(ctx, &objs[i]->obj);
	}
	KUNIT_EXPECT_EQ(test, 4U, viommu_objects_destroy_leaves(ctx));
	KUNIT_EXPECT_EQ(test, 4U, object_test_destroyed);
	KUNIT_EXPECT_TRUE(test, viommu_objects_empty(ctx));
	viommu_ctx_free(ctx);
}

static void object_driver_object_pins_owner(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	unsigned int before = module_refcount(THIS_MODULE);
	struct object_test_obj *t;

	t = object_test_new(test, ctx);
	KUNIT_EXPECT_EQ(test, before + 1, module_refcount(THIS_MODULE));
	viommu_driver_object_finalize(ctx, &t->obj);
	KUNIT_EXPECT_EQ(test, 0, viommu_object_remove(ctx, NULL, t->obj.id, 0));
	KUNIT_EXPECT_EQ(test, before, module_refcount(THIS_MODULE));
}

static void object_tombstone_keeps_id_dead(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	struct object_test_obj *t, *next;
	u32 id;

	t = object_test_new(test, ctx);
	viommu_driver_object_finalize(ctx, &t->obj);
	id = t->obj.id;
	refcount_inc(&t->obj.users);
	KUNIT_EXPECT_EQ(test, 0,
			viommu_object_remove(ctx, &t->obj, id,
					     VIOMMU_REMOVE_TOMBSTONE));
	KUNIT_EXPECT_EQ(test, 1U, object_test_destroyed);
	KUNIT_EXPECT_EQ(test, -ENOENT, viommu_object_remove(ctx, NULL, id, 0));
	KUNIT_EXPECT_TRUE(test, viommu_objects_empty(ctx));

	next = object_test_new(test, ctx);
	KUNIT_EXPECT_NE(test, id, next->obj.id);
	viommu_driver_object_finalize(ctx, &next->obj);
	KUNIT_EXPECT_FALSE(test, viommu_objects_empty(ctx));
}

static void object_remove_wait_restores_on_ebusy(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	struct viommu_object *got;
	struct object_test_obj *t;

	t = object_test_new(test, ctx);
	viommu_driver_object_finalize(ctx, &t->obj);
	/* Another object's pin, and the caller's own reference. */
	refcount_inc(&t->obj.users);
	refcount_inc(&t->obj.users);
	KUNIT_EXPECT_EQ(test, -EBUSY,
			viommu_object_remove(ctx, &t->obj, t->obj.id,
					     VIOMMU_REMOVE_WAIT));
	KUNIT_EXPECT_EQ(test, 0U, object_test_destroyed);
	KUNIT_EXPECT_EQ(test, 2U, refcount_read(&t->obj.users));
	/* The table's shortterm reference is back: lookups work again. */
	KUNIT_EXPECT_EQ(test, 1U, refcount_read(&t->obj.shortterm_users));
	got = viommu_get_object(ctx, t->obj.id, VIOMMU_OBJ_DRIVER);
	KUNIT_ASSERT_PTR_EQ(test, got, &t->obj);
	viommu_put_object(ctx, got);

	refcount_dec(&t->obj.users);
	refcount_inc(&t->obj.users);
	KUNIT_EXPECT_EQ(test, 0, viommu_object_remove(ctx, &t->obj, t->obj.id,
						      VIOMMU_REMOVE_WAIT));
	KUNIT_EXPECT_EQ(test, 1U, object_test_destroyed);
}

/* An ioctl's short-term use of an object, ended from another thread. */
struct object_test_user {
	struct delayed_work work;
	struct viommu_ctx *ctx;
	struct viommu_object *obj;
};

static void object_test_user_done(struct work_struct *work)
{
	struct object_test_user *u =
		container_of(work, struct object_test_user, work.work);

	viommu_put_object(u->ctx, u->obj);
}

/*
 * The remover sleeps uninterruptibly for up to 60 s: the last short-term
 * user must wake it, so it returns soon after the drop. 10 s only tells a
 * missed wake-up from a slow machine.
 */
static void object_remove_wait_wakes_on_put(struct kunit *test)
{
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	struct object_test_user u = { .ctx = ctx };
	struct object_test_obj *t;
	unsigned long start;

	t = object_test_new(test, ctx);
	viommu_driver_object_finalize(ctx, &t->obj);
	u.obj = viommu_get_object(ctx, t->obj.id, VIOMMU_OBJ_DRIVER);
	KUNIT_ASSERT_PTR_EQ(test, u.obj, &t->obj);

	INIT_DELAYED_WORK(&u.work, object_test_user_done);
	schedule_delayed_work(&u.work, msecs_to_jiffies(200));
	start = jiffies;
	/* The caller's own reference, as the unbind hook takes it. */
	refcount_inc(&t->obj.users);
	KUNIT_EXPECT_EQ(test, 0, viommu_object_remove(ctx, &t->obj, t->obj.id,
						      VIOMMU_REMOVE_WAIT));
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 10000U);
	KUNIT_EXPECT_EQ(test, 1U, object_test_destroyed);
	flush_delayed_work(&u.work);
}

static struct kunit_case viommu_object_test_cases[] = {
	KUNIT_CASE(object_ids_are_outside_stock_range),
	KUNIT_CASE(object_unpublished_is_invisible),
	KUNIT_CASE(object_lookup_checks_type),
	KUNIT_CASE(object_destroy_needs_one_user),
	KUNIT_CASE(object_close_destroys_leaves_first),
	KUNIT_CASE(object_driver_object_pins_owner),
	KUNIT_CASE(object_tombstone_keeps_id_dead),
	KUNIT_CASE(object_remove_wait_restores_on_ebusy),
	KUNIT_CASE(object_remove_wait_wakes_on_put),
	{}
};

static int object_test_init(struct kunit *test)
{
	object_test_destroyed = 0;
	return 0;
}

static struct kunit_suite viommu_object_test_suite = {
	.name = "viommu-object",
	.init = object_test_init,
	.test_cases = viommu_object_test_cases,
};

kunit_test_suites(&viommu_object_test_suite);
