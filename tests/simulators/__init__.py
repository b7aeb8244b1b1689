"""Contract simulators: real aiohttp servers on 127.0.0.1 that implement our API contracts."""
