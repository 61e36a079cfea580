// SPDX-License-Identifier: GPL-2.0
/*
 * Answers of allocating ioctls that cannot be written back: a blocked
 * copy-out (userfaultfd write-protect) must hold no lock that other
 * callers need, and a failed one (read-only page) must leave nothing
 * behind that the caller never learned about.
 */
#include "fixture.h"

/* Long enough for TCG on a busy host; only a hang ever reaches it. */
#define HANG_MS 20000

struct ioctl_call {
	int fd;
	unsigned long cmd;
	void *arg;
};

static long ioctl_fn(void *p)
{
	struct ioctl_call *c = p;

	return ioctl(c->fd, c->cmd, c->arg);
}

/* Start @c on its own thread and return once its copy-out blocks. */
static void start_blocked(struct vt_async *a, struct ioctl_call *c,
			  struct uffd_wp *u)
{
	uffd_wp_arm(u);
	vt_async_start(a, ioctl_fn, c);
	if (!uffd_wp_wait(u, HANG_MS))
		FAIL("the ioctl never wrote its answer back");
}

/*
 * Run @fn while @a is held in its copy-out. If @fn hangs, let @a finish
 * first, so the test reports instead of hanging for ever.
 */
static long run_beside(struct vt_async *a, struct uffd_wp *u,
		       long (*fn)(void *), void *arg, const char *what)
{
	struct vt_async b = {};
	int done;

	vt_async_start(&b, fn, arg);
	done = vt_async_wait(&b, HANG_MS);
	uffd_wp_release(u);
	ASSERT_TRUE(vt_async_wait(a, HANG_MS));
	if (!done) {
		ASSERT_TRUE(vt_async_wait(&b, HANG_MS));
		FAIL("%s waited for another caller's blocked copy-out", what);
	}
	errno = b.err;
	return b.rc;
}

/* Another file pair's vDEVICE comes and goes, then its device unbinds. */
static long other_device_fn(void *p)
{
	struct vt_fixture *g = p;
	__u32 vdev_id;

	if (vt_vdevice_alloc(g->vfd, g->viommu_id, g->device_id, 0x12,
			     &vdev_id) ||
	    vt_destroy(g->vfd, vdev_id))
		return -1;
	/* The mock device's unbind runs the stock unbind hook. */
	return vt_destroy(g->vfd, g->stdev_id);
}

TEST(vdevice_copyout_blocks_no_other_device)
{
	struct viommu_vdevice_alloc *cmd;
	struct vt_fixture f, g;
	struct ioctl_call c;
	struct vt_async a = {};
	struct uffd_wp u;

	vt_setup(&f, VT_VIOMMU);
	vt_setup(&g, VT_VIOMMU);
	uffd_wp_setup(&u);
	cmd = u.page;
	*cmd = (struct viommu_vdevice_alloc) {
		.size = sizeof(*cmd),
		.viommu_id = f.viommu_id,
		.dev_id = f.device_id,
		.virt_id = 0x34,
	};
	c = (struct ioctl_call) { f.vfd, VIOMMU_VDEVICE_ALLOC, cmd };
	start_blocked(&a, &c, &u);

	ASSERT_OK(run_beside(&a, &u, other_device_fn, &g,
			     "VDEVICE_ALLOC/unbind of another device"));
	ASSERT_EQ(0, a.rc);
	ASSERT_TRUE(is_viommu_id(cmd->out_vdevice_id));
	/* The vDEVICE is whole: it holds its device and its virt_id. */
	ASSERT_ERRNO(EEXIST, vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id,
					      0x35, NULL));
	ASSERT_OK(vt_destroy(f.vfd, cmd->out_vdevice_id));
	vt_teardown(&g);
	vt_teardown(&f);
}

static long unbind_fn(void *p)
{
	struct vt_fixture *f = p;

	/* The mock device's unbind runs the stock unbind hook. */
	return vt_destroy(f->vfd, f->stdev_id);
}

/*
 * The unbind of its own device does not wait for the copy-out (VFIO runs
 * it under dev_set->lock, shared by other devices). The blocked alloc
 * then fails cleanly, or its vDEVICE went with the device: either way the
 * id it wrote back names nothing and nothing stays pinned.
 */
