// SPDX-License-Identifier: GPL-2.0
/*
 * viommu_fuzz [-s SEED] [-n CALLS] [-t SECONDS] [-j THREADS] [-c CORPUS_DIR]
 *             [-k POINTS_FILE] [-o OUT_DIR] [-r REPRO_FILE] [-L MOD_DIR] [-v]
 *
 * Runs generated and mutated programs of vIOMMU calls, one forked child
 * each, until CALLS syscalls or SECONDS have passed; keeps the programs
 * that reach new coverage. A failure is shrunk to the shortest program
 * that shows it and written to OUT_DIR/repro-N.prog. Every output line
 * starts "viommu-fuzz: " and goes to OUT_DIR/figures too. With -L, the
 * load phase (load.c) first unloads and loads our modules from MOD_DIR
 * (viommu.ko, viommu_selftest.ko), traced: their load and unload code.
 * Environment, for debugging: VIOMMU_FUZZ_DUMP=1 prints each program to
 * stderr; VIOMMU_FUZZ_NO_EDU=1 generates no edu (VFIO) programs;
 * VIOMMU_FUZZ_PLANT=OP fails every call of OP (checks the reporting).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define CORPUS_MAX 2048
#define MODULES 2

static FILE *figures;
static const char *out_dir = "/tmp";
static const char *corpus_dir;
static struct prog *corpus;
static int ncorpus;
static int verbose;
static __u64 seed;
static long calls, programs;	/* run so far */
static long injected;		/* calls with an allocation failed */

void out(const char *fmt, ...)
{
	va_list ap;

	printf("viommu-fuzz: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (figures) {
		fprintf(figures, "viommu-fuzz: ");
		va_start(ap, fmt);
		vfprintf(figures, fmt, ap);
		va_end(ap);
		fprintf(figures, "\n");
		fflush(figures);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *const modules[MODULES] = { "viommu", "viommu_selftest" };

static long module_refs(const char *mod)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", mod);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int write_param(const char *name, const char *val)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/viommu/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(val, f);
	return fclose(f);
}

/*
 * Fail-nth on slab allocations that may sleep too (most of ours), and
 * quietly: an injected failure is not a splat. 1 if calls may carry one.
 */
static int faults_setup(void)
{
	static const char *const knob[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
	};
	unsigned int i;

	if (access("/proc/thread-self/fail-nth", W_OK))
		return 0;
	for (i = 0; i < ARRAY_SIZE(knob); i++) {
		FILE *f = fopen(knob[i][0], "w");

		if (!f)
			return 0;
		fputs(knob[i][1], f);
		if (fclose(f))
			return 0;
	}
	return 1;
}

static void save_prog(const char *dir, const char *name, const struct prog *p)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return;
	prog_print(f, p, "");
	fclose(f);
}

/*
 * The program about to run, on disk before it runs: if it takes the
 * kernel down (oops=panic), OUT_DIR/current.prog is its reproducer.
 */
static void save_current(const struct prog *p)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/current.prog", out_dir);
	f = fopen(path, "w");
	if (!f)
		return;
	prog_print(f, p, "");
	fflush(f);
	fdatasync(fileno(f));
	fclose(f);
}

static void corpus_add(const struct prog *p, int save)
{
	char name[32];

	if (ncorpus == CORPUS_MAX)
		return;
	corpus[ncorpus++] = *p;
	if (save && corpus_dir) {
		snprintf(name, sizeof(name), "%016llx", (unsigned long long)prog_hash(p));
		save_prog(corpus_dir, name, p);
	}
}

static void load_corpus(void)
{
	struct dirent *d;
	DIR *dir;

	mkdir(corpus_dir, 0755);
	dir = opendir(corpus_dir);
	if (!dir)
		return;
	while ((d = readdir(dir)) && ncorpus < CORPUS_MAX) {
		char path[512];

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", corpus_dir, d->d_name);
		if (!prog_load(path, &corpus[ncorpus]) && corpus[ncorpus].n)
			ncorpus++;
	}
	closedir(dir);
}

