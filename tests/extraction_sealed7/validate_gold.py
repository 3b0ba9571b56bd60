"""Structural check of this set's gold file (not a scorer); the checks live in tests/gold_checks.py.
Run from the repository root: python tests/extraction_sealed7/validate_gold.py"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from gold_checks import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(HERE))
