// SPDX-License-Identifier: GPL-2.0
/* The op table: every call a program can make. */
#include <string.h>

#include "fuzz.h"

#define OPS(X) \
	X(ctx_open) X(ioas_alloc) X(ioas_map) X(ioas_unmap) X(hwpt_alloc) \
	X(stock_destroy) X(fault_alloc) X(nested_invalidate) X(vfio_open) \
	X(vfio_attach) X(vfio_detach) \
	X(destroy) X(viommu_alloc) X(vdevice_alloc) X(veventq_alloc) \
	X(hw_queue_alloc) X(hwpt_alloc_nested) X(hw_info) X(invalidate) \
	X(bind) X(raw_ioctl) \
	X(mock_domain) X(mock_replace) X(check_refs) X(mem_limit) \
	X(trigger_iopf) X(check_cache) X(trigger_vevent) X(test_raw) \
	X(close) X(dup) X(mmap) X(munmap) X(touch) X(read) X(poll) X(fork)

#define DECL(n) extern const struct op op_##n;
OPS(DECL)
#define REF_OP(n) &op_##n,

const struct op *const ops[] = { OPS(REF_OP) };
const int nr_ops = ARRAY_SIZE(ops);

int op_find(const char *name)
{
	int i;

	for (i = 0; i < nr_ops; i++)
		if (!strcmp(ops[i]->name, name))
			return i;
	return -1;
}
