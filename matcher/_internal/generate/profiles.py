"""The community's make-up: team sizes, skill mixes, ages, and what each request kind is like.

These tables are the generator's knobs. They are tuned so that a day of 1,500 requests for
2,000 volunteers is comfortable and 3,000 is tight for the big teams (care, convenience,
medical, express), which is where an optimiser has real choices to make.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Place = Literal["home", "centre", "home_or_centre", "anywhere"]
Requester = Literal["elderly", "family", "any", "community"]

TEAM_SHARES: dict[str, float] = {
    "care": 0.19,
    "convenience": 0.17,
    "express": 0.13,
    "medical": 0.12,
    "repair": 0.09,
    "patrol": 0.08,
    "tutoring": 0.08,
    "steward": 0.06,
    "publicity": 0.05,
    "photo": 0.03,
}
"""Share of volunteers per team: care and convenience are the big ones."""

SKILL_WEIGHTS: dict[str, dict[str, float]] = {
    "express": {"driving": 0.5, "escort": 0.8, "wheelchair_assist": 0.3},
    "medical": {"first_aid": 0.5, "nursing": 0.5, "blood_pressure": 0.6, "medicine": 0.5},
    "steward": {"mediation": 0.6, "event_planning": 0.4, "coordination": 0.5},
    "photo": {"photography": 0.9, "video_editing": 0.3},
    "publicity": {"writing": 0.5, "design": 0.4, "broadcasting": 0.4},
    "patrol": {"safety_inspection": 0.8, "fire_safety": 0.4, "electrical_safety": 0.3},
    "convenience": {"errands": 0.9, "haircut": 0.2, "sewing": 0.2, "cooking": 0.4},
    "care": {"companionship": 0.9, "elderly_care": 0.6, "dementia_care": 0.2, "first_aid": 0.3},
    "repair": {"plumbing": 0.5, "electrical": 0.5, "carpentry": 0.3, "appliance_repair": 0.4},
    "tutoring": {"teaching": 0.5, "math": 0.5, "english": 0.4, "digital_skills": 0.4},
}
"""How common each of a team's typical skills is among its members."""

SKILL_COUNT_PROBS = (0.45, 0.40, 0.15)
"""Probability that a volunteer has 1, 2 or 3 of their team's skills."""

CROSS_SKILLS: dict[str, float] = {"first_aid": 0.05, "digital_skills": 0.04}
"""Skills some volunteers of any team also have (a first-aid course, a phone-help class)."""

YOUNG, MIDDLE, RETIRED = 0, 1, 2

AGE_MIX: dict[str, tuple[float, float, float]] = {
    "care": (0.10, 0.35, 0.55),
    "convenience": (0.10, 0.40, 0.50),
    "medical": (0.20, 0.50, 0.30),
    "express": (0.10, 0.45, 0.45),
    "repair": (0.10, 0.50, 0.40),
    "patrol": (0.10, 0.40, 0.50),
    "tutoring": (0.50, 0.35, 0.15),
    "steward": (0.05, 0.45, 0.50),
    "publicity": (0.45, 0.40, 0.15),
    "photo": (0.40, 0.40, 0.20),
}
"""Share of young (under 35), middle-aged and retired members per team."""

DIALECT_BY_AGE = (0.10, 0.35, 0.70)
"""Probability of also speaking Jin (the Taiyuan dialect), by age group."""

ENGLISH_BY_AGE = (0.15, 0.05, 0.01)

MAX_MINUTES = ((120, 180, 240, 300, 360), (0.08, 0.12, 0.62, 0.11, 0.07))
MAX_TASKS = ((2, 3, 4, 5), (0.20, 0.35, 0.30, 0.15))
MAX_TASKS_SHARE = 0.30
MAX_WALK = ((10, 15, 20), ((0.10, 0.75, 0.15), (0.10, 0.75, 0.15), (0.25, 0.65, 0.10)))
"""Walking reach choices and their probabilities per age group (older: shorter walks)."""

ON_CALL_SHARE = 0.12
"""Share of care and medical volunteers with elderly_care or first_aid who take night duty."""

NORMAL = (0.06, 0.36, 0.42, 0.16, 0.0)
LOW = (0.20, 0.45, 0.30, 0.05, 0.0)
EVENT = (0.15, 0.45, 0.30, 0.10, 0.0)
MEDICAL = (0.02, 0.25, 0.45, 0.25, 0.03)
ESCORT = (0.0, 0.10, 0.45, 0.40, 0.05)
CALL = (0.0, 0.0, 0.30, 0.70, 0.0)
"""Priority 1..5 probabilities: most requests are 2-3, some 4, very few 5."""

