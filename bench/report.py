"""The markdown written to docs/benchmarks.md: pages × scales side by side, growth, machine."""

import os
import platform
from pathlib import Path

from .pages import BASELINE, TARGET_MS

# Written by hand and carried into every run's file: what the figures mean, what was seen in EXPLAIN.
NOTES = Path(__file__).with_name("notes.md")

INTRO = """\
How fast the pages are when the shop has years of history, measured by `make bench` (issue #8).
This file is written by each full run (every scale at least 1; the Findings at the end are kept in
bench/notes.md); a quick run (`make bench SCALES=0.01 REPEAT=3`) writes var/bench/benchmarks-quick.md.

## Running it

- `make bench` seeds (once) and measures scales 1 and 10; `make bench SCALES="1 3" REPEAT=10` for others.
  `.venv/bin/python -m bench.run --only "admin: services"` measures only the pages whose name contains that
  (several parts: `--only "admin: invoices|report: overview"`), and the baseline page with them.
- Each scale has its own database on the embedded server: `concierge_bench_1`, `concierge_bench_10`
  (`concierge_bench_0_01` for 0.01). The scale, seed and generator version are kept in `COMMENT ON
  DATABASE`; a database already seeded at that scale is reused (after `migrate`, since the schema may have moved on), any other
  is dropped and seeded again. They are never touched by `make test` or `make run`.
  `BENCH_DATABASE_PREFIX=mine_` names them `mine_1`, `mine_10` instead (two checkouts sharing one server).
- The data: `manage.py seed_scale --scale N [--seed 2026] [--database ALIAS] [--force] [--no-progress]`
  writes about N×10 000 clients, N×15 000 vehicles, N×100 000 services, N×300 000 notifications and
  N×1 000 000 audit rows covering five years, with PostgreSQL's COPY in one transaction, every
  constraint, index and trigger left on (the audit trigger records each inserted row), then
  VACUUM (ANALYZE). Client email and phone are written through the model fields, so they are stored
  encrypted with their keyed hashes exactly as the application writes them. It refuses a database whose tables
  already hold rows; `--force` empties clients, vehicles, services, notifications and audit_logs first
  (TRUNCATE ... CASCADE). Same seed, same shop (dates are relative to the day it runs).
- What the data looks like: a fifth of the clients were on the books five years ago, the rest joined a
  growing business; one car each plus a Pareto tail (a few clients run fleets of dozens); jobs per car in
  proportion to its time with the shop times a log-normal "how hard it is driven", so a few cars and
  clients have hundreds of jobs; about 94 % completed, 5 % cancelled, a few hundred pending or in progress
  per unit of scale (the last three days and the next three); two to three messages per job (booked,
  started, ready or cancelled) plus reminders; audit rows for every insert, every status change, then
  everyday edits up to N×1 000 000 (when audit triggers exist they write the inserts themselves and the
  generator tops up to the target).
- Adding a page: one entry in `bench/pages.py` (name, URL from the sampled data, role, main SQL).
  Pages whose URL does not resolve yet are listed under "Not measured yet" with the reason.
- How it measures: per page 3 untimed requests, then REPEAT timed GETs through Django's test client
  (median, p95), one more under CaptureQueriesContext (query count, slowest query), and the page's
  main SQL alone REPEAT times. Settings are the development ones with DEBUG off (bench/settings.py).
  Staff pages are fetched as a member of the shop's groups (Front desk; Manager for the notification
  and audit lists and the reports), portal pages as the client owning the car with the most jobs,
  signed in through the portal's own session. Change pages show the busiest client and car: the
  long tail is where pages break. The machine is shared: compare figures within one run, and read
  *page ÷ baseline* rather than milliseconds when the load moved.
"""


def machine(pg_version):
    cpu = "unknown"
    memory = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
        with open("/proc/meminfo") as f:
            kb = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
            memory = f"{kb / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": memory, "postgresql": pg_version,
            "python": platform.python_version()}


def _pair(values, fmt="{:g}"):
    return " / ".join("—" if v is None else fmt.format(v) for v in values)


def _growth(first, last):
    if not first or last is None:
        return "—"
    return f"×{last / first:.1f}"


def render(results, *, scales, seeds, machine_info, repeat, started, note=""):
    """results: {scale: [page result, ...]} in the same page order for every scale."""
    names = [r["name"] for r in results[scales[0]]]
    by = {scale: {r["name"]: r for r in results[scale]} for scale in scales}
    header = " / ".join(f"{s:g}" for s in scales)
    lines = [
        "# Benchmarks",
        "",
        INTRO,
        "## Results",
        "",
        f"Measured {started} by `make bench SCALES=\"{' '.join(f'{s:g}' for s in scales)}\" REPEAT={repeat}` "
        "(bench/run.py). Times are server time through the Django test client, warm, in milliseconds; "
        f"each cell shows scale {header}. *growth* is the median at the largest scale over the smallest. "
        "*main SQL* is the page's own list query alone; *page ÷ SQL* is how much the page costs over it; "
        "*page ÷ baseline* divides by the baseline page of the same run, which reads no shop data: "
        "where the baseline moved between scales, the machine's load did, and this column is the fairer growth.",
        "",
        f"| page | target | queries ({header}) | median ms | growth | p95 ms | main SQL ms | page ÷ SQL | page ÷ baseline |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    baseline = [by[s].get(BASELINE, {}).get("median_ms") for s in scales]
    skipped = []
    for name in names:
        rows = [by[s].get(name, {}) for s in scales]
        if all("skipped" in r for r in rows):
            skipped.append((name, rows[0]["skipped"]))
            continue
        medians = [r.get("median_ms") for r in rows]
        target = TARGET_MS.get(rows[0]["kind"])
        met = "" if medians[-1] is None or target is None else (" ✓" if medians[-1] <= target else " ✗")
        relative = [round(m / b, 1) if m and b else None for m, b in zip(medians, baseline)]
        lines.append(
            f"| {name} | {f'{target} ms' if target else '—'}{met} | {_pair([r.get('queries') for r in rows])} | {_pair(medians)} "
            f"| {_growth(medians[0], medians[-1])} | {_pair([r.get('p95_ms') for r in rows])} "
            f"| {_pair([r.get('sql_ms') for r in rows])} | {_pair([r.get('ratio') for r in rows])} "
            f"| {_pair(relative)} |"
        )
    lines += ["", "✓ / ✗: the median at the largest scale against the issue's target (#8).", ""]
    if skipped:
        lines += ["## Not measured yet", ""]
        lines += [f"- **{name}**: {reason}" for name, reason in skipped]
        lines.append("")
    largest = scales[-1]
    lines += [f"## Slowest query of each page at scale {largest:g}", ""]
    for name in names:
        r = by[largest].get(name, {})
        if r.get("slowest_query"):
            lines.append(f"- **{name}** ({r['slowest_query_ms']} ms): `{r['slowest_query'][:300]}`")
    lines += ["", "## Data", ""]
    lines += [f"- scale {s:g}: {seeds[s]}" for s in scales]
    lines += ["", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in machine_info.items()]
    if note:
        lines += ["", note]
    if NOTES.exists():
        lines += ["", NOTES.read_text().rstrip()]
    return "\n".join(lines) + "\n"
