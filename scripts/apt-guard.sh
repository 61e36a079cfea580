#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Judge apt's simulation of an install (`apt-get install -s ...` on stdin):
# refuse (exit 1, offenders on stderr) if it would remove any package, or
# take any package version that no bookworm suite (bookworm, -updates,
# -security, -backports) offers. Exit 0 if the install is safe.
set -uo pipefail

sim=$(cat)
bad=0
while IFS= read -r line; do
	[ -n "$line" ] || continue
	echo "apt-guard: would remove ${line#Remv }" >&2
	bad=1
done < <(echo "$sim" | grep '^Remv ')

# "Inst NAME [OLDVER] (NEWVER ORIGIN... [ARCH])" -> "NAME:ARCH NEWVER"
wanted=$(echo "$sim" | sed -n 's/^Inst \([^ ]*\) .*(\([^ ]*\) .*\[\([a-z0-9]*\)\])$/\1:\3 \2/p' |
	sed 's/:all / /')
[ -n "$wanted" ] || exit $bad
# One madison call for all (each apt-cache start reads every list).
offers=$(apt-cache madison $(echo "$wanted" | cut -d' ' -f1) 2>/dev/null |
	awk -F'|' '{gsub(/ /, "", $1); gsub(/ /, "", $2); split($3, f, " ");
		    print $1, $2, f[2], f[3]}')
while read -r spec ver; do
	name=${spec%%:*}
	arch=amd64
	[ "$spec" = "$name" ] || arch=${spec#*:}
	# madison: NAME VERSION SUITE/COMPONENT ARCH
	suites=$(echo "$offers" | awk -v n="$name" -v v="$ver" -v a="$arch" \
		'$1 == n && $2 == v && ($4 == a || $4 == "all" || a == "") { print $3 }')
	if ! echo "$suites" |
		grep -qE '^(bookworm|bookworm-updates|bookworm-security|bookworm-backports)/'; then
		echo "apt-guard: would install $name $ver from ${suites:-no bookworm suite}" | tr '\n' ' ' >&2
		echo >&2
		bad=1
	fi
done <<<"$wanted"
exit $bad
