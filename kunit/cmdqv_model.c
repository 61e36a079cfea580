// SPDX-License-Identifier: GPL-2.0
/*
 * A software Tegra241 CMDQV for KUnit: see cmdqv_model.h.
 *
 * The register space is ordinary zeroed memory, so a VINTF's logical page 0
 * can be mmapped by the core as it would be on hardware. A global VCMDQ's
 * registers live at its global page while it is unmapped and at its VINTF's
 * logical page while mapped (moved on CMDQ_ALLOC): what the guest sees
 * through its mapping is the queue the model works on.
 *
 * Where the hardware's behaviour is not documented, the model takes the
 * reading that is hardest on the backend: disabling the CMDQV clears every
 * VINTF, queue and allocation (the 6.12 reset then re-allocates all
 * queues and enables VINTF0 only).
 */
#include <linux/bitfield.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cmdqv_model.h"

#define VCMDQV_SPACE_GLOBAL		0x1000
#define MODEL_VINTF0_BASE(l)		(0x80000000ULL + SZ_64K * (l))
#define MODEL_VINTF0_LOG2SIZE		8

static u32 *reg(struct cmdqv_model *m, u32 off)
{
	return m->va + off;
}

static __printf(2, 3) void violation(struct cmdqv_model *m,
				     const char *fmt, ...)
{
	va_list args;

	if (m->internal)
		return;
	if (m->nr_violations < CMDQV_MODEL_MAX_VIOLATIONS) {
		va_start(args, fmt);
		vsnprintf(m->violations[m->nr_violations],
			  CMDQV_MODEL_VIOLATION_LEN, fmt, args);
		va_end(args);
	}
	m->nr_violations++;
}

static u32 alloc_reg(struct cmdqv_model *m, u16 q)
{
	return *reg(m, VCMDQV_CMDQ_ALLOC(q));
}

static bool q_mapped(u32 alloc, u16 *vintf, u16 *lidx)
{
	if (!(alloc & VCMDQV_CMDQ_ALLOCATED))
		return false;
	*vintf = FIELD_GET(VCMDQV_CMDQ_ALLOC_VINTF, alloc);
	*lidx = FIELD_GET(VCMDQV_CMDQ_ALLOC_LVCMDQ, alloc);
	return true;
}

static int mapped_queue(struct cmdqv_model *m, u16 vintf, u16 lidx)
{
	u16 q, v, l;

	for (q = 0; q < m->num_vcmdqs; q++)
		if (q_mapped(alloc_reg(m, q), &v, &l) && v == vintf &&
		    l == lidx)
			return q;
	return -1;
}

/* Where queue @q's page @page (0 or 1) lives now */
static void *q_page(struct cmdqv_model *m, u16 q, int page)
{
	u16 v, l;

	if (q_mapped(alloc_reg(m, q), &v, &l))
		return m->va + (page ? VCMDQV_LVCMDQ_PAGE1(v, l) :
				       VCMDQV_LVCMDQ_PAGE0(v, l));
	return m->va + (page ? VCMDQV_VCMDQ_PAGE1(q) : VCMDQV_VCMDQ_PAGE0(q));
}

static u32 *q_reg(struct cmdqv_model *m, u16 q, int page, u32 r)
{
	return q_page(m, q, page) + r;
}

static void q_move(struct cmdqv_model *m, u16 q, u32 from, u32 to)
{
	int page;

	for (page = 0; page < 2; page++) {
		u32 src = page ? from + SZ_64K : from;
		u32 dst = page ? to + SZ_64K : to;

		memcpy(m->va + dst, m->va + src, 0x80);
		memset(m->va + src, 0, 0x80);
	}
}

/* Clear queue @q's error bits once GERRORN caught up with GERROR */
static void q_error_ack(struct cmdqv_model *m, u16 q)
{
	u32 *map;
	u16 v, l;

	if (*q_reg(m, q, 0, VCMDQV_VCMDQ_GERROR) !=
	    *q_reg(m, q, 0, VCMDQV_VCMDQ_GERRORN))
		return;
	*reg(m, VCMDQV_CMDQ_ERR_MAP(q / 32)) &= ~BIT(q % 32);
	if (!q_mapped(alloc_reg(m, q), &v, &l))
		return;
	map = reg(m, VCMDQV_VINTF(v) + VCMDQV_VINTF_LVCMDQ_ERR_MAP_64(l / 64) +
		  (l % 64 >= 32 ? 4 : 0));
	*map &= ~BIT(l % 32);
	for (l = 0; l < VCMDQV_LVCMDQ_ERR_MAP_NUM_64 * 2; l++)
		if (*reg(m, VCMDQV_VINTF(v) +
			 VCMDQV_VINTF_LVCMDQ_ERR_MAP_64(0) + 4 * l))
			return;
	*reg(m, VCMDQV_VINTF_ERR_MAP + (v >= 32 ? 4 : 0)) &= ~BIT(v % 32);
}

