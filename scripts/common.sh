# SPDX-License-Identifier: GPL-2.0
# Shared settings for the viommu scripts; sourced, not run.

# Everything heavy (kernel source and builds, header packages, VM images)
# lives outside the repo, so a clean clone reuses it.
VIOMMU_CACHE=${VIOMMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/viommu}
SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$SCRIPTS_DIR/.." && pwd)
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
JOBS=${JOBS:-$(nproc)}
export VIOMMU_CACHE CROSS_COMPILE

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
log() { echo "$(basename "$0"): $*" >&2; }

# Newest version any configured suite offers for a package, whatever its
# pin: used for `apt-get download` only (trixie and sid are pinned to -1).
apt_candidate() {
	apt-cache madison "$1" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}' |
		sort -V | tail -n1 | grep .
}

# Check that every option line of fragment $1 is in .config $2, as asked.
config_has_fragment() {
	local line got ok=0
	while IFS= read -r line; do
		case $line in ''|'#'*) continue;; esac
		grep -qxF "$line" "$2" && continue
		got=$(grep -E "^(# )?${line%%=*}[= ]" "$2" || echo "absent")
		log "config: asked for $line, got: $got"
		ok=1
	done <"$1"
	return $ok
}

# Download a package (no install) and unpack it into $2. Cached by file name.
fetch_deb() {
	local spec=$1 dest=$2 debdir=$VIOMMU_CACHE/debs
	mkdir -p "$debdir" "$dest"
	# Pinned suites (trixie, sid) have no candidate: name the version.
	case $spec in *=*) ;; *) spec=$spec=$(apt_candidate "$spec") ||
		die "apt offers no $spec";; esac
	(cd "$debdir" && apt-get download -qq "$spec" >/dev/null 2>&1) ||
		die "apt-get download $spec failed"
	local name=${spec%%=*} ver='*' arch='[a-z0-9]+'
	case $spec in *=*) ver=${spec#*=}; ver=${ver//:/%3a};; esac
	case $name in *:*) arch=${name#*:}; name=${name%%:*};; esac
	local deb
	deb=$(ls -t "$debdir"/"${name}_"$ver"_"*.deb 2>/dev/null |
		grep -E "_($arch|all)\.deb$" | head -n1)
	[ -n "$deb" ] || die "downloaded $spec but cannot find its .deb"
	dpkg-deb -x "$deb" "$dest"
}

# The test kernel's own uAPI headers (headers_install, once): prints the
# directory to put on the include path.
kernel_uapi_headers() {
	local hdr=$1/headers
	if [ ! -f "$hdr/ready" ]; then
		make -s -C "$1/build" ARCH=arm64 INSTALL_HDR_PATH="$hdr" headers_install >&2
		touch "$hdr/ready"
	fi
	echo "$hdr/include"
}
