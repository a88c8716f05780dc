#!/usr/bin/python3
# Splits examples/data/iris.csv: every fifth sample (the 5th, 10th, ...) is held out in
# iris_test.csv (30 samples, 10 per class), the rest is iris_train.csv (120).
# Run from examples/train/: /usr/bin/python3 iris_split.py
rows = open('../data/iris.csv').read().strip().split('\n')
header, body = rows[0], rows[1:]
open('iris_train.csv', 'w').write('\n'.join([header] + [r for i, r in enumerate(body) if i % 5 != 4]) + '\n')
open('iris_test.csv', 'w').write('\n'.join([header] + [r for i, r in enumerate(body) if i % 5 == 4]) + '\n')
