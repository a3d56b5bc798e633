"""Read press releases (.txt/.html) and print what the intake finds in them. Writes nothing to the database.

    manage.py intake_extract [--json] PATH...

With --json: a JSON list, one object per file in the order given:
{"file", "title", "published", "organisations": [{"name", "kind", "registry_id", "mentions": [[start, end], …]}],
 "people": [{"name", "role"}], "sites": [{"name", "registry_id"}],
 "facts": [{"kind", "subject", "value", "unit", "qualifier", "year", "quote", "start", "end", "confidence"}]}
Offsets are into the cleaned text of the release.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.utils import DatabaseError

from mosprom.core.errors import Refused
from mosprom.core.progress import bar, command_stream
from mosprom.intake.nlp.linking import Linker
from mosprom.intake.nlp.pipeline import extract
from mosprom.intake.rules import decode_upload


class Command(BaseCommand):
    help = "Extract organisations, people, sites and facts from press releases (writes nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true", help="print a JSON list, one object per file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            linker = Linker.from_registry()
        except DatabaseError:
            linker = Linker()  # no database yet: extraction works without linking
        results = []
        # a progress bar on a terminal (the models take a while per file), nothing when piped
        for path in bar(options["paths"], desc="extract", unit="release", stream=command_stream(self)):
            file = Path(path)
            try:
                data = file.read_bytes()
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror or exc}") from exc
            try:
                text = decode_upload(data)
            except Refused as exc:
                raise CommandError(f"{path}: {exc.message}") from exc
            results.append(extract(text, linker=linker).as_json(path))
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
            return
        for r in results:
            self.stdout.write(self.style.MIGRATE_HEADING(f"{r['file']}: {r['title']} ({r['published'] or '—'})"))
            for o in r["organisations"]:
                link = f"#{o['registry_id']}" if o["registry_id"] else "new"
                self.stdout.write(f"  organisation  {o['name']} [{o['kind']}, {link}] ×{len(o['mentions'])}")
            for p in r["people"]:
                self.stdout.write(f"  person        {p['name']}" + (f" — {p['role']}" if p["role"] else ""))
            for s in r["sites"]:
                link = f"#{s['registry_id']}" if s["registry_id"] else "new"
                self.stdout.write(f"  site          {s['name']} [{link}]")
            for f in r["facts"]:
                value = "" if f["value"] is None else f"{f['qualifier']} {f['value']} {f['unit'] or ''}".strip()
                year = f" ({f['year']})" if f["year"] else ""
                self.stdout.write(f"  fact          {f['kind']}: {f['subject']} {value}{year}")
