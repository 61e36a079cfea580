// SPDX-License-Identifier: GPL-2.0
/*
 * Life of one /dev/viommu context: allocation, binding to a stock iommufd,
 * and release.
 */
#include <linux/iommufd.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "core.h"
#include "../shim/shim.h"

/*
 * Contexts closed while the stock side still held some of their objects
 * (a device attached to a nested HWPT). They are retried when the stock
 * side lets go: a device detach, replace or unbind, or a nested HWPT
 * destroy.
 */
static LIST_HEAD(viommu_orphans);
static DEFINE_MUTEX(viommu_orphans_lock);

/**
 * viommu_ctx_alloc() - Allocate an unbound context
 *
 * Return: the context, or NULL when out of memory.
 */
struct viommu_ctx *viommu_ctx_alloc(void)
{
	struct viommu_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return NULL;
	xa_init_flags(&ctx->objects, XA_FLAGS_ALLOC | XA_FLAGS_ACCOUNT);
	init_waitqueue_head(&ctx->destroy_wait);
	viommu_mmap_init(ctx);
	refcount_set(&ctx->refs, 1);
	INIT_LIST_HEAD(&ctx->orphan_node);
	return ctx;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_ctx_alloc);

/**
 * viommu_ctx_get() - Keep a context from being freed
 * @ctx: The context; the caller knows it is alive
 */
void viommu_ctx_get(struct viommu_ctx *ctx)
{
	refcount_inc(&ctx->refs);
}

/**
 * viommu_ctx_put() - Drop a context reference; the last one frees it
 * @ctx: The context
 */
void viommu_ctx_put(struct viommu_ctx *ctx)
{
	if (!refcount_dec_and_test(&ctx->refs))
		return;
	WARN_ON(!viommu_objects_empty(ctx));
	viommu_mmap_destroy_all(ctx);
	xa_destroy(&ctx->objects);
	if (ctx->ictx && !ctx->door)
		viommu_shim_ctx_put_pinned(ctx->ictx);
	kfree(ctx);
}

/* Destroy all that nothing outside holds; true if nothing is left. */
static bool viommu_ctx_teardown(struct viommu_ctx *ctx)
{
	while (viommu_objects_destroy_leaves(ctx) +
	       viommu_nested_destroy_unused(ctx))
		;
	return viommu_objects_empty(ctx);
}

static void viommu_reap_fn(struct work_struct *work)
{
	struct viommu_ctx *ctx, *next;
	LIST_HEAD(done);

	mutex_lock(&viommu_orphans_lock);
	list_for_each_entry_safe(ctx, next, &viommu_orphans, orphan_node)
		if (viommu_ctx_teardown(ctx))
			list_move(&ctx->orphan_node, &done);
	mutex_unlock(&viommu_orphans_lock);

	list_for_each_entry_safe(ctx, next, &done, orphan_node) {
		list_del(&ctx->orphan_node);
		viommu_ctx_put(ctx);
		module_put(THIS_MODULE);
	}
}

static DECLARE_WORK(viommu_reap_work, viommu_reap_fn);

/**
 * viommu_ctx_reap_orphans() - Retry the teardown of orphaned contexts
 *
 * Called when the stock side may have let go of an object; runs later, off
 * the caller's locks.
 */
void viommu_ctx_reap_orphans(void)
{
	/*
	 * Most calls find no orphan: waking a worker for nothing cost every
	 * nested HWPT and vDEVICE destroy a context switch. No lock: the
	 * reap itself destroys nested HWPTs, which call here. An orphan
	 * added after this check is reaped by its adder's own call; the
	 * barrier orders the caller's letting go (a pin dropped) before the
	 * check, so that reap sees it, as the adder's teardown did not.
	 */
	smp_mb();
	if (!list_empty_careful(&viommu_orphans))
		schedule_work(&viommu_reap_work);
}

/**
 * viommu_core_attach_changed() - A stock device left a HWPT
 *
 * Called by the shim: a nested HWPT of an orphaned context may be unused
 * now, so the orphans are retried.
 */
void viommu_core_attach_changed(void)
{
	viommu_ctx_reap_orphans();
}

