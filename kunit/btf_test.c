// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the BTF reader and the layout table: BTF blobs built
 * here (base and split, kinds the reader only steps over, truncated and
 * corrupted ones), layout tables verified against crafted kernels where
 * one thing differs (a field moved, a member missing, a type changed, a
 * prototype changed, a struct name defined twice), each refused with the
 * right reason; and the shim's own table against the running kernel.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/string.h>
#include <uapi/linux/btf.h>

#include "layout.h"

#define BB_WORDS 512
#define BB_STRS 1024

/* A BTF blob under construction. */
struct bb {
	struct kunit *test;
	u32 words[BB_WORDS];
	u32 nw;
	char strs[BB_STRS];
	u32 slen;
	u32 next_id;	/* the id the next type gets */
	u32 str_base;	/* string offset of strs[0] (the base's length) */
};

static struct bb *bb_new(struct kunit *test, const struct bb *base)
{
	struct bb *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	b->test = test;
	if (base) {
		b->next_id = base->next_id;
		b->str_base = base->slen;
	} else {
		b->next_id = 1;
		b->slen = 1;	/* "" at offset 0 */
	}
	return b;
}

static u32 bb_str(struct bb *b, const char *s)
{
	size_t n = strlen(s) + 1;
	u32 off = b->slen;

	if (!*s)
		return 0;
	KUNIT_ASSERT_LE(b->test, b->slen + n, (size_t)BB_STRS);
	memcpy(b->strs + b->slen, s, n);
	b->slen += n;
	return b->str_base + off;
}

static void bb_word(struct bb *b, u32 w)
{
	KUNIT_ASSERT_LT(b->test, b->nw, (u32)BB_WORDS);
	b->words[b->nw++] = w;
}

static u32 bb_type(struct bb *b, const char *name, u32 kind, bool kflag,
		   u32 vlen, u32 size_or_type)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, (kflag ? BIT(31) : 0) | kind << 24 | vlen);
	bb_word(b, size_or_type);
	return b->next_id++;
}

static u32 bb_int(struct bb *b, const char *name, u32 size, u32 enc)
{
	u32 id = bb_type(b, name, BTF_KIND_INT, false, 0, size);

	bb_word(b, enc << 24 | size * 8);
	return id;
}

static void bb_word3(struct bb *b, u32 w0, u32 w1, u32 w2)
{
	bb_word(b, w0);
	bb_word(b, w1);
	bb_word(b, w2);
}

static void bb_pair(struct bb *b, const char *name, u32 type)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, type);
}

static void bb_member(struct bb *b, const char *name, u32 type, u32 off)
{
	bb_pair(b, name, type);
	bb_word(b, off);
}

