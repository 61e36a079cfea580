// SPDX-License-Identifier: GPL-2.0
/*
 * HW_QUEUEs on /dev/viommu, after upstream's iommufd_viommu.hw_queue: the
 * queue memory is pinned in the nest parent's IOAS (stock IOAS_UNMAP of it
 * is EBUSY), queues are made in index order and destroyed in reverse.
 */
#include "fixture.h"

#define SELFTEST VIOMMU_HW_QUEUE_TYPE_SELFTEST

TEST(hw_queue)
{
	__u64 iova, iova2;
	struct vt_fixture f;
	__u32 q[2] = {};

	vt_setup(&f, VT_NESTED);
	ASSERT_ERRNO(EOPNOTSUPP, vt_hw_queue_alloc(f.vfd, f.viommu_id,
						   VIOMMU_HW_QUEUE_TYPE_DEFAULT,
						   0, MOCK_APERTURE_START, psz,
						   &q[0]));
	/* Address and length */
	ASSERT_ERRNO(EINVAL, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0, MOCK_APERTURE_START, 0,
					       &q[0]));
	ASSERT_ERRNO(EOVERFLOW, vt_hw_queue_alloc(f.vfd, f.viommu_id,
						  SELFTEST, 0, ~0ULL, psz,
						  &q[0]));
	/* Not mapped in the parent's IOAS */
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0, UNMAPPED_IOVA, psz, &q[0]));

	/* Two pages of the buffer's unmapped half, one area each */
	iova = 0;
	ASSERT_OK(ioas_map(f.iommufd, f.ioas_id,
			   f.buffer + MAPPED_PAGES * psz, psz, &iova, 0));
	iova2 = 0;
	ASSERT_OK(ioas_map(f.iommufd, f.ioas_id,
			   f.buffer + (MAPPED_PAGES + 1) * psz, psz, &iova2,
			   0));

	/* Index 0 first; the selftest has indexes below MAX only. */
	ASSERT_ERRNO(EIO, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 1,
					    iova, psz, &q[0]));
	ASSERT_ERRNO(EINVAL, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       VIOMMU_TEST_HW_QUEUE_MAX, iova,
					       psz, &q[0]));
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 0, iova,
				    psz, &q[0]));
	ASSERT_TRUE(is_viommu_id(q[0]));
	ASSERT_ERRNO(EEXIST, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0, iova, psz, &q[1]));

	/* The queue's page cannot be unmapped, its neighbour can. */
	ASSERT_ERRNO(EBUSY, ioas_unmap(f.iommufd, f.ioas_id, iova, psz));
	ASSERT_OK(ioas_unmap(f.iommufd, f.ioas_id, iova2, psz));

	/* Index 1, unaligned, within the same page */
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 1,
				    iova + psz / 2, psz / 2, &q[1]));
	/* Queue 1 depends on queue 0. */
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, q[0]));
	ASSERT_OK(vt_destroy(f.vfd, q[1]));
	ASSERT_ERRNO(EBUSY, ioas_unmap(f.iommufd, f.ioas_id, iova, psz));
	ASSERT_OK(vt_destroy(f.vfd, q[0]));
	/* Unpinned now */
	ASSERT_OK(ioas_unmap(f.iommufd, f.ioas_id, iova, psz));
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, q[0]));
	vt_teardown(&f);
}

TEST(hw_queue_errors)
{
	struct viommu_hw_queue_alloc cmd;
	struct vt_fixture f;
	__u32 q = 0;

	vt_setup(&f, VT_NESTED);
	cmd = (struct viommu_hw_queue_alloc){
		.size = sizeof(cmd),
		.flags = 1,
		.viommu_id = f.viommu_id,
		.type = SELFTEST,
		.nesting_parent_iova = MOCK_APERTURE_START,
		.length = psz,
	};
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(f.vfd, VIOMMU_HW_QUEUE_ALLOC, &cmd));
	ASSERT_ERRNO(EOPNOTSUPP, vt_hw_queue_alloc(f.vfd, f.viommu_id,
						   0xdead, 0,
						   MOCK_APERTURE_START, psz,
						   &q));
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, 0, SELFTEST, 0,
					       MOCK_APERTURE_START, psz, &q));
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, f.stdev_id, SELFTEST,
					       0, MOCK_APERTURE_START, psz,
					       &q));
	/* The last byte may be the last of the address space. */
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0, ~0ULL, 1, &q));
	/* Partly mapped: the fixture maps MAPPED_PAGES pages. */
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST,
					       0,
					       MOCK_APERTURE_START +
					       (MAPPED_PAGES - 1) * psz,
					       2 * psz, &q));
	/* A pinned page inside a larger area blocks the whole area. */
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id, SELFTEST, 0,
				    MOCK_APERTURE_START + psz, 8, &q));
	ASSERT_ERRNO(EBUSY, ioas_unmap(f.iommufd, f.ioas_id,
				       MOCK_APERTURE_START,
				       MAPPED_PAGES * psz));
	/* Failed unmaps left the area alone: the queue still works. */
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, f.viommu_id));
	ASSERT_OK(vt_destroy(f.vfd, q));
	ASSERT_OK(ioas_unmap(f.iommufd, f.ioas_id, MOCK_APERTURE_START,
			     MAPPED_PAGES * psz));
	vt_teardown(&f);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
