"""File formats the app reads and writes: portfolio files, health reports, CSV positions."""
