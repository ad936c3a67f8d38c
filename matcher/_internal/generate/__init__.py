"""Realistic synthetic communities modelled on Qinxian, Taiyuan: for demos, tests, benchmarks.

`generate_community` returns volunteers and requests as DataFrames in the data contract's
columns; `write_community` writes them as the CSV files `matcher solve` reads.
"""

from matcher._internal.generate.community import generate_community, write_community

__all__ = ["generate_community", "write_community"]
