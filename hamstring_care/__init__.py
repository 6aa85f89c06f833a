"""hamstring-care: guided self-care for hamstring pain."""

__version__ = "0.1.0"
