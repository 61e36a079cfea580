// SPDX-License-Identifier: GPL-2.0
/*
 * Race stress: one row per race the code says it handles, each run as
 * many rounds as fit in a few seconds, threads released together by a
 * barrier and jittered so the racing calls meet at varying points; then
 * all of them at once. Every call must succeed or fail with an errno of
 * its expected set; after each round what should be gone is gone (ids
 * give ENOENT, pins on the buffer are dropped), and after each row the
 * module reference counts are back where they were. A storm runs in a
 * watched child: a hang is reported with the kernel stacks and fails the
 * row instead of stalling the VM. lockdep and KASAN (on in the test
 * kernel) turn a bad interleaving into a splat, which the row reports.
 * RACE_SEED replays the random choices of a run (the seed is printed);
 * RACE_SCALE stretches or shrinks every storm.
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <sys/epoll.h>

#include "fixture.h"
#include "edu.h"
#include "race.h"

/* One storm's length, in seconds of guest time */
#define STORM_SECONDS 9.0
#define MIXED_SECONDS 15.0
/* A row that takes this much longer than its storm is hung. */
#define HANG_GRACE 45.0

static __u64 seed;

struct storm_opts {
	double seconds;
	/* Running beside other storms: module counts move under it. */
	int mixed;
};

/*
 * Run storm @n's race until its deadline or @max_rounds rounds. Beside
 * other storms a round may take longer before it counts as hung.
 */
static void storm_run(struct race *r, const struct storm_opts *o, int n,
		      int max_rounds)
{
	r->seed = seed ^ n;
	r->deadline = race_now() + race_seconds(o->seconds);
	r->max_rounds = max_rounds;
	r->round_cap = o->mixed ? 10 : 3;
	race_start(r);
	race_join(r);
}

/*
 * Print what storm @name did; fail if it did not really run: fewer than
 * two rounds, or @work (what its rounds count, when it has a count) 0.
 */
