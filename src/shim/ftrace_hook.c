// SPDX-License-Identifier: GPL-2.0
/*
 * Redirection of functions to replacements with ftrace, the way 6.12
 * livepatch does it with DYNAMIC_FTRACE_WITH_ARGS: an IPMODIFY callback
 * sets the pc to the replacement (arm64 cannot SAVE_REGS). One ftrace_ops
 * per hook set covers every function of the set: they go live and away
 * together, and a removal pays one grace period. The callback finds the
 * hook by ip in its own set. The sets (the stock iommufd's, the SMMUv3
 * driver's) come and go independently; the frames and the SRCU below are
 * shared, a removal waits for the replacements of both.
 *
 * A replacement calls the original through its real address, so the call
 * comes back through the callback. Telling that call apart by the caller's
 * address (within_module()) breaks on sibling calls; instead each running
 * replacement has a frame on its stack, listed in a small table hashed by
 * task, and arms it just before calling the original: the callback lets
 * that one entry through. A bucket's lock is held only to link, unlink or
 * look up a frame, never across a call: tasks never wait for each other's
 * hooked calls, and there is no bound on how many run at once.
 *
 * Replacement bodies run under SRCU. Removal unregisters (ftrace then waits
 * until no task is in the callback or between it and the replacement's
 * first statement), then waits for the SRCU readers: after that no task is
 * inside a replacement.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/hash.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/trace_recursion.h>

#include "internal.h"

#define VIOMMU_FRAME_BITS 6

struct viommu_frame_bucket {
	raw_spinlock_t lock;
	struct hlist_head frames;
};

static struct viommu_frame_bucket viommu_frames[1 << VIOMMU_FRAME_BITS] = {
	[0 ... (1 << VIOMMU_FRAME_BITS) - 1] = {
		.lock = __RAW_SPIN_LOCK_UNLOCKED(viommu_frames.lock),
	},
};

DEFINE_STATIC_SRCU(viommu_hook_srcu);

static struct viommu_frame_bucket *viommu_frame_bucket(void)
{
	return &viommu_frames[hash_ptr(current, VIOMMU_FRAME_BITS)];
}

/**
 * viommu_hook_bypass_take() - Consume the current task's bypass for a hook
 * @hook: The hook whose function is being entered
 *
 * Called by the ftrace callback, with preemption off.
 *
 * Return: true if a replacement of the current task armed its frame for
 * @hook (it is now used up): this entry is the replacement calling the
 * original.
 */
