"""The detection engine on its own small library (tests/fixtures/patterns_small.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.detection import Detector, Match, Verdict, load_library
from bot.detection.advice import MAX_REPLY, render_check_reply
from bot.detection.knowledge import KnowledgeBase, KnowledgeError

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "patterns_small.yaml"


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(load_library(SMALL))


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return KnowledgeBase(FIXTURES / "knowledge", type_ids=["task_rebate", "fake_police", "fake_prize"])


def assert_safe(detector, *texts: str) -> None:
    for text in texts:
        assert detector.check(text).verdict == "safe", text


def assert_flagged(detector, *texts: str) -> None:
    for text in texts:
        assert detector.check(text).flagged, text


def test_examples_are_flagged_as_their_type(detector):
    for scam_type in detector.library.types:
        for text in scam_type.examples:
            verdict = detector.check(text)
            assert verdict.verdict == "scam", text
            assert verdict.type == scam_type.id
            assert verdict.type_name == scam_type.name and verdict.risk == scam_type.risk


def test_everyday_messages_stay_safe(detector):
    safe = [t for scam_type in detector.library.types for t in scam_type.lookalikes]
    safe += [t for group in detector.library.benign for t in group.examples]
    safe += ["妈，我今晚回家吃饭", "明天上午九点社区组织体检，请带好医保卡", "集中奖励优秀志愿者"]
    for text in safe:
        assert detector.check(text).verdict == "safe", text


def test_evasions_still_match(detector):
    verdict = detector.check("足 不 出 户，日*赚*三*百*元，点-赞-关-注就能领佣金")
    assert verdict.verdict == "scam" and verdict.type == "task_rebate"


def test_a_warning_sign_alone_is_not_a_verdict(detector):
    assert detector.check("请尽快回复").verdict == "safe"
    assert detector.check("您的验证码是3321").verdict == "safe"


def test_signals_add_up_to_a_warning(detector):
    verdict = detector.check("我是民警，你马上把钱转到安全账户，不要告诉家人")
    assert verdict.verdict == "scam"
    assert {"safe_account", "authority", "urgency", "secrecy"} <= set(verdict.signals)
    assert any("安全账户" in words for words in verdict.evidence)


def test_a_warning_about_a_word_does_not_count_it(detector):
    # "请勿泄露验证码" protects the reader; "不要转账" too
    quiet = detector.check("请勿向任何人转账，切勿泄露验证码")
    assert quiet.signals == ()


def test_verdict_explains_itself(detector):
    verdict = detector.check(
        "恭喜您被抽中为幸运用户！领奖前需先缴纳个人所得税，详情 http://prize.example.cn/a"
    )
    assert verdict.type == "fake_prize"
    assert verdict.matches and all(isinstance(m, Match) for m in verdict.matches)
    assert verdict.matches[0].similarity == 1.0
    assert verdict.extracted["links"] == ["http://prize.example.cn/a"]
    assert any("幸运用户" in word for word in verdict.evidence)


def test_to_json_is_the_stable_shape(detector):
    data = detector.check("你的身份证涉嫌一起洗钱案件").to_json()
    assert set(data) == {"verdict", "type", "score", "matches"}
    assert all(set(m) == {"type", "phrase", "similarity"} for m in data["matches"])
    json.dumps(data, ensure_ascii=False)


HOSTILE = [
    "",
    " ",
    "\x00\x01\x02\x1b[31m",
    "😀" * 16000,
    "刷" * 70000,
    "\u200b刷\u200d单\u202e",
    "。。。！！！？？？\n\n\n",
    "a" * 5 + "\ud800" + "b",
    "http://" + "x" * 5000,
    "1" * 3000,
    "left: 你好\nright: " + "你的身份证涉嫌一起洗钱案件，" * 400,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_never_raises(detector, text):
    verdict = detector.check(text)
    assert isinstance(verdict, Verdict)
    assert verdict.verdict in ("scam", "suspicious", "safe")
    assert 0.0 <= verdict.score <= 1.0


def test_long_dialogue_finds_the_pitch_in_the_middle(detector):
    chatter = "right: 好的，我知道了，谢谢你告诉我这些情况。\n" * 30
    pitch = "left: 你的身份证涉嫌一起洗钱案件，要把钱转到安全账户接受资金清查。\n"
    assert detector.check(chatter + pitch + chatter).type == "fake_police"


def test_reply_for_each_verdict(detector, knowledge):
    scam = render_check_reply(detector.check(SMALL_SCAM), knowledge)
    assert scam.startswith("⚠️ 高度疑似诈骗") and "冒充公检法" in scam
    assert "96110" in scam and "110" in scam and "正规的事情不会要求您先转钱" in scam
    assert "第四行" not in scam  # why is 2-3 lines
    safe = render_check_reply(detector.check("妈，我今晚回家吃饭"), knowledge)
    assert "暂未发现诈骗特征" in safe and "96110" in safe


def test_reply_is_always_short(detector, knowledge):
    long_words = Verdict(
        "scam",
        "fake_police",
        "冒充公检法",
        "high",
        0.9,
        evidence=("很长的字句" * 40,) * 8,
        extracted={"links": ["http://" + "x" * 500], "apps": ["向日葵"]},
        signals=("app_download",),
    )
    for verdict in (long_words, detector.check(SMALL_SCAM * 20)):
        assert len(render_check_reply(verdict, knowledge)) < MAX_REPLY
        assert len(render_check_reply(verdict, None)) < MAX_REPLY


def test_knowledge_missing_files_fail_at_load(tmp_path):
    with pytest.raises(KnowledgeError, match="not found"):
        KnowledgeBase(tmp_path / "nowhere")
    with pytest.raises(KnowledgeError, match="memory_card.md"):
        KnowledgeBase(tmp_path)


def test_knowledge_cards(knowledge):
    assert "不听不信不转账" in knowledge.card("memory_card")
    assert knowledge.section("fake_police", "怎么办") == "不转账。"
    assert knowledge.why("no_such_type") == ""


SMALL_SCAM = "我是市公安局民警，你的身份证涉嫌一起洗钱案件，必须把钱转到安全账户接受资金清查"


REAL = Path(__file__).resolve().parent.parent / "scam_patterns.yaml"


@pytest.fixture(scope="module")
def real_detector() -> Detector:
    return Detector(load_library(REAL))


def test_a_proximity_pair_needs_both_words_close(real_detector):
    """ "提供…卡号" in the real library: a request for the card number, not a bare mention."""
    hits = {h.term for h in real_detector.terms.find(*_compact("请您提供一下银行卡卡号和密码"))}
    assert any(term.startswith("提供") and term.endswith("卡号") for term in hits)
    far = "请您提供一下您的姓名、住址、工作单位和家里其他人的联系方式。卡号"
    assert not any(t.startswith("提供") for t in (h.term for h in real_detector.terms.find(*_compact(far))))


def test_a_generic_phrasing_alone_is_not_a_scam(real_detector):
    assert not real_detector.check("最近忙不忙？你现在方便吗？有点事想麻烦你").flagged


def test_a_one_time_code_sms_with_its_warning_stays_safe(real_detector):
    text = "【某某银行】验证码402913，您正在进行网上支付，请勿泄露给任何人，工作人员不会向您索取。"
    assert real_detector.check(text).verdict == "safe"


def test_a_link_the_reader_is_told_to_open_counts(real_detector):
    verdict = real_detector.check("【某某银行】您的网银盾已过期，请登录 www.xx-dun.cc 激活，否则无法使用")
    assert verdict.flagged and "app_download" in verdict.signals


def _compact(text: str):
    from bot.detection.normalize import normalize_message
    from bot.detection.phrases import pairs_of

    compact = normalize_message(text).compact
    return compact, pairs_of(compact)


# ── combos: several harmless-looking ingredients that together are the scam ──


def test_boss_with_a_new_number_asking_for_money_is_a_scam(real_detector):
    verdict = real_detector.check(
        "我是你刘总，这是我新微信。我在开会不方便接电话，你先帮我转五万给合作方，回头报销。"
    )
    assert verdict.verdict == "scam" and verdict.type == "fake_acquaintance"
    assert verdict.breakdown["combos"]


def test_a_real_boss_or_teacher_stays_safe(real_detector):
    assert_safe(
        real_detector,
        "小陈，我是王总，月度报表今天下班前发我邮箱，明天开会要用。",
        "各位家长，我是李老师，下学期学费请通过学校缴费平台尽快缴纳，有问题找班主任。",
        "老王，我是老李，上次借你的两百块明天还你，别忘了提醒我。",
        "同事们，老张下周结婚，大家凑份子送礼金，每人两百，转给我统一买礼物。",
    )


def test_a_captive_and_a_threat_is_a_kidnapping_scam(real_detector):
    verdict = real_detector.check(
        "你女儿现在在我们手上，想让她平安回家就照我说的做，敢报警你就再也见不到她。"
    )
    assert verdict.verdict == "scam" and verdict.type == "relative_emergency"


@pytest.mark.parametrize(
    "text",
    [
        "【中国移动】您的积分8600分可兑换现金86元，今日24点清零，速登 10086jf.vip 兑换。",
        "【社保中心】您的社保卡因信息不全将被停用，请点击 sb-rz.cn 完成认证。",
        "尊敬的旅客，您乘坐的CZ3101航班已取消，请致电 0755-88886666 办理退改签及延误赔付。",
    ],
)
def test_short_phishing_sms_is_a_clear_scam(real_detector, text):
    verdict = real_detector.check(text)
    assert verdict.verdict == "scam" and verdict.type == "phishing_sms"


def test_an_official_link_or_service_line_is_not_a_phishing_fact(real_detector):
    assert_safe(
        real_detector,
        "【东方航空】您的航班MU5101因天气原因取消，可通过东航APP或致电95530免费改签或退票。",
        "【中国移动】您的积分将于12月31日清零，可登录 https://www.10086.cn 兑换话费或礼品。",
    )


def test_a_combo_naming_an_unknown_cue_is_an_error_with_its_line(tmp_path):
    from bot.detection import PatternFileError

    text = SMALL.read_text(encoding="utf-8")
    bad = tmp_path / "p.yaml"
    bad.write_text(
        text + "\ncues:\n  claim:\n    name: 自称\n    words: [我是]\n"
        "combos:\n  - type: fake_police\n    name: x\n    when: [claim, nosuch]\n    weight: 0.5\n",
        encoding="utf-8",
    )
    with pytest.raises(PatternFileError, match="nosuch") as err:
        load_library(bad)
    assert err.value.line > text.count("\n")


def test_a_proximity_pair_may_start_with_one_character(real_detector):
    """ "借…钱" counts in "你能借我一点钱吗", and not inside a longer word ("借口")."""
    hits = {h.term for h in real_detector.terms.find(*_compact("你能借我一点钱吗"))}
    assert any(term.startswith("借") and term.endswith("钱") for term in hits)
    hits = {h.term for h in real_detector.terms.find(*_compact("别找借口了，钱的事下次再说"))}
    assert not any(term.startswith("借口") for term in hits)


def test_a_greeting_cue_counts_only_at_the_start(real_detector):
    """ "^爸" in the YAML: a message that opens by calling the reader Dad, asking for money for a
    stranger's account, with a story, is the fake-child scam; the same words elsewhere are not."""
    scam = real_detector.check("爸，我手机被偷了，借同学手机发的，急用钱，你先打两千到我同学卡上。")
    assert scam.flagged and scam.type in {"fake_acquaintance", "relative_emergency"}
    assert not real_detector.check("今天给爸打了电话，他说身体挺好的。").flagged
    assert not real_detector.check("爸，我到家了，晚饭不用等我。").flagged


