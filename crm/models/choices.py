"""Choice lists shared by models, forms, filters and imports (Chinese terms from handbooks 000/001/004)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "m", _("男")
    FEMALE = "f", _("女")


class Region(models.TextChoices):
    """客户所在区域 (handbook 001)."""

    CITY = "city", _("市区")
    COUNTY = "county", _("县城")
    TOWNSHIP = "township", _("乡镇")


class AgeCohort(models.TextChoices):
    """客户年龄段 (handbook 001)."""

    C60 = "60s", _("60后")
    C70 = "70s", _("70后")
    C80 = "80s", _("80后")
    C90 = "90s", _("90后")
    C00 = "00s", _("00后")


class Occupation(models.TextChoices):
    """工作性质 (handbook 001)."""

    CIVIL_SERVANT = "civil_servant", _("公务员")
    OFFICE = "office", _("企事业单位上班族")
    WORKER = "worker", _("务工人员")
    FARMER = "farmer", _("农民")
    BUSINESS = "business", _("个体/企业主")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    WALK_IN = "walk_in", _("自然到店")
    PHONE = "phone", _("来电")
    ONLINE = "online", _("网络线索")
    REFERRAL = "referral", _("转介绍")
    EVENT = "event", _("车展/活动")
    IMPORT = "import", _("导入")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    """跟进方式 (handbook 000): 电话、短信、微信、到店."""

    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    VISIT = "visit", _("到店")


class ContactOutcome(models.TextChoices):
    """联系结果 of a call: only a conversation counts as the first response by a person."""

    TALKED = "talked", _("接通并沟通")
    NO_ANSWER = "no_answer", _("未接通")
    WRONG_NUMBER = "wrong_number", _("空号/错号")


class Grade(models.TextChoices):
    """意向级别: H/A/B/C = expected purchase within 7 / 15 / 30 / 90 days (domain.md)."""

    H = "H", _("H级（7天内购车）")
    A = "A", _("A级（15天内购车）")
    B = "B", _("B级（30天内购车）")
    C = "C", _("C级（90天内购车）")


# Expected purchase window and the longest allowed gap between follow-ups, per grade (handbook 000:
# high intent at least weekly, medium at least every two weeks).
GRADE_PURCHASE_DAYS = {"H": 7, "A": 15, "B": 30, "C": 90}
GRADE_FOLLOWUP_DAYS = {"H": 3, "A": 7, "B": 14, "C": 30}


class LeadStatus(models.TextChoices):
    OPEN = "open", _("跟进中")
    DEAL = "deal", _("成交")
    DEFEATED = "defeated", _("战败")
    POSTPONED = "postponed", _("延期")
    # 战败待审: the consultant asked to close it as defeated; the sales manager approves or sends it back.
    DEFEAT_PENDING = "defeat_pending", _("战败待审")


class DefeatReason(models.TextChoices):
    PRICE = "price", _("价格因素")
    COMPETITOR = "competitor", _("购买竞品")
    PRODUCT = "product", _("产品不满足需求")
    SERVICE = "service", _("服务不满意")
    GAVE_UP = "gave_up", _("放弃购车")
    OTHER = "other", _("其他")


class ServiceType(models.TextChoices):
    """维修工单类型 (handbook 001)."""

    FIRST_MAINTENANCE = "first", _("首保")
    PERIODIC = "periodic", _("定期保养")
    REPAIR = "repair", _("一般维修")
    WARRANTY = "warranty", _("保修")
    ACCIDENT = "accident", _("事故车")
    BEAUTY = "beauty", _("美容")


class Usage(models.TextChoices):
    """车辆用途 (handbook 001)."""

    PRIVATE = "private", _("私家车")
    OFFICIAL = "official", _("公务车")
    COMMERCIAL = "commercial", _("营运车")


class ValueClass(models.TextChoices):
    """客户价值等级 A/B/C/D (handbook 001)."""

    A = "A", _("A类")
    B = "B", _("B类")
    C = "C", _("C类")
    D = "D", _("D类")


class Loyalty(models.TextChoices):
    """传统客户分类 (handbook 001)."""

    LOYAL = "loyal", _("忠诚客户")
    GENERAL = "general", _("一般客户")
    AT_RISK = "at_risk", _("准流失客户")
    LOST = "lost", _("流失客户")


class AgeBand(models.TextChoices):
    """按车龄分类 (handbook 001)."""

    WARRANTY = "warranty", _("保修期内")
    SANBAO = "sanbao", _("三包期限内")
    BEYOND = "beyond", _("三包期限外")


class PoolReason(models.TextChoices):
    """Why a customer is in the shared pool (公海)."""

    DEFEATED = "defeated", _("战败回收")
    IDLE = "idle", _("超期未跟进")
