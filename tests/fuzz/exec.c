// SPDX-License-Identifier: GPL-2.0
/*
 * A program's child: its threads run their calls in order, sharing the
 * pool, and every call goes through oracles (a)-(c). The first failure is
 * written to shared memory and ends the child.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "exec.h"

static struct shm *shm;
static const struct prog *prog;
static struct pool *pool;
static const char *plant;
int fuzz_trace;		/* -r with -v: every call and what it returned */

static void fail(int kind, int call, const char *msg)
{
	int zero = 0;

	if (!__atomic_compare_exchange_n(&shm->failed, &zero, 1, 0,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		_exit(1);
	shm->kind = kind;
	shm->call = call;
	shm->op = prog->c[call].op;
	snprintf(shm->msg, sizeof(shm->msg), "%s", msg);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	_exit(1);
}

static void check(int i, const struct op *op, const struct result *r)
{
	char msg[200];

	if (r->skipped)
		return;
	/* A self-check of the reporting and shrinking: a planted failure */
	if (plant && !strcmp(plant, op->name)) {
		snprintf(msg, sizeof(msg), "%s: planted (VIOMMU_FUZZ_PLANT)",
			 op->name);
		fail(F_MUSTFAIL, i, msg);
	}
	if (r->rc < 0) {
		const int *tab = r->errnos ?: op->errnos ?: errnos_ioctl;

		/*
		 * A failed allocation may surface as any errno of any step
		 * (stock code's included); what it must not do is crash,
		 * leak or hang, which the run checks for, or leak a
		 * kernel-internal errno (512 and up: ERESTARTSYS, ENOIOCTLCMD).
		 */
		if (r->injected && r->err > 0 && r->err < 512)
			return;
		if (errno_allowed(tab, r->err))
			return;
		snprintf(msg, sizeof(msg), "%s: errno %s (%d) not expected",
			 op->name, strerrorname_np(r->err) ?: "?", r->err);
		fail(F_ERRNO, i, msg);
	}
	if (r->rc > 0 && !op->not_ioctl) {
		snprintf(msg, sizeof(msg), "%s: positive return %ld",
			 op->name, r->rc);
		fail(F_ERRNO, i, msg);
	}
	if (r->must_fail) {
		snprintf(msg, sizeof(msg), "%s: succeeded although %s",
			 op->name, r->must_fail);
		fail(F_MUSTFAIL, i, msg);
	}
	if (r->used_dead && pool->threads == 1) {
		snprintf(msg, sizeof(msg), "%s: succeeded on a destroyed id",
			 op->name);
		fail(F_DEAD, i, msg);
	}
}

/* This thread's fail-nth file, above the fds programs use; -1: none */
static int fault_fd(int t)
{
	int fd, hi;

	if (!fuzz_faults)
		return -1;
	fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, FD_PRIVATE + 40 + t);
	close(fd);
	return hi;
}

static void fault_arm(int fd, unsigned int n)
{
	char val[16];
	int len = snprintf(val, sizeof(val), "%u", n);

	if (pwrite(fd, val, len, 0) != len)
		_exit(3);
}

/* Disarm; true if the armed failure happened */
static int fault_disarm(int fd)
{
	char buf[16] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		_exit(3);
	fault_arm(fd, 0);
	return !strtol(buf, NULL, 10);
}

/* Each thread's read-only pages and their writable alias */
static __u8 *ro_pages[MAX_THREADS], *ro_rw_pages[MAX_THREADS];

/* Before the threads start: no op can close the memfd under us. */
static void ro_pages_setup(int threads)
{
	long psz = sysconf(_SC_PAGESIZE);
	int t, fd;

	for (t = 0; t < threads; t++) {
		fd = memfd_create("viommu_fuzz_ro", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, 2 * psz))
			_exit(3);
		ro_pages[t] = mmap(NULL, 2 * psz, PROT_READ, MAP_SHARED, fd, 0);
		ro_rw_pages[t] = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
				      MAP_SHARED, fd, 0);
		close(fd);
		if (ro_pages[t] == MAP_FAILED || ro_rw_pages[t] == MAP_FAILED)
			_exit(3);
		/* Faulted in now, not under a call's armed failure */
		memset(ro_rw_pages[t], 0, 2 * psz);
	}
}

