/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces of the viommu core module. */
#ifndef _VIOMMU_CORE_H
#define _VIOMMU_CORE_H

#include <linux/types.h>
#include <linux/fs.h>
#include <linux/viommu.h>

struct iommufd_ctx;

/**
 * struct viommu_ctx - State of one open /dev/viommu file
 * @ictx: The stock iommufd context this file is bound to, NULL until
 *        VIOMMU_BIND_IOMMUFD. Set once, cleared only on release; holds a
 *        reference taken by iommufd_ctx_from_fd().
 */
struct viommu_ctx {
	struct iommufd_ctx *ictx;
};

struct viommu_ctx *viommu_ctx_alloc(void);
void viommu_ctx_free(struct viommu_ctx *ctx);
int viommu_ctx_bind(struct viommu_ctx *ctx, struct iommufd_ctx *ictx);
struct iommufd_ctx *viommu_ctx_ictx(struct viommu_ctx *ctx);

/**
 * struct viommu_ucmd - One ioctl call being executed
 * @ctx: The context of the file the ioctl came on
 * @ubuffer: The user pointer passed to ioctl()
 * @user_size: The size userspace put in the first __u32
 * @cmd: Kernel copy of the command struct, zero-extended to the kernel's size
 */
struct viommu_ucmd {
	struct viommu_ctx *ctx;
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
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
	u64 reserve[8];
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

int viommu_bind_iommufd_ioctl(struct viommu_ucmd *ucmd);

#endif /* _VIOMMU_CORE_H */
