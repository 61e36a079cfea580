// SPDX-License-Identifier: GPL-2.0
/*
 * Addresses of functions the kernel does not export. kallsyms_lookup_name()
 * is not exported either: a kprobe placed on it reports its address. No
 * address is trusted on the lookup alone: the reverse lookup must give the
 * same name at offset 0, and a module symbol must lie in the text of the
 * module we asked for, which then stays referenced until
 * viommu_sym_exit().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/string.h>

#include "internal.h"

static unsigned long (*viommu_kallsyms_lookup_name)(const char *name);
static struct module *(*viommu_module_text_address)(unsigned long addr);
/* The one module symbols were taken from; referenced while in use. */
static struct module *viommu_sym_owner;

/*
 * True when @addr is exactly the start of @name, in @modname (NULL: in
 * vmlinux), as sprint_symbol() prints it: "name+0x0/0xsize [mod]". @size,
 * if not NULL, gets the symbol's size.
 */
static bool viommu_sym_sized(unsigned long addr, const char *name,
			     const char *modname, unsigned long *size)
{
	size_t len = strlen(name);
	const char *tail;
	bool ok = false;
	char *buf;

	buf = kmalloc(KSYM_SYMBOL_LEN, GFP_KERNEL);
	if (!buf)
		return false;
	sprint_symbol(buf, addr);
	if (strncmp(buf, name, len) || strncmp(buf + len, "+0x0/", 5))
		goto out;
	if (size && sscanf(buf + len + 5, "%lx", size) != 1)
		goto out;
	tail = strchr(buf + len, ' ');
	if (!modname) {
		ok = !tail;
		goto out;
	}
	if (tail && tail[1] == '[') {
		len = strlen(modname);
		ok = !strncmp(tail + 2, modname, len) && tail[2 + len] == ']' &&
		     !tail[3 + len];
	}
out:
	kfree(buf);
	return ok;
}

static bool viommu_sym_is(unsigned long addr, const char *name,
			  const char *modname)
{
	return viommu_sym_sized(addr, name, modname, NULL);
}

