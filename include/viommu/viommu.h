/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vIOMMU object layer for IOMMU drivers: what upstream Linux puts in
 * include/linux/iommufd.h (struct iommufd_viommu and friends), spelled with
 * a viommu_ prefix so it loads next to a kernel that has the upstream names.
 *
 * A driver registers a struct viommu_driver for its iommu_ops. The core
 * then sizes and allocates vIOMMU, vDEVICE and HW_QUEUE objects with the
 * driver's struct around the core one, calls the driver's init ops, and
 * frees them after the driver's destroy ops. Every driver object pins the
 * driver's module.
 */
#ifndef _VIOMMU_VIOMMU_H
#define _VIOMMU_VIOMMU_H

#include <linux/build_bug.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct iommufd_access;
struct iommufd_ctx;
struct iommufd_device;
struct iommufd_object;
struct viommu_ctx;
struct viommu_ucmd;
struct viommu_hw_queue_pin;

/**
 * enum viommu_object_type - Types of the objects of a /dev/viommu context
 * @VIOMMU_OBJ_NONE: Matches any type in lookups
 * @VIOMMU_OBJ_VIOMMU: A vIOMMU (struct viommu)
 * @VIOMMU_OBJ_VDEVICE: A vDEVICE (struct viommu_vdevice)
 * @VIOMMU_OBJ_VEVENTQ: A vEVENTQ
 * @VIOMMU_OBJ_HW_QUEUE: A HW_QUEUE (struct viommu_hw_queue)
 * @VIOMMU_OBJ_DRIVER: An object a driver defines, e.g. a selftest device
 * @VIOMMU_OBJ_MAX: Number of types
 */
enum viommu_object_type {
	VIOMMU_OBJ_NONE,
	VIOMMU_OBJ_VIOMMU,
	VIOMMU_OBJ_VDEVICE,
	VIOMMU_OBJ_VEVENTQ,
	VIOMMU_OBJ_HW_QUEUE,
	VIOMMU_OBJ_DRIVER,
	VIOMMU_OBJ_MAX,
};

/**
 * struct viommu_object - Head of every object with an id in a context
 * @shortterm_users: References held while an ioctl uses the object
 * @users: Lifetime references: 1 for the id table, +1 for each pin
 * @type: enum viommu_object_type
 * @id: The id userspace sees; never an id of the stock iommufd
 * @ops: The driver's ops of a VIOMMU_OBJ_DRIVER object, else NULL
 */
struct viommu_object {
	refcount_t shortterm_users;
	refcount_t users;
	enum viommu_object_type type;
	u32 id;
	const struct viommu_object_ops *ops;
};

/**
 * struct viommu - A vIOMMU: one guest-visible IOMMU instance
 * @obj: Object head
 * @ctx: The /dev/viommu context holding it
 * @ictx: The stock iommufd context @ctx is bound to
 * @iommu_dev: The physical IOMMU instance it is backed by
 * @hwpt: The nest-parent HWPT_PAGING of @ictx (core only), pinned while @obj lives
 * @parent: The nest parent's iommu_domain (stage 2)
 * @ops: Set by the driver's viommu_init
 * @vdevs: vDEVICEs indexed by virt_id; take xa_lock(&vdevs) to look up
 * @veventqs: vEVENTQs of this vIOMMU, one per type
 * @veventqs_rwsem: Protects @veventqs
 * @type: enum viommu_viommu_type, or a driver's private type
 * @drv: The driver backing it; its module is pinned while @obj lives
 *
 * Drivers embed it at offset 0 of their own struct, see VIOMMU_STRUCT_SIZE().
 */
struct viommu {
	struct viommu_object obj;
	struct viommu_ctx *ctx;
	struct iommufd_ctx *ictx;
	struct iommu_device *iommu_dev;
	struct iommufd_object *hwpt;
	struct iommu_domain *parent;
	const struct viommu_ops *ops;
	struct xarray vdevs;
	struct list_head veventqs;
	struct rw_semaphore veventqs_rwsem;
	u32 type;
	struct viommu_driver *drv;
};

/**
 * struct viommu_vdevice - A vDEVICE: a device as the guest names it
 * @obj: Object head
 * @viommu: The vIOMMU it belongs to, pinned while @obj lives
 * @idev: The stock iommufd device, pinned while @obj lives
 * @dev: The physical device
 * @virt_id: The guest's id for @dev (a vSID on SMMUv3)
 * @destroy: Optional; set by vdevice_init, called before the core frees it
 * @idev_node: Core bookkeeping: @idev's entry in the core's map
 */
struct viommu_vdevice {
	struct viommu_object obj;
	struct viommu *viommu;
	struct iommufd_device *idev;
	struct device *dev;
	u64 virt_id;
	void (*destroy)(struct viommu_vdevice *vdev);
	struct hlist_node idev_node;
};

