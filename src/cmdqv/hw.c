// SPDX-License-Identifier: GPL-2.0
/*
 * Register sequences for the VINTFs we own: upstream 7.2's
 * tegra241_vintf_hw_init/deinit(), tegra241_vcmdq_hw_init_user/deinit(),
 * the LVCMDQ map/unmap and the vSID slots, through struct vcmdqv_io.
 * Callers hold the VINTF's lock; the vSID slots have a lock of their own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/module.h>

#include "cmdqv.h"

static u32 vcmdqv_rd(struct vcmdqv *cmdqv, u32 off)
{
	return cmdqv->io->read(cmdqv->io_priv, off);
}

static void vcmdqv_wr(struct vcmdqv *cmdqv, u32 off, u32 val)
{
	cmdqv->io->write(cmdqv->io_priv, off, val);
}

static void vcmdqv_wr64(struct vcmdqv *cmdqv, u32 off, u64 val)
{
	cmdqv->io->write64(cmdqv->io_priv, off, val);
}

static u32 vcmdqv_mmio_read(void *priv, u32 off)
{
	return readl_relaxed((void __iomem *)priv + off);
}

/* Ordered: a CONFIG write must follow the writes that set the unit up. */
static void vcmdqv_mmio_write(void *priv, u32 off, u32 val)
{
	writel(val, (void __iomem *)priv + off);
}

static u64 vcmdqv_mmio_read64(void *priv, u32 off)
{
	return readq_relaxed((void __iomem *)priv + off);
}

static void vcmdqv_mmio_write64(void *priv, u32 off, u64 val)
{
	writeq(val, (void __iomem *)priv + off);
}

/* The hardware: io_priv is the driver's mapping of the register space. */
const struct vcmdqv_io vcmdqv_mmio_io = {
	.read = vcmdqv_mmio_read,
	.write = vcmdqv_mmio_write,
	.read64 = vcmdqv_mmio_read64,
	.write64 = vcmdqv_mmio_write64,
};

/*
 * Write a CONFIG register whose bit 0 enables, and wait until the STATUS
 * register next to it says so (as upstream's tegra241_cmdqv_write_config).
 */
static int vcmdqv_write_config(struct vcmdqv *cmdqv, u32 config, u32 status,
			       u32 val, const char *what, unsigned int idx)
{
	bool en = val & BIT(0);
	u32 st;
	int rc;

	vcmdqv_wr(cmdqv, config, val);
	rc = read_poll_timeout(vcmdqv_rd, st, !!(st & BIT(0)) == en, 1,
			       VCMDQV_POLL_TIMEOUT_US, false, cmdqv, status);
	if (rc)
		pr_err("CMDQV: %s%u failed to %sable, STATUS=0x%08x\n", what,
		       idx, en ? "en" : "dis", st);
	return rc;
}

static u32 vcmdqv_vintf_reg(struct vcmdqv_vintf *vintf, u32 reg)
{
	return VCMDQV_VINTF(vintf->idx) + reg;
}

static u32 vcmdqv_lvcmdq_page0(struct vcmdqv_lvcmdq *lvcmdq, u32 reg)
{
	return VCMDQV_LVCMDQ_PAGE0(lvcmdq->vintf->idx, lvcmdq->lidx) + reg;
}

static u32 vcmdqv_lvcmdq_page1(struct vcmdqv_lvcmdq *lvcmdq, u32 reg)
{
	return VCMDQV_LVCMDQ_PAGE1(lvcmdq->vintf->idx, lvcmdq->lidx) + reg;
}

/* Global VCMDQ @q to VINTF @idx as its LVCMDQ @lidx, mapped or not. */
static void vcmdqv_cmdq_alloc(struct vcmdqv *cmdqv, u16 idx, u16 lidx,
			      bool mapped)
{
	u32 q = idx * cmdqv->num_lvcmdqs_per_vintf + lidx;
	u32 val = FIELD_PREP(VCMDQV_CMDQ_ALLOC_VINTF, idx) |
		  FIELD_PREP(VCMDQV_CMDQ_ALLOC_LVCMDQ, lidx);

	if (mapped)
		val |= VCMDQV_CMDQ_ALLOCATED;
	vcmdqv_wr(cmdqv, VCMDQV_CMDQ_ALLOC(q), val);
}

/*
 * A disabled guest queue may still have ATC_INV timeouts pending, which
 * would be reported to the next owner: a CMD_SYNC on the SMMU's own
 * queue flushes them (upstream tegra241_vcmdq_hw_flush_timeout()).
 */
