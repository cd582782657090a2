"""Each fork of a Django admin piece (concierge/admin/) against Django's own piece, in one run.

    .venv/bin/python -m bench.forks --scale 10 [--repeat 10] [--only "date drill-down"] [--output FILE]

A fork is kept only where the page would miss its target with Django's piece (issue 15, point 3;
docs/admin-at-scale.md, "Forks of Django"). For every fork and every page it serves, the page is timed
as served and with Django's piece switched in, in alternating blocks (fork, Django, fork, Django),
so that a change of the shared machine's load falls on both; each block starts with untimed requests,
since switching a template tag recompiles the templates. The ratio is Django's median over the fork's.
The bench database of that scale must already be seeded (`make bench SCALES=10`).
"""

import argparse
import contextlib
import functools
import os
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Callable, ContextManager, Iterator

WARMUP = 2
# A variant slower than this per request is timed fewer times (Django's drill-down over ten million
# audit rows takes seconds): 3 per block still gives a median.
SLOW_SECONDS = 1.0


@dataclass(frozen=True)
class Variant:
    name: str
    what: str
    django: Callable[[], ContextManager[None]]
    pages: Callable[[], list]


def _reset_templates() -> None:
    """Forget compiled templates, so that a tag's function patched in (or back out) is the one parsed."""
    from django.template import engines
    from django.template.backends.django import DjangoTemplates

    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        for loader in engine.engine.template_loaders:
            if hasattr(loader, "reset"):
                loader.reset()


@contextlib.contextmanager
def _patched(target: object, name: str, value: object, *, templates: bool = False) -> Iterator[None]:
    original = getattr(target, name)
    setattr(target, name, value)
    if templates:
        _reset_templates()
    try:
        yield
    finally:
        setattr(target, name, original)
        if templates:
            _reset_templates()


def _django_date_hierarchy() -> ContextManager[None]:
    from django.contrib.admin.templatetags import admin_list

    from concierge.admin import templatetags

    return _patched(templatetags, "date_hierarchy", admin_list.date_hierarchy, templates=True)


def _django_rows() -> ContextManager[None]:
    from django.contrib.admin.templatetags import admin_list

    from concierge.admin import templatetags

    return _patched(templatetags, "quick_result_list", admin_list.result_list, templates=True)


@contextlib.contextmanager
def _django_rows_per_page(per_page: int) -> Iterator[None]:
    """Django's rows, and each large list showing at most `per_page` rows (a choice a shop could make)."""
    from django.contrib import admin

    from concierge.admin.changelists import LargeTableAdminMixin

    admins = [a for a in admin.site._registry.values() if isinstance(a, LargeTableAdminMixin)]
    with contextlib.ExitStack() as stack:
        stack.enter_context(_django_rows())
        for model_admin in admins:
            stack.enter_context(_patched(model_admin, "list_per_page", min(model_admin.list_per_page, per_page)))
        yield


def _django_checkbox() -> ContextManager[None]:
    from django.contrib.admin import ModelAdmin

    from concierge.admin.changelists import QuickActionCheckboxMixin

    return _patched(QuickActionCheckboxMixin, "action_checkbox", ModelAdmin.action_checkbox)


@functools.cache
def _djangos_renderer():
    from django.forms.renderers import DjangoTemplates

    return DjangoTemplates()


def _django_inputs() -> ContextManager[None]:
    from concierge.admin import inlines

    return _patched(inlines, "QUICK_INPUT_RENDERER", _djangos_renderer())


def _change_pages() -> list:
    """The pages whose inline opts in to the quick inputs (inlines.QuickInputsInlineMixin)."""
    from .pages import PAGES

    return [p for p in PAGES if p.name == "admin: client page (most cars)"]


def _list_pages(*, drill_down: bool = False) -> list:
    """The lists using the quick rows (changelists.QuickRowsAdminMixin), or with a date drill-down.
    Clients, vehicles and the audit log were measured too and use Django's rows (docs/admin-at-scale.md)."""
    from .pages import PAGES

    lists = [p for p in PAGES if p.name.startswith(("admin: services", "admin: notifications"))]
    if drill_down:
        lists = [p for p in PAGES if p.name.startswith(("admin: services", "admin: audit log"))]
        lists += _drill_pages()
    return lists


def _drill_pages() -> list:
    """The date drill-down one and two levels down: last year, and its busiest month (December)."""
    import datetime

    from concierge.audit.models import AuditLog
    from servicing.models import Service

    from .pages import changelist

    year = str(datetime.date.today().year - 1)
    return [
        changelist("admin: services, drilled into last year", Service, lambda s: {"scheduled_date__year": year}),
        changelist("admin: services, drilled into last December", Service,
                   lambda s: {"scheduled_date__year": year, "scheduled_date__month": "12"}),
        changelist("admin: services, status completed, last year", Service,
                   lambda s: {"status__exact": "completed", "scheduled_date__year": year}),
        changelist("admin: audit log, drilled into last year", AuditLog, lambda s: {"timestamp__year": year},
                   role="manager"),
        changelist("admin: audit log, drilled into last December", AuditLog,
                   lambda s: {"timestamp__year": year, "timestamp__month": "12"}, role="manager"),
    ]


VARIANTS = [
    Variant("rows", "concierge/admin/changelists.py quick_result_list vs Django's result_list (items_for_result)",
            _django_rows, _list_pages),
    Variant("rows, 50 a page", "Django's result_list with list_per_page 50 (audit log: 50 already)",
            lambda: _django_rows_per_page(50), _list_pages),
    Variant("action checkbox", "changelists.QuickActionCheckboxMixin vs ModelAdmin.action_checkbox",
            _django_checkbox, _list_pages),
    Variant("inline inputs", "concierge/admin/renderers.py QuickInputRenderer vs Django's DjangoTemplates renderer",
            _django_inputs, _change_pages),
    Variant("date drill-down", "concierge/admin/date_hierarchy.py vs django.contrib.admin's date_hierarchy",
            _django_date_hierarchy, lambda: _list_pages(drill_down=True)),
]


