// SPDX-License-Identifier: GPL-2.0
/*
 * The SMMUv3 backend end to end: QEMU's edu device does real DMA through
 * the emulated SMMUv3 with a guest stage 1 nested over the stock
 * iommufd's IOAS as stage 2, the way a VMM drives it (the building blocks
 * and the guest-RAM layout are in smmuv3_nested.h).
 *
 * The nested cases need the SMMUv3 backend (module parameter smmuv3_ready
 * = Y) and are skipped, never passed, without it. Two cases need no
 * backend: edu DMA and MSI through a plain IOAS attach on the stock
 * iommufd (the baseline everything else stands on), and the encoders of
 * the guest structures, checked against hand-computed values.
 */
#include "smmuv3_nested.h"

/* The known-answer check of the encoders: pure userspace, runs anywhere. */
TEST(smmuv3_encoders)
{
	__u64 cd[8], ste[2], cmd[2];

	ASSERT_EQ(0xf404ff44ULL, mair_value());

	cd_encode(cd, IPA_TABLES + TBL_L1 * PG, S1_ASID);
	/*
	 * 25 | IRGN0 1 << 8 | ORGN0 1 << 10 | SH0 3 << 12 = 0x3519;
	 * EPD1 | V = 0xc0000000; IPS 4 << 32; AA64 41, R 45, A 46, ASET 47
	 * = 0xe200_0000_0000; ASID 5 << 48.
	 */
	ASSERT_EQ(0x0005e204c0003519ULL, cd[0]);
	ASSERT_EQ(0x0000000000101000ULL, cd[1]);
	ASSERT_EQ(0, cd[2]);
	ASSERT_EQ(0xf404ff44ULL, cd[3]);
	for (int i = 4; i < 8; i++)
		ASSERT_EQ(0, cd[i]);

	ASSERT_EQ(0x102003ULL, pte_table(IPA_TABLES + TBL_L2 * PG));
	/* nG 0x800 | AF 0x400 | SH_IS 0x300 | AP_UNPRIV 0x40 | idx1 0x4 | 3 */
	ASSERT_EQ(0x200f47ULL, pte_page(IPA_A));
	/* nG | AF | SH_OS 0x200 | AP_UNPRIV | idx2 0x8 | 3 */
	ASSERT_EQ(0x8000e4bULL, pte_page_dev(MSI_IOVA));

	ASSERT_EQ(0, va_index(IOVA_X, 1));
	ASSERT_EQ(2, va_index(IOVA_X, 2));
	ASSERT_EQ(0, va_index(IOVA_X, 3));
	ASSERT_EQ(1, va_index(IOVA_Y, 3));
	ASSERT_EQ(2, va_index(IOVA_Z, 3));
	ASSERT_EQ(0x40, va_index(MSI_IOVA, 2));
	ASSERT_EQ(0, va_index(MSI_IOVA, 3));
	ASSERT_EQ(1, va_index(0x40000000ULL, 1));
	ASSERT_EQ(0x1ff, va_index(0x7fc0000000ULL, 1));

	ste_encode(ste, STE0_CFG_S1_TRANS, IPA_TABLES);
	/* V | Cfg 5 << 1 = 0xb, S1ContextPtr 0x100000 */
	ASSERT_EQ(0x10000bULL, ste[0]);
	/* S1DSS 2 | S1CIR 1 << 2 | S1COR 1 << 4 | S1CSH 3 << 6 */
	ASSERT_EQ(0xd6ULL, ste[1]);
	ste_encode(ste, STE0_CFG_ABORT, 0);
	ASSERT_EQ(0x1ULL, ste[0]);
	ASSERT_EQ(0, ste[1]);
	ste_encode(ste, STE0_CFG_BYPASS, 0);
	ASSERT_EQ(0x9ULL, ste[0]);
	ste_encode(ste, STE0_CFG_S2_TRANS, 0);
	ASSERT_EQ(0xdULL, ste[0]);
	ste_encode(ste, STE0_CFG_NESTED, 0);
	ASSERT_EQ(0xfULL, ste[0]);

	cmd_tlbi_nh_all(cmd);
	ASSERT_EQ(0x10ULL, cmd[0]);
	ASSERT_EQ(0, cmd[1]);
	cmd_tlbi_nh_asid(cmd, S1_ASID);
	ASSERT_EQ(0x0005000000000011ULL, cmd[0]);
	cmd_tlbi_nh_va(cmd, S1_ASID, IOVA_X + 0x123);
	ASSERT_EQ(0x0005000000000012ULL, cmd[0]);
	ASSERT_EQ(0x400001ULL, cmd[1]);
	cmd_cfgi(cmd, CMD_CFGI_CD, VSID);
	ASSERT_EQ(0x0000004200000005ULL, cmd[0]);
	ASSERT_EQ(1, cmd[1]);
	cmd_cfgi(cmd, CMD_CFGI_CD_ALL, VSID);
	ASSERT_EQ(0x0000004200000006ULL, cmd[0]);
	ASSERT_EQ(0, cmd[1]);
	cmd_cfgi(cmd, CMD_CFGI_STE, VSID);
	ASSERT_EQ(0x0000004200000003ULL, cmd[0]);

	/* The uAPI records are what the contract says. */
	ASSERT_EQ(16, sizeof(struct viommu_hwpt_arm_smmuv3));
	ASSERT_EQ(16, sizeof(struct viommu_viommu_arm_smmuv3_invalidate));
	ASSERT_EQ(32, sizeof(struct viommu_vevent_arm_smmuv3));
	ASSERT_EQ(8, sizeof(struct viommu_vevent_header));
	ASSERT_EQ(40, sizeof(struct viommu_hw_info_arm_smmuv3));
}

