"""Translation files: English mirrors strings.json, French covers exactly the same keys."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

PACKAGE = Path(__file__).parent.parent / "custom_components" / "gridflex"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def load(relative: str) -> dict[str, Any]:
    return json.loads((PACKAGE / relative).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def leaves(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat |= leaves(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def test_english_translation_is_strings_json() -> None:
    assert load("translations/en.json") == load("strings.json")


def test_french_has_exactly_the_same_keys_and_placeholders() -> None:
    english = leaves(load("strings.json"))
    french = leaves(load("translations/fr.json"))
    assert set(french) == set(english)
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(french[key])) == set(
            PLACEHOLDER.findall(text)
        ), key
        assert french[key].strip(), key


def test_icons_json_is_valid_json_object() -> None:
    icons = load("icons.json")
    assert isinstance(icons, dict)
    for section in icons.values():
        assert isinstance(section, dict)
