// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/viommu ioctl dispatcher, seen from userspace: the device node,
 * unknown commands and iommufd's extensible-struct size rules.
 */
#include <sys/stat.h>

#include "util.h"

/* As /dev/iommu: a VMM with group access to it can open ours too. */
TEST(dev_node_is_char_0660)
{
	struct stat st, stock;

	VT_REQUIRE_VIOMMU_DOOR("the /dev/viommu node");
	ASSERT_OK(stat("/dev/viommu", &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(0660, st.st_mode & 07777);
	if (!stat("/dev/iommu", &stock))
		ASSERT_EQ(stock.st_mode & 07777, st.st_mode & 07777);
}

TEST(unknown_command_is_enotty)
{
	const unsigned long cmds[] = {
		_IO(VIOMMU_TYPE, VIOMMU_CMD_BASE - 1),
		/* Upstream commands only the stock /dev/iommu serves */
		_IO(VIOMMU_TYPE, 0x81),		/* IOAS_ALLOC */
		_IO(VIOMMU_TYPE, 0x85),		/* IOAS_MAP */
		_IO(VIOMMU_TYPE, 0x8e),		/* FAULT_QUEUE_ALLOC */
		_IO(VIOMMU_TYPE, 0x92),		/* IOAS_CHANGE_PROCESS */
		_IO(VIOMMU_TYPE, 0x95),
		_IO(VIOMMU_TYPE, 0xa1),
		_IO(VIOMMU_TYPE, 0xbf),
		_IO(VIOMMU_TYPE, 0xc1),
		_IO(VIOMMU_TYPE, 0xff),
		_IOW(VIOMMU_TYPE, VIOMMU_CMD_BIND_IOMMUFD, __u32),
		_IO('x', VIOMMU_CMD_BIND_IOMMUFD),
	};
	struct viommu_bind_iommufd bind = { .size = sizeof(bind) };
	int vfd = open_viommu();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		ASSERT_ERRNO(ENOTTY, ioctl(vfd, cmds[i], &bind));
}

TEST(size_below_min_is_einval)
{
	const __u32 sizes[] = { 0, 1, 4, 7 };
	int vfd = open_viommu(), iommufd = open_iommufd();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct viommu_bind_iommufd bind = {
			.size = sizes[i],
			.iommufd_fd = iommufd,
		};

		ASSERT_ERRNO(EINVAL, ioctl(vfd, VIOMMU_BIND_IOMMUFD, &bind));
	}
	/* Nothing got bound on the way. */
	ASSERT_OK(bind_iommufd(vfd, iommufd));
}

TEST(nonzero_tail_is_e2big)
{
	__u8 raw[32] = {};
	struct viommu_bind_iommufd *bind = (void *)raw;
	int vfd = open_viommu(), iommufd = open_iommufd();

	bind->size = sizeof(raw);
	bind->iommufd_fd = iommufd;
	raw[sizeof(raw) - 1] = 1;
	ASSERT_ERRNO(E2BIG, ioctl(vfd, VIOMMU_BIND_IOMMUFD, raw));
	raw[sizeof(raw) - 1] = 0;
	raw[sizeof(*bind)] = 0x80;
	ASSERT_ERRNO(E2BIG, ioctl(vfd, VIOMMU_BIND_IOMMUFD, raw));
	ASSERT_OK(bind_iommufd(vfd, iommufd));
}

TEST(zero_tail_is_accepted)
{
	__u8 raw[4096] = {};
	struct viommu_bind_iommufd *bind = (void *)raw;
	int vfd = open_viommu(), iommufd = open_iommufd();

	bind->size = sizeof(raw);
	bind->iommufd_fd = iommufd;
	ASSERT_OK(ioctl(vfd, VIOMMU_BIND_IOMMUFD, raw));
	/* It did bind: a second one is refused. */
	ASSERT_ERRNO(EBUSY, bind_iommufd(vfd, iommufd));
}

TEST(unreadable_struct_is_efault)
{
	long psz = sysconf(_SC_PAGESIZE);
	__u8 *page = guarded_page();
	int vfd = open_viommu();
	__u32 size = sizeof(struct viommu_bind_iommufd);

	ASSERT_ERRNO(EFAULT, ioctl(vfd, VIOMMU_BIND_IOMMUFD, NULL));
	ASSERT_ERRNO(EFAULT, ioctl(vfd, VIOMMU_BIND_IOMMUFD, page + psz));
	/* The size is readable, the fd field lies in the PROT_NONE page. */
	memcpy(page + psz - 4, &size, 4);
	ASSERT_ERRNO(EFAULT, ioctl(vfd, VIOMMU_BIND_IOMMUFD, page + psz - 4));
}

TEST(contexts_are_per_open)
{
	int vfd1 = open_viommu(), vfd2 = open_viommu();
	int iommufd = open_iommufd();

	ASSERT_OK(bind_iommufd(vfd1, iommufd));
	ASSERT_OK(bind_iommufd(vfd2, iommufd));
	ASSERT_ERRNO(EBUSY, bind_iommufd(vfd1, iommufd));
	ASSERT_ERRNO(EBUSY, bind_iommufd(vfd2, iommufd));
}

TEST(open_close_leaves_no_reference)
{
	long base = module_refcnt("viommu");
	int i;

	if (base < 0)
		SKIP("/sys/module/viommu/refcnt unreadable");
	for (i = 0; i < 64; i++) {
		int vfd = open_viommu();

		ASSERT_EQ(base + 1, module_refcnt("viommu"));
		close(vfd);
	}
	ASSERT_EQ(base, module_refcnt("viommu"));
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