/**
 * struct viommu_hw_queue - A HW_QUEUE: guest queue memory the hardware reads
 * @obj: Object head
 * @viommu: The vIOMMU it belongs to, pinned while @obj lives
 * @access: The stock access that pins the queue memory in the parent IOAS
 * @base_addr: Guest physical address of the queue
 * @length: Length of the queue in bytes
 * @type: enum viommu_hw_queue_type, or a driver's private type
 * @destroy: Optional; set by the init op, called before the core frees it
 * @pin: Core bookkeeping of the pinned pages
 */
struct viommu_hw_queue {
	struct viommu_object obj;
	struct viommu *viommu;
	struct iommufd_access *access;
	u64 base_addr;
	size_t length;
	u32 type;
	void (*destroy)(struct viommu_hw_queue *hw_queue);
	struct viommu_hw_queue_pin *pin;
};

/* The hardware reads queue memory by physical address: it must be contiguous. */
#define VIOMMU_OPS_FLAG_HW_QUEUE_READS_PA BIT(0)

/**
 * struct viommu_ops - A driver's vIOMMU operations
 * @flags: VIOMMU_OPS_FLAG_*
 * @destroy: Optional; release the driver's part before the core frees it
 * @alloc_domain_nested: Allocate an IOMMU_DOMAIN_NESTED domain on the vIOMMU
 *                       from the guest's page-table description. The domain's
 *                       ops must have cache_invalidate_user (6.12 iommufd calls
 *                       it without a check); -EOPNOTSUPP is a fine answer.
 * @cache_invalidate: Run an array of guest invalidation requests. Set
 *                    @array->entry_num to the number handled.
 * @vdevice_size: Size of the driver's vDEVICE struct, see
 *                VIOMMU_VDEVICE_STRUCT_SIZE(); 0 for the core struct
 * @vdevice_init: Optional; set up the driver's part of a vDEVICE
 * @get_hw_queue_size: Size of the driver's HW_QUEUE struct for a type, 0 if
 *                     the type is not supported
 * @hw_queue_init_phys: Set up a HW_QUEUE whose memory starts at physical
 *                      address @base_addr_pa (VIOMMU_OPS_FLAG_HW_QUEUE_READS_PA)
 * @hw_queue_init: Set up a HW_QUEUE that reads guest addresses
 *
 * The init ops run before the core publishes the queue, and its ioctl may
 * still fail after them. A queue they record where other queues' init ops
 * find it may only be depended on once published: viommu_hw_queue_depend()
 * gives -EIO until then, so report that as the previous queue missing.
 */
struct viommu_ops {
	u32 flags;
	void (*destroy)(struct viommu *viommu);
	struct iommu_domain *(*alloc_domain_nested)(struct viommu *viommu, u32 flags,
						    const struct iommu_user_data *user_data);
	int (*cache_invalidate)(struct viommu *viommu,
				struct iommu_user_data_array *array);
	size_t vdevice_size;
	int (*vdevice_init)(struct viommu_vdevice *vdev);
	size_t (*get_hw_queue_size)(struct viommu *viommu, u32 queue_type);
	int (*hw_queue_init_phys)(struct viommu_hw_queue *hw_queue, u32 index,
				  phys_addr_t base_addr_pa);
	int (*hw_queue_init)(struct viommu_hw_queue *hw_queue, u32 index);
};

/**
 * struct viommu_driver - What an IOMMU driver adds to the vIOMMU layer
 * @owner: The driver's module, pinned by each object the driver backs
 * @name: Shown in logs
 * @iommu_ops: Devices whose IOMMU has these ops belong to this driver
 * @hw_info: Optional; like iommu_ops.hw_info, with *@type in/out: on entry
 *           the type asked for (0: default), on return the type written
 * @get_viommu_size: Size of the driver's vIOMMU struct for a type, 0 if
 *                   the type is not supported
 * @viommu_init: Set up the driver's part of a vIOMMU, including @viommu->ops
 * @test_cmd: Optional; serves VIOMMU_TEST_CMD. @cmd is the kernel copy of
 *            struct viommu_test_cmd; the core copies it back on success
 *            unless the op did so itself with viommu_test_cmd_respond(),
 *            as an op that publishes an object must, before publishing it,
 *            so that a failed copy can still be undone. @ucmd is NULL when
 *            the caller is in the kernel.
 * @node: Core list linkage
 */
struct viommu_driver {
	struct module *owner;
	const char *name;
	const struct iommu_ops *iommu_ops;
	void *(*hw_info)(struct device *dev, u32 *length, u32 *type);
	size_t (*get_viommu_size)(struct device *dev, u32 viommu_type);
	int (*viommu_init)(struct viommu *viommu, struct iommu_domain *parent_domain,
			   const struct iommu_user_data *user_data);
	int (*test_cmd)(struct viommu_ctx *ctx, void *cmd,
			struct viommu_ucmd *ucmd);
	struct list_head node;
};

/**
 * struct viommu_object_ops - Operations of a VIOMMU_OBJ_DRIVER object
 * @owner: The module that defines the object, pinned while it lives
 * @destroy: Release what the object holds; the core frees the memory
 */
