// SPDX-License-Identifier: GPL-2.0
/*
 * Which ioctls of a stock iommufd file the door claims. Everything not
 * claimed goes to the stock iommufd untouched, so a number 6.12 does not
 * know stays ENOTTY, and the stock errno order (size read, then number,
 * then size checks) is kept for every number the stock file serves.
 */
#include <linux/ioctl.h>
#include <kunit/visibility.h>

#include "core.h"
#include "door.h"

/**
 * viommu_door_route() - What decides where an ioctl of a door file goes
 * @cmd: The ioctl number
 * @test_cmd_ours: A driver of ours serves IOMMU_TEST_CMD and the stock
 *                 iommufd does not
 *
 * Return: VIOMMU_DOOR_OURS for the numbers only the vIOMMU uAPI has,
 * VIOMMU_DOOR_STOCK for every other number, or for a number both share the
 * offset of the u32 that decides (see viommu_door_route_value()).
 */
int viommu_door_route(unsigned int cmd, bool test_cmd_ours)
{
	unsigned int nr = _IOC_NR(cmd);

	/* Other type, size or direction bits: not an iommufd number. */
	if (cmd != _IO(VIOMMU_TYPE, nr))
		return VIOMMU_DOOR_STOCK;

	switch (nr) {
	case VIOMMU_CMD_VIOMMU_ALLOC:
	case VIOMMU_CMD_VDEVICE_ALLOC:
	case VIOMMU_CMD_VEVENTQ_ALLOC:
	case VIOMMU_CMD_HW_QUEUE_ALLOC:
		return VIOMMU_DOOR_OURS;
	case VIOMMU_CMD_TEST:
		return test_cmd_ours ? VIOMMU_DOOR_OURS : VIOMMU_DOOR_STOCK;
	case VIOMMU_CMD_DESTROY:
		return offsetof(struct viommu_destroy, id);
	case VIOMMU_CMD_HWPT_ALLOC:
		return offsetof(struct viommu_hwpt_alloc, pt_id);
	case VIOMMU_CMD_HWPT_INVALIDATE:
		return offsetof(struct viommu_hwpt_invalidate, hwpt_id);
	case VIOMMU_CMD_GET_HW_INFO:
		return offsetof(struct viommu_hw_info, flags);
	default:
		return VIOMMU_DOOR_STOCK;
	}
}
EXPORT_SYMBOL_IF_KUNIT(viommu_door_route);

/**
 * viommu_door_route_value() - Whether the core serves a shared number
 * @cmd: An ioctl number for which viommu_door_route() gave an offset
 * @value: The u32 at that offset
 *
 * Ids of the core's objects have bit 31 set and stock ids never do; a
 * hardware-info query with an input type is 7.2's, which 6.12 refuses.
 *
 * Return: true if the core serves it.
 */
bool viommu_door_route_value(unsigned int cmd, u32 value)
{
	if (_IOC_NR(cmd) == VIOMMU_CMD_GET_HW_INFO)
		return value & VIOMMU_HW_INFO_FLAG_INPUT_TYPE;
	return value >= VIOMMU_ID_MIN;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_door_route_value);
