// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/viommu ioctl dispatcher: a table of ops indexed by command
 * number, with iommufd's rules for extensible structs.
 */
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "core.h"

static const struct viommu_ioctl_op viommu_ioctl_ops[] = {
	VIOMMU_IOCTL_OP(VIOMMU_BIND_IOMMUFD, viommu_bind_iommufd_ioctl,
			struct viommu_bind_iommufd, iommufd_fd, true),
};

static const struct viommu_ioctl_table viommu_ioctl_table = {
	.ops = viommu_ioctl_ops,
	.nr_ops = ARRAY_SIZE(viommu_ioctl_ops),
};

static const struct viommu_ioctl_op *
viommu_find_op(const struct viommu_ioctl_table *table, unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);
	const struct viommu_ioctl_op *op;

	if (nr < VIOMMU_CMD_BASE || nr - VIOMMU_CMD_BASE >= table->nr_ops)
		return NULL;
	op = &table->ops[nr - VIOMMU_CMD_BASE];
	/* Other type, size or direction bits name some other ioctl. */
	if (!op->execute || cmd != _IO(VIOMMU_TYPE, nr))
		return NULL;
	return op;
}

/**
 * viommu_dispatch() - Run one ioctl through an op table
 * @table: The ops
 * @ctx: The context of the calling file
 * @cmd: The ioctl number
 * @arg: The user pointer to the command struct
 *
 * Checks, in order: the command is in @table (else -ENOTTY); its size field
 * is readable (else -EFAULT) and at least the op's minimum (else -EINVAL);
 * bytes past the kernel's struct are zero (else -E2BIG); @ctx is bound
 * unless the op allows otherwise (else -EBADFD).
 *
 * Return: the op's result, or one of the errors above.
 */
long viommu_dispatch(const struct viommu_ioctl_table *table,
		     struct viommu_ctx *ctx, unsigned int cmd,
		     void __user *arg)
{
	const struct viommu_ioctl_op *op;
	union viommu_ucmd_buffer buf;
	struct viommu_ucmd ucmd = {
		.ctx = ctx,
		.ubuffer = arg,
		.cmd = &buf,
	};
	int rc;

	op = viommu_find_op(table, cmd);
	if (!op)
		return -ENOTTY;

	if (get_user(ucmd.user_size, (u32 __user *)arg))
		return -EFAULT;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	rc = copy_struct_from_user(&buf, op->size, arg, ucmd.user_size);
	if (rc)
		return rc;

	if (!op->unbound_ok && !viommu_ctx_ictx(ctx))
		return -EBADFD;
	return op->execute(&ucmd);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_dispatch);

/**
 * viommu_ioctl() - Run one /dev/viommu ioctl
 * @ctx: The context of the calling file
 * @cmd: The ioctl number
 * @arg: The user pointer to the command struct
 *
 * Return: see viommu_dispatch().
 */
long viommu_ioctl(struct viommu_ctx *ctx, unsigned int cmd, void __user *arg)
{
	return viommu_dispatch(&viommu_ioctl_table, ctx, cmd, arg);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_ioctl);
