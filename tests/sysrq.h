/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For hang reports of the race tests and the fuzzer: the blocked tasks'
 * kernel stacks to the console. No test harness here, so the fuzzer can
 * use it too.
 */
#ifndef VIOMMU_TEST_SYSRQ_H
#define VIOMMU_TEST_SYSRQ_H

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

/* Blocked tasks to the console (sysrq w), where sysrq is on. */
static inline void write_sysrq_w(void)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "w", 1) != 1)
		perror("sysrq-trigger");
	close(fd);
}

#endif /* VIOMMU_TEST_SYSRQ_H */
