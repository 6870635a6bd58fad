"""Check that publishing from a prepared snapshot gives the snapshot computed at publication.

    DATABASE_URL=... .venv/bin/python bench/compare_prepared.py

With the demo loaded (`manage.py load_demo`), every published filing is taken back to 已审核 inside a
transaction that is rolled back (the lock triggers lifted there; reasons its text asks for since, e.g.
because the demo added last year's filing afterwards, are written), its snapshot prepared
(services.prepared.snapshot_prepare) and published again through workflow.filing_publish, which must copy
the prepared body; the snapshot it stores is compared as JSON with `build_snapshot` computed at the same
publication time (the stored body, moment and parts as its readers get them:
selectors.snapshot.published_snapshot). Nothing is kept. Exits 1 and prints the first differing paths when one differs.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class _RolledBack(Exception):
    pass


def main() -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import F

    from bench.compare_snapshots import differences
    from disclosures.lock_triggers import lock_triggers_lifted
    from disclosures.models import Filing
    from disclosures.narrative import missing_reasons
    from disclosures.selectors.snapshot import build_snapshot, published_snapshot
    from disclosures.services import workflow
    from disclosures.services.prepared import snapshot_prepare

    user = get_user_model().objects.filter(is_superuser=True).first()
    failed = 0
    pks = list(Filing.objects.filter(status=Filing.Status.PUBLISHED).order_by("pk").values_list("pk", flat=True))
    for pk in pks:
        try:
            with transaction.atomic():
                with lock_triggers_lifted():
                    Filing.objects.filter(pk=pk).update(
                        status=Filing.Status.APPROVED, published_at=None, published_snapshot=None, published_parts=None
                    )
                    # reasons the text asks for since it was published (the demo adds last year's filing afterwards)
                    filing = Filing.objects.select_related("department", "fiscal_year").get(pk=pk)
                    missing = {slot.key: "按实际工作需要调整。" for slot in missing_reasons(filing=filing)}
                    if missing:
                        Filing.objects.filter(pk=pk).update(reasons={**filing.reasons, **missing}, data_revision=F("data_revision") + 1)
                filing = Filing.objects.select_related("department", "fiscal_year").get(pk=pk)
                prepared = snapshot_prepare(filing=filing)
                with mock.patch.object(workflow, "snapshot_body", side_effect=AssertionError("computed, not copied")):
                    workflow.filing_publish(filing=filing, user=user)
                published = Filing.objects.select_related("department", "fiscal_year").get(pk=pk)
                computed = json.loads(json.dumps(build_snapshot(filing=published, published_at=published.published_at)))
                found = differences(computed, published_snapshot(published))
                print(f"{pk} {published}: {'identical' if not found else f'{len(found)} differences'} (prepared: {prepared is not None})")
                for line in found[:10]:
                    print("   ", line)
                failed += bool(found) or prepared is None
                raise _RolledBack
        except _RolledBack:
            pass
    print(f"{len(pks)} published filings published again from a prepared snapshot, {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
