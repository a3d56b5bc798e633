"""The tours' search columns (`search_title`, `search_text`) built with `core.search.document`.

A tour's column carries its host's names and the host's parent corporation's names, so «росатом» finds the tours of
its subsidiary «Рэнера». `tour_columns` takes any object with the tour's attributes (the data migration uses it on
historical models).
"""

from __future__ import annotations

from typing import Any

from mosprom.core.search import document
from mosprom.registry.search import organisation_names


def tour_columns(tour: Any) -> tuple[str, str]:
    host = tour.host if tour.host_id else None
    parent = host.parent if host is not None and host.parent_id else None
    format_name = tour.format.name if tour.format_id else ""
    return document([tour.title]), document(
        [
            tour.title,
            tour.description,
            *organisation_names(host),
            *organisation_names(parent),
            format_name,
            tour.address,
        ]
    )
