// SPDX-License-Identifier: GPL-2.0
/*
 * Coverage: KCOV per thread, PCs kept only where they are points of our
 * modules (scripts/kcov-points.sh lists them: module, section, offset of
 * the return address of each __sanitizer_cov_trace_pc call, which is what
 * KCOV records; the test kernel has no KASLR, so PCs are raw addresses).
 * The kcov fds and areas are made once in the parent: each program's
 * threads enable them (a kcov is free again when its task exits).
 * Hits go to a shared bitmap, so the parent sees what a child reached.
 */
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

struct point {
	__u64 addr;
	__u16 mod, comp;
	__u32 func;
};

static int kcov_fd[MAX_THREADS];
static unsigned long *kcov_area[MAX_THREADS];
static int kcov_ok;

static struct point *points;
static long npoints;
static char **names;		/* modules, components, functions */
static int nnames;
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

static void load_points(const char *file)
{
	char line[512], mod[64], sec[64], comp[64], func[256];
	unsigned long long off;
	long cap = 0, skipped = 0;
	FILE *f = fopen(file, "r");

	if (!f) {
		out("cannot read the points file %s", file);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		__u64 base;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "%63s %63s %llx %63s %255s", mod, sec, &off,
			   comp, func) != 5)
			continue;
		base = section_base(mod, sec);
		if (!base) {
			skipped++;
			continue;
		}
		if (npoints == cap) {
			cap = cap ? cap * 2 : 4096;
			points = realloc(points, cap * sizeof(*points));
		}
		points[npoints].addr = base + off;
		points[npoints].mod = name_idx(mod);
		points[npoints].comp = name_idx(comp);
		/* Static functions of one name live in several components */
		snprintf(line, sizeof(line), "%s:%s", comp, func);
		points[npoints].func = name_idx(line);
		npoints++;
	}
	fclose(f);
	if (skipped)
		out("points: %ld in sections not loaded (module missing?)",
		    skipped);
	qsort(points, npoints, sizeof(*points), cmp_point);
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
			if (!__atomic_exchange_n(&hit[mid], 1, __ATOMIC_RELAXED))
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

void kcov_report(void (*o)(const char *fmt, ...), int verbose)
{
	struct tally *mods, *comps, *funcs;
	int nm = 0, nc = 0, nf = 0, i;
	long total_hit = 0;

	if (!npoints) {
		if (kcov_ok)
			o("coverage total pcs %lu/- (no points file)",
			  kcov_hit_total());
		return;
	}
	mods = calloc(nnames, sizeof(*mods));
	comps = calloc(nnames, sizeof(*comps));
	funcs = calloc(nnames, sizeof(*funcs));
	for (i = 0; i < npoints; i++) {
		int h = hit ? hit[i] : 0;

		tally(mods, &nm, points[i].mod, h);
		tally(comps, &nc, points[i].comp, h);
		tally(funcs, &nf, points[i].func, h);
		total_hit += h;
	}
	print_tally(o, "module", mods, nm);
	print_tally(o, "component", comps, nc);
	o("coverage total all %ld/%ld (%.1f%%)", total_hit, npoints,
	  100.0 * total_hit / npoints);
	if (verbose) {
		qsort(funcs, nf, sizeof(*funcs), cmp_missed);
		for (i = 0; i < nf && i < 40; i++)
			if (funcs[i].total > funcs[i].hit)
				o("missed %s %ld/%ld points not hit",
				  names[funcs[i].name],
				  funcs[i].total - funcs[i].hit, funcs[i].total);
	}
	free(mods);
	free(comps);
	free(funcs);
}