def test_an_unsolicited_customer_service_that_found_a_problem_is_flagged(real_detector):
    verdict = real_detector.check(
        "您好，这里是某某商城客服，我们发现您的账户被误开通了代理商服务，请加客服QQ帮您关闭。"
    )
    assert verdict.flagged and verdict.type == "fake_customer_service"
    assert verdict.breakdown["combos"]


def test_a_pay_verb_before_an_amount_is_a_transfer_request(real_detector):
    """However it is worded ("先转五千给我", "交三万"), a sum asked for fires the transfer
    signal; the same sum already sent ("给你转了两千") does not."""
    asked = real_detector.check("你先转五千给我，明天就还你。")
    assert "transfer" in asked.signals
    done = real_detector.check("妈，我今天发工资了，给你转了两千，你买点好吃的。")
    assert "transfer" not in done.signals and not done.flagged


def test_a_claimed_title_inside_a_name_still_counts_as_a_claim(real_detector):
    """jieba keeps "王经理" as one word; the writer still claims to be a manager, and with a
    new number that is the fake-boss opening."""
    verdict = real_detector.check("我是王经理，换了另一个号码联系你，存一下。")
    assert verdict.flagged and verdict.type == "fake_acquaintance"
    assert not real_detector.check("王经理，明天的会改到下午三点了。").flagged


