"""Take-home sheets.

One pure description of the sheet (``content``), drawn by one module per format (``text``
for plain text and Markdown, ``html``, ``pdf``); ``formats`` picks one and names the file.
"""