static void storm_report(const char *name, struct race *r, long work,
			 const char *fmt, ...)
{
	va_list ap;

	printf("#   %s: %d rounds", name, r->rounds);
	if (fmt) {
		printf(", ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
	if (r->rounds < 2 || !work)
		FAIL("%s: %d rounds, %ld done: the storm did not run", name,
		     r->rounds, work);
}

/*
 * The pins of a test buffer are all gone: checked from a fresh pair,
 * polled for a moment in case the last fput ran in another thread.
 */
static void expect_unpinned(__u8 *buffer)
{
	int iommufd, vfd, i, rc = -1;

	vt_open_pair(&iommufd, &vfd);
	for (i = 0; i < 200; i++) {
		rc = vt_check_refs(vfd, buffer, BUFFER_PAGES * psz, 0);
		if (!rc)
			break;
		usleep(10000);
	}
	if (rc)
		FAIL("buffer pages still pinned after every file closed");
	ASSERT_EQ(0, close(vfd));
	ASSERT_EQ(0, close(iommufd));
}

/* Close the fixture's files; no module count check (mixed storms). */
static void storm_teardown(struct vt_fixture *f)
{
	ASSERT_EQ(0, close(f->vfd));
	ASSERT_EQ(0, close(f->iommufd));
	expect_unpinned(f->buffer);
	ASSERT_OK(munmap(f->buffer, BUFFER_PAGES * psz));
}

/* Make @fd name /dev/null: a "close" that no open can reuse the number of. */
static void swap_for_null(int fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	ASSERT_TRUE(null >= 0);
	ASSERT_TRUE(dup3(null, fd, O_CLOEXEC) == fd);
	ASSERT_EQ(0, close(null));
}

/*
 * Run one storm in a watched child, then check what it left: module
 * reference counts back to their start (deferred releases polled for a
 * few seconds) and no splat in the kernel log meanwhile.
 */
static void run_row(void (*storm)(void *), void *arg, double seconds)
{
	long base[ARRAY_SIZE(vt_modules)];
	double t0 = race_now(), cap = race_seconds(seconds) + HANG_GRACE;
	int kfd, st, i, j;

	vt_require_selftest();
	for (i = 0; i < (int)ARRAY_SIZE(vt_modules); i++)
		base[i] = module_refcnt(vt_modules[i]);
	kfd = race_kmsg_open();
	st = race_watch(storm, arg, cap, "#   ");
	if (WIFEXITED(st) && WEXITSTATUS(st) == VT_EXIT_SKIP)
		_exit(VT_EXIT_SKIP);
	/* A failed storm: what the kernel said meanwhile, then the verdict. */
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st))
		race_kmsg_splats(kfd, "#   ");
	if (st == -1)
		FAIL("the storm hung (or did not start): see the stacks above");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		FAIL("the storm failed (%s %d)",
		     WIFSIGNALED(st) ? "signal" : "exit",
		     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	for (i = 0; i < (int)ARRAY_SIZE(vt_modules); i++) {
		for (j = 0; j < 500 && base[i] >= 0 &&
		     module_refcnt(vt_modules[i]) != base[i]; j++)
			usleep(10000);
		if (base[i] >= 0 && module_refcnt(vt_modules[i]) != base[i])
			FAIL("module %s refcount %ld after the storm, %ld before",
			     vt_modules[i], module_refcnt(vt_modules[i]),
			     base[i]);
	}
	if (race_kmsg_splats(kfd, "#   "))
		FAIL("kernel splat during the storm (above)");
	printf("#   row took %.1f s (RACE_SEED=%#llx)\n", race_now() - t0,
	       (unsigned long long)seed);
}

/* A row: one storm alone for STORM_SECONDS. */
static void run_storm(void (*storm)(void *))
{
	struct storm_opts o = { .seconds = STORM_SECONDS };

	run_row(storm, &o, o.seconds);
}

#define MAX_IDS 256

struct id_log {
	__u32 id[MAX_IDS];
	int n;
};

static void id_log_add(struct id_log *l, __u32 id)
{
	if (l->n < MAX_IDS)
		l->id[l->n++] = id;
}

/*
 * 1. vDEVICE vs. the unbind hook (tombstones), on mock devices.
 * Thread 0 allocates and destroys vDEVICEs on a device while thread 1
 * destroys the device (the stock unbind, through the hook, tears the
 * vDEVICE down and tombstones its id) and thread 2 looks them up.
 * Catches: a vDEVICE published on a device being or already unbound (an
 * alloc started after the unbind returned succeeds, or an id still
 * destroys afterwards: a vDEVICE left pinning a freed idev); a lost
 * wake-up of the unbind (hang); a UAF of the vDEVICE under a lookup or
 * the invalidation's virt_id walk (KASAN); lock order between the
 * vDEVICE lock, the table lock and VFIO/iommufd locks (lockdep).
 */
struct s_vdev {
	struct vt_fixture f;
	__u32 stdev, dev;
	atomic_uint last_vdev;
	atomic_int gone;
	struct id_log ids;
	int tombstoned, destroyed, late_enoent;
};

static int s_vdev_begin(struct race *r)
{
	struct s_vdev *s = r->arg;

	ASSERT_OK(vt_mock_domain(s->f.vfd, s->f.ioas_id, &s->stdev, NULL,
				 &s->dev));
	atomic_store(&s->gone, 0);
	atomic_store(&s->last_vdev, 0);
	s->ids.n = 0;
	return 1;
}

static void s_vdev_alloc(struct race *r, int i, struct rng *rng)
{
	struct s_vdev *s = r->arg;
	__u64 virt = 0x100 + (r->rounds & 0xff);

	(void)i;
	while (!race_round_over(r)) {
		int gone = atomic_load(&s->gone);
		__u32 id;
		int rc;

		rc = EXPECT_IN(vt_vdevice_alloc(s->f.vfd, s->f.viommu_id,
						s->dev, virt, &id),
			       ENOENT, EEXIST);
		if (!rc && gone)
			FAIL("vDEVICE %#x allocated on device %u after its unbind returned",
			     id, s->dev);
		if (rc == ENOENT) {
			s->late_enoent++;
			return;
		}
		if (rc)
			continue;
		id_log_add(&s->ids, id);
		atomic_store(&s->last_vdev, id);
		race_jitter(rng, 3000);
		/*
		 * EBUSY: held for a moment by a lookup, or by the unbind
		 * hook tearing it down (as upstream's tombstoning does).
		 */
		do {
			rc = EXPECT_IN(vt_destroy(s->f.vfd, id), ENOENT, EBUSY);
			if (rc == EBUSY)
				race_jitter(rng, 500);
		} while (rc == EBUSY && !race_round_over(r));
		if (rc == ENOENT)
			s->tombstoned++;
		else if (!rc)
			s->destroyed++;
	}
}

static void s_vdev_unbind(struct race *r, int i, struct rng *rng)
{
	struct s_vdev *s = r->arg;

	(void)i;
	race_jitter(rng, 20000);
	ASSERT_OK(vt_destroy(s->f.vfd, s->stdev));
	atomic_store(&s->gone, 1);
}

static void s_vdev_lookup(struct race *r, int i, struct rng *rng)
{
	struct s_vdev *s = r->arg;
	struct viommu_viommu_invalidate_selftest inv = {
		.vdev_id = 0x100 + (r->rounds & 0xff),
	};

	(void)i;
	while (!atomic_load(&s->gone) && !race_round_over(r)) {
		__u32 id = atomic_load(&s->last_vdev), num = 0;

		/* A vDEVICE is no vIOMMU: EINVAL after the lookup. */
		if (id)
			EXPECT_IN(vt_invalidate(s->f.vfd, id, NULL,
						VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
						0, &num),
				  EINVAL, ENOENT);
		/* The virt_id walk of the vIOMMU: EINVAL once it is gone. */
		num = 1;
		EXPECT_IN(vt_invalidate(s->f.vfd, s->f.viommu_id, &inv,
					VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					sizeof(inv), &num),
			  EINVAL);
		race_jitter(rng, 500);
	}
}

static void s_vdev_end(struct race *r)
{
	struct s_vdev *s = r->arg;
	int i;

	/* Every vDEVICE went with its device; the device id with it. */
	for (i = 0; i < s->ids.n; i++)
		ASSERT_ERRNO(ENOENT, vt_destroy(s->f.vfd, s->ids.id[i]));
	ASSERT_ERRNO(ENOENT, stock_destroy(s->f.iommufd, s->dev));
}

static void storm_vdevice_vs_unbind(void *p)
{
	const struct storm_opts *o = p;
	struct s_vdev *s = calloc(1, sizeof(*s));
	struct race r = {
		.nthreads = 3,
		.work = { s_vdev_alloc, s_vdev_unbind, s_vdev_lookup },
		.begin = s_vdev_begin,
		.end = s_vdev_end,
		.arg = s,
	};

	ASSERT_TRUE(s);
	vt_setup(&s->f, VT_VIOMMU);
	storm_run(&r, o, 1, 400);
	storm_teardown(&s->f);
	storm_report("vdevice_vs_unbind", &r, 1,
		     "%d vDEVICEs destroyed, %d tombstoned by the unbind, %d allocs refused after it",
		     s->destroyed, s->tombstoned, s->late_enoent);
}

TEST(vdevice_vs_unbind_hook)
{
	run_storm(storm_vdevice_vs_unbind);
}

/*
 * 2. VFIO unbind (close of edu's device fd) vs. vDEVICE alloc on it, on
 * the emulated SMMUv3. Thread 0 allocates and destroys edu's vDEVICE
 * while thread 1 closes the device fd (VFIO unbinds it from the iommufd
 * through the hooked iommufd_device_unbind), on even rounds with edu
 * attached to the nest parent first. Catches: a vDEVICE (and the STE
 * state the SMMUv3 backend keeps for its vSID) outliving the unbind, an
 * unbind that waits for ever on a vDEVICE user (hang), a VFIO bind that
 * fails next round because the device stayed pinned, and locking of
 * VFIO's dev_set lock against ours (lockdep).
 */
#define PARAM_SMMUV3_READY "/sys/module/viommu/parameters/smmuv3_ready"
#define PARAM_NONCOHERENT "/sys/module/viommu/parameters/smmuv3_allow_noncoherent"
#define EDU_VSID 0x42

struct s_vfio {
	int iommufd, vfd, devfd;
	__u32 dev, ioas, parent, viommu;
	atomic_int gone;
	struct id_log ids;
	int tombstoned, destroyed, late_enoent;
};

static int edu_bind(int iommufd, int *devfd, __u32 *dev_id)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };

	*devfd = open(EDU_CDEV, O_RDWR | O_CLOEXEC);
	if (*devfd < 0)
		return -1;
	bind.iommufd = iommufd;
	if (ioctl(*devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -1;
	*dev_id = bind.out_devid;
	return 0;
}

static int edu_pt_attach(int devfd, __u32 pt_id)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = pt_id,
	};

	return ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);
}

static int smmuv3_nesting(void)
{
	char c = viommu_param_state("smmuv3_ready");

	return c == 'Y' && !access(EDU_CDEV, F_OK);
}

