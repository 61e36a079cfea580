/* SPDX-License-Identifier: GPL-2.0 */
/*
 * viommu_fuzz: a seeded, coverage-guided fuzzer of the vIOMMU uAPI.
 * Shared types: programs (lists of calls), the op table, the resource
 * pool a running program keeps, and the parts of the run they report to.
 */
#ifndef VIOMMU_FUZZ_H
#define VIOMMU_FUZZ_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

#include "vt_ioctl.h"

/*
 * A program gets this long. Stock iommufd (6.12 and 7.2 alike) wakes a
 * destroy that waits for short-term users with wake_up_interruptible_all()
 * while the destroy sleeps uninterruptibly: a device unbind beside a
 * stock ioctl on that device sleeps out its full 60 s timeout, then goes
 * on. That is slow, not hung; past this it is a hang.
 */
#define WATCHDOG_S 150

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define MAX_CALLS 384		/* calls in one program */
#define MAX_ARGS 12
#define MAX_THREADS 8
#define POOL_MAX 1024		/* resources one program holds */
/* Fds of the fuzzer itself live at or above this: ops never touch them. */
#define FD_PRIVATE 900

/* PRNG: splitmix64, one state per generator (rng.c) */
struct rng {
	__u64 s;
};

void rng_seed(struct rng *r, __u64 seed);
__u64 rng_next(struct rng *r);
__u64 rng_below(struct rng *r, __u64 n);	/* 0..n-1, 0 if n == 0 */
int rng_pct(struct rng *r, unsigned int pct);	/* true pct% of the time */

/* Resource types of the pool; a program refers to them by index. */
enum res_type {
	R_CTX,		/* an iommufd and its door fd (vfd) */
	R_IOAS,
	R_HWPT,		/* a paging HWPT */
	R_PARENT,	/* a nest-parent paging HWPT */
	R_NESTED,	/* a nested HWPT (stock id) */
	R_IDEV,		/* a device id of the iommufd (mock or edu) */
	R_STDEV,	/* a mock device object (/dev/viommu id) */
	R_VIOMMU,
	R_VDEV,
	R_VEVQ,		/* id, fd */
	R_HWQ,
	R_FAULT,	/* id, fd */
	R_VFIO,		/* edu's VFIO cdev fd, its dev id */
	R_AREA,		/* a mapped IOVA range of an IOAS */
	R_REGION,	/* an mmap()able region of a door fd */
	R_MAPPING,	/* a user mapping made by the mmap op */
	R_NR,
};

extern const char *const res_name[R_NR];
#define RES(t) (1U << (t))

/* Sub-kinds, recorded with a resource (generation and runtime) */
enum {
	SUB_MOCK = 1,	/* R_IDEV of a mock device; R_VIOMMU of selftest */
	SUB_EDU = 2,	/* R_IDEV of edu; R_VIOMMU of SMMUv3 */
};

/*
 * A resource argument: bits 0-7 the mode, bits 8-63 the index (or, for
 * REF_LIT, the literal value).
 */
enum ref_mode {
	REF_LIVE,	/* the index-th live resource of the arg's type */
	REF_DEAD,	/* the index-th destroyed one of that type */
	REF_OTHER,	/* a live resource of another type */
	REF_LIT,	/* a literal id or fd */
};

#define REF(mode, v) ((__u64)(mode) | ((__u64)(v) << 8))
#define REF_MODE(r) ((enum ref_mode)((r) & 0xff))
#define REF_VAL(r) ((r) >> 8)

enum arg_kind {
	A_INT,		/* printed in hex */
	A_RES,		/* a resource reference (param: enum res_type, or -1 any) */
};

struct arg_desc {
	const char *name;
	enum arg_kind kind;
	int res;	/* enum res_type for A_RES; -1: any type */
};

struct call {
	__u16 op;
	__u8 thread;
	/* Fail the fault-th allocation the call makes (fail-nth); 0: none */
	__u8 fault;
	__u64 a[MAX_ARGS];
};

