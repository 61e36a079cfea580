// SPDX-License-Identifier: GPL-2.0
/*
 * The Tegra241 CMDQV backend seen from userspace on an SMMUv3 without a
 * CMDQV (QEMU's, with edu behind it): at load one log line per SMMU
 * instance and cmdqv_ready = N; then every CMDQV request on edu is refused
 * as upstream 7.2 refuses it on such an SMMU, each checked next to what
 * does work in the same state, so that a wrong answer either way fails:
 *
 *   GET_HW_INFO type TEGRA241_CMDQV       EOPNOTSUPP (ARM_SMMUV3 answers)
 *   VIOMMU_ALLOC type TEGRA241_CMDQV      EOPNOTSUPP (ARM_SMMUV3 is made)
 *   HW_QUEUE_ALLOC type TEGRA241_CMDQV    EOPNOTSUPP on an ARM_SMMUV3
 *                                         vIOMMU, after 7.2's argument
 *                                         checks; nothing pinned
 *   VEVENTQ_ALLOC type TEGRA241_CMDQV     made on an ARM_SMMUV3 vIOMMU: 7.2
 *                                         checks no type against the
 *                                         vIOMMU (one queue per type)
 *
 * Both doors (VT_DOOR, util.h). The rows on edu need the SMMUv3 backend
 * (skipped without it) and a CMDQV backend that found no CMDQV.
 */
#include <dirent.h>
#include <sys/klog.h>
#include <sys/stat.h>

#include "smmuv3_nested.h"

#define PARAM_CMDQV_READY	PARAM_DIR "cmdqv_ready"
/* The SMMU instances: devices bound to the arm-smmu-v3 driver */
#define SMMU_DRIVER_DIR		"/sys/bus/platform/drivers/arm-smmu-v3"
/* vm-init's copy of the kernel log right after modprobe viommu */
#define LOAD_LOG_COPY		"/tmp/viommu-load.log"
/* The first line of every load of viommu.ko (src/core/main.c) */
#define LOAD_MARK		"viommu: /dev/viommu ready"
#define CMDQV_LINE		"viommu: CMDQV backend"
#define CMDQV_OFF		"viommu: CMDQV backend off"
#define CMDQV_ON		"viommu: CMDQV backend on:"
/* The two per-SMMU lines: none behind it, or what the CMDQV is */
#define CMDQV_NONE		"no CMDQV behind "
#define CMDQV_FOUND		": CMDQV v"
#define MAX_SMMUS		8
#define POISON			0xa5
/* A VINTF's page 0, what its guest maps (upstream 7.2: SZ_64K) */
#define VINTF_PAGE_LEN		0x10000
/* Logical VCMDQ @l's page-0 registers in it (tegra241-cmdqv.c) */
#define LVCMDQ_CONS(l)		(0x80 * (l) + 0x0)
#define LVCMDQ_PROD(l)		(0x80 * (l) + 0x4)
#define LVCMDQ_CONFIG(l)	(0x80 * (l) + 0x8)
#define LVCMDQ_STATUS(l)	(0x80 * (l) + 0xc)
#define LVCMDQ_GERROR(l)	(0x80 * (l) + 0x10)
/* The device of the Grace row: any VFIO cdev behind a CMDQV's SMMU */
#define GRACE_DEV_DEFAULT	"/dev/vfio/devices/vfio0"

/* Skip (never pass) when the SMMUv3 backend is not on. */
static void require_smmuv3(void)
{
	char val[8];

	if (!param_read(PARAM_READY, val, sizeof(val)))
		SKIP("no SMMUv3 backend in this viommu.ko (" PARAM_READY
		     " is absent)");
	if (val[0] != 'Y')
		SKIP("the SMMUv3 backend is off (" PARAM_READY " = %s, see dmesg)",
		     val);
}

/*
 * The CMDQV backend is there and found no CMDQV: what these rows are
 * about. A module without it fails them (the refusals would then be the
 * SMMUv3 backend's alone); a CMDQV in use skips them.
 */
static void require_no_cmdqv(void)
{
	char val[8];

	require_smmuv3();
	if (!param_read(PARAM_CMDQV_READY, val, sizeof(val)))
		FAIL("no CMDQV backend in this viommu.ko (" PARAM_CMDQV_READY
		     " is absent)");
	if (strcmp(val, "N"))
		SKIP("a CMDQV is in use (cmdqv_ready = %s): these rows are for an SMMU without one",
		     val);
}

