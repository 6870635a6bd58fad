"""`{% jobs_progress ids=… label=… reload=True %}`: the combined bar of several jobs, drawn with their state
as it is when the page is served (templates/jobs/_jobs_progress.html), so a page opened after its jobs
ended shows their outcome at once instead of 排队中 until the script's first poll."""

from django import template

from jobs.selectors import job_ids_parsed, jobs_progress_of

register = template.Library()


@register.inclusion_tag("jobs/_jobs_progress.html", takes_context=True)
def jobs_progress(context, ids: str, label: str = "", reload: bool = False) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"ids": ids, "label": label, "reload": reload, "summary": jobs_progress_of(user=user, ids=job_ids_parsed(str(ids)))}