WORK_DAY = ((480, 1140),)
"""08:00-19:00, minutes after midnight: when most flexible requests may start."""


@dataclass(frozen=True)
class KindProfile:
    """What requests of one kind look like: who serves them, when, where, for how long."""

    kind: str
    team: str
    share: float
    """Relative frequency among all requests."""
    skills: tuple[tuple[tuple[str, ...], float], ...]
    """Required-skill options with their probabilities; all skills of an option are needed."""
    duration: tuple[int, int]
    """Shortest and longest service, minutes (drawn on a 5-minute grid)."""
    crew: tuple[int, int] = (1, 1)
    priority: tuple[float, float, float, float, float] = NORMAL
    fixed_share: float = 0.0
    """Share of fixed appointments (latest_start == earliest_start) at one of `slots`."""
    slots: tuple[int, ...] = ()
    hours: tuple[tuple[int, int], ...] = WORK_DAY
    """Ranges in which a flexible window lies (minutes after midnight)."""
    windows: tuple[int, ...] = (60, 120, 180, 240, 360)
    """Lengths of flexible windows, minutes; repeat a value to make it likelier."""
    place: Place = "home"
    requester: Requester = "any"
    open_team_share: float = 0.0
    """Share left without a team: any volunteer with the skills may serve."""
    asks_dialect: bool = False
    """Dialect-speaking elderly residents ask for a Jin speaker for this kind."""
    urgent_share: float = 0.0
    """Share that are urgent: priority 5 at any hour, to be started within half an hour."""


def _slots(*hhmm: str) -> tuple[int, ...]:
    return tuple(int(t[:2]) * 60 + int(t[3:]) for t in hhmm)


