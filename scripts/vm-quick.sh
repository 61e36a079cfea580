#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# For development: build the modules and tests of this tree, boot the VM
# once and judge it, as make check's VM step does. VM_TESTS=a_test,b_test
# runs only those userspace test programs (KUnit suites always run).
# usage: vm-quick.sh [LOG]
set -euo pipefail
. "$(dirname "$0")/common.sh"

log=${1:-$TOP_DIR/out/vm-quick.log}
kdir=$("$SCRIPTS_DIR/build-test-kernel.sh" | tail -n1)
"$SCRIPTS_DIR/build-module.sh" "$kdir"
"$SCRIPTS_DIR/build-tests.sh" "$kdir" "$TOP_DIR/out/tests"
"$SCRIPTS_DIR/run-vm.sh" "$kdir" "$TOP_DIR" "$TOP_DIR/out/tests" test "$log" || true
python3 "$SCRIPTS_DIR/vm-report.py" "$kdir/src" "$log"
