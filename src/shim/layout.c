// SPDX-License-Identifier: GPL-2.0
/*
 * The one table of everything private the shim touches: each struct with
 * the members it reads and their types, each enumerator, each function it
 * calls or hooks with the prototype it uses. At load the table is checked
 * against the running kernel's own BTF (vmlinux and iommufd.ko's split
 * BTF), and what is learned (sizes, offsets, enum values) is all the shim
 * knows about private layouts: no private header, no hand-typed offset.
 * Anything missing or different turns the shim off with one log line
 * that names it and the kernel release.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/math.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/wait.h>

#include "layout.h"

static char *shim_fail_check;
module_param(shim_fail_check, charp, 0444);
MODULE_PARM_DESC(shim_fail_check,
		 "For tests only: make the layout check of this name fail (a struct, struct.member, enumerator or function of the shim's table)");

/* What the table learned from the running kernel's BTF. */
struct viommu_layout viommu_layout;
EXPORT_SYMBOL_IF_KUNIT(viommu_layout);

static bool viommu_layout_ok;

/**
 * viommu_layout_fail_check() - The shim_fail_check parameter
 *
 * Other tables (the SMMUv3 one) honour it too.
 *
 * Return: The name whose check must fail, or NULL.
 */
const char *viommu_layout_fail_check(void)
{
	return shim_fail_check;
}

#define S(n, b, sz) { .kind = VIOMMU_LAYOUT_STRUCT, .btf = b, .name = n, \
		      .size = sz }
#define F(n, m, out, ...) { .kind = VIOMMU_LAYOUT_FIELD, .name = n, \
			    .member = m, .field = &viommu_layout.out, \
			    .want = __VA_ARGS__ }
#define F0(n, m, out, ...) { .kind = VIOMMU_LAYOUT_FIELD, .name = n, \
			     .member = m, .field = &viommu_layout.out, \
			     .flags = VIOMMU_LAYOUT_AT_ZERO, .want = __VA_ARGS__ }
#define E(n, m, out) { .kind = VIOMMU_LAYOUT_ENUM, \
		       .btf = VIOMMU_LAYOUT_IOMMUFD, .name = n, .member = m, \
		       .value = &viommu_layout.out }
#define FN(n, ...) { .kind = VIOMMU_LAYOUT_FUNC, .btf = VIOMMU_LAYOUT_IOMMUFD, \
		     .name = #n, \
		     .proto = &(const struct viommu_btf_proto)__VA_ARGS__ }

#define IOMMUFD VIOMMU_LAYOUT_IOMMUFD
#define OBJ_TYPE VB_ENUM("iommufd_object_type", u32)

/* The prototypes, in the order of the typedefs in internal.h. */
#define P_CTX VB_PTR("iommufd_ctx")
#define P_OBJ VB_PTR("iommufd_object")
#define P_IDEV VB_PTR("iommufd_device")
#define P_IOPT VB_PTR("io_pagetable")

