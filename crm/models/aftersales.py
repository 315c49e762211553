"""售后回访与投诉 (handbooks 002, 003): return visits with their survey answers, complaints with their
SLA deadlines and history, staff negligence, corrective/preventive actions and in-app notifications.

Rules live in crm.aftersales.services; these are the records. Staff are public-schema users referenced
by plain ids, like the rest of the store CRM.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .cadence import FollowUpTask
from .customers import Customer
from .service import ServiceVisit
from .vehicles import Vehicle

# ------------------------------------------------------------------ return visits (回访)


class VisitSubject(models.TextChoices):
    DELIVERY = "delivery", _("交车回访")
    SERVICE = "service", _("维修保养回访")


class VisitStatus(models.TextChoices):
    DUE = "due", _("待回访")
    RETRY = "retry", _("未接通待重拨")
    COMPLETED = "completed", _("回访成功")
    UNREACHABLE = "unreachable", _("多次未接通")
    WRONG_NUMBER = "wrong_number", _("号码错误")
    REFUSED = "refused", _("客户拒绝本次回访")
    DO_NOT_CALL = "do_not_call", _("客户要求不再回访")


class CallOutcome(models.TextChoices):
    """每次拨打的结果 (outcome buttons on the call screen)."""

    COMPLETED = "completed", _("完成回访")
    NO_ANSWER = "no_answer", _("未接通")
    WRONG_NUMBER = "wrong_number", _("号码错误")
    REFUSED = "refused", _("拒绝本次回访")
    DO_NOT_CALL = "do_not_call", _("要求不再回访")


class PersonCalled(models.TextChoices):
    """接受回访的应是直接接受服务的人员或车辆的实际车主 (handbook 002)."""

    OWNER = "owner", _("车主本人")
    SERVED = "served", _("送修人/接受服务的人")


class AnswerChannel(models.TextChoices):
    """How the survey answers came in: asked on the phone, or filled in by the customer on the web page."""

    PHONE = "phone", _("电话回访")
    WEB = "web", _("客户网页填写")


class ReturnVisit(models.Model):
    """回访记录: the record of one return visit after a delivery or a service visit — its result,
    dial count, the person called and the survey answers.

    It is not a work item: the phone calls are the cadence's FollowUpTask rows (crm.cadence owns when,
    who and whether a call is open; a redial is the next task of the same series: customer, rule_key,
    event_date). The engine creates this record in the same statement as the series' first task
    (`task`), at the event; only crm.aftersales.visits writes it afterwards.
    """

    task = models.OneToOneField(FollowUpTask, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="return_visit")
    subject = models.CharField(_("回访类型"), max_length=10, choices=VisitSubject.choices)
    rule_key = models.CharField(_("规则"), max_length=40)
    rule_name = models.CharField(_("回访项目"), max_length=60)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="return_visits")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    service_visit = models.ForeignKey(ServiceVisit, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="return_visits")
    event_date = models.DateField(_("交车/进站日期"))
    due_date = models.DateField(_("应回访日期"))
    number = models.CharField(_("回访号码"), max_length=20, blank=True, default="")
    status = models.CharField(_("状态"), max_length=14, choices=VisitStatus.choices, default=VisitStatus.DUE)
    attempts = models.PositiveSmallIntegerField(_("拨打次数"), default=0)
    person_called = models.CharField(_("受访人"), max_length=10, choices=PersonCalled.choices, blank=True,
                                     default="")
    person_name = models.CharField(_("受访人姓名"), max_length=50, blank=True, default="")
    survey_version_id = models.BigIntegerField(null=True, blank=True)
    survey_version_number = models.PositiveIntegerField(_("问卷版本"), null=True, blank=True)
    satisfied = models.BooleanField(_("客户满意"), null=True, blank=True)
    complaint_raised = models.BooleanField(_("发现抱怨"), default=False)
    remark = models.TextField(_("其他问题/建议"), blank=True, default="")
    completed_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    answered_via = models.CharField(_("回访方式"), max_length=5, choices=AnswerChannel.choices,
                                    default=AnswerChannel.PHONE, db_default=AnswerChannel.PHONE)
    # When a refusal (客户要求不再回访) ended the visit: one ended before its day never fell due.
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    called_by_id = models.BigIntegerField(null=True, blank=True)
    # The cadence policy version that produced the due date (from the task), for the record.
    policy_version_id = models.BigIntegerField(null=True, blank=True)
    policy_version_number = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        constraints = [
            models.UniqueConstraint(fields=["customer", "rule_key", "due_date"], name="crm_rv_customer_rule_day"),
        ]
        indexes = [
            models.Index(fields=["due_date"], name="crm_rv_due"),
            models.Index(fields=["status", "due_date"], name="crm_rv_status_due"),
            models.Index(fields=["customer", "-due_date"], name="crm_rv_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.due_date} {self.rule_name} · {self.customer_id}"


class ReturnVisitCall(models.Model):
    """回访拨打记录: one dial of a return visit and what came of it."""

    visit = models.ForeignKey(ReturnVisit, on_delete=models.CASCADE, related_name="calls")
    outcome = models.CharField(_("结果"), max_length=14, choices=CallOutcome.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")
    called_at = models.DateTimeField(default=timezone.now)
    called_by_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("回访拨打记录")
        verbose_name_plural = _("回访拨打记录")
        ordering = ["-called_at"]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.outcome}"


class SurveyAnswer(models.Model):
    """问卷答案: one question of the survey version used, answered yes/no or rated; a "no" has its reason."""

    visit = models.ForeignKey(ReturnVisit, on_delete=models.CASCADE, related_name="answers")
    question_key = models.CharField(_("题目编码"), max_length=40)
    question_text = models.CharField(_("题目"), max_length=200)
    kind = models.CharField(max_length=10)  # "yes_no" | "rating"
    yes = models.BooleanField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    # Yes, or a rating at or above the question's "reason required below" mark.
    satisfied = models.BooleanField()
    remark = models.CharField(_("原因/备注"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("问卷答案")
        verbose_name_plural = _("问卷答案")
        constraints = [models.UniqueConstraint(fields=["visit", "question_key"], name="crm_answer_visit_question")]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.question_key}"


class SurveyDelivery(models.TextChoices):
    """How the survey reaches the customer by SMS: a personal link, or (where the vendors refuse survey
    templates) the store's fixed survey page with a verification code on a notification template."""

    LINK = "link", _("专属链接")
    CODE = "code", _("门店问卷页+验证码")


