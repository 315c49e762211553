"""The customer's survey pages on the store's own host, without sign-in (`/s/...`): the personal link, the
fixed code-entry page and the thank-you page. Every rule is in crm.aftersales.survey_link; a refusal is
one clear page per reason. The customer reads them in Chinese whatever the browser asks for."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tenants.errors import DomainError
from tenants.throttle import client_ip

from ..models.aftersales import PersonCalled
from .policy import current_store
from .survey_link import (
    SurveyLinkRefused,
    survey_code_redeem,
    survey_invitation_answer,
    survey_invitation_open,
)
from .views import _answers_from

View = Callable[..., HttpResponse]


def customer_page(view: View) -> View:
    """A public page of a store's host (listed in the layout test's OPEN_VIEWS): only on a store's host,
    in Chinese, never cached."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "tenant", None) is None:
            raise Http404(gettext("页面不存在"))
        with translation.override("zh-hans"):
            return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _refused(request: HttpRequest, exc: SurveyLinkRefused) -> HttpResponse:
    return render(request, "crm/survey/refused.html", {"reason": exc.reason, "store_name": current_store().name},
                  status=exc.status)


@customer_page
@require_http_methods(["GET", "POST"])
def survey_answer_page(request: HttpRequest, token: str) -> HttpResponse:
    """回访问卷 (客户填写): the group's current survey for this visit; answered once."""
    try:
        opened = survey_invitation_open(token)
    except SurveyLinkRefused as exc:
        return _refused(request, exc)
    ctx: dict[str, Any] = {}
    if request.method == "POST":
        try:
            survey_invitation_answer(token=token, person_called=request.POST.get("person_called", ""),
                                     answers=_answers_from(request), remark=request.POST.get("remark", ""))
        except SurveyLinkRefused as exc:
            return _refused(request, exc)
        except DomainError as exc:
            ctx = {"error": exc.message, "field": exc.field, "posted": request.POST}
        else:
            return redirect("crm:survey_thanks")
    return render(request, "crm/survey/answer.html", {
        **ctx, "survey": opened.survey, "store_name": opened.store_name, "visit": opened.visit,
        "persons": PersonCalled.choices,
    }, status=400 if ctx.get("error") else 200)


@customer_page
@require_http_methods(["GET", "POST"])
def survey_code_page(request: HttpRequest) -> HttpResponse:
    """门店问卷页: the fixed link of the SMS without a personal link; the 6-digit code opens the survey."""
    ctx: dict[str, Any] = {"store_name": current_store().name}
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            token = survey_code_redeem(code=code, ip=client_ip(request))
        except SurveyLinkRefused as exc:
            return _refused(request, exc)
        except DomainError as exc:
            ctx.update(error=exc.message, code=code)
            return render(request, "crm/survey/code.html", ctx, status=400)
        return redirect("crm:survey_answer", token=token)
    return render(request, "crm/survey/code.html", ctx)


@customer_page
@require_GET
def survey_thanks_page(request: HttpRequest) -> HttpResponse:
    return render(request, "crm/survey/thanks.html", {"store_name": current_store().name})
