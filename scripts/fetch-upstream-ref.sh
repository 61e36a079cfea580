#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unpack upstream's iommufd uAPI headers (Debian linux-source-7.2, sid) into
# the cache: the reference our mirrored uAPI is checked against. Prints the
# root holding include/uapi/linux/iommufd.h and
# drivers/iommu/iommufd/iommufd_test.h, as in the kernel tree.
set -euo pipefail
. "$(dirname "$0")/common.sh"

pkg=linux-source-7.2
ver=$(apt_candidate "$pkg") || die "apt offers no $pkg (is sid in the apt sources?)"
dest=$VIOMMU_CACHE/ref/${ver//[:~]/_}
if [ ! -f "$dest/ready" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	fetch_deb "$pkg=$ver" "$tmp/deb"
	tar -C "$tmp" -xf "$tmp"/deb/usr/src/linux-source-7.2.tar.xz \
		linux-source-7.2/include/uapi/linux/iommufd.h \
		linux-source-7.2/drivers/iommu/iommufd/iommufd_test.h
	mkdir -p "$dest"
	cp -r "$tmp"/linux-source-7.2/include "$tmp"/linux-source-7.2/drivers "$dest/"
	rm -f "$VIOMMU_CACHE"/debs/"${pkg}"_*.deb
	touch "$dest/ready"
fi
echo "$dest"
