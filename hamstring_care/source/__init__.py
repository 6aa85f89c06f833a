"""Protocol and plan files in: read within limits, validated, problems located.

``reading`` turns bytes into YAML with positions (the only yaml import), ``problems`` turns
validation errors into file:line:column lines, ``library`` finds and loads protocols and
plans, ``checking`` validates whole folders, ``authoring`` writes starters and the schema.
"""