/* nest_build()'s report: any failed step fails the test there. */
static void nest_fail(struct nest *n, enum nest_step step, int err)
{
	(void)n;
	if (err)
		FAIL("nest setup: %s failed: errno %d (%s)",
		     nest_step_name[step], err, strerror(err));
}

static void nest_setup(struct nest *n, enum nest_level level)
{
	require_no_cmdqv();
	nest_build(n, level, nest_fail);
}

static int all_poison(const void *p, size_t len)
{
	const __u8 *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != POISON)
			return 0;
	return 1;
}

/* The kernel log */

/* The whole ring buffer as text, NUL-terminated; free() it. */
static char *klog_read(void)
{
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf;
	int n;

	ASSERT_TRUE(size > 0);
	buf = malloc(size + 1);
	ASSERT_TRUE(buf);
	n = klogctl(3, buf, size);		/* SYSLOG_ACTION_READ_ALL */
	ASSERT_TRUE(n >= 0);
	buf[n] = 0;
	return buf;
}

static char *file_read(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 1 << 16, got;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap + 1);
	ASSERT_TRUE(buf);
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			ASSERT_TRUE(buf);
		}
	}
	fclose(f);
	buf[len] = 0;
	return buf;
}

/* The start of the last line of @log holding @s, or NULL */
static char *last_line_with(char *log, const char *s)
{
	char *hit = NULL, *p = log;

	while ((p = strstr(p, s))) {
		hit = p;
		p += strlen(s);
	}
	if (!hit)
		return NULL;
	while (hit > log && hit[-1] != '\n')
		hit--;
	return hit;
}

/*
 * The lines viommu.ko logged at its last load, from its first line up to
 * the first KTAP header after it (viommu_kunit.ko's suites come next and
 * may drive the backend on a register model). From the live log, or, once
 * the ring buffer has dropped the load, from vm-init's copy.
 */
static char *load_lines(char **to_free, const char **from)
{
	char *log = klog_read(), *start, *end;

	*from = "the kernel log";
	start = last_line_with(log, LOAD_MARK);
	if (!start) {
		free(log);
		log = file_read(LOAD_LOG_COPY);
		*from = LOAD_LOG_COPY;
		start = log ? last_line_with(log, LOAD_MARK) : NULL;
	}
	if (!start)
		FAIL("no \"" LOAD_MARK "\" in the kernel log nor in " LOAD_LOG_COPY);
	end = strstr(start, "KTAP version");
	if (end)
		*end = 0;
	*to_free = log;
	return start;
}

/* Lines of @text holding @s; each is printed when @print. */
static int count_lines(const char *text, const char *s, int print)
{
	const char *p = text;
	int nr = 0;

	while ((p = strstr(p, s))) {
		const char *bol = p, *eol = strchr(p, '\n');

		while (bol > text && bol[-1] != '\n')
			bol--;
		if (!eol)
			eol = p + strlen(p);
		if (print)
			printf("#   %.*s\n", (int)(eol - bol), bol);
		nr++;
		p = eol;
	}
	return nr;
}

/* 1 if the text from @from up to @eol holds @s */
static int has(const char *from, const char *eol, const char *s)
{
	const char *q = strstr(from, s);

	return q && q < eol;
}

/*
 * Lines of @text with CMDQV_LINE that name device @name as a whole word;
 * *@none: how many of them say CMDQV_NONE, *@found: CMDQV_FOUND.
 */
static int cmdqv_lines_naming(const char *text, const char *name, int *none,
			      int *found)
{
	size_t len = strlen(name);
	const char *p = text;
	int nr = 0;

	*none = 0;
	*found = 0;
	while ((p = strstr(p, CMDQV_LINE))) {
		const char *eol = strchr(p, '\n'), *q = p;
		int named = 0;

		if (!eol)
			eol = p + strlen(p);
		/* From the line's start: dev_info() puts the name first */
		while (q > text && q[-1] != '\n')
			q--;
		while ((q = strstr(q, name)) && q < eol) {
			char after = q[len];

			if (q > text && q[-1] == ' ' &&
			    (q + len == eol || after == ' ' || after == ':' ||
			     after == ',' || after == ')' || after == '\r'))
				named = 1;
			q += len;
		}
		if (named) {
			nr++;
			*none += has(p, eol, CMDQV_NONE);
			*found += has(p, eol, CMDQV_FOUND);
		}
		p = eol;
	}
	return nr;
}

