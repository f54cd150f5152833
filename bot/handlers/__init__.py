"""The handlers, in the order they are tried. First match wins.

Every handler has the signature (msg, ctx) -> Reply and never touches Flask or Redis directly.
A route may also name a way to answer without any state (see `Route.speculate`): the scam check,
the common case, then costs one Redis round trip.
"""

from __future__ import annotations

from bot.handlers import degraded, events, fallback, help, informant, knowledge, media, scam_check, staff
from bot.menu import KEY_CHECK_HOWTO, KEY_HELP
from bot.messages import Incoming
from bot.router import Route


def is_event(name: str, *keys: str):
    def matches(msg: Incoming, ctx) -> bool:
        return msg.kind == "event" and msg.event == name and (not keys or msg.event_key in keys)

    return matches


ROUTES = [
    Route("welcome", is_event("subscribe"), events.welcome),
    Route("farewell", is_event("unsubscribe"), events.farewell),
    Route("menu_view", is_event("view"), events.menu_link_opened),
    Route("conversation", informant.in_conversation, informant.continue_conversation),
    Route("report_start", informant.wants_to_report, informant.start_report),
    Route("knowledge_list", knowledge.wants_list, knowledge.show_list),
    Route("knowledge_card", knowledge.wants_card, knowledge.show_card),
    Route("knowledge_detail", knowledge.wants_detail, knowledge.show_detail),
    Route("menu_help", is_event("click", KEY_HELP, KEY_CHECK_HOWTO), help.show_help),
    Route("menu_other", is_event("click"), help.show_help),
    Route("help", help.is_help_request, help.show_help),
    Route("greeting", help.is_greeting, help.greet),
    Route("bind", informant.is_bind, informant.bind),
    Route("home", informant.is_home, informant.save_home),
    Route("one_shot_report", informant.is_one_shot_report, informant.one_shot_report),
    Route("unreadable_media", media.is_unreadable, media.explain_unreadable),
    Route("empty_text", scam_check.is_empty_text, scam_check.ask_for_text),
    Route(
        "scam_check", scam_check.has_text_to_check, scam_check.check_message, scam_check.check_without_state
    ),
    Route("fallback", fallback.always, fallback.point_to_menu),
]

# While Redis is down (the router switches to this list): nothing here needs Redis.
DEGRADED_ROUTES = [
    Route("help", help.is_help_request, help.show_help),
    Route("greeting", help.is_greeting, help.greet),
    Route("knowledge_list", knowledge.wants_list, knowledge.show_list),
    Route("knowledge_card", knowledge.wants_card, knowledge.show_card),
    Route("knowledge_detail", knowledge.wants_detail, knowledge.show_detail),
    Route("bind_paused", informant.is_bind, degraded.bind_paused),
    Route("hold_report", informant.is_one_shot_report, degraded.hold_report),
    Route("unreadable_media", media.is_unreadable, media.explain_unreadable),
    Route("empty_text", scam_check.is_empty_text, scam_check.ask_for_text),
    Route("flow_paused", degraded.is_flow_answer, degraded.flow_paused),
    Route("check_offline", scam_check.has_text_to_check, degraded.check_offline),
    Route("fallback", fallback.always, fallback.point_to_menu),
]

# WeCom (the app and the group bot): grid staff and duty officers.
STAFF_ROUTES = [
    Route("staff_flow", staff.is_staff_flow, staff.continue_flow),
    Route("card_click", staff.is_card_click, staff.card_click),
    Route("staff_command", staff.is_command, staff.command),
    Route("staff_listing", staff.is_listing, staff.listing),
    Route("staff_help", staff.is_help, staff.show_help),
    Route("staff_unknown", fallback.always, staff.unknown),
]
