// SPDX-License-Identifier: GPL-2.0
/*
 * Running one program in a forked child, under a watchdog: a child that
 * does not finish in time is a hang (blocked tasks dumped by sysrq-w); a
 * child killed by a signal is a crash, reported with the calls it was in.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "exec.h"
#include "sysrq.h"

static struct shm *shm;
/* Where the time goes, for -v: per op, and per program fork to reap */
static long op_calls[64], op_us[64], progs, prog_us;

static long us_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000;
}

static void account(const struct timespec *t0)
{
	int i;

	for (i = 0; i < 64; i++) {
		op_calls[i] += shm->op_calls[i];
		op_us[i] += shm->op_us[i];
	}
	progs++;
	prog_us += us_since(t0);
}

void run_stats(void)
{
	long in_calls = 0;
	int i;

	for (i = 0; i < nr_ops && i < 64; i++) {
		if (!op_calls[i])
			continue;
		in_calls += op_us[i];
		out("note: op %s calls=%ld avg_us=%ld", ops[i]->name,
		    op_calls[i], op_us[i] / op_calls[i]);
	}
	if (progs)
		out("note: programs=%ld avg_ms=%ld, in calls avg_ms=%ld", progs,
		    prog_us / progs / 1000, in_calls / progs / 1000);
}

void run_init(void)
{
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		perror("mmap");
		_exit(2);
	}
}

/* Wait for @pid up to @ms: 1 if it ended (status in *st), else 0. */
static int wait_child(pid_t pid, int ms, int *st)
{
	int pfd = syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = { .fd = pfd, .events = POLLIN };
	int rc;

	if (pfd < 0)
		return waitpid(pid, st, 0) == pid;
	rc = poll(&p, 1, ms);
	close(pfd);
	if (rc != 1)
		return 0;
	return waitpid(pid, st, 0) == pid;
}

/* The calls in flight, one a thread: printed, the first kept in @o */
static void where(const struct prog *p, struct outcome *o)
{
	char line[512];
	int t;

	o->call = -1;
	for (t = 0; t < MAX_THREADS; t++) {
		if (shm->cur[t] < 0 || shm->cur[t] >= p->n)
			continue;
		prog_print_call(line, sizeof(line), &p->c[shm->cur[t]]);
		out("note: thread %d in call %d: %s", t, shm->cur[t], line);
		if (o->call < 0) {
			o->call = shm->cur[t];
			o->op = p->c[o->call].op;
		}
	}
}

void run_prog(const struct prog *p, struct outcome *o, int watchdog_s)
{
	struct timespec t0;
	pid_t pid;
	int st = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(o, 0, sizeof(*o));
	memset(shm, 0, sizeof(*shm));
	kcov_reset_new();
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		o->kind = F_EXIT;
		snprintf(o->msg, sizeof(o->msg), "fork failed");
		return;
	}
	if (!pid)
		exec_child(p, shm);
	if (!wait_child(pid, watchdog_s * 1000, &st)) {
		write_sysrq_w();
		where(p, o);
		o->kind = F_HANG;
		snprintf(o->msg, sizeof(o->msg),
			 "the program did not finish in %d s", watchdog_s);
		kill(pid, SIGKILL);
		wait_child(pid, 10000, &st);
		o->calls = shm->calls;
		o->injected = shm->injected;
		return;
	}
	o->calls = shm->calls;
	o->injected = shm->injected;
	account(&t0);
	if (WIFSIGNALED(st)) {
		where(p, o);
		o->kind = F_SIGNAL;
		snprintf(o->msg, sizeof(o->msg), "child killed by signal %s",
			 sigabbrev_np(WTERMSIG(st)) ?: "?");
		return;
	}
	if (shm->failed) {
		o->kind = shm->kind;
		o->call = shm->call;
		o->op = shm->op;
		memcpy(o->msg, shm->msg, sizeof(o->msg));
		o->msg[sizeof(o->msg) - 1] = 0;
		return;
	}
	if (WEXITSTATUS(st)) {
		where(p, o);
		o->kind = F_EXIT;
		snprintf(o->msg, sizeof(o->msg), "child exited with %d",
			 WEXITSTATUS(st));
	}
}

int same_failure(const struct outcome *a, const struct outcome *b)
{
	if (a->kind != b->kind)
		return 0;
	if (a->kind == F_SIGNAL || a->kind == F_EXIT)
		return !strcmp(a->msg, b->msg);
	return a->op == b->op && !strcmp(a->msg, b->msg);
}
