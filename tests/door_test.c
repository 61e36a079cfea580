// SPDX-License-Identifier: GPL-2.0
/*
 * The stock-file door itself: a /dev/iommu file opened after viommu.ko
 * loaded (with the door on) also serves the vIOMMU uAPI; any other
 * /dev/iommu file stays byte-for-byte stock. The vm-init steps call the
 * tests by name, each in the module state it is about:
 *
 *   stock_answers_absent  viommu.ko never loaded: the baseline, kept in
 *                         DOOR_BASELINE
 *   stock_answers_off     loaded with stock_door=0: every answer as the
 *                         baseline
 *   stock_answers_on      loaded with the door: as the baseline, except the
 *                         door's numbers, which answer as /dev/viommu does
 *   preopened_stays_stock door on, the file at fd DOOR_FD (3) was opened
 *                         before the load: every answer as the baseline
 *   door_* tests          door on, viommu_selftest loaded
 *
 * The rest of the suite runs through the door with VT_DOOR=stock.
 */
#include <sys/stat.h>

#include "fixture.h"

#define DOOR_BASELINE_DEFAULT "/tmp/door-stock-answers"
#define IOCTL_BUF 4096
/* A size past every struct: the tail is zero, so it is accepted. */
#define ZERO_CMD_SIZE 256

/* The numbers only the door adds to a stock file (door-interface.md) */
static int door_only_nr(unsigned int nr)
{
	return nr == VIOMMU_CMD_VIOMMU_ALLOC || nr == VIOMMU_CMD_VDEVICE_ALLOC ||
	       nr == VIOMMU_CMD_VEVENTQ_ALLOC ||
	       nr == VIOMMU_CMD_HW_QUEUE_ALLOC || nr == VIOMMU_CMD_TEST;
}

/* 0x7f..0xa0 and a few past both ends (VFIO compat, holes, ours) */
static unsigned int door_nrs(unsigned int *nrs)
{
	static const unsigned int extra[] = {
		0x64, 0x65, 0x7e, 0xa1, 0xa2, 0xb0, 0xbf, 0xc0, 0xc1, 0xff,
	};
	unsigned int n = 0, nr, i;

	for (nr = 0x7f; nr <= 0xa0; nr++)
		nrs[n++] = nr;
	for (i = 0; i < ARRAY_SIZE(extra); i++)
		nrs[n++] = extra[i];
	return n;
}

/* How a call is made: */
enum door_arg {
	ARG_SIZE0,	/* a zeroed buffer, size field 0 */
	ARG_ZEROED,	/* a zeroed buffer, size ZERO_CMD_SIZE */
	ARG_UNMAPPED,	/* a pointer to nothing */
	ARG_NR,
};

static const char * const door_arg_name[] = {
	[ARG_SIZE0] = "size0", [ARG_ZEROED] = "zeroed",
	[ARG_UNMAPPED] = "unmapped",
};

struct door_answer {
	unsigned int nr;
	int arg;
	long rc;
	int err;
	unsigned long sum;	/* of the buffer after the call */
};

static void *door_unmapped(void)
{
	void *p = mmap(NULL, psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);

	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_OK(munmap(p, psz));
	return p;
}

static struct door_answer door_call(int fd, unsigned int nr, int arg)
{
	static __u8 buf[IOCTL_BUF];
	struct door_answer a = { .nr = nr, .arg = arg };
	__u32 size = arg == ARG_ZEROED ? ZERO_CMD_SIZE : 0;
	void *p = buf;
	unsigned int i;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &size, sizeof(size));
	if (arg == ARG_UNMAPPED)
		p = door_unmapped();
	errno = 0;
	a.rc = ioctl(fd, _IO(VIOMMU_TYPE, nr), p);
	a.err = a.rc < 0 ? errno : 0;
	/* FAULT_QUEUE_ALLOC returns an fd number: not the file's answer. */
	if (arg != ARG_UNMAPPED && nr != 0x8e)
		for (i = 0; i < sizeof(buf); i++)
			a.sum = a.sum * 31 + buf[i];
	return a;
}

