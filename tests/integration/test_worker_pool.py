"""The worker processes model selection shares (joblib's reusable pool): a worker that dies
breaks the pool (BrokenProcessPool, what an upload saw after `pip install` into the running
server's environment), and discard_worker_pool leaves the next call a fresh pool that works."""

import os
from concurrent.futures.process import BrokenProcessPool

import pytest
from joblib import Parallel, delayed

from analytics.steps.classifier import discard_worker_pool


def _exit_in_first(task: int) -> int:
    if task == 0:
        os._exit(1)
    return task


def test_a_pool_whose_worker_exits_is_broken_and_a_fresh_one_works():
    with pytest.raises(BrokenProcessPool):
        Parallel(n_jobs=2)(delayed(_exit_in_first)(task) for task in range(4))
    discard_worker_pool()
    assert Parallel(n_jobs=2)(delayed(abs)(-task) for task in range(4)) == [0, 1, 2, 3]
    discard_worker_pool()
    discard_worker_pool()  # with no pool, nothing to stop
