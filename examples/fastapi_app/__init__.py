"""A FastAPI app protected by aioauthing: ``uvicorn examples.fastapi_app.app:app``."""
