"""renda — 数字人大 platform."""

__version__ = "0.1.0"
