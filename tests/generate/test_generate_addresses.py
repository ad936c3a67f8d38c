"""Generated requests carry addresses people can read: compound, building, unit, flat."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from matcher._internal.generate import generate_community
from matcher._internal.model.places import QINXIAN_COMPOUNDS, SERVICE_CENTRE, nearest_place

ADDRESS = re.compile(
    r"^(?P<compound>\S+) (?P<building>\d+)号楼(?P<unit>[1-3])单元(?P<floor>[1-6])0[12]$"
)


@pytest.fixture(scope="module")
def requests() -> pd.DataFrame:
    return generate_community(300, 600, days=2, seed=4, start=date(2026, 12, 1))[1]


def test_home_requests_name_the_compound_they_lie_in(requests: pd.DataFrame) -> None:
    homes = requests[requests["address"].notna() & (requests["address"] != SERVICE_CENTRE.name)]
    assert len(homes) > 0.6 * len(requests)
    names = {c.name for c in QINXIAN_COMPOUNDS}
    for address, lat, lon in zip(homes["address"], homes["lat"], homes["lon"], strict=True):
        match = ADDRESS.match(address)
        assert match, address
        assert match["compound"] in names
        found = nearest_place(lat, lon, QINXIAN_COMPOUNDS)
        assert found is not None and found[1] == 0.0 and found[0].name == match["compound"]


def test_a_resident_keeps_one_address(requests: pd.DataFrame) -> None:
    at_home = requests[requests["resident_id"].notna() & requests["address"].notna()]
    at_home = at_home[at_home["address"] != SERVICE_CENTRE.name]
    per_resident = at_home.groupby("resident_id")["address"].nunique()
    assert (per_resident == 1).all()
    assert (at_home.groupby("resident_id").size() > 1).any()  # the check above had work to do


def test_centre_services_and_open_air_spots(requests: pd.DataFrame) -> None:
    """Classes and clinics at the centre say so; patrols in the open have no address."""
    centre = requests[requests["address"] == SERVICE_CENTRE.name]
    assert len(centre) and all(
        nearest_place(lat, lon)[0] is SERVICE_CENTRE  # type: ignore[index]
        for lat, lon in zip(centre["lat"], centre["lon"], strict=True)
    )
    patrols = requests[requests["kind"] == "safety_patrol"]
    assert len(patrols) and patrols["address"].isna().all()
