#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the test VM. MODE (from the kernel command line) is "test",
# "demo", "fuzz", "soak", "bench", "shimoff" or "smmuoff". Lines starting
# "viommu-test: ", "viommu-vm: ", "viommu-fuzz: " and "viommu-soak: " are
# read by the host; the kernel log (KUnit KTAP, splats) goes to the console
# as usual. The fuzz and soak settings (FUZZ_*, SOAK_*) and OUT_DISK (a raw
# disk for results) come from the kernel command line too (run-vm.sh).
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

# make check's fuzz seed: fixed, so that a red run replays (FUZZ_SEED
# overrides it; make fuzz draws a new one unless given).
FUZZ_SEED_CHECK=0x5eed12
FUZZ_THREADS=${FUZZ_THREADS:-4}
# The fuzzer stops at 200 000 calls unless told: time alone bounds these.
FUZZ_CALLS_UNBOUNDED=2000000000

# fuzz_run OUTDIR ARGS...: the fuzzer with -o OUTDIR, its lines on the
# console as they come and in /tmp/fuzz-last.out. True if it exited 0 and
# said "result ok".
fuzz_run() {
	local out=$1
	shift
	if [ ! -x /tests/viommu_fuzz ]; then
		echo "viommu-vm: /tests/viommu_fuzz is missing"
		return 1
	fi
	# The table of our modules' KCOV points (host: kcov-points.sh).
	if [ -f /tests/kcov-points ]; then
		set -- "$@" -k /tests/kcov-points
	else
		echo "viommu-vm: /tests/kcov-points is missing: no coverage figures"
	fi
	mkdir -p "$out"
	# The BTF fuzz target (a KUnit kernel builds it): loaded for the run.
	if [ -f "$MOD_DIR/viommu_btf_fuzz.ko" ] && ! modprobe viommu_btf_fuzz; then
		echo "viommu-vm: viommu_btf_fuzz does not load"
		return 1
	fi
	# ash has no PIPESTATUS: the exit status travels in the output.
	{ /tests/viommu_fuzz "$@" -o "$out" 2>&1; echo "viommu-vm: fuzz exit $?"; } |
		tee /tmp/fuzz-last.out
	if [ -d /sys/module/viommu_btf_fuzz ] && ! rmmod viommu_btf_fuzz; then
		echo "viommu-vm: viommu_btf_fuzz does not unload"
		return 1
	fi
	grep -q '^viommu-vm: fuzz exit 0$' /tmp/fuzz-last.out &&
		[ "$(grep '^viommu-fuzz: result ' /tmp/fuzz-last.out | tail -n1)" = "viommu-fuzz: result ok" ]
}

fuzz_calls() {	# calls the last fuzz_run made (its "calls=N" line)
	local c
	c=$(sed -n 's/^viommu-fuzz: calls=\([0-9]*\).*/\1/p' /tmp/fuzz-last.out | tail -n1)
	echo "${c:-0}"
}

# Where modprobe finds our modules (run-vm.sh puts them in extra/): the
# fuzzer's load phase (-L) loads and unloads them itself, traced.
MOD_DIR=/lib/modules/$(uname -r)/extra

# make check's bounded fuzz: FUZZ_CALLS calls, or fewer if FUZZ_TIME s
# pass first (a slow or loaded host); the figures say how many ran.
# Fewer than FUZZ_MIN_CALLS means the fuzzer itself is stuck: that fails.
fuzz_bounded() {
	local want=${FUZZ_CALLS:-200000} cap=${FUZZ_TIME:-900} got rc=0
	local floor=${FUZZ_MIN_CALLS:-20000}
	# The KUnit modules hold ours, which the load phase unloads: out
	# for the run, then back without running their suites again.
	rmmod viommu_selftest_kunit viommu_kunit || return 1
	set -- -s "${FUZZ_SEED:-$FUZZ_SEED_CHECK}" -n "$want" -t "$cap" \
		-j "$FUZZ_THREADS" -L "$MOD_DIR"
	# FUZZ_VERBOSE=1: missed functions and where the time goes
	[ "${FUZZ_VERBOSE:-0}" != 1 ] || set -- "$@" -v
	fuzz_run /tmp/fuzz "$@" || rc=1
	echo "viommu-fuzz-runs-no-suite" >/sys/module/kunit/parameters/filter_glob &&
		modprobe -a viommu_kunit viommu_selftest_kunit || return 1
	[ $rc = 0 ] || return 1
	got=$(fuzz_calls)
	[ "$got" -ge "$want" ] ||
		echo "viommu-vm: the fuzzer made $got calls of the $want asked in its ${cap} s"
	if [ "$got" -lt "$floor" ]; then
		echo "viommu-vm: $got calls is below the floor of $floor: the fuzzer is stuck"
		return 1
	fi
}

