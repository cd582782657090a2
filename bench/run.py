"""`make bench`: seed (or reuse) one database per scale, measure every page in each, write the table.

    python -m bench.run --scales "1 10" --repeat 30 [--only "admin: clients"] [--output FILE]

Each scale is measured in its own process (bench.measure) so that Django's default database is the
bench database of that scale. The table goes to docs/benchmarks.md when every scale is at least 1,
otherwise (a quick run, e.g. SCALES=0.01) to var/bench/benchmarks-quick.md, and is printed.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from .databases import ROOT, child_env, database_name, ensure_seeded, server_connection


def main(argv=None):
    parser = argparse.ArgumentParser(description="Measure the pages at several data scales.")
    parser.add_argument("--scales", default="1 10", help='space-separated, fractions allowed (default "1 10")')
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", help='measure only pages whose name contains this (several: "a|b"), and the baseline')
    parser.add_argument("--output", help="markdown file to write (default: see above)")
    args = parser.parse_args(argv)
    try:
        scales = sorted({float(s) for s in args.scales.split()})
    except ValueError:
        parser.error(f"--scales must be numbers, got {args.scales!r}")
    if not scales or scales[0] <= 0 or args.repeat < 1:
        parser.error("--scales must be positive numbers and --repeat at least 1")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.conf import settings

    from .report import machine, render

    settings_db = settings.DATABASES["default"]
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    seeds, results = {}, {}
    for scale in scales:
        seeds[scale] = ensure_seeded(settings_db, scale=scale, seed=args.seed, say=lambda m: print(m, file=sys.stderr))
        print(f"measuring scale {scale:g} ({database_name(scale)})", file=sys.stderr, flush=True)
        load_before = os.getloadavg()[0]
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, "-m", "bench.measure", "--repeat", str(args.repeat), "--json", out.name]
            if args.only:
                command += ["--only", args.only]
            subprocess.run(command, cwd=ROOT, env=child_env(database_name(scale)), check=True)
            results[scale] = json.load(open(out.name))
        seeds[scale] += f"; measured with load average {load_before:.1f} → {os.getloadavg()[0]:.1f}"
    with server_connection(settings_db) as conn:
        pg_version = conn.execute("SELECT version()").fetchone()[0].split(" on ")[0]
        shared_buffers = conn.execute("SHOW shared_buffers").fetchone()[0]
    info = {**machine(pg_version), "shared_buffers": shared_buffers,
            "load average at the end": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    markdown = render(results, scales=scales, seeds=seeds, machine_info=info, repeat=args.repeat, started=started)
    output = args.output or (ROOT / "docs" / "benchmarks.md" if scales[0] >= 1 else ROOT / "var" / "bench" / "benchmarks-quick.md")
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w") as f:
        f.write(markdown)
    print(markdown)
    print(f"written to {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
