"""Rules that judge several specs together (``outlookgen lint --portfolio``), one per module."""
