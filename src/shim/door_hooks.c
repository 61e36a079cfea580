// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's part of the stock-file door: 6.12's /dev/iommu has no vIOMMU
 * ioctls and no mmap, and file_operations are the only way to give a file
 * mmap, so a file opened while the door is in gets the door's fops instead
 * of iommufd_fops (the open hook, inside ->open() where replace_fops() is
 * allowed). Three more hooks keep the rest of the kernel working with such
 * a file:
 *  - iommufd_ctx_from_file/_fd compare f_op with &iommufd_fops (VFIO's
 *    cdev bind and group set_container call them): a door file is accepted
 *    as what it is, a stock iommufd file;
 *  - iommufd_ctx_get/_put pin the file for each device bound and each
 *    access made. Objects the door makes for a file live as long as that
 *    file, so such a pin would keep the file from ever closing: inside an
 *    "unpinned" section of a task (the door's ioctls and its release) the
 *    pins of that one context are not taken nor dropped, as 7.2 exempts its
 *    mock devices and internal accesses.
 * The rule that keeps the count right: a pin skipped in a section is one
 * an object of the file made there, and such an object (mock device,
 * HW_QUEUE access) is destroyed only by a door ioctl or the door's
 * release of that file, in a section too. Pins from elsewhere (VFIO, a
 * /dev/viommu context bound to the file) are taken and dropped for real:
 * the from_file/_fd hooks take them as the stock functions do, and
 * /dev/viommu drops its own with viommu_shim_ctx_put_pinned().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/iommufd.h>
#include <linux/miscdevice.h>
#include <linux/spinlock.h>
#include <linux/sched.h>

#include "internal.h"

enum {
	VIOMMU_DOOR_HOOK_OPEN,
	VIOMMU_DOOR_HOOK_FROM_FILE,
	VIOMMU_DOOR_HOOK_FROM_FD,
	VIOMMU_DOOR_HOOK_CTX_GET,
	VIOMMU_DOOR_HOOK_CTX_PUT,
	VIOMMU_DOOR_NR_HOOKS,
};

static viommu_fops_open_fn viommu_door_fops_open;
static viommu_ctx_from_file_fn viommu_door_ctx_from_file;
static viommu_ctx_from_fd_fn viommu_door_ctx_from_fd;
static viommu_ctx_get_fn viommu_door_ctx_get;
static viommu_ctx_put_fn viommu_door_ctx_put;

static struct viommu_hook viommu_door_hooks[VIOMMU_DOOR_NR_HOOKS] = {
	VIOMMU_HOOK(VIOMMU_DOOR_HOOK_OPEN, iommufd_fops_open,
		    viommu_door_fops_open),
	VIOMMU_HOOK(VIOMMU_DOOR_HOOK_FROM_FILE, iommufd_ctx_from_file,
		    viommu_door_ctx_from_file),
	VIOMMU_HOOK(VIOMMU_DOOR_HOOK_FROM_FD, iommufd_ctx_from_fd,
		    viommu_door_ctx_from_fd),
	VIOMMU_HOOK(VIOMMU_DOOR_HOOK_CTX_GET, iommufd_ctx_get,
		    viommu_door_ctx_get),
	VIOMMU_HOOK(VIOMMU_DOOR_HOOK_CTX_PUT, iommufd_ctx_put,
		    viommu_door_ctx_put),
};

static struct viommu_hook_set viommu_door_hook_set = {
	.hooks = viommu_door_hooks,
	.count = VIOMMU_DOOR_NR_HOOKS,
};

#define VIOMMU_ORIG(id, fn_type) ((typeof(fn_type) *)viommu_door_hooks[id].orig)

/* Set before the hooks go in, constant while they are in. */
static const struct file_operations *viommu_door_fops;
static bool viommu_door_hooks_in;

/* Unpinned sections, hashed by task; a bucket lock only guards its list. */
#define VIOMMU_UNPINNED_BITS 5
static struct hlist_head viommu_unpinned_sections[1 << VIOMMU_UNPINNED_BITS];
static DEFINE_SPINLOCK(viommu_unpinned_lock);
/* Sections open anywhere: every iommufd_ctx_get/_put looks at it first. */
static atomic_t viommu_unpinned_open = ATOMIC_INIT(0);

/**
 * viommu_shim_unpinned_begin() - Start a section that does not pin @ictx
 * @u: The section, on the caller's stack
 * @ictx: The context of a door file
 *
 * Until viommu_shim_unpinned_end(), iommufd_ctx_get() and iommufd_ctx_put()
 * of @ictx by this task do nothing. Use it around everything that makes or
 * frees objects owned by the file itself, and nothing else: a pin skipped
 * in a section must be dropped in one.
 */
void viommu_shim_unpinned_begin(struct viommu_shim_unpinned *u,
				struct iommufd_ctx *ictx)
{
	u->task = current;
	u->ictx = ictx;
	atomic_inc(&viommu_unpinned_open);
	spin_lock(&viommu_unpinned_lock);
	hlist_add_head(&u->node,
		       &viommu_unpinned_sections[hash_ptr(current, VIOMMU_UNPINNED_BITS)]);
	spin_unlock(&viommu_unpinned_lock);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_unpinned_begin);

/**
 * viommu_shim_unpinned_end() - End a section of viommu_shim_unpinned_begin()
 * @u: The section
 */
void viommu_shim_unpinned_end(struct viommu_shim_unpinned *u)
{
	spin_lock(&viommu_unpinned_lock);
	hlist_del(&u->node);
	spin_unlock(&viommu_unpinned_lock);
	atomic_dec(&viommu_unpinned_open);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_unpinned_end);

static bool viommu_unpinned(struct iommufd_ctx *ictx)
{
	struct hlist_head *bucket =
		&viommu_unpinned_sections[hash_ptr(current, VIOMMU_UNPINNED_BITS)];
	struct viommu_shim_unpinned *u;
	bool found = false;

	/* A task's own section is linked before it calls get or put. */
	if (!atomic_read(&viommu_unpinned_open))
		return false;
	spin_lock(&viommu_unpinned_lock);
	hlist_for_each_entry(u, bucket, node) {
		if (u->task == current && u->ictx == ictx) {
			found = true;
			break;
		}
	}
	spin_unlock(&viommu_unpinned_lock);
	return found;
}

static int viommu_door_fops_open(struct inode *inode, struct file *filp)
{
	struct viommu_hook *hook = &viommu_door_hooks[VIOMMU_DOOR_HOOK_OPEN];
	struct miscdevice *misc;
	struct viommu_hook_frame f;
	int rc;

	viommu_hook_enter(&f, hook);
	/*
	 * misc_open() left the misc device here. The VFIO container
	 * (/dev/vfio/vfio with IOMMUFD_VFIO_CONTAINER) has the same open:
	 * only /dev/iommu gets the door.
	 */
	misc = filp->private_data;
	viommu_hook_bypass(&f, hook);
	rc = VIOMMU_ORIG(VIOMMU_DOOR_HOOK_OPEN, viommu_fops_open_fn)(inode, filp);
	viommu_hook_unbypass(&f);
	/*
	 * Only a file the stock open set up, and only while this module
	 * can be pinned: a file left stock is a plain iommufd file.
	 */
	if (!rc && misc && misc->name && !strcmp(misc->name, "iommu") &&
	    fops_get(viommu_door_fops)) {
		if (viommu_door_opened(filp, filp->private_data))
			fops_put(viommu_door_fops);
		else
			/* Drops the iommufd reference misc_open() took. */
			replace_fops(filp, viommu_door_fops);
	}
	viommu_hook_leave(&f);
	return rc;
}

static struct iommufd_ctx *viommu_door_ctx_from_file(struct file *file)
{
	struct viommu_hook *hook = &viommu_door_hooks[VIOMMU_DOOR_HOOK_FROM_FILE];
	struct iommufd_ctx *ictx;
	struct viommu_hook_frame f;

	viommu_hook_enter(&f, hook);
	if (file->f_op == viommu_door_fops) {
		/* What the stock function does for its own files. */
		get_file(file);
		ictx = file->private_data;
	} else {
		viommu_hook_bypass(&f, hook);
		ictx = VIOMMU_ORIG(VIOMMU_DOOR_HOOK_FROM_FILE,
				   viommu_ctx_from_file_fn)(file);
		viommu_hook_unbypass(&f);
	}
	viommu_hook_leave(&f);
	return ictx;
}

static struct iommufd_ctx *viommu_door_ctx_from_fd(int fd)
{
	struct viommu_hook *hook = &viommu_door_hooks[VIOMMU_DOOR_HOOK_FROM_FD];
	struct iommufd_ctx *ictx;
	struct viommu_hook_frame f;
	struct file *file;

	viommu_hook_enter(&f, hook);
	file = fget(fd);
	if (file && file->f_op == viommu_door_fops) {
		/* The fget() reference is the context's, as in the stock one. */
		ictx = file->private_data;
	} else {
		if (file)
			fput(file);
		viommu_hook_bypass(&f, hook);
		ictx = VIOMMU_ORIG(VIOMMU_DOOR_HOOK_FROM_FD,
				   viommu_ctx_from_fd_fn)(fd);
		viommu_hook_unbypass(&f);
	}
	viommu_hook_leave(&f);
	return ictx;
}

/*
 * iommufd_ctx_get or _put (@id): the original, unless @sections is set and
 * this task is in a section of @ictx. Both share one prototype.
 */
static void viommu_door_ctx_pin(unsigned int id, struct iommufd_ctx *ictx,
				bool sections)
{
	struct viommu_hook *hook = &viommu_door_hooks[id];
	struct viommu_hook_frame f;

	viommu_hook_enter(&f, hook);
	if (!sections || !viommu_unpinned(ictx)) {
		viommu_hook_bypass(&f, hook);
		VIOMMU_ORIG(id, viommu_ctx_get_fn)(ictx);
		viommu_hook_unbypass(&f);
	}
	viommu_hook_leave(&f);
}

static void viommu_door_ctx_get(struct iommufd_ctx *ictx)
{
	viommu_door_ctx_pin(VIOMMU_DOOR_HOOK_CTX_GET, ictx, true);
}

static void viommu_door_ctx_put(struct iommufd_ctx *ictx)
{
	viommu_door_ctx_pin(VIOMMU_DOOR_HOOK_CTX_PUT, ictx, true);
}

/**
 * viommu_shim_ctx_put_pinned() - Drop a pin taken outside any door section
 * @ictx: A context pinned by iommufd_ctx_from_fd() or _from_file()
 *
 * A section skips every put of its context by its task, and the last put
 * of a /dev/viommu context bound to a door file can happen inside one (a
 * door ioctl that tore down that context's vDEVICE): this put is real
 * wherever it runs.
 */
void viommu_shim_ctx_put_pinned(struct iommufd_ctx *ictx)
{
	/* The hooks stay in while any context exists. */
	if (!READ_ONCE(viommu_door_hooks_in))
		iommufd_ctx_put(ictx);
	else
		viommu_door_ctx_pin(VIOMMU_DOOR_HOOK_CTX_PUT, ictx, false);
}
EXPORT_SYMBOL_IF_KUNIT(viommu_shim_ctx_put_pinned);

/*
 * The stock fops, checked against the functions the hooks and the door
 * rely on: open is the hooked one, and there is no mmap of its own.
 */
static int viommu_door_check_stock_fops(const struct file_operations *stock,
					struct viommu_shim_why *why)
{
	unsigned long release, ioctl;

	why->step = "check";
	why->name = "iommufd_fops";
	if (viommu_sym_resolve(VIOMMU_STOCK_MODULE, "iommufd_fops_release",
			       &release) ||
	    viommu_sym_resolve(VIOMMU_STOCK_MODULE, "iommufd_fops_ioctl",
			       &ioctl))
		return -ENOENT;
	if ((unsigned long)stock->open !=
	    viommu_door_hooks[VIOMMU_DOOR_HOOK_OPEN].orig ||
	    (unsigned long)stock->release != release ||
	    (unsigned long)stock->unlocked_ioctl != ioctl)
		return -EINVAL;
	/* The door's fops have nothing else: the file behaves the same. */
	if (stock->mmap || stock->compat_ioctl || stock->read ||
	    stock->write || stock->poll || stock->llseek ||
	    stock->read_iter || stock->write_iter)
		return -EINVAL;
	return 0;
}

/**
 * viommu_shim_door_init() - Check and install the door's hooks
 * @door_fops: What files opened from now on get instead of iommufd_fops
 * @stock_fops: Set to the stock iommufd_fops, whose functions the door
 *              calls for everything it does not serve itself
 * @stock_test_cmd: Set to whether the stock iommufd serves IOMMU_TEST_CMD
 *                  itself (built with IOMMUFD_TEST)
 * @reason: Set on failure to what failed, for the caller's one log line
 *
 * Return: 0 (installed until viommu_shim_door_exit()), -EEXIST if the
 * stock iommufd has the vIOMMU uAPI itself, or another errno.
 */
int viommu_shim_door_init(const struct file_operations *door_fops,
			  const struct file_operations **stock_fops,
			  bool *stock_test_cmd, const char **reason)
{
	static char line[VIOMMU_WHY_LEN];
	struct viommu_shim_why why = {};
	unsigned long addr, unused;
	unsigned int i;
	int rc;

	if (!viommu_shim_ready()) {
		*reason = "the stock iommufd shim is off";
		return -EOPNOTSUPP;
	}
	/* A kernel whose iommufd serves these numbers itself is not shadowed. */
	if (!viommu_sym_resolve(VIOMMU_STOCK_MODULE, "iommufd_viommu_alloc_ioctl",
				&addr)) {
		*reason = "the stock iommufd has the vIOMMU uAPI itself";
		return -EEXIST;
	}

	for (i = 0; i < VIOMMU_DOOR_NR_HOOKS; i++) {
		struct viommu_hook *hook = &viommu_door_hooks[i];

		why.name = hook->name;
		why.step = "check";
		rc = viommu_layout_check_func(hook->name);
		if (!rc) {
			why.step = "resolve";
			rc = viommu_sym_resolve(VIOMMU_STOCK_MODULE, hook->name,
						&hook->orig);
		}
		if (rc)
			goto fail;
	}
	why.step = "resolve";
	why.name = "iommufd_fops";
	rc = viommu_sym_resolve_data(VIOMMU_STOCK_MODULE, "iommufd_fops",
				     sizeof(**stock_fops), &addr);
	if (rc)
		goto fail;
	rc = viommu_door_check_stock_fops((void *)addr, &why);
	if (rc)
		goto fail;

	*stock_test_cmd = !viommu_sym_resolve(VIOMMU_STOCK_MODULE,
					      "iommufd_test", &unused);
	viommu_door_fops = door_fops;
	*stock_fops = (void *)addr;
	why.step = "install";
	why.name = "door ftrace hooks (EBUSY: kernel.ftrace_enabled=0 or another IPMODIFY user)";
	rc = viommu_hook_set_install(&viommu_door_hook_set);
	if (rc)
		goto fail;
	viommu_door_hooks_in = true;
	return 0;

fail:
	scnprintf(line, sizeof(line), "%s %s failed (%d)", why.step, why.name,
		  rc);
	*reason = line;
	return rc;
}

/**
 * viommu_shim_door_exit() - Remove the door's hooks
 *
 * Call once no door file is left (each pins the module). On return no task
 * is inside a replacement; a file being opened now stays stock.
 */
void viommu_shim_door_exit(void)
{
	if (!viommu_door_hooks_in)
		return;
	viommu_hook_set_remove_for_unload(&viommu_door_hook_set, "door hooks");
	viommu_door_hooks_in = false;
}