static int s_vfio_begin(struct race *r)
{
	struct s_vfio *s = r->arg;

	if (edu_bind(s->iommufd, &s->devfd, &s->dev))
		FAIL("edu does not bind again (round %d): errno %d", r->rounds,
		     errno);
	if (!(r->rounds & 1))
		ASSERT_OK(edu_pt_attach(s->devfd, s->parent));
	atomic_store(&s->gone, 0);
	s->ids.n = 0;
	return 1;
}

static void s_vfio_alloc(struct race *r, int i, struct rng *rng)
{
	struct s_vfio *s = r->arg;

	(void)i;
	while (!race_round_over(r)) {
		int gone = atomic_load(&s->gone);
		__u32 id;
		int rc;

		rc = EXPECT_IN(vt_vdevice_alloc(s->vfd, s->viommu, s->dev,
						EDU_VSID, &id),
			       ENOENT, EEXIST);
		if (!rc && gone)
			FAIL("vDEVICE %#x allocated on edu after its unbind returned",
			     id);
		if (rc == ENOENT) {
			s->late_enoent++;
			return;
		}
		if (rc)
			continue;
		id_log_add(&s->ids, id);
		race_jitter(rng, 3000);
		/*
		 * EBUSY: held for a moment by a lookup, or by the unbind
		 * hook tearing it down (as upstream's tombstoning does).
		 */
		do {
			rc = EXPECT_IN(vt_destroy(s->vfd, id), ENOENT, EBUSY);
			if (rc == EBUSY)
				race_jitter(rng, 500);
		} while (rc == EBUSY && !race_round_over(r));
		if (rc == ENOENT)
			s->tombstoned++;
		else if (!rc)
			s->destroyed++;
	}
}

static void s_vfio_close(struct race *r, int i, struct rng *rng)
{
	struct s_vfio *s = r->arg;

	(void)i;
	race_jitter(rng, 30000);
	ASSERT_OK(close(s->devfd));
	atomic_store(&s->gone, 1);
}

static void s_vfio_end(struct race *r)
{
	struct s_vfio *s = r->arg;
	int i;

	for (i = 0; i < s->ids.n; i++)
		ASSERT_ERRNO(ENOENT, vt_destroy(s->vfd, s->ids.id[i]));
	ASSERT_ERRNO(ENOENT, stock_destroy(s->iommufd, s->dev));
}

static void storm_vfio_unbind(void *p)
{
	const struct storm_opts *o = p;
	struct s_vfio *s = calloc(1, sizeof(*s));
	struct race r = {
		.nthreads = 2,
		.work = { s_vfio_alloc, s_vfio_close },
		.begin = s_vfio_begin,
		.end = s_vfio_end,
		.arg = s,
	};
	char gate = viommu_param_state("smmuv3_allow_noncoherent");

	ASSERT_TRUE(s);
	if (!smmuv3_nesting())
		SKIP("no SMMUv3 backend or no edu in this VM");
	s->iommufd = open_iommufd();
	ASSERT_OK(vt_door_bind(s->iommufd, &s->vfd));
	if (edu_bind(s->iommufd, &s->devfd, &s->dev))
		FAIL("cannot bind edu: errno %d", errno);
	ASSERT_OK(ioas_alloc(s->iommufd, &s->ioas));
	ASSERT_OK(stock_hwpt_alloc(s->iommufd, s->dev, s->ioas,
				   IOMMU_HWPT_ALLOC_NEST_PARENT, &s->parent));
	ASSERT_OK(edu_pt_attach(s->devfd, s->parent));
	ASSERT_OK(write_file(PARAM_NONCOHERENT, "1"));
	ASSERT_OK(vt_viommu_alloc(s->vfd, s->dev, s->parent,
				  VIOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL, 0,
				  &s->viommu));
	ASSERT_OK(write_file(PARAM_NONCOHERENT, gate == 'Y' ? "1" : "0"));
	ASSERT_OK(close(s->devfd));

	storm_run(&r, o, 2, 200);
	ASSERT_OK(vt_destroy(s->vfd, s->viommu));
	ASSERT_OK(stock_destroy(s->iommufd, s->parent));
	ASSERT_OK(close(s->vfd));
	ASSERT_OK(close(s->iommufd));
	storm_report("vfio_unbind", &r, 1,
		     "%d vDEVICEs destroyed, %d tombstoned by the unbind, %d allocs refused after it",
		     s->destroyed, s->tombstoned, s->late_enoent);
}

TEST(vdevice_alloc_vs_vfio_unbind)
{
	run_storm(storm_vfio_unbind);
}

/*
 * 3. Orphan reaping. A /dev/viommu context closes while a device of
 * another context is attached to its nested HWPT: the context stays as
 * an orphan (holding the module) until the stock side lets go. Then, all
 * at once: thread 0 moves that device away (even rounds: replace to the
 * IOAS; odd rounds: destroys it, an unbind), thread 1 destroys the nested
 * HWPT through the stock file, thread 2 churns attaches of a bystander
 * device (each queues a reap). Catches: an orphan never reaped (its
 * vIOMMU keeps the nest parent busy: checked for 5 s), a reap and a
 * stock destroy both freeing the nested HWPT (KASAN, or an id that
 * destroys twice), the reaper against the unbind hook (lockdep), a lost
 * module reference (the row's refcount check).
 */
struct s_orphan {
	int iommufd, vfd1, vfd2;
	__u8 *buffer;
	__u32 ioas, mock_hwpt, stdev2, dev2, stdev3, parent, nested;
	atomic_int moving;
	int stock_won, reaper_won;
};

static int s_orphan_begin(struct race *r)
{
	struct s_orphan *s = r->arg;
	__u32 viommu, vdev;

	if (!s->stdev2)
		ASSERT_OK(vt_mock_domain(s->vfd2, s->ioas, &s->stdev2, NULL,
					 &s->dev2));
	ASSERT_OK(stock_hwpt_alloc(s->iommufd, s->dev2, s->ioas,
				   IOMMU_HWPT_ALLOC_NEST_PARENT, &s->parent));
	ASSERT_OK(vt_door_bind(s->iommufd, &s->vfd1));
	ASSERT_OK(vt_viommu_alloc(s->vfd1, s->dev2, s->parent,
				  VIOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0,
				  &viommu));
	ASSERT_OK(vt_vdevice_alloc(s->vfd1, viommu, s->dev2, 0x99, &vdev));
	ASSERT_OK(vt_nested_alloc_default(s->vfd1, s->dev2, viommu,
					  &s->nested));
	ASSERT_OK(vt_mock_replace(s->vfd2, s->stdev2, s->nested));
	/* Attached: in use, before the close and after it. */
	if (!EXPECT_IN(stock_destroy(s->iommufd, s->nested), EBUSY))
		FAIL("round %d: nested HWPT destroyed while attached, before the close",
		     r->rounds);
	/* The orphan: its vIOMMU still pins the parent. */
	ASSERT_OK(close(s->vfd1));
	ASSERT_ERRNO(EBUSY, stock_destroy(s->iommufd, s->parent));
	if (!EXPECT_IN(stock_destroy(s->iommufd, s->nested), EBUSY))
		FAIL("round %d: nested HWPT destroyed while attached, once its context closed",
		     r->rounds);
	atomic_store(&s->moving, 0);
	return 1;
}

