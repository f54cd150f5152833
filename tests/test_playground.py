"""The playground and the terminal chat go through the same signed, encrypted /wechat path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import create_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def local_app(redis_url, community_id):
    """Local mode: no WeChat settings given, so credentials are made up and the playground is on."""
    return create_app({"redis_url": redis_url, "community_id": community_id})


def send(client, **payload):
    return client.post("/playground/send", json=payload)


def test_local_mode_makes_up_credentials_and_serves_the_page(local_app):
    config = local_app.extensions["fanzha"].config
    assert config.local_mode and config.wechat_token and len(config.wechat_aes_key) == 43
    page = local_app.test_client().get("/playground")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "反诈哨兵" in html and "安全模式" in html
    assert "http://" not in html and "https://" not in html  # nothing loaded from outside


def test_playground_message_is_really_signed_and_encrypted(local_app):
    response = send(local_app.test_client(), text="帮助", user="p1")
    body = response.get_json()
    assert response.status_code == 200 and body["encrypted"] is True
    assert "<Encrypt>" in body["request_xml"] and "帮助" not in body["request_xml"]
    assert "反诈哨兵" in body["reply"]


def test_playground_scam_check_and_events(local_app):
    client = local_app.test_client()
    reply = send(client, text="您的账户涉嫌洗钱，请立即转入安全账户配合调查，不要告诉家人").get_json()[
        "reply"
    ]
    assert "诈骗" in reply
    assert "欢迎" in send(client, kind="event", event="subscribe").get_json()["reply"]
    assert "反诈哨兵" in send(client, kind="event", event="CLICK", key="HELP").get_json()["reply"]
    assert "图片" in send(client, kind="image").get_json()["reply"]


@pytest.mark.parametrize("payload", [None, [], {"kind": "telepathy", "text": "x"}])
def test_playground_bad_input_gets_a_clear_error(local_app, payload):
    response = local_app.test_client().post("/playground/send", json=payload)
    assert response.status_code == 400 and response.get_json()["error"]


def test_terminal_chat_reads_piped_lines(redis_url, community_id):
    env = {"REDIS_URL": redis_url, "COMMUNITY_ID": community_id, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.scripts.chat"],
        input="帮助\n\n您的账户涉嫌洗钱，请转入安全账户\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "反诈哨兵" in result.stdout and "诈骗" in result.stdout


def test_health_is_503_when_configured_redis_is_down(community_id):
    from bot.scripts.redis_server import free_port

    app = create_app({"redis_url": f"redis://127.0.0.1:{free_port()}/0", "community_id": community_id})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["redis"]["ok"] is False


def test_health_ok_on_real_redis(app):
    body = app.test_client().get("/healthz").get_json()
    assert body["redis"]["ok"] is True and body["status"] == "ok"