def test_a_victims_own_words_are_not_an_anti_fraud_warning(real_detector):
    """"我被骗子骗进了…" is a plea, not a poster: its words still count."""
    verdict = real_detector.check("妈，我被骗子骗进了传销窝点，他们扣了我的手机，让我交三万才放人，快救我")
    assert verdict.flagged
    assert not real_detector.check("警惕骗子：凡是让你交钱才放人的电话都是诈骗，请拨打96110。").flagged


def test_without_a_sign_of_impersonation_a_loan_request_is_only_suspicious(real_detector):
    """fake_acquaintance has scam_needs: a relative really may ask to borrow money. Without a new
    number, an excuse, a stranger's account or pressure, the resident is asked to check first."""
    plain = real_detector.check("哥，我这个月手头有点紧，能先借我两千吗？下个月发工资还你。")
    assert plain.verdict == "suspicious" and plain.type == "fake_acquaintance"
    pressed = real_detector.check("在吗？我是你表叔，有个急事，你先转五千给我，我微信支付限额了，明天还你")
    assert pressed.verdict == "scam"


def test_scam_needs_naming_an_unknown_cue_is_an_error_with_its_line(tmp_path):
    from bot.detection import PatternFileError

    text = SMALL.read_text(encoding="utf-8")
    marker = "  - id: fake_police\n"
    assert marker in text
    bad = tmp_path / "p.yaml"
    bad.write_text(text.replace(marker, marker + "    scam_needs: [nosuch]\n", 1), encoding="utf-8")
    with pytest.raises(PatternFileError, match="nosuch") as err:
        load_library(bad)
    assert err.value.line == text[: text.index(marker)].count("\n") + 2


