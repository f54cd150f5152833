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
    "抱歉，系统刚才出了点小问题，请稍后再发一次。\n"
    "如果正在被人催着转账，请先停下，立即拨打 110 或 96110。"
)

MENU_LINK_OPENED = ""  # a VIEW click opened a web page; WeChat shows nothing back


# --- scam check reply (owned by bot/detection) ------------------------------------------