class SurveyInvitation(models.Model):
    """问卷链接: one survey sent to the customer to answer on the web. The link carries a signed, expiring
    token naming the visit; only its HMAC is kept here, with the code's, so a link is single-use
    (`used_at`) and revocable (`revoked_at`: resent, or the visit was worked by phone)."""

    visit = models.ForeignKey(ReturnVisit, on_delete=models.CASCADE, related_name="invitations")
    delivery = models.CharField(_("发送方式"), max_length=5, choices=SurveyDelivery.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, blank=True, default="")
    expires_at = models.DateTimeField(_("有效期至"))
    sent_by_id = models.BigIntegerField()
    outbox = models.ForeignKey("crm.OutboxMessage", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    used_at = models.DateTimeField(_("填写时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("问卷链接")
        verbose_name_plural = _("问卷链接")
        constraints = [
            models.UniqueConstraint(fields=["visit"], condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                                    name="crm_survey_inv_one_open"),
        ]
        indexes = [models.Index(fields=["code_hash"], name="crm_survey_inv_code")]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.delivery}"


# ------------------------------------------------------------------ complaints (投诉)


class ComplaintChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    IN_STORE = "in_store", _("到店")
    WEBSITE = "website", _("官网")
    RETURN_VISIT = "return_visit", _("回访发现")


class ComplaintStage(models.TextChoices):
    """投诉对象: the service stage complained about (handbook 003: 车型、服务环节)."""

    SALES = "sales", _("销售接待")
    DELIVERY = "delivery", _("交车")
    SERVICE_RECEPTION = "service_reception", _("维修接待")
    REPAIR_QUALITY = "repair_quality", _("维修质量")
    PARTS = "parts", _("配件")
    BILLING = "billing", _("结算收费")
    PRODUCT = "product", _("车辆产品")
    OTHER = "other", _("其他")


class ComplaintState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    RECEIVED = "received", _("已受理")
    ACKNOWLEDGED = "acknowledged", _("已致歉并承诺回复")
    INVESTIGATING = "investigating", _("调查中")
    CAUSE_NAMED = "cause_named", _("已查明原因")
    SOLUTION_PROPOSED = "solution_proposed", _("已提出方案")
    AGREED = "agreed", _("客户已同意方案")
    CARRIED_OUT = "carried_out", _("方案已执行")
    CLOSED = "closed", _("已结案")


class CauseCategory(models.TextChoices):
    """原因类别 (handbook 003: 产品质量问题、服务流程问题、沟通误会、客户认知偏差)."""

    PRODUCT_QUALITY = "product_quality", _("产品质量")
    SERVICE_PROCESS = "service_process", _("服务流程")
    MISCOMMUNICATION = "miscommunication", _("沟通误解")
    CUSTOMER_MISPERCEPTION = "customer_misperception", _("客户误解")


class Satisfaction(models.TextChoices):
    """结案时客户的满意度."""

    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


def complaint_code(pk: int | None) -> str:
    """投诉编号 as staff quote it (TS000042): the one place the format is written."""
    return f"TS{pk:06d}" if pk else gettext("TS-新")


class Complaint(models.Model):
    """投诉: one complaint from intake to closing (维修回访/投诉处理表)."""

    channel = models.CharField(_("投诉渠道"), max_length=14, choices=ComplaintChannel.choices)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="complaints")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    return_visit = models.ForeignKey(ReturnVisit, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="complaints")
    service_visit = models.ForeignKey(ServiceVisit, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="complaints")
    object_model = models.CharField(_("投诉车型"), max_length=60, blank=True, default="")
    object_stage = models.CharField(_("服务环节"), max_length=20, choices=ComplaintStage.choices, blank=True,
                                    default="")
    staff_involved_id = models.BigIntegerField(_("涉及员工"), null=True, blank=True)
    description = models.TextField(_("问题描述"), blank=True, default="")
    expected_resolution = models.TextField(_("客户期望的解决方式"), blank=True, default="")
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True, default="")
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True, default="")
    read_back_confirmed = models.BooleanField(_("已向客户复述确认"), default=False)
    state = models.CharField(_("状态"), max_length=20, choices=ComplaintState.choices, default=ComplaintState.DRAFT)
    # When the customer raised it (the call, the visit, the message): the SLA clock starts here.
    reported_at = models.DateTimeField(_("反映时间"), default=timezone.now)
    received_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    first_reply_at = models.DateTimeField(_("首次回复客户"), null=True, blank=True)
    reply_promised_at = models.DateTimeField(_("承诺回复时间"), null=True, blank=True)
    departments = models.CharField(_("参与调查部门"), max_length=200, blank=True, default="")
    cause_category = models.CharField(_("原因类别"), max_length=24, choices=CauseCategory.choices, blank=True,
                                      default="")
    cause_detail = models.TextField(_("原因说明"), blank=True, default="")
    responsible_party = models.CharField(_("责任方"), max_length=100, blank=True, default="")
    solution = models.TextField(_("解决方案"), blank=True, default="")
    carried_out_note = models.TextField(_("执行情况"), blank=True, default="")
    satisfaction = models.CharField(_("客户满意度"), max_length=14, choices=Satisfaction.choices, blank=True,
                                    default="")
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重开次数"), default=0)
    # The complaint policy version that produced the deadlines (hq.PolicyVersion, public schema).
    sla_policy_version_id = models.BigIntegerField(null=True, blank=True)
    sla_policy_version_number = models.PositiveIntegerField(_("投诉政策版本"), null=True, blank=True)
    # Highest escalation step reached; `escalated` stays set until every breached deadline is met.
    escalation_level = models.PositiveSmallIntegerField(_("升级级别"), default=0)
    escalated = models.BooleanField(_("已升级待处理"), default=False)
    created_by_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        indexes = [
            models.Index(fields=["state", "-received_at"], name="crm_cmp_state"),
            models.Index(fields=["received_at"], name="crm_cmp_received"),
            models.Index(fields=["closed_at"], name="crm_cmp_closed"),
            models.Index(fields=["customer", "-created_at"], name="crm_cmp_customer"),
            models.Index(fields=["escalated"], name="crm_cmp_escalated", condition=models.Q(escalated=True)),
        ]

    def __str__(self) -> str:
        return gettext("投诉 %(code)s") % {"code": self.code}

    @property
    def code(self) -> str:
        return complaint_code(self.pk)


