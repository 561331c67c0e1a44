#!/usr/bin/env python3
"""End to end, side by side: the crate's `reconcile` example against DuckDB
(2 threads), polars and Python's `decimal`, on the same tidy plan files.

Each tool reads the file and totals allocations and scheme-line spend per
contributor and year, exactly (decimals, never floats); the script checks
that all give the same figures, then prints the median wall time and peak
RSS of several runs each, and each peer's ratio to the crate.

    pip install duckdb polars          # the peers
    cargo build --release --example reconcile
    python3 bench/peers.py [LINES ...] # default: 1000 100000 1000000

Files are generated once into target/peers/ (1M lines is about 360 MB).
"""
import os
import random
import re
import statistics
import subprocess
import sys
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "target", "peers")
CRATE = os.path.join(ROOT, "target", "release", "examples", "reconcile")
RUNS = 3
CONTRIBUTORS = ["wl_ccg", "elr_ccg", "lcc"]
YEARS = ["2017/18", "2018/19"]


def generate(lines):
    path = os.path.join(OUT, f"plan_{lines}.csv")
    if os.path.exists(path):
        return path
    rng = random.Random(lines)
    totals = {}
    rows = []
    for line in range(lines):
        for c in CONTRIBUTORS:
            for y in YEARS:
                pence = rng.randrange(0, 500_000_000)
                totals[(c, y)] = totals.get((c, y), 0) + pence
                rows.append(f"line,L{line},line,,BCF{line % 11},{c},{y},src_{c},{pence // 100}.{pence % 100:02d}\n")
    with open(path, "w") as f:
        f.write("record,id,name,kind,programme,contributor,year,funding,amount\n")
        f.write("plan,,synthetic,,,,,,\n")
        for y in YEARS:
            f.write(f"year,,,,,,{y},,\n")
        for c in CONTRIBUTORS:
            f.write(f"contributor,{c},{c},Ccg,,,,,\nsource,src_{c},{c},NhsMinimum,,,,,\n")
        for p in range(11):
            f.write(f"programme,BCF{p},programme,,,,,,\n")
        for (c, y), v in totals.items():
            f.write(f"allocation,,,,,{c},{y},src_{c},{v // 100}.{v % 100:02d}\n")
        f.writelines(rows)
    return path


DUCKDB = """
import duckdb, sys
con = duckdb.connect(); con.execute("SET threads TO 2"); con.execute("SET enable_progress_bar = false")
rows = con.execute('''
  SELECT contributor, year,
         SUM(CASE WHEN record = 'allocation' THEN amount END),
         SUM(CASE WHEN record = 'line' THEN amount END)
  FROM read_csv(?, header = true, all_varchar = true,
                types = {'amount': 'DECIMAL(18,2)'})
  WHERE record IN ('allocation', 'line')
  GROUP BY contributor, year''', [sys.argv[1]]).fetchall()
for c, y, a, s in sorted(rows): print(c, y, a, s)
"""

POLARS = """
import polars as pl, sys
df = pl.read_csv(sys.argv[1], infer_schema=False)
df = df.filter(pl.col("record").is_in(["allocation", "line"])).with_columns(pl.col("amount").cast(pl.Decimal(18, 2)))
out = df.group_by(["contributor", "year"]).agg(
    pl.col("amount").filter(pl.col("record") == "allocation").sum().alias("a"),
    pl.col("amount").filter(pl.col("record") == "line").sum().alias("s"))
for c, y, a, s in sorted(out.iter_rows()): print(c, y, a, s)
"""

PYDECIMAL = """
import csv, sys
from decimal import Decimal
t = {}
with open(sys.argv[1], newline="") as f:
    for r in csv.DictReader(f):
        if r["record"] in ("allocation", "line"):
            k = (r["contributor"], r["year"]); a, s = t.get(k, (Decimal(0), Decimal(0)))
            v = Decimal(r["amount"])
            t[k] = (a + v, s) if r["record"] == "allocation" else (a, s + v)
for (c, y), (a, s) in sorted(t.items()): print(c, y, a, s)
"""


def crate_figures(stdout):
    """The crate's balances (allocation, expenditure per contributor and year)."""
    out = []
    for m in re.finditer(r"^\s+(\S+)\s+(\d{4}/\d\d)\s+allocation\s+£([\d,.]+)\s+expenditure\s+£([\d,.]+)", stdout, re.M):
        c, y, a, s = m.groups()
        out.append(f"{c} {y} {Decimal(a.replace(',', ''))} {Decimal(s.replace(',', ''))}")
    return sorted(out)


def canonical(stdout):
    out = []
    for line in stdout.split("\n"):
        if line.strip():
            c, y, a, s = line.split()
            out.append(f"{c} {y} {Decimal(a).quantize(Decimal('0.01'))} {Decimal(s).quantize(Decimal('0.01'))}")
    return sorted(out)


def run(cmd):
    """Wall seconds, peak RSS in MiB, and stdout of one run."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed: {p.stderr[-500:]}")
    rss = p.stderr.strip().split("\n")[-1]
    return wall, int(rss) / 1024, p.stdout


def main():
    os.makedirs(OUT, exist_ok=True)
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 100_000, 1_000_000]
    tools = [
        ("this crate (reconcile example)", lambda f: [CRATE, f], crate_figures),
        ("DuckDB, 2 threads", lambda f: [sys.executable, "-c", DUCKDB, f], canonical),
        ("polars", lambda f: [sys.executable, "-c", POLARS, f], canonical),
        ("Python decimal", lambda f: [sys.executable, "-c", PYDECIMAL, f], canonical),
    ]
    print("| lines (MB) | tool | median wall s | peak RSS MiB | wall / crate |")
    print("|---|---|---|---|---|")
    for lines in sizes:
        path = generate(lines)
        mb = os.path.getsize(path) / 1e6
        base = None
        figures = None
        for name, cmd, parse in tools:
            results = [run(cmd(path)) for _ in range(RUNS)]
            got = parse(results[0][2])
            if not got:
                sys.exit(f"{name}: no figures in its output")
            if figures is None:
                figures = got
            elif got != figures:
                sys.exit(f"{name} disagrees with the crate on {path}:\n{got[:3]}\n{figures[:3]}")
            wall = statistics.median(r[0] for r in results)
            rss = statistics.median(r[1] for r in results)
            base = base or wall
            print(f"| {lines:,} ({mb:.1f}) | {name} | {wall:.3f} | {rss:.0f} | {wall / base:.2f} |")
    print(f"\nAll tools gave the same totals; {RUNS} runs each.")


if __name__ == "__main__":
    main()