def test_a_caller_from_the_anti_fraud_centre_is_not_a_warning(real_detector):
    """"我是市反诈中心的民警" is a title the scammer claims; "国家反诈中心提醒" is a real warning."""
    claim = real_detector.check("你好，我是市反诈中心的民警，你的账户要做资金安全检测，请把钱转到我们的监管账户")
    assert claim.verdict == "scam" and claim.type == "fake_police"
    assert real_detector.check("国家反诈中心提醒您：公检法机关不会让你把钱转到所谓安全账户。").verdict == "safe"


def test_a_protective_phrase_does_not_excuse_a_whole_scam_story(real_detector):
    """Scammers borrow "如非本人操作" too: with a combo matched, the phrase takes nothing off."""
    story = real_detector.check(
        "【某音】系统检测到您的小店被误开通，每月将自动扣费699元，如非本人操作请今天致电4007001234取消"
    )
    assert story.flagged and story.breakdown["combos"]
    assert real_detector.check("【某某银行】您尾号1234的卡已开通短信提醒，如非本人操作请致电95588。").verdict == "safe"


def test_everyday_notices_that_reassure_stay_safe(real_detector):
    assert_safe(
        real_detector,
        "【外卖平台】573920（登录验证码），请勿泄露于他人，5分钟内有效。",
        "各位业主：本月水费可在物业前台或自来水公司官方公众号缴纳，物业不会单独打电话让你转账。",
        "哥们，借我两百块呗，明天发工资就还你，这个月手头有点紧",  # a friend's banter, not "哥，…"
        "【社保中心】社保卡可在官方APP办理挂失，我们从不通过电话或短信要求您提供验证码或转账。",
        # needs the protective share at 0.5: at 0.6 it was still "check first"
        "【市医保中心】医保电子凭证可在微信、支付宝和医保服务平台APP免费激活，医保部门不会通过电话或短信要求您提供验证码或转账。",
        "【某小区物业】近期有不法分子冒充物业人员上门收取管道检测费，本物业从未委托任何单位上门收费。",
        "【区民政局】您本月的高龄津贴已发放至社保卡，无需申请，无需缴纳任何费用，请勿向他人提供验证码。",
        "各位居民：人口抽样调查员将由社区工作人员陪同入户，本楼为抽中样本，所填个人信息严格保密，不收取任何费用。",
    )