/* CMDQV disabled: everything but CONFIG and PARAM goes back to zero */
static void cmdqv_clear(struct cmdqv_model *m)
{
	u32 config = *reg(m, VCMDQV_CONFIG);
	u32 param = *reg(m, VCMDQV_PARAM);

	memset(m->va, 0, m->space);
	bitmap_zero(m->need_sync, 128);
	*reg(m, VCMDQV_CONFIG) = config;
	*reg(m, VCMDQV_PARAM) = param;
}

static void write_cmdq_alloc(struct cmdqv_model *m, u16 q, u32 val)
{
	u32 old = alloc_reg(m, q);
	bool was, now;
	u16 ov, ol, nv, nl;
	int other;

	was = q_mapped(old, &ov, &ol);
	now = q_mapped(val, &nv, &nl);
	if ((was && ov == 0) || (now && nv == 0))
		violation(m, "CMDQ_ALLOC(%u)=%#x: VINTF0's queue", q, val);
	if (now && (nv >= m->num_vintfs || nl >= m->per)) {
		violation(m, "CMDQ_ALLOC(%u)=%#x: no such LVCMDQ (dropped)",
			  q, val);
		return;
	}
	if (was && now && (ov != nv || ol != nl))
		violation(m, "CMDQ_ALLOC(%u): remapped while allocated", q);
	if (was && (!now || ov != nv || ol != nl)) {
		if (*q_reg(m, q, 0, VCMDQV_VCMDQ_STATUS) & VCMDQV_VCMDQ_ENABLED)
			violation(m, "CMDQ_ALLOC(%u): unmapping an enabled queue",
				  q);
		if (test_bit(q, m->need_sync))
			violation(m,
				  "CMDQ_ALLOC(%u): unmapped with no CMD_SYNC since its disable",
				  q);
		if (ol + 1 < m->per && mapped_queue(m, ov, ol + 1) >= 0)
			violation(m,
				  "CMDQ_ALLOC(%u): unmapping VINTF%u LVCMDQ%u before LVCMDQ%u",
				  q, ov, ol, ol + 1);
		q_move(m, q, VCMDQV_LVCMDQ_PAGE0(ov, ol), VCMDQV_VCMDQ_PAGE0(q));
	}
	if (now && (!was || ov != nv || ol != nl)) {
		other = mapped_queue(m, nv, nl);
		if (other >= 0) {
			violation(m,
				  "CMDQ_ALLOC(%u): VINTF%u LVCMDQ%u already has VCMDQ%d (dropped)",
				  q, nv, nl, other);
			*reg(m, VCMDQV_CMDQ_ALLOC(q)) = val &
						       ~VCMDQV_CMDQ_ALLOCATED;
			return;
		}
		if (nl && mapped_queue(m, nv, nl - 1) < 0)
			violation(m,
				  "CMDQ_ALLOC(%u): mapping VINTF%u LVCMDQ%u before LVCMDQ%u",
				  q, nv, nl, nl - 1);
		q_move(m, q, VCMDQV_VCMDQ_PAGE0(q), VCMDQV_LVCMDQ_PAGE0(nv, nl));
	}
	*reg(m, VCMDQV_CMDQ_ALLOC(q)) = val;
}

/* A queue page 0/1 register @r of queue @q (mapped or not) */
static void write_queue(struct cmdqv_model *m, u16 q, int page, u32 r,
			u32 val, u32 off)
{
	u16 v, l;

	if (q_mapped(alloc_reg(m, q), &v, &l) && v == 0)
		violation(m, "write %#x: VINTF0's VCMDQ%u", off, q);
	if (page) {
		if (r >= VCMDQV_VCMDQ_CONS_INDX_BASE + 8) {
			violation(m, "write %#x: not a register", off);
			return;
		}
		*q_reg(m, q, 1, r) = val;
		return;
	}
	switch (r) {
	case VCMDQV_VCMDQ_CONS:
	case VCMDQV_VCMDQ_PROD:
		*q_reg(m, q, 0, r) = val;
		return;
	case VCMDQV_VCMDQ_CONFIG:
		/* a guest queue stopped: its ATC_INV timeouts need a flush */
		if (!(val & VCMDQV_VCMDQ_EN) &&
		    (*q_reg(m, q, 0, VCMDQV_VCMDQ_STATUS) & VCMDQV_VCMDQ_ENABLED) &&
		    q_mapped(alloc_reg(m, q), &v, &l) && v)
			set_bit(q, m->need_sync);
		*q_reg(m, q, 0, r) = val;
		/* a queue serves a VINTF only once allocated to it */
		*q_reg(m, q, 0, VCMDQV_VCMDQ_STATUS) =
			(val & VCMDQV_VCMDQ_EN) &&
			(alloc_reg(m, q) & VCMDQV_CMDQ_ALLOCATED) ?
			VCMDQV_VCMDQ_ENABLED : 0;
		return;
	case VCMDQV_VCMDQ_GERRORN:
		*q_reg(m, q, 0, r) = val;
		q_error_ack(m, q);
		return;
	case VCMDQV_VCMDQ_STATUS:
	case VCMDQV_VCMDQ_GERROR:
		violation(m, "write %#x: read-only register", off);
		return;
	default:
		violation(m, "write %#x: not a register", off);
	}
}