const struct viommu_layout_entry viommu_layout_table[] = {
	S("iommufd_object", IOMMUFD, &viommu_layout.object_size),
	F("iommufd_object", "id", object_id, VB_U32),
	F("iommufd_object", "type", object_type, OBJ_TYPE),
	F("iommufd_object", "users", object_users,
	  VB_STRUCT("refcount_struct", sizeof(refcount_t))),
	F("iommufd_object", "shortterm_users", object_shortterm_users,
	  VB_STRUCT("refcount_struct", sizeof(refcount_t))),

	S("iommufd_ctx", IOMMUFD, &viommu_layout.ctx_size),
	F("iommufd_ctx", "file", ctx_file, VB_PTR("file")),
	F("iommufd_ctx", "destroy_wait", ctx_destroy_wait,
	  VB_STRUCT("wait_queue_head", sizeof(wait_queue_head_t))),

	S("iommufd_device", IOMMUFD, &viommu_layout.device_size),
	F("iommufd_device", "obj", device_obj, VB_STRUCT("iommufd_object", 0)),
	F("iommufd_device", "dev", device_dev, VB_PTR("device")),
	F("iommufd_device", "ictx", device_ictx, P_CTX),

	S("iommufd_hw_pagetable", IOMMUFD, &viommu_layout.hwpt_size),
	/* _iommufd_object_alloc() returns the start of the allocation. */
	F0("iommufd_hw_pagetable", "obj", hwpt_obj,
	   VB_STRUCT("iommufd_object", 0)),
	F("iommufd_hw_pagetable", "domain", hwpt_domain, VB_PTR("iommu_domain")),

	S("iommufd_hwpt_paging", IOMMUFD, &viommu_layout.paging_size),
	F("iommufd_hwpt_paging", "common", paging_common,
	  VB_STRUCT("iommufd_hw_pagetable", 0)),
	F("iommufd_hwpt_paging", "ioas", paging_ioas, VB_PTR("iommufd_ioas")),
	F("iommufd_hwpt_paging", "nest_parent", paging_nest_parent, VB_BOOL),
	F("iommufd_hwpt_paging", "auto_domain", paging_auto_domain, VB_BOOL),

	S("iommufd_hwpt_nested", IOMMUFD, &viommu_layout.nested_size),
	F0("iommufd_hwpt_nested", "common", nested_common,
	   VB_STRUCT("iommufd_hw_pagetable", 0)),
	F("iommufd_hwpt_nested", "parent", nested_parent,
	  VB_PTR("iommufd_hwpt_paging")),

	S("iommufd_ioas", IOMMUFD, &viommu_layout.ioas_size),
	F("iommufd_ioas", "obj", ioas_obj, VB_STRUCT("iommufd_object", 0)),
	F("iommufd_ioas", "iopt", ioas_iopt, VB_STRUCT("io_pagetable", 0)),

	S("iommufd_access", IOMMUFD, &viommu_layout.access_size),
	F("iommufd_access", "obj", access_obj, VB_STRUCT("iommufd_object", 0)),

	/* The element of the static iommufd_object_ops[] of main.c. */
	S("iommufd_object_ops", IOMMUFD, &viommu_layout.ops_size),
	F("iommufd_object_ops", "destroy", ops_destroy, VB_FUNC_PTR),
	F("iommufd_object_ops", "abort", ops_abort, VB_FUNC_PTR),

	E("iommufd_object_type", "IOMMUFD_OBJ_ANY", obj_any),
	E("iommufd_object_type", "IOMMUFD_OBJ_DEVICE", obj_device),
	E("iommufd_object_type", "IOMMUFD_OBJ_HWPT_PAGING", obj_hwpt_paging),
	E("iommufd_object_type", "IOMMUFD_OBJ_HWPT_NESTED", obj_hwpt_nested),
	E("iommufd_object_type", "IOMMUFD_OBJ_IOAS", obj_ioas),
	E("iommufd_object_type", "IOMMUFD_OBJ_MAX", obj_max),

	/* Called by iommufd.c. */
	FN(iommufd_get_object, { P_OBJ, 3, { P_CTX, VB_U32, OBJ_TYPE } }),
	FN(_iommufd_object_alloc,
	   { P_OBJ, 3, { P_CTX, VB_INT(size_t), OBJ_TYPE } }),
	FN(iommufd_object_finalize, { VB_VOID, 2, { P_CTX, P_OBJ } }),
	FN(iommufd_object_abort, { VB_VOID, 2, { P_CTX, P_OBJ } }),
	FN(iommufd_object_remove,
	   { VB_INT(int), 4, { P_CTX, P_OBJ, VB_U32, VB_U32 } }),

	/*
	 * IOPF of nested HWPTs (iommufd.c): 6.12's HWPT_ALLOC sets
	 * hwpt->fault, domain->iopf_handler and ->fault_data, and takes a
	 * users reference on the fault object; the stock HWPT destroy drops it.
	 */
	S("iommufd_hw_pagetable", IOMMUFD, NULL),
	F("iommufd_hw_pagetable", "fault", hwpt_fault, VB_PTR("iommufd_fault")),
	S("iommufd_fault", IOMMUFD, &viommu_layout.fault_size),
	F("iommufd_fault", "obj", fault_obj, VB_STRUCT("iommufd_object", 0)),
	E("iommufd_object_type", "IOMMUFD_OBJ_FAULT", obj_fault),
	FN(iommufd_fault_iopf_handler,
	   { VB_INT(int), 1, { VB_PTR("iopf_group") } }),

	/* Hooked by hooks.c. */
	FN(iommufd_device_unbind, { VB_VOID, 1, { P_IDEV } }),
	FN(iommufd_hwpt_nested_destroy, { VB_VOID, 1, { P_OBJ } }),
	FN(iommufd_hwpt_nested_abort, { VB_VOID, 1, { P_OBJ } }),
	FN(iommufd_device_detach, { VB_VOID, 1, { P_IDEV } }),
	FN(iommufd_device_replace,
	   { VB_INT(int), 2, { P_IDEV, VB_PTR_TO(VB_U32) } }),
	FN(iopt_unmap_iova,
	   { VB_INT(int), 4, { P_IOPT, VB_INT(unsigned long),
			       VB_INT(unsigned long),
			       VB_PTR_TO(VB_INT(unsigned long)) } }),
	FN(iopt_unmap_all,
	   { VB_INT(int), 2, { P_IOPT, VB_PTR_TO(VB_INT(unsigned long)) } }),

	/* Hooked by door_hooks.c. */
	FN(iommufd_fops_open,
	   { VB_INT(int), 2, { VB_PTR("inode"), VB_PTR("file") } }),
	FN(iommufd_ctx_from_file, { P_CTX, 1, { VB_PTR("file") } }),
	FN(iommufd_ctx_from_fd, { P_CTX, 1, { VB_S32 } }),
	FN(iommufd_ctx_get, { VB_VOID, 1, { P_CTX } }),
	FN(iommufd_ctx_put, { VB_VOID, 1, { P_CTX } }),
};
EXPORT_SYMBOL_IF_KUNIT(viommu_layout_table);

