/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BTF reader (btf.c) and the layout table (layout.c): everything the
 * shim knows about private layouts and prototypes of the stock iommufd,
 * learned from the running kernel's BTF at load. Plain code, built on
 * every architecture (the KUnit suite feeds it crafted BTF); only the
 * shim's callers of unexported code are arm64-only.
 */
#ifndef _VIOMMU_SHIM_LAYOUT_H
#define _VIOMMU_SHIM_LAYOUT_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/types.h>

#include "shim.h"

#ifndef VIOMMU_STOCK_MODULE
#define VIOMMU_STOCK_MODULE "iommufd"
#endif

/* btf.c: a reader of the running kernel's BTF (vmlinux and split module BTF) */
struct viommu_btf;

/* Room for one reason: the shim's one log line is built from it. */
#define VIOMMU_WHY_LEN 192

/**
 * enum viommu_btf_want_kind - What a field, parameter or return value is
 * @VIOMMU_WANT_VOID: void (a return type)
 * @VIOMMU_WANT_INT: An integer of @size bytes and signedness @is_signed
 * @VIOMMU_WANT_BOOL: bool (also as a 1-bit bitfield)
 * @VIOMMU_WANT_ENUM: enum @name, of @size bytes unless 0
 * @VIOMMU_WANT_STRUCT: struct @name, of @size bytes unless 0
 * @VIOMMU_WANT_UNION: union @name, of @size bytes unless 0
 * @VIOMMU_WANT_PTR: A pointer to @to (to anything if @to is NULL)
 * @VIOMMU_WANT_FUNC_PTR: A pointer to a function
 * @VIOMMU_WANT_ARRAY: An array of @nelems (any count if 0) of @to
 *
 * Typedefs, const and volatile are looked through.
 */
enum viommu_btf_want_kind {
	VIOMMU_WANT_VOID,
	VIOMMU_WANT_INT,
	VIOMMU_WANT_BOOL,
	VIOMMU_WANT_ENUM,
	VIOMMU_WANT_STRUCT,
	VIOMMU_WANT_UNION,
	VIOMMU_WANT_PTR,
	VIOMMU_WANT_FUNC_PTR,
	VIOMMU_WANT_ARRAY,
};

/**
 * struct viommu_btf_want - An expected type
 * @kind: See enum viommu_btf_want_kind
 * @is_signed: For VIOMMU_WANT_INT
 * @size: Bytes (0: any) for INT, ENUM, STRUCT, UNION
 * @nelems: For VIOMMU_WANT_ARRAY
 * @name: For ENUM, STRUCT, UNION
 * @to: What a PTR points to or an ARRAY holds
 */
struct viommu_btf_want {
	u8 kind;
	bool is_signed;
	u32 size;
	u32 nelems;
	const char *name;
	const struct viommu_btf_want *to;
};

#define VB_VOID { .kind = VIOMMU_WANT_VOID }
/* An integer exactly like the C type @t (size and signedness). */
#define VB_INT(t) { .kind = VIOMMU_WANT_INT, .size = sizeof(t), \
		    .is_signed = is_signed_type(t) }
#define VB_U32 VB_INT(u32)
#define VB_S32 VB_INT(s32)
#define VB_BOOL { .kind = VIOMMU_WANT_BOOL }
/* An enum the module handles as the C integer type @t. */
#define VB_ENUM(n, t) { .kind = VIOMMU_WANT_ENUM, .name = n, .size = sizeof(t) }
/* A struct; @sz is 0 for a private one, sizeof() for a public one. */
#define VB_STRUCT(n, sz) { .kind = VIOMMU_WANT_STRUCT, .name = n, .size = sz }
#define VB_PTR_TO(...) { .kind = VIOMMU_WANT_PTR, \
			 .to = &(const struct viommu_btf_want)__VA_ARGS__ }
/* A pointer to struct @n. */
#define VB_PTR(n) VB_PTR_TO(VB_STRUCT(n, 0))
#define VB_FUNC_PTR { .kind = VIOMMU_WANT_FUNC_PTR }
#define VB_ARRAY(count, ...) { .kind = VIOMMU_WANT_ARRAY, .nelems = count, \
			       .to = &(const struct viommu_btf_want)__VA_ARGS__ }

#define VIOMMU_BTF_MAX_PARAMS 6

/**
 * struct viommu_btf_proto - How the module calls a function
 * @ret: The return type
 * @nr_params: How many parameters
 * @params: Their types
 */
struct viommu_btf_proto {
	struct viommu_btf_want ret;
	unsigned int nr_params;
	struct viommu_btf_want params[VIOMMU_BTF_MAX_PARAMS];
};