static unsigned int door_table(int fd, struct door_answer *t)
{
	unsigned int nrs[64], n = door_nrs(nrs), i, arg, k = 0;

	for (i = 0; i < n; i++)
		for (arg = 0; arg < ARG_NR; arg++)
			t[k++] = door_call(fd, nrs[i], arg);
	return k;
}

static const char *door_baseline(void)
{
	const char *path = getenv("DOOR_BASELINE");

	return path ?: DOOR_BASELINE_DEFAULT;
}

static int door_same(const struct door_answer *a, const struct door_answer *b)
{
	return a->rc == b->rc && a->err == b->err && a->sum == b->sum;
}

static void door_print(const char *what, const struct door_answer *a)
{
	printf("#   %s: 0x%02x %s: rc %ld errno %d (%s) sum %lx\n", what, a->nr,
	       door_arg_name[a->arg], a->rc, a->err, strerrorname(a->err),
	       a->sum);
}

static unsigned int door_load_baseline(struct door_answer *t)
{
	FILE *f = fopen(door_baseline(), "r");
	unsigned int k = 0;

	if (!f)
		FAIL("no baseline in %s: stock_answers_absent must run first",
		     door_baseline());
	while (k < 256 && fscanf(f, "%x %d %ld %d %lx\n", &t[k].nr,
				 &t[k].arg, &t[k].rc, &t[k].err,
				 &t[k].sum) == 5)
		k++;
	fclose(f);
	ASSERT_TRUE(k > 0);
	return k;
}

/*
 * @t against the baseline: equal everywhere, or, with @vfd, the door's own
 * numbers answer as /dev/viommu answers the same call on @vfd.
 */
static void door_compare(const struct door_answer *t, unsigned int k,
			 int vfd)
{
	struct door_answer base[256];
	unsigned int n = door_load_baseline(base), i, bad = 0;

	ASSERT_EQ(n, k);
	for (i = 0; i < k; i++) {
		const struct door_answer *want = &base[i];
		struct door_answer viommu;

		ASSERT_TRUE(t[i].nr == base[i].nr && t[i].arg == base[i].arg);
		if (vfd >= 0 && door_only_nr(t[i].nr)) {
			viommu = door_call(vfd, t[i].nr, t[i].arg);
			want = &viommu;
		}
		if (!door_same(&t[i], want)) {
			door_print("got ", &t[i]);
			door_print("want", want);
			bad++;
		}
	}
	if (bad)
		FAIL("%u of %u answers differ", bad, k);
}

