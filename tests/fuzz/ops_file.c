// SPDX-License-Identifier: GPL-2.0
/*
 * File ops on what a program holds: close and dup of its files, mmap of
 * the door fd (regions drivers gave out, and offsets at random), munmap,
 * touching a mapping, read/poll of vEVENTQ and fault fds, and fork.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ops.h"

const int errnos_mmap[] = { EINVAL, ENXIO, EPERM, EACCES, ENODEV, ENOMEM,
			    EAGAIN, EBADF, EBUSY, EOVERFLOW, ENOENT, 0 };

/*
 * Fd-bearing kinds, by a small number. The last: both files of a ctx, so
 * that its release (every object of the file destroyed) runs in a traced
 * thread, not at the program's exit, which KCOV does not see.
 */
static const int fd_kinds[] = { R_CTX, R_CTX, R_VEVQ, R_FAULT, R_VFIO, R_CTX };
#define CLOSE_VFIO 4
#define CLOSE_CTX 5

static void g_close(struct gctx *g, struct call *c)
{
	c->a[0] = rng_below(g->r, ARRAY_SIZE(fd_kinds));
	/* edu's cdev closed: its unbind under live vIOMMU objects */
	if (g->nres[R_VFIO] && rng_pct(g->r, 25))
		c->a[0] = CLOSE_VFIO;
	c->a[1] = gen_ref(g, fd_kinds[c->a[0]]);
	if (fd_kinds[c->a[0]] == R_VFIO || c->a[0] == CLOSE_CTX)
		gen_del(g, fd_kinds[c->a[0]], c->a[1]);
}

/* With the lock held: both files of ctx @x closed; 0 or -1 (errno) */
static int close_ctx(struct res *x)
{
	int rc = 0, e = 0;

	if (x->fd >= 0 && close(x->fd)) {
		rc = -1;
		e = errno;
	}
	if (x->fd2 >= 0 && close(x->fd2) && !rc) {
		rc = -1;
		e = errno;
	}
	x->fd = -1;
	x->fd2 = -1;
	x->dead = 1;
	errno = e;
	return rc;
}

static void x_close(struct ectx *e, const struct call *c, struct result *r)
{
	int k = c->a[0] % ARRAY_SIZE(fd_kinds), fd = -1;
	struct res *x;

	LOCK(e);
	x = pool_get(e, fd_kinds[k], c->a[1], NULL);
	if (x && k == CLOSE_CTX && x->type == R_CTX) {
		if (x->fd >= 0 || x->fd2 >= 0) {
			r->rc = close_ctx(x);
			r->err = r->rc ? errno : 0;
		} else {
			r->skipped = 1;
		}
		UNLOCK(e);
		return;
	}
	if (x) {
		/* ctx: kind 0 closes the iommufd, 1 the door fd */
		int *pfd = k == 1 ? &x->fd2 : &x->fd;

		fd = *pfd;
		*pfd = -1;
		if (x->type == R_VFIO || (x->type == R_CTX && x->fd < 0 &&
					  x->fd2 < 0))
			x->dead = 1;
	}
	if (fd >= 0) {
		errno = 0;
		r->rc = close(fd);
		r->err = r->rc ? errno : 0;
	} else {
		r->skipped = 1;
	}
	UNLOCK(e);
}

/* Closing edu's cdev unbinds it: its DMA ownership goes back, nofail. */
static int close_must_succeed(const struct call *c)
{
	return c->a[0] % ARRAY_SIZE(fd_kinds) == CLOSE_VFIO;
}

const struct op op_close = {
	.name = "close", .nargs = 2,
	.args = { { "kind" }, { "fd", A_RES, -1 } },
	.gen = g_close, .exec = x_close, .errnos = errnos_syscall,
	.weight = 2, .must_succeed = close_must_succeed,
};

/* dup: a second ctx on the same files (same ids) */
static void g_dup(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_CTX);
	gen_add(g, R_CTX, 0);
}

static void x_dup(struct ectx *e, const struct call *c, struct result *r)
{
	struct res *ctx, *x;

	LOCK(e);
	ctx = pool_ctx(e, c->a[0], r);
	if (!ctx || ctx->fd < 0 || ctx->fd2 < 0) {
		r->skipped = 1;
		UNLOCK(e);
		return;
	}
	x = pool_add(e, R_CTX);
	if (x) {
		x->ns = ctx->ns;
		x->fd = dup(ctx->fd);
		x->fd2 = dup(ctx->fd2);
		r->rc = x->fd < 0 || x->fd2 < 0 ? -1 : 0;
		r->err = r->rc ? errno : 0;
	} else {
		r->skipped = 1;
	}
	UNLOCK(e);
}

const struct op op_dup = {
	.name = "dup", .nargs = 1,
	.args = { { "ctx", A_RES, R_CTX } },
	.gen = g_dup, .exec = x_dup, .errnos = errnos_syscall, .weight = 1,
	.creates = RES(R_CTX),
};