static void s_orphan_move(struct race *r, int i, struct rng *rng)
{
	struct s_orphan *s = r->arg;

	(void)i;
	race_jitter(rng, 20000);
	atomic_store(&s->moving, 1);
	if (r->rounds & 1) {
		ASSERT_OK(vt_destroy(s->vfd2, s->stdev2));
		s->stdev2 = 0;
	} else {
		ASSERT_OK(vt_mock_replace(s->vfd2, s->stdev2, s->ioas));
	}
}

static void s_orphan_stock_destroy(struct race *r, int i, struct rng *rng)
{
	struct s_orphan *s = r->arg;

	(void)i;
	while (!race_round_over(r)) {
		int rc = EXPECT_IN(stock_destroy(s->iommufd, s->nested),
				   EBUSY, ENOENT);
		/*
		 * Read after the call: the move is flagged before it starts,
		 * so a destroy that found the HWPT detached sees the flag.
		 */
		int moving = atomic_load(&s->moving);

		if (!rc) {
			/* Detached only once the move has begun. */
			if (!moving)
				FAIL("round %d (%s): nested HWPT gone while a device was attached",
				     r->rounds, r->rounds & 1 ? "unbind" : "replace");
			s->stock_won++;
			return;
		}
		if (rc == ENOENT) {
			if (!moving)
				FAIL("round %d (%s): nested HWPT gone while a device was attached",
				     r->rounds, r->rounds & 1 ? "unbind" : "replace");
			s->reaper_won++;
			return;
		}
		race_jitter(rng, 2000);
	}
	FAIL("the nested HWPT stayed busy after its device moved away");
}

static void s_orphan_churn(struct race *r, int i, struct rng *rng)
{
	struct s_orphan *s = r->arg;
	int n = 0;

	(void)i;
	while (!atomic_load(&s->moving) && !race_round_over(r)) {
		ASSERT_OK(vt_mock_replace(s->vfd2, s->stdev3,
					  n++ & 1 ? s->ioas : s->mock_hwpt));
		race_jitter(rng, 2000);
	}
}

static void s_orphan_end(struct race *r)
{
	struct s_orphan *s = r->arg;
	int i, rc = -1;

	/* Reaped: the vIOMMU went, so the parent destroys (give it 5 s). */
	for (i = 0; i < 500; i++) {
		errno = 0;
		rc = stock_destroy(s->iommufd, s->parent);
		if (!rc || errno != EBUSY)
			break;
		usleep(10000);
	}
	if (rc)
		FAIL("orphan not reaped: nest parent destroy gives errno %d after 5 s",
		     errno);
	ASSERT_ERRNO(ENOENT, stock_destroy(s->iommufd, s->nested));
}

static void storm_orphan(void *p)
{
	const struct storm_opts *o = p;
	struct s_orphan *s = calloc(1, sizeof(*s));
	struct race r = {
		.nthreads = 3,
		.work = { s_orphan_move, s_orphan_stock_destroy,
			  s_orphan_churn },
		.begin = s_orphan_begin,
		.end = s_orphan_end,
		.arg = s,
	};
	__u64 iova = MOCK_APERTURE_START;

	ASSERT_TRUE(s);
	VT_REQUIRE_VIOMMU_DOOR("an orphan is a closed /dev/viommu context");
	vt_require_selftest();
	s->buffer = vt_buffer();
	s->iommufd = open_iommufd();
	ASSERT_OK(vt_door_bind(s->iommufd, &s->vfd2));
	ASSERT_OK(ioas_alloc(s->iommufd, &s->ioas));
	ASSERT_OK(ioas_map(s->iommufd, s->ioas, s->buffer, MAPPED_PAGES * psz,
			   &iova, 1));
	ASSERT_OK(vt_mock_domain(s->vfd2, s->ioas, &s->stdev3, &s->mock_hwpt,
				 NULL));

	storm_run(&r, o, 3, 300);
	ASSERT_OK(close(s->vfd2));
	ASSERT_OK(close(s->iommufd));
	expect_unpinned(s->buffer);
	storm_report("orphan", &r, 1,
		     "nested HWPT destroyed by the stock call %d times, by the reaper %d times",
		     s->stock_won, s->reaper_won);
}

TEST(orphan_reaping)
{
	VT_REQUIRE_VIOMMU_DOOR("an orphan is a closed /dev/viommu context");
	run_storm(storm_orphan);
}

/*
 * 4. Close vs. ioctls in flight. Each round makes a fresh pair with a
 * vIOMMU, gives three threads a dup each of the vIOMMU file (and drops
 * every other fd of it, the stock file too: through the stock door the
 * dups are the stock file), and has them make and destroy objects of
 * every kind while thread 0 swaps their fds for /dev/null one by one
 * (a close that no open can take the number of). The last reference goes
 * in whichever thread drops it last, maybe inside an ioctl's fdput.
 * Catches: a release that runs under a live ioctl or misses objects made
 * by the last ioctls (pins left on the buffer: checked from a fresh
 * pair; module references: the row check), a UAF of the context in an
 * ioctl racing the release (KASAN), a release that waits on itself
 * (hang), vEVENTQ files keeping a freed context.
 */
struct s_close {
	struct vt_fixture f;
	int fd[4];
	int made[4];
};

static int s_close_begin(struct race *r)
{
	struct s_close *s = r->arg;
	int i;

	vt_setup(&s->f, VT_VIOMMU);
	for (i = 1; i < 4; i++) {
		s->fd[i] = fcntl(s->f.vfd, F_DUPFD_CLOEXEC, 0);
		ASSERT_TRUE(s->fd[i] >= 0);
	}
	ASSERT_OK(close(s->f.vfd));
	ASSERT_OK(close(s->f.iommufd));
	return 1;
}

