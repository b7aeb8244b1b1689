"""What the demo sets up: its Home Assistant configuration and the GridFlex accounts it adds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FPP_TOKEN = "fpp-token"  # noqa: S105 - the simulators' default tokens
SWITCHGRID_TOKEN = "switchgrid-token"  # noqa: S105
MG_TOKEN = "mg-token"  # noqa: S105
CDP_TOKEN = "cdp-token"  # noqa: S105
CDP_ZONE = "CMZ_T7B_SWA_0012"  # Ashgrove (HV), South Wales, in the CDP simulator
ONBOARDING_STORAGE_VERSION = 4  # homeassistant/components/onboarding, HA 2026.2
SWITCHGRID_EVENTS_PATH = "/api/homeassistant/events"  # tests/simulators/switchgrid.py
GAS_PCE = "02142764108000"  # leading zero on purpose: it must survive

HEAT_PUMP_POWER = "sensor.demo_heat_pump_power"
HEAT_PUMP_ENERGY = "sensor.demo_heat_pump_energy"
EV_CHARGER_POWER = "sensor.demo_ev_charger_power"
EV_CHARGER_ENERGY = "sensor.demo_ev_charger_energy"
HEAT_PUMP_SWITCH = "input_boolean.demo_heat_pump"
EV_CHARGER_SWITCH = "input_boolean.demo_ev_charger"
DEMO_SENSORS = (HEAT_PUMP_POWER, HEAT_PUMP_ENERGY, EV_CHARGER_POWER, EV_CHARGER_ENERGY)
DEMO_SWITCHES = (HEAT_PUMP_SWITCH, EV_CHARGER_SWITCH)

# Power in kW, import positive. The heat pump swings over ten minutes; the EV charger charges
# for the first 20 minutes of every half-hour. Either drops to standby when its switch is off,
# so a dispatch that turns them off shows in the readings.
HEAT_PUMP_KW = (
    "{% set t = now().timestamp() %}"
    "{% if is_state('input_boolean.demo_heat_pump', 'off') %}0.05{% else %}"
    "{{ (2.2 + 1.0 * sin(t / 600 * 2 * pi) + 0.15 * sin(t / 37)) | round(3) }}{% endif %}"
)
EV_CHARGER_KW = (
    "{% set t = now().timestamp() %}"
    "{% if is_state('input_boolean.demo_ev_charger', 'off') or now().minute % 30 >= 20 %}0.0"
    "{% else %}{{ (7.2 + 0.1 * sin(t / 23)) | round(3) }}{% endif %}"
)


def configuration_yaml(host: str, port: int) -> str:
    """A small real configuration: the UI, history and energy, and the demo's sensors."""
    return f"""\
# Written by scripts/demo on every start; edit scripts/demo_config.py instead.
homeassistant:
  name: GridFlex demo
  unit_system: metric
  time_zone: Europe/London
  currency: GBP
  country: GB
  latitude: 51.381
  longitude: -2.359
  elevation: 20
  internal_url: "http://{host}:{port}"

http:
  server_host: "{host}"
  server_port: {port}

frontend:
config:
api:
history:
logbook:
energy:
recorder:
  purge_keep_days: 14
sun:
webhook:

logger:
  default: warning
  logs:
    custom_components.gridflex: debug
    homeassistant.setup: info

input_boolean:
  demo_heat_pump:
    name: Demo heat pump
    icon: mdi:heat-pump
  demo_ev_charger:
    name: Demo EV charger
    icon: mdi:ev-station

template:
  - triggers:
      - trigger: time_pattern
        seconds: "/10"
      - trigger: homeassistant
        event: start
      - trigger: state
        entity_id:
          - {HEAT_PUMP_SWITCH}
          - {EV_CHARGER_SWITCH}
    sensor:
      - name: Demo heat pump power
        unique_id: gridflex_demo_heat_pump_power
        unit_of_measurement: kW
        device_class: power
        state_class: measurement
        state: "{HEAT_PUMP_KW}"
      - name: Demo EV charger power
        unique_id: gridflex_demo_ev_charger_power
        unit_of_measurement: kW
        device_class: power
        state_class: measurement
        state: "{EV_CHARGER_KW}"

sensor:
  - platform: integration
    name: Demo heat pump energy
    unique_id: gridflex_demo_heat_pump_energy
    source: {HEAT_PUMP_POWER}
    method: left
    round: 4
    max_sub_interval:
      minutes: 1
  - platform: integration
    name: Demo EV charger energy
    unique_id: gridflex_demo_ev_charger_energy
    source: {EV_CHARGER_POWER}
    method: left
    round: 4
    max_sub_interval:
      minutes: 1
"""


