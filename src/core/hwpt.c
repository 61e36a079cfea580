// SPDX-License-Identifier: GPL-2.0
/*
 * Nested HWPTs on a vIOMMU (IOMMU_HWPT_ALLOC with pt_id = vIOMMU) and
 * vIOMMU cache invalidation (IOMMU_HWPT_INVALIDATE with hwpt_id = vIOMMU).
 *
 * A nested HWPT is a genuine stock IOMMUFD_OBJ_HWPT_NESTED of the bound
 * iommufd, so stock attach and IOMMU_DESTROY work on it; it pins the vIOMMU
 * until the stock destroy path tells us it is gone. With
 * IOMMU_HWPT_FAULT_ID_VALID it reports its IOPFs to a stock fault queue,
 * set up as 6.12 does for its own HWPTs: stock attach, detach and destroy
 * then do the rest.
 */
#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "core.h"
#include "../shim/shim.h"

/**
 * struct viommu_nested - A stock nested HWPT made on a vIOMMU
 * @obj: The stock object, the key of viommu_nested_by_obj
 * @viommu: The vIOMMU it pins
 * @index: Its index in viommu_nested_hwpts
 * @node: In viommu_nested_by_obj
 */
struct viommu_nested {
	struct iommufd_object *obj;
	struct viommu *viommu;
	u32 index;
	struct rhash_head node;
};

/*
 * Every nested HWPT made here, twice: by a small index, which teardown
 * walks in order, and by stock object address, which the destroy hook
 * has (for every stock nested HWPT, ours or not). An xarray keyed by the
 * address itself is 11 levels deep: each insert allocated and each erase
 * RCU-freed a node a level. A tenant may make any number: the table
 * grows with them. Every lookup holds viommu_nested_lock, so an entry
 * taken out under it is freed at once, without RCU.
 */
static DEFINE_XARRAY_FLAGS(viommu_nested_hwpts,
			   XA_FLAGS_ALLOC | XA_FLAGS_ACCOUNT);
static struct rhashtable viommu_nested_by_obj;
static DEFINE_MUTEX(viommu_nested_lock);

static const struct rhashtable_params viommu_nested_params = {
	.key_len = sizeof(struct iommufd_object *),
	.key_offset = offsetof(struct viommu_nested, obj),
	.head_offset = offsetof(struct viommu_nested, node),
	.automatic_shrinking = true,
};

/**
 * viommu_hwpt_init() - Set up the nested HWPT table, at load
 *
 * Return: 0 or -ENOMEM.
 */
int viommu_hwpt_init(void)
{
	return rhashtable_init(&viommu_nested_by_obj, &viommu_nested_params);
}

/**
 * viommu_hwpt_exit() - Free the table, at unload: every context is gone
 */
void viommu_hwpt_exit(void)
{
	WARN_ON(!xa_empty(&viommu_nested_hwpts));
	rhashtable_destroy(&viommu_nested_by_obj);
}

struct viommu_nested_prep {
	struct viommu_ucmd *ucmd;
	struct viommu_nested *nested;
	struct iommu_domain *domain;
	struct iommufd_object *fault;
};

/* Runs before the stock object is visible; may still fail. */
static int viommu_nested_prepare(struct iommufd_object *obj, void *arg)
{
	struct viommu_nested_prep *prep = arg;
	struct viommu_hwpt_alloc *cmd = prep->ucmd->cmd;
	struct viommu_nested *nested = prep->nested;
	int rc;

	nested->obj = obj;
	cmd->out_hwpt_id = viommu_shim_object_id(obj);
	rc = viommu_ucmd_respond(prep->ucmd, sizeof(*cmd));
	if (rc)
		return rc;
	mutex_lock(&viommu_nested_lock);
	rc = xa_alloc(&viommu_nested_hwpts, &nested->index, nested,
		      xa_limit_32b, GFP_KERNEL);
	if (!rc) {
		rc = rhashtable_insert_fast(&viommu_nested_by_obj,
					    &nested->node,
					    viommu_nested_params);
		if (rc) {
			xa_erase(&viommu_nested_hwpts, nested->index);
			/* -EBUSY: the table could not grow in time */
			rc = -ENOMEM;
		}
	}
	if (!rc)
		refcount_inc(&nested->viommu->obj.users);
	mutex_unlock(&viommu_nested_lock);
	/* Last: nothing may fail after it, the object is only aborted then. */
	if (!rc && prep->fault)
		viommu_shim_hwpt_set_fault(obj, prep->domain, prep->fault);
	return rc;
}

