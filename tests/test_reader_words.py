"""Every header, label, option, text and download a reader sees is Russian: no internal column name
from the schema and no raw vocabulary key, on every page in every sampled widget state."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.app_pages import common
from dashboard.presentation import csv_bytes, readable, xlsx_bytes
from tests.reader_scan import (
    words_in_csv,
    words_in_frame,
    words_in_text,
    words_in_xlsx,
    words_on_page,
)
from tests.test_page_sweep import CHOICE_KINDS, choose_position, find, open_page, page_files
from tests.test_page_sweep import sample_positions, widget_ids

UNLABELLED = pd.DataFrame(
    {
        "event_id": ["e1", "e2"],
        "event_type": ["forum", "round_table"],
        "topic": ["ecology", "civic"],
        "region_code": ["RU-TA", "RU-MOW"],
        "date_start": pd.to_datetime(["2023-10-14", "2023-11-02"]),
    }
)


# ---------------------------------------------------------------- the scanner itself


def test_scanner_finds_an_unlabelled_frame():
    found = words_in_frame(UNLABELLED)
    assert {"event_id", "event_type", "topic", "region_code", "date_start"} <= found
    assert {"forum", "round_table", "ecology", "civic"} <= found


def test_scanner_passes_the_frame_as_a_reader_sees_it():
    assert words_in_frame(readable(UNLABELLED, {"RU-TA": "Татарстан"})) == set()


def test_scanner_finds_internal_words_in_text_but_not_in_links_or_file_names():
    assert words_in_text("Сумма по event_type и region_code") == {"event_type", "region_code"}
    assert words_in_text("/explore?table=events&event_id=e1") == set()
    assert words_in_text("news_forum_2023.txt") == set()
    assert words_in_text("Форум, круглый стол") == set()


@pytest.mark.parametrize("excel", [True, False])
def test_scanner_reads_csv_downloads(excel):
    about = ["Источник: тест"]
    assert "event_type" in words_in_csv(csv_bytes(UNLABELLED, about, excel=excel))
    assert "forum" in words_in_csv(csv_bytes(UNLABELLED, about, excel=excel))
    assert words_in_csv(csv_bytes(readable(UNLABELLED), about, excel=excel)) == set()


def test_scanner_reads_xlsx_downloads():
    found = words_in_xlsx(xlsx_bytes(UNLABELLED, ["Источник: тест"]))
    assert {"event_type", "forum"} <= found
    assert words_in_xlsx(xlsx_bytes(readable(UNLABELLED), ["Источник: тест"])) == set()


# ---------------------------------------------------------------- every page


@pytest.fixture()
def recorded_downloads(monkeypatch):
    """Every download a page offers, by file name, with the callable that builds its bytes."""
    offered: dict[str, object] = {}
    original = common.download_payloads

    def recording(frame, name):
        payloads = original(frame, name)
        for file_name, _mime, build in payloads.values():
            offered.setdefault(file_name, build)
        return payloads

    monkeypatch.setattr(common, "download_payloads", recording)
    return offered


def words_in_states(page: str) -> list[str]:
    """Scan the page as opened, then with each option (sampled) of each radio and select box."""
    at = open_page(page)
    assert not at.exception, at.exception[0].value
    lines = [f"{page} (opened): {line}" for line in words_on_page(at)]
    for kind in CHOICE_KINDS:
        for widget_id in widget_ids(at, kind):
            widget = find(at, kind, widget_id)
            if widget is None:
                continue
            for position in sample_positions(len(widget.options)):
                widget = find(at, kind, widget_id)
                if widget is None or position >= len(widget.options):
                    break  # hidden or narrowed by an earlier choice
                shown = widget.options[position]
                choose_position(widget, position)
                at.run()
                assert not at.exception, at.exception[0].value
                state = f"{page} [{widget.label} = {shown}]"
                lines += [f"{state}: {line}" for line in words_on_page(at)]
    return lines


@pytest.mark.parametrize("page", page_files())
def test_no_internal_word_on_the_page_or_in_its_downloads(
    page, demo_db, use_db, recorded_downloads
):
    use_db(demo_db)
    found = sorted(set(words_in_states(page)))
    # the recording reaches every download the page offers (a page without downloads offers none)
    at = open_page(page)
    assert bool(recorded_downloads) or not at.get("download_button"), "downloads not recorded"
    for file_name, build in recorded_downloads.items():
        payload = build()
        words = words_in_xlsx(payload) if file_name.endswith(".xlsx") else words_in_csv(payload)
        found += [f"{page} download {file_name}: {word}" for word in sorted(words)]
    assert not found, "\n".join(found)
