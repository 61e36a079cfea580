// SPDX-License-Identifier: GPL-2.0
/*
 * IOVA ranges that must stay mapped: the unmap hooks refuse any unmap that
 * overlaps one (7.2 gives EBUSY for an area an internal access locked).
 *
 * Guards and unmaps in flight are kept in a small table hashed by
 * io_pagetable. An unmap checks the guards of its bucket and lists itself
 * there for as long as the stock unmap runs; a guard add lists the guard,
 * then waits only for unmaps in flight on the same io_pagetable that
 * overlap its range (new ones see the guard and are refused, so the wait
 * ends). The bucket lock is a spinlock held for a list walk, never across
 * the stock unmap: an unmap never waits for another one, and a slow unmap
 * (an access ->unmap callback that blocks) holds up only a guard add on
 * its own range. Never add a guard while holding a lock an access ->unmap
 * callback of the caller takes.
 */
#include <kunit/visibility.h>
#include <linux/hash.h>
#include <linux/list.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "internal.h"

#define VIOMMU_GUARD_BITS 6

struct viommu_guard_bucket {
	spinlock_t lock;	/* the two lists; never held across a call */
	struct hlist_head guards;
	struct hlist_head unmaps;
	wait_queue_head_t unmap_done;
};

static struct viommu_guard_bucket viommu_guard_buckets[1 << VIOMMU_GUARD_BITS];

/**
 * viommu_guards_init() - Set up the guard table, before any hook runs
 */
void viommu_guards_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(viommu_guard_buckets); i++) {
		spin_lock_init(&viommu_guard_buckets[i].lock);
		INIT_HLIST_HEAD(&viommu_guard_buckets[i].guards);
		INIT_HLIST_HEAD(&viommu_guard_buckets[i].unmaps);
		init_waitqueue_head(&viommu_guard_buckets[i].unmap_done);
	}
}

static struct viommu_guard_bucket *viommu_guard_bucket(void *iopt)
{
	return &viommu_guard_buckets[hash_ptr(iopt, VIOMMU_GUARD_BITS)];
}

static bool viommu_overlaps(unsigned long first1, unsigned long last1,
			    unsigned long first2, unsigned long last2)
{
	return first1 <= last2 && first2 <= last1;
}

/* Whether an unmap in flight overlaps @guard. */
static bool viommu_guard_unmapping(struct viommu_guard_bucket *b,
				   struct viommu_shim_guard *guard)
{
	struct viommu_guard_unmap *u;
	bool busy = false;

	spin_lock(&b->lock);
	hlist_for_each_entry(u, &b->unmaps, node) {
		if (u->iopt == guard->iopt &&
		    viommu_overlaps(u->first, u->last, guard->iova,
				    guard->last)) {
			busy = true;
			break;
		}
	}
	spin_unlock(&b->lock);
	return busy;
}

/**
 * viommu_shim_guard_add() - Refuse unmaps of a range until the guard goes
 * @guard: The guard, owned by the caller until viommu_shim_guard_del()
 * @owner: A stock HWPT_PAGING (the range is in its IOAS) or IOAS, which the
 *         caller keeps pinned while the guard is added
 * @iova: First IOVA of the range
 * @length: Length of the range, not 0
 *
 * Unmaps in flight on the range finish first: once this returns 0, any
 * unmap overlapping the range gets EBUSY, so pages pinned afterwards stay
 * mapped. The wait is killable: such an unmap may sit in another access's
 * ->unmap callback for long.
 *
 * Return: 0, or -EINTR (a fatal signal; the guard is not added).
 */
int viommu_shim_guard_add(struct viommu_shim_guard *guard,
			  struct iommufd_object *owner, unsigned long iova,
			  unsigned long length)
{
	struct viommu_guard_bucket *b;

	guard->iopt = viommu_shim_iopt(owner);
	guard->iova = iova;
	if (WARN_ON_ONCE(!length))
		length = 1;
	if (check_add_overflow(iova, length - 1, &guard->last))
		guard->last = ULONG_MAX;

	b = viommu_guard_bucket(guard->iopt);
	spin_lock(&b->lock);
	hlist_add_head(&guard->node, &b->guards);
	spin_unlock(&b->lock);

	if (wait_event_killable(b->unmap_done,
				!viommu_guard_unmapping(b, guard))) {
		viommu_shim_guard_del(guard);
		return -EINTR;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_guard_add);

/**
 * viommu_shim_guard_del() - Allow unmaps of a guarded range again
 * @guard: A guard added with viommu_shim_guard_add()
 */
void viommu_shim_guard_del(struct viommu_shim_guard *guard)
{
	struct viommu_guard_bucket *b = viommu_guard_bucket(guard->iopt);

	spin_lock(&b->lock);
	hlist_del_init(&guard->node);
	spin_unlock(&b->lock);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_guard_del);

/**
 * viommu_guard_unmap_begin() - Check an unmap against the guards
 * @u: Describes the unmap while it is in flight; on the caller's stack
 * @iopt: The stock io_pagetable
 * @first: First IOVA of the range
 * @last: Last IOVA of the range (inclusive)
 *
 * Return: 0, and the unmap is in flight until viommu_guard_unmap_end(); or
 * -EBUSY if a guard of @iopt overlaps [@first, @last] (nothing to end).
 */
int viommu_guard_unmap_begin(struct viommu_guard_unmap *u, void *iopt,
			     unsigned long first, unsigned long last)
{
	struct viommu_guard_bucket *b = viommu_guard_bucket(iopt);
	struct viommu_shim_guard *guard;
	int rc = 0;

	u->iopt = NULL;
	spin_lock(&b->lock);
	hlist_for_each_entry(guard, &b->guards, node) {
		if (guard->iopt == iopt &&
		    viommu_overlaps(guard->iova, guard->last, first, last)) {
			rc = -EBUSY;
			break;
		}
	}
	if (!rc) {
		u->iopt = iopt;
		u->first = first;
		u->last = last;
		hlist_add_head(&u->node, &b->unmaps);
	}
	spin_unlock(&b->lock);
	return rc;
}

/**
 * viommu_guard_unmap_end() - The stock unmap of viommu_guard_unmap_begin()
 * returned
 * @u: The unmap; nothing happens if it was refused
 */
void viommu_guard_unmap_end(struct viommu_guard_unmap *u)
{
	struct viommu_guard_bucket *b;

	if (!u->iopt)
		return;
	b = viommu_guard_bucket(u->iopt);
	spin_lock(&b->lock);
	hlist_del(&u->node);
	spin_unlock(&b->lock);
	/* Pairs with the lock taken by the condition of a guard add. */
	if (wq_has_sleeper(&b->unmap_done))
		wake_up_all(&b->unmap_done);
}
