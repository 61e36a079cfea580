// SPDX-License-Identifier: GPL-2.0
/*
 * Coverage: KCOV per thread, PCs kept only where they are points of our
 * modules (scripts/kcov-points.sh lists them: module, section, offset of
 * the return address of each __sanitizer_cov_trace_pc call, which is what
 * KCOV records; the test kernel has no KASLR, so PCs are raw addresses).
 * The kcov fds and areas are made once in the parent: each program's
 * threads enable them (a kcov is free again when its task exits).
 * Hits go to a shared bitmap, so the parent sees what a child reached.
 * A point keeps its module, section and offset: after a module reloads
 * (the load phase, load.c) kcov_rebase() finds its new address.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kcov.h>

#include "fuzz.h"

#define COVER_SIZE 65536
#define PCSET_SLOTS 262144
/* A load walks all of vmlinux's BTF: millions of PCs, not thousands. */
#define MAIN_COVER_SIZE 8388608UL

struct point {
	__u64 addr;		/* 0: its module is not loaded */
	__u32 id;		/* index into hit[]: the same across rebases */
	__u32 off;
	__u16 mod, comp, sec;
	__u32 func;
};

/*
 * What cannot run in the fuzz VM, left out of "coverage total reachable"
 * only (never out of "all"). A component with func NULL is left out but
 * for the functions of keep[].
 */
struct unreachable {
	const char *comp, *func, *why;
};

#define NEEDS_CMDQV "needs a Tegra241 CMDQV (only KUnit's register model, in kthreads KCOV does not trace)"
#define IN_KTHREAD "runs only in an IRQ thread or a workqueue: per-task KCOV does not trace them"

static const struct unreachable unreachable[] = {
	/* Every cmdqv function but keep_cmdqv[] needs a struct vcmdqv */
	{ "cmdqv", NULL, NEEDS_CMDQV },
	/* The CMDQV hooks go in only once a CMDQV was found. */
	{ "shim", "viommu_shim_cmdqv_hooks_get", NEEDS_CMDQV },
	{ "shim", "viommu_shim_cmdqv_hooks_put", NEEDS_CMDQV },
	{ "shim", "viommu_cmdqv_hooks_remove", NEEDS_CMDQV },
	{ "shim", "viommu_cmdqv_hw_reset", NEEDS_CMDQV },
	{ "shim", "viommu_cmdqv_isr", NEEDS_CMDQV },
	/* Called only for an SMMU whose impl_ops are the CMDQV's. */
	{ "shim", "viommu_cmdqv_sane", NEEDS_CMDQV },
	/*
	 * Only ever in the SMMU's event IRQ thread or a workqueue, which
	 * per-task KCOV does not trace (the fuzzer's faults do reach them:
	 * smmuv3_test and iopf_test check what they deliver).
	 */
	{ "shim", "viommu_smmu_queue_remove_raw", IN_KTHREAD },
	{ "shim", "viommu_smmu_of_evtq", IN_KTHREAD },
	{ "smmuv3", "viommu_smmu_event", IN_KTHREAD },
	{ "smmuv3", "vsmmu_unpin_work_fn", IN_KTHREAD },
	{ "core", "viommu_reap_fn", IN_KTHREAD },
	/*
	 * The points file's "export-only" functions (kcov-points.sh): an
	 * exported out-of-line copy nothing in our modules calls or points
	 * to, the other one does not import: only KUnit's modules call it.
	 */
	{ "*", "export-only", "exported for KUnit only, callers here inlined it" },
};

#define NR_UNREACHABLE ((int)ARRAY_SIZE(unreachable))

/* The cmdqv functions that run without a CMDQV: they stay counted. */
static const char *const keep_cmdqv[] = {
	"vcmdqv_init", "vcmdqv_exit", "vcmdqv_probe_one", "vcmdqv_drop_one",
	"vcmdqv_of_smmu", "vcmdqv_get_viommu_size", "vcmdqv_hw_info",
	"vcmdqv_get_hw_queue_size",
};

static int kcov_fd[MAX_THREADS];
static unsigned long *kcov_area[MAX_THREADS];
static int kcov_ok;
static int main_fd = -1;		/* the load phase's, on the main thread */
static unsigned long *main_area;

static struct point *points;
static long npoints;
static char **names;		/* modules, sections, components, functions */
static int nnames;
static __u8 *excluded;		/* by id: left out of "reachable" */
static __u8 *hit;		/* shared: one byte a point */
static __u64 *pcset;		/* shared, without a points file */
static unsigned long *shared_ctr;	/* [0]: new this program, [1]: total */