# save_results DIR: everything in DIR to the host, as one tar stream on
# the raw disk (run-vm.sh VM_DISK; the host runs tar -xf on the file).
save_results() {
	[ -n "${OUT_DISK:-}" ] || return 0
	check out_disk_present test -b "/dev/$OUT_DISK" || return 0
	check results_saved_to_disk tar -cf "/dev/$OUT_DISK" -C "$1" .
	sync
}

race_unload_run() {	# race_unload: our modules unloaded; it leaves them so
	if [ ! -x /tests/race_unload ]; then
		echo "viommu-vm: /tests/race_unload is missing"
		return 1
	fi
	/tests/race_unload
}

# kmemleak_report: scan, and print what it found between the lines the
# host reads (vm-report.py). Sets "leaks" to the number of suspected
# objects (-1 without kmemleak).
leaks=-1
kmemleak_report() {
	[ -w $kmemleak ] || return 0
	# kmemleak reports only objects older than 5 s.
	sleep 6
	echo scan >$kmemleak
	echo scan >$kmemleak
	cat $kmemleak >/tmp/kmemleak.out
	leaks=$(grep -c 'unreferenced object' /tmp/kmemleak.out)
	echo "viommu-vm: kmemleak report begins"
	cat /tmp/kmemleak.out
	echo "viommu-vm: kmemleak report ends"
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

# MODE=bench (make bench): the benchmark program, on our modules where
# the boot has them (Linux 6.12), else on the kernel's own iommufd and its
# selftest mock (upstream 7.2: --native). BENCH_ARGS, a comma list, are
# its options. On 6.12 the hook figures (--hooks) run in the same boot,
# two rounds of bench_hooks_round around the main run. The console shows
# warnings and worse only: an info line must not split a figure's line.
# BENCH_TRACE (BENCH_TRACE=... make bench): no hook figures; the run
# under the function_graph tracer from these functions (a comma list),
# BENCH_DEPTH calls deep, and the trace on the console between two marker
# lines. An unknown function name fails the setup: never trace them all.
trace_setup() {
	t=/sys/kernel/debug/tracing
	echo 16384 >$t/buffer_size_kb &&
		echo "${BENCH_DEPTH:-6}" >$t/max_graph_depth || return 1
	for fn in $(echo "$BENCH_TRACE" | tr ',' ' '); do
		echo "$fn" >>$t/set_graph_function || return 1
	done
	[ -n "$(cat $t/set_graph_function)" ] &&
		echo function_graph >$t/current_tracer &&
		echo 1 >$t/tracing_on
}
bench_traced() {
	t=/sys/kernel/debug/tracing
	check trace_setup trace_setup
	[ "$(cat $t/current_tracer)" = function_graph ] || return
	check bench /tests/viommu_bench "$@"
	echo 0 >$t/tracing_on
	echo "viommu-vm: trace begin"
	cat $t/trace
	echo "viommu-vm: trace end"
}
# One round of the hook figures, viommu.ko unloaded at its start and
# loaded at its end: without it ("_stock"), with its hooks but no door
# (stock_door=0, a bound /dev/viommu puts the hooks in: "_hooks_only"),
# and as users load it, hooks and the /dev/iommu door ("_hooked").
bench_hooks_round() {
	check bench_hooks_stock /tests/viommu_bench --hooks "$@"
	check load_viommu_without_door modprobe viommu stock_door=0
	check bench_hooks_only /tests/viommu_bench --hooks --bind "$@"
	check unload_viommu rmmod viommu
	check load_viommu modprobe viommu
	check bench_hooks_hooked /tests/viommu_bench --hooks "$@"
}
if [ "$MODE" = bench ]; then
	set -- $(echo "${BENCH_ARGS:-}" | tr ',' ' ')
	echo 5 >/proc/sys/kernel/printk
	if [ -n "${BENCH_TRACE:-}" ]; then
		if [ -f "$MOD_DIR/viommu.ko" ]; then
			check load_modules modprobe -a iommufd vfio-pci viommu \
				viommu_selftest
			check edu_bound_to_vfio_pci bind_edu_to_vfio
		else
			check load_iommufd modprobe iommufd
			set -- --native "$@"
		fi
		bench_traced "$@"
	elif [ -f "$MOD_DIR/viommu.ko" ]; then
		check load_stock_modules modprobe -a iommufd vfio-pci
		check edu_bound_to_vfio_pci bind_edu_to_vfio
		bench_hooks_round "$@"
		check load_viommu_selftest modprobe viommu_selftest
		check bench /tests/viommu_bench "$@"
		# The SMMUv3 backend offers vIOMMUs only past its coherency gate.
		echo 1 >/sys/module/viommu/parameters/smmuv3_allow_noncoherent
		check bench_smmuv3 /tests/viommu_bench --smmuv3 "$@"
		echo 0 >/sys/module/viommu/parameters/smmuv3_allow_noncoherent
		check unload_viommu rmmod viommu_selftest viommu
		bench_hooks_round "$@"
	else
		check load_iommufd modprobe iommufd
		check bench /tests/viommu_bench --native "$@"
	fi
	echo "viommu-vm: done"
	poweroff -f
fi

# MODE=fuzz (make fuzz, make fuzz-planted): the fuzzer alone on all our
# modules for FUZZ_SECONDS (and FUZZ_CALLS if given), growing the corpus
# in /fuzz/corpus (VM_EXTRA); corpus, figures and repro files go back to
# the host on the raw disk.
if [ "$MODE" = fuzz ]; then
	check load_stock_modules modprobe -a iommufd vfio-pci
	check edu_bound_to_vfio_pci bind_edu_to_vfio
	check load_viommu modprobe viommu
	check load_viommu_selftest modprobe viommu_selftest
	mkdir -p /fuzz/corpus
	set -- -t "${FUZZ_SECONDS:-600}" -n "${FUZZ_CALLS:-$FUZZ_CALLS_UNBOUNDED}" \
		-j "$FUZZ_THREADS" -c /fuzz/corpus -L "$MOD_DIR"
	[ -z "${FUZZ_SEED:-}" ] || set -- "$@" -s "$FUZZ_SEED"
	# FUZZ_VERBOSE=1: missed functions and where the time goes
	[ "${FUZZ_VERBOSE:-0}" != 1 ] || set -- "$@" -v
	check fuzz_run fuzz_run /fuzz "$@"
	check unload_viommu_selftest rmmod viommu_selftest
	check unload_viommu rmmod viommu
	kmemleak_report
	save_results /fuzz
	echo "viommu-vm: done"
	poweroff -f
fi

soak_say() { echo "viommu-soak: $*"; }
soak_leaks() {	# kmemleak_report's count, or why there is none
	if [ "$leaks" = -1 ]; then echo "unknown (no kmemleak)"; else echo "$leaks"; fi
}
meminfo() {	# "MemAvailable N kB, Slab N kB"
	awk '/^MemAvailable:/ { a = $2 } /^Slab:/ { s = $2 }
	     END { printf "MemAvailable %d kB, Slab %d kB\n", a, s }' /proc/meminfo
}

# One soak cycle: load every module of ours (viommu with the door on or
# off), use it (two test rows, through the door when it is on), unload.
# A failing step's output is shown.
soak_cycle() {
	local door=$1 via=viommu
	[ "$door" = 1 ] && via=stock
	modprobe viommu stock_door="$door" &&
		modprobe -a viommu_selftest viommu_kunit viommu_selftest_kunit &&
		[ -c /dev/viommu ] &&
		VT_DOOR=$via viommu_test viommu_auto_destroy >/tmp/cycle.out 2>&1 &&
		VT_DOOR=$via dispatch_test contexts_are_per_open >>/tmp/cycle.out 2>&1 &&
		rmmod viommu_selftest_kunit viommu_kunit viommu_selftest viommu &&
		[ ! -e /dev/viommu ] && return 0
	cat /tmp/cycle.out
	return 1
}

soak_cycles() {	# soak_cycles N: N cycles, stopping at the first failure
	local i=0 scans=0 t0 t s
	t0=$(date +%s)
	while [ $i -lt "$1" ]; do
		if ! soak_cycle $((i % 2)); then
			soak_say "cycle $((i + 1)) failed (stock_door=$((i % 2)))"
			break
		fi
		i=$((i + 1))
		[ $((i % 100)) = 0 ] || continue
		# A scan every 100 cycles (not timed): a soak cut short still
		# has its figure.
		s=$(date +%s)
		kmemleak_report
		soak_say "progress $i cycles in $((s - t0 - scans)) s, kmemleak suspected objects: $(soak_leaks)"
		scans=$((scans + $(date +%s) - s))
	done
	t=$(($(date +%s) - t0 - scans))
	soak_say "cycles $i of $1 in $t s"
	soak_say "seconds per cycle $(awk -v t=$t -v i=$i 'BEGIN { printf "%.2f", i ? t / i : 0 }')"
	[ $i = "$1" ]
}

# MODE=soak (make soak): SOAK_CYCLES load/use/unload cycles, the fuzzer
# for SOAK_FUZZ_SECONDS, a kmemleak scan, and the figures.
if [ "$MODE" = soak ]; then
	check load_stock_modules modprobe -a kunit iommufd vfio-pci
	check edu_bound_to_vfio_pci bind_edu_to_vfio
	# The suites run in make check: KUnit skips them on these loads.
	check kunit_suites_filtered_out sh -c \
		'echo viommu-soak-runs-no-suite >/sys/module/kunit/parameters/filter_glob'
	mem_before=$(meminfo)
	check soak_cycles soak_cycles "${SOAK_CYCLES:-1000}"
	check load_viommu modprobe viommu
	check load_viommu_selftest modprobe viommu_selftest
	set -- -t "${SOAK_FUZZ_SECONDS:-600}" -n "$FUZZ_CALLS_UNBOUNDED" -j "$FUZZ_THREADS"
	[ -z "${FUZZ_SEED:-}" ] || set -- "$@" -s "$FUZZ_SEED"
	[ ! -d /fuzz/corpus ] || set -- "$@" -c /fuzz/corpus
	check soak_fuzz fuzz_run /tmp/soak-fuzz "$@"
	soak_say "fuzz calls $(fuzz_calls) in ${SOAK_FUZZ_SECONDS:-600} s"
	check unload_viommu_selftest rmmod viommu_selftest
	check unload_viommu rmmod viommu
	kmemleak_report
	soak_say "kmemleak suspected objects: $(soak_leaks)"
	check kmemleak_suspects_none [ "$leaks" = 0 ]
	soak_say "meminfo before: $mem_before"
	soak_say "meminfo after: $(meminfo)"
	echo "viommu-vm: done"
	poweroff -f
fi

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
	# FUZZ_CHECK=0 leaves it out; a TESTS list runs it if it names fuzz.
	if [ "${FUZZ_CHECK:-1}" = 1 ] && selected fuzz ||
	   case ",$TESTS," in *,fuzz,*) true;; *) false;; esac; then
		check fuzz_bounded fuzz_bounded
		save_results /tmp/fuzz
	fi
fi
run_upstream_selftest

check unload_viommu_selftest_kunit rmmod viommu_selftest_kunit
check unload_viommu_selftest rmmod viommu_selftest
check unload_viommu_kunit rmmod viommu_kunit
check unload_refused_while_open unload_refused_while_open /dev/viommu
check unload_refused_while_door_file_open unload_refused_while_open /dev/iommu
check unload_viommu rmmod viommu
# Stock iommufd and vfio-pci loaded, edu bound, ours unloaded.
selected race_unload && check race_unload_vs_hooks race_unload_run
check reload_all_modules_20_times reload_all
door_steps && check door_states_across_reloads [ "$door_bad" = 0 ]

kmemleak_report
echo "viommu-vm: done"
poweroff -f