/* The blob: header, types, strings. */
static void *bb_blob(struct bb *b, size_t *size)
{
	struct btf_header *hdr;
	size_t tlen = b->nw * 4;
	u8 *blob;

	*size = sizeof(*hdr) + tlen + b->slen;
	blob = kunit_kzalloc(b->test, *size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(b->test, blob);
	hdr = (void *)blob;
	hdr->magic = BTF_MAGIC;
	hdr->version = BTF_VERSION;
	hdr->hdr_len = sizeof(*hdr);
	hdr->type_off = 0;
	hdr->type_len = tlen;
	hdr->str_off = tlen;
	hdr->str_len = b->slen;
	memcpy(blob + sizeof(*hdr), b->words, tlen);
	memcpy(blob + sizeof(*hdr) + tlen, b->strs, b->slen);
	return blob;
}

static void btf_test_free(void *btf)
{
	viommu_btf_free(btf);
}

static struct viommu_btf *bb_parse(struct bb *b, const struct viommu_btf *base)
{
	char why[VIOMMU_WHY_LEN] = "";
	struct viommu_btf *btf;
	size_t size;
	void *blob = bb_blob(b, &size);

	btf = viommu_btf_parse(blob, size, base, why, sizeof(why));
	KUNIT_ASSERT_FALSE_MSG(b->test, IS_ERR(btf), "refused: %s", why);
	KUNIT_ASSERT_EQ(b->test, 0,
			kunit_add_action_or_reset(b->test, btf_test_free, btf));
	return btf;
}

/* The common types of a crafted vmlinux. */
struct bb_ids {
	u32 uint, sint, ulong, boolean, u32_td;
};

static void bb_base_types(struct bb *b, struct bb_ids *ids)
{
	ids->uint = bb_int(b, "unsigned int", 4, 0);
	ids->sint = bb_int(b, "int", 4, BTF_INT_SIGNED);
	ids->ulong = bb_int(b, "long unsigned int", 8, 0);
	ids->boolean = bb_int(b, "_Bool", 1, BTF_INT_BOOL);
	ids->u32_td = bb_type(b, "u32", BTF_KIND_TYPEDEF, false, 0, ids->uint);
}

static void btf_test_strings(struct kunit *test)
{
	struct bb *b = bb_new(test, NULL);
	struct viommu_btf *btf;
	struct bb_ids ids;
	u32 anon, named;

	bb_base_types(b, &ids);
	anon = bb_type(b, "", BTF_KIND_STRUCT, false, 0, 0);
	named = bb_type(b, "alpha", BTF_KIND_STRUCT, false, 0, 0);
	btf = bb_parse(b, NULL);

	KUNIT_EXPECT_EQ(test, viommu_btf_nr_types(btf), named + 1);
	KUNIT_EXPECT_STREQ(test, viommu_btf_name(btf, ids.uint), "unsigned int");
	KUNIT_EXPECT_STREQ(test, viommu_btf_name(btf, ids.u32_td), "u32");
	KUNIT_EXPECT_STREQ(test, viommu_btf_name(btf, anon), "");
	KUNIT_EXPECT_STREQ(test, viommu_btf_name(btf, named), "alpha");
	KUNIT_EXPECT_NULL(test, viommu_btf_name(btf, named + 1));
	KUNIT_EXPECT_NULL(test, viommu_btf_name(btf, 0));
	KUNIT_EXPECT_EQ(test, viommu_btf_type_size(btf, ids.u32_td), 4U);
}

static const struct viommu_btf_want want_base_ptr = VB_PTR("base_s");
static const struct viommu_btf_want want_u32 = VB_U32;
static const struct viommu_btf_want want_int = VB_INT(int);
static const struct viommu_btf_want want_s_ptr = VB_PTR("s");

static void btf_test_split(struct kunit *test)
{
	struct bb *base = bb_new(test, NULL), *mod;
	struct viommu_btf *vmlinux, *split;
	char why[VIOMMU_WHY_LEN];
	struct viommu_btf_member m;
	struct bb_ids ids;
	u32 base_s, mod_s, ptr;
	s32 id;

	bb_base_types(base, &ids);
	base_s = bb_type(base, "base_s", BTF_KIND_STRUCT, false, 1, 4);
	bb_member(base, "x", ids.uint, 0);

	mod = bb_new(test, base);
	ptr = bb_type(mod, "", BTF_KIND_PTR, false, 0, base_s);
	mod_s = bb_type(mod, "mod_s", BTF_KIND_STRUCT, false, 2, 16);
	bb_member(mod, "count", ids.u32_td, 0);
	bb_member(mod, "base", ptr, 64);

	vmlinux = bb_parse(base, NULL);
	split = bb_parse(mod, vmlinux);

	/* Module ids continue after vmlinux's, its strings after vmlinux's. */
	KUNIT_EXPECT_EQ(test, mod_s, base_s + 2);
	KUNIT_EXPECT_EQ(test, viommu_btf_nr_types(split), mod_s + 1);
	KUNIT_EXPECT_STREQ(test, viommu_btf_name(split, mod_s), "mod_s");
	KUNIT_EXPECT_STREQ(test, viommu_btf_name(split, base_s), "base_s");
	KUNIT_EXPECT_NULL(test, viommu_btf_name(vmlinux, mod_s));

	id = viommu_btf_find_struct(split, "mod_s", NULL, 0, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, id, (s32)mod_s);
	id = viommu_btf_find_struct(split, "base_s", NULL, 0, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, id, (s32)base_s);
	KUNIT_ASSERT_EQ(test, viommu_btf_member(split, mod_s, "base", &m, why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, m.offset, 8U);
	KUNIT_EXPECT_EQ(test, m.size, 8U);
	KUNIT_EXPECT_EQ(test, viommu_btf_check_type(split, m.type, &want_base_ptr,
						    why, sizeof(why)), 0);
	KUNIT_ASSERT_EQ(test, viommu_btf_member(split, mod_s, "count", &m,
						why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, viommu_btf_check_type(split, m.type, &want_u32,
						    why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, viommu_btf_check_type(split, m.type, &want_int,
						    why, sizeof(why)), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "signed int (4 bytes)"));
	KUNIT_EXPECT_EQ(test, viommu_btf_member(split, mod_s, "nope", &m,
						why, sizeof(why)), -ENOENT);
}

/* Kinds the reader has no use for are stepped over, ids stay right. */
static void btf_test_skip_kinds(struct kunit *test)
{
	struct bb *b = bb_new(test, NULL);
	struct viommu_btf *btf;
	char why[VIOMMU_WHY_LEN];
	struct bb_ids ids;
	u32 var, last;
	s32 id;

	bb_base_types(b, &ids);
	bb_type(b, "f", BTF_KIND_FLOAT, false, 0, 8);
	var = bb_type(b, "v", BTF_KIND_VAR, false, 0, ids.uint);
	bb_word(b, BTF_VAR_GLOBAL_ALLOCATED);
	bb_type(b, ".data..percpu", BTF_KIND_DATASEC, false, 2, 8);
	bb_word3(b, var, 0, 4);
	bb_word3(b, var, 4, 4);
	bb_type(b, "tag", BTF_KIND_DECL_TAG, false, 0, var);
	bb_word(b, (u32)-1);
	bb_type(b, "user", BTF_KIND_TYPE_TAG, false, 0, ids.uint);
	bb_type(b, "fwd_s", BTF_KIND_FWD, false, 0, 0);
	bb_type(b, "e64", BTF_KIND_ENUM64, false, 1, 8);
	bb_word3(b, bb_str(b, "BIG"), 1, 2);
	last = bb_type(b, "after", BTF_KIND_STRUCT, false, 1, 4);
	bb_member(b, "x", ids.uint, 0);
	btf = bb_parse(b, NULL);

	id = viommu_btf_find_struct(btf, "after", NULL, 0, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, id, (s32)last);
	id = viommu_btf_find_struct(btf, "fwd_s", NULL, 0, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, id, -ENOENT);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "no struct fwd_s"));
}

static void btf_test_unknown_kind(struct kunit *test)
{
	struct bb *b = bb_new(test, NULL);
	char why[VIOMMU_WHY_LEN] = "";
	struct viommu_btf *btf;
	struct bb_ids ids;
	size_t size;
	void *blob;

	bb_base_types(b, &ids);
	bb_type(b, "future", NR_BTF_KINDS, false, 3, 0);
	blob = bb_blob(b, &size);
	btf = viommu_btf_parse(blob, size, NULL, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, PTR_ERR(btf), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "unknown kind"));
}

