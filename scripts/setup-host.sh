#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the build, the VM tests and the dkms checks need on a Debian
# bookworm host. Idempotent: a second run does nothing but check.
#
# What it changes on the host (and nothing else):
#  - /etc/apt/sources.list.d/viommu-extra.sources: bookworm-backports,
#    trixie and sid, copied from the existing Debian entry;
#  - /etc/apt/preferences.d/viommu-pin: trixie and sid at priority -1, so
#    apt never installs or upgrades anything from them (they serve
#    `apt-get download` of kernel source and header packages only);
#  - the arm64 foreign architecture (package lists only, for downloads);
#  - the packages in need_pkgs (and SETUP_EXTRA_PKGS, a space list: make
#    bench's gnuplot-nox) from bookworm, and QEMU from
#    bookworm-backports by per-package release.
# Before installing, apt's simulation of the install is checked: if it
# would take any package from a suite other than bookworm(-updates,
# -security, -backports), or remove any package, nothing is installed and
# setup-host fails with the list of offending packages.
set -euo pipefail
. "$(dirname "$0")/common.sh"

need_pkgs=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross make bc bison flex
	   libssl-dev libelf-dev cpio rsync kmod xz-utils dpkg-dev dkms sparse
	   python3 perl gcc libc6-dev ca-certificates file dwarves
	   ${SETUP_EXTRA_PKGS:-})
qemu_pkgs=(qemu-system-arm qemu-system-common qemu-system-data)
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

# The pin goes in before the suites, so there is never a moment where apt
# could pick trixie or sid at the default priority.
pin_suites() {
	local pin=/etc/apt/preferences.d/viommu-pin
	local want
	want=$(printf '%s\n' \
		'# viommu: trixie and sid serve apt-get download only; never install from them.' \
		'Package: *' 'Pin: release n=trixie' 'Pin-Priority: -1' '' \
		'Package: *' 'Pin: release n=sid' 'Pin-Priority: -1')
	if [ "$(cat "$pin" 2>/dev/null)" != "$want" ]; then
		echo "$want" | sudo_ tee "$pin" >/dev/null
		updated=
	fi
	# An older setup-host set this; the pin replaces it (and -t overrode it).
	if [ -f /etc/apt/apt.conf.d/99viommu-default-release ]; then
		sudo_ rm -f /etc/apt/apt.conf.d/99viommu-default-release
		updated=
	fi
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
	echo 'Acquire::Languages "none";' |
		sudo_ tee /etc/apt/apt.conf.d/99viommu-nolang >/dev/null
	updated=
}

# Foreign arm64 package lists: busybox-static, linux-headers and
# libcap-dev (upstream's selftest links it) for arm64 are downloaded (never
# installed) from them.
add_arm64() {
	dpkg --print-foreign-architectures | grep -qx arm64 && return 0
	sudo_ dpkg --add-architecture arm64
	updated=
}

# install PKG... : simulate, refuse on a foreign suite or a removal, install.
guarded_install() {
	local sim
	sim=$(apt-get install -s -q --no-install-recommends "$@" 2>&1) || {
		echo "$sim" >&2
		die "apt cannot install $* (simulation failed); nothing was changed"
	}
	if ! echo "$sim" | "$SCRIPTS_DIR/apt-guard.sh"; then
		die "refusing to install $*: apt would change the host beyond bookworm (see above); nothing was changed"
	fi
	sudo_ env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

updated=yes
pin_suites
add_suites
add_arm64
if [ -z "$updated" ]; then
	sudo_ apt-get update -qq
fi
if have_all; then
	exit 0
fi
missing=()
for p in "${need_pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} = 0 ] || guarded_install "${missing[@]}"
if ! qemu_ok; then
	guarded_install "${qemu_pkgs[@]/%//bookworm-backports}"
fi
qemu_ok || die "need qemu-system-aarch64 >= $qemu_min"
echo "setup-host: host ready ($(qemu-system-aarch64 --version | head -n1))"