static void vcmdqv_flush_timeouts(struct vcmdqv *cmdqv)
{
	u64 sync[2] = { VCMDQV_SMMU_CMD_SYNC, 0 };
	int rc;

	rc = viommu_shim_smmu_issue_cmds(cmdqv->smmu, sync, 1);
	if (rc)
		pr_warn("CMDQV: CMD_SYNC after an LVCMDQ disable failed (%d)\n",
			rc);
	else if (cmdqv->io->synced)
		cmdqv->io->synced(cmdqv->io_priv);
}

/**
 * vcmdqv_lvcmdq_hw_deinit() - Disable and clear a mapped LVCMDQ
 * @lvcmdq: The queue; it stays mapped (see vcmdqv_lvcmdq_hw_unmap())
 */
void vcmdqv_lvcmdq_hw_deinit(struct vcmdqv_lvcmdq *lvcmdq)
{
	struct vcmdqv *cmdqv = lvcmdq->vintf->cmdqv;
	u32 gerror, gerrorn;

	if (vcmdqv_write_config(cmdqv,
				vcmdqv_lvcmdq_page0(lvcmdq, VCMDQV_VCMDQ_CONFIG),
				vcmdqv_lvcmdq_page0(lvcmdq, VCMDQV_VCMDQ_STATUS),
				0, "LVCMDQ", lvcmdq->idx))
		pr_err("CMDQV: VINTF%u LVCMDQ%u: GERRORN=0x%x GERROR=0x%x CONS=0x%x\n",
		       lvcmdq->vintf->idx, lvcmdq->lidx,
		       vcmdqv_rd(cmdqv, vcmdqv_lvcmdq_page0(lvcmdq, VCMDQV_VCMDQ_GERRORN)),
		       vcmdqv_rd(cmdqv, vcmdqv_lvcmdq_page0(lvcmdq, VCMDQV_VCMDQ_GERROR)),
		       vcmdqv_rd(cmdqv, vcmdqv_lvcmdq_page0(lvcmdq, VCMDQV_VCMDQ_CONS)));
	vcmdqv_flush_timeouts(cmdqv);

	vcmdqv_wr(cmdqv, vcmdqv_lvcmdq_page0(lvcmdq, VCMDQV_VCMDQ_PROD), 0);
	vcmdqv_wr(cmdqv, vcmdqv_lvcmdq_page0(lvcmdq, VCMDQV_VCMDQ_CONS), 0);
	vcmdqv_wr64(cmdqv, vcmdqv_lvcmdq_page1(lvcmdq, VCMDQV_VCMDQ_BASE), 0);
	vcmdqv_wr64(cmdqv,
		    vcmdqv_lvcmdq_page1(lvcmdq, VCMDQV_VCMDQ_CONS_INDX_BASE), 0);

	/* An error the guest never acknowledged must not reach the next one. */
	gerrorn = vcmdqv_rd(cmdqv,
			    vcmdqv_lvcmdq_page0(lvcmdq, VCMDQV_VCMDQ_GERRORN));
	gerror = vcmdqv_rd(cmdqv,
			   vcmdqv_lvcmdq_page0(lvcmdq, VCMDQV_VCMDQ_GERROR));
	if (gerror != gerrorn)
		vcmdqv_wr(cmdqv,
			  vcmdqv_lvcmdq_page0(lvcmdq, VCMDQV_VCMDQ_GERRORN),
			  gerror);
}

/*
 * Stop a queue through @page0 (its global or its VINTF's page) if it runs.
 * CONFIG too: an enable in flight may not show in STATUS yet.
 *
 * Return: whether it ran.
 */
static bool vcmdqv_page0_stop(struct vcmdqv *cmdqv, u32 page0, u16 q)
{
	if (!(vcmdqv_rd(cmdqv, page0 + VCMDQV_VCMDQ_CONFIG) & VCMDQV_VCMDQ_EN) &&
	    !(vcmdqv_rd(cmdqv, page0 + VCMDQV_VCMDQ_STATUS) &
	      VCMDQV_VCMDQ_ENABLED))
		return false;
	vcmdqv_write_config(cmdqv, page0 + VCMDQV_VCMDQ_CONFIG,
			    page0 + VCMDQV_VCMDQ_STATUS, 0, "VCMDQ", q);
	vcmdqv_flush_timeouts(cmdqv);
	return true;
}

/*
 * Between our disable and the unmap the guest could enable the queue
 * again through its page 0 (or an SMMU reset mapped it for the guest to
 * enable). Unmapped, only the global page reaches it, and the guest no
 * longer does: make sure it is off before the core unpins its memory.
 */