static void write_vintf(struct cmdqv_model *m, u16 v, u32 r, u32 val,
			u32 off)
{
	u32 base = VCMDQV_VINTF(v);

	if (!v)
		violation(m, "write %#x=%#x: VINTF0", off, val);
	if (r == VCMDQV_VINTF_CONFIG) {
		*reg(m, base + r) = val;
		*reg(m, base + VCMDQV_VINTF_STATUS) =
			val & VCMDQV_VINTF_EN ? VCMDQV_VINTF_ENABLED : 0;
	} else if ((r >= VCMDQV_VINTF_SID_MATCH(0) &&
		    r < VCMDQV_VINTF_SID_MATCH(m->num_sids)) ||
		   (r >= VCMDQV_VINTF_SID_REPLACE(0) &&
		    r < VCMDQV_VINTF_SID_REPLACE(m->num_sids))) {
		*reg(m, base + r) = val;
	} else if (r == VCMDQV_VINTF_STATUS ||
		   (r >= VCMDQV_VINTF_LVCMDQ_ERR_MAP_64(0) &&
		    r < VCMDQV_VINTF_LVCMDQ_ERR_MAP_64(VCMDQV_LVCMDQ_ERR_MAP_NUM_64))) {
		violation(m, "write %#x: read-only register", off);
	} else {
		violation(m, "write %#x: not a register", off);
	}
}

static void write_global(struct cmdqv_model *m, u32 off, u32 val)
{
	switch (off) {
	case VCMDQV_CONFIG:
		violation(m, "write CONFIG=%#x: the host driver's", val);
		*reg(m, off) = val;
		if (!(val & VCMDQV_CONFIG_EN))
			cmdqv_clear(m);
		*reg(m, VCMDQV_STATUS) = val & VCMDQV_CONFIG_EN ?
					 VCMDQV_STATUS_ENABLED : 0;
		return;
	case VCMDQV_VINTF_INT_MASK:
	case VCMDQV_VINTF_INT_MASK + 4:
		*reg(m, off) = val;
		return;
	case VCMDQV_PARAM:
	case VCMDQV_STATUS:
	case VCMDQV_VINTF_ERR_MAP:
	case VCMDQV_VINTF_ERR_MAP + 4:
		violation(m, "write %#x: read-only register", off);
		return;
	}
	if (off >= VCMDQV_CMDQ_ERR_MAP(0) && off < VCMDQV_CMDQ_ERR_MAP(4)) {
		violation(m, "write %#x: read-only register", off);
		return;
	}
	if (off >= VCMDQV_CMDQ_ALLOC(0) &&
	    off < VCMDQV_CMDQ_ALLOC(m->num_vcmdqs)) {
		write_cmdq_alloc(m, (off - VCMDQV_CMDQ_ALLOC(0)) / 4, val);
		return;
	}
	violation(m, "write %#x: not a register", off);
}

/* Logical page @page of VINTF @v, LVCMDQ @l: the queue mapped there, or -1 */
static int logical_queue(struct cmdqv_model *m, u32 off, int *page, u32 *r)
{
	u32 rel = off - VCMDQV_VINTF_PAGE0(0);
	u16 v = rel / SZ_128K, l;
	int q;

	*page = (rel % SZ_128K) >= SZ_64K;
	l = (rel % SZ_64K) / 0x80;
	*r = off % 0x80;
	if (l >= m->per)
		return -2;
	q = mapped_queue(m, v, l);
	if (q < 0)
		violation(m, "access %#x: VINTF%u LVCMDQ%u is not mapped", off,
			  v, l);
	return q;
}