/* The IPA of a table page of the region -> its host view */
static const __u64 *tbl_at_ipa(struct guest *g, __u64 ipa)
{
	if (ipa < IPA_TABLES || ipa >= IPA_TABLES + TBL_PAGES * PG ||
	    ipa % PG)
		FAIL("the walk left the table region: IPA %#llx",
		     (unsigned long long)ipa);
	return tbl_page(g, (ipa - IPA_TABLES) / PG);
}

/*
 * The guest's stage 1 walked in software the way QEMU's smmu_ptw_64_s1()
 * and decode_cd() do (start level from T0SZ, index widths from the input
 * size, table/page/block types, AF), written apart from the encoders
 * above. The output IPA, or -1 for a translation fault.
 */
static long long s1_walk(struct guest *g, __u64 va)
{
	const __u64 *cd = tbl_page(g, TBL_CD);
	unsigned int tsz = cd[0] & 0x3f, inputsize = 64 - tsz;
	const unsigned int granule = 12, stride = granule - 3;
	unsigned int level = 4 - (inputsize - 4) / stride;
	__u64 base = cd[1] & CD1_TTB0_MASK;

	ASSERT_TRUE(cd[0] & CD0_V);
	ASSERT_TRUE(cd[0] & CD0_AA64);
	ASSERT_TRUE(cd[0] & CD0_A);
	ASSERT_EQ(0, (cd[0] >> CD0_TG0_SHIFT) & 3);	/* 4 KiB */
	ASSERT_TRUE(tsz >= 16 && tsz <= 39);
	if (inputsize < 64 && va >> inputsize)
		return -1;
	for (;;) {
		unsigned int shift = granule + stride * (3 - level);
		unsigned int bits = shift + stride > inputsize ?
				    inputsize - shift : stride;
		__u64 pte = tbl_at_ipa(g, base)[(va >> shift) &
						 ((1ULL << bits) - 1)];

		if (!(pte & 1))
			return -1;
		if (level < 3 && (pte & 3) == 3) {	/* table */
			base = pte & PTE_ADDR_MASK;
			level++;
			continue;
		}
		if (level == 3 && (pte & 3) != 3)	/* reserved */
			return -1;
		if (!(pte & PTE_AF))
			return -1;
		return (pte & PTE_ADDR_MASK & ~((1ULL << shift) - 1)) |
		       (va & ((1ULL << shift) - 1));
	}
}

/* The tables guest_build_s1() writes translate what the tests expect. */
TEST(smmuv3_s1_tables_walk)
{
	struct guest g = { .tbl = guest_pages(TBL_PAGES) };

	guest_build_s1(&g, 0);
	/* T0SZ 25: a 39-bit input, the walk starts at level 1 */
	ASSERT_EQ(1, 4 - (64 - S1_T0SZ - 4) / 9);
	ASSERT_EQ(IPA_A, s1_walk(&g, IOVA_X));
	ASSERT_EQ(IPA_A + 0xabc, s1_walk(&g, IOVA_X + 0xabc));
	ASSERT_EQ(IPA_C, s1_walk(&g, IOVA_Y));
	ASSERT_EQ(IPA_C + 0xfff, s1_walk(&g, IOVA_Y + 0xfff));
	ASSERT_EQ(-1, s1_walk(&g, IOVA_Z));
	ASSERT_EQ(-1, s1_walk(&g, IOVA_X - PG));
	ASSERT_EQ(-1, s1_walk(&g, 0x600000));		/* no L3 table */
	ASSERT_EQ(-1, s1_walk(&g, 0x40400000));		/* no L2 table */
	ASSERT_EQ(-1, s1_walk(&g, BIT_ULL(39)));		/* beyond T0SZ */
	ASSERT_EQ(-1, s1_walk(&g, IPA_A));		/* IOVA != IPA */
	ASSERT_EQ(-1, s1_walk(&g, MSI_IOVA + 0x40));

	guest_build_s1(&g, 1);
	ASSERT_EQ(IPA_A, s1_walk(&g, IOVA_X));
	ASSERT_EQ(MSI_IOVA + 0x40, s1_walk(&g, MSI_IOVA + 0x40));
	ASSERT_EQ(MSI_IOVA + 0xf040,
		  s1_walk(&g, MSI_IOVA + (MSI_PAGES - 1) * PG + 0x40));
	ASSERT_EQ(-1, s1_walk(&g, MSI_IOVA + MSI_PAGES * PG));

	/* What stage 1 holds, word by word (the report quotes these) */
	printf("#   CD    %016llx %016llx %016llx %016llx\n",
	       (unsigned long long)tbl_page(&g, TBL_CD)[0],
	       (unsigned long long)tbl_page(&g, TBL_CD)[1],
	       (unsigned long long)tbl_page(&g, TBL_CD)[2],
	       (unsigned long long)tbl_page(&g, TBL_CD)[3]);
	printf("#   L1[0] %016llx L2[2] %016llx L2[64] %016llx\n",
	       (unsigned long long)tbl_page(&g, TBL_L1)[0],
	       (unsigned long long)tbl_page(&g, TBL_L2)[2],
	       (unsigned long long)tbl_page(&g, TBL_L2)[64]);
	printf("#   L3[0] %016llx L3[1] %016llx L3msi[0] %016llx\n",
	       (unsigned long long)tbl_page(&g, TBL_L3)[0],
	       (unsigned long long)tbl_page(&g, TBL_L3)[1],
	       (unsigned long long)tbl_page(&g, TBL_L3_MSI)[0]);
}

