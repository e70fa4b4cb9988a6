"""PyInstaller's entry script: the bundle runs the same `main` as the `margin-monitor` script."""

import sys

from monitor.cli import main

if __name__ == "__main__":
    sys.exit(main())