/* The SMMU instances on this machine, by device name */
static int smmu_devices(char names[][64], int max)
{
	DIR *d = opendir(SMMU_DRIVER_DIR);
	struct dirent *de;
	int nr = 0;

	if (!d)
		FAIL("cannot open " SMMU_DRIVER_DIR ": errno %d", errno);
	while ((de = readdir(d))) {
		char path[512];
		struct stat st;
		size_t len;

		if (de->d_type != DT_LNK || !strcmp(de->d_name, "module"))
			continue;
		/* A device link has a driver link of its own back here. */
		snprintf(path, sizeof(path), SMMU_DRIVER_DIR "/%s/driver",
			 de->d_name);
		if (lstat(path, &st))
			continue;
		len = strlen(de->d_name);
		ASSERT_TRUE(nr < max);
		ASSERT_TRUE(len < sizeof(names[0]));
		memcpy(names[nr++], de->d_name, len + 1);
	}
	closedir(d);
	return nr;
}

/*
 * At load: exactly one CMDQV line per SMMU instance (the instances as
 * sysfs lists them, not as the module counts them), saying there is no
 * CMDQV behind it or what the CMDQV is; "CMDQV backend on: N" once iff N
 * of them have one and cmdqv_ready says so; no other CMDQV line and no
 * "CMDQV backend off" (the shim verified the driver's CMDQV layouts on
 * this kernel). Behind an SMMUv3 backend that is off, the CMDQV backend
 * serves nothing: no such line, cmdqv_ready N.
 */
TEST(cmdqv_load_log_one_line_per_smmu)
{
	char names[MAX_SMMUS][64], ready[8], *log, *on_line;
	int nr, i, total, off, on, with = 0, on_nr = -1;
	const char *from, *lines;

	if (!param_read(PARAM_CMDQV_READY, ready, sizeof(ready)))
		FAIL(PARAM_CMDQV_READY " is absent");
	lines = load_lines(&log, &from);
	printf("#   CMDQV lines of the last load, from %s:\n", from);
	total = count_lines(lines, CMDQV_LINE, 1);
	off = count_lines(lines, CMDQV_OFF, 0);
	on = count_lines(lines, CMDQV_ON, 0);
	if (!smmuv3_on()) {
		printf("#   the SMMUv3 backend is off: nothing to look behind\n");
		if (total != off)
			FAIL("%d CMDQV line(s) say more than \"off\"",
			     total - off);
		ASSERT_EQ(0, strcmp(ready, "N"));
		free(log);
		return;
	}

	nr = smmu_devices(names, MAX_SMMUS);
	printf("#   %d SMMU instance(s), cmdqv_ready %s\n", nr, ready);
	if (!nr)
		FAIL("no device bound to " SMMU_DRIVER_DIR);
	for (i = 0; i < nr; i++) {
		int none, found, named;

		named = cmdqv_lines_naming(lines, names[i], &none, &found);
		if (named != 1)
			FAIL("%d CMDQV lines name SMMU %s, want 1", named,
			     names[i]);
		if (none + found != 1)
			FAIL("the CMDQV line of SMMU %s says neither \"%s\" nor \"%s\"",
			     names[i], CMDQV_NONE, CMDQV_FOUND);
		with += found;
	}
	if (off)
		FAIL("\"%s\" in %d line(s)", CMDQV_OFF, off);
	on_line = strstr(lines, CMDQV_ON);
	if (on_line && sscanf(on_line, CMDQV_ON " %d", &on_nr) != 1)
		FAIL("cannot read the count of \"%s\"", CMDQV_ON);
	ASSERT_EQ(with ? 1 : 0, on);
	if (with)
		ASSERT_EQ(with, on_nr);
	ASSERT_EQ(0, strcmp(ready, with ? "Y" : "N"));
	ASSERT_EQ(nr + on, total);
	free(log);
}

/*
 * cmdqv_ready: Y or N (which one the log row above checks), and read-only:
 * not even root may write it (sysfs: no store method).
 */
