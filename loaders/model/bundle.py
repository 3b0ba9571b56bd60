"""What one input file contributes to the store: its documents row and its rows for the other
tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Bundle:
    """Everything read from one file: its documents row and the rows it contributes to other
    tables."""

    document: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
