"""The work queue counts in words Russian declines: «2 просрочки», «1 рабочее место» (it said «1 просрочено» and
«1 раб. мест»), and on a phone its rows are stacked with a label before each value."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import time_machine
from django.urls import reverse
from django.utils import timezone

from mosprom.companies import services


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def _count_link(html: str, kind: str) -> str:
    match = re.search(rf'data-testid="count-{kind}">(.*?)</a>', html, re.S)
    assert match, kind
    return _text(match.group(1)).strip()


def test_overdue_counts_and_jobs_agree_with_their_numbers(
    client: Any, operator: Any, rep_a: Any, rep_b: Any, org_a: Any, org_b: Any
) -> None:
    services.production_report_create(actor=rep_a, organisation=org_a, product="Силовые модули", jobs=1)
    services.production_report_create(actor=rep_b, organisation=org_b, product="Датчики", jobs=3)
    services.production_report_create(actor=rep_b, organisation=org_b, product="Платы", jobs=25)
    services.profile_propose(actor=rep_a, organisation=org_a, changes={"description": "Новое описание"})
    client.force_login(operator)
    with time_machine.travel(timezone.now() + timedelta(days=12)):  # past the 10 days either may wait
        html = client.get(reverse("companies:queue")).content.decode()
    assert _count_link(html, "production") == "производства (3, 3 просрочки)"
    assert _count_link(html, "profile") == "изменения профиля (1, 1 просрочка)"
    text = _text(html)
    assert "1 рабочее место" in text and "3 рабочих места" in text and "25 рабочих мест" in text
    assert "просрочено)" not in text and "раб. мест" not in text


def test_the_queue_table_stacks_with_labels_on_a_phone(client: Any, operator: Any, rep_a: Any, org_a: Any) -> None:
    """The phone layout (mosprom.css, .table.responsive) needs the class and a label on each value cell."""
    services.production_report_create(actor=rep_a, organisation=org_a, product="Силовые модули", jobs=40)
    client.force_login(operator)
    html = client.get(reverse("companies:queue")).content.decode()
    table = re.search(r'<table class="([^"]*)" data-testid="queue">(.*?)</table>', html, re.S)
    assert table and "responsive" in table.group(1).split()
    row = re.search(r'<tr class="[^"]*" data-testid="queue-item-production-\d+">(.*?)</tr>', table.group(2), re.S)
    assert row
    labels = re.findall(r'<td[^>]*data-label="([^"]+)"', row.group(1))
    assert labels == ["Организация", "Подробности", "Ждёт, дней", "Решить до"]