struct viommu_object_ops {
	struct module *owner;
	void (*destroy)(struct viommu_object *obj);
};

/**
 * struct viommu_domain_ops - Domain ops of a driver module that can unload
 * @ops: What domain->ops points to; @ops.free must be viommu_domain_free
 * @free: The driver's free of the domain
 * @owner: The driver's module: the driver takes a reference on it for
 *         each domain it allocates, viommu_domain_free() drops it
 *
 * For a driver in a module of its own (the selftest backend): a stock HWPT
 * may outlive every device of the driver, and its domain's free must not
 * run in unloaded code, nor drop the last pin from inside the module.
 */
struct viommu_domain_ops {
	struct iommu_domain_ops ops;
	void (*free)(struct iommu_domain *domain);
	struct module *owner;
};

void viommu_domain_free(struct iommu_domain *domain);

/*
 * The IOMMU ops serving @dev, or NULL: a domain of other ops is not for
 * @dev, which the IOMMU core checks on attach but not on replace.
 */
static inline const struct iommu_ops *viommu_dev_iommu_ops(struct device *dev)
{
	return dev->iommu && dev->iommu->iommu_dev ?
	       dev->iommu->iommu_dev->ops : NULL;
}

struct iommufd_device;
int viommu_device_replace_checked(struct viommu_ctx *ctx,
				  struct iommufd_device *idev, u32 *pt_id);

/* The core struct must come first: the core frees what it allocated. */
#define __VIOMMU_DRV_STRUCT_SIZE(drv_struct, member)                         \
	(sizeof(drv_struct) + BUILD_BUG_ON_ZERO(offsetof(drv_struct, member)))

/* Sizes for get_viommu_size, vdevice_size and get_hw_queue_size. */
#define VIOMMU_STRUCT_SIZE(drv_struct, member) \
	__VIOMMU_DRV_STRUCT_SIZE(drv_struct, member)
#define VIOMMU_VDEVICE_STRUCT_SIZE(drv_struct, member) \
	__VIOMMU_DRV_STRUCT_SIZE(drv_struct, member)
#define VIOMMU_HW_QUEUE_STRUCT_SIZE(drv_struct, member) \
	__VIOMMU_DRV_STRUCT_SIZE(drv_struct, member)

int viommu_register_driver(struct viommu_driver *drv);
void viommu_unregister_driver(struct viommu_driver *drv);

struct iommufd_ctx *viommu_ctx_iommufd(struct viommu_ctx *ctx);

struct viommu_object *viommu_driver_object_alloc(struct viommu_ctx *ctx,
						 size_t size,
						 const struct viommu_object_ops *ops);
void viommu_driver_object_finalize(struct viommu_ctx *ctx,
				   struct viommu_object *obj);
void viommu_driver_object_abort(struct viommu_ctx *ctx,
				struct viommu_object *obj);
struct viommu_object *viommu_driver_object_get(struct viommu_ctx *ctx, u32 id,
					       const struct viommu_object_ops *ops);
void viommu_object_put(struct viommu_ctx *ctx, struct viommu_object *obj);

struct device *viommu_vdevice_to_device(struct viommu_vdevice *vdev);
struct device *viommu_find_dev(struct viommu *viommu, unsigned long vdev_id);
int viommu_get_vdev_id(struct viommu *viommu, struct device *dev,
		       unsigned long *vdev_id);
int viommu_report_event(struct viommu *viommu, u32 type, void *event_data,
			size_t data_len);
int viommu_test_cmd_respond(struct viommu_ucmd *ucmd);

int viommu_alloc_mmap(struct viommu *viommu, phys_addr_t mmio_addr,
		      size_t length, unsigned long *offset);
void viommu_destroy_mmap(struct viommu *viommu, unsigned long offset);

int viommu_hw_queue_depend(struct viommu_hw_queue *dependent,
			   struct viommu_hw_queue *depended);
void viommu_hw_queue_undepend(struct viommu_hw_queue *dependent,
			      struct viommu_hw_queue *depended);

int viommu_copy_struct_from_full_user_array(void *kdst, size_t kdst_entry_size,
					    struct iommu_user_data_array *user_array,
					    unsigned int data_type);
int __viommu_copy_struct_to_user(const struct iommu_user_data *dst_data,
				 const void *src, unsigned int data_type,
				 size_t src_len, size_t min_len);

/**
 * viommu_copy_struct_to_user - Copy a driver struct out to user data
 * @user_data: The user data given to the driver op
 * @ksrc: Pointer to the kernel struct
 * @data_type: The type @user_data must have
 * @min_last: The last member userspace must have room for
 *
 * Return: 0, -EINVAL on a type mismatch or too little room, -EFAULT.
 */
#define viommu_copy_struct_to_user(user_data, ksrc, data_type, min_last)      \
	__viommu_copy_struct_to_user(user_data, ksrc, data_type,              \
				     sizeof((ksrc)[0]),                       \
				     offsetofend(typeof((ksrc)[0]), min_last))

#endif /* _VIOMMU_VIOMMU_H */