/* mmap of the door fd */
static void g_mmap(struct gctx *g, struct call *c)
{
	struct rng *r = g->r;

	c->a[0] = gen_ref(g, R_CTX);
	c->a[1] = gen_ref(g, R_REGION);
	c->a[2] = rng_pct(r, 80) ? 0 : rng_below(r, 6);	/* offset mode */
	c->a[3] = rng_pct(r, 80) ? 0 : rng_below(r, 4);	/* length mode */
	c->a[4] = rng_pct(r, 85) ? PROT_READ | PROT_WRITE : rng_below(r, 8);
	c->a[5] = rng_pct(r, 90) ? MAP_SHARED : MAP_PRIVATE;
	gen_add(g, R_MAPPING, 0);
}

static void x_mmap(struct ectx *e, const struct call *c, struct result *r)
{
	struct res *ctx = ctx_of(e, c->a[0], r), *rg, *x;
	__u64 off = 0, len = e->psz;
	int fd;
	void *p;

	if (!ctx)
		return;
	LOCK(e);
	rg = pool_get(e, R_REGION, c->a[1], NULL);
	if (rg) {
		off = rg->x;
		len = rg->y;
	}
	fd = ctx->fd2;
	UNLOCK(e);
	/* Off the region by a page, at 0, far, at the very end */
	switch (c->a[2] % 6) {
	case 1:
		off += e->psz;
		break;
	case 2:
		off = 0;
		break;
	case 3:
		off = e->psz;
		break;
	case 4:
		off = 1ULL << 40;
		break;
	case 5:
		off = ~(__u64)(e->psz - 1);
		break;
	}
	if (c->a[3] % 4 == 1)
		len /= 2;
	else if (c->a[3] % 4 == 2)
		len *= 2;
	else if (c->a[3] % 4 == 3)
		len = e->psz;
	if (!len) {
		r->skipped = 1;
		return;
	}
	p = mmap(NULL, len, c->a[4] & 7, c->a[5] & (MAP_SHARED | MAP_PRIVATE),
		 fd, off);
	r->rc = p == MAP_FAILED ? -1 : 0;
	r->err = p == MAP_FAILED ? errno : 0;
	if (p == MAP_FAILED)
		return;
	LOCK(e);
	x = pool_add(e, R_MAPPING);
	if (x) {
		x->x = (uintptr_t)p;
		x->y = len;
		x->sub = c->a[4] & 7;
	} else {
		munmap(p, len);
	}
	UNLOCK(e);
}

const struct op op_mmap = {
	.name = "mmap", .nargs = 6,
	.args = { { "ctx", A_RES, R_CTX }, { "region", A_RES, R_REGION },
		  { "off_mode" }, { "len_mode" }, { "prot" }, { "flags" } },
	.gen = g_mmap, .exec = x_mmap, .errnos = errnos_mmap, .weight = 2,
	.creates = RES(R_MAPPING),
};

/* munmap, under the lock: the range is never reused while we look */
static void g_munmap(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_MAPPING);
	c->a[1] = rng_pct(g->r, 80) ? 0 : 1;	/* 1: the first page only */
	gen_del(g, R_MAPPING, c->a[0]);
}

static void x_munmap(struct ectx *e, const struct call *c, struct result *r)
{
	struct res *m;

	LOCK(e);
	m = pool_get(e, R_MAPPING, c->a[0], NULL);
	if (m && (REF_MODE(c->a[0]) == REF_LIVE)) {
		__u64 len = c->a[1] && m->y > (__u64)e->psz ? (__u64)e->psz : m->y;

		r->rc = munmap((void *)(uintptr_t)m->x, len);
		r->err = r->rc ? errno : 0;
		if (!r->rc) {
			m->x += len;
			m->y -= len;
			if (!m->y)
				m->dead = 1;
		}
	} else {
		r->skipped = 1;
	}
	UNLOCK(e);
}

const struct op op_munmap = {
	.name = "munmap", .nargs = 2,
	.args = { { "mapping", A_RES, R_MAPPING }, { "part" } },
	.gen = g_munmap, .exec = x_munmap, .errnos = errnos_syscall,
	.weight = 1,
};

/* touch: read (and write, if writable) a word of a mapping */
static void g_touch(struct gctx *g, struct call *c)
{
	c->a[0] = gen_ref(g, R_MAPPING);
	c->a[1] = rng_next(g->r) & 0xffff;
}

static void x_touch(struct ectx *e, const struct call *c, struct result *r)
{
	struct res *m;

	LOCK(e);
	m = pool_get(e, R_MAPPING, c->a[0], NULL);
	if (m && REF_MODE(c->a[0]) == REF_LIVE && (m->sub & PROT_READ)) {
		__u32 *w = (void *)(uintptr_t)(m->x + ((c->a[1] * 4) % m->y));
		__u32 v = __atomic_load_n(w, __ATOMIC_RELAXED);

		if (m->sub & PROT_WRITE)
			__atomic_store_n(w, v ^ (__u32)c->a[1], __ATOMIC_RELAXED);
		r->rc = 0;
	} else {
		r->skipped = 1;
	}
	UNLOCK(e);
}