/* mmap of a stock file: ENODEV, as 6.12's iommufd has no mmap. */
static void door_check_stock_mmap(int fd)
{
	void *p = mmap(NULL, psz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	ASSERT_TRUE(p == MAP_FAILED);
	ASSERT_EQ(ENODEV, errno);
}

TEST(stock_answers_absent)
{
	struct door_answer t[256];
	unsigned int k, i;
	FILE *f;
	int fd;

	if (!access("/sys/module/viommu", F_OK))
		FAIL("viommu.ko is loaded: no baseline can be taken");
	fd = open_iommufd();
	k = door_table(fd, t);
	door_check_stock_mmap(fd);
	ASSERT_EQ(0, close(fd));
	f = fopen(door_baseline(), "w");
	ASSERT_TRUE(f);
	for (i = 0; i < k; i++)
		fprintf(f, "%x %d %ld %d %lx\n", t[i].nr, t[i].arg, t[i].rc,
			t[i].err, t[i].sum);
	ASSERT_EQ(0, fclose(f));
	/* The numbers the door adds are unknown to the stock file. */
	for (i = 0; i < k; i++)
		if (door_only_nr(t[i].nr))
			ASSERT_EQ(ENOTTY, t[i].err);
}

TEST(stock_answers_off)
{
	struct door_answer t[256];
	unsigned int k;
	int fd;

	if (viommu_param_state("stock_door") != 'N' ||
	    viommu_param_state("stock_door_ready") != 'N')
		FAIL("want stock_door=0 (stock_door %c, stock_door_ready %c)",
		     viommu_param_state("stock_door") ?: '-',
		     viommu_param_state("stock_door_ready") ?: '-');
	fd = open_iommufd();
	k = door_table(fd, t);
	door_compare(t, k, -1);
	door_check_stock_mmap(fd);
	ASSERT_EQ(0, close(fd));
}

static void door_require_on(void)
{
	if (viommu_param_state("stock_door_ready") != 'Y')
		FAIL("the stock-file door is not on (stock_door_ready: %c)",
		     viommu_param_state("stock_door_ready") ?: '-');
}

/* The door's numbers answer as /dev/viommu, bound to another file. */
static int door_viommu_peer(int *iommufd2)
{
	int vfd;

	*iommufd2 = open_iommufd();
	vfd = open("/dev/viommu", O_RDWR | O_CLOEXEC);
	ASSERT_TRUE(vfd >= 0);
	ASSERT_OK(bind_iommufd(vfd, *iommufd2));
	return vfd;
}

TEST(stock_answers_on)
{
	struct door_answer t[256];
	int iommufd2, vfd, fd;
	unsigned int k, i;

	door_require_on();
	vfd = door_viommu_peer(&iommufd2);
	fd = open_iommufd();
	k = door_table(fd, t);
	door_compare(t, k, vfd);
	/* The door is really there: its numbers are served, bad or not. */
	for (i = 0; i < k; i++)
		if (door_only_nr(t[i].nr) &&
		    (t[i].nr != VIOMMU_CMD_TEST || vt_has_selftest()))
			ASSERT_TRUE(t[i].err != ENOTTY);
	ASSERT_EQ(0, close(fd));
}

TEST(preopened_stays_stock)
{
	const char *env = getenv("DOOR_FD");
	struct stat st, node;
	struct door_answer t[256];
	unsigned int k;
	int fd = env ? atoi(env) : 3;

	door_require_on();
	if (fstat(fd, &st))
		FAIL("fd %d is not open: vm-init opens /dev/iommu there before modprobe viommu",
		     fd);
	ASSERT_OK(stat("/dev/iommu", &node));
	ASSERT_TRUE(S_ISCHR(st.st_mode) && st.st_rdev == node.st_rdev);
	ASSERT_ERRNO(ENOTTY, vt_viommu_alloc(fd, 0, 0,
					     VIOMMU_VIOMMU_TYPE_SELFTEST, NULL,
					     0, NULL));
	door_check_stock_mmap(fd);
	k = door_table(fd, t);
	door_compare(t, k, -1);
}

/* The door's fixture: one file, through the door. */
static void door_setup(struct vt_fixture *f, enum vt_level level)
{
	door_require_on();
	ASSERT_OK(setenv("VT_DOOR", "stock", 1));
	vt_setup(f, level);
}

TEST(door_ids_never_collide)
{
	__u32 ids[16], n = 0, stock_n, stdev2, dev2, ioas2, again, id;
	struct vt_fixture f;
	unsigned int i, j;
	int fd = -1;

	door_setup(&f, VT_NESTED);
	/* Stock and door objects, allocated in turn */
	ids[n++] = f.ioas_id;
	ids[n++] = f.mock_hwpt_id;
	ids[n++] = f.device_id;
	ids[n++] = f.hwpt_id;
	ids[n++] = f.nested_hwpt_id;
	ASSERT_OK(ioas_alloc(f.iommufd, &ioas2));
	ids[n++] = ioas2;
	/* Its HWPT is the first one's: the IOAS's auto domain is shared. */
	ASSERT_OK(vt_mock_domain(f.vfd, f.ioas_id, &stdev2, NULL, &dev2));
	ids[n++] = dev2;
	stock_n = n;
	ids[n++] = f.stdev_id;
	ids[n++] = f.viommu_id;
	ids[n++] = stdev2;
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   &ids[n++]));
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 2, &ids[n++],
				   &fd));
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id,
				    VIOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
				    MOCK_APERTURE_START, psz, &ids[n++]));
	ASSERT_OK(vt_viommu_alloc(f.vfd, f.device_id, f.hwpt_id,
				  VIOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0,
				  &ids[n++]));
	for (i = 0; i < n; i++) {
		if (i < stock_n)
			ASSERT_TRUE(is_stock_id(ids[i]));
		else
			ASSERT_TRUE(is_viommu_id(ids[i]));
		for (j = 0; j < i; j++)
			ASSERT_TRUE(ids[i] != ids[j]);
	}
	/* Stock ids stay the lowest free: door objects take none of them. */
	ASSERT_OK(stock_destroy(f.iommufd, ioas2));
	ASSERT_OK(vt_viommu_alloc(f.vfd, f.device_id, f.hwpt_id,
				  VIOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &id));
	ASSERT_TRUE(is_viommu_id(id));
	ASSERT_OK(ioas_alloc(f.iommufd, &again));
	ASSERT_EQ(ioas2, again);
	ASSERT_OK(vt_destroy(f.vfd, id));
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, id));
	ASSERT_EQ(0, close(fd));
	vt_teardown(&f);
}

