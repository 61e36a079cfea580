// SPDX-License-Identifier: GPL-2.0
/*
 * A small BTF reader: the running kernel describes its own private
 * layouts in /sys/kernel/btf/vmlinux and, for each module, in split BTF
 * on top of it (/sys/kernel/btf/<module>). This file parses such a blob
 * and answers the few questions the layout table asks: a struct by name
 * (told apart by members when the name is not unique), a member's offset
 * and type, an enum value, a function's prototype.
 *
 * It parses a file: every length and every id is bounds-checked, and a
 * blob it cannot walk is refused as a whole. Kinds it knows the size of
 * but has no use for (VAR, DATASEC, DECL_TAG, FLOAT, ...) are stepped
 * over; a kind number it does not know at all has a size it cannot know,
 * so the blob is refused (the same rule as the kernel's own verifier).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/math.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <uapi/linux/btf.h>

#include "layout.h"

/* Deepest chain of typedef/const/volatile or nested anonymous members. */
#define VIOMMU_BTF_DEPTH	32
/*
 * Most members one member lookup visits, anonymous ones' included: a
 * real struct has a few hundred; nested anonymous members of a crafted
 * BTF could make the search exponential (65535 members, 32 deep).
 */
#define VIOMMU_BTF_MEMBER_BUDGET	(1024U * 1024)
/* Largest BTF file read: vmlinux BTF of a distro kernel is ~6 MiB. */
#define VIOMMU_BTF_MAX_FILE	(256 << 20)

/**
 * struct viommu_btf - One parsed BTF blob
 * @base: The BTF this one is split on (vmlinux BTF), or NULL
 * @data: The blob
 * @types: @nr_types pointers into @data, for ids @start_id on
 * @strs: This blob's string section
 * @str_len: Its length
 * @str_start: The string offset its first byte has (the base's length)
 * @start_id: The id of its first type (1 without a base)
 * @nr_types: How many types it holds itself
 * @index: Its named structs, unions, enums and functions, by name hash
 * @nr_index: How many
 * @own_data: @data was allocated by the reader and is freed with it
 */
struct viommu_btf {
	const struct viommu_btf *base;
	const void *data;
	const struct btf_type **types;
	const char *strs;
	u32 str_len;
	u32 str_start;
	u32 start_id;
	u32 nr_types;
	struct viommu_btf_ix *index;
	u32 nr_index;
	bool own_data;
};

/* An entry of the name index: lookups stay cheap on a 100k-type vmlinux. */
struct viommu_btf_ix {
	u32 hash;
	u32 id;
};

/* Most names that can be looked up that many times are an error anyway. */
#define VIOMMU_BTF_MAX_SAME_NAME 32

static u32 btf_kind(const struct btf_type *t)
{
	return BTF_INFO_KIND(t->info);
}

static u32 btf_vlen(const struct btf_type *t)
{
	return BTF_INFO_VLEN(t->info);
}

static bool btf_kflag(const struct btf_type *t)
{
	return BTF_INFO_KFLAG(t->info);
}

/* Bytes after struct btf_type, or -1 for a kind the reader does not know. */
static long btf_trailer(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)btf_vlen(t) * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)btf_vlen(t) * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)btf_vlen(t) * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)btf_vlen(t) * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)btf_vlen(t) * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

/* Walk the type section; fill @types if given. Return the count or -errno. */
static long viommu_btf_walk(const u8 *sec, u32 len, const struct btf_type **types,
			    char *why, size_t why_len)
{
	u32 pos = 0;
	long n = 0;

	while (pos < len) {
		const struct btf_type *t = (const void *)(sec + pos);
		long trailer;

		if (len - pos < sizeof(*t)) {
			scnprintf(why, why_len, "type %ld truncated", n + 1);
			return -EINVAL;
		}
		trailer = btf_trailer(t);
		if (trailer < 0) {
			scnprintf(why, why_len, "type %ld has unknown kind %u",
				  n + 1, btf_kind(t));
			return -EINVAL;
		}
		if (len - pos - sizeof(*t) < trailer) {
			scnprintf(why, why_len, "type %ld truncated", n + 1);
			return -EINVAL;
		}
		if (n >= BTF_MAX_TYPE) {
			scnprintf(why, why_len, "more than %u types", BTF_MAX_TYPE);
			return -E2BIG;
		}
		if (types)
			types[n] = t;
		n++;
		pos += sizeof(*t) + trailer;
	}
	return n;
}

static u32 btf_hash(const char *s)
{
	u32 h = 2166136261U;	/* FNV-1a */

	while (*s) {
		h ^= (u8)*s++;
		h *= 16777619U;
	}
	return h;
}