/**
 * viommu_ctx_reap_flush() - Wait for a scheduled reap to finish
 */
void viommu_ctx_reap_flush(void)
{
	flush_work(&viommu_reap_work);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_ctx_reap_flush);

/**
 * viommu_ctx_free() - Close a context and free everything it holds
 * @ctx: The context; its file is gone
 *
 * Objects that the stock side still holds (a device attached to one of its
 * nested HWPTs) keep the context as an orphan until they are let go.
 */
void viommu_ctx_free(struct viommu_ctx *ctx)
{
	if (viommu_ctx_teardown(ctx)) {
		viommu_ctx_put(ctx);
		return;
	}
	pr_info("viommu: closed context still used by the stock iommufd; freeing it when released\n");
	/* Orphans run module code later: keep the module. */
	__module_get(THIS_MODULE);
	mutex_lock(&viommu_orphans_lock);
	list_add_tail(&ctx->orphan_node, &viommu_orphans);
	mutex_unlock(&viommu_orphans_lock);
	viommu_ctx_reap_orphans();
}
EXPORT_SYMBOL_IF_KUNIT(viommu_ctx_free);

/**
 * viommu_ctx_alloc_door() - Allocate the context of a stock iommufd file
 * @stock_file: The file, just opened
 * @ictx: Its iommufd context
 *
 * The context is bound from the start and holds no reference on the file:
 * the file owns it and closes it with viommu_ctx_close_door() before its
 * stock release. vEVENTQ files and mmaps of its objects hold the file, as
 * upstream's do.
 *
 * Return: the context, or NULL when out of memory.
 */
struct viommu_ctx *viommu_ctx_alloc_door(struct file *stock_file,
					 struct iommufd_ctx *ictx)
{
	struct viommu_ctx *ctx;

	ctx = viommu_ctx_alloc();
	if (!ctx)
		return NULL;
	ctx->door = true;
	ctx->file = stock_file;
	ctx->ictx = ictx;
	return ctx;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_ctx_alloc_door);

/**
 * viommu_ctx_close_door() - Free a door context before its file's release
 * @ctx: The context; its file has no user left
 *
 * With the file's count at zero nothing outside can hold an object of
 * @ctx: a bound VFIO device, a vEVENTQ file and a mapping each hold the
 * file. So everything goes now, while the stock context is intact.
 *
 * Return: true; false (and a warning) if something was left, in which case
 * the context is leaked rather than freed under a user.
 */
bool viommu_ctx_close_door(struct viommu_ctx *ctx)
{
	if (WARN_ON(!viommu_ctx_teardown(ctx)))
		return false;
	viommu_ctx_put(ctx);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_ctx_close_door);

/**
 * viommu_ctx_bind() - Bind a context to a stock iommufd context
 * @ctx: The context
 * @ictx: The iommufd context; on success @ctx owns the caller's reference
 *
 * The first bound context installs the shim's hooks (until unload).
 *
 * Return: 0, -EBUSY if @ctx is already bound, -ENOMEM or -EOPNOTSUPP if
 * the hooks cannot be installed (the caller keeps its reference on error).
 */
int viommu_ctx_bind(struct viommu_ctx *ctx, struct iommufd_ctx *ictx)
{
	int rc;

	rc = viommu_shim_hooks_get();
	if (rc)
		return rc;
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

/**
 * viommu_bind_iommufd_ioctl() - VIOMMU_BIND_IOMMUFD
 * @ucmd: The command, struct viommu_bind_iommufd
 *
 * Return: 0; -EBUSY if already bound; -EBADF or -EINVAL for a bad fd;
 * -EOPNOTSUPP if the stock context does not verify.
 */
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
	/* A stock layout that does not match is never used. */
	if (viommu_shim_ready() && viommu_shim_verify_ictx(ictx)) {
		viommu_shim_ctx_put_pinned(ictx);
		return -EOPNOTSUPP;
	}

	rc = viommu_ctx_bind(ucmd->ctx, ictx);
	if (rc)
		viommu_shim_ctx_put_pinned(ictx);
	return rc;
}
