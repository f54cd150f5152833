"""Every sentence a user sees, in one place.

Residents are often elderly: short lines, plain words, kind tone, the next step spelled out.
Keep identifiers English and the text Simplified Chinese.
"""

# --- general (owned by the webhook / router) ---------------------------------------------

WELCOME = (
    "您好，欢迎关注社区反诈哨兵！\n"
    "收到可疑的短信、聊天、链接或电话，直接把内容转发或粘贴给我，"
    "我马上告诉您是不是骗局、该怎么办。\n"
    "\n"
    "{menu}\n"
    "\n"
    "记住：陌生人让转账、要验证码，一律不理。拿不准就拨打 96110。"
)

MENU = (
    "您可以：\n"
    "1. 直接发来可疑内容 —— 帮您查骗局\n"
    "2. 发“反诈知识” —— 看常见骗局\n"
    "3. 发“防骗卡” —— 看防骗记忆卡\n"
    "4. 发“帮助” —— 再看这份说明"
)

HELP = "我是社区反诈哨兵，帮您识别诈骗。\n\n{menu}\n\n情况紧急请直接拨打 110。"

GREETING = "您好！把可疑的短信、聊天记录或链接发给我，我帮您看看是不是骗局。\n发“帮助”查看更多用法。"

MEDIA_UNSUPPORTED = (
    "抱歉，我暂时看不懂{what}。\n"
    "请把可疑内容的文字复制粘贴给我，或把可疑链接直接转发给我，我马上帮您查。\n"
    "拿不准的话，请拨打反诈专线 96110 咨询。"
)

MEDIA_NAMES = {
    "image": "图片",
    "video": "视频",
    "shortvideo": "视频",
    "file": "文件",
    "location": "位置信息",
    "voice": "这段语音",
    "other": "这类消息",
}

EMPTY_TEXT = "我没有收到文字内容。请把可疑的短信或聊天内容粘贴过来，我帮您查。"

FALLBACK = "抱歉，我没看懂这条消息。\n{menu}"

SORRY = (
    "抱歉，系统刚才出了点小问题，请稍后再发一次。\n如果正在被人催着转账，请先停下，立即拨打 110 或 96110。"
)

STORE_DOWN = "系统的数据服务暂时连不上，请稍后刷新。紧急情况请直接电话联系网格长或社区值班室。"
TOO_FAST = "您发得太快了，请稍等一分钟再发。如果情况紧急，请直接拨打 110 或 96110。"

MENU_LINK_OPENED = ""  # a VIEW click opened a web page; WeChat shows nothing back


# --- grid staff in WeCom (认领, 已联系, 结案) ------------------------------------------------