TEST(cmdqv_ready_read_only)
{
	struct stat st;
	char val[8];

	if (!param_read(PARAM_CMDQV_READY, val, sizeof(val)))
		FAIL(PARAM_CMDQV_READY " is absent");
	ASSERT_TRUE(!strcmp(val, "N") || !strcmp(val, "Y"));
	ASSERT_OK(stat(PARAM_CMDQV_READY, &st));
	ASSERT_EQ(0444, st.st_mode & 0777);
	ASSERT_ERRNO(EACCES, open(PARAM_CMDQV_READY, O_WRONLY | O_CLOEXEC));
	ASSERT_ERRNO(EACCES, open(PARAM_CMDQV_READY, O_RDWR | O_CLOEXEC));
}

/*
 * GET_HW_INFO asked for type TEGRA241_CMDQV: EOPNOTSUPP, nothing written
 * (7.2's arm_smmu_hw_info() with no impl_ops->hw_info); ARM_SMMUV3, asked
 * for or by default, answers on the same device before and after.
 */
TEST(cmdqv_hw_info_refused)
{
	struct viommu_hw_info_tegra241_cmdqv cinfo;
	struct viommu_hw_info_arm_smmuv3 sinfo;
	struct viommu_hw_info out;
	struct nest n;

	nest_setup(&n, N_PARENT);
	ASSERT_OK(vt_hw_info(n.vfd, n.e.dev_id, VIOMMU_HW_INFO_FLAG_INPUT_TYPE,
			     VIOMMU_HW_INFO_TYPE_ARM_SMMUV3, &sinfo,
			     sizeof(sinfo), &out));
	ASSERT_EQ(VIOMMU_HW_INFO_TYPE_ARM_SMMUV3, out.out_data_type);
	ASSERT_TRUE(sinfo.idr[0] & 0x3);

	memset(&cinfo, POISON, sizeof(cinfo));
	ASSERT_ERRNO(EOPNOTSUPP,
		     vt_hw_info(n.vfd, n.e.dev_id,
				VIOMMU_HW_INFO_FLAG_INPUT_TYPE,
				VIOMMU_HW_INFO_TYPE_TEGRA241_CMDQV, &cinfo,
				sizeof(cinfo), &out));
	ASSERT_TRUE(all_poison(&cinfo, sizeof(cinfo)));
	/* A buffer of the SMMUv3 size changes nothing */
	memset(&sinfo, POISON, sizeof(sinfo));
	ASSERT_ERRNO(EOPNOTSUPP,
		     vt_hw_info(n.vfd, n.e.dev_id,
				VIOMMU_HW_INFO_FLAG_INPUT_TYPE,
				VIOMMU_HW_INFO_TYPE_TEGRA241_CMDQV, &sinfo,
				sizeof(sinfo), &out));
	ASSERT_TRUE(all_poison(&sinfo, sizeof(sinfo)));

	memset(&sinfo, 0, sizeof(sinfo));
	ASSERT_OK(vt_hw_info(n.vfd, n.e.dev_id, 0, 0, &sinfo, sizeof(sinfo),
			     &out));
	ASSERT_EQ(VIOMMU_HW_INFO_TYPE_ARM_SMMUV3, out.out_data_type);
	ASSERT_EQ(sizeof(sinfo), out.data_len);
	ASSERT_TRUE(sinfo.idr[0] & 0x3);
}

/* mmap() of @len at @offset of a vIOMMU file, shared read/write */
static int vt_mmap(int vfd, size_t len, __u64 offset, void **out)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, vfd,
		       offset);

	if (out)
		*out = p;
	return p == MAP_FAILED ? -1 : 0;
}

static int cmdqv_viommu_alloc(struct nest *n,
			      struct viommu_viommu_tegra241_cmdqv *data,
			      __u32 *viommu_id)
{
	memset(data, POISON, sizeof(*data));
	return vt_viommu_alloc(n->vfd, n->e.dev_id, n->parent_id,
			       VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, data,
			       sizeof(*data), viommu_id);
}

/*
 * VIOMMU_ALLOC type TEGRA241_CMDQV on a valid nest parent, the coherency
 * gate lifted: EOPNOTSUPP (7.2's arm_smmu_get_viommu_size() is 0 without
 * impl_ops), its out data untouched; an ARM_SMMUV3 vIOMMU on the same
 * parent is made, before and after; and the refusals left nothing behind:
 * the parent goes once the one real vIOMMU does.
 */
