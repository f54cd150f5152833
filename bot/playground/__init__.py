"""The playground: a phone-like chat page where a newcomer plays a resident.

Its server side plays WeChat: it builds genuine signed (and, with a key, encrypted) XML, sends it
through the very same `/wechat` view, and shows the decrypted passive reply. Only registered in
local mode (or with PLAYGROUND=1): it can sign messages, so it must never face the internet.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from bot.menu import OFFICIAL_MENU
from bot.playground.wxclient import WeChatServer
from bot.scripts.invite import new_code

bp = Blueprint(
    "playground",
    __name__,
    url_prefix="/playground",
    template_folder="templates",
    static_folder="static",
)

MAX_INPUT_CHARS = 4000
USER_PREFIX = "play_"


def wechat_server() -> WeChatServer:
    config = current_app.extensions["fanzha"].config
    return WeChatServer(
        token=config.wechat_token,
        app_id=config.wechat_app_id,
        aes_key=config.wechat_aes_key,
        clock=current_app.extensions["fanzha"].ctx.clock,
    )


@bp.get("")
@bp.get("/")
def page():
    services = current_app.extensions["fanzha"]
    registry = services.ctx.registry()
    return render_template(
        "playground.html", menu=OFFICIAL_MENU, encrypted=services.config.aes_enabled,
        buildings=registry.buildings, staff=staff_list(registry),
    )


def staff_list(registry) -> list[dict]:
    people = [{"wecom": p.wecom, "name": p.name, "role": "值班员"} for p in registry.duty]
    for grid in registry.grids:
        people += [{"wecom": p.wecom, "name": p.name, "role": grid.name} for p in grid.members]
    return people


@bp.post("/invite")
def invite():
    """What a grid leader does with `python -m bot.scripts.invite`: a one-time code for a building."""
    services = current_app.extensions["fanzha"]
    building = str((request.get_json(silent=True) or {}).get("building") or "")
    if building not in services.ctx.registry().buildings:
        return jsonify(error="没有这个楼栋"), 400
    code = new_code()
    while not services.ctx.state.create_invite(code, building, 7 * 86400):
        code = new_code()
    return jsonify(code=code, building=building)


@bp.get("/inbox")
def inbox():
    """What each staff member would receive: the outbox, grouped by recipient."""
    services = current_app.extensions["fanzha"]
    registry = services.ctx.registry()
    boxes: dict[str, dict] = {}
    for entry in services.ctx.state.outbox():
        person = registry.person(entry["recipient"])
        name = person.name if person else entry["recipient"]
        box = boxes.setdefault(
            entry["recipient"],
            {"recipient": entry["recipient"], "name": name, "channel": entry["channel"], "messages": []},
        )
        box["messages"].append(entry["content"])
    return jsonify(inboxes=list(boxes.values()))


@bp.post("/send")
def send():
    """Play one message or event as WeChat would deliver it; answer with the reply shown."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="请求格式不对：需要 JSON 对象"), 400
    server = wechat_server()
    try:
        fields = build_fields(server, data)
    except ValueError as exc:
        return jsonify(error=str(exc)), 400
    delivery = server.deliver(fields)
    response = current_app.test_client().post(
        delivery.path_with_query, data=delivery.body, content_type="text/xml"
    )
    if response.status_code != 200:
        return jsonify(error=f"webhook answered {response.status_code}"), 502
    reply = server.read_reply(response.get_data())
    return jsonify(
        reply=reply.get("Content", ""),
        encrypted="encrypt_type" in delivery.query,
        request_xml=delivery.body.decode("utf-8")[:3000],
    )


def build_fields(server: WeChatServer, data: dict) -> dict:
    user = USER_PREFIX + str(data.get("user") or "resident")[:32]
    kind = str(data.get("kind") or "text")
    text = str(data.get("text") or "")[:MAX_INPUT_CHARS]
    if kind == "text":
        return server.text(user, text)
    if kind == "link":
        return server.fields(
            user,
            "link",
            Title=text[:200],
            Description=str(data.get("description") or ""),
            Url=str(data.get("url") or ""),
        )
    if kind == "voice":
        return server.fields(user, "voice", MediaId="play_media", Format="amr", Recognition=text)
    if kind in ("image", "video", "file", "location"):
        return server.fields(user, kind, MediaId="play_media")
    if kind == "event":
        return server.event(user, str(data.get("event") or "subscribe"), str(data.get("key") or ""))
    raise ValueError(f"不认识的消息类型：{kind[:20]}")


from bot.playground import staffroom  # noqa: E402,F401 - registers the staff routes on bp
