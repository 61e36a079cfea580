/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenario ops (like syzkaller's pseudo-syscalls): a whole setup a VMM
 * makes, one step after the other on the ids the kernel just gave, with
 * fuzzed parameters. Index references rarely line up over such a chain
 * once one creation fails; here each step uses what the last one made.
 * Everything made goes into the pool, for the other ops to use.
 */
#ifndef VIOMMU_FUZZ_SCN_H
#define VIOMMU_FUZZ_SCN_H

#include "ops.h"

/* One running scenario: its ctx and the ids made so far */
struct scn {
	struct ectx *e;
	struct result *r;
	struct res *ctx;
	int ifd, vfd;		/* the ctx's iommufd and door fd */
	int vfio_fd, qfd;
	__u32 dev, stdev, ioas, parent, viommu, vdev, veventq, nested;
};

int scn_begin(struct scn *s, struct ectx *e, __u64 ctx_ref,
	      struct result *r);
int scn_step(struct scn *s, int rc, const int *errnos);
int scn_try(struct scn *s, int rc, const int *errnos);
static inline int scn_over(const struct scn *s)
{
	return s->r->rc < 0;
}

void scn_add(struct scn *s, enum res_type t, __u32 id, int sub);
int scn_ioas(struct scn *s);
int scn_map(struct scn *s, __u64 iova, unsigned int first,
	    unsigned int pages, __u64 *out);
int scn_parent(struct scn *s, int sub);
int scn_viommu(struct scn *s, __u32 type, int sub);
int scn_vdev(struct scn *s, __u64 virt_id);
int scn_veventq(struct scn *s, __u32 type, __u32 depth);
int scn_destroy(struct scn *s, __u32 id);
struct res *scn_add_fd(struct scn *s, enum res_type t, __u32 id, int fd);
void scn_kill(struct scn *s, __u32 id);

#endif
