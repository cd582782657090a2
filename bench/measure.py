"""Measures each page of bench.pages against the database Django is configured with.

Per page: a few untimed requests (warm caches, compiled templates), then `repeat` timed GETs through
the Django test client (median and p95 of the server time, test client included), one more request
under CaptureQueriesContext (query count, slowest query), and the page's main SQL alone, executed
`repeat` times, so that page ÷ SQL says how much the page adds over its own query.

`python -m bench.measure --repeat 30 --json out.json` is what bench/run.py runs once per scale.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

WARMUP = 3


def _ms(seconds):
    return round(seconds * 1000, 2)


def _p95(values):
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def _sql_of(main):
    if isinstance(main, tuple):
        return main
    return main.query.sql_with_params()


def time_sql(main, *, repeat):
    from django.db import connection
    from django.db.models import QuerySet

    if callable(main) and not isinstance(main, QuerySet):
        return _time_selector(main, repeat=repeat)
    sql, params = _sql_of(main)
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat + 1):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times[1:]), sql % tuple(repr(p) for p in params)


def _time_selector(selector, *, repeat):
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        selector()
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:]), f"{selector.__module__}.{selector.__qualname__}()"


def measure_page(page, *, client, sample, repeat):
    """One result dict; `skipped` holds the reason when the page cannot be measured here."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch

    from .roles import sign_in

    result = {"name": page.name, "kind": page.kind, "role": page.role}
    try:
        url = page.url(sample)
        sign_in(page.role, client, sample)
    except (NoReverseMatch, LookupError) as exc:
        return {**result, "skipped": f"{type(exc).__name__}: {exc}"}
    result["url"] = url
    for _ in range(WARMUP):
        response = client.get(url)
        if response.status_code not in page.statuses:
            return {**result, "skipped": f"GET {url} answered {response.status_code}"}
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]), default=None)
    result.update(
        median_ms=_ms(statistics.median(times)), p95_ms=_ms(_p95(times)), queries=len(queries.captured_queries),
        slowest_query_ms=_ms(float(slowest["time"])) if slowest else None,
        slowest_query=slowest["sql"] if slowest else None,
    )
    if page.main_sql is not None:
        sql_seconds, sql = time_sql(page.main_sql(sample), repeat=repeat)
        result.update(sql_ms=_ms(sql_seconds), main_sql=sql,
                      ratio=round(statistics.median(times) / sql_seconds, 1) if sql_seconds else None)
    return result


def measure_all(pages, *, repeat, only=None, progress=None):
    from django.test import Client

    from .pages import Sample

    from .pages import BASELINE

    sample, client, results = Sample(), Client(), []
    # Several parts may be given, "|"-separated; the baseline page is always measured, since each
    # page is also read as a multiple of it (the machine is shared).
    parts = only.split("|") if only else None
    for page in pages:
        if parts and page.name != BASELINE and not any(part in page.name for part in parts):
            continue
        results.append(measure_page(page, client=client, sample=sample, repeat=repeat))
        if progress:
            progress(results[-1])
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", help='measure only pages whose name contains this (several: "a|b"), and the baseline')
    parser.add_argument("--json", required=True, help="where to write the results")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from .pages import PAGES

    def say(r):
        line = f"skipped ({r['skipped']})" if "skipped" in r else f"{r['median_ms']} ms median, {r['queries']} queries"
        print(f"  {r['name']}: {line}", file=sys.stderr, flush=True)

    results = measure_all(PAGES, repeat=args.repeat, only=args.only, progress=say)
    with open(args.json, "w") as out:
        json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
