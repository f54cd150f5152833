"""The playground's staff side: what each grid worker's WeCom shows, their buttons, the group chat,
and a control to move the clock forward (local mode, where outbound calls go to the fake API)."""

from __future__ import annotations

from flask import current_app, jsonify, request

from bot.playground import bp
from bot.playground.wxclient import WeComServer

MAX_MINUTES = 24 * 60


def local_world():
    return current_app.extensions.get("fanzha_local")


def wecom_server() -> WeComServer:
    services = current_app.extensions["fanzha"]
    config = services.config
    return WeComServer(config.wecom_token, config.wecom_corp_id, config.wecom_aes_key,
                       agent_id=config.wecom_agent_id, clock=services.ctx.clock)


@bp.get("/staffroom")
def staffroom():
    """Every staff member's messages and cards as the fake WeCom received them, and the group chats."""
    world = local_world()
    if world is None:
        return jsonify(error="只有本地模式有模拟企业微信"), 404
    registry = current_app.extensions["fanzha"].ctx.registry()
    people = [*registry.duty, *(p for g in registry.grids for p in g.members)]
    inboxes = {p.wecom: {"user": p.wecom, "name": p.name, "items": []} for p in people}
    for call in world.fake.sent("message/send"):
        for user in call.body.get("touser", "").split("|"):
            if user in inboxes:
                inboxes[user]["items"].append(inbox_item(call.body, user, world.fake))
    groups: dict[str, list[str]] = {}
    for call in world.fake.sent("appchat/send"):
        groups.setdefault(call.body["chatid"], []).append(call.body["markdown"]["content"])
    minutes = round(world.clock.offset / 60)
    return jsonify(inboxes=[b for b in inboxes.values() if b["items"]], groups=groups, offset_minutes=minutes)


def inbox_item(body: dict, user: str, fake) -> dict:
    if body.get("msgtype") != "template_card":
        return {"type": "text", "text": body.get("text", {}).get("content", "")}
    card = body["template_card"]
    rows = [f"{r.get('keyname')}：{r.get('value')}" for r in card.get("horizontal_content_list", [])]
    return {"type": "card", "title": card["main_title"]["title"], "desc": card["main_title"].get("desc", ""),
            "text": card.get("sub_title_text", ""), "rows": rows, "task_id": card["task_id"],
            "buttons": [{"text": b["text"], "key": b["key"]} for b in card.get("button_list", [])],
            "label": fake.card_label(card["task_id"], user)}


@bp.post("/staffroom/act")
def act():
    """A staff member taps a card button or types a command: a genuine encrypted WeCom callback."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not data.get("user"):
        return jsonify(error="需要 user，以及 text 或 key"), 400
    server = wecom_server()
    user = str(data["user"])[:64]
    if data.get("key"):
        fields = server.card_click(user, str(data["key"])[:128], str(data.get("task_id") or "")[:128])
    else:
        fields = server.text(user, str(data.get("text") or "")[:500])
    delivery = server.deliver(fields)
    response = current_app.test_client().post(delivery.path_with_query, data=delivery.body)
    if response.status_code != 200:
        return jsonify(error=f"/wecom answered {response.status_code}"), 502
    return jsonify(reply=server.read_reply(response.get_data()).get("Content", ""))


@bp.post("/clock")
def move_clock():
    """Jump the bot's clock forward and let the worker act on whatever fell due."""
    world = local_world()
    if world is None:
        return jsonify(error="只有本地模式可以拨快时钟"), 404
    minutes = (request.get_json(silent=True) or {}).get("minutes")
    if not isinstance(minutes, (int, float)) or not 0 < minutes <= MAX_MINUTES:
        return jsonify(error=f"minutes 需要是 1 到 {MAX_MINUTES} 之间的数"), 400
    world.clock.advance(minutes * 60)
    counts = world.worker.run_once()
    return jsonify(offset_minutes=round(world.clock.offset / 60), worker=counts)
