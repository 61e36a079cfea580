// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the Tegra241 CMDQV backend's whole flow, on the register
 * model (cmdqv_model.c) standing in for the CMDQV of the test VM's real
 * SMMUv3: the edu device behind it, our ioctls on a /dev/viommu context
 * over a stock /dev/iommu, user memory for every argument. After every
 * step the model's invariants are checked against what the case knows to
 * be alive.
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>

#include "test_util.h"
#include "cmdqv_model.h"

#define CMDQV_REPORT_LEN	2048
#define CMDQV_TEST_VSID		0x42
#define CMDQV_TEST_IOVA		0x200000UL
#define CMDQV_TEST_QLEN		PAGE_SIZE

/* 4 VINTFs of 2 LVCMDQs, 4 SID slots each */
static const struct cmdqv_model_params cmdqv_params = {
	.ver = 1, .num_vintf_log2 = 2, .num_vcmdq_log2 = 3, .num_sid_log2 = 2,
};

/**
 * struct cf - One case's world
 * @m: The model
 * @smmu: The test VM's SMMU, with @m as its CMDQV
 * @cmdqv: The backend's CMDQV of @smmu (known once a vIOMMU is made)
 * @pdev: The edu device
 * @iommufd: The /dev/iommu file
 * @ctx_file: The /dev/viommu file of @ctx
 * @ctx: Its context
 * @arg: User memory the command structs go through
 * @data: User memory for driver data
 * @report: The checker's words
 * @ioas_id: A stock IOAS
 * @dev_id: edu, bound
 * @parent_id: A stock nest parent for edu on @ioas_id
 * @viommu_id: The CMDQV vIOMMU
 * @vintf: Its VINTF index
 * @vmid: Its VMID
 * @sid: edu's physical StreamID
 * @mmap_offset: Of the VINTF page 0
 * @mmap_length: Its length
 * @qpage: User pages of the queues, by index
 * @qbase: Their expected VCMDQ BASE
 */
struct cf {
	struct cmdqv_model *m;
	struct viommu_smmu *smmu;
	struct vcmdqv *cmdqv;
	struct pci_dev *pdev;
	struct file *iommufd;
	struct file *ctx_file;
	struct viommu_ctx *ctx;
	void __user *arg;
	void __user *data;
	char *report;
	u32 ioas_id;
	u32 dev_id;
	u32 parent_id;
	u32 viommu_id;
	u16 vintf;
	u16 vmid;
	u32 sid;
	u64 mmap_offset;
	u64 mmap_length;
	void __user *qpage[2];
	u64 qbase[2];
};

/* Invariants hold now; say where the case was if not. */
static void cf_check(struct kunit *test, struct cf *f, const char *step)
{
	KUNIT_EXPECT_EQ_MSG(test, 0u,
			    cmdqv_model_check(f->m, f->report,
					      CMDQV_REPORT_LEN),
			    "after %s:\n%s", step, f->report);
}

KUNIT_DEFINE_ACTION_WRAPPER(cf_fput_sync, __fput_sync, struct file *);

/*
 * The model's memory is the CMDQV's registers: never freed while the
 * backend may still reach it (a VINTF left alive keeps the detach off).
 */
struct cf_attached {
	struct viommu_smmu *smmu;
	struct cmdqv_model *m;
};

static void cf_detach(void *data)
{
	struct cf_attached *a = data;
	int rc = viommu_cmdqv_test_detach(a->smmu);

	if (rc) {
		pr_err("viommu_cmdqv: detach failed (%d): the model is leaked\n",
		       rc);
		return;
	}
	cmdqv_model_destroy(a->m);
}

static void cf_noncoherent_restore(void *data)
{
	viommu_smmuv3_test_allow_noncoherent((uintptr_t)data);
}

static void cf_close_fd(void *data)
{
	struct file *file = file_close_fd((uintptr_t)data);

	if (file)
		__fput_sync(file);
}

static long cf_ioctl(struct kunit *test, struct cf *f, unsigned int cmd,
		     void *data, size_t size)
{
	long rc;

	KUNIT_ASSERT_EQ(test, 0, copy_to_user(f->arg, data, size));
	rc = viommu_ioctl(f->ctx, cmd, f->arg);
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(data, f->arg, size));
	return rc;
}

static long cf_stock_ioctl(struct kunit *test, struct cf *f, unsigned int cmd,
			   void *data, size_t size)
{
	return viommu_test_ioctl(test, f->iommufd, f->arg, cmd, data, size);
}

static long cf_destroy(struct kunit *test, struct cf *f, u32 id)
{
	struct viommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return cf_ioctl(test, f, VIOMMU_DESTROY, &cmd, sizeof(cmd));
}