static void model_write(struct cmdqv_model *m, u32 off, u32 val)
{
	int q, page;
	u32 r;

	if (off % 4 || off >= m->space) {
		violation(m, "write %#x: outside the decoded space", off);
		return;
	}
	if (off < VCMDQV_SPACE_GLOBAL) {
		write_global(m, off, val);
	} else if (off < VCMDQV_VINTF(m->num_vintfs)) {
		write_vintf(m, (off - VCMDQV_VINTF(0)) / 0x100, off % 0x100,
			    val, off);
	} else if (off < VCMDQV_VCMDQ_PAGE0(0)) {
		violation(m, "write %#x: not a register", off);
	} else if (off < VCMDQV_VCMDQ_PAGE1(0)) {
		q = (off - VCMDQV_VCMDQ_PAGE0(0)) / 0x80;
		if (q >= m->num_vcmdqs)
			violation(m, "write %#x: not a register", off);
		else
			write_queue(m, q, 0, off % 0x80, val, off);
	} else if (off < VCMDQV_VINTF_PAGE0(0)) {
		q = (off - VCMDQV_VCMDQ_PAGE1(0)) / 0x80;
		if (q >= m->num_vcmdqs)
			violation(m, "write %#x: not a register", off);
		else
			write_queue(m, q, 1, off % 0x80, val, off);
	} else {
		if (off < VCMDQV_VINTF_PAGE0(1))
			violation(m, "write %#x: VINTF0's logical page", off);
		q = logical_queue(m, off, &page, &r);
		if (q == -2)
			violation(m, "write %#x: not a register", off);
		if (q >= 0)
			write_queue(m, q, page, r, val, off);
	}
}

static u32 model_read(struct cmdqv_model *m, u32 off)
{
	int q, page;
	u32 r;

	if (off % 4 || off >= m->space)
		return 0;
	if (off < VCMDQV_VCMDQ_PAGE0(0))
		return *reg(m, off);
	if (off < VCMDQV_VINTF_PAGE0(0)) {
		page = off >= VCMDQV_VCMDQ_PAGE1(0);
		q = (off - (page ? VCMDQV_VCMDQ_PAGE1(0) :
			    VCMDQV_VCMDQ_PAGE0(0))) / 0x80;
		return q < m->num_vcmdqs ? *q_reg(m, q, page, off % 0x80) : 0;
	}
	q = logical_queue(m, off, &page, &r);
	return q < 0 ? 0 : *q_reg(m, q, page, r);
}

/* An io write counts for the mutation knob; the model's own do not. */
static bool drop_write(struct cmdqv_model *m, u32 off)
{
	m->nr_writes++;
	if ((m->drop_nth && m->nr_writes == m->drop_nth) ||
	    (m->drop_off_on && m->drop_off == off)) {
		m->nr_dropped++;
		return true;
	}
	return false;
}

static u32 io_read(void *priv, u32 off)
{
	struct cmdqv_model *m = priv;
	unsigned long flags;
	u32 val;

	spin_lock_irqsave(&m->lock, flags);
	val = model_read(m, off);
	spin_unlock_irqrestore(&m->lock, flags);
	return val;
}

static void io_write(void *priv, u32 off, u32 val)
{
	struct cmdqv_model *m = priv;
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	if (!drop_write(m, off))
		model_write(m, off, val);
	spin_unlock_irqrestore(&m->lock, flags);
}

static u64 io_read64(void *priv, u32 off)
{
	struct cmdqv_model *m = priv;
	unsigned long flags;
	u64 val;

	spin_lock_irqsave(&m->lock, flags);
	if (off % 8) {
		violation(m, "read64 %#x: not 64-bit aligned", off);
		val = 0;
	} else {
		val = model_read(m, off) |
		      (u64)model_read(m, off + 4) << 32;
	}
	spin_unlock_irqrestore(&m->lock, flags);
	return val;
}

static void io_write64(void *priv, u32 off, u64 val)
{
	struct cmdqv_model *m = priv;
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	if (drop_write(m, off)) {
		spin_unlock_irqrestore(&m->lock, flags);
		return;
	}
	if (off % 8) {
		violation(m, "write64 %#x: not 64-bit aligned", off);
	} else {
		model_write(m, off, lower_32_bits(val));
		model_write(m, off + 4, upper_32_bits(val));
	}
	spin_unlock_irqrestore(&m->lock, flags);
}

/* A CMD_SYNC completed on the SMMU's own queue. */
static void io_synced(void *priv)
{
	struct cmdqv_model *m = priv;
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	bitmap_zero(m->need_sync, 128);
	m->nr_syncs++;
	spin_unlock_irqrestore(&m->lock, flags);
}

const struct vcmdqv_io cmdqv_model_io = {
	.read = io_read,
	.write = io_write,
	.read64 = io_read64,
	.write64 = io_write64,
	.synced = io_synced,
};

static void snapshot_vintf0(struct cmdqv_model *m)
{
	u16 l;

	memcpy(m->vintf0_regs, m->va + VCMDQV_VINTF(0), sizeof(m->vintf0_regs));
	for (l = 0; l < m->per; l++) {
		m->vintf0_alloc[l] = alloc_reg(m, l);
		memcpy(m->vintf0_q[l][0], q_page(m, l, 0), 0x80);
		memcpy(m->vintf0_q[l][1], q_page(m, l, 1), 0x80);
	}
}

