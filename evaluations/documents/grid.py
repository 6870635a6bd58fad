"""The grid of a printed form lives in disclosures.parts (which draws it); the layouts import it from here."""

from disclosures.parts.grid import Cell, Grid, head, label, money, num, text

__all__ = ["Cell", "Grid", "head", "label", "money", "num", "text"]
