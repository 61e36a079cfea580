#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check the /dev/viommu uAPI headers against the reference kernel's:
# tests/host/uapi_layout.c static-asserts every mirrored struct layout,
# ioctl number and constant against include/uapi/linux/iommufd.h and
# drivers/iommu/iommufd/iommufd_test.h of REF (an upstream source tree).
# Built and run with the host gcc, compiled again for arm64 if the cross
# compiler is there, and once with a deliberate mismatch that must not
# build. Prints "ok NAME" or "not ok NAME" per check.
# usage: uapi-layout-check.sh REF
set -uo pipefail
. "$(dirname "$0")/common.sh"

ref=${1:?usage: $0 REF}
for f in include/uapi/linux/iommufd.h drivers/iommu/iommufd/iommufd_test.h; do
	[ -f "$ref/$f" ] || die "$ref/$f is missing"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Only these two from the reference tree; the rest from the host's headers.
mkdir -p "$tmp/inc/linux"
cp "$ref/include/uapi/linux/iommufd.h" "$tmp/inc/linux/"
cp "$ref/drivers/iommu/iommufd/iommufd_test.h" "$tmp/inc/"
src=$TOP_DIR/tests/host/uapi_layout.c
cflags=(-std=gnu11 -Wall -Wextra -Werror -I"$tmp/inc" -I"$TOP_DIR/include/uapi")

if out=$(gcc "${cflags[@]}" -o "$tmp/uapi_layout" "$src" 2>&1) &&
	out=$("$tmp/uapi_layout" 2>&1); then
	log "$out"
	echo "ok uapi_layout"
else
	echo "$out" >&2
	echo "not ok uapi_layout"
fi

if command -v "${CROSS_COMPILE}gcc" >/dev/null; then
	if out=$("${CROSS_COMPILE}gcc" "${cflags[@]}" -fsyntax-only "$src" 2>&1); then
		echo "ok uapi_layout_arm64"
	else
		echo "$out" >&2
		echo "not ok uapi_layout_arm64"
	fi
fi

# A check that cannot fail proves nothing: planted mismatches must not
# build, each named by its own assertion.
if ! out=$(gcc "${cflags[@]}" -DUAPI_LAYOUT_BREAK -o "$tmp/broken" "$src" 2>&1) &&
	[ "$(echo "$out" | grep -c 'static assertion failed')" = 4 ]; then
	echo "ok uapi_layout_checker_bites"
else
	echo "$out" >&2
	echo "not ok uapi_layout_checker_bites"
fi