def test_a_resident_retelling_a_call_still_shows_the_ask(real_detector):
    """"对方让我下载…" is the scammer's request told in the third person: it weighs as an ask."""
    compact, pairs = _compact("对方说是快递公司的，让我下载一个APP，说能帮我赔钱")
    owners = {owner for hit in real_detector.terms.find(compact, pairs) for owner in hit.owners}
    assert ("ask", "app_download") in owners
    compact, pairs = _compact("我下载了一个APP，挺好用的")
    owners = {owner for hit in real_detector.terms.find(compact, pairs) for owner in hit.owners}
    assert ("ask", "app_download") not in owners


def test_a_greeting_after_a_sender_label_still_opens_the_message(real_detector):
    """"【短信】爷爷，…" is still a grandchild's opening: the label is the phone's, not the writer's."""
    from bot.detection.detector import _after_sender_tag

    text = "【短信】爷爷我手机摔坏了，用的同学手机，学校今天要交实训费三千，您转到我同学微信上，别告诉我爸"
    assert _after_sender_tag(text, _compact(text)[0]).startswith("爷爷")
    note = "（和我哥的聊天）哥：能不能先借我两万"  # a resident's own note is not a phone's label
    assert _after_sender_tag(note, _compact(note)[0]) == _compact(note)[0]
    assert real_detector.check(text).flagged


def test_advice_no_scammer_gives_makes_a_warning_lenient_even_with_a_whole_story(real_detector):
    """A community officer retelling a scam (which matches its combo) tells people to come to the
    police office and ignore such callers: advice that would end the scam. The same story without
    that advice, told as the caller, stays flagged."""
    warning = (
        "各位邻居，我是片区民警小王。最近有人接到电话，对方自称社保局的，说你社保卡被人冒用，"
        "要把电话转接公安局，再让你把钱转到安全账户。遇到这种电话一律别理，拿不准就到社区警务室问我。"
    )
    assert real_detector.check(warning).verdict == "safe"
    pitch = "您好，这里是社保局，您的社保卡被人冒用，现在把电话转接公安局，请配合把钱转到安全账户。"
    assert real_detector.check(pitch).flagged