/* A blob with a bit of everything, for the truncation and fuzz cases. */
static void *btf_test_sample(struct kunit *test, size_t *size)
{
	struct bb *b = bb_new(test, NULL);
	struct bb_ids ids;
	u32 s, e, p;

	bb_base_types(b, &ids);
	s = bb_type(b, "s", BTF_KIND_STRUCT, true, 3, 16);
	bb_member(b, "a", ids.uint, 0);
	bb_member(b, "flag", ids.boolean, 1 << 24 | 32);
	bb_member(b, "p", s + 3, 64);
	e = bb_type(b, "e", BTF_KIND_ENUM, false, 2, 4);
	bb_pair(b, "E_A", 0);
	bb_pair(b, "E_B", 7);
	p = bb_type(b, "", BTF_KIND_FUNC_PROTO, false, 2, ids.sint);
	bb_pair(b, "x", e);
	bb_pair(b, "y", ids.u32_td);
	bb_type(b, "", BTF_KIND_PTR, false, 0, s);
	bb_type(b, "fn", BTF_KIND_FUNC, false, BTF_FUNC_GLOBAL, p);
	bb_type(b, "arr", BTF_KIND_ARRAY, false, 0, 0);
	bb_word3(b, ids.uint, ids.uint, 4);
	return bb_blob(b, size);
}

/* Ask everything of a BTF that parsed: must not crash on any input. */
static void btf_test_poke(struct viommu_btf *btf)
{
	static const struct viommu_btf_proto proto = {
		VB_INT(int), 2, { VB_ENUM("e", u32), VB_U32 } };
	static const char * const members[] = { "a", "flag", "p" };
	char why[VIOMMU_WHY_LEN];
	struct viommu_btf_member m;
	s64 v;
	u32 id;

	viommu_btf_find_struct(btf, "s", members, 3, why, sizeof(why));
	viommu_btf_enum_value(btf, "e", "E_B", &v, why, sizeof(why));
	viommu_btf_check_func(btf, "fn", &proto, why, sizeof(why));
	for (id = 0; id < viommu_btf_nr_types(btf) + 2; id++) {
		viommu_btf_name(btf, id);
		viommu_btf_type_size(btf, id);
		if (!viommu_btf_member(btf, id, "p", &m, why, sizeof(why)))
			viommu_btf_check_type(btf, m.type, &want_s_ptr, why,
					      sizeof(why));
	}
}

static void btf_test_truncated(struct kunit *test)
{
	char why[VIOMMU_WHY_LEN];
	struct viommu_btf *btf;
	size_t size, n;
	void *blob = btf_test_sample(test, &size);
	void *copy = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, copy);
	btf = viommu_btf_parse(blob, size, NULL, why, sizeof(why));
	KUNIT_ASSERT_FALSE(test, IS_ERR(btf));
	btf_test_poke(btf);
	viommu_btf_free(btf);

	/* Every shorter blob is refused: its header points past the end. */
	for (n = 0; n < size; n++) {
		memcpy(copy, blob, n);
		btf = viommu_btf_parse(copy, n, NULL, why, sizeof(why));
		KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(btf), "length %zu accepted", n);
		if (!IS_ERR(btf))
			viommu_btf_free(btf);
	}
}

/* xorshift32: the same damage on every run, so a failure reproduces. */
static u32 btf_test_rand(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static void btf_test_corrupt(struct kunit *test)
{
	struct btf_header *hdr;
	char why[VIOMMU_WHY_LEN];
	struct viommu_btf *btf;
	size_t size, i;
	void *blob = btf_test_sample(test, &size);
	u8 *copy = kunit_kzalloc(test, size, GFP_KERNEL);
	u32 *first, seed = 0x9e3779b9;

	KUNIT_ASSERT_NOT_NULL(test, copy);
	hdr = (void *)copy;

	memcpy(copy, blob, size);
	hdr->magic = 0x9feb;	/* the other endianness */
	btf = viommu_btf_parse(copy, size, NULL, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, PTR_ERR(btf), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "not BTF"));

	memcpy(copy, blob, size);
	hdr->str_len += 4;
	btf = viommu_btf_parse(copy, size, NULL, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, PTR_ERR(btf), -EINVAL);

	memcpy(copy, blob, size);
	copy[size - 1] = 'x';	/* last string not terminated */
	btf = viommu_btf_parse(copy, size, NULL, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, PTR_ERR(btf), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "NUL"));

	memcpy(copy, blob, size);
	first = (u32 *)(copy + sizeof(*hdr));
	first[0] = hdr->str_len + 100;	/* name beyond the strings */
	btf = viommu_btf_parse(copy, size, NULL, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, PTR_ERR(btf), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "beyond the strings"));

	/* A struct claiming 0xffff members runs past the type section. */
	memcpy(copy, blob, size);
	first[1] = BTF_KIND_STRUCT << 24 | 0xffff;
	btf = viommu_btf_parse(copy, size, NULL, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, PTR_ERR(btf), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "truncated"));

	/* Random damage: refused or parsed, never a crash or a KASAN report. */
	for (i = 0; i < 500; i++) {
		unsigned int k, flips = 1 + btf_test_rand(&seed) % 4;

		memcpy(copy, blob, size);
		for (k = 0; k < flips; k++)
			copy[btf_test_rand(&seed) % size] ^= 1 << (btf_test_rand(&seed) % 8);
		btf = viommu_btf_parse(copy, size, NULL, why, sizeof(why));
		if (IS_ERR(btf))
			continue;
		btf_test_poke(btf);
		viommu_btf_free(btf);
	}
}