def _time_block(client, url: str, count: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each timed request. CPU time is this process's (Python: the rendering),
    not PostgreSQL's: it hardly moves with the load of a shared machine, where the wall time does."""
    for _ in range(WARMUP):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    times: list[tuple[float, float]] = []
    while len(times) < count:
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
        if times[0][0] > SLOW_SECONDS:
            count = min(count, 3)
    return times


def measure_variant(variant: Variant, *, client, sample, repeat: int, say=print) -> list[dict]:
    from .pages import BASELINE, PAGES, TARGET_MS
    from .roles import sign_in

    baseline_page = next(p for p in PAGES if p.name == BASELINE)
    count = max(repeat // 2, 2)
    rows = []
    for page in variant.pages():
        url = page.url(sample)
        fork, django, baseline = [], [], []
        for _round in range(2):
            sign_in(baseline_page.role, client, sample)
            baseline += _time_block(client, baseline_page.url(sample), count)
            sign_in(page.role, client, sample)
            fork += _time_block(client, url, count)
            with variant.django():
                django += _time_block(client, url, count)
        row = {"variant": variant.name, "page": page.name, "url": url, "target_ms": TARGET_MS[page.kind]}
        for key, times in (("fork", fork), ("django", django), ("baseline", baseline)):
            row[f"{key}_ms"] = round(statistics.median(t[0] for t in times) * 1000, 1)
            row[f"{key}_cpu_ms"] = round(statistics.median(t[1] for t in times) * 1000, 1)
        row["ratio"] = round(row["django_ms"] / row["fork_ms"], 2)
        say(f"  {variant.name} | {page.name}: fork {row['fork_ms']} ms, Django {row['django_ms']} ms, ×{row['ratio']}"
            f" (baseline {row['baseline_ms']} ms); CPU fork {row['fork_cpu_ms']}, Django {row['django_cpu_ms']},"
            f" baseline {row['baseline_cpu_ms']} ms")
        rows.append(row)
    return rows


def render(rows: list[dict], *, scale: float, repeat: int, started: str, loads: tuple[float, float],
           quiet_baseline_ms: float) -> str:
    lines = [
        f"Measured {started} at scale {scale:g} by `.venv/bin/python -m bench.forks --scale {scale:g} --repeat {repeat}`"
        f" (load average {loads[0]:.1f} → {loads[1]:.1f}); medians in ms; *ratio* = Django's piece ÷ the fork. "
        "The baseline page (reads no shop data) was timed beside each page: *÷ b* is a median over it, and "
        f"*quiet ms* that multiple of {quiet_baseline_ms:g} ms, the baseline of the last full run on a quiet machine "
        "(docs/benchmarks.md), which is what the target (✓/✗) is checked against when the machine is shared. "
        "*CPU ms* is this process's CPU time per request (the Python side; PostgreSQL's work is not in it).",
        "",
        "| fork | page | target | fork ms | Django's ms | baseline ms | fork ÷ b | Django's ÷ b "
        "| fork, quiet ms | Django's, quiet ms | ratio | CPU ms: fork / Django's / baseline |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def quiet(ms: float, r: dict) -> str:
        estimate = ms / r["baseline_ms"] * quiet_baseline_ms
        return f"{estimate:.0f} {'✓' if estimate <= r['target_ms'] else '✗'}"

    for r in rows:
        lines.append(
            f"| {r['variant']} | {r['page']} | {r['target_ms']} ms | {r['fork_ms']:g} | {r['django_ms']:g} "
            f"| {r['baseline_ms']:g} | {r['fork_ms'] / r['baseline_ms']:.1f} | {r['django_ms'] / r['baseline_ms']:.1f} "
            f"| {quiet(r['fork_ms'], r)} | {quiet(r['django_ms'], r)} | ×{r['ratio']:g} "
            f"| {r['fork_cpu_ms']:g} / {r['django_cpu_ms']:g} / {r['baseline_cpu_ms']:g} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page and piece (default 10)")
    parser.add_argument("--only", help="measure only the forks whose name contains this")
    parser.add_argument("--output", help="markdown file to write (default var/bench/forks-<scale>.md)")
    parser.add_argument("--quiet-baseline-ms", type=float, default=8.45,
                        help="the baseline page's median on a quiet machine (docs/benchmarks.md; default 8.45)")
    args = parser.parse_args(argv)

    from .databases import ROOT, database_name

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ["BENCH_DATABASE_NAME"] = database_name(args.scale)
    import django

    django.setup()
    from django.test import Client

    from .pages import Sample

    started = time.strftime("%Y-%m-%d %H:%M %Z")
    load_before = os.getloadavg()[0]
    sample, client, rows = Sample(), Client(), []
    for variant in VARIANTS:
        if args.only and args.only not in variant.name:
            continue
        rows += measure_variant(variant, client=client, sample=sample, repeat=args.repeat,
                                say=lambda m: print(m, file=sys.stderr, flush=True))
    markdown = render(rows, scale=args.scale, repeat=args.repeat, started=started,
                      loads=(load_before, os.getloadavg()[0]), quiet_baseline_ms=args.quiet_baseline_ms)
    output = args.output or ROOT / "var" / "bench" / f"forks-{args.scale:g}.md"
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w") as f:
        f.write(markdown)
    print(markdown)
    print(f"written to {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