struct prog {
	int stock;		/* VT_DOOR=stock semantics for every ctx */
	int threads;		/* 1: exact replay */
	int n;
	struct call c[MAX_CALLS];
};

/* What a call did, for the oracles (exec.c). */
struct result {
	long rc;
	int err;
	/* Set by ops before the call: why it must fail, NULL if it may pass. */
	const char *must_fail;
	/* Set by ops: the call used an id of this destroyed resource. */
	int used_dead;
	int skipped;		/* nothing to do (no resource); not a syscall */
	/* A multi-step op: the errnos of the step that failed, if not op's */
	const int *errnos;
	int injected;		/* an allocation of the call was made to fail */
};

struct ectx;
struct gctx;

struct op {
	const char *name;
	int nargs;
	struct arg_desc args[MAX_ARGS];
	/* Fill c->a (generation); may add resources to the gctx. */
	void (*gen)(struct gctx *g, struct call *c);
	void (*exec)(struct ectx *e, const struct call *c, struct result *r);
	/* errnos allowed on failure, 0-terminated; NULL: the ioctl default */
	const int *errnos;
	int weight;		/* share of generated calls; 0: rare */
	unsigned int creates;	/* bit per enum res_type it may make */
	int not_ioctl;		/* may return a positive value */
	/*
	 * Whether call @c may reach a stock "must succeed" domain change
	 * (edu detached, or unbound when its cdev's last reference goes,
	 * which can be a call that holds the file while another thread
	 * closes it): the iommu core WARNs by design when an allocation
	 * there fails, so no failure is armed for such a call. NULL: never.
	 */
	int (*must_succeed)(const struct call *c);
};

int call_always(const struct call *c);

extern const struct op *const ops[];
extern const int nr_ops;
int op_find(const char *name);

/* Generation: a simulated pool of what the program made so far */
struct gctx {
	struct rng *r;
	struct prog *p;
	int cur_thread;
	int nres[R_NR];		/* live resources of each type */
	__u8 sub[R_NR][POOL_MAX];	/* their sub-kinds, in order */
	int depth;		/* recursion of "make what I need" */
	int edu;		/* this program may use edu (VFIO is slow) */
};

extern int fuzz_trace;		/* exec.c */
extern int fuzz_stock_ok;	/* the stock-file door is on (gen.c) */
extern int fuzz_no_edu;
extern int fuzz_faults;	/* fail-nth works: calls may carry a fault */
void gen_prog(struct rng *r, struct prog *p, int threads);
void mutate_prog(struct rng *r, struct prog *p, const struct prog *other);
/* Helpers for op gen functions (gen.c) */
__u64 gen_ref(struct gctx *g, enum res_type t);
__u64 gen_ref_sub(struct gctx *g, enum res_type t, int sub, int *got);
void gen_add(struct gctx *g, enum res_type t, int sub);
void gen_del(struct gctx *g, enum res_type t, __u64 ref);
__u64 gen_size(struct gctx *g, __u32 size, __u32 min);
__u64 gen_flags(struct gctx *g, __u32 valid, __u32 usual);
__u64 gen_rsv(struct gctx *g);
__u64 gen_ptr(struct gctx *g);
__u64 gen_u32(struct gctx *g);
__u64 gen_len(struct gctx *g);
int gen_viol(struct gctx *g);	/* true a few % of calls: break one rule */

/* Pointer kinds for gen_ptr()/ectx_ptr() */
enum ptr_kind {
	PTR_OK, PTR_NULL, PTR_UNMAPPED, PTR_RO, PTR_END, PTR_NR,
};

/* Runtime pool and per-thread state (exec.c) */
struct res {
	__u8 type, sub, dead, ns;
	int fd, fd2;		/* R_CTX: iommufd, vfd; VEVQ/FAULT/VFIO: fd */
	__u32 id;
	/* AREA: iova, len; REGION: off, len; MAPPING; mock IDEV: stdev, taken */
	__u64 x, y;
	__u32 ioas;		/* AREA: its IOAS */
};