static int name_idx(const char *s)
{
	int i;

	for (i = 0; i < nnames; i++)
		if (!strcmp(names[i], s))
			return i;
	names = realloc(names, (nnames + 1) * sizeof(*names));
	names[nnames] = strdup(s);
	return nnames++;
}

static __u64 section_base(const char *mod, const char *sec)
{
	char path[256];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/sections/%s", mod, sec);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llx", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

static int cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* A function name without the compiler's suffix (.isra.0, .constprop.0) */
static int same_func(const char *name, const char *want)
{
	size_t n = strlen(want);

	return !strncmp(name, want, n) && (!name[n] || name[n] == '.');
}

/* 1 + the index in unreachable[] of what leaves this function out, or 0 */
static int is_unreachable(const char *comp, const char *func)
{
	int i, k;

	for (i = 0; i < NR_UNREACHABLE; i++) {
		const struct unreachable *u = &unreachable[i];

		if (strcmp(comp, u->comp))	/* "*" matches no component */
			continue;
		if (u->func && same_func(func, u->func))
			return i + 1;
		if (u->func)
			continue;
		for (k = 0; k < (int)ARRAY_SIZE(keep_cmdqv); k++)
			if (same_func(func, keep_cmdqv[k]))
				return 0;
		return i + 1;
	}
	return 0;
}

/*
 * Each point's address in the modules as loaded now. Returns how many
 * points have no address (their module is not loaded).
 */
long kcov_rebase(void)
{
	long i, skipped = 0;
	int last_mod = -1, last_sec = -1;
	__u64 base = 0;

	for (i = 0; i < npoints; i++) {
		struct point *pt = &points[i];

		if (pt->mod != last_mod || pt->sec != last_sec) {
			base = section_base(names[pt->mod], names[pt->sec]);
			last_mod = pt->mod;
			last_sec = pt->sec;
		}
		pt->addr = base ? base + pt->off : 0;
		skipped += !base;
	}
	qsort(points, npoints, sizeof(*points), cmp_point);
	return skipped;
}

static int cmp_id(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void load_points(const char *file)
{
	char line[512], mod[64], sec[64], comp[64], func[256], note[16];
	unsigned long long off;
	long cap = 0, skipped;
	FILE *f = fopen(file, "r");

	if (!f) {
		out("cannot read the points file %s", file);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		note[0] = 0;
		if (sscanf(line, "%63s %63s %llx %63s %255s %15s", mod, sec, &off,
			   comp, func, note) < 5)
			continue;
		if (npoints == cap) {
			cap = cap ? cap * 2 : 4096;
			points = realloc(points, cap * sizeof(*points));
			excluded = realloc(excluded, cap);
		}
		points[npoints].id = npoints;
		points[npoints].off = off;
		points[npoints].mod = name_idx(mod);
		points[npoints].sec = name_idx(sec);
		points[npoints].comp = name_idx(comp);
		excluded[npoints] = strcmp(note, "export-only") ?
				    is_unreachable(comp, func) : NR_UNREACHABLE;
		/* Static functions of one name live in several components */
		snprintf(line, sizeof(line), "%s:%s", comp, func);
		points[npoints].func = name_idx(line);
		npoints++;
	}
	fclose(f);
	/* Grouped by module and section: one sysfs read per section */
	qsort(points, npoints, sizeof(*points), cmp_id);
	skipped = kcov_rebase();
	if (skipped)
		out("points: %ld in sections not loaded (module missing?)",
		    skipped);
}

int kcov_setup(int threads, const char *file)
{
	int i;

	shared_ctr = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (file)
		load_points(file);
	for (i = 0; i < threads; i++) {
		int fd = open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);

		if (fd < 0)
			return 0;
		kcov_fd[i] = fcntl(fd, F_DUPFD_CLOEXEC, FD_PRIVATE + 10 + i);
		close(fd);
		if (ioctl(kcov_fd[i], KCOV_INIT_TRACE, COVER_SIZE))
			return 0;
		kcov_area[i] = mmap(NULL, COVER_SIZE * sizeof(unsigned long),
				    PROT_READ | PROT_WRITE, MAP_SHARED,
				    kcov_fd[i], 0);
		if (kcov_area[i] == MAP_FAILED)
			return 0;
	}
	if (npoints)
		hit = mmap(NULL, npoints, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	else
		pcset = mmap(NULL, PCSET_SLOTS * sizeof(__u64),
			     PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	kcov_ok = 1;
	return 1;
}

int kcov_on(void)
{
	return kcov_ok;
}

void kcov_thread_enable(int slot)
{
	if (kcov_ok && ioctl(kcov_fd[slot], KCOV_ENABLE, KCOV_TRACE_PC))
		kcov_area[slot] = NULL;
}

void kcov_thread_disable(int slot)
{
	if (kcov_ok && kcov_area[slot])
		ioctl(kcov_fd[slot], KCOV_DISABLE, 0);
}

void kcov_thread_begin(int slot)
{
	if (kcov_ok && kcov_area[slot])
		__atomic_store_n(&kcov_area[slot][0], 0, __ATOMIC_RELAXED);
}

static void note_new(void)
{
	__atomic_fetch_add(&shared_ctr[0], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&shared_ctr[1], 1, __ATOMIC_RELAXED);
}

static void add_pc(__u64 pc)
{
	long lo = 0, hi = npoints - 1;

	if (!npoints) {
		__u64 h = (pc * 0x9e3779b97f4a7c15ULL) >> 46;

		for (;; h = (h + 1) & (PCSET_SLOTS - 1)) {
			__u64 cur = __atomic_load_n(&pcset[h], __ATOMIC_RELAXED);

			if (cur == pc)
				return;
			if (cur)
				continue;
			if (__atomic_compare_exchange_n(&pcset[h], &cur, pc, 0,
							__ATOMIC_RELAXED,
							__ATOMIC_RELAXED)) {
				note_new();
				return;
			}
			if (cur == pc)
				return;
		}
	}
	while (lo <= hi) {
		long mid = (lo + hi) / 2;

		if (points[mid].addr == pc) {
			if (!__atomic_exchange_n(&hit[points[mid].id], 1,
						 __ATOMIC_RELAXED))
				note_new();
			return;
		}
		if (points[mid].addr < pc)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
}

void kcov_thread_end(int slot)
{
	unsigned long n, i, *a = kcov_area[slot];

	if (!kcov_ok || !a)
		return;
	n = __atomic_load_n(&a[0], __ATOMIC_RELAXED);
	if (n >= COVER_SIZE)
		n = COVER_SIZE - 1;
	for (i = 0; i < n; i++)
		add_pc(a[i + 1]);
}

/*
 * The main thread's own KCOV, for the load phase: module init and exit
 * run in the task that calls finit_module and delete_module. Its buffer
 * is large (a load parses all of vmlinux's BTF); 0 or -errno.
 */
int kcov_main_begin(void)
{
	size_t len = MAIN_COVER_SIZE * sizeof(unsigned long);

	if (!kcov_ok)
		return -ENODEV;
	main_fd = open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);
	if (main_fd < 0)
		return -errno;
	if (ioctl(main_fd, KCOV_INIT_TRACE, MAIN_COVER_SIZE))
		goto err;
	main_area = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 main_fd, 0);
	if (main_area == MAP_FAILED) {
		main_area = NULL;
		goto err;
	}
	if (ioctl(main_fd, KCOV_ENABLE, KCOV_TRACE_PC))
		goto err;
	__atomic_store_n(&main_area[0], 0, __ATOMIC_RELAXED);
	return 0;
err:
	kcov_main_end();
	return -errno;
}

/*
 * What the main thread reached since the last call, mapped with the
 * addresses of kcov_rebase()'s modules: call it before a module they
 * hold goes away. Returns -EOVERFLOW when the buffer filled (PCs lost).
 */
int kcov_main_collect(void)
{
	unsigned long n, i;

	if (!main_area)
		return -ENODEV;
	n = __atomic_load_n(&main_area[0], __ATOMIC_RELAXED);
	if (n >= MAIN_COVER_SIZE - 1)
		n = MAIN_COVER_SIZE - 1;
	for (i = 0; i < n; i++)
		add_pc(main_area[i + 1]);
	__atomic_store_n(&main_area[0], 0, __ATOMIC_RELAXED);
	return n == MAIN_COVER_SIZE - 1 ? -EOVERFLOW : 0;
}

void kcov_main_end(void)
{
	int e = errno;

	if (main_fd >= 0 && main_area)
		ioctl(main_fd, KCOV_DISABLE, 0);
	if (main_area)
		munmap(main_area, MAIN_COVER_SIZE * sizeof(unsigned long));
	if (main_fd >= 0)
		close(main_fd);
	main_area = NULL;
	main_fd = -1;
	errno = e;
}

void kcov_reset_new(void)
{
	if (shared_ctr)
		shared_ctr[0] = 0;
}

unsigned long kcov_new(void)
{
	return shared_ctr ? shared_ctr[0] : 0;
}

unsigned long kcov_hit_total(void)
{
	return shared_ctr ? shared_ctr[1] : 0;
}

struct tally {
	int name;
	long hit, total;
};

static void tally(struct tally *t, int *nt, int name, int h)
{
	int i;

	for (i = 0; i < *nt; i++)
		if (t[i].name == name)
			break;
	if (i == *nt) {
		t[i].name = name;
		t[i].hit = 0;
		t[i].total = 0;
		(*nt)++;
	}
	t[i].total++;
	t[i].hit += h;
}

static int cmp_missed(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	long mx = x->total - x->hit, my = y->total - y->hit;

	return mx < my ? 1 : mx > my ? -1 : 0;
}

static void print_tally(void (*o)(const char *fmt, ...), const char *what,
			struct tally *t, int nt)
{
	int i;

	for (i = 0; i < nt; i++)
		o("coverage %s %s %ld/%ld (%.1f%%)", what, names[t[i].name],
		  t[i].hit, t[i].total,
		  t[i].total ? 100.0 * t[i].hit / t[i].total : 0.0);
}

/* "coverage WHAT all" and "coverage WHAT reachable" */
void kcov_summary(void (*o)(const char *fmt, ...), const char *what)
{
	long i, h = 0, rh = 0, rn = 0;

	if (!npoints)
		return;
	for (i = 0; i < npoints; i++) {
		int x = hit ? hit[i] : 0;

		h += x;
		if (!excluded[i]) {
			rh += x;
			rn++;
		}
	}
	o("coverage %s all %ld/%ld (%.1f%%)", what, h, npoints,
	  100.0 * h / npoints);
	o("coverage %s reachable %ld/%ld (%.1f%%)", what, rh, rn,
	  rn ? 100.0 * rh / rn : 0.0);
}

void kcov_report(void (*o)(const char *fmt, ...), int verbose)
{
	struct tally *mods, *comps, *funcs, *xfuncs;
	int nm = 0, nc = 0, nf = 0, nx = 0, i, k;
	long unreach = 0;

	if (!npoints) {
		if (kcov_ok)
			o("coverage total pcs %lu/- (no points file)",
			  kcov_hit_total());
		return;
	}
	mods = calloc(nnames, sizeof(*mods));
	comps = calloc(nnames, sizeof(*comps));
	funcs = calloc(nnames, sizeof(*funcs));
	xfuncs = calloc(nnames, sizeof(*xfuncs));
	for (i = 0; i < npoints; i++) {
		int h = hit ? hit[points[i].id] : 0;

		tally(mods, &nm, points[i].mod, h);
		tally(comps, &nc, points[i].comp, h);
		/* A missed function that cannot run here is no lead */
		if (!excluded[points[i].id])
			tally(funcs, &nf, points[i].func, h);
		else if (excluded[points[i].id] == NR_UNREACHABLE)
			tally(xfuncs, &nx, points[i].func, h);
		unreach += !!excluded[points[i].id];
	}
	print_tally(o, "module", mods, nm);
	print_tally(o, "component", comps, nc);
	for (k = 0; verbose && k < NR_UNREACHABLE; k++) {
		long n = 0, hn = 0;

		for (i = 0; i < npoints; i++) {
			if (excluded[points[i].id] != k + 1)
				continue;
			n++;
			hn += hit ? hit[points[i].id] : 0;
		}
		if (n)
			o("coverage unreachable %s:%s %ld points (%ld hit): %s",
			  unreachable[k].comp,
			  unreachable[k].func ? unreachable[k].func : "*",
			  n, hn, unreachable[k].why);
	}
	/* Which functions are export-only, since the table cannot say */
	for (k = 0; verbose && k < nx; k++)
		o("coverage unreachable export-only %s %ld points (%ld hit)",
		  names[xfuncs[k].name], xfuncs[k].total, xfuncs[k].hit);
	o("coverage unreachable %ld points, left out of \"reachable\" only (README, Fuzzing)",
	  unreach);
	kcov_summary(o, "total");
	if (verbose) {
		qsort(funcs, nf, sizeof(*funcs), cmp_missed);
		for (i = 0; i < nf && i < 150; i++)
			if (funcs[i].total > funcs[i].hit)
				o("missed %s %ld/%ld points not hit",
				  names[funcs[i].name],
				  funcs[i].total - funcs[i].hit, funcs[i].total);
	}
	free(mods);
	free(comps);
	free(funcs);
	free(xfuncs);
}

/*
 * The reachable points not hit, one a line, "MODULE SECTION OFFSET
 * FUNCTION" as in the points file: for addr2line -j SECTION on the .ko,
 * at OFFSET - 4 (the call before the return address). 0, or -errno.
 */
int kcov_write_missed(const char *path)
{
	FILE *f;
	long i;

	if (!npoints)
		return -ENOENT;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	for (i = 0; i < npoints; i++)
		if (!excluded[points[i].id] && !(hit && hit[points[i].id]))
			fprintf(f, "%s %s 0x%x %s\n", names[points[i].mod],
				names[points[i].sec], points[i].off,
				names[points[i].func]);
	return fclose(f) ? -errno : 0;
}
