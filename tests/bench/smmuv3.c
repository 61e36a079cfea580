// SPDX-License-Identifier: GPL-2.0
/*
 * viommu_bench --smmuv3 (6.12, our modules): HWPT_INVALIDATE of an
 * ARM_SMMUV3 vIOMMU on edu, which the SMMUv3 backend turns into commands
 * on the physical command queue of the emulated SMMUv3, each call ending
 * in a CMD_SYNC. Stage-1 TLBI_NH_VA commands (no vSID to translate), at
 * batches of 1, 16, 256 and 1024. No native side: 7.2 refuses a vIOMMU on
 * QEMU's SMMU, so these are our figures alone.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "bench.h"

/* arm-smmu-v3.h: CMDQ_OP_TLBI_NH_VA, its ASID field and word 1 */
#define SMMU_CMD_TLBI_NH_VA	0x12ULL
#define SMMU_CMD_ASID_SHIFT	48
#define SMMU_CMD_LEAF		1ULL
#define SMMU_ASID		5
#define SMMU_VSID		0x42
#define SMMU_VA			0x400000ULL

/**
 * bench_smmuv3_setup() - edu on a nest parent and an ARM_SMMUV3 vIOMMU
 * @b: The benchmark, with @opt set
 *
 * As a VMM builds it (tests/smmuv3_nested.h): edu bound and attached to a
 * stage-2 nest parent, /dev/viommu bound, the vIOMMU and edu's vDEVICE.
 * The SMMUv3 backend offers the vIOMMU only with smmuv3_allow_noncoherent
 * set (vm-init.sh sets it for this run).
 *
 * Return: 0; 1 with b->why set when the backend is off or this VM has no
 * edu; -1 with errno.
 */
int bench_smmuv3_setup(struct bench *b)
{
	__u32 dev_id, vdev_id;

	b->psz = sysconf(_SC_PAGESIZE);
	if (viommu_param_state("smmuv3_ready") != 'Y') {
		b->why = "smmuv3_off";
		return 1;
	}
	b->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (b->iommufd < 0 || ioas_alloc(b->iommufd, &b->ioas_id))
		return -1;
	b->edu_fd = bench_edu_bind(b, &dev_id);
	if (b->edu_fd < 0) {
		if (errno != ENOENT)
			return -1;
		b->why = "no_edu";
		return 1;
	}
	if (stock_hwpt_alloc(b->iommufd, dev_id, b->ioas_id,
			     IOMMU_HWPT_ALLOC_NEST_PARENT, &b->parent_id) ||
	    bench_edu_attach(b->edu_fd, b->parent_id) || bench_bind_viommu(b) ||
	    vt_viommu_alloc(b->vfd, dev_id, b->parent_id,
			    VIOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL, 0, &b->viommu_id))
		return -1;
	return vt_vdevice_alloc(b->vfd, b->viommu_id, dev_id, SMMU_VSID,
				&vdev_id);
}

/* @entries TLBI_NH_VA commands of ASID SMMU_ASID, a page apart */
static int prep_smmu_invalidate(struct bench_fig *f)
{
	struct viommu_viommu_arm_smmuv3_invalidate *cmds;
	unsigned int i;

	cmds = calloc(f->entries, sizeof(*cmds));
	if (!cmds)
		return -1;
	for (i = 0; i < f->entries; i++) {
		cmds[i].cmd[0] = htole64(SMMU_CMD_TLBI_NH_VA |
					 (__u64)SMMU_ASID << SMMU_CMD_ASID_SHIFT);
		cmds[i].cmd[1] = htole64((SMMU_VA + i * 4096ULL) |
					 SMMU_CMD_LEAF);
	}
	f->data = cmds;
	return 0;
}

static int op_smmu_invalidate(struct bench_fig *f)
{
	struct bench *b = f->b;
	__u32 num = f->entries;

	if (vt_invalidate(b->vfd, b->viommu_id, f->data,
			  VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
			  sizeof(struct viommu_viommu_arm_smmuv3_invalidate),
			  &num))
		return -1;
	if (num == f->entries)
		return 0;
	b->why = "bad_entry_num";
	return -1;
}

#define SMMU_INVALIDATE(n) {						\
	.name = "smmuv3_invalidate_b" #n, .prepare = prep_smmu_invalidate, \
	.op = op_smmu_invalidate, .report = BENCH_NS_ENTRY, .entries = n, \
}

struct bench_fig bench_smmu_figs[] = {
	SMMU_INVALIDATE(1),
	SMMU_INVALIDATE(16),
	SMMU_INVALIDATE(256),
	SMMU_INVALIDATE(1024),
};

const unsigned int bench_nr_smmu_figs = ARRAY_SIZE(bench_smmu_figs);
