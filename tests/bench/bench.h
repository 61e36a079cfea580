/* SPDX-License-Identifier: GPL-2.0 */
/*
 * viommu_bench: what the vIOMMU-layer ioctls cost, on Linux 6.12 with our
 * modules ("module" mode) and on upstream's own iommufd (--native). One
 * operation table (figures.c) runs in both modes; only the setup
 * (setup.c: the files, the test command that makes a mock device, the
 * ABI values) differs. main.c runs the table in rounds and reports.
 */
#ifndef VIOMMU_BENCH_H
#define VIOMMU_BENCH_H

#include <stddef.h>
#include <linux/types.h>
#include <linux/viommu.h>
#include <linux/viommu_test.h>

#include "../vt_ioctl.h"

#define BENCH_PREFIX "viommu-bench: "

/* The virtual ids the benchmark gives its vDEVICEs; 0 reports no event. */
#define BENCH_VIRT_A 0x99
#define BENCH_VIRT_B 0x100
/* Entries of one vdev_lookup call: enough to hide the ioctl's own cost. */
#define BENCH_LOOKUP_BATCH 256

struct bench;

/* A mock device: its test object and its stock device id */
struct bench_dev {
	__u32 stdev_id;
	__u32 idev_id;
};

/*
 * What differs between the modes: only how the files are opened. Every
 * command, struct and magic value is ours, which bench_native.h checks
 * to be 7.2's too.
 */
struct bench_abi {
	const char *mode;
	/* Open the files into b->iommufd and b->vfd: 0 or -1 with errno. */
	int (*open)(struct bench *b);
};

/* Options */
struct bench_opts {
	unsigned int n;		/* timed operations per figure */
	unsigned int rounds;	/* each runs every figure n / rounds times */
	unsigned int batch;	/* operations between two clock reads */
	unsigned int burst;	/* events per veventq_throughput operation */
	unsigned int max_vdevs;	/* cap of the vdev_lookup populations */
	const char *only;	/* -f: run only figures whose name holds it */
};

/*
 * The objects every figure starts from: the shared fixture. Stock
 * objects (IOAS, HWPTs, device ids) are ids of @iommufd, vIOMMU-layer ones
 * of @vfd; with --native (or our stock-file door) both are one file.
 */
struct bench {
	const struct bench_abi *abi;
	struct bench_opts opt;
	int iommufd;
	int vfd;
	long psz;
	void *buffer;
	__u32 ioas_id;
	__u32 parent_id;	/* the nest-parent HWPT_PAGING */
	struct bench_dev dev_a;	/* vDEVICE BENCH_VIRT_A on @viommu_id */
	struct bench_dev dev_b;	/* none: vdevice_alloc_destroy's device */
	__u32 viommu_id;
	__u32 vdev_a_id;
	int edu_fd;		/* --hooks: edu's cdev, bound and attached */
	__u32 ioas2_id;		/* --hooks: an IOAS without a device */
	/* After each --hooks figure's name, its state (main.c); else "" */
	const char *suffix;
	/* A word for the FAIL line when an operation fails without errno */
	const char *why;
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1U << (n))

/* What a figure's line says */
enum bench_report {
	BENCH_NS,		/* ns per operation */
	BENCH_NS_ENTRY,		/* that, then a "_per_entry" line */
	BENCH_ENTRY_COUNT,	/* ns per entry, and count= */
	BENCH_EVENTS,		/* events per second: value= */
};

/*
 * One figure of the operation table. @prepare (may be NULL) makes the
 * figure's objects once, before any is timed: it returns 0, -1 (a failure:
 * errno, or b->why if set, names it) or 1 (cannot run here: @skip says
 * why). @op is one timed operation: 0, or -1 as @prepare. Both find the
 * benchmark in @b.
 */
struct bench_fig {
	const char *name;
	int (*prepare)(struct bench_fig *f);
	int (*op)(struct bench_fig *f);
	enum bench_report report;
	unsigned int entries;	/* entries of each call, if any */
	unsigned int count;	/* vdev_lookup: vDEVICEs asked for */
	int late;		/* run after the others are reported */
	int standalone;		/* needs no mock device */
	int self_timed;		/* @op adds the part it times to @timed_ns */
	/* State, set while running */
	struct bench *b;
	const char *skip;
	int failed;
	unsigned int seq;	/* operations run, warm-up included */
	unsigned int reached;	/* vdev_lookup: vDEVICEs made */
	__u32 viommu_id;	/* vdev_lookup: its own vIOMMU */
	void *data;		/* entries, read buffer */
	unsigned int windows;	/* vdev_lookup: calls' worth of @data */
	double timed_ns;	/* @self_timed: this batch's timed part */
	double *samples;	/* ns per operation, one per batch */
	unsigned int nr_samples;
	unsigned int done;	/* operations timed */
};

extern struct bench_fig bench_figs[];
extern const unsigned int bench_nr_figs;
/* hooks.c: the --hooks table, on the stock iommufd and edu */
extern struct bench_fig bench_hook_figs[];
extern const unsigned int bench_nr_hook_figs;
int bench_hooks_setup(struct bench *b, int bind);
int bench_edu_bind(struct bench *b, __u32 *dev_id);
int bench_edu_attach(int fd, __u32 pt_id);
/* smmuv3.c: the --smmuv3 table, an ARM_SMMUV3 vIOMMU on edu */
extern struct bench_fig bench_smmu_figs[];
extern const unsigned int bench_nr_smmu_figs;
int bench_smmuv3_setup(struct bench *b);

/* setup.c */
extern const struct bench_abi bench_module_abi;
extern const struct bench_abi bench_native_abi;
int bench_setup(struct bench *b);
int bench_bind_viommu(struct bench *b);

/*
 * ioctl.c: the fixture's calls over tests/vt_ioctl.h's wrappers, which the
 * figures also call directly; 0 or -1 with errno
 */
int bench_viommu_alloc(struct bench *b, __u32 *viommu_id);
int bench_nested_alloc(struct bench *b, __u32 viommu_id, __u32 *hwpt_id);
int bench_invalidate(struct bench *b, __u32 viommu_id, const void *entries,
		     __u32 num, __u32 *done);
int bench_veventq_alloc(struct bench *b, __u32 depth, __u32 *veventq_id,
			int *veventq_fd);
int bench_hw_queue_alloc(struct bench *b, __u32 *hw_queue_id);
int bench_mock_domain(int fd, __u32 pt_id, struct bench_dev *dev);

#endif /* VIOMMU_BENCH_H */
