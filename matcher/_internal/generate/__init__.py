"""Realistic synthetic communities modelled on Qinxian, Taiyuan: for demos, tests, benchmarks.

`generate_community` returns volunteers and requests as DataFrames in the data contract's
columns; `write_community` writes them as the CSV files `matcher solve` reads.
`generate_city` and `write_city` do the same for several communities a few kilometres apart.
"""

from matcher._internal.generate.city import generate_city, write_city
from matcher._internal.generate.community import generate_community, write_community
from matcher._internal.generate.visits import weekly_visits

__all__ = ["generate_city", "generate_community", "weekly_visits", "write_city", "write_community"]
