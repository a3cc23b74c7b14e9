"""An aiohttp app protected by aioauthing: ``python -m aiohttp.web -P 8080 examples.aiohttp_app.app:create_app``."""