/* One ioctl of a random kind; 1 once the fd says ENOTTY (swapped). */
static int s_close_one(struct s_close *s, int fd, struct rng *rng)
{
	struct vt_fixture *f = &s->f;
	__u32 id, num = 0;
	int rc, qfd;

	switch (rng_below(rng, 7)) {
	case 0:
		rc = EXPECT_IN(vt_vdevice_alloc(fd, f->viommu_id, f->device_id,
						0x10, &id),
			       EEXIST, ENOTTY);
		if (!rc && rng_below(rng, 2))
			rc = EXPECT_IN(vt_destroy(fd, id), ENOENT, ENOTTY);
		break;
	case 1:
		rc = EXPECT_IN(vt_veventq_alloc(fd, f->viommu_id,
						VIOMMU_VEVENTQ_TYPE_SELFTEST, 2,
						&id, &qfd),
			       EEXIST, ENOTTY);
		if (!rc) {
			/* Its file holds the context until closed. */
			race_jitter(rng, 2000);
			ASSERT_OK(close(qfd));
			rc = EXPECT_IN(vt_destroy(fd, id), ENOENT, EBUSY,
				       ENOTTY);
		}
		break;
	case 2:
		rc = EXPECT_IN(vt_hw_queue_alloc(fd, f->viommu_id,
						 VIOMMU_HW_QUEUE_TYPE_SELFTEST,
						 0, MOCK_APERTURE_START, psz,
						 &id),
			       EEXIST, ENOTTY);
		if (!rc && rng_below(rng, 2))
			rc = EXPECT_IN(vt_destroy(fd, id), ENOENT, ENOTTY);
		break;
	case 3:
		rc = EXPECT_IN(vt_mock_domain(fd, f->ioas_id, NULL, NULL, NULL),
			       ENOTTY);
		break;
	case 4:
		rc = EXPECT_IN(vt_nested_alloc_default(fd, f->device_id,
						       f->viommu_id, NULL),
			       ENOTTY);
		break;
	case 5:
		rc = EXPECT_IN(vt_viommu_alloc(fd, f->device_id, f->hwpt_id,
					       VIOMMU_VIOMMU_TYPE_SELFTEST,
					       NULL, 0, NULL),
			       ENOTTY);
		break;
	default:
		rc = EXPECT_IN(vt_invalidate(fd, f->viommu_id, NULL,
					     VIOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					     0, &num),
			       ENOTTY);
		break;
	}
	return rc == ENOTTY;
}

static void s_close_user(struct race *r, int i, struct rng *rng)
{
	struct s_close *s = r->arg;

	s->made[i] = 0;
	while (!race_round_over(r)) {
		if (s_close_one(s, s->fd[i], rng))
			return;
		s->made[i]++;
	}
	FAIL("fd %d still reaches the vIOMMU file after the swap", s->fd[i]);
}

static void s_close_closer(struct race *r, int i, struct rng *rng)
{
	struct s_close *s = r->arg;
	int order[3] = { 1, 2, 3 }, j;

	(void)i;
	for (j = 2; j > 0; j--) {
		int k = rng_below(rng, j + 1), t = order[j];

		order[j] = order[k];
		order[k] = t;
	}
	race_jitter(rng, 200000);
	for (j = 0; j < 3; j++) {
		swap_for_null(s->fd[order[j]]);
		race_jitter(rng, 20000);
	}
}

static void s_close_end(struct race *r)
{
	struct s_close *s = r->arg;
	int i;

	for (i = 1; i < 4; i++)
		ASSERT_OK(close(s->fd[i]));
	expect_unpinned(s->f.buffer);
	ASSERT_OK(munmap(s->f.buffer, BUFFER_PAGES * psz));
}

static void storm_close(void *p)
{
	const struct storm_opts *o = p;
	struct s_close *s = calloc(1, sizeof(*s));
	struct race r = {
		.nthreads = 4,
		.work = { s_close_closer, s_close_user, s_close_user,
			  s_close_user },
		.begin = s_close_begin,
		.end = s_close_end,
		.arg = s,
	};

	ASSERT_TRUE(s);
	storm_run(&r, o, 4, 300);
	storm_report("close", &r, 1, NULL);
}

TEST(close_vs_inflight_ioctl)
{
	run_storm(storm_close);
}

/*
 * 5. vEVENTQ read/poll vs. destroy, and vs. events triggered through the
 * selftest. Each round makes a vEVENTQ of a random depth; thread 1 reads
 * it (buffers of varying sizes), thread 2 polls and epolls it, thread 3
 * triggers events, and thread 0 closes its file (a swap) then destroys it
 * as soon as no reader holds it. Catches: a destroy that succeeds while
 * a read or poll still holds the file, or frees the queue under a
 * reporter (KASAN: the wait queue, the event list), records out of
 * order, torn or naming the wrong device, an epoll entry left on a freed
 * wait queue (KASAN at the epoll fd's next wait or close), a destroy
 * that stays EBUSY after the last holder went.
 */
#define VEV_VIRT 0x77

struct s_vevq {
	struct vt_fixture f;
	__u32 qid;
	int qfd, epfd;
	atomic_int closed, gone;
	long events, lost, triggers;
};

static int s_vevq_begin(struct race *r)
{
	struct s_vevq *s = r->arg;
	struct epoll_event ev = { .events = EPOLLIN };
	struct rng rng;

	rng_seed(&rng, r->seed ^ r->rounds);
	ASSERT_OK(vt_veventq_alloc(s->f.vfd, s->f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST,
				   1 + rng_below(&rng, 4), &s->qid, &s->qfd));
	ASSERT_OK(epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->qfd, &ev));
	atomic_store(&s->closed, 0);
	atomic_store(&s->gone, 0);
	return 1;
}

static void s_vevq_destroy(struct race *r, int i, struct rng *rng)
{
	struct s_vevq *s = r->arg;

	(void)i;
	race_jitter(rng, 300000);
	/* The epoll entry goes with the file's last reference. */
	swap_for_null(s->qfd);
	atomic_store(&s->closed, 1);
	while (EXPECT_IN(vt_destroy(s->f.vfd, s->qid), EBUSY)) {
		if (race_round_over(r))
			FAIL("vEVENTQ %#x busy for 3 s after its file closed",
			     s->qid);
		usleep(1000);
	}
	atomic_store(&s->gone, 1);
}

