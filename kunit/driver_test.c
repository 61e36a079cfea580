// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for what IOMMU drivers call: registration, the user-data copy
 * helpers (through real user memory), vDEVICE lookups and the argument
 * checks of driver-defined objects.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "test_util.h"

/* Only compared by address: the core never calls into them. */
static const struct iommu_ops drv_test_iommu_ops;
static const struct iommu_ops drv_test_other_iommu_ops;

static size_t drv_test_get_viommu_size(struct device *dev, u32 viommu_type)
{
	return 0;
}

static int drv_test_viommu_init(struct viommu *viommu,
				struct iommu_domain *parent_domain,
				const struct iommu_user_data *user_data)
{
	return -EOPNOTSUPP;
}

static struct viommu_driver *drv_test_driver(struct kunit *test,
					     const struct iommu_ops *ops)
{
	struct viommu_driver *drv = kunit_kzalloc(test, sizeof(*drv),
						  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, drv);
	drv->owner = THIS_MODULE;
	drv->name = "viommu-driver-test";
	drv->iommu_ops = ops;
	drv->get_viommu_size = drv_test_get_viommu_size;
	drv->viommu_init = drv_test_viommu_init;
	return drv;
}

KUNIT_DEFINE_ACTION_WRAPPER(drv_test_unregister, viommu_unregister_driver,
			    struct viommu_driver *);

/* Register @drv; whatever registers is unregistered when the test ends. */
static int drv_test_register(struct kunit *test, struct viommu_driver *drv)
{
	int rc = viommu_register_driver(drv);

	if (!rc)
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test,
							  drv_test_unregister,
							  drv));
	return rc;
}

static void register_incomplete_is_einval(struct kunit *test)
{
	struct viommu_driver *drv;
	int i;

	for (i = 0; i < 4; i++) {
		drv = drv_test_driver(test, &drv_test_iommu_ops);
		switch (i) {
		case 0:
			drv->owner = NULL;
			break;
		case 1:
			drv->iommu_ops = NULL;
			break;
		case 2:
			drv->get_viommu_size = NULL;
			break;
		case 3:
			drv->viommu_init = NULL;
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, drv_test_register(test, drv),
				    "field %d missing", i);
	}
	/* None of them was listed: the ops are still free. */
	KUNIT_EXPECT_EQ(test, 0,
			drv_test_register(test, drv_test_driver(test,
								&drv_test_iommu_ops)));
}

static void register_same_ops_twice_is_eexist(struct kunit *test)
{
	struct viommu_driver *a = drv_test_driver(test, &drv_test_iommu_ops);
	struct viommu_driver *b = drv_test_driver(test, &drv_test_iommu_ops);

	KUNIT_ASSERT_EQ(test, 0, drv_test_register(test, a));
	KUNIT_EXPECT_EQ(test, -EEXIST, drv_test_register(test, b));
	KUNIT_EXPECT_EQ(test, -EEXIST, drv_test_register(test, a));
	/* Other ops are another driver. */
	KUNIT_EXPECT_EQ(test, 0,
			drv_test_register(test, drv_test_driver(test,
								&drv_test_other_iommu_ops)));
}

static void register_after_unregister(struct kunit *test)
{
	struct viommu_driver *a = drv_test_driver(test, &drv_test_iommu_ops);
	struct viommu_driver *b = drv_test_driver(test, &drv_test_iommu_ops);

	KUNIT_ASSERT_EQ(test, 0, drv_test_register(test, a));
	kunit_release_action(test, drv_test_unregister, a);
	KUNIT_ASSERT_EQ(test, 0, drv_test_register(test, b));
	kunit_release_action(test, drv_test_unregister, b);
	KUNIT_EXPECT_EQ(test, 0, drv_test_register(test, a));
	KUNIT_EXPECT_EQ(test, -EEXIST, drv_test_register(test, b));
}