TEST(vdevice_copyout_then_own_unbind)
{
	struct viommu_vdevice_alloc *cmd;
	struct vt_async a = {};
	struct ioctl_call c;
	struct vt_fixture f;
	struct uffd_wp u;

	vt_setup(&f, VT_VIOMMU);
	uffd_wp_setup(&u);
	cmd = u.page;
	*cmd = (struct viommu_vdevice_alloc) {
		.size = sizeof(*cmd),
		.viommu_id = f.viommu_id,
		.dev_id = f.device_id,
		.virt_id = 0x34,
	};
	c = (struct ioctl_call) { f.vfd, VIOMMU_VDEVICE_ALLOC, cmd };
	start_blocked(&a, &c, &u);

	ASSERT_OK(run_beside(&a, &u, unbind_fn, &f,
			     "the unbind of its own device"));
	if (a.rc)
		ASSERT_EQ(ENOENT, a.err);
	/* The answer was written before the unbind; its id stays dead. */
	ASSERT_TRUE(is_viommu_id(cmd->out_vdevice_id));
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, cmd->out_vdevice_id));
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, f.stdev_id));
	/* No pin is left: the vIOMMU, then its parent HWPT, go at once. */
	ASSERT_OK(vt_destroy(f.vfd, f.viommu_id));
	ASSERT_OK(stock_destroy(f.iommufd, f.hwpt_id));
	/* Files closed: buffer pins and module refcounts back to baseline. */
	vt_teardown(&f);
}

/*
 * A nested HWPT's answer blocked in its copy-out holds no reference on
 * the device it was checked against: the device's unbind (VFIO's, under
 * dev_set->lock) goes through at once, and the HWPT, which belongs to the
 * vIOMMU, is made all the same.
 */
TEST(nested_hwpt_copyout_then_own_unbind)
{
	struct viommu_hwpt_selftest data = {
		.iotlb = VIOMMU_TEST_IOTLB_DEFAULT,
	};
	struct viommu_hwpt_alloc *cmd;
	struct vt_async a = {};
	struct ioctl_call c;
	struct vt_fixture f;
	struct uffd_wp u;

	vt_setup(&f, VT_VIOMMU);
	uffd_wp_setup(&u);
	cmd = u.page;
	*cmd = (struct viommu_hwpt_alloc) {
		.size = sizeof(*cmd),
		.dev_id = f.device_id,
		.pt_id = f.viommu_id,
		.data_type = VIOMMU_HWPT_DATA_SELFTEST,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
	};
	c = (struct ioctl_call) { f.vfd, VIOMMU_HWPT_ALLOC, cmd };
	start_blocked(&a, &c, &u);

	ASSERT_OK(run_beside(&a, &u, unbind_fn, &f,
			     "the unbind of the device a nested HWPT names"));
	ASSERT_EQ(0, a.rc);
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, f.stdev_id));
	/* The HWPT pins its vIOMMU until it goes; then nothing is left. */
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, f.viommu_id));
	ASSERT_OK(stock_destroy(f.iommufd, cmd->out_hwpt_id));
	ASSERT_OK(vt_destroy(f.vfd, f.viommu_id));
	ASSERT_OK(stock_destroy(f.iommufd, f.hwpt_id));
	vt_teardown(&f);
}

/*
 * Stock HWPT_ALLOC (a paging HWPT on a stock IOAS) holds the device across
 * its copy-out, so the device's unbind waits for it (stock's design).
 * Stock then wakes the unbind with wake_up_interruptible_all(), which
 * misses that uninterruptible sleeper: without the unbind hook's waker it
 * sleeps out its 60 s timeout. HANG_MS only tells that from a slow
 * machine. The HWPT goes on another IOAS: the alloc holds that IOAS's
 * lock, which the device's detach from its own must not need.
 */
TEST(stock_copyout_then_unbind_is_woken)
{
	struct vt_async a = {}, b = {};
	struct iommu_hwpt_alloc *cmd;
	struct ioctl_call c;
	struct vt_fixture f;
	struct uffd_wp u;
	__u32 ioas2;

	vt_setup(&f, VT_DEVICE);
	ASSERT_OK(ioas_alloc(f.iommufd, &ioas2));
	uffd_wp_setup(&u);
	cmd = u.page;
	*cmd = (struct iommu_hwpt_alloc) {
		.size = sizeof(*cmd),
		.dev_id = f.device_id,
		.pt_id = ioas2,
	};
	/* A stock IOAS id: stock iommufd answers it, through either door. */
	c = (struct ioctl_call) { f.iommufd, IOMMU_HWPT_ALLOC, cmd };
	start_blocked(&a, &c, &u);

	vt_async_start(&b, unbind_fn, &f);
	if (vt_async_wait(&b, 500)) {
		uffd_wp_release(&u);
		FAIL("the unbind did not wait for the stock ioctl (rc %ld, errno %d)",
		     b.rc, b.err);
	}
	uffd_wp_release(&u);
	ASSERT_TRUE(vt_async_wait(&a, HANG_MS));
	ASSERT_EQ(0, a.rc);
	if (!vt_async_wait(&b, HANG_MS)) {
		ASSERT_TRUE(vt_async_wait(&b, 90000));
		FAIL("the unbind slept on after the stock ioctl let its device go");
	}
	ASSERT_EQ(0, b.rc);
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, f.stdev_id));
	ASSERT_OK(stock_destroy(f.iommufd, cmd->out_hwpt_id));
	ASSERT_OK(stock_destroy(f.iommufd, ioas2));
	vt_teardown(&f);
}

