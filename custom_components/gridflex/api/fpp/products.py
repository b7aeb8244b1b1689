"""
FPP product codes and the Market Gateway codes behind them (DSO API guidance, section 4.1).

Products are open strings: an unknown code is kept and shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Product:
    """What the reference table says of one FPP product code."""

    code: str
    name: str
    market_gateway_codes: tuple[str, ...]


KNOWN_PRODUCTS: dict[str, Product] = {
    product.code: product
    for product in (
        Product(
            "saou_da",
            "Scheduled Availability, Operational Utilisation – Day Ahead",
            ("SAOU_DA", "SAOU_DA_DTUGTD"),
        ),
        Product(
            "su",
            "Scheduled Utilisation",
            ("SU_HV", "SU_LV_AM1", "SU_LV_AM2", "SU_LV_PM1", "SU_LV_PM2"),
        ),
        Product("ou_15", "Operational Utilisation – 15-minute instruction", ("OU_15",)),
        Product("dynamic", "Dynamic (legacy)", ("DYNAM",)),
        Product("secure", "Secure (legacy)", ("SECUR",)),
        Product("restore", "Restore (legacy)", ("RESTR",)),
        Product("sustain", "Sustain (legacy)", ("SUSAM", "SUSPM")),
        Product(
            "su_sep",
            "Scheduled Utilisation – Settlement Periods (legacy)",
            ("SU_SEP", "SU_SEP_DTU/GTD"),
        ),
        Product(
            "su_spp",
            "Scheduled Utilisation – Specific Periods (legacy)",
            ("SU_SPP_AM", "SU_SPP_PM"),
        ),
    )
}


def describe_product(code: str) -> Product:
    """Return the known description of a product code, or one that only repeats the code."""
    return KNOWN_PRODUCTS.get(code, Product(code, code, ()))


# Market Gateway product codes (used by the Connected Data Portal too) and their names as the
# DSO's API guidance writes them (section 4.1).
MARKET_GATEWAY_PRODUCT_NAMES: dict[str, str] = {
    "SAOU_DA": "Scheduled Availability, Operational Utilisation – Day Ahead Notice",
    "SAOU_DA_DTUGTD": "Scheduled Availability, Operational Utilisation – Day Ahead Notice – DTU/GTD",
    "SU_HV": "Scheduled Utilisation – HV",
    "SU_LV_AM1": "Scheduled Utilisation – LV Night",
    "SU_LV_AM2": "Scheduled Utilisation – LV Morning",
    "SU_LV_PM1": "Scheduled Utilisation – LV Afternoon",
    "SU_LV_PM2": "Scheduled Utilisation – LV Evening",
    "OU_15": "Operational Utilisation – 15min Instruction",
    "DYNAM": "Dynamic",
    "SECUR": "Secure",
    "RESTR": "Restore",
    "SUSAM": "Sustain AM",
    "SUSPM": "Sustain PM",
    "SU_SEP": "Scheduled Utilisation – Settlement Periods",
    "SU_SEP_DTU/GTD": "Scheduled Utilisation – Settlement Periods – DTU/GTD",
    "SU_SPP_AM": "Scheduled Utilisation – Specific Periods – AM",
    "SU_SPP_PM": "Scheduled Utilisation – Specific Periods – PM",
}


def market_gateway_product_name(code: str) -> str:
    """Return the name people use for a Market Gateway product code (the code when unknown)."""
    return MARKET_GATEWAY_PRODUCT_NAMES.get(code.strip().upper(), code.strip())
