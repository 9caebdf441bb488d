#!/usr/bin/env python3
"""judge-errors.py RUNDIR... : the judge's verdicts after teaching, pooled
over the runs' report.json files (e.g. the four runs of train-seeds.sh:
docs/experiments/judge-errors.py /tmp/sweep/depth-house_base_*). Prints the
seeds passed, the median error before and after, and how far the failures
missed: within half the tolerance of it, or further."""
import json, os, statistics, sys

passed, before, after, near, far = 0, [], [], 0, 0
for d in sys.argv[1:]:
    if not os.path.isdir(d):  # the task copies beside the runs
        continue
    for e in json.load(open(d + "/report.json"))["eval"]:
        b, a = e["before"]["judge"]["verdict"], e["after"]["judge"]["verdict"]
        before.append(b["error"])
        after.append(a["error"])
        if a["pass"]:
            passed += 1
        elif abs(a["error"] - a["tolerance"]) <= abs(a["tolerance"]) / 2:
            near += 1
        else:
            far += 1
if not after:
    sys.exit("no report.json in " + " ".join(sys.argv[1:]))
print(f"passed {passed}/{len(after)}  median error before {statistics.median(before):.3f}  after {statistics.median(after):.3f}  "
      f"failures within half the tolerance of it {near}, further {far}")
