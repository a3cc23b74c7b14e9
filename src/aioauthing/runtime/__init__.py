"""The hand-written runtime behind the generated API classes.

Modules are small and single-purpose (transport in :mod:`.core`, retries in :mod:`.retry`,
pacing in :mod:`.ratelimit`, tokens in :mod:`.tokens`, ...). Nothing is imported eagerly here so
that ``import aioauthing`` stays cheap.
"""