STAFF_HELP = (
    "反诈哨兵·网格员命令：\n"
    "认领 R7 —— 接手报告（也可以点卡片上的“认领”）\n"
    "已联系 R7 —— 已电话或上门联系到当事人\n"
    "结案 R7 —— 记录结果并结案\n"
    "释放 R7 —— 交回，让别人认领\n"
    "转派 R7 工号 —— 转给同网格的人\n"
    "我的 —— 我手上的报告\n"
    "列表 —— 本网格未结案的报告"
)
STAFF_NOT_REGISTERED = "您不在本社区的网格员名单中，不能查看或处理报告。如有疑问请联系社区值班室。"
STAFF_NO_SUCH_REPORT = "没有找到报告 {id}。发“列表”看本网格的报告。"
STAFF_NOT_YOUR_GRID = "报告 {id} 属于{grid}，只有该网格的工作人员和值班员可以处理。"
STAFF_CLAIMED = "您已认领 {id}，请在 {deadline} 前电话和上门联系当事人。\n{details}\n联系上后回复“已联系 {id}”。"
STAFF_CLAIMED_BY_OTHER = "{id} 已由 {name} 认领，不用重复处理。"
STAFF_ALREADY_YOURS = "{id} 已经是您在处理了。联系上后回复“已联系 {id}”。"
STAFF_ALREADY_CLOSED = "{id} 已经结案了。"
STAFF_NOT_CLAIMER = "{id} 现在由 {name} 处理，只有认领人或值班员可以这样操作。"
STAFF_RELEASED = "已释放 {id}，已通知网格其他人认领。"
STAFF_TRANSFERRED = "已把 {id} 转派给 {name}。"
STAFF_BAD_TARGET = "{target} 不是可以处理 {id} 的工作人员。"
STAFF_CONTACTED = "已记录：{id} 已联系上当事人，联系计时停止。处理完后回复“结案 {id}”。"
STAFF_ASK_OUTCOME = (
    "结案 {id}，请回复结果编号：\n1 劝阻成功\n2 已转账·已报警\n3 误报\n4 联系不上\n5 已联系家属\n发“取消”退出。"
)
STAFF_ASK_AMOUNT_SAVED = "避免了多少损失？回复金额（元，例如 20000），不清楚回复 0。"
STAFF_ASK_AMOUNT_LOST = "损失了多少钱？回复金额（元，例如 20000），不清楚回复 0。"
STAFF_BAD_AMOUNT = "没看懂金额，请只回复数字，例如 20000，不清楚回复 0。"
STAFF_CLOSED = "{id} 已结案：{outcome}{amount}。谢谢您！"
STAFF_CLOSE_CANCELLED = "好的，没有结案。"
STAFF_LIST_EMPTY = "没有未结案的报告。"
STAFF_LIST_LINE = "{id} {risk} {place} {status} 截止{deadline}{overdue}"
STAFF_MINE_EMPTY = "您手上没有未结案的报告。"
STAFF_UNKNOWN = "没看懂这条命令。\n" + STAFF_HELP
OUTCOMES = {
    "1": ("dissuaded", "劝阻成功"),
    "2": ("lost_reported", "已转账·已报警"),
    "3": ("false_alarm", "误报"),
    "4": ("unreachable", "联系不上"),
    "5": ("family_contacted", "已联系家属"),
}
DISSUASION_TITLE = "【紧急劝阻流程卡】高风险，请按步骤做：\n"
ALERT_UNDELIVERED = "【反诈哨兵·送达失败】{id} 的通知没能发给 {recipient}（{channel}）：{reason}。请电话联系。"
ALERT_CONFIG = "【反诈哨兵·配置错误】{reason}（请管理员处理）"
ALERT_ESCALATION_FAILED = "【反诈哨兵·升级未执行】报告 {id} 到时该升级提醒，但系统没能执行。请在看板上查看这份报告，并电话跟进。"
ALERT_HELD_SET_ASIDE = (
    "【反诈哨兵·暂存举报待人工登记】Redis 恢复后，有 {count} 条暂存的举报没能自动登记，原文已另存在服务器文件 {file}。"
    "请管理员尽快查看并手工登记；如有紧急情况，请先电话联系相关网格。"
)
CLAIMED_LABEL = "已由 {name} 认领 {time}"
NOTICE_DETAILS = "【{risk}】{id}\n地点：{place}\n人员：{person}\n情况：{situation}\n截止：{deadline}"
STATUS_NAMES = {"open": "待认领", "claimed": "已认领", "contacted": "已联系", "closed": "已结案"}
OVERDUE_MARK = " ⚠️超时"
AMOUNT_SAVED = "，避免损失 {amount} 元"
AMOUNT_LOST = "，损失 {amount} 元"