static int btf_ix_cmp(const void *a, const void *b)
{
	const struct viommu_btf_ix *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static bool btf_indexed(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FUNC:
		return t->name_off != 0;
	default:
		return false;
	}
}

static const char *btf_str(const struct viommu_btf *btf, u32 off);

/* Index the named types a lookup can ask for (names checked valid). */
static int viommu_btf_index(struct viommu_btf *btf)
{
	u32 i, n = 0;

	for (i = 0; i < btf->nr_types; i++)
		n += btf_indexed(btf->types[i]);
	btf->index = kvmalloc_array(max(n, 1U), sizeof(*btf->index), GFP_KERNEL);
	if (!btf->index)
		return -ENOMEM;
	for (i = 0; i < btf->nr_types; i++) {
		if (!btf_indexed(btf->types[i]))
			continue;
		btf->index[btf->nr_index].hash =
			btf_hash(btf_str(btf, btf->types[i]->name_off));
		btf->index[btf->nr_index].id = btf->start_id + i;
		btf->nr_index++;
	}
	sort(btf->index, btf->nr_index, sizeof(*btf->index), btf_ix_cmp, NULL);
	return 0;
}

/**
 * viommu_btf_parse() - Parse a BTF blob
 * @data: The blob; it must stay valid until viommu_btf_free()
 * @size: Its size
 * @base: For split BTF, the BTF it is split on; NULL for vmlinux BTF
 * @why: Filled with the reason on failure
 * @why_len: Size of @why
 *
 * Return: The parsed BTF, or ERR_PTR(-EINVAL) for a blob that is not
 * well-formed BTF (@why says where), ERR_PTR(-ENOMEM).
 */
struct viommu_btf *viommu_btf_parse(const void *data, size_t size,
				    const struct viommu_btf *base,
				    char *why, size_t why_len)
{
	const struct btf_header *hdr = data;
	const u8 *body, *types_sec;
	struct viommu_btf *btf;
	long n;
	u32 i;

	if (base && base->base) {
		scnprintf(why, why_len, "base BTF is itself split");
		return ERR_PTR(-EINVAL);
	}
	if (size < sizeof(*hdr) || !IS_ALIGNED((unsigned long)data, 4)) {
		scnprintf(why, why_len, "shorter than a BTF header");
		return ERR_PTR(-EINVAL);
	}
	if (hdr->magic != BTF_MAGIC || hdr->version != BTF_VERSION) {
		scnprintf(why, why_len, "not BTF (magic %#x version %u)",
			  hdr->magic, hdr->version);
		return ERR_PTR(-EINVAL);
	}
	if (hdr->hdr_len < sizeof(*hdr) || hdr->hdr_len > size ||
	    !IS_ALIGNED(hdr->hdr_len, 4)) {
		scnprintf(why, why_len, "bad header length %u", hdr->hdr_len);
		return ERR_PTR(-EINVAL);
	}
	/* A longer header from a newer format: only if it says nothing more. */
	if (memchr_inv((const u8 *)data + sizeof(*hdr), 0,
		       hdr->hdr_len - sizeof(*hdr))) {
		scnprintf(why, why_len, "header has unknown non-zero fields");
		return ERR_PTR(-EINVAL);
	}
	body = (const u8 *)data + hdr->hdr_len;
	size -= hdr->hdr_len;
	if ((u64)hdr->type_off + hdr->type_len > size ||
	    (u64)hdr->str_off + hdr->str_len > size ||
	    !IS_ALIGNED(hdr->type_off, 4)) {
		scnprintf(why, why_len, "section beyond the end of the blob");
		return ERR_PTR(-EINVAL);
	}
	if (!hdr->str_len || body[hdr->str_off + hdr->str_len - 1] ||
	    (!base && body[hdr->str_off])) {
		scnprintf(why, why_len, "string section not NUL-delimited");
		return ERR_PTR(-EINVAL);
	}
	if (base && (u64)base->str_len + hdr->str_len > BTF_MAX_NAME_OFFSET) {
		scnprintf(why, why_len, "string section too large");
		return ERR_PTR(-EINVAL);
	}
	types_sec = body + hdr->type_off;
	n = viommu_btf_walk(types_sec, hdr->type_len, NULL, why, why_len);
	if (n < 0)
		return ERR_PTR(n);
	if (base && (u64)base->nr_types + 1 + n > BTF_MAX_TYPE) {
		scnprintf(why, why_len, "too many types on top of the base");
		return ERR_PTR(-E2BIG);
	}

	btf = kzalloc(sizeof(*btf), GFP_KERNEL);
	if (!btf)
		return ERR_PTR(-ENOMEM);
	btf->types = kvmalloc_array(max(n, 1L), sizeof(*btf->types), GFP_KERNEL);
	if (!btf->types) {
		kfree(btf);
		return ERR_PTR(-ENOMEM);
	}
	viommu_btf_walk(types_sec, hdr->type_len, btf->types, why, why_len);
	btf->base = base;
	btf->data = data;
	btf->nr_types = n;
	btf->strs = (const char *)body + hdr->str_off;
	btf->str_len = hdr->str_len;
	btf->start_id = base ? base->start_id + base->nr_types : 1;
	btf->str_start = base ? base->str_len : 0;

	/* Every name must be a string of the blob or of its base. */
	for (i = 0; i < btf->nr_types; i++) {
		if (btf->types[i]->name_off >= btf->str_start + btf->str_len) {
			scnprintf(why, why_len, "type %u names offset %u beyond the strings",
				  btf->start_id + i, btf->types[i]->name_off);
			viommu_btf_free(btf);
			return ERR_PTR(-EINVAL);
		}
	}
	if (viommu_btf_index(btf)) {
		viommu_btf_free(btf);
		return ERR_PTR(-ENOMEM);
	}
	return btf;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_btf_parse);

