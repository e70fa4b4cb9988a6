"""Subcommands of the `margin-monitor` command line."""