class Milestone(models.TextChoices):
    SUBMITTED = "submitted", _("投诉处理表递交总经理")
    REPLIED = "replied", _("回复客户")
    CLOSED = "closed", _("结案")


class ComplaintDeadline(models.Model):
    """投诉时限: one step of the escalation chain — due when, to whom it escalates, met or breached."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="deadlines")
    step = models.PositiveSmallIntegerField(_("升级级别"))
    name = models.CharField(_("名称"), max_length=60)
    milestone = models.CharField(_("节点"), max_length=10, choices=Milestone.choices)
    within_working_days = models.DecimalField(_("时限(工作日)"), max_digits=5, decimal_places=2)
    due_at = models.DateTimeField(_("截止时间"))
    to_role = models.CharField(max_length=24)
    cc_roles = models.JSONField(default=list, blank=True)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    breached_at = models.DateTimeField(_("超时升级时间"), null=True, blank=True)
    policy_version_id = models.BigIntegerField()
    policy_version_number = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("投诉时限")
        verbose_name_plural = _("投诉时限")
        ordering = ["step"]
        constraints = [models.UniqueConstraint(fields=["complaint", "step"], name="crm_deadline_step")]
        indexes = [models.Index(fields=["due_at"], name="crm_deadline_open",
                                condition=models.Q(met_at__isnull=True, breached_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.complaint_id} #{self.step} {self.due_at:%Y-%m-%d %H:%M}"


class ComplaintTransition(models.Model):
    """投诉处理记录: who moved the complaint from which state to which, when, and why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20, choices=ComplaintState.choices)
    to_state = models.CharField(max_length=20, choices=ComplaintState.choices)
    note = models.TextField(_("说明"), blank=True, default="")
    by_user_id = models.BigIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("投诉处理记录")
        verbose_name_plural = _("投诉处理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.from_state} → {self.to_state}"


class StaffNegligence(models.Model):
    """员工过失记录: negligence found in a complaint, recorded against the staff member (handbook 000)."""

    staff_id = models.BigIntegerField(_("员工"))
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="negligence")
    description = models.CharField(_("过失说明"), max_length=500)
    recorded_by_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("员工过失记录")
        verbose_name_plural = _("员工过失记录")
        indexes = [models.Index(fields=["staff_id", "-created_at"], name="crm_negligence_staff")]

    def __str__(self) -> str:
        return f"{self.staff_id} · {self.complaint_id}"