/**
 * viommu_btf_free() - Free a parsed BTF, and its blob if the reader read it
 * @btf: The BTF, or NULL or an ERR_PTR
 */
void viommu_btf_free(struct viommu_btf *btf)
{
	if (IS_ERR_OR_NULL(btf))
		return;
	if (btf->own_data)
		vfree(btf->data);
	kvfree(btf->index);
	kvfree(btf->types);
	kfree(btf);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_btf_free);

/**
 * viommu_btf_load() - Read and parse a BTF file
 * @path: E.g. "/sys/kernel/btf/vmlinux"
 * @base: As for viommu_btf_parse()
 * @why: Filled with the reason on failure
 * @why_len: Size of @why
 *
 * Return: The parsed BTF (free with viommu_btf_free()), or an ERR_PTR:
 * -ENOENT if there is no such file.
 */
struct viommu_btf *viommu_btf_load(const char *path,
				   const struct viommu_btf *base,
				   char *why, size_t why_len)
{
	struct viommu_btf *btf;
	struct file *file;
	loff_t size, pos = 0;
	void *buf;

	file = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(file)) {
		scnprintf(why, why_len, "cannot open %s (%ld)", path, PTR_ERR(file));
		return ERR_CAST(file);
	}
	size = i_size_read(file_inode(file));
	if (size <= 0 || size > VIOMMU_BTF_MAX_FILE) {
		scnprintf(why, why_len, "%s has size %lld", path, size);
		filp_close(file, NULL);
		return ERR_PTR(-EFBIG);
	}
	buf = vmalloc(size);
	if (!buf) {
		filp_close(file, NULL);
		return ERR_PTR(-ENOMEM);
	}
	while (pos < size) {
		ssize_t got = kernel_read(file, buf + pos, size - pos, &pos);

		if (got <= 0) {
			scnprintf(why, why_len, "short read of %s at %lld (%zd)",
				  path, pos, got);
			filp_close(file, NULL);
			vfree(buf);
			return ERR_PTR(got < 0 ? got : -EIO);
		}
	}
	filp_close(file, NULL);
	btf = viommu_btf_parse(buf, size, base, why, why_len);
	if (IS_ERR(btf)) {
		vfree(buf);
		return btf;
	}
	btf->own_data = true;
	return btf;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_btf_load);

/**
 * viommu_btf_nr_types() - One past the last type id a BTF knows
 * @btf: The BTF
 *
 * Return: The id after the last type (its base's types included).
 */
u32 viommu_btf_nr_types(const struct viommu_btf *btf)
{
	return btf->start_id + btf->nr_types;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_btf_nr_types);

/*
 * NULL for void (id 0) and for ids out of range. A base is never split
 * itself (viommu_btf_parse() refuses that), so an id or string below ours
 * is the base's or none: one step, not a recursion (whose inlined copies
 * for a base's base could never run).
 */
static const struct btf_type *btf_type(const struct viommu_btf *btf, u32 id)
{
	if (id < btf->start_id)
		btf = btf->base;
	if (!btf || id - btf->start_id >= btf->nr_types)
		return NULL;
	return btf->types[id - btf->start_id];
}

/* Both sections end with NUL, so any offset in range is a string. */
static const char *btf_str(const struct viommu_btf *btf, u32 off)
{
	if (off < btf->str_start)
		btf = btf->base;
	if (!btf || off - btf->str_start >= btf->str_len)
		return NULL;
	return btf->strs + (off - btf->str_start);
}

