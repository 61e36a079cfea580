#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz-planted: show once that the bounded fuzz of make check finds a
# planted bug. A copy of this tree gets scripts/planted-bug.patch (one
# reserved-field check of VEVENTQ_ALLOC dropped), its modules are built
# and the fuzzer runs on them as make check runs it (same seed, same call
# count and time cap, no corpus). Passes only if the fuzzer fails naming
# that call; prints "planted bug found after N calls: <FAIL line>".
# Repro files land in out/fuzz-planted/.
set -euo pipefail
. "$(dirname "$0")/common.sh"
. "$SCRIPTS_DIR/fuzz-lib.sh"

# The call the patch breaks, as the fuzzer names it (case-insensitive).
planted_call='veventq[_ -]?alloc'
calls=${FUZZ_CALLS:-200000}
cap=${FUZZ_TIME:-600}
seed=${FUZZ_SEED:-$(sed -n 's/^FUZZ_SEED_CHECK=//p' "$SCRIPTS_DIR/vm-init.sh")}
log=$TOP_DIR/out/vm-fuzz-planted.log
out=$TOP_DIR/out/fuzz-planted

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/tree
echo "== a copy of the tree with the planted bug ($tree)"
mkdir -p "$tree"
(cd "$TOP_DIR" && tar -cf - --exclude=./out --exclude=./.git .) | tar -xf - -C "$tree"
patch -d "$tree" -p1 --no-backup-if-mismatch <"$SCRIPTS_DIR/planted-bug.patch" ||
	die "scripts/planted-bug.patch no longer applies to src/: refresh it"

echo "== build (the copy's modules, tests and KCOV points)"
# The copy's own scripts: their TOP_DIR is the copy.
SCRIPTS_DIR=$tree/scripts TOP_DIR=$tree vm_build "$tree/out/tests"

echo "== fuzzing the planted bug: $calls calls, $cap s cap, seed $seed"
new_disk "$work/disk"
FUZZ_CALLS=$calls FUZZ_SECONDS=$cap FUZZ_SEED=$seed VM_DISK=$work/disk \
	VM_TIMEOUT=$((cap + 1200)) \
	"$tree/scripts/run-vm.sh" "$kdir" "$tree" "$tree/out/tests" fuzz "$log" || true
rm -rf "$out"
disk_results "$work/disk" "$out"
rm -rf "$out/corpus"
fuzz_lines "$log" | sed 's/^/  /' || true

fail=$(grep -m1 '^viommu-fuzz: FAIL' "$log" || true)
n=$(sed -n 's/^viommu-fuzz: calls=\([0-9]*\).*/\1/p' "$log" | tail -n1)
echo "  (full console log: $log; repro files in $out)"
if [ -z "$fail" ]; then
	echo "planted bug NOT found in ${n:-?} calls: the fuzzer reported no failure"
	exit 1
fi
# The failure must be the planted one: its FAIL or repro lines name the call.
# Collected first: grep -q exits at its first match, and under pipefail
# the writer's SIGPIPE would turn a found bug into a miss.
named=$(echo "$fail"; grep '^viommu-fuzz: repro' "$log" || true)
if ! grep -qiE "$planted_call" <<<"$named"; then
	echo "the fuzzer failed, but on something else than $planted_call: $fail"
	exit 1
fi
echo "planted bug found after ${n:-?} calls: $fail"