TEST(cmdqv_viommu_alloc_refused)
{
	struct viommu_viommu_tegra241_cmdqv data;
	__u32 id = 0xdeadbeef, smmu_id;
	struct nest n;

	nest_setup(&n, N_PARENT);
	allow_noncoherent(1);
	ASSERT_ERRNO(EOPNOTSUPP, cmdqv_viommu_alloc(&n, &data, &id));
	ASSERT_TRUE(all_poison(&data, sizeof(data)));
	ASSERT_EQ(0xdeadbeef, id);
	/* Without its data: still the type's refusal, not the data's */
	ASSERT_ERRNO(EOPNOTSUPP,
		     vt_viommu_alloc(n.vfd, n.e.dev_id, n.parent_id,
				     VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, NULL,
				     0, &id));

	ASSERT_OK(vt_viommu_alloc(n.vfd, n.e.dev_id, n.parent_id,
				  VIOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL, 0,
				  &smmu_id));
	ASSERT_TRUE(smmu_id >= VIOMMU_ID_MIN);
	ASSERT_ERRNO(EOPNOTSUPP, cmdqv_viommu_alloc(&n, &data, &id));
	ASSERT_TRUE(all_poison(&data, sizeof(data)));
	/* No VINTF page was registered for this file */
	ASSERT_ERRNO(ENXIO, vt_mmap(n.vfd, VINTF_PAGE_LEN, 0, NULL));

	ASSERT_OK(edu_detach(&n.e));
	ASSERT_ERRNO(EBUSY, stock_destroy(n.iommufd, n.parent_id));
	ASSERT_OK(vt_destroy(n.vfd, smmu_id));
	ASSERT_OK(stock_destroy(n.iommufd, n.parent_id));
	nest_close(&n);
}

/*
 * HW_QUEUE_ALLOC type TEGRA241_CMDQV on an ARM_SMMUV3 vIOMMU: 7.2's
 * argument checks answer first (DEFAULT type, length 0, a wrapping range,
 * an unknown vIOMMU), then EOPNOTSUPP (arm_vsmmu_ops have no
 * get_hw_queue_size); no queue is left: the guest page unmaps, the
 * vIOMMU is destroyed.
 */
TEST(cmdqv_hw_queue_refused)
{
	const __u32 type = VIOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV;
	__u32 id = 0xdeadbeef;
	struct nest n;

	nest_setup(&n, N_VIOMMU);
	ASSERT_ERRNO(EOPNOTSUPP,
		     vt_hw_queue_alloc(n.vfd, n.viommu_id,
				       VIOMMU_HW_QUEUE_TYPE_DEFAULT, 0, IPA_A,
				       PG, &id));
	ASSERT_ERRNO(EINVAL, vt_hw_queue_alloc(n.vfd, n.viommu_id, type, 0,
					       IPA_A, 0, &id));
	ASSERT_ERRNO(EOVERFLOW, vt_hw_queue_alloc(n.vfd, n.viommu_id, type, 0,
						  ~0ULL - 1, PG, &id));
	ASSERT_ERRNO(ENOENT, vt_hw_queue_alloc(n.vfd, n.viommu_id + 100, type,
					       0, IPA_A, PG, &id));

	ASSERT_ERRNO(EOPNOTSUPP, vt_hw_queue_alloc(n.vfd, n.viommu_id, type, 0,
						   IPA_A, PG, &id));
	ASSERT_ERRNO(EOPNOTSUPP, vt_hw_queue_alloc(n.vfd, n.viommu_id, type, 1,
						   IPA_B, PG, &id));
	ASSERT_EQ(0xdeadbeef, id);

	/* Nothing pins the pages, nothing holds the vIOMMU */
	ASSERT_OK(ioas_unmap(n.iommufd, n.ioas_id, IPA_A, PG));
	ASSERT_OK(vt_destroy(n.vfd, n.viommu_id));
	nest_close(&n);
}

/*
 * VEVENTQ_ALLOC type TEGRA241_CMDQV on an ARM_SMMUV3 vIOMMU: made, as 7.2
 * makes it (any type but DEFAULT, one queue per type); a second one is
 * EEXIST, an ARM_SMMUV3 queue lives next to it; nothing arrives on it;
 * it holds the vIOMMU until destroyed.
 */
