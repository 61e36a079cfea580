// SPDX-License-Identifier: GPL-2.0
/*
 * The operation table: what each figure times, and what it makes before
 * it is timed. Every call goes through the files and values in struct
 * bench, so the table is the same in both modes. An operation checks its
 * own result (errno, entry_num, the events read): a figure that times a
 * failure it did not expect would time something else.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "bench.h"

#define INV_LEN sizeof(struct viommu_viommu_invalidate_selftest)
/* An invalidation flag the selftest drivers do not know: EOPNOTSUPP */
#define BENCH_BAD_FLAG BIT(1)
/* One selftest vEVENT as read() returns it */
#define VQ_REC (sizeof(struct viommu_vevent_header) + \
		sizeof(struct viommu_viommu_event_selftest))

/* The kernel handled @done entries of a call: @want, or the op fails. */
static int check_done(struct bench *b, __u32 done, __u32 want)
{
	if (done == want)
		return 0;
	b->why = "bad_entry_num";
	return -1;
}

/* 1. VIOMMU_ALLOC + DESTROY, on the fixture's device and nest parent */
static int op_viommu(struct bench_fig *f)
{
	struct bench *b = f->b;
	__u32 id;

	if (bench_viommu_alloc(b, &id))
		return -1;
	return vt_destroy(b->vfd, id);
}

/* 2. VDEVICE_ALLOC + DESTROY of device B on the fixture's vIOMMU */
static int op_vdevice(struct bench_fig *f)
{
	struct bench *b = f->b;
	__u32 id;

	if (vt_vdevice_alloc(b->vfd, b->viommu_id, b->dev_b.idev_id,
			     BENCH_VIRT_B, &id))
		return -1;
	return vt_destroy(b->vfd, id);
}

/* 3. A selftest nested HWPT on the vIOMMU, destroyed where it lives */
static int op_nested(struct bench_fig *f)
{
	struct bench *b = f->b;
	__u32 id;

	if (bench_nested_alloc(b, b->viommu_id, &id))
		return -1;
	return stock_destroy(b->iommufd, id);
}

/*
 * 4. HWPT_INVALIDATE of the vIOMMU with @entries entries, each naming
 * device A's vDEVICE and one of its cache entries in turn, as
 * vdevice_test.c's vdevice_cache does.
 */
static int prep_invalidate(struct bench_fig *f)
{
	struct viommu_viommu_invalidate_selftest *inv;
	unsigned int i;

	inv = calloc(f->entries, INV_LEN);
	if (!inv)
		return -1;
	for (i = 0; i < f->entries; i++) {
		inv[i].vdev_id = BENCH_VIRT_A;
		inv[i].cache_id = i % VIOMMU_MOCK_DEV_CACHE_NUM;
	}
	f->data = inv;
	return 0;
}

static int op_invalidate(struct bench_fig *f)
{
	struct bench *b = f->b;
	__u32 done;

	if (bench_invalidate(b, b->viommu_id, f->data, f->entries, &done))
		return -1;
	return check_done(b, done, f->entries);
}

/* 5. The vEVENTQ both veventq figures read; the first to prepare makes it */
static struct {
	int tried;
	int rc;
	int err;
	const char *skip;
	int fd;
	__u32 id;
	__u32 nested_id;
} vq;

/*
 * As upstream's vdevice_alloc test: device A reports events to the
 * vIOMMU once it has a vDEVICE there (the fixture's, BENCH_VIRT_A) and is
 * attached to a nested HWPT of that vIOMMU. The queue holds one burst.
 */
static int vq_setup(struct bench *b)
{
	if (bench_nested_alloc(b, b->viommu_id, &vq.nested_id) ||
	    vt_mock_replace(b->vfd, b->dev_a.stdev_id, vq.nested_id))
		return -1;
	if (!bench_veventq_alloc(b, b->opt.burst, &vq.id, &vq.fd))
		return 0;
	if (errno != ENOTTY)
		return -1;
	vq.skip = "no_veventq";
	return 1;
}

