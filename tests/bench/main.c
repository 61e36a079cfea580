// SPDX-License-Identifier: GPL-2.0
/*
 * viommu_bench: runs the operation table (figures.c) in rounds and reports.
 *
 * usage: viommu_bench [--native | --hooks [--bind] | --smmuv3] [-n N]
 *                     [-r ROUNDS] [-b BATCH]
 *                     [-k BURST] [-c MAX_VDEVS] [-f NAME]
 *
 * Each figure is timed over N operations: R rounds, each of which runs
 * every figure N / R times (in an order that rotates by one figure a
 * round), so a slow phase of the host hits every figure alike rather than
 * one. The clock is read around batches of BATCH operations; a batch's
 * time over its length is one sample, and median, min and max are those of
 * the samples. Output: stdout has the mode line, then one line a figure
 * (or a "skipped" line, or a "FAIL" line), each in one write(): the
 * console must not split a line with a kernel message; progress goes to
 * stderr. --hooks times the stock paths our hooks sit on instead (hooks.c),
 * --smmuv3 the SMMUv3 backend's invalidations (smmuv3.c).
 * Exit status: 0, or 1 if anything failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "bench.h"

/* upstream's VEVENTQ_MAX_DEPTH: a burst must fit in the queue */
#define BENCH_MAX_BURST BIT(19)

static int bench_failed;
/* The skip reason of the figures -f leaves out: no line for them */
static const char not_selected[] = "not_selected";

/* What runs instead of the operation table (0) */
enum { MODE_HOOKS = 1, MODE_SMMUV3 };

/* One output line, "viommu-bench: " and @fmt, in one write() */
static void out(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int len;

	len = snprintf(line, sizeof(line), BENCH_PREFIX);
	va_start(ap, fmt);
	len += vsnprintf(line + len, sizeof(line) - len - 1, fmt, ap);
	va_end(ap);
	if (len > (int)sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	if (write(STDOUT_FILENO, line, len) != len)
		bench_failed = 1;
}

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "unknown_errno";
}

