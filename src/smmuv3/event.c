// SPDX-License-Identifier: GPL-2.0
/*
 * Events to the guest (upstream's arm_smmu_handle_event() vmaster branch
 * and arm_vmaster_report_event()): a fault of a device attached to a
 * nested domain with a vSID goes to its vIOMMU's vEVENTQ, with the vSID
 * in place of the physical StreamID.
 */
#include <kunit/visibility.h>

#include "vsmmu.h"

/**
 * viommu_smmuv3_event_wanted() - Whether an event is one for the guest
 * @evt: The raw record, 4 words in CPU order
 *
 * Configuration and stage-1 translation faults only: stage-2 faults are
 * the host's business, and stalls go to the host's fault handling.
 *
 * Return: true if the event may go to a vIOMMU.
 */
bool viommu_smmuv3_event_wanted(const u64 *evt)
{
	switch (FIELD_GET(VSMMU_EVT_0_ID, evt[0])) {
	case VSMMU_EVT_BAD_STE_CONFIG:
	case VSMMU_EVT_STREAM_DISABLED:
	case VSMMU_EVT_BAD_SUBSTREAMID:
	case VSMMU_EVT_BAD_CD_CONFIG:
	case VSMMU_EVT_TRANSLATION:
	case VSMMU_EVT_ADDR_SIZE:
	case VSMMU_EVT_ACCESS:
	case VSMMU_EVT_PERMISSION:
		break;
	default:
		return false;
	}
	return !(evt[1] & (VSMMU_EVT_1_S2 | VSMMU_EVT_1_STALL));
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmuv3_event_wanted);

/**
 * viommu_smmuv3_event_to_guest() - The record the guest reads
 * @evt: The raw record, 4 words in CPU order
 * @vsid: The guest's StreamID for the device
 * @vevt: Out: @evt in little endian with @vsid as its StreamID
 */
void viommu_smmuv3_event_to_guest(const u64 *evt, unsigned long vsid,
				  struct viommu_vevent_arm_smmuv3 *vevt)
{
	unsigned int i;

	vevt->evt[0] = cpu_to_le64((evt[0] & ~VSMMU_EVT_0_SID) |
				   FIELD_PREP(VSMMU_EVT_0_SID, vsid));
	for (i = 1; i < VSMMU_EVT_DWORDS; i++)
		vevt->evt[i] = cpu_to_le64(evt[i]);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_smmuv3_event_to_guest);

/**
 * viommu_smmu_event() - An event the SMMU's event queue thread read
 * @smmu: The SMMU, any pointer: only compared
 * @evt: The raw record, 4 words in CPU order
 *
 * Process context (the driver's event thread); may sleep.
 *
 * Return: true if a vIOMMU took it; false and the driver handles it.
 */
bool viommu_smmu_event(struct viommu_smmu *smmu, const u64 *evt)
{
	u32 sid = FIELD_GET(VSMMU_EVT_0_SID, evt[0]);
	struct viommu_vevent_arm_smmuv3 vevt;
	struct vsmmu_instance *inst;
	struct vsmmu_vmaster *vm;
	bool delivered = false;

	if (!viommu_smmuv3_event_wanted(evt))
		return false;
	inst = vsmmu_instance(smmu);
	if (!inst)
		return false;

	/* While the entry is in, its device is attached: the vIOMMU stays. */
	mutex_lock(&inst->lock);
	hash_for_each_possible(inst->vmasters, vm, node, sid) {
		if (vm->sid != sid)
			continue;
		viommu_smmuv3_event_to_guest(evt, vm->vsid, &vevt);
		delivered = !viommu_report_event(vm->viommu,
						 VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
						 &vevt, sizeof(vevt));
		break;
	}
	mutex_unlock(&inst->lock);
	return delivered;
}
