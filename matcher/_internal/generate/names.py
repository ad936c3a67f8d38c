"""Display names, so a coordinator reading a generated schedule sees people, not only ids."""

from __future__ import annotations

import numpy as np

SURNAMES = "王李张刘赵杨郭贾武孙高梁程任韩田郝乔薛史冯胡阎侯段牛马温白吕范常秦曹陈"
"""Common surnames in Shanxi, most frequent first."""

GIVEN = "建国华明丽英秀芳军平红霞伟强静敏燕玲文斌海涛晓志春桂兰凤丹宇鹏刚慧俊杰玉梅"


def display_names(rng: np.random.Generator, n: int) -> list[str]:
    """`n` plausible Chinese names: a surname (skewed to the common ones) and one or two
    given-name characters."""
    ranks = np.arange(1, len(SURNAMES) + 1, dtype=np.float64)
    weights = 1.0 / ranks
    surname = rng.choice(len(SURNAMES), size=n, p=weights / weights.sum())
    first = rng.integers(0, len(GIVEN), size=n)
    second = rng.integers(0, len(GIVEN), size=n)
    two = rng.random(n) < 0.7
    return [
        SURNAMES[s] + GIVEN[a] + (GIVEN[b] if t else "")
        for s, a, b, t in zip(
            surname.tolist(), first.tolist(), second.tolist(), two.tolist(), strict=True
        )
    ]
