#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: the fuzzer (tests/fuzz/) in the VM, on all our modules, for
# FUZZ_SECONDS (default 600; FUZZ_CALLS, FUZZ_SEED and FUZZ_THREADS are
# passed on if set). The corpus lives in FUZZ_CORPUS (default
# $VIOMMU_CACHE/fuzz-corpus): it goes in with the boot and comes back
# grown, so coverage grows from run to run. Prints the figures and the coverage before and after; the figures
# and repro files of the run are kept in out/fuzz/ (with FUZZ_VERBOSE=1
# also missed and missed-lines: the points not hit, by source line). Exits 1 on a fuzzer
# failure, a splat, a leak or a hang.
set -euo pipefail
. "$(dirname "$0")/common.sh"
. "$SCRIPTS_DIR/fuzz-lib.sh"

seconds=${FUZZ_SECONDS:-600}
corpus=${FUZZ_CORPUS:-$VIOMMU_CACHE/fuzz-corpus}
last=$corpus.figures	# the last run's figures: "before"
out=$TOP_DIR/out/fuzz
log=$TOP_DIR/out/vm-fuzz.log
tests_out=$TOP_DIR/out/tests

echo "== build (test kernel, modules, tests, KCOV points)"
vm_build "$tests_out"

mkdir -p "$corpus"
fuzz_workdir "$corpus"
new_disk "$work/disk"
before=$(ls "$corpus" | wc -l)

echo "== fuzzing for $seconds s (corpus: $before programs in $corpus)"
# Boot, module loads and the kmemleak scan take minutes under TCG.
FUZZ_SECONDS=$seconds VM_EXTRA=$work/in VM_DISK=$work/disk \
	VM_TIMEOUT=$((seconds + 1200)) \
	"$SCRIPTS_DIR/run-vm.sh" "$kdir" "$TOP_DIR" "$tests_out" fuzz "$log" || true
disk_results "$work/disk" "$work/back"

# The corpus grows: programs are only ever added.
[ ! -d "$work/back/corpus" ] || cp -R "$work/back/corpus"/. "$corpus/"
rm -rf "$out"
mkdir -p "$out"
cp -a "$work/back"/figures "$work/back"/missed "$work/back"/repro-* "$out/" 2>/dev/null || true
# FUZZ_VERBOSE=1: the missed points, by source line
[ ! -f "$out/missed" ] || missed_lines "$out/missed" >"$out/missed-lines"

echo "== figures"
fuzz_lines "$log" | sed 's/^/  /' || echo "  (the fuzzer printed no figure: see $log)"
echo "  corpus: $before programs before, $(ls "$corpus" | wc -l) after ($corpus)"
echo "  coverage total: $(coverage_total "$last") before (last run), $(coverage_total "$out/figures") after"
[ ! -f "$out/figures" ] || cp "$out/figures" "$last"
[ ! -f "$out/missed-lines" ] ||
	echo "  missed points by source line: $out/missed-lines"
if ls "$out"/repro-* >/dev/null 2>&1; then
	echo "  repro files: $(ls "$out"/repro-* | tr '\n' ' ')"
	echo "  replay one: VM_EXTRA with the file, then viommu_fuzz -r FILE in the VM (README)"
fi

echo "== judging the log"
judge "$log"
echo "  (full console log: $log)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
