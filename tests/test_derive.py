"""Joint-event links derived from events (pure part; the store part is in test_store.py)."""

import datetime as dt

import pandas as pd

from loaders.store.derive import joint_event_rows

DAY = dt.date(2023, 10, 14)


def test_one_link_per_guest_region_other_than_the_host():
    events = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3"],
            "title": ["Форум", "Квест", "Семинар"],
            "region_code": ["A", "A", None],
            "participant_cities": [["Гостев", "Свой", "Другой", "Неизвестный"], [], ["Гостев"]],
            "date_start": [DAY] * 3,
            "date_end": [DAY] * 3,
            "date_precision": ["day"] * 3,
        }
    )
    regions = {"Гостев": "B", "Другой": "B", "Свой": "A"}
    rows = joint_event_rows(events, regions.get)
    assert [
        (row["link_id"], row["from_region"], row["to_region"], row["guest_settlements"])
        for row in rows
    ] == [("je_e1_B", "A", "B", ["Гостев", "Другой"])]
