"""One module per subcommand; see ``annotator.cli``."""
