#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: what the vIOMMU layer costs through our module on Linux 6.12
# against upstream 7.2's native iommufd, on the same emulated machine.
#
# Builds (or reuses) the two benchmark kernels (scripts/kernel-bench.config;
# 7.2 adds kernel-bench-7.2.config), our modules for the 6.12 one (in a copy
# of the tree: the tree's own .ko files stay those of the test kernel) and
# tests/bench; then boots them back to back, BENCH_BOOTS pairs (default 2)
# in the order module, native, native, module, ... so a drift of the host
# hits both sides alike. BENCH_ARGS (comma list) go to viommu_bench.
# Writes out/bench/ (one log a boot), out/bench.txt (the table of ratios
# and targets) and out/bench.png (the scaling curves). Exits 1 if a
# figure failed, a boot did not finish or a kernel splat is in a log; a
# missed target is a finding, printed, never a failure.
#
# A profile instead: BENCH_TRACE=FUNC[,FUNC...] (BENCH_DEPTH, default 6)
# boots each side once with the function_graph tracer from those functions
# (no hook figures) and writes out/bench/trace-module.txt and
# trace-native.txt; with BENCH_ARGS=-f,NAME,-n,20 it traces one figure.
set -euo pipefail
. "$(dirname "$0")/common.sh"

boots=${BENCH_BOOTS:-2}
# No FEAT_MOPS, as on Grace (Neoverse V2): 7.2 copies and clears with
# MOPS instructions where the CPU has them (-cpu max does), which TCG runs
# as bulk helpers and 6.12's loops are not: every copy would favour 7.2.
cpu=${BENCH_CPU:-neoverse-n2}
args=${BENCH_ARGS:--n,1000,-r,10}
out=$TOP_DIR/out/bench
frag=$SCRIPTS_DIR/kernel-bench.config

echo "== host setup, benchmark kernels (cached: a cold build of each takes 15-30 minutes)"
SETUP_EXTRA_PKGS=gnuplot-nox "$SCRIPTS_DIR/setup-host.sh" >&2 || die "host setup failed"
k612=$(KERNEL_FRAGMENTS=$frag "$SCRIPTS_DIR/build-test-kernel.sh" | tail -n1)
k72=$(KERNEL_PKG=linux-source-7.2 \
	KERNEL_FRAGMENTS="$frag $SCRIPTS_DIR/kernel-bench-7.2.config" \
	"$SCRIPTS_DIR/build-test-kernel.sh" | tail -n1)
[ -d "$k612" ] && [ -d "$k72" ] || die "no benchmark kernel"

echo "== our modules for $(basename "$k612"), the benchmark program"
rm -rf "$out"
mkdir -p "$out/tree" "$out/mods" "$out/tests" "$out/none"
# Files deleted but still tracked are left out (--ignore-failed-read).
(cd "$TOP_DIR" && git ls-files -co --exclude-standard | grep -v '^out/' |
	tar --ignore-failed-read -cf - -T - 2>/dev/null) | tar -xf - -C "$out/tree"
"$out/tree/scripts/build-module.sh" "$k612"
cp "$out/tree/viommu.ko" "$out/tree/viommu_selftest.ko" "$out/mods/"
rm -rf "$out/tree"
hdr=$(kernel_uapi_headers "$k612")
"${CROSS_COMPILE}gcc" -static -O2 -Wall -Wextra -Werror -I"$TOP_DIR/include/uapi" \
	-I"$hdr" -o "$out/tests/viommu_bench" "$TOP_DIR"/tests/bench/*.c

# boot N module|native
boot() {
	local kdir=$k612 mods=$out/mods
	[ "$2" = module ] || { kdir=$k72; mods=$out/none; }
	echo "== boot $1: $2 ($(basename "$kdir"))"
	BENCH_ARGS=$args VM_CPU=$cpu VM_TIMEOUT=${BENCH_TIMEOUT:-3600} \
		"$SCRIPTS_DIR/run-vm.sh" "$kdir" "$mods" "$out/tests" bench \
		"$out/boot-$1-$2.log" || log "boot $1 ($2) did not end cleanly"
}
if [ -n "${BENCH_TRACE:-}" ]; then
	for side in module native; do
		boot 1 "$side"
		sed -n '/viommu-vm: trace begin/,/viommu-vm: trace end/p' \
			"$out/boot-1-$side.log" >"$out/trace-$side.txt"
		echo "  trace: $out/trace-$side.txt ($(wc -l <"$out/trace-$side.txt") lines)"
		! grep -a 'viommu-vm: not ok' "$out/boot-1-$side.log" ||
			die "the $side boot failed a step (a BENCH_TRACE name unknown?)"
	done
	exit 0
fi
for i in $(seq 1 "$boots"); do
	if [ $((i % 2)) = 1 ]; then
		boot "$i" module
		boot "$i" native
	else
		boot "$i" native
		boot "$i" module
	fi
done

echo "== figures"
failed=0
python3 "$SCRIPTS_DIR/bench-report.py" "$out" "$TOP_DIR/out/bench.txt" \
	"$TOP_DIR/out/bench.png" || failed=1
[ ! -f "$TOP_DIR/out/bench.txt" ] || cat "$TOP_DIR/out/bench.txt"
if command -v gnuplot >/dev/null; then
	gnuplot "$out/curves.gp" && echo "  plot: $TOP_DIR/out/bench.png"
fi

echo "== judging the logs"
for f in "$out"/boot-*.log; do
	kdir=$k612
	case $f in *-native.log) kdir=$k72;; esac
	report=$(python3 "$SCRIPTS_DIR/vm-report.py" --no-kunit "$kdir/src" "$f")
	echo "$report" | grep -v '^counts:' | sed "s|^|  $(basename "$f"): |"
	read -r _ p fl _ < <(echo "$report" | grep '^counts:') || fl=1
	[ "$fl" = 0 ] || failed=1
done
grep -h 'viommu-bench: FAIL' "$out"/boot-*.log && failed=1
echo "  (logs: $out)"
[ "$failed" = 0 ] || die "a boot, a figure, the report or the kernel failed (see above)"