bool notrace viommu_hook_bypass_take(const struct viommu_hook *hook)
{
	struct viommu_frame_bucket *b;
	struct viommu_hook_frame *f;
	unsigned long flags;
	bool taken = false;

	/* An interrupt is not the task it interrupted. */
	if (!in_task())
		return false;
	b = viommu_frame_bucket();
	raw_spin_lock_irqsave(&b->lock, flags);
	hlist_for_each_entry(f, &b->frames, node) {
		if (f->task == current && f->armed == hook) {
			f->armed = NULL;
			taken = true;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&b->lock, flags);
	return taken;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hook_bypass_take);

/**
 * viommu_hook_in_replacement() - Whether the current task runs a replacement
 *
 * Return: true between viommu_hook_enter() and viommu_hook_leave() of any
 * frame of the current task.
 */
bool viommu_hook_in_replacement(void)
{
	struct viommu_frame_bucket *b = viommu_frame_bucket();
	struct viommu_hook_frame *f;
	unsigned long flags;
	bool found = false;

	raw_spin_lock_irqsave(&b->lock, flags);
	hlist_for_each_entry(f, &b->frames, node) {
		if (f->task == current) {
			found = true;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&b->lock, flags);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hook_in_replacement);

/**
 * viommu_hook_bypass() - Let the current task's next entry to a hook through
 * @f: The replacement's frame, entered with viommu_hook_enter()
 * @hook: The hook whose original is about to be called
 *
 * Never sleeps. Undo with viommu_hook_unbypass() once the original
 * returned.
 */
void viommu_hook_bypass(struct viommu_hook_frame *f,
			const struct viommu_hook *hook)
{
	struct viommu_frame_bucket *b = viommu_frame_bucket();
	unsigned long flags;

	raw_spin_lock_irqsave(&b->lock, flags);
	f->armed = hook;
	raw_spin_unlock_irqrestore(&b->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hook_bypass);

/**
 * viommu_hook_unbypass() - Drop a bypass the callback did not consume
 * @f: The frame armed with viommu_hook_bypass()
 *
 * A bypass left over (the hook was removed meanwhile) must not let a later
 * call through.
 */
void viommu_hook_unbypass(struct viommu_hook_frame *f)
{
	struct viommu_frame_bucket *b = viommu_frame_bucket();
	unsigned long flags;

	raw_spin_lock_irqsave(&b->lock, flags);
	f->armed = NULL;
	raw_spin_unlock_irqrestore(&b->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hook_unbypass);

/**
 * viommu_hook_enter() - First statement of every replacement
 * @f: A frame on the replacement's stack
 * @hook: The replacement's hook
 */
void viommu_hook_enter(struct viommu_hook_frame *f, struct viommu_hook *hook)
	__acquires(viommu_hook_srcu)
{
	struct viommu_frame_bucket *b = viommu_frame_bucket();
	unsigned long flags;

	f->srcu_idx = srcu_read_lock(&viommu_hook_srcu);
	atomic_long_inc(&hook->calls);
	f->task = current;
	f->armed = NULL;
	raw_spin_lock_irqsave(&b->lock, flags);
	hlist_add_head(&f->node, &b->frames);
	raw_spin_unlock_irqrestore(&b->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hook_enter);

/**
 * viommu_hook_leave() - Last statement of every replacement
 * @f: The frame of viommu_hook_enter()
 */
void viommu_hook_leave(struct viommu_hook_frame *f)
	__releases(viommu_hook_srcu)
{
	struct viommu_frame_bucket *b = viommu_frame_bucket();
	unsigned long flags;

	raw_spin_lock_irqsave(&b->lock, flags);
	hlist_del(&f->node);
	raw_spin_unlock_irqrestore(&b->lock, flags);
	srcu_read_unlock(&viommu_hook_srcu, f->srcu_idx);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hook_leave);

/*
 * The ip ftrace passes is the patched call in the function's first
 * instructions (after a BTI, if any): a few bytes past its symbol.
 */
#define VIOMMU_HOOK_IP_SLACK 16

static struct viommu_hook *viommu_hook_by_ip(struct viommu_hook_set *set,
					     unsigned long ip)
{
	unsigned int i;

	for (i = 0; i < set->count; i++)
		if (ip - set->hooks[i].orig < VIOMMU_HOOK_IP_SLACK)
			return &set->hooks[i];
	return NULL;
}

static void notrace viommu_hook_ftrace(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *ops,
				       struct ftrace_regs *fregs)
{
	struct viommu_hook_set *set = container_of(ops, struct viommu_hook_set,
						   ops);
	struct viommu_hook *hook;
	int bit;

	/*
	 * As livepatch: a recursion here is a bug, and the stock function
	 * then runs unhooked, so say so. The trylock also keeps preemption
	 * off, which the bucket walk and the RCU-tasks removal rely on.
	 */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (WARN_ON_ONCE(bit < 0))
		return;
	hook = viommu_hook_by_ip(set, ip);
	if (!WARN_ON_ONCE(!hook) && !viommu_hook_bypass_take(hook))
		ftrace_regs_set_instruction_pointer(fregs,
						    (unsigned long)hook->replacement);
	ftrace_test_recursion_unlock(bit);
}

/**
 * viommu_hook_set_install() - Send every call of a set's functions to
 * their replacements, all or none
 * @set: The set, with @hooks (@replacement and @orig set) and @count
 *
 * They stay until viommu_hook_set_remove().
 *
 * Return: 0, or the errno of ftrace: -EBUSY if another IPMODIFY user
 * (livepatch, another module) has one of the functions or
 * kernel.ftrace_enabled is 0, -ENODEV if ftrace shut itself down, -EINVAL
 * if one of them cannot be traced.
 */
int viommu_hook_set_install(struct viommu_hook_set *set)
{
	unsigned int count = set->count;
	unsigned long *ips;
	unsigned int i;
	int rc;

	if (set->stuck)
		return -ENODEV;
	ips = kcalloc(count, sizeof(*ips), GFP_KERNEL);
	if (!ips)
		return -ENOMEM;
	for (i = 0; i < count; i++)
		ips[i] = set->hooks[i].orig;
	/*
	 * Set up afresh by each install: ftrace_free_filter() leaves it stale.
	 * PERMANENT: ftrace_enabled=0 must not quietly turn the hooks off
	 * (sysctl refuses it with EBUSY while the ops is registered). No
	 * RECURSION flag: the callback guards itself, and without the flag
	 * ftrace calls it straight from each call site rather than through
	 * its list function.
	 */
	set->ops = (struct ftrace_ops) {
		.func = viommu_hook_ftrace,
		.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT,
	};
	rc = ftrace_set_filter_ips(&set->ops, ips, count, 0, 1);
	kfree(ips);
	if (rc)
		goto err_free;
	rc = register_ftrace_function(&set->ops);
	if (rc)
		goto err_free;
	return 0;

err_free:
	ftrace_free_filter(&set->ops);
	return rc;
}

/**
 * viommu_hook_set_remove() - Undo viommu_hook_set_install()
 * @set: The installed set
 *
 * On return no task is inside a replacement. If ftrace cannot unregister
 * (it shut itself down after a bug), the call sites stay patched: the
 * caller must then never let the module be freed.
 *
 * Return: 0, or the errno of the failed unregister.
 */
int viommu_hook_set_remove(struct viommu_hook_set *set)
{
	int rc;

	rc = unregister_ftrace_function(&set->ops);
	if (rc) {
		set->stuck = true;
		pr_err_once("cannot remove the ftrace hooks (%d)\n", rc);
		return rc;
	}
	ftrace_free_filter(&set->ops);
	synchronize_srcu(&viommu_hook_srcu);
	/*
	 * A task past srcu_read_unlock() still runs the replacement's
	 * epilogue: wait until every task has been through a voluntary
	 * switch, as livepatch does.
	 */
	synchronize_rcu_tasks();
	return 0;
}

/**
 * viommu_hook_set_remove_for_unload() - Remove a hook set, or never return
 * @set: An installed set
 * @what: What the set is, for the one emergency line
 *
 * If ftrace cannot unregister the set, its call sites stay patched into
 * this module's text: rather than let that text be freed, this never
 * returns.
 */
void viommu_hook_set_remove_for_unload(struct viommu_hook_set *set,
				       const char *what)
{
	if (!viommu_hook_set_remove(set))
		return;
	pr_emerg("ftrace cannot remove the %s: unload blocked for good, so that ftrace never calls freed code\n",
		 what);
	for (;;)
		msleep_interruptible(MSEC_PER_SEC * 3600);
}

/**
 * viommu_hook_calls() - How often a replacement of a table ran
 * @hooks: The table
 * @count: Its length
 * @name: The hooked function
 *
 * Return: The count, or -ENOENT for a function the table does not hook.
 */
long viommu_hook_calls(const struct viommu_hook *hooks, unsigned int count,
		       const char *name)
{
	unsigned int i;

	for (i = 0; i < count; i++)
		if (!strcmp(hooks[i].name, name))
			return atomic_long_read(&hooks[i].calls);
	return -ENOENT;
}

/* The stock iommufd's set (hooks.c). */
static struct viommu_hook_set viommu_iommufd_hooks;

/**
 * viommu_hooks_install() - Install the stock iommufd's hooks
 * @hooks: The hooks, with @replacement and @orig set
 * @count: How many
 *
 * Return: As viommu_hook_set_install().
 */
int viommu_hooks_install(struct viommu_hook *hooks, unsigned int count)
{
	viommu_iommufd_hooks.hooks = hooks;
	viommu_iommufd_hooks.count = count;
	return viommu_hook_set_install(&viommu_iommufd_hooks);
}

/**
 * viommu_hooks_remove() - Remove the stock iommufd's hooks
 *
 * Return: As viommu_hook_set_remove().
 */
int viommu_hooks_remove(void)
{
	return viommu_hook_set_remove(&viommu_iommufd_hooks);
}
