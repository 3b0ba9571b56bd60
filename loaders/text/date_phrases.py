"""Date phrases whose words must agree, as yargy grammars: «в минувшую субботу», «в прошлое
воскресенье», «в ближайший четверг». The qualifier agrees with the weekday in gender, number and case
(«в минувший субботу» is no phrase), which a regular expression cannot check.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from loaders.text.morph import _point_pymorphy_at_bundled_dictionaries

WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
PAST = {"минувший", "прошлый", "прошедший"}
COMING = {"ближайший", "предстоящий", "следующий"}
_PAST_STEMS = ("минувш", "прошл", "прошедш")
_COMING_STEMS = ("ближайш", "предстоящ", "следующ")
_PREFILTER = re.compile(r"понедельник|вторник|сред[уаы]|четверг|пятниц|суббот|воскресень", re.I)


@dataclass(frozen=True)
class RelativeDay:
    """A weekday named relative to the page date; `direction` is past, coming or plain."""

    start: int
    end: int
    weekday: int  # Monday = 0
    direction: str


@functools.cache
def _parser():
    _point_pymorphy_at_bundled_dictionaries()
    from yargy import Parser, rule
    from yargy.predicates import dictionary, in_caseless
    from yargy.relations import gnc_relation

    agreement = gnc_relation()
    weekday = dictionary(set(WEEKDAYS)).match(agreement)
    qualifier = dictionary(PAST | COMING | {"этот", "нынешний"}).match(agreement)
    return Parser(rule(in_caseless({"в", "во"}), qualifier.optional(), weekday))


def relative_days(text: str) -> list[RelativeDay]:
    """Every «в (минувшую) субботу» phrase in text, with offsets."""
    if not _PREFILTER.search(text):
        return []
    found = []
    for match in _parser().findall(text):
        words = [token.value.lower() for token in match.tokens]
        weekday = next(i for i, name in enumerate(WEEKDAYS) if words[-1][:4] == name[:4])
        qualifier = words[1] if len(words) == 3 else ""
        direction = (
            "past"
            if qualifier.startswith(_PAST_STEMS)
            else "coming"
            if qualifier.startswith(_COMING_STEMS)
            else "plain"
        )
        found.append(RelativeDay(match.span.start, match.span.stop, weekday, direction))
    return found
