"""Customer analytics: validate a purchase CSV, segment customers, model purchases, store runs.

Where things happen: steps/ only computes; io/ and validation/ read files; db/ reads and writes the
database; runs/ wires one run of each kind and publishes it (runs/publish.py, the one place a run
is written); cli.py and commands.py are the command line; spark/ is the Spark engine.
"""
