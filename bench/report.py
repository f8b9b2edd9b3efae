#!/usr/bin/env python3
"""The Python half of bench/run.sh: wrk output to JSON, the scenarios' URL
lists, and the results as JSON, Markdown and an SVG chart (plain SVG written
by hand: no plotting library).

  report.py record <runs.jsonl> <wrk output file> key=value...
      parses one wrk --latency run (plus the bench-status / bench-cache lines
      of bench/tally.lua), adds the measurements given as key=value, appends
      one JSON line and prints a one-line summary
  report.py catalog <base url> <dir> [--products N]
      writes <dir>/listings (every page of every sort and category) from the
      server's API; with --products also <dir>/products ("<id> <variantId>",
      at most N) and <dir>/searches, for a target without DATABASE_URL
  report.py finish <runs.jsonl> <meta.json> <out dir> <stamp>
      writes <stamp>.json and <stamp>.md, copies them to latest.json and
      latest.md, and draws scale.svg
  report.py svg <results.json> <out.svg>
      draws the chart alone from a results file
"""
import html
import json
import math
import os
import re
import shutil
import sys
import urllib.request

CEILINGS = ("ceiling", "nginx", "ceiling_tiny")
# Scenarios answered from the response cache once warm: each reads as a
# fraction of the ceilings serving the hot listing's bytes.
HIT_PATH = ("listing_hot", "listing_rotation", "product_detail", "page_load")
LABELS = {
    "ceiling": "minimal Beast server, listing bytes (ceiling)",
    "nginx": "nginx, listing bytes from a file (ceiling)",
    "ceiling_tiny": "minimal Beast server, /healthz bytes (ceiling)",
    "healthz": "/healthz, whole pipeline (access log on)",
    "listing_hot": "product listing, one hot URL",
    "listing_rotation": "listing: every page, sort and category",
    "product_detail": "product detail, every product",
    "page_load": "page-load set (categories, banners, settings, currency)",
    "me": "GET /api/auth/me",
    "session": "mixed shopper session",
    "orders": "order creation",
    "verify": "payment verification",
    "webhook": "webhook ingestion",
    "admin_dashboard": "admin dashboard",
}
ORDER = list(LABELS)
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
          "#17becf", "#bcbd22", "#393b79", "#637939", "#e7ba52"]
UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


# ---------------------------------------------------------------- wrk output

def to_ms(value):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value or "")
    return float(m.group(1)) * UNITS_MS[m.group(2)] if m else None


def tally_line(text, name):
    m = re.search(rf"^{name} ?(.*)$", text, re.M)
    if not m:
        return None
    out = {}
    for part in m.group(1).split():
        k, _, n = part.rpartition("=")
        out[k] = int(n)
    return out


