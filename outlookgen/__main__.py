"""`python -m outlookgen` runs the command line."""

from outlookgen.cli import main

main()
