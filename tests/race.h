/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Race stress helpers, for race_test.c and race_unload.c: threads that
 * start each round together (a barrier), random jitter so that the
 * racing calls meet at varying points, a bound in rounds and in time,
 * errno checks against an expected set, a watchdog that turns a hang
 * into a failure (and dumps the blocked tasks), and a look at the kernel
 * log for splats that appeared while a storm ran.
 */
#ifndef VIOMMU_TEST_RACE_H
#define VIOMMU_TEST_RACE_H

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <dirent.h>
#include <sys/wait.h>

#include "harness.h"
#include "sysrq.h"

#define RACE_MAX_THREADS 8

static inline double race_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* xorshift64*: cheap, per thread, reproducible from the printed seed */
struct rng {
	__u64 s;
};

static inline void rng_seed(struct rng *r, __u64 seed)
{
	r->s = seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
	if (!r->s)
		r->s = 1;
}

static inline uint32_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t)((r->s * 0x2545f4914f6cdd1dULL) >> 32);
}

static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? rng_next(r) % n : 0;
}

/*
 * Spin a random while (sometimes not at all, sometimes yielding), so
 * that from round to round the racing calls overlap at other points.
 */
/* One load of a shared mapping's word, never cached in a register. */
static inline __u32 read_word(const void *p)
{
	return __atomic_load_n((const __u32 *)p, __ATOMIC_RELAXED);
}

static inline void race_jitter(struct rng *r, unsigned int max_spins)
{
	unsigned int i, n;

	switch (rng_below(r, 8)) {
	case 0:
		return;
	case 1:
		sched_yield();
		return;
	case 2:
		usleep(rng_below(r, 200));
		return;
	}
	n = rng_below(r, max_spins);
	/* The barrier keeps the compiler from dropping the loop. */
	for (i = 0; i < n; i++)
		__asm__ __volatile__("" ::: "memory");
}

/*
 * Check a syscall-style result: success (>= 0), or an errno from @ok.
 * Returns 0 on success, else the errno; anything else fails the test.
 */
static inline int race_check(long rc, int err, const char *what,
			     const char *file, int line, const int *ok,
			     size_t n)
{
	size_t i;

	if (rc >= 0)
		return 0;
	for (i = 0; i < n; i++)
		if (ok[i] == err)
			return err;
	vt_fail(file, line, "%s: unexpected errno %d (%s)", what, err,
		strerror(err));
	return err;
}

/* EXPECT_IN(call, E1, E2...): the call succeeds or fails with one of E*. */
#define EXPECT_IN(call, ...)                                              \
	({                                                                \
		static const int __ok[] = { __VA_ARGS__ };                \
		long __rc;                                                \
		errno = 0;                                                \
		__rc = (long)(call);                                      \
		race_check(__rc, errno, #call, __FILE__, __LINE__, __ok,  \
			   ARRAY_SIZE(__ok));                             \
	})

/**
 * struct race - Threads that run rounds together
 * @nthreads: How many, 2..RACE_MAX_THREADS
 * @work: What thread i does in a round
 * @begin: Run by thread 0 before each round: set up, or return 0 to stop
 * @end: Run by thread 0 after each round, once every thread is done:
 *       check what the round left, clean up
 * @arg: The storm's state
 * @seed: Thread i of round n seeds its rng from @seed, i and n
 * @deadline: No round starts after it (race_now() time)
 * @max_rounds: Nor after this many
 * @round_cap: Seconds a round may take before race_round_over() says so
 * @rounds: Rounds run
 * @round_start: When the current round started
 */
struct race;
/* What thread i of a storm runs in each round. */
typedef void race_work_t(struct race *r, int i, struct rng *rng);

struct race {
	int nthreads;
	race_work_t *work[RACE_MAX_THREADS];
	int (*begin)(struct race *r);
	void (*end)(struct race *r);
	void *arg;
	__u64 seed;
	double deadline;
	int max_rounds;
	double round_cap;
	int rounds;
	double round_start;
	/* private */
	pthread_barrier_t bar;
	pthread_t threads[RACE_MAX_THREADS];
	int stop;
	struct {
		struct race *r;
		int i;
	} targ[RACE_MAX_THREADS];
};

/* For loops inside a round: true once the round has run too long. */
static inline int race_round_over(struct race *r)
{
	return race_now() - r->round_start > r->round_cap;
}