static long trigger_fn(void *p)
{
	struct vt_fixture *f = p;

	return vt_trigger_vevent(f->vfd, f->device_id);
}

TEST(veventq_copyout_blocks_no_event)
{
	struct viommu_veventq_alloc *cmd;
	struct vt_async a = {};
	struct ioctl_call c;
	struct vt_fixture f;
	struct uffd_wp u;
	int qfd;

	vt_setup(&f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x56,
				   NULL));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.nested_hwpt_id));
	uffd_wp_setup(&u);
	cmd = u.page;
	*cmd = (struct viommu_veventq_alloc) {
		.size = sizeof(*cmd),
		.viommu_id = f.viommu_id,
		.type = VIOMMU_VEVENTQ_TYPE_SELFTEST,
		.veventq_depth = 4,
	};
	c = (struct ioctl_call) { f.vfd, VIOMMU_VEVENTQ_ALLOC, cmd };
	start_blocked(&a, &c, &u);

	/* A report on the same vIOMMU, as a driver's IRQ thread makes it. */
	ASSERT_OK(run_beside(&a, &u, trigger_fn, &f,
			     "an event report on the same vIOMMU"));
	ASSERT_EQ(0, a.rc);
	qfd = cmd->out_veventq_fd;
	ASSERT_TRUE(qfd >= 0 && is_viommu_id(cmd->out_veventq_id));
	/* The queue was linked already: the event is in it. */
	vt_expect_vevent(qfd, 0x56, 0);
	ASSERT_OK(close(qfd));
	vt_teardown(&f);
}

/* The ioctl struct in a page that reads but does not write. */
static void *read_only_copy(const void *cmd, size_t len)
{
	void *p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	memcpy(p, cmd, len);
	ASSERT_OK(mprotect(p, psz, PROT_READ));
	return p;
}

TEST(vdevice_efault_leaves_nothing)
{
	struct viommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.virt_id = 0x34,
	};
	struct vt_fixture f;
	__u32 vdev_id;

	vt_setup(&f, VT_VIOMMU);
	cmd.viommu_id = f.viommu_id;
	cmd.dev_id = f.device_id;
	ASSERT_ERRNO(EFAULT, ioctl(f.vfd, VIOMMU_VDEVICE_ALLOC,
				   read_only_copy(&cmd, sizeof(cmd))));
	/* Device and virt_id are free again; the vIOMMU is unpinned. */
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x34,
				   &vdev_id));
	ASSERT_OK(vt_destroy(f.vfd, vdev_id));
	ASSERT_OK(vt_destroy(f.vfd, f.viommu_id));
	vt_teardown(&f);
}

TEST(veventq_efault_leaves_nothing)
{
	struct viommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.type = VIOMMU_VEVENTQ_TYPE_SELFTEST,
		.veventq_depth = 4,
	};
	struct vt_fixture f;
	__u32 id;
	int qfd;

	vt_setup(&f, VT_VIOMMU);
	cmd.viommu_id = f.viommu_id;
	ASSERT_ERRNO(EFAULT, ioctl(f.vfd, VIOMMU_VEVENTQ_ALLOC,
				   read_only_copy(&cmd, sizeof(cmd))));
	/* The type is free again; the vIOMMU is unpinned. */
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 4, &id, &qfd));
	ASSERT_OK(close(qfd));
	ASSERT_OK(vt_destroy(f.vfd, id));
	ASSERT_OK(vt_destroy(f.vfd, f.viommu_id));
	vt_teardown(&f);
}

/* Upstream answers first, then publishes: an EFAULT binds no device. */
TEST(mock_domain_efault_leaves_no_device)
{
	struct viommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = VIOMMU_TEST_OP_MOCK_DOMAIN,
	};
	struct vt_fixture f;
	long before;

	vt_setup(&f, VT_IOAS);
	before = module_refcnt("viommu_selftest");
	cmd.id = f.ioas_id;
	ASSERT_ERRNO(EFAULT, ioctl(f.vfd, VIOMMU_TEST_CMD,
				   read_only_copy(&cmd, sizeof(cmd))));
	/* No device pins the module, no HWPT holds the IOAS. */
	vt_wait_refcnt("viommu_selftest", before);
	ASSERT_OK(stock_destroy(f.iommufd, f.ioas_id));
	vt_teardown(&f);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