static void vcmdqv_vcmdq_quiesce(struct vcmdqv *cmdqv, u16 q)
{
	if (!vcmdqv_page0_stop(cmdqv, VCMDQV_VCMDQ_PAGE0(q), q))
		return;
	pr_warn("CMDQV: VCMDQ%u was enabled while being taken back\n", q);
	vcmdqv_wr64(cmdqv, VCMDQV_VCMDQ_PAGE1(q) + VCMDQV_VCMDQ_BASE, 0);
}

/*
 * A slot with no queue of ours that a reset mapped to the VINTF (6.12
 * maps them all) may have been enabled by the guest since: stop it
 * through the VINTF's page before it is unmapped.
 */
static void vcmdqv_slot_stop(struct vcmdqv *cmdqv, u16 idx, u16 lidx)
{
	u32 q = idx * cmdqv->num_lvcmdqs_per_vintf + lidx;
	u32 alloc = vcmdqv_rd(cmdqv, VCMDQV_CMDQ_ALLOC(q));

	if (!(alloc & VCMDQV_CMDQ_ALLOCATED) ||
	    FIELD_GET(VCMDQV_CMDQ_ALLOC_VINTF, alloc) != idx ||
	    FIELD_GET(VCMDQV_CMDQ_ALLOC_LVCMDQ, alloc) != lidx)
		return;
	vcmdqv_page0_stop(cmdqv, VCMDQV_LVCMDQ_PAGE0(idx, lidx), q);
}

/**
 * vcmdqv_lvcmdq_hw_unmap() - Take a VCMDQ back from the VINTF
 * @lvcmdq: The queue, already deinitialised
 *
 * The hardware wants the VINTF's queues unmapped in descending order: the
 * caller keeps to it.
 */
void vcmdqv_lvcmdq_hw_unmap(struct vcmdqv_lvcmdq *lvcmdq)
{
	struct vcmdqv *cmdqv = lvcmdq->vintf->cmdqv;

	lockdep_assert_held(&lvcmdq->vintf->lock);
	vcmdqv_cmdq_alloc(cmdqv, lvcmdq->vintf->idx, lvcmdq->lidx, false);
	lvcmdq->mapped = false;
	vcmdqv_vcmdq_quiesce(cmdqv, lvcmdq->idx);
}

/**
 * vcmdqv_lvcmdq_hw_init() - Map a VCMDQ to the VINTF and give it its base
 * @lvcmdq: The queue, with @q_base set
 *
 * In ascending order. The guest enables the queue itself, through its
 * mapping of the VINTF's page 0.
 */
void vcmdqv_lvcmdq_hw_init(struct vcmdqv_lvcmdq *lvcmdq)
{
	struct vcmdqv *cmdqv = lvcmdq->vintf->cmdqv;

	lockdep_assert_held(&lvcmdq->vintf->lock);
	vcmdqv_cmdq_alloc(cmdqv, lvcmdq->vintf->idx, lvcmdq->lidx, true);
	lvcmdq->mapped = true;
	vcmdqv_lvcmdq_hw_deinit(lvcmdq);
	vcmdqv_wr64(cmdqv, vcmdqv_lvcmdq_page1(lvcmdq, VCMDQV_VCMDQ_BASE),
		    lvcmdq->q_base);
}

/**
 * vcmdqv_vsid_hw_set() - Let the VINTF's queues name a device by its vSID
 * @vsid: The slot, with its StreamIDs set
 */
void vcmdqv_vsid_hw_set(struct vcmdqv_vsid *vsid)
{
	struct vcmdqv_vintf *vintf = vsid->vintf;
	struct vcmdqv *cmdqv = vintf->cmdqv;

	vcmdqv_wr(cmdqv,
		  vcmdqv_vintf_reg(vintf, VCMDQV_VINTF_SID_REPLACE(vsid->idx)),
		  vsid->vsdev.sid);
	vcmdqv_wr(cmdqv,
		  vcmdqv_vintf_reg(vintf, VCMDQV_VINTF_SID_MATCH(vsid->idx)),
		  FIELD_PREP(VCMDQV_VINTF_SID_MATCH_VIRT_SID,
			     vsid->vsdev.core.virt_id) |
		  VCMDQV_VINTF_SID_MATCH_ENABLE);
}

