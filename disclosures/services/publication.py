"""The year's batch publication (公开本年度全部已审核填报): the work of one batch job.

The bureau's page (views.bureau.year_publish) queues the year's approved filings as a few jobs of
`PUBLICATION_CHUNK` filings sharing one batch id (disclosures.tasks.publish_year), so that every worker
takes a share. Each job publishes its filings one by one through `workflow.filing_publish`, the one
place of the publication's rules (status, permission, missing reasons, snapshot, audit, notification,
the queued documents), each in its own transaction under the filing's row lock. A refusal or a fault of
one filing is recorded in the job's result and the job goes on with the next one.

Running a job again (a message delivered twice, a worker killed halfway and its job re-claimed by the
sweep, the page's button pressed twice) publishes nothing twice: a filing already published is refused
by filing_publish's status check, under the lock, and reported as such.
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
    the batch; returns what was published, skipped (with the reason, in Chinese) and failed."""
    pks = [int(pk) for pk in job.params.get("filings", [])]
    filings = Filing.objects.select_related("department", "fiscal_year").in_bulk(pks)
    published: list[dict] = []
    skipped: list[dict] = []
    failed: list[dict] = []
    for done, pk in enumerate(pks, 1):
        filing = filings.get(pk)
        if filing is None:
            skipped.append({"pk": pk, "title": f"填报 #{pk}", "reason": "该填报已不存在。"})
            continue
        entry = {"pk": pk, "title": str(filing)}
        try:
            workflow.filing_publish(filing=filing, user=job.created_by)
        except workflow.WorkflowError as refusal:
            skipped.append({**entry, "reason": refusal.message})
        except TRANSIENT_ERRORS:
            # The database or the broker went away: the whole job is retried (job_task), which is safe.
            raise
        except Exception as error:
            logger.exception("batch publication %s: filing %s failed", job.pk, pk)
            failed.append({**entry, "reason": f"公开失败：{type(error).__name__}: {error}"})
        else:
            published.append(entry)
        job_progress(job.pk, done * 100 // len(pks), f"已处理 {done}/{len(pks)} 份")
    return {"published": published, "skipped": skipped, "failed": failed}
