#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the test VM. MODE (from the kernel command line) is "test" or
# "demo". Lines starting "viommu-test: " and "viommu-vm: " are read by the
# host; the kernel log (KUnit KTAP, splats) goes to the console as usual.
/bin/busybox --install -s /bin
export PATH=/bin:/tests
MODE=${MODE:-test}
# TESTS (kernel command line, from VM_TESTS): a space-free comma list of
# test programs to run; unset runs them all.
TESTS=${TESTS:-}
VIOMMU_OPTS=$(echo "${VIOMMU_OPTS:-}" | tr ',' ' ')

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug

n=0
check() {	# check NAME CMD...: one counted result line
	name=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "viommu-vm: ok $n $name"
	else
		echo "viommu-vm: not ok $n $name"
	fi
}
say() { [ "$MODE" = demo ] && echo "=== $*"; return 0; }

# Leaks from boot are not ours: mark them seen before anything loads.
kmemleak=/sys/kernel/debug/kmemleak
if [ -w $kmemleak ]; then
	echo scan >$kmemleak
	echo clear >$kmemleak
fi

bind_edu_to_vfio() {
	found=1
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1234 ] &&
			[ "$(cat "$d/device")" = 0x11e8 ] || continue
		echo vfio-pci >"$d/driver_override"
		echo "${d##*/}" >/sys/bus/pci/drivers_probe
		[ -e "$d/driver" ] && [ "$(basename "$(readlink "$d/driver")")" = vfio-pci ] ||
			return 1
		echo "edu ${d##*/} -> vfio-pci, iommu group $(basename "$(readlink "$d/iommu_group")")"
		found=0
	done
	return $found
}

# unload_refused_while_open NODE: an open context pins the module, be it
# /dev/viommu or a door file (/dev/iommu opened with the door on).
unload_refused_while_open() {
	exec 3<>"$1" || return 1
	rmmod viommu 2>/dev/null && unloaded=1 || unloaded=0
	exec 3>&-
	# Unloaded after all: load it again, so that the next step stays
	# about itself.
	[ $unloaded = 0 ] || { modprobe viommu; return 1; }
	[ -c /dev/viommu ]
}

selected() {	# selected PROGRAM: in TESTS, or TESTS unset
	case ",$TESTS," in
	,,|*,"$1",*) return 0;;
	esac
	return 1
}

door_steps() {	# door_test's steps run: a test boot that selected it
	[ "$MODE" = test ] && selected door_test
}

# run_suite viommu|stock: every selected test program, through that door
# (VT_DOOR, see tests/util.h). door_test runs in its own steps.
run_suite() {
	local t
	for t in /tests/*_test; do
		[ "${t##*/}" != door_test ] && selected "${t##*/}" &&
			VT_DOOR=$1 "$t"
	done
	return 0
}

# Load, use and unload every module of ours 20 times. Odd rounds load
# viommu.ko with stock_door=0, even ones with the door: a /dev/iommu file
# answers as before viommu.ko ever loaded (door_test's baseline), a door
# file adds the door's numbers, and a file opened before the load stays
# stock and pins nothing. Door misses count in door_bad, not here.
door_bad=0
reload_all() {
	local door state
	# The suites already ran: KUnit skips them on these loads.
	echo "viommu-reload-runs-no-suite" >/sys/module/kunit/parameters/filter_glob ||
		return 1
	for i in $(seq 20); do
		door=$((1 - i % 2))
		state=$([ $door = 1 ] && echo on || echo off)
		exec 3<>/dev/iommu || return 1
		modprobe viommu stock_door=$door || return 1
		modprobe -a viommu_kunit viommu_selftest_kunit || return 1
		[ -c /dev/viommu ] || return 1
		dispatch_test contexts_are_per_open >/dev/null || return 1
		viommu_test viommu_auto_destroy >/dev/null || return 1
		if door_steps; then
			door_test stock_answers_$state >/dev/null ||
				door_bad=$((door_bad + 1))
			[ $state = off ] || door_test preopened_stays_stock >/dev/null ||
				door_bad=$((door_bad + 1))
		fi
		exec 3>&-
		rmmod viommu_selftest_kunit viommu_kunit viommu_selftest viommu ||
			return 1
		[ ! -e /dev/viommu ] || return 1
	done
}

shim_verified() {	# the stock-internals shim said it is on
	dmesg | grep -q "viommu: shim: ready"
}

# Upstream 7.2's own iommufd selftest, built unmodified, run through the
# kselftest harness's own filters. Its output goes to the console, each
# line tagged, between begin and end lines (the end has the exit status):
# the host parses the TAP of "viommu-upstream" and counts every row. In
# test mode it runs unless TESTS is given without "upstream". The rows of
# "viommu-upstream-tried" (TESTS has "upstream_tried") cannot pass on 6.12
# (README, "Upstream's selftest"): printed for a look, never counted.
run_upstream_selftest() {
	[ "$MODE" = test ] || return 0
	case ",$TESTS," in
	,,|*,upstream,*) upstream_run viommu-upstream iommufd -f iommufd_viommu;;
	esac
	case ",$TESTS," in
	*,upstream_tried,*)
		upstream_run viommu-upstream-tried iommufd -r iommufd.cmd_length
		upstream_run viommu-upstream-tried iommufd -f iommufd_device_pasid
		upstream_run viommu-upstream-tried iommufd_fail_nth -r basic_fail_nth.device;;
	esac
}

