// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/viommu under allocation failures: with fail-nth, make the 1st, 2nd,
 * ... slab allocation of open() fail in turn. Each must end in ENOMEM (or
 * succeed where the kernel tolerates the failure), never in a crash or a
 * leak (the VM run checks kmemleak afterwards). Through the stock door the
 * file opened is /dev/iommu, whose open the door joins.
 */
#include "fixture.h"

#define FAILSLAB "/sys/kernel/debug/failslab/"

TEST(open_survives_each_allocation_failure)
{
	const char *node = vt_stock_door() ? "/dev/iommu" : "/dev/viommu";
	int n, nthfd, injected = 0, enomem = 0, iommufd, vfd;

	nthfd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nthfd < 0 || write_file(FAILSLAB "ignore-gfp-wait", "N") ||
	    write_file(FAILSLAB "verbose", "0"))
		SKIP("fail-nth or failslab knobs unavailable");

	for (n = 1; n < 200; n++) {
		int fd, err;
		long pending;

		fail_nth_arm(nthfd, n);
		fd = open(node, O_RDWR | O_CLOEXEC);
		err = errno;
		pending = fail_nth_pending(nthfd);
		fail_nth_arm(nthfd, 0);
		if (pending) {
			/* Fewer than n chances to fail: the whole path ran. */
			ASSERT_TRUE(fd >= 0);
			close(fd);
			break;
		}
		injected++;
		if (fd >= 0) {
			close(fd);
			continue;
		}
		ASSERT_EQ(ENOMEM, err);
		enomem++;
	}
	ASSERT_TRUE(n < 200);
	/* Some failure must surface; which allocation it hit is not known. */
	ASSERT_TRUE(enomem > 0);
	printf("#   %d allocation failures injected, %d gave ENOMEM\n",
	       injected, enomem);
	/* The door still works afterwards: ENOENT for no device, not ENOTTY. */
	vt_open_pair(&iommufd, &vfd);
	ASSERT_ERRNO(ENOENT, vt_viommu_alloc(vfd, 0, 0,
					     VIOMMU_VIOMMU_TYPE_SELFTEST, NULL,
					     0, NULL));
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