TEST(door_destroy_unknown_is_enoent)
{
	const __u32 unknown[] = {
		VIOMMU_ID_MIN, VIOMMU_ID_MIN + 0x7fff, 0xfffffffeU,
		0xffffffffU,
	};
	struct vt_fixture f;
	unsigned int i;
	__u32 id;

	door_setup(&f, VT_NESTED);
	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		if (unknown[i] != f.stdev_id && unknown[i] != f.viommu_id)
			ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, unknown[i]));
	/* A door id once destroyed is unknown too. */
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   &id));
	ASSERT_OK(vt_destroy(f.vfd, id));
	ASSERT_ERRNO(ENOENT, vt_destroy(f.vfd, id));
	/* And so is a stock id past the last one, asked through the door. */
	ASSERT_ERRNO(ENOENT, stock_destroy(f.iommufd, VIOMMU_ID_MIN - 1));
	vt_teardown(&f);
}

static long door_mmap(int fd, __u64 offset)
{
	void *p = mmap(NULL, psz, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       offset);

	return p == MAP_FAILED ? -1 : 0;
}

TEST(door_mmap_nothing_is_enxio)
{
	struct vt_fixture f;

	door_setup(&f, VT_IOAS);
	ASSERT_ERRNO(ENXIO, door_mmap(f.iommufd, 0));
	ASSERT_ERRNO(ENXIO, door_mmap(f.iommufd, psz));
	vt_teardown(&f);
	/* A vIOMMU made without data has no region either. */
	door_setup(&f, VT_NESTED);
	ASSERT_ERRNO(ENXIO, door_mmap(f.iommufd, 0));
	ASSERT_ERRNO(ENXIO, door_mmap(f.iommufd, 16 * psz));
	vt_teardown(&f);
}

/*
 * Closing the door file with a vIOMMU, a vDEVICE, a vEVENTQ (its fd
 * closed), a HW_QUEUE, a nested HWPT (attached) and the mock device alive
 * frees all of it: from a fresh door file no page stays pinned, and every
 * module refcount is back where it was.
 */
TEST(door_close_frees_everything)
{
	struct vt_fixture f;
	int qfd;

	door_setup(&f, VT_NESTED);
	ASSERT_OK(vt_vdevice_alloc(f.vfd, f.viommu_id, f.device_id, 0x99,
				   NULL));
	ASSERT_OK(vt_mock_replace(f.vfd, f.stdev_id, f.nested_hwpt_id));
	ASSERT_OK(vt_veventq_alloc(f.vfd, f.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_SELFTEST, 2, NULL, &qfd));
	ASSERT_OK(vt_trigger_vevent(f.vfd, f.device_id));
	ASSERT_EQ(0, close(qfd));
	ASSERT_OK(vt_hw_queue_alloc(f.vfd, f.viommu_id,
				    VIOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
				    MOCK_APERTURE_START, psz, NULL));
	/* Pinned, so freeing is what the teardown checks see. */
	ASSERT_ERRNO(EBUSY, stock_destroy(f.iommufd, f.hwpt_id));
	ASSERT_ERRNO(EBUSY, vt_destroy(f.vfd, f.viommu_id));
	ASSERT_ERRNO(EIO, vt_check_refs(f.vfd, f.buffer, psz, 0));
	vt_teardown(&f);
}

int main(int argc, char **argv)
{
	return vt_main(argc, argv);
}