/*
 * Members must lie inside their struct at every level of anonymous
 * nesting; a zero-length array may end exactly at the end.
 */
static void btf_test_member_bounds(struct kunit *test)
{
	struct bb *b = bb_new(test, NULL);
	char why[VIOMMU_WHY_LEN] = "";
	struct viommu_btf_member m;
	u32 anon8, anon4, over, in_anon, flex, arr0, bf;
	struct viommu_btf *btf;
	struct bb_ids ids;

	bb_base_types(b, &ids);
	/* struct { u32 x; } of 8 bytes, placed at byte 4 of an 8-byte struct. */
	anon8 = bb_type(b, "", BTF_KIND_STRUCT, false, 1, 8);
	bb_member(b, "x", ids.uint, 0);
	over = bb_type(b, "over", BTF_KIND_STRUCT, false, 2, 8);
	bb_member(b, "a", ids.uint, 0);
	bb_member(b, "", anon8, 32);
	/* y at byte 4 of a 4-byte anonymous struct: inside in_anon, not in it. */
	anon4 = bb_type(b, "", BTF_KIND_STRUCT, false, 1, 4);
	bb_member(b, "y", ids.uint, 32);
	in_anon = bb_type(b, "in_anon", BTF_KIND_STRUCT, false, 1, 16);
	bb_member(b, "", anon4, 0);
	/* A flexible array ends the struct: size 0 at its very end is fine. */
	arr0 = bb_type(b, "", BTF_KIND_ARRAY, false, 0, 0);
	bb_word3(b, ids.uint, ids.uint, 0);
	flex = bb_type(b, "flex", BTF_KIND_STRUCT, false, 2, 8);
	bb_member(b, "n", ids.ulong, 0);
	bb_member(b, "tail", arr0, 64);
	/* A 4-bit bitfield at bit 60 ends in byte 8 of 8: fine; at 61, not. */
	bf = bb_type(b, "bf", BTF_KIND_STRUCT, true, 2, 8);
	bb_member(b, "lo", ids.uint, 4 << 24 | 60);
	bb_member(b, "hi", ids.uint, 4 << 24 | 61);
	btf = bb_parse(b, NULL);

	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, over, "a", &m, why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, over, "x", &m, why, sizeof(why)),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "anonymous member at bit 32 (8 bytes)"),
				  "%s", why);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "lies outside its 8-byte container"),
				  "%s", why);
	KUNIT_EXPECT_EQ(test, viommu_btf_find_struct(btf, "over", (const char *[]){ "x" },
						     1, why, sizeof(why)), -EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "struct over, member x: "), "%s", why);

	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, in_anon, "y", &m, why, sizeof(why)),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test,
				  strstr(why, "at bit 32 (4 bytes) it lies outside its 4-byte"),
				  "%s", why);

	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, flex, "tail", &m, why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, m.offset, 8U);
	KUNIT_EXPECT_EQ(test, m.size, 0U);

	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, bf, "lo", &m, why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, m.offset, 7U);
	KUNIT_EXPECT_EQ(test, m.bit, 4);
	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, bf, "hi", &m, why, sizeof(why)),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "at bit 61 (4 bits)"), "%s", why);
}

/*
 * Offsets of nested anonymous members add up; a sum past 2^32 bits must
 * be refused, not wrapped into a small offset inside the struct. Each
 * level fits its container: only the sum is wrong.
 */
