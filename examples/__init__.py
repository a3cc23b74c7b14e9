"""Example web apps protected by aioauthing (run against Authing or the local emulator)."""
