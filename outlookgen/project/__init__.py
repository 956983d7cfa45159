"""The project: its configuration, finding its specs, the build cache, and building and watching it."""
