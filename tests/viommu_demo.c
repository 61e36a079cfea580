// SPDX-License-Identifier: GPL-2.0
/*
 * viommu_demo: walk the vIOMMU flow in plain words, twice.
 *
 * First on the selftest backend: IOAS, mock device, nest parent, vIOMMU,
 * vDEVICE, nested HWPT, attach, an event read from the vEVENTQ, a guest
 * invalidation, a HW queue, and teardown.
 *
 * Then on the emulated SMMUv3 of the test VM, with QEMU's edu device bound
 * to vfio-pci: what the SMMU reports, the coherency override QEMU needs,
 * nest parent, vIOMMU, vDEVICE, the guest's stage 1 in "guest RAM", the
 * vSTE and the attach (smmuv3_nested.h's nest_build(), as smmuv3_test
 * uses it); then edu DMA through nested translation, a stale translation
 * until the guest's TLBI, and a fault delivered on the vEVENTQ with the
 * vSID. Skipped with one line when the SMMUv3 backend is off.
 *
 * Exits non-zero if any step does not behave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/klog.h>
#include <linux/viommu_test.h>

#include "smmuv3_nested.h"

#define IOVA 0x1000000UL	/* the mock IOMMU's aperture starts here */

static int failures;

static void step(int ok, const char *fmt, ...)
{
	va_list ap;

	printf(ok ? "  ok    " : "  WRONG ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failures++;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int test_cmd(int vfd, struct viommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return xioctl(vfd, VIOMMU_TEST_CMD, cmd);
}

static int check_cache(int vfd, __u32 dev_id, __u32 cache_id, __u32 value)
{
	struct viommu_test_cmd cmd = {
		.op = VIOMMU_TEST_OP_DEV_CHECK_CACHE,
		.id = dev_id,
		.check_dev_cache = { .id = cache_id, .cache = value },
	};

	return test_cmd(vfd, &cmd) == 0;
}

/* Part 1: the flow on the selftest backend (viommu_selftest.ko) */
static void mock_walk(void)
{
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct iommu_ioas_map map = { .size = sizeof(map) };
	struct iommu_ioas_unmap unmap = { .size = sizeof(unmap) };
	struct iommu_hwpt_alloc parent = { .size = sizeof(parent) };
	struct viommu_bind_iommufd bind = { .size = sizeof(bind) };
	struct viommu_test_cmd mock = { .op = VIOMMU_TEST_OP_MOCK_DOMAIN };
	struct viommu_test_cmd replace = {
		.op = VIOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
	};
	struct viommu_viommu_alloc valloc = { .size = sizeof(valloc) };
	struct viommu_veventq_alloc qalloc = { .size = sizeof(qalloc) };
	struct viommu_hwpt_selftest nest_data = {
		.iotlb = VIOMMU_TEST_IOTLB_DEFAULT,
	};
	struct viommu_hwpt_alloc nested = { .size = sizeof(nested) };
	struct viommu_vdevice_alloc vdev = { .size = sizeof(vdev) };
	struct viommu_test_cmd trigger = { .op = VIOMMU_TEST_OP_TRIGGER_VEVENT };
	struct viommu_viommu_invalidate_selftest inv_entry = {
		.vdev_id = 0x99,
		.cache_id = 0,
	};
	struct viommu_hwpt_invalidate inv = { .size = sizeof(inv) };
	struct viommu_hw_queue_alloc queue = { .size = sizeof(queue) };
	struct viommu_destroy destroy = { .size = sizeof(destroy) };
	struct {
		struct viommu_vevent_header hdr;
		struct viommu_viommu_event_selftest data;
	} event;
	struct pollfd pfd;
	int iommufd, vfd, qfd, rc;
	void *buf;

	printf("== Part 1 of 2: the vIOMMU flow on the selftest backend (a mock IOMMU)\n");
	printf("== The stock iommufd: an IOAS with two pages of our memory\n");
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0) {
		step(0, "cannot open /dev/iommu: %s", strerror(errno));
		return;
	}
	rc = xioctl(iommufd, IOMMU_IOAS_ALLOC, &ioas);
	step(!rc, "IOMMU_IOAS_ALLOC on /dev/iommu: IOAS %u", ioas.out_ioas_id);
	buf = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	map.ioas_id = ioas.out_ioas_id;
	map.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		    IOMMU_IOAS_MAP_WRITEABLE;
	map.user_va = (unsigned long)buf;
	map.iova = IOVA;
	map.length = psz;
	rc = xioctl(iommufd, IOMMU_IOAS_MAP, &map);
	map.user_va += psz;
	map.iova += psz;
	rc = rc ?: xioctl(iommufd, IOMMU_IOAS_MAP, &map);
	step(!rc, "IOMMU_IOAS_MAP: guest-physical 0x%lx and 0x%lx (one page each)",
	     IOVA, IOVA + psz);

	printf("== /dev/viommu, bound to that iommufd\n");
	vfd = open("/dev/viommu", O_RDWR);
	bind.iommufd_fd = iommufd;
	rc = vfd < 0 ? -errno : xioctl(vfd, VIOMMU_BIND_IOMMUFD, &bind);
	step(!rc, "VIOMMU_BIND_IOMMUFD: ids below name the iommufd's objects");
	if (rc)
		return;

	mock.id = ioas.out_ioas_id;
	rc = test_cmd(vfd, &mock);
	step(!rc, "a mock device behind the selftest IOMMU: iommufd dev_id %u, on the IOAS",
	     mock.mock_domain.out_idev_id);
	parent.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	parent.dev_id = mock.mock_domain.out_idev_id;
	parent.pt_id = ioas.out_ioas_id;
	rc = xioctl(iommufd, IOMMU_HWPT_ALLOC, &parent);
	step(!rc, "stock IOMMU_HWPT_ALLOC(NEST_PARENT): stage-2 HWPT %u over the IOAS",
	     parent.out_hwpt_id);

	printf("== The vIOMMU layer\n");
	valloc.type = VIOMMU_VIOMMU_TYPE_SELFTEST;
	valloc.dev_id = parent.dev_id;
	valloc.hwpt_id = parent.out_hwpt_id;
	rc = xioctl(vfd, VIOMMU_VIOMMU_ALLOC, &valloc);
	step(!rc && valloc.out_viommu_id >= 0x80000000U,
	     "VIOMMU_ALLOC: vIOMMU 0x%x (our ids have bit 31 set, stock ids never do)",
	     valloc.out_viommu_id);
	qalloc.viommu_id = valloc.out_viommu_id;
	qalloc.type = VIOMMU_VEVENTQ_TYPE_SELFTEST;
	qalloc.veventq_depth = 4;
	rc = xioctl(vfd, VIOMMU_VEVENTQ_ALLOC, &qalloc);
	qfd = rc ? -1 : (int)qalloc.out_veventq_fd;
	step(!rc, "VEVENTQ_ALLOC: an event queue of depth 4, read through fd %d", qfd);

	nested.dev_id = parent.dev_id;
	nested.pt_id = valloc.out_viommu_id;
	nested.data_type = VIOMMU_HWPT_DATA_SELFTEST;
	nested.data_len = sizeof(nest_data);
	nested.data_uptr = (unsigned long)&nest_data;
	rc = xioctl(vfd, VIOMMU_HWPT_ALLOC, &nested);
	step(!rc, "HWPT_ALLOC on the vIOMMU: nested HWPT %u, a stock object of the iommufd",
	     nested.out_hwpt_id);

	replace.id = mock.mock_domain.out_stdev_id;
	replace.mock_domain_replace.pt_id = nested.out_hwpt_id;
	rc = test_cmd(vfd, &replace);
	step(rc == -ENOENT, "attaching the device to it before it has a vDEVICE is refused: %s",
	     strerror(-rc));
	vdev.viommu_id = valloc.out_viommu_id;
	vdev.dev_id = parent.dev_id;
	vdev.virt_id = 0x99;
	rc = xioctl(vfd, VIOMMU_VDEVICE_ALLOC, &vdev);
	step(!rc, "VDEVICE_ALLOC: the guest calls this device 0x99 (vDEVICE 0x%x)",
	     vdev.out_vdevice_id);
	rc = test_cmd(vfd, &replace);
	step(!rc, "attached the device to the nested HWPT through the stock path");

	trigger.trigger_vevent.dev_id = parent.dev_id;
	rc = test_cmd(vfd, &trigger);
	pfd.fd = qfd;
	pfd.events = POLLIN;
	step(!rc && poll(&pfd, 1, 1000) == 1,
	     "the mock IOMMU reported an event: poll() says readable");
	rc = read(qfd, &event, sizeof(event));
	step(rc == sizeof(event) && event.data.virt_id == 0x99 && !event.hdr.flags,
	     "read() one record: sequence %u, guest device 0x%x",
	     event.hdr.sequence, event.data.virt_id);

	inv.hwpt_id = valloc.out_viommu_id;
	inv.data_type = VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST;
	inv.entry_len = sizeof(inv_entry);
	inv.entry_num = 1;
	inv.data_uptr = (unsigned long)&inv_entry;
	rc = xioctl(vfd, VIOMMU_HWPT_INVALIDATE, &inv);
	step(!rc && inv.entry_num == 1 &&
	     check_cache(vfd, parent.dev_id, 0, 0) &&
	     check_cache(vfd, parent.dev_id, 1, VIOMMU_TEST_DEV_CACHE_DEFAULT),
	     "guest invalidation of cache 0 of device 0x99: cache 0 cleared, cache 1 kept");

	queue.viommu_id = valloc.out_viommu_id;
	queue.type = VIOMMU_HW_QUEUE_TYPE_SELFTEST;
	queue.nesting_parent_iova = IOVA;
	queue.length = psz;
	rc = xioctl(vfd, VIOMMU_HW_QUEUE_ALLOC, &queue);
	step(!rc, "HW_QUEUE_ALLOC: the guest queue at 0x%lx is pinned (HW queue 0x%x)",
	     IOVA, queue.out_hw_queue_id);
	unmap.ioas_id = ioas.out_ioas_id;
	unmap.iova = IOVA;
	unmap.length = psz;
	rc = xioctl(iommufd, IOMMU_IOAS_UNMAP, &unmap);
	step(rc == -EBUSY, "unmapping the queue's page from the IOAS is refused: %s",
	     strerror(-rc));
	unmap.iova = IOVA + psz;
	rc = xioctl(iommufd, IOMMU_IOAS_UNMAP, &unmap);
	step(!rc, "the page next to it unmaps fine");

	destroy.id = valloc.out_viommu_id;
	rc = xioctl(vfd, VIOMMU_DESTROY, &destroy);
	step(rc == -EBUSY, "destroying the vIOMMU while it is in use: %s", strerror(-rc));

	printf("== Teardown: closing the files frees everything, in order\n");
	close(qfd);
	close(vfd);
	close(iommufd);
	munmap(buf, 2 * psz);
	step(1, "closed the vEVENTQ, /dev/viommu and /dev/iommu");
}

