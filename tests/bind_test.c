// SPDX-License-Identifier: GPL-2.0
/*
 * VIOMMU_BIND_IOMMUFD from userspace: what it accepts, what it refuses,
 * and that the stock iommufd reference it takes is dropped on close.
 */
#include <pthread.h>

#include "util.h"

TEST(bind_real_iommufd)
{
	ASSERT_OK(bind_iommufd(open_viommu(), open_iommufd()));
}

TEST(bad_fd_is_ebadf)
{
	int vfd = open_viommu();

	ASSERT_ERRNO(EBADF, bind_iommufd(vfd, -1));
	ASSERT_ERRNO(EBADF, bind_iommufd(vfd, 1000));
	ASSERT_ERRNO(EBADF, bind_iommufd(vfd, 0x7fffffff));
	ASSERT_OK(bind_iommufd(vfd, open_iommufd()));
}

TEST(non_iommufd_is_einval)
{
	int vfd = open_viommu(), pipefd[2];
	int null = open("/dev/null", O_RDWR);

	ASSERT_TRUE(null >= 0);
	ASSERT_OK(pipe(pipefd));
	ASSERT_ERRNO(EINVAL, bind_iommufd(vfd, null));
	ASSERT_ERRNO(EINVAL, bind_iommufd(vfd, pipefd[0]));
	ASSERT_ERRNO(EINVAL, bind_iommufd(vfd, vfd));
	ASSERT_ERRNO(EINVAL, bind_iommufd(vfd, open_viommu()));
	ASSERT_OK(bind_iommufd(vfd, open_iommufd()));
}

TEST(second_bind_is_ebusy)
{
	int vfd = open_viommu(), iommufd = open_iommufd();

	ASSERT_OK(bind_iommufd(vfd, iommufd));
	ASSERT_ERRNO(EBUSY, bind_iommufd(vfd, iommufd));
	ASSERT_ERRNO(EBUSY, bind_iommufd(vfd, open_iommufd()));
	/* Bound is bound: the fd is not even looked at. */
	ASSERT_ERRNO(EBUSY, bind_iommufd(vfd, -1));
}

/*
 * Each open /dev/iommu file pins its module (iommufd.ko, or viommu.ko for
 * a door file), so that refcount shows whether the bound context still
 * holds the file and whether release lets it go.
 */
TEST(release_drops_iommufd_reference)
{
	int vfd, iommufd, own;
	const char *mod = iommu_file_module(&own);
	long base = module_refcnt(mod);

	if (base < 0)
		SKIP("/sys/module/%s/refcnt unreadable", mod);
	vfd = open_viommu();
	iommufd = open_iommufd();
	ASSERT_EQ(base + own + 1, module_refcnt(mod));
	ASSERT_OK(bind_iommufd(vfd, iommufd));
	ASSERT_OK(close(iommufd));
	ASSERT_EQ(base + own + 1, module_refcnt(mod));
	ASSERT_OK(close(vfd));
	ASSERT_EQ(base, module_refcnt(mod));
}

TEST(refused_bind_takes_no_reference)
{
	int vfd = open_viommu(), iommufd2, own;
	const char *mod = iommu_file_module(&own);
	long base;

	ASSERT_OK(bind_iommufd(vfd, open_iommufd()));
	base = module_refcnt(mod);
	if (base < 0)
		SKIP("/sys/module/%s/refcnt unreadable", mod);
	iommufd2 = open_iommufd();
	ASSERT_EQ(base + 1, module_refcnt(mod));
	ASSERT_ERRNO(EBUSY, bind_iommufd(vfd, iommufd2));
	ASSERT_ERRNO(EBUSY, bind_iommufd(vfd, iommufd2));
	/* Had a refused bind pinned it, the file would outlive this close. */
	ASSERT_OK(close(iommufd2));
	ASSERT_EQ(base, module_refcnt(mod));
}

#define RACERS 8

struct racer {
	pthread_barrier_t *start;
	int vfd;
	int iommufd;
	int rc;
	int err;
};

static void *race_bind(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->start);
	r->rc = bind_iommufd(r->vfd, r->iommufd);
	r->err = errno;
	return NULL;
}

/* Many threads bind one context at once: exactly one wins, no pin leaks. */
TEST(concurrent_binds_one_wins)
{
	struct racer racers[RACERS];
	pthread_t threads[RACERS];
	pthread_barrier_t start;
	int i, round, vfd, won, own;
	const char *mod = iommu_file_module(&own);
	long base = module_refcnt(mod);

	if (base < 0)
		SKIP("/sys/module/%s/refcnt unreadable", mod);
	for (round = 0; round < 100; round++) {
		vfd = open_viommu();
		pthread_barrier_init(&start, NULL, RACERS);
		for (i = 0; i < RACERS; i++) {
			racers[i] = (struct racer){
				.start = &start,
				.vfd = vfd,
				.iommufd = open_iommufd(),
			};
			ASSERT_EQ(0, pthread_create(&threads[i], NULL, race_bind,
						    &racers[i]));
		}
		won = 0;
		for (i = 0; i < RACERS; i++) {
			pthread_join(threads[i], NULL);
			if (racers[i].rc == 0)
				won++;
			else
				ASSERT_EQ(EBUSY, racers[i].err);
		}
		pthread_barrier_destroy(&start);
		ASSERT_EQ(1, won);
		for (i = 0; i < RACERS; i++)
			close(racers[i].iommufd);
		/* Only the winner's file is still held, by the context. */
		ASSERT_EQ(base + own + 1, module_refcnt(mod));
		close(vfd);
		ASSERT_EQ(base, module_refcnt(mod));
	}
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