#define DRV_TEST_TYPE 0x1234
#define DRV_TEST_FILL 0x5a	/* what the user page holds before a test */
#define DRV_TEST_POISON 0xa5	/* what kernel buffers hold before a test */

static void drv_test_fill(struct kunit *test, void __user *page)
{
	u8 *fill = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fill);
	memset(fill, DRV_TEST_FILL, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(page, fill, PAGE_SIZE));
	kunit_kfree(test, fill);
}

/*
 * A user page filled with DRV_TEST_FILL. Call it first: the first mapping
 * of the test's mm has nothing mapped after it, so running off its end
 * faults.
 */
static void __user *drv_test_page(struct kunit *test)
{
	void __user *page = viommu_test_user_page(test);

	drv_test_fill(test, page);
	return page;
}

static void put_user_bytes(struct kunit *test, void __user *dst,
			   const void *src, size_t len)
{
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(dst, src, len));
}

/* The kernel entry of the array tests. */
struct drv_test_entry {
	u32 a;
	u32 b;
	u64 c;
};

/* The fields of user entry @i; a user entry may be shorter or longer. */
static void drv_test_entry_fill(u8 *uentry, size_t len, unsigned int i)
{
	struct drv_test_entry e = {
		.a = 0x10 + i,
		.b = 0x20 + i,
		.c = 0x3000000000ULL + i,
	};

	memset(uentry, 0, len);
	memcpy(uentry, &e, min(len, sizeof(e)));
}

/* An array of @num entries of @len bytes written at @uptr. */
static struct iommu_user_data_array drv_test_array(struct kunit *test,
						   void __user *uptr,
						   size_t len, u32 num)
{
	u8 *buf = kunit_kzalloc(test, len * num, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < num; i++)
		drv_test_entry_fill(buf + len * i, len, i);
	put_user_bytes(test, uptr, buf, len * num);
	return (struct iommu_user_data_array){
		.type = DRV_TEST_TYPE,
		.uptr = uptr,
		.entry_len = len,
		.entry_num = num,
	};
}

static int copy_array(struct drv_test_entry *kdst,
		      struct iommu_user_data_array *array)
{
	return viommu_copy_struct_from_full_user_array(kdst, sizeof(*kdst),
						       array, DRV_TEST_TYPE);
}

/* Room for @n entries and one more that must stay untouched. */
static struct drv_test_entry *drv_test_kdst(struct kunit *test, u32 n)
{
	struct drv_test_entry *kdst;

	kdst = kunit_kmalloc_array(test, n + 1, sizeof(*kdst), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kdst);
	memset(kdst, DRV_TEST_POISON, (n + 1) * sizeof(*kdst));
	return kdst;
}

static bool drv_test_poisoned(const void *p, size_t len)
{
	return !memchr_inv(p, DRV_TEST_POISON, len);
}

/* Entries 0..@n-1 hold what drv_test_entry_fill() wrote, c only if @has_c. */
static void expect_entries(struct kunit *test, struct drv_test_entry *kdst,
			   u32 n, bool has_c)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, 0x10 + i, kdst[i].a, "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, 0x20 + i, kdst[i].b, "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, has_c ? 0x3000000000ULL + i : 0,
				    kdst[i].c, "entry %u", i);
	}
	KUNIT_EXPECT_TRUE(test, drv_test_poisoned(&kdst[n], sizeof(kdst[n])));
}

static void array_type_mismatch_is_einval(struct kunit *test)
{
	void __user *page = drv_test_page(test);
	struct iommu_user_data_array array =
		drv_test_array(test, page, sizeof(struct drv_test_entry), 2);
	struct drv_test_entry *kdst = drv_test_kdst(test, 2);

	KUNIT_EXPECT_EQ(test, -EINVAL,
			viommu_copy_struct_from_full_user_array(kdst,
								sizeof(*kdst),
								&array,
								DRV_TEST_TYPE + 1));
	KUNIT_EXPECT_TRUE(test, drv_test_poisoned(kdst, 3 * sizeof(*kdst)));
}