/* What the threads of a running program share */
struct pool {
	pthread_mutex_t lock;
	struct res res[POOL_MAX];
	int nres;
	int nns;		/* id namespaces (one per file) */
	int stock;
	int threads;
	__u8 *gbuf;		/* "guest RAM": GBUF_PAGES shared pages */
};

/* One thread's state */
struct ectx {
	struct pool *pl;
	int thread;
	__u8 *buf;		/* a zeroed scratch area, BUF_SIZE */
	__u8 *ro;		/* two read-only pages */
	/*
	 * The same two pages, writable: filling them takes no syscall an
	 * armed allocation failure could hit (a failed mprotect did).
	 */
	__u8 *ro_rw;
	__u8 *scratch;		/* btf_split's blob, faulted in at start */
	size_t scratch_len;
	__u8 *none;		/* a PROT_NONE page, right after buf */
	size_t dirty;		/* bytes of buf to zero after the call */
	long psz;
};

#define GBUF_PAGES 32

#define BUF_SIZE (64 * 1024)

/* Pool access, under e->pl->lock (pool.c) */
struct res *pool_get(struct ectx *e, enum res_type t, __u64 ref,
		     struct result *r);
__u32 pool_id(struct ectx *e, enum res_type t, __u64 ref,
	      struct result *r);
struct res *pool_add(struct ectx *e, enum res_type t);
struct res *ops_add_obj(struct ectx *e, enum res_type t, struct res *ctx,
			__u32 id, int sub);
void pool_kill_id(struct ectx *e, int ns, __u32 id);
int pool_id_live(struct ectx *e, int ns, __u32 id);
struct res *pool_ctx(struct ectx *e, __u64 ref, struct result *r);
void *ectx_ptr(struct ectx *e, __u64 kind, size_t len);

/* The ioctl default errno table and checks (oracle.c) */
extern const int errnos_ioctl[];
extern const int errnos_vfio[];
extern const int errnos_stock[];
extern const int errnos_syscall[];
int errno_allowed(const int *tab, int err);

/* Programs as text (prog.c) */
void prog_print(FILE *f, const struct prog *p, const char *prefix);
int prog_print_call(char *buf, size_t len, const struct call *c);
int prog_parse(const char *text, struct prog *p);
int prog_load(const char *path, struct prog *p);
__u64 prog_hash(const struct prog *p);

/* Coverage (kcov.c) */
int kcov_setup(int threads, const char *points);
int kcov_on(void);
void kcov_thread_enable(int slot);
void kcov_thread_begin(int slot);
void kcov_thread_end(int slot);
void kcov_thread_disable(int slot);
unsigned long kcov_hit_total(void);
void kcov_report(void (*out)(const char *fmt, ...), int verbose);
void kcov_summary(void (*out)(const char *fmt, ...), const char *what);
int kcov_write_missed(const char *path);
long kcov_rebase(void);
int kcov_main_begin(void);
int kcov_main_collect(void);
void kcov_main_end(void);

/* The load phase (load.c): 0, or -1 once it printed why it failed */
int load_phase(const char *mod_dir);
int btf_target_init(void);	/* ops_btf.c */
size_t btf_scratch_len(void);	/* what e->scratch must hold, or 0 */
void kcov_reset_new(void);
unsigned long kcov_new(void);

/* Running programs (run.c): one forked child each */
enum fail_kind {
	F_NONE, F_ERRNO, F_MUSTFAIL, F_DEAD, F_SIGNAL, F_HANG, F_EXIT,
};

struct outcome {
	enum fail_kind kind;
	int call;		/* index of the failing call, -1 if unknown */
	__u16 op;
	long calls;		/* syscalls made */
	long injected;		/* of them, with an allocation failed */
	char msg[256];
};

void run_init(void);
void run_prog(const struct prog *p, struct outcome *o, int watchdog_s);
void run_stats(void);
int same_failure(const struct outcome *a, const struct outcome *b);

/* Shrinking (minimize.c) */
void minimize(struct prog *p, const struct outcome *o);

/* Output: stdout and OUT_DIR/figures (main.c) */
void out(const char *fmt, ...);

#endif /* VIOMMU_FUZZ_H */
