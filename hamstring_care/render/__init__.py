"""Everything shown or printed: one document model, drawn by one renderer per output.

``content`` describes what a result, a protocol or a take-home sheet says, with one
citation numbering, before anything draws it; ``terminal`` (Rich), ``text`` (plain text
and Markdown), ``html`` and ``pdf`` draw it; ``formats`` picks a sheet's renderer.
"""