/* A /dev/viommu context bound to @f's iommufd. */
static void cf_ctx(struct kunit *test, struct cf *f)
{
	struct file *file = filp_open("/dev/viommu", O_RDWR, 0);
	struct iommufd_ctx *ictx;
	int rc;

	if (IS_ERR(file))
		kunit_skip(test, "cannot open /dev/viommu: %ld", PTR_ERR(file));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, cf_fput_sync, file));
	f->ctx_file = file;
	f->ctx = file->private_data;
	ictx = iommufd_ctx_from_file(f->iommufd);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ictx));
	rc = viommu_ctx_bind(f->ctx, ictx);
	if (rc)
		iommufd_ctx_put(ictx);
	KUNIT_ASSERT_EQ(test, 0, rc);
}

/*
 * The model as the CMDQV of edu's SMMU, a context with edu bound, a nest
 * parent: what every case starts from. Cleanup runs in reverse: the files
 * close before the model is detached, the model goes last.
 */
static void cf_setup(struct kunit *test, struct cf *f)
{
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct iommu_hwpt_alloc hwpt = {
		.size = sizeof(hwpt),
		.flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
	};
	struct cf_attached *a;
	unsigned int nr;
	bool old;
	int rc;

	memset(f, 0, sizeof(*f));
	if (!viommu_smmuv3_test_state(true))
		kunit_skip(test, "SMMUv3 backend off");
	if (!current->files)
		kunit_skip(test, "the test thread has no file table");
	f->pdev = viommu_test_edu(test);
	f->smmu = viommu_shim_smmu_of_dev(&f->pdev->dev);
	KUNIT_ASSERT_NOT_NULL(test, f->smmu);
	KUNIT_ASSERT_EQ(test, 0,
			viommu_shim_smmu_master_sid(&f->pdev->dev, &f->sid,
						    &nr));
	f->report = kunit_kzalloc(test, CMDQV_REPORT_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->report);

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	f->m = cmdqv_model_create(&cmdqv_params);
	KUNIT_ASSERT_NOT_NULL(test, f->m);
	rc = viommu_cmdqv_test_attach(f->smmu, &cmdqv_model_io, f->m,
				      f->m->phys);
	if (rc)
		cmdqv_model_destroy(f->m);
	KUNIT_ASSERT_EQ(test, 0, rc);
	a->smmu = f->smmu;
	a->m = f->m;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, cf_detach, a));
	/* the SMMUv3 vIOMMU gate: 6.12 programs no S2FWB */
	old = viommu_smmuv3_test_allow_noncoherent(true);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, cf_noncoherent_restore,
						  (void *)(uintptr_t)old));

	f->iommufd = viommu_test_open_iommufd(test);
	f->arg = viommu_test_user_page(test);
	f->data = viommu_test_user_page(test);
	KUNIT_ASSERT_EQ(test, 0,
			cf_stock_ioctl(test, f, IOMMU_IOAS_ALLOC, &ioas,
				       sizeof(ioas)));
	f->ioas_id = ioas.out_ioas_id;
	cf_ctx(test, f);
	viommu_test_bind(test, viommu_ctx_ictx(f->ctx), f->pdev, &f->dev_id);
	hwpt.dev_id = f->dev_id;
	hwpt.pt_id = f->ioas_id;
	KUNIT_ASSERT_EQ(test, 0,
			cf_stock_ioctl(test, f, IOMMU_HWPT_ALLOC, &hwpt,
				       sizeof(hwpt)));
	f->parent_id = hwpt.out_hwpt_id;
	cf_check(test, f, "setup");
}

static long cf_hw_info(struct kunit *test, struct cf *f, u32 type,
		       struct viommu_hw_info_tegra241_cmdqv *out)
{
	struct viommu_hw_info cmd = {
		.size = sizeof(cmd),
		.flags = VIOMMU_HW_INFO_FLAG_INPUT_TYPE,
		.dev_id = f->dev_id,
		.data_len = sizeof(*out),
		.data_uptr = (uintptr_t)f->data,
		.in_data_type = type,
	};
	long rc;

	rc = cf_ioctl(test, f, VIOMMU_GET_HW_INFO, &cmd, sizeof(cmd));
	if (!rc) {
		KUNIT_EXPECT_EQ(test, type, cmd.out_data_type);
		KUNIT_ASSERT_EQ(test, 0,
				copy_from_user(out, f->data, sizeof(*out)));
	}
	return rc;
}

/* The CMDQV vIOMMU, its VINTF and VMID read from the backend's object. */
static long cf_viommu_alloc_cmd(struct kunit *test, struct cf *f, u32 *id)
{
	struct viommu_viommu_tegra241_cmdqv data = {};
	struct viommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV,
		.dev_id = f->dev_id,
		.hwpt_id = f->parent_id,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)f->data,
	};
	long rc;

	KUNIT_ASSERT_EQ(test, 0, copy_to_user(f->data, &data, sizeof(data)));
	rc = cf_ioctl(test, f, VIOMMU_VIOMMU_ALLOC, &cmd, sizeof(cmd));
	*id = cmd.out_viommu_id;
	return rc;
}