def test_a_bare_code_sms_is_safe_but_a_code_to_pass_on_is_not(real_detector):
    assert real_detector.check("【某某出行】您的登录验证码是583920，5分钟内有效。").verdict == "safe"
    handover = real_detector.check("【某某出行】您的验证码是583920，请把验证码告诉客服以完成退款。")
    assert handover.flagged


def test_a_sum_asked_for_someone_else_is_a_transfer_request(real_detector):
    """"借他两万" / "打到他爸账户上": the money goes to a third person, still a request."""
    verdict = real_detector.check("奶奶，我同学出车祸了在医院，我答应借他两万，你打到他爸账户上，别跟我妈说")
    assert "transfer" in verdict.signals and verdict.flagged


def test_a_changed_wechat_id_is_a_new_channel(real_detector):
    compact, pairs = _compact("老张我是老刘，微信号换了，原来那个不用了，先借我三千周转一下")
    owners = {owner for hit in real_detector.terms.find(compact, pairs) for owner in hit.owners}
    assert ("cue", "new_channel") in owners


def test_a_family_warning_to_hang_up_on_everyone_stays_safe(real_detector):
    """"不管谁让你转钱、念验证码，一概挂了然后给我打" names every scam ingredient and the advice
    that defeats them all."""
    text = (
        "爸，跟你说一声，不管谁打电话说是公安局的、让你转钱到安全账户、念验证码、"
        "下载什么软件，你一概挂了，然后给我打电话。"
    )
    assert real_detector.check(text).verdict == "safe"


def test_a_new_number_then_a_favour_is_worth_checking(real_detector):
    verdict = real_detector.check("老刘，我建军啊，换新号了，旧的那个不用了，存一下。有点事想麻烦你一下，方便吗")
    assert verdict.flagged and verdict.type == "fake_acquaintance"


@pytest.mark.parametrize(
    "bait",
    [
        "您好，这里是市反诈中心，您的社保卡被不法分子冒用，为了防骗，请把存款转到我们指定的安全账户保护起来",
        "防骗专项补贴发放：您有600元防诈骗补贴待领取，请添加专员微信并提供银行卡号和收到的验证码",
        "【反诈预警】您的手机已被标记为涉诈号码，请立即点击 fzyj-app.cn 下载认证软件，否则24小时后停机",
        # an anti-fraud label in front does not make the rest publicity
        "反诈提醒：您名下的银行卡涉嫌洗钱，请立即将资金转入安全账户配合核查，不要告诉家人",
        "警方提示：您的账户存在风险，请点击 jc-110.cn 下载安全软件进行保护",
        # nor does advice the scam itself would never want followed, pasted after its own ask
        "这里是市公安局，您涉嫌一起洗钱案，请立即把名下存款转到安全账户接受审查，如有疑问可拨打96110",
    ],
)
def test_anti_fraud_words_used_as_bait_do_not_silence_the_ask(real_detector, bait):
    """A sentence that borrows "反诈", "防骗" but tells the reader to move money, hand over a code
    or install something is the scam itself, not a warning."""
    assert real_detector.check(bait).flagged


def test_warnings_that_say_what_not_to_do_stay_warnings(real_detector):
    assert_safe(
        real_detector,
        "派出所提醒：凡是让你把钱转到安全账户的都是诈骗，请勿相信，拿不准请拨打96110。",
        "全民反诈：请在手机应用商店搜索下载国家反诈中心APP，开启来电预警，守好养老钱。",
    )


def test_an_unsubscribe_line_does_not_excuse_phishing(real_detector):
    """Phishing SMS copy marketing's "回T退订" / "拒收请回复R"; lawful promotions keep their discount."""
    assert_flagged(
        real_detector,
        "【工商银行】您的积分6300分今晚24点清零，请登录 ghjf-dh.cn 兑换现金礼包，回T退订",
        "【社保局】您的社保卡已被暂停使用，请添加工作人员微信并提供身份证号和验证码恢复，拒收请回复R",
    )
    assert_safe(
        real_detector,
        "【某电商】年货节满200减30，点击 jd.com/nh 领券，回T退订",
        "【某药房】会员日全场9折，凭短信到店再送口罩一包，回TD退订",
    )


