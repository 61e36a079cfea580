#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Rootless dkms runs in a private dkms tree: the build must succeed against
# the test kernel, and be skipped (exit 77) against Debian's own 6.12
# headers for arm64 and amd64, which lack CONFIG_IOMMUFD.
# Prints one result line per kernel: "ok NAME" or "not ok NAME".
# usage: dkms-check.sh KDIR
set -uo pipefail
. "$(dirname "$0")/common.sh"

kdir=${1:?usage: $0 KDIR}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP_DIR/dkms.conf")
need=$(sed -n 's/^BUILD_EXCLUSIVE_CONFIG="\(.*\)"/\1/p' "$TOP_DIR/dkms.conf")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

src=$work/src/viommu-$ver
mkdir -p "$src"
cp -a "$TOP_DIR"/{dkms.conf,Makefile,Kbuild,src,include,kunit} "$src/"
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) -delete
dk() { dkms "$@" --dkmstree "$work/tree" --sourcetree "$work/src" -m viommu -v "$ver"; }
mkdir -p "$work/tree"
dk add >/dev/null || die "dkms add failed"

result() { echo "$1 $2"; }

# 1. The test kernel (IOMMUFD=m, KUNIT=m, cross-built for arm64).
krel=$(cat "$kdir/build/include/config/kernel.release")
built=$work/tree/viommu/$ver/$krel/aarch64/module
if ARCH=arm64 dk build -k "$krel" -a aarch64 --kernelsourcedir "$kdir/build" \
	>"$work/build.log" 2>&1 &&
	[ -f "$built/viommu.ko" ] && [ -f "$built/viommu_kunit.ko" ] &&
	[ -f "$built/viommu_selftest.ko" ] &&
	file "$built/viommu.ko" | grep -q aarch64; then
	log "dkms build against the test kernel $krel: built viommu.ko, viommu_selftest.ko and viommu_kunit.ko"
	result ok "dkms_builds_for_test_kernel"
else
	cat "$work/build.log" "$work/tree/viommu/$ver/build/make.log" 2>/dev/null >&2
	result "not ok" "dkms_builds_for_test_kernel"
fi

# 2. Debian's own 6.12 headers: no IOMMUFD, so dkms must skip with 77.
abi=$(apt-cache pkgnames linux-headers-6.12. 2>/dev/null |
	sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb[0-9]*\)-amd64$/\1/p' | sort -V | tail -n1)
[ -n "$abi" ] || die "apt offers no linux-headers-6.12.*-amd64"
for arch in arm64 amd64; do
	name=dkms_skips_debian_${arch}_headers
	hdir=$VIOMMU_CACHE/headers/$abi-$arch
	if [ ! -f "$hdir/usr/src/linux-headers-$abi-$arch/.config" ]; then
		rm -rf "$hdir"
		(fetch_deb "linux-headers-$abi-$arch:$arch" "$hdir") || { result "not ok" "$name"; continue; }
	fi
	ksrc=$hdir/usr/src/linux-headers-$abi-$arch
	darch=$arch
	[ $arch = arm64 ] && darch=aarch64
	[ $arch = amd64 ] && darch=x86_64
	dk build -k "$abi-$arch" -a "$darch" --kernelsourcedir "$ksrc" >"$work/skip.log" 2>&1
	rc=$?
	lacks=$(for c in $need; do grep -qE "^$c=[ym]" "$ksrc/.config" || printf ' %s' "$c"; done)
	if [ $rc = 77 ] && [ -n "$lacks" ]; then
		log "dkms on Debian $abi-$arch: skipped (exit 77): the kernel lacks$lacks"
		result ok "$name"
	else
		cat "$work/skip.log" >&2
		log "dkms on Debian $abi-$arch: expected exit 77, got $rc (lacks:${lacks:- nothing})"
		result "not ok" "$name"
	fi
done