static void vcmdqv_vsid_slot_clear(struct vcmdqv_vintf *vintf, u16 idx)
{
	struct vcmdqv *cmdqv = vintf->cmdqv;

	vcmdqv_wr(cmdqv, vcmdqv_vintf_reg(vintf, VCMDQV_VINTF_SID_MATCH(idx)),
		  0);
	vcmdqv_wr(cmdqv,
		  vcmdqv_vintf_reg(vintf, VCMDQV_VINTF_SID_REPLACE(idx)), 0);
}

/**
 * vcmdqv_vsid_hw_clear() - Forget a vSID slot
 * @vsid: The slot
 */
void vcmdqv_vsid_hw_clear(struct vcmdqv_vsid *vsid)
{
	vcmdqv_vsid_slot_clear(vsid->vintf, vsid->idx);
}

/**
 * vcmdqv_vintf_hw_deinit() - Disable a VINTF, unmap its queues, clear its SIDs
 * @vintf: The VINTF
 *
 * Every queue of the VINTF is unmapped (descending), not only ours: 6.12's
 * reset maps all of them to their static VINTF.
 */
void vcmdqv_vintf_hw_deinit(struct vcmdqv_vintf *vintf)
{
	struct vcmdqv *cmdqv = vintf->cmdqv;
	u16 lidx = cmdqv->num_lvcmdqs_per_vintf;
	u16 sidx;

	lockdep_assert_held(&vintf->lock);
	vintf->enabled = false;
	while (lidx--) {
		struct vcmdqv_lvcmdq *lvcmdq = vintf->lvcmdqs[lidx];

		/* An unmapped queue's logical registers reach nothing. */
		if (lvcmdq && lvcmdq->mapped) {
			vcmdqv_lvcmdq_hw_deinit(lvcmdq);
			vcmdqv_lvcmdq_hw_unmap(lvcmdq);
		} else {
			vcmdqv_slot_stop(cmdqv, vintf->idx, lidx);
			vcmdqv_cmdq_alloc(cmdqv, vintf->idx, lidx, false);
			vcmdqv_vcmdq_quiesce(cmdqv, vintf->idx *
					     cmdqv->num_lvcmdqs_per_vintf + lidx);
		}
	}
	vcmdqv_write_config(cmdqv, vcmdqv_vintf_reg(vintf, VCMDQV_VINTF_CONFIG),
			    vcmdqv_vintf_reg(vintf, VCMDQV_VINTF_STATUS), 0,
			    "VINTF", vintf->idx);
	mutex_lock(&vintf->sid_lock);
	for (sidx = 0; sidx < cmdqv->num_sids_per_vintf; sidx++)
		vcmdqv_vsid_slot_clear(vintf, sidx);
	mutex_unlock(&vintf->sid_lock);
}

/**
 * vcmdqv_vintf_hw_init() - (Re)program a VINTF from what it holds
 * @vintf: The VINTF; its queues and vSIDs, if any, are programmed again
 *
 * Guest-owned (HYP_OWN=0, which limits its queues to the commands a guest
 * may issue) with the stage-2 parent's VMID.
 *
 * Return: 0, or -ETIMEDOUT if the VINTF did not enable (left disabled).
 */
int vcmdqv_vintf_hw_init(struct vcmdqv_vintf *vintf)
{
	struct vcmdqv *cmdqv = vintf->cmdqv;
	u32 val = FIELD_PREP(VCMDQV_VINTF_VMID, vintf->vsmmu.vmid);
	u16 i;
	int rc;

	lockdep_assert_held(&vintf->lock);
	vcmdqv_vintf_hw_deinit(vintf);
	vcmdqv_wr(cmdqv, vcmdqv_vintf_reg(vintf, VCMDQV_VINTF_CONFIG), val);
	rc = vcmdqv_write_config(cmdqv,
				 vcmdqv_vintf_reg(vintf, VCMDQV_VINTF_CONFIG),
				 vcmdqv_vintf_reg(vintf, VCMDQV_VINTF_STATUS),
				 val | VCMDQV_VINTF_EN, "VINTF", vintf->idx);
	if (rc) {
		vcmdqv_vintf_hw_deinit(vintf);
		return rc;
	}
	vintf->enabled = true;
	mutex_lock(&vintf->sid_lock);
	for (i = 0; i < cmdqv->num_sids_per_vintf; i++)
		if (vintf->vsids[i])
			vcmdqv_vsid_hw_set(vintf->vsids[i]);
	mutex_unlock(&vintf->sid_lock);
	for (i = 0; i < cmdqv->num_lvcmdqs_per_vintf; i++)
		if (vintf->lvcmdqs[i])
			vcmdqv_lvcmdq_hw_init(vintf->lvcmdqs[i]);
	return 0;
}