static struct iommu_domain *
viommu_alloc_domain_nested(struct viommu *viommu, struct viommu_hwpt_alloc *cmd)
{
	const struct iommu_user_data user_data = {
		.type = cmd->data_type,
		.uptr = u64_to_user_ptr(cmd->data_uptr),
		.len = cmd->data_len,
	};
	struct iommu_domain *domain;

	if (cmd->flags & ~(VIOMMU_HWPT_FAULT_ID_VALID | VIOMMU_HWPT_ALLOC_PASID))
		return ERR_PTR(-EOPNOTSUPP);
	/* Without the stock fault queue, say so rather than drop faults. */
	if ((cmd->flags & VIOMMU_HWPT_FAULT_ID_VALID) &&
	    !viommu_shim_fault_ready()) {
		pr_warn_once("viommu: nested HWPTs cannot take a stock fault queue on this kernel\n");
		return ERR_PTR(-EOPNOTSUPP);
	}
	if (!cmd->data_len || !viommu->ops->alloc_domain_nested)
		return ERR_PTR(-EOPNOTSUPP);

	/* As upstream: the fault queue is none of the driver's business. */
	domain = viommu->ops->alloc_domain_nested(viommu,
						  cmd->flags & ~VIOMMU_HWPT_FAULT_ID_VALID,
						  &user_data);
	if (IS_ERR(domain))
		return domain;
	if (WARN_ON_ONCE(domain->type != IOMMU_DOMAIN_NESTED)) {
		iommu_domain_free(domain);
		return ERR_PTR(-EOPNOTSUPP);
	}
	/* 6.12's stock HWPT_INVALIDATE calls it without a check. */
	if (!domain->ops->cache_invalidate_user) {
		pr_warn_once("viommu: %s: nested domain lacks cache_invalidate_user\n",
			     viommu->drv->name);
		iommu_domain_free(domain);
		return ERR_PTR(-EOPNOTSUPP);
	}
	domain->owner = viommu->iommu_dev->ops;
	return domain;
}

/**
 * viommu_hwpt_alloc_ioctl() - IOMMU_HWPT_ALLOC on a vIOMMU
 * @ucmd: The command, struct viommu_hwpt_alloc
 *
 * Return: 0 or a negative errno as upstream gives it.
 */
int viommu_hwpt_alloc_ioctl(struct viommu_ucmd *ucmd)
{
	struct viommu_hwpt_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ictx = viommu_ctx_ictx(ucmd->ctx);
	struct viommu_nested_prep prep = { .ucmd = ucmd };
	struct iommufd_object *idev_obj, *obj;
	struct viommu_object *viommu_obj;
	struct iommu_domain *domain;
	struct viommu *viommu;
	struct device *dev;
	u32 id;
	int rc;

	/* Upstream checks __reserved only: __reserved2 is ignored there too. */
	if (cmd->__reserved)
		return -EOPNOTSUPP;
	if ((cmd->data_type == VIOMMU_HWPT_DATA_NONE && cmd->data_len) ||
	    (cmd->data_type != VIOMMU_HWPT_DATA_NONE && !cmd->data_len))
		return -EINVAL;
	if (!viommu_shim_ready())
		return -EOPNOTSUPP;

	idev_obj = viommu_shim_get_object(ictx, cmd->dev_id, VIOMMU_STOCK_DEVICE);
	if (IS_ERR(idev_obj))
		return PTR_ERR(idev_obj);
	dev = viommu_shim_idev_dev(viommu_shim_to_idev(idev_obj));

	/* Upstream: a pt_id that is no IOAS, HWPT or vIOMMU is EINVAL. */
	viommu_obj = viommu_get_object(ucmd->ctx, cmd->pt_id, VIOMMU_OBJ_VIOMMU);
	if (IS_ERR(viommu_obj)) {
		rc = -EINVAL;
		goto out_put_idev;
	}
	viommu = container_of(viommu_obj, struct viommu, obj);
	rc = viommu_backs_dev(viommu, dev) ? 0 : -EINVAL;
	/*
	 * Nothing needs the device past this check: do not hold it across
	 * the driver's and the response's user copies, where a stalled copy
	 * would make the device's unbind wait.
	 */
	viommu_shim_put_object(ictx, idev_obj);
	if (rc)
		goto out_put_viommu;

	domain = viommu_alloc_domain_nested(viommu, cmd);
	if (IS_ERR(domain)) {
		rc = PTR_ERR(domain);
		goto out_put_viommu;
	}

	/* Upstream looks the fault queue up once the HWPT exists: ENOENT. */
	if (cmd->flags & VIOMMU_HWPT_FAULT_ID_VALID) {
		prep.fault = viommu_shim_get_fault(ictx, cmd->fault_id);
		if (IS_ERR(prep.fault)) {
			rc = PTR_ERR(prep.fault);
			prep.fault = NULL;
			goto out_free_domain;
		}
	}

	prep.nested = kzalloc(sizeof(*prep.nested), GFP_KERNEL_ACCOUNT);
	if (!prep.nested) {
		rc = -ENOMEM;
		goto out_free_domain;
	}
	prep.nested->viommu = viommu;
	prep.domain = domain;
	rc = viommu_shim_nested_add(ictx, viommu->hwpt, domain,
				    viommu_nested_prepare, &prep, &id, &obj);
	if (rc) {
		kfree(prep.nested);
		goto out_free_domain;
	}
	/* The stock object owns the domain now. */
	goto out_put_fault;

out_free_domain:
	iommu_domain_free(domain);
out_put_fault:
	if (prep.fault)
		viommu_shim_put_object(ictx, prep.fault);
out_put_viommu:
	viommu_put_object(ucmd->ctx, viommu_obj);
	return rc;
out_put_idev:
	viommu_shim_put_object(ictx, idev_obj);
	return rc;
}

