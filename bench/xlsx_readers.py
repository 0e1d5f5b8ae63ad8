"""The XLSX readers side by side (issue 23, part 5): time and memory to read a roster.

Reads the benchmark's generated rosters (``bench/import_employees.py``) with openpyxl's read-only
mode, ``python-calamine-plus`` (the fork the import uses, which streams the sheet) and the
maintained ``python-calamine`` (which loads the whole sheet before the first row), each in a
fresh subprocess per run, and prints the median time and the median growth of the process's
resident set (peak minus start: the native readers' memory included, which tracemalloc does not
see).

    .venv/bin/python bench/xlsx_readers.py [--rows 15000 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.import_employees import _reset_peak_rss, _status_kb, write_roster  # noqa: E402

READERS = ("openpyxl", "python-calamine-plus", "python-calamine")


def read(reader: str, path: Path) -> int:
    """Every row of the first sheet, as the import would take them; the number of rows."""
    if reader == "openpyxl":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        rows = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        return rows
    if reader == "python-calamine-plus":
        import python_calamine_plus

        plus = python_calamine_plus.CalamineWorkbook.from_path(path)
        rows = sum(1 for _row in plus.stream_sheet_by_index(0))
        plus.close()
        return rows
    import python_calamine

    upstream = python_calamine.CalamineWorkbook.from_path(path)
    rows = sum(1 for _row in upstream.get_sheet_by_index(0).iter_rows())
    upstream.close()
    return rows


def child(reader: str, path: Path) -> None:
    import openpyxl  # noqa: F401  (imported before measuring: its import is not the read)
    import python_calamine  # noqa: F401
    import python_calamine_plus  # noqa: F401

    gc.collect()
    before = _status_kb("VmRSS") or 0
    _reset_peak_rss()
    started = time.perf_counter()
    rows = read(reader, path)
    seconds = time.perf_counter() - started
    growth = ((_status_kb("VmHWM") or 0) - before) * 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "growth": growth}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[15000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--child", choices=READERS, help=argparse.SUPPRESS)
    parser.add_argument("--xlsx", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.xlsx)
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="budaya-readers-"))
    try:
        growth: dict[tuple[str, int], float] = {}
        print(f"{'rows':>7} {'reader':<22} {'median s':>9} {'runs (s)':<22} {'RSS growth':>11}")
        for size in args.rows:
            path = workdir / f"roster-{size}.xlsx"
            write_roster(path, size, args.seed)
            for reader in READERS:
                command = [sys.executable, __file__, "--child", reader, "--xlsx", str(path)]
                runs = [
                    json.loads(subprocess.run(command, capture_output=True, check=True).stdout)
                    for _ in range(args.repeat)
                ]
                seconds = [run["seconds"] for run in runs]
                growth[reader, size] = statistics.median(run["growth"] for run in runs)
                print(
                    f"{size:>7} {reader:<22} {statistics.median(seconds):>9.2f} "
                    f"{', '.join(f'{value:.2f}' for value in seconds):<22} "
                    f"{growth[reader, size] / 2**20:>8.1f} MB",
                    flush=True,
                )
        small, large = min(args.rows), max(args.rows)
        if small != large:
            print(f"\nGrowth per extra row from {small} to {large} rows:")
            for reader in READERS:
                per_row = (growth[reader, large] - growth[reader, small]) / (large - small)
                print(f"  {reader:<22} {per_row / 1024:.2f} KiB")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
