"""Three segments, as a run stores them, for the explorer and export tests."""

import pandas as pd

SEGMENTS = pd.DataFrame({"segment": [0, 1, 2], "name": ["Younger, budget", "Older", "Rich"]})
