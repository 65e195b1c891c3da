"""AppTest: a click on the map and the panel's close button cost one script run, not two
(issue 18: the click used to be read after the map was drawn, so every click asked for a second
run, ``st.rerun()``, to draw the selection and its panel)."""

import pytest
import streamlit
from apptest_helpers import map_args, map_feature_states


@pytest.fixture
def reruns(monkeypatch) -> list[str]:
    """Every ``st.rerun()`` the page asks for (and the rerun it would have been is not made)."""
    calls: list[str] = []

    def rerun(*_args, **_kwargs):
        calls.append("rerun")
        raise AssertionError("st.rerun() called")

    monkeypatch.setattr(streamlit, "rerun", rerun)
    return calls


def _click(at, feature_id: str, lat: float = 31.72):
    """A click as the browser makes it: the component's value under its own key and, as
    streamlit-folium's change callback does before the run, under the page's key ``map``."""
    value = {
        "last_active_drawing": {"type": "Feature", "properties": {"feature_id": feature_id}},
        "last_object_clicked": {"lat": lat, "lng": 119.85},
    }
    at.session_state[map_args(at)["key"]] = value
    at.session_state["map"] = value
    return at.run()


def _panel_text(at) -> str:
    return "\n".join(str(e.proto.body) for e in at.get("html"))


def test_a_click_draws_the_selection_and_its_panel_in_the_same_run(app, reruns):
    at = _click(app.run(), "park.xitaihu")
    assert not at.exception
    assert reruns == []
    assert at.session_state["selected_feature"] == "park.xitaihu"
    assert map_feature_states(at)["park.xitaihu"] == "selected"  # the map of that very run
    assert "lh-feature-title" in _panel_text(at)
    assert at.query_params["sel"] == "park.xitaihu"


def test_another_click_moves_the_selection_and_a_pan_keeps_it(app, reruns):
    at = _click(app.run(), "park.xitaihu")
    at = _click(at, "park.kejiaocheng", lat=31.68)
    assert map_feature_states(at)["park.kejiaocheng"] == "selected"
    assert map_feature_states(at)["park.xitaihu"] != "selected"
    # the map reports a pan: its value changes, the last click stays in it — no new selection
    value = {**at.session_state["map"], "center": {"lat": 31.7, "lng": 119.9}, "zoom": 12}
    at.session_state[map_args(at)["key"]] = at.session_state["map"] = value
    at = at.run()
    assert at.session_state["selected_feature"] == "park.kejiaocheng"
    assert reruns == []


def test_the_close_button_clears_the_selection_in_one_run(app, reruns):
    at = _click(app.run(), "park.xitaihu")
    at = at.button(key="close_panel").click().run()
    assert not at.exception
    assert reruns == []
    assert "selected_feature" not in at.session_state
    assert "selected" not in map_feature_states(at).values()
    assert "lh-feature-title" not in _panel_text(at)
    # the same feature clicked again (a new click: another point) selects it again
    at = _click(at, "park.xitaihu", lat=31.73)
    assert at.session_state["selected_feature"] == "park.xitaihu"
