/* SPDX-License-Identifier: GPL-2.0 */
/* The ops, each defined in one of the ops_*.c files */
#ifndef VIOMMU_FUZZ_OPLIST_H
#define VIOMMU_FUZZ_OPLIST_H

#include "fuzz.h"

extern const struct op op_ctx_open;
extern const struct op op_ioas_alloc;
extern const struct op op_ioas_map;
extern const struct op op_ioas_unmap;
extern const struct op op_hwpt_alloc;
extern const struct op op_stock_destroy;
extern const struct op op_fault_alloc;
extern const struct op op_nested_invalidate;
extern const struct op op_vfio_open;
extern const struct op op_vfio_attach;
extern const struct op op_vfio_detach;
extern const struct op op_destroy;
extern const struct op op_viommu_alloc;
extern const struct op op_vdevice_alloc;
extern const struct op op_veventq_alloc;
extern const struct op op_hw_queue_alloc;
extern const struct op op_hwpt_alloc_nested;
extern const struct op op_hw_info;
extern const struct op op_invalidate;
extern const struct op op_bind;
extern const struct op op_raw_ioctl;
extern const struct op op_mock_domain;
extern const struct op op_mock_replace;
extern const struct op op_check_refs;
extern const struct op op_mem_limit;
extern const struct op op_trigger_iopf;
extern const struct op op_check_cache;
extern const struct op op_trigger_vevent;
extern const struct op op_test_raw;
extern const struct op op_close;
extern const struct op op_dup;
extern const struct op op_mmap;
extern const struct op op_munmap;
extern const struct op op_touch;
extern const struct op op_read;
extern const struct op op_poll;
extern const struct op op_fork;
extern const struct op op_edu_dma;
extern const struct op op_scn_mock;
extern const struct op op_scn_nest;
extern const struct op op_btf_split;

#endif
