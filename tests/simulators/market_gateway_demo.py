"""The demo's Market Gateway: the demo FPP account's MUs, a few opportunities, one award, baselines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .market_gateway import UK, MarketGatewaySimulator, uk_clock


def demo_market_gateway(now: dt.datetime | None = None) -> MarketGatewaySimulator:
    """Return a Market Gateway whose MUs match the demo FPP account, with opportunities and one award."""
    now = now or dt.datetime.now(dt.UTC)
    today = now.astimezone(UK).date()
    sim = MarketGatewaySimulator()
    sim.meterable_units = [
        {
            "meterableUnitId": "MU-1001",
            "name": "Heat pump",
            "status": "ACTIVE",
            "products": ["OU_15", "SU_LV_PM2"],
            "meteringGranularity": "MINUTE",
            "cmzCode": "CMZ_T10A_EM_0097",
            "maxImportKw": 5.0,
            "maxExportKw": 5.0,
        },
        {
            "meterableUnitId": "MU-1002",
            "name": "EV charger",
            "status": "ACTIVE",
            "products": ["SAOU_DA"],
            "meteringGranularity": "HALF_HOURLY",
            "cmzCode": "CMZ_T10A_EM_0097",
            "maxImportKw": 7.4,
        },
    ]
    for mu, base in (("MU-1001", -0.8), ("MU-1002", -1.5)):
        sim.baselines[mu] = [
            {
                "dayOfWeek": day,
                "localTime": f"{h:02d}:{m:02d}",
                "powerKw": round(base - (0.6 if 16 <= h < 20 else 0), 3),
            }
            for day in (
                "MONDAY",
                "TUESDAY",
                "WEDNESDAY",
                "THURSDAY",
                "FRIDAY",
                "SATURDAY",
                "SUNDAY",
            )
            for h in range(24)
            for m in (0, 30)
        ]

    def period(days: int, start: str, end: str, mw: float = 0.005) -> dict[str, Any]:
        return {
            "minRequiredCapacityMw": mw,
            "startDate": (today + dt.timedelta(days=days)).isoformat(),
            "startTime": start,
            "endTime": end,
        }

    sim.opportunities = [
        {
            "opportunityId": "OPP-2001",
            "opportunityName": "Bath evening peak, week ahead",
            "cmzCode": "CMZ_T10A_EM_0097",
            "serviceResponseDirection": "DTU",
            "product": "SU_LV_PM2",
            "utilisationCeilingPrice": 600.0,
            "tradeClosingDate": uk_clock(now + dt.timedelta(days=1, hours=2)),
            "windows": [
                {
                    "windowId": "W1",
                    "deliveryPeriods": [
                        period(3, "16:00", "19:00"),
                        period(4, "16:00", "19:00"),
                    ],
                }
            ],
        },
        {
            "opportunityId": "OPP-2002",
            "opportunityName": "Bath day ahead",
            "cmzCode": "CMZ_T10A_EM_0097",
            "serviceResponseDirection": "DTU",
            "product": "SAOU_DA",
            "utilisationCeilingPrice": 450.0,
            "availabilityCeilingPrice": 12.5,
            "tradeClosingDate": uk_clock(now + dt.timedelta(hours=5)),
            "windows": [
                {"windowId": "W1", "deliveryPeriods": [period(1, "17:00", "18:30")]}
            ],
        },
        {
            "opportunityId": "OPP-1999",
            "opportunityName": "Bath evening peak, day ahead",
            "cmzCode": "CMZ_T10A_EM_0097",
            "serviceResponseDirection": "DTU",
            "product": "SU_LV_PM2",
            "utilisationCeilingPrice": 550.0,
            "tradeClosingDate": uk_clock(now - dt.timedelta(days=2)),
            "windows": [
                {"windowId": "W1", "deliveryPeriods": [period(1, "16:30", "18:00")]}
            ],
        },
    ]
    sim.awards = [
        {
            "tradeAwardId": "AW-3001",
            "opportunityId": "OPP-1999",
            "tradeResponseId": "TR-0999",
            "meterableUnitId": "MU-1001",
            "cmzCode": "CMZ_T10A_EM_0097",
            "product": "SU_LV_PM2",
            "awardedCapacityMw": 0.004,
            "availabilityPrice": 0.0,
            "utilisationPrice": 480.0,
            "windows": [
                {"windowId": "W1", "deliveryPeriods": [period(1, "16:30", "18:00")]}
            ],
        }
    ]
    return sim
