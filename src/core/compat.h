/* SPDX-License-Identifier: GPL-2.0 */
/* What differs between the kernels viommu builds for. */
#ifndef _VIOMMU_COMPAT_H
#define _VIOMMU_COMPAT_H

#include <linux/module.h>

/*
 * MODULE_IMPORT_NS() takes a bare name up to 6.12 and a string literal from
 * 6.13 on; both expand to this modinfo entry, so spell it out.
 */
#define VIOMMU_IMPORT_NS(ns) MODULE_INFO(import_ns, ns)

#endif /* _VIOMMU_COMPAT_H */