/**
 * viommu_btf_name() - The name of a type
 * @btf: The BTF
 * @id: A type id
 *
 * Return: The name ("" when anonymous), or NULL for a bad id.
 */
const char *viommu_btf_name(const struct viommu_btf *btf, u32 id)
{
	const struct btf_type *t = btf_type(btf, id);

	return t ? btf_str(btf, t->name_off) : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_btf_name);

static bool btf_named(const struct viommu_btf *btf, const struct btf_type *t,
		      const char *name)
{
	const char *s = btf_str(btf, t->name_off);

	return s && !strcmp(s, name);
}

static unsigned int btf_lookup_level(const struct viommu_btf *btf,
				     const char *name, u32 hash, u32 *ids,
				     unsigned int n)
{
	u32 lo = 0, hi = btf->nr_index;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (btf->index[mid].hash < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < btf->nr_index && btf->index[lo].hash == hash; lo++) {
		u32 id = btf->index[lo].id;

		if (!btf_named(btf, btf_type(btf, id), name))
			continue;
		if (n < VIOMMU_BTF_MAX_SAME_NAME)
			ids[n] = id;
		n++;
	}
	return n;
}

/*
 * The ids of the structs, unions, enums and functions named @name, the
 * base's first (unless @own_only), in id order. Return: how many; more
 * than VIOMMU_BTF_MAX_SAME_NAME means @ids holds only the first ones.
 */
static unsigned int btf_lookup(const struct viommu_btf *btf, const char *name,
			       bool own_only,
			       u32 ids[VIOMMU_BTF_MAX_SAME_NAME])
{
	u32 hash = btf_hash(name);
	unsigned int n = 0;

	if (btf->base && !own_only)
		n = btf_lookup_level(btf->base, name, hash, ids, n);
	return btf_lookup_level(btf, name, hash, ids, n);
}

/* Strip typedef, const, volatile, restrict and type tags. */
static u32 btf_skip_mods(const struct viommu_btf *btf, u32 id)
{
	unsigned int depth;

	for (depth = 0; depth < VIOMMU_BTF_DEPTH; depth++) {
		const struct btf_type *t = btf_type(btf, id);

		if (!t)
			return id;
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			break;
		default:
			return id;
		}
	}
	return U32_MAX;	/* a loop: no such type */
}

/* Describe a type in a few words, for the log line. */
static void btf_describe(const struct viommu_btf *btf, u32 id, char *buf,
			 size_t len, unsigned int depth)
{
	static const char * const kinds[] = {
		[BTF_KIND_INT] = "int", [BTF_KIND_PTR] = "pointer",
		[BTF_KIND_ARRAY] = "array", [BTF_KIND_STRUCT] = "struct",
		[BTF_KIND_UNION] = "union", [BTF_KIND_ENUM] = "enum",
		[BTF_KIND_FWD] = "declared struct", [BTF_KIND_FUNC] = "function",
		[BTF_KIND_FUNC_PROTO] = "function type", [BTF_KIND_FLOAT] = "float",
		[BTF_KIND_ENUM64] = "enum",
	};
	const struct btf_type *t;
	const char *name;
	u32 kind;

	id = btf_skip_mods(btf, id);
	if (!id) {
		scnprintf(buf, len, "void");
		return;
	}
	t = btf_type(btf, id);
	if (!t) {
		scnprintf(buf, len, "bad type id %u", id);
		return;
	}
	kind = btf_kind(t);
	name = btf_str(btf, t->name_off);
	if (kind == BTF_KIND_PTR && depth < 2) {
		int n = scnprintf(buf, len, "pointer to ");

		btf_describe(btf, t->type, buf + n, len - n, depth + 1);
		return;
	}
	if (kind == BTF_KIND_INT && name && *name)
		scnprintf(buf, len, "%s (%u bytes)", name, t->size);
	else
		scnprintf(buf, len, "%s%s%s",
			  kind < ARRAY_SIZE(kinds) && kinds[kind] ? kinds[kind] : "other",
			  name && *name ? " " : "", name ? name : "");
}

