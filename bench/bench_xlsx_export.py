"""Export of the review register with 100,000 review lines.

Generates the lines as bench_statistics.py does (SQL INSERT ... SELECT), then builds the register
through ``crr.review.line._crr_xlsx_sheets()`` and ``crr.xlsx.export._crr_build_workbook()`` (the code
the list view's export runs), and prints rows, file size, time and peak memory:

- a timed pass without tracing (time, max RSS of the process);
- traced passes (tracemalloc peak of Python allocations) at a fraction of the rows and at all rows:
  in constant-memory mode with batched reads, the peak must not grow with the number of rows.

    BENCH=bench/bench_xlsx_export.py make bench
    BENCH=bench/bench_xlsx_export.py BENCH_ARGS="--lines 20000" make bench
    BENCH=bench/bench_xlsx_export.py BENCH_ARGS="--report-xlsx-mode" make bench

With --report-xlsx-mode the same register is built the way OCA's report_xlsx builds its workbooks by
default (xlsxwriter without constant_memory: every cell kept in memory until the file is written), to
compare the memory of both.
"""

import io

from bench_statistics import generate
from benchlib import Timer, environment, max_rss_mib, parse_args, peak_python_memory, report


def _extra(parser):
    parser.add_argument("--lines", type=int, default=100_000, help="review lines (default 100000)")
    parser.add_argument("--report-xlsx-mode", action="store_true",
                        help="build without constant_memory, as OCA's report_xlsx does by default")


def _without_constant_memory():
    """xlsxwriter as report_xlsx uses it by default: Workbook(BytesIO(), {}), cells kept in memory."""
    import xlsxwriter

    original = xlsxwriter.Workbook.__init__

    def init(self, filename=None, options=None):
        options = dict(options or {})
        options.pop("constant_memory", None)
        original(self, filename, options)

    xlsxwriter.Workbook.__init__ = init


def _export(env, lines):
    sheets = lines._crr_xlsx_sheets()
    return env["crr.xlsx.export"]._crr_build_workbook(sheets)


def _count_rows(content):
    """Rows of the register sheet, read back with openpyxl in read-only (streaming) mode."""
    import openpyxl  # only to check the file

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        sheet = workbook.worksheets[0]
        return sum(1 for _row in sheet.iter_rows(values_only=True)) - 1  # minus the header
    finally:
        workbook.close()


def main():
    args = parse_args(__doc__.splitlines()[0], _extra)
    if args.report_xlsx_mode:
        _without_constant_memory()
    with environment(args) as env:
        data = generate(env, args.lines, 0)
        Line = env["crr.review.line"]
        all_ids = Line.search([("order_id", "in", data["order_ids"])], order="id").ids
        env.invalidate_all()
        rss_before = max_rss_mib()

        # timed pass, no tracing
        lines = Line.browse(all_ids)
        with Timer("export") as timer:
            content = _export(env, lines)
        rss_after = max_rss_mib()
        rows = _count_rows(content)
        env.invalidate_all()

        # traced passes: a tenth of the rows, then all rows
        peaks = []
        for count in (max(1, len(all_ids) // 10), len(all_ids)):
            lines = Line.browse(all_ids[:count])
            with peak_python_memory() as memory, Timer("traced") as traced:
                traced_content = _export(env, lines)
            peaks.append((count, memory["peak_mib"], traced.seconds, len(traced_content)))
            del traced_content
            env.invalidate_all()

        (small_rows, small_peak, small_time, small_size), (big_rows, big_peak, big_time, big_size) = peaks
        growth = big_peak / small_peak if small_peak else float("inf")
        report(
            f"Review register XLSX export{' (report_xlsx mode: no constant_memory)' if args.report_xlsx_mode else ''}: "
            f"{len(all_ids)} review lines ({data['seconds']:.1f} s to generate)",
            [
                ("rows in the register sheet (read back)", f"{rows}"),
                ("file size", f"{len(content) / 1024 / 1024:8.2f} MiB"),
                ("time (untraced)", f"{timer.seconds:8.2f} s  ({len(all_ids) / timer.seconds:,.0f} rows/s)"),
                ("max RSS before export", f"{rss_before:8.0f} MiB"),
                ("max RSS after export", f"{rss_after:8.0f} MiB  (+{rss_after - rss_before:.0f} MiB)"),
                (f"tracemalloc peak, {small_rows} rows", f"{small_peak:8.1f} MiB  ({small_time:.1f} s traced)"),
                (f"tracemalloc peak, {big_rows} rows", f"{big_peak:8.1f} MiB  ({big_time:.1f} s traced)"),
                ("peak growth for 10x the rows", f"{growth:8.2f}x  (the peak includes the returned file bytes)"),
                ("peak minus the returned file, all rows", f"{big_peak - big_size / 1024 / 1024:8.1f} MiB  "
                 f"(a tenth: {small_peak - small_size / 1024 / 1024:.1f} MiB)"),
            ],
        )


if __name__ == "__main__":
    main()
