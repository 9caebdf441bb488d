#!/usr/bin/env python3
"""dark-at-a.py [--at=X,Y] GRID... : how much of the ground around point A a depth task's
adapters paint near-black. For each teach grid.png (rows of 64 px images with
2 px gaps; columns before, after, after with the drawing), the share of pixels
with CIE L* below 15 in the 15x15 window around A at (0.3, 0.72), over all
rows, in the before and the after column (--at moves A, in 0..1 of the image). The world paints nothing that dark
but its thin outlines; a dark blob at A is what the depth judge takes for
something near (docs/teaching.md). Needs ImageMagick's convert."""
import subprocess, sys


def lstar(r, g, b):
    def lin(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    y = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return 116 * y ** (1 / 3) - 16 if y > 0.008856 else 903.3 * y


args = sys.argv[1:]
ax, ay = 19, 46
if args and args[0].startswith("--at"):
    fx, fy = map(float, args.pop(0).split("=", 1)[1].split(","))
    ax, ay = int(fx * 64), int(fy * 64)
for grid in args:
    lines = subprocess.run(["convert", grid, "-depth", "8", "txt:-"], capture_output=True, text=True, check=True).stdout.splitlines()[1:]
    px = {}
    for line in lines:
        xy, rest = line.split(":", 1)
        x, y = map(int, xy.split(","))
        px[(x, y)] = tuple(float(v) for v in rest.split("(")[1].split(")")[0].split(",")[:3])
    rows = (max(y for _, y in px) + 3) // 66
    share = []
    for col in (0, 1):
        dark = total = 0
        for i in range(rows):
            for y in range(ay - 7, ay + 8):
                for x in range(ax - 7, ax + 8):
                    total += 1
                    dark += lstar(*px[(col * 66 + x, i * 66 + y)]) < 15
        share.append(dark / total)
    print(f"{grid}: near-black around A before {share[0]:.3f}, after {share[1]:.3f}")