const unsigned int viommu_layout_table_len = ARRAY_SIZE(viommu_layout_table);
EXPORT_SYMBOL_IF_KUNIT(viommu_layout_table_len);

/* Whether @check (from shim_fail_check) names entry @e. */
static bool viommu_layout_forced(const struct viommu_layout_entry *e,
				 const char *check)
{
	size_t n;

	if (!check || !*check)
		return false;
	if (e->kind == VIOMMU_LAYOUT_ENUM)
		return !strcmp(check, e->member);
	if (e->kind != VIOMMU_LAYOUT_FIELD)
		return !strcmp(check, e->name);
	n = strlen(e->name);
	return !strncmp(check, e->name, n) && check[n] == '.' &&
	       !strcmp(check + n + 1, e->member);
}

static int viommu_layout_struct(struct viommu_btf *btf,
				const struct viommu_layout_entry *table,
				unsigned int i, unsigned int nr, bool learn,
				s32 *id, u32 *size, char *why, size_t why_len)
{
	const char *members[16];
	unsigned int n = 0, j;

	for (j = i + 1; j < nr && table[j].kind == VIOMMU_LAYOUT_FIELD; j++) {
		if (n == ARRAY_SIZE(members) || strcmp(table[j].name, table[i].name)) {
			scnprintf(why, why_len, "table: bad field %s.%s",
				  table[j].name, table[j].member);
			return -EINVAL;
		}
		members[n++] = table[j].member;
	}
	*id = viommu_btf_find_struct(btf, table[i].name, members, n, why, why_len);
	if (*id < 0)
		return *id;
	*size = viommu_btf_type_size(btf, *id);
	if (!*size) {
		scnprintf(why, why_len, "struct %s has size 0", table[i].name);
		return -EINVAL;
	}
	if (learn && table[i].size)
		*table[i].size = *size;
	return 0;
}