static bool btf_check(const struct viommu_btf *btf, u32 id,
		      const struct viommu_btf_want *want, unsigned int depth)
{
	const struct btf_type *t;
	u32 kind, enc;

	if (depth > VIOMMU_BTF_DEPTH)
		return false;
	id = btf_skip_mods(btf, id);
	if (want->kind == VIOMMU_WANT_VOID)
		return id == 0;
	t = btf_type(btf, id);
	if (!t)
		return false;
	kind = btf_kind(t);

	switch (want->kind) {
	case VIOMMU_WANT_INT:
	case VIOMMU_WANT_BOOL:
		if (kind != BTF_KIND_INT)
			return false;
		enc = BTF_INT_ENCODING(*(const u32 *)(t + 1));
		if (want->kind == VIOMMU_WANT_BOOL)
			return (enc & BTF_INT_BOOL) && t->size == sizeof(bool);
		return !(enc & BTF_INT_BOOL) && t->size == want->size &&
		       !!(enc & BTF_INT_SIGNED) == want->is_signed;
	case VIOMMU_WANT_ENUM:
		return (kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64) &&
		       btf_named(btf, t, want->name) &&
		       (!want->size || t->size == want->size);
	case VIOMMU_WANT_STRUCT:
	case VIOMMU_WANT_UNION:
		if (kind == BTF_KIND_FWD && depth > 0)
			/* Behind a pointer a declaration is enough. */
			return btf_kflag(t) == (want->kind == VIOMMU_WANT_UNION) &&
			       btf_named(btf, t, want->name);
		return kind == (want->kind == VIOMMU_WANT_UNION ?
				BTF_KIND_UNION : BTF_KIND_STRUCT) &&
		       btf_named(btf, t, want->name) &&
		       (!want->size || t->size == want->size);
	case VIOMMU_WANT_PTR:
		if (kind != BTF_KIND_PTR)
			return false;
		return !want->to || btf_check(btf, t->type, want->to, depth + 1);
	case VIOMMU_WANT_FUNC_PTR:
		if (kind != BTF_KIND_PTR)
			return false;
		t = btf_type(btf, btf_skip_mods(btf, t->type));
		return t && btf_kind(t) == BTF_KIND_FUNC_PROTO;
	case VIOMMU_WANT_ARRAY: {
		const struct btf_array *a = (const void *)(t + 1);

		return kind == BTF_KIND_ARRAY &&
		       (!want->nelems || a->nelems == want->nelems) &&
		       (!want->to || btf_check(btf, a->type, want->to, depth + 1));
	}
	}
	return false;
}

static void want_describe(const struct viommu_btf_want *want, char *buf,
			  size_t len)
{
	int n;

	switch (want->kind) {
	case VIOMMU_WANT_VOID:
		scnprintf(buf, len, "void");
		break;
	case VIOMMU_WANT_INT:
		scnprintf(buf, len, "%s int (%u bytes)",
			  want->is_signed ? "signed" : "unsigned", want->size);
		break;
	case VIOMMU_WANT_BOOL:
		scnprintf(buf, len, "bool");
		break;
	case VIOMMU_WANT_ENUM:
		scnprintf(buf, len, "enum %s", want->name);
		break;
	case VIOMMU_WANT_STRUCT:
		scnprintf(buf, len, "struct %s", want->name);
		break;
	case VIOMMU_WANT_UNION:
		scnprintf(buf, len, "union %s", want->name);
		break;
	case VIOMMU_WANT_PTR:
		n = scnprintf(buf, len, "pointer to ");
		if (want->to)
			want_describe(want->to, buf + n, len - n);
		else
			scnprintf(buf + n, len - n, "anything");
		break;
	case VIOMMU_WANT_FUNC_PTR:
		scnprintf(buf, len, "pointer to function");
		break;
	case VIOMMU_WANT_ARRAY:
		n = scnprintf(buf, len, "array[%u] of ", want->nelems);
		if (want->to)
			want_describe(want->to, buf + n, len - n);
		break;
	}
}

/**
 * viommu_btf_check_type() - Check that a type is what the module expects
 * @btf: The BTF
 * @id: The type (typedefs and qualifiers are looked through)
 * @want: What it must be
 * @why: Filled with "want X, have Y" when it is not
 * @why_len: Size of @why
 *
 * Return: 0 or -EINVAL.
 */
int viommu_btf_check_type(const struct viommu_btf *btf, u32 id,
			  const struct viommu_btf_want *want,
			  char *why, size_t why_len)
{
	char w[64], h[64];

	if (btf_check(btf, id, want, 0))
		return 0;
	want_describe(want, w, sizeof(w));
	btf_describe(btf, id, h, sizeof(h), 0);
	scnprintf(why, why_len, "want %s, BTF has %s", w, h);
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_btf_check_type);

/* A lookup in one struct: what it is after and how much it may visit. */
struct btf_member_search {
	const char *name;
	u32 budget;		/* members it may still visit */
	char *why;
	size_t why_len;
};

/*
 * Whether a member of @bits bits at bit @off fits in a struct of @size
 * bytes (the kernel's verifier holds vmlinux BTF to the same rule).
 */
static bool btf_member_fits(u32 off, u64 bits, u32 size)
{
	return DIV_ROUND_UP_ULL(off + bits, 8) <= size;
}

