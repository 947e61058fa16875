"""The bundled seed article (see pyproject package-dir)."""
