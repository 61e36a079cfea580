// SPDX-License-Identifier: GPL-2.0
/*
 * btf_split: the shim's BTF reader and layout checks, through the fuzz
 * target viommu_btf_fuzz.ko (kunit/btf_fuzz.c). The shim only ever meets
 * the running kernel's BTF, well-formed and matching; here each call takes
 * iommufd.ko's split BTF as the kernel gives it, breaks it in a few places
 * chosen from its seed (mostly inside the records the shim's table looks
 * up: a member's type or offset, a prototype, a kind, a name, the header)
 * and hands it to the target, which parses it on vmlinux's BTF and checks
 * the shim's table against it without learning anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>

#include "ops.h"

#define BTF_TARGET "/sys/kernel/debug/viommu_btf_fuzz/split"
#define BTF_SPLIT "/sys/kernel/btf/iommufd"
#define BTF_BASE "/sys/kernel/btf/vmlinux"
#define BTF_KIND_MAX_KNOWN 19	/* BTF_KIND_ENUM64 */
/* Room for the records and strings one call adds */
#define GROW_MAX (64 * 1024)
#define FNV_PRIME 16777619U

/* Read in main before any program forks: the children share it. */
static struct {
	__u8 *blob;		/* iommufd.ko's BTF as the kernel gives it */
	size_t len;
	__u32 *rec;		/* offset of each type record in blob */
	__u32 *rec_len;
	__u32 nrec;
	__u32 *hot;		/* records of iommufd's own names */
	__u32 nhot;
	__u32 *agg;		/* of those, the structs, unions and enums */
	__u32 nagg;
	__u32 str, str_len;	/* the string section in blob */
	__u32 str_base;		/* vmlinux's string section: where ours start */
	__u32 start_id;		/* the first type id of the split BTF */
	int on;
} bt;