void cmdqv_model_reset(struct cmdqv_model *m)
{
	unsigned long flags;
	u32 config, base;
	u16 q, l;

	spin_lock_irqsave(&m->lock, flags);
	m->internal = true;
	config = *reg(m, VCMDQV_CONFIG);
	model_write(m, VCMDQV_CONFIG, config & ~VCMDQV_CONFIG_EN);
	model_write(m, VCMDQV_CONFIG, config | VCMDQV_CONFIG_EN);
	for (q = 0; q < m->num_vcmdqs; q++)
		model_write(m, VCMDQV_CMDQ_ALLOC(q),
			    FIELD_PREP(VCMDQV_CMDQ_ALLOC_VINTF, q / m->per) |
			    FIELD_PREP(VCMDQV_CMDQ_ALLOC_LVCMDQ, q % m->per) |
			    VCMDQV_CMDQ_ALLOCATED);
	/* VINTF0 as the host driver sets it up, its queues in use */
	base = VCMDQV_VINTF(0);
	model_write(m, base + VCMDQV_VINTF_CONFIG, VCMDQV_VINTF_HYP_OWN);
	model_write(m, base + VCMDQV_VINTF_CONFIG,
		    VCMDQV_VINTF_HYP_OWN | VCMDQV_VINTF_EN);
	for (l = 0; l < m->per; l++) {
		model_write(m, VCMDQV_LVCMDQ_PAGE1(0, l) + VCMDQV_VCMDQ_BASE,
			    lower_32_bits(MODEL_VINTF0_BASE(l)) |
			    MODEL_VINTF0_LOG2SIZE);
		model_write(m, VCMDQV_LVCMDQ_PAGE0(0, l) + VCMDQV_VCMDQ_CONFIG,
			    VCMDQV_VCMDQ_EN);
	}
	snapshot_vintf0(m);
	m->internal = false;
	spin_unlock_irqrestore(&m->lock, flags);
}

struct cmdqv_model *cmdqv_model_create(const struct cmdqv_model_params *p)
{
	struct cmdqv_model *m;
	u16 v;

	if (p->num_vintf_log2 > 6 || p->num_vcmdq_log2 < p->num_vintf_log2 ||
	    p->num_vcmdq_log2 - p->num_vintf_log2 > 6 ||
	    p->num_vcmdq_log2 > 7 || p->num_sid_log2 > 4 || p->ver > 15)
		return NULL;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return NULL;
	spin_lock_init(&m->lock);
	m->ver = p->ver;
	m->num_vintfs = 1 << p->num_vintf_log2;
	m->num_vcmdqs = 1 << p->num_vcmdq_log2;
	m->per = m->num_vcmdqs / m->num_vintfs;
	m->num_sids = 1 << p->num_sid_log2;
	m->space = VCMDQV_SPACE(m->num_vintfs);
	m->order = get_order(m->space);
	m->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, m->order);
	m->exp = kcalloc(m->num_vintfs, sizeof(*m->exp), GFP_KERNEL);
	if (!m->pages || !m->exp)
		goto err;
	for (v = 0; v < m->num_vintfs; v++) {
		m->exp[v].sids = kcalloc(m->num_sids, sizeof(*m->exp[v].sids),
					 GFP_KERNEL);
		m->exp[v].queues = kcalloc(m->per, sizeof(*m->exp[v].queues),
					   GFP_KERNEL);
		if (!m->exp[v].sids || !m->exp[v].queues)
			goto err;
	}
	m->va = page_address(m->pages);
	m->phys = page_to_phys(m->pages);
	*reg(m, VCMDQV_PARAM) =
		FIELD_PREP(VCMDQV_PARAM_VER, p->ver) |
		FIELD_PREP(VCMDQV_PARAM_NUM_VINTF_LOG2, p->num_vintf_log2) |
		FIELD_PREP(VCMDQV_PARAM_NUM_VCMDQ_LOG2, p->num_vcmdq_log2) |
		FIELD_PREP(VCMDQV_PARAM_NUM_SID_LOG2, p->num_sid_log2);
	cmdqv_model_reset(m);
	return m;
err:
	cmdqv_model_destroy(m);
	return NULL;
}

void cmdqv_model_destroy(struct cmdqv_model *m)
{
	u16 v;

	if (!m)
		return;
	if (m->pages)
		__free_pages(m->pages, m->order);
	for (v = 0; m->exp && v < m->num_vintfs; v++) {
		kfree(m->exp[v].sids);
		kfree(m->exp[v].queues);
	}
	kfree(m->exp);
	kfree(m);
}