/**
 * struct viommu_btf_member - Where a member is
 * @offset: Byte offset in its struct (of the byte holding a bitfield's
 *          first bit)
 * @size: Its size in bytes (0 for a bitfield)
 * @bit: For a bitfield, its first bit in the byte at @offset
 * @bitfield: Its width in bits, 0 when it is not a bitfield
 * @type: Its type id
 */
struct viommu_btf_member {
	u32 offset;
	u32 size;
	u8 bit;
	u8 bitfield;
	u32 type;
};

struct viommu_btf *viommu_btf_parse(const void *data, size_t size,
				    const struct viommu_btf *base,
				    char *why, size_t why_len);
struct viommu_btf *viommu_btf_load(const char *path,
				   const struct viommu_btf *base,
				   char *why, size_t why_len);
void viommu_btf_free(struct viommu_btf *btf);
u32 viommu_btf_nr_types(const struct viommu_btf *btf);
const char *viommu_btf_name(const struct viommu_btf *btf, u32 id);
u32 viommu_btf_type_size(const struct viommu_btf *btf, u32 id);
s32 viommu_btf_find_struct(const struct viommu_btf *btf, const char *name,
			   const char * const *members, unsigned int nr_members,
			   char *why, size_t why_len);
int viommu_btf_member(const struct viommu_btf *btf, u32 id, const char *name,
		      struct viommu_btf_member *out, char *why, size_t why_len);
int viommu_btf_check_type(const struct viommu_btf *btf, u32 id,
			  const struct viommu_btf_want *want,
			  char *why, size_t why_len);
int viommu_btf_enum_value(const struct viommu_btf *btf, const char *enum_name,
			  const char *name, s64 *value, char *why, size_t why_len);
int viommu_btf_check_func(const struct viommu_btf *btf, const char *name,
			  const struct viommu_btf_proto *proto,
			  char *why, size_t why_len);

/* layout.c: the one table of everything private the shim uses */

/**
 * struct viommu_field - A private field, as the running kernel lays it out
 * @offset: Byte offset in its struct
 * @size: Bytes (0 for a bitfield)
 * @bit: A bitfield's bit in the byte at @offset
 * @bits: A bitfield's width; 0 when not a bitfield
 */
struct viommu_field {
	u32 offset;
	u32 size;
	u8 bit;
	u8 bits;
};

/*
 * Everything the table learned at load, valid once viommu_layout_init()
 * returned 0: struct sizes as <struct>_size (every field lies inside its
 * struct: offset + size <= <struct>_size), fields named <struct>_<member>
 * (ctx is iommufd_ctx, hwpt iommufd_hw_pagetable, paging and nested the
 * two HWPT kinds, ops the element of iommufd_object_ops[]), and the values
 * of enum iommufd_object_type as obj_<type>.
 */
struct viommu_layout {
	u32 object_size;
	struct viommu_field object_id, object_type, object_users,
		object_shortterm_users;
	u32 ctx_size;
	struct viommu_field ctx_file, ctx_destroy_wait;
	u32 device_size;
	struct viommu_field device_obj, device_dev, device_ictx;
	u32 hwpt_size;
	struct viommu_field hwpt_obj, hwpt_domain;
	u32 paging_size;
	struct viommu_field paging_common, paging_ioas, paging_nest_parent,
		paging_auto_domain;
	u32 nested_size;
	struct viommu_field nested_common, nested_parent;
	u32 ioas_size;
	struct viommu_field ioas_obj, ioas_iopt;
	u32 access_size;
	struct viommu_field access_obj;
	u32 ops_size;
	struct viommu_field ops_destroy, ops_abort;
	u32 obj_any, obj_device, obj_hwpt_paging, obj_hwpt_nested, obj_ioas,
		obj_max;
	/* IOPF of nested HWPTs: the stock fault queue (fault.c of 6.12). */
	struct viommu_field hwpt_fault;
	u32 fault_size;
	struct viommu_field fault_obj;
	u32 obj_fault;
};

extern struct viommu_layout viommu_layout;

/* Which BTF an entry of the table is looked up in. */
enum viommu_layout_btf {
	VIOMMU_LAYOUT_VMLINUX,
	VIOMMU_LAYOUT_IOMMUFD,	/* split on vmlinux: sees both */
	VIOMMU_LAYOUT_NR_BTF,
};

/**
 * enum viommu_layout_kind - What one entry of the table declares
 * @VIOMMU_LAYOUT_STRUCT: A struct; the FIELD entries after it are its
 *	members (and tell it apart from others of the same name)
 * @VIOMMU_LAYOUT_FIELD: A member of the last STRUCT, with its type
 * @VIOMMU_LAYOUT_ENUM: An enumerator of an enum
 * @VIOMMU_LAYOUT_FUNC: A function and the prototype it is called with
 */
