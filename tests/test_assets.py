"""Package assets: brand images and the quality scale file."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
import pytest
import yaml

PACKAGE = Path(__file__).parent.parent / "custom_components" / "gridflex"

# Every rule of Home Assistant's Integration Quality Scale, bronze to platinum.
QUALITY_SCALE_RULES = {
    "action-setup", "appropriate-polling", "brands", "common-modules", "config-flow",
    "config-flow-test-coverage", "dependency-transparency", "docs-actions", "docs-conditions",
    "docs-high-level-description", "docs-installation-instructions", "docs-removal-instructions",
    "docs-triggers", "entity-event-setup", "entity-unique-id", "has-entity-name", "runtime-data",
    "test-before-configure", "test-before-setup", "unique-config-entry",
    "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
    "docs-installation-parameters", "entity-unavailable", "integration-owner",
    "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    "devices", "diagnostics", "discovery", "discovery-update-info", "docs-data-update",
    "docs-examples", "docs-known-limitations", "docs-supported-devices", "docs-supported-functions",
    "docs-troubleshooting", "docs-use-cases", "dynamic-devices", "entity-category",
    "entity-device-class", "entity-disabled-by-default", "entity-translations",
    "exception-translations", "icon-translations", "reconfiguration-flow", "repair-issues",
    "stale-devices",
    "async-dependency", "inject-websession", "strict-typing",
}  # fmt: skip


@pytest.mark.parametrize(("name", "size"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_brand_icons_are_square_pngs_of_the_right_size(name: str, size: int) -> None:
    with Image.open(PACKAGE / "brand" / name) as image:
        assert image.format == "PNG"
        assert image.size == (size, size)


def test_quality_scale_lists_every_rule_with_a_status_and_a_reason() -> None:
    rules = yaml.safe_load((PACKAGE / "quality_scale.yaml").read_text())["rules"]
    assert set(rules) == QUALITY_SCALE_RULES
    for name, rule in rules.items():
        assert rule["status"] in {"done", "todo", "exempt"}, name
        assert rule["comment"].strip(), name