static void cf_viommu_alloc(struct kunit *test, struct cf *f)
{
	struct viommu_viommu_tegra241_cmdqv data;
	struct viommu_object *obj;
	struct vcmdqv_vintf *vintf;

	KUNIT_ASSERT_EQ(test, 0, cf_viommu_alloc_cmd(test, f, &f->viommu_id));
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(&data, f->data, sizeof(data)));
	f->mmap_offset = data.out_vintf_mmap_offset;
	f->mmap_length = data.out_vintf_mmap_length;

	obj = viommu_get_object(f->ctx, f->viommu_id, VIOMMU_OBJ_VIOMMU);
	KUNIT_ASSERT_FALSE(test, IS_ERR(obj));
	vintf = to_vintf(container_of(obj, struct viommu, obj));
	f->vintf = vintf->idx;
	f->vmid = vintf->vsmmu.vmid;
	f->cmdqv = vintf->cmdqv;
	viommu_put_object(f->ctx, obj);
	KUNIT_ASSERT_GE(test, f->vintf, 1);
	KUNIT_ASSERT_LT(test, f->vintf, f->m->num_vintfs);
	cmdqv_model_expect_vintf(f->m, f->vintf, f->vmid);
	cf_check(test, f, "VIOMMU_ALLOC");
}

static long cf_vdevice_alloc(struct kunit *test, struct cf *f, u64 virt_id,
			     u32 *vdev_id)
{
	struct viommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = f->viommu_id,
		.dev_id = f->dev_id,
		.virt_id = virt_id,
	};
	long rc;

	rc = cf_ioctl(test, f, VIOMMU_VDEVICE_ALLOC, &cmd, sizeof(cmd));
	*vdev_id = cmd.out_vdevice_id;
	return rc;
}

/* A fresh user page mapped at @iova of the IOAS: one contiguous page. */
static void __user *cf_ioas_page(struct kunit *test, struct cf *f,
				 unsigned long iova)
{
	void __user *buf = viommu_test_user_page(test);
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = f->ioas_id,
		.user_va = (u64)(uintptr_t)buf,
		.length = PAGE_SIZE,
		.iova = iova,
	};

	KUNIT_ASSERT_EQ(test, 0, clear_user(buf, PAGE_SIZE));
	KUNIT_ASSERT_EQ(test, 0,
			cf_stock_ioctl(test, f, IOMMU_IOAS_MAP, &map,
				       sizeof(map)));
	return buf;
}

static long cf_hw_queue_alloc(struct kunit *test, struct cf *f, u32 index,
			      u64 iova, u64 length, u32 *id)
{
	struct viommu_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = f->viommu_id,
		.type = VIOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV,
		.index = index,
		.nesting_parent_iova = iova,
		.length = length,
	};
	long rc;

	rc = cf_ioctl(test, f, VIOMMU_HW_QUEUE_ALLOC, &cmd, sizeof(cmd));
	if (id)
		*id = cmd.out_hw_queue_id;
	return rc;
}

/* Physical address behind a user page (pinned by the HW_QUEUE). */
static phys_addr_t cf_user_phys(struct kunit *test, void __user *uaddr)
{
	struct page *page;
	phys_addr_t pa;

	KUNIT_ASSERT_EQ(test, 1,
			get_user_pages_fast((unsigned long)uaddr, 1, 0, &page));
	pa = page_to_phys(page);
	put_page(page);
	return pa;
}

/* Queue @index over a whole page at its own IOVA. */
static void cf_queue(struct kunit *test, struct cf *f, u32 index, u32 *id)
{
	unsigned long iova = CMDQV_TEST_IOVA + index * PAGE_SIZE;

	KUNIT_ASSERT_EQ(test, 0,
			cf_hw_queue_alloc(test, f, index, iova,
					  CMDQV_TEST_QLEN, id));
	f->qbase[index] = (cf_user_phys(test, f->qpage[index]) &
			   VCMDQV_VCMDQ_ADDR) |
			  (ilog2(CMDQV_TEST_QLEN) - VCMDQV_CMD_SHIFT);
	cmdqv_model_expect_queue(f->m, f->vintf, index, f->qbase[index]);
}

static void cf_queue_pages(struct kunit *test, struct cf *f)
{
	f->qpage[0] = cf_ioas_page(test, f, CMDQV_TEST_IOVA);
	f->qpage[1] = cf_ioas_page(test, f, CMDQV_TEST_IOVA + PAGE_SIZE);
}

