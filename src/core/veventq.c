// SPDX-License-Identifier: GPL-2.0
/*
 * vEVENTQ: a queue of one vIOMMU's events of one type, read from its own
 * file. Drivers report events; a full queue loses them and says so with a
 * single lost-events marker and a gap in the sequence numbers.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "core.h"
#include "veventq.h"

/**
 * viommu_veventq_init() - Set up an empty vEVENTQ
 * @veventq: The vEVENTQ, zeroed, not yet linked to a vIOMMU
 * @type: enum viommu_veventq_type
 * @depth: Most real events held, 1..VIOMMU_VEVENTQ_MAX_DEPTH
 */
void viommu_veventq_init(struct viommu_veventq *veventq, u32 type, u32 depth)
{
	veventq->type = type;
	veventq->depth = depth;
	veventq->num_events = 0;
	veventq->sequence = 0;
	spin_lock_init(&veventq->lock);
	INIT_LIST_HEAD(&veventq->node);
	INIT_LIST_HEAD(&veventq->deliver);
	init_waitqueue_head(&veventq->wait_queue);
	veventq->lost_events_header.header.flags =
		VIOMMU_VEVENTQ_FLAG_LOST_EVENTS;
	/* Self-linked while not queued, so it is never taken as last. */
	INIT_LIST_HEAD(&veventq->lost_events_header.node);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_veventq_init);

/**
 * viommu_veventq_link() - Attach a vEVENTQ to its vIOMMU
 * @viommu: The vIOMMU
 * @veventq: The vEVENTQ, set up by viommu_veventq_init()
 *
 * The caller holds @viommu->veventqs_rwsem for writing. On success the
 * vEVENTQ pins @viommu; reports of its type reach it.
 *
 * Return: 0, or -EEXIST if @viommu has a vEVENTQ of that type already.
 */
int viommu_veventq_link(struct viommu *viommu, struct viommu_veventq *veventq)
{
	lockdep_assert_held_write(&viommu->veventqs_rwsem);

	if (viommu_veventq_find(viommu, veventq->type))
		return -EEXIST;
	veventq->viommu = viommu;
	refcount_inc(&viommu->obj.users);
	list_add_tail(&veventq->node, &viommu->veventqs);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_veventq_link);

/**
 * viommu_veventq_unlink() - Detach a vEVENTQ and free its events
 * @veventq: A vEVENTQ linked by viommu_veventq_link()
 *
 * The caller holds the vIOMMU's veventqs_rwsem for writing, so no report
 * can reach the queue, and no reader is left. The pin on the vIOMMU stays:
 * the caller drops it after releasing the rwsem, as the vIOMMU may be
 * freed as soon as the pin is gone.
 */
void viommu_veventq_unlink(struct viommu_veventq *veventq)
{
	struct viommu_vevent *cur, *next;

	lockdep_assert_held_write(&veventq->viommu->veventqs_rwsem);

	list_for_each_entry_safe(cur, next, &veventq->deliver, node) {
		list_del_init(&cur->node);
		if (cur != &veventq->lost_events_header)
			kfree(cur);
	}
	veventq->num_events = 0;
	list_del_init(&veventq->node);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_veventq_unlink);

/* Queue a record at the tail and give it the next sequence number. */
static void viommu_veventq_enqueue(struct viommu_veventq *veventq,
				   struct viommu_vevent *vevent)
{
	struct viommu_vevent *lost = &veventq->lost_events_header;

	lockdep_assert_held(&veventq->lock);

	/*
	 * The marker only ever sits last. A newer record, or the marker
	 * itself requeued, replaces it: its sequence number stays used, so
	 * the gap still shows that events were lost.
	 */
	if (list_is_last(&lost->node, &veventq->deliver))
		list_del_init(&lost->node);
	list_add_tail(&vevent->node, &veventq->deliver);
	vevent->header.sequence = veventq->sequence;
	veventq->sequence = (veventq->sequence + 1) & INT_MAX;

	wake_up_interruptible(&veventq->wait_queue);
}

