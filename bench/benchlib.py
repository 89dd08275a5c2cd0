"""Shared harness of the benchmark scripts: an Odoo environment on the benchmark database, timers
and peak-memory measurement. Every benchmark works inside a transaction that is rolled back, so the
benchmark database stays as it was."""

import argparse
import contextlib
import resource
import time
import tracemalloc
import warnings

import odoo
from odoo.modules.registry import Registry
from odoo.tools import config


def parse_args(description, extra=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True, help="database with the module installed")
    if extra:
        extra(parser)
    return parser.parse_args()


@contextlib.contextmanager
def environment(args):
    """An environment as superuser on the benchmark database; everything is rolled back."""
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True)
    # Odoo's logging setup turns deprecation warnings of the libraries on: they would drown the figures
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        # the context the web client sends with every call (its language, as a user's request has)
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": False, "lang": "en_US", "tz": "UTC"})
        try:
            yield env
        finally:
            cr.rollback()


class Timer:
    def __init__(self, label):
        self.label = label
        self.seconds = 0.0

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


@contextlib.contextmanager
def peak_python_memory():
    """Peak memory allocated by Python code inside the block, in MiB (tracemalloc)."""
    result = {"peak_mib": 0.0}
    tracemalloc.start()
    try:
        yield result
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["peak_mib"] = peak / 1024 / 1024


def max_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def copy_rows(cr, table, overrides, template_id, count, params=None):
    """Copy the row ``template_id`` of ``table`` ``count`` times in one INSERT ... SELECT generate_series.

    ``overrides`` maps column names to SQL expressions of the series number ``g`` and of the named
    ``params`` (``%(name)s``; a literal percent sign is written ``%%``). Returns the new ids.
    """
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
        [table],
    )
    columns = [row[0] for row in cr.fetchall()]
    select = ", ".join(overrides.get(column, f'"{column}"') for column in columns)
    # table and column names come from the catalog; the overrides are the calling script's constants
    cr.execute(
        f"""INSERT INTO "{table}" ({", ".join(f'"{c}"' for c in columns)})
            SELECT {select} FROM "{table}", generate_series(1, %(count)s) g WHERE "{table}".id = %(template)s
            RETURNING id""",
        {"count": count, "template": template_id, **(params or {})},
    )
    return [row[0] for row in cr.fetchall()]


def report(title, rows):
    """Print a small table of figures: rows are (label, value) pairs."""
    width = max(len(label) for label, _value in rows)
    print(f"\n== {title}")
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