/* The SID slot holding @vsid, or -1. */
static int cf_sid_slot(struct cf *f, u32 vsid)
{
	u32 match = FIELD_PREP(VCMDQV_VINTF_SID_MATCH_VIRT_SID, vsid) |
		    VCMDQV_VINTF_SID_MATCH_ENABLE;
	u16 s;

	for (s = 0; s < f->m->num_sids; s++)
		if (cmdqv_model_peek(f->m, VCMDQV_VINTF(f->vintf) +
				     VCMDQV_VINTF_SID_MATCH(s)) == match)
			return s;
	return -1;
}

/* The guest enables a queue through its page 0 (the hardware's doing). */
static void cf_guest_enable(struct kunit *test, struct cf *f, u16 lidx)
{
	u32 p0 = VCMDQV_LVCMDQ_PAGE0(f->vintf, lidx);

	cmdqv_model_io.write(f->m, p0 + VCMDQV_VCMDQ_CONFIG, VCMDQV_VCMDQ_EN);
	KUNIT_EXPECT_EQ(test, VCMDQV_VCMDQ_ENABLED,
			cmdqv_model_io.read(f->m, p0 + VCMDQV_VCMDQ_STATUS));
}

/* Everything up to two queues: vIOMMU, vDEVICE, HW_QUEUE 0 and 1. */
static void cf_build(struct kunit *test, struct cf *f, u32 *vdev_id,
		     u32 *q0, u32 *q1)
{
	cf_viommu_alloc(test, f);
	KUNIT_ASSERT_EQ(test, 0,
			cf_vdevice_alloc(test, f, CMDQV_TEST_VSID, vdev_id));
	cmdqv_model_expect_sid(f->m, f->vintf, CMDQV_TEST_VSID, f->sid);
	cf_check(test, f, "VDEVICE_ALLOC");
	cf_queue_pages(test, f);
	cf_queue(test, f, 0, q0);
	cf_check(test, f, "HW_QUEUE_ALLOC 0");
	cf_queue(test, f, 1, q1);
	cf_check(test, f, "HW_QUEUE_ALLOC 1");
	cf_guest_enable(test, f, 0);
	cf_guest_enable(test, f, 1);
}

static void cf_hw_info_from_param(struct kunit *test)
{
	struct viommu_hw_info_tegra241_cmdqv info;
	struct cf f;

	cf_setup(test, &f);
	KUNIT_ASSERT_EQ(test, 0,
			cf_hw_info(test, &f, VIOMMU_HW_INFO_TYPE_TEGRA241_CMDQV,
				   &info));
	KUNIT_EXPECT_EQ(test, 0u, info.flags);
	KUNIT_EXPECT_EQ(test, 1, info.version);
	/* per VINTF: 8 VCMDQs over 4 VINTFs, 4 SIDs */
	KUNIT_EXPECT_EQ(test, 1, info.log2vcmdqs);
	KUNIT_EXPECT_EQ(test, 2, info.log2vsids);
	cf_check(test, &f, "GET_HW_INFO");
}

