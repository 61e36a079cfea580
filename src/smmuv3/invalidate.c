// SPDX-License-Identifier: GPL-2.0
/*
 * Guest invalidation commands on an SMMUv3 vIOMMU (upstream's
 * arm_vsmmu_cache_invalidate() and arm_vsmmu_convert_user_cmd()): each
 * guest command is confined to the vIOMMU, its VMID forced and its vSID
 * replaced by the physical StreamID, and issued on the SMMU's command
 * queue.
 */
#include <kunit/visibility.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "vsmmu.h"

/*
 * The vDEVICE's recorded StreamID: the vDEVICE, and so the device's
 * binding, stays while xa_lock(&vdevs) is held.
 */
static int vsmmu_vsid_to_sid(struct vsmmu *vsmmu, u32 vsid, u32 *sid)
{
	struct viommu *viommu = &vsmmu->core;
	struct viommu_vdevice *vdev;
	int rc = -EIO;

	xa_lock(&viommu->vdevs);
	/* The core's own lookup, for the vDEVICE around the device. */
	if (viommu_find_dev(viommu, vsid)) {
		vdev = xa_load(&viommu->vdevs, vsid);
		*sid = container_of(vdev, struct vsmmu_vdevice, core)->sid;
		rc = 0;
	}
	xa_unlock(&viommu->vdevs);
	return rc;
}

/**
 * viommu_smmuv3_convert_cmd() - Make a guest command safe to issue
 * @vsmmu: The vIOMMU the command came to
 * @cmd: The command's two words in CPU order; converted in place
 *
 * TLBI_NH_* get the vIOMMU's VMID, TLBI_NSNH_ALL becomes TLBI_NH_ALL of
 * that VMID, CFGI_CD, CFGI_CD_ALL and ATC_INV get the physical StreamID of
 * the vSID they name on this vIOMMU.
 *
 * Return: 0; -EIO for another command or a vSID without a vDEVICE here.
 */