static void array_empty_is_einval(struct kunit *test)
{
	void __user *page = drv_test_page(test);
	struct drv_test_entry *kdst = drv_test_kdst(test, 1);
	static const size_t lens[] = { 8, sizeof(struct drv_test_entry), 32 };
	struct iommu_user_data_array array;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		array = drv_test_array(test, page, lens[i], 1);
		array.entry_num = 0;
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, copy_array(kdst, &array),
				    "entry_len %zu", lens[i]);
	}
	KUNIT_EXPECT_TRUE(test, drv_test_poisoned(kdst, 2 * sizeof(*kdst)));
}

static void array_same_len_copies_all(struct kunit *test)
{
	void __user *page = drv_test_page(test);
	struct iommu_user_data_array array =
		drv_test_array(test, page, sizeof(struct drv_test_entry), 3);
	struct drv_test_entry *kdst = drv_test_kdst(test, 3);

	KUNIT_ASSERT_EQ(test, 0, copy_array(kdst, &array));
	expect_entries(test, kdst, 3, true);
}

static void array_shorter_entries_zero_extend(struct kunit *test)
{
	void __user *page = drv_test_page(test);
	struct iommu_user_data_array array;
	struct drv_test_entry *kdst;

	/* a and b only: each entry lands at its own kernel slot, c zeroed. */
	array = drv_test_array(test, page, 8, 3);
	kdst = drv_test_kdst(test, 3);
	KUNIT_ASSERT_EQ(test, 0, copy_array(kdst, &array));
	expect_entries(test, kdst, 3, false);

	/* An odd length: b is cut to its first byte. */
	array = drv_test_array(test, page, 5, 2);
	kdst = drv_test_kdst(test, 2);
	KUNIT_ASSERT_EQ(test, 0, copy_array(kdst, &array));
	KUNIT_EXPECT_EQ(test, 0x11, kdst[1].a);
	KUNIT_EXPECT_EQ(test, 0x21, kdst[1].b);
	KUNIT_EXPECT_EQ(test, 0, kdst[1].c);
	KUNIT_EXPECT_TRUE(test, drv_test_poisoned(&kdst[2], sizeof(kdst[2])));
}

static void array_longer_zero_tail_is_accepted(struct kunit *test)
{
	void __user *page = drv_test_page(test);
	struct iommu_user_data_array array = drv_test_array(test, page, 24, 3);
	struct drv_test_entry *kdst = drv_test_kdst(test, 3);

	KUNIT_ASSERT_EQ(test, 0, copy_array(kdst, &array));
	expect_entries(test, kdst, 3, true);
}

static void array_longer_nonzero_tail_is_e2big(struct kunit *test)
{
	void __user *page = drv_test_page(test);
	struct iommu_user_data_array array = drv_test_array(test, page, 24, 3);
	struct drv_test_entry *kdst = drv_test_kdst(test, 3);
	u8 one = 1;

	/* Only the last byte of the last entry: every entry is checked. */
	put_user_bytes(test, page + 3 * 24 - 1, &one, 1);
	KUNIT_EXPECT_EQ(test, -E2BIG, copy_array(kdst, &array));
}

static void array_unreadable_is_efault(struct kunit *test)
{
	void __user *page = drv_test_page(test);
	struct drv_test_entry *kdst = drv_test_kdst(test, 2);
	static const size_t lens[] = { 8, sizeof(struct drv_test_entry), 24 };
	struct iommu_user_data_array array;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		array = drv_test_array(test, page, lens[i], 2);
		array.uptr = NULL;
		KUNIT_EXPECT_EQ_MSG(test, -EFAULT, copy_array(kdst, &array),
				    "NULL, entry_len %zu", lens[i]);
		/* The first entry is readable, the second runs off the page. */
		array = drv_test_array(test, page + PAGE_SIZE - lens[i],
				       lens[i], 1);
		array.entry_num = 2;
		KUNIT_EXPECT_EQ_MSG(test, -EFAULT, copy_array(kdst, &array),
				    "page end, entry_len %zu", lens[i]);
	}
}