static int viommu_layout_field(struct viommu_btf *btf, s32 id, u32 struct_size,
			       const struct viommu_layout_entry *e, bool learn,
			       char *why, size_t why_len)
{
	struct viommu_btf_member m;
	char sub[128];
	u64 end;
	int rc;

	rc = viommu_btf_member(btf, id, e->member, &m, sub, sizeof(sub));
	if (rc == -ENOENT) {
		scnprintf(why, why_len, "struct %s has no member %s", e->name, e->member);
		return rc;
	}
	if (rc) {
		scnprintf(why, why_len, "%s.%s: %s", e->name, e->member, sub);
		return rc;
	}
	rc = viommu_btf_check_type(btf, m.type, &e->want, sub, sizeof(sub));
	if (rc) {
		scnprintf(why, why_len, "%s.%s: %s", e->name, e->member, sub);
		return rc;
	}
	/* Only a bool may be a bitfield, of one bit, read byte-wise. */
	if (m.bitfield && (e->want.kind != VIOMMU_WANT_BOOL || m.bitfield != 1 ||
			   IS_ENABLED(CONFIG_CPU_BIG_ENDIAN))) {
		scnprintf(why, why_len, "%s.%s: a %u-bit bitfield", e->name,
			  e->member, m.bitfield);
		return -EINVAL;
	}
	if (!m.bitfield && m.bit) {
		scnprintf(why, why_len, "%s.%s: not byte-aligned", e->name, e->member);
		return -EINVAL;
	}
	if ((e->flags & VIOMMU_LAYOUT_AT_ZERO) && m.offset) {
		scnprintf(why, why_len, "%s.%s: at offset %u, want 0", e->name,
			  e->member, m.offset);
		return -EINVAL;
	}
	/* The shim reads and writes it inside a stock object of that size. */
	end = (u64)m.offset + (m.bitfield ? DIV_ROUND_UP(m.bit + m.bitfield, 8) : m.size);
	if (end > struct_size) {
		scnprintf(why, why_len, "%s.%s: ends at byte %llu, past its %u-byte struct",
			  e->name, e->member, end, struct_size);
		return -EINVAL;
	}
	if (!learn)
		return 0;
	e->field->offset = m.offset;
	e->field->size = m.size;
	e->field->bit = m.bit;
	e->field->bits = m.bitfield;
	return 0;
}

/* The walk's state: the BTF and the struct the next fields belong to */
struct viommu_layout_cursor {
	struct viommu_btf *btf;
	s32 id;
	u32 struct_size;
};

static int viommu_layout_entry_check(struct viommu_btf * const *btfs,
				     const struct viommu_layout_entry *table,
				     unsigned int i, unsigned int nr,
				     const char *fail_check, bool learn,
				     struct viommu_layout_cursor *cur,
				     char *why, size_t why_len)
{
	const struct viommu_layout_entry *e = &table[i];
	s64 value;
	int rc;

	if (e->kind != VIOMMU_LAYOUT_FIELD) {
		/* Until this entry passes, no field may use the last struct. */
		cur->id = -ENOENT;
		if (e->btf >= VIOMMU_LAYOUT_NR_BTF || !btfs[e->btf]) {
			scnprintf(why, why_len, "%s: no BTF to look it up in",
				  e->name);
			return -ENOENT;
		}
		cur->btf = btfs[e->btf];
	}
	if (viommu_layout_forced(e, fail_check)) {
		/* An enumerator is named with its enum, as a member. */
		bool field = e->kind == VIOMMU_LAYOUT_FIELD ||
			     e->kind == VIOMMU_LAYOUT_ENUM;

		scnprintf(why, why_len, "%s%s%s: %s", e->name,
			  field ? "." : "", field ? e->member : "",
			  "failed on purpose (shim_fail_check, for tests)");
		return -EINVAL;
	}
	switch (e->kind) {
	case VIOMMU_LAYOUT_STRUCT:
		return viommu_layout_struct(cur->btf, table, i, nr, learn,
					    &cur->id, &cur->struct_size, why,
					    why_len);
	case VIOMMU_LAYOUT_FIELD:
		if (!cur->btf || cur->id < 0) {
			scnprintf(why, why_len, "table: field %s.%s without its struct",
				  e->name, e->member);
			return -EINVAL;
		}
		return viommu_layout_field(cur->btf, cur->id, cur->struct_size,
					   e, learn, why, why_len);
	case VIOMMU_LAYOUT_ENUM:
		rc = viommu_btf_enum_value(cur->btf, e->name, e->member, &value,
					   why, why_len);
		if (!rc && (value < 0 || value > U32_MAX)) {
			scnprintf(why, why_len, "%s = %lld is out of range",
				  e->member, value);
			rc = -ERANGE;
		}
		if (!rc && learn)
			*e->value = value;
		return rc;
	case VIOMMU_LAYOUT_FUNC:
		return viommu_btf_check_func(cur->btf, e->name, e->proto, why,
					     why_len);
	default:
		scnprintf(why, why_len, "table: bad entry %u", i);
		return -EINVAL;
	}
}

