"""Who the report is about, as the informant described them: 王阿姨, 独居的李大爷, 502的老人, 老张.

This is grammar, not policy, so it lives in code; what counts as risky lives in report_rules.yaml.
"""

from __future__ import annotations

import re

# Common surnames. Left out on purpose: characters that with 老/小 make everyday words
# (小时, 老师, 老实, 小心, 老公, 小区, 老家 ...).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤"
    "温康施牛樊葛邢齐乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包宁尚舒阮柯纪梅童凌季裴霍涂苗谷"
    "盛曲翁冉骆蓝游辛靳柴蒙鲍喻祁蒲房滕屈饶艾尤穆卓吉缪褚娄窦戚岑党宫卜冷晏席卫柏宗瞿桂佟臧闵苟邬卞"
    "姬栾隋商刁巫寇桑郎甄丛仲虞敖巩佘池麻苑迟"
)
# Before 阿姨/大爷/... even these are surnames (方大爷, 白奶奶, 万阿姨).
_SURNAMES_WITH_KIN = _SURNAMES + "方文白常万于路安关易"
# How neighbours are referred to; longer words first so 老奶奶 wins over 奶奶.
_KIN_WORDS = (
    "阿姨 大爷 奶奶 爷爷 大妈 大娘 大伯 伯伯 老伯 叔叔 阿叔 叔 婶婶 婶子 婶 大姐 大哥 姐 哥 阿婆 婆婆 阿公 "
    "老师 师傅 女士 先生 老太太 老太 老爷子 老头 老先生"
)
_PEOPLE_WORDS = (
    "老人家 老人 老太太 老奶奶 老大爷 老爷爷 老大妈 老两口 老夫妻 独居老人 空巢老人 大爷 阿姨 奶奶 爷爷 大妈 "
    "老伯 阿婆 年轻人 小伙子 姑娘 大学生 学生 女士 男士 邻居 住户 业主 我妈 我爸 我母亲 我父亲"
)


def _longest_first(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


# Words before 的 that describe the person rather than what happened (独居的, 502的, 80多岁的).
_MODIFIER = (
    r"(?:独居|一个人住|孤寡|空巢|年迈|年纪大|上了年纪|退休|新搬来|刚搬来|楼上|楼下|对门|隔壁(?:单元)?|"
    r"\d{3,4}|\d{2}多?岁|[六七八九]十多岁|\d栋|\d号楼)的"
)
_PERSON = re.compile(
    rf"(?P<mod>{_MODIFIER})?"
    rf"(?P<core>[老小]?[{_SURNAMES_WITH_KIN}](?:{_longest_first(_KIN_WORDS)})|[老小][{_SURNAMES}](?![{_SURNAMES}])|{_longest_first(_PEOPLE_WORDS)})"
)


def find_person(text: str) -> str | None:
    """The first description of a person in the message, with its modifier: '独居的李大爷'."""
    match = _PERSON.search(text)
    if not match:
        return None
    mod = match.group("mod") or ""
    if re.fullmatch(r"\d栋的|\d号楼的", mod):
        mod = ""  # the building is in the address already
    return mod + match.group("core")
