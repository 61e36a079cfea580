// SPDX-License-Identifier: GPL-2.0
/*
 * Life of one /dev/viommu context: allocation, binding to a stock iommufd,
 * and release.
 */
#include <linux/iommufd.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "core.h"

/**
 * viommu_ctx_alloc() - Allocate an unbound context
 *
 * Return: the context, or NULL when out of memory.
 */
struct viommu_ctx *viommu_ctx_alloc(void)
{
	return kzalloc(sizeof(struct viommu_ctx), GFP_KERNEL_ACCOUNT);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_ctx_alloc);

/**
 * viommu_ctx_free() - Release a context and everything it holds
 * @ctx: The context; the caller is its last user
 *
 * Drops the reference on the bound stock iommufd context, if any.
 */
void viommu_ctx_free(struct viommu_ctx *ctx)
{
	if (ctx->ictx)
		iommufd_ctx_put(ctx->ictx);
	kfree(ctx);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_ctx_free);

/**
 * viommu_ctx_bind() - Bind a context to a stock iommufd context
 * @ctx: The context
 * @ictx: The iommufd context; on success @ctx owns the caller's reference
 *
 * Return: 0, or -EBUSY if @ctx is already bound (the caller keeps its
 * reference then).
 */
int viommu_ctx_bind(struct viommu_ctx *ctx, struct iommufd_ctx *ictx)
{
	/* Release pairs with the acquire in viommu_ctx_ictx(). */
	if (cmpxchg_release(&ctx->ictx, NULL, ictx))
		return -EBUSY;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_ctx_bind);

/**
 * viommu_ctx_ictx() - The stock iommufd context a context is bound to
 * @ctx: The context
 *
 * Return: the iommufd context, or NULL while @ctx is unbound. It stays
 * valid for as long as @ctx.
 */
struct iommufd_ctx *viommu_ctx_ictx(struct viommu_ctx *ctx)
{
	/* Pairs with cmpxchg_release() in viommu_ctx_bind(). */
	return smp_load_acquire(&ctx->ictx);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_ctx_ictx);

int viommu_bind_iommufd_ioctl(struct viommu_ucmd *ucmd)
{
	struct viommu_bind_iommufd *cmd = ucmd->cmd;
	struct iommufd_ctx *ictx;
	int rc;

	/* A bound context refuses any bind, whatever fd it names. */
	if (viommu_ctx_ictx(ucmd->ctx))
		return -EBUSY;

	ictx = iommufd_ctx_from_fd(cmd->iommufd_fd);
	if (IS_ERR(ictx)) {
		/* EBADFD means "not bound" on this device; say EINVAL here. */
		rc = PTR_ERR(ictx);
		return rc == -EBADFD ? -EINVAL : rc;
	}

	rc = viommu_ctx_bind(ucmd->ctx, ictx);
	if (rc)
		iommufd_ctx_put(ictx);
	return rc;
}
