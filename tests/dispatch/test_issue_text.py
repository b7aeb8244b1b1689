"""Text from FPP and Switchgrid reaches repair issues as words: markdown and HTML escaped."""

from __future__ import annotations

import re

from homeassistant.helpers import issue_registry as ir

from custom_components.gridflex.const import DOMAIN
from custom_components.gridflex.issue_text import MAX_CHARS, link, plain

from .bodies import instruction
from .conftest import V2, Harness

HOSTILE = "[click](https://evil.example) <img src=x onerror=alert(1)> **now**\n# Title"


def test_plain_escapes_markdown_and_html_and_keeps_one_line() -> None:
    text = plain(HOSTILE)
    assert "\n" not in text
    # Every character that would start a link, tag, emphasis or heading is escaped.
    assert re.search(r"(?<!\\)[\[\]()<>*#]", text) is None
    assert text.startswith(r"\[click\]\(https://evil.example\) \<img")
    # Plain words stay as they are.
    assert plain("Le point n'est pas communicant") == "Le point n'est pas communicant"
    assert plain("MU-1001, MU-1002") == "MU-1001, MU-1002"
    assert len(plain("x" * 1000)) == MAX_CHARS


def test_link_keeps_web_urls_and_refuses_the_rest() -> None:
    assert link("https://switchgrid.example/sign/abc") == (
        "https://switchgrid.example/sign/abc"
    )
    assert link("https://x.example/a_(b)*") == "https://x.example/a_%28b%29%2A"
    assert link("javascript:alert(1)") == "-"
    assert link("not a url") == "-"


async def test_an_fpp_mu_id_is_escaped_in_the_unknown_units_issue(
    harness: Harness,
) -> None:
    units = [{"id": "[MU](https://evil.example)", "power_kw": 1}]
    resp = await harness.put(V2, instruction(id="x", meterable_units=units))
    assert resp.status == 422
    issue = ir.async_get(harness.hass).async_get_issue(
        DOMAIN, f"unknown_meterable_units_{harness.entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders["units"] == (
        r"\[MU\]\(https://evil.example\)"
    )
