#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Rootless dkms runs in a private dkms tree: the build must succeed against
# the headers-only tree of the test kernel (what a distro installs), reading
# nothing of the kernel's source or build tree, and be skipped (exit 77)
# against Debian's own 6.12 headers for arm64 and amd64, which lack
# CONFIG_IOMMUFD. The modules dkms built are copied to MODOUT: the VM tests
# run those.
# Prints one result line per kernel: "ok NAME" or "not ok NAME".
# usage: dkms-check.sh KDIR MODOUT
set -uo pipefail
. "$(dirname "$0")/common.sh"

kdir=${1:?usage: $0 KDIR MODOUT}
modout=${2:?usage: $0 KDIR MODOUT}
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

# 1. The test kernel (IOMMUFD=m, KUNIT=m, cross-built for arm64), from its
# headers-only tree. The source and build trees are hidden (empty tmpfs
# over them, in a private mount namespace): a build that reads any file of
# theirs fails.
krel=$(cat "$kdir/build/include/config/kernel.release")
built=$work/tree/viommu/$ver/$krel/aarch64/module
rm -rf "$modout"
if ! hdrs=$("$SCRIPTS_DIR/make-headers-tree.sh" "$kdir" | tail -n1); then
	result "not ok" "headers_only_tree_from_install_extmod_build"
elif ! ARCH=arm64 unshare -m sh -c \
	'mount -t tmpfs none "$1" && mount -t tmpfs none "$2" && shift 2 && exec "$@"' \
	sh "$(readlink -f "$kdir/src")" "$kdir/build" \
	dkms build -k "$krel" -a aarch64 --kernelsourcedir "$hdrs" \
		--dkmstree "$work/tree" --sourcetree "$work/src" -m viommu -v "$ver" \
	>"$work/build.log" 2>&1 ||
	[ ! -f "$built/viommu.ko" ] || [ ! -f "$built/viommu_kunit.ko" ] ||
	[ ! -f "$built/viommu_selftest.ko" ] ||
	! file "$built/viommu.ko" | grep -q aarch64; then
	cat "$work/build.log" "$work/tree/viommu/$ver/build/make.log" 2>/dev/null >&2
	result "not ok" "dkms_builds_from_headers_only_tree"
else
	mkdir -p "$modout"
	cp "$built"/*.ko "$modout/"
	log "dkms build against the headers-only tree of $krel (source and build trees hidden): $(cd "$modout" && echo *.ko)"
	result ok "dkms_builds_from_headers_only_tree"
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
