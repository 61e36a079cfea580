#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The coverage denominator of viommu_fuzz: every KCOV point of viommu.ko
# and viommu_selftest.ko as built in MODDIR (the module tree, with its
# src/*/*.o), one line each:
#   MODULE SECTION OFFSET COMPONENT FUNCTION
# OFFSET (hex, in SECTION) is the return address of a call to
# __sanitizer_cov_trace_pc, the bl + 4: what KCOV records (_RET_IP_).
# COMPONENT is the source directory the function comes from (core, door,
# shim, smmuv3, cmdqv, selftest), found by matching the function (name,
# size, points) in MODDIR/src/*/*.o (viommu_selftest.ko is src/selftest,
# viommu.ko the rest). Points in .init.text/.exit.text and in the KASAN
# constructors and destructors (.text.startup, .text.exit) are left out:
# they run at load and unload only. The header says how many.
# A sixth column, "export-only", marks an exported function that nothing
# in either module calls or points to and the other module does not
# import: an out-of-line copy only KUnit's modules call (its callers in
# its file inlined it). viommu_fuzz leaves those out of its "reachable"
# figure (README, Fuzzing); they stay in every other count.
# usage: kcov-points.sh MODDIR OUTFILE
set -euo pipefail

moddir=${1:?usage: $0 MODDIR OUTFILE} outfile=${2:?usage: $0 MODDIR OUTFILE}
cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
objdump=${cross}objdump
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "SECTION OFFSET" of each call to __sanitizer_cov_trace_pc in one object
calls() {
	"$objdump" -r "$1" | awk '
		/^RELOCATION RECORDS FOR \[/ {
			sec = $4; sub(/^\[/, "", sec); sub(/\]:$/, "", sec)
			sub(/^\.rela/, "", sec); next
		}
		$3 == "__sanitizer_cov_trace_pc" &&
		($2 == "R_AARCH64_CALL26" || $2 == "R_AARCH64_JUMP26") {
			print sec, $1
		}'
}

# "SECTION START SIZE NAME" of each function symbol
funcs() {
	"$objdump" -t "$1" | awk '$3 == "F" { print $4, $1, $5, $6 }'
}

# Points of each function: "SECTION OFFSET(hex, bl+4) FUNCTION"
points_of() {
	local obj=$1
	funcs "$obj" >"$tmp/f"
	calls "$obj" >"$tmp/c"
	awk '
		function hex(s,   i, c, v) {
			v = 0; s = tolower(s)
			for (i = 1; i <= length(s); i++) {
				c = index("0123456789abcdef", substr(s, i, 1)) - 1
				v = v * 16 + c
			}
			return v
		}
		FNR == NR {
			n++; fs[n] = $1; fa[n] = hex($2); fz[n] = hex($3); fn[n] = $4
			next
		}
		{
			off = hex($2); name = "?"
			for (i = 1; i <= n; i++)
				if (fs[i] == $1 && fa[i] <= off && off < fa[i] + fz[i]) {
					name = fn[i]; size = fz[i]; break
				}
			printf "%s %x %s %d\n", $1, off + 4, name, size
		}' "$tmp/f" "$tmp/c"
}

# Exported functions of $1 that only its export table refers to, and
# that module $2 does not import: one name a line.
export_only() {
	"$objdump" -r "$1" | awk '
		/^RELOCATION RECORDS FOR \[/ { sec = $4; next }
		NF >= 3 && $2 ~ /^R_AARCH64_/ {
			n = $3; sub(/[-+]0x[0-9a-f]+$/, "", n)
			if (sec ~ /__ksymtab/) ex[n] = 1; else ref[n] = 1
		}
		END { for (n in ex) if (!(n in ref)) print n }' | sort >"$tmp/exp"
	"${cross}nm" -u "$2" | awk '{ print $NF }' | sort >"$tmp/imp"
	comm -23 "$tmp/exp" "$tmp/imp"
}

# Component of each function: "NAME SIZE NPOINTS COMPONENT" from the .o files
: >"$tmp/comp"
for obj in "$moddir"/src/*/*.o; do
	[ -f "$obj" ] || continue
	comp=$(basename "$(dirname "$obj")")
	points_of "$obj" |
		awk -v c="$comp" '{ k = $3 " " $4; n[k]++ }
			END { for (k in n) print k, n[k], c }' >>"$tmp/comp"
done

: >"$tmp/out"
excluded=0
for mod in viommu viommu_selftest; do
	ko=$moddir/$mod.ko
	other=$moddir/viommu_selftest.ko
	[ "$mod" = viommu ] || other=$moddir/viommu.ko
	[ -f "$ko" ] || { echo "kcov-points: $ko missing" >&2; exit 1; }
	[ -f "$other" ] || { echo "kcov-points: $other missing" >&2; exit 1; }
	points_of "$ko" >"$tmp/p.$mod"
	export_only "$ko" "$other" >"$tmp/eo.$mod"
	excluded=$((excluded + $(awk '$1 ~ /^(\.init\.text|\.exit\.text|\.text\.startup|\.text\.exit)$/' \
		"$tmp/p.$mod" | wc -l)))
	# Join with the component table: name, size and point count.
	awk -v m="$mod" '
		FILENAME ~ /\/eo\./ { eo[$1] = 1; next }
		FNR == NR {
			# The selftest module is src/selftest, viommu.ko the rest.
			if ((m == "viommu_selftest") != ($4 == "selftest"))
				next
			comp[$1 " " $2 " " $3] = $4; any[$1 " " $2] = $4; next
		}
		{ key = $3 " " $4; cnt[key]++; line[NR] = $0 }
		END {
			for (i in line) {
				split(line[i], f, " ")
				key = f[3] " " f[4]
				c = comp[key " " cnt[key]]
				if (c == "") c = any[key]
				if (c == "") c = "unknown"
				if (f[1] ~ /^(\.init\.text|\.exit\.text|\.text\.startup|\.text\.exit)$/)
					continue
				printf "%s %s 0x%s %s %s%s\n", m, f[1], f[2], c, f[3],
				       f[3] in eo ? " export-only" : ""
			}
		}' "$tmp/comp" "$tmp/eo.$mod" "$tmp/p.$mod" | sort -k2,2 -k3,3 >>"$tmp/out"
done

total=$(wc -l <"$tmp/out")
{
	echo "# kcov points of viommu.ko and viommu_selftest.ko: $total"
	echo "# left out: $excluded points in .init.text/.exit.text/.text.startup/.text.exit (load and unload only)"
	echo "# export-only: $(grep -c ' export-only$' "$tmp/out") points (exported for KUnit only, inlined where called)"
	echo "# module section offset component function [export-only]"
	cat "$tmp/out"
} >"$outfile"
echo "kcov-points: $total points into $outfile ($excluded init/exit left out)"
awk '!/^#/ { n[$1 " " $4]++ } END { for (k in n) print "kcov-points:", k, n[k] }' \
	"$outfile" | sort
