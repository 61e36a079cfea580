#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Cross-compile the userspace tests and the demo (static arm64) into OUT,
# against the test kernel's own uAPI headers, and upstream's iommufd
# selftest into OUT/upstream (build-upstream-selftest.sh).
# usage: build-tests.sh KDIR OUT
set -euo pipefail
. "$(dirname "$0")/common.sh"

kdir=${1:?usage: $0 KDIR OUT} out=${2:?usage: $0 KDIR OUT}
hdr=$(kernel_uapi_headers "$kdir")
rm -rf "$out"
mkdir -p "$out"
# Upstream's own selftest in OUT/upstream; without it, its rows fail in the VM.
"$SCRIPTS_DIR/build-upstream-selftest.sh" "$kdir" "$out/upstream" ||
	log "upstream's selftest not built: its rows will fail in the VM"
cflags=(-static -pthread -O2 -g -Wall -Wextra -Werror -I"$TOP_DIR/include/uapi" -I"$hdr")
# One program per file; race_unload runs with our modules unloaded
# (vm-init.sh), so it is no *_test of the suites.
for src in "$TOP_DIR"/tests/*_test.c "$TOP_DIR"/tests/viommu_demo.c \
	   "$TOP_DIR"/tests/race_unload.c; do
	[ -f "$src" ] || continue
	"${CROSS_COMPILE}gcc" "${cflags[@]}" -o "$out/$(basename "$src" .c)" "$src"
done
# The fuzzer: one program from its own directory.
if [ -d "$TOP_DIR/tests/fuzz" ]; then
	"${CROSS_COMPILE}gcc" "${cflags[@]}" -I"$TOP_DIR/tests" -o "$out/viommu_fuzz" \
		"$TOP_DIR"/tests/fuzz/*.c
fi
# The benchmark (make bench): one program from its own directory. No
# suite runs it (it is no *_test): the VM's MODE=bench does.
if [ -d "$TOP_DIR/tests/bench" ]; then
	"${CROSS_COMPILE}gcc" "${cflags[@]}" -o "$out/viommu_bench" \
		"$TOP_DIR"/tests/bench/*.c
fi
log "built $(ls "$out"/*_test "$out"/viommu_demo | wc -l) test programs into $out"
