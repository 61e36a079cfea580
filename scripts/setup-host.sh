#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the build, the VM tests and the dkms checks need on a Debian
# bookworm host. Idempotent: a second run does nothing but check.
set -euo pipefail

need_pkgs=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross make bc bison flex
	   libssl-dev libelf-dev cpio rsync kmod xz-utils dpkg-dev dkms sparse
	   python3 perl gcc libc6-dev ca-certificates file)
# QEMU >= 9.2 emulates SMMUv3 stage 2 / nesting; bookworm has 7.2.
qemu_min=9.2

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

have_all() {
	local p
	for p in "${need_pkgs[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || return 1
	done
	qemu_ok
}

qemu_ok() {
	command -v qemu-system-aarch64 >/dev/null || return 1
	local v
	v=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\.[0-9]*\).*/\1/p')
	[ "$(printf '%s\n%s\n' "$qemu_min" "$v" | sort -V | head -n1)" = "$qemu_min" ]
}

# Add extra suites by copying the existing Debian entry (no host names here).
add_suites() {
	local src=/etc/apt/sources.list.d/debian.sources
	local dst=/etc/apt/sources.list.d/viommu-extra.sources
	[ -f "$dst" ] && return 0
	if [ ! -f "$src" ]; then
		echo "setup-host: $src not found; add bookworm-backports, trixie and sid by hand" >&2
		exit 1
	fi
	# First stanza only (the main archive, not -security).
	awk 'BEGIN{RS=""; ORS="\n\n"} NR==1' "$src" |
		sed 's/^Suites:.*/Suites: bookworm-backports trixie sid/' |
		sudo_ tee "$dst" >/dev/null
	# Keep bookworm the default so trixie/sid libraries never leak in.
	echo 'APT::Default-Release "bookworm";' |
		sudo_ tee /etc/apt/apt.conf.d/99viommu-default-release >/dev/null
	echo 'Acquire::Languages "none";' |
		sudo_ tee /etc/apt/apt.conf.d/99viommu-nolang >/dev/null
	updated=
}

# Foreign arm64 package lists: busybox-static and linux-headers for arm64
# are downloaded (never installed) from them.
add_arm64() {
	dpkg --print-foreign-architectures | grep -qx arm64 && return 0
	sudo_ dpkg --add-architecture arm64
	updated=
}

updated=yes
add_suites
add_arm64
if [ -z "$updated" ]; then
	sudo_ apt-get update -qq
fi
if have_all; then
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
[ -z "$updated" ] || sudo_ apt-get update -qq
sudo_ apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
if ! qemu_ok; then
	sudo_ apt-get install -y -qq --no-install-recommends -t bookworm-backports \
		qemu-system-arm qemu-efi-aarch64 ipxe-qemu >/dev/null
fi
qemu_ok || { echo "setup-host: need qemu-system-aarch64 >= $qemu_min" >&2; exit 1; }
echo "setup-host: host ready ($(qemu-system-aarch64 --version | head -n1))"
