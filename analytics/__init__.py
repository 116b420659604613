"""Customer analytics: validate a purchase CSV, segment customers, model purchases, store runs.

Where things happen: steps/ only computes; io/ and validation/ read files; db/ reads and writes the
database; runs/ wires one run of each kind and publishes it (runs/publish.py, the one place a run
is written); cli.py and commands.py are the command line; spark/ is the Spark engine;
notebook.py is the Python API for notebooks, `from analytics import analyse, publish`.
"""

__all__ = ["StudyResult", "analyse", "publish"]


def __getattr__(name: str):
    # `import analytics` stays light (the CLI, the dashboard and their workers import it):
    # pandas and scikit-learn load only when a notebook asks for the API.
    if name in __all__:
        from analytics import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module 'analytics' has no attribute {name!r}")