def test_the_anti_fraud_hotline_is_advice_unless_the_message_forbids_it(real_detector):
    from bot.detection.detector import _gives_counter_advice
    from bot.detection.normalize import normalize_message

    assert _gives_counter_advice(normalize_message("接到自称客服要你转账的电话，先拨打96110问问。"))
    assert not _gives_counter_advice(normalize_message("这几天不要接听96110的电话，那是干扰办案的。"))
    scam = "我是市局的王警官，你的案子还在查，这几天不要接听96110打来的电话，也别告诉家人，把钱转到清查账户"
    assert real_detector.check(scam).flagged


def test_letters_that_look_like_digits_still_make_a_phone_number():
    from bot.detection.normalize import normalize_message

    phones = normalize_message("航班取消，请致电4OO-6l7-9O12办理改签，另有QQ 3O5728861").extracted["phones"]
    assert "4006179012" in phones
    assert normalize_message("hello world, all good").extracted["phones"] == []


def test_a_square_bracket_label_does_not_hide_the_greeting(real_detector):
    from bot.detection.detector import _after_sender_tag

    text = "[语音转文字] 妈，我出了点事不方便说话，你先往我发的账户转三万，别跟我爸说"
    assert _after_sender_tag(text, _compact(text)[0]).startswith("妈")


def test_everyday_notices_in_other_words_stay_safe(real_detector):
    assert_safe(
        real_detector,
        "【某音】482913是你的验证码，千万别告诉别人哦",  # the code first, the warning without 请勿
        "【社区反诈课堂】有人接到“理赔”电话，对方让下载会议软件共享屏幕。正规理赔都在平台内办理，不会让您共享屏幕。",
        "各位老人注意：高息养老项目、以房养老预交费很多是非法集资，千万别把房子拿去抵押。",
    )
    assert real_detector.check("我是检察院的，你涉嫌非法集资，马上把存款转到安全账户核查").flagged


def _owners(detector, text: str) -> set[str]:
    """Every signal, cue and keyword owner the term index counts in text."""
    return {owner for hit in detector.terms.find(*_compact(text)) for _kind, owner in hit.owners}


def test_a_negation_stops_at_the_next_clause(real_detector):
    # "不要" is about hanging up; the request for the ID number still counts
    assert "personal_info" in _owners(real_detector, "请不要挂机，并报一下身份证号码")
    assert "personal_info" not in _owners(real_detector, "请不要报给别人身份证号码")


def test_named_scam_kinds_a_caller_is_accused_of_are_not_a_warning(real_detector):
    for text in (
        "我是市公安局的民警，你名下那张卡涉嫌金融诈骗，需要配合调查",
        "本人是反诈中心工作人员，你名下的手机号涉嫌电信诈骗，需要配合调查",
    ):
        assert "implicated" in _owners(real_detector, text), text
    assert "implicated" not in _owners(real_detector, "谨防电信诈骗，涉嫌犯罪的通知都要打110核实")


def test_a_resident_asking_whether_she_was_fooled_is_not_a_warning(real_detector):
    text = "网上买的手机付完款，卖家又让我交关税和保证金才发货，我是不是上当了"
    assert {"fee_first", "deposit"} <= _owners(real_detector, text)
    assert "fee_first" not in _owners(real_detector, "先交关税再发货的都是骗局，大家别上当")


def test_refusing_transfers_and_sales_are_negations(real_detector):
    assert "transfer" not in _owners(real_detector, "爱心捐款统一交到工会办公室，不在群里接收转账")
    assert "health_product" not in _owners(real_detector, "社区义诊只量血压，不卖保健品")


