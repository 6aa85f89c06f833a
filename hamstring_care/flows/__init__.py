"""The use cases: the guided check and the routine session, each one function of its own.

A flow takes the ``Environment`` (what is real: consoles, clocks, keys, prompts, folders)
and the protocols, and returns what happened; the command line only parses and prints.
"""
