#!/usr/bin/env python3
"""The README's benchmark tables from criterion's own records: `python3 benches/table.py
[DIR ...]`, each DIR a copy of target/criterion after one `cargo bench -p sigv4-benches`
(default: target/criterion, the last run; criterion keeps no earlier run apart from it, so
copy the directory between runs to report two). Medians; every ratio is between two figures
of the same run."""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"

WORKLOADS = [
    ("W1-get", "W1 S3 GET, `range`, `user-agent`"),
    ("W2-put-1MiB", "W2 S3 PUT, 1 MiB signed"),
    ("W3-presign", "W3 S3 presigned GET"),
    ("W4-dynamodb", "W4 DynamoDB PutItem, session token"),
    ("W5-aws-chunked-1MiB", "W5 aws-chunked 1 MiB, 64 KiB chunks"),
]


def median_us(group, bench, run):
    path = run / group / bench.replace(":", "_") / "new" / "estimates.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["median"]["point_estimate"] / 1000.0


def fmt(us):
    if us is None:
        return ""
    return f"{us:.0f} µs" if us >= 100 else f"{us:.2f} µs"


def ratio(a, b):
    return "" if a is None or b is None else f"{a / b:.2f}x"


def core_table(run):
    rows = [
        "| workload | floor | sigv4-core | core / floor | by value / core | aws-sigv4 / core | reqsign / core | verify / sign |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for group, title in WORKLOADS:
        floor = median_us(group, "floor", run) or median_us(group, "sha256-of-body", run)
        core = median_us(group, "sigv4-core", run)
        aws = median_us(group, "aws-sigv4", run)
        reqsign = median_us(group, "reqsign", run)
        verify = median_us(group, "verify_sigv4-core", run)
        by_value = median_us(group, "sigv4-core, returned by value", run)
        rows.append(
            f"| {title} | {fmt(floor)} | {fmt(core)} | {ratio(core, floor)} "
            f"| {ratio(by_value, core)} | {ratio(aws, core)} | {ratio(reqsign, core)} "
            f"| {ratio(verify, core)} |"
        )
    return rows


def presign_line(run):
    presigned = median_us("W3-presign", "sigv4-core", run)
    in_headers = median_us("W3-presign", "sigv4-core, in headers", run)
    if None in (presigned, in_headers):
        return "W3's request signed in headers: not measured"
    return (
        f"W3 presigned: {fmt(presigned)}; the same request signed in headers: "
        f"{fmt(in_headers)} (presign / headers {presigned / in_headers:.2f}x)"
    )


def http_table(run):
    rows = [
        "| workload | core | `sign_http` / `presign_http` | http / core | reqwest | hyper `SignLayer` | ureq |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ["W1-get", "W3-presign", "W4-dynamodb"]:
        group = f"http-{name}"
        core = median_us(group, "sigv4-core", run)
        http = median_us(group, "sign_http", run) or median_us(group, "presign_http", run)
        reqwest = median_us(group, "reqwest sign_request", run) or median_us(
            group, "reqwest presign", run
        )
        hyper = median_us(group, "hyper SignLayer", run)
        ureq = median_us(group, "ureq sign_request", run) or median_us(group, "ureq presign", run)
        rows.append(
            f"| {name.split('-')[0]} | {fmt(core)} | {fmt(http)} | {ratio(http, core)} "
            f"| {fmt(reqwest)} | {fmt(hyper)} | {fmt(ureq)} |"
        )
    return rows


def concurrency(run):
    group = "concurrency-W1-sign_http"
    one = median_us(group, "1 thread", run)
    two = median_us(group, "2 threads, each", run)
    c1 = median_us(group, "control_ core, 1 thread", run)
    c2 = median_us(group, "control_ core, 2 threads, each", run)
    if None in (one, two, c1, c2):
        return "two threads: not measured"
    return (
        f"one `Signer`, two threads: {2 * one / two:.2f}x one thread's W1 rate "
        f"(nothing shared, the core alone: {2 * c1 / c2:.2f}x)"
    )


def main():
    runs = [pathlib.Path(d) for d in sys.argv[1:]] or [ROOT]
    for run in runs:
        if median_us("W1-get", "sigv4-core", run) is None:
            sys.exit(f"no criterion records in {run}: run `cargo bench -p sigv4-benches`")
        print(f"### {run}\n")
        print("\n".join(core_table(run)))
        print()
        print(presign_line(run))
        print()
        print("\n".join(http_table(run)))
        print()
        print(concurrency(run))
        print()


if __name__ == "__main__":
    main()
