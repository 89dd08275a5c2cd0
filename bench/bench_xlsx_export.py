"""Export of the review register with 100,000 review lines: the builder against the previous one.

Generates the lines as bench_statistics.py does (SQL INSERT ... SELECT), then builds the register
through ``crr.review.line._crr_xlsx_sheets()`` and ``crr.xlsx.export._crr_build_workbook()`` (the code
the list view's export runs), and, in the same process on the same lines, with the previous code: the
builder (``crr.xlsx.export``'s methods) and the register's rows (``crr.review.line``'s ``_crr_xlsx_sheets``,
``_crr_xlsx_register_rows``, ``_crr_xlsx_summary_rows``) taken from the commit ``--old-ref`` (``git show``;
by default the commit before issue #17's streaming writer, where xlsxwriter wrote every cell). It prints:

(with opinions on a third of the lines and conditions on a tenth, see ``_add_opinions``):

- untraced times of both builders, interleaved (``--rounds`` rounds, the order alternating), the ratio
  new/old of each round and of the best times, file sizes, the max RSS of the process;
- whether the two files hold the same XML parts (every part but the document's creation time compared
  byte for byte) and the rows read back with openpyxl;
- traced passes (tracemalloc peak of Python allocations) of both at a tenth of the rows and at all rows:
  in constant-memory mode with batched reads, the peak must not grow with the number of rows.

    CRR_BENCH_DB=crr_bench_xlsx BENCH=bench/bench_xlsx_export.py bash tools/bench.sh
    BENCH=bench/bench_xlsx_export.py BENCH_ARGS="--lines 20000 --rounds 3" make bench
    BENCH=bench/bench_xlsx_export.py BENCH_ARGS="--report-xlsx-mode" make bench

``--tz Asia/Shanghai`` exports as a user of that time zone (the benchmark's user is in UTC by default,
where no datetime is converted). With --report-xlsx-mode the same register is built the way OCA's
report_xlsx builds its workbooks by default (xlsxwriter without constant_memory: every cell kept in
memory until the file is written), to compare the memory of both.
"""

import ast
import io
import os
import subprocess
import zipfile

from bench_statistics import generate
from benchlib import Timer, environment, max_rss_mib, parse_args, peak_python_memory, report

# the commit of main before the streaming writer of issue #17 (xlsxwriter wrote every cell)
OLD_REF = "92eed1e01ba3023a6fc5af624295629a8d7fc8d3"
BUILDER_PATH = "customer_requirement_review/models/crr_xlsx_export.py"
LINE_PATH = "customer_requirement_review/models/crr_review_line.py"


def _extra(parser):
    parser.add_argument("--lines", type=int, default=100_000, help="review lines (default 100000)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of both builders (default 2)")
    parser.add_argument("--old-ref", default=OLD_REF, help="git commit of the previous builder")
    parser.add_argument("--tz", default=None, help="time zone of the exporting user (default: UTC)")
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


def _git_show(ref, path):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return subprocess.run(
        ["git", "-C", repo, "show", f"{ref}:{path}"], capture_output=True, text=True, check=True
    ).stdout


def _old_methods(ref, path, class_name, names=None):
    """The methods of class ``class_name`` in the module ``path`` at commit ``ref`` (all, or ``names``), compiled
    with the module's absolute imports and constants (the code of this repository at that commit)."""
    tree = ast.parse(_git_show(ref, path))
    body = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            continue  # the module's relative imports: not needed by these methods
        if isinstance(node, ast.ClassDef):
            if node.name == class_name:
                body += [item for item in node.body
                         if isinstance(item, ast.FunctionDef) and (names is None or item.name in names)]
            continue
        body.append(node)
    namespace = {"__name__": f"crr_old_{class_name}"}
    for node in body:
        try:
            exec(compile(ast.Module(body=[node], type_ignores=[]), f"{ref[:10]}:{path}", "exec"), namespace)
        except NameError:
            # a module constant made of what the relative imports bring: not used by these methods
            if isinstance(node, ast.FunctionDef):
                raise
    return {name: value for name, value in namespace.items() if name in {item.name for item in body
                                                                            if isinstance(item, ast.FunctionDef)}}


def _old_export(env, ref):
    """The export of commit ``ref``: its builder (``crr.xlsx.export``'s methods as a plain class bound to
    ``env``) and its review register's rows (``crr.review.line``'s register methods, on a subclass of the
    model's class that is not registered)."""
    builder_class = type("CrrXlsxExportOld", (), _old_methods(ref, BUILDER_PATH, "CrrXlsxExport"))
    builder = builder_class()
    builder.env = env
    Line = env["crr.review.line"]
    line_methods = _old_methods(ref, LINE_PATH, "CrrReviewLine", {
        "_crr_selection_labels", "_crr_xlsx_register_rows", "_crr_xlsx_summary_rows", "_crr_xlsx_sheets"})
    line_class = type("CrrReviewLineOld", (type(Line),), {"_register": False, **line_methods})

    def export(lines):
        old_lines = line_class(lines.env, lines._ids, lines._ids)
        return builder._crr_build_workbook(old_lines._crr_xlsx_sheets())

    return export


def _add_opinions(env, line_ids):
    """Opinions on a third of the lines and conditions on a tenth (the generator leaves them empty): text with
    characters XML escapes, Chinese and line breaks, as reviewers write."""
    env.cr.execute(
        """
        UPDATE crr_review_line
           SET opinion = CASE WHEN id %% 3 = 0 THEN
                   'Delivery in ' || (id %% 12 + 2) || ' weeks & packing <export>; 交期确认，包装按出口标准' END,
               conditions = CASE WHEN id %% 10 = 0 THEN
                   E'Advance payment 30%% before production\\n预付款 30%%，余款发货前付清' END
         WHERE id = ANY(%s)
        """,
        [line_ids],
    )


