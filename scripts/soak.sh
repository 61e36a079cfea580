#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make soak: one VM boot doing SOAK_CYCLES (default 1000) load/use/unload
# cycles of all our modules, then the fuzzer for SOAK_FUZZ_SECONDS
# (default 600, from the cached corpus of make fuzz), then a kmemleak scan.
# Prints the figures (cycles, seconds per cycle, fuzz calls, kmemleak
# suspects every 100 cycles and at the end, MemAvailable and Slab before
# and after) and ends with "N passed, N failed, N skipped"; exits 1 on
# any failure, leak or splat.
set -euo pipefail
. "$(dirname "$0")/common.sh"
. "$SCRIPTS_DIR/fuzz-lib.sh"

cycles=${SOAK_CYCLES:-1000}
fuzz_seconds=${SOAK_FUZZ_SECONDS:-600}
corpus=${FUZZ_CORPUS:-$VIOMMU_CACHE/fuzz-corpus}
log=$TOP_DIR/out/vm-soak.log
tests_out=$TOP_DIR/out/tests

echo "== build (test kernel, modules, tests, KCOV points)"
vm_build "$tests_out"

fuzz_workdir "$corpus"

echo "== soak: $cycles cycles, then $fuzz_seconds s of fuzzing"
# A cycle takes 5 s under TCG on an idle 2-core host, 15 beside two
# other VMs (each load of viommu.ko verifies the shim against BTF): 1000
# cycles take hours. A kmemleak scan every 100 cycles.
SOAK_CYCLES=$cycles SOAK_FUZZ_SECONDS=$fuzz_seconds VM_EXTRA=$work/in \
	VM_TIMEOUT=$((1200 + cycles * 30 + fuzz_seconds)) \
	"$SCRIPTS_DIR/run-vm.sh" "$kdir" "$TOP_DIR" "$tests_out" soak "$log" || true

echo "== figures"
grep '^viommu-soak: ' "$log" | sed 's/^viommu-soak: /  /' ||
	echo "  (no figure: see $log)"
fuzz_lines "$log" | sed 's/^/  /' || true

echo "== judging the log"
judge "$log"
echo "  (full console log: $log)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