KINDS: tuple[KindProfile, ...] = (
    KindProfile(
        "hospital_escort",
        "express",
        0.035,
        ((("escort",), 0.8), (("escort", "wheelchair_assist"), 0.2)),
        (60, 150),
        crew=(2, 2),
        priority=ESCORT,
        fixed_share=0.85,
        slots=_slots(
            "08:00", "08:30", "09:00", "09:00", "09:30", "10:00", "14:00", "14:30", "15:00"
        ),
        hours=((480, 960),),
        windows=(60, 90, 120),
        requester="elderly",
    ),
    KindProfile(
        "ride",
        "express",
        0.045,
        ((("driving",), 1.0),),
        (30, 90),
        fixed_share=0.4,
        slots=_slots("08:30", "09:00", "10:00", "11:00", "14:00", "15:00", "16:00", "19:00"),
        hours=((480, 1200),),
        windows=(60, 120, 180),
    ),
    KindProfile(
        "health_check",
        "medical",
        0.080,
        ((("nursing",), 0.5), (("blood_pressure",), 0.5)),
        (20, 45),
        priority=MEDICAL,
        fixed_share=0.2,
        slots=_slots("09:00", "09:30", "10:00", "10:30", "15:00", "15:30", "16:00"),
        hours=((480, 1080),),
        windows=(120, 180, 240, 360),
        requester="elderly",
        open_team_share=0.15,
        asks_dialect=True,
    ),
    KindProfile(
        "medicine_delivery",
        "medical",
        0.060,
        ((("medicine",), 1.0),),
        (15, 40),
        priority=MEDICAL,
        windows=(60, 120, 180, 240),
        requester="elderly",
        open_team_share=0.10,
    ),
    KindProfile(
        "dispute_mediation",
        "steward",
        0.020,
        ((("mediation",), 1.0),),
        (60, 120),
        priority=(0.05, 0.35, 0.40, 0.20, 0.0),
        fixed_share=0.5,
        slots=_slots("09:30", "10:00", "14:30", "15:00", "19:00"),
        hours=((540, 1200),),
        windows=(120, 240, 360),
        place="home_or_centre",
        asks_dialect=True,
    ),
    KindProfile(
        "event_coordination",
        "steward",
        0.010,
        ((("coordination",), 0.5), (("event_planning",), 0.5)),
        (60, 150),
        crew=(2, 4),
        priority=EVENT,
        fixed_share=1.0,
        slots=_slots("09:00", "09:30", "14:00", "14:30", "19:00"),
        place="centre",
        requester="community",
    ),
    KindProfile(
        "event_photo",
        "photo",
        0.006,
        ((("photography",), 0.75), (("photography", "video_editing"), 0.25)),
        (60, 120),
        crew=(2, 3),
        priority=EVENT,
        fixed_share=1.0,
        slots=_slots("09:00", "09:30", "14:00", "14:30", "19:00"),
        place="centre",
        requester="community",
    ),
    KindProfile(
        "notice_campaign",
        "publicity",
        0.012,
        (((), 0.3), (("writing",), 0.3), (("broadcasting",), 0.2), (("design",), 0.2)),
        (60, 120),
        crew=(2, 3),
        priority=EVENT,
        fixed_share=0.5,
        slots=_slots("09:00", "14:00", "18:30"),
        hours=((480, 1080),),
        windows=(120, 240, 360),
        place="anywhere",
        requester="community",
    ),
    KindProfile(
        "safety_patrol",
        "patrol",
        0.040,
        ((("safety_inspection",), 1.0),),
        (60, 120),
        priority=(0.05, 0.40, 0.45, 0.10, 0.0),
        hours=((480, 1260),),
        windows=(120, 240, 360),
        place="anywhere",
        requester="community",
    ),
    KindProfile(
        "hazard_check",
        "patrol",
        0.030,
        ((("fire_safety",), 0.5), (("electrical_safety",), 0.5)),
        (30, 60),
        priority=(0.0, 0.20, 0.45, 0.30, 0.05),
        windows=(60, 120, 240),
    ),
    KindProfile(
        "errand",
        "convenience",
        0.100,
        ((("errands",), 1.0),),
        (30, 90),
        hours=((480, 1200),),
        requester="elderly",
        open_team_share=0.10,
    ),
    KindProfile(
        "haircut",
        "convenience",
        0.030,
        ((("haircut",), 1.0),),
        (30, 45),
        priority=LOW,
        hours=((540, 1080),),
        windows=(120, 240, 360),
        place="home_or_centre",
        requester="elderly",
    ),
    KindProfile(
        "sewing",
        "convenience",
        0.020,
        ((("sewing",), 1.0),),
        (30, 60),
        priority=LOW,
        windows=(120, 240, 360),
    ),
    KindProfile(
        "meal_delivery",
        "convenience",
        0.080,
        ((("errands",), 0.7), (("cooking",), 0.3)),
        (15, 30),
        priority=(0.0, 0.30, 0.50, 0.20, 0.0),
        hours=((660, 780), (1020, 1110)),
        windows=(30, 45, 60),
        requester="elderly",
    ),
    KindProfile(
        "elderly_visit",
        "care",
        0.190,
        (
            (("companionship",), 0.75),
            (("companionship", "dementia_care"), 0.10),
            (("elderly_care",), 0.15),
        ),
        (45, 90),
        hours=((540, 1140),),
        windows=(120, 240, 360),
        requester="elderly",
        asks_dialect=True,
    ),
    KindProfile(
        "one_click_call",
        "care",
        0.050,
        ((("elderly_care",), 0.6), (("first_aid",), 0.4)),
        (15, 45),
        priority=CALL,
        hours=((480, 1260),),
        windows=(30, 60),
        requester="elderly",
        open_team_share=0.30,
        asks_dialect=True,
        urgent_share=0.6,
    ),
    KindProfile(
        "home_repair",
        "repair",
        0.070,
        (
            (("plumbing",), 0.3),
            (("electrical",), 0.3),
            (("carpentry",), 0.2),
            (("appliance_repair",), 0.2),
        ),
        (45, 120),
        priority=(0.05, 0.30, 0.40, 0.25, 0.0),
        fixed_share=0.15,
        slots=_slots("09:00", "10:00", "14:00", "15:00", "16:00"),
        open_team_share=0.05,
    ),
    KindProfile(
        "homework_help",
        "tutoring",
        0.040,
        ((("math",), 0.4), (("english",), 0.3), (("teaching",), 0.3)),
        (60, 90),
        priority=LOW,
        hours=((960, 1230),),
        windows=(60, 120, 180, 240),
        requester="family",
    ),
    KindProfile(
        "digital_skills",
        "tutoring",
        0.040,
        ((("digital_skills",), 1.0),),
        (45, 90),
        priority=LOW,
        hours=((540, 1140),),
        windows=(120, 240, 360),
        place="home_or_centre",
        requester="elderly",
        open_team_share=0.25,
    ),
)
"""Every request kind of the Qinxian catalogue with its profile."""

URGENT_WINDOWS = (10, 15, 20, 30)
"""Minutes within which an urgent call must be answered."""

PREFERRED_SHARE = 0.06
EXCLUDED_SHARE = 0.02
DIALECT_REQUESTER_SHARE = 0.35
"""Elderly requesters who want a Jin speaker (for kinds that ask for it)."""
ELDERLY_RESIDENT_SHARE = 0.55
