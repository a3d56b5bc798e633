from typing import Any


def home_figures() -> dict[str, Any]:
    return {}
