#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse) the arm64 test kernel from Debian's linux-source-6.12 and
# the fragment in scripts/kernel.config. Prints the kernel directory on its
# last line: <dir>/build is the O= tree (Image, modules, external-module
# builds), <dir>/src the source tree, <dir>/mods the installed modules.
#
# Cached under $VIOMMU_CACHE/kernel/<source version>-<fragment hash>; a warm
# run rebuilds nothing. Set KERNEL_SRC_VERSION to pin a source version.
# The benchmark kernels (make bench) come from here too: KERNEL_PKG (the
# source package, default linux-source-6.12) and KERNEL_FRAGMENTS (the
# fragments, applied in order; default scripts/kernel.config).
set -euo pipefail
. "$(dirname "$0")/common.sh"

read -r -a frags <<<"${KERNEL_FRAGMENTS:-$SCRIPTS_DIR/kernel.config}"
pkg=${KERNEL_PKG:-linux-source-6.12}
ver=${KERNEL_SRC_VERSION:-$(apt_candidate "$pkg")}
[ -n "$ver" ] || die "apt offers no $pkg; run scripts/setup-host.sh"
# One fragment hashes as before: the test kernel's cache stays valid.
hash=$(cat "${frags[@]}" | sha256sum | cut -c1-12)
kdir=$VIOMMU_CACHE/kernel/${ver//[:~]/_}-$hash
mkdir -p "$VIOMMU_CACHE/kernel"

# A ready kernel is never touched again: no need to wait for another build.
if [ -f "$kdir/ready" ]; then
	echo "$kdir"
	exit 0
fi
exec 9>"$VIOMMU_CACHE/kernel/.lock"
flock 9

if [ -f "$kdir/ready" ]; then
	echo "$kdir"
	exit 0
fi

srcroot=$VIOMMU_CACHE/src/${ver//[:~]/_}
if [ ! -f "$srcroot/ready" ]; then
	log "fetching $pkg=$ver"
	rm -rf "$srcroot"
	fetch_deb "$pkg=$ver" "$srcroot/deb"
	tarball=$(ls "$srcroot"/deb/usr/src/linux-source-*.tar.xz)
	tar -C "$srcroot" -xf "$tarball"
	rm -rf "$srcroot/deb"
	mv "$srcroot"/linux-source-* "$srcroot/linux"
	touch "$srcroot/ready"
fi
src=$srcroot/linux

rm -rf "$kdir"
mkdir -p "$kdir/build"
ln -s "$src" "$kdir/src"
mk() { make -s -C "$src" O="$kdir/build" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" "$@"; }

log "configuring $ver (fragment $hash)"
mk allnoconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$kdir/build" "$kdir/build/.config" \
	"${frags[@]}" >/dev/null
mk olddefconfig

# Kconfig drops what it cannot satisfy without a word: check every line.
for frag in "${frags[@]}"; do
	config_has_fragment "$frag" "$kdir/build/.config" ||
		die "the kernel config lacks options $frag asked for (see above)"
done

log "building Image and modules with $JOBS jobs (a cold build takes 10-20 minutes)"
start=$(date +%s)
mk -j"$JOBS" Image modules
mk INSTALL_MOD_PATH="$kdir/mods" modules_install
log "built in $(( $(date +%s) - start ))s"
touch "$kdir/ready"
echo "$kdir"