/* Baselines on the stock iommufd alone: no backend, no /dev/viommu */

/*
 * edu DMA through a plain IOAS attach (the kernel's own S1 paging domain):
 * RAM -> edu -> RAM, compared in the host view; then an unmapped IOVA
 * takes nothing.
 */
TEST(edu_dma_through_stock_ioas)
{
	struct guest g;
	struct edu e;
	__u32 ioas_id;
	int iommufd;

	iommufd = open_iommufd();
	edu_open(&e, iommufd);
	ASSERT_OK(ioas_alloc(iommufd, &ioas_id));
	guest_setup(&g, iommufd, ioas_id);
	ASSERT_OK(edu_attach(&e, ioas_id));

	fill(g.a, SEED_A);
	edu_from_ram(&e, IPA_A, PG);
	edu_to_ram(&e, IPA_C, PG);
	ASSERT_TRUE(holds(g.c, SEED_A, PG));
	/* ... and the other way round, a part of a page */
	fill(g.b, SEED_B);
	edu_from_ram(&e, IPA_B, 256);
	edu_to_ram(&e, IPA_A, 256);
	ASSERT_TRUE(holds(g.a, SEED_B, 256));
	ASSERT_EQ((__u8)(256 * 7 + SEED_A), g.a[256]);

	/* Unmapped: the old page keeps its data (the fault is the host's) */
	ASSERT_OK(ioas_unmap(iommufd, ioas_id, IPA_C, PG));
	memset(g.c, 0, PG);
	edu_to_ram(&e, IPA_C, 4);
	ASSERT_TRUE(all_zero(g.c, PG));

	ASSERT_OK(edu_detach(&e));
	ASSERT_OK(close(e.devfd));
	ASSERT_OK(close(iommufd));
}

/* edu's MSI (DMA-done IRQ) reaches a VFIO eventfd through the IOAS attach */
TEST(edu_msi_through_stock_ioas)
{
	struct guest g;
	struct edu e;
	__u32 ioas_id;
	int iommufd, efd;

	iommufd = open_iommufd();
	edu_open(&e, iommufd);
	ASSERT_OK(ioas_alloc(iommufd, &ioas_id));
	guest_setup(&g, iommufd, ioas_id);
	/* Attach first: the doorbell is mapped in the domain MSI is set up in */
	ASSERT_OK(edu_attach(&e, ioas_id));
	efd = edu_msi_eventfd(&e);
	ASSERT_EQ(0, edu_eventfd_wait(efd, 0));

	fill(g.a, SEED_A);
	edu_dma(&e, IPA_A, EDU_BUF, 64, EDU_DMA_IRQ);
	ASSERT_EQ(1, edu_eventfd_wait(efd, 2000));
	ASSERT_TRUE(edu_r32(&e, EDU_REG_IRQ_STATUS) & EDU_IRQ_DMA);
	edu_irq_ack(&e);
	ASSERT_EQ(0, edu_r32(&e, EDU_REG_IRQ_STATUS));
	/* No IRQ asked, none comes */
	edu_dma(&e, EDU_BUF, IPA_C, 64, EDU_DMA_TO_RAM);
	ASSERT_EQ(0, edu_eventfd_wait(efd, 300));
	ASSERT_TRUE(holds(g.c, SEED_A, 64));
	/* And once more, so it was not a one-off */
	edu_dma(&e, EDU_BUF, IPA_C, 64, EDU_DMA_TO_RAM | EDU_DMA_IRQ);
	ASSERT_EQ(1, edu_eventfd_wait(efd, 2000));
	edu_irq_ack(&e);

	ASSERT_OK(close(efd));
	ASSERT_OK(close(e.devfd));
	ASSERT_OK(close(iommufd));
}

/* Skip (never pass) when the SMMUv3 backend is not on. */
static void require_smmuv3(void)
{
	char val[8];

	if (!param_read(PARAM_READY, val, sizeof(val)))
		SKIP("no SMMUv3 backend in this viommu.ko (" PARAM_READY
		     " is absent)");
	if (val[0] != 'Y')
		SKIP("the SMMUv3 backend is off (" PARAM_READY " = %s, see dmesg)",
		     val);
}

/*
 * A stage-2 nest parent: the stock 6.12 SMMUv3 driver refuses one
 * (EOPNOTSUPP); with the backend on it is made, and edu attached to it
 * translates IOVA = IPA (stage 2 only).
 */