def parse_wrk(text):
    r = {"rps": 0.0, "requests": 0, "latency_ms": {}, "errors": {}}
    m = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    if not m:
        first = next((l.strip() for l in text.splitlines() if l.strip()), "no output")
        r["failed"] = first[:200]
    else:
        r["rps"] = float(m.group(1))
    m = re.search(r"(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", text)
    if m:
        r["requests"] = int(m.group(1))
        r["wrk_duration_ms"] = to_ms(m.group(2))
        r["read"] = m.group(3)
    lat = r["latency_ms"]
    m = re.search(r"^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)", text, re.M)
    if m:
        lat["avg"], lat["max"] = to_ms(m.group(1)), to_ms(m.group(3))
    for p in (50, 75, 90, 99):
        m = re.search(rf"^\s+{p}(?:\.0+)?%\s+(\S+)", text, re.M)
        if m:
            lat[f"p{p}"] = to_ms(m.group(1))
    err = r["errors"]
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    for i, k in enumerate(("connect", "read", "write", "timeout")):
        err[k] = int(m.group(i + 1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    err["non2xx"] = int(m.group(1)) if m else 0
    statuses = tally_line(text, "bench-status")
    bad = {k: n for k, n in (statuses or {}).items() if not ("200" <= k < "400")}
    for k, n in re.findall(r"^status (\d+): (\d+)", text, re.M):  # bench/order_create.lua
        bad[k] = bad.get(k, 0) + int(n)
    err["status"] = bad
    err["total"] = sum(err[k] for k in ("connect", "read", "write", "timeout", "non2xx"))
    if statuses is not None:
        r["statuses"] = statuses
    caches = tally_line(text, "bench-cache")
    if caches and set(caches) != {"none"}:
        total = sum(caches.values())
        hits = sum(n for k, n in caches.items() if k == "HIT" or k.startswith("STALE"))
        r["cache"] = dict(caches, hit_share=round(hits / total, 4) if total else None)
    return r


def num(v):
    if v in ("", "n/a", None):
        return None
    try:
        f = float(v)
    except ValueError:
        return v
    return int(f) if f.is_integer() and "." not in v else f


def record(jsonl, wrk_file, pairs):
    with open(wrk_file, errors="replace") as f:
        text = f.read()
    kv = {k: num(v) for k, v in (p.split("=", 1) for p in pairs)}
    run = {"size": kv.get("size"), "products": kv.get("products"), "scenario": kv["scenario"],
           "kind": "ceiling" if kv["scenario"] in CEILINGS else "server", "conns": kv["conns"],
           "duration_s": kv.get("wall_s")}
    run.update(parse_wrk(text))
    req = run["requests"]
    stmts = kv.get("stmts")
    run["db"] = {"statements": stmts,
                 "per_1000_requests": round(stmts * 1000 / req, 1) if stmts is not None and req else None,
                 "peak_connections": kv.get("db_peak")}
    wall = kv.get("wall_s") or 0
    cpu = kv.get("cpu_s")
    rss, peak = kv.get("rss_kb"), kv.get("rss_peak_kb")
    if rss is not None and peak is not None:
        peak = max(rss, peak)
    run["process"] = {"name": kv.get("process"), "rss_mb": mb(rss), "rss_peak_mb": mb(peak),
                      "cpu_s": cpu, "cpu_cores": round(cpu / wall, 2) if cpu is not None and wall else None}
    busy = kv.get("machine_busy")
    run["machine_cpu_busy"] = busy
    if kv.get("note"):
        run["note"] = kv["note"]
    with open(jsonl, "a") as f:
        f.write(json.dumps(run) + "\n")
    print(summary(run))


def mb(kb):
    return round(kb / 1024, 1) if kb is not None else None


# ---------------------------------------------------------------- formatting

def f_ms(v):
    if v is None:
        return "–"
    if v < 10:
        return f"{v:.2f}"
    if v < 100:
        return f"{v:.1f}"
    return f"{v:,.0f}"


def f_num(v, digits=0):
    return "–" if v is None else f"{v:,.{digits}f}"


def f_errors(e):
    if not e:
        return "–"
    kinds = [f"{k} {e[k]}" for k in ("connect", "read", "write", "timeout") if e.get(k)]
    kinds += [f"{k}×{n}" for k, n in sorted(e.get("status", {}).items())]
    if e.get("non2xx") and not e.get("status"):
        kinds.append(f"non-2xx {e['non2xx']}")
    return f"{e['total']:,}" + (f" ({', '.join(kinds)})" if kinds else "")


def summary(run):
    lat = run["latency_ms"]
    if run.get("failed"):
        return f"FAILED: {run['failed']}"
    s = (f"{run['rps']:,.0f} req/s  p50 {f_ms(lat.get('p50'))}  p90 {f_ms(lat.get('p90'))}  "
         f"p99 {f_ms(lat.get('p99'))}  max {f_ms(lat.get('max'))} ms  errors {f_errors(run['errors'])}")
    db = run["db"]
    if db["per_1000_requests"] is not None:
        s += f"  stmts/1k {db['per_1000_requests']:g}"
    if db["peak_connections"] is not None:
        s += f"  DB conns {db['peak_connections']}"
    p = run["process"]
    if p["rss_mb"] is not None:
        s += f"  RSS {p['rss_mb']:g} MB  CPU {p['cpu_cores']:g}"
    if run.get("cache"):
        s += f"  cached {100 * run['cache']['hit_share']:.0f}%"
    return s


# ---------------------------------------------------------------- catalog lists

def get_json(url):
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.load(r)
    except (OSError, ValueError) as e:
        sys.exit(f"error: GET {url}: {e}")


def catalog(base, out_dir, max_products):
    base = base.rstrip("/")
    cats = [c["id"] for c in get_json(base + "/api/products/categories")["data"]]
    with open(os.path.join(out_dir, "categories"), "w") as f:
        f.writelines(c + "\n" for c in cats)
    n = 0
    with open(os.path.join(out_dir, "listings"), "w") as f:
        for flt in [""] + [f"category={c}" for c in cats]:
            data = get_json(f"{base}/api/products?{flt}")["data"]
            pages = data.get("pagination", data)["pages"]
            for sort in ("newest", "price_asc", "price_desc", "popular"):
                for page in range(1, pages + 1):
                    f.write(f"/api/products?{flt + '&' if flt else ''}sort={sort}&page={page}\n")
                    n += 1
    print(f"{n} listing URLs over {len(cats)} categories", file=sys.stderr)
    if max_products <= 0:
        return
    products, words, page = [], set(), 1
    while len(products) < max_products:
        data = get_json(f"{base}/api/products?limit=100&page={page}")["data"]
        for p in data["products"]:
            v = next((v["id"] for v in p.get("variants", []) if v.get("isActive", True) and (v.get("stock") or 0) > 0),
                     None)
            if v:
                products.append(f"{p['id']} {v}")
            words.update(w for w in re.split(r"[^a-z]+", p["name"].lower()) if len(w) >= 4)
        if page >= data.get("pagination", data)["pages"]:
            break
        page += 1
    with open(os.path.join(out_dir, "products"), "w") as f:
        f.writelines(l + "\n" for l in products[:max_products])
    with open(os.path.join(out_dir, "searches"), "w") as f:
        f.writelines(w + "\n" for w in sorted(words)[:60])


# ---------------------------------------------------------------- results

def load_runs(jsonl):
    with open(jsonl) as f:
        return [json.loads(l) for l in f if l.strip()]


def add_ratios(runs):
    by = {(r["size"], r["scenario"], r["conns"]): r for r in runs}
    for r in runs:
        if r["rps"] <= 0:
            continue
        refs = {}
        if r["scenario"] in HIT_PATH:
            refs = {"ceiling": "ceiling", "nginx": "nginx"}
        elif r["scenario"] == "healthz":
            refs = {"ceiling": "ceiling_tiny"}
        for key, name in refs.items():
            c = by.get((r["size"], name, r["conns"]))
            if c and c["rps"] > 0:
                r.setdefault("of_ceiling", {})[key] = round(r["rps"] / c["rps"], 3)


def scenarios_in(runs):
    names = {r["scenario"] for r in runs}
    return [s for s in ORDER if s in names] + sorted(names - set(ORDER))


def markdown(res):
    runs, meta = res["runs"], res
    out = ["# WigHaven benchmark", ""]
    out.append(f"{meta['started']} to {meta['finished']}; commit `{meta['commit']}`; "
               f"`{meta['command']}`")
    out.append("")
    m = meta["machine"]
    out.append(f"- Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['mem_gib']} GiB RAM, {m['kernel']}; "
               f"load average at the start {m['load_at_start']}. wrk, the server and PostgreSQL share it.")
    s = meta["server"]
    out.append(f"- Server: {s['target']}; {s['settings']}.")
    out.append(f"- Database: {meta['database']}.")
    w = meta["wrk"]
    out.append(f"- Load: wrk {w['version']}, {w['threads']} threads, {meta['options']['duration']} a run, "
               f"--timeout {w['timeout']}; closed loop, no think time unless BENCH_THINK_MS is set "
               f"({w['think_ms']} ms).")
    if meta.get("skipped"):
        out.append(f"- Skipped: {'; '.join(meta['skipped'])}.")
    out.append("")
    sizes = sorted({r["size"] for r in runs if r["size"] is not None}) or [None]
    ceil = [r for r in runs if r["scenario"] in CEILINGS + ("listing_hot", "healthz")]
    if any(r["scenario"] in CEILINGS for r in runs):
        out += ["## Ceilings", "",
                "The least this machine does for the same bytes: a minimal server on the same HTTP stack "
                "(bench/ceiling.cc, one prebuilt response written by reference) and nginx serving the hot "
                "listing's bytes from a file; and for a tiny response, /healthz through the whole pipeline "
                "against the minimal server writing its bytes.", "",
                "| catalog | conns | minimal Beast | nginx | hot listing | of minimal | of nginx "
                "| minimal, /healthz bytes | /healthz | of minimal |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        by = {(r["size"], r["scenario"], r["conns"]): r for r in ceil}
        for size in sizes:
            for c in sorted({r["conns"] for r in ceil if r["size"] == size}):
                g = lambda n: by.get((size, n, c))
                rps = lambda n: f_num(g(n)["rps"]) if g(n) else "–"
                ratio = lambda n, k: (f"{g(n)['of_ceiling'][k]:.2f}" if g(n) and k in g(n).get("of_ceiling", {})
                                      else "–")
                out.append(f"| {f_num(size)} | {c:,} | {rps('ceiling')} | {rps('nginx')} | {rps('listing_hot')} "
                           f"| {ratio('listing_hot', 'ceiling')} | {ratio('listing_hot', 'nginx')} "
                           f"| {rps('ceiling_tiny')} | {rps('healthz')} | {ratio('healthz', 'ceiling')} |")
        out.append("")
    for size in sizes:
        rs = [r for r in runs if r["size"] == size]
        prods = next((r["products"] for r in rs if r.get("products")), None)
        out += [f"## Catalog of {f_num(size)} products" + (f" ({f_num(prods)} active)" if prods else ""), "",
                "| scenario | conns | req/s | p50 | p90 | p99 | max (ms) | errors | DB stmts /1k req "
                "| peak DB conns | RSS MB (peak) | CPU cores | machine busy | from cache | of ceiling |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for sc in scenarios_in(rs):
            for r in sorted((r for r in rs if r["scenario"] == sc), key=lambda r: r["conns"]):
                lat, db, p = r["latency_ms"], r["db"], r["process"]
                rss = "–" if p["rss_mb"] is None else f"{p['rss_mb']:g} ({p['rss_peak_mb']:g})"
                oc = r.get("of_ceiling", {})
                ratio = " / ".join(f"{v:.2f} {k}" for k, v in oc.items()) or "–"
                cache = f"{100 * r['cache']['hit_share']:.0f}%" if r.get("cache") else "–"
                busy = "–" if r.get("machine_cpu_busy") is None else f"{100 * r['machine_cpu_busy']:.0f}%"
                name = sc + (f" ({p['name']})" if r["kind"] == "ceiling" and p.get("name") not in (None, sc) else "")
                if r.get("failed"):
                    out.append(f"| {name} | {r['conns']:,} | failed: {r['failed']} |" + " |" * 12)
                    continue
                out.append(f"| {name} | {r['conns']:,} | {f_num(r['rps'])} | {f_ms(lat.get('p50'))} "
                           f"| {f_ms(lat.get('p90'))} | {f_ms(lat.get('p99'))} | {f_ms(lat.get('max'))} "
                           f"| {f_errors(r['errors'])} | {f_num(db['per_1000_requests'], 1)} "
                           f"| {f_num(db['peak_connections'])} | {rss} | {f_num(p['cpu_cores'], 2)} | {busy} "
                           f"| {cache} | {ratio} |")
        notes = [r for r in rs if r.get("note")]
        for r in sorted(notes, key=lambda r: (r["scenario"], r["conns"])):
            out.append(f"- {r['scenario']} at {r['conns']:,} connections: {r['note']}")
        out.append("")
    out += scale_tables(runs, sizes)
    out += ["## Reading the figures", "",
            "- Latencies are in ms (wrk --latency; requests that timed out are not in them: see errors). "
            "Errors are wrk's socket errors by kind (connect, read, write, timeout) plus non-2xx/3xx "
            "answers by status.",
            "- A closed loop without think time: at many connections the latency is mostly queueing "
            "(connections / throughput), which is the point of the 100 / 1,000 / 5,000 ladder.",
            "- DB statements: pg_stat_statements of the bench database, reset before each run, summed after "
            f"(track = {meta['pgss'].get('track', 'n/a')}; BEGIN/COMMIT and the server's background work "
            "during the run included); – when pg_stat_statements is not available. Peak DB connections: "
            "client backends of that database, sampled every 0.5 s.",
            "- RSS and CPU are those of the process serving the run (our server; wh_ceiling or nginx for the "
            "ceilings: nginx's RSS and CPU are its master's and workers'); CPU cores = CPU seconds / wall "
            "seconds. Machine busy = the share of all cores not idle during the run.",
            "- \"of ceiling\": req/s of a hit-path scenario over the minimal server's and nginx's req/s for the "
            "hot listing's bytes at the same connections (/healthz: over the minimal server writing its bytes).",
            ""]
    return "\n".join(out)


def change(by, xs, get):
    """The last value over the first, as "×0.82" (– when either is missing)."""
    a, b = (get(by[xs[0]]) if xs[0] in by else None), (get(by[xs[-1]]) if xs[-1] in by else None)
    return f"×{b / a:.2f}" if a and b is not None else "–"


def scale_table(title, runs, rows, cols, row_key, col_key, row_fmt, col_fmt):
    p99 = lambda r: r["latency_ms"].get("p99")
    out = [f"## {title}", "",
           f"| scenario | {row_key} | " + " | ".join(f"req/s @{col_fmt(c)}" for c in cols) + " | req/s change | " +
           " | ".join(f"p99 @{col_fmt(c)}" for c in cols) + " | p99 change |",
           "|---|---|" + "---|" * (2 * len(cols) + 2)]
    for sc in scenarios_in(runs):
        for row in rows:
            by = {r[col_key]: r for r in runs if r["scenario"] == sc and r[row_key] == row}
            if not by:
                continue
            out.append(f"| {sc} | {row_fmt(row)} | " +
                       " | ".join(f_num(by[c]["rps"]) if c in by else "–" for c in cols) +
                       f" | {change(by, cols, lambda r: r['rps'])} | " +
                       " | ".join(f_ms(p99(by[c])) if c in by else "–" for c in cols) +
                       f" | {change(by, cols, p99)} |")
    return out + [""]


def scale_tables(runs, sizes):
    ours = [r for r in runs if not r.get("failed")]
    conns = sorted({r["conns"] for r in ours})
    out = []
    if len(conns) > 1:
        out += scale_table("Scale with connections", ours, sizes, conns, "size", "conns", f_num, lambda c: f"{c:,}")
    if len(sizes) > 1:
        out += scale_table("Scale with catalog size", ours, conns, sizes, "conns", "size", lambda c: f"{c:,}",
                           lambda s: f"{s:,}")
    out += ["![req/s and p99 against connections and catalog size](scale.svg)", ""]
    return out


# ---------------------------------------------------------------- chart

def nice_max(v):
    if v <= 0:
        return 1
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * e:
            return m * e
    return 10 * e


class Panel:
    """One chart: x on a log scale (connections or products), y linear
    (req/s) or log (p99 ms)."""

    def __init__(self, x, y, w, h, title, xs, ylog, ymax, ymin, xlabel, ylabel):
        self.x, self.y, self.w, self.h = x, y, w, h
        self.title, self.xs, self.ylog, self.xlabel, self.ylabel = title, xs, ylog, xlabel, ylabel
        self.lx = [math.log10(v) for v in xs]
        if ylog:
            self.y0 = math.floor(math.log10(max(ymin, 1e-3)))
            self.y1 = max(self.y0 + 1, math.ceil(math.log10(max(ymax, 1e-3))))
        else:
            self.y0, self.y1 = 0, nice_max(ymax * 1.05)

    def px(self, v):
        lo, hi = min(self.lx), max(self.lx)
        if hi == lo:
            return self.x + self.w / 2
        return self.x + 30 + (math.log10(v) - lo) / (hi - lo) * (self.w - 60)

    def py(self, v):
        if self.ylog:
            t = (math.log10(max(v, 10 ** self.y0)) - self.y0) / (self.y1 - self.y0)
        else:
            t = v / self.y1
        return self.y + self.h - t * self.h

    def frame(self):
        s = [f'<rect x="{self.x}" y="{self.y}" width="{self.w}" height="{self.h}" fill="#fff" stroke="#999"/>',
             f'<text x="{self.x + self.w / 2}" y="{self.y - 10}" text-anchor="middle" font-weight="bold">'
             f'{html.escape(self.title)}</text>',
             f'<text x="{self.x + self.w / 2}" y="{self.y + self.h + 34}" text-anchor="middle">{self.xlabel}</text>',
             f'<text transform="translate({self.x - 52},{self.y + self.h / 2}) rotate(-90)" text-anchor="middle">'
             f'{self.ylabel}</text>']
        for v in self.xs:
            s.append(f'<line x1="{self.px(v):.1f}" y1="{self.y}" x2="{self.px(v):.1f}" y2="{self.y + self.h}" '
                     f'stroke="#eee"/>')
            s.append(f'<text x="{self.px(v):.1f}" y="{self.y + self.h + 16}" text-anchor="middle">{v:,}</text>')
        ticks = ([10 ** e for e in range(self.y0, self.y1 + 1)] if self.ylog
                 else [self.y1 * i / 5 for i in range(6)])
        for t in ticks:
            label = (f"{t:g}" if self.ylog else f"{t:,.0f}")
            s.append(f'<line x1="{self.x}" y1="{self.py(t):.1f}" x2="{self.x + self.w}" y2="{self.py(t):.1f}" '
                     f'stroke="#eee"/>')
            s.append(f'<text x="{self.x - 6}" y="{self.py(t) + 4:.1f}" text-anchor="end">{label}</text>')
        return s

    def line(self, points, color, dash):
        pts = " ".join(f"{self.px(x):.1f},{self.py(y):.1f}" for x, y in points)
        s = [f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/>']
        s += [f'<circle cx="{self.px(x):.1f}" cy="{self.py(y):.1f}" r="3" fill="{color}"/>' for x, y in points]
        return s


def svg(res):
    runs = [r for r in res["runs"] if not r.get("failed") and r["rps"] > 0]
    scen = scenarios_in(runs)
    color = {}
    palette, greys = iter(COLORS * 3), iter(["#444", "#888", "#bbb"])
    for sc in scen:
        color[sc] = next(greys) if sc in CEILINGS else next(palette)
    conns = sorted({r["conns"] for r in runs}) or [1]
    sizes = sorted({r["size"] for r in runs if r["size"]}) or [1]
    # Top: against connections at the smallest catalog; bottom: against
    # catalog size at 1000 connections (else the most connections).
    top_size = sizes[0]
    bottom_conns = 1000 if 1000 in conns else conns[-1]
    rps_max = max([r["rps"] for r in runs] or [1])
    p99s = [r["latency_ms"].get("p99") for r in runs if r["latency_ms"].get("p99")] or [1]
    W, PW, PH, TOP = 1100, 420, 260, 84
    panels = [
        Panel(90, TOP, PW, PH, f"req/s against connections ({top_size:,} products)", conns, False, rps_max, 0, "connections", "req/s"),
        Panel(90 + PW + 110, TOP, PW, PH, f"p99 against connections ({top_size:,} products)", conns, True, max(p99s), min(p99s),
              "connections", "p99 (ms, log)"),
        Panel(90, TOP + PH + 110, PW, PH, f"req/s against catalog size ({bottom_conns:,} connections)", sizes, False, rps_max, 0,
              "products", "req/s"),
        Panel(90 + PW + 110, TOP + PH + 110, PW, PH, f"p99 against catalog size ({bottom_conns:,} connections)", sizes, True, max(p99s),
              min(p99s), "products", "p99 (ms, log)"),
    ]
    legend_y = TOP + 2 * PH + 110 + 60
    H = legend_y + 22 * ((len(scen) + 1) // 2) + 50
    body = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
            f'font-family="sans-serif" font-size="12">',
            f'<rect width="{W}" height="{H}" fill="#fafafa"/>',
            f'<text x="{W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">WigHaven: '
            f'throughput and p99 with connections and catalog size</text>',
            f'<text x="{W / 2}" y="42" text-anchor="middle" fill="#555">{html.escape(res.get("started", ""))}, '
            f'commit {html.escape(res.get("commit", "?"))}, {res.get("options", {}).get("duration", "")} a run, '
            f'{res.get("machine", {}).get("cpus", "?")} CPUs shared by wrk, server and PostgreSQL</text>']
    for p in panels:
        body += p.frame()
    for sc in scen:
        dash = "5 3" if sc in CEILINGS else ""
        for top, key, at in ((True, "conns", lambda r: (r["size"] or 1) == top_size),
                             (False, "size", lambda r: r["conns"] == bottom_conns and r["size"])):
            pts = sorted(((r[key], r) for r in runs if r["scenario"] == sc and at(r)), key=lambda p: p[0])
            if not pts:
                continue
            a, b = panels[0:2] if top else panels[2:4]
            body += a.line([(x, r["rps"]) for x, r in pts], color[sc], dash)
            body += b.line([(x, r["latency_ms"]["p99"]) for x, r in pts if r["latency_ms"].get("p99")], color[sc], dash)
    if len(sizes) < 2:
        for p in panels[2:]:
            body.append(f'<text x="{p.x + p.w / 2}" y="{p.y + 24}" text-anchor="middle" fill="#900">one catalog '
                        f'size in this run: --sizes 1000,10000,100000 draws this</text>')
    for i, sc in enumerate(scen):
        x, y = 90 + (i % 2) * (PW + 110), legend_y + 22 * (i // 2)
        dash = "5 3" if sc in CEILINGS else ""
        body.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 26}" y2="{y - 4}" stroke="{color[sc]}" stroke-width="3" '
                    f'stroke-dasharray="{dash}"/>')
        body.append(f'<text x="{x + 34}" y="{y}">{html.escape(sc + ": " + LABELS.get(sc, sc))}</text>')
    y = legend_y + 22 * ((len(scen) + 1) // 2) + 14
    body.append(f'<text x="90" y="{y}" fill="#555">Ceilings grey and dashed. Every size and connection count is '
                f'in the tables of latest.md.</text>')
    body.append("</svg>")
    return "\n".join(body) + "\n"


def finish(jsonl, meta_file, out_dir, stamp):
    with open(meta_file) as f:
        res = json.load(f)
    res["runs"] = load_runs(jsonl) if os.path.exists(jsonl) else []
    add_ratios(res["runs"])
    os.makedirs(out_dir, exist_ok=True)
    base = os.path.join(out_dir, stamp)
    with open(base + ".json", "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    with open(base + ".md", "w") as f:
        f.write(markdown(res))
    shutil.copyfile(base + ".json", os.path.join(out_dir, "latest.json"))
    shutil.copyfile(base + ".md", os.path.join(out_dir, "latest.md"))
    with open(os.path.join(out_dir, "scale.svg"), "w") as f:
        f.write(svg(res))
    print(base + ".md")


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "record" and len(argv) >= 4:
        record(argv[2], argv[3], argv[4:])
    elif cmd == "catalog" and len(argv) in (4, 6):
        catalog(argv[2], argv[3], int(argv[5]) if len(argv) == 6 and argv[4] == "--products" else 0)
    elif cmd == "finish" and len(argv) == 6:
        finish(*argv[2:])
    elif cmd == "svg" and len(argv) == 4:
        with open(argv[2]) as f:
            res = json.load(f)
        add_ratios(res["runs"])
        with open(argv[3], "w") as f:
            f.write(svg(res))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