static void cf_whole_flow(struct kunit *test)
{
	struct viommu_veventq_alloc evq = {
		.size = sizeof(evq),
		.type = VIOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV,
		.veventq_depth = 4,
	};
	struct {
		struct viommu_vevent_header hdr;
		struct viommu_vevent_tegra241_cmdqv data;
	} rec;
	u32 vdev_id, q0, q1, id, qmax;
	unsigned long uaddr, syncs;
	struct file *qfile;
	loff_t pos = 0;
	struct cf f;
	u32 seen;
	void *qfd;

	cf_setup(test, &f);
	cf_viommu_alloc(test, &f);
	KUNIT_EXPECT_EQ(test, (u64)SZ_64K, f.mmap_length);

	/* The mapping is the model's VINTF page 0, all 64 KiB of it. */
	uaddr = vm_mmap(f.ctx_file, 0, f.mmap_length, PROT_READ | PROT_WRITE,
			MAP_SHARED, f.mmap_offset);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(uaddr), "mmap: %ld",
			       (long)uaddr);
	cmdqv_model_poke(f.m, VCMDQV_VINTF_PAGE0(f.vintf) + SZ_32K, 0x5a5a0001);
	cmdqv_model_poke(f.m, VCMDQV_VINTF_PAGE0(f.vintf) + SZ_64K - 4,
			 0x5a5a0002);
	KUNIT_EXPECT_EQ(test, 0, get_user(seen, (u32 __user *)(uaddr + SZ_32K)));
	KUNIT_EXPECT_EQ(test, 0x5a5a0001u, seen);
	KUNIT_EXPECT_EQ(test, 0,
			get_user(seen, (u32 __user *)(uaddr + SZ_64K - 4)));
	KUNIT_EXPECT_EQ(test, 0x5a5a0002u, seen);
	cmdqv_model_poke(f.m, VCMDQV_VINTF_PAGE0(f.vintf) + SZ_32K, 0);
	cmdqv_model_poke(f.m, VCMDQV_VINTF_PAGE0(f.vintf) + SZ_64K - 4, 0);

	/* vDEVICE: one SID slot, vSID -> edu's SID; SID_MATCH holds 20 bits */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			cf_vdevice_alloc(test, &f, 1 << 20, &vdev_id));
	cf_check(test, &f, "refused VDEVICE_ALLOC");
	KUNIT_ASSERT_EQ(test, 0,
			cf_vdevice_alloc(test, &f, CMDQV_TEST_VSID, &vdev_id));
	cmdqv_model_expect_sid(f.m, f.vintf, CMDQV_TEST_VSID, f.sid);
	KUNIT_EXPECT_GE(test, cf_sid_slot(&f, CMDQV_TEST_VSID), 0);
	cf_check(test, &f, "VDEVICE_ALLOC");

	/* HW_QUEUE: upstream's rules, each refusal leaving nothing behind */
	cf_queue_pages(test, &f);
	KUNIT_EXPECT_EQ(test, -EIO,
			cf_hw_queue_alloc(test, &f, 1, CMDQV_TEST_IOVA + PAGE_SIZE,
					  CMDQV_TEST_QLEN, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			cf_hw_queue_alloc(test, &f, f.m->per, CMDQV_TEST_IOVA,
					  CMDQV_TEST_QLEN, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			cf_hw_queue_alloc(test, &f, 0, CMDQV_TEST_IOVA, 16,
					  NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			cf_hw_queue_alloc(test, &f, 0, CMDQV_TEST_IOVA, 96,
					  NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			cf_hw_queue_alloc(test, &f, 0, CMDQV_TEST_IOVA + 32, 64,
					  NULL));
	/* the SMMU's IDR1.CMDQS bounds it: only checkable if it is small */
	qmax = 1U << (FIELD_GET(VCMDQV_SMMU_IDR1_CMDQS,
				readl(viommu_shim_smmu_base(f.smmu) +
				      VCMDQV_SMMU_IDR1)) + VCMDQV_CMD_SHIFT);
	if (qmax < PAGE_SIZE)
		KUNIT_EXPECT_EQ(test, -EINVAL,
				cf_hw_queue_alloc(test, &f, 0, CMDQV_TEST_IOVA,
						  2 * qmax, NULL));
	cf_check(test, &f, "refused HW_QUEUE_ALLOCs");

	cf_queue(test, &f, 0, &q0);
	KUNIT_EXPECT_EQ(test, -EEXIST,
			cf_hw_queue_alloc(test, &f, 0, CMDQV_TEST_IOVA,
					  CMDQV_TEST_QLEN, NULL));
	cf_check(test, &f, "HW_QUEUE_ALLOC 0");
	cf_queue(test, &f, 1, &q1);
	cf_check(test, &f, "HW_QUEUE_ALLOC 1");
	/* the guest's page 0 shows the queue the model works on */
	cmdqv_model_io.write(f.m, VCMDQV_LVCMDQ_PAGE0(f.vintf, 1) +
			     VCMDQV_VCMDQ_PROD, 0x1234);
	KUNIT_EXPECT_EQ(test, 0,
			get_user(seen, (u32 __user *)(uaddr + 0x80 +
						      VCMDQV_VCMDQ_PROD)));
	KUNIT_EXPECT_EQ(test, 0x1234u, seen);
	cmdqv_model_io.write(f.m, VCMDQV_LVCMDQ_PAGE0(f.vintf, 1) +
			     VCMDQV_VCMDQ_PROD, 0);
	cf_guest_enable(test, &f, 0);
	cf_guest_enable(test, &f, 1);
	cf_check(test, &f, "guest enables");

	/* An LVCMDQ error reaches the vEVENTQ with both map words. */
	evq.viommu_id = f.viommu_id;
	KUNIT_ASSERT_EQ(test, 0,
			cf_ioctl(test, &f, VIOMMU_VEVENTQ_ALLOC, &evq,
				 sizeof(evq)));
	qfd = (void *)(uintptr_t)evq.out_veventq_fd;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, cf_close_fd, qfd));
	cf_check(test, &f, "VEVENTQ_ALLOC");
	KUNIT_ASSERT_EQ(test, 0,
			cmdqv_model_inject_error(f.m, f.vintf, 1, BIT(0)));
	vcmdqv_report_errors(f.cmdqv);
	qfile = fget(evq.out_veventq_fd);
	KUNIT_ASSERT_NOT_NULL(test, qfile);
	KUNIT_EXPECT_EQ(test, (ssize_t)sizeof(rec),
			qfile->f_op->read(qfile, f.data, PAGE_SIZE, &pos));
	fput(qfile);
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(&rec, f.data, sizeof(rec)));
	KUNIT_EXPECT_EQ(test, 0u, rec.hdr.flags);
	KUNIT_EXPECT_EQ(test, (u64)BIT(1),
			le64_to_cpu(rec.data.lvcmdq_err_map[0]));
	KUNIT_EXPECT_EQ(test, 0ull, le64_to_cpu(rec.data.lvcmdq_err_map[1]));
	/* the guest acknowledges it through its own page */
	cmdqv_model_io.write(f.m, VCMDQV_LVCMDQ_PAGE0(f.vintf, 1) +
			     VCMDQV_VCMDQ_GERRORN,
			     cmdqv_model_io.read(f.m,
						 VCMDQV_LVCMDQ_PAGE0(f.vintf, 1) +
						 VCMDQV_VCMDQ_GERROR));
	cf_check(test, &f, "error report");

	/* Destroy: queue 0 is held by queue 1, as upstream's depend. */
	syncs = f.m->nr_syncs;
	KUNIT_EXPECT_EQ(test, -EBUSY, cf_destroy(test, &f, q0));
	cf_check(test, &f, "refused destroy of queue 0");
	KUNIT_EXPECT_EQ(test, -EBUSY, cf_destroy(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, q1));
	cmdqv_model_forget_queue(f.m, f.vintf, 1);
	cf_check(test, &f, "destroy queue 1");
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, q0));
	cmdqv_model_forget_queue(f.m, f.vintf, 0);
	cf_check(test, &f, "destroy queue 0");
	/* each stopped queue's ATC_INV timeouts were flushed */
	KUNIT_EXPECT_GE(test, f.m->nr_syncs, syncs + 2);
	/* the index is free again, and freed again */
	KUNIT_EXPECT_EQ(test, 0,
			cf_hw_queue_alloc(test, &f, 0, CMDQV_TEST_IOVA,
					  CMDQV_TEST_QLEN, &id));
	cmdqv_model_expect_queue(f.m, f.vintf, 0, f.qbase[0]);
	cf_check(test, &f, "HW_QUEUE_ALLOC 0 again");
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, id));
	cmdqv_model_forget_queue(f.m, f.vintf, 0);

	kunit_release_action(test, cf_close_fd, qfd);
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, evq.out_veventq_id));
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, vdev_id));
	cmdqv_model_forget_sid(f.m, f.vintf, CMDQV_TEST_VSID);
	cf_check(test, &f, "destroy vDEVICE");
	KUNIT_EXPECT_EQ(test, -1, cf_sid_slot(&f, CMDQV_TEST_VSID));
	/* the guest's mapping holds the vIOMMU */
	KUNIT_EXPECT_EQ(test, -EBUSY, cf_destroy(test, &f, f.viommu_id));
	KUNIT_EXPECT_EQ(test, 0, vm_munmap(uaddr, f.mmap_length));
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, f.viommu_id));
	cmdqv_model_forget_vintf(f.m, f.vintf);
	cf_check(test, &f, "destroy vIOMMU");
}

