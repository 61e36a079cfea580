/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stock-file door: the vIOMMU uAPI served on /dev/iommu files by the
 * same core as /dev/viommu.
 */
#ifndef _VIOMMU_DOOR_H
#define _VIOMMU_DOOR_H

#include <linux/types.h>

void viommu_door_init(void);
void viommu_door_exit(void);

/*
 * Which ioctls of a door file the core serves (route.c). The numbers the
 * stock file shares with the vIOMMU uAPI are decided by one u32 of the
 * command struct: viommu_door_route() gives its offset, and
 * viommu_door_route_value() the decision on its value.
 */
enum {
	VIOMMU_DOOR_STOCK = -1,
	VIOMMU_DOOR_OURS = -2,
};

int viommu_door_route(unsigned int cmd, bool test_cmd_ours);
bool viommu_door_route_value(unsigned int cmd, u32 value);

#if IS_ENABLED(CONFIG_KUNIT)
struct file;
struct viommu_ctx *viommu_door_file_ctx(struct file *filp);
#endif

#endif /* _VIOMMU_DOOR_H */
