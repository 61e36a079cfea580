#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build upstream Linux 7.2's iommufd selftest (tools/testing/selftests/iommu,
# from Debian's linux-source-7.2, unmodified) as static arm64 binaries
# `iommufd` and `iommufd_fail_nth` into OUT. Only the flags and include
# paths are ours: upstream's own (lib.mk, iommu/Makefile), 7.2's
# linux/iommufd.h in front of the test kernel's headers_install (7.2's raw
# uapi vfio.h does not compile outside headers_install), and libcap from
# Debian's libcap-dev:arm64, unpacked, never installed.
# usage: build-upstream-selftest.sh KDIR OUT
set -euo pipefail
. "$(dirname "$0")/common.sh"

kdir=${1:?usage: $0 KDIR OUT} out=${2:?usage: $0 KDIR OUT}
ref=$("$SCRIPTS_DIR/fetch-upstream-ref.sh" | tail -n1)
st=$ref/tools/testing/selftests
[ -f "$st/iommu/iommufd.c" ] || die "no upstream selftest under $ref"

# Built once per reference, test kernel and this script (the flags).
key=$(basename "$ref")-$(basename "$kdir")-$(sha256sum "$0" | cut -c1-12)
cache=$VIOMMU_CACHE/upstream-selftest/$key
bins=(iommufd iommufd_fail_nth)
if [ ! -f "$cache/ready" ]; then
	hdr=$(kernel_uapi_headers "$kdir")

	# libcap: the host's own suite (what `apt-get install` would take), so
	# it matches the cross glibc; never a pinned suite.
	cap=$VIOMMU_CACHE/libcap-dev-arm64
	if [ ! -f "$cap/usr/lib/aarch64-linux-gnu/libcap.a" ]; then
		capver=$(apt-cache policy libcap-dev:arm64 | sed -n 's/^ *Candidate: //p')
		case $capver in ''|'(none)')
			die "apt has no candidate for libcap-dev:arm64 (run setup-host.sh)";;
		esac
		rm -rf "$cap.tmp"
		fetch_deb "libcap-dev:arm64=$capver" "$cap.tmp"
		rm -rf "$cap"
		mv "$cap.tmp" "$cap"
	fi

	# 7.2's iommufd.h alone in front: the rest of <linux/...> stays the
	# test kernel's.
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/u72/linux" "$tmp/bin"
	cp "$ref/include/uapi/linux/iommufd.h" "$tmp/u72/linux/"
	# The prefix map: diagnostics name tree paths, not this cache's.
	cflags=(-static -O2 -Wall -Wno-unused-function -D_GNU_SOURCE= -I"$st"
		-isystem "$tmp/u72" -isystem "$hdr" -isystem "$cap/usr/include"
		-fmacro-prefix-map="$ref/=")
	libs=("$cap/usr/lib/aarch64-linux-gnu/libcap.a" -lpthread)
	for t in "${bins[@]}"; do
		"${CROSS_COMPILE}gcc" "${cflags[@]}" -o "$tmp/bin/$t" "$st/iommu/$t.c" "${libs[@]}"
	done
	rm -rf "$cache"
	mkdir -p "$(dirname "$cache")"
	mv "$tmp/bin" "$cache"
	touch "$cache/ready"
fi
rm -rf "$out"
mkdir -p "$out"
for t in "${bins[@]}"; do
	cp "$cache/$t" "$out/"
done
log "upstream's iommufd selftest ($(basename "$ref")) in $out"
