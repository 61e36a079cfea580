// SPDX-License-Identifier: GPL-2.0
/*
 * Unload vs. hooks in flight: viommu.ko is loaded and unloaded again and
 * again (odd rounds with stock_door=1, so /dev/iommu files opened then
 * get the door's fops) while other threads drive the stock paths the
 * module hooks: IOAS map/unmap (iopt_unmap_iova, iopt_unmap_all), edu's
 * VFIO bind/attach/replace/detach/unbind on a stock /dev/iommu
 * (iommufd_ctx_from_fd, ctx_get/put, device_replace/detach/unbind, the
 * SMMUv3 nest-parent alloc and remove_master_domain), a faulting edu DMA
 * (the event thread's queue_remove_raw) and open/close of /dev/iommu
 * (iommufd_fops_open). Run with our modules unloaded, iommufd and
 * vfio-pci loaded and edu bound to vfio-pci; it leaves viommu.ko
 * unloaded. Lines start "viommu-race: "; exit 0 only on success.
 *
 * What it catches: a hook or door fops still running module text after
 * the unload (an oops, KASAN), a module reference leaked by a hook, a
 * door file, a nest parent or its deferred unpin (an unload that never
 * succeeds once every stock user is paused), a load that fails or comes
 * up with the shim or the door off after an unload (state left behind),
 * a stock call that fails while the module comes and goes (each has its
 * expected errnos), a hang (watched: stacks dumped, then a failure).
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "fixture.h"
#include "edu.h"
#include "race.h"

#define PFX "viommu-race: "
/* At least this long and this many loads (a load takes ~10 s under TCG) */
#define STORM_SECONDS 20.0
#define MIN_LOADS 4
#define MAX_SECONDS 100.0
#define MAX_LOADS 60
/* Unload tries with the stock users running, then with them paused */
#define BUSY_SECONDS 2.0
#define PAUSED_SECONDS 8.0
/* The guest page edu's DMA reads, and an IOVA nothing maps */
#define EDU_IOVA 0x100000ULL
#define EDU_BAD_IOVA 0x4000000ULL

struct unload_state {
	double deadline, hard_deadline;
	__u64 seed;
	atomic_int stop, hold, paused;
	int nworkers;
	int loads, door_loads, unloads, busy;
	atomic_long ioas_cycles, edu_cycles, nest_parents, dmas, opens;
	char shim_first;
};

static struct unload_state st;

static int viommu_loaded(void)
{
	return !access("/sys/module/viommu", F_OK);
}

static int unload(void)
{
	return syscall(__NR_delete_module, "viommu", O_NONBLOCK);
}

/* At a cycle's end a worker holds nothing of viommu.ko: pause there. */
static int worker_boundary(void)
{
	if (atomic_load(&st.hold)) {
		atomic_fetch_add(&st.paused, 1);
		while (atomic_load(&st.hold) && !atomic_load(&st.stop))
			usleep(1000);
		atomic_fetch_sub(&st.paused, 1);
	}
	return !atomic_load(&st.stop);
}

/* IOAS map/unmap: the unmap hooks, with and without the module. */
static void *w_ioas(void *p)
{
	struct rng rng;
	__u8 *buf = vt_buffer();

	rng_seed(&rng, st.seed ^ (uintptr_t)p);
	while (worker_boundary()) {
		int fd = open_iommufd(), k;
		__u32 ioas;

		ASSERT_OK(ioas_alloc(fd, &ioas));
		for (k = 0; k < 8; k++) {
			__u64 iova = MOCK_APERTURE_START;

			ASSERT_OK(ioas_map(fd, ioas, buf, 4 * psz, &iova,
					   k & 1));
			race_jitter(&rng, 2000);
			if (k & 2)
				ASSERT_OK(ioas_unmap(fd, ioas, iova, 4 * psz));
			else
				/* IOMMU_IOAS_UNMAP of everything: unmap_all */
				ASSERT_OK(ioas_unmap(fd, ioas, 0, UINT64_MAX));
		}
		if (rng_below(&rng, 2)) {
			__u64 iova = 0;

			/* The IOAS destroy unmaps what is left. */
			ASSERT_OK(ioas_map(fd, ioas, buf, psz, &iova, 0));
			ASSERT_OK(stock_destroy(fd, ioas));
		}
		ASSERT_OK(close(fd));
		atomic_fetch_add(&st.ioas_cycles, 1);
	}
	return NULL;
}

/* One faulting DMA: an event for the SMMU's event thread. */
static void edu_fault(struct edu *e)
{
	edu_dma(e, EDU_BAD_IOVA, EDU_BUF, 4, 0);
	atomic_fetch_add(&st.dmas, 1);
}

