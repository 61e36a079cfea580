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

# missed_lines MISSED: the fuzzer's missed points ("MODULE SECTION OFFSET
# FUNCTION") as "FUNCTION FILE:LINE", counted and sorted by file and line:
# the call before each return address, in the modules of this tree.
missed_lines() {
	python3 - "$1" "$TOP_DIR" "${CROSS_COMPILE:-aarch64-linux-gnu-}addr2line" <<'PY'
import collections, os, subprocess, sys
missed, top, a2l = sys.argv[1:]
groups = collections.defaultdict(list)
for line in open(missed):
    mod, sec, off, func = line.split()[:4]
    groups[(mod, sec)].append((int(off, 16) - 4, func))
count = collections.Counter()
for (mod, sec), pts in groups.items():
    ko = os.path.join(top, mod + '.ko')
    if not os.path.exists(ko):
        continue
    where = subprocess.run([a2l, '-e', ko, '-j', sec] +
                           ['0x%x' % off for off, _ in pts],
                           capture_output=True, text=True).stdout.split('\n')
    for (_, func), w in zip(pts, where):
        count[(w.replace(top + '/', ''), func)] += 1
def key(item):
    f, _, l = item[0][0].partition(':')
    l = l.split()[0] if l else ''
    return (f, int(l) if l.isdigit() else 0, item[0][1])
for (w, func), n in sorted(count.items(), key=key):
    print('%4d %s %s' % (n, w, func))
PY
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
