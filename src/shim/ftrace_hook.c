// SPDX-License-Identifier: GPL-2.0
/*
 * Redirection of a function to a replacement with ftrace, the way 6.12
 * livepatch does it with DYNAMIC_FTRACE_WITH_ARGS: an IPMODIFY callback
 * sets the pc to the replacement (arm64 cannot SAVE_REGS).
 *
 * A replacement calls the original through its real address, so the call
 * comes back through the callback. Telling that call apart by the caller's
 * address (within_module()) breaks on sibling calls; instead the
 * replacement arms a per-task bypass just before calling the original, and
 * the callback lets that one entry through. The bypass table is read
 * without locks: a slot names its task, and only that task arms or
 * consumes it.
 *
 * Replacement bodies run under SRCU. Removal unregisters (ftrace then waits
 * until no task is in the callback or between it and the replacement's
 * first statement), then waits for the SRCU readers: after that no task is
 * inside a replacement.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/ftrace.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/rcupdate.h>
#include <linux/srcu.h>
#include <linux/wait.h>

#include "internal.h"

/* More tasks than this inside originals at once wait for a free slot. */
#define VIOMMU_BYPASS_SLOTS 64

struct viommu_bypass {
	struct task_struct *task;
	const struct viommu_hook *hook;
};

static struct viommu_bypass viommu_bypass_slots[VIOMMU_BYPASS_SLOTS];
static DECLARE_WAIT_QUEUE_HEAD(viommu_bypass_wait);
DEFINE_STATIC_SRCU(viommu_hook_srcu);

/**
 * viommu_hook_bypass_take() - Consume the current task's bypass for a hook
 * @hook: The hook whose function is being entered
 *
 * Called by the ftrace callback, with preemption off.
 *
 * Return: true if the current task armed a bypass for @hook (it is now
 * used up): this entry is the replacement calling the original.
 */
bool notrace viommu_hook_bypass_take(const struct viommu_hook *hook)
{
	unsigned int i;

	/* An interrupt is not the task it interrupted. */
	if (!in_task())
		return false;
	for (i = 0; i < VIOMMU_BYPASS_SLOTS; i++) {
		struct viommu_bypass *b = &viommu_bypass_slots[i];

		if (READ_ONCE(b->task) == current &&
		    READ_ONCE(b->hook) == hook) {
			WRITE_ONCE(b->hook, NULL);
			return true;
		}
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hook_bypass_take);

static struct viommu_bypass *viommu_bypass_claim(void)
{
	unsigned int i;

	for (i = 0; i < VIOMMU_BYPASS_SLOTS; i++) {
		struct viommu_bypass *b = &viommu_bypass_slots[i];
		struct task_struct *none = NULL;

		if (!READ_ONCE(b->task) && try_cmpxchg(&b->task, &none, current))
			return b;
	}
	return NULL;
}

/**
 * viommu_hook_bypass() - Let the current task's next entry to a hook through
 * @hook: The hook whose original is about to be called
 *
 * Sleeps if every slot is taken. Undo with viommu_hook_unbypass() once the
 * original returned.
 *
 * Return: The slot.
 */
struct viommu_bypass *viommu_hook_bypass(const struct viommu_hook *hook)
{
	struct viommu_bypass *b;

	wait_event(viommu_bypass_wait, (b = viommu_bypass_claim()));
	WRITE_ONCE(b->hook, hook);
	return b;
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hook_bypass);

/**
 * viommu_hook_unbypass() - Give back a slot of viommu_hook_bypass()
 * @b: The slot
 *
 * A bypass the callback did not consume (the hook was removed meanwhile)
 * goes too.
 */
void viommu_hook_unbypass(struct viommu_bypass *b)
{
	WRITE_ONCE(b->hook, NULL);
	/* Clear the hook before the slot can be claimed again. */
	smp_store_release(&b->task, NULL);
	if (wq_has_sleeper(&viommu_bypass_wait))
		wake_up(&viommu_bypass_wait);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_hook_unbypass);

static void notrace viommu_hook_ftrace(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *ops,
				       struct ftrace_regs *fregs)
{
	struct viommu_hook *hook = container_of(ops, struct viommu_hook, ops);

	if (viommu_hook_bypass_take(hook))
		return;
	ftrace_regs_set_instruction_pointer(fregs,
					    (unsigned long)hook->replacement);
}

/**
 * viommu_hook_install() - Send every call of a function to its replacement
 * @hook: The hook, with @name, @replacement and @orig set
 *
 * Return: 0, or the errno of ftrace: -EBUSY if another IPMODIFY user
 * (livepatch, another module) has the function or ftrace is disabled.
 */
int viommu_hook_install(struct viommu_hook *hook)
{
	int rc;

	hook->ops = (struct ftrace_ops) {
		.func = viommu_hook_ftrace,
		/*
		 * RECURSION: ftrace guards the callback and keeps preemption
		 * off around it. PERMANENT: ftrace_enabled=0 must not quietly
		 * turn the hook off.
		 */
		.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION |
			 FTRACE_OPS_FL_PERMANENT,
	};
	rc = ftrace_set_filter_ip(&hook->ops, hook->orig, 0, 0);
	if (rc)
		goto err_free;
	rc = register_ftrace_function(&hook->ops);
	if (rc)
		goto err_free;
	hook->installed = true;
	return 0;

err_free:
	ftrace_free_filter(&hook->ops);
	return rc;
}

/**
 * viommu_hook_remove() - Undo viommu_hook_install()
 * @hook: The hook
 *
 * On return no new call reaches the replacement; calls already inside it
 * may still run until viommu_hooks_drain().
 */
void viommu_hook_remove(struct viommu_hook *hook)
{
	if (!hook->installed)
		return;
	WARN_ON(unregister_ftrace_function(&hook->ops));
	ftrace_free_filter(&hook->ops);
	hook->installed = false;
}

/**
 * viommu_hooks_drain() - Wait until no task is inside a replacement
 *
 * Call after every hook was removed.
 */
void viommu_hooks_drain(void)
{
	synchronize_srcu(&viommu_hook_srcu);
	/*
	 * A task past srcu_read_unlock() still runs the replacement's
	 * epilogue, or the ftrace trampoline: wait until every task has
	 * been through a voluntary switch, as livepatch does.
	 */
	synchronize_rcu_tasks();
}

/**
 * viommu_hook_enter() - First statement of every replacement
 * @hook: The replacement's hook
 *
 * Return: The SRCU index for viommu_hook_leave().
 */
int viommu_hook_enter(struct viommu_hook *hook)
	__acquires(viommu_hook_srcu)
{
	int idx = srcu_read_lock(&viommu_hook_srcu);

	atomic_long_inc(&hook->calls);
	return idx;
}

/**
 * viommu_hook_leave() - Last statement of every replacement
 * @idx: What viommu_hook_enter() returned
 */
void viommu_hook_leave(int idx)
	__releases(viommu_hook_srcu)
{
	srcu_read_unlock(&viommu_hook_srcu, idx);
}