static void s_vevq_read(struct race *r, int i, struct rng *rng)
{
	static const size_t sizes[] = { 8, 12, 16, 24, 36, 256 };
	struct s_vevq *s = r->arg;
	long last = -1;

	(void)i;
	while (!atomic_load(&s->gone) && !race_round_over(r)) {
		struct vt_vevent ev[32];
		int n, k;

		n = vt_read_vevents(s->qfd, sizes[rng_below(rng, 6)], ev, 32);
		if (n < 0) {
			/* A first record bigger than the buffer */
			race_check(n, errno, "read(vEVENTQ)", __FILE__,
				   __LINE__, (const int[]){ EINVAL }, 1);
			continue;
		}
		for (k = 0; k < n; k++) {
			if (ev[k].flags & ~VIOMMU_VEVENTQ_FLAG_LOST_EVENTS)
				FAIL("record flags %#x", ev[k].flags);
			if ((long)ev[k].sequence <= last)
				FAIL("sequence %u after %ld", ev[k].sequence,
				     last);
			last = ev[k].sequence;
			if (ev[k].flags) {
				s->lost++;
			} else {
				if (ev[k].virt_id != VEV_VIRT)
					FAIL("event of virt_id %#x", ev[k].virt_id);
				s->events++;
			}
		}
		race_jitter(rng, 2000);
	}
}

static void s_vevq_poll(struct race *r, int i, struct rng *rng)
{
	struct s_vevq *s = r->arg;

	(void)i;
	while (!atomic_load(&s->gone) && !race_round_over(r)) {
		struct pollfd pfd = { .fd = s->qfd, .events = POLLIN };
		struct epoll_event ev;

		if (rng_below(rng, 2))
			ASSERT_TRUE(poll(&pfd, 1, 2) >= 0);
		else
			ASSERT_TRUE(epoll_wait(s->epfd, &ev, 1, 2) >= 0);
	}
}

static void s_vevq_trigger(struct race *r, int i, struct rng *rng)
{
	struct s_vevq *s = r->arg;

	(void)i;
	while (!atomic_load(&s->gone) && !race_round_over(r)) {
		/*
		 * EOPNOTSUPP: no vEVENTQ of the type anymore; ENOMEM: the
		 * report's GFP_NOWAIT allocation failed (a lost event).
		 */
		if (!EXPECT_IN(vt_trigger_vevent(s->f.vfd, s->f.device_id),
			       EOPNOTSUPP, ENOMEM))
			s->triggers++;
		race_jitter(rng, 5000);
	}
}

static void s_vevq_end(struct race *r)
{
	struct s_vevq *s = r->arg;

	ASSERT_ERRNO(ENOENT, vt_destroy(s->f.vfd, s->qid));
	/* No vEVENTQ left: the report has nowhere to go. */
	ASSERT_ERRNO(EOPNOTSUPP, vt_trigger_vevent(s->f.vfd, s->f.device_id));
	ASSERT_OK(close(s->qfd));
}

static void storm_veventq(void *p)
{
	const struct storm_opts *o = p;
	struct s_vevq *s = calloc(1, sizeof(*s));
	struct race r = {
		.nthreads = 4,
		.work = { s_vevq_destroy, s_vevq_read, s_vevq_poll,
			  s_vevq_trigger },
		.begin = s_vevq_begin,
		.end = s_vevq_end,
		.arg = s,
	};
	__u32 vdev;

	ASSERT_TRUE(s);
	vt_setup(&s->f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(s->f.vfd, s->f.viommu_id, s->f.device_id,
				   VEV_VIRT, &vdev));
	ASSERT_OK(vt_mock_replace(s->f.vfd, s->f.stdev_id,
				  s->f.nested_hwpt_id));
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_TRUE(s->epfd >= 0);

	storm_run(&r, o, 5, 400);
	ASSERT_OK(close(s->epfd));
	storm_teardown(&s->f);
	storm_report("veventq", &r, s->events,
		     "%ld triggers, %ld events read, %ld lost markers",
		     s->triggers, s->events, s->lost);
}

TEST(veventq_read_poll_vs_destroy)
{
	run_storm(storm_veventq);
}

/*
 * 6. mmap vs. destroy of the region's vIOMMU. Each round makes a vIOMMU
 * with a region; threads 1 and 2 map it, check its first word, and unmap
 * it (whole, or page by page: a VMA split), some times across a fork,
 * while thread 0 destroys the vIOMMU as soon as no mapping holds it.
 * Catches: an mmap that succeeds after the destroy returned (a mapping
 * of freed pages), a destroy that succeeds under a mapping, a mapping
 * that shows other memory, a pin leaked by a split or a fork (the
 * destroy stays EBUSY: 3 s), a UAF of the region in a racing mmap
 * (KASAN).
 */
struct s_mmap {
	struct vt_fixture f;
	int mixed;
	struct viommu_viommu_selftest data;
	__u32 viommu;
	atomic_int destroyed;
	long maps, refused, forks;
};

static int s_mmap_begin(struct race *r)
{
	struct s_mmap *s = r->arg;

	s->data = (struct viommu_viommu_selftest){
		.in_data = 0x5a000000 | r->rounds,
	};
	ASSERT_OK(vt_viommu_alloc(s->f.vfd, s->f.device_id, s->f.hwpt_id,
				  VIOMMU_VIOMMU_TYPE_SELFTEST, &s->data,
				  sizeof(s->data), &s->viommu));
	ASSERT_EQ(2 * psz, s->data.out_mmap_length);
	atomic_store(&s->destroyed, 0);
	return 1;
}

static void s_mmap_destroy(struct race *r, int i, struct rng *rng)
{
	struct s_mmap *s = r->arg;

	(void)i;
	race_jitter(rng, 100000);
	while (EXPECT_IN(vt_destroy(s->f.vfd, s->viommu), EBUSY)) {
		if (race_round_over(r))
			FAIL("vIOMMU %#x busy for 3 s: a mapping pin leaked",
			     s->viommu);
		race_jitter(rng, 2000);
	}
	atomic_store(&s->destroyed, 1);
}

