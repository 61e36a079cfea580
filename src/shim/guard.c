// SPDX-License-Identifier: GPL-2.0
/*
 * IOVA ranges that must stay mapped: the unmap hooks refuse any unmap that
 * overlaps one (7.2 gives EBUSY for an area an internal access locked).
 *
 * The unmap hooks hold the lock for reading across the stock unmap, which
 * takes iopt->domains_rwsem and iova_rwsem and may call the ->unmap of
 * every access on the range. Adding or deleting a guard takes it for
 * writing, so it waits for unmaps in flight: never add or delete a guard
 * while holding a lock an access ->unmap callback of the caller takes.
 */
#include <kunit/visibility.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/overflow.h>
#include <linux/rwsem.h>

#include "internal.h"

static DECLARE_RWSEM(viommu_guards_rwsem);
static LIST_HEAD(viommu_guards);

/**
 * viommu_shim_guard_add() - Refuse unmaps of a range until the guard goes
 * @guard: The guard, owned by the caller until viommu_shim_guard_del()
 * @owner: A stock HWPT_PAGING (the range is in its IOAS) or IOAS, which the
 *         caller keeps pinned while the guard is added
 * @iova: First IOVA of the range
 * @length: Length of the range, not 0
 *
 * Unmaps in flight finish first: once this returns, any unmap overlapping
 * the range gets EBUSY, so pages pinned afterwards stay mapped.
 */
void viommu_shim_guard_add(struct viommu_shim_guard *guard,
			   struct iommufd_object *owner, unsigned long iova,
			   unsigned long length)
{
	guard->iopt = viommu_shim_iopt(owner);
	guard->iova = iova;
	if (WARN_ON_ONCE(!length))
		length = 1;
	if (check_add_overflow(iova, length - 1, &guard->last))
		guard->last = ULONG_MAX;

	down_write(&viommu_guards_rwsem);
	list_add_tail(&guard->node, &viommu_guards);
	up_write(&viommu_guards_rwsem);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_guard_add);

/**
 * viommu_shim_guard_del() - Allow unmaps of a guarded range again
 * @guard: A guard added with viommu_shim_guard_add()
 */
void viommu_shim_guard_del(struct viommu_shim_guard *guard)
{
	down_write(&viommu_guards_rwsem);
	list_del_init(&guard->node);
	up_write(&viommu_guards_rwsem);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_guard_del);

/**
 * viommu_guards_lock() - Keep the guards as they are, for an unmap
 */
void viommu_guards_lock(void)
{
	down_read(&viommu_guards_rwsem);
}

/**
 * viommu_guards_unlock() - Undo viommu_guards_lock()
 */
void viommu_guards_unlock(void)
{
	up_read(&viommu_guards_rwsem);
}

/**
 * viommu_guarded() - Whether a range of an io_pagetable is guarded
 * @iopt: The stock io_pagetable
 * @first: First IOVA of the range
 * @last: Last IOVA of the range (inclusive)
 *
 * Call between viommu_guards_lock() and viommu_guards_unlock().
 *
 * Return: true if any guard of @iopt overlaps [@first, @last].
 */
bool viommu_guarded(void *iopt, unsigned long first, unsigned long last)
{
	struct viommu_shim_guard *guard;

	lockdep_assert_held(&viommu_guards_rwsem);
	list_for_each_entry(guard, &viommu_guards, node)
		if (guard->iopt == iopt && guard->iova <= last &&
		    first <= guard->last)
			return true;
	return false;
}
