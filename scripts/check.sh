#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: every check, from a fresh Debian machine. Installs what it
# needs, builds (or reuses) the test kernel, builds the modules (W=1,
# sparse), runs checkpatch/kernel-doc, the dkms checks, the x86_64 compile
# check and the VM tests (with a bounded fuzz in the main boot).
# The last line is "N passed, N failed, N skipped"; exit 1 on any failure.
set -uo pipefail
. "$(dirname "$0")/common.sh"
. "$SCRIPTS_DIR/fuzz-lib.sh"

passed=0 failed=0 skipped=0
res() {	# res ok|fail|skip NAME
	case $1 in
	ok) passed=$((passed + 1)); echo "  PASS $2";;
	skip) skipped=$((skipped + 1)); echo "  SKIP $2";;
	*) failed=$((failed + 1)); echo "  FAIL $2";;
	esac
}
# Read "ok NAME" / "not ok NAME" lines from a checker.
count_lines() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) res ok "${line#ok }";;
		"not ok "*) res fail "${line#not ok }";;
		esac
	done
}
# Judge one VM log (vm-report.py ARGS... LOG) and add its counts.
vm_report() {
	local report p f s
	report=$(python3 "$SCRIPTS_DIR/vm-report.py" "$@")
	echo "$report" | grep -v '^counts:'
	read -r _ p f s < <(echo "$report" | grep '^counts:') || true
	if [ -n "${p:-}" ]; then
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	else
		res fail "vm_report_of_$(basename "${!#}" .log)"
	fi
}
# The bounded fuzz's figures, as the guest printed them, and how to replay
# a failure.
fuzz_figures() {	# fuzz_figures LOG OUTDIR SEED
	grep -qE '^viommu-(fuzz|vm): ' "$1" || return 0
	echo "  fuzz figures (seed $3):"
	fuzz_lines "$1" | sed 's/^/    /'
	if ls "$2"/repro-*.prog >/dev/null 2>&1; then
		echo "  fuzz repro files: $(ls "$2"/repro-*.prog | tr '\n' ' ')"
		echo "  replay one in the VM: viommu_fuzz -r /PATH/repro-N.prog (README, Fuzzing)"
	fi
}
fuzz_default_seed() {	# make check's fixed seed, as vm-init.sh has it
	sed -n 's/^FUZZ_SEED_CHECK=//p' "$SCRIPTS_DIR/vm-init.sh"
}
finish() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
	exit $?
}

echo "== host setup"
if ! "$SCRIPTS_DIR/setup-host.sh"; then
	res fail host_setup
	finish
fi
count_lines < <("$SCRIPTS_DIR/apt-guard-check.sh")
echo "== test kernel (cached under $VIOMMU_CACHE)"
if ! kdir=$("$SCRIPTS_DIR/build-test-kernel.sh" | tail -n1) || [ ! -d "$kdir" ]; then
	res fail test_kernel_build
	finish
fi
res ok test_kernel_build

echo "== module build (W=1, sparse)"
if "$SCRIPTS_DIR/build-module.sh" "$kdir"; then
	res ok module_build_w1_sparse
	built=1
else
	res fail module_build_w1_sparse
	built=
fi

echo "== style"
count_lines < <("$SCRIPTS_DIR/style-check.sh" "$kdir")

echo "== test-bed self-tests"
count_lines < <("$SCRIPTS_DIR/harness-selftest.sh" "$kdir")

echo "== uAPI layout vs upstream"
if ref72=$("$SCRIPTS_DIR/fetch-upstream-ref.sh" | tail -n1) && [ -d "$ref72" ]; then
	count_lines < <("$SCRIPTS_DIR/uapi-layout-check.sh" "$ref72")
else
	res fail upstream_reference_fetch
fi

echo "== dkms"
# Outside the tree: a Kbuild "clean" of the tree deletes every *.ko in it.
dkms_mods=$(mktemp -d)
trap 'rm -rf "$dkms_mods"' EXIT
count_lines < <("$SCRIPTS_DIR/dkms-check.sh" "$kdir" "$dkms_mods")

echo "== x86_64 build (W=1, sparse; modules_prepare tree cached under $VIOMMU_CACHE)"
count_lines < <("$SCRIPTS_DIR/build-x86-check.sh" "$kdir")

echo "== userspace tests build"
tests_out=$TOP_DIR/out/tests
if "$SCRIPTS_DIR/build-tests.sh" "$kdir" "$tests_out"; then
	res ok userspace_tests_build