TEST(cmdqv_veventq_on_smmuv3_viommu)
{
	const __u32 type = VIOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV;
	__u32 qid, sqid, other;
	struct pollfd pfd;
	struct nest n;
	int qfd, sqfd;

	nest_setup(&n, N_VIOMMU);
	ASSERT_OK(vt_veventq_alloc(n.vfd, n.viommu_id, type, 16, &qid, &qfd));
	ASSERT_TRUE(qid >= VIOMMU_ID_MIN);
	ASSERT_ERRNO(EEXIST, vt_veventq_alloc(n.vfd, n.viommu_id, type, 16,
					      &other, NULL));
	ASSERT_OK(vt_veventq_alloc(n.vfd, n.viommu_id,
				   VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 16, &sqid,
				   &sqfd));
	ASSERT_TRUE(sqid != qid);

	pfd = (struct pollfd){ .fd = qfd, .events = POLLIN };
	ASSERT_EQ(0, poll(&pfd, 1, 200));
	ASSERT_ERRNO(EBUSY, vt_destroy(n.vfd, n.viommu_id));

	ASSERT_OK(close(qfd));
	ASSERT_OK(vt_destroy(n.vfd, qid));
	ASSERT_ERRNO(EBUSY, vt_destroy(n.vfd, n.viommu_id));
	ASSERT_OK(close(sqfd));
	ASSERT_OK(vt_destroy(n.vfd, sqid));
	ASSERT_OK(vt_destroy(n.vfd, n.viommu_id));
	nest_close(&n);
}

/* A VFIO device by its cdev, bound to @iommufd: its dev_id, or skip */
static int vfio_bind(const char *path, int iommufd, __u32 *dev_id)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = iommufd,
	};
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		SKIP("%s: errno %d: set VT_VFIO_DEV to a VFIO cdev", path,
		     errno);
	ASSERT_OK(ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	*dev_id = bind.out_devid;
	return fd;
}

/* MMIO: a relaxed atomic is one plain 32-bit load (as edu.h) */
static __u32 mmio_r32(const __u8 *page, unsigned int off)
{
	return __atomic_load_n((const __u32 *)(page + off), __ATOMIC_RELAXED);
}

/*
 * On a Grace machine only (cmdqv_ready = Y): the flow a VMM runs, stopping
 * short of anything the guest would do to the hardware. A VFIO device
 * (VT_VFIO_DEV, default GRACE_DEV_DEFAULT) behind a CMDQV's SMMU: hw_info
 * TEGRA241_CMDQV, a VINTF vIOMMU, its page 0 mapped, a vSID slot, LVCMDQ 0
 * of one page of "guest" memory (read back: mapped, not enabled: the guest
 * enables it), the ordering rules, then everything destroyed. Each value
 * is printed for the bring-up report.
 */