static __u8 *read_file(const char *path, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	__u8 *buf = malloc(cap);
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((got = read(fd, buf + n, cap - n)) > 0) {
		n += got;
		if (n == cap) {
			__u8 *more = realloc(buf, cap * 2);

			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
	}
	close(fd);
	if (got < 0 || n < sizeof(struct btf_header)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Bytes after the struct btf_type of a record of @kind with @vlen */
static long trailer(__u32 kind, __u32 vlen)
{
	switch (kind) {
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC:
	case BTF_KIND_ENUM64:
		return vlen * 12L;
	case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO:
		return vlen * 8L;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC: case BTF_KIND_FLOAT: case BTF_KIND_TYPE_TAG:
		return 0;
	}
	return -1;
}

/* Walk a blob's type section: @rec and @rec_len when non-NULL. */
static long walk(const __u8 *blob, size_t len, __u32 *rec, __u32 *rec_len)
{
	const struct btf_header *h = (const void *)blob;
	__u32 off = h->hdr_len + h->type_off, end = off + h->type_len;
	long n = 0;

	if (end > len)
		return -1;
	while (off < end) {
		const struct btf_type *t = (const void *)(blob + off);
		long more;

		if (off + sizeof(*t) > end)
			return -1;
		more = trailer(BTF_INFO_KIND(t->info), BTF_INFO_VLEN(t->info));
		if (more < 0 || off + sizeof(*t) + more > end)
			return -1;
		if (rec) {
			rec[n] = off;
			rec_len[n] = sizeof(*t) + more;
		}
		off += sizeof(*t) + more;
		n++;
	}
	return n;
}

static int hot_name(const char *s)
{
	return s && (!strncmp(s, "iommufd_", 8) || !strncmp(s, "iopt_", 5) ||
		     !strcmp(s, "io_pagetable"));
}

static int target_write(const __u8 *blob, size_t len, char *why, size_t why_len)
{
	int fd = open(BTF_TARGET, O_RDWR | O_CLOEXEC), err;
	ssize_t rc;

	if (fd < 0)
		return -errno;
	rc = write(fd, blob, len);
	err = rc < 0 ? -errno : 0;
	if (why) {
		ssize_t n = read(fd, why, why_len - 1);

		why[n > 0 ? n : 0] = 0;
	}
	close(fd);
	return err;
}

/*
 * The kernel's blob with "iommufd_object" renamed "Iommufd_object" must
 * be refused: ENOENT, the reason naming it. Return: 0, or what it gave.
 */
static int renamed_refused(char *why, size_t why_len)
{
	__u8 *copy = malloc(bt.len);
	char *p = (char *)copy + bt.str;
	size_t left = bt.str_len;
	int rc;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, bt.blob, bt.len);
	while (left) {
		size_t l = strnlen(p, left);

		if (!strcmp(p, "iommufd_object"))
			*p = 'I';
		if (l == left)
			break;
		p += l + 1;
		left -= l + 1;
	}
	rc = target_write(copy, bt.len, why, why_len);
	free(copy);
	if (rc == -ENOENT && strstr(why, "iommufd_object"))
		return 0;
	return rc ? rc : -EINVAL;
}

/*
 * Read both BTF files and check the target once: the kernel's own blob
 * must pass, and one without struct iommufd_object must not.
 * Return: 0 (the op runs); 1 (no target, no BTF, or the shim is off and
 * the kernel's own BTF may not pass: the op skips, said in one line);
 * -1 (broken).
 */
int btf_target_init(void)
{
	const struct btf_header *h;
	__u8 *base;
	size_t base_len;
	char why[256];
	long n;
	__u32 i, str_base;
	int rc;

	if (access(BTF_TARGET, W_OK)) {
		out("btf target: none (viommu_btf_fuzz not loaded): btf_split skips");
		return 1;
	}
	/* Without the BTF the shim is off too: nothing to break. */
	if (access(BTF_SPLIT, R_OK) || viommu_param_state("shim_ready") != 'Y') {
		out("btf target: no %s or the shim is off: btf_split skips",
		    BTF_SPLIT);
		return 1;
	}
	bt.blob = read_file(BTF_SPLIT, &bt.len);
	base = read_file(BTF_BASE, &base_len);
	if (!bt.blob || !base) {
		out("FAIL btf target: cannot read %s or %s", BTF_SPLIT, BTF_BASE);
		return -1;
	}
	n = walk(base, base_len, NULL, NULL);
	h = (const void *)base;
	str_base = h->str_len;
	bt.str_base = str_base;
	free(base);
	h = (const void *)bt.blob;
	if (n >= 0) {	/* the base's types, then the split's own */
		bt.start_id = n + 1;
		n = walk(bt.blob, bt.len, NULL, NULL);
	}
	if (n < 0) {
		out("FAIL btf target: the kernel's BTF does not walk");
		return -1;
	}
	bt.str = h->hdr_len + h->str_off;
	bt.str_len = h->str_len;
	bt.rec = calloc(n, sizeof(*bt.rec));
	bt.rec_len = calloc(n, sizeof(*bt.rec_len));
	bt.hot = calloc(2 * n, sizeof(*bt.hot));
	bt.agg = calloc(n, sizeof(*bt.agg));
	if (!bt.rec || !bt.rec_len || !bt.hot || !bt.agg)
		return -1;
	bt.nrec = walk(bt.blob, bt.len, bt.rec, bt.rec_len);
	for (i = 0; i < bt.nrec; i++) {
		const struct btf_type *t = (const void *)(bt.blob + bt.rec[i]);
		const char *s = NULL;

		if (t->name_off >= str_base && t->name_off - str_base < bt.str_len)
			s = (const char *)bt.blob + bt.str + (t->name_off - str_base);
		if (!hot_name(s))
			continue;
		bt.hot[bt.nhot++] = i;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
			bt.agg[bt.nagg++] = i;
		}
		/* A function's prototype is where its parameters are. */
		if (BTF_INFO_KIND(t->info) == BTF_KIND_FUNC &&
		    t->type >= bt.start_id && t->type - bt.start_id < bt.nrec)
			bt.hot[bt.nhot++] = t->type - bt.start_id;
	}
	rc = target_write(bt.blob, bt.len, why, sizeof(why));
	if (rc) {
		out("FAIL btf target: the kernel's own iommufd BTF is refused: %s: %s",
		    strerror(-rc), why);
		return -1;
	}
	rc = renamed_refused(why, sizeof(why));
	if (rc) {
		out("FAIL btf target: no struct iommufd_object gave %d (%s), not ENOENT",
		    rc, why);
		return -1;
	}
	out("btf target: %u types from id %u, %u hot (%u structs or enums); the kernel's passes",
	    bt.nrec, bt.start_id, bt.nhot, bt.nagg);
	bt.on = 1;
	return 0;
}

/* A value for a word of a type record: mostly type ids, valid or not */
static __u32 word_value(struct rng *r, __u32 old)
{
	switch (rng_below(r, 8)) {
	case 0:
		return bt.start_id + rng_below(r, bt.nrec);
	case 1:
		return 1 + rng_below(r, bt.start_id - 1);
	case 2:
		return old + 1;
	case 3:
		return old - 1;
	case 4:
		return 0;
	case 5:
		return ~0U;
	case 6:
		return old ^ (1U << rng_below(r, 32));
	default:
		return rng_next(r);
	}
}

/* A blob being broken: it may grow by GROW_MAX at most. */
struct mut {
	struct rng *r;
	__u8 *blob;
	size_t len, cap;
	__u32 added;		/* records appended to the type section */
};

static void break_word(struct rng *r, __u8 *rec, __u32 rec_len)
{
	__u32 *w = (__u32 *)rec;
	__u32 k = rng_below(r, rec_len / 4);

	if (k == 1 && rng_pct(r, 60)) {
		/* info: another kind, a member more or less, or kind_flag */
		struct btf_type *t = (void *)w;
		__u32 kind = BTF_INFO_KIND(t->info);
		__u32 vlen = BTF_INFO_VLEN(t->info);

		switch (rng_below(r, 3)) {
		case 0:
			kind = rng_below(r, BTF_KIND_MAX_KNOWN + 2);
			break;
		case 1:
			vlen += rng_pct(r, 50) ? 1 : -1;
			break;
		default:
			t->info ^= 1U << 31;
		}
		t->info = (t->info & ~0x1f00ffffU) | (kind & 0x1f) << 24 |
			  (vlen & 0xffff);
		return;
	}
	w[k] = word_value(r, w[k]);
}

static void break_record(struct mut *m, __u32 i)
{
	break_word(m->r, m->blob + bt.rec[i], bt.rec_len[i]);
}

/*
 * Make room for @n bytes at @at. Return: where they go, or NULL when
 * the blob (its header broken, or cut short) has no such place.
 */
static __u8 *blob_insert(struct mut *m, __u64 at, size_t n)
{
	if (at > m->len || m->len + n > m->cap)
		return NULL;
	memmove(m->blob + at + n, m->blob + at, m->len - at);
	m->len += n;
	return m->blob + at;
}

/* Append a type record; its id is bt.start_id + bt.nrec + m->added. */
static int append_type(struct mut *m, const void *rec, __u32 n)
{
	struct btf_header *h = (void *)m->blob;
	__u64 end = (__u64)h->type_off + h->type_len;
	__u8 *at;

	if (m->len < sizeof(*h))
		return -1;
	at = blob_insert(m, h->hdr_len + end, n);
	if (!at)
		return -1;
	memcpy(at, rec, n);
	if (h->str_off >= end)
		h->str_off += n;
	h->type_len += n;
	m->added++;
	return 0;
}

/* Append a string, NUL-padded to 4 bytes. Return: its name_off, or 0. */
static __u32 append_str(struct mut *m, const char *s)
{
	struct btf_header *h = (void *)m->blob;
	size_t n = (strlen(s) + 4) & ~3UL;
	__u32 old = h->str_len;
	__u64 end;
	__u8 *at;

	if (m->len < sizeof(*h))
		return 0;
	end = (__u64)h->str_off + h->str_len;
	at = blob_insert(m, h->hdr_len + end, n);
	if (!at)
		return 0;
	memset(at, 0, n);
	memcpy(at, s, strlen(s));
	if (h->type_off >= end)
		h->type_off += n;
	h->str_len += n;
	return bt.str_base + old;
}

static const struct btf_type *orig(__u32 i)
{
	return (const void *)(bt.blob + bt.rec[i]);
}

static const char *orig_name(__u32 i)
{
	__u32 off = orig(i)->name_off;

	if (off < bt.str_base || off - bt.str_base >= bt.str_len)
		return NULL;
	return (const char *)bt.blob + bt.str + (off - bt.str_base);
}

/* A hot record, a struct, union or enum two times in three */
static __u32 pick_hot(struct rng *r)
{
	if (bt.nagg && rng_pct(r, 67))
		return bt.agg[rng_below(r, bt.nagg)];
	return bt.hot[rng_below(r, bt.nhot)];
}

/*
 * Another record of the same kind takes the name of a looked-up struct
 * or enum: two of that name (which one has the members, two values of
 * an enumerator), or one record named twice.
 */
static void second_of_name(struct mut *m)
{
	const struct btf_type *want, *t;
	__u32 i, tries;

	if (!bt.nagg)
		return;
	want = orig(bt.agg[rng_below(m->r, bt.nagg)]);
	for (tries = 0; tries < 64; tries++) {
		i = rng_below(m->r, bt.nrec);
		t = orig(i);
		if (BTF_INFO_KIND(t->info) == BTF_INFO_KIND(want->info) ||
		    tries == 63)
			break;
	}
	((struct btf_type *)(m->blob + bt.rec[i]))->name_off = want->name_off;
}

/*
 * Copies of a looked-up record after the others: the same name once
 * more, a few times, or more than the reader keeps (32); sometimes the
 * copy differs in a word (two structs of a name, one with the members).
 */
static void copies(struct mut *m)
{
	__u32 i = pick_hot(m->r), k, n;
	__u8 rec[4096];

	if (bt.rec_len[i] > sizeof(rec))
		return;
	n = rng_pct(m->r, 70) ? 1 : rng_pct(m->r, 60) ? 2 + rng_below(m->r, 3) :
				    31 + rng_below(m->r, 6);
	for (k = 0; k < n; k++) {
		memcpy(rec, orig(i), bt.rec_len[i]);
		if (rng_pct(m->r, 40))
			break_word(m->r, rec, bt.rec_len[i]);
		if (append_type(m, rec, bt.rec_len[i]))
			return;
	}
}

/*
 * An enum as ENUM64, with 12-byte entries: the same values (sign or
 * zero extended as the enum's kind_flag says) or other high words;
 * added as a second enum of the name, or the only one (the 4-byte one
 * loses its name).
 */
static void as_enum64(struct mut *m)
{
	const struct btf_enum *e;
	const struct btf_type *t;
	struct btf_enum64 *e64;
	struct btf_type *t64;
	__u8 rec[sizeof(*t64) + 256 * sizeof(*e64)];
	__u32 i = 0, k, vlen, tries;

	for (tries = 0; tries < 32; tries++) {
		i = bt.nagg ? bt.agg[rng_below(m->r, bt.nagg)] : 0;
		if (BTF_INFO_KIND(orig(i)->info) == BTF_KIND_ENUM)
			break;
	}
	t = orig(i);
	vlen = BTF_INFO_VLEN(t->info);
	if (BTF_INFO_KIND(t->info) != BTF_KIND_ENUM || vlen > 256)
		return;
	e = (const void *)(t + 1);
	t64 = (void *)rec;
	e64 = (void *)(t64 + 1);
	t64->name_off = t->name_off;
	t64->info = (t->info & ~0x1f000000U) | BTF_KIND_ENUM64 << 24;
	t64->size = rng_pct(m->r, 80) ? 8 : t->size;
	for (k = 0; k < vlen; k++) {
		int neg = BTF_INFO_KFLAG(t->info) && (__s32)e[k].val < 0;

		e64[k].name_off = e[k].name_off;
		e64[k].val_lo32 = e[k].val;
		e64[k].val_hi32 = neg ? ~0U : 0;
		if (rng_pct(m->r, 10))
			e64[k].val_hi32 = rng_next(m->r);
	}
	if (append_type(m, rec, sizeof(*t64) + vlen * sizeof(*e64)))
		return;
	if (rng_pct(m->r, 50))
		((struct btf_type *)(m->blob + bt.rec[i]))->name_off = 0;
}

static __u32 fnv(const char *s, __u32 h)
{
	while (*s) {
		h ^= (__u8)*s++;
		h *= FNV_PRIME;
	}
	return h;
}

/* The inverse of the FNV prime modulo 2^32 (Newton's iteration) */
static __u32 fnv_prime_inverse(void)
{
	__u32 x = FNV_PRIME, i;

	for (i = 0; i < 5; i++)
		x *= 2 - FNV_PRIME * x;
	return x;
}

/* Sort and search on the top 24 bits; the low byte rides along. */
static int cmp_top(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a >> 8, y = *(const __u32 *)b >> 8;

	return x < y ? -1 : x > y;
}

/*
 * A name of the same 32-bit FNV-1a hash as @name, the reader's index
 * key: @name, '~', four letters, then two bytes c6 c7 found backwards
 * from the hash. Before them the hash must equal, but for its low byte,
 * one of 255 values (one per c7): about 2^16 tries.
 * Return: 0, or -1 if none turned up.
 */
static int colliding_name(const char *name, char *out, size_t out_len)
{
	__u32 pinv = fnv_prime_inverse(), target = fnv(name, 2166136261U);
	__u32 full[256], top[255], start, h, c6, k, i, *hit;
	size_t len = strlen(name);

	if (len + 8 > out_len)
		return -1;
	/* (h ^ c6) * p = h6 and (h6 ^ c7) * p = target */
	for (k = 1; k < 256; k++) {
		full[k] = ((target * pinv) ^ k) * pinv;
		top[k - 1] = (full[k] & ~0xffU) | k;
	}
	qsort(top, 255, sizeof(top[0]), cmp_top);
	memcpy(out, name, len);
	out[len] = '~';
	out[len + 1] = 0;
	start = fnv(out, 2166136261U);
	for (i = 0; i < 26 * 26 * 26 * 26; i++) {
		char tail[5] = {
			'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676 % 26,
			'a' + i / 17576, 0,
		};

		h = fnv(tail, start);
		hit = bsearch(&h, top, 255, sizeof(top[0]), cmp_top);
		if (!hit)
			continue;
		k = *hit & 0xff;
		c6 = (h ^ full[k]) & 0xff;
		if (!c6)
			continue;
		memcpy(out + len + 1, tail, 4);
		out[len + 5] = c6;
		out[len + 6] = k;
		out[len + 7] = 0;
		return 0;
	}
	return -1;
}

/*
 * A record renamed to a different name of the same hash as a looked-up
 * one: the reader's index finds it and must tell the names apart.
 */
static void same_hash(struct mut *m)
{
	__u32 i = pick_hot(m->r), j = pick_hot(m->r), off;
	const char *name = orig_name(i);
	char other[128];

	if (!name || !*name || colliding_name(name, other, sizeof(other)))
		return;
	off = append_str(m, other);
	if (off)
		((struct btf_type *)(m->blob + bt.rec[j]))->name_off = off;
}

/*
 * A member of a looked-up struct made anonymous, its type a chain of
 * structs each holding the next as an anonymous member (one to 40 deep;
 * the reader goes 32 deep), the last holding the member as it was, or
 * a chain that loops.
 */
static void anon_chain(struct mut *m)
{
	struct { struct btf_type t; struct btf_member mb; } rec;
	struct btf_member *mb;
	__u32 i = 0, k, depth, head, tries, size;
	const struct btf_type *t;

	for (tries = 0; tries < 32; tries++) {
		i = bt.nagg ? bt.agg[rng_below(m->r, bt.nagg)] : 0;
		t = orig(i);
		if (BTF_INFO_KIND(t->info) == BTF_KIND_STRUCT &&
		    BTF_INFO_VLEN(t->info))
			break;
	}
	t = orig(i);
	if (BTF_INFO_KIND(t->info) != BTF_KIND_STRUCT || !BTF_INFO_VLEN(t->info))
		return;
	mb = (struct btf_member *)(m->blob + bt.rec[i] + sizeof(*t)) +
	     rng_below(m->r, BTF_INFO_VLEN(t->info));
	depth = rng_pct(m->r, 70) ? 1 + rng_below(m->r, 4) : 28 + rng_below(m->r, 12);
	head = bt.start_id + bt.nrec + m->added;
	size = rng_pct(m->r, 80) ? t->size : rng_next(m->r);
	for (k = 0; k < depth; k++) {
		rec.t.name_off = 0;
		rec.t.info = BTF_KIND_STRUCT << 24 | 1;
		rec.t.size = size;
		rec.mb.name_off = 0;
		rec.mb.type = head + k + 1;
		rec.mb.offset = 0;
		if (k == depth - 1) {
			rec.mb.name_off = mb->name_off;
			rec.mb.type = rng_pct(m->r, 90) ? mb->type : head;
		}
		if (append_type(m, &rec, sizeof(rec)))
			return;
	}
	mb->name_off = 0;
	mb->type = head;
	if (rng_pct(m->r, 30))
		mb->offset = word_value(m->r, mb->offset);
}

static void break_blob(struct mut *m)
{
	__u32 *hw = (__u32 *)m->blob;

	switch (rng_below(m->r, 14)) {
	case 0:	/* any record */
		break_record(m, rng_below(m->r, bt.nrec));
		break;
	case 1: {	/* a header word: its length, offsets and lengths */
		__u32 k = 1 + rng_below(m->r, 5);

		hw[k] = word_value(m->r, hw[k]);
		break;
	}
	case 2:	/* a name: one byte of the strings (where they were) */
		if (bt.str_len)
			m->blob[bt.str + rng_below(m->r, bt.str_len)] ^=
				1 << rng_below(m->r, 8);
		break;
	case 3:	/* cut short */
		m->len = rng_below(m->r, m->len) & ~3UL;
		break;
	case 4:	/* a second struct or enum of a looked-up name */
		second_of_name(m);
		break;
	case 5:
		copies(m);
		break;
	case 6:	/* a looked-up struct or enum: members, values, sizes */
	case 7:
		break_record(m, pick_hot(m->r));
		break;
	case 8:
		as_enum64(m);
		break;
	case 9:
		same_hash(m);
		break;
	case 10:
		anon_chain(m);
		break;
	default: /* a record of iommufd's own, functions mostly */
		break_record(m, bt.hot[rng_below(m->r, bt.nhot)]);
		break;
	}
}

size_t btf_scratch_len(void)
{
	return bt.on ? bt.len + GROW_MAX : 0;
}

static void g_btf_split(struct gctx *g, struct call *c)
{
	c->a[0] = rng_next(g->r);
	/* Often one break: one that leaves the blob parseable goes deepest */
	c->a[1] = rng_pct(g->r, 50) ? 0 : rng_below(g->r, 8);
}

static void x_btf_split(struct ectx *e, const struct call *c,
			struct result *r)
{
	struct rng rr;
	struct mut m = { .r = &rr, .len = bt.len, .cap = bt.len + GROW_MAX };
	__u64 i;

	/* The thread's scratch: no allocation of ours under an armed fault */
	m.blob = e->scratch;
	if (!bt.on || !bt.nhot || !m.blob || e->scratch_len < m.cap) {
		r->skipped = 1;
		return;
	}
	memcpy(m.blob, bt.blob, bt.len);
	rng_seed(&rr, c->a[0]);
	for (i = 0; i < c->a[1] % 8 + 1; i++)
		break_blob(&m);
	r->err = -target_write(m.blob, m.len ? m.len : 4, NULL, 0);
	r->rc = r->err ? -1 : 0;
}

static const int errnos_btf[] = {
	EINVAL, ENOENT, ENOTUNIQ, E2BIG, ERANGE, ENOMEM, 0,
};

const struct op op_btf_split = {
	.name = "btf_split", .nargs = 2,
	.args = { { "seed" }, { "breaks" } },
	.gen = g_btf_split, .exec = x_btf_split, .errnos = errnos_btf,
	.weight = 2,
};
