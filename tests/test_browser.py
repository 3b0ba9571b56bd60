"""Maps work offline: the real app in Debian's Chromium (Playwright), every non-local request
blocked.

The Карта page must draw its Leaflet map from the vendored copy in dashboard/static/leaflet/ with no
request to any other host, except map tiles, which are expected to fail offline.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dashboard.leaflet_assets import (
    LEAFLET_VERSION,
    STATIC_DIR,
    STATIC_URL,
    offline_problems,
    use_local_assets,
)

from tests.live_app import LOCAL_HOSTS

TILE_PATH = re.compile(r"/\d+/\d+/\d+(@2x)?\.(png|jpe?g|webp)$")
COMPONENT_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
# Leaflet draws an SVG circle as two arcs ("a" commands); polygons and lines have none.
CIRCLE_PATH = 'path.leaflet-interactive[d*="a"]'


def test_vendored_leaflet_files_are_present():
    for name in (
        "leaflet.js",
        "leaflet.css",
        "LICENSE",
        "images/marker-icon.png",
        "images/layers.png",
    ):
        assert (STATIC_DIR / name).is_file(), name
    assert (
        f"Leaflet {LEAFLET_VERSION}"
        in (STATIC_DIR / "leaflet.js").read_text(encoding="utf-8")[:200]
    )


def test_use_local_assets_links_only_the_vendored_leaflet():
    import folium

    activity_map = use_local_assets(folium.Map(location=[60, 90], tiles=None))
    page = activity_map.get_root().render()
    assert f'src="{STATIC_URL}/leaflet.js"' in page and f'href="{STATIC_URL}/leaflet.css"' in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert offline_problems(activity_map) == []
    assert folium.Map.default_js[0][1].startswith("https://")  # the class lists are left alone
    folium.RegularPolygonMarker([60, 90]).add_to(activity_map)
    assert any("leaflet-dvf" in problem for problem in offline_problems(activity_map))


def _is_tile(url: str) -> bool:
    return bool(TILE_PATH.search(urlparse(url).path))


@pytest.mark.server
@pytest.mark.requires("chromium")
def test_map_page_renders_leaflet_offline(fixture_db, tmp_path, live_app):
    from playwright import sync_api

    url = live_app.serve(fixture_db)
    requests: list[str] = []
    responses: dict[str, int] = {}
    errors: list[str] = []
    screenshot = Path(os.environ.get("ATLAS_MAP_SCREENSHOT", tmp_path / "map.png"))

    context = live_app.browser({"width": 1400, "height": 1400})
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: responses.__setitem__(response.url, response.status))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{url}/map", wait_until="domcontentloaded")

    iframe = page.wait_for_selector(COMPONENT_IFRAME, state="attached", timeout=90_000)
    frame = iframe.content_frame()
    assert frame is not None
    try:
        frame.wait_for_selector(".leaflet-container", state="attached", timeout=30_000)
        frame.wait_for_selector(CIRCLE_PATH, state="attached", timeout=30_000)
    except sync_api.TimeoutError:
        page.screenshot(path=str(screenshot), full_page=True)
        pytest.fail(
            f"Leaflet did not render in the map frame (screenshot {screenshot}); "
            f"blocked: {sorted(set(live_app.blocked))}; page errors: {errors}"
        )
    iframe.scroll_into_view_if_needed()
    time.sleep(1)  # let fitBounds and the overlay settle before measuring and screenshotting
    page.screenshot(path=str(screenshot), full_page=True)

    frame_box = iframe.bounding_box()
    container_height = frame.evaluate(
        "() => document.querySelector('.leaflet-container').getBoundingClientRect().height"
    )
    assert frame_box and frame_box["height"] > 100, frame_box
    assert container_height > 100, container_height
    assert frame.evaluate("() => window.L && L.version") == LEAFLET_VERSION

    # A circle marker answers the pointer: tooltip on hover, popup on click.
    circle = frame.locator(CIRCLE_PATH).last.bounding_box()
    assert circle is not None
    page.mouse.move(circle["x"] + circle["width"] / 2, circle["y"] + circle["height"] / 2)
    frame.wait_for_selector(".leaflet-tooltip", timeout=5_000)
    page.mouse.click(circle["x"] + circle["width"] / 2, circle["y"] + circle["height"] / 2)
    frame.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    assert frame.locator(".leaflet-popup-content").first.inner_text().strip()

    leaflet_js = f"{url}{STATIC_URL}/leaflet.js"
    assert responses.get(leaflet_js) == 200, "the vendored leaflet.js was not served"
    assert responses.get(f"{url}{STATIC_URL}/leaflet.css") == 200
    external = sorted(
        {url for url in requests if urlparse(url).hostname not in LOCAL_HOSTS and not _is_tile(url)}
    )
    assert external == [], f"requests to other hosts: {external}"
    # Leaflet's marker images and anything else the map takes from the app's static folder.
    missing = sorted(
        url for url, status in responses.items() if "/app/static/" in url and status >= 400
    )
    assert missing == [], f"static files not served: {missing}"


PHONE = {"width": 390, "height": 844}


@pytest.mark.server
@pytest.mark.requires("chromium")
def test_pages_stay_readable_at_phone_width(fixture_db, tmp_path, live_app):
    """At 390 px the overview, map and timeline fit the screen: nothing wider than the viewport
    except inside a frame that scrolls (tables, the map), legends under the charts."""
    url = live_app.serve(fixture_db)
    overflowing: dict[str, object] = {}
    page = live_app.browser(PHONE).new_page()
    for path, ready in (
        ("/", '[data-testid="stMetric"]'),
        ("/map", COMPONENT_IFRAME),
        ("/timeline", ".js-plotly-plot"),
    ):
        page.goto(f"{url}{path}", wait_until="domcontentloaded")
        page.wait_for_selector(ready, state="attached", timeout=90_000)
        time.sleep(1.5)  # let the page settle (charts size themselves)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"] + 1:
            overflowing[path] = width
        if path == "/timeline":
            legend_below = page.evaluate(
                """() => [...document.querySelectorAll('.js-plotly-plot')].every(plot => {
                    const legend = plot.querySelector('.legend');
                    const area = plot.querySelector('.nsewdrag');
                    if (!legend || !area) return true;
                    return legend.getBoundingClientRect().top >=
                           area.getBoundingClientRect().bottom - 1;
                })"""
            )
            assert legend_below, "a chart legend sits beside its chart at 390 px"
        page.screenshot(path=str(tmp_path / f"phone{path.replace('/', '_')}.png"))
    assert not overflowing, f"pages wider than a 390 px phone: {overflowing}"