static void *thread_main(void *arg)
{
	int t = (intptr_t)arg, i, armed;
	struct ectx e = { .pl = pool, .thread = t };
	struct timespec t0, t1;
	int nthfd = fault_fd(t);

	e.psz = sysconf(_SC_PAGESIZE);
	e.buf = mmap(NULL, BUF_SIZE + e.psz, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	e.ro = ro_pages[t];
	e.ro_rw = ro_rw_pages[t];
	if (e.buf == MAP_FAILED)
		_exit(3);
	e.none = e.buf + BUF_SIZE;
	mprotect(e.none, e.psz, PROT_NONE);
	/*
	 * Every page an op writes is faulted in before any call arms an
	 * allocation failure, so that the failure hits the call's kernel
	 * path, not the fuzzer's own page faults.
	 */
	memset(e.buf, 0, BUF_SIZE);
	e.scratch_len = btf_scratch_len();
	e.scratch = e.scratch_len ? malloc(e.scratch_len) : NULL;
	if (e.scratch)
		memset(e.scratch, 0, e.scratch_len);
	kcov_thread_enable(t);
	for (i = 0; i < prog->n; i++) {
		const struct call *c = &prog->c[i];
		const struct op *op = ops[c->op];
		struct result r = { 0 };

		if (c->thread != t)
			continue;
		shm->cur[t] = i;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		armed = c->fault && nthfd >= 0 &&
			!(op->must_succeed && op->must_succeed(c));
		if (armed)
			fault_arm(nthfd, c->fault);
		kcov_thread_begin(t);
		op->exec(&e, c, &r);
		/* At once: the fuzzer's own page faults must not take it. */
		if (armed && fault_disarm(nthfd)) {
			r.injected = 1;
			__atomic_fetch_add(&shm->injected, 1, __ATOMIC_RELAXED);
		}
		kcov_thread_end(t);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		__atomic_fetch_add(&shm->op_calls[c->op], 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&shm->op_us[c->op],
				   (t1.tv_sec - t0.tv_sec) * 1000000 +
				   (t1.tv_nsec - t0.tv_nsec) / 1000,
				   __ATOMIC_RELAXED);
		if (e.dirty) {
			memset(e.buf, 0, e.dirty < BUF_SIZE ? e.dirty : BUF_SIZE);
			e.dirty = 0;
		}
		if (!r.skipped)
			__atomic_fetch_add(&shm->calls, 1, __ATOMIC_RELAXED);
		if (fuzz_trace) {
			char line[512];

			prog_print_call(line, sizeof(line), c);
			printf("viommu-fuzz: trace: %s = %ld%s%s\n", line, r.rc,
			       r.rc < 0 ? " " : "",
			       r.rc < 0 ? strerrorname_np(r.err) ?: "?" : "");
			fflush(stdout);
		}
		check(i, op, &r);
	}
	shm->cur[t] = -1;
	kcov_thread_disable(t);
	return NULL;
}

void exec_child(const struct prog *p, struct shm *s)
{
	pthread_t th[MAX_THREADS];
	int t;

	shm = s;
	prog = p;
	plant = getenv("VIOMMU_FUZZ_PLANT");
	pool = calloc(1, sizeof(*pool));
	pthread_mutex_init(&pool->lock, NULL);
	pool->stock = p->stock;
	pool->threads = p->threads;
	pool->gbuf = mmap(NULL, GBUF_PAGES * sysconf(_SC_PAGESIZE),
			  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			  -1, 0);
	if (pool->gbuf == MAP_FAILED)
		_exit(3);
	memset(pool->gbuf, 0x5a, GBUF_PAGES * sysconf(_SC_PAGESIZE));
	for (t = 0; t < MAX_THREADS; t++)
		shm->cur[t] = -1;
	ro_pages_setup(p->threads);
	if (p->threads == 1) {
		thread_main(0);
		_exit(0);
	}
	for (t = 0; t < p->threads; t++)
		if (pthread_create(&th[t], NULL, thread_main, (void *)(intptr_t)t))
			_exit(3);
	for (t = 0; t < p->threads; t++)
		pthread_join(th[t], NULL);
	_exit(0);
}
