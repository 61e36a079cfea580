/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces of the viommu core module. */
#ifndef _VIOMMU_CORE_H
#define _VIOMMU_CORE_H

#include <linux/types.h>
#include <linux/fs.h>
#include <linux/maple_tree.h>
#include <linux/viommu.h>
#include <linux/viommu_test.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <viommu/viommu.h>

struct iommufd_ctx;

/*
 * Stock iommufd ids come from xa_limit_31b, so ids with bit 31 set can
 * never name a stock object: one id never names two objects.
 */
#define VIOMMU_ID_MIN 0x80000000U
#define VIOMMU_ID_MAX 0xfffffffeU

/**
 * struct viommu_ctx - State of one open /dev/viommu file
 * @ictx: The stock iommufd context this file is bound to, NULL until
 *        VIOMMU_BIND_IOMMUFD. Set once, cleared only on release; holds a
 *        reference taken by iommufd_ctx_from_fd().
 * @file: The /dev/viommu file; vEVENTQ files hold a reference on it
 * @objects: The id table, ids VIOMMU_ID_MIN..VIOMMU_ID_MAX
 * @destroy_wait: Woken when an object's shortterm_users drops to zero
 * @mt_mmap: mmap regions by byte offset (struct viommu_mmap)
 * @refs: The file, an orphaned close and short-lived users hold one each
 * @orphan_node: On the orphan list after a close that left objects behind
 * @door: The context of a stock iommufd file (the door): @ictx and @file
 *        are that file's own, and no reference is held on them
 */
struct viommu_ctx {
	struct iommufd_ctx *ictx;
	struct file *file;
	struct xarray objects;
	wait_queue_head_t destroy_wait;
	struct maple_tree mt_mmap;
	refcount_t refs;
	struct list_head orphan_node;
	bool door;
};

struct viommu_ctx *viommu_ctx_alloc(void);
void viommu_ctx_free(struct viommu_ctx *ctx);
struct viommu_ctx *viommu_ctx_alloc_door(struct file *stock_file,
					 struct iommufd_ctx *ictx);
bool viommu_ctx_close_door(struct viommu_ctx *ctx);
int viommu_ctx_bind(struct viommu_ctx *ctx, struct iommufd_ctx *ictx);
struct iommufd_ctx *viommu_ctx_ictx(struct viommu_ctx *ctx);

/**
 * struct viommu_ucmd - One ioctl call being executed
 * @ctx: The context of the file the ioctl came on
 * @ubuffer: The user pointer passed to ioctl()
 * @user_size: The size userspace put in the first __u32
 * @cmd: Kernel copy of the command struct, zero-extended to the kernel's size
 * @responded: A test op copied @cmd back itself (viommu_test_cmd_respond())
 */
struct viommu_ucmd {
	struct viommu_ctx *ctx;
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
	bool responded;
};

/**
 * struct viommu_ioctl_op - One entry of an ioctl table
 * @size: sizeof the command struct the kernel knows
 * @min_size: The smallest user size accepted (end of the last mandatory field)
 * @unbound_ok: The op may run before VIOMMU_BIND_IOMMUFD
 * @execute: Runs the command on @ucmd->cmd
 *
 * As in iommufd, every command is _IO(VIOMMU_TYPE, nr): the size travels in
 * the struct, so the number alone names the op.
 */
struct viommu_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	bool unbound_ok;
	int (*execute)(struct viommu_ucmd *ucmd);
};

/**
 * struct viommu_ioctl_table - ioctl ops indexed by _IOC_NR() - VIOMMU_CMD_BASE
 * @ops: The ops; an entry without @execute is a hole
 * @nr_ops: Number of entries in @ops
 */
struct viommu_ioctl_table {
	const struct viommu_ioctl_op *ops;
	unsigned int nr_ops;
};

/* Every command struct must fit the dispatcher's on-stack buffer. */
union viommu_ucmd_buffer {
	struct viommu_bind_iommufd bind;
	struct viommu_destroy destroy;
	struct viommu_hwpt_alloc hwpt;
	struct viommu_hw_info info;
	struct viommu_hwpt_invalidate inv;
	struct viommu_viommu_alloc viommu;
	struct viommu_vdevice_alloc vdev;
	struct viommu_veventq_alloc veventq;
	struct viommu_hw_queue_alloc hw_queue;
	struct viommu_test_cmd test;
	u64 reserve[10];
};

#define VIOMMU_IOCTL_OP(_ioctl, _fn, _struct, _last, _unbound_ok)            \
	[_IOC_NR(_ioctl) - VIOMMU_CMD_BASE] = {                              \
		.size = sizeof(_struct) +                                    \
			BUILD_BUG_ON_ZERO(sizeof(union viommu_ucmd_buffer) < \
					  sizeof(_struct)),                  \
		.min_size = offsetofend(_struct, _last),                     \
		.unbound_ok = _unbound_ok,                                   \
		.execute = _fn,                                              \
	}

