"""The plan-quality rules, one module each; the registry finds them (``outlookgen.lint.registry``)."""
