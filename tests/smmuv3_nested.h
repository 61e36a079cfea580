/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Nested translation on the SMMUv3, the building blocks a VMM needs, shared
 * by smmuv3_test.c and viommu_demo.c: QEMU's edu device does real DMA
 * through the emulated SMMUv3 with a guest stage 1 (page table and context
 * descriptor built here, in "guest RAM") nested over the stock iommufd's
 * IOAS as stage 2:
 *
 *   /dev/iommu:   IOAS = the guest's IPA space, NEST_PARENT HWPT on it,
 *                 edu's VFIO cdev bound and attached;
 *   /dev/viommu:  vIOMMU (ARM_SMMUV3) on the parent, vDEVICE (vSID),
 *                 vEVENTQ, nested HWPT from a vSTE, invalidation with raw
 *                 SMMUv3 commands.
 *
 * "Guest RAM" is anonymous memory of this process, IOAS-mapped at fixed
 * IPAs, one IOAS_MAP per region so that one region can be unmapped alone.
 * Every IPA and IOVA is below 256 MiB (edu's 28-bit dma_mask) and clear of
 * the SMMUv3 MSI window at 0x8000000 that iommufd reserves in the IOAS.
 *
 * Bit layouts: Linux 6.12 drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h
 * (STRTAB_STE_*, CTXDESC_CD_*, CMDQ_*, EVTQ_*) and
 * drivers/iommu/io-pgtable-arm.c (descriptors, TCR values, MAIR).
 *
 * Errors the caller cannot act on (mmap, a malformed vEVENTQ record) end
 * the process through harness.h (ASSERT_*, FAIL), as in any test; run
 * these in a child process where that matters (the demo does).
 */
#ifndef VIOMMU_TEST_SMMUV3_NESTED_H
#define VIOMMU_TEST_SMMUV3_NESTED_H

#include <endian.h>
#include <poll.h>
#include <linux/iommufd.h>
#include <linux/viommu.h>

#include "fixture.h"
#include "edu.h"

#ifndef BIT_ULL
#define BIT_ULL(n)	(1ULL << (n))
#endif

/* Guest RAM, as IPAs (stage-2 input = IOAS IOVAs) */
#define PG		4096ULL
#define IPA_TABLES	0x00100000ULL	/* TBL_PAGES pages: CD and S1 tables */
#define TBL_PAGES	8
#define TBL_CD		0		/* page index of the CD in the region */
#define TBL_L1		1
#define TBL_L2		2
#define TBL_L3		3		/* VA 0x400000..0x5fffff */
#define TBL_L3_MSI	4		/* VA 0x8000000..0x81fffff */
#define IPA_A		0x00200000ULL
#define IPA_B		0x00210000ULL
#define IPA_C		0x00220000ULL

/* Guest stage-1 IOVAs (what edu emits when attached nested) */
#define IOVA_X		0x00400000ULL	/* -> A (test 4 moves it to B) */
#define IOVA_Y		0x00401000ULL	/* -> C */
#define IOVA_Z		0x00402000ULL	/* no stage-1 mapping */
#define MSI_IOVA	0x08000000ULL	/* MSI_IOVA_BASE of the stock kernel */
#define MSI_PAGES	16		/* identity-mapped in stage 1 */

#define VSID		0x42		/* edu's physical SID is 0x10 */
#define VSID_UNKNOWN	0x43
#define S1_ASID		0x5

/* STE (arm-smmu-v3.h) */
#define STE0_V			BIT_ULL(0)
#define STE0_CFG_SHIFT		1		/* [3:1] */
#define STE0_CFG_ABORT		0ULL
#define STE0_CFG_BYPASS		4ULL
#define STE0_CFG_S1_TRANS	5ULL
#define STE0_CFG_S2_TRANS	6ULL
#define STE0_CFG_NESTED		7ULL
#define STE0_S1FMT_SHIFT	4		/* [5:4], 0 = linear */
#define STE0_S1CTXPTR_MASK	0x000fffffffffffc0ULL	/* [51:6] */
#define STE0_S1CDMAX_SHIFT	59		/* [63:59] */
#define STE1_S1DSS_SSID0	2ULL		/* [1:0] */
#define STE1_S1CIR_SHIFT	2		/* [3:2] */
#define STE1_S1COR_SHIFT	4		/* [5:4] */
#define STE1_S1CSH_SHIFT	6		/* [7:6] */
#define STE1_CACHE_WBRA		1ULL
#define STE1_SH_ISH		3ULL
#define STE1_SHCFG_SHIFT	44		/* [45:44], not for nesting */

/* CD (arm-smmu-v3.h CTXDESC_CD_*) */
#define CD0_T0SZ_SHIFT		0		/* [5:0] */
#define CD0_TG0_SHIFT		6		/* [7:6], 0 = 4K */
#define CD0_IRGN0_SHIFT		8		/* [9:8] */
#define CD0_ORGN0_SHIFT		10		/* [11:10] */
#define CD0_SH0_SHIFT		12		/* [13:12] */
#define CD0_EPD1		BIT_ULL(30)
#define CD0_V			BIT_ULL(31)
#define CD0_IPS_SHIFT		32		/* [34:32] */
#define CD0_AA64		BIT_ULL(41)
#define CD0_R			BIT_ULL(45)
#define CD0_A			BIT_ULL(46)
#define CD0_ASET		BIT_ULL(47)
#define CD0_ASID_SHIFT		48		/* [63:48] */
#define CD1_TTB0_MASK		0x000ffffffffffff0ULL	/* [51:4] */
/* io-pgtable-arm.c TCR values */
#define TCR_RGN_WBWA		1ULL
#define TCR_SH_IS		3ULL
#define TCR_PS_44_BIT		4ULL
/* T0SZ 25: a 39-bit VA, a walk from level 1 (L1, L2, L3 with 4 KiB) */
#define S1_T0SZ			25

/* Stage-1 descriptors (io-pgtable-arm.c ARM_LPAE_*) */
#define PTE_TYPE_TABLE		3ULL
#define PTE_TYPE_PAGE		3ULL
#define PTE_ADDR_MASK		0x0000fffffffff000ULL	/* [47:12] */
#define PTE_AP_UNPRIV		BIT_ULL(6)
#define PTE_SH_OS		(2ULL << 8)
#define PTE_SH_IS		(3ULL << 8)
#define PTE_AF			BIT_ULL(10)
#define PTE_nG			BIT_ULL(11)
#define PTE_ATTRINDX_SHIFT	2
#define MAIR_IDX_NC		0
#define MAIR_IDX_CACHE		1
#define MAIR_IDX_DEV		2
#define MAIR_IDX_INC_OCACHE	3
#define MAIR_ATTR_NC		0x44ULL
#define MAIR_ATTR_WBRWA		0xffULL
#define MAIR_ATTR_DEVICE	0x04ULL
#define MAIR_ATTR_INC_OWBRWA	0xf4ULL

/* Commands (arm-smmu-v3.h CMDQ_*) */
#define CMD_CFGI_STE		0x03ULL
#define CMD_CFGI_CD		0x05ULL
#define CMD_CFGI_CD_ALL		0x06ULL
#define CMD_TLBI_NH_ALL		0x10ULL
#define CMD_TLBI_NH_ASID	0x11ULL
#define CMD_TLBI_NH_VA		0x12ULL
#define CMD_SID_SHIFT		32		/* CFGI [63:32] */
#define CMD_ASID_SHIFT		48		/* TLBI [63:48] */
#define CMD_LEAF		1ULL		/* word 1 bit 0 */
#define CMD_VA_MASK		0xfffffffffffff000ULL	/* word 1 [63:12] */

/* Events (arm-smmu-v3.h EVTQ_*) */
#define EVT_ID_MASK		0xffULL
#define EVT_ID_TRANSLATION	0x10
#define EVT_SID_SHIFT		32
#define EVT1_RNW		BIT_ULL(35)
#define EVT1_S2			BIT_ULL(39)

#define PARAM_DIR		"/sys/module/viommu/parameters/"
#define PARAM_READY		PARAM_DIR "smmuv3_ready"
#define PARAM_NONCOHERENT	PARAM_DIR "smmuv3_allow_noncoherent"

/* Encoders of the guest's structures (unit-checked by smmuv3_encoders) */

static inline __u64 mair_value(void)
{
	return (MAIR_ATTR_NC << (8 * MAIR_IDX_NC)) |
	       (MAIR_ATTR_WBRWA << (8 * MAIR_IDX_CACHE)) |
	       (MAIR_ATTR_DEVICE << (8 * MAIR_IDX_DEV)) |
	       (MAIR_ATTR_INC_OWBRWA << (8 * MAIR_IDX_INC_OCACHE));
}

/* A stage-1 CD as Linux's arm_smmu_make_s1_cd() writes one (LE host). */
static inline void cd_encode(__u64 cd[8], __u64 ttb0, __u16 asid)
{
	memset(cd, 0, 8 * sizeof(__u64));
	cd[0] = ((__u64)S1_T0SZ << CD0_T0SZ_SHIFT) |
		(0ULL << CD0_TG0_SHIFT) |
		(TCR_RGN_WBWA << CD0_IRGN0_SHIFT) |
		(TCR_RGN_WBWA << CD0_ORGN0_SHIFT) |
		(TCR_SH_IS << CD0_SH0_SHIFT) |
		CD0_EPD1 | CD0_V |
		(TCR_PS_44_BIT << CD0_IPS_SHIFT) |
		CD0_AA64 | CD0_R | CD0_A | CD0_ASET |
		((__u64)asid << CD0_ASID_SHIFT);
	cd[1] = ttb0 & CD1_TTB0_MASK;
	cd[3] = mair_value();
}

static inline __u64 pte_table(__u64 pa)
{
	return (pa & PTE_ADDR_MASK) | PTE_TYPE_TABLE;
}

/* A read/write cacheable page, as io-pgtable-arm maps IOMMU_READ|WRITE|CACHE */
static inline __u64 pte_page(__u64 pa)
{
	return (pa & PTE_ADDR_MASK) | PTE_nG | PTE_AF | PTE_SH_IS |
	       PTE_AP_UNPRIV | ((__u64)MAIR_IDX_CACHE << PTE_ATTRINDX_SHIFT) |
	       PTE_TYPE_PAGE;
}

/* A device page (IOMMU_MMIO), for the MSI doorbell */
static inline __u64 pte_page_dev(__u64 pa)
{
	return (pa & PTE_ADDR_MASK) | PTE_nG | PTE_AF | PTE_SH_OS |
	       PTE_AP_UNPRIV | ((__u64)MAIR_IDX_DEV << PTE_ATTRINDX_SHIFT) |
	       PTE_TYPE_PAGE;
}

/* Index of @va in its level-@level table (4 KiB granule, levels 1..3) */
static inline unsigned int va_index(__u64 va, int level)
{
	return (va >> (12 + 9 * (3 - level))) & 0x1ff;
}

/* A vSTE: @cfg abort/bypass/S1 (or anything, for bad-input cases) */
static inline void ste_encode(__u64 ste[2], __u64 cfg, __u64 cd_ipa)
{
	ste[0] = STE0_V | (cfg << STE0_CFG_SHIFT);
	ste[1] = 0;
	if (cfg != STE0_CFG_S1_TRANS)
		return;
	ste[0] |= (0ULL << STE0_S1FMT_SHIFT) | (cd_ipa & STE0_S1CTXPTR_MASK) |
		  (0ULL << STE0_S1CDMAX_SHIFT);
	ste[1] = STE1_S1DSS_SSID0 | (STE1_CACHE_WBRA << STE1_S1CIR_SHIFT) |
		 (STE1_CACHE_WBRA << STE1_S1COR_SHIFT) |
		 (STE1_SH_ISH << STE1_S1CSH_SHIFT);
}

static inline void cmd_tlbi_nh_all(__u64 cmd[2])
{
	cmd[0] = CMD_TLBI_NH_ALL;
	cmd[1] = 0;
}

static inline void cmd_tlbi_nh_asid(__u64 cmd[2], __u16 asid)
{
	cmd[0] = CMD_TLBI_NH_ASID | ((__u64)asid << CMD_ASID_SHIFT);
	cmd[1] = 0;
}

static inline void cmd_tlbi_nh_va(__u64 cmd[2], __u16 asid, __u64 va)
{
	cmd[0] = CMD_TLBI_NH_VA | ((__u64)asid << CMD_ASID_SHIFT);
	cmd[1] = (va & CMD_VA_MASK) | CMD_LEAF;
}

static inline void cmd_cfgi(__u64 cmd[2], __u64 op, __u32 sid)
{
	cmd[0] = op | ((__u64)sid << CMD_SID_SHIFT);
	cmd[1] = op == CMD_CFGI_CD_ALL ? 0 : CMD_LEAF;
}

/* Guest RAM: the table region and three data pages, each IOAS-mapped alone */

struct guest {
	__u64 *tbl;	/* TBL_PAGES pages */
	__u8 *a, *b, *c;
};

static inline void *guest_pages(unsigned int n)
{
	void *p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	memset(p, 0, n * PG);
	return p;
}

static inline void guest_map(int iommufd, __u32 ioas_id, void *va,
			     __u64 len, __u64 ipa)
{
	__u64 iova = ipa;

	ASSERT_OK(ioas_map(iommufd, ioas_id, va, len, &iova, 1));
	ASSERT_EQ(ipa, iova);
}

static inline void guest_setup(struct guest *g, int iommufd, __u32 ioas_id)
{
	ASSERT_EQ(PG, (__u64)sysconf(_SC_PAGESIZE));
	g->tbl = guest_pages(TBL_PAGES);
	g->a = guest_pages(1);
	g->b = guest_pages(1);
	g->c = guest_pages(1);
	guest_map(iommufd, ioas_id, g->tbl, TBL_PAGES * PG, IPA_TABLES);
	guest_map(iommufd, ioas_id, g->a, PG, IPA_A);
	guest_map(iommufd, ioas_id, g->b, PG, IPA_B);
	guest_map(iommufd, ioas_id, g->c, PG, IPA_C);
}

static inline __u64 *tbl_page(struct guest *g, unsigned int page)
{
	return g->tbl + page * (PG / sizeof(__u64));
}

/* CD, L1 -> L2 -> L3: X -> A, Y -> C, Z unmapped; MSI window if asked. */
static inline void guest_build_s1(struct guest *g, int with_msi)
{
	__u64 *l1 = tbl_page(g, TBL_L1), *l2 = tbl_page(g, TBL_L2);
	__u64 *l3 = tbl_page(g, TBL_L3), *l3m = tbl_page(g, TBL_L3_MSI);

	memset(g->tbl, 0, TBL_PAGES * PG);
	cd_encode(tbl_page(g, TBL_CD), IPA_TABLES + TBL_L1 * PG, S1_ASID);
	l1[va_index(IOVA_X, 1)] = pte_table(IPA_TABLES + TBL_L2 * PG);
	l2[va_index(IOVA_X, 2)] = pte_table(IPA_TABLES + TBL_L3 * PG);
	l3[va_index(IOVA_X, 3)] = pte_page(IPA_A);
	l3[va_index(IOVA_Y, 3)] = pte_page(IPA_C);
	if (with_msi) {
		l2[va_index(MSI_IOVA, 2)] =
			pte_table(IPA_TABLES + TBL_L3_MSI * PG);
		for (int i = 0; i < MSI_PAGES; i++)
			l3m[va_index(MSI_IOVA, 3) + i] =
				pte_page_dev(MSI_IOVA + i * PG);
	}
	__sync_synchronize();
}

static inline void fill(__u8 *p, unsigned int seed)
{
	for (unsigned int i = 0; i < PG; i++)
		p[i] = (__u8)(i * 7 + seed);
}

/* 1 if @p holds fill(@seed) over @len bytes */
static inline int holds(const __u8 *p, unsigned int seed, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++)
		if (p[i] != (__u8)(i * 7 + seed))
			return 0;
	return 1;
}

