"""Synthetic but well-formed party identities: Chinese names, ID numbers, credit codes.

Resident ID numbers follow GB 11643-1999 (division + birth date + sequence + ISO 7064
MOD 11-2 check) and unified social credit codes follow GB 32100-2015 (department + type +
division + 9-character organisation code with its own check + MOD 31 check), so format
checks elsewhere in the service accept them. None belongs to a real person or body: the
sequence digits come from a per-division counter, not from any register.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date
from operator import mul

from assign.generator.draws import pick

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# (registration department, organisation type) prefixes of the credit code by party kind.
USCC_PREFIX = {
    "company": "91",  # 工商: enterprise
    "state_owned": "91",
    "government": "11",  # 机构编制: organ
    "public_institution": "12",  # 机构编制: public institution (事业单位)
}

# Common surnames, roughly by frequency (weights are relative, from the 2020 census ranking).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤"
)
_SURNAME_CUM = [int(1000 / (i + 4) ** 0.9) for i in range(len(_SURNAMES))]
for _i in range(1, len(_SURNAME_CUM)):
    _SURNAME_CUM[_i] += _SURNAME_CUM[_i - 1]
_USCC_VALUE = {ch: i for i, ch in enumerate(_USCC_ALPHABET)}
_ORG_VALUE = {ch: int(ch, 36) for ch in _ORG_ALPHABET}  # the organisation code's own check uses base 36
_DIGIT = {str(i): i for i in range(10)}
# Multiplier coprime with 31**5: spreads consecutive serials over the code space, one-to-one.
_SCRAMBLE = 9_999_991
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海燕晨辉鹏飞宇浩然子涵欣怡梓轩雨婷思"
    "佳俊博宁嘉琪晓东春梅立新永福德荣光林云凤彬斌翔凯亮波鑫蕾颖雪琳倩莉娅婷丹阳帆旭航瑞峰成龙"
)
_TRADE_CHARS = "鼎盛宏泰鑫源华兴瑞祥恒通金达信诚昌隆永安新锦天宇远航博腾汇丰合众卓越精工润泽嘉禾蓝海汇通中建联创"
_INDUSTRIES = (
    "贸易", "商贸", "建设工程", "建筑劳务", "房地产开发", "置业", "实业", "科技", "投资", "物流",
    "餐饮管理", "农业开发", "矿业", "建材", "汽车销售", "装饰工程", "医药", "电子", "纺织", "食品",
)
_COMPANY_FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")
_SOE_NAMES = (
    "城市建设投资集团有限公司", "交通投资有限公司", "国有资产经营有限公司", "水务集团有限公司",
    "产业投资发展有限公司", "城乡建设发展有限公司", "公共交通有限公司",
)
_ORGANS = (
    "人民政府", "住房和城乡建设局", "教育局", "自然资源局", "交通运输局", "农业农村局",
    "城市管理局", "财政局", "卫生健康局",
)
_TOWN_ORGAN = "镇人民政府"
_INSTITUTIONS = ("人民医院", "中医医院", "第一中学", "职业技术学校", "疾病预防控制中心", "妇幼保健院", "广播电视台")
_BANKS = (
    "中国农业银行股份有限公司", "中国工商银行股份有限公司", "中国建设银行股份有限公司",
    "中国银行股份有限公司", "农村商业银行股份有限公司", "中国邮政储蓄银行股份有限公司",
)
_AMCS = ("中国长城资产管理股份有限公司", "中国华融资产管理股份有限公司", "中国信达资产管理股份有限公司")


def person_name(rng: random.Random) -> str:
    surname = _SURNAMES[bisect_right(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]
    given = pick(rng, _GIVEN)
    if rng.random() < 0.7:
        given += pick(rng, _GIVEN)
    return surname + given


def resident_id(division: str, birth_ordinal: int, serial: int) -> str:
    """18-digit resident ID: division + YYYYMMDD + 3-digit sequence + check character."""
    d = date.fromordinal(birth_ordinal)
    body = f"{division}{d.year:04d}{d.month:02d}{d.day:02d}{serial % 1000:03d}"
    total = sum(map(mul, map(_DIGIT.__getitem__, body), _ID_WEIGHTS))
    return body + _ID_CHECK[total % 11]


def credit_code(kind: str, division: str, serial: int, rng: random.Random) -> str:
    """18-character unified social credit code for an organisation of `kind`."""
    # Organisation code: 8 characters (serial in base 31, randomised high part) + its check.
    head = int(rng.random() * 31**3)
    value = head * 31**5 + serial * _SCRAMBLE % 31**5
    chars = []
    for _ in range(8):
        value, r = divmod(value, 31)
        chars.append(_ORG_ALPHABET[r])
    org = "".join(reversed(chars))
    c9 = 11 - sum(map(mul, map(_ORG_VALUE.__getitem__, org), _ORG_WEIGHTS)) % 11
    org += "X" if c9 == 10 else ("0" if c9 == 11 else str(c9))
    body = USCC_PREFIX[kind] + division + org
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, body), _USCC_WEIGHTS))
    return body + _USCC_ALPHABET[(31 - total % 31) % 31]


def organisation_name(kind: str, area: str, rng: random.Random) -> str:
    """A plausible name for a company, SOE, organ or public institution in `area` (e.g. 巫山县)."""
    if kind == "company":
        trade = pick(rng, _TRADE_CHARS) + pick(rng, _TRADE_CHARS)
        return f"{area}{trade}{pick(rng, _INDUSTRIES)}{pick(rng, _COMPANY_FORMS)}"
    if kind == "state_owned":
        return f"{area}{pick(rng, _SOE_NAMES)}"
    if kind == "government":
        if rng.random() < 0.3:
            return f"{area}{pick(rng, _TRADE_CHARS)}{pick(rng, _TRADE_CHARS)}{_TOWN_ORGAN}"
        return f"{area}{pick(rng, _ORGANS)}"
    return f"{area}{pick(rng, _INSTITUTIONS)}"


def creditor_institution_name(kind: str, area: str, rng: random.Random) -> str:
    """Applicants are often banks (companies) and asset-management companies (state-owned)."""
    if kind == "company" and rng.random() < 0.35:
        return f"{pick(rng, _BANKS)}{area}支行"
    if kind == "state_owned" and rng.random() < 0.5:
        return f"{pick(rng, _AMCS)}{area}分公司"
    return organisation_name(kind, area, rng)


def area_name(court_name: str) -> str:
    """'四川省成都市锦江区人民法院' -> '成都市锦江区'; '重庆市第二中级人民法院' -> '重庆市'.

    The province is dropped when a city or county follows (local names omit it); names that
    are not Chinese (test networks) give ''.
    """
    court_name = court_name.split("（")[0]
    for suffix in ("中级人民法院", "人民法院", "法院"):
        if court_name.endswith(suffix):
            court_name = court_name[: -len(suffix)]
            break
    for marker in ("第一", "第二", "第三", "第四", "第五"):
        court_name = court_name.split(marker)[0]
    for province_end in ("自治区", "省"):
        head, sep, rest = court_name.partition(province_end)
        if sep and rest:
            court_name = rest
            break
    if not court_name or not all("\u4e00" <= ch <= "\u9fff" for ch in court_name):
        return ""
    return court_name