static int prep_veventq(struct bench_fig *f)
{
	struct bench *b = f->b;

	if (!vq.tried) {
		vq.tried = 1;
		vq.rc = vq_setup(b);
		vq.err = errno;
	}
	if (vq.rc) {
		errno = vq.err;
		f->skip = vq.skip;
		return vq.rc;
	}
	f->data = malloc(b->opt.burst * VQ_REC);
	return f->data ? 0 : -1;
}

/* Read @nr events of device A: each one whole, none lost. */
static int vq_read(struct bench *b, __u8 *buf, unsigned int nr)
{
	struct viommu_viommu_event_selftest ev;
	struct viommu_vevent_header hdr;
	unsigned int got = 0;
	size_t off;
	ssize_t len;

	while (got < nr) {
		len = read(vq.fd, buf, (nr - got) * VQ_REC);
		if (len < 0)
			return -1;
		if (!len) {
			b->why = "missing_events";
			return -1;
		}
		for (off = 0; off < (size_t)len; got++) {
			memcpy(&hdr, buf + off, sizeof(hdr));
			off += sizeof(hdr);
			if (hdr.flags & VIOMMU_VEVENTQ_FLAG_LOST_EVENTS) {
				b->why = "lost_events";
				return -1;
			}
			if (off + sizeof(ev) > (size_t)len) {
				b->why = "short_read";
				return -1;
			}
			memcpy(&ev, buf + off, sizeof(ev));
			off += sizeof(ev);
			if (ev.virt_id != BENCH_VIRT_A) {
				b->why = "bad_event";
				return -1;
			}
		}
	}
	return 0;
}

/* veventq_latency: one TRIGGER_VEVENT, then the read() that gets it */
static int op_vevent(struct bench_fig *f)
{
	struct bench *b = f->b;

	if (vt_trigger_vevent(b->vfd, b->dev_a.idev_id))
		return -1;
	return vq_read(b, f->data, 1);
}

/* veventq_events_per_s: a burst of -k events, then reads until all came */
static int op_vevent_burst(struct bench_fig *f)
{
	struct bench *b = f->b;
	unsigned int i;

	for (i = 0; i < b->opt.burst; i++)
		if (vt_trigger_vevent(b->vfd, b->dev_a.idev_id))
			return -1;
	return vq_read(b, f->data, b->opt.burst);
}

/* 6. HW_QUEUE_ALLOC of queue 0 + DESTROY; a kernel without it: skipped */
static int prep_hw_queue(struct bench_fig *f)
{
	struct bench *b = f->b;
	__u32 id;

	if (!bench_hw_queue_alloc(b, &id))
		return vt_destroy(b->vfd, id);
	if (errno != ENOTTY)
		return -1;
	f->skip = "no_hw_queue";
	return 1;
}

static int op_hw_queue(struct bench_fig *f)
{
	struct bench *b = f->b;
	__u32 id;

	if (bench_hw_queue_alloc(b, &id))
		return -1;
	return vt_destroy(b->vfd, id);
}

/*
 * 7. vdev_lookup: the selftest drivers find the vDEVICE an invalidation
 * entry names by its virtual id (xa_load() of the vIOMMU's vdevs, under
 * its lock); TRIGGER_VEVENT does not look a vDEVICE up, it reports the id
 * the device kept at attach. So each call invalidates BENCH_LOOKUP_BATCH
 * entries, each naming another vDEVICE, and the figure is per entry.
 */

/*
 * Whether the guest is short of memory: it has no swap, so a population
 * grown past this would meet the OOM killer rather than an ENOMEM.
 */
static int mem_low(void)
{
	unsigned long total = 0, avail = 0, v;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemTotal: %lu kB", &v) == 1)
			total = v;
		else if (sscanf(line, "MemAvailable: %lu kB", &v) == 1)
			avail = v;
	}
	fclose(f);
	return total && avail < total / 4;
}