static const char *const kind_name[] = {
	[F_NONE] = "none", [F_ERRNO] = "errno", [F_MUSTFAIL] = "must-fail",
	[F_DEAD] = "destroyed-id", [F_SIGNAL] = "crash", [F_HANG] = "hang",
	[F_EXIT] = "child-exit",
};

/* FAIL, repro lines, and OUT_DIR/repro-N.prog */
static void report(struct prog *p, struct outcome *o, int do_minimize)
{
	static int nrepro;
	char line[512], name[64];
	int i, before = p->n;

	if (o->call >= 0 && o->call < p->n) {
		prog_print_call(line, sizeof(line), &p->c[o->call]);
		out("note: failed in call %d of %d: %s", o->call, p->n, line);
	}
	if (do_minimize) {
		minimize(p, o);
		out("note: shrunk from %d calls to %d", before, p->n);
	}
	out("FAIL %s: %s", kind_name[o->kind], o->msg);
	out("repro seed=0x%llx", (unsigned long long)seed);
	out("repro: door=%s", p->stock ? "stock" : "viommu");
	out("repro: threads=%d", p->threads);
	for (i = 0; i < p->n; i++) {
		prog_print_call(line, sizeof(line), &p->c[i]);
		out("repro: %s", line);
	}
	snprintf(name, sizeof(name), "repro-%d.prog", nrepro++);
	save_prog(out_dir, name, p);
	out("note: repro written to %s/%s (replay: -r FILE)", out_dir, name);
}

/*
 * Run @p once, counted; a failure is reported, its program shrunk first
 * if @shrink. Returns whether it failed.
 */
static int run_counted(struct prog *p, int shrink)
{
	struct outcome o;

	save_current(p);
	run_prog(p, &o, WATCHDOG_S);
	calls += o.calls;
	injected += o.injected;
	programs++;
	if (o.kind == F_NONE)
		return 0;
	report(p, &o, shrink);
	return 1;
}

static void usage(void)
{
	static const char *const text =
		"viommu_fuzz [-s SEED] [-n CALLS] [-t SECONDS] [-j THREADS]\n"
		"            [-c CORPUS_DIR] [-k POINTS_FILE] [-o OUT_DIR]\n"
		"            [-r REPRO_FILE] [-L MOD_DIR] [-v]\n";

	fprintf(stderr, "%s", text);
	exit(2);
}

