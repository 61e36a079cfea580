# SPDX-License-Identifier: GPL-2.0
# Shared by fuzz.sh, soak.sh, planted-bug.sh (and check.sh: fuzz_lines);
# sourced after common.sh.

# vm_build TESTS_OUT: what make check builds for its VM, from this tree:
# the test kernel, the modules (W=1, sparse; in the tree), the tests and
# the table of our modules' KCOV points (TESTS_OUT/kcov-points, the
# guest's /tests/kcov-points). Sets kdir.
vm_build() {
	local tests_out=$1
	"$SCRIPTS_DIR/setup-host.sh" >&2 || die "host setup failed"
	kdir=$("$SCRIPTS_DIR/build-test-kernel.sh" | tail -n1)
	[ -d "$kdir" ] || die "no test kernel"
	"$SCRIPTS_DIR/build-module.sh" "$kdir"
	"$SCRIPTS_DIR/build-tests.sh" "$kdir" "$tests_out"
	[ -x "$tests_out/viommu_fuzz" ] || die "the fuzzer was not built (tests/fuzz/)"
	"$SCRIPTS_DIR/kcov-points.sh" "$TOP_DIR" "$tests_out/kcov-points" ||
		die "kcov-points.sh failed"
}

# fuzz_workdir CORPUS: sets work, a temporary directory removed at exit;
# its in/ goes into the VM (VM_EXTRA) with in/corpus a copy of CORPUS.
fuzz_workdir() {
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	mkdir -p "$work/in/corpus"
	[ ! -d "$1" ] || cp -a "$1"/. "$work/in/corpus/"
}

# new_disk FILE: an empty raw disk for run-vm.sh's VM_DISK (sparse: the
# size bounds what the guest can send back, it costs nothing).
new_disk() {
	rm -f "$1"
	truncate -s 1G "$1"
}

# disk_results DISK DIR: what the guest wrote on the disk, into DIR.
disk_results() {
	mkdir -p "$2"
	tar -xf "$1" -C "$2" 2>/dev/null ||
		log "nothing readable on the results disk (the guest never wrote it)"
}

# judge LOG: vm-report.py without KUnit (these boots load no KUnit suite):
# its lines, then sets passed, failed and skipped.
judge() {
	local report
	report=$(python3 "$SCRIPTS_DIR/vm-report.py" --no-kunit "$kdir/src" "$1")
	echo "$report" | grep -v '^counts:'
	read -r _ passed failed skipped < <(echo "$report" | grep '^counts:') ||
		{ passed=0 failed=1 skipped=0; }
}

# coverage_total FILE: the "coverage total all" figure of a fuzzer's
# output (or "pcs" without a points file; not "reachable").
coverage_total() {
	[ -f "$1" ] || { echo "none"; return; }
	sed -n 's/^viommu-fuzz: coverage total \(all\|pcs\) //p' "$1" | tail -n1 | grep . || echo "none"
}

# fuzz_lines LOG: the fuzzer's figures and failures in a console log.
fuzz_lines() {
	grep -E '^viommu-fuzz: (start|calls=|coverage |note: failed|FAIL|repro|result)|^viommu-vm: (the fuzzer|/tests/)' "$1"
}