/**
 * viommu_veventq_report() - Queue one event on a vEVENTQ
 * @veventq: The vEVENTQ
 * @event_data: The event, as the vEVENTQ's type defines it
 * @data_len: Length of @event_data, not 0
 *
 * The caller holds the vIOMMU's veventqs_rwsem, so @veventq stays. When
 * the queue is full or memory is short the event is dropped and the
 * lost-events marker is queued in its place.
 *
 * Return: 0 when queued or dropped for a full queue (as upstream), -ENOMEM
 * when dropped for lack of memory.
 */
int viommu_veventq_report(struct viommu_veventq *veventq,
			  const void *event_data, size_t data_len)
{
	struct viommu_vevent *vevent, *drop = NULL;
	int rc = 0;

	/*
	 * Allocate before taking the spinlock, without sleeping: reporters
	 * run in IRQ threads. A failure is reported as lost events, so no
	 * allocation warning either.
	 */
	vevent = kzalloc(struct_size(vevent, event_data, data_len),
			 GFP_NOWAIT | __GFP_NOWARN);

	spin_lock(&veventq->lock);
	if (!vevent) {
		rc = -ENOMEM;
		vevent = &veventq->lost_events_header;
	} else if (veventq->num_events == veventq->depth) {
		drop = vevent;
		vevent = &veventq->lost_events_header;
	} else {
		vevent->data_len = data_len;
		memcpy(vevent->event_data, event_data, data_len);
		veventq->num_events++;
	}
	viommu_veventq_enqueue(veventq, vevent);
	spin_unlock(&veventq->lock);

	kfree(drop);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_veventq_report);

/**
 * viommu_report_event() - Report an event of a vIOMMU to userspace
 * @viommu: The vIOMMU the event belongs to
 * @type: enum viommu_veventq_type of the event
 * @event_data: The event, laid out as the uAPI struct of @type
 * @data_len: Length of @event_data
 *
 * Queues the event on @viommu's vEVENTQ of @type, if userspace made one.
 * Typically called from a driver's threaded IRQ handler. May sleep on the
 * vIOMMU's veventqs_rwsem, so never from hard IRQ context; it does not
 * sleep to allocate memory.
 *
 * Return: 0 when queued, or dropped because the queue is full (userspace
 * sees the loss as a gap in the sequence); -EOPNOTSUPP if @viommu has no
 * vEVENTQ of @type (the driver then handles the event itself); -ENOMEM if
 * the event was dropped for lack of memory; -EINVAL for an empty event.
 */
int viommu_report_event(struct viommu *viommu, u32 type, void *event_data,
			size_t data_len)
{
	struct viommu_veventq *veventq;
	int rc;

	if (WARN_ON_ONCE(!data_len || !event_data))
		return -EINVAL;

	down_read(&viommu->veventqs_rwsem);
	veventq = viommu_veventq_find(viommu, type);
	if (veventq)
		rc = viommu_veventq_report(veventq, event_data, data_len);
	else
		rc = -EOPNOTSUPP;
	up_read(&viommu->veventqs_rwsem);
	return rc;
}
EXPORT_SYMBOL_GPL(viommu_report_event);

/*
 * Take the oldest record off the queue. Its header is copied under the
 * lock: once unlocked, a report may requeue the marker with a new sequence.
 */
static struct viommu_vevent *
viommu_veventq_fetch(struct viommu_veventq *veventq,
		     struct viommu_vevent_header *hdr)
{
	struct viommu_vevent *vevent;

	spin_lock(&veventq->lock);
	vevent = list_first_entry_or_null(&veventq->deliver,
					  struct viommu_vevent, node);
	if (vevent) {
		*hdr = vevent->header;
		list_del_init(&vevent->node);
	}
	spin_unlock(&veventq->lock);
	return vevent;
}

