"""
Pure asyncio clients, models and parsers for the services GridFlex talks to.

Nothing under this package imports Home Assistant: each client takes an injected
``aiohttp.ClientSession`` and raises the typed errors of :mod:`.errors`.
"""