def _builders(env, args):
    new = env["crr.xlsx.export"]
    return {
        "old": _old_export(env, args.old_ref),
        "new": lambda lines: new._crr_build_workbook(lines._crr_xlsx_sheets()),
    }


def _count_rows(content):
    """Rows of the register sheet, read back with openpyxl in read-only (streaming) mode."""
    import openpyxl  # only to check the file

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        sheet = workbook.worksheets[0]
        return sum(1 for _row in sheet.iter_rows(values_only=True)) - 1  # minus the header
    finally:
        workbook.close()


def _compare_parts(old, new):
    """(parts compared, names of the parts that differ): every part but docProps/core.xml (creation time)."""
    with zipfile.ZipFile(io.BytesIO(old)) as old_zip, zipfile.ZipFile(io.BytesIO(new)) as new_zip:
        names = sorted(set(old_zip.namelist()) | set(new_zip.namelist()))
        different = []
        for name in names:
            if name == "docProps/core.xml":
                continue
            if name not in old_zip.namelist() or name not in new_zip.namelist():
                different.append(name)
            elif old_zip.read(name) != new_zip.read(name):
                different.append(name)
        return len(names) - 1, different


def main():
    args = parse_args(__doc__.splitlines()[0], _extra)
    if args.report_xlsx_mode:
        _without_constant_memory()
    with environment(args) as env:
        if args.tz:
            env = env(context=dict(env.context, tz=args.tz))
        data = generate(env, args.lines, 0)
        Line = env["crr.review.line"]
        all_ids = Line.search([("order_id", "in", data["order_ids"])], order="id").ids
        _add_opinions(env, all_ids)
        builders = _builders(env, args)
        env.invalidate_all()
        rss_before = max_rss_mib()

        # untraced passes, interleaved: old, new, then new, old, ...
        times = {"old": [], "new": []}
        contents = {}
        for round_no in range(args.rounds):
            for label in ("old", "new") if round_no % 2 == 0 else ("new", "old"):
                lines = Line.browse(all_ids)
                with Timer(label) as timer:
                    contents[label] = builders[label](lines)
                times[label].append(timer.seconds)
                env.invalidate_all()
        rss_after = max_rss_mib()
        compared, different = _compare_parts(contents["old"], contents["new"])
        rows = {label: _count_rows(content) for label, content in contents.items()}
        sizes = {label: len(content) for label, content in contents.items()}
        contents.clear()

        # traced passes: a tenth of the rows, then all rows, for each builder
        peaks = {}
        for label in ("old", "new"):
            for count in (max(1, len(all_ids) // 10), len(all_ids)):
                lines = Line.browse(all_ids[:count])
                with peak_python_memory() as memory, Timer("traced") as traced:
                    traced_content = builders[label](lines)
                peaks[label, count] = (memory["peak_mib"], traced.seconds, len(traced_content))
                del traced_content
                env.invalidate_all()

        small, big = max(1, len(all_ids) // 10), len(all_ids)
        rounds = ", ".join(
            f"{old:.2f} / {new:.2f} s ({new / old:.2f}x)" for old, new in zip(times["old"], times["new"], strict=True)
        )
        figures = [
            ("time, previous builder (each round)", ", ".join(f"{t:.2f} s" for t in times["old"])),
            ("time, this builder (each round)", ", ".join(f"{t:.2f} s" for t in times["new"])),
            ("rounds: previous / this (ratio)", rounds),
            ("best times: previous / this", f"{min(times['old']):.2f} s / {min(times['new']):.2f} s  "
             f"(ratio {min(times['new']) / min(times['old']):.2f}x, {len(all_ids) / min(times['new']):,.0f} rows/s)"),
            ("file size: previous / this", f"{sizes['old']:,} / {sizes['new']:,} bytes  "
             f"({sizes['new'] / sizes['old']:.2f}x)"),
            ("XML parts identical (but creation time)",
             f"{compared - len(different)} of {compared}" + (f"; different: {', '.join(different)}" if different else "")),
            ("rows read back (openpyxl): previous / this", f"{rows['old']} / {rows['new']}"),
            ("max RSS before / after the untraced passes", f"{rss_before:.0f} / {rss_after:.0f} MiB  "
             f"(+{rss_after - rss_before:.0f} MiB)"),
        ]
        for label, name in (("old", "previous"), ("new", "this")):
            (small_peak, small_time, small_size), (big_peak, big_time, big_size) = peaks[label, small], peaks[label, big]
            figures += [
                (f"tracemalloc peak, {name}: {small} / {big} rows",
                 f"{small_peak:.1f} / {big_peak:.1f} MiB  ({small_time:.1f} s / {big_time:.1f} s traced; "
                 f"growth {big_peak / small_peak if small_peak else float('inf'):.2f}x for 10x the rows)"),
                (f"  minus the returned file, {name}",
                 f"{small_peak - small_size / 1024 / 1024:.1f} / {big_peak - big_size / 1024 / 1024:.1f} MiB"),
            ]
        report(
            f"Review register XLSX export{' (report_xlsx mode: no constant_memory)' if args.report_xlsx_mode else ''}: "
            f"{len(all_ids)} review lines ({data['seconds']:.1f} s to generate), time zone {env.tz}, "
            f"previous builder of {args.old_ref[:10]}",
            figures,
        )


if __name__ == "__main__":
    main()
