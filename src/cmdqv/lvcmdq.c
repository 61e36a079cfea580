// SPDX-License-Identifier: GPL-2.0
/*
 * HW_QUEUEs of type TEGRA241_CMDQV: a logical VCMDQ of the VINTF reading
 * guest commands at a physical address (upstream
 * tegra241_vintf_alloc_lvcmdq_user() and its destroy).
 */
#include <linux/log2.h>

#include "cmdqv.h"

/**
 * vcmdqv_get_hw_queue_size() - The HW_QUEUE struct size for a type
 * @viommu: A TEGRA241_CMDQV vIOMMU
 * @queue_type: The type asked for
 *
 * Return: the size, 0 for any type but TEGRA241_CMDQV.
 */
size_t vcmdqv_get_hw_queue_size(struct viommu *viommu, u32 queue_type)
{
	if (queue_type != VIOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV)
		return 0;
	return VIOMMU_HW_QUEUE_STRUCT_SIZE(struct vcmdqv_lvcmdq, core);
}

static void vcmdqv_lvcmdq_destroy(struct viommu_hw_queue *hw_queue)
{
	struct vcmdqv_lvcmdq *lvcmdq = container_of(hw_queue,
						    struct vcmdqv_lvcmdq, core);
	struct vcmdqv_vintf *vintf = lvcmdq->vintf;

	mutex_lock(&vintf->lock);
	if (lvcmdq->mapped) {
		vcmdqv_lvcmdq_hw_deinit(lvcmdq);
		vcmdqv_lvcmdq_hw_unmap(lvcmdq);
	}
	vintf->lvcmdqs[lvcmdq->lidx] = NULL;
	if (lvcmdq->prev)
		viommu_hw_queue_undepend(hw_queue, &lvcmdq->prev->core);
	mutex_unlock(&vintf->lock);
}

/*
 * A power of two from 32 bytes (two commands) up to what the SMMU's own
 * command queue may hold (IDR1.CMDQS), at an address aligned to it.
 */
static int vcmdqv_lvcmdq_check(struct vcmdqv *cmdqv, size_t length,
			       phys_addr_t base_pa)
{
	u32 idr1 = readl_relaxed(viommu_shim_smmu_base(cmdqv->smmu) +
				 VCMDQV_SMMU_IDR1);
	u32 max_shift = FIELD_GET(VCMDQV_SMMU_IDR1_CMDQS, idr1);

	if (!is_power_of_2(length) || length < 32 ||
	    length > (1ULL << (max_shift + VCMDQV_CMD_SHIFT)))
		return -EINVAL;
	if ((base_pa & ~VCMDQV_VCMDQ_ADDR) || (base_pa & (length - 1)))
		return -EINVAL;
	return 0;
}

/**
 * vcmdqv_lvcmdq_init() - Map a logical VCMDQ of the VINTF to guest memory
 * @hw_queue: The HW_QUEUE (its length is the queue's size in bytes)
 * @lidx: Logical index in the VINTF
 * @base_pa: Physical address of the queue memory (contiguous, pinned)
 *
 * The hardware maps a VINTF's queues in ascending order and unmaps them in
 * descending order: queue @lidx needs queue @lidx - 1 and keeps it alive.
 * The guest enables the queue through its page 0.
 *
 * Return: 0; -EOPNOTSUPP for another type, -EINVAL for an index out of
 * range or a bad length or alignment, -EEXIST for a taken index, -EIO
 * when the previous queue is missing or the VINTF is off.
 */
int vcmdqv_lvcmdq_init(struct viommu_hw_queue *hw_queue, u32 lidx,
		       phys_addr_t base_pa)
{
	struct vcmdqv_lvcmdq *lvcmdq = container_of(hw_queue,
						    struct vcmdqv_lvcmdq, core);
	struct vcmdqv_vintf *vintf = to_vintf(hw_queue->viommu);
	struct vcmdqv *cmdqv = vintf->cmdqv;
	struct vcmdqv_lvcmdq *prev = NULL;
	int rc;

	if (hw_queue->type != VIOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV)
		return -EOPNOTSUPP;
	if (lidx >= cmdqv->num_lvcmdqs_per_vintf)
		return -EINVAL;

	mutex_lock(&vintf->lock);
	if (vintf->lvcmdqs[lidx]) {
		rc = -EEXIST;
		goto unlock;
	}
	/* A VINTF a reset could not restore takes no queue. */
	if (!vintf->enabled) {
		rc = -EIO;
		goto unlock;
	}
	if (lidx) {
		prev = vintf->lvcmdqs[lidx - 1];
		if (!prev || !prev->mapped) {
			rc = -EIO;
			goto unlock;
		}
	}
	rc = vcmdqv_lvcmdq_check(cmdqv, hw_queue->length, base_pa);
	if (rc)
		goto unlock;
	if (prev) {
		rc = viommu_hw_queue_depend(hw_queue, &prev->core);
		if (rc)
			goto unlock;
	}

	lvcmdq->vintf = vintf;
	lvcmdq->prev = prev;
	lvcmdq->lidx = lidx;
	lvcmdq->idx = vintf->idx * cmdqv->num_lvcmdqs_per_vintf + lidx;
	lvcmdq->q_base = (base_pa & VCMDQV_VCMDQ_ADDR) |
			 FIELD_PREP(VCMDQV_VCMDQ_LOG2SIZE,
				    ilog2(hw_queue->length) - VCMDQV_CMD_SHIFT);
	vintf->lvcmdqs[lidx] = lvcmdq;
	vcmdqv_lvcmdq_hw_init(lvcmdq);
	hw_queue->destroy = vcmdqv_lvcmdq_destroy;
unlock:
	mutex_unlock(&vintf->lock);
	return rc;
}
