"""The markdown written to docs/benchmarks.md: pages × scales side by side, growth, machine."""

import os
import platform

from .pages import TARGET_MS


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
        f"Measured {started} by `make bench SCALES=\"{' '.join(f'{s:g}' for s in scales)}\" REPEAT={repeat}` "
        "(bench/run.py). Times are server time through the Django test client, warm, in milliseconds; "
        f"each cell shows scale {header}. *growth* is the median at the largest scale over the smallest. "
        "*main SQL* is the page's own list query alone; *page ÷ SQL* is how much the page costs over it.",
        "",
        f"| page | target | queries ({header}) | median ms | growth | p95 ms | main SQL ms | page ÷ SQL |",
        "|---|---|---|---|---|---|---|---|",
    ]
    skipped = []
    for name in names:
        rows = [by[s].get(name, {}) for s in scales]
        if all("skipped" in r for r in rows):
            skipped.append((name, rows[0]["skipped"]))
            continue
        kind = rows[0]["kind"]
        medians = [r.get("median_ms") for r in rows]
        target = TARGET_MS[kind]
        met = "" if medians[-1] is None else (" ✓" if medians[-1] <= target else " ✗")
        lines.append(
            f"| {name} | {target} ms{met} | {_pair([r.get('queries') for r in rows])} | {_pair(medians)} "
            f"| {_growth(medians[0], medians[-1])} | {_pair([r.get('p95_ms') for r in rows])} "
            f"| {_pair([r.get('sql_ms') for r in rows])} | {_pair([r.get('ratio') for r in rows])} |"
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
    return "\n".join(lines) + "\n"