/* Closing the file with everything alive tears all of it down. */
static void cf_close_with_everything_alive(struct kunit *test)
{
	u32 vdev_id, q0, q1;
	struct cf f;

	cf_setup(test, &f);
	cf_build(test, &f, &vdev_id, &q0, &q1);
	kunit_release_action(test, cf_fput_sync, f.ctx_file);
	/* a context let go later would be reaped now */
	viommu_ctx_reap_flush();
	cmdqv_model_forget_vintf(f.m, f.vintf);
	KUNIT_EXPECT_EQ(test, 0u, f.cmdqv->nr_vintfs);
	cf_check(test, &f, "close");
}

/* The driver's reset (6.12's) undone for our VINTF, VINTF0 left alone. */
static void cf_reset_reapply(struct kunit *test)
{
	u32 vdev_id, q0, q1;
	struct cf f;

	cf_setup(test, &f);
	cf_build(test, &f, &vdev_id, &q0, &q1);
	cmdqv_model_reset(f.m);
	/* not re-applied yet: the checker must see it */
	KUNIT_EXPECT_GT(test, cmdqv_model_check(f.m, f.report,
						CMDQV_REPORT_LEN), 0u);
	vcmdqv_reapply(f.cmdqv);
	cf_check(test, &f, "reset re-apply");
	/* and it still comes apart cleanly */
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, q1));
	cmdqv_model_forget_queue(f.m, f.vintf, 1);
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, q0));
	cmdqv_model_forget_queue(f.m, f.vintf, 0);
	cf_check(test, &f, "destroy queues after reset");
	/* a second reset with only the vDEVICE left */
	cmdqv_model_reset(f.m);
	vcmdqv_reapply(f.cmdqv);
	cf_check(test, &f, "second reset re-apply");
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, vdev_id));
	cmdqv_model_forget_sid(f.m, f.vintf, CMDQV_TEST_VSID);
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, f.viommu_id));
	cmdqv_model_forget_vintf(f.m, f.vintf);
	cf_check(test, &f, "destroy after reset");
}