int cmdqv_model_inject_error(struct cmdqv_model *m, u16 vintf, u16 lidx,
			     u32 gerror)
{
	unsigned long flags;
	u32 *ge, gen;
	int q;

	spin_lock_irqsave(&m->lock, flags);
	q = vintf < m->num_vintfs && lidx < m->per ?
	    mapped_queue(m, vintf, lidx) : -1;
	if (q < 0) {
		spin_unlock_irqrestore(&m->lock, flags);
		return -ENOENT;
	}
	/* SMMU style: an error is active while GERROR and GERRORN differ */
	ge = q_reg(m, q, 0, VCMDQV_VCMDQ_GERROR);
	gen = *q_reg(m, q, 0, VCMDQV_VCMDQ_GERRORN);
	*ge ^= gerror & ~(*ge ^ gen);
	*reg(m, VCMDQV_CMDQ_ERR_MAP(q / 32)) |= BIT(q % 32);
	*reg(m, VCMDQV_VINTF(vintf) + VCMDQV_VINTF_LVCMDQ_ERR_MAP_64(lidx / 64) +
	     (lidx % 64 >= 32 ? 4 : 0)) |= BIT(lidx % 32);
	*reg(m, VCMDQV_VINTF_ERR_MAP + (vintf >= 32 ? 4 : 0)) |=
		BIT(vintf % 32);
	spin_unlock_irqrestore(&m->lock, flags);
	return 0;
}

u32 cmdqv_model_peek(struct cmdqv_model *m, u32 off)
{
	unsigned long flags;
	u32 val;

	if (off % 4 || off >= m->space)
		return 0;
	spin_lock_irqsave(&m->lock, flags);
	val = *reg(m, off);
	spin_unlock_irqrestore(&m->lock, flags);
	return val;
}

void cmdqv_model_poke(struct cmdqv_model *m, u32 off, u32 val)
{
	unsigned long flags;

	if (off % 4 || off >= m->space)
		return;
	spin_lock_irqsave(&m->lock, flags);
	*reg(m, off) = val;
	spin_unlock_irqrestore(&m->lock, flags);
}

int cmdqv_model_mapped_queue(struct cmdqv_model *m, u16 vintf, u16 lidx)
{
	unsigned long flags;
	int q;

	spin_lock_irqsave(&m->lock, flags);
	q = mapped_queue(m, vintf, lidx);
	spin_unlock_irqrestore(&m->lock, flags);
	return q;
}

void cmdqv_model_drop_nth(struct cmdqv_model *m, unsigned long n)
{
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	m->drop_nth = n ? m->nr_writes + n : 0;
	spin_unlock_irqrestore(&m->lock, flags);
}

void cmdqv_model_drop_offset(struct cmdqv_model *m, u32 off)
{
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	m->drop_off = off;
	m->drop_off_on = true;
	spin_unlock_irqrestore(&m->lock, flags);
}

void cmdqv_model_drop_none(struct cmdqv_model *m)
{
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	m->drop_nth = 0;
	m->drop_off_on = false;
	spin_unlock_irqrestore(&m->lock, flags);
}

unsigned int cmdqv_model_violations(struct cmdqv_model *m, char *buf,
				    size_t len)
{
	unsigned long flags;
	unsigned int i, n;
	size_t pos = 0;

	spin_lock_irqsave(&m->lock, flags);
	n = m->nr_violations;
	if (len)
		buf[0] = '\0';
	for (i = 0; i < min(n, CMDQV_MODEL_MAX_VIOLATIONS) && pos < len; i++)
		pos += scnprintf(buf + pos, len - pos, "violation: %s\n",
				 m->violations[i]);
	spin_unlock_irqrestore(&m->lock, flags);
	return n;
}

void cmdqv_model_clear_violations(struct cmdqv_model *m)
{
	unsigned long flags;

	spin_lock_irqsave(&m->lock, flags);
	m->nr_violations = 0;
	spin_unlock_irqrestore(&m->lock, flags);
}

void cmdqv_model_expect_vintf(struct cmdqv_model *m, u16 vintf, u16 vmid)
{
	if (vintf >= m->num_vintfs)
		return;
	m->exp[vintf].ours = true;
	m->exp[vintf].live = true;
	m->exp[vintf].vmid = vmid;
}

void cmdqv_model_forget_vintf(struct cmdqv_model *m, u16 vintf)
{
	struct cmdqv_model_exp_vintf *e;

	if (vintf >= m->num_vintfs)
		return;
	e = &m->exp[vintf];
	e->live = false;
	memset(e->sids, 0, m->num_sids * sizeof(*e->sids));
	memset(e->queues, 0, m->per * sizeof(*e->queues));
}

