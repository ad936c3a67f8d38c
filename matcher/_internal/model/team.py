"""Volunteer teams and the default Qinxian catalogue."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from matcher._internal.model.entities import StrList


class Team(BaseModel):
    """A volunteer team: its code, names, the request kinds it serves, its typical skills."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1)
    name_zh: str = ""
    name_en: str = ""
    kinds: StrList = Field(default_factory=list)
    skills: StrList = Field(default_factory=list)


def _team(code: str, zh: str, en: str, kinds: list[str], skills: list[str]) -> Team:
    return Team(code=code, name_zh=zh, name_en=en, kinds=kinds, skills=skills)


QINXIAN_TEAMS: tuple[Team, ...] = (
    _team(
        "express",
        "快车",
        "transport and escort",
        ["hospital_escort", "ride"],
        ["driving", "escort", "wheelchair_assist"],
    ),
    _team(
        "medical",
        "医疗",
        "medical",
        ["health_check", "medicine_delivery"],
        ["first_aid", "nursing", "blood_pressure", "medicine"],
    ),
    _team(
        "steward",
        "总管",
        "coordination",
        ["dispute_mediation", "event_coordination"],
        ["mediation", "event_planning", "coordination"],
    ),
    _team("photo", "摄影", "photography", ["event_photo"], ["photography", "video_editing"]),
    _team(
        "publicity", "宣传", "publicity", ["notice_campaign"], ["writing", "design", "broadcasting"]
    ),
    _team(
        "patrol",
        "巡查",
        "inspection",
        ["safety_patrol", "hazard_check"],
        ["safety_inspection", "fire_safety", "electrical_safety"],
    ),
    _team(
        "convenience",
        "便民",
        "errands",
        ["errand", "haircut", "sewing", "meal_delivery"],
        ["errands", "haircut", "sewing", "cooking"],
    ),
    _team(
        "care",
        "爱心",
        "care and companionship",
        ["elderly_visit", "one_click_call"],
        ["companionship", "elderly_care", "dementia_care", "first_aid"],
    ),
    _team(
        "repair",
        "维修",
        "repair",
        ["home_repair"],
        ["plumbing", "electrical", "carpentry", "appliance_repair"],
    ),
    _team(
        "tutoring",
        "助学",
        "tutoring",
        ["homework_help", "digital_skills"],
        ["teaching", "math", "english", "digital_skills"],
    ),
)
"""The Qinxian community's ten volunteer teams, the default catalogue."""
