"""The site root: the public home page (公开首页). URL names `home` and `public_home` both point here."""

from .public import public_home as home

__all__ = ["home"]
