#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unpack what we use of upstream Linux 7.2 (Debian linux-source-7.2, sid)
# into the cache: the iommufd uAPI headers our mirrored uAPI is checked
# against, and upstream's iommufd selftest with its harness. Prints the
# root holding them at their kernel-tree paths (include/uapi/linux/iommufd.h,
# drivers/iommu/iommufd/iommufd_test.h, tools/testing/selftests/...).
set -euo pipefail
. "$(dirname "$0")/common.sh"

pkg=linux-source-7.2
# Paths inside the tarball's tree; the selftest includes iommufd_test.h by
# a relative path, so the layout is kept.
members=(include/uapi/linux/iommufd.h
	 drivers/iommu/iommufd/iommufd_test.h
	 tools/testing/selftests/iommu
	 tools/testing/selftests/kselftest_harness.h
	 tools/testing/selftests/kselftest.h)
ver=$(apt_candidate "$pkg") || die "apt offers no $pkg (is sid in the apt sources?)"
dest=$VIOMMU_CACHE/ref/${ver//[:~]/_}
# "ready" lists what was unpacked: a cache made for a shorter list is redone.
want=$(printf '%s\n' "${members[@]}")
if [ "$(cat "$dest/ready" 2>/dev/null)" != "$want" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	fetch_deb "$pkg=$ver" "$tmp/deb"
	tar -C "$tmp" -xf "$tmp"/deb/usr/src/linux-source-7.2.tar.xz \
		"${members[@]/#/linux-source-7.2/}"
	rm -rf "$dest"
	mkdir -p "$(dirname "$dest")"
	mv "$tmp/linux-source-7.2" "$dest"
	rm -f "$VIOMMU_CACHE"/debs/"${pkg}"_*.deb
	echo "$want" >"$dest/ready"
fi
echo "$dest"