/* The kernel struct of the copy-out tests; userspace needs room up to b. */
struct drv_test_out {
	u32 a;
	u32 b;
	u64 c;
	u32 d;
	u32 __reserved;
};

static const struct drv_test_out drv_test_out_src = {
	.a = 0x01020304,
	.b = 0x05060708,
	.c = 0x090a0b0c0d0e0f10ULL,
	.d = 0x11121314,
	.__reserved = 0x15161718,
};

/* Copy drv_test_out_src to user data of @type; it must be DRV_TEST_TYPE. */
static int copy_out(u32 type, void __user *uptr, size_t len)
{
	struct iommu_user_data data = {
		.type = type,
		.uptr = uptr,
		.len = len,
	};

	return viommu_copy_struct_to_user(&data, &drv_test_out_src,
					  DRV_TEST_TYPE, b);
}

/* The page holds @len bytes of the source, then DRV_TEST_FILL. */
static void expect_copied(struct kunit *test, void __user *page, size_t len)
{
	u8 got[sizeof(struct drv_test_out) + 8];

	KUNIT_ASSERT_LE(test, len, sizeof(struct drv_test_out));
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(got, page, sizeof(got)));
	KUNIT_EXPECT_MEMEQ(test, got, &drv_test_out_src, len);
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(got + len, DRV_TEST_FILL,
					       sizeof(got) - len),
			      "written past len %zu", len);
}

static void copy_out_type_mismatch_is_einval(struct kunit *test)
{
	void __user *page = drv_test_page(test);

	KUNIT_EXPECT_EQ(test, -EINVAL, copy_out(DRV_TEST_TYPE + 1, page,
						sizeof(struct drv_test_out)));
	expect_copied(test, page, 0);
}

static void copy_out_bad_len_is_einval(struct kunit *test)
{
	static const size_t lens[] = {
		0, 4, 7,				/* below min */
		sizeof(struct drv_test_out) + 1, 64,	/* above size */
	};
	void __user *page = drv_test_page(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++)
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    copy_out(DRV_TEST_TYPE, page, lens[i]),
				    "len %zu", lens[i]);
	expect_copied(test, page, 0);
}

static void copy_out_copies_len_bytes(struct kunit *test)
{
	static const size_t lens[] = { 8, 9, 16, 20, sizeof(struct drv_test_out) };
	void __user *page = drv_test_page(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		drv_test_fill(test, page);
		KUNIT_EXPECT_EQ_MSG(test, 0,
				    copy_out(DRV_TEST_TYPE, page, lens[i]),
				    "len %zu", lens[i]);
		expect_copied(test, page, lens[i]);
	}
}

static void copy_out_explicit_bounds(struct kunit *test)
{
	void __user *page = drv_test_page(test);
	struct iommu_user_data data = {
		.type = DRV_TEST_TYPE,
		.uptr = page,
		.len = 12,
	};

	KUNIT_EXPECT_EQ(test, -EINVAL,
			__viommu_copy_struct_to_user(&data, &drv_test_out_src,
						     DRV_TEST_TYPE, 24, 13));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			__viommu_copy_struct_to_user(&data, &drv_test_out_src,
						     DRV_TEST_TYPE, 11, 4));
	expect_copied(test, page, 0);
	KUNIT_EXPECT_EQ(test, 0,
			__viommu_copy_struct_to_user(&data, &drv_test_out_src,
						     DRV_TEST_TYPE, 12, 12));
	expect_copied(test, page, 12);
}

