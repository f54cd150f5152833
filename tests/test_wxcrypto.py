"""The envelope code on its own: our XML reader refuses every DTD and reads fields as ElementTree
would; our AES opens what the protocol client seals and seals what it opens."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.wxcrypto import AesKey, BadMessage, decrypt_with_any, parse_xml
from bot.playground.wxclient import Sealer, message_xml
from tests.conftest import AES_KEY, APP_ID


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE xml><xml><Content>x</Content></xml>",  # even a harmless one
        b'<!DOCTYPE xml [<!ENTITY a "b">]><xml><Content>&a;</Content></xml>',
        b'<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><Content>x</Content></xml>',
        b'<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1/x.dtd"> %p;]><xml/>',
    ],
)
def test_any_dtd_is_refused(body):
    with pytest.raises(BadMessage, match="DTDForbidden"):
        parse_xml(body)


@pytest.mark.parametrize(
    "body",
    [
        b"<xml><Content>&undefined;</Content></xml>",
        b"<xml><Content><b>x</b></Content></xml>",  # nested
        b"<xml><Content>x</Content><Content>y</Content></xml>",  # repeated
        b"<message><Content>x</Content></message>",  # wrong root
        b'<xml xmlns="urn:x"><Content>x</Content></xml>',  # a namespaced root is not <xml>
        b"<xml>" + b"".join(b"<F%d>1</F%d>" % (i, i) for i in range(65)) + b"</xml>",  # too many fields
        b"<xml><Content>x</Content>",  # truncated
    ],
)
def test_unexpected_shapes_are_refused(body):
    with pytest.raises(BadMessage):
        parse_xml(body)


def test_fields_read_as_elementtree_reads_them():
    body = "<xml>\n <A><![CDATA[ 你好 ]]> &amp; &#20013;<!-- note --> </A><B/><C>2</C>tail</xml>".encode()
    assert parse_xml(body) == {"A": "你好  & 中", "B": "", "C": "2"}


NAMES = st.sampled_from(["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(NAMES, st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]))))
def test_any_flat_message_reads_like_elementtree(fields):
    body = message_xml(fields).encode()
    expected = {child.tag: (child.text or "").strip() for child in ET.fromstring(body)}
    assert parse_xml(body) == expected


def test_aes_agrees_with_the_protocol_client():
    key, client = AesKey(AES_KEY, APP_ID), Sealer(AES_KEY, APP_ID)
    for text in ("", "<xml/>", "中文" * 500, "x" * 32):
        assert decrypt_with_any([key], client.seal(text)) == (text, key)
        assert client.open(key.encrypt(text)) == text


def test_a_message_for_another_app_is_refused():
    with pytest.raises(BadMessage):
        decrypt_with_any([AesKey(AES_KEY, APP_ID)], Sealer(AES_KEY, "wxsomeoneelse").seal("<xml/>"))
