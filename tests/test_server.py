"""The real server: `streamlit run` on a free port answers its health check and serves the page."""

import urllib.request

import pytest


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode("utf-8", errors="replace")


@pytest.mark.server
def test_streamlit_serves_health_and_page(fixture_db, live_app):
    url = live_app.serve(fixture_db)
    assert _get(f"{url}/_stcore/health") == (200, "ok")
    status, page = _get(f"{url}/")
    assert status == 200 and '<div id="root">' in page