int viommu_smmuv3_convert_cmd(struct vsmmu *vsmmu, u64 *cmd)
{
	u32 sid;

	switch (FIELD_GET(VSMMU_CMD_0_OP, cmd[0])) {
	case VSMMU_CMD_OP_TLBI_NSNH_ALL:
		cmd[0] = FIELD_PREP(VSMMU_CMD_0_OP, VSMMU_CMD_OP_TLBI_NH_ALL) |
			 FIELD_PREP(VSMMU_CMD_TLBI_0_VMID, vsmmu->vmid);
		cmd[1] = 0;
		return 0;
	case VSMMU_CMD_OP_TLBI_NH_VA:
	case VSMMU_CMD_OP_TLBI_NH_VAA:
	case VSMMU_CMD_OP_TLBI_NH_ALL:
	case VSMMU_CMD_OP_TLBI_NH_ASID:
		cmd[0] &= ~VSMMU_CMD_TLBI_0_VMID;
		cmd[0] |= FIELD_PREP(VSMMU_CMD_TLBI_0_VMID, vsmmu->vmid);
		return 0;
	case VSMMU_CMD_OP_ATC_INV:
	case VSMMU_CMD_OP_CFGI_CD:
	case VSMMU_CMD_OP_CFGI_CD_ALL:
		if (vsmmu_vsid_to_sid(vsmmu,
				      FIELD_GET(VSMMU_CMD_CFGI_0_SID, cmd[0]),
				      &sid))
			return -EIO;
		cmd[0] &= ~VSMMU_CMD_CFGI_0_SID;
		cmd[0] |= FIELD_PREP(VSMMU_CMD_CFGI_0_SID, sid);
		return 0;
	default:
		return -EIO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmuv3_convert_cmd);

/* One batch of guest commands, as the user wrote them and as issued. */
union vsmmu_inv_cmd {
	struct viommu_viommu_arm_smmuv3_invalidate ucmd;
	u64 cmd[2];
};

static int vsmmu_inv_copy(union vsmmu_inv_cmd *buf,
			  const struct iommu_user_data_array *array,
			  u32 start, u32 n)
{
	struct iommu_user_data_array part = *array;

	part.uptr = array->uptr + (size_t)start * array->entry_len;
	part.entry_num = n;
	return viommu_copy_struct_from_full_user_array(buf, sizeof(*buf), &part,
						       VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3);
}

/**
 * viommu_smmuv3_invalidate() - Run an array of guest commands
 * @vsmmu: The vIOMMU
 * @array: The user array; entry_num is set to the number issued
 * @issue: Issues up to VSMMU_CMD_BATCH commands and a CMD_SYNC
 *
 * As upstream, the whole array is copied in (and so checked) before any
 * command goes out; it is copied in batches, so a 2^19-entry array takes
 * no big allocation, at the price of reading user memory twice.
 *
 * Commands are issued in order in batches. On a bad command the commands
 * before it are issued (as the hardware would run them) and entry_num is
 * its index. entry_num counts only commands really issued: upstream also
 * counts the converted, never issued commands of a batch it abandons on a
 * bad command, and all but the last of a batch the queue failed.
 *
 * Return: 0; -EINVAL for a wrong type or an empty array, -E2BIG, -EFAULT,
 * -EIO for a command refused, -ENOMEM, or @issue's error.
 */
int viommu_smmuv3_invalidate(struct vsmmu *vsmmu,
			     struct iommu_user_data_array *array,
			     vsmmu_issue_fn issue)
{
	u32 num = array->entry_num, done = 0, start, n, i;
	union vsmmu_inv_cmd *buf;
	int rc, rc2;

	static_assert(sizeof(*buf) == 2 * sizeof(u64));

	if (!num) {
		/* Upstream's whole-array copy refuses it: EINVAL. */
		rc = vsmmu_inv_copy(NULL, array, 0, 0);
		goto out;
	}
	buf = kcalloc(VSMMU_CMD_BATCH, sizeof(*buf), GFP_KERNEL);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}

	for (start = 0; start < num; start += n) {
		n = min_t(u32, num - start, VSMMU_CMD_BATCH);
		rc = vsmmu_inv_copy(buf, array, start, n);
		if (rc)
			goto out_free;
		cond_resched();
	}

	for (start = 0; start < num; start += n) {
		n = min_t(u32, num - start, VSMMU_CMD_BATCH);
		rc = vsmmu_inv_copy(buf, array, start, n);
		if (rc)
			break;
		for (i = 0; i < n; i++) {
			buf[i].cmd[0] = le64_to_cpu(buf[i].ucmd.cmd[0]);
			buf[i].cmd[1] = le64_to_cpu(buf[i].ucmd.cmd[1]);
			rc = viommu_smmuv3_convert_cmd(vsmmu, buf[i].cmd);
			if (rc)
				break;
		}
		if (i) {
			rc2 = issue(vsmmu, (u64 *)buf, i);
			if (rc2) {
				rc = rc2;
				break;
			}
			done += i;
		}
		if (rc)
			break;
		cond_resched();
	}
out_free:
	kfree(buf);
out:
	array->entry_num = done;
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmuv3_invalidate);

static int vsmmu_issue(struct vsmmu *vsmmu, u64 *cmds, int n)
{
	return viommu_shim_smmu_issue_cmds(vsmmu->smmu, cmds, n);
}

/**
 * vsmmu_cache_invalidate() - viommu_ops.cache_invalidate
 * @viommu: The SMMUv3 vIOMMU
 * @array: VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 entries
 *
 * Return: see viommu_smmuv3_invalidate().
 */
int vsmmu_cache_invalidate(struct viommu *viommu,
			   struct iommu_user_data_array *array)
{
	return viommu_smmuv3_invalidate(to_vsmmu(viommu), array, vsmmu_issue);
}