/* Put back a record that could not be read, at the head. */
static void viommu_veventq_restore(struct viommu_veventq *veventq,
				   struct viommu_vevent *vevent)
{
	spin_lock(&veventq->lock);
	/*
	 * The marker must stay last: it comes back only to an empty queue.
	 * Otherwise newer records came, and their sequence shows the gap.
	 */
	if (vevent != &veventq->lost_events_header ||
	    list_empty(&veventq->deliver))
		list_add(&vevent->node, &veventq->deliver);
	spin_unlock(&veventq->lock);
}

/**
 * viommu_veventq_read() - Move whole records from a vEVENTQ to userspace
 * @veventq: The vEVENTQ
 * @buf: The user buffer
 * @count: Size of @buf
 * @ppos: The file position, must be 0
 *
 * Copies records, oldest first, while each fits whole: a real event needs
 * its header and data, the lost-events marker only its header. A record
 * that faults goes back to the head of the queue. Never waits for events.
 *
 * Return: bytes copied, 0 if the queue is empty; -ESPIPE for a position;
 * -EINVAL if @count is less than a header or the first event does not fit;
 * -EFAULT if the first record faults.
 */
ssize_t viommu_veventq_read(struct viommu_veventq *veventq, char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct viommu_vevent_header hdr;
	struct viommu_vevent *cur;
	size_t done = 0;
	int rc = 0;

	if (*ppos)
		return -ESPIPE;
	if (count < sizeof(hdr))
		return -EINVAL;

	while (count - done >= sizeof(hdr) &&
	       (cur = viommu_veventq_fetch(veventq, &hdr))) {
		/* The marker's data_len is 0 and never changes. */
		size_t len = sizeof(hdr) + cur->data_len;

		if (len > count - done) {
			viommu_veventq_restore(veventq, cur);
			if (!done)
				rc = -EINVAL;
			break;
		}
		if (copy_to_user(buf + done, &hdr, sizeof(hdr)) ||
		    copy_to_user(buf + done + sizeof(hdr), cur->event_data,
				 cur->data_len)) {
			viommu_veventq_restore(veventq, cur);
			rc = -EFAULT;
			break;
		}
		done += len;

		if (cur != &veventq->lost_events_header) {
			spin_lock(&veventq->lock);
			veventq->num_events--;
			spin_unlock(&veventq->lock);
			kfree(cur);
		}
	}
	return done ? done : rc;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_veventq_read);

/**
 * viommu_veventq_pending() - Whether a vEVENTQ has records to read
 * @veventq: The vEVENTQ
 *
 * Return: true if a read() would return at least one record's worth.
 */
bool viommu_veventq_pending(struct viommu_veventq *veventq)
{
	bool pending;

	spin_lock(&veventq->lock);
	pending = !list_empty(&veventq->deliver);
	spin_unlock(&veventq->lock);
	return pending;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_veventq_pending);

static ssize_t viommu_veventq_fops_read(struct file *filep, char __user *buf,
					size_t count, loff_t *ppos)
{
	return viommu_veventq_read(filep->private_data, buf, count, ppos);
}

static __poll_t viommu_veventq_fops_poll(struct file *filep,
					 struct poll_table_struct *wait)
{
	struct viommu_veventq *veventq = filep->private_data;

	poll_wait(filep, &veventq->wait_queue, wait);
	return viommu_veventq_pending(veventq) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int viommu_veventq_fops_release(struct inode *inode, struct file *filep)
{
	struct viommu_veventq *veventq = filep->private_data;
	/* Read first: once unpinned, the vEVENTQ may be destroyed. */
	struct file *ctx_file = veventq->ctx_file;

	refcount_dec(&veventq->obj.users);
	fput(ctx_file);
	return 0;
}

/* No llseek: lseek() and pread() say ESPIPE. */
static const struct file_operations viommu_veventq_fops = {
	.owner = THIS_MODULE,
	.read = viommu_veventq_fops_read,
	.poll = viommu_veventq_fops_poll,
	.release = viommu_veventq_fops_release,
};

/* The file pins the vEVENTQ and the /dev/viommu file while open. */
static struct file *viommu_veventq_getfile(struct viommu_veventq *veventq,
					   struct viommu_ctx *ctx)
{
	struct file *filep;

