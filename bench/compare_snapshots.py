"""Check that a change of the snapshot code leaves every published filing's snapshot as it was.

    DATABASE_URL=... .venv/bin/python bench/compare_snapshots.py --save before.json    (the code before)
    DATABASE_URL=... .venv/bin/python bench/compare_snapshots.py --compare before.json (the code after)

With the demo loaded (`manage.py load_demo`), every published filing's snapshot is built again, with its
own publication time, from the same data: `--save` writes them, `--compare` compares them as JSON with
those saved by the other tree. Without either, they are compared with the snapshots stored at
publication (which differ where the demo added data after publishing, e.g. last year's filing). Exits 1
and prints the first differing paths when one differs.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def differences(before, after, path: str = "") -> list[str]:
    if type(before) is not type(after):
        return [f"{path}: {before!r} → {after!r}"]
    if isinstance(before, dict):
        found = []
        for key in sorted(set(before) | set(after)):
            if key not in before or key not in after:
                found.append(f"{path}/{key}: only {'after' if key in after else 'before'}")
            else:
                found += differences(before[key], after[key], f"{path}/{key}")
        return found
    if isinstance(before, list):
        if len(before) != len(after):
            return [f"{path}: {len(before)} items → {len(after)}"]
        return [d for i, (b, a) in enumerate(zip(before, after, strict=True)) for d in differences(b, a, f"{path}[{i}]")]
    return [] if before == after else [f"{path}: {before!r} → {after!r}"]


def main() -> int:
    import argparse

    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--every", type=int, default=0, help="every n-th filing of any status instead of the published ones (a bench county)")
    args = parser.parse_args()

    django.setup()
    from disclosures.models import Filing
    from disclosures.selectors.snapshot import build_snapshot, published_snapshot

    filings = Filing.objects.select_related("department", "fiscal_year", "supersedes").order_by("pk")
    if args.every:
        filings = filings.filter(pk__in=list(filings.values_list("pk", flat=True))[:: args.every])
    else:
        filings = filings.filter(status=Filing.Status.PUBLISHED)
    saved = json.loads(args.compare.read_text(encoding="utf-8")) if args.compare else None
    rebuilt_all = {}
    failed = 0
    for filing in filings:
        rebuilt = json.loads(json.dumps(build_snapshot(filing=filing, published_at=filing.published_at or filing.updated_at)))
        rebuilt_all[str(filing.pk)] = rebuilt
        if args.save:
            continue
        stored = saved[str(filing.pk)] if saved is not None else published_snapshot(filing)
        found = differences(stored, rebuilt)
        print(
            f"{filing.pk} {filing}: {'identical' if not found else f'{len(found)} differences'} ({len(json.dumps(stored, ensure_ascii=False))} characters)"
        )
        for line in found[:10]:
            print("   ", line)
        failed += bool(found)
    if args.save:
        args.save.write_text(json.dumps(rebuilt_all, ensure_ascii=False), encoding="utf-8")
        print(f"{len(rebuilt_all)} snapshots saved to {args.save}")
        return 0
    print(f"{filings.count()} published snapshots, {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