/**
 * viommu_core_nested_destroyed() - A stock nested HWPT was destroyed
 * @obj: The stock object, freed right after: only a key here
 *
 * Drops the vIOMMU pin of nested HWPTs made here; ignores others.
 */
void viommu_core_nested_destroyed(struct iommufd_object *obj)
{
	struct viommu_nested *nested;

	mutex_lock(&viommu_nested_lock);
	nested = rhashtable_lookup_fast(&viommu_nested_by_obj, &obj,
					viommu_nested_params);
	if (nested) {
		rhashtable_remove_fast(&viommu_nested_by_obj, &nested->node,
				       viommu_nested_params);
		xa_erase(&viommu_nested_hwpts, nested->index);
		refcount_dec(&nested->viommu->obj.users);
	}
	mutex_unlock(&viommu_nested_lock);
	if (!nested)
		return;
	kfree(nested);
	viommu_ctx_reap_orphans();
}

/**
 * viommu_nested_destroy_unused() - Destroy a context's unattached nested HWPTs
 * @ctx: The context being torn down
 *
 * Nested HWPTs live in the stock context but pin our vIOMMUs; on close the
 * ones nothing else uses go, as they would with a single iommufd file.
 *
 * Return: the number destroyed.
 */
unsigned int viommu_nested_destroy_unused(struct viommu_ctx *ctx)
{
	struct iommufd_ctx *ictx = viommu_ctx_ictx(ctx);
	struct viommu_nested *nested;
	unsigned int destroyed = 0;
	unsigned long index = 0;
	struct iommufd_object *obj;

	if (!ictx)
		return 0;
	for (;;) {
		obj = NULL;
		mutex_lock(&viommu_nested_lock);
		xa_for_each_start(&viommu_nested_hwpts, index, nested, index) {
			/* In the map: the stock object is not freed yet. */
			if (nested->viommu->ctx == ctx &&
			    viommu_shim_try_pin(nested->obj)) {
				obj = nested->obj;
				break;
			}
		}
		mutex_unlock(&viommu_nested_lock);
		if (!obj)
			return destroyed;
		/* Still attached somewhere: EBUSY, and it stays. */
		if (!viommu_shim_remove_object(ictx, obj))
			destroyed++;
		index++;
	}
}

/**
 * viommu_hwpt_invalidate_ioctl() - IOMMU_HWPT_INVALIDATE on a vIOMMU
 * @ucmd: The command, struct viommu_hwpt_invalidate
 *
 * Return: 0 or a negative errno; entry_num is written back either way.
 */
int viommu_hwpt_invalidate_ioctl(struct viommu_ucmd *ucmd)
{
	struct viommu_hwpt_invalidate *cmd = ucmd->cmd;
	struct iommu_user_data_array data_array = {
		.type = cmd->data_type,
		.uptr = u64_to_user_ptr(cmd->data_uptr),
		.entry_len = cmd->entry_len,
		.entry_num = cmd->entry_num,
	};
	struct viommu_object *obj;
	struct viommu *viommu;
	u32 done_num = 0;
	int rc;

	if (cmd->__reserved) {
		rc = -EOPNOTSUPP;
		goto out;
	}
	if (cmd->entry_num &&
	    (!cmd->data_uptr || !cmd->entry_len || cmd->entry_len > PAGE_SIZE ||
	     cmd->entry_num > VIOMMU_INVALIDATE_ENTRY_NUM_MAX)) {
		rc = -EINVAL;
		goto out;
	}

	obj = viommu_get_object(ucmd->ctx, cmd->hwpt_id, VIOMMU_OBJ_NONE);
	if (IS_ERR(obj)) {
		rc = PTR_ERR(obj);
		goto out;
	}
	if (obj->type != VIOMMU_OBJ_VIOMMU) {
		rc = -EINVAL;
		goto out_put;
	}
	viommu = container_of(obj, struct viommu, obj);
	if (!viommu->ops->cache_invalidate) {
		rc = -EOPNOTSUPP;
		goto out_put;
	}
	rc = viommu->ops->cache_invalidate(viommu, &data_array);
	done_num = data_array.entry_num;
out_put:
	viommu_put_object(ucmd->ctx, obj);
out:
	cmd->entry_num = done_num;
	if (viommu_ucmd_respond(ucmd, sizeof(*cmd)))
		return -EFAULT;
	return rc;
}