TEST(cmdqv_vintf_on_grace)
{
	const __u32 qtype = VIOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV;
	const char *path = getenv("VT_VFIO_DEV") ?: GRACE_DEV_DEFAULT;
	struct viommu_viommu_tegra241_cmdqv data = {};
	struct viommu_hw_info_tegra241_cmdqv info;
	__u32 ioas_id, parent_id, dev_id, viommu_id, vdev_id, q0, other;
	struct viommu_hw_info out;
	int iommufd, vfd, devfd;
	struct edu dev;		/* only its VFIO fd: edu_attach() */
	__u64 iova = 0;
	__u8 *page0;
	void *qmem;
	char val[8] = "absent";

	require_smmuv3();
	if (!param_read(PARAM_CMDQV_READY, val, sizeof(val)) || val[0] != 'Y')
		SKIP("no CMDQV in use here (cmdqv_ready = %s): a Grace machine runs this row",
		     val);
	iommufd = open_iommufd();
	devfd = vfio_bind(path, iommufd, &dev_id);
	ASSERT_OK(vt_door_bind(iommufd, &vfd));

	memset(&info, POISON, sizeof(info));
	ASSERT_OK(vt_hw_info(vfd, dev_id, VIOMMU_HW_INFO_FLAG_INPUT_TYPE,
			     VIOMMU_HW_INFO_TYPE_TEGRA241_CMDQV, &info,
			     sizeof(info), &out));
	printf("#   hw_info: type %u flags %#x version %u log2vcmdqs %u log2vsids %u\n",
	       out.out_data_type, info.flags, info.version, info.log2vcmdqs,
	       info.log2vsids);
	ASSERT_EQ(VIOMMU_HW_INFO_TYPE_TEGRA241_CMDQV, out.out_data_type);
	ASSERT_EQ(sizeof(info), out.data_len);
	ASSERT_TRUE(info.version >= 1);
	ASSERT_EQ(0, info.__reserved);

	/* One page of "guest" memory for the queue: contiguous and aligned */
	qmem = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(qmem != MAP_FAILED);
	memset(qmem, 0, psz);
	ASSERT_OK(ioas_alloc(iommufd, &ioas_id));
	ASSERT_OK(ioas_map(iommufd, ioas_id, qmem, psz, &iova, 0));
	ASSERT_OK(stock_hwpt_alloc(iommufd, dev_id, ioas_id,
				   IOMMU_HWPT_ALLOC_NEST_PARENT, &parent_id));
	dev = (struct edu){ .devfd = devfd };
	ASSERT_OK(edu_attach(&dev, parent_id));
	/* 6.12 parses no CANWBS and programs no S2FWB (README) */
	allow_noncoherent(1);

	ASSERT_OK(vt_viommu_alloc(vfd, dev_id, parent_id,
				  VIOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, &data,
				  sizeof(data), &viommu_id));
	printf("#   VINTF vIOMMU %#x: page 0 at mmap offset %#llx, length %#llx\n",
	       viommu_id, (unsigned long long)data.out_vintf_mmap_offset,
	       (unsigned long long)data.out_vintf_mmap_length);
	ASSERT_EQ(VINTF_PAGE_LEN, data.out_vintf_mmap_length);
	ASSERT_EQ(0, data.out_vintf_mmap_offset % psz);
	ASSERT_OK(vt_mmap(vfd, VINTF_PAGE_LEN, data.out_vintf_mmap_offset,
			  (void **)&page0));

	ASSERT_ERRNO(EINVAL, vt_vdevice_alloc(vfd, viommu_id, dev_id, 0x100000,
					      &vdev_id));
	ASSERT_OK(vt_vdevice_alloc(vfd, viommu_id, dev_id, 0x42, &vdev_id));

	/* Ordering and size rules, then LVCMDQ 0 */
	ASSERT_ERRNO(info.log2vcmdqs ? EIO : EINVAL,
		     vt_hw_queue_alloc(vfd, viommu_id, qtype, 1, iova, 4096,
				       &other));
	ASSERT_ERRNO(EINVAL, vt_hw_queue_alloc(vfd, viommu_id, qtype, 0, iova,
					       3000, &other));
	ASSERT_OK(vt_hw_queue_alloc(vfd, viommu_id, qtype, 0, iova, 4096, &q0));
	ASSERT_ERRNO(EEXIST, vt_hw_queue_alloc(vfd, viommu_id, qtype, 0, iova,
					       4096, &other));
	printf("#   LVCMDQ 0: CONS %#x PROD %#x CONFIG %#x STATUS %#x GERROR %#x\n",
	       mmio_r32(page0, LVCMDQ_CONS(0)), mmio_r32(page0, LVCMDQ_PROD(0)),
	       mmio_r32(page0, LVCMDQ_CONFIG(0)),
	       mmio_r32(page0, LVCMDQ_STATUS(0)),
	       mmio_r32(page0, LVCMDQ_GERROR(0)));
	/* Mapped and reset by the backend; enabling it is the guest's */
	ASSERT_EQ(0, mmio_r32(page0, LVCMDQ_STATUS(0)) & 1);
	ASSERT_EQ(0, mmio_r32(page0, LVCMDQ_PROD(0)));
	/* The queue pins its memory */
	ASSERT_ERRNO(EBUSY, ioas_unmap(iommufd, ioas_id, iova, psz));
	ASSERT_ERRNO(EBUSY, vt_destroy(vfd, viommu_id));

	ASSERT_OK(vt_destroy(vfd, q0));
	ASSERT_OK(vt_destroy(vfd, vdev_id));
	ASSERT_OK(munmap(page0, VINTF_PAGE_LEN));
	ASSERT_OK(vt_destroy(vfd, viommu_id));
	ASSERT_OK(ioas_unmap(iommufd, ioas_id, iova, psz));
	ASSERT_OK(close(vfd));
	ASSERT_OK(close(devfd));
	ASSERT_OK(close(iommufd));
}

int main(int argc, char **argv)
{
	char saved[8];
	int had = param_read(PARAM_NONCOHERENT, saved, sizeof(saved));
	int rc = vt_main(argc, argv);

	/* The tests lift the gate: leave it as it was. */
	if (had && write_file(PARAM_NONCOHERENT, saved)) {
		printf("viommu-test: could not restore %s\n", PARAM_NONCOHERENT);
		rc = 1;
	}
	return rc;
}