/*
 * A slot a reset mapped back to our VINTF, which the guest then enabled,
 * is stopped before the re-apply unmaps it (the model records unmapping
 * an enabled queue), and nothing of ours is left enabled.
 */
static void cf_reset_mapped_slot_stopped(struct kunit *test)
{
	u32 vdev_id, q0, q1;
	struct cf f;

	cf_setup(test, &f);
	cf_build(test, &f, &vdev_id, &q0, &q1);
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, q1));
	cmdqv_model_forget_queue(f.m, f.vintf, 1);
	cf_check(test, &f, "queue 1 gone");
	cmdqv_model_reset(f.m);
	KUNIT_ASSERT_GE(test, cmdqv_model_mapped_queue(f.m, f.vintf, 1), 0);
	cf_guest_enable(test, &f, 1);
	vcmdqv_reapply(f.cmdqv);
	cf_check(test, &f, "re-apply over a guest-enabled free slot");
	KUNIT_EXPECT_LT(test, cmdqv_model_mapped_queue(f.m, f.vintf, 1), 0);

	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, q0));
	cmdqv_model_forget_queue(f.m, f.vintf, 0);
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, vdev_id));
	cmdqv_model_forget_sid(f.m, f.vintf, CMDQV_TEST_VSID);
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, f.viommu_id));
	cmdqv_model_forget_vintf(f.m, f.vintf);
	cf_check(test, &f, "teardown");
}

/*
 * A VINTF that does not enable again after a reset stays off: its queues
 * are not touched through its page any more, it takes no new queue, and
 * everything still comes apart.
 */
static void cf_reapply_failure(struct kunit *test)
{
	u32 vdev_id, q0, q1;
	unsigned int n;
	struct cf f;

	cf_setup(test, &f);
	cf_build(test, &f, &vdev_id, &q0, &q1);
	cmdqv_model_reset(f.m);
	/* Its CONFIG writes are lost: the enable times out (1 s). */
	cmdqv_model_drop_offset(f.m, VCMDQV_VINTF(f.vintf) +
				VCMDQV_VINTF_CONFIG);
	vcmdqv_reapply(f.cmdqv);
	cmdqv_model_drop_none(f.m);
	KUNIT_EXPECT_FALSE(test, f.cmdqv->vintfs[f.vintf]->enabled);
	KUNIT_EXPECT_LT(test, cmdqv_model_mapped_queue(f.m, f.vintf, 0), 0);
	KUNIT_EXPECT_LT(test, cmdqv_model_mapped_queue(f.m, f.vintf, 1), 0);

	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, q1));
	cmdqv_model_forget_queue(f.m, f.vintf, 1);
	KUNIT_EXPECT_EQ(test, -EIO,
			cf_hw_queue_alloc(test, &f, 1,
					  CMDQV_TEST_IOVA + PAGE_SIZE,
					  CMDQV_TEST_QLEN, NULL));
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, q0));
	cmdqv_model_forget_queue(f.m, f.vintf, 0);
	n = cmdqv_model_violations(f.m, f.report, CMDQV_REPORT_LEN);
	KUNIT_EXPECT_EQ_MSG(test, 0u, n, "%s", f.report);

	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, vdev_id));
	cmdqv_model_forget_sid(f.m, f.vintf, CMDQV_TEST_VSID);
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, f.viommu_id));
	cmdqv_model_forget_vintf(f.m, f.vintf);
	cf_check(test, &f, "teardown of a VINTF a reset lost");
}

/*
 * Mutations: a backend that loses one register write must fail the
 * checker. Each passes only if the checker reports the damage.
 */
static void cf_expect_mutation_caught(struct kunit *test, struct cf *f,
				      const char *damage, const char *what)
{
	KUNIT_EXPECT_GE(test, f->m->nr_dropped, 1ul);
	KUNIT_EXPECT_GT(test, cmdqv_model_check(f->m, f->report,
						CMDQV_REPORT_LEN), 0u);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(f->report, damage), "%s",
				  f->report);
	kunit_info(test, "mutated (%s): %s", what, f->report);
	cmdqv_model_drop_none(f->m);
}

static void cf_mutation_sid_clear_dropped(struct kunit *test)
{
	u32 vdev_id, q0, q1;
	struct cf f;
	int slot;

	cf_setup(test, &f);
	cf_build(test, &f, &vdev_id, &q0, &q1);
	slot = cf_sid_slot(&f, CMDQV_TEST_VSID);
	KUNIT_ASSERT_GE(test, slot, 0);
	cmdqv_model_drop_offset(f.m, VCMDQV_VINTF(f.vintf) +
				VCMDQV_VINTF_SID_MATCH(slot));
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, vdev_id));
	cmdqv_model_forget_sid(f.m, f.vintf, CMDQV_TEST_VSID);
	cf_expect_mutation_caught(test, &f, "not cleared",
				  "SID_MATCH clear dropped");
}

