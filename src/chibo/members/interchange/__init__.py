"""Spreadsheet import and export of the tree, the roster and the dated history.

The file formats are the public contract in INTERCHANGE.md (docs/interchange.md lists
the columns and their Vietnamese labels). `importers.import_file` and
`exporters.export_file` are the entry points of the commands, the web upload (through
`jobs` and `tasks`) and the tests.
"""