/*
 * Find member @s->name of struct/union @t, looking into anonymous
 * members; @bit_base is where @t lies in the outermost struct. Every
 * member on the way must lie inside its container, and the search visits
 * at most VIOMMU_BTF_MEMBER_BUDGET members (anonymous members nest, and a
 * crafted BTF can make that exponential).
 *
 * Return: 0 (@out filled), -ENOENT, -EINVAL for a member outside its
 * struct or an offset that wraps, -E2BIG when the budget ran out.
 */
static int btf_find_member(const struct viommu_btf *btf,
			   const struct btf_type *t, struct btf_member_search *s,
			   u32 bit_base, unsigned int depth,
			   struct viommu_btf_member *out)
{
	const struct btf_member *m = (const void *)(t + 1);
	u32 i, abs;
	int rc;

	if (depth > VIOMMU_BTF_DEPTH)
		return -ENOENT;
	for (i = 0; i < btf_vlen(t); i++, m++) {
		u32 bits = btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
		u32 bf = btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
		const char *mname = btf_str(btf, m->name_off);
		const struct btf_type *mt;
		u32 size;

		if (!s->budget--) {
			scnprintf(s->why, s->why_len,
				  "more than %u members searched (anonymous members nest too much)",
				  VIOMMU_BTF_MEMBER_BUDGET);
			return -E2BIG;
		}
		/* A crafted BTF can use the whole budget: let others run. */
		if (!(s->budget % 4096))
			cond_resched();
		if (!mname || (*mname && strcmp(mname, s->name)))
			continue;
		mt = btf_type(btf, btf_skip_mods(btf, m->type));
		if (!*mname) {
			if (!mt || (btf_kind(mt) != BTF_KIND_STRUCT &&
				    btf_kind(mt) != BTF_KIND_UNION))
				continue;
			if (bf || bits % 8 ||
			    !btf_member_fits(bits, mt->size * 8ULL, t->size)) {
				scnprintf(s->why, s->why_len,
					  "an anonymous member at bit %u (%u bytes) lies outside its %u-byte container",
					  bits, mt->size, t->size);
				return -EINVAL;
			}
			if (check_add_overflow(bit_base, bits, &abs)) {
				scnprintf(s->why, s->why_len,
					  "an anonymous member's offset wraps");
				return -EINVAL;
			}
			rc = btf_find_member(btf, mt, s, abs, depth + 1, out);
			if (rc != -ENOENT)
				return rc;
			continue;
		}
		/* An old-style bitfield: the int type says how many bits. */
		if (!bf && mt && btf_kind(mt) == BTF_KIND_INT) {
			u32 enc = *(const u32 *)(mt + 1);

			if (BTF_INT_BITS(enc) != mt->size * 8 || BTF_INT_OFFSET(enc)) {
				bf = BTF_INT_BITS(enc);
				if (check_add_overflow(bits, BTF_INT_OFFSET(enc), &bits)) {
					scnprintf(s->why, s->why_len,
						  "its offset wraps");
					return -EINVAL;
				}
			}
		}
		size = bf ? 0 : viommu_btf_type_size(btf, m->type);
		if (!btf_member_fits(bits, bf ? bf : size * 8ULL, t->size)) {
			scnprintf(s->why, s->why_len,
				  "at bit %u (%u %s) it lies outside its %u-byte container",
				  bits, bf ? bf : size, bf ? "bits" : "bytes", t->size);
			return -EINVAL;
		}
		if (check_add_overflow(bit_base, bits, &abs)) {
			scnprintf(s->why, s->why_len, "its offset wraps");
			return -EINVAL;
		}
		out->type = m->type;
		out->bitfield = bf;
		out->offset = abs / 8;
		out->bit = abs % 8;
		out->size = size;
		return 0;
	}
	return -ENOENT;
}

/**
 * viommu_btf_type_size() - The size in bytes of a type
 * @btf: The BTF
 * @id: The type
 *
 * Return: Its size, or 0 when it has none (void, function, bad id).
 */
