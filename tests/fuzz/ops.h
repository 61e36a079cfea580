/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers the op files share: laying out structs and checking rules. */
#ifndef VIOMMU_FUZZ_OPS_H
#define VIOMMU_FUZZ_OPS_H

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/iommufd.h>
#include <linux/viommu_test.h>

#include "fuzz.h"

#define BIT(n) (1U << (n))
#define LOCK(e) pthread_mutex_lock(&(e)->pl->lock)
#define UNLOCK(e) pthread_mutex_unlock(&(e)->pl->lock)
/* Where a field ends, and whether a call of @sz bytes shows it */
#define P(type) ((struct type *)0)
#define END_OF(m) ((size_t)&(m) + sizeof(m))
#define SEEN(sz, m) ((__u64)(sz) >= END_OF(m))
/* Offset of scratch data (payloads) in buf, after the struct */
#define DATA_OFF 4096

/*
 * Put the struct @cmd (@len bytes, its size field set to @sz) where the
 * pointer kind @pk says, with @tail as the first byte after it. Returns
 * the pointer the ioctl gets.
 */
static inline void *lay(struct ectx *e, __u64 pk, void *cmd, size_t len,
			__u32 sz, __u8 tail)
{
	__u8 *p = ectx_ptr(e, pk, len);

	memcpy(cmd, &sz, sizeof(sz));
	switch (pk % PTR_NR) {
	case PTR_OK:
		memcpy(p, cmd, len);
		p[len] = tail;
		if (e->dirty < len + 1)
			e->dirty = len + 1;
		break;
	case PTR_RO:
		memset(e->ro_rw, 0, e->psz);
		memcpy(e->ro_rw, cmd, len);
		e->ro_rw[len] = tail;
		break;
	case PTR_END:
		memcpy(p, cmd, len / 2 ? len / 2 : 1);
		break;
	}
	return p;
}

/* A payload buffer for data_uptr: kind @pk, @len bytes of @src (or zero) */
static inline void *payload(struct ectx *e, __u64 pk, const void *src,
			    size_t len)
{
	__u8 *p;

	if (len > BUF_SIZE - DATA_OFF)
		len = BUF_SIZE - DATA_OFF;
	switch (pk % PTR_NR) {
	case PTR_NULL:
		return NULL;
	case PTR_UNMAPPED:
		return e->none;
	case PTR_RO:
		p = e->ro_rw + e->psz;
		memset(p, 0, e->psz);
		if (src)
			memcpy(p, src, len < (size_t)e->psz ? len : (size_t)e->psz);
		return e->ro + e->psz;
	case PTR_END:
		p = e->buf + BUF_SIZE - (len > 1 ? len / 2 : 1);
		if (src)
			memcpy(p, src, len > 1 ? len / 2 : 1);
		return p;
	default:
		p = e->buf + DATA_OFF;
		if (src)
			memcpy(p, src, len);
		if (e->dirty < DATA_OFF + len)
			e->dirty = DATA_OFF + len;
		return p;
	}
}

/* After the ioctl: the struct as the kernel left it (if readable). */
static inline int back(struct ectx *e, __u64 pk, void *cmd, size_t len)
{
	if (pk % PTR_NR == PTR_OK) {
		memcpy(cmd, e->buf, len);
		return 1;
	}
	if (pk % PTR_NR == PTR_RO) {
		memcpy(cmd, e->ro, len);
		return 1;
	}
	return 0;
}

static inline void do_ioctl(struct result *r, int fd, unsigned long req,
			    void *arg)
{
	errno = 0;
	r->rc = ioctl(fd, req, arg);
	r->err = r->rc < 0 ? errno : 0;
}

/*
 * Oracle (b) for the size rules every extensible struct has: below the
 * minimum, or a non-zero byte past the struct the kernel knows.
 */
static inline void size_rules(struct result *r, __u64 pk, __u32 sz,
			      size_t min, size_t len, __u8 tail)
{
	if (pk % PTR_NR != PTR_OK && pk % PTR_NR != PTR_RO)
		return;
	if (sz < min)
		r->must_fail = "size below the minimum";
	else if (sz > len && tail)
		r->must_fail = "non-zero byte past the struct";
}

/* A ctx's file for our calls: the door fd; for stock calls, iommufd */
static inline struct res *ctx_of(struct ectx *e, __u64 ref,
				 struct result *r)
{
	struct res *x = pool_ctx(e, ref, r);

	if (!x)
		r->skipped = 1;
	return x;
}

/* Resource kinds an "any object" argument may name, by a small number */
static const int obj_kinds[] = {
	R_VIOMMU, R_VDEV, R_VEVQ, R_HWQ, R_STDEV, R_NESTED, R_HWPT,
	R_PARENT, R_IOAS, R_FAULT, R_IDEV,
};

#define NR_OBJ_KINDS ((int)ARRAY_SIZE(obj_kinds))

/* The small number of resource kind @t in obj_kinds[] */
static inline int obj_kind(int t)
{
	int i;

	for (i = 0; i < NR_OBJ_KINDS; i++)
		if (obj_kinds[i] == t)
			return i;
	return 0;
}

/* Small virt_ids (vSIDs), shared by vdevice_alloc and the invalidations */
static inline __u64 gen_virt(struct gctx *g)
{
	static const __u64 v[] = { 0, 1, 2, 3, 0x10, 0x100, 0xffff,
				      0xffffffffULL, ~0ULL };

	return v[rng_below(g->r, ARRAY_SIZE(v))];
}

extern const int errnos_mmap[];
extern const int errnos_hwq[];
#endif /* VIOMMU_FUZZ_OPS_H */
