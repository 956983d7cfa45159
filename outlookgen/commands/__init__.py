"""One module per command: click options in, one call into the pipeline, an exit code out."""