/*
 * Without @failed, stop at the first failing entry. With it, go on past
 * each (skipping the fields of a struct that failed) and count them:
 * @why keeps the first one's reason, the errno returned is its errno.
 */
static int viommu_layout_walk(struct viommu_btf * const *btfs,
			      const struct viommu_layout_entry *table,
			      unsigned int nr, const char *fail_check,
			      bool learn, unsigned int *failed, char *why,
			      size_t why_len)
{
	struct viommu_layout_cursor cur = { .id = -ENOENT };
	bool struct_failed = false;
	int first = 0, rc;
	char later[64];
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (table[i].kind == VIOMMU_LAYOUT_FIELD && struct_failed)
			continue;
		struct_failed = false;
		rc = viommu_layout_entry_check(btfs, table, i, nr, fail_check,
					       learn, &cur, why, why_len);
		if (!rc)
			continue;
		if (!failed)
			return rc;
		(*failed)++;
		struct_failed = table[i].kind == VIOMMU_LAYOUT_STRUCT;
		if (!first) {
			first = rc;
			why = later;
			why_len = sizeof(later);
		}
	}
	return first;
}

/**
 * viommu_layout_verify() - Check a table against BTF and learn its layouts
 * @btfs: The BTF of each enum viommu_layout_btf
 * @table: The entries
 * @nr: How many
 * @fail_check: For tests: the entry of this name fails (NULL: none)
 * @why: Filled with "<what>: <reason>" for the first entry that fails
 * @why_len: Size of @why
 *
 * Stops at the first failure: one reason, for one log line.
 *
 * Return: 0, or the errno of the first entry that does not verify.
 */
int viommu_layout_verify(struct viommu_btf * const *btfs,
			 const struct viommu_layout_entry *table,
			 unsigned int nr, const char *fail_check,
			 char *why, size_t why_len)
{
	return viommu_layout_walk(btfs, table, nr, fail_check, true, NULL, why,
				  why_len);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_layout_verify);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * viommu_layout_check_only() - viommu_layout_verify() that learns nothing
 * @btfs: The BTF of each enum viommu_layout_btf
 * @table: The entries
 * @nr: How many
 * @failed: Set to how many entries fail (a struct's fields are not
 *          checked once it failed)
 * @why: Filled with "<what>: <reason>" for the first entry that fails
 * @why_len: Size of @why
 *
 * For BTF that is not the running kernel's (the BTF fuzz harness): the
 * layouts the shim uses stay as they are. Unlike the load's check, it
 * goes on past a failure: BTF broken in two places has both checked.
 *
 * Return: 0, or the errno of the first entry that does not verify.
 */
int viommu_layout_check_only(struct viommu_btf * const *btfs,
			     const struct viommu_layout_entry *table,
			     unsigned int nr, unsigned int *failed, char *why,
			     size_t why_len)
{
	*failed = 0;
	return viommu_layout_walk(btfs, table, nr, NULL, false, failed, why,
				  why_len);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_layout_check_only);