void cmdqv_model_expect_sid(struct cmdqv_model *m, u16 vintf, u32 vsid,
			    u32 sid)
{
	u16 s;

	if (vintf >= m->num_vintfs)
		return;
	for (s = 0; s < m->num_sids; s++) {
		struct cmdqv_model_exp_sid *e = &m->exp[vintf].sids[s];

		if (!e->live) {
			e->live = true;
			e->vsid = vsid;
			e->sid = sid;
			return;
		}
	}
}

void cmdqv_model_forget_sid(struct cmdqv_model *m, u16 vintf, u32 vsid)
{
	u16 s;

	if (vintf >= m->num_vintfs)
		return;
	for (s = 0; s < m->num_sids; s++) {
		struct cmdqv_model_exp_sid *e = &m->exp[vintf].sids[s];

		if (e->live && e->vsid == vsid)
			e->live = false;
	}
}

void cmdqv_model_expect_queue(struct cmdqv_model *m, u16 vintf, u16 lidx,
			      u64 base)
{
	if (vintf >= m->num_vintfs || lidx >= m->per)
		return;
	m->exp[vintf].queues[lidx].live = true;
	m->exp[vintf].queues[lidx].base = base;
}

void cmdqv_model_forget_queue(struct cmdqv_model *m, u16 vintf, u16 lidx)
{
	if (vintf >= m->num_vintfs || lidx >= m->per)
		return;
	m->exp[vintf].queues[lidx].live = false;
}

struct check {
	char *buf;
	size_t len;
	size_t pos;
	unsigned int n;
};

static __printf(2, 3) void fail(struct check *c, const char *fmt, ...)
{
	va_list args;

	c->n++;
	if (c->pos >= c->len)
		return;
	va_start(args, fmt);
	c->pos += vscnprintf(c->buf + c->pos, c->len - c->pos, fmt, args);
	va_end(args);
	c->pos += scnprintf(c->buf + c->pos, c->len - c->pos, "\n");
}

static void check_vintf0(struct cmdqv_model *m, struct check *c)
{
	u16 l;

	if (memcmp(m->vintf0_regs, m->va + VCMDQV_VINTF(0),
		   sizeof(m->vintf0_regs)))
		fail(c, "VINTF0 registers changed (CONFIG %#x)",
		     *reg(m, VCMDQV_VINTF(0) + VCMDQV_VINTF_CONFIG));
	for (l = 0; l < m->per; l++) {
		if (m->vintf0_alloc[l] != alloc_reg(m, l)) {
			fail(c, "VINTF0: CMDQ_ALLOC(%u) %#x, was %#x", l,
			     alloc_reg(m, l), m->vintf0_alloc[l]);
			continue;
		}
		if (memcmp(m->vintf0_q[l][0], q_page(m, l, 0), 0x80) ||
		    memcmp(m->vintf0_q[l][1], q_page(m, l, 1), 0x80))
			fail(c, "VINTF0: VCMDQ%u registers changed", l);
	}
}

static void check_sids(struct cmdqv_model *m, u16 v, struct check *c)
{
	struct cmdqv_model_exp_vintf *e = &m->exp[v];
	u32 base = VCMDQV_VINTF(v);
	u16 s, x, hits;

	for (s = 0; s < m->num_sids; s++) {
		u32 match = *reg(m, base + VCMDQV_VINTF_SID_MATCH(s));
		u32 repl = *reg(m, base + VCMDQV_VINTF_SID_REPLACE(s));
		bool want = false;

		for (x = 0; x < m->num_sids && e->live; x++)
			if (e->sids[x].live &&
			    match == (FIELD_PREP(VCMDQV_VINTF_SID_MATCH_VIRT_SID,
						 e->sids[x].vsid) |
				      VCMDQV_VINTF_SID_MATCH_ENABLE) &&
			    repl == e->sids[x].sid)
				want = true;
		if (!want && (match || repl))
			fail(c, "VINTF%u: SID slot %u not cleared (MATCH %#x REPLACE %#x)",
			     v, s, match, repl);
	}
	for (x = 0; x < m->num_sids && e->live; x++) {
		if (!e->sids[x].live)
			continue;
		hits = 0;
		for (s = 0; s < m->num_sids; s++)
			if (*reg(m, base + VCMDQV_VINTF_SID_MATCH(s)) ==
			    (FIELD_PREP(VCMDQV_VINTF_SID_MATCH_VIRT_SID,
					e->sids[x].vsid) |
			     VCMDQV_VINTF_SID_MATCH_ENABLE) &&
			    *reg(m, base + VCMDQV_VINTF_SID_REPLACE(s)) ==
			    e->sids[x].sid)
				hits++;
		if (hits != 1)
			fail(c, "VINTF%u: vSID %#x -> SID %#x in %u slots", v,
			     e->sids[x].vsid, e->sids[x].sid, hits);
	}
}

