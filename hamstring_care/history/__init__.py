"""The progress log: the SQLite store, what it says about progress, its views and exports."""