static inline void *race_thread(void *p)
{
	struct race *r = ((typeof(r->targ[0]) *)p)->r;
	int i = ((typeof(r->targ[0]) *)p)->i;
	struct rng rng;

	for (;;) {
		if (i == 0) {
			r->stop = r->rounds >= r->max_rounds ||
				  race_now() >= r->deadline ||
				  (r->begin && !r->begin(r));
			r->round_start = race_now();
		}
		pthread_barrier_wait(&r->bar);
		if (r->stop)
			break;
		rng_seed(&rng, r->seed ^ ((__u64)(i + 1) << 40) ^
			       (__u64)r->rounds);
		r->work[i](r, i, &rng);
		pthread_barrier_wait(&r->bar);
		if (i == 0) {
			if (r->end)
				r->end(r);
			r->rounds++;
		}
	}
	return NULL;
}

static inline void race_start(struct race *r)
{
	int i;

	ASSERT_TRUE(r->nthreads >= 1 && r->nthreads <= RACE_MAX_THREADS);
	ASSERT_EQ(0, pthread_barrier_init(&r->bar, NULL, r->nthreads));
	for (i = 0; i < r->nthreads; i++) {
		r->targ[i].r = r;
		r->targ[i].i = i;
		ASSERT_EQ(0, pthread_create(&r->threads[i], NULL, race_thread,
					    &r->targ[i]));
	}
}

static inline void race_join(struct race *r)
{
	int i;

	for (i = 0; i < r->nthreads; i++)
		ASSERT_EQ(0, pthread_join(r->threads[i], NULL));
	pthread_barrier_destroy(&r->bar);
}

/* The seed: RACE_SEED from the environment, else the clock. */
static inline __u64 race_seed(void)
{
	const char *s = getenv("RACE_SEED");

	if (s && *s)
		return strtoull(s, NULL, 0);
	return (__u64)time(NULL) ^ ((__u64)getpid() << 20);
}

/* RACE_SCALE multiplies every storm's length (default 1.0) */
static inline double race_seconds(double dflt)
{
	const char *s = getenv("RACE_SCALE");

	return s && *s ? dflt * strtod(s, NULL) : dflt;
}

/*
 * The kernel log from now on: race_kmsg_open() before a storm, then
 * race_kmsg_splats() lists what appeared since. A splat anywhere fails
 * the run anyway (the host reads the console); this names the row.
 */
static inline int race_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static inline int race_kmsg_splats(int fd, const char *prefix)
{
	static const char * const bad[] = {
		"WARNING:", "BUG:", "KASAN", "possible circular",
		"possible recursive", "inconsistent lock", "INFO: task",
		"Oops", "refcount_t:", "UBSAN", "kernel BUG",
		"suspicious RCU", "lockdep",
	};
	char buf[2048];
	int found = 0;
	ssize_t n;
	size_t i;

	if (fd < 0)
		return 0;
	for (;;) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		buf[n] = 0;
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			if (strstr(buf, bad[i])) {
				printf("%skernel: %s", prefix, buf);
				found++;
				break;
			}
		}
	}
	close(fd);
	return found;
}

/* Every thread's kernel stack, for a hang report. */
static inline void race_dump_stacks(pid_t pid, const char *prefix)
{
	char path[320], line[256];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", pid,
			 d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		printf("%stask %s:\n", prefix, d->d_name);
		while (fgets(line, sizeof(line), f))
			printf("%s  %s", prefix, line);
		fclose(f);
	}
	closedir(dir);
	write_sysrq_w();
}

/*
 * Run @fn(@arg) in a child process and wait at most @cap seconds for it.
 * Returns its wait status; a child still running then is reported (its
 * stacks, the blocked tasks), killed, and counts as a failure: -1. A
 * child stuck in the kernel may never go away: it is left behind, so
 * that the tests after it still run.
 */
static inline int race_watch(void (*fn)(void *arg), void *arg, double cap,
			     const char *prefix)
{
	double t0 = race_now();
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	while (race_now() - t0 < cap) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			return status;
		if (w < 0)
			return -1;
		usleep(20000);
	}
	printf("%shang: still running after %.0f s; kernel stacks:\n", prefix,
	       cap);
	race_dump_stacks(pid, prefix);
	kill(pid, SIGKILL);
	t0 = race_now();
	while (race_now() - t0 < 5) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return -1;
		usleep(20000);
	}
	printf("%sthe hung process does not die (stuck in the kernel)\n",
	       prefix);
	fflush(stdout);
	return -1;
}

#endif /* VIOMMU_TEST_RACE_H */