#endif

/*
 * vmlinux BTF, parsed once for the three tables checked at load (each
 * read and parsed the whole file before) and released after them.
 */
static DEFINE_MUTEX(viommu_vmlinux_btf_lock);
static struct viommu_btf *viommu_vmlinux_btf;

/* The parsed vmlinux BTF, read now if need be; hold the lock. */
static struct viommu_btf *viommu_vmlinux_btf_get(char *why, size_t why_len)
{
	struct viommu_btf *btf;

	lockdep_assert_held(&viommu_vmlinux_btf_lock);
	if (viommu_vmlinux_btf)
		return viommu_vmlinux_btf;
	btf = viommu_btf_load("/sys/kernel/btf/vmlinux", NULL, why, why_len);
	if (!IS_ERR(btf))
		viommu_vmlinux_btf = btf;
	return btf;
}

/**
 * viommu_layout_btf_release() - Free the vmlinux BTF the checks shared
 *
 * Call once the load's checks are done, and on unload; a later check
 * (KUnit) reads it again.
 */
void viommu_layout_btf_release(void)
{
	mutex_lock(&viommu_vmlinux_btf_lock);
	viommu_btf_free(viommu_vmlinux_btf);
	viommu_vmlinux_btf = NULL;
	mutex_unlock(&viommu_vmlinux_btf_lock);
}

/**
 * viommu_layout_verify_vmlinux() - viommu_layout_verify() of a vmlinux table
 * @table: The entries, all of them in vmlinux BTF
 * @nr: How many
 * @fail_check: For tests: the entry of this name fails (NULL: none)
 * @why: Filled with what failed
 * @why_len: Size of @why
 *
 * For the driver tables (SMMUv3, CMDQV): their drivers are built in.
 *
 * Return: 0, or the errno of the first entry that does not verify.
 */
int viommu_layout_verify_vmlinux(const struct viommu_layout_entry *table,
				 unsigned int nr, const char *fail_check,
				 char *why, size_t why_len)
{
	struct viommu_btf *btfs[VIOMMU_LAYOUT_NR_BTF] = {};
	char sub[128];
	int rc;

	mutex_lock(&viommu_vmlinux_btf_lock);
	btfs[VIOMMU_LAYOUT_VMLINUX] = viommu_vmlinux_btf_get(sub, sizeof(sub));
	if (IS_ERR(btfs[VIOMMU_LAYOUT_VMLINUX])) {
		rc = PTR_ERR(btfs[VIOMMU_LAYOUT_VMLINUX]);
		scnprintf(why, why_len, "kernel BTF: %s", sub);
	} else {
		rc = viommu_layout_verify(btfs, table, nr, fail_check, why,
					  why_len);
	}
	mutex_unlock(&viommu_vmlinux_btf_lock);
	return rc;
}

static const char viommu_no_btf[] =
	"no kernel BTF: /sys/kernel/btf/vmlinux is missing (no CONFIG_DEBUG_INFO_BTF)";
static const char viommu_no_module_btf[] =
	"no BTF for module " VIOMMU_STOCK_MODULE ": /sys/kernel/btf/"
	VIOMMU_STOCK_MODULE " is missing (no CONFIG_DEBUG_INFO_BTF_MODULES)";

