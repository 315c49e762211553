"""回访问卷的未接通重拨规则 (`retry`): validated in the survey template, carried by the starter, and
shown in the version diff."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hq.errors import PolicyInvalid
from hq.models import PolicyKind
from hq.policy.diff import policy_diff
from hq.policy.rules import policy_body_clean
from hq.policy.starter import starter_body


def _survey(**retry: Any) -> dict[str, Any]:
    body = starter_body(PolicyKind.SURVEY)
    body["retry"] = retry
    return body


def test_the_starter_survey_redials_twice_on_the_next_working_day() -> None:
    clean = policy_body_clean(PolicyKind.SURVEY, starter_body(PolicyKind.SURVEY))
    assert clean["retry"] == {"max_attempts": 3, "every_working_days": 1}


def test_a_survey_without_the_section_takes_the_default_and_a_partial_one_is_completed() -> None:
    body = starter_body(PolicyKind.SURVEY)
    del body["retry"]
    assert policy_body_clean(PolicyKind.SURVEY, body)["retry"] == {"max_attempts": 3, "every_working_days": 1}
    partial = policy_body_clean(PolicyKind.SURVEY, _survey(max_attempts=5))
    assert partial["retry"] == {"max_attempts": 5, "every_working_days": 1}


@pytest.mark.parametrize(("retry", "message"), [
    ({"max_attempts": 0}, "未接通重拨规则：最多拨打次数：0 超出允许范围 1 到 5。"),
    ({"max_attempts": 6}, "未接通重拨规则：最多拨打次数：6 超出允许范围 1 到 5。"),
    ({"every_working_days": 4}, "未接通重拨规则：重拨间隔(工作日)：4 超出允许范围 1 到 3。"),
    ({"every_working_days": 0}, "未接通重拨规则：重拨间隔(工作日)：0 超出允许范围 1 到 3。"),
    ({"max_attempts": "三"}, "未接通重拨规则：最多拨打次数：应为整数。"),
    ({"max_attempts": True}, "未接通重拨规则：最多拨打次数：应为整数。"),
    ({"every_hours": 2}, "未接通重拨规则：未知的设置「every_hours」"),
])
def test_it_refuses_a_retry_rule_out_of_range(retry: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyInvalid) as exc:
        policy_body_clean(PolicyKind.SURVEY, _survey(**retry))
    assert message in exc.value.message


def test_it_refuses_a_retry_section_that_is_not_a_mapping() -> None:
    body = starter_body(PolicyKind.SURVEY)
    body["retry"] = [3, 1]
    with pytest.raises(PolicyInvalid, match="未接通重拨规则格式不正确"):
        policy_body_clean(PolicyKind.SURVEY, body)


def test_the_diff_shows_a_changed_retry_rule() -> None:
    old = policy_body_clean(PolicyKind.SURVEY, starter_body(PolicyKind.SURVEY))
    new = copy.deepcopy(old)
    new["retry"] = {"max_attempts": 5, "every_working_days": 2}
    rows = {(r.field, r.old, r.new) for r in policy_diff(PolicyKind.SURVEY, old, new)}
    assert rows == {("未接通最多拨打次数", "3", "5"), ("未接通重拨间隔(工作日)", "1", "2")}
    legacy = {k: v for k, v in old.items() if k != "retry"}
    added = policy_diff(PolicyKind.SURVEY, legacy, old)
    assert [(r.change, r.item) for r in added] == [("新增", "总体设置")]
    assert "未接通最多拨打次数：3" in added[0].new