TEST(nest_parent_needs_backend)
{
	struct guest g;
	struct edu e;
	__u32 ioas_id, parent_id;
	int iommufd;

	iommufd = open_iommufd();
	edu_open(&e, iommufd);
	ASSERT_OK(ioas_alloc(iommufd, &ioas_id));
	if (!smmuv3_on()) {
		ASSERT_ERRNO(EOPNOTSUPP,
			     stock_hwpt_alloc(iommufd, e.dev_id, ioas_id,
					      IOMMU_HWPT_ALLOC_NEST_PARENT,
					      &parent_id));
		printf("#   no SMMUv3 backend: NEST_PARENT refused, as stock 6.12 does\n");
		return;
	}
	ASSERT_OK(stock_hwpt_alloc(iommufd, e.dev_id, ioas_id,
				   IOMMU_HWPT_ALLOC_NEST_PARENT, &parent_id));
	guest_setup(&g, iommufd, ioas_id);
	ASSERT_OK(edu_attach(&e, parent_id));
	fill(g.a, SEED_A);
	edu_from_ram(&e, IPA_A, PG);
	edu_to_ram(&e, IPA_C, PG);
	ASSERT_TRUE(holds(g.c, SEED_A, PG));
	ASSERT_OK(edu_detach(&e));
	ASSERT_OK(stock_destroy(iommufd, parent_id));
	ASSERT_OK(close(e.devfd));
	ASSERT_OK(close(iommufd));
}

