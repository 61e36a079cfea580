#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# x86_64 compile check: our modules built with W=1 and sparse against an
# x86_64_defconfig tree (plus scripts/kernel-x86.config) of the same Debian
# linux-source-6.12 the arm64 test kernel uses. Only `modules_prepare` is
# run, never a kernel build: cached under
# $VIOMMU_CACHE/kernel-x86/<source version>-<fragment hash>, a warm run does
# no kernel work.
# Without vmlinux modpost cannot resolve kernel symbols, so every symbol our
# modules import is checked against the EXPORT_*() of the source tree
# instead (x86 and generic code only), and the shim must be the stub.
# Prints "ok NAME" or "not ok NAME" per check.
# usage: build-x86-check.sh KDIR   (the arm64 test kernel: its source is reused)
set -uo pipefail
. "$(dirname "$0")/common.sh"

kdir=${1:?usage: $0 KDIR}
frag=$SCRIPTS_DIR/kernel-x86.config
src=$(readlink -f "$kdir/src")
[ -f "$src/Makefile" ] || die "no kernel source at $kdir/src"
ver=$(basename "$(dirname "$src")")
hash=$(sha256sum "$frag" | cut -c1-12)
xdir=$VIOMMU_CACHE/kernel-x86/$ver-$hash
mkdir -p "$VIOMMU_CACHE/kernel-x86"

result() { echo "$1 $2"; }
# Native gcc: the host is x86_64 (common.sh exports the arm64 CROSS_COMPILE).
mk() { make -s -C "$src" O="$xdir/build" ARCH=x86_64 CROSS_COMPILE= "$@"; }

# The list of symbols the kernel exports, from its source: what modpost
# would have read from vmlinux's Module.symvers.
list_exports() {
	local d dirs=(arch/x86)
	for d in "$src"/*/; do
		d=$(basename "$d")
		case $d in arch|tools|Documentation|samples|scripts|usr) ;;
		*) dirs+=("$d");;
		esac
	done
	(cd "$src" && grep -rhoE --include='*.[chS]' \
		'EXPORT_[A-Z_]+\([[:space:]]*[A-Za-z0-9_]+' "${dirs[@]}") |
	sed -nE 's/^EXPORT_(SYMBOL|SYMBOL_GPL|SYMBOL_NS|SYMBOL_NS_GPL|SYMBOL_NOKASAN|SYMBOL_KASAN|PER_CPU_SYMBOL|PER_CPU_SYMBOL_GPL|EARLY_PER_CPU_SYMBOL|INDIRECT_CALLABLE)\([[:space:]]*/S /p
		s/^EXPORT_STATIC_CALL[A-Z_]*\([[:space:]]*/C /p
		s/^EXPORT_TRACEPOINT_SYMBOL[A-Z_]*\([[:space:]]*/T /p' |
	awk '$1 == "S" { print $2 }
	     $1 == "C" { print "__SCK__" $2; print "__SCT__" $2 }
	     $1 == "T" { print "__tracepoint_" $2; print "__traceiter_" $2
			 print "__SCK__tp_func_" $2; print "__SCT__tp_func_" $2 }'
	# retpoline.S pastes the thunk names together: one per 64-bit register.
	sed -n '/CONFIG_64BIT/,/#else/s/^GEN(\([a-z0-9]*\))$/\1/p' \
		"$src/arch/x86/include/asm/GEN-for-each-reg.h" |
	awk '{ print "__x86_indirect_thunk_" $1; print "__x86_indirect_call_thunk_" $1
	       print "__x86_indirect_jump_thunk_" $1 }'
}

prepare() {
	local start
	start=$(date +%s)
	rm -rf "$xdir"
	mkdir -p "$xdir/build"
	ln -s "$src" "$xdir/src"
	log "configuring x86_64 $ver (fragment $hash)"
	mk x86_64_defconfig || return 1
	"$src/scripts/kconfig/merge_config.sh" -m -O "$xdir/build" \
		"$xdir/build/.config" "$frag" >/dev/null || return 1
	mk olddefconfig || return 1
	if ! config_has_fragment "$frag" "$xdir/build/.config"; then
		log "the x86_64 config lacks options it asked for (see above)"
		return 1
	fi
	log "modules_prepare with $JOBS jobs (no kernel build)"
	mk -j"$JOBS" modules_prepare || return 1
	list_exports | sort -u >"$xdir/exports"
	[ -s "$xdir/exports" ] || return 1
	log "x86_64 tree prepared in $(( $(date +%s) - start ))s"
	touch "$xdir/ready"
}

exec 9>"$VIOMMU_CACHE/kernel-x86/.lock"
flock 9
if [ ! -f "$xdir/ready" ] && ! prepare; then
	result "not ok" x86_64_build
	exit 0
fi
flock -u 9

# Build a copy: the repo holds the arm64 build the VM tests load.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
m=$work/viommu
mkdir -p "$m"
cp -a "$TOP_DIR"/{Makefile,Kbuild,src,include,kunit} "$m/"
find "$m" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \
	-o -name '*.a' -o -name modules.order -o -name Module.symvers \) -delete
