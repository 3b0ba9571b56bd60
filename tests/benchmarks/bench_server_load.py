"""The 60-second loopback load of issue 14 on a throw-away PostgreSQL cluster: 4 editors (accept,
reopen, correct) and 1 loader, each a separate process; prints what each did and checks the audit.

Run: PYTHONPATH=. python tests/benchmarks/bench_server_load.py [--seconds 60]"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from loaders.store import database as store  # noqa: E402
from tests.pg import TemporaryCluster  # noqa: E402
from tests.server_load import run_load  # noqa: E402
from tests.test_server_load import EDITORS, prepared_server_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    cluster = TemporaryCluster().start()
    try:
        url = cluster.new_database()
        prepared_server_store(url, folder)
        run = run_load(url, EDITORS, args.seconds, folder / "load")
        saved = sum(len(result["saved"]) for result in run.editors.values())
        statuses = sum(result["status_changes"] for result in run.editors.values())
        refused = sum(result["refused"] for result in run.editors.values())
        with store.connect(url, read_only=True) as connection:
            audited = connection.execute(
                "SELECT count(*) FROM audit WHERE user_name LIKE 'editor_%'"
            ).fetchone()[0]
        tracebacks = sum("Traceback" in text for text in run.stderr.values())
        print(f"{args.seconds:.0f} s, 4 editors + 1 loader on PostgreSQL (loopback):")
        print(f"  corrections saved: {saved} ({saved / args.seconds:.1f}/s)")
        print(f"  status changes saved: {statuses}; refused as version conflicts: {refused}")
        print(f"  audit entries by the editors: {audited} (saved edits: {saved + statuses})")
        print(
            f"  loader: {run.loader['loaded']} files ({run.loader['loaded'] / args.seconds:.1f}/s),"
            f" failed: {len(run.loader['failed'])}"
        )
        print(f"  exit codes: {run.return_codes}; processes with a traceback: {tracebacks}")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
