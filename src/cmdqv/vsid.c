// SPDX-License-Identifier: GPL-2.0
/*
 * vDEVICEs on a VINTF: each takes one SID_MATCH/SID_REPLACE pair, so the
 * guest's commands on its queues name the device by its vSID (upstream
 * tegra241_vintf_init_vsid() and its destroy).
 */
#include "cmdqv.h"

static void vcmdqv_vsid_destroy(struct viommu_vdevice *vdev)
{
	struct vcmdqv_vsid *vsid = container_of(vdev, struct vcmdqv_vsid,
						vsdev.core);
	struct vcmdqv_vintf *vintf = vsid->vintf;

	mutex_lock(&vintf->sid_lock);
	vcmdqv_vsid_hw_clear(vsid);
	vintf->vsids[vsid->idx] = NULL;
	mutex_unlock(&vintf->sid_lock);
}

/**
 * vcmdqv_vsid_init() - Give a vDEVICE a vSID slot of its VINTF
 * @vdev: The vDEVICE; virt_id is the vSID
 *
 * Return: 0; -EINVAL for a vSID wider than SID_MATCH takes, -EOPNOTSUPP
 * for a device with more than one stream, -ENOSPC when every slot is
 * taken, or what the SMMUv3 part answers.
 */
int vcmdqv_vsid_init(struct viommu_vdevice *vdev)
{
	struct vcmdqv_vsid *vsid = container_of(vdev, struct vcmdqv_vsid,
						vsdev.core);
	struct vcmdqv_vintf *vintf = to_vintf(vdev->viommu);
	u16 n = vintf->cmdqv->num_sids_per_vintf;
	u16 idx;
	int rc;

	if (vdev->virt_id > FIELD_MAX(VCMDQV_VINTF_SID_MATCH_VIRT_SID))
		return -EINVAL;
	/* The physical StreamID, and the one-stream rule. */
	rc = vsmmu_vdevice_init(vdev);
	if (rc)
		return rc;

	mutex_lock(&vintf->sid_lock);
	for (idx = 0; idx < n && vintf->vsids[idx]; idx++)
		;
	if (idx == n) {
		rc = -ENOSPC;
		goto unlock;
	}
	vsid->vintf = vintf;
	vsid->idx = idx;
	vintf->vsids[idx] = vsid;
	vcmdqv_vsid_hw_set(vsid);
	vdev->destroy = vcmdqv_vsid_destroy;
unlock:
	mutex_unlock(&vintf->sid_lock);
	return rc;
}
