"""Run the command line interface with ``python -m ozgtrack``."""

from ozgtrack.cli import main

main()