/* Ask kprobes where @name is: they resolve names with kallsyms. */
static unsigned long viommu_sym_kprobe(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;

	if (register_kprobe(&kp))
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

/* A vmlinux symbol, by name, checked by the reverse lookup. */
static unsigned long viommu_sym_vmlinux(const char *name)
{
	unsigned long addr = viommu_kallsyms_lookup_name(name);

	if (!addr || !viommu_sym_is(addr, name, NULL))
		return 0;
	return addr;
}

/**
 * viommu_sym_init() - Find the lookup functions the resolver needs
 * @why: Filled with what failed
 *
 * Return: 0, or -ENOENT when kallsyms_lookup_name() or
 * __module_text_address() cannot be found and verified.
 */
int viommu_sym_init(struct viommu_shim_why *why)
{
	unsigned long addr;

	why->step = "find";
	why->name = "kallsyms_lookup_name";
	addr = viommu_sym_kprobe(why->name);
	if (!addr || !viommu_sym_is(addr, why->name, NULL))
		return -ENOENT;
	viommu_kallsyms_lookup_name = (void *)addr;

	why->name = "__module_text_address";
	addr = viommu_sym_vmlinux(why->name);
	if (!addr)
		return -ENOENT;
	viommu_module_text_address = (void *)addr;
	return 0;
}

/*
 * The module whose text holds @addr, if it is @modname: the first one
 * found is referenced, and every later symbol must come from it too.
 */
static int viommu_sym_own(unsigned long addr, const char *modname)
{
	struct module *mod;
	int rc = -EINVAL;

	/* __module_text_address() needs preemption off (or module_mutex). */
	preempt_disable();
	mod = viommu_module_text_address(addr);
	if (mod && !strcmp(mod->name, modname)) {
		if (viommu_sym_owner == mod) {
			rc = 0;
		} else if (!viommu_sym_owner && try_module_get(mod)) {
			viommu_sym_owner = mod;
			rc = 0;
		}
	}
	preempt_enable();
	return rc;
}

/* kallsyms address of @name in @modname only ("mod:name"), unchecked. */
static int viommu_sym_lookup_in(const char *modname, const char *name,
				unsigned long *addr)
{
	char full[MODULE_NAME_LEN + 64];

	if (!viommu_kallsyms_lookup_name)
		return -ENOENT;
	if (snprintf(full, sizeof(full), "%s:%s", modname, name) >=
	    sizeof(full))
		return -ENAMETOOLONG;
	*addr = viommu_kallsyms_lookup_name(full);
	return *addr ? 0 : -ENOENT;
}

/**
 * viommu_sym_resolve() - The address of a function of a module
 * @modname: The module that must hold the function
 * @name: The function
 * @addr: Where to put its address
 *
 * Only a symbol at offset 0 of its own name, in the text of @modname, is
 * accepted. All symbols must come from one module, which stays referenced
 * until viommu_sym_exit().
 *
 * Return: 0; -ENOENT if there is no such symbol, -EINVAL if what the lookup
 * gives is not the start of that function in @modname's text.
 */
int viommu_sym_resolve(const char *modname, const char *name,
		       unsigned long *addr)
{
	unsigned long a;
	int rc;

	rc = viommu_sym_lookup_in(modname, name, &a);
	if (rc)
		return rc;
	if (!viommu_sym_is(a, name, modname) || viommu_sym_own(a, modname))
		return -EINVAL;
	*addr = a;
	return 0;
}

/**
 * viommu_sym_resolve_data() - The address of a data object of a module
 * @modname: The module that must hold it; the one functions came from
 * @name: The object (static data is listed with KALLSYMS_ALL)
 * @size: How many bytes of it the caller reads
 * @addr: Where to put its address
 *
 * Call after viommu_sym_resolve() took the module: only a symbol at offset
 * 0 of its own name, inside that module, at least @size bytes long, is
 * accepted.
 *
 * Return: 0; -ENOENT if there is no such symbol, -EINVAL if it is not
 * where or what it must be.
 */
int viommu_sym_resolve_data(const char *modname, const char *name,
			    size_t size, unsigned long *addr)
{
	unsigned long symsize = 0;
	unsigned long a;
	int rc;

	if (!viommu_sym_owner || strcmp(viommu_sym_owner->name, modname))
		return -ENOENT;
	rc = viommu_sym_lookup_in(modname, name, &a);
	if (rc)
		return rc;
	if (!within_module(a, viommu_sym_owner) ||
	    !viommu_sym_sized(a, name, modname, &symsize) || symsize < size)
		return -EINVAL;
	*addr = a;
	return 0;
}

static int viommu_sym_count(void *data, unsigned long addr)
{
	(*(unsigned int *)data)++;
	return 0;
}

/*
 * How many vmlinux symbols are named @name (0 when it cannot be told):
 * SMMU v2 and v3 share static names, and kallsyms_lookup_name() gives
 * whichever comes first.
 */
static unsigned int viommu_sym_vmlinux_count(const char *name)
{
	static int (*each)(int (*fn)(void *, unsigned long), const char *name,
			   void *data);
	unsigned int n = 0;

	if (!each)
		each = (void *)viommu_sym_vmlinux("kallsyms_on_each_match_symbol");
	if (!each)
		return 0;
	each(viommu_sym_count, name, &n);
	return n;
}

/**
 * viommu_sym_vmlinux_is() - Whether an address is the start of a vmlinux symbol
 * @addr: The address, e.g. read from an ops table
 * @name: The name it must have
 *
 * Return: true if @addr is offset 0 of @name, in vmlinux (not a module).
 */
bool viommu_sym_vmlinux_is(unsigned long addr, const char *name)
{
	return addr && viommu_sym_is(addr, name, NULL);
}

/* arm64 B and BL: opcode in bits 31:26, a signed word offset in 25:0. */
#define VIOMMU_INSN_B_MASK	0x7c000000
#define VIOMMU_INSN_B		0x14000000

/**
 * viommu_sym_vmlinux_calls() - Whether a vmlinux function branches to another
 * @addr: The caller, the start of @name
 * @name: Its symbol, which gives its size
 * @callee: The address it must call (BL) or tail-call (B)
 *
 * A hook sees only the calls that reach the hooked function's own code: a
 * caller that got an inlined copy would bypass it, and nothing else tells.
 *
 * Return: true if one of @name's instructions branches to @callee.
 */
bool viommu_sym_vmlinux_calls(unsigned long addr, const char *name,
			      unsigned long callee)
{
	unsigned long size = 0, off;
	u32 insn;
	s32 imm;

	if (!addr || !viommu_sym_sized(addr, name, NULL, &size))
		return false;
	for (off = 0; off + 4 <= size; off += 4) {
		if (copy_from_kernel_nofault(&insn, (void *)(addr + off), 4))
			return false;
		insn = le32_to_cpu((__force __le32)insn);
		if ((insn & VIOMMU_INSN_B_MASK) != VIOMMU_INSN_B)
			continue;
		/* imm26, sign-extended, in words. */
		imm = (s32)(insn << 6) >> 6;
		if (addr + off + (long)imm * 4 == callee)
			return true;
	}
	return false;
}

/*
 * The address of @name in vmlinux, which must be unique there and at
 * least @size bytes long (0: any).
 */
static int viommu_sym_unique_vmlinux(const char *name, size_t size,
				     unsigned long *addr)
{
	unsigned long symsize = 0;
	unsigned long a;

	if (!viommu_kallsyms_lookup_name)
		return -ENOENT;
	a = viommu_kallsyms_lookup_name(name);
	if (!a)
		return -ENOENT;
	if (viommu_sym_vmlinux_count(name) != 1)
		return -ENOTUNIQ;
	if (!viommu_sym_sized(a, name, NULL, &symsize) || symsize < size)
		return -EINVAL;
	*addr = a;
	return 0;
}

/**
 * viommu_sym_resolve_vmlinux() - The address of a vmlinux function
 * @name: The function; its name must be unique in vmlinux
 * @addr: Where to put its address
 *
 * Return: 0; -ENOENT if there is no such symbol, -ENOTUNIQ if vmlinux has
 * more than one (or cannot tell), -EINVAL if the lookup is not the start
 * of @name in vmlinux.
 */
int viommu_sym_resolve_vmlinux(const char *name, unsigned long *addr)
{
	return viommu_sym_unique_vmlinux(name, 0, addr);
}

/**
 * viommu_sym_resolve_vmlinux_data() - The address of a vmlinux data object
 * @name: The object (static data is listed with KALLSYMS_ALL); unique
 * @size: How many bytes of it the caller uses
 * @addr: Where to put its address
 *
 * Return: as viommu_sym_resolve_vmlinux(); also -EINVAL if the symbol is
 * smaller than @size.
 */
int viommu_sym_resolve_vmlinux_data(const char *name, size_t size,
				    unsigned long *addr)
{
	return viommu_sym_unique_vmlinux(name, size, addr);
}

/**
 * viommu_sym_resolve_vmlinux_object() - A vmlinux data object of a known type
 * @name: The object (static data is listed with KALLSYMS_ALL); unique
 * @size: The size BTF gives its type
 * @addr: Where to put its address
 *
 * The symbol must span at least @size bytes (kallsyms knows no sizes: the
 * span runs to the next symbol, alignment included) and lie in the
 * kernel's .data (between _sdata and _edata): not text, not rodata, not
 * freed init data.
 *
 * Return: as viommu_sym_resolve_vmlinux_data(); -EINVAL also when it lies
 * outside .data.
 */
int viommu_sym_resolve_vmlinux_object(const char *name, size_t size,
				      unsigned long *addr)
{
	unsigned long start, end, a;
	int rc;

	rc = viommu_sym_unique_vmlinux(name, size, &a);
	if (rc)
		return rc;
	/* By name only: the reverse lookup gives their aliases (init_stack). */
	start = viommu_kallsyms_lookup_name("_sdata");
	end = viommu_kallsyms_lookup_name("_edata");
	if (!start || end <= start || a < start || a >= end ||
	    size > end - a)
		return -EINVAL;
	*addr = a;
	return 0;
}

/**
 * viommu_sym_exit() - Let go of the module symbols came from
 *
 * The addresses viommu_sym_resolve() gave must not be used afterwards.
 */
void viommu_sym_exit(void)
{
	if (viommu_sym_owner)
		module_put(viommu_sym_owner);
	viommu_sym_owner = NULL;
	viommu_kallsyms_lookup_name = NULL;
	viommu_module_text_address = NULL;
}
