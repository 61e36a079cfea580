/* SPDX-License-Identifier: GPL-2.0 */
/* vEVENTQ internals: the queue object and its ring logic. */
#ifndef _VIOMMU_VEVENTQ_H
#define _VIOMMU_VEVENTQ_H

#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "core.h"

/**
 * struct viommu_vevent - One queued event
 * @header: What read() returns first; the sequence is set at enqueue
 * @node: Linkage in &viommu_veventq.deliver
 * @data_len: Length of @event_data; 0 for the lost-events marker
 * @event_data: The event as the type's uAPI struct defines it
 */
struct viommu_vevent {
	struct viommu_vevent_header header;
	struct list_head node;
	size_t data_len;
	u8 event_data[] __counted_by(data_len);
};

/**
 * struct viommu_veventq - A vEVENTQ: events of one type of one vIOMMU
 * @obj: Object head
 * @viommu: The vIOMMU it belongs to, pinned while @obj lives
 * @node: Linkage in &viommu.veventqs, under &viommu.veventqs_rwsem
 * @type: enum viommu_veventq_type; one vEVENTQ per type per vIOMMU
 * @depth: Most real events held; more are lost
 * @lock: Protects @deliver, @num_events, @sequence, @lost_events_header
 * @deliver: Events not yet read, oldest first
 * @num_events: Real events in @deliver (the marker does not count)
 * @sequence: The sequence the next enqueued record gets, 0..INT_MAX
 * @wait_queue: poll() waiters, woken on every enqueue
 * @ctx_file: The /dev/viommu file, pinned by the vEVENTQ's own file (which
 *            pins @obj while open) so the object table outlives it
 * @lost_events_header: The one lost-events marker; when queued it is the
 *                      last record of @deliver
 */
struct viommu_veventq {
	struct viommu_object obj;
	struct viommu *viommu;
	struct list_head node;
	u32 type;
	u32 depth;
	spinlock_t lock; /* deliver, num_events, sequence, marker */
	struct list_head deliver;
	u32 num_events;
	u32 sequence;
	wait_queue_head_t wait_queue;
	struct file *ctx_file;
	/* Must be last: it ends in a flexible array. */
	struct viommu_vevent lost_events_header;
};

/**
 * viommu_veventq_find() - The vEVENTQ of a type on a vIOMMU
 * @viommu: The vIOMMU
 * @type: enum viommu_veventq_type
 *
 * The caller holds @viommu->veventqs_rwsem.
 *
 * Return: the vEVENTQ, or NULL if @viommu has none of @type.
 */
static inline struct viommu_veventq *viommu_veventq_find(struct viommu *viommu,
							 u32 type)
{
	struct viommu_veventq *veventq;

	lockdep_assert_held(&viommu->veventqs_rwsem);

	list_for_each_entry(veventq, &viommu->veventqs, node)
		if (veventq->type == type)
			return veventq;
	return NULL;
}

void viommu_veventq_init(struct viommu_veventq *veventq, u32 type, u32 depth);
int viommu_veventq_link(struct viommu *viommu, struct viommu_veventq *veventq);
void viommu_veventq_unlink(struct viommu_veventq *veventq);
int viommu_veventq_report(struct viommu_veventq *veventq,
			  const void *event_data, size_t data_len);
ssize_t viommu_veventq_read(struct viommu_veventq *veventq, char __user *buf,
			    size_t count, loff_t *ppos);
bool viommu_veventq_pending(struct viommu_veventq *veventq);

#endif /* _VIOMMU_VEVENTQ_H */
