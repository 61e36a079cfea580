// SPDX-License-Identifier: GPL-2.0
/*
 * The resources a running program made, shared by its threads. A call
 * names them by type and index (REF_*): the same program finds the same
 * objects on every run, whatever ids the kernel gave them.
 */
#include <string.h>
#include <sys/mman.h>

#include "fuzz.h"

const char *const res_name[R_NR] = {
	[R_CTX] = "ctx", [R_IOAS] = "ioas", [R_HWPT] = "hwpt",
	[R_PARENT] = "parent", [R_NESTED] = "nested", [R_IDEV] = "idev",
	[R_STDEV] = "stdev", [R_VIOMMU] = "viommu", [R_VDEV] = "vdev",
	[R_VEVQ] = "veventq", [R_HWQ] = "hwq", [R_FAULT] = "fault",
	[R_VFIO] = "vfio", [R_AREA] = "area", [R_REGION] = "region",
	[R_MAPPING] = "mapping",
};

/* Types whose entries carry an object id */
static int has_id(int t)
{
	return t != R_CTX && t != R_AREA && t != R_REGION && t != R_MAPPING &&
	       t != R_VFIO;
}

static struct res *nth(struct ectx *e, int want_type, int other, int dead,
		       __u64 k)
{
	int i, n = 0;

	for (i = 0; i < e->pl->nres; i++) {
		struct res *x = &e->pl->res[i];

		if (x->dead != dead)
			continue;
		if (other ? (x->type == want_type || !has_id(x->type)) :
			    x->type != want_type)
			continue;
		n++;
	}
	if (!n)
		return NULL;
	k %= n;
	for (i = 0; i < e->pl->nres; i++) {
		struct res *x = &e->pl->res[i];

		if (x->dead != dead)
			continue;
		if (other ? (x->type == want_type || !has_id(x->type)) :
			    x->type != want_type)
			continue;
		if (!k--)
			return x;
	}
	return NULL;
}

/* A live entry for object @id of namespace @ns? */
static int res_names(const struct res *x, int ns, __u32 id)
{
	return !x->dead && x->ns == ns && has_id(x->type) && x->id == id;
}

int pool_id_live(struct ectx *e, int ns, __u32 id)
{
	int i;

	for (i = 0; i < e->pl->nres; i++)
		if (res_names(&e->pl->res[i], ns, id))
			return 1;
	return 0;
}

static int id_live_anywhere(struct ectx *e, __u32 id)
{
	int i;

	for (i = 0; i < e->pl->nres; i++)
		if (!e->pl->res[i].dead && has_id(e->pl->res[i].type) &&
		    e->pl->res[i].id == id)
			return 1;
	return 0;
}

/*
 * The resource @ref names, or NULL (a literal, or nothing of that type).
 * A destroyed one whose id no live object took again marks @r: a call
 * that needs the object must not succeed with it (oracle c).
 */
struct res *pool_get(struct ectx *e, enum res_type t, __u64 ref,
		     struct result *r)
{
	struct res *x = NULL;

	switch (REF_MODE(ref)) {
	case REF_LIVE:
		x = nth(e, t, 0, 0, REF_VAL(ref));
		break;
	case REF_DEAD:
		x = nth(e, t, 0, 1, REF_VAL(ref));
		/* Not if any file of the program has a live object of that id */
		if (x && has_id(t) && r && x->id >= 0x80000000U &&
		    !id_live_anywhere(e, x->id))
			r->used_dead = 1;
		if (!x)
			x = nth(e, t, 0, 0, REF_VAL(ref));
		break;
	case REF_OTHER:
		x = nth(e, t, 1, 0, REF_VAL(ref));
		break;
	case REF_LIT:
		break;
	}
	return x;
}

__u32 pool_id(struct ectx *e, enum res_type t, __u64 ref,
	      struct result *r)
{
	struct res *x;

	if (REF_MODE(ref) == REF_LIT)
		return (__u32)REF_VAL(ref);
	x = pool_get(e, t, ref, r);
	return x ? x->id : 0;
}

struct res *pool_ctx(struct ectx *e, __u64 ref, struct result *r)
{
	(void)r;
	return nth(e, R_CTX, 0, 0, REF_VAL(ref));
}

struct res *pool_add(struct ectx *e, enum res_type t)
{
	struct res *x;

	if (e->pl->nres == POOL_MAX)
		return NULL;
	x = &e->pl->res[e->pl->nres++];
	memset(x, 0, sizeof(*x));
	x->type = t;
	x->fd = -1;
	x->fd2 = -1;
	return x;
}

/* After a successful destroy of @id: every live entry of it is gone. */
void pool_kill_id(struct ectx *e, int ns, __u32 id)
{
	int i;

	for (i = 0; i < e->pl->nres; i++)
		if (res_names(&e->pl->res[i], ns, id))
			e->pl->res[i].dead = 1;
}

void *ectx_ptr(struct ectx *e, __u64 kind, size_t len)
{
	switch (kind % PTR_NR) {
	case PTR_NULL:
		return NULL;
	case PTR_UNMAPPED:
		return e->none;
	case PTR_RO:
		return e->ro;
	case PTR_END:
		/* Half of it runs into the PROT_NONE page after buf. */
		return e->buf + BUF_SIZE - (len > 1 ? len / 2 : 1);
	default:
		return e->buf;
	}
}

/* Add an object with an id to the pool, under @ctx's namespace. */
struct res *ops_add_obj(struct ectx *e, enum res_type t, struct res *ctx,
			__u32 id, int sub)
{
	struct res *x;

	pthread_mutex_lock(&e->pl->lock);
	x = pool_add(e, t);
	if (x) {
		x->id = id;
		x->ns = ctx->ns;
		x->sub = sub;
	}
	pthread_mutex_unlock(&e->pl->lock);
	return x;
}
