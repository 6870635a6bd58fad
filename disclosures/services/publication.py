"""The year's batch publication (公开本年度全部已审核填报): the work of one batch job.

The bureau's page (views.bureau.year_publish) queues the year's approved filings as a few jobs of
`PUBLICATION_CHUNK` filings sharing one batch id (disclosures.tasks.publish_year), so that every worker
takes a share. Each job publishes its filings together through `workflow.filings_publish_together`, the
one place of the publication's rules (status, permission, missing reasons, snapshot, audit, notification,
the queued documents), in one transaction under the filings' row locks: the per-query and
per-transaction costs are shared by the chunk. A refused filing is recorded in the job's result with its
reason; a fault rolls the chunk back and its filings are published one by one, each in its own
transaction, so a broken filing fails alone and the job goes on with the next one.

Running a job again (a message delivered twice, a worker killed halfway and its job re-claimed by the
sweep, the page's button pressed twice) publishes nothing twice: a filing already published is refused
by the publication's status check, under the lock, and reported as such.
"""

from __future__ import annotations

import logging

from disclosures.models import Filing
from disclosures.services import workflow
from jobs.models import Job
from jobs.services import TRANSIENT_ERRORS, job_progress

logger = logging.getLogger(__name__)

#: Filings per job: small enough that two workers share a county's year evenly and a re-claimed job
#: repeats little, large enough that the queue holds a few dozen jobs rather than hundreds.
PUBLICATION_CHUNK = 20


def filings_publish(*, job: Job) -> dict:
    """Publish the filings named in the job's params (`filings`: primary keys) as the user who started
    the batch; returns what was published, skipped (with the reason, in Chinese) and failed.

    The chunk is published together (`workflow.filings_publish_together`: its locks, reads and writes
    shared), a refused filing skipped with its reason. An unexpected error rolls the chunk back and its
    filings are published one by one, so that a broken filing fails alone."""
    pks = [int(pk) for pk in job.params.get("filings", [])]
    filings = Filing.objects.select_related("department", "fiscal_year").in_bulk(pks)
    published: list[dict] = []
    skipped: list[dict] = []
    failed: list[dict] = []
    present = []
    for pk in pks:
        if pk not in filings:
            skipped.append({"pk": pk, "title": f"填报 #{pk}", "reason": "该填报已不存在。"})
        else:
            present.append(filings[pk])
    try:
        outcome = workflow.filings_publish_together(filings=present, user=job.created_by)
    except workflow.WorkflowError as refusal:  # no permission: nothing is published
        skipped += [{"pk": filing.pk, "title": str(filing), "reason": refusal.message} for filing in present]
    except TRANSIENT_ERRORS:
        # The database or the broker went away: the whole job is retried (job_task), which is safe.
        raise
    except Exception:
        logger.exception("batch publication %s: the chunk failed; its filings are published one by one", job.pk)
        _one_by_one(job=job, filings=present, published=published, skipped=skipped, failed=failed)
    else:
        published += [{"pk": filing.pk, "title": str(filing)} for filing in outcome.published]
        skipped += [{"pk": refusal.filing.pk, "title": str(refusal.filing), "reason": refusal.reason} for refusal in outcome.refused]
    job_progress(job.pk, 100, f"已处理 {len(pks)}/{len(pks)} 份")
    return {"published": published, "skipped": skipped, "failed": failed}


def _one_by_one(*, job: Job, filings: list[Filing], published: list[dict], skipped: list[dict], failed: list[dict]) -> None:
    """Publish the filings each in its own transaction (`workflow.filing_publish`), recording each outcome."""
    for done, filing in enumerate(filings, 1):
        entry = {"pk": filing.pk, "title": str(filing)}
        try:
            workflow.filing_publish(filing=filing, user=job.created_by)
        except workflow.WorkflowError as refusal:
            skipped.append({**entry, "reason": refusal.message})
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:
            logger.exception("batch publication %s: filing %s failed", job.pk, filing.pk)
            failed.append({**entry, "reason": f"公开失败：{type(error).__name__}: {error}"})
        else:
            published.append(entry)
        job_progress(job.pk, done * 100 // len(filings), f"已处理 {done}/{len(filings)} 份")