/* Part 2: nested translation on the emulated SMMUv3 */

/* The indent of the lines that explain a step */
#define MORE "        "

static char saved_gate[8];

static const char *err_tail(int err)
{
	static char buf[96];

	if (!err)
		return "";
	snprintf(buf, sizeof(buf), " -- failed: %s", strerror(err));
	return buf;
}

static const char *yes(__u32 reg, unsigned int bit)
{
	return reg & (1U << bit) ? "yes" : "no";
}

/* edu's PCI address and requester ID (= its StreamID on QEMU's virt) */
static int edu_rid(char *bdf, size_t len, unsigned int *rid)
{
	char link[256];
	unsigned int dom, bus, dev, fn;
	const char *name;
	ssize_t n;

	n = readlink("/sys/class/vfio-dev/vfio0/device", link,
		     sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = 0;
	name = strrchr(link, '/');
	name = name ? name + 1 : link;
	if (sscanf(name, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4)
		return -1;
	snprintf(bdf, len, "%.40s", name);
	*rid = bus << 8 | dev << 3 | fn;
	return 0;
}

/* The kernel's log line about the override, if the log still has it */
static int gate_log_line(char *line, size_t len)
{
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf, *hit, *end;
	int n;

	if (size <= 0)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	n = klogctl(3, buf, size);		/* SYSLOG_ACTION_READ_ALL */
	buf[n > 0 ? n : 0] = 0;
	hit = strstr(buf, "viommu: SMMUv3 vIOMMU allowed by smmuv3_allow_noncoherent");
	if (hit) {
		end = strchr(hit, '\n');
		if (end)
			*end = 0;
		snprintf(line, len, "%s", hit);
	}
	free(buf);
	return !!hit;
}

/* What the SMMU reports, and the gate VIOMMU_ALLOC holds without help */
static void smmu_hw_info(struct nest *n)
{
	struct viommu_hw_info_arm_smmuv3 info = {};
	struct viommu_hw_info out;
	__u32 idr0, id;
	int rc;

	rc = vt_hw_info(n->vfd, n->e.dev_id, 0, 0, &info, sizeof(info), &out);
	idr0 = info.idr[0];
	step(!rc && out.out_data_type == VIOMMU_HW_INFO_TYPE_ARM_SMMUV3 &&
	     (idr0 & 3) == 3,
	     "GET_HW_INFO on edu: its SMMU's ID registers, for the VMM to model the guest's SMMU on%s",
	     err_tail(rc ? errno : 0));
	printf(MORE
	       "IDR0 0x%08x: stage 1 %s, stage 2 %s (both: nesting can work), AArch64 tables %s,\n",
	       idr0, yes(idr0, 1), yes(idr0, 0), yes(idr0, 3));
	printf(MORE
	       "  coherent table walks (COHACC) %s, 16-bit ASIDs %s, 16-bit VMIDs %s, 2-level stream table %s\n",
	       yes(idr0, 4), yes(idr0, 12), yes(idr0, 18),
	       ((idr0 >> 27) & 3) == 1 ? "yes" : "no");
	printf(MORE "IDR3 0x%08x: S2FWB (stage 2 forces write-back) %s\n",
	       info.idr[3], yes(info.idr[3], 8));
	printf(MORE "IDR1 0x%08x: %u StreamID bits; IIDR 0x%08x, AIDR %#x (SMMUv3.%u)\n",
	       info.idr[1], info.idr[1] & 0x3f, info.iidr, info.aidr,
	       info.aidr & 0xf);

	/* The gate, shown once as the stock policy leaves it */
	if (saved_gate[0] != 'N' || info.idr[3] & (1U << 8))
		return;
	errno = 0;
	rc = vt_viommu_alloc(n->vfd, n->e.dev_id, n->parent_id,
			     VIOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL, 0, &id);
	step(rc == -1 && errno == EOPNOTSUPP,
	     "VIOMMU_ALLOC(ARM_SMMUV3) as things stand: %s (6.12 cannot keep guest DMA coherent)",
	     rc ? strerror(errno) : "made, unexpectedly");
	if (!rc)
		vt_destroy(n->vfd, id);
}

/* nest_build()'s report: each step in words */
static void nest_say(struct nest *n, enum nest_step s, int err)
{
	const __u64 *cd = tbl_page(&n->g, TBL_CD);
	const __u64 *l3 = tbl_page(&n->g, TBL_L3);
	char bdf[64] = "?", line[160];
	unsigned int rid = 0;
	__u64 ste[2];

	switch (s) {
	case NS_IOMMUFD:
		printf("== SMMUv3: what the VMM sets up on the stock iommufd\n");
		step(!err, "opened /dev/iommu%s", err_tail(err));
		break;
	case NS_EDU:
		step(!err,
		     "edu's VFIO cdev %s bound to it: iommufd dev_id %u; PCI memory and bus mastering on",
		     EDU_CDEV, n->e.dev_id);
		break;
	case NS_IOAS:
		step(!err,
		     "IOMMU_IOAS_ALLOC: IOAS %u, the guest's physical address space (an IOVA here is a guest IPA)%s",
		     n->ioas_id, err_tail(err));
		break;
	case NS_GUEST_RAM:
		step(!err,
		     "\"guest RAM\" (memory of this program) IOAS_MAP'd at IPA %#llx (8 pages for the guest's tables),",
		     IPA_TABLES);
		printf(MORE "page A at IPA %#llx, page B at %#llx, page C at %#llx\n",
		       IPA_A, IPA_B, IPA_C);
		break;
	case NS_PARENT:
		step(!err,
		     "IOMMU_HWPT_ALLOC(NEST_PARENT): HWPT %u, the host's stage 2 (guest IPA -> host PA) over the IOAS%s",
		     n->parent_id, err_tail(err));
		printf(MORE
		       "(stock 6.12 refuses NEST_PARENT; the backend makes it, with a VMID of its own, the host's:\n"
		       MORE " the guest never sees or names it)\n");
		break;
	case NS_ATTACH_PARENT:
		step(!err,
		     "edu attached to the nest parent: for now its DMA addresses are IPAs, stage 2 only%s",
		     err_tail(err));
		break;
	case NS_VIOMMU_FILE:
		printf("== SMMUv3: the guest's SMMU, on /dev/viommu\n");
		step(!err, "/dev/viommu opened and bound to that iommufd%s",
		     err_tail(err));
		if (!err)
			smmu_hw_info(n);
		break;
	case NS_GATE:
		step(!err,
		     "smmuv3_allow_noncoherent set to Y (was %s): a test override, which the kernel logs",
		     saved_gate);
		printf(MORE
		       "Upstream makes a vIOMMU only where the guest cannot make its device's DMA bypass the\n"
		       "        CPU caches (VFIO does no cache maintenance for it): the SMMU forces write-back at\n"
		       "        stage 2 (IDR3.S2FWB, and the kernel uses it), or the firmware marks the root complex\n"
		       "        always-coherent (IORT CANWBS). 6.12 programs no S2FWB and reads no CANWBS, so the\n"
		       "        backend offers no vIOMMU unless told to (QEMU's SMMU has neither anyway).\n"
		       "        On real hardware set it only where every DMA of the assigned devices snoops the\n"
		       "        caches whatever the guest's stage-1 attributes say (CANWBS in fact, not in IORT).\n");
		break;
	case NS_VIOMMU:
		step(!err,
		     "VIOMMU_ALLOC(ARM_SMMUV3) on the nest parent: vIOMMU 0x%x, the guest's SMMU; it shares the parent's VMID%s",
		     n->viommu_id, err_tail(err));
		if (!err && gate_log_line(line, sizeof(line)))
			step(1, "the kernel log says: \"%s\"", line);
		else if (!err)
			printf(MORE "(the kernel log no longer holds the override's line)\n");
		break;
	case NS_VDEVICE:
		edu_rid(bdf, sizeof(bdf), &rid);
		step(!err,
		     "VDEVICE_ALLOC: the guest calls edu StreamID 0x%x (its vSID); the host's is 0x%x (PCI %s):",
		     VSID, rid, bdf);
		printf(MORE "vDEVICE 0x%x%s\n", n->vdev_id, err_tail(err));
		break;
	case NS_VEVENTQ:
		step(!err,
		     "VEVENTQ_ALLOC(ARM_SMMUV3, 64 records): fd %d, where the SMMU's events for this guest arrive%s",
		     n->qfd, err_tail(err));
		break;
	case NS_S1_TABLES:
		step(!err, "the guest writes its stage 1 into guest RAM, all addresses IPAs:");
		printf(MORE "CD at %#llx: %016llx %016llx 0 %016llx\n"
		       "          (ASID %u, a 39-bit VA, 4 KiB pages, table walk from TTB0 = %#llx, MAIR %#llx)\n",
		       IPA_TABLES + TBL_CD * PG, (unsigned long long)cd[0],
		       (unsigned long long)cd[1], (unsigned long long)cd[3],
		       S1_ASID, IPA_TABLES + TBL_L1 * PG, mair_value());
		printf(MORE "L1 at %#llx -> L2 at %#llx -> L3 at %#llx, whose PTEs say\n",
		       IPA_TABLES + TBL_L1 * PG, IPA_TABLES + TBL_L2 * PG,
		       IPA_TABLES + TBL_L3 * PG);
		printf(MORE "  IOVA %#llx -> IPA %#llx (page A)  %016llx\n"
		       MORE "  IOVA %#llx -> IPA %#llx (page C)  %016llx\n"
		       MORE "  IOVA %#llx -> nothing (no PTE)\n",
		       IOVA_X, IPA_A, (unsigned long long)l3[va_index(IOVA_X, 3)],
		       IOVA_Y, IPA_C, (unsigned long long)l3[va_index(IOVA_Y, 3)],
		       IOVA_Z);
		break;
	case NS_NESTED:
		ste_encode(ste, STE0_CFG_S1_TRANS, IPA_TABLES + TBL_CD * PG);
		step(!err, "HWPT_ALLOC on the vIOMMU with the guest's vSTE %016llx %016llx%s",
		     (unsigned long long)ste[0], (unsigned long long)ste[1],
		     err_tail(err));
		printf(MORE
		       "(valid, Config = stage-1 translate, CD at IPA %#llx): nested HWPT %u, a stock iommufd object\n",
		       IPA_TABLES + TBL_CD * PG, n->nested_id);
		break;
	case NS_ATTACH_NESTED:
		step(!err,
		     "edu attached to the nested HWPT (stock VFIO_DEVICE_ATTACH_IOMMUFD_PT): the SMMU now walks%s",
		     err_tail(err));
		printf(MORE "the guest's stage 1, then the host's stage 2, for every DMA of edu\n");
		break;
	}
}

/* edu: RAM at @from -> its buffer -> RAM at @to, 4 KiB */
static void edu_copy(struct nest *n, __u64 from, __u64 to)
{
	edu_from_ram(&n->e, from, PG);
	edu_to_ram(&n->e, to, PG);
}

static void smmu_walk(void)
{
	__u64 *l3, cmds[1][2];
	struct smmu_vevent ev[8];
	struct nest n;
	__u32 num;
	int rc, nr;

	if (nest_build(&n, N_NESTED, nest_say))
		return;

	printf("== SMMUv3: edu DMA through nested translation\n");
	fill(n.g.a, SEED_A);
	fill(n.g.b, SEED_B);
	edu_copy(&n, IOVA_X, IOVA_Y);
	step(holds(n.g.c, SEED_A, PG) && holds(n.g.b, SEED_B, PG),
	     "edu copied 4 KiB from IOVA %#llx (page A) to IOVA %#llx (page C): C now equals A,",
	     IOVA_X, IOVA_Y);
	printf(MORE
	       "byte for byte, and page B (IPA %#llx) is untouched: the guest's stage 1 decided\n",
	       IPA_B);

	l3 = tbl_page(&n.g, TBL_L3);
	l3[va_index(IOVA_X, 3)] = pte_page(IPA_B);
	__sync_synchronize();
	step(1, "the guest changes its PTE: IOVA %#llx -> page B (IPA %#llx), and sends no TLBI",
	     IOVA_X, IPA_B);
	memset(n.g.c, 0, PG);
	edu_copy(&n, IOVA_X, IOVA_Y);
	if (holds(n.g.c, SEED_B, PG))
		step(1,
		     "edu copied from IOVA %#llx again: page B already (no cached translation seen this time)",
		     IOVA_X);
	else
		step(holds(n.g.c, SEED_A, PG),
		     "edu copied from IOVA %#llx again: still page A, the SMMU (QEMU's model) cached the old translation",
		     IOVA_X);

	cmd_tlbi_nh_va(cmds[0], S1_ASID, IOVA_X);
	num = 1;
	rc = nest_invalidate(&n, cmds, &num);
	step(!rc && num == 1,
	     "the guest's TLBI_NH_VA(ASID %u, IOVA %#llx), command %016llx %016llx,",
	     S1_ASID, IOVA_X, (unsigned long long)cmds[0][0],
	     (unsigned long long)cmds[0][1]);
	printf(MORE
	       "through VIOMMU_HWPT_INVALIDATE (upstream's IOMMU_HWPT_INVALIDATE) on the vIOMMU:\n"
	       MORE "%s\n",
	       rc ? strerror(errno) :
	       "accepted; the kernel put in the parent's VMID and issued it to the SMMU");
	memset(n.g.c, 0, PG);
	edu_copy(&n, IOVA_X, IOVA_Y);
	step(holds(n.g.c, SEED_B, PG),
	     "edu copied from IOVA %#llx once more: page B now, the new PTE is used",
	     IOVA_X);

	printf("== SMMUv3: a DMA the guest did not map\n");
	memset(n.g.c, 0, PG);
	/* 4 bytes: QEMU records one event per faulting 4-byte chunk */
	edu_to_ram(&n.e, IOVA_Z, 4);
	step(all_zero(n.g.c, PG) && holds(n.g.a, SEED_A, PG) &&
	     holds(n.g.b, SEED_B, PG),
	     "edu wrote 4 bytes to IOVA %#llx, which has no PTE: nothing landed in guest RAM",
	     IOVA_Z);
	nr = read_smmu_vevents(n.qfd, ev, 8, 3000, 500);
	step(nr == 1 && !ev[0].flags,
	     "read() on the vEVENTQ fd: %d record, sequence %u, none lost", nr,
	     nr ? ev[0].sequence : 0);
	if (nr) {
		__u64 *e = ev[0].evt;
		unsigned int id = e[0] & EVT_ID_MASK;

		step(id == EVT_ID_TRANSLATION && e[0] >> EVT_SID_SHIFT == VSID &&
		     e[2] == IOVA_Z && !(e[1] & EVT1_RNW) && !(e[1] & EVT1_S2),
		     "the record: %s (0x%02x), StreamID 0x%llx (the vSID, not 0x10), address %#llx, a %s,",
		     smmu_event_name(id), id,
		     (unsigned long long)(e[0] >> EVT_SID_SHIFT),
		     (unsigned long long)e[2],
		     e[1] & EVT1_RNW ? "read" : "write");
		printf(MORE "%s\n", e[1] & EVT1_S2 ?
		       "at stage 2: the host's table" :
		       "at stage 1: the guest's own table, for the guest's driver to handle");
		printf(MORE
		       "raw %016llx %016llx %016llx %016llx (the VMM copies it into the guest's event queue)\n",
		       (unsigned long long)e[0], (unsigned long long)e[1],
		       (unsigned long long)e[2], (unsigned long long)e[3]);
	}

	printf("== SMMUv3: teardown\n");
	rc = edu_detach(&n.e);
	step(!rc, "edu detached: its DMA is blocked");
	rc = close(n.qfd) || vt_destroy(n.vfd, n.veventq_id) ||
	     vt_destroy(n.vfd, n.vdev_id);
	step(!rc, "vEVENTQ and vDEVICE destroyed (VIOMMU_DESTROY)");
	rc = stock_destroy(n.iommufd, n.nested_id) ||
	     vt_destroy(n.vfd, n.viommu_id) ||
	     stock_destroy(n.iommufd, n.parent_id);
	step(!rc, "nested HWPT (stock IOMMU_DESTROY), vIOMMU, then the nest parent destroyed");
	rc = close(n.vfd) || close(n.e.devfd) || close(n.iommufd);
	step(!rc, "closed /dev/viommu, edu's cdev and /dev/iommu");
}

/* Run part 2 in a child: a helper that gives up ends it, not the demo. */
static void smmu_part(void)
{
	char ready = viommu_param_state("smmuv3_ready");
	int had, status;
	pid_t pid;

	printf("== Part 2 of 2: nested translation on the emulated SMMUv3, with QEMU's edu\n");
	if (ready != 'Y') {
		printf("  skip  the SMMUv3 backend is off (smmuv3_ready = %s): see dmesg for why\n",
		       ready ? (char[]){ ready, 0 } : "absent");
		return;
	}
	if (access(EDU_CDEV, F_OK)) {
		printf("  skip  no edu bound to vfio-pci (%s is missing)\n",
		       EDU_CDEV);
		return;
	}
	had = param_read(PARAM_NONCOHERENT, saved_gate, sizeof(saved_gate));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		smmu_walk();
		fflush(stdout);
		_exit(failures ? 2 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		step(0, "could not run the SMMUv3 part: %s", strerror(errno));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == VT_EXIT_SKIP)
		printf("  skip  the SMMUv3 part (the line above says why)\n");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		failures++;
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		step(0, "the SMMUv3 part stopped early (the line above says why)");

	if (!had)
		return;
	step(!write_file(PARAM_NONCOHERENT, saved_gate) &&
	     viommu_param_state("smmuv3_allow_noncoherent") == saved_gate[0],
	     "smmuv3_allow_noncoherent back to %s", saved_gate);
}

int main(void)
{
	mock_walk();
	smmu_part();
	printf("%s\n", failures ? "demo: something went wrong" : "demo: all steps behaved");
	return failures ? 1 : 0;
}