static void btf_test_member_wrap(struct kunit *test)
{
	struct bb *b = bb_new(test, NULL);
	char why[VIOMMU_WHY_LEN] = "";
	u32 w2, w1, two, inner, one, bitint, old_bf;
	struct viommu_btf_member m;
	struct viommu_btf *btf;
	struct bb_ids ids;

	bb_base_types(b, &ids);
	/* Two levels at bit 0xffffff80 each: the second sum wraps. */
	w2 = bb_type(b, "", BTF_KIND_STRUCT, false, 1, 16);
	bb_member(b, "id", ids.uint, 0);
	w1 = bb_type(b, "", BTF_KIND_STRUCT, false, 1, 0x20000010);
	bb_member(b, "", w2, 0xffffff80);
	two = bb_type(b, "two", BTF_KIND_STRUCT, false, 1, 0x40000000);
	bb_member(b, "", w1, 0xffffff80);
	/* One level at 0xffffff80, the member at bit 0x100 in it. */
	inner = bb_type(b, "", BTF_KIND_STRUCT, false, 1, 0x40);
	bb_member(b, "id", ids.uint, 0x100);
	one = bb_type(b, "one", BTF_KIND_STRUCT, false, 1, 0x20000100);
	bb_member(b, "", inner, 0xffffff80);
	/* An old-style bitfield whose int's bit offset pushes it past 2^32. */
	bitint = bb_type(b, "", BTF_KIND_INT, false, 0, 4);
	bb_word(b, 0x90 << 16 | 3);
	old_bf = bb_type(b, "old_bf", BTF_KIND_STRUCT, false, 1, 0x20000000);
	bb_member(b, "flag", bitint, 0xffffff80);
	btf = bb_parse(b, NULL);

	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, two, "id", &m, why, sizeof(why)),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "offset wraps"), "%s", why);
	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, one, "id", &m, why, sizeof(why)),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "offset wraps"), "%s", why);
	KUNIT_EXPECT_EQ(test, viommu_btf_find_struct(btf, "one", (const char *[]){ "id" },
						     1, why, sizeof(why)), -EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "struct one, member id: its offset wraps"),
				  "%s", why);
	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, old_bf, "flag", &m, why, sizeof(why)),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "offset wraps"), "%s", why);
}

/*
 * Anonymous members nest: a union whose members are all itself, or a
 * chain of unions of two members each, is a tree of 2^30 (or 8^32)
 * members to search. The search gives up after its budget, at once.
 */
static void btf_test_member_nesting(struct kunit *test)
{
	struct bb *b = bb_new(test, NULL);
	char why[VIOMMU_WHY_LEN] = "";
	struct viommu_btf_member m;
	u32 self, chain, top, i;
	struct viommu_btf *btf;
	struct bb_ids ids;
	ktime_t start;
	s64 ms;

	bb_base_types(b, &ids);
	/* union self { union self; ... eight times }: types are ids. */
	self = b->next_id;
	bb_type(b, "self", BTF_KIND_UNION, false, 8, 4);
	for (i = 0; i < 8; i++)
		bb_member(b, "", self, 0);
	/* 30 levels of union { union next; union next; }, each 4 bytes. */
	chain = bb_type(b, "", BTF_KIND_UNION, false, 1, 4);
	bb_member(b, "leaf", ids.uint, 0);
	for (i = 0; i < 30; i++) {
		u32 next = chain;

		chain = bb_type(b, "", BTF_KIND_UNION, false, 2, 4);
		bb_member(b, "", next, 0);
		bb_member(b, "", next, 0);
	}
	top = bb_type(b, "top", BTF_KIND_STRUCT, false, 1, 4);
	bb_member(b, "", chain, 0);
	btf = bb_parse(b, NULL);

	start = ktime_get();
	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, self, "nope", &m, why, sizeof(why)),
			-E2BIG);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "members searched"), "%s", why);
	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, top, "nope", &m, why, sizeof(why)),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, viommu_btf_find_struct(btf, "top", (const char *[]){ "nope" },
						     1, why, sizeof(why)), -E2BIG);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "struct top, member nope: more than"),
				  "%s", why);
	/*
	 * E2BIG with its message is the proof that the budget stopped them:
	 * unbounded, they would not return. The time is information only (a
	 * loaded TCG host took 39 s): no timed assertion.
	 */
	ms = ktime_ms_delta(ktime_get(), start);
	kunit_info(test, "three refused searches took %lld ms\n", ms);

	/* A member found before the budget runs out is found: leftmost path. */
	KUNIT_EXPECT_EQ(test, viommu_btf_member(btf, top, "leaf", &m, why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, m.offset, 0U);
	KUNIT_EXPECT_EQ(test, m.size, 4U);
}

/* How the crafted kernel of the layout cases differs from the good one. */
enum btf_test_kernel {
	KERNEL_GOOD,
	KERNEL_FIELD_MOVED,
	KERNEL_OBJ_MOVED,
	KERNEL_MEMBER_MISSING,
	KERNEL_TYPE_CHANGED,
	KERNEL_BITFIELD_WIDER,
	KERNEL_PROTO_CHANGED,
	KERNEL_PARAMS_CHANGED,
	KERNEL_DUP_AMBIGUOUS,
	KERNEL_ENUM_MISSING,
	KERNEL_FUNC_MISSING,
	KERNEL_PAST_END,
	KERNEL_BITFIELD_PAST_END,
	KERNEL_TYPE_AND_FUNC,	/* both: two entries fail */
};

/*
 * vmlinux: the common ints and two struct dev (one with a, b; one with
 * c, d: as arm-smmu v2 and v3). The module: enum obj_type, struct obj
 * {id, type}, struct paging {obj, ioas, nest:1, auto:1} and
 * int get_obj(struct obj *, u32).
 */
static void btf_test_kernel(struct kunit *test, enum btf_test_kernel k,
			    struct viommu_btf **btfs)
{
	struct bb *base = bb_new(test, NULL), *mod;
	u32 enm, obj, obj_ptr, proto;
	struct bb_ids ids;

