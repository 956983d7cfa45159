"""outlookgen: a YAML implementation-outlook spec in, client-ready documents out."""

__version__ = "0.1.0"