/* edu through VFIO on a stock iommufd: bind, attach, replace, unbind. */
static void *w_edu(void *p)
{
	struct rng rng;
	__u8 *page = vt_buffer();

	rng_seed(&rng, st.seed ^ (uintptr_t)p);
	while (worker_boundary()) {
		int fd = open_iommufd(), rc;
		__u32 ioas, hwpt;
		__u64 iova = EDU_IOVA;
		struct edu e;

		edu_open(&e, fd);
		ASSERT_OK(ioas_alloc(fd, &ioas));
		ASSERT_OK(ioas_map(fd, ioas, page, psz, &iova, 1));
		ASSERT_OK(edu_attach(&e, ioas));
		if (!rng_below(&rng, 4))
			edu_fault(&e);
		/* With the module, a nest parent; without, 6.12's answer. */
		rc = EXPECT_IN(stock_hwpt_alloc(fd, e.dev_id, ioas,
						IOMMU_HWPT_ALLOC_NEST_PARENT,
						&hwpt),
			       EOPNOTSUPP);
		if (!rc) {
			atomic_fetch_add(&st.nest_parents, 1);
			ASSERT_OK(edu_attach(&e, hwpt));
			race_jitter(&rng, 5000);
			if (rng_below(&rng, 2)) {
				ASSERT_OK(edu_attach(&e, ioas));
				ASSERT_OK(stock_destroy(fd, hwpt));
			}
		}
		race_jitter(&rng, 5000);
		if (rng_below(&rng, 2))
			ASSERT_OK(edu_detach(&e));
		ASSERT_OK(munmap(e.bar0, e.bar0_size));
		/* Either order: the device's unbind, or the file's release. */
		if (rng_below(&rng, 2)) {
			ASSERT_OK(close(e.devfd));
			ASSERT_OK(close(fd));
		} else {
			ASSERT_OK(close(fd));
			ASSERT_OK(close(e.devfd));
		}
		atomic_fetch_add(&st.edu_cycles, 1);
	}
	return NULL;
}

/* open/close of /dev/iommu: the door's open hook and release. */
static void *w_open(void *p)
{
	struct rng rng;

	rng_seed(&rng, st.seed ^ (uintptr_t)p);
	while (worker_boundary()) {
		int fd = open_iommufd();
		__u32 ioas;

		/* A stock ioctl through whichever fops the file got */
		ASSERT_OK(ioas_alloc(fd, &ioas));
		race_jitter(&rng, 5000);
		if (rng_below(&rng, 2))
			ASSERT_OK(stock_destroy(fd, ioas));
		ASSERT_OK(close(fd));
		atomic_fetch_add(&st.opens, 1);
	}
	return NULL;
}

/*
 * viommu.ko as modprobe finds it. Loaded with finit_module(), not
 * modprobe: a fork would hold every fd of the workers until its exec, so
 * a closed edu fd would not unbind (and rebind EINVAL) meanwhile.
 */
static char ko_path[256];

static void find_ko(void)
{
	struct utsname u;
	char line[512];
	FILE *f;

	ASSERT_OK(uname(&u));
	snprintf(line, sizeof(line), "/lib/modules/%s/modules.dep", u.release);
	f = fopen(line, "r");
	if (!f)
		FAIL("no %s", line);
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = 0;
		if (!strcmp(line, "viommu.ko") ||
		    (strlen(line) > 10 &&
		     !strcmp(line + strlen(line) - 10, "/viommu.ko"))) {
			snprintf(ko_path, sizeof(ko_path), "/lib/modules/%s/%s",
				 u.release, line);
			break;
		}
	}
	fclose(f);
	if (!ko_path[0])
		FAIL("viommu.ko is not in modules.dep");
}

static void load(int door)
{
	char params[32];
	char shim, ready;
	int fd;

	snprintf(params, sizeof(params), "stock_door=%d", door);
	fd = open(ko_path, O_RDONLY | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0);
	if (syscall(__NR_finit_module, fd, params, 0))
		FAIL("round %d: finit_module(%s, %s): errno %d (%s)",
		     st.loads + 1, ko_path, params, errno, strerror(errno));
	ASSERT_OK(close(fd));
	st.loads++;
	st.door_loads += door;
	shim = viommu_param_state("shim_ready");
	if (!st.shim_first)
		st.shim_first = shim;
	if (shim != st.shim_first)
		FAIL("round %d: shim_ready %c, %c at the first one", st.loads,
		     shim ?: '-', st.shim_first ?: '-');
	/* The door comes up wherever the shim does, and only when asked. */
	ready = viommu_param_state("stock_door_ready");
	if (shim == 'Y' && ready != (door ? 'Y' : 'N'))
		FAIL("round %d (stock_door=%d): stock_door_ready %c", st.loads,
		     door, ready ?: '-');
}