else
	res fail userspace_tests_build
	built=
fi
# Built by build-tests.sh; missing, its rows still fail in the VM.
if [ -x "$tests_out/upstream/iommufd" ] && [ -x "$tests_out/upstream/iommufd_fail_nth" ]; then
	res ok upstream_selftest_build
else
	res fail upstream_selftest_build
fi
# The fuzzer's table of our modules' KCOV points, from the modules the VM
# boots (dkms's); it reaches the guest as /tests/kcov-points. The objects
# of the tree's own build name each function's component.
points=$(mktemp -d)
cp "$dkms_mods"/*.ko "$points/" 2>/dev/null
ln -s "$TOP_DIR/src" "$points/src"
if [ -f "$points/viommu.ko" ] && [ -d "$tests_out" ] &&
   "$SCRIPTS_DIR/kcov-points.sh" "$points" "$tests_out/kcov-points" >&2; then
	res ok kcov_points_table
else
	res fail kcov_points_table
fi
rm -rf "$points"

echo "== VM tests (QEMU TCG, arm64 virt + SMMUv3, edu) on the modules dkms built"
log=$TOP_DIR/out/vm-test.log
fuzz_out=$TOP_DIR/out/fuzz-check
if [ -z "$built" ] || [ ! -f "$dkms_mods/viommu.ko" ]; then
	res fail vm_tests_not_run_build_failed
else
	# The suite runs through both doors, then the bounded fuzz (its own
	# time cap: FUZZ_TIME, 900 s), then upstream's rows: the suite and
	# upstream's rows measured at 5.5 minutes on an idle 2-core host,
	# twice that under load: the default 600 s is short.
	# The fuzzer's figures and repro files come back on a raw disk.
	disk=$(mktemp)
	truncate -s 256M "$disk"
	VM_DISK=$disk VM_TIMEOUT=${VM_TIMEOUT:-$((1800 + ${FUZZ_TIME:-900}))} \
		"$SCRIPTS_DIR/run-vm.sh" "$kdir" "$dkms_mods" "$tests_out" test "$log" ||
		res fail vm_run
	rm -rf "$fuzz_out"
	mkdir -p "$fuzz_out"
	tar -xf "$disk" -C "$fuzz_out" 2>/dev/null || true
	rm -f "$disk"
	vm_report --upstream "$kdir/src" "$log"
	echo "  (full console log: $log)"
	fuzz_figures "$log" "$fuzz_out" "${FUZZ_SEED:-$(fuzz_default_seed)}"
fi

# A boot with one check forced to fail (MODE, shim_fail_check NAME): its
# log is judged without KUnit; the caller then checks what must be skipped.
forced_off_boot() {
	local mode=$1 name=$2
	log=$TOP_DIR/out/vm-$mode.log
	if [ -z "$built" ] || [ ! -f "$dkms_mods/viommu.ko" ]; then
		res fail "vm_${mode}_not_run_build_failed"
		return 1
	fi
	VIOMMU_OPTS=shim_fail_check=$name \
		"$SCRIPTS_DIR/run-vm.sh" "$kdir" "$dkms_mods" "$tests_out" "$mode" "$log" ||
		res fail "vm_${mode}_run"
	vm_report --no-kunit "$kdir/src" "$log"
	echo "  (full console log: $log)"
}

echo "== VM with one shim check forced to fail (shim_fail_check)"
if forced_off_boot shimoff iommufd_hwpt_nested.parent; then
	# What needs the shim was skipped, not passed.
	if grep -q '^viommu-test: ok [0-9]* viommu_auto_destroy # SKIP' "$log" &&
	   ! grep -q '^viommu-test: ok [0-9]* viommu_auto_destroy$' "$log"; then
		res ok shimoff_tests_needing_the_shim_are_skipped
	else
		res fail shimoff_tests_needing_the_shim_are_skipped
	fi
fi

echo "== VM with one SMMUv3 layout check forced to fail (backend off, rest on)"
if forced_off_boot smmuoff arm_smmu_stream.id; then
	# The nested cases were skipped, the mock's ran.
	if grep -q '^viommu-test: ok [0-9]* nested_dma_both_directions # SKIP' "$log" &&
	   grep -q '^viommu-test: ok [0-9]* vdevice_alloc$' "$log"; then
		res ok smmuoff_backend_tests_skipped_mock_tests_pass
	else
		res fail smmuoff_backend_tests_skipped_mock_tests_pass
	fi
fi
finish
