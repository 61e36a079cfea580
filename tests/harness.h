/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small kselftest-style harness for the /dev/viommu tests. Each test runs
 * in its own child process, so a crash or a leaked fd stays in that test.
 * Output, one line a test: "viommu-test: ok|not ok N name [# reason]",
 * then "viommu-test: N passed, N failed, N skipped". With VT_DOOR=stock
 * (see util.h) each name ends in "[stock]", so both runs count apart.
 */
#ifndef VIOMMU_TEST_HARNESS_H
#define VIOMMU_TEST_HARNESS_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define VT_MAX_TESTS 128
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define VT_EXIT_SKIP 4

struct vt_test {
	const char *name;
	void (*fn)(void);
};

static struct vt_test vt_tests[VT_MAX_TESTS];
static int vt_nr_tests;

static inline void vt_register(const char *name, void (*fn)(void))
{
	if (vt_nr_tests == VT_MAX_TESTS) {
		fprintf(stderr, "viommu-test: too many tests\n");
		exit(2);
	}
	vt_tests[vt_nr_tests].name = name;
	vt_tests[vt_nr_tests++].fn = fn;
}

#define TEST(name)                                                     \
	static void vt_test_##name(void);                              \
	__attribute__((constructor)) static void vt_reg_##name(void)   \
	{                                                              \
		vt_register(#name, vt_test_##name);                    \
	}                                                              \
	static void vt_test_##name(void)

/* Failure and skip end the child at once with a one-line reason. */
static inline void vt_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("#   %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	_exit(1);
}

#define FAIL(...) vt_fail(__FILE__, __LINE__, __VA_ARGS__)

#define SKIP(...)                                      \
	do {                                           \
		printf("#   skip: " __VA_ARGS__);      \
		printf("\n");                          \
		fflush(stdout);                        \
		_exit(VT_EXIT_SKIP);                   \
	} while (0)

#define ASSERT_TRUE(cond)                                              \
	do {                                                           \
		if (!(cond))                                           \
			FAIL("expected %s (errno %d: %s)", #cond,      \
			     errno, strerror(errno));                  \
	} while (0)

#define ASSERT_EQ(expected, actual)                                    \
	do {                                                           \
		long long __e = (long long)(expected);                 \
		long long __a = (long long)(actual);                   \
		if (__e != __a)                                        \
			FAIL("%s == %s: expected %lld, got %lld",      \
			     #expected, #actual, __e, __a);            \
	} while (0)

/* A syscall-style call must succeed (return >= 0). */
#define ASSERT_OK(call)                                                \
	do {                                                           \
		errno = 0;                                             \
		if ((call) < 0)                                        \
			FAIL("%s failed: errno %d (%s)", #call,        \
			     errno, strerror(errno));                  \
	} while (0)

/* A syscall-style call must fail with exactly @err. */
#define ASSERT_ERRNO(err, call)                                        \
	do {                                                           \
		int __err = (err);                                     \
		long __rc;                                             \
		errno = 0;                                             \
		__rc = (long)(call);                                   \
		if (__rc != -1 || errno != __err)                      \
			FAIL("%s: expected -1/%s, got %ld/errno %d (%s)", \
			     #call, strerrorname(__err), __rc, errno,  \
			     strerror(errno));                         \
	} while (0)

static inline const char *strerrorname(int err)
{
	switch (err) {
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EBADFD: return "EBADFD";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case ENOTTY: return "ENOTTY";
	case ENOENT: return "ENOENT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EEXIST: return "EEXIST";
	case EOVERFLOW: return "EOVERFLOW";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case ESPIPE: return "ESPIPE";
	case ENOMEM: return "ENOMEM";
	case ENODEV: return "ENODEV";
	case EPERM: return "EPERM";
	default: return "errno";
	}
}

/* Arguments name the tests to run; none runs them all. */
static inline int vt_named(const char *name, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

static inline int vt_main(int argc, char **argv)
{
	/* A run through the stock-file door is counted apart: "name[stock]" */
	const char *door = getenv("VT_DOOR");
	const char *tag = door && !strcmp(door, "stock") ? "[stock]" : "";
	int passed = 0, failed = 0, skipped = 0, ran = 0, i;

	for (i = 0; i < vt_nr_tests; i++) {
		const struct vt_test *t = &vt_tests[i];
		int status;
		pid_t pid;

		if (argc > 1 && !vt_named(t->name, argc, argv))
			continue;
		ran++;
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			t->fn();
			fflush(stdout);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			printf("viommu-test: not ok %d %s%s # fork/wait failed\n",
			       i + 1, t->name, tag);
			failed++;
			continue;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			printf("viommu-test: ok %d %s%s\n", i + 1, t->name,
			       tag);
			passed++;
		} else if (WIFEXITED(status) &&
			   WEXITSTATUS(status) == VT_EXIT_SKIP) {
			printf("viommu-test: ok %d %s%s # SKIP\n", i + 1,
			       t->name, tag);
			skipped++;
		} else {
			printf("viommu-test: not ok %d %s%s # %s %d\n", i + 1,
			       t->name, tag,
			       WIFSIGNALED(status) ? "signal" : "exit",
			       WIFSIGNALED(status) ? WTERMSIG(status) :
						     WEXITSTATUS(status));
			failed++;
		}
	}
	/* A misspelt name must not pass as "nothing failed". */
	if (argc > 1 && ran < argc - 1) {
		printf("viommu-test: not ok %d unknown_test_name%s # %d of %d names unknown\n",
		       vt_nr_tests + 1, tag, argc - 1 - ran,
		       argc - 1);
		failed++;
	}
	printf("viommu-test: %d passed, %d failed, %d skipped%s\n", passed,
	       failed, skipped, *tag ? " through the stock door" : "");
	return failed ? 1 : 0;
}

#endif /* VIOMMU_TEST_HARNESS_H */