/* The running kernel's BTF: vmlinux (shared), iommufd.ko's on top. */
static int viommu_layout_load(struct viommu_btf **btfs, char *why, size_t len)
{
	char sub[128];

	btfs[VIOMMU_LAYOUT_VMLINUX] = viommu_vmlinux_btf_get(sub, sizeof(sub));
	if (IS_ERR(btfs[VIOMMU_LAYOUT_VMLINUX])) {
		int rc = PTR_ERR(btfs[VIOMMU_LAYOUT_VMLINUX]);

		btfs[VIOMMU_LAYOUT_VMLINUX] = NULL;
		if (rc == -ENOENT)
			scnprintf(why, len, "%s", viommu_no_btf);
		else
			scnprintf(why, len, "kernel BTF unreadable: %s", sub);
		return rc;
	}
	btfs[VIOMMU_LAYOUT_IOMMUFD] =
		viommu_btf_load("/sys/kernel/btf/" VIOMMU_STOCK_MODULE,
				btfs[VIOMMU_LAYOUT_VMLINUX], sub, sizeof(sub));
	if (IS_ERR(btfs[VIOMMU_LAYOUT_IOMMUFD])) {
		int rc = PTR_ERR(btfs[VIOMMU_LAYOUT_IOMMUFD]);

		btfs[VIOMMU_LAYOUT_IOMMUFD] = NULL;
		if (rc == -ENOENT)
			scnprintf(why, len, "%s", viommu_no_module_btf);
		else
			scnprintf(why, len, "BTF of module %s unreadable: %s",
				  VIOMMU_STOCK_MODULE, sub);
		return rc;
	}
	return 0;
}

static int viommu_layout_run(const char *fail_check, char *why, size_t len)
{
	struct viommu_btf *btfs[VIOMMU_LAYOUT_NR_BTF] = {};
	int rc;

	mutex_lock(&viommu_vmlinux_btf_lock);
	rc = viommu_layout_load(btfs, why, len);
	if (!rc)
		rc = viommu_layout_verify(btfs, viommu_layout_table,
					  ARRAY_SIZE(viommu_layout_table),
					  fail_check, why, len);
	viommu_btf_free(btfs[VIOMMU_LAYOUT_IOMMUFD]);
	mutex_unlock(&viommu_vmlinux_btf_lock);
	return rc;
}

/**
 * viommu_layout_init() - Verify the table against the running kernel's BTF
 * @reason: Set, when something does not verify, to the one line that
 *          names it and the kernel release
 *
 * Call before anything reads viommu_layout; once, at shim init.
 *
 * Return: 0, or the errno of the first check that failed.
 */
int viommu_layout_init(const char **reason)
{
	static char line[VIOMMU_WHY_LEN + 64];
	char sub[VIOMMU_WHY_LEN];
	int rc;

	viommu_layout_ok = false;
	rc = viommu_layout_run(shim_fail_check, sub, sizeof(sub));
	if (rc) {
		scnprintf(line, sizeof(line), "%s (Linux %s)", sub,
			  init_utsname()->release);
		*reason = line;
		return rc;
	}
	viommu_layout_ok = true;
	return 0;
}

/**
 * viommu_layout_check_func() - Whether a function of the table verified
 * @name: The function, e.g. "iopt_unmap_iova"
 *
 * Its prototype in the table is the typedef in internal.h the caller
 * uses (viommu_iopt_unmap_iova_fn, ...).
 *
 * Return: 0 if @name is a function of the table and the table verified;
 * -ENOENT if the table does not declare it (a bug: everything the shim
 * calls or hooks must be declared); -EOPNOTSUPP if the table did not
 * verify.
 */
int viommu_layout_check_func(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(viommu_layout_table); i++) {
		if (viommu_layout_table[i].kind == VIOMMU_LAYOUT_FUNC &&
		    !strcmp(viommu_layout_table[i].name, name))
			return viommu_layout_ok ? 0 : -EOPNOTSUPP;
	}
	WARN_ONCE(1, "%s() is not in the layout table\n", name);
	return -ENOENT;
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * viommu_layout_verify_running() - Verify the table on this kernel, for KUnit
 * @fail_check: As the shim_fail_check parameter
 * @why: Filled with the reason on failure
 * @why_len: Size of @why
 *
 * Learns into viommu_layout as shim init does (the same values).
 *
 * Return: 0 or the errno of the first failure.
 */
int viommu_layout_verify_running(const char *fail_check, char *why,
				 size_t why_len)
{
	return viommu_layout_run(fail_check, why, why_len);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_layout_verify_running);
#endif
