"""Storing a fitted model as bytes and loading it again.

Only this application's own stored bytes are ever unpickled. A pickle names each class by module
path, so a class that has moved since a model was stored is looked up where it lives now
(MOVED_CLASSES); everything else is found where the pickle says.
"""

import io
import pickle

import sklearn

# (module, name) a stored model may name → (module, name) of the class today.
MOVED_CLASSES = {
    ("analytics.classifier", "PlattCalibrated"): (
        "analytics.steps.classifier.calibration",
        "PlattCalibrated",
    ),
}


class ModelVersionError(RuntimeError):
    """A stored model was written by another scikit-learn version and is not trusted to load."""


def dump_model(model) -> bytes:
    buffer = io.BytesIO()
    pickle.dump(model, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return buffer.getvalue()


def load_model(artifact: bytes, sklearn_version: str):
    """Unpickle a model this application stored itself; never call this on uploaded bytes."""
    if sklearn_version != sklearn.__version__:
        raise ModelVersionError(
            f"the stored model was trained with scikit-learn {sklearn_version} but "
            f"{sklearn.__version__} is installed; re-run `python -m analytics run` to retrain it."
        )
    return _StoredModelUnpickler(io.BytesIO(artifact)).load()


class _StoredModelUnpickler(pickle.Unpickler):
    """An unpickler that finds the classes of MOVED_CLASSES where they live now."""

    def find_class(self, module: str, name: str):
        return super().find_class(*MOVED_CLASSES.get((module, name), (module, name)))
