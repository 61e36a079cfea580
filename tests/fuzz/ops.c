// SPDX-License-Identifier: GPL-2.0
/* The op table: every call a program can make. */
#include <string.h>

#include "fuzz.h"
#include "oplist.h"

const struct op *const ops[] = {
	&op_ctx_open, &op_ioas_alloc, &op_ioas_map, &op_ioas_unmap,
	&op_hwpt_alloc, &op_stock_destroy, &op_fault_alloc,
	&op_nested_invalidate, &op_vfio_open, &op_vfio_attach, &op_vfio_detach,
	&op_destroy, &op_viommu_alloc, &op_vdevice_alloc, &op_veventq_alloc,
	&op_hw_queue_alloc, &op_hwpt_alloc_nested, &op_hw_info, &op_invalidate,
	&op_bind, &op_raw_ioctl, &op_mock_domain, &op_mock_replace,
	&op_check_refs, &op_mem_limit, &op_trigger_iopf, &op_check_cache,
	&op_trigger_vevent, &op_test_raw, &op_close, &op_dup, &op_mmap,
	&op_munmap, &op_touch, &op_read, &op_poll, &op_fork, &op_edu_dma,
	&op_scn_mock, &op_scn_nest, &op_btf_split,
};

const int nr_ops = ARRAY_SIZE(ops);

int call_always(const struct call *c)
{
	(void)c;
	return 1;
}

int op_find(const char *name)
{
	int i;

	for (i = 0; i < nr_ops; i++)
		if (!strcmp(ops[i]->name, name))
			return i;
	return -1;
}