# ------------------------------------------------------------------ corrective actions (整改措施)


class ActionKind(models.TextChoices):
    CORRECTIVE = "corrective", _("整改措施")
    PREVENTIVE = "preventive", _("预防措施")


class ActionSource(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    MONTHLY_REPORT = "monthly_report", _("回访月报")


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", _("待总经理批准")
    RETURNED = "returned", _("已退回修改")
    APPROVED = "approved", _("执行中")
    DONE = "done", _("已完成")


class CorrectiveAction(models.Model):
    """整改措施/预防措施: owner and deadline, approved by the GM, supervised by the manager, result reported."""

    kind = models.CharField(_("类型"), max_length=12, choices=ActionKind.choices, default=ActionKind.CORRECTIVE)
    source = models.CharField(_("来源"), max_length=16, choices=ActionSource.choices)
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="actions")
    report_month = models.DateField(_("回访月报月份"), null=True, blank=True)
    description = models.TextField(_("措施内容"))
    owner_id = models.BigIntegerField(_("责任人"))
    deadline = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PROPOSED)
    raised_by_id = models.BigIntegerField()
    # Who approves: the GM; a measure the GM raised is approved by the service manager instead.
    approver_role = models.CharField(max_length=24, default="general_manager")
    # The approver's comment when sending it back (退回修改) or approving it.
    review_comment = models.TextField(_("审批意见"), blank=True, default="")
    approved_by_id = models.BigIntegerField(null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    result = models.TextField(_("执行结果"), blank=True, default="")
    evidence = models.TextField(_("佐证材料"), blank=True, default="")
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        indexes = [models.Index(fields=["status", "deadline"], name="crm_action_status_deadline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def complaint_code(self) -> str:
        return complaint_code(self.complaint_id)


# ------------------------------------------------------------------ in-app notifications


class Notification(models.Model):
    """站内通知: a complaint form sent to the GM (service manager copied), or an SLA escalation."""

    recipient_id = models.BigIntegerField()
    kind = models.CharField(max_length=12)  # "submitted" | "escalation" | "action"
    is_cc = models.BooleanField(default=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="notifications")
    deadline = models.ForeignKey(ComplaintDeadline, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="notifications")
    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="notifications")
    title = models.CharField(max_length=120)
    body = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        constraints = [
            # The sweep's idempotency: one escalation notice per breached deadline and person.
            models.UniqueConstraint(fields=["deadline", "recipient_id"], condition=models.Q(deadline__isnull=False),
                                    name="crm_notice_deadline_recipient"),
        ]
        indexes = [models.Index(fields=["recipient_id", "-created_at"], name="crm_notice_recipient")]

    def __str__(self) -> str:
        return self.title
