#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one test-VM console log.

Counts KUnit cases (parsed by the kernel's own tools/testing/kunit/kunit.py),
the userspace test lines ("viommu-test: ok|not ok"), the guest's own checks
("viommu-vm: ok|not ok"), every row of upstream's own selftest (its TAP,
between "viommu-upstream-begin:" and "viommu-upstream-end:"), and fails the run on any kernel splat or kmemleak
report. Prints one line per result, then "counts: PASSED FAILED SKIPPED".

usage: vm-report.py [--no-kunit] [--upstream] KERNEL_SRC LOG
  --no-kunit: the boot loaded no KUnit module (no KTAP expected)
  --upstream: the boot must have run upstream's selftest
"""
import json
import re
import subprocess
import sys

# Any of these in the kernel log fails the run, whatever the tests said.
SPLATS = [
    r'BUG: ', r'WARNING: ', r'Kernel panic', r'Internal error: ',
    r'Unable to handle kernel', r'KASAN', r'UBSAN', r'kmemleak: [0-9]+ new suspected',
    r'possible (circular|recursive) locking', r'INFO: task .* blocked',
    r'detected stalls', r'DEBUG_LOCKS_WARN_ON', r'INFO: lockdep is turned off',
    r'general protection fault', r'unreferenced object',
]
SPLAT_RE = re.compile('|'.join(SPLATS))
RESULT_RE = re.compile(r'^(viommu-test|viommu-vm): (ok|not ok) \d+ (\S+)(.*)$')


# A top-level KTAP header: each KUnit module loaded prints its own document.
KTAP_TOP_RE = re.compile(r'^\[[ 0-9.]+\] KTAP version \d+$')


def ktap_documents(kernel_lines):
    """The kernel log cut at each top-level KTAP header.

    kunit.py parse reads the first document only: a suite in any module
    loaded after the first would never be judged.
    """
    docs = []
    for l in kernel_lines:
        if KTAP_TOP_RE.match(l):
            docs.append([])
        if docs:
            docs[-1].append(l)
    return docs or [kernel_lines]


def kunit_cases(ksrc, kernel_lines):
    """(name, status) for every KUnit case, via kunit.py parse --json."""
    return [c for doc in ktap_documents(kernel_lines)
            for c in kunit_document_cases(ksrc, doc)]


def kunit_document_cases(ksrc, kernel_lines):
    """(name, status) for every case of one KTAP document."""
    proc = subprocess.run(
        [sys.executable, '-B', f'{ksrc}/tools/testing/kunit/kunit.py',
         'parse', '--json'],
        input='\n'.join(kernel_lines) + '\n', capture_output=True, text=True)
    start = proc.stdout.find('{\n')
    if start < 0:
        return []
    tree = json.loads(proc.stdout[start:])
    out = []

    def walk(group, prefix):
        for case in group.get('test_cases', []):
            out.append((f"{prefix}{case['name']}", case['status']))
        for sub in group.get('sub_groups', []):
            walk(sub, f"{prefix}{sub['name']}.")
    walk(tree, '')
    return out


UP_TAG = 'viommu-upstream'
TAP_PLAN_RE = re.compile(r'^1\.\.(\d+)')
TAP_RESULT_RE = re.compile(r'^(ok|not ok) (\d+) (\S+)(?: # ?(\S*) ?(.*))?$')
TAP_RUN_RE = re.compile(r'^#\s+RUN\s+(\S+) \.\.\.$')
# The harness's own lines around a row: not diagnostics.
TAP_NOISE_RE = re.compile(r'^(#\s+(RUN|OK|FAIL)\s|TAP version|# (Starting|PASSED|FAILED|Totals))')


def upstream_blocks(lines):
    """[(command, output lines, exit status or None)] of each upstream run.

    A run with no end line (the guest hung, the output was cut) has None.
    """
    blocks = []
    cur = None
    for l in lines:
        if l.startswith(UP_TAG + '-begin: '):
            if cur:
                blocks.append(cur)
            cur = (l.split(': ', 1)[1], [], None)
        elif cur and l.startswith(UP_TAG + ': '):
            cur[1].append(l[len(UP_TAG) + 2:])
        elif cur and l.startswith(UP_TAG + '-end: '):
            m = re.search(r' rc=(\d+)', l)
            blocks.append((cur[0], cur[1], int(m.group(1)) if m else -1))
            cur = None
    if cur:
        blocks.append(cur)
    return blocks


def upstream_rows(command, out, rc):
    """(ok, name, why) for each row of one run of a kselftest-harness binary.

    ok is True, False or None (skipped). A row the plan announces but that
    never reported, a missing plan, a plan of no row, a missing end and a
    failing exit status with no failing row are all failures.
    """
    binary = command.split()[0]
    plan = None
    runs, seen, rows = [], set(), []
    diag, cur = {}, None
    for l in out:
        m = TAP_PLAN_RE.match(l)
        if m and plan is None:
            plan = int(m.group(1))
            continue
        m = TAP_RUN_RE.match(l)
        if m:
            cur = m.group(1)
            runs.append(cur)
            diag[cur] = []
            continue
        m = TAP_RESULT_RE.match(l)
        if m:
            status, num, name, directive, reason = m.groups()
            seen.add(int(num))
            if status == 'ok' and directive == 'SKIP':
                rows.append((None, name, f' (skipped: {reason})'))
            elif status == 'ok' and directive in (None, '', 'XFAIL'):
                rows.append((True, name, ''))
            else:
                why = ''.join(f'\n      {d}' for d in diag.get(name, [])[:8])
                rows.append((False, name, why))
            cur = None
            continue
        if l.startswith('Bail out!'):
            rows.append((False, f'{binary}.bail_out', f' ({l})'))
        elif cur and not TAP_NOISE_RE.match(l):
            diag[cur].append(l)
    if plan is None:
        rows.append((False, f'{binary}.tap_plan', f' (no TAP plan from "{command}")'))
    elif plan == 0:
        rows.append((False, f'{binary}.tap_plan', f' ("{command}" selected no row)'))
    else:
        for i in range(1, plan + 1):
            if i not in seen:
                name = runs[i - 1] if i <= len(runs) else f'{binary}.row{i}'
                why = ''.join(f'\n      {d}' for d in diag.get(name, [])[:8])
                rows.append((False, name, ' (no result: crashed, hung or output cut)' + why))
    if rc is None:
        rows.append((False, f'{binary}.ran_to_its_end', f' ("{command}" has no end line)'))
    elif rc != 0 and all(ok is not False for ok, _, _ in rows):
        rows.append((False, f'{binary}.exit_status', f' ("{command}" exited {rc})'))
    return rows


def main():
    args = sys.argv[1:]
    want_kunit = '--no-kunit' not in args
    want_upstream = '--upstream' in args
    args = [a for a in args if a not in ('--no-kunit', '--upstream')]
    ksrc, logpath = args[0], args[1]
    with open(logpath, errors='replace') as f:
        lines = [l.rstrip('\n') for l in f]
    kernel = [l for l in lines if l.startswith('[')]
    passed = failed = skipped = 0

    def report(ok, name, why=''):
        nonlocal passed, failed, skipped
        if ok is None:
            skipped += 1
            print(f'  SKIP {name}{why}')
        elif ok:
            passed += 1
            print(f'  PASS {name}')
        else:
            failed += 1
            print(f'  FAIL {name}{why}')

    cases = kunit_cases(ksrc, kernel)
    for name, status in cases:
        report({'PASS': True, 'SKIP': None}.get(status, False),
               f'kunit: {name}', '' if status != 'SKIP' else ' (skipped)')
    if not cases and want_kunit:
        report(False, 'kunit: suites ran', ' (no KTAP found in the log)')

    for l in lines:
        m = RESULT_RE.match(l)
        if not m:
            continue
        kind = 'userspace' if m.group(1) == 'viommu-test' else 'vm'
        skip = '# SKIP' in m.group(4)
        report(None if skip else m.group(2) == 'ok',
               f'{kind}: {m.group(3)}', m.group(4))

    blocks = upstream_blocks(lines)
    for command, out, rc in blocks:
        for ok, name, why in upstream_rows(command, out, rc):
            report(ok, f'upstream: {name}', why)
    if not blocks and want_upstream:
        report(False, 'upstream: selftest ran', ' (no upstream run in the log)')

    splats = [l for l in lines if SPLAT_RE.search(l)]
    leak = False
    inside = False
    for l in lines:
        if l.startswith('viommu-vm: kmemleak report begins'):
            inside = True
        elif l.startswith('viommu-vm: kmemleak report ends'):
            inside = False
        elif inside and l.strip():
            leak = True
    report(not splats, 'vm: kernel log has no splat',
           ''.join(f'\n      {l}' for l in splats[:20]))
    report(not leak, 'vm: kmemleak found nothing')
    report(any(l.startswith('viommu-vm: done') for l in lines),
           'vm: guest ran to its end')
    print(f'counts: {passed} {failed} {skipped}')


if __name__ == '__main__':
    main()
