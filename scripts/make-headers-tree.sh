#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make the headers-only tree of a test kernel, as distros ship it: the
# kernel's own scripts/package/install-extmod-build (what the deb and rpm
# header packages contain) plus .config (Debian's linux-headers and
# Fedora's kernel-devel both have it). No source file, no vmlinux.
# Host programs stay native (an arm64 distro's would be arm64 binaries).
# Prints the tree's path on its last line; cached next to the build.
# usage: make-headers-tree.sh KDIR
set -euo pipefail
. "$(dirname "$0")/common.sh"

kdir=${1:?usage: $0 KDIR}
dest=$kdir/headers-extmod
if [ ! -f "$dest.ready" ]; then
	rm -rf "$dest"
	(cd "$kdir/build" &&
	 srctree=$(readlink -f "$kdir/src") SRCARCH=arm64 CC=gcc HOSTCC=gcc \
		MAKE=make "$kdir/src/scripts/package/install-extmod-build" "$dest") >&2
	cp "$kdir/build/.config" "$dest/.config"
	touch "$dest.ready"
fi
echo "$dest"
