#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the test kernel under QEMU (TCG, virt + SMMUv3 + GICv3, an edu PCI
# device) with a busybox initramfs holding the stock modules, ours and the
# userspace tests; run them; power off.
#
# usage: run-vm.sh KDIR MODDIR TESTDIR MODE LOG
#   KDIR     test kernel dir (build-test-kernel.sh)
#   MODDIR   where viommu.ko and viommu_kunit.ko were built
#   TESTDIR  the static arm64 test binaries
#   MODE     test | demo | fuzz | soak | bench | shimoff | smmuoff (with
#            VIOMMU_OPTS: the module's forced-failure knob)
#   LOG      the full console log is kept here
# Optional environment:
#   VM_DISK=FILE  a raw disk on virtio-mmio (outside the SMMU: edu stays the
#                 only device behind it), /dev/vda in the guest: the guest
#                 writes its results there as one tar stream (tar -xf FILE)
#   VM_EXTRA=DIR  copied into the initramfs as /fuzz (the corpus going in)
#   VM_CPU=MODEL  QEMU's CPU model (default max; make bench: neoverse-n2)
#   VM_SMP=N      vCPUs (default 2)
#   FUZZ_CHECK FUZZ_SECONDS FUZZ_CALLS FUZZ_TIME FUZZ_SEED FUZZ_THREADS FUZZ_VERBOSE SOAK_CYCLES
#   SOAK_FUZZ_SECONDS BENCH_ARGS BENCH_TRACE BENCH_DEPTH: passed to the guest's /init (kernel
#   command line)
# Exits 0 when the guest reached its end; judging the log is the caller's.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ $# = 5 ] || die "usage: $0 KDIR MODDIR TESTDIR MODE LOG"
kdir=$1 moddir=$2 testdir=$3 mode=$4 log=$5
timeout=${VM_TIMEOUT:-600}
krel=$(cat "$kdir/build/include/config/kernel.release")

# busybox: Debian's static arm64 build, unpacked, never installed. Newer
# packages put it in usr/bin (merged /usr), older ones in bin.
bb=$VIOMMU_CACHE/busybox-arm64
bb_bin() {
	local f
	for f in "$bb/bin/busybox" "$bb/usr/bin/busybox"; do
		[ -x "$f" ] && echo "$f" && return 0
	done
	return 1
}
if ! bb_bin >/dev/null; then
	rm -rf "$bb.tmp" "$bb"
	fetch_deb "busybox-static:arm64" "$bb.tmp"
	mv "$bb.tmp" "$bb"
fi
busybox=$(bb_bin) || die "busybox-static:arm64 has no bin/busybox or usr/bin/busybox"

root=$(mktemp -d)
trap 'rm -rf "$root" "$root.cpio.gz"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,tests} "$root/lib/modules"
cp "$busybox" "$root/bin/"
cp -a "$kdir/mods/lib/modules/$krel" "$root/lib/modules/"
rm -f "$root/lib/modules/$krel"/{build,source}
mkdir -p "$root/lib/modules/$krel/extra"
# None for a kernel our modules are not built for (make bench's 7.2)
if ls "$moddir"/*.ko >/dev/null 2>&1; then
	cp "$moddir"/*.ko "$root/lib/modules/$krel/extra/"
fi
depmod -b "$root" "$krel"
cp -a "$testdir"/. "$root/tests/"
cp "$SCRIPTS_DIR/vm-init.sh" "$root/init"
if [ -n "${VM_EXTRA:-}" ]; then
	mkdir -p "$root/fuzz"
	cp -a "$VM_EXTRA"/. "$root/fuzz/"
fi
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$root.cpio.gz"

mkdir -p "$(dirname "$log")"
log "booting $krel under QEMU TCG (mode $mode, log $log)"
# Values for /init: the kernel hands unknown NAME=VALUE words to init's
# environment. Values must hold no space (a list is comma-separated).
append="console=ttyAMA0 panic=-1 oops=panic MODE=$mode"
for v in TESTS=VM_TESTS VIOMMU_OPTS FUZZ_CHECK FUZZ_SECONDS FUZZ_CALLS FUZZ_TIME FUZZ_SEED \
	 FUZZ_THREADS FUZZ_VERBOSE SOAK_CYCLES SOAK_FUZZ_SECONDS BENCH_ARGS \
	 BENCH_TRACE BENCH_DEPTH; do
	name=${v%%=*} from=${v#*=}
	val=${!from:-}
	case $val in *[[:space:]]*) die "$from must hold no space: '$val'";; esac
	[ -z "$val" ] || append+=" $name=$val"
done
disk=()
if [ -n "${VM_DISK:-}" ]; then
	[ -f "$VM_DISK" ] || die "VM_DISK $VM_DISK is no file"
	disk=(-drive "if=none,format=raw,file=$VM_DISK,id=out0" -device virtio-blk-device,drive=out0)
	append+=" OUT_DISK=vda"
fi
show() { if [ "$mode" = demo ]; then grep --line-buffered -v '^\['; else cat >/dev/null; fi; }
set +e
timeout -k 10 "$timeout" qemu-system-aarch64 \
	-accel tcg -M virt,iommu=smmuv3,gic-version=3 -cpu "${VM_CPU:-max}" -smp "${VM_SMP:-2}" -m 2G \
	-nographic -no-reboot -nic none \
	-kernel "$kdir/build/arch/arm64/boot/Image" -initrd "$root.cpio.gz" \
	-append "$append" "${disk[@]}" \
	-device edu,addr=02.0 </dev/null 2>&1 | tr -d '\r' | tee "$log" | show
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	log "the guest hung: killed after ${timeout}s"
	exit 1
fi
[ "$rc" = 0 ] || { log "qemu exited with $rc"; exit 1; }
grep -q '^viommu-vm: done' "$log" || { log "the guest did not reach its end"; exit 1; }
exit 0
