/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A register model of the Tegra241 CMDQV for the KUnit suites: upstream's
 * register map in physically contiguous memory, with the behaviour the
 * upstream driver relies on (enable -> status, VCMDQ allocation to VINTF
 * LVCMDQs, error maps, a reset like 6.12's), the hardware's rules recorded
 * as violations, an invariant checker and a write-dropping mutation knob.
 */
#ifndef _VIOMMU_KUNIT_CMDQV_MODEL_H
#define _VIOMMU_KUNIT_CMDQV_MODEL_H

#include <linux/bitmap.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "../src/cmdqv/cmdqv.h"

#define CMDQV_MODEL_MAX_VIOLATIONS	16
#define CMDQV_MODEL_VIOLATION_LEN	96

/* PARAM of a model: the log2 fields as upstream reads them */
struct cmdqv_model_params {
	u8 ver;
	u8 num_vintf_log2;
	u8 num_vcmdq_log2;
	u8 num_sid_log2;
};

/* What the test knows to be alive on one VINTF (see cmdqv_model_check()) */
struct cmdqv_model_exp_sid {
	bool live;
	u32 vsid;
	u32 sid;
};

struct cmdqv_model_exp_queue {
	bool live;
	u64 base;
};

struct cmdqv_model_exp_vintf {
	bool ours;	/* ever given to the backend: checked after death too */
	bool live;
	u16 vmid;
	struct cmdqv_model_exp_sid *sids;	/* by vDEVICE, not by slot */
	struct cmdqv_model_exp_queue *queues;	/* by local index */
};

struct cmdqv_model {
	struct page *pages;
	unsigned int order;
	void *va;
	phys_addr_t phys;
	size_t space;		/* decoded bytes: VCMDQV_SPACE(num_vintfs) */

	u8 ver;
	u16 num_vintfs;
	u16 num_vcmdqs;
	u16 per;		/* LVCMDQs per VINTF */
	u16 num_sids;

	spinlock_t lock;	/* the registers and everything below */
	bool internal;		/* the model's own sequences: no rules */

	/* queues disabled since the last CMD_SYNC (the ATC_INV flush) */
	DECLARE_BITMAP(need_sync, 128);
	unsigned long nr_syncs;

	unsigned int nr_violations;
	char violations[CMDQV_MODEL_MAX_VIOLATIONS][CMDQV_MODEL_VIOLATION_LEN];

	/* mutation: drop the N-th io write (1-based; 0 off) or every write to
	 * one offset
	 */
	unsigned long nr_writes;
	unsigned long drop_nth;
	bool drop_off_on;
	u32 drop_off;
	unsigned long nr_dropped;

	/* VINTF0 as the model's reset left it */
	u8 vintf0_regs[0x100];
	u32 vintf0_alloc[64];
	u8 vintf0_q[64][2][0x80];

	struct cmdqv_model_exp_vintf *exp;
};

extern const struct vcmdqv_io cmdqv_model_io;

struct cmdqv_model *cmdqv_model_create(const struct cmdqv_model_params *p);
void cmdqv_model_destroy(struct cmdqv_model *m);

/* Reset as 6.12's tegra241_cmdqv_hw_reset() does (no rule checks). */
void cmdqv_model_reset(struct cmdqv_model *m);

/* Raise an error on LVCMDQ (@vintf, @lidx): 0, or -ENOENT if unmapped. */
int cmdqv_model_inject_error(struct cmdqv_model *m, u16 vintf, u16 lidx,
			     u32 gerror);

/* Raw storage of the register at @off, no rules, no side effects. */
u32 cmdqv_model_peek(struct cmdqv_model *m, u32 off);
void cmdqv_model_poke(struct cmdqv_model *m, u32 off, u32 val);

/* Global VCMDQ mapped to (@vintf, @lidx), or -1. */
int cmdqv_model_mapped_queue(struct cmdqv_model *m, u16 vintf, u16 lidx);

/* Mutation knob: drop the @n-th io write from now on (1-based). */
void cmdqv_model_drop_nth(struct cmdqv_model *m, unsigned long n);
/* Mutation knob: drop every io write to @off. */
void cmdqv_model_drop_offset(struct cmdqv_model *m, u32 off);
void cmdqv_model_drop_none(struct cmdqv_model *m);

/* Recorded violations; clearing is for suites that provoke them. */
unsigned int cmdqv_model_violations(struct cmdqv_model *m, char *buf,
				    size_t len);
void cmdqv_model_clear_violations(struct cmdqv_model *m);

/* Expectations the checker holds the model to. */
void cmdqv_model_expect_vintf(struct cmdqv_model *m, u16 vintf, u16 vmid);
void cmdqv_model_forget_vintf(struct cmdqv_model *m, u16 vintf);
void cmdqv_model_expect_sid(struct cmdqv_model *m, u16 vintf, u32 vsid,
			    u32 sid);
void cmdqv_model_forget_sid(struct cmdqv_model *m, u16 vintf, u32 vsid);
void cmdqv_model_expect_queue(struct cmdqv_model *m, u16 vintf, u16 lidx,
			      u64 base);
void cmdqv_model_forget_queue(struct cmdqv_model *m, u16 vintf, u16 lidx);

/*
 * Check the invariants against the expectations: the number of failures,
 * described (one per line, truncated) in @buf.
 */
unsigned int cmdqv_model_check(struct cmdqv_model *m, char *buf, size_t len);

#endif /* _VIOMMU_KUNIT_CMDQV_MODEL_H */