def _mark_location_step_done(config_dir: Path) -> None:
    """
    Mark onboarding's location step done before the first start.

    configuration.yaml already sets what that step asks for, and finishing it through the API
    starts flows for integrations this demo does not install (met, radio_browser, ...), which
    only fill the log with errors. The other steps are done through the onboarding API.
    """
    storage = config_dir / ".storage"
    onboarding = storage / "onboarding"
    if onboarding.exists():
        return
    storage.mkdir(parents=True, exist_ok=True)
    onboarding.write_text(
        json.dumps(
            {
                "version": ONBOARDING_STORAGE_VERSION,
                "minor_version": 1,
                "key": "onboarding",
                "data": {"done": ["core_config"]},
            }
        )
    )


def write_config(config_dir: Path, repo: Path, host: str, port: int) -> None:
    """Write configuration.yaml and link GridFlex into custom_components (live: edits show on restart)."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(configuration_yaml(host, port))
    _mark_location_step_done(config_dir)
    custom = config_dir / "custom_components"
    custom.mkdir(exist_ok=True)
    link = custom / "gridflex"
    target = repo / "custom_components" / "gridflex"
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink():
        link.unlink()
    link.symlink_to(target.resolve(), target_is_directory=True)


def fpp_account_answers(fpp_url: str) -> dict[str, Any]:
    """The FPP account flow, step by step."""
    return {
        "user": "fpp",
        "fpp": {"account_id": "demo-site", "api_token": FPP_TOKEN, "base_url": fpp_url},
        "fpp_endpoint": {},
        "fpp_endpoint_private": {},  # the demo listens on 127.0.0.1: FPP could not reach it
    }


def meterable_units() -> list[dict[str, Any]]:
    """Two Meterable Units bound to the demo sensors and switches."""
    return [
        {
            "mu_id": "MU-1001",
            "products": ["ou_15", "su"],
            "power_sensor": HEAT_PUMP_POWER,
            "energy_sensor": HEAT_PUMP_ENERGY,
            "granularity": "minute",
            "import_positive": True,
            "controlled_entities": [HEAT_PUMP_SWITCH],
            "control_action": "turn_off",
        },
        {
            "mu_id": "MU-1002",
            "products": ["saou_da"],
            "power_sensor": EV_CHARGER_POWER,
            "energy_sensor": EV_CHARGER_ENERGY,
            "granularity": "half_hourly",
            "import_positive": True,
            "controlled_entities": [EV_CHARGER_SWITCH],
            "control_action": "turn_off",
        },
    ]


def market_gateway_account_answers(mg_url: str) -> dict[str, Any]:
    """The Market Gateway account flow (its MUs match the FPP account's)."""
    return {
        "user": "market_gateway",
        "market_gateway": {
            "account_id": "demo-site",
            "api_token": MG_TOKEN,
            "test_mode": True,
            "base_url": mg_url,
        },
    }


def switchgrid_account_answers(switchgrid_url: str) -> dict[str, Any]:
    """The Switchgrid account flow, in test mode."""
    return {
        "user": "switchgrid",
        "switchgrid": {
            "account_id": "demo",
            "api_token": SWITCHGRID_TOKEN,
            "test_mode": True,
            "base_url": switchgrid_url,
            # The simulator serves the demand-response feed too (the real one has its own host).
            "events_url": f"{switchgrid_url}{SWITCHGRID_EVENTS_PATH}",
        },
    }


def cdp_account_answers(cdp_url: str) -> dict[str, Any]:
    """The Connected Data Portal account flow, with a token (the simulator's)."""
    return {"user": "cdp", "cdp": {"api_token": CDP_TOKEN, "base_url": cdp_url}}


def flexibility_zone_answers() -> dict[str, Any]:
    """One zone found from a Swansea postcode: keep its HV zone only."""
    return {
        "user": "postcode",
        "postcode": {"postcode": "SA1 1AA"},
        "choose_zones": {"zones": [CDP_ZONE]},
    }


def gas_point_answers() -> dict[str, Any]:
    """One GRDF gas delivery point (the consent step, when the flow has one, keeps its default)."""
    return {
        "user": "gas",
        "gas": {
            "pce": GAS_PCE,
            "holder_name": "Jean Dupont",
            "street": "17 avenue Charles de Gaulle",
            "postcode": "75007",
            "city": "Paris",
        },
    }


def energy_preferences() -> dict[str, Any]:
    """Energy dashboard: the GRDF gas statistics GridFlex imports, and the two demo devices."""
    return {
        "energy_sources": [
            {
                "type": "gas",
                "stat_energy_from": f"gridflex:grdf_{GAS_PCE}_energy",
                "stat_cost": None,
                "entity_energy_price": None,
                "number_energy_price": None,
            }
        ],
        "device_consumption": [
            {"stat_consumption": HEAT_PUMP_ENERGY},
            {"stat_consumption": EV_CHARGER_ENERGY},
        ],
    }
