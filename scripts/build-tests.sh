#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Cross-compile the userspace tests and the demo (static arm64) into OUT,
# against the test kernel's own uAPI headers.
# usage: build-tests.sh KDIR OUT
set -euo pipefail
. "$(dirname "$0")/common.sh"

kdir=${1:?usage: $0 KDIR OUT} out=${2:?usage: $0 KDIR OUT}
hdr=$kdir/headers
if [ ! -f "$hdr/ready" ]; then
	make -s -C "$kdir/build" ARCH=arm64 INSTALL_HDR_PATH="$hdr" headers_install
	touch "$hdr/ready"
fi
rm -rf "$out"
mkdir -p "$out"
cflags=(-static -pthread -O2 -g -Wall -Wextra -Werror -I"$TOP_DIR/include/uapi" -I"$hdr/include")
for src in "$TOP_DIR"/tests/*_test.c "$TOP_DIR"/tests/viommu_demo.c; do
	"${CROSS_COMPILE}gcc" "${cflags[@]}" -o "$out/$(basename "$src" .c)" "$src"
done
log "built $(ls "$out" | wc -l) test programs into $out"