long viommu_dispatch(const struct viommu_ioctl_table *table,
		     struct viommu_ctx *ctx, unsigned int cmd,
		     void __user *arg);
long viommu_ioctl(struct viommu_ctx *ctx, unsigned int cmd, void __user *arg);

int viommu_ucmd_respond(struct viommu_ucmd *ucmd, size_t cmd_len);

int viommu_bind_iommufd_ioctl(struct viommu_ucmd *ucmd);
int viommu_destroy_ioctl(struct viommu_ucmd *ucmd);
int viommu_viommu_alloc_ioctl(struct viommu_ucmd *ucmd);
int viommu_vdevice_alloc_ioctl(struct viommu_ucmd *ucmd);
int viommu_veventq_alloc_ioctl(struct viommu_ucmd *ucmd);
int viommu_hw_queue_alloc_ioctl(struct viommu_ucmd *ucmd);
int viommu_hwpt_alloc_ioctl(struct viommu_ucmd *ucmd);
int viommu_hwpt_invalidate_ioctl(struct viommu_ucmd *ucmd);
int viommu_get_hw_info_ioctl(struct viommu_ucmd *ucmd);
bool viommu_hw_info_has_driver(struct iommufd_ctx *ictx, u32 dev_id);
int viommu_test_cmd_ioctl(struct viommu_ucmd *ucmd);

/* Object table (object.c), modelled on the stock iommufd one. */
struct viommu_object *_viommu_object_alloc(struct viommu_ctx *ctx, size_t size,
					   enum viommu_object_type type);
#define viommu_object_alloc(ctx, ptr, type)                                  \
	container_of(_viommu_object_alloc(ctx,                               \
					  sizeof((ptr)[0]) +                 \
					  BUILD_BUG_ON_ZERO(offsetof(        \
						typeof((ptr)[0]), obj) != 0),\
					  type),                             \
		     typeof((ptr)[0]), obj)
void viommu_object_finalize(struct viommu_ctx *ctx, struct viommu_object *obj);
void viommu_object_abort(struct viommu_ctx *ctx, struct viommu_object *obj);
void viommu_object_abort_and_destroy(struct viommu_ctx *ctx,
				     struct viommu_object *obj);
struct viommu_object *viommu_get_object(struct viommu_ctx *ctx, u32 id,
					enum viommu_object_type type);
bool viommu_lock_obj(struct viommu_object *obj);
bool viommu_object_pin_published(struct viommu_ctx *ctx,
				 struct viommu_object *obj);
void viommu_put_object(struct viommu_ctx *ctx, struct viommu_object *obj);
enum {
	VIOMMU_REMOVE_WAIT = BIT(0),
	VIOMMU_REMOVE_TOMBSTONE = BIT(1),
};

int viommu_object_remove(struct viommu_ctx *ctx,
			 struct viommu_object *to_destroy, u32 id,
			 unsigned int flags);
bool viommu_objects_empty(struct viommu_ctx *ctx);
unsigned int viommu_objects_destroy_leaves(struct viommu_ctx *ctx);

/* Per-type destroy functions, called by the object table. */
void viommu_viommu_destroy(struct viommu_object *obj);
void viommu_vdevice_destroy(struct viommu_object *obj);
void viommu_veventq_destroy(struct viommu_object *obj);
void viommu_hw_queue_destroy(struct viommu_object *obj);

/* Drivers (driver.c) */
struct viommu_driver *viommu_driver_get(struct device *dev);
void viommu_driver_put(struct viommu_driver *drv);
int viommu_test_cmd_dispatch(struct viommu_ucmd *ucmd);
bool viommu_test_cmd_served(void);

/* mmap (mmap.c) */
void viommu_mmap_init(struct viommu_ctx *ctx);
int viommu_mmap(struct viommu_ctx *ctx, struct vm_area_struct *vma);
void viommu_mmap_destroy_all(struct viommu_ctx *ctx);

/* Context lifetime (context.c) */
void viommu_ctx_get(struct viommu_ctx *ctx);
void viommu_ctx_put(struct viommu_ctx *ctx);
void viommu_ctx_reap_orphans(void);
void viommu_ctx_reap_flush(void);

/* Whether @dev sits behind the physical IOMMU instance backing @viommu. */
static inline bool viommu_backs_dev(struct viommu *viommu, struct device *dev)
{
	return dev->iommu && viommu->iommu_dev == __iommu_get_iommu_dev(dev);
}

/* Nested HWPTs (hwpt.c) */
#define VIOMMU_INVALIDATE_ENTRY_NUM_MAX BIT(19)
unsigned int viommu_nested_destroy_unused(struct viommu_ctx *ctx);
int viommu_hwpt_init(void);
void viommu_hwpt_exit(void);

/* vEVENTQ (veventq.c) */
#define VIOMMU_VEVENTQ_MAX_DEPTH BIT(19)

#endif /* _VIOMMU_CORE_H */