static inline int all_zero(const __u8 *p, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

#define SEED_A 0x11
#define SEED_B 0x53
#define SEED_C 0x9d

/* The SMMUv3 backend's module parameters */

static inline int param_read(const char *path, char *val, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return 0;
	ok = !!fgets(val, len, f);
	fclose(f);
	if (ok)
		val[strcspn(val, "\n")] = 0;
	return ok;
}

/* The backend says it is on (smmuv3_ready = Y) */
static inline int smmuv3_on(void)
{
	char val[8];

	return param_read(PARAM_READY, val, sizeof(val)) && val[0] == 'Y';
}

static inline void allow_noncoherent(int on)
{
	if (write_file(PARAM_NONCOHERENT, on ? "1" : "0"))
		FAIL("cannot write %s: errno %d", PARAM_NONCOHERENT, errno);
}

/**
 * struct nest - One guest with edu assigned, as far as nest_build() goes
 * @iommufd: The stock /dev/iommu
 * @vfd: /dev/viommu bound to @iommufd, or (stock door) a dup of it
 * @e: edu, bound to @iommufd
 * @g: Guest RAM, mapped in @ioas_id
 * @ioas_id: The guest's IPA space
 * @parent_id: The stage-2 nest parent on it (stock), edu attached to it
 * @viommu_id: The ARM_SMMUV3 vIOMMU on @parent_id
 * @vdev_id: edu's vDEVICE, virt_id VSID
 * @veventq_id: The ARM_SMMUV3 vEVENTQ, read at @qfd
 * @nested_id: The nested HWPT of the S1 vSTE (stock id), edu attached
 */
struct nest {
	int iommufd;
	int vfd;
	struct edu e;
	struct guest g;
	__u32 ioas_id;
	__u32 parent_id;
	__u32 viommu_id;
	__u32 vdev_id;
	__u32 veventq_id;
	int qfd;
	__u32 nested_id;
};

enum nest_level {
	N_PARENT,	/* guest RAM, nest parent, edu attached to it */
	N_VIOMMU,	/* + vIOMMU (the coherency gate lifted) */
	N_VDEVICE,	/* + vDEVICE and vEVENTQ */
	N_NESTED,	/* + S1 tables, nested HWPT, edu attached to it */
};

static inline int nested_alloc_ste(struct nest *n, const __u64 ste_cpu[2],
				   __u32 *hwpt_id)
{
	struct viommu_hwpt_arm_smmuv3 data = {
		.ste = { htole64(ste_cpu[0]), htole64(ste_cpu[1]) },
	};

	return vt_nested_alloc(n->vfd, n->e.dev_id, n->viommu_id, 0,
			       VIOMMU_HWPT_DATA_ARM_SMMUV3, &data, sizeof(data),
			       hwpt_id);
}

static inline int nested_alloc_cfg(struct nest *n, __u64 cfg,
				   __u32 *hwpt_id)
{
	__u64 ste[2];

	ste_encode(ste, cfg, IPA_TABLES + TBL_CD * PG);
	return nested_alloc_ste(n, ste, hwpt_id);
}

/* Raw SMMUv3 commands through VIOMMU_HWPT_INVALIDATE; *@num in and out */
static inline int nest_invalidate(struct nest *n, __u64 (*cmds)[2],
				  __u32 *num)
{
	struct viommu_viommu_arm_smmuv3_invalidate req[8];

	ASSERT_TRUE(*num <= ARRAY_SIZE(req));
	for (__u32 i = 0; i < *num; i++) {
		req[i].cmd[0] = htole64(cmds[i][0]);
		req[i].cmd[1] = htole64(cmds[i][1]);
	}
	return vt_invalidate(n->vfd, n->viommu_id, req,
			     VIOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
			     sizeof(req[0]), num);
}

static inline void nest_invalidate_one(struct nest *n, __u64 cmd[2])
{
	__u64 cmds[1][2] = { { cmd[0], cmd[1] } };
	__u32 num = 1;

	ASSERT_OK(nest_invalidate(n, cmds, &num));
	ASSERT_EQ(1, num);
}

/* The last step of a teardown: the files of @n, each closed once. */
static inline void nest_close(struct nest *n)
{
	ASSERT_OK(close(n->vfd));
	ASSERT_OK(close(n->e.devfd));
	ASSERT_OK(close(n->iommufd));
}

/* vEVENTQ records of type ARM_SMMUV3 */
struct smmu_vevent {
	__u32 flags;
	__u32 sequence;
	__u64 evt[4];
};

/*
 * Every record that arrives: wait up to @first_ms for the first one, then
 * keep reading until the queue stays quiet for @quiet_ms. Returns how
 * many; the first @max are stored.
 */
static inline int read_smmu_vevents(int qfd, struct smmu_vevent *ev,
				    int max, int first_ms, int quiet_ms)
{
	const size_t hdr = sizeof(struct viommu_vevent_header);
	const size_t data = sizeof(struct viommu_vevent_arm_smmuv3);
	struct pollfd pfd = { .fd = qfd, .events = POLLIN };
	int nr = 0, timeout = first_ms;
	__u8 buf[40 * 16];

	while (poll(&pfd, 1, timeout) == 1) {
		ssize_t len = read(qfd, buf, sizeof(buf));
		size_t off = 0;

		ASSERT_TRUE(len >= 0);
		if (!len)
			break;
		while (off < (size_t)len) {
			struct viommu_vevent_header h;
			struct viommu_vevent_arm_smmuv3 d = {};

			ASSERT_TRUE(off + hdr <= (size_t)len);
			memcpy(&h, buf + off, hdr);
			off += hdr;
			if (!(h.flags & VIOMMU_VEVENTQ_FLAG_LOST_EVENTS)) {
				ASSERT_TRUE(off + data <= (size_t)len);
				memcpy(&d, buf + off, data);
				off += data;
			}
			if (nr < max) {
				ev[nr].flags = h.flags;
				ev[nr].sequence = h.sequence;
				for (int i = 0; i < 4; i++)
					ev[nr].evt[i] = le64toh(d.evt[i]);
			}
			nr++;
		}
		timeout = quiet_ms;
	}
	return nr;
}

static inline void print_vevents(const struct smmu_vevent *ev, int nr)
{
	for (int i = 0; i < nr && i < 4; i++)
		printf("#   vevent %d: flags %#x seq %u evt %016llx %016llx %016llx %016llx\n",
		       i, ev[i].flags, ev[i].sequence,
		       (unsigned long long)ev[i].evt[0],
		       (unsigned long long)ev[i].evt[1],
		       (unsigned long long)ev[i].evt[2],
		       (unsigned long long)ev[i].evt[3]);
}

/* Names of the event ids a nested guest can see (EVTQ_0_ID) */
static inline const char *smmu_event_name(unsigned int id)
{
	switch (id) {
	case 0x01: return "F_UUT";
	case 0x02: return "C_BAD_STREAMID";
	case 0x03: return "F_STE_FETCH";
	case 0x04: return "C_BAD_STE";
	case 0x06: return "F_STREAM_DISABLED";
	case 0x09: return "F_CD_FETCH";
	case 0x0a: return "C_BAD_CD";
	case 0x0b: return "F_WALK_EABT";
	case EVT_ID_TRANSLATION: return "F_TRANSLATION";
	case 0x11: return "F_ADDR_SIZE";
	case 0x12: return "F_ACCESS";
	case 0x13: return "F_PERMISSION";
	default: return "an event";
	}
}

/* The steps of nest_build(), in order */
enum nest_step {
	NS_IOMMUFD,		/* /dev/iommu opened */
	NS_EDU,			/* edu's VFIO cdev bound to it */
	NS_IOAS,		/* the guest's IPA space */
	NS_GUEST_RAM,		/* guest RAM mapped at its IPAs */
	NS_PARENT,		/* the stage-2 nest parent on the IOAS */
	NS_ATTACH_PARENT,	/* edu attached to it */
	NS_VIOMMU_FILE,		/* /dev/viommu bound, or the stock door */
	NS_GATE,		/* smmuv3_allow_noncoherent set */
	NS_VIOMMU,		/* the ARM_SMMUV3 vIOMMU */
	NS_VDEVICE,		/* edu's vDEVICE, vSID VSID */
	NS_VEVENTQ,		/* the ARM_SMMUV3 vEVENTQ */
	NS_S1_TABLES,		/* the guest's CD and stage-1 tables */
	NS_NESTED,		/* the nested HWPT of the S1 vSTE */
	NS_ATTACH_NESTED,	/* edu attached to it */
};

static const char * const nest_step_name[] = {
	[NS_IOMMUFD] = "open /dev/iommu",
	[NS_EDU] = "bind edu",
	[NS_IOAS] = "IOAS_ALLOC",
	[NS_GUEST_RAM] = "map guest RAM",
	[NS_PARENT] = "HWPT_ALLOC(NEST_PARENT)",
	[NS_ATTACH_PARENT] = "attach to the nest parent",
	[NS_VIOMMU_FILE] = "bind /dev/viommu (or open the stock door)",
	[NS_GATE] = "set " PARAM_NONCOHERENT,
	[NS_VIOMMU] = "VIOMMU_ALLOC",
	[NS_VDEVICE] = "VDEVICE_ALLOC",
	[NS_VEVENTQ] = "VEVENTQ_ALLOC",
	[NS_S1_TABLES] = "build the stage-1 tables",
	[NS_NESTED] = "HWPT_ALLOC(vSTE)",
	[NS_ATTACH_NESTED] = "attach to the nested HWPT",
};

/* Report one step: 0 if @rc says it worked, else -1 with errno kept. */
static inline int nest_step_done(struct nest *n, enum nest_step step, int rc,
				 void (*report)(struct nest *n,
						enum nest_step step, int err))
{
	int err = rc < 0 ? (errno ? errno : EIO) : 0;

	if (report)
		report(n, step, err);
	errno = err;
	return err ? -1 : 0;
}

/*
 * The guest of struct nest, up to @level, the way a VMM builds it: guest
 * RAM, nest parent, edu attached to it, /dev/viommu bound; then the
 * vIOMMU (the coherency gate lifted first), the vDEVICE and vEVENTQ; then
 * the stage-1 tables, the nested HWPT of the S1 vSTE and edu attached to
 * it. @report, if any, is called after each step with 0 or the errno it
 * failed with. Returns 0, or -1 (errno set) at the first failed step.
 */
static inline int nest_build(struct nest *n, enum nest_level level,
			     void (*report)(struct nest *n,
					    enum nest_step step, int err))
{
	memset(n, 0, sizeof(*n));
	n->vfd = -1;
	n->qfd = -1;
	n->iommufd = open_iommufd();
	if (nest_step_done(n, NS_IOMMUFD, n->iommufd, report))
		return -1;
	edu_open(&n->e, n->iommufd);
	nest_step_done(n, NS_EDU, 0, report);
	if (nest_step_done(n, NS_IOAS, ioas_alloc(n->iommufd, &n->ioas_id),
			   report))
		return -1;
	guest_setup(&n->g, n->iommufd, n->ioas_id);
	nest_step_done(n, NS_GUEST_RAM, 0, report);
	if (nest_step_done(n, NS_PARENT,
			   stock_hwpt_alloc(n->iommufd, n->e.dev_id,
					    n->ioas_id,
					    IOMMU_HWPT_ALLOC_NEST_PARENT,
					    &n->parent_id), report))
		return -1;
	if (nest_step_done(n, NS_ATTACH_PARENT,
			   edu_attach(&n->e, n->parent_id), report))
		return -1;
	if (nest_step_done(n, NS_VIOMMU_FILE,
			   vt_door_bind(n->iommufd, &n->vfd), report))
		return -1;
	if (level < N_VIOMMU)
		return 0;

	allow_noncoherent(1);
	nest_step_done(n, NS_GATE, 0, report);
	if (nest_step_done(n, NS_VIOMMU,
			   vt_viommu_alloc(n->vfd, n->e.dev_id, n->parent_id,
					   VIOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL,
					   0, &n->viommu_id), report))
		return -1;
	if (level < N_VDEVICE)
		return 0;

	if (nest_step_done(n, NS_VDEVICE,
			   vt_vdevice_alloc(n->vfd, n->viommu_id, n->e.dev_id,
					    VSID, &n->vdev_id), report))
		return -1;
	if (nest_step_done(n, NS_VEVENTQ,
			   vt_veventq_alloc(n->vfd, n->viommu_id,
					    VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 64,
					    &n->veventq_id, &n->qfd), report))
		return -1;
	if (level < N_NESTED)
		return 0;

	guest_build_s1(&n->g, 0);
	nest_step_done(n, NS_S1_TABLES, 0, report);
	if (nest_step_done(n, NS_NESTED,
			   nested_alloc_cfg(n, STE0_CFG_S1_TRANS, &n->nested_id),
			   report))
		return -1;
	return nest_step_done(n, NS_ATTACH_NESTED,
			      edu_attach(&n->e, n->nested_id), report);
}

#endif /* VIOMMU_TEST_SMMUV3_NESTED_H */