	bb_base_types(base, &ids);
	bb_type(base, "dev", BTF_KIND_STRUCT, false, 2, 8);
	bb_member(base, "a", ids.uint, 0);
	bb_member(base, k == KERNEL_DUP_AMBIGUOUS ? "c" : "b", ids.uint, 32);
	bb_type(base, "dev", BTF_KIND_STRUCT, false, 2, 16);
	bb_member(base, "c", ids.ulong, 0);
	bb_member(base, "d", ids.ulong, 64);

	mod = bb_new(test, base);
	if (k == KERNEL_ENUM_MISSING) {
		enm = bb_type(mod, "obj_type", BTF_KIND_ENUM, false, 1, 4);
	} else {
		enm = bb_type(mod, "obj_type", BTF_KIND_ENUM, false, 2, 4);
		bb_pair(mod, "OBJ_B", 1);
	}
	bb_pair(mod, "OBJ_A", 0);
	obj = bb_type(mod, "obj", BTF_KIND_STRUCT, false, 2, 8);
	if (k == KERNEL_TYPE_CHANGED || k == KERNEL_TYPE_AND_FUNC)
		bb_member(mod, "id", ids.sint, 0);
	else
		bb_member(mod, "id", ids.uint, k == KERNEL_FIELD_MOVED ? 32 : 0);
	bb_member(mod, "type", enm, k == KERNEL_FIELD_MOVED ? 0 :
		  k == KERNEL_PAST_END ? 64 : 32);
	obj_ptr = bb_type(mod, "", BTF_KIND_PTR, false, 0, obj);

	bb_type(mod, "paging", BTF_KIND_STRUCT, true,
		k == KERNEL_MEMBER_MISSING ? 3 : 4, 24);
	if (k == KERNEL_OBJ_MOVED) {
		bb_member(mod, "ioas", obj_ptr, 0);
		bb_member(mod, "obj", obj, 64);
	} else {
		bb_member(mod, "obj", obj, 0);
		bb_member(mod, "ioas", obj_ptr, 64);
	}
	bb_member(mod, "nest", ids.boolean,
		  (k == KERNEL_BITFIELD_WIDER ? 2 : 1) << 24 | 129);
	if (k != KERNEL_MEMBER_MISSING)
		bb_member(mod, "auto", ids.boolean,
			  1 << 24 | (k == KERNEL_BITFIELD_PAST_END ? 192 : 128));

	proto = bb_type(mod, "", BTF_KIND_FUNC_PROTO, false,
			k == KERNEL_PARAMS_CHANGED ? 3 : 2, ids.sint);
	bb_pair(mod, "obj", obj_ptr);
	bb_pair(mod, "id", k == KERNEL_PROTO_CHANGED ? ids.ulong : ids.u32_td);
	if (k == KERNEL_PARAMS_CHANGED)
		bb_pair(mod, "flags", ids.uint);
	bb_type(mod, k == KERNEL_FUNC_MISSING || k == KERNEL_TYPE_AND_FUNC ?
		"get_obj2" : "get_obj",
		BTF_KIND_FUNC, false, BTF_FUNC_GLOBAL, proto);

	btfs[VIOMMU_LAYOUT_VMLINUX] = bb_parse(base, NULL);
	btfs[VIOMMU_LAYOUT_IOMMUFD] = bb_parse(mod, btfs[VIOMMU_LAYOUT_VMLINUX]);
}

static struct {
	u32 obj_size, paging_size, obj_b;
	struct viommu_field id, type, pobj, ioas, nest, autod, dev_c;
} lt;

#define T_S(n, b, sz) { .kind = VIOMMU_LAYOUT_STRUCT, .btf = b, .name = n, \
			.size = sz }
#define T_F(n, m, out, ...) { .kind = VIOMMU_LAYOUT_FIELD, .name = n, \
			      .member = m, .field = &lt.out, .want = __VA_ARGS__ }
#define MOD VIOMMU_LAYOUT_IOMMUFD

static const struct viommu_layout_entry btf_test_table[] = {
	T_S("obj", MOD, &lt.obj_size),
	T_F("obj", "id", id, VB_U32),
	T_F("obj", "type", type, VB_ENUM("obj_type", u32)),
	T_S("paging", MOD, &lt.paging_size),
	{ .kind = VIOMMU_LAYOUT_FIELD, .name = "paging", .member = "obj",
	  .field = &lt.pobj, .flags = VIOMMU_LAYOUT_AT_ZERO,
	  .want = VB_STRUCT("obj", 0) },
	T_F("paging", "ioas", ioas, VB_PTR("obj")),
	T_F("paging", "nest", nest, VB_BOOL),
	T_F("paging", "auto", autod, VB_BOOL),
	T_S("dev", VIOMMU_LAYOUT_VMLINUX, NULL),
	T_F("dev", "c", dev_c, VB_INT(u64)),
	{ .kind = VIOMMU_LAYOUT_ENUM, .btf = MOD, .name = "obj_type",
	  .member = "OBJ_B", .value = &lt.obj_b },
	{ .kind = VIOMMU_LAYOUT_FUNC, .btf = MOD, .name = "get_obj",
	  .proto = &(const struct viommu_btf_proto){
		VB_INT(int), 2, { VB_PTR("obj"), VB_U32 } } },
};