static unsigned int gcd(unsigned int a, unsigned int b)
{
	while (b) {
		unsigned int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * A step through 0..n-1 that visits each index once and lands in another
 * xarray node each time (nodes hold 64), so a call does not stay in cache.
 */
static unsigned int lookup_stride(unsigned int n)
{
	unsigned int s = 7919;

	while (gcd(s, n) != 1)
		s += 2;
	return s;
}

/*
 * @count vDEVICEs, virtual ids 1..@count, on a vIOMMU of their own; a
 * device has one vDEVICE at most, so each is on a mock device of its own.
 * The population stops early, and f->reached says where, at -c, when the
 * guest runs short of memory, or on ENOMEM/ENOSPC from the kernel. Then
 * a table of calls that together name every vDEVICE; call i uses window
 * i % f->windows of it.
 */
static int prep_lookup(struct bench_fig *f)
{
	struct bench *b = f->b;
	struct viommu_viommu_invalidate_selftest *inv;
	unsigned int want = f->count, n, nr, stride, k;
	struct bench_dev dev;

	if (want > b->opt.max_vdevs)
		want = b->opt.max_vdevs;
	if (bench_viommu_alloc(b, &f->viommu_id))
		return -1;
	for (n = 0; n < want; n++) {
		if (!(n % 256) && mem_low())
			break;
		if (bench_mock_domain(b->vfd, b->ioas_id, &dev) ||
		    vt_vdevice_alloc(b->vfd, f->viommu_id, dev.idev_id,
				     n + 1, NULL)) {
			if (errno != ENOMEM && errno != ENOSPC)
				return -1;
			break;
		}
		if (n && !(n % 4096))
			fprintf(stderr, BENCH_PREFIX "%s: %u vDEVICEs\n",
				f->name, n);
	}
	f->reached = n;
	if (!n) {
		f->skip = "no_memory";
		return 1;
	}

	nr = n > BENCH_LOOKUP_BATCH ? n : BENCH_LOOKUP_BATCH;
	nr = (nr + BENCH_LOOKUP_BATCH - 1) / BENCH_LOOKUP_BATCH;
	inv = calloc(nr * BENCH_LOOKUP_BATCH, INV_LEN);
	if (!inv)
		return -1;
	stride = lookup_stride(n);
	for (k = 0; k < nr * BENCH_LOOKUP_BATCH; k++)
		inv[k].vdev_id = (unsigned long long)k * stride % n + 1;
	f->data = inv;
	f->windows = nr;
	return 0;
}

static int op_lookup(struct bench_fig *f)
{
	struct bench *b = f->b;
	const struct viommu_viommu_invalidate_selftest *inv = f->data;
	__u32 done;

	inv += (f->seq % f->windows) * BENCH_LOOKUP_BATCH;
	if (bench_invalidate(b, f->viommu_id, inv, BENCH_LOOKUP_BATCH, &done))
		return -1;
	return check_done(b, done, BENCH_LOOKUP_BATCH);
}

/*
 * 8. Floors. noop_ioctl: DESTROY of id 0, which no object has on either
 * file: the ioctl entry, dispatch and one failed id lookup.
 */
static int op_noop(struct bench_fig *f)
{
	struct bench *b = f->b;

	if (!vt_destroy(b->vfd, 0)) {
		b->why = "no_error";
		return -1;
	}
	return errno == ENOENT ? 0 : -1;
}

/*
 * copy_floor: an invalidation whose entry 0 has a flag no driver knows.
 * Both selftest drivers (ours, src/selftest/viommu.c; 7.2's, selftest.c
 * mock_viommu_cache_invalidate()) allocate and copy in the whole array
 * before they check entry 0, so the call fails with EOPNOTSUPP and
 * entry_num 0 right after the copy: the vIOMMU lookup, an allocation, the
 * copy and a free, no vDEVICE lookup. Checked once here: with the last 4
 * bytes of the array on a PROT_NONE page the call must fail with EFAULT.
 */
static int prep_copy_floor(struct bench_fig *f)
{
	struct bench *b = f->b;
	size_t len = f->entries * INV_LEN;
	size_t map = (len / b->psz + 2) * b->psz;
	struct viommu_viommu_invalidate_selftest *inv;
	__u8 *p, *guard;
	__u32 done, k;
	int rc, err;

	p = mmap(NULL, map, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	guard = p + map - b->psz;
	inv = (void *)(guard - len + sizeof(__u32));
	inv[0].flags = BENCH_BAD_FLAG;
	rc = mprotect(guard, b->psz, PROT_NONE);
	if (!rc)
		rc = bench_invalidate(b, b->viommu_id, inv, f->entries,
				      &done);
	err = errno;
	munmap(p, map);
	errno = err;
	if (!rc) {
		b->why = "no_error";
		return -1;
	}
	if (err == EOPNOTSUPP) {
		f->skip = "no_copy_first";
		return 1;
	}
	if (err != EFAULT)
		return -1;

	inv = calloc(f->entries, INV_LEN);
	if (!inv)
		return -1;
	for (k = 0; k < f->entries; k++)
		inv[k].vdev_id = BENCH_VIRT_A;
	inv[0].flags = BENCH_BAD_FLAG;
	f->data = inv;
	return 0;
}

static int op_copy_floor(struct bench_fig *f)
{
	struct bench *b = f->b;
	__u32 done;

	if (!bench_invalidate(b, b->viommu_id, f->data, f->entries, &done)) {
		b->why = "no_error";
		return -1;
	}
	if (errno != EOPNOTSUPP)
		return -1;
	return check_done(b, done, 0);
}

#define INVALIDATE(n) {						\
	.name = "invalidate_b" #n, .prepare = prep_invalidate,	\
	.op = op_invalidate, .report = BENCH_NS_ENTRY, .entries = n,	\
}

#define COPY_FLOOR(n) {						\
	.name = "copy_floor_b" #n, .prepare = prep_copy_floor,	\
	.op = op_copy_floor, .entries = n,				\
}

#define LOOKUP(n) {							\
	.name = "vdev_lookup_" #n, .prepare = prep_lookup,		\
	.op = op_lookup, .report = BENCH_ENTRY_COUNT,			\
	.entries = BENCH_LOOKUP_BATCH, .count = n, .late = 1,		\
}

