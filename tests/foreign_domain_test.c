// SPDX-License-Identifier: GPL-2.0
/*
 * A device never gets a domain of another IOMMU driver. The IOMMU core
 * checks the owner on attach but not on replace, so without our checks a
 * mock device replaced onto an SMMUv3 HWPT reached arm_smmu_attach_dev()
 * (a NULL master: an oops the fuzzer found), and edu replaced onto a mock
 * HWPT reached the mock's attach with a device that is no mock_dev.
 */
#include "fixture.h"
#include "edu.h"

struct foreign_fixture {
	struct vt_fixture f;
	struct edu e;
	__u32 edu_hwpt_id;	/* an SMMUv3 paging domain, made for edu */
};

static void foreign_setup(struct foreign_fixture *x)
{
	vt_setup(&x->f, VT_DEVICE);
	edu_open(&x->e, x->f.iommufd);
	ASSERT_OK(edu_attach(&x->e, x->f.ioas_id));
	ASSERT_OK(stock_hwpt_alloc(x->f.iommufd, x->e.dev_id, x->f.ioas_id, 0,
				   &x->edu_hwpt_id));
}

static void foreign_teardown(struct foreign_fixture *x)
{
	ASSERT_OK(munmap(x->e.bar0, x->e.bar0_size));
	ASSERT_OK(close(x->e.devfd));
	vt_teardown(&x->f);
}

TEST(mock_device_refuses_smmu_hwpt)
{
	struct foreign_fixture x;

	foreign_setup(&x);
	ASSERT_ERRNO(EINVAL, vt_mock_replace(x.f.vfd, x.f.stdev_id,
					     x.edu_hwpt_id));
	/* Still on its own domain, and it moves between its own. */
	ASSERT_OK(vt_mock_replace(x.f.vfd, x.f.stdev_id, x.f.ioas_id));
	ASSERT_OK(vt_mock_replace(x.f.vfd, x.f.stdev_id, x.f.mock_hwpt_id));
	/* edu's own replace onto its HWPT is untouched. */
	ASSERT_OK(edu_attach(&x.e, x.edu_hwpt_id));
	foreign_teardown(&x);
}

TEST(vfio_device_refuses_mock_hwpt)
{
	struct foreign_fixture x;

	foreign_setup(&x);
	/* edu is attached: this is a replace, which the core lets through. */
	ASSERT_ERRNO(EINVAL, edu_attach(&x.e, x.f.mock_hwpt_id));
	ASSERT_OK(edu_attach(&x.e, x.edu_hwpt_id));
	/* The mock device still answers on its domain. */
	ASSERT_OK(vt_mock_replace(x.f.vfd, x.f.stdev_id, x.f.mock_hwpt_id));
	foreign_teardown(&x);
}

/*
 * Onto an IOAS the stock replace tries each auto domain without the owner
 * check: with edu's SMMUv3 auto domain the only one of a fresh IOAS, the
 * mock device reached arm_smmu_attach_dev(). It gets its own domain now.
 */
TEST(mock_device_ioas_replace_skips_smmu_domain)
{
	struct foreign_fixture x;
	__u32 ioas2, hwpt_id;

	foreign_setup(&x);
	ASSERT_OK(ioas_alloc(x.f.iommufd, &ioas2));
	ASSERT_OK(edu_attach(&x.e, ioas2));
	ASSERT_OK(vt_mock_replace(x.f.vfd, x.f.stdev_id, ioas2));
	/* Both devices on ioas2, each on a domain of its own driver. */
	ASSERT_ERRNO(EINVAL, vt_mock_replace(x.f.vfd, x.f.stdev_id,
					     x.edu_hwpt_id));
	ASSERT_OK(stock_hwpt_alloc(x.f.iommufd, x.f.device_id, ioas2, 0,
				   &hwpt_id));
	ASSERT_OK(vt_mock_replace(x.f.vfd, x.f.stdev_id, hwpt_id));
	ASSERT_OK(vt_mock_replace(x.f.vfd, x.f.stdev_id, ioas2));
	ASSERT_OK(stock_destroy(x.f.iommufd, hwpt_id));
	/* Busy while a device is on it, free once both have left. */
	ASSERT_ERRNO(EBUSY, stock_destroy(x.f.iommufd, ioas2));
	/* Its first auto domain went with it: back through the IOAS. */
	ASSERT_OK(vt_mock_replace(x.f.vfd, x.f.stdev_id, x.f.ioas_id));
	ASSERT_OK(edu_attach(&x.e, x.edu_hwpt_id));
	ASSERT_OK(stock_destroy(x.f.iommufd, ioas2));
	foreign_teardown(&x);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
