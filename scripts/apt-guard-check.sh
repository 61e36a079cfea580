#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The host-setup guard bites: a simulated install that would take a package
# from trixie or sid, or remove one, is refused; a bookworm one is not; and
# the pins keep apt from ever choosing trixie or sid on its own.
# Prints "ok NAME" / "not ok NAME" lines. Changes nothing on the host.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guard=$SCRIPTS_DIR/apt-guard.sh
result() { if [ "$1" = 0 ]; then echo "ok $2"; else echo "not ok $2"; fi; }
arch=$(dpkg --print-architecture)
# m4: a small package every suite has, in a different version each.
pkg=m4
offers=$(apt-cache madison "$pkg")
policy=$(apt-cache policy "$pkg")
ver_of() {	# the version suite $1 offers
	echo "$offers" | awk -F'|' -v s="$1/" -v a="$arch" \
		'index($3, " " s) && index($3, a) { gsub(/ /, "", $2); print $2; exit }'
}
sid_ver=$(ver_of sid)
bw_ver=$(ver_of bookworm)

inst() { echo "Inst $pkg ($1 Debian:x [$arch])"; }
if [ -n "$sid_ver" ] && [ "$sid_ver" != "$bw_ver" ]; then
	inst "$sid_ver" | "$guard" 2>/dev/null
	result $(( $? == 0 )) apt_guard_refuses_sid_package
else
	echo "not ok apt_guard_refuses_sid_package (no distinct sid version of $pkg)"
fi
inst "$bw_ver" | "$guard"
result $? apt_guard_accepts_bookworm_package

apt-get remove -s -q make 2>/dev/null | "$guard" 2>/dev/null
result $(( $? == 0 )) apt_guard_refuses_removal

# Every trixie and sid version of the package is pinned below 0.
pins=$(echo "$policy" | grep -E ' (trixie|sid)/' | awk '{print $1}' | sort -u)
[ "$pins" = "-1" ]
result $? apt_pins_trixie_and_sid_never_install
# And apt's own choice stays on bookworm.
cand=$(echo "$policy" | sed -n 's/^ *Candidate: //p')
[ "$cand" = "$bw_ver" ]
result $? apt_candidate_stays_on_bookworm