static void copy_out_unwritable_is_efault(struct kunit *test)
{
	void __user *page = drv_test_page(test);
	unsigned long ro;

	ro = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ,
			   MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, 0, ro);

	KUNIT_EXPECT_EQ(test, -EFAULT, copy_out(DRV_TEST_TYPE, NULL, 8));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			copy_out(DRV_TEST_TYPE, (void __user *)ro, 8));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			copy_out(DRV_TEST_TYPE, page + PAGE_SIZE - 8,
				 sizeof(struct drv_test_out)));
}

/* A vIOMMU with just its vDEVICE table, which the test owns. */
static void drv_test_viommu_free(void *data)
{
	struct viommu *viommu = data;

	xa_destroy(&viommu->vdevs);
}

static struct viommu *drv_test_viommu(struct kunit *test)
{
	struct viommu *viommu = kunit_kzalloc(test, sizeof(*viommu),
					      GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, viommu);
	xa_init(&viommu->vdevs);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, drv_test_viommu_free,
						  viommu));
	return viommu;
}

/* A device only ever compared by address. */
static struct device *drv_test_dev(struct kunit *test)
{
	struct device *dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, dev);
	return dev;
}

static struct viommu_vdevice *drv_test_vdev(struct kunit *test,
					    struct viommu *viommu,
					    struct device *dev, u64 virt_id)
{
	struct viommu_vdevice *vdev = kunit_kzalloc(test, sizeof(*vdev),
						    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vdev);
	vdev->viommu = viommu;
	vdev->dev = dev;
	vdev->virt_id = virt_id;
	KUNIT_ASSERT_EQ(test, 0, xa_err(xa_store(&viommu->vdevs, virt_id, vdev,
						 GFP_KERNEL)));
	return vdev;
}

static void vdev_id_lookup(struct kunit *test)
{
	struct viommu *viommu = drv_test_viommu(test), *other;
	struct device *d1 = drv_test_dev(test), *d2 = drv_test_dev(test);
	unsigned long id;

	id = 77;
	KUNIT_EXPECT_EQ(test, -ENOENT, viommu_get_vdev_id(viommu, d1, &id));
	KUNIT_EXPECT_EQ(test, 77, id);

	/* A virt_id being published is reserved: lookups must skip it. */
	KUNIT_ASSERT_EQ(test, 0, xa_reserve(&viommu->vdevs, 3, GFP_KERNEL));
	drv_test_vdev(test, viommu, d1, 5);
	drv_test_vdev(test, viommu, d2, 0x76543210);

	KUNIT_EXPECT_EQ(test, 0, viommu_get_vdev_id(viommu, d2, &id));
	KUNIT_EXPECT_EQ(test, 0x76543210, id);
	KUNIT_EXPECT_EQ(test, 0, viommu_get_vdev_id(viommu, d1, &id));
	KUNIT_EXPECT_EQ(test, 5, id);

	/* d2 only has a vDEVICE on the first vIOMMU. */
	other = drv_test_viommu(test);
	drv_test_vdev(test, other, d1, 9);
	id = 77;
	KUNIT_EXPECT_EQ(test, -ENOENT, viommu_get_vdev_id(other, d2, &id));
	KUNIT_EXPECT_EQ(test, 77, id);
	KUNIT_EXPECT_EQ(test, 0, viommu_get_vdev_id(other, d1, &id));
	KUNIT_EXPECT_EQ(test, 9, id);
	KUNIT_EXPECT_EQ(test, -ENOENT,
			viommu_get_vdev_id(viommu, drv_test_dev(test), &id));
}

