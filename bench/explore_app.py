"""The benchmark's contender: what a user would otherwise write — ``st_folium(gdf.explore())``.

Reads the layer from ``$BENCH_LAYER`` (a GeoPackage, every attribute) once per process.  The
only change from the one-liner: Leaflet comes from the app's local copy (``use_local_assets``),
because the benchmark's browser has no network and folium's CDN links would never load.
"""

import os

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from lianghu_map.assets import use_local_assets

use_local_assets()


@st.cache_resource
def layer() -> gpd.GeoDataFrame:
    return gpd.read_file(os.environ["BENCH_LAYER"])


st_folium(layer().explore(), height=620, use_container_width=True)