static int btf_test_verify(struct kunit *test, enum btf_test_kernel k,
			   const char *fail, char *why)
{
	struct viommu_btf *btfs[VIOMMU_LAYOUT_NR_BTF];

	memset(&lt, 0xff, sizeof(lt));
	btf_test_kernel(test, k, btfs);
	*why = 0;
	return viommu_layout_verify(btfs, btf_test_table,
				    ARRAY_SIZE(btf_test_table), fail, why,
				    VIOMMU_WHY_LEN);
}

static void btf_test_layout_good(struct kunit *test)
{
	char why[VIOMMU_WHY_LEN];

	KUNIT_ASSERT_EQ_MSG(test, btf_test_verify(test, KERNEL_GOOD, NULL, why),
			    0, "%s", why);
	KUNIT_EXPECT_EQ(test, lt.obj_size, 8U);
	KUNIT_EXPECT_EQ(test, lt.paging_size, 24U);
	KUNIT_EXPECT_EQ(test, lt.id.offset, 0U);
	KUNIT_EXPECT_EQ(test, lt.id.size, 4U);
	KUNIT_EXPECT_EQ(test, lt.type.offset, 4U);
	KUNIT_EXPECT_EQ(test, lt.ioas.offset, 8U);
	KUNIT_EXPECT_EQ(test, lt.ioas.size, 8U);
	/* Bitfields: bit 129 is bit 1 of byte 16. */
	KUNIT_EXPECT_EQ(test, lt.nest.offset, 16U);
	KUNIT_EXPECT_EQ(test, lt.nest.bit, 1);
	KUNIT_EXPECT_EQ(test, lt.nest.bits, 1);
	KUNIT_EXPECT_EQ(test, lt.autod.offset, 16U);
	KUNIT_EXPECT_EQ(test, lt.autod.bit, 0);
	/* The struct dev that has c, not the first of that name. */
	KUNIT_EXPECT_EQ(test, lt.dev_c.offset, 0U);
	KUNIT_EXPECT_EQ(test, lt.dev_c.size, 8U);
	KUNIT_EXPECT_EQ(test, lt.obj_b, 1U);
}

/* A moved field is learned where it now is: no offset is assumed. */
static void btf_test_layout_moved(struct kunit *test)
{
	char why[VIOMMU_WHY_LEN];

	KUNIT_ASSERT_EQ_MSG(test, btf_test_verify(test, KERNEL_FIELD_MOVED, NULL, why),
			    0, "%s", why);
	KUNIT_EXPECT_EQ(test, lt.id.offset, 4U);
	KUNIT_EXPECT_EQ(test, lt.type.offset, 0U);
}

static void btf_test_expect_refused(struct kunit *test, enum btf_test_kernel k,
				    const char *fail, const char *reason)
{
	char why[VIOMMU_WHY_LEN];
	int rc = btf_test_verify(test, k, fail, why);

	KUNIT_EXPECT_NE(test, rc, 0);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, reason),
				  "reason \"%s\", want \"%s\"", why, reason);
}

static void btf_test_layout_refused(struct kunit *test)
{
	/* A member that must be at 0 (stock allocations) moved. */
	btf_test_expect_refused(test, KERNEL_OBJ_MOVED, NULL,
				"paging.obj: at offset 8, want 0");
	btf_test_expect_refused(test, KERNEL_MEMBER_MISSING, NULL,
				"struct paging has no member auto");
	btf_test_expect_refused(test, KERNEL_TYPE_CHANGED, NULL,
				"obj.id: want unsigned int (4 bytes), BTF has int (4 bytes)");
	btf_test_expect_refused(test, KERNEL_BITFIELD_WIDER, NULL,
				"paging.nest: a 2-bit bitfield");
	btf_test_expect_refused(test, KERNEL_PROTO_CHANGED, NULL,
				"get_obj() parameter 2: want unsigned int (4 bytes), BTF has long unsigned int (8 bytes)");
	btf_test_expect_refused(test, KERNEL_PARAMS_CHANGED, NULL,
				"get_obj() has 3 parameters, want 2");
	btf_test_expect_refused(test, KERNEL_DUP_AMBIGUOUS, NULL,
				"2 different struct dev have all the members");
	btf_test_expect_refused(test, KERNEL_ENUM_MISSING, NULL,
				"enum obj_type has no OBJ_B");
	btf_test_expect_refused(test, KERNEL_FUNC_MISSING, NULL,
				"no function get_obj() in BTF");
	/* Members past the end of their struct (the shim would write there). */
	btf_test_expect_refused(test, KERNEL_PAST_END, NULL,
				"struct obj, member type: at bit 64 (4 bytes) it lies outside its 8-byte container");
	btf_test_expect_refused(test, KERNEL_BITFIELD_PAST_END, NULL,
				"struct paging, member auto: at bit 192 (1 bits) it lies outside its 24-byte container");
	/* The test knob, by field, struct, enumerator and function. */
	btf_test_expect_refused(test, KERNEL_GOOD, "paging.nest",
				"paging.nest: failed on purpose");
	btf_test_expect_refused(test, KERNEL_GOOD, "dev", "dev: failed on purpose");
	btf_test_expect_refused(test, KERNEL_GOOD, "OBJ_B", "failed on purpose");
	btf_test_expect_refused(test, KERNEL_GOOD, "get_obj",
				"get_obj: failed on purpose");
}