static void s_mmap_map(struct race *r, int i, struct rng *rng)
{
	struct s_mmap *s = r->arg;
	size_t len = s->data.out_mmap_length;

	int k;

	(void)i;
	/* A few each round: endless mappers would starve the destroy. */
	for (k = 0; k < 6 && !race_round_over(r); k++) {
		int destroyed = atomic_load(&s->destroyed);
		__u8 *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       s->f.vfd, s->data.out_mmap_offset);

		if (p == MAP_FAILED) {
			race_check(-1, errno, "mmap(vIOMMU region)", __FILE__,
				   __LINE__, (const int[]){ ENXIO }, 1);
			s->refused++;
			if (destroyed)
				return;
			continue;
		}
		if (destroyed)
			FAIL("mmap of vIOMMU %#x succeeded after its destroy",
			     s->viommu);
		s->maps++;
		if (read_word(p) != s->data.in_data)
			FAIL("region reads %#x, not %#x", read_word(p),
			     s->data.in_data);
		race_jitter(rng, 2000);
		/* Not beside other storms: a child would hold their fds. */
		if (!s->mixed && !rng_below(rng, 16)) {
			pid_t pid = fork();
			int st;

			ASSERT_TRUE(pid >= 0);
			if (!pid)
				_exit(read_word(p) == s->data.in_data ?
				      0 : 1);
			ASSERT_EQ(pid, waitpid(pid, &st, 0));
			ASSERT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
			s->forks++;
		}
		if (rng_below(rng, 2)) {
			ASSERT_OK(munmap(p + psz, psz));
			race_jitter(rng, 2000);
			ASSERT_OK(munmap(p, psz));
		} else {
			ASSERT_OK(munmap(p, len));
		}
	}
}

static void s_mmap_end(struct race *r)
{
	struct s_mmap *s = r->arg;

	ASSERT_ERRNO(ENOENT, vt_destroy(s->f.vfd, s->viommu));
	ASSERT_TRUE(mmap(NULL, s->data.out_mmap_length, PROT_READ,
			 MAP_SHARED, s->f.vfd, s->data.out_mmap_offset) ==
		    MAP_FAILED && errno == ENXIO);
}

static void storm_mmap(void *p)
{
	const struct storm_opts *o = p;
	struct s_mmap *s = calloc(1, sizeof(*s));
	struct race r = {
		.nthreads = 3,
		.work = { s_mmap_destroy, s_mmap_map, s_mmap_map },
		.begin = s_mmap_begin,
		.end = s_mmap_end,
		.arg = s,
	};

	ASSERT_TRUE(s);
	vt_setup(&s->f, VT_PARENT);
	s->mixed = o->mixed;
	storm_run(&r, o, 6, 400);
	storm_teardown(&s->f);
	storm_report("mmap", &r, s->maps,
		     "%ld mappings (%ld across a fork), %ld refused",
		     s->maps, s->forks, s->refused);
}

TEST(mmap_vs_destroy)
{
	run_storm(storm_mmap);
}

/*
 * 7. HW_QUEUE guard vs. IOAS_UNMAP in flight. Thread 1 unmaps and maps
 * again one page of the nest parent's IOAS, over and over, while thread 0
 * makes a HW_QUEUE on that page (its guard and pin), checks it holds, and
 * destroys it. Catches: an unmap that succeeds while a queue lives on
 * the page (the guard missed an unmap in flight: the pinned page would
 * leave the IOAS under the hardware), 6.12's EDEADLOCK after its 100
 * retries (an unguarded pin met by the unmap), a pin left after the
 * destroy (the page's pin count, checked each round).
 */
struct s_hwq {
	struct vt_fixture f;
	__u64 iova;
	__u8 *page;
	atomic_int alive, done;
	long queues, refused, unmaps, busy;
};

static int s_hwq_mapped(struct s_hwq *s)
{
	__u64 iova = s->iova;
	int rc = EXPECT_IN(ioas_map(s->f.iommufd, s->f.ioas_id, s->page, psz,
				    &iova, 1),
			   EEXIST);

	return !rc || rc == EEXIST;
}

static int s_hwq_begin(struct race *r)
{
	struct s_hwq *s = r->arg;

	ASSERT_TRUE(s_hwq_mapped(s));
	atomic_store(&s->alive, 0);
	atomic_store(&s->done, 0);
	return 1;
}

static void s_hwq_queue(struct race *r, int i, struct rng *rng)
{
	struct s_hwq *s = r->arg;
	__u32 q;
	int rc;

	(void)i;
	race_jitter(rng, 20000);
	rc = EXPECT_IN(vt_hw_queue_alloc(s->f.vfd, s->f.viommu_id,
					 VIOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
					 s->iova, psz, &q),
		       ENOENT);
	if (rc) {
		s->refused++;
	} else {
		s->queues++;
		atomic_store(&s->alive, 1);
		ASSERT_ERRNO(EBUSY, ioas_unmap(s->f.iommufd, s->f.ioas_id,
					       s->iova, psz));
		race_jitter(rng, 20000);
		atomic_store(&s->alive, 0);
		ASSERT_OK(vt_destroy(s->f.vfd, q));
	}
	atomic_store(&s->done, 1);
}

static void s_hwq_unmap(struct race *r, int i, struct rng *rng)
{
	struct s_hwq *s = r->arg;

	(void)i;
	while (!atomic_load(&s->done) && !race_round_over(r)) {
		int before = atomic_load(&s->alive);
		int rc = EXPECT_IN(ioas_unmap(s->f.iommufd, s->f.ioas_id,
					      s->iova, psz),
				   ENOENT, EBUSY);

		if (!rc && before && atomic_load(&s->alive))
			FAIL("page unmapped under a live HW_QUEUE");
		if (!rc)
			s->unmaps++;
		if (rc == EBUSY)
			s->busy++;
		race_jitter(rng, 3000);
		s_hwq_mapped(s);
	}
}

static void s_hwq_end(struct race *r)
{
	struct s_hwq *s = r->arg;

	/* Mapped, and pinned only by the mock domain's mapping. */
	ASSERT_TRUE(s_hwq_mapped(s));
	ASSERT_OK(vt_check_refs(s->f.vfd, s->page, psz, 1));
}

static void storm_hw_queue(void *p)
{
	const struct storm_opts *o = p;
	struct s_hwq *s = calloc(1, sizeof(*s));
	struct race r = {
		.nthreads = 2,
		.work = { s_hwq_queue, s_hwq_unmap },
		.begin = s_hwq_begin,
		.end = s_hwq_end,
		.arg = s,
	};

	ASSERT_TRUE(s);
	vt_setup(&s->f, VT_VIOMMU);
	s->iova = MOCK_APERTURE_START + MAPPED_PAGES * psz;
	s->page = s->f.buffer + MAPPED_PAGES * psz;
	storm_run(&r, o, 7, 400);
	storm_teardown(&s->f);
	storm_report("hw_queue", &r, s->queues,
		     "%ld queues made, %ld refused (page unmapped), %ld unmaps done, %ld refused busy",
		     s->queues, s->refused, s->unmaps, s->busy);
}

TEST(hw_queue_guard_vs_unmap)
{
	run_storm(storm_hw_queue);
}

