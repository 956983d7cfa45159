"""outlookgen: a YAML implementation-outlook spec in, client-ready documents out."""

__version__ = "0.1.0"

# The cycle collector's thresholds in a command's process (outlookgen.cli.main says why).
COLLECTOR_THRESHOLDS = (20_000, 50, 100)