u32 viommu_btf_type_size(const struct viommu_btf *btf, u32 id)
{
	unsigned int depth;
	u64 mult = 1;

	for (depth = 0; depth < VIOMMU_BTF_DEPTH; depth++) {
		const struct btf_type *t = btf_type(btf, btf_skip_mods(btf, id));
		const struct btf_array *a;

		if (!t)
			return 0;
		switch (btf_kind(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FLOAT:
			mult *= t->size;
			return mult > U32_MAX ? 0 : mult;
		case BTF_KIND_PTR:
			return mult * sizeof(void *) > U32_MAX ? 0 :
			       mult * sizeof(void *);
		case BTF_KIND_ARRAY:
			a = (const void *)(t + 1);
			mult *= a->nelems;
			if (mult > U32_MAX)
				return 0;
			id = a->type;
			break;
		default:
			return 0;
		}
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_btf_type_size);

/* viommu_btf_member(), drawing on a budget shared by several lookups. */
static int btf_member(const struct viommu_btf *btf, u32 id, const char *name,
		      u32 *budget, struct viommu_btf_member *out, char *why,
		      size_t why_len)
{
	const struct btf_type *t = btf_type(btf, id);
	struct btf_member_search s = {
		.name = name,
		.budget = *budget,
		.why = why,
		.why_len = why_len,
	};
	int rc;

	if (!t || (btf_kind(t) != BTF_KIND_STRUCT && btf_kind(t) != BTF_KIND_UNION))
		return -ENOENT;
	rc = btf_find_member(btf, t, &s, 0, 0, out);
	*budget = s.budget;
	return rc;
}

/**
 * viommu_btf_member() - A member of a struct or union
 * @btf: The BTF
 * @id: The struct or union
 * @name: The member (members of anonymous struct/union members count)
 * @out: Its offset, size, bitfield and type
 * @why: Filled with the reason when it is not -ENOENT
 * @why_len: Size of @why
 *
 * The member, and each anonymous member it is found in, must lie inside
 * its container; its offset in @id must not wrap.
 *
 * Return: 0; -ENOENT if there is no such member; -EINVAL if it (or an
 * anonymous member on the way) lies outside its struct or its offset
 * wraps; -E2BIG if finding it means visiting more than
 * VIOMMU_BTF_MEMBER_BUDGET members.
 */
int viommu_btf_member(const struct viommu_btf *btf, u32 id, const char *name,
		      struct viommu_btf_member *out, char *why, size_t why_len)
{
	u32 budget = VIOMMU_BTF_MEMBER_BUDGET;

	return btf_member(btf, id, name, &budget, out, why, why_len);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_btf_member);

/**
 * viommu_btf_find_struct() - A struct by name, told apart by its members
 * @btf: The BTF (with a base: both are searched)
 * @name: The struct's name
 * @members: Members it must have, or NULL
 * @nr_members: How many
 * @why: Filled with the reason on failure
 * @why_len: Size of @why
 *
 * When several structs have @name (arm-smmu v2 and v3 both define
 * struct arm_smmu_device), the one that has every member of @members is
 * taken; never simply the first.
 *
 * Return: The type id; -ENOENT if no struct has @name; -EINVAL if none
 * of that name has all @members (@why names the first missing one) or if
 * a member of one lies outside it; -E2BIG if finding the members takes
 * more than VIOMMU_BTF_MEMBER_BUDGET member visits in all (see
 * viommu_btf_member()); -ENOTUNIQ if more than one has them all.
 */
s32 viommu_btf_find_struct(const struct viommu_btf *btf, const char *name,
			   const char * const *members, unsigned int nr_members,
			   char *why, size_t why_len)
{
	unsigned int named = 0, found = 0, i, k, nr;
	u32 ids[VIOMMU_BTF_MAX_SAME_NAME];
	struct viommu_btf_member m;
	const char *missing = NULL;
	/* One budget for all: the search is bounded, not each lookup. */
	u32 budget = VIOMMU_BTF_MEMBER_BUDGET;
	s32 ret = -ENOENT;
	char sub[128];

	nr = btf_lookup(btf, name, false, ids);
	if (nr > VIOMMU_BTF_MAX_SAME_NAME) {
		scnprintf(why, why_len, "%u types named %s", nr, name);
		return -ENOTUNIQ;
	}
	for (k = 0; k < nr; k++) {
		u32 id = ids[k];

		if (btf_kind(btf_type(btf, id)) != BTF_KIND_STRUCT)
			continue;
		named++;
		for (i = 0; i < nr_members; i++) {
			int rc = btf_member(btf, id, members[i], &budget, &m,
					    sub, sizeof(sub));

			if (rc == -ENOENT)
				break;
			if (rc) {
				scnprintf(why, why_len, "struct %s, member %s: %s",
					  name, members[i], sub);
				return rc;
			}
		}
		if (i < nr_members) {
			if (!missing)
				missing = members[i];
			continue;
		}
		found++;
		ret = id;
	}
	if (!named) {
		scnprintf(why, why_len, "no struct %s in BTF", name);
		return -ENOENT;
	}
	if (!found) {
		scnprintf(why, why_len, "struct %s has no member %s", name, missing);
		return -EINVAL;
	}
	if (found > 1) {
		scnprintf(why, why_len, "%u different struct %s have all the members",
			  found, name);
		return -ENOTUNIQ;
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_btf_find_struct);

/**
 * viommu_btf_enum_value() - The value of an enumerator
 * @btf: The BTF (with a base: both are searched)
 * @enum_name: The enum's name
 * @name: The enumerator
 * @value: Its value
 * @why: Filled with the reason on failure
 * @why_len: Size of @why
 *
 * Return: 0; -ENOENT if no enum @enum_name has @name; -ENOTUNIQ if two
 * enums of that name give it different values.
 */
int viommu_btf_enum_value(const struct viommu_btf *btf, const char *enum_name,
			  const char *name, s64 *value, char *why, size_t why_len)
{
	unsigned int k, nr;
	u32 ids[VIOMMU_BTF_MAX_SAME_NAME], i;
	bool found = false, named = false;

	nr = min(btf_lookup(btf, enum_name, false, ids), VIOMMU_BTF_MAX_SAME_NAME);
	for (k = 0; k < nr; k++) {
		const struct btf_type *t = btf_type(btf, ids[k]);
		u32 kind = btf_kind(t);

		if (kind != BTF_KIND_ENUM && kind != BTF_KIND_ENUM64)
			continue;
		named = true;
		for (i = 0; i < btf_vlen(t); i++) {
			const char *s;
			s64 v;

			if (kind == BTF_KIND_ENUM) {
				const struct btf_enum *e = (const void *)(t + 1);

				s = btf_str(btf, e[i].name_off);
				v = btf_kflag(t) ? (s64)e[i].val : (s64)(u32)e[i].val;
			} else {
				const struct btf_enum64 *e = (const void *)(t + 1);

				s = btf_str(btf, e[i].name_off);
				v = (s64)(((u64)e[i].val_hi32 << 32) | e[i].val_lo32);
			}
			if (!s || strcmp(s, name))
				continue;
			if (found && *value != v) {
				scnprintf(why, why_len, "enum %s: two values for %s",
					  enum_name, name);
				return -ENOTUNIQ;
			}
			found = true;
			*value = v;
		}
	}
	if (!found) {
		if (named)
			scnprintf(why, why_len, "enum %s has no %s", enum_name, name);
		else
			scnprintf(why, why_len, "no enum %s in BTF", enum_name);
		return -ENOENT;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_btf_enum_value);

/**
 * viommu_btf_check_func() - Check a function's prototype
 * @btf: The BTF; only its own types are searched (a module's functions
 *       are in its split BTF, not in vmlinux's)
 * @name: The function
 * @proto: The prototype the module calls it with
 * @why: Filled with the reason on failure
 * @why_len: Size of @why
 *
 * Every FUNC of that name must match (a static function can be defined
 * more than once).
 *
 * Return: 0; -ENOENT if @btf has no such function; -EINVAL if the return
 * type, the parameter count or a parameter type differs.
 */
int viommu_btf_check_func(const struct viommu_btf *btf, const char *name,
			  const struct viommu_btf_proto *proto,
			  char *why, size_t why_len)
{
	u32 ids[VIOMMU_BTF_MAX_SAME_NAME], i;
	unsigned int k, nr;
	bool found = false;
	char sub[128];

	nr = btf_lookup(btf, name, true, ids);
	if (nr > VIOMMU_BTF_MAX_SAME_NAME) {
		scnprintf(why, why_len, "%u functions named %s()", nr, name);
		return -ENOTUNIQ;
	}
	for (k = 0; k < nr; k++) {
		const struct btf_type *t = btf_type(btf, ids[k]), *p;
		const struct btf_param *param;

		if (btf_kind(t) != BTF_KIND_FUNC)
			continue;
		found = true;
		p = btf_type(btf, t->type);
		if (!p || btf_kind(p) != BTF_KIND_FUNC_PROTO) {
			scnprintf(why, why_len, "%s() has no prototype", name);
			return -EINVAL;
		}
		if (viommu_btf_check_type(btf, p->type, &proto->ret, sub, sizeof(sub))) {
			scnprintf(why, why_len, "%s() returns: %s", name, sub);
			return -EINVAL;
		}
		if (btf_vlen(p) != proto->nr_params) {
			scnprintf(why, why_len, "%s() has %u parameters, want %u",
				  name, btf_vlen(p), proto->nr_params);
			return -EINVAL;
		}
		param = (const void *)(p + 1);
		for (i = 0; i < proto->nr_params; i++) {
			if (viommu_btf_check_type(btf, param[i].type,
						  &proto->params[i], sub, sizeof(sub))) {
				scnprintf(why, why_len, "%s() parameter %u: %s",
					  name, i + 1, sub);
				return -EINVAL;
			}
		}
	}
	if (!found) {
		scnprintf(why, why_len, "no function %s() in BTF", name);
		return -ENOENT;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_btf_check_func);
