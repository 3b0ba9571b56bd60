"""Serve Leaflet from the app itself so maps render with no internet.

folium 0.20 links Leaflet, jQuery, Bootstrap, Font Awesome and Leaflet.awesome-markers from CDNs
(`folium.Map.default_js` / `default_css`). streamlit_folium's component loads every one of them in
order and gives up on the first that fails, so offline the map frame stays empty. Our maps need
only Leaflet, vendored in dashboard/static/leaflet/ (npm leaflet@1.9.4, BSD-2-Clause, see LICENSE
there) and served by Streamlit at /app/static/leaflet/ (`server.enableStaticServing`).

Pure module: no Streamlit import.
"""

from __future__ import annotations

from pathlib import Path

import json

import branca.colormap
import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

LEAFLET_VERSION = "1.9.4"
STATIC_DIR = Path(__file__).resolve().parent / "static" / "leaflet"
# Same origin as the component iframe streamlit_folium renders into, so the absolute path resolves
# there.
STATIC_URL = "/app/static/leaflet"


def local_js(base_url: str = STATIC_URL) -> list[tuple[str, str]]:
    return [("leaflet", f"{base_url}/leaflet.js")]


def local_css(base_url: str = STATIC_URL) -> list[tuple[str, str]]:
    return [("leaflet_css", f"{base_url}/leaflet.css")]


class IconImagePath(MacroElement):
    """Sets L.Icon.Default.imagePath before any layer is added.

    streamlit_folium evaluates the map script without waiting for leaflet.css, so Leaflet's guess of
    the marker image folder falls back to the CSS link's folder minus its last character
    ("/app/static/leafletmarker-icon.png", a 404). Default L.marker icons (folium.Marker, GeoJson
    points) then have no image.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.image_path }};
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str):
        super().__init__()
        self._name = "IconImagePath"
        self.image_path = json.dumps(image_path)


def use_local_assets(folium_map: folium.Map, base_url: str = STATIC_URL) -> folium.Map:
    """Link only the vendored Leaflet JS/CSS on this map (instance attributes; folium's class lists
    stay as they are).

    Drops jQuery, Bootstrap, glyphicons, Font Awesome and awesome-markers: needed only by
    folium.Popup
    (jQuery), folium.Icon / awesome markers and `objects_to_stay_in_front`; see `offline_problems`.
    Idempotent; call it before or after adding layers.
    """
    folium_map.default_js = local_js(base_url)
    folium_map.default_css = local_css(base_url)
    folium_map.add_child(
        IconImagePath(f"{base_url}/images/"), name="leaflet_icon_image_path", index=0
    )
    return folium_map


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def offline_problems(folium_map: folium.Map) -> list[str]:
    """What would still need the internet (or a dropped library) when streamlit_folium renders this
    map.

    Mirrors streamlit_folium's own collection of links: every JSCSSMixin's default_js/default_css,
    plus
    d3 from a CDN for any branca colormap (which folium.Choropleth adds). Empty list: fully offline.
    """
    problems: list[str] = []
    if folium_map.objects_to_stay_in_front:
        problems.append("Map.keep_in_front needs jQuery, which is not vendored")
    for element in _walk(folium_map):
        if isinstance(element, branca.colormap.ColorMap):
            problems.append(
                f"{type(element).__name__}: streamlit_folium loads d3 from a CDN for colormaps"
            )
        if isinstance(element, folium.Popup):
            problems.append(
                "folium.Popup needs jQuery, which is not vendored; bind popups in Leaflet code "
                "instead"
            )
        if isinstance(element, folium.Icon):
            problems.append("folium.Icon needs Leaflet.awesome-markers, which is not vendored")
        if isinstance(element, JSCSSMixin):
            for _, url in [*element.default_js, *element.default_css]:
                if _is_remote(url):
                    problems.append(f"{type(element).__name__}: {url}")
    return list(dict.fromkeys(problems))
