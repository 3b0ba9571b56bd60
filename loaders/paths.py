"""Every path the project uses, in one place (override the store with ATLAS_DB)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DEMO_DIR = DATA_DIR / "demo"
DEMO_DOCUMENTS_DIR = DEMO_DIR / "documents"
DEMO_TABLES_DIR = DEMO_DIR / "tables"
CACHE_DIR = DATA_DIR / "cache"
REGIONS_CSV = REFERENCE_DIR / "regions.csv"
REGIONS_GEOJSON = REFERENCE_DIR / "regions.geojson"
GAZETTEER_CORRECTIONS_CSV = REFERENCE_DIR / "gazetteer_corrections.csv"
DEFAULT_DB = DATA_DIR / "atlas.duckdb"


def database_path() -> Path:
    """The DuckDB file to use: $ATLAS_DB if set, else data/atlas.duckdb."""
    return Path(os.environ.get("ATLAS_DB", DEFAULT_DB))