static int viommu_refcnt(void)
{
	FILE *f = fopen("/sys/module/viommu/refcnt", "r");
	int n = -1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/*
 * A nest parent's ops are the module's: while one lives, on a stock fd
 * alone (no /dev/viommu open), it holds viommu.ko, and destroying it lets
 * go (from a work item: polled).
 */
TEST(nest_parent_pins_module)
{
	__u32 ioas_id, parent_id;
	struct edu e;
	int iommufd, base, i;

	if (!smmuv3_on())
		SKIP("the SMMUv3 backend is off");
	iommufd = open_iommufd();
	edu_open(&e, iommufd);
	ASSERT_OK(ioas_alloc(iommufd, &ioas_id));
	/* Pins dropped late by an earlier test's frees settle first. */
	base = viommu_refcnt();
	for (i = 0; i < 100; i++) {
		usleep(20000);
		if (viommu_refcnt() == base)
			break;
		base = viommu_refcnt();
	}
	ASSERT_TRUE(base >= 0);
	ASSERT_OK(stock_hwpt_alloc(iommufd, e.dev_id, ioas_id,
				   IOMMU_HWPT_ALLOC_NEST_PARENT, &parent_id));
	ASSERT_EQ(base + 1, viommu_refcnt());
	ASSERT_OK(stock_destroy(iommufd, parent_id));
	for (i = 0; i < 100 && viommu_refcnt() != base; i++)
		usleep(10000);
	ASSERT_EQ(base, viommu_refcnt());
	ASSERT_OK(close(e.devfd));
	ASSERT_OK(close(iommufd));
}

/* edu reads a page at IOVA X and writes it to IOVA Y. */
static void copy_x_to_y(struct nest *n)
{
	edu_from_ram(&n->e, IOVA_X, PG);
	edu_to_ram(&n->e, IOVA_Y, PG);
}

/* nest_build()'s report: any failed step fails the test there. */
static void nest_fail(struct nest *n, enum nest_step step, int err)
{
	(void)n;
	if (err)
		FAIL("nest setup: %s failed: errno %d (%s)",
		     nest_step_name[step], err, strerror(err));
}

static void nest_setup(struct nest *n, enum nest_level level)
{
	require_smmuv3();
	nest_build(n, level, nest_fail);
}

static void expect_no_vevent(struct nest *n, int wait_ms)
{
	struct smmu_vevent ev[4];
	int nr = read_smmu_vevents(n->qfd, ev, 4, wait_ms, 100);

	if (nr) {
		print_vevents(ev, nr);
		FAIL("%d unexpected vEVENT(s)", nr);
	}
}

/* 1. GET_HW_INFO: the raw SMMU ID registers, type ARM_SMMUV3 */
TEST(smmuv3_hw_info)
{
	struct viommu_hw_info_arm_smmuv3 info;
	struct viommu_hw_info out;
	struct nest n;

	nest_setup(&n, N_PARENT);
	memset(&info, 0xa5, sizeof(info));
	ASSERT_OK(vt_hw_info(n.vfd, n.e.dev_id, 0, 0, &info, sizeof(info),
			     &out));
	ASSERT_EQ(VIOMMU_HW_INFO_TYPE_ARM_SMMUV3, out.out_data_type);
	ASSERT_EQ(sizeof(info), out.data_len);
	printf("#   idr %08x %08x %08x %08x %08x %08x iidr %08x aidr %08x flags %#x\n",
	       info.idr[0], info.idr[1], info.idr[2], info.idr[3], info.idr[4],
	       info.idr[5], info.iidr, info.aidr, info.flags);
	ASSERT_EQ(0, info.flags);
	ASSERT_EQ(0, info.__reserved);
	/* IDR0: S2P bit 0, S1P bit 1, TTF [3:2] has AArch64 (2) */
	ASSERT_TRUE(info.idr[0] & 0x1);
	ASSERT_TRUE(info.idr[0] & 0x2);
	ASSERT_TRUE(((info.idr[0] >> 2) & 0x3) & 0x2);
	/* IDR5: 4 KiB granule (bit 4), an OAS (bits [2:0]) of >= 40 bits */
	ASSERT_TRUE(info.idr[5] & 0x10);
	ASSERT_TRUE((info.idr[5] & 0x7) >= 2);
	/* IDR1: SIDSIZE [5:0] covers edu's SID 0x10 */
	ASSERT_TRUE((info.idr[1] & 0x3f) >= 5);
	/* AIDR: SMMUv3.x, ArchMajorRev [7:4] = 0 */
	ASSERT_EQ(0, (info.aidr >> 4) & 0xf);
	if (info.idr[0] != 0x0d44101b)
		printf("#   note: IDR0 is not QEMU 10.0's 0x0d44101b\n");

	/* Asked for by type, the same */
	memset(&info, 0, sizeof(info));
	ASSERT_OK(vt_hw_info(n.vfd, n.e.dev_id, VIOMMU_HW_INFO_FLAG_INPUT_TYPE,
			     VIOMMU_HW_INFO_TYPE_ARM_SMMUV3, &info,
			     sizeof(info), &out));
	ASSERT_EQ(VIOMMU_HW_INFO_TYPE_ARM_SMMUV3, out.out_data_type);
	ASSERT_TRUE(info.idr[0] & 0x3);
}

/* 2. The coherency gate: no FWB, no CANWBS on QEMU's SMMU */
TEST(smmuv3_viommu_gate)
{
	__u32 viommu_id;
	struct nest n;

	nest_setup(&n, N_PARENT);
	allow_noncoherent(0);
	ASSERT_ERRNO(EOPNOTSUPP,
		     vt_viommu_alloc(n.vfd, n.e.dev_id, n.parent_id,
				     VIOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL, 0,
				     &viommu_id));
	allow_noncoherent(1);
	ASSERT_OK(vt_viommu_alloc(n.vfd, n.e.dev_id, n.parent_id,
				  VIOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL, 0,
				  &viommu_id));
	ASSERT_OK(vt_destroy(n.vfd, viommu_id));
}

/* 3. Nested DMA, both directions: RAM(X -> A) -> edu -> RAM(Y -> C) */
TEST(nested_dma_both_directions)
{
	struct nest n;

	nest_setup(&n, N_NESTED);
	fill(n.g.a, SEED_A);
	fill(n.g.b, SEED_B);
	copy_x_to_y(&n);
	ASSERT_TRUE(holds(n.g.c, SEED_A, PG));
	/* Stage 1 decided: nothing went to the IPAs themselves */
	ASSERT_TRUE(holds(n.g.b, SEED_B, PG));
	/* A part of a page, other data */
	fill(n.g.c, SEED_C);
	edu_from_ram(&n.e, IOVA_Y + 128, 64);
	edu_to_ram(&n.e, IOVA_X + 512, 64);
	for (int i = 0; i < 64; i++)
		ASSERT_EQ(n.g.c[128 + i], n.g.a[512 + i]);
	ASSERT_EQ((__u8)(511 * 7 + SEED_A), n.g.a[511]);
	ASSERT_EQ((__u8)(576 * 7 + SEED_A), n.g.a[576]);
	expect_no_vevent(&n, 200);
}

/* 4. A changed PTE without TLBI may still be used; after TLBI it is not. */
TEST(nested_stale_then_fresh)
{
	__u64 *l3, cmd[2];
	struct nest n;

	nest_setup(&n, N_NESTED);
	l3 = tbl_page(&n.g, TBL_L3);
	fill(n.g.a, SEED_A);
	fill(n.g.b, SEED_B);
	copy_x_to_y(&n);		/* X -> A now cached */
	ASSERT_TRUE(holds(n.g.c, SEED_A, PG));

	/* X -> B, no invalidation */
	l3[va_index(IOVA_X, 3)] = pte_page(IPA_B);
	__sync_synchronize();
	memset(n.g.c, 0, PG);
	copy_x_to_y(&n);
	if (holds(n.g.c, SEED_A, PG))
		printf("#   without TLBI: the stale X -> A was used (cached)\n");
	else if (holds(n.g.c, SEED_B, PG))
		printf("#   without TLBI: X -> B already (no caching seen)\n");
	else
		FAIL("without TLBI, X read neither A nor B");

	/* TLBI_NH_VA(ASID, X): now B */
	cmd_tlbi_nh_va(cmd, S1_ASID, IOVA_X);
	nest_invalidate_one(&n, cmd);
	memset(n.g.c, 0, PG);
	copy_x_to_y(&n);
	ASSERT_TRUE(holds(n.g.c, SEED_B, PG));

	/* Back to A, invalidated by ASID this time */
	l3[va_index(IOVA_X, 3)] = pte_page(IPA_A);
	__sync_synchronize();
	cmd_tlbi_nh_asid(cmd, S1_ASID);
	nest_invalidate_one(&n, cmd);
	memset(n.g.c, 0, PG);
	copy_x_to_y(&n);
	ASSERT_TRUE(holds(n.g.c, SEED_A, PG));

	/* And by NH_ALL */
	l3[va_index(IOVA_X, 3)] = pte_page(IPA_B);
	__sync_synchronize();
	cmd_tlbi_nh_all(cmd);
	nest_invalidate_one(&n, cmd);
	memset(n.g.c, 0, PG);
	copy_x_to_y(&n);
	ASSERT_TRUE(holds(n.g.c, SEED_B, PG));
	expect_no_vevent(&n, 200);
}

/* 5. A stage-1 translation fault reaches the vEVENTQ with the vSID */
TEST(nested_fault_to_veventq)
{
	struct smmu_vevent ev[8];
	struct nest n;
	__u32 seq;
	int nr;

	nest_setup(&n, N_NESTED);
	fill(n.g.a, SEED_A);
	edu_from_ram(&n.e, IOVA_X, PG);
	expect_no_vevent(&n, 100);

	/* 4 bytes: QEMU records one event per faulting 4-byte chunk */
	edu_to_ram(&n.e, IOVA_Z, 4);
	ASSERT_TRUE(all_zero(n.g.c, PG));
	ASSERT_TRUE(all_zero(n.g.b, PG));
	ASSERT_TRUE(holds(n.g.a, SEED_A, PG));
	nr = read_smmu_vevents(n.qfd, ev, 8, 3000, 500);
	print_vevents(ev, nr);
	ASSERT_EQ(1, nr);
	ASSERT_EQ(0, ev[0].flags);
	ASSERT_EQ(EVT_ID_TRANSLATION, ev[0].evt[0] & EVT_ID_MASK);
	ASSERT_EQ(VSID, ev[0].evt[0] >> EVT_SID_SHIFT);
	ASSERT_EQ(0, ev[0].evt[1] & EVT1_S2);
	ASSERT_EQ(0, ev[0].evt[1] & EVT1_RNW);		/* a write */
	ASSERT_EQ(IOVA_Z, ev[0].evt[2]);
	seq = ev[0].sequence;

	/* A read fault too, numbered next */
	edu_from_ram(&n.e, IOVA_Z + 0x10, 4);
	nr = read_smmu_vevents(n.qfd, ev, 8, 3000, 500);
	print_vevents(ev, nr);
	ASSERT_EQ(1, nr);
	ASSERT_EQ(0, ev[0].flags);
	ASSERT_EQ(seq + 1, ev[0].sequence);
	ASSERT_EQ(EVT_ID_TRANSLATION, ev[0].evt[0] & EVT_ID_MASK);
	ASSERT_EQ(VSID, ev[0].evt[0] >> EVT_SID_SHIFT);
	ASSERT_TRUE(ev[0].evt[1] & EVT1_RNW);
	ASSERT_EQ(IOVA_Z + 0x10, ev[0].evt[2]);

	/*
	 * The device still translates (the failed read may have left
	 * anything in the edu buffer: fill it again)
	 */
	copy_x_to_y(&n);
	ASSERT_TRUE(holds(n.g.c, SEED_A, PG));
	expect_no_vevent(&n, 200);
}

/* 6. A host stage-2 unmap also drops the cached S1+S2 translation */
TEST(nested_host_s2_unmap)
{
	struct nest n;

	nest_setup(&n, N_NESTED);
	fill(n.g.a, SEED_A);
	fill(n.g.c, SEED_C);
	edu_from_ram(&n.e, IOVA_X, PG);		/* X -> A cached */
	edu_from_ram(&n.e, IOVA_Y, PG);		/* edu buffer = C's data */
	expect_no_vevent(&n, 100);

	ASSERT_OK(ioas_unmap(n.iommufd, n.ioas_id, IPA_A, PG));
	/* 16 bytes: 4 stage-2 faults for the host's log, none for the guest */
	edu_to_ram(&n.e, IOVA_X, 16);
	ASSERT_TRUE(holds(n.g.a, SEED_A, PG));
	expect_no_vevent(&n, 1000);

	/* Mapped again, X reaches A again */
	guest_map(n.iommufd, n.ioas_id, n.g.a, PG, IPA_A);
	edu_to_ram(&n.e, IOVA_X, PG);
	ASSERT_TRUE(holds(n.g.a, SEED_C, PG));
}

/* 7. vSTE abort: nothing lands, no event; bypass: IOVA = IPA (S2 only) */
TEST(nested_vste_abort_and_bypass)
{
	__u32 abort_id, bypass_id;
	struct nest n;

	nest_setup(&n, N_VDEVICE);
	fill(n.g.a, SEED_A);
	/* Attached to the parent: stage 2 only, IOVA = IPA */
	edu_from_ram(&n.e, IPA_A, PG);

	ASSERT_OK(nested_alloc_cfg(&n, STE0_CFG_ABORT, &abort_id));
	ASSERT_OK(edu_attach(&n.e, abort_id));
	edu_to_ram(&n.e, IPA_C, 16);
	edu_to_ram(&n.e, IOVA_Y, 16);
	ASSERT_TRUE(all_zero(n.g.c, PG));
	expect_no_vevent(&n, 500);

	ASSERT_OK(nested_alloc_cfg(&n, STE0_CFG_BYPASS, &bypass_id));
	ASSERT_OK(edu_attach(&n.e, bypass_id));
	edu_to_ram(&n.e, IPA_C, PG);
	ASSERT_TRUE(holds(n.g.c, SEED_A, PG));
	expect_no_vevent(&n, 200);

	/* Abort again after bypass: the STE really changes back */
	ASSERT_OK(edu_attach(&n.e, abort_id));
	memset(n.g.c, 0, PG);
	edu_to_ram(&n.e, IPA_C, 16);
	ASSERT_TRUE(all_zero(n.g.c, PG));

	ASSERT_OK(edu_attach(&n.e, n.parent_id));
	ASSERT_OK(stock_destroy(n.iommufd, abort_id));
	ASSERT_OK(stock_destroy(n.iommufd, bypass_id));
}

/* 8. Bad vSTEs, S1 without a vDEVICE, refused commands */
TEST(nested_bad_input)
{
	__u64 ste[2], cmds[4][2];
	__u32 id, s1_id, num;
	struct nest n;

	nest_setup(&n, N_VIOMMU);
	guest_build_s1(&n.g, 0);

	/* Reserved bits: word 0 bit 52, word 1 SHCFG */
	ste_encode(ste, STE0_CFG_S1_TRANS, IPA_TABLES);
	ste[0] |= BIT_ULL(52);
	ASSERT_ERRNO(EIO, nested_alloc_ste(&n, ste, &id));
	ste_encode(ste, STE0_CFG_S1_TRANS, IPA_TABLES);
	ste[1] |= BIT_ULL(STE1_SHCFG_SHIFT);
	ASSERT_ERRNO(EIO, nested_alloc_ste(&n, ste, &id));
	ste_encode(ste, STE0_CFG_BYPASS, 0);
	ste[1] = BIT_ULL(30);			/* STRW */
	ASSERT_ERRNO(EIO, nested_alloc_ste(&n, ste, &id));
	/* Config stage 2 and nested are the host's */
	ASSERT_ERRNO(EIO, nested_alloc_cfg(&n, STE0_CFG_S2_TRANS, &id));
	ASSERT_ERRNO(EIO, nested_alloc_cfg(&n, STE0_CFG_NESTED, &id));
	/* Config 1..3 are reserved */
	ASSERT_ERRNO(EIO, nested_alloc_cfg(&n, 1, &id));

	/* S1 without a vDEVICE: the HWPT exists, the attach is refused */
	ASSERT_OK(nested_alloc_cfg(&n, STE0_CFG_S1_TRANS, &s1_id));
	ASSERT_ERRNO(ENOENT, edu_attach(&n.e, s1_id));
	ASSERT_OK(vt_vdevice_alloc(n.vfd, n.viommu_id, n.e.dev_id, VSID,
				   &n.vdev_id));
	ASSERT_OK(edu_attach(&n.e, s1_id));

	/* Accepted commands, VMID forced by the kernel */
	cmd_tlbi_nh_all(cmds[0]);
	cmd_tlbi_nh_asid(cmds[1], S1_ASID);
	cmd_tlbi_nh_va(cmds[2], S1_ASID, IOVA_X);
	cmd_cfgi(cmds[3], CMD_CFGI_CD, VSID);
	num = 4;
	ASSERT_OK(nest_invalidate(&n, cmds, &num));
	ASSERT_EQ(4, num);
	cmd_cfgi(cmds[0], CMD_CFGI_CD_ALL, VSID);
	num = 1;
	ASSERT_OK(nest_invalidate(&n, cmds, &num));
	ASSERT_EQ(1, num);

	/* CFGI_STE is the host's: EIO, entry_num = the commands before it */
	cmd_cfgi(cmds[0], CMD_CFGI_STE, VSID);
	num = 1;
	ASSERT_ERRNO(EIO, nest_invalidate(&n, cmds, &num));
	ASSERT_EQ(0, num);
	cmd_tlbi_nh_asid(cmds[0], S1_ASID);
	cmd_cfgi(cmds[1], CMD_CFGI_STE, VSID);
	cmd_tlbi_nh_all(cmds[2]);
	num = 3;
	ASSERT_ERRNO(EIO, nest_invalidate(&n, cmds, &num));
	ASSERT_EQ(1, num);
	/* A vSID no vDEVICE has */
	cmd_tlbi_nh_all(cmds[0]);
	cmd_cfgi(cmds[1], CMD_CFGI_CD, VSID_UNKNOWN);
	num = 2;
	ASSERT_ERRNO(EIO, nest_invalidate(&n, cmds, &num));
	ASSERT_EQ(1, num);
	/* An opcode nobody knows */
	cmds[0][0] = 0x7f;
	cmds[0][1] = 0;
	num = 1;
	ASSERT_ERRNO(EIO, nest_invalidate(&n, cmds, &num));
	ASSERT_EQ(0, num);

	/* The device still works after all that */
	fill(n.g.a, SEED_A);
	copy_x_to_y(&n);
	ASSERT_TRUE(holds(n.g.c, SEED_A, PG));
}

/* 9. Teardown in order; the vIOMMU is busy while a nested HWPT lives */
TEST(nested_teardown_order)
{
	struct nest n;

	nest_setup(&n, N_NESTED);
	fill(n.g.a, SEED_A);
	copy_x_to_y(&n);
	ASSERT_TRUE(holds(n.g.c, SEED_A, PG));

	ASSERT_OK(edu_detach(&n.e));
	/* Detached: blocked, nothing lands anywhere */
	memset(n.g.c, 0, PG);
	edu_to_ram(&n.e, IOVA_Y, 16);
	edu_to_ram(&n.e, IPA_C, 16);
	ASSERT_TRUE(all_zero(n.g.c, PG));
	/* Re-attach to the parent works, and to the nested HWPT again */
	ASSERT_OK(edu_attach(&n.e, n.parent_id));
	ASSERT_OK(edu_attach(&n.e, n.nested_id));
	ASSERT_OK(edu_attach(&n.e, n.parent_id));
	ASSERT_OK(edu_detach(&n.e));

	ASSERT_ERRNO(EBUSY, vt_destroy(n.vfd, n.viommu_id));
	ASSERT_OK(close(n.qfd));
	ASSERT_OK(vt_destroy(n.vfd, n.veventq_id));
	ASSERT_OK(vt_destroy(n.vfd, n.vdev_id));
	/* Only the nested HWPT holds the vIOMMU now */
	ASSERT_ERRNO(EBUSY, vt_destroy(n.vfd, n.viommu_id));
	ASSERT_ERRNO(EBUSY, stock_destroy(n.iommufd, n.parent_id));
	ASSERT_OK(stock_destroy(n.iommufd, n.nested_id));
	ASSERT_OK(vt_destroy(n.vfd, n.viommu_id));
	ASSERT_OK(stock_destroy(n.iommufd, n.parent_id));
	nest_close(&n);
}

/*
 * A replace that fails puts edu back on the nested HWPT it was on, which
 * must not fail (6.12's IOMMU core WARNs) even after edu's vDEVICE was
 * destroyed under it: a second S1 vSTE is refused for want of a vDEVICE,
 * and nothing changed: DMA still goes through the guest's stage 1, and
 * a fault still reaches the vEVENTQ under the vSID edu had there.
 */
TEST(nested_failed_replace_back_without_vdevice)
{
	struct smmu_vevent ev[8];
	struct nest n;
	__u32 nested2;
	int nr;

	nest_setup(&n, N_NESTED);
	ASSERT_OK(vt_destroy(n.vfd, n.vdev_id));
	ASSERT_OK(nested_alloc_cfg(&n, STE0_CFG_S1_TRANS, &nested2));
	ASSERT_ERRNO(ENOENT, edu_attach(&n.e, nested2));
	fill(n.g.a, SEED_A);
	memset(n.g.c, 0, PG);
	copy_x_to_y(&n);
	ASSERT_TRUE(holds(n.g.c, SEED_A, PG));
	edu_to_ram(&n.e, IOVA_Z, 4);
	nr = read_smmu_vevents(n.qfd, ev, 8, 3000, 500);
	print_vevents(ev, nr);
	ASSERT_EQ(1, nr);
	ASSERT_EQ(EVT_ID_TRANSLATION, ev[0].evt[0] & EVT_ID_MASK);
	ASSERT_EQ(VSID, ev[0].evt[0] >> EVT_SID_SHIFT);

	ASSERT_OK(edu_detach(&n.e));
	ASSERT_OK(stock_destroy(n.iommufd, nested2));
	ASSERT_OK(stock_destroy(n.iommufd, n.nested_id));
	ASSERT_OK(close(n.qfd));
	ASSERT_OK(vt_destroy(n.vfd, n.veventq_id));
	ASSERT_OK(vt_destroy(n.vfd, n.viommu_id));
	ASSERT_OK(stock_destroy(n.iommufd, n.parent_id));
	nest_close(&n);
}

/*
 * 10. MSI while nested: MSI is set up while edu is attached to the parent,
 * so the stock kernel maps the ITS doorbell at IPA 0x8000000 in the parent
 * and programs that address into edu; the guest's stage 1 maps the window
 * identity (as a VMM's RMR does).
 */
TEST(nested_msi)
{
	struct smmu_vevent ev[4];
	struct nest n;
	int efd, nr;

	nest_setup(&n, N_VDEVICE);
	efd = edu_msi_eventfd(&n.e);
	fill(n.g.a, SEED_A);
	/* On the parent (stage 2 only) first */
	edu_dma(&n.e, IPA_A, EDU_BUF, 64, EDU_DMA_IRQ);
	ASSERT_EQ(1, edu_eventfd_wait(efd, 2000));
	edu_irq_ack(&n.e);

	guest_build_s1(&n.g, 1);
	ASSERT_OK(nested_alloc_cfg(&n, STE0_CFG_S1_TRANS, &n.nested_id));
	ASSERT_OK(edu_attach(&n.e, n.nested_id));
	edu_dma(&n.e, IOVA_X, EDU_BUF, 64, EDU_DMA_IRQ);
	if (!edu_eventfd_wait(efd, 3000)) {
		nr = read_smmu_vevents(n.qfd, ev, 4, 500, 100);
		print_vevents(ev, nr);
		FAIL("no MSI while nested (%d vEVENTs)", nr);
	}
	edu_irq_ack(&n.e);
	edu_to_ram(&n.e, IOVA_Y, 64);
	ASSERT_TRUE(holds(n.g.c, SEED_A, 64));
	expect_no_vevent(&n, 200);
	ASSERT_OK(close(efd));
}

int main(int argc, char **argv)
{
	char saved[8];
	int had = param_read(PARAM_NONCOHERENT, saved, sizeof(saved));
	int rc = vt_main(argc, argv);

	/* The tests turn the gate off and on: leave it as it was. */
	if (had && write_file(PARAM_NONCOHERENT, saved)) {
		printf("viommu-test: could not restore %s\n", PARAM_NONCOHERENT);
		rc = 1;
	}
	return rc;
}
