// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/viommu ioctl dispatcher: a table of ops indexed by command
 * number, with iommufd's rules for extensible structs.
 */
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "core.h"

/* Minimum sizes end where upstream's IOCTL_OP() entries end. */
static const struct viommu_ioctl_op viommu_ioctl_ops[] = {
	VIOMMU_IOCTL_OP(VIOMMU_DESTROY, viommu_destroy_ioctl,
			struct viommu_destroy, id, false),
	VIOMMU_IOCTL_OP(VIOMMU_HWPT_ALLOC, viommu_hwpt_alloc_ioctl,
			struct viommu_hwpt_alloc, __reserved, false),
	VIOMMU_IOCTL_OP(VIOMMU_GET_HW_INFO, viommu_get_hw_info_ioctl,
			struct viommu_hw_info, __reserved, false),
	VIOMMU_IOCTL_OP(VIOMMU_HWPT_INVALIDATE, viommu_hwpt_invalidate_ioctl,
			struct viommu_hwpt_invalidate, __reserved, false),
	VIOMMU_IOCTL_OP(VIOMMU_VIOMMU_ALLOC, viommu_viommu_alloc_ioctl,
			struct viommu_viommu_alloc, out_viommu_id, false),
	VIOMMU_IOCTL_OP(VIOMMU_VDEVICE_ALLOC, viommu_vdevice_alloc_ioctl,
			struct viommu_vdevice_alloc, virt_id, false),
	VIOMMU_IOCTL_OP(VIOMMU_VEVENTQ_ALLOC, viommu_veventq_alloc_ioctl,
			struct viommu_veventq_alloc, out_veventq_fd, false),
	VIOMMU_IOCTL_OP(VIOMMU_HW_QUEUE_ALLOC, viommu_hw_queue_alloc_ioctl,
			struct viommu_hw_queue_alloc, length, false),
	VIOMMU_IOCTL_OP(VIOMMU_TEST_CMD, viommu_test_cmd_ioctl,
			struct viommu_test_cmd, last, false),
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
 * viommu_ucmd_respond() - Copy a command's outputs back to userspace
 * @ucmd: The command
 * @cmd_len: sizeof the kernel's command struct
 *
 * Copies no more than userspace gave, so older callers keep working.
 *
 * Return: 0 or -EFAULT.
 */
int viommu_ucmd_respond(struct viommu_ucmd *ucmd, size_t cmd_len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_ucmd_respond);

/**
 * viommu_test_cmd_ioctl() - IOMMU_TEST_CMD, served by a test backend
 * @ucmd: The command, struct viommu_test_cmd
 *
 * Return: the backend's result; -ENOTTY when no backend is loaded.
 */
int viommu_test_cmd_ioctl(struct viommu_ucmd *ucmd)
{
	int rc;

	rc = viommu_test_cmd_dispatch(ucmd);
	if (rc || ucmd->responded)
		return rc;
	return viommu_ucmd_respond(ucmd, sizeof(struct viommu_test_cmd));
}

/**
 * viommu_test_cmd_respond() - Copy a test command's outputs back now
 * @ucmd: The command the driver's test_cmd was given; NULL for a caller
 *        in the kernel, which reads the outputs in place
 *
 * For an op that publishes an object: respond first, publish after, so a
 * failed copy leaves nothing behind the caller never learned about. The
 * core does not copy again when the op returns.
 *
 * Return: 0 or -EFAULT.
 */
int viommu_test_cmd_respond(struct viommu_ucmd *ucmd)
{
	if (!ucmd)
		return 0;
	ucmd->responded = true;
	return viommu_ucmd_respond(ucmd, sizeof(struct viommu_test_cmd));
}
EXPORT_SYMBOL_GPL(viommu_test_cmd_respond);

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
	unsigned int nr;
	int rc;

	nr = _IOC_NR(cmd);
	if (nr < VIOMMU_CMD_BASE || nr - VIOMMU_CMD_BASE >= table->nr_ops)
		return -ENOTTY;
	/* Upstream reads the size before it matches the number: EFAULT first. */
	if (get_user(ucmd.user_size, (u32 __user *)arg))
		return -EFAULT;
	op = viommu_find_op(table, cmd);
	if (!op)
		return -ENOTTY;
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
