// SPDX-License-Identifier: GPL-2.0
/*
 * Programs as text, one call a line: "t0 viommu_alloc ctx=@0 type=0x1 ...";
 * "t0:f3 ..." makes the call's third allocation fail.
 * Resource arguments: @k the k-th live one of the arg's type, !k the k-th
 * destroyed one, ~k one of another type, #v the literal id or fd v.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int print_ref(char *buf, size_t len, __u64 ref)
{
	static const char mark[] = { '@', '!', '~', '#' };
	enum ref_mode m = REF_MODE(ref);

	if (m > REF_LIT)
		m = REF_LIT;
	if (m == REF_LIT)
		return snprintf(buf, len, "#0x%llx",
				(unsigned long long)REF_VAL(ref));
	return snprintf(buf, len, "%c%llu", mark[m],
			(unsigned long long)REF_VAL(ref));
}

int prog_print_call(char *buf, size_t len, const struct call *c)
{
	const struct op *op = ops[c->op];
	size_t n;
	int i;

	n = snprintf(buf, len, "t%u", c->thread);
	if (c->fault && n < len)
		n += snprintf(buf + n, len - n, ":f%u", c->fault);
	if (n < len)
		n += snprintf(buf + n, len - n, " %s", op->name);
	for (i = 0; i < op->nargs && n < len; i++) {
		n += snprintf(buf + n, len - n, " %s=", op->args[i].name);
		if (n >= len)
			break;
		if (op->args[i].kind == A_RES)
			n += print_ref(buf + n, len - n, c->a[i]);
		else
			n += snprintf(buf + n, len - n, "0x%llx",
				      (unsigned long long)c->a[i]);
	}
	return n;
}

void prog_print(FILE *f, const struct prog *p, const char *prefix)
{
	char line[512];
	int i;

	fprintf(f, "%sdoor=%s\n", prefix, p->stock ? "stock" : "viommu");
	fprintf(f, "%sthreads=%d\n", prefix, p->threads);
	for (i = 0; i < p->n; i++) {
		prog_print_call(line, sizeof(line), &p->c[i]);
		fprintf(f, "%s%s\n", prefix, line);
	}
}

static int parse_ref(const char *s, __u64 *ref)
{
	static const char mark[] = "@!~#";
	const char *m = strchr(mark, s[0]);
	char *end;
	__u64 v;

	if (!m || !s[0])
		return -1;
	v = strtoull(s + 1, &end, 0);
	if (*end)
		return -1;
	*ref = REF(m - mark, v);
	return 0;
}

static int parse_call(char *line, struct call *c)
{
	char *tok, *save = NULL, *end;
	const struct op *op;
	int i, idx;

	memset(c, 0, sizeof(*c));
	tok = strtok_r(line, " \t", &save);
	if (!tok || tok[0] != 't')
		return -1;
	c->thread = strtoul(tok + 1, &end, 10) % MAX_THREADS;
	if (end[0] == ':' && end[1] == 'f') {
		unsigned long n = strtoul(end + 2, NULL, 10);

		if (!n || n > 255)
			return -1;
		c->fault = n;
	}
	tok = strtok_r(NULL, " \t", &save);
	idx = tok ? op_find(tok) : -1;
	if (idx < 0)
		return -1;
	c->op = idx;
	op = ops[idx];
	while ((tok = strtok_r(NULL, " \t", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return -1;
		*eq = 0;
		for (i = 0; i < op->nargs; i++)
			if (!strcmp(op->args[i].name, tok))
				break;
		if (i == op->nargs)
			return -1;
		if (op->args[i].kind == A_RES) {
			if (parse_ref(eq + 1, &c->a[i]))
				return -1;
		} else {
			c->a[i] = strtoull(eq + 1, NULL, 0);
		}
	}
	return 0;
}

/* 0, or -1 with the bad line number in errno-free form: returns -(line). */
int prog_parse(const char *text, struct prog *p)
{
	char *copy = strdup(text), *line, *save = NULL;
	int lineno = 0;

	memset(p, 0, sizeof(*p));
	p->threads = 1;
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		while (*line == ' ' || *line == '\t')
			line++;
		/* repro files as printed: "viommu-fuzz: repro: t0 ..." */
		if (!strncmp(line, "viommu-fuzz: repro: ", 20))
			line += 20;
		if (!*line || *line == '#')
			continue;
		if (!strncmp(line, "door=", 5)) {
			p->stock = !strcmp(line + 5, "stock");
			continue;
		}
		if (!strncmp(line, "threads=", 8)) {
			p->threads = atoi(line + 8);
			if (p->threads < 1 || p->threads > MAX_THREADS)
				p->threads = 1;
			continue;
		}
		if (!strncmp(line, "viommu-fuzz: ", 13))
			continue;
		if (p->n == MAX_CALLS || parse_call(line, &p->c[p->n])) {
			free(copy);
			return -lineno;
		}
		if (p->c[p->n].thread >= p->threads)
			p->c[p->n].thread %= p->threads;
		p->n++;
	}
	free(copy);
	return 0;
}

int prog_load(const char *path, struct prog *p)
{
	FILE *f = fopen(path, "r");
	char *text;
	long len;
	int rc;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, len + 1);
	if (fread(text, 1, len, f) != (size_t)len)
		len = 0;
	fclose(f);
	rc = prog_parse(text, p);
	free(text);
	return rc;
}

/* FNV-1a of the text form: the corpus file name. */
__u64 prog_hash(const struct prog *p)
{
	__u64 h = 0xcbf29ce484222325ULL;
	char line[512];
	int i, n;

	h = (h ^ p->stock) * 0x100000001b3ULL;
	h = (h ^ p->threads) * 0x100000001b3ULL;
	for (i = 0; i < p->n; i++) {
		n = prog_print_call(line, sizeof(line), &p->c[i]);
		while (n-- > 0)
			h = (h ^ (__u8)line[n]) * 0x100000001b3ULL;
	}
	return h;
}
