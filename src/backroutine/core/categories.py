"""The routine categories: the progression gates by them.

Its own tiny module so that the CLI can name them without importing the model (start-up time).
"""

from typing import Literal

Category = Literal["gentle", "yoga", "strengthening"]
CATEGORIES: tuple[Category, ...] = ("gentle", "yoga", "strengthening")