/*
 * 8. Door pin sections vs. a VFIO bind on the same file. Objects the
 * door makes for a stock file (a mock device's bind) skip their pin on
 * it, only inside that task's door ioctl; a VFIO bind of edu from
 * another thread at the same time pins the file for real. Thread 0 makes
 * and destroys mock devices through the door (or /dev/viommu), thread 1
 * binds and unbinds edu on the stock file, thread 2 allocates IOASes on
 * it; then both files close. Catches: a pin skipped or dropped for the
 * wrong task (the file never closes: the module that serves it keeps a
 * reference, checked for 2 s each round outside the mixed storm; or it
 * closes under a bound device: KASAN), and lock order of the section
 * table against VFIO's (lockdep).
 */
struct s_pins {
	int iommufd, vfd;
	__u32 ioas;
	const char *mod;
	long base;
	int mixed;
	atomic_int done;
	long binds, mocks;
};

static int s_pins_begin(struct race *r)
{
	struct s_pins *s = r->arg;
	int own;

	s->mod = iommu_file_module(&own);
	s->base = module_refcnt(s->mod);
	s->iommufd = open_iommufd();
	ASSERT_OK(vt_door_bind(s->iommufd, &s->vfd));
	ASSERT_OK(ioas_alloc(s->iommufd, &s->ioas));
	atomic_store(&s->done, 0);
	return 1;
}

static void s_pins_mock(struct race *r, int i, struct rng *rng)
{
	struct s_pins *s = r->arg;
	int k;

	(void)i;
	for (k = 0; k < 6 && !race_round_over(r); k++) {
		__u32 stdev;

		ASSERT_OK(vt_mock_domain(s->vfd, s->ioas, &stdev, NULL, NULL));
		s->mocks++;
		race_jitter(rng, 5000);
		/* Some stay, for the close to unbind. */
		if (rng_below(rng, 4))
			ASSERT_OK(vt_destroy(s->vfd, stdev));
	}
	atomic_store(&s->done, 1);
}

static void s_pins_edu(struct race *r, int i, struct rng *rng)
{
	struct s_pins *s = r->arg;
	int devfd;
	__u32 dev;

	(void)i;
	race_jitter(rng, 20000);
	if (edu_bind(s->iommufd, &devfd, &dev))
		FAIL("edu bind: errno %d", errno);
	s->binds++;
	race_jitter(rng, 20000);
	ASSERT_OK(close(devfd));
}

static void s_pins_ioas(struct race *r, int i, struct rng *rng)
{
	struct s_pins *s = r->arg;

	(void)i;
	while (!atomic_load(&s->done) && !race_round_over(r)) {
		__u32 ioas;

		ASSERT_OK(ioas_alloc(s->iommufd, &ioas));
		race_jitter(rng, 2000);
		ASSERT_OK(stock_destroy(s->iommufd, ioas));
	}
}

static void s_pins_end(struct race *r)
{
	struct s_pins *s = r->arg;
	int i;

	ASSERT_OK(close(s->vfd));
	ASSERT_OK(close(s->iommufd));
	if (s->mixed || s->base < 0)
		return;
	for (i = 0; i < 200 && module_refcnt(s->mod) != s->base; i++)
		usleep(10000);
	if (module_refcnt(s->mod) != s->base)
		FAIL("round %d: %s refcount %ld after both closes, %ld before: no release",
		     r->rounds, s->mod, module_refcnt(s->mod), s->base);
}

static void storm_pins(void *p)
{
	const struct storm_opts *o = p;
	struct s_pins *s = calloc(1, sizeof(*s));
	struct race r = {
		.nthreads = 3,
		.work = { s_pins_mock, s_pins_edu, s_pins_ioas },
		.begin = s_pins_begin,
		.end = s_pins_end,
		.arg = s,
	};

	ASSERT_TRUE(s);
	vt_require_selftest();
	if (access(EDU_CDEV, F_OK))
		SKIP("no edu in this VM");
	s->mixed = o->mixed;
	storm_run(&r, o, 8, 200);
	storm_report("pins", &r, 1, "%ld edu binds, %ld mock devices",
		     s->binds, s->mocks);
}

TEST(door_pins_vs_vfio_bind)
{
	run_storm(storm_pins);
}

/*
 * 9. All of the above at once, each storm on its own files, for longer:
 * the races of one storm now also meet the others' (the global vDEVICE
 * lock, the orphan list, the guard table, the object tables of one
 * module). Catches what the rows catch, plus lock order between them
 * (lockdep) and a lost module reference (the row check after all).
 */
struct mixed_storm {
	const char *name;
	void (*fn)(void *arg);
	int (*ok)(void);
};

static int always(void)
{
	return 1;
}

static int viommu_door(void)
{
	return !vt_stock_door();
}

static const struct mixed_storm mixed_storms[] = {
	{ "vdevice_vs_unbind", storm_vdevice_vs_unbind, always },
	{ "vfio_unbind", storm_vfio_unbind, smmuv3_nesting },
	{ "orphan", storm_orphan, viommu_door },
	{ "close", storm_close, always },
	{ "veventq", storm_veventq, always },
	{ "mmap", storm_mmap, always },
	{ "hw_queue", storm_hw_queue, always },
	/* Not "pins": a VFIO cdev binds once at a time, vfio_unbind has edu. */
};

static void *mixed_thread(void *p)
{
	static const struct storm_opts o = {
		.seconds = MIXED_SECONDS,
		.mixed = 1,
	};

	((const struct mixed_storm *)p)->fn((void *)&o);
	return NULL;
}

static void storm_mixed(void *p)
{
	pthread_t t[ARRAY_SIZE(mixed_storms)];
	int run[ARRAY_SIZE(mixed_storms)] = {};
	unsigned int i;

	(void)p;
	for (i = 0; i < ARRAY_SIZE(mixed_storms); i++) {
		run[i] = mixed_storms[i].ok();
		if (run[i])
			ASSERT_EQ(0, pthread_create(&t[i], NULL, mixed_thread,
						    (void *)&mixed_storms[i]));
		else
			printf("#   %s: not in this VM or door\n",
			       mixed_storms[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(mixed_storms); i++)
		if (run[i])
			ASSERT_EQ(0, pthread_join(t[i], NULL));
}

TEST(mixed_all_at_once)
{
	run_row(storm_mixed, NULL, MIXED_SECONDS);
}

int main(int argc, char **argv)
{
	seed = race_seed();
	printf("#   race_test: RACE_SEED=%#llx\n", (unsigned long long)seed);
	return vt_main(argc, argv);
}
