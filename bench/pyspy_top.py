"""The top functions of a py-spy profile: where the samples were (self) and under what
(inclusive).

Reads py-spy's raw output (`py-spy record --format raw`: one collapsed stack and its
sample count a line, outermost frame first), as sandbox_fast_forward.py --py-spy
writes it.

SQLAlchemy's asyncio layer runs ORM work (queries, flushes, commits) in greenlets,
whose stacks py-spy shows as roots of their own: filter by thread with --exclude
rather than --only.

Run: uv run python bench/pyspy_top.py bench/results/fast_forward.pyspy.txt [--top 25]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

# "function (path/to/file.py:123)": the line number goes, so a function is one row.
_FRAME = re.compile(r"^(?P<name>.*?) \((?P<path>.*?)(?::\d+)?\)$")


def frame_key(frame: str, keep_lines: bool) -> str:
    if keep_lines:
        return frame
    match = _FRAME.match(frame)
    if match is None:
        return frame
    path = match.group("path")
    for marker in ("site-packages/", "/work/main/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match.group('name')} ({path})"


def summarise(
    lines: list[str], keep_lines: bool, only: str | None, exclude: str | None = None
) -> tuple[int, Counter[str], Counter[str]]:
    total = 0
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for line in lines:
        stack, _, count_text = line.rstrip("\n").rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        if (only is not None and only not in stack) or (exclude is not None and exclude in stack):
            continue
        count = int(count_text)
        frames = [frame_key(f, keep_lines) for f in stack.split(";") if f]
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    return total, own, inclusive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("profile", type=Path, help="py-spy raw output")
    parser.add_argument("--top", type=int, default=25, help="rows per table")
    parser.add_argument("--lines", action="store_true", help="one row per line, not function")
    parser.add_argument("--only", metavar="TEXT", help="keep only stacks whose text contains TEXT")
    parser.add_argument(
        "--exclude",
        metavar="TEXT",
        help="drop stacks whose text contains TEXT (e.g. _connection_worker_thread, "
        "aiosqlite's thread, to see the event loop's thread alone)",
    )
    args = parser.parse_args(argv)
    lines = args.profile.read_text(errors="replace").splitlines()
    total, own, inclusive = summarise(lines, args.lines, args.only, args.exclude)
    if total == 0:
        print("no samples", file=sys.stderr)
        return 1
    for title, counts in (("self", own), ("inclusive", inclusive)):
        print(f"\n{title} ({total:,} samples)")
        for frame, count in counts.most_common(args.top):
            print(f"{count / total:7.1%} {count:>8,}  {frame}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