/* A FAIL line, for @err or for b->why when the failure set it. */
static void fail(struct bench *b, const char *what, int err)
{
	out("FAIL %s%s: %s", what, b->suffix,
	    b->why ? b->why : errname(err));
	b->why = NULL;
	bench_failed = 1;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* @len operations of @f; a sample unless @warm_up. 0, or -1 once failed. */
static int run_batch(struct bench *b, struct bench_fig *f, unsigned int len,
		     int warm_up)
{
	double t0, t1;
	unsigned int i;

	f->timed_ns = 0;
	t0 = now_ns();
	for (i = 0; i < len; i++, f->seq++) {
		if (f->op(f)) {
			fail(b, f->name, errno);
			f->failed = 1;
			return -1;
		}
	}
	t1 = now_ns();
	if (f->self_timed)
		t1 = t0 + f->timed_ns;
	if (!warm_up) {
		f->samples[f->nr_samples++] = (t1 - t0) / len;
		f->done += len;
	}
	return 0;
}

static int runnable(const struct bench_fig *f)
{
	return !f->skip && !f->failed;
}

/*
 * Make the figure's objects, then one untimed batch: the first calls
 * fill caches and slabs, and they prove the operation works before any
 * is timed.
 */
static void prepare(struct bench *b, struct bench_fig *f, const char *skip)
{
	unsigned int nr = b->opt.n / b->opt.batch + b->opt.rounds + 1;
	int rc;

	if (skip && !f->standalone) {
		f->skip = skip;
		return;
	}
	f->b = b;
	rc = f->prepare ? f->prepare(f) : 0;
	if (rc < 0) {
		fail(b, f->name, errno);
		f->failed = 1;
	}
	if (rc)
		return;
	f->samples = calloc(nr, sizeof(*f->samples));
	if (!f->samples) {
		fail(b, f->name, errno);
		f->failed = 1;
		return;
	}
	run_batch(b, f, b->opt.batch, 1);
}

/* Every round runs each figure of @figs once, n / rounds operations. */
static void run_rounds(struct bench *b, struct bench_fig **figs,
		       unsigned int nr)
{
	unsigned int r, j, reps, len;
	struct bench_fig *f;

	for (r = 0; r < b->opt.rounds; r++) {
		for (j = 0; j < nr; j++) {
			f = figs[(j + r) % nr];
			reps = b->opt.n / b->opt.rounds +
			       (r < b->opt.n % b->opt.rounds);
			for (; reps && runnable(f); reps -= len) {
				len = reps < b->opt.batch ? reps : b->opt.batch;
				run_batch(b, f, len, 0);
			}
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of @nr sorted samples */
static double median(const double *s, unsigned int nr)
{
	return nr % 2 ? s[nr / 2] : (s[nr / 2 - 1] + s[nr / 2]) / 2;
}

/* One figure line, its values divided by @div */
static void print_ns(const struct bench *b, const struct bench_fig *f,
		     const char *suffix, double div)
{
	const double *s = f->samples;
	unsigned int nr = f->nr_samples;
	double med = median(s, nr);
	char count[32] = "";

	if (f->report == BENCH_ENTRY_COUNT)
		snprintf(count, sizeof(count), " count=%u", f->reached);
	out("%s%s%s median_ns=%.0f min_ns=%.0f max_ns=%.0f n=%u%s", f->name,
	    b->suffix, suffix, med / div, s[0] / div, s[nr - 1] / div,
	    f->done, count);
}

static void report(const struct bench *b, struct bench_fig *f)
{
	const double *s = f->samples;
	unsigned int nr = f->nr_samples;

	if (f->skip == not_selected)
		return;
	if (f->skip) {
		out("%s%s skipped reason=%s", f->name, b->suffix, f->skip);
		return;
	}
	/* Its FAIL line is out already. */
	if (f->failed || !nr)
		return;
	qsort(f->samples, nr, sizeof(*s), cmp_double);
	switch (f->report) {
	case BENCH_NS:
		print_ns(b, f, "", 1);
		break;
	case BENCH_NS_ENTRY:
		print_ns(b, f, "", 1);
		print_ns(b, f, "_per_entry", f->entries);
		break;
	case BENCH_ENTRY_COUNT:
		print_ns(b, f, "", f->entries);
		break;
	case BENCH_EVENTS:
		/* A burst's median time, as events per second */
		out("%s%s value=%.0f", f->name, b->suffix,
		    b->opt.burst * 1e9 / median(s, nr));
		break;
	}
}

/* Prepare, run and report the figures of @table with late == @late. */
static void run_phase(struct bench *b, struct bench_fig *table,
		      unsigned int nr_table, int late, const char *skip)
{
	struct bench_fig *figs[64];
	unsigned int i, nr = 0;

	for (i = 0; i < nr_table; i++) {
		struct bench_fig *f = &table[i];

		if (f->late != late)
			continue;
		if (b->opt.only && !strstr(f->name, b->opt.only)) {
			f->skip = not_selected;
			continue;
		}
		prepare(b, f, skip);
		if (runnable(f) && nr < ARRAY_SIZE(figs))
			figs[nr++] = f;
	}
	run_rounds(b, figs, nr);
	for (i = 0; i < nr_table; i++)
		if (table[i].late == late)
			report(b, &table[i]);
}

static void bench_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--native | --hooks [--bind] | --smmuv3] [-n N]\n"
		"          [-r ROUNDS] [-b BATCH]\n"
		"          [-k BURST] [-c MAX_VDEVS] [-f NAME]\n"
		"  --native  upstream's /dev/iommu with IOMMUFD_TEST\n"
		"            (default: 6.12 with our modules)\n"
		"  --hooks   the stock paths our hooks sit on, on edu\n"
		"  --bind    with --hooks: bind /dev/viommu first\n"
		"  --smmuv3  invalidations through the SMMUv3 backend, on edu\n"
		"  -n  operations per figure (1000)\n"
		"  -r  rounds the operations are spread over (10)\n"
		"  -b  operations between two clock reads (10)\n"
		"  -k  events per veventq_events_per_s burst (64)\n"
		"  -c  most vDEVICEs a vdev_lookup figure makes (65536)\n"
		"  -f  only the figures whose name holds NAME (a profile)\n",
		prog);
	exit(2);
}

static unsigned int arg_uint(const char *prog, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || !v || v > 1U << 30)
		bench_usage(prog);
	return v;
}

