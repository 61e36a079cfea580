// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading the selftest backend while a stock HWPT built on one of its
 * mock domains lives: the HWPT outlives its mock device, and iommufd frees
 * the domain when the stock file closes, so the module must stay until
 * then. The test leaves the modules loaded as it found them.
 */
#include <sys/syscall.h>

#include "fixture.h"

static int unload(const char *name)
{
	return syscall(__NR_delete_module, name, O_NONBLOCK);
}

/* Load again what the test unloaded; KUnit suites do not run twice. */
static void load_again(int kunit_was_loaded)
{
	ASSERT_EQ(0, system("modprobe viommu_selftest"));
	if (!kunit_was_loaded)
		return;
	ASSERT_OK(write_file("/sys/module/kunit/parameters/filter_glob",
			     "viommu-reload-runs-no-suite"));
	ASSERT_EQ(0, system("modprobe viommu_selftest_kunit"));
}

TEST(selftest_unload_waits_for_stock_hwpt)
{
	int kunit_loaded, iommufd, vfd, i;
	__u32 ioas_id, stdev_id, dev_id, hwpt_id;

	vt_require_selftest();
	/* First, so that a pair that cannot be made unloads nothing. */
	vt_open_pair(&iommufd, &vfd);
	/* Its KUnit module depends on it: take that out of the way. */
	kunit_loaded = !access("/sys/module/viommu_selftest_kunit", F_OK);
	if (kunit_loaded)
		ASSERT_OK(unload("viommu_selftest_kunit"));

	ASSERT_OK(ioas_alloc(iommufd, &ioas_id));
	ASSERT_OK(vt_mock_domain(vfd, ioas_id, &stdev_id, NULL, &dev_id));
	ASSERT_OK(stock_hwpt_alloc(iommufd, dev_id, ioas_id, 0, &hwpt_id));
	/* The mock device goes; the stock HWPT and its domain stay. */
	ASSERT_OK(vt_destroy(vfd, stdev_id));
	ASSERT_EQ(0, close(vfd));

	errno = 0;
	if (!unload("viommu_selftest")) {
		/* Closing now would run freed code: keep the file open. */
		if (fork() == 0)
			pause();
		load_again(kunit_loaded);
		FAIL("viommu_selftest unloaded under a live stock HWPT");
	}
	ASSERT_TRUE(errno == EWOULDBLOCK || errno == EBUSY);

	ASSERT_EQ(0, close(iommufd));
	for (i = 0; i < 100 && unload("viommu_selftest"); i++)
		usleep(10000);
	if (i == 100)
		FAIL("viommu_selftest still busy after the stock file closed: %s",
		     strerror(errno));
	load_again(kunit_loaded);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
