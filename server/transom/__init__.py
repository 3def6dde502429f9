"""Transom."""