static void parse_opts(struct bench *b, int argc, char **argv, int *mode,
		       int *bind)
{
	static const struct option longs[] = {
		{ "native", no_argument, NULL, 'N' },
		{ "hooks", no_argument, NULL, 'H' },
		{ "bind", no_argument, NULL, 'B' },
		{ "smmuv3", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	b->abi = &bench_module_abi;
	b->opt = (struct bench_opts){
		.n = 1000, .rounds = 10, .batch = 10, .burst = 64,
		.max_vdevs = 65536,
	};
	while ((c = getopt_long(argc, argv, "n:r:b:k:c:f:h", longs,
				NULL)) >= 0) {
		switch (c) {
		case 'N':
			b->abi = &bench_native_abi;
			break;
		case 'H':
			*mode = MODE_HOOKS;
			break;
		case 'B':
			*bind = 1;
			break;
		case 'S':
			*mode = MODE_SMMUV3;
			break;
		case 'n':
			b->opt.n = arg_uint(argv[0], optarg);
			break;
		case 'r':
			b->opt.rounds = arg_uint(argv[0], optarg);
			break;
		case 'b':
			b->opt.batch = arg_uint(argv[0], optarg);
			break;
		case 'k':
			b->opt.burst = arg_uint(argv[0], optarg);
			break;
		case 'c':
			b->opt.max_vdevs = arg_uint(argv[0], optarg);
			break;
		case 'f':
			b->opt.only = optarg;
			break;
		default:
			bench_usage(argv[0]);
		}
	}
	if (optind != argc || b->opt.rounds > b->opt.n ||
	    (*mode && b->abi != &bench_module_abi) ||
	    (*bind && *mode != MODE_HOOKS) ||
	    b->opt.burst > BENCH_MAX_BURST)
		bench_usage(argv[0]);
}

/* Both phases of @table after a setup that returned @rc (0, 1: skip, -1) */
static int run_table(struct bench *b, int rc, struct bench_fig *table,
		     unsigned int nr)
{
	const char *skip = NULL;

	if (rc < 0) {
		fail(b, "setup", errno);
		return 1;
	}
	if (rc)
		skip = b->why;
	b->why = NULL;
	run_phase(b, table, nr, 0, skip);
	run_phase(b, table, nr, 1, skip);
	return bench_failed;
}

/*
 * --hooks: the hook figures, named after what of viommu.ko is in:
 * "_stock" (not loaded), "_hooked" (loaded with its /dev/iommu door:
 * hooks and door, as users run it), "_hooks_only" (loaded with
 * stock_door=0 and, with --bind, a /dev/viommu context bound to the
 * benchmark's iommufd, which puts the hooks in), "_idle" (loaded, door
 * off, nothing bound: no hook in).
 */
static int main_hooks(struct bench *b, const char *kernel, int bind)
{
	const char *state = "absent";

	b->suffix = "_stock";
	if (!access("/sys/module/viommu", F_OK)) {
		state = "loaded";
		if (viommu_param_state("stock_door_ready") == 'Y')
			b->suffix = "_hooked";
		else
			b->suffix = bind ? "_hooks_only" : "_idle";
	}
	out("mode=hooks viommu=%s kernel=%s", state, kernel);
	return run_table(b, bench_hooks_setup(b, bind), bench_hook_figs,
			 bench_nr_hook_figs);
}

int main(int argc, char **argv)
{
	struct bench b = { .iommufd = -1, .vfd = -1, .edu_fd = -1,
			   .suffix = "" };
	const char *skip = NULL;
	struct utsname uts;
	int mode = 0, bind = 0, rc;

	parse_opts(&b, argc, argv, &mode, &bind);
	if (uname(&uts))
		snprintf(uts.release, sizeof(uts.release), "unknown");
	if (mode == MODE_HOOKS)
		return main_hooks(&b, uts.release, bind);
	if (mode == MODE_SMMUV3) {
		out("mode=smmuv3 kernel=%s", uts.release);
		return run_table(&b, bench_smmuv3_setup(&b), bench_smmu_figs,
				 bench_nr_smmu_figs);
	}
	out("mode=%s kernel=%s", b.abi->mode, uts.release);

	rc = bench_setup(&b);
	if (rc < 0) {
		fail(&b, "setup", errno);
		return 1;
	}
	if (rc)
		skip = b.why;
	b.why = NULL;
	run_phase(&b, bench_figs, bench_nr_figs, 0, skip);
	if (!skip)
		fprintf(stderr, BENCH_PREFIX "making vdev_lookup's vDEVICEs\n");
	run_phase(&b, bench_figs, bench_nr_figs, 1, skip);
	/* Closing the files at exit frees every object. */
	return bench_failed;
}