NOTICE_CLAIMED_GROUP = "【反诈预警】{id} {place} 已由 {name} 认领。"
NOTICE_RELEASED_GROUP = "【反诈预警】{id} {place} 已释放，请网格内其他同事尽快认领。"
NOTICE_CLOSED_GROUP = "【反诈预警】{id} {place} 已结案：{outcome}。"
NOTICE_TRANSFERRED = "【反诈预警·转派给您】{id}\n地点：{place}\n人员：{person}\n情况：{situation}\n请在{deadline}前联系。"
NOTICE_INFORMANT_OUTCOME = "您报告的情况（编号 {id}）已处理：{outcome}。谢谢您守护邻居！"
NOTICE_ESCALATE = "【反诈预警·{risk}·催办】{id} {place} 已{minutes}分钟{what}，请立即处理！回复“认领 {id}”。"
NOTICE_ESCALATE_UNCLAIMED = "无人认领"
NOTICE_ESCALATE_NOT_CONTACTED = "未联系上当事人"
NOTICE_REMIND_CLAIMER = "【反诈预警·提醒】{id} {place} 还没有记录“已联系”，请马上电话和上门确认，联系上后回复“已联系 {id}”。"
DIGEST = "【反诈预警·每日汇总】{grid}还有 {count} 件{risk}报告未联系：\n{lines}\n请今天内联系，联系上后回复“已联系 编号”。"
DIGEST_LINE = "{id} {place} {situation}"
NOTICE_REOPENED = "【反诈预警·重新派单】{id} {place} 超时未联系，已重新开放，请网格内同事立即认领！"

# --- when Redis is down (nothing is lost, people are told what to do) -------------------------

REPORT_HELD = (
    "已收到并记下您的报告（系统正忙，稍后会自动送达网格员）。\n"
    "如果情况紧急（正在转账），请马上直接拨打{who}电话{phone}，或拨打 110。"
)
FLOW_PAUSED = (
    "抱歉，系统正忙，您刚才这一步没能记下。\n"
    "如果情况紧急（有人正在转账），请马上拨打{who}电话{phone}，或拨打 110。\n"
    "过几分钟后，请把要报告的情况（几栋几单元、发生了什么）重新发一遍。"
)
REPORT_HELD_WHO = "网格长"
REPORT_HELD_DUTY = "社区值班"
REPORT_REPLAYED = "您刚才的报告已送达网格员，编号 {id}。谢谢您！"
DANGER_LEAD_OFFLINE = (
    "⚠️ 请马上停下！这很可能正在被骗：\n"
    "1. 立刻挂断电话，退出对方让您下载的会议或共享屏幕软件；\n"
    "2. 不要转账、不要说验证码；\n"
    "3. 拨打 96110 反诈专线，已经转了钱请马上打 110。"
)

# --- anti-fraud knowledge (反诈知识) ---------------------------------------------------------

KNOWLEDGE_LIST = "常见骗局（回复“知识+编号”查看，例如：知识 1）：\n{items}"
KNOWLEDGE_ITEM = "{n}. {name}"
KNOWLEDGE_DETAIL = "【{name}】\n为什么是骗局：\n{why}\n\n现在该怎么做：\n{todo}"
MEMORY_CARD_TITLE = "【防骗记忆卡】请记牢，也讲给家里老人听：\n"
KNOWLEDGE_UNKNOWN = "没有找到这一条。发“反诈知识”看全部编号。"

# --- informants and reports ----------------------------------------------------------------

RISK_NAMES = {"high": "高风险", "medium": "中风险", "low": "低风险"}

BIND_DONE = (
    "绑定成功！您现在是 {buildings} 的反诈信息员。\n发现邻居可能被骗，发“报告”告诉我，我马上通知网格员。"
)
BIND_BAD_CODE = "这个邀请码不对或已经用过了。请向网格长要一个新的邀请码，再发“绑定 邀请码”。"
BIND_PAUSED = "抱歉，系统正忙，这次没能绑定。您的邀请码还能用，请过几分钟再发一次“绑定 邀请码”。"
BIND_HOWTO = "请发“绑定 邀请码”，邀请码由网格长提供。例如：绑定 K7Q2MX"

HOME_SAVED = "记下了：您住在 {place}。您遇到紧急情况时，我会直接通知这里的网格员。"
HOME_UNKNOWN_BUILDING = "抱歉，没认出楼栋。请这样说：我住3栋2单元"

