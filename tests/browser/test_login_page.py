"""The login page in Chromium: Chinese text renders (fonts-noto-cjk), and logging in works."""

import io

import pytest
from PIL import Image, ImageChops, ImageStat

pytestmark = pytest.mark.browser


def test_login_page_renders_chinese(page, live_server, screenshot):
    page.goto(live_server.url + "/accounts/login/")

    text = page.inner_text("body")
    assert "登录" in text and "用户名" in text and "密码" in text
    assert page.title().startswith("登录")

    path = screenshot(page, "login-page")
    image = Image.open(path).convert("L")
    assert image.width == 1280
    extrema = image.getextrema()
    assert extrema[1] - extrema[0] > 100, "the screenshot is blank"
    assert ImageStat.Stat(image).stddev[0] > 10, "the screenshot is nearly uniform"


def test_chinese_characters_are_drawn_with_real_glyphs(page, live_server):
    """Without a CJK font, Chromium draws every character as the same empty box (tofu).

    Draw 登 and 录 in the page's own font and compare the pixels: real glyphs differ.
    """
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        """() => { for (const [id, ch] of [['glyph-a', '登'], ['glyph-b', '录']]) {
                 const s = document.createElement('span'); s.id = id; s.textContent = ch;
                 s.style.cssText = 'font-size:64px; display:inline-block; background:#fff; color:#000';
                 document.querySelector('h1').after(s); } }"""
    )

    first = Image.open(io.BytesIO(page.locator("#glyph-a").screenshot())).convert("L")
    second = Image.open(io.BytesIO(page.locator("#glyph-b").screenshot())).convert("L")

    assert ImageStat.Stat(first).stddev[0] > 10, "登 drew nothing"
    assert first.size == second.size
    assert ImageChops.difference(first, second).getbbox() is not None, "登 and 录 look the same: no CJK font"


def test_login_form_logs_in(page, login, accountant):
    login(page, "accountant", "pw-Accountant-1")

    assert "/accounts/login/" not in page.url
    assert "accountant" in page.inner_text("header")
