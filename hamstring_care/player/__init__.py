"""The routine player: a pure timeline, a deadline-driven loop, keys, views and cues."""