	filep = anon_inode_getfile("[viommu-vevent]", &viommu_veventq_fops,
				   veventq, O_RDWR);
	if (IS_ERR(filep))
		return filep;
	veventq->ctx_file = get_file(ctx->file);
	refcount_inc(&veventq->obj.users);
	return filep;
}

/**
 * viommu_veventq_alloc_ioctl() - IOMMU_VEVENTQ_ALLOC on /dev/viommu
 * @ucmd: The command, struct viommu_veventq_alloc
 *
 * Return: 0 or a negative errno as upstream gives it.
 */
int viommu_veventq_alloc_ioctl(struct viommu_ucmd *ucmd)
{
	struct viommu_veventq_alloc *cmd = ucmd->cmd;
	struct viommu_ctx *ctx = ucmd->ctx;
	struct viommu_veventq *veventq;
	struct viommu_object *obj;
	struct viommu *viommu;
	struct file *filep;
	int fdno;
	int rc;

	if (cmd->flags || cmd->__reserved ||
	    cmd->type == VIOMMU_VEVENTQ_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->veventq_depth || cmd->veventq_depth > VIOMMU_VEVENTQ_MAX_DEPTH)
		return -EINVAL;

	obj = viommu_get_object(ctx, cmd->viommu_id, VIOMMU_OBJ_VIOMMU);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	viommu = container_of(obj, struct viommu, obj);

	veventq = viommu_object_alloc(ctx, veventq, VIOMMU_OBJ_VEVENTQ);
	if (IS_ERR(veventq)) {
		rc = PTR_ERR(veventq);
		goto out_put_viommu;
	}
	viommu_veventq_init(veventq, cmd->type, cmd->veventq_depth);
	down_write(&viommu->veventqs_rwsem);
	rc = viommu_veventq_link(viommu, veventq);
	up_write(&viommu->veventqs_rwsem);
	if (rc)
		goto out_abort;

	fdno = get_unused_fd_flags(O_CLOEXEC);
	if (fdno < 0) {
		rc = fdno;
		goto out_unlink;
	}
	filep = viommu_veventq_getfile(veventq, ctx);
	if (IS_ERR(filep)) {
		rc = PTR_ERR(filep);
		goto out_put_fdno;
	}

	/*
	 * Not under veventqs_rwsem: reporters take it in IRQ threads, and a
	 * user copy may block for ever. Linked, the queue already takes
	 * events; unpublished, nobody else can reach it.
	 */
	cmd->out_veventq_id = veventq->obj.id;
	cmd->out_veventq_fd = fdno;
	rc = viommu_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_fput;

	viommu_object_finalize(ctx, &veventq->obj);
	fd_install(fdno, filep);
	goto out_put_viommu;

out_fput:
	/* Release the file's pins now: the abort below frees what it points to. */
	__fput_sync(filep);
out_put_fdno:
	put_unused_fd(fdno);
out_unlink:
	down_write(&viommu->veventqs_rwsem);
	viommu_veventq_unlink(veventq);
	up_write(&viommu->veventqs_rwsem);
	/* This ioctl's own reference keeps the vIOMMU. */
	refcount_dec(&viommu->obj.users);
out_abort:
	viommu_object_abort(ctx, &veventq->obj);
out_put_viommu:
	viommu_put_object(ctx, &viommu->obj);
	return rc;
}

/**
 * viommu_veventq_destroy() - Free what a vEVENTQ holds
 * @obj: The vEVENTQ; its file is closed and nothing else uses it
 */
void viommu_veventq_destroy(struct viommu_object *obj)
{
	struct viommu_veventq *veventq =
		container_of(obj, struct viommu_veventq, obj);
	struct viommu *viommu = veventq->viommu;

	down_write(&viommu->veventqs_rwsem);
	viommu_veventq_unlink(veventq);
	up_write(&viommu->veventqs_rwsem);
	/* Last: the vIOMMU may be freed as soon as this pin is gone. */
	refcount_dec(&viommu->obj.users);
}