/* viommu_layout_check_only() of the test table on crafted kernel @k */
static int btf_test_check(struct kunit *test, enum btf_test_kernel k,
			  unsigned int *failed, char *why)
{
	struct viommu_btf *btfs[VIOMMU_LAYOUT_NR_BTF];

	btf_test_kernel(test, k, btfs);
	*why = 0;
	return viommu_layout_check_only(btfs, btf_test_table,
					ARRAY_SIZE(btf_test_table), failed, why,
					VIOMMU_WHY_LEN);
}

/*
 * The fuzz target's check (kunit/btf_fuzz.c) of BTF that is not the
 * running kernel's: the same verdicts, the table's outputs untouched,
 * and it goes on past a failure.
 */
static void btf_test_check_only(struct kunit *test)
{
	char why[VIOMMU_WHY_LEN];
	unsigned int failed;

	memset(&lt, 0xff, sizeof(lt));
	KUNIT_ASSERT_EQ_MSG(test, btf_test_check(test, KERNEL_FIELD_MOVED,
						 &failed, why), 0, "%s", why);
	KUNIT_EXPECT_EQ(test, failed, 0U);
	KUNIT_EXPECT_EQ(test, lt.obj_size, U32_MAX);
	KUNIT_EXPECT_EQ(test, lt.id.offset, U32_MAX);
	KUNIT_EXPECT_EQ(test, lt.type.size, U32_MAX);
	KUNIT_EXPECT_EQ(test, lt.obj_b, U32_MAX);

	KUNIT_EXPECT_EQ(test, btf_test_check(test, KERNEL_TYPE_CHANGED, &failed,
					     why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "obj.id: want unsigned int"),
				  "%s", why);
	KUNIT_EXPECT_EQ(test, failed, 1U);
	KUNIT_EXPECT_EQ(test, lt.obj_size, U32_MAX);

	/* Past a failure (the function's -ENOENT); the first reason stays. */
	KUNIT_EXPECT_EQ(test, btf_test_check(test, KERNEL_TYPE_AND_FUNC, &failed,
					     why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "obj.id: want unsigned int"),
				  "%s", why);
	KUNIT_EXPECT_EQ(test, failed, 2U);

	/* A struct that fails is one failure: its fields are not checked. */
	KUNIT_EXPECT_EQ(test, btf_test_check(test, KERNEL_DUP_AMBIGUOUS, &failed,
					     why), -ENOTUNIQ);
	KUNIT_EXPECT_EQ(test, failed, 1U);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "2 different struct dev"),
				  "%s", why);

	/*
	 * The load's check still stops at the first: struct paging, after
	 * obj.id in the table, is not learned.
	 */
	KUNIT_EXPECT_NE(test, btf_test_verify(test, KERNEL_TYPE_AND_FUNC, NULL, why), 0);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "obj.id: want unsigned int"),
				  "%s", why);
	KUNIT_EXPECT_EQ(test, lt.paging_size, U32_MAX);
}

/* The shim's own table verifies against the kernel it runs on. */
static void btf_test_running_kernel(struct kunit *test)
{
	char why[VIOMMU_WHY_LEN] = "";
	ktime_t start = ktime_get();
	int rc;

	rc = viommu_layout_verify_running(NULL, why, sizeof(why));
	if (rc == -ENOENT && strstr(why, "missing"))
		kunit_skip(test, "%s", why);
	KUNIT_ASSERT_EQ_MSG(test, rc, 0, "%s", why);
	kunit_info(test, "BTF read and table verified in %lld ms\n",
		   ktime_ms_delta(ktime_get(), start));
	KUNIT_EXPECT_EQ(test, viommu_layout.paging_nest_parent.bits, 1);
	KUNIT_EXPECT_EQ(test, viommu_layout.hwpt_obj.offset, 0U);
	KUNIT_EXPECT_GT(test, viommu_layout.nested_size, 0U);

	rc = viommu_layout_verify_running("iommufd_hwpt_paging.nest_parent",
					  why, sizeof(why));
	KUNIT_EXPECT_EQ(test, rc, -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "iommufd_hwpt_paging.nest_parent"));
}

static struct kunit_case btf_test_cases[] = {
	KUNIT_CASE(btf_test_strings),
	KUNIT_CASE(btf_test_split),
	KUNIT_CASE(btf_test_skip_kinds),
	KUNIT_CASE(btf_test_unknown_kind),
	KUNIT_CASE(btf_test_truncated),
	KUNIT_CASE(btf_test_corrupt),
	KUNIT_CASE(btf_test_member_bounds),
	KUNIT_CASE(btf_test_member_wrap),
	KUNIT_CASE(btf_test_member_nesting),
	KUNIT_CASE(btf_test_layout_good),
	KUNIT_CASE(btf_test_layout_moved),
	KUNIT_CASE(btf_test_layout_refused),
	KUNIT_CASE(btf_test_check_only),
	KUNIT_CASE(btf_test_running_kernel),
	{}
};

static struct kunit_suite btf_test_suite = {
	.name = "viommu-btf",
	.test_cases = btf_test_cases,
};

kunit_test_suites(&btf_test_suite);
