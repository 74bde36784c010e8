"""The reading room: the archive in Datasette (make explore). serve.py serves it."""
