#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot an arm64 VM (QEMU TCG, emulated SMMUv3, an edu PCI device)
# with viommu loaded, and show in plain words what happens.
set -euo pipefail
. "$(dirname "$0")/common.sh"

echo "== Preparing the host (packages, test kernel, module build)"
"$SCRIPTS_DIR/setup-host.sh"
kdir=$("$SCRIPTS_DIR/build-test-kernel.sh" | tail -n1)
make -s -C "$kdir/build" M="$TOP_DIR" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" \
	-j"$JOBS" modules >/dev/null
"$SCRIPTS_DIR/build-tests.sh" "$kdir" "$TOP_DIR/out/tests"

echo "== Booting the VM (guest output follows; kernel log lines hidden)"
log=$TOP_DIR/out/vm-demo.log
"$SCRIPTS_DIR/run-vm.sh" "$kdir" "$TOP_DIR" "$TOP_DIR/out/tests" demo "$log"

echo
echo "== What happened"
python3 "$SCRIPTS_DIR/vm-report.py" "$kdir/src" "$log" >"$log.report"
if grep -q 'PASS kunit:' "$log.report"; then
	echo "KUnit suites of viommu_kunit.ko, run inside the VM as the module loaded:"
	grep 'kunit:' "$log.report" | sed 's/^ */  /'
fi
grep -E '(PASS|FAIL) vm: ' "$log.report" | sed 's/^ */  /'
read -r _ p f s < <(grep '^counts:' "$log.report")
echo "Demo summary: $p checks passed, $f failed, $s skipped (full console log: $log)"
[ "$f" = 0 ]