NOT_INFORMANT = (
    "上报邻居情况需要先成为楼栋反诈信息员。\n"
    "请联系您所在网格的网格长领取邀请码，然后发“绑定 邀请码”。\n"
    "如果是您自己收到可疑消息，直接把内容发给我就行；情况紧急请拨打 110。"
)
REPORT_NOT_FILED = "您在系统繁忙时发来的报告没有转给网格员。\n" + NOT_INFORMANT

REPORT_ASK_LOCATION = (
    "请告诉我是哪一栋、哪个单元（知道门牌更好），例如：3栋2单元502。\n随时发“取消”可以退出。"
)
REPORT_ASK_SITUATION = (
    "请简单说说发生了什么，例如：王阿姨情绪很焦虑，说要去银行转账。\n随时发“取消”可以退出。"
)
REPORT_LOCATION_UNREAD = "没认出楼栋，请再说一次，例如：3栋2单元502。发“取消”退出。"
REPORT_CONFIRM = (
    "请确认这份报告：\n"
    "地点：{place}\n"
    "人员：{person}\n"
    "情况：{situation}\n"
    "风险：{risk}{reasons}\n"
    "\n回复“确认”提交，“修改”重新描述，“取消”放弃。"
)
REPORT_CONFIRM_AGAIN = "请回复“确认”提交，“修改”重新描述，或“取消”放弃。"
REPORT_FILED = (
    "已提交，报告编号 {id}（{risk}）。\n"
    "已通知{grid}的{handlers}，请在{deadline}前联系到当事人。\n"
    "如果情况紧急，请直接拨打网格长电话{leader_phone}或 110。谢谢您！"
)
REPORT_MERGED = "这户人家刚才已有人报告（编号 {id}），您的情况已补充进去{raised}，网格员会一并处理。谢谢您！"
REPORT_REPEATED = "您刚才已经报告过这户（编号 {id}），新情况已补充给网格员。谢谢您！"
REPORT_RAISED = "，风险已提高为{risk}"
REPORT_CANCELLED = "好的，已取消，没有提交任何报告。"
REPORT_UNKNOWN_PLACE = "楼栋不明"
REPORT_UNKNOWN_PERSON = "未说明"
REPORT_NO_GRID = "社区值班室"
REPORT_HANDLERS = "网格长和预警专员"
REPORT_HANDLERS_DUTY = "值班员"

# Notifications for staff (queued in the outbox; the worker delivers them).
NOTICE_NEW = (
    "【反诈预警·{risk}】{id}\n"
    "地点：{place}\n人员：{person}\n情况：{situation}\n"
    "请在{deadline}前电话和上门确认。回复“认领 {id}”接手。"
)
NOTICE_UPDATE = "【反诈预警·更新】{id}（{risk}）又有信息员报告：{situation}"
NOTICE_GROUP = "【反诈预警·{risk}】{id} {place}：{situation}（详情见应用消息，请尽快认领）"

DANGER_LEAD = (
    "⚠️ 请马上停下！这很可能正在被骗：\n"
    "1. 立刻挂断电话，退出对方让您下载的会议或共享屏幕软件；\n"
    "2. 不要转账、不要说验证码；\n"
    "3. 拨打 96110 反诈专线，已经转了钱请马上打 110。\n"
    "回复 1，让网格员马上联系您。"
)
DANGER_FILED = "已通知网格员（编号 {id}），他们会尽快打电话或上门找您。请先不要转账，也不要接陌生电话。"
DANGER_ASK_HOME = "请告诉我您住几栋几单元（例如：3栋2单元502），网格员马上来找您。"

# --- scam check reply (owned by bot/detection) ------------------------------------------

