"""回访 services: record a return-visit call on its work item, and end visits on a refusal.

Who owns what: the calls are the cadence's FollowUpTask rows (crm.cadence creates them at the event and
in the daily run, with their future dates, and closes, redials and skips them through its services);
the ReturnVisit is the visit's record (result, dials, the person called, survey answers), created by
the engine with the series' first call and written only here. Nothing here schedules a call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from tenants.errors import Conflict, DomainError
from tenants.models import StoreMembership

from ..models import FollowUpTask
from ..models.aftersales import (
    AnswerChannel,
    CallOutcome,
    PersonCalled,
    ReturnVisit,
    ReturnVisitCall,
    SurveyAnswer,
    SurveyInvitation,
    VisitStatus,
)
from ..models.cadence import TaskStatus
from .policy import Survey, answer_satisfied, current_store, survey_current

OPEN_STATUSES = (VisitStatus.DUE, VisitStatus.RETRY)
# The record's note when the customer answered on the web page (stored in Chinese, as the call notes are).
WEB_NOTE = gettext_noop("客户网页填写")
# The call screen's outcome → the outcome its call (the cadence task) closes with, in the cadence's
# vocabulary: the one translation between the two, used only when recording a call.
_TASK_OUTCOME = {
    CallOutcome.COMPLETED: "satisfied",
    CallOutcome.NO_ANSWER: "no_answer",
    CallOutcome.WRONG_NUMBER: "wrong_number",
    CallOutcome.REFUSED: "reached",
    CallOutcome.DO_NOT_CALL: "refused",
}


def visit_open_call(visit: ReturnVisit) -> FollowUpTask | None:
    """The call of this visit waiting to be made (the planned call or its redial), if any."""
    return (FollowUpTask.objects.filter(customer_id=visit.customer_id, rule_key=visit.rule_key,
                                        event_date=visit.event_date,
                                        status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE])
            .order_by("due_date", "id").first())


def return_visits_end_for_refusal(*, customer_id: int) -> int:
    """The customer asked not to be called (crm.cadence.services.customer_calls_refuse): their open
    visits end as "do not call", with when (a visit ended before its day never falls due: report.py).
    Returns how many."""
    return ReturnVisit.objects.filter(customer_id=customer_id, status__in=OPEN_STATUSES).update(
        status=VisitStatus.DO_NOT_CALL, ended_at=timezone.now())


def survey_invitations_revoke(*, visit: ReturnVisit) -> int:
    """The visit was worked (a call recorded, a link resent): its open survey link stops working."""
    return SurveyInvitation.objects.filter(visit=visit, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now())


@dataclass(frozen=True)
class CleanAnswer:
    key: str
    text: str
    kind: str
    yes: bool | None
    rating: int | None
    scale: int | None
    satisfied: bool
    remark: str


def _clean_answers(survey: Survey, answers: dict[str, dict[str, Any]]) -> list[CleanAnswer]:
    """Check every answer against the survey version used; a "no" (or a low rating) needs its reason."""
    unknown = [k for k in answers if survey.question(k) is None]
    if unknown:
        raise DomainError(gettext("问题「%(key)s」不在本次使用的回访问卷 v%(version)s 中，不能记录。")
                          % {"key": unknown[0], "version": survey.version_number}, field="answers")
    out = []
    for i, q in enumerate(survey.questions, start=1):
        raw = answers.get(q["key"])
        if raw is None:
            continue
        remark = str(raw.get("remark") or "").strip()[:500]
        value = raw.get("value")
        if value in (None, ""):
            continue  # 该题未问 (the caller picks the questions that fit the visit, handbook 002)
        if q["kind"] == "yes_no":
            if value not in ("yes", "no", True, False):
                raise DomainError(gettext("第 %(n)s 题「%(question)s」只能回答「是」或「否」。")
                                  % {"n": i, "question": q["text"]}, field=f"q_{q['key']}")
            yes = value in ("yes", True)
            if not yes and not remark:
                raise DomainError(gettext("第 %(n)s 题「%(question)s」客户回答「否」，请在备注中记录不满意的原因。")
                                  % {"n": i, "question": q["text"]},
                                  field=f"remark_{q['key']}")
            out.append(CleanAnswer(q["key"], q["text"], "yes_no", yes, None, None,
                                   answer_satisfied(q, yes=yes, rating=None), remark))
        else:
            try:
                rating = int(str(value))
            except (TypeError, ValueError):
                rating = -1
            scale = int(q["scale"])
            if not 1 <= rating <= scale:
                raise DomainError(gettext("第 %(n)s 题「%(question)s」请打 1 到 %(scale)s 分。")
                                  % {"n": i, "question": q["text"], "scale": scale}, field=f"q_{q['key']}")
            below = int(q.get("remark_required_below") or 1)
            if rating < below and not remark:
                raise DomainError(gettext("第 %(n)s 题「%(question)s」低于 %(below)s 分，请在备注中记录原因。")
                                  % {"n": i, "question": q["text"], "below": below},
                                  field=f"remark_{q['key']}")
            out.append(CleanAnswer(q["key"], q["text"], "rating", None, rating, scale,
                                   answer_satisfied(q, yes=None, rating=rating), remark))
    if not out:
        raise DomainError(gettext("完成回访须至少记录一道问卷题目的回答。"), field="answers")
    return out


@transaction.atomic
def return_visit_record(
    *, member: StoreMembership, visit: ReturnVisit, outcome: str, person_called: str = "", person_name: str = "",
    answers: dict[str, dict[str, Any]] | None = None, remark: str = "", complaint_raised: bool = False,
    note: str = "", via: str = AnswerChannel.PHONE,
) -> ReturnVisit:
    """记录回访: one call's outcome, on the visit's open call. Completed calls record the answers against
    the survey version in force (recorded on the visit); the call itself closes through the cadence's
    task_outcome_record, which redials an unanswered call by the survey template's rule and records a
    "do not call" as the customer's refusal. Any refusal leaves nothing written.
    `via` = web: the customer filled the survey in on the web page (crm.aftersales.survey_link); with no
    caller to hear a complaint, an answer below satisfied counts as one found."""
    from ..cadence.services import task_outcome_record  # cadence.services reads this module's refusal hook

    visit = ReturnVisit.objects.select_for_update().select_related("customer").get(pk=visit.pk)
    if visit.status not in OPEN_STATUSES:
        raise Conflict(gettext("该回访已结束（%(status)s），不能再次记录。") % {"status": visit.get_status_display()})
    if outcome not in CallOutcome.values:
        raise DomainError(gettext("请选择本次回访的结果。"), field="outcome")
    call = visit_open_call(visit)
    if call is None:
        raise Conflict(gettext("该回访没有待拨打的电话（可能已在任务列表中处理）。"))
    now = timezone.now()
    clean: list[CleanAnswer] = []
    survey: Survey | None = None
    if outcome == CallOutcome.COMPLETED:
        if person_called not in PersonCalled.values:
            raise DomainError(gettext("请选择受访人：车主本人或送修人（接受服务的人）。"), field="person_called")
        survey = survey_current(current_store())
        clean = _clean_answers(survey, answers or {})
    visit.attempts += 1
    visit.called_by_id = member.user_id
    task_outcome = _TASK_OUTCOME[CallOutcome(outcome)]
    if outcome == CallOutcome.COMPLETED:
        assert survey is not None
        SurveyAnswer.objects.bulk_create([
            SurveyAnswer(visit=visit, question_key=a.key, question_text=a.text, kind=a.kind, yes=a.yes,
                         rating=a.rating, scale=a.scale, satisfied=a.satisfied, remark=a.remark) for a in clean
        ])
        visit.status = VisitStatus.COMPLETED
        visit.survey_version_id, visit.survey_version_number = survey.version_id, survey.version_number
        visit.person_called, visit.person_name = person_called, person_name.strip()[:50]
        visit.satisfied = all(a.satisfied for a in clean)
        visit.complaint_raised = bool(complaint_raised) or (via == AnswerChannel.WEB and not visit.satisfied)
        visit.answered_via = AnswerChannel.WEB if via == AnswerChannel.WEB else AnswerChannel.PHONE
        visit.remark = remark.strip()[:2000]
        visit.completed_at = now
        if visit.complaint_raised:
            task_outcome = "complaint"
    elif outcome == CallOutcome.WRONG_NUMBER:
        visit.status = VisitStatus.WRONG_NUMBER
    elif outcome == CallOutcome.REFUSED:
        visit.status = VisitStatus.REFUSED
    visit.save()
    ReturnVisitCall.objects.create(visit=visit, outcome=outcome, note=note.strip()[:500], called_at=now,
                                   called_by_id=member.user_id)
    summary = f"回访：{CallOutcome(outcome).label}" + (f"，{visit.remark}" if visit.remark else "")  # zh-data: stored on the task as its outcome note
    if via == AnswerChannel.WEB:
        summary = f"{WEB_NOTE}，{summary}"
    # The call screen's outcomes stand whatever buttons the rule lists for its task page.
    task_outcome_record(member=member, task=call, outcome=task_outcome, note=summary, any_known_outcome=True)
    if outcome == CallOutcome.NO_ANSWER:
        # Redialled (a next call is open) or the template's attempts are used up.
        visit.status = VisitStatus.RETRY if visit_open_call(visit) is not None else VisitStatus.UNREACHABLE
        visit.save(update_fields=["status"])
    if visit.status not in OPEN_STATUSES:
        survey_invitations_revoke(visit=visit)
    visit.refresh_from_db()
    return visit
