#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the test bed itself: the log judge must fail on each kind of
# bad log, pass a clean one, and run-vm.sh must kill a guest that overruns
# its timeout. Prints "ok NAME" / "not ok NAME".
# usage: harness-selftest.sh KDIR
set -uo pipefail
. "$(dirname "$0")/common.sh"

kdir=${1:?usage: $0 KDIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

clean_log() {
	cat <<'LOG'
[    1.000000] KTAP version 1
[    1.000000] 1..1
[    1.000000]     KTAP version 1
[    1.000000]     # Subtest: demo
[    1.000000]     1..2
[    1.000000]     ok 1 first
[    1.000000]     ok 2 second
[    1.000000] ok 1 demo
viommu-vm: ok 1 load_viommu
viommu-test: ok 1 some_test
viommu-vm: kmemleak report begins
viommu-vm: kmemleak report ends
viommu-vm: done
LOG
}

# judge NAME EXPECTED_FAILED SED_EXPR: edit the clean log, count failures.
judge() {
	local name=$1 want=$2 expr=$3 got
	clean_log | sed "$expr" >"$work/$name.log"
	got=$(python3 "$SCRIPTS_DIR/vm-report.py" "$kdir/src" "$work/$name.log" |
		sed -n 's/^counts: [0-9]* \([0-9]*\) .*/\1/p')
	if [ "$got" = "$want" ]; then
		echo "ok report_$name"
	else
		log "report_$name: expected $want failures, got '${got:-none}'"
		echo "not ok report_$name"
	fi
}

judge clean_log_passes 0 ''
judge kunit_failure 1 's/    ok 2 second/    not ok 2 second/'
judge no_ktap 1 '/KTAP\|1\.\.\|ok [12] /d'
# Each KUnit module prints its own KTAP document: all of them count.
judge kunit_failure_in_later_module 1 '/^\[    1.000000\] ok 1 demo$/a [    1.500000] KTAP version 1\n[    1.500000] 1..1\n[    1.500000]     KTAP version 1\n[    1.500000]     # Subtest: later\n[    1.500000]     1..1\n[    1.500000]     not ok 1 third\n[    1.500000] not ok 1 later'
judge userspace_failure 1 's/viommu-test: ok 1/viommu-test: not ok 1/'
judge guest_check_failure 1 's/viommu-vm: ok 1/viommu-vm: not ok 1/'
judge warn_splat 1 '/^viommu-vm: done/i [    2.0] WARNING: CPU: 0 PID: 1 at foo.c:1 bar+0x0/0x0'
judge kasan_splat 1 '/^viommu-vm: done/i [    2.0] BUG: KASAN: slab-use-after-free in foo+0x0/0x0'
judge lockdep_splat 1 '/^viommu-vm: done/i [    2.0] WARNING: possible circular locking dependency detected'
judge kmemleak_report 2 '/kmemleak report ends/i unreferenced object 0xffff000012345678 (size 64):'
judge guest_did_not_finish 1 '/^viommu-vm: done/d'

# Upstream's selftest: the TAP of each run, tagged by the guest, counts
# row by row. judge_upstream NAME "PASSED FAILED SKIPPED" [OPT]: the clean
# log plus the block on stdin, counted beyond the clean log's own counts.
clean_log >"$work/up_clean.log"
read -r cp cf cs < <(python3 "$SCRIPTS_DIR/vm-report.py" "$kdir/src" "$work/up_clean.log" |
	sed -n 's/^counts: //p')
judge_upstream() {
	local name=$1 want=$2 opt=${3:-} got p f s
	{ clean_log | sed '/^viommu-vm: done/d'
	  cat
	  echo "viommu-vm: done"; } >"$work/up_$name.log"
	python3 "$SCRIPTS_DIR/vm-report.py" $opt "$kdir/src" "$work/up_$name.log" \
		>"$work/up_$name.out"
	read -r p f s < <(sed -n 's/^counts: //p' "$work/up_$name.out")
	got="$((p - cp)) $((f - cf)) $((s - cs))"
	if [ "$got" = "$want" ]; then
		echo "ok upstream_tap_$name"
	else
		log "upstream_tap_$name: expected +$want (passed failed skipped), got +$got"
		cat "$work/up_$name.out" >&2
		echo "not ok upstream_tap_$name"
	fi
}
B=viommu-upstream
judge_upstream ok_skip_notok "1 1 1" <<TAP
$B-begin: iommufd -f iommufd_viommu
$B: TAP version 13
$B: 1..3
$B: # Starting 3 tests from 2 test cases.
$B: #  RUN           iommufd_viommu.no_viommu.viommu_auto_destroy ...
$B: #            OK  iommufd_viommu.no_viommu.viommu_auto_destroy
$B: ok 1 iommufd_viommu.no_viommu.viommu_auto_destroy
$B: #  RUN           iommufd_viommu.no_viommu.hw_queue ...
$B: #            OK  iommufd_viommu.no_viommu.hw_queue
$B: ok 2 iommufd_viommu.no_viommu.hw_queue # SKIP Skipping test for variant no_viommu
$B: #  RUN           iommufd_viommu.mock_viommu.hw_queue ...
$B: # iommufd.c:2830:hw_queue:Expected 0 (0) == _test_ioctl_set_temp_memory_limit(self->fd, 64) (-1)
$B: #          FAIL  iommufd_viommu.mock_viommu.hw_queue
$B: not ok 3 iommufd_viommu.mock_viommu.hw_queue
$B: # FAILED: 2 / 3 tests passed.
$B-end: iommufd rc=1 (2 s)
TAP
# The failing row is named, with the harness's diagnostic; the skip too.
out=$work/up_ok_skip_notok.out
if grep -q '^  FAIL upstream: iommufd_viommu.mock_viommu.hw_queue$' "$out" &&
	grep -q 'iommufd.c:2830:hw_queue:Expected' "$out" &&
	grep -q '^  SKIP upstream: iommufd_viommu.no_viommu.hw_queue (skipped: Skipping test for variant no_viommu)$' "$out"; then
	echo "ok upstream_tap_rows_named"
else
	echo "not ok upstream_tap_rows_named"
fi
judge_upstream missing_plan "1 1 0" <<TAP
$B-begin: iommufd -f iommufd_viommu
$B: ok 1 iommufd_viommu.no_viommu.viommu_auto_destroy
$B-end: iommufd rc=0
TAP
# Output cut inside a row: that row, the row never run and the end all fail.
judge_upstream truncated "1 3 0" <<TAP
$B-begin: iommufd -f iommufd_viommu
$B: 1..3
$B: #  RUN           iommufd_viommu.no_viommu.viommu_auto_destroy ...
$B: ok 1 iommufd_viommu.no_viommu.viommu_auto_destroy
$B: #  RUN           iommufd_viommu.no_viommu.vdevice_alloc ...
TAP
judge_upstream binary_crashed "0 1 0" <<TAP
$B-begin: iommufd -f iommufd_viommu
$B: Segmentation fault
$B-end: iommufd rc=139
TAP
judge_upstream no_row_selected "0 1 0" <<TAP
$B-begin: iommufd -f iommufd_viommu
$B: 1..0
$B: # PASSED: 0 / 0 tests passed.
$B-end: iommufd rc=0
TAP
judge_upstream all_ok_but_exit_status "1 1 0" <<TAP
$B-begin: iommufd -f iommufd_viommu
$B: 1..1
$B: ok 1 iommufd_viommu.no_viommu.viommu_auto_destroy
$B-end: iommufd rc=1
TAP
judge_upstream not_run_when_expected "0 1 0" --upstream </dev/null
judge_upstream tried_rows_not_counted "0 0 0" <<TAP
$B-tried-begin: iommufd -r iommufd.cmd_length
$B-tried: 1..1
$B-tried: not ok 1 iommufd.cmd_length
$B-tried-end: iommufd rc=1
TAP

# The kernel config check must name an option Kconfig dropped.
printf 'CONFIG_FOO=y\nCONFIG_BAR=m\n' >"$work/frag"
printf 'CONFIG_FOO=y\n# CONFIG_BAR is not set\n' >"$work/config"
if ! config_has_fragment "$work/frag" "$work/config" 2>"$work/cfg.err" &&
	grep -q 'CONFIG_BAR=m, got: # CONFIG_BAR is not set' "$work/cfg.err" &&
	config_has_fragment "$SCRIPTS_DIR/kernel.config" "$kdir/build/.config"; then
	echo "ok config_check_names_dropped_options"
else
	cat "$work/cfg.err" >&2
	echo "not ok config_check_names_dropped_options"
fi

# A guest that cannot finish in 2 s must be killed and reported as hung.
mkdir -p "$work/empty"
if VM_TIMEOUT=2 "$SCRIPTS_DIR/run-vm.sh" "$kdir" "$TOP_DIR" "$work/empty" test \
	"$work/hang.log" 2>"$work/hang.err"; then
	log "run-vm.sh returned success for a guest killed at 2 s"
	echo "not ok run_vm_kills_hung_guest"
elif grep -q 'hung' "$work/hang.err"; then
	echo "ok run_vm_kills_hung_guest"
else
	cat "$work/hang.err" >&2
	echo "not ok run_vm_kills_hung_guest"
fi