CHECK_HEADLINE = {
    "scam": "⚠️ 高度疑似诈骗！",
    "suspicious": "⚠️ 可疑，请小心！",
    "safe": "✅ 暂未发现诈骗特征。",
}
CHECK_TYPE = "类型：{name}"
CHECK_WHY = "为什么：\n{why}"
CHECK_TODO_TITLE = "现在请这样做："
CHECK_TODO_SCAM = (
    "不转账、不汇款，对方怎么催都不转",
    "不透露验证码和银行卡密码",
    "不下载陌生APP，不开屏幕共享",
    "拿不准就拨打 96110 咨询",
    "已经转了钱，立即拨打 110 报警",
)
CHECK_TODO_SUSPICIOUS = (
    "先别转账，验证码不告诉任何人",
    "不点陌生链接，不下载陌生APP",
    "拨打 96110 问一问，或和家人商量",
    "已经转了钱，立即拨打 110 报警",
)
CHECK_LINK = "消息里的链接不要点开：{link}"
CHECK_APP = "不要下载：{apps}"
CHECK_WORDS = "可疑的字句：{words}"
CHECK_SAFE_TIP = "提醒：陌生人让转账、要验证码，一律不理；拿不准就拨打 96110。"
CHECK_UNSURE = "这条消息我没有看出骗局的样子，但我也会看错。"

# --- WeCom cards (owned by bot/outbound) ---------------------------------------------------
# Button texts: WeCom advises at most 10 characters. CLAIMED_LABEL (above) replaces the buttons.
CARD_SOURCE = "反诈哨兵·网格预警"
CARD_TITLE = "{risk}预警 {id}"
CARD_CLAIMER_TITLE = "您负责的{risk} {id}"
CARD_DEADLINE_DESC = "请在 {deadline} 前电话和上门联系"
CARD_KEY_PLACE = "地点"
CARD_KEY_PERSON = "人员"
CARD_KEY_DEADLINE = "截止"
CARD_BUTTON_CLAIM = "认领"
CARD_BUTTON_CONTACTED = "已联系"
CARD_BUTTON_CLOSE = "结案"
CARD_CLICKED = "已提交，请稍候"


# --- dashboard (owned by bot/dashboard) ---
DASHBOARD = {
    "login_failed": "账号或密码不对。",
    "login_locked": "尝试次数太多，已暂停登录。请 {minutes} 分钟后再试，或联系管理员。",
    "login_expired": "页面已过期，请再试一次。",
    "not_staff": "只有社区值班员和网格长可以登录看板。",
    "signed_out": "已退出登录。",
    "need_sign_in": "请先登录。",
    "csrf_refused": "页面已过期或来源不明，操作没有执行。请刷新页面后重试。",
    "no_such_report": "没有找到这份报告，或它不属于您的网格。",
    "note_empty": "备注不能为空。",
    "note_added": "已添加备注。",
    "bad_outcome": "请选择结案结果。",
    "bad_amount": "金额没看懂，请只填数字（元），不清楚填 0。",
    "bad_target": "请选择转派给谁。",
    "bad_period": "日期没看懂，请用 年-月-日 的格式。",
    "check_empty": "请粘贴要检测的消息。",
    "demo_only_local": "演示登录只在本地体验模式下可用。",
    "none": "—",
    "system": "系统",
    "worker": "消息服务",
    "overdue": "超时",
    "left": "剩余",
    "contacted_stop": "已联系",
    "unassigned": "待认领",
    "no_grid": "未分网格",
}
DASHBOARD_VERDICTS = {"scam": "诈骗", "suspicious": "可疑", "safe": "未见异常"}
DASHBOARD_EVENTS = {
    "filed": "提交报告",
    "merged": "补充报告",
    "claimed": "认领",
    "released": "释放",
    "transferred": "转派",
    "contacted": "已联系当事人",
    "closed": "结案",
    "escalated": "超时催办",
    "reopened": "重新派单",
    "note": "备注",
    "sent": "通知已发送",
    "held": "通知未能发送（超出公众号48小时窗口）",
    "failed": "通知发送失败",
}
DASHBOARD_CONDITIONS = {"unclaimed": "仍无人认领", "not_contacted": "仍未联系", "open": "仍未结案"}
DASHBOARD_TARGETS = {
    "grid_staff": "网格长和预警专员",
    "grid_members": "全网格",
    "grid_volunteers": "志愿者",
    "duty": "值班员",
    "claimer": "认领人",
}