def test_a_bare_tap_word_before_a_link_opens_it(real_detector):
    verdict = real_detector.check("您的积分即将清零，点 jf-10086.cc 填写卡号兑换现金")
    assert "app_download" in verdict.signals
    assert "app_download" not in real_detector.check("积分兑换请到营业厅办理，10点 营业").signals


def test_someone_coming_to_collect_the_cash_is_not_counter_advice():
    from bot.detection.detector import _gives_counter_advice
    from bot.detection.normalize import normalize_message

    assert _gives_counter_advice(normalize_message("阿姨您先别转，我们民警马上到您家"))
    assert not _gives_counter_advice(normalize_message("奶奶你别声张，我朋友马上去您家拿钱"))


def test_traditional_characters_fold_to_simplified():
    from bot.detection.normalize import normalize_phrase

    assert normalize_phrase("帳號實名認證過期，將於24小時後停機") == "账号实名认证过期将于#小时后停机"


def test_an_installer_link_is_an_app_to_download(real_detector):
    verdict = real_detector.check("上周聚会的相片都在这里了，大家自己下载 party-pics.top/album.apk")
    assert "app_download" in verdict.signals and verdict.flagged
    assert "app_download" not in real_detector.check("上周聚会的相片都在这里了，大家自己看 party-pics.top/album").signals


def test_an_anti_fraud_rhyme_is_publicity(real_detector):
    assert_safe(real_detector, "反诈口诀：陌生链接不点开；验证码，不外传；天上掉的馅饼别去接，转账之前问家人。请转给爸妈看看")


def test_a_caution_to_the_whole_group_is_counter_advice():
    from bot.detection.detector import _gives_counter_advice
    from bot.detection.normalize import normalize_message

    assert _gives_counter_advice(normalize_message("最近有人冒充物业收燃气费，请大家注意，缴费只在物业前台"))
    assert not _gives_counter_advice(normalize_message("最近有人冒充物业收燃气费，缴费只在物业前台"))


def test_a_payment_already_made_is_reported_not_asked(real_detector):
    """ "交了押金" tells what the writer paid; "交押金" would ask the reader to pay."""
    reported = real_detector.check("爸，我下午给爷爷交了住院押金三千，收据拍照发家里群了，报销以后多退少补。")
    assert reported.verdict == "safe" and "transfer" not in reported.signals
    asked = real_detector.check("爸，爷爷住院了，医院让先交押金三千，你赶紧转给我。")
    assert "transfer" in asked.signals


def test_a_caution_to_be_on_guard_is_a_warning(real_detector):
    notice = "【某某银行】温馨提示：本行不会以“关闭百万保障”“注销账户”等名义要求您转账或打开屏幕共享，请注意防范。"
    assert real_detector.check(notice).verdict == "safe"


def test_money_to_pass_on_is_a_transfer_request(real_detector):
    verdict = real_detector.check("我手机付不了款，你先把钱转给我表姐，晚上我就还你。")
    assert "transfer" in verdict.signals


def test_a_word_inside_a_longer_library_term_still_counts(real_detector):
    """The library's terms join jieba's dictionary: the cue "转我同学" / "转给我" must not hide
    the transfer word "转给" that opens it."""
    verdict = real_detector.check("这笔钱你先转给我同学，她在医院等着。")
    assert "transfer" in verdict.signals
    # ...while a word inside an ordinary longer word still does not: 中奖 in 集中奖励
    assert real_detector.check("本月集中奖励优秀员工，名单见公告栏。").verdict == "safe"


def test_a_refusal_to_ask_reaches_every_item_of_its_list(real_detector):
    notice = (
        "【居委会通知】本周六上午在活动室为老人办理养老金资格认证，请本人带好身份证到场，全程免费，"
        "无需提供银行卡号和短信验证码，工作人员不会上门。"
    )
    verdict = real_detector.check(notice)
    assert verdict.verdict == "safe" and "verification_code" not in verdict.signals
