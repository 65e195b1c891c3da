"""Degrees-minutes-seconds and decimal degrees written as text (ingest/dms.py, pure)."""

from __future__ import annotations

import pytest

from lianghu_map.ingest.dms import is_plain_number, parse_angle, parse_pair

D119 = 119 + 53 / 60 + 6 / 3600  # 119°53'06"
D31 = 31 + 42 / 60 + 43 / 3600  # 31°42'43"


@pytest.mark.parametrize(("text", "axis", "want"), [
    ("119.885", "lon", 119.885),
    ("-31.5", "lat", -31.5),
    ("119°53'06\"E", "lon", D119),
    ("E119°53'06\"", "lon", D119),
    ("E 119°53'06\"", "lon", D119),
    ("119°53'06\"", None, D119),
    ("31°42'43\"", "lat", D31),
    ("31°42'43\"N", "lat", D31),
    ("31°42'43\"S", "lat", -D31),
    ("119°53'06\"W", "lon", -D119),
    ("119°53′06″", "lon", D119),  # prime and double prime
    ("119°53′06″E", "lon", D119),
    ("119º53'06''", "lon", D119),  # masculine ordinal, two single quotes
    ("119˚53'06\"", "lon", D119),
    ("119° 53' 06\" E", "lon", D119),
    ("119d53m06s", "lon", D119),
    ("东经119度53分06秒", "lon", D119),
    ("東經119度53分06秒", "lon", D119),
    ("北纬31度42分", "lat", 31.7),
    ("北緯31度42分43秒", "lat", D31),
    ("南纬31度42分43秒", "lat", -D31),
    ("西经119度53分06秒", "lon", -D119),
    ("东经：119.885", "lon", 119.885),
    ("119 53 06", "lon", D119),
    ("119:53:06", "lon", D119),
    ("119:53:06.0", "lon", D119),
    ("119°53.1'", "lon", 119 + 53.1 / 60),
    ("119°53.1'E", "lon", 119 + 53.1 / 60),
    ("119.885°E", "lon", 119.885),
    ("119.885°", "lon", 119.885),
    ("N31.5", "lat", 31.5),
    ("１１９°５３′０６″", "lon", D119),  # full-width digits (Chinese input methods)
    ("  119°53'06\"E ", "lon", D119),
    ("119°53'06.5\"", "lon", 119 + 53 / 60 + 6.5 / 3600),
])
def test_accepted_forms(text: str, axis: str | None, want: float) -> None:
    assert parse_angle(text, axis) == pytest.approx(want, abs=1e-9)


@pytest.mark.parametrize(("text", "axis"), [
    ("", "lon"),
    ("abc", "lon"),
    ("119°60'00\"", "lon"),  # minutes of 60
    ("119°53'60\"", "lon"),  # seconds of 60
    ("119.5°30'", "lon"),  # decimals before the last part
    ("119°53.5'06\"", "lon"),
    ("31°42'43\"N", "lon"),  # hemisphere of the other axis
    ("东经119度53分", "lat"),
    ("-119°53'06\"E", "lon"),  # sign and hemisphere
    ("119°53'06\"X", "lon"),
    ("119 53 06 07", "lon"),
    ("#VALUE!", "lon"),  # an Excel formula error
    ("119,885", "lon"),  # a decimal comma is not guessed
    ("1e5", "lon"),
])
def test_refused_forms(text: str, axis: str) -> None:
    with pytest.raises(ValueError, match=r"coordinate|decimals|60|hemisphere|sign"):
        parse_angle(text, axis)


@pytest.mark.parametrize(("text", "plain"), [
    ("119.885", True), (" -31 ", True), ("1e5", True), (".5", True),
    ("119°", False), ("E119", False), ("", False), ("119 53", False),
])
def test_plain_number(text: str, plain: bool) -> None:
    assert is_plain_number(text) is plain


@pytest.mark.parametrize(("text", "want", "swapped"), [
    ("119.885,31.712", (119.885, 31.712), False),  # 高德 / 百度 pickers: lng,lat
    ("31.712, 119.885", (119.885, 31.712), True),  # Google Maps: lat, lng
    ("119.885，31.712", (119.885, 31.712), False),  # full-width comma
    ("(119.885, 31.712)", (119.885, 31.712), False),
    ("119.885 31.712", (119.885, 31.712), False),
    ("119.885;31.712", (119.885, 31.712), False),
    ("119°53'06\"E 31°42'43\"N", (D119, D31), False),
    ("31°42'43\"N, 119°53'06\"E", (D119, D31), True),  # hemispheres decide
    ("北纬31度42分43秒，东经119度53分06秒", (D119, D31), True),
    ("119 53 06, 31 42 43", (D119, D31), False),
    ("10.5, 20.5", (10.5, 20.5), False),  # nothing to tell: lon, lat
])
def test_pairs(text: str, want: tuple[float, float], swapped: bool) -> None:
    x, y, flipped = parse_pair(text)
    assert (x, y) == pytest.approx(want, abs=1e-9) and flipped is swapped


@pytest.mark.parametrize("text", ["119.885", "119.885,31.712,5", "", "a,b",
                                  "31°42'43\"N, 31°42'43\"N"])
def test_bad_pairs(text: str) -> None:
    with pytest.raises(ValueError, match=r"pair|coordinate|axis"):
        parse_pair(text)