upstream_run() {	# upstream_run TAG BIN ARGS...
	local tag=$1 rc t0
	shift
	echo "$tag-begin: $*"
	t0=$(date +%s)
	# The harness times each row out itself (30 s); this bounds the rest.
	timeout 400 /tests/upstream/"$@" >/tmp/upstream.out 2>&1
	rc=$?
	sed "s/^/$tag: /" /tmp/upstream.out
	echo "$tag-end: $1 rc=$rc ($(($(date +%s) - t0)) s)"
}

# The end of a forced-off boot: these tests, then unload and power off.
run_tests_unload_and_stop() {
	local t
	for t in "$@"; do
		/tests/$t
	done
	check unload_viommu_selftest rmmod viommu_selftest
	check unload_viommu rmmod viommu
	echo "viommu-vm: done"
	poweroff -f
}

# MODE=shimoff: one shim check made to fail on purpose (VIOMMU_OPTS, a
# test-only module parameter): the module must still load and answer, say
# why in one line, and every test that needs the shim must be skipped.
if [ "$MODE" = shimoff ]; then
	check load_stock_modules modprobe -a iommufd vfio-pci
	check load_viommu_with_forced_failure modprobe viommu $VIOMMU_OPTS
	check shim_off_in_one_line sh -c \
		'[ "$(dmesg | grep -c "viommu: .*shim off")" = 1 ] && ! dmesg | grep -q "viommu: shim: ready"'
	check dev_viommu_present test -c /dev/viommu
	check load_viommu_selftest modprobe viommu_selftest
	run_tests_unload_and_stop dispatch_test bind_test viommu_test vdevice_test
fi

# MODE=smmuoff: one check of the SMMUv3 table made to fail on purpose: the
# backend stays off with one log line, the shim and the mock backend work,
# and the tests that need the backend are skipped.
if [ "$MODE" = smmuoff ]; then
	check load_stock_modules modprobe -a iommufd vfio-pci
	check edu_bound_to_vfio_pci bind_edu_to_vfio
	check load_viommu_with_smmu_check_failing modprobe viommu $VIOMMU_OPTS
	dmesg >/tmp/viommu-load.log
	check shim_verified_at_load shim_verified
	check smmu_backend_off_in_one_line sh -c \
		'[ "$(dmesg | grep -c "viommu: SMMUv3 backend off")" = 1 ] && ! dmesg | grep -q "viommu: SMMUv3 backend on"'
	check smmuv3_ready_says_no grep -qx N /sys/module/viommu/parameters/smmuv3_ready
	check load_viommu_selftest modprobe viommu_selftest
	run_tests_unload_and_stop vdevice_test smmuv3_test vfio_test cmdqv_test
fi

say "Loading the stock modules this kernel has: kunit, iommufd, vfio-pci"
check load_stock_modules modprobe -a kunit iommufd vfio-pci
say "Handing the edu PCI device (behind the emulated SMMUv3) to vfio-pci"
check edu_bound_to_vfio_pci bind_edu_to_vfio
check vfio_device_cdev_present test -c /dev/vfio/devices/vfio0
if door_steps; then
	# Before viommu.ko ever loads: the stock file's baseline, and a file
	# (fd 3) that must stay stock once the door is on.
	exec 3<>/dev/iommu
	door_test stock_answers_absent
fi
say "Loading viommu.ko: it registers /dev/viommu"
check load_viommu modprobe viommu
# The load's own lines, for cmdqv_test once the ring buffer has moved on.
dmesg >/tmp/viommu-load.log
check shim_verified_at_load shim_verified
[ "$MODE" = demo ] && ls -l /dev/viommu /dev/iommu
say "Loading viommu_kunit.ko: its KUnit suites run now"
check load_viommu_kunit modprobe viommu_kunit
say "Loading viommu_selftest.ko (the mock IOMMU) and its KUnit suite"
check load_viommu_selftest modprobe viommu_selftest
check load_viommu_selftest_kunit modprobe viommu_selftest_kunit

if [ "$MODE" = demo ]; then
	say "A small program walks the vIOMMU flow: on the selftest backend, then nested translation on the emulated SMMUv3 with edu"
	check demo_walks_viommu_flow viommu_demo
else
	if door_steps; then
		door_test stock_answers_on preopened_stays_stock
		exec 3>&-
	fi
	run_suite viommu
	# The same programs through the stock-file door: rows end in [stock].
	run_suite stock
	if door_steps; then
		door_test door_ids_never_collide door_destroy_unknown_is_enoent \
			door_mmap_nothing_is_enxio door_close_frees_everything
	fi
fi
run_upstream_selftest

check unload_viommu_selftest_kunit rmmod viommu_selftest_kunit
check unload_viommu_selftest rmmod viommu_selftest
check unload_viommu_kunit rmmod viommu_kunit
check unload_refused_while_open unload_refused_while_open /dev/viommu
check unload_refused_while_door_file_open unload_refused_while_open /dev/iommu
check unload_viommu rmmod viommu
check reload_all_modules_20_times reload_all
door_steps && check door_states_across_reloads [ "$door_bad" = 0 ]

if [ -w $kmemleak ]; then
	# kmemleak reports only objects older than 5 s.
	sleep 6
	echo scan >$kmemleak
	echo scan >$kmemleak
	echo "viommu-vm: kmemleak report begins"
	cat $kmemleak
	echo "viommu-vm: kmemleak report ends"
fi
echo "viommu-vm: done"
poweroff -f
