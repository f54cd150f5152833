"""The playground in a real browser: a resident checks a message, an informant files a report."""

from __future__ import annotations

import pytest

from bot import create_app
from tests.browser import LiveServer, screenshot


@pytest.fixture
def live(redis_url, community_id):
    app = create_app({"redis_url": redis_url, "community_id": community_id})
    with LiveServer(app) as server:
        yield server


def say(page, text: str) -> None:
    count = page.locator("#chat li.bot").count()
    page.fill("#text", text)
    page.click("#composer button[type=submit]")
    page.locator("#chat li.bot").nth(count).wait_for(timeout=10_000)


@pytest.mark.parametrize("width,height,name", [(1280, 900, "wide"), (390, 844, "phone")])
def test_resident_and_informant_in_the_browser(browser, live, width, height, name):
    page = browser.new_page(viewport={"width": width, "height": height})
    requests_seen: list[str] = []
    page.on("request", lambda request: requests_seen.append(request.url))
    page.goto(live.url + "/playground")
    say(page, "【兼职】在家动动手指点赞关注，一单一结，日赚300，先垫付后返佣，加微信详聊")
    assert "诈骗" in page.locator("#chat li.bot").last.inner_text()

    page.select_option("#role", "informant")
    page.select_option("#building", "3栋")
    page.click("#invite")
    page.wait_for_function("document.querySelector('#text').value.startsWith('绑定')")
    page.click("#composer button[type=submit]")
    page.wait_for_function("document.querySelector('#chat').innerText.includes('绑定成功')")
    say(page, "3栋2单元502 王阿姨 情绪很焦虑 说要去银行给公安转账")
    assert "高风险" in page.locator("#chat li.bot").last.inner_text()
    say(page, "确认")
    assert "报告编号 R" in page.locator("#chat li.bot").last.inner_text()
    page.locator("#inbox .box").first.wait_for(timeout=10_000)
    assert "张三" in page.locator("#inbox").inner_text()
    screenshot(page, f"playground-{name}")
    assert all(url.startswith(live.url) for url in requests_seen), "a page loaded something from outside"
