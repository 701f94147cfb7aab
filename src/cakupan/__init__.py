"""Cakupan: employment social-security coverage, region by region."""

__version__ = "0.1.0"
