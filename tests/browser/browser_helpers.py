"""Helpers for the browser tests."""


def wait_for_app(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           state="attached")


def map_frame(page):
    """The st_folium iframe's Frame, once Leaflet has drawn at least one vector."""
    handle = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]',
                                    state="attached")
    frame = handle.content_frame()
    frame.wait_for_selector("path.leaflet-interactive", state="attached")
    return frame
