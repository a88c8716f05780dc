#!/usr/bin/env python3
"""Fails when a stage of the engine includes a header of a later stage.

  tests/check_stages.py SOURCE_DIR io core calculus ...   (the stages, lowest first,
                                                            as CMakeLists.txt lists them)

Every file under src/STAGE/ and include/matcalc/STAGE/ (and grammar/, which belongs to
the frontend) may include "matcalc/OTHER/..." only for an OTHER at or below STAGE; a
stage folder that the list does not name is an error too, so a new stage cannot be
added without its place in the order.
"""
import os
import re
import sys

root, stages = sys.argv[1], sys.argv[2:]
rank = {s: i for i, s in enumerate(stages)}
include = re.compile(r'^\s*#\s*include\s*[<"]matcalc/([a-z_]+)/([^>"]+)[>"]', re.M)
problems = []

def check(path, stage):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    for m in include.finditer(text):
        other = m.group(1)
        line = text.count('\n', 0, m.start()) + 1
        where = os.path.relpath(path, root)
        if other not in rank:
            problems.append(f'{where}:{line}: includes matcalc/{other}/, which is not a stage')
        elif rank[other] > rank[stage]:
            problems.append(f'{where}:{line}: the {stage} stage includes matcalc/{other}/{m.group(2)}, '
                            f'a later stage ({other})')

for base in ('src', os.path.join('include', 'matcalc')):
    top = os.path.join(root, base)
    for entry in sorted(os.listdir(top)):
        path = os.path.join(top, entry)
        if not os.path.isdir(path):
            if base == 'src' or entry.endswith('.hpp.in'):
                continue  # include/matcalc/version.hpp.in belongs to no stage
            problems.append(f'{os.path.relpath(path, root)}: a file outside the stage folders')
            continue
        if entry not in rank:
            problems.append(f'{os.path.relpath(path, root)}: a folder that is not a stage {stages}')
            continue
        for dirpath, _, files in os.walk(path):
            for name in files:
                if name.endswith(('.cpp', '.hpp')):
                    check(os.path.join(dirpath, name), entry)
for name in sorted(os.listdir(os.path.join(root, 'grammar'))):
    if name.endswith(('.cpp', '.hpp')):
        check(os.path.join(root, 'grammar', name), 'frontend')

for p in problems:
    print(p)
sys.exit(1 if problems else 0)
