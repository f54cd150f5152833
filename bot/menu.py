"""The Official Account's custom menu: the CLICK keys the bot answers, and the menu itself.

Publish it with the Official Account API (menu/create) using `OFFICIAL_MENU` as the body.
"""

KEY_CHECK_HOWTO = "CHECK_HOWTO"
KEY_KNOWLEDGE = "KNOWLEDGE"
KEY_MEMORY_CARD = "MEMORY_CARD"
KEY_HELP = "HELP"
KEY_REPORT = "REPORT"  # 我要报告: informants report a neighbour at risk

OFFICIAL_MENU = {
    "button": [
        {"type": "click", "name": "查骗局", "key": KEY_CHECK_HOWTO},
        {"type": "click", "name": "反诈知识", "key": KEY_KNOWLEDGE},
        {
            "name": "更多",
            "sub_button": [
                {"type": "click", "name": "我要报告", "key": KEY_REPORT},
                {"type": "click", "name": "防骗记忆卡", "key": KEY_MEMORY_CARD},
                {"type": "click", "name": "使用帮助", "key": KEY_HELP},
            ],
        },
    ]
}