static void find_dev_lookup(struct kunit *test)
{
	struct viommu *viommu = drv_test_viommu(test);
	struct device *d1 = drv_test_dev(test), *d2 = drv_test_dev(test);
	struct device *got[5];

	KUNIT_ASSERT_EQ(test, 0, xa_reserve(&viommu->vdevs, 3, GFP_KERNEL));
	drv_test_vdev(test, viommu, d1, 5);
	drv_test_vdev(test, viommu, d2, 0x76543210);

	xa_lock(&viommu->vdevs);
	got[0] = viommu_find_dev(viommu, 5);
	got[1] = viommu_find_dev(viommu, 0x76543210);
	got[2] = viommu_find_dev(viommu, 3);
	got[3] = viommu_find_dev(viommu, 4);
	got[4] = viommu_find_dev(viommu, 0);
	xa_unlock(&viommu->vdevs);

	KUNIT_EXPECT_PTR_EQ(test, d1, got[0]);
	KUNIT_EXPECT_PTR_EQ(test, d2, got[1]);
	KUNIT_EXPECT_NULL(test, got[2]);
	KUNIT_EXPECT_NULL(test, got[3]);
	KUNIT_EXPECT_NULL(test, got[4]);
}

static unsigned int drv_test_destroyed;

static void drv_test_obj_destroy(struct viommu_object *obj)
{
	drv_test_destroyed++;
}

static void object_alloc_bad_ops_is_einval(struct kunit *test)
{
	static const struct viommu_object_ops no_destroy = {
		.owner = THIS_MODULE,
	};
	static const struct viommu_object_ops good = {
		.owner = THIS_MODULE,
		.destroy = drv_test_obj_destroy,
	};
	struct viommu_ctx *ctx = viommu_test_ctx(test);
	unsigned int refs = module_refcount(THIS_MODULE);
	struct viommu_object *obj;

	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(viommu_driver_object_alloc(ctx, sizeof(*obj),
							   NULL)));
	KUNIT_EXPECT_EQ(test, refs, module_refcount(THIS_MODULE));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(viommu_driver_object_alloc(ctx, sizeof(*obj),
							   &no_destroy)));
	KUNIT_EXPECT_EQ(test, refs, module_refcount(THIS_MODULE));
	KUNIT_EXPECT_TRUE(test, viommu_objects_empty(ctx));

	/* The count above can move: good ops pin, abort unpins. */
	obj = viommu_driver_object_alloc(ctx, sizeof(*obj), &good);
	KUNIT_ASSERT_FALSE(test, IS_ERR(obj));
	KUNIT_EXPECT_EQ(test, refs + 1, module_refcount(THIS_MODULE));
	viommu_driver_object_abort(ctx, obj);
	KUNIT_EXPECT_EQ(test, refs, module_refcount(THIS_MODULE));
	KUNIT_EXPECT_EQ(test, 0U, drv_test_destroyed);
}

static struct kunit_case viommu_driver_test_cases[] = {
	KUNIT_CASE(register_incomplete_is_einval),
	KUNIT_CASE(register_same_ops_twice_is_eexist),
	KUNIT_CASE(register_after_unregister),
	KUNIT_CASE(array_type_mismatch_is_einval),
	KUNIT_CASE(array_empty_is_einval),
	KUNIT_CASE(array_same_len_copies_all),
	KUNIT_CASE(array_shorter_entries_zero_extend),
	KUNIT_CASE(array_longer_zero_tail_is_accepted),
	KUNIT_CASE(array_longer_nonzero_tail_is_e2big),
	KUNIT_CASE(array_unreadable_is_efault),
	KUNIT_CASE(copy_out_type_mismatch_is_einval),
	KUNIT_CASE(copy_out_bad_len_is_einval),
	KUNIT_CASE(copy_out_copies_len_bytes),
	KUNIT_CASE(copy_out_explicit_bounds),
	KUNIT_CASE(copy_out_unwritable_is_efault),
	KUNIT_CASE(vdev_id_lookup),
	KUNIT_CASE(find_dev_lookup),
	KUNIT_CASE(object_alloc_bad_ops_is_einval),
	{}
};

static int driver_test_init(struct kunit *test)
{
	drv_test_destroyed = 0;
	return 0;
}

static struct kunit_suite viommu_driver_test_suite = {
	.name = "viommu-driver",
	.init = driver_test_init,
	.test_cases = viommu_driver_test_cases,
};

kunit_test_suites(&viommu_driver_test_suite);
