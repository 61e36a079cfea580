// SPDX-License-Identifier: GPL-2.0
/*
 * The load phase (-L DIR): our modules' load and unload code, traced.
 * Module init runs in the task calling finit_module, exit in the one
 * calling delete_module, so the fuzzer's main thread does both itself
 * with its own KCOV on (a forked modprobe would not be traced). It
 * unloads viommu_selftest and viommu, loads viommu.ko with each variant
 * of variants[] (with viommu_selftest.ko on top) and unloads again, then
 * loads both back as found. A step that fails ends the run: "FAIL".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

struct variant {
	const char *params;
	/* A read-only parameter of viommu and what it must read, or NULL */
	const char *param, *want;
};

/* What make check's shimoff and smmuoff boots load, and more. */
static const struct variant variants[] = {
	{ "stock_door=0", "stock_door_ready", "N" },
	/* A struct member of the iommufd table: the shim stays off */
	{ "shim_fail_check=iommufd_hwpt_nested.parent", "shim_ready", "N" },
	/* An enumerator and a function of that table */
	{ "shim_fail_check=IOMMUFD_OBJ_DEVICE", "shim_ready", "N" },
	{ "shim_fail_check=iommufd_ctx_get", "shim_ready", "N" },
	/* An entry of the SMMUv3 table: that backend stays off */
	{ "shim_fail_check=arm_smmu_stream.id", "smmuv3_ready", "N" },
	/* One of the CMDQV table */
	{ "shim_fail_check=tegra241_cmdqv.base", "cmdqv_ready", "N" },
};

static int loads, unloads;
/* viommu_btf_fuzz was loaded before the phase (ops_btf.c's target) */
static int btf_target;

static int mod_live(const char *mod)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", mod);
	return !stat(path, &st);
}

/* "FAIL load-phase: ...", and the errno's text when @err is set */
static void fail(int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err)
		out("FAIL load-phase: %s: %s", msg, strerror(err));
	else
		out("FAIL load-phase: %s", msg);
}

static int load(const char *dir, const char *mod, const char *params)
{
	char path[512];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/%s.ko", dir, mod);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail(errno, "cannot open %s", path);
		return -1;
	}
	rc = syscall(SYS_finit_module, fd, params, 0);
	if (rc)
		rc = errno;
	close(fd);
	if (rc) {
		fail(rc, "loading %s with \"%s\"", path, params);
		return -1;
	}
	loads++;
	return 0;
}

static int unload(const char *mod)
{
	int tries;

	/* A file's last fput may still be on its way: wait for it a bit */
	for (tries = 0; tries < 100; tries++) {
		if (!syscall(SYS_delete_module, mod, O_NONBLOCK)) {
			unloads++;
			return 0;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			break;
		usleep(100000);
	}
	fail(errno, "unloading %s (a holder or an open file? see /sys/module/%s/holders)",
	     mod, mod);
	return -1;
}

/* Coverage since the last collect; modules may change after this */
static int collect(const char *step, const char *params)
{
	if (kcov_main_collect() == -EOVERFLOW) {
		fail(0, "KCOV buffer full during %s \"%s\": PCs lost, figures would be short",
		     step, params);
		return -1;
	}
	return 0;
}

/*
 * After a failure: both modules back as found, untraced. A variant still
 * loaded goes first; what cannot unload (held) stays as it is.
 */
static void restore(const char *dir, const char *door, int variant)
{
	kcov_main_end();
	if (variant && mod_live("viommu_selftest"))
		syscall(SYS_delete_module, "viommu_selftest", O_NONBLOCK);
	if (variant && mod_live("viommu"))
		syscall(SYS_delete_module, "viommu", O_NONBLOCK);
	if (!mod_live("viommu"))
		load(dir, "viommu", door);
	if (!mod_live("viommu_selftest"))
		load(dir, "viommu_selftest", "");
	if (btf_target && !mod_live("viommu_btf_fuzz"))
		load(dir, "viommu_btf_fuzz", "");
	kcov_rebase();
}

static int one_variant(const char *dir, const struct variant *v)
{
	char got;

	if (load(dir, "viommu", v->params))
		return -1;
	got = v->param ? viommu_param_state(v->param) : 0;
	if (v->param && got != v->want[0]) {
		fail(0, "loaded with \"%s\": %s reads '%c', not %s", v->params,
		     v->param, got ? got : '?', v->want);
		return -1;
	}
	if (load(dir, "viommu_selftest", ""))
		return -1;
	kcov_rebase();
	if (collect("load", v->params) || unload("viommu_selftest") ||
	    unload("viommu") || collect("unload", v->params))
		return -1;
	return 0;
}

int load_phase(const char *dir)
{
	/* Back as found: stock_door as it was (the default is on) */
	const char *door = viommu_param_state("stock_door") == 'N' ? "stock_door=0" : "";
	struct timespec t0, t1;
	size_t i;
	int rc, variant = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!mod_live("viommu") || !mod_live("viommu_selftest")) {
		fail(0, "viommu and viommu_selftest must be loaded before it");
		return -1;
	}
	rc = kcov_main_begin();
	if (rc) {
		fail(-rc, "no KCOV on the main thread");
		return -1;
	}
	/* The BTF fuzz target holds viommu: out, and back at the end */
	btf_target = mod_live("viommu_btf_fuzz");
	if ((btf_target && unload("viommu_btf_fuzz")) ||
	    unload("viommu_selftest") || unload("viommu") ||
	    collect("unload", "as found"))
		goto err;
	variant = 1;
	for (i = 0; i < ARRAY_SIZE(variants); i++)
		if (one_variant(dir, &variants[i]))
			goto err;
	variant = 0;
	if (load(dir, "viommu", door) || load(dir, "viommu_selftest", "") ||
	    (btf_target && load(dir, "viommu_btf_fuzz", "")))
		goto err;
	kcov_rebase();
	if (collect("load", door))
		goto err;
	kcov_main_end();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out("load-phase: %d loads, %d unloads in %.0f s, viommu back with \"%s\"",
	    loads, unloads, t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	    door);
	return 0;
err:
	restore(dir, door, variant);
	return -1;
}
