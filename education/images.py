"""Kept only because migration 0001 names education.images.validate_upload; the code lives in images/processing.py."""
from images.processing import validate_upload  # noqa: F401
