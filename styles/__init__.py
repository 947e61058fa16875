"""Textual stylesheets, shipped inside the package (see pyproject package-dir)."""
