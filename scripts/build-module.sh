#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build viommu.ko, viommu_selftest.ko (and their KUnit modules) against a test kernel with W=1 and
# sparse (C=1) from scratch; any compiler or sparse warning fails the build.
# usage: build-module.sh KDIR
set -euo pipefail
. "$(dirname "$0")/common.sh"

kdir=${1:?usage: $0 KDIR}
mk() {
	make -C "$kdir/build" M="$TOP_DIR" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" "$@"
}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
mk clean >/dev/null
if ! mk -j"$JOBS" W=1 C=1 modules >"$out" 2>&1; then
	cat "$out" >&2
	die "module build failed"
fi
if grep -E 'warning:|error:' "$out" >&2; then
	die "module build is not W=1/sparse clean (see above)"
fi
ls "$TOP_DIR"/viommu.ko "$TOP_DIR"/viommu_kunit.ko \
	"$TOP_DIR"/viommu_selftest.ko "$TOP_DIR"/viommu_selftest_kunit.ko \
	"$TOP_DIR"/viommu_btf_fuzz.ko >/dev/null
log "built viommu.ko, viommu_selftest.ko and their KUnit modules, W=1 and sparse clean"