# Paths as in the repo, without kbuild's progress lines.
show() { grep -vE '^  [A-Z]+ ' "$@" | sed "s|$m/||g" >&2; }

out=$work/build.log
if ! make -C "$xdir/build" M="$m" ARCH=x86_64 CROSS_COMPILE= W=1 C=1 KBUILD_MODPOST_WARN=1 \
	-j"$JOBS" modules >"$out" 2>&1; then
	show "$out"
	log "x86_64 module build failed"
	result "not ok" x86_64_build
	exit 0
fi

ok=1
# Allowed: modpost cannot see vmlinux. Every symbol is checked below.
grep -vxE 'WARNING: Module\.symvers is missing\.|WARNING: modpost: "[A-Za-z0-9_.]+" \[[^]]+\] undefined!|WARNING: modpost: suppressed [0-9]+ unresolved symbol warnings because there were too many\)' \
	"$out" | grep -iE 'warning:|error:' >"$work/warn"
if [ -s "$work/warn" ]; then
	show "$work/warn"
	log "x86_64 module build is not W=1/sparse clean (see above)"
	ok=
fi
grep -q '^  CHECK ' "$out" || { log "sparse did not run"; ok=; }

mods="viommu viommu_selftest"
grep -q '^CONFIG_KUNIT=[ym]' "$xdir/build/.config" &&
	mods="$mods viommu_kunit viommu_selftest_kunit viommu_btf_fuzz"
for mod in $mods; do
	if ! file "$m/$mod.ko" 2>/dev/null | grep 'ELF 64-bit.*x86-64' >/dev/null; then
		log "$mod.ko missing or not an x86-64 ELF: $(file "$m/$mod.ko" 2>&1)"
		ok=
	fi
done
if [ -n "$ok" ]; then
	log "built ${mods// /.ko, }.ko for x86_64, W=1 and sparse clean"
	result ok x86_64_build
else
	result "not ok" x86_64_build
	exit 0
fi

# What modpost would have checked against vmlinux: each imported symbol is
# exported by the kernel or by one of our modules.
cut -f2 "$m/Module.symvers" | sort -u >"$work/ours"
missing=
for mod in $mods; do
	bad=$(nm -u "$m/$mod.ko" | awk '{ print $2 }' | sort -u |
		comm -23 - "$work/ours" | comm -23 - "$xdir/exports")
	[ -z "$bad" ] && continue
	log "$mod.ko uses symbols the x86_64 kernel does not export:" "${bad//$'\n'/ }"
	missing=1
done
if [ -z "$missing" ]; then
	log "every symbol imported on x86_64 is exported by the kernel or by our modules"
	result ok x86_64_only_exported_symbols
else
	result "not ok" x86_64_only_exported_symbols
fi

# The shim must be the stub, and say why. The BTF reader and the layout
# table are plain code, built everywhere; nothing else of the shim is.
why=$(sed -n '/CONFIG_ARM64/{n;s/^viommu_shim_off := //p}' "$TOP_DIR/Kbuild")
if [ -n "$why" ] && [ -f "$m/src/shim/unavailable.o" ] &&
	[ "$(cd "$m" && echo src/shim/*.o)" = \
	  "src/shim/btf.o src/shim/layout.o src/shim/unavailable.o" ] &&
	strings "$m/viommu.ko" | grep -xF "$why" >/dev/null; then
	log "x86_64 shim is the stub: \"$why\""
	result ok x86_64_shim_is_stub
else
	log "x86_64 shim is not the stub (reason \"$why\"): $(cd "$m" && ls src/shim/*.o)"
	result "not ok" x86_64_shim_is_stub
fi