static void check_queues(struct cmdqv_model *m, u16 v, struct check *c)
{
	struct cmdqv_model_exp_vintf *e = &m->exp[v];
	u16 l, q;
	int mq;

	for (l = 0; l < m->per; l++) {
		mq = mapped_queue(m, v, l);
		if (e->live && e->queues[l].live) {
			u64 base;

			if (mq < 0) {
				fail(c, "VINTF%u: live LVCMDQ%u not mapped", v,
				     l);
				continue;
			}
			base = *q_reg(m, mq, 1, VCMDQV_VCMDQ_BASE) |
			       (u64)*q_reg(m, mq, 1, VCMDQV_VCMDQ_BASE + 4) << 32;
			if (base != e->queues[l].base)
				fail(c, "VINTF%u: LVCMDQ%u BASE %#llx, want %#llx",
				     v, l, base, e->queues[l].base);
			continue;
		}
		if (mq >= 0)
			fail(c, "VINTF%u: dead LVCMDQ%u still mapped (VCMDQ%d)",
			     v, l, mq);
	}
	/* the global queues the backend uses for this VINTF */
	for (q = v * m->per; q < (v + 1) * m->per; q++) {
		u16 qv, ql;

		if (q_mapped(alloc_reg(m, q), &qv, &ql) && qv == v &&
		    e->live && e->queues[ql].live)
			continue;
		if (*q_reg(m, q, 1, VCMDQV_VCMDQ_BASE) ||
		    *q_reg(m, q, 1, VCMDQV_VCMDQ_BASE + 4) ||
		    *q_reg(m, q, 0, VCMDQV_VCMDQ_PROD) ||
		    *q_reg(m, q, 0, VCMDQV_VCMDQ_CONS))
			fail(c, "VCMDQ%u (VINTF%u): BASE/PROD/CONS not zero", q,
			     v);
		if (*q_reg(m, q, 0, VCMDQV_VCMDQ_STATUS) & VCMDQV_VCMDQ_ENABLED)
			fail(c, "VCMDQ%u (VINTF%u): still enabled", q, v);
	}
}

static void check_vintf(struct cmdqv_model *m, u16 v, struct check *c)
{
	struct cmdqv_model_exp_vintf *e = &m->exp[v];
	u32 config = *reg(m, VCMDQV_VINTF(v) + VCMDQV_VINTF_CONFIG);
	u32 status = *reg(m, VCMDQV_VINTF(v) + VCMDQV_VINTF_STATUS);

	if (e->live) {
		if (!(config & VCMDQV_VINTF_EN) ||
		    !(status & VCMDQV_VINTF_ENABLED))
			fail(c, "VINTF%u: not enabled (CONFIG %#x STATUS %#x)",
			     v, config, status);
		if (config & VCMDQV_VINTF_HYP_OWN)
			fail(c, "VINTF%u: HYP_OWN set", v);
		if (FIELD_GET(VCMDQV_VINTF_VMID, config) != e->vmid)
			fail(c, "VINTF%u: VMID %u, want %u", v,
			     (u32)FIELD_GET(VCMDQV_VINTF_VMID, config),
			     e->vmid);
	} else if ((config & VCMDQV_VINTF_EN) ||
		   (status & VCMDQV_VINTF_ENABLED)) {
		fail(c, "VINTF%u: dead but enabled (CONFIG %#x)", v, config);
	}
	check_sids(m, v, c);
	check_queues(m, v, c);
}

unsigned int cmdqv_model_check(struct cmdqv_model *m, char *buf, size_t len)
{
	struct check c = { .buf = buf, .len = len };
	unsigned long flags;
	unsigned int i;
	int q, other;
	u16 v;

	if (len)
		buf[0] = '\0';
	spin_lock_irqsave(&m->lock, flags);
	check_vintf0(m, &c);
	for (v = 1; v < m->num_vintfs; v++)
		if (m->exp[v].ours)
			check_vintf(m, v, &c);
	/* one queue per LVCMDQ, whatever the writes did */
	for (q = 0; q < m->num_vcmdqs; q++) {
		u16 qv, ql;

		if (!q_mapped(alloc_reg(m, q), &qv, &ql))
			continue;
		other = mapped_queue(m, qv, ql);
		if (other != q)
			fail(&c, "VINTF%u LVCMDQ%u: VCMDQ%d and VCMDQ%d", qv,
			     ql, other, q);
	}
	for (i = 0; i < min(m->nr_violations, CMDQV_MODEL_MAX_VIOLATIONS); i++)
		fail(&c, "violation: %s", m->violations[i]);
	if (m->nr_violations > CMDQV_MODEL_MAX_VIOLATIONS)
		fail(&c, "and %u more violations",
		     m->nr_violations - CMDQV_MODEL_MAX_VIOLATIONS);
	spin_unlock_irqrestore(&m->lock, flags);
	return c.n;
}