int main(int argc, char **argv)
{
	__u64 new_total = 0;
	long max_calls = 200000;
	double max_time = 600, t0, last;
	const char *points = NULL, *repro = NULL, *mod_dir = NULL;
	long start_ref[MODULES];
	char path[512], nc_old = 0;
	int threads = 1, opt, failed = 0, i;
	struct rng rng;
	static struct prog p;
	int dump = !!getenv("VIOMMU_FUZZ_DUMP");

	seed = ((__u64)time(NULL) << 20) ^ getpid();
	while ((opt = getopt(argc, argv, "s:n:t:j:c:k:o:r:L:v")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			max_calls = strtol(optarg, NULL, 0);
			break;
		case 't':
			max_time = strtod(optarg, NULL);
			break;
		case 'j':
			threads = atoi(optarg);
			break;
		case 'c':
			corpus_dir = optarg;
			break;
		case 'k':
			points = optarg;
			break;
		case 'o':
			out_dir = optarg;
			break;
		case 'r':
			repro = optarg;
			break;
		case 'L':
			mod_dir = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (threads < 1 || threads > MAX_THREADS)
		usage();
	mkdir(out_dir, 0755);
	snprintf(path, sizeof(path), "%s/figures", out_dir);
	/* Above the fds programs use: a stale fd number never hits it */
	i = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (i >= 0) {
		int hi = fcntl(i, F_DUPFD_CLOEXEC, FD_PRIVATE);

		close(i);
		figures = hi >= 0 ? fdopen(hi, "w") : NULL;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	corpus = calloc(CORPUS_MAX, sizeof(*corpus));
	run_init();
	kcov_setup(MAX_THREADS, points);
	if (mod_dir) {
		if (load_phase(mod_dir)) {
			out("result fail");
			return 1;
		}
		kcov_summary(out, "load-phase");
	}
	if (btf_target_init() < 0) {
		out("result fail");
		return 1;
	}
	fuzz_faults = faults_setup();
	/* Read from the modules as loaded now, after the load phase */
	fuzz_stock_ok = viommu_param_state("stock_door_ready") == 'Y';
	/* Around a known edu bug, to measure the rest */
	fuzz_no_edu = !!getenv("VIOMMU_FUZZ_NO_EDU");
	/* The SMMUv3 vIOMMU needs the coherency gate lifted (QEMU's SMMU). */
	nc_old = viommu_param_state("smmuv3_allow_noncoherent");
	if (nc_old)
		write_param("smmuv3_allow_noncoherent", "1");
	for (i = 0; i < MODULES; i++)
		start_ref[i] = module_refs(modules[i]);
	if (corpus_dir)
		load_corpus();
	out("start seed=0x%llx threads=%d calls=%ld time=%.0f corpus=%d kcov=%s faults=%s",
	    (unsigned long long)seed, threads, max_calls, max_time, ncorpus,
	    kcov_on() ? "on" : "off", fuzz_faults ? "on" : "off");
	rng_seed(&rng, seed);
	t0 = now();
	last = t0;

	if (repro) {
		int rc = prog_load(repro, &p);

		if (rc) {
			out("cannot parse %s (line %d)", repro, -rc);
			out("result fail");
			return 1;
		}
		if (dump)
			prog_print(stderr, &p, "");
		fuzz_trace = verbose;
		failed = run_counted(&p, 0);
	}
	/* The corpus first: its coverage is where mutation starts. */
	for (i = 0; !repro && !failed && i < ncorpus; i++) {
		p = corpus[i];
		failed = run_counted(&p, 1);
	}
	while (!repro && !failed && calls < max_calls &&
	       now() - t0 < max_time) {
		if (ncorpus && rng_pct(&rng, 50)) {
			p = corpus[rng_below(&rng, ncorpus)];
			mutate_prog(&rng, &p, &corpus[rng_below(&rng, ncorpus)]);
		} else {
			gen_prog(&rng, &p, threads);
		}
		if (dump)	/* debugging the generator */
			prog_print(stderr, &p, "");
		failed = run_counted(&p, 1);
		if (failed)
			break;
		if (kcov_new()) {
			new_total++;
			corpus_add(&p, 1);
		}
		if (now() - last >= 15) {
			last = now();
			out("progress calls=%ld programs=%ld seconds=%.0f corpus=%d points=%lu",
			    calls, programs, last - t0, ncorpus,
			    kcov_hit_total());
		}
	}
	if (nc_old)
		write_param("smmuv3_allow_noncoherent", nc_old == 'Y' ? "1" : "0");
	/* Oracle (d): every reference our modules gave out is back. */
	for (i = 0; i < MODULES; i++) {
		long cur = module_refs(modules[i]);
		int tries;

		for (tries = 0; tries < 100 && cur != start_ref[i]; tries++) {
			usleep(100000);
			cur = module_refs(modules[i]);
		}
		if (cur != start_ref[i]) {
			out("FAIL refcnt: module %s refcnt %ld, was %ld at start",
			    modules[i], cur, start_ref[i]);
			out("repro seed=0x%llx", (unsigned long long)seed);
			failed = 1;
		}
	}
	out("calls=%ld programs=%ld seconds=%.0f corpus=%d new=%llu faults=%ld",
	    calls, programs, now() - t0, ncorpus, new_total, injected);
	/* About 1 call in 50 carries a fault: none at all means it broke. */
	if (!repro && fuzz_faults && calls >= 10000 && !injected) {
		out("FAIL faults: fail-nth is on but no allocation was made to fail");
		failed = 1;
	}
	kcov_report(out, verbose);
	if (verbose) {
		snprintf(path, sizeof(path), "%s/missed", out_dir);
		if (!kcov_write_missed(path))
			out("missed points: %s", path);
	}
	if (verbose)
		run_stats();
	out("result %s", failed ? "fail" : "ok");
	return failed;
}