/*
 * In report order. The vdev_lookup populations come last, alone: our
 * mock's TRIGGER_VEVENT finds its device in a list of every mock device
 * (src/selftest/test_cmd.c, mock_stdev_find()), so 66537 devices alive
 * would slow the veventq figures in module mode.
 */
struct bench_fig bench_figs[] = {
	{ .name = "viommu_alloc_destroy", .op = op_viommu },
	{ .name = "vdevice_alloc_destroy", .op = op_vdevice },
	{ .name = "nested_hwpt_alloc_destroy", .op = op_nested },
	INVALIDATE(1),
	INVALIDATE(16),
	INVALIDATE(256),
	INVALIDATE(1024),
	{ .name = "veventq_latency", .prepare = prep_veventq,
	  .op = op_vevent },
	{ .name = "veventq_events_per_s", .prepare = prep_veventq,
	  .op = op_vevent_burst, .report = BENCH_EVENTS },
	{ .name = "hw_queue_alloc_destroy", .prepare = prep_hw_queue,
	  .op = op_hw_queue },
	{ .name = "noop_ioctl", .op = op_noop, .standalone = 1 },
	COPY_FLOOR(1),
	COPY_FLOOR(16),
	COPY_FLOOR(256),
	COPY_FLOOR(1024),
	LOOKUP(1),
	LOOKUP(1000),
	LOOKUP(65536),
};

const unsigned int bench_nr_figs = ARRAY_SIZE(bench_figs);
