"""Renderers: the model plus a template pack become Markdown, HTML or Word."""
