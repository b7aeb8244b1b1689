"""
HA side of the market around dispatch.

Market Gateway accounts (``trading_flow``: opportunities, awards, baselines), and the FPP
account's settlement data and emergency stop (``settlement_flow``).

Independent of the other flows: it reads their configuration, never their internals, except
through ``dispatch.state``'s emergency-stop hooks (``end_control_now``, ``event_notes``).
"""