static void unload_now(struct rng *rng)
{
	double t0 = race_now();

	while (unload()) {
		if (errno != EWOULDBLOCK && errno != EBUSY && errno != EAGAIN)
			FAIL("delete_module(viommu): errno %d (%s)", errno,
			     strerror(errno));
		st.busy++;
		if (race_now() - t0 > BUSY_SECONDS && !atomic_load(&st.hold))
			atomic_store(&st.hold, 1);
		if (race_now() - t0 > BUSY_SECONDS + PAUSED_SECONDS)
			FAIL("viommu busy (refcnt %ld) %.0f s after stock users paused (%d of %d)",
			     module_refcnt("viommu"), PAUSED_SECONDS,
			     atomic_load(&st.paused), st.nworkers);
		usleep(rng_below(rng, 5000));
	}
	if (viommu_loaded())
		FAIL("delete_module returned 0, /sys/module/viommu is still there");
	st.unloads++;
	atomic_store(&st.hold, 0);
}

static void storm(void *arg)
{
	void *(*const workers[])(void *) = { w_ioas, w_edu, w_open, w_open };
	pthread_t t[ARRAY_SIZE(workers)];
	struct rng rng;
	unsigned int i;

	(void)arg;
	rng_seed(&rng, st.seed);
	st.nworkers = ARRAY_SIZE(workers);
	for (i = 0; i < ARRAY_SIZE(workers); i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, workers[i],
					    (void *)(uintptr_t)(i + 1)));
	while ((race_now() < st.deadline || st.loads < MIN_LOADS) &&
	       race_now() < st.hard_deadline && st.loads < MAX_LOADS) {
		/* Door first: odd loads without it */
		load(!(st.loads & 1));
		usleep(rng_below(&rng, 300000));
		unload_now(&rng);
		usleep(rng_below(&rng, 100000));
	}
	atomic_store(&st.stop, 1);
	for (i = 0; i < ARRAY_SIZE(workers); i++)
		ASSERT_EQ(0, pthread_join(t[i], NULL));
	printf(PFX "%d loads (%d with the door), %d unloads, %d busy unload tries\n",
	       st.loads, st.door_loads, st.unloads, st.busy);
	printf(PFX "stock cycles: %ld IOAS, %ld edu (%ld parents, %ld faulting DMAs), %ld opens\n",
	       atomic_load(&st.ioas_cycles), atomic_load(&st.edu_cycles),
	       atomic_load(&st.nest_parents), atomic_load(&st.dmas),
	       atomic_load(&st.opens));
	fflush(stdout);
	if (st.loads < MIN_LOADS || !atomic_load(&st.edu_cycles) ||
	    !atomic_load(&st.ioas_cycles) || !atomic_load(&st.opens))
		FAIL("no stock path was driven");
}

int main(void)
{
	double t0 = race_now();
	int status, kfd, ok;

	st.seed = race_seed();
	printf(PFX "RACE_SEED=%#llx\n", (unsigned long long)st.seed);
	if (viommu_loaded()) {
		printf(PFX "not ok: viommu.ko is loaded at the start\n");
		return 1;
	}
	if (access(EDU_CDEV, F_OK) || access("/dev/iommu", F_OK)) {
		printf(PFX "not ok: needs /dev/iommu and edu at " EDU_CDEV "\n");
		return 1;
	}
	find_ko();
	st.deadline = race_now() + race_seconds(STORM_SECONDS);
	st.hard_deadline = race_now() + race_seconds(MAX_SECONDS);
	kfd = race_kmsg_open();
	status = race_watch(storm, NULL, race_seconds(MAX_SECONDS) + 60, PFX);
	ok = status != -1 && WIFEXITED(status) && !WEXITSTATUS(status);
	/* Whatever happened, leave viommu.ko unloaded for what follows. */
	for (int i = 0; i < 500 && viommu_loaded() && unload(); i++)
		usleep(10000);
	if (viommu_loaded()) {
		printf(PFX "viommu.ko still loaded at the end (refcnt %ld)\n",
		       module_refcnt("viommu"));
		ok = 0;
	}
	if (race_kmsg_splats(kfd, PFX))
		ok = 0;
	printf(PFX "%s (%.1f s)\n", ok ? "ok" : "not ok", race_now() - t0);
	return ok ? 0 : 1;
}
