"""Practica: a self-hosted home for an organisation's communities of practice."""

__version__ = "0.1.0"