enum viommu_layout_kind {
	VIOMMU_LAYOUT_STRUCT,
	VIOMMU_LAYOUT_FIELD,
	VIOMMU_LAYOUT_ENUM,
	VIOMMU_LAYOUT_FUNC,
};

/* A FIELD flag: the member must be at offset 0 (a stock allocation). */
#define VIOMMU_LAYOUT_AT_ZERO	BIT(0)

/**
 * struct viommu_layout_entry - One line of the table
 * @kind: See enum viommu_layout_kind
 * @btf: Where to look it up
 * @flags: VIOMMU_LAYOUT_AT_ZERO
 * @name: The struct, enum or function
 * @member: The field or enumerator
 * @want: A FIELD's type
 * @proto: A FUNC's prototype
 * @size: Where a STRUCT's size goes, or NULL (it is checked either way:
 *	every FIELD after it must lie inside it)
 * @field: Where a FIELD's place goes
 * @value: Where an ENUM's value goes
 */
struct viommu_layout_entry {
	u8 kind;
	u8 btf;
	u8 flags;
	const char *name;
	const char *member;
	struct viommu_btf_want want;
	const struct viommu_btf_proto *proto;
	u32 *size;
	struct viommu_field *field;
	u32 *value;
};

int viommu_layout_verify(struct viommu_btf * const *btfs,
			 const struct viommu_layout_entry *table,
			 unsigned int nr, const char *fail_check,
			 char *why, size_t why_len);
int viommu_layout_verify_vmlinux(const struct viommu_layout_entry *table,
				 unsigned int nr, const char *fail_check,
				 char *why, size_t why_len);
int viommu_layout_init(const char **reason);
int viommu_layout_check_func(const char *name);
const char *viommu_layout_fail_check(void);
#if IS_ENABLED(CONFIG_KUNIT)
extern const struct viommu_layout_entry viommu_layout_table[];
extern const unsigned int viommu_layout_table_len;
int viommu_layout_verify_running(const char *fail_check, char *why,
				 size_t why_len);
int viommu_layout_check_only(struct viommu_btf * const *btfs,
			     const struct viommu_layout_entry *table,
			     unsigned int nr, unsigned int *failed, char *why,
			     size_t why_len);
#endif

/*
 * The stock functions the shim calls or hooks, typed as the shim calls
 * them. Enums are passed as u32 (what their BTF size is checked against).
 * The table checks each against its BTF prototype at load; a replacement
 * is declared with the same typedef, e.g.
 *	static viommu_iopt_unmap_iova_fn viommu_iopt_unmap_iova;
 */
struct file;
struct inode;
struct io_pagetable;
typedef struct iommufd_object *(viommu_get_object_fn)(struct iommufd_ctx *ictx,
						      u32 id, u32 type);
typedef struct iommufd_object *(viommu_object_alloc_fn)(struct iommufd_ctx *ictx,
							size_t size, u32 type);
typedef void viommu_object_finalize_fn(struct iommufd_ctx *ictx,
				       struct iommufd_object *obj);
typedef void viommu_object_abort_fn(struct iommufd_ctx *ictx,
				    struct iommufd_object *obj);
typedef int viommu_object_remove_fn(struct iommufd_ctx *ictx,
				    struct iommufd_object *obj, u32 id,
				    unsigned int flags);
typedef void viommu_device_unbind_fn(struct iommufd_device *idev);
typedef void viommu_hwpt_nested_destroy_fn(struct iommufd_object *obj);
typedef void viommu_hwpt_nested_abort_fn(struct iommufd_object *obj);
typedef void viommu_device_detach_fn(struct iommufd_device *idev);
typedef int viommu_device_replace_fn(struct iommufd_device *idev, u32 *pt_id);
typedef int viommu_iopt_unmap_iova_fn(struct io_pagetable *iopt,
				      unsigned long iova, unsigned long length,
				      unsigned long *unmapped);
typedef int viommu_iopt_unmap_all_fn(struct io_pagetable *iopt,
				     unsigned long *unmapped);

typedef int viommu_fops_open_fn(struct inode *inode, struct file *filp);
typedef struct iommufd_ctx *(viommu_ctx_from_file_fn)(struct file *file);
typedef struct iommufd_ctx *(viommu_ctx_from_fd_fn)(int fd);
typedef void viommu_ctx_get_fn(struct iommufd_ctx *ictx);
typedef void viommu_ctx_put_fn(struct iommufd_ctx *ictx);

/* The domain->iopf_handler 6.12 gives HWPTs that have a fault queue. */
struct iopf_group;
typedef int viommu_fault_iopf_handler_fn(struct iopf_group *group);

#endif /* _VIOMMU_SHIM_LAYOUT_H */