static void cf_mutation_unmap_dropped(struct kunit *test)
{
	u32 vdev_id, q0, q1;
	struct cf f;
	int q;

	cf_setup(test, &f);
	cf_build(test, &f, &vdev_id, &q0, &q1);
	q = cmdqv_model_mapped_queue(f.m, f.vintf, 1);
	KUNIT_ASSERT_GE(test, q, 0);
	cmdqv_model_drop_offset(f.m, VCMDQV_CMDQ_ALLOC(q));
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, q1));
	cmdqv_model_forget_queue(f.m, f.vintf, 1);
	cf_expect_mutation_caught(test, &f, "still mapped",
				  "CMDQ_ALLOC unmap dropped");
}

/*
 * Three guest VINTFs side by side (all a CMDQV of 4 has): each its own
 * queues, one's teardown leaves the others whole; a fourth is refused.
 */
static void cf_vintfs_side_by_side(struct kunit *test)
{
	u32 ids[3], vintfs[3], id, qa, qb;
	void __user *page_b;
	unsigned int i;
	u64 base_b;
	long rc;
	struct cf f;

	cf_setup(test, &f);
	for (i = 0; i < 3; i++) {
		cf_viommu_alloc(test, &f);
		ids[i] = f.viommu_id;
		vintfs[i] = f.vintf;
	}
	KUNIT_EXPECT_NE(test, vintfs[0], vintfs[1]);
	KUNIT_EXPECT_NE(test, vintfs[1], vintfs[2]);
	KUNIT_EXPECT_NE(test, vintfs[0], vintfs[2]);
	rc = cf_viommu_alloc_cmd(test, &f, &id);
	/* upstream: ida_alloc_max()'s -ENOSPC */
	KUNIT_EXPECT_EQ(test, -ENOSPC, rc);
	cf_check(test, &f, "refused 4th VIOMMU_ALLOC");

	/* queue 0 on the first and on the last VINTF */
	cf_queue_pages(test, &f);
	page_b = cf_ioas_page(test, &f, CMDQV_TEST_IOVA + 2 * PAGE_SIZE);
	f.viommu_id = ids[0];
	f.vintf = vintfs[0];
	cf_queue(test, &f, 0, &qa);
	f.viommu_id = ids[2];
	f.vintf = vintfs[2];
	KUNIT_ASSERT_EQ(test, 0,
			cf_hw_queue_alloc(test, &f, 0,
					  CMDQV_TEST_IOVA + 2 * PAGE_SIZE,
					  CMDQV_TEST_QLEN, &qb));
	base_b = (cf_user_phys(test, page_b) & VCMDQV_VCMDQ_ADDR) |
		 (ilog2(CMDQV_TEST_QLEN) - VCMDQV_CMD_SHIFT);
	cmdqv_model_expect_queue(f.m, vintfs[2], 0, base_b);
	cf_check(test, &f, "a queue on two VINTFs");

	/* the first goes, the others stay as they were */
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, qa));
	cmdqv_model_forget_queue(f.m, vintfs[0], 0);
	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, ids[0]));
	cmdqv_model_forget_vintf(f.m, vintfs[0]);
	cf_check(test, &f, "destroy the first VINTF");
	/* its index is free again */
	cf_viommu_alloc(test, &f);
	KUNIT_EXPECT_EQ(test, vintfs[0], f.vintf);
	ids[0] = f.viommu_id;

	KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, qb));
	cmdqv_model_forget_queue(f.m, vintfs[2], 0);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, 0, cf_destroy(test, &f, ids[i]));
		cmdqv_model_forget_vintf(f.m, vintfs[i]);
	}
	cf_check(test, &f, "destroy all VINTFs");
}

static struct kunit_case cmdqv_test_cases[] = {
	KUNIT_CASE(cf_hw_info_from_param),
	KUNIT_CASE(cf_whole_flow),
	KUNIT_CASE(cf_close_with_everything_alive),
	KUNIT_CASE(cf_vintfs_side_by_side),
	KUNIT_CASE(cf_reset_reapply),
	KUNIT_CASE(cf_reset_mapped_slot_stopped),
	KUNIT_CASE_SLOW(cf_reapply_failure),
	KUNIT_CASE(cf_mutation_sid_clear_dropped),
	KUNIT_CASE(cf_mutation_unmap_dropped),
	{}
};

static struct kunit_suite cmdqv_test_suite = {
	.name = "viommu_cmdqv",
	.test_cases = cmdqv_test_cases,
};

kunit_test_suites(&cmdqv_test_suite);