const struct op op_touch = {
	.name = "touch", .nargs = 2,
	.args = { { "mapping", A_RES, R_MAPPING }, { "word" } },
	.gen = g_touch, .exec = x_touch, .errnos = errnos_syscall,
	.weight = 1,
};

/* read of a vEVENTQ or fault fd, non-blocking */
static void g_read(struct gctx *g, struct call *c)
{
	static const __u32 counts[] = { 0, 1, 8, 12, 16, 40, 64, 256, 4096 };

	c->a[0] = rng_pct(g->r, 85) ? 0 : 1;
	c->a[1] = gen_ref(g, c->a[0] ? R_FAULT : R_VEVQ);
	c->a[2] = counts[rng_below(g->r, ARRAY_SIZE(counts))];
	c->a[3] = gen_ptr(g);
}

static void x_read(struct ectx *e, const struct call *c, struct result *r)
{
	struct res *q;
	size_t n = c->a[2] % (BUF_SIZE - DATA_OFF);
	int fd;

	LOCK(e);
	q = pool_get(e, c->a[0] & 1 ? R_FAULT : R_VEVQ, c->a[1], NULL);
	fd = q ? q->fd : -1;
	UNLOCK(e);
	if (fd < 0) {
		r->skipped = 1;
		return;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	errno = 0;
	r->rc = read(fd, payload(e, c->a[3], NULL, n), n);
	r->err = r->rc < 0 ? errno : 0;
	if (e->dirty < DATA_OFF + n)
		e->dirty = DATA_OFF + n;
}

const struct op op_read = {
	.name = "read", .nargs = 4,
	.args = { { "kind" }, { "fd", A_RES, -1 }, { "count" }, { "ptr" } },
	.gen = g_read, .exec = x_read, .errnos = errnos_syscall, .weight = 3,
	.not_ioctl = 1,
};

static void g_poll(struct gctx *g, struct call *c)
{
	c->a[0] = rng_pct(g->r, 85) ? 0 : 1;
	c->a[1] = gen_ref(g, c->a[0] ? R_FAULT : R_VEVQ);
	c->a[2] = rng_pct(g->r, 80) ? POLLIN : rng_below(g->r, 0x40);
}

static void x_poll(struct ectx *e, const struct call *c, struct result *r)
{
	struct pollfd p = { .events = c->a[2] };
	struct res *q;

	LOCK(e);
	q = pool_get(e, c->a[0] & 1 ? R_FAULT : R_VEVQ, c->a[1], NULL);
	p.fd = q ? q->fd : -1;
	UNLOCK(e);
	if (p.fd < 0) {
		r->skipped = 1;
		return;
	}
	errno = 0;
	r->rc = poll(&p, 1, 0);
	r->err = r->rc < 0 ? errno : 0;
}

const struct op op_poll = {
	.name = "poll", .nargs = 3,
	.args = { { "kind" }, { "fd", A_RES, -1 }, { "events" } },
	.gen = g_poll, .exec = x_poll, .errnos = errnos_syscall, .weight = 2,
	.not_ioctl = 1,
};

/*
 * fork: the child holds every file for a moment (and reads a vEVENTQ),
 * then exits; its last references may be the ones that free objects.
 */
static void g_fork(struct gctx *g, struct call *c)
{
	c->a[0] = rng_below(g->r, 3);
	c->a[1] = gen_ref(g, R_VEVQ);
}

static void x_fork(struct ectx *e, const struct call *c, struct result *r)
{
	struct res *q;
	int fd, st;
	pid_t pid;

	LOCK(e);
	q = pool_get(e, R_VEVQ, c->a[1], NULL);
	fd = q ? q->fd : -1;
	pid = fork();
	if (!pid) {
		char buf[64];

		if (c->a[0] == 1 && fd >= 0) {
			fcntl(fd, F_SETFL, O_NONBLOCK);
			if (read(fd, buf, sizeof(buf)) < 0)
				_exit(0);
		}
		if (c->a[0] == 2)
			usleep(1000);
		_exit(0);
	}
	UNLOCK(e);
	r->rc = pid < 0 ? -1 : 0;
	r->err = pid < 0 ? errno : 0;
	if (pid > 0)
		waitpid(pid, &st, 0);
}

const struct op op_fork = {
	.name = "fork", .nargs = 2,
	.args = { { "mode" }, { "veventq", A_RES, R_VEVQ } },
	/* weight 0: rare, a fork takes half a second under TCG and KASAN */
	.gen = g_fork, .exec = x_fork, .errnos = errnos_syscall, .weight = 0,
};
