"""Component ids of the model page and who may use them (read by dashapp.hosting.roles)."""

PATH = "/model"
# Its place in the navigation bar.
ORDER = 2
PAGE_ROLE = "viewer"

MODEL_TABLE = "model-comparison"
MODEL_ROC = "model-roc"
MODEL_PR = "model-pr"
MODEL_CALIBRATION = "model-calibration"
MODEL_LIFT = "model-lift"
MODEL_IMPORTANCE = "model-importance"
MODEL_THRESHOLD = "model-threshold"
MODEL_CONFUSION = "model-confusion"
MODEL_REACH = "model-reach"
# The study around the model (dashapp.pages.model.study): fairness by group, with its verdicts,
# and the purchase rate in each sample.
MODEL_FAIRNESS = "model-fairness"
MODEL_FAIRNESS_VERDICT = "model-fairness-verdict"
MODEL_SAMPLING = "model-sampling"
# The designed state of a run that has no purchase model.
MODEL_MISSING = "model-missing"

# The role a callback needs for each component of this page it reads or writes.
CALLBACK_ROLES = dict.fromkeys((MODEL_THRESHOLD, MODEL_CONFUSION, MODEL_REACH), PAGE_ROLE)

# The repeat-purchase section of an order-log run (dashapp.pages.model.orders); drawn with the
# page, so no callback reads or writes these.
MODEL_REPEAT = "model-repeat"
MODEL_REPEAT_RUN = "model-repeat-run"
MODEL_REPEAT_TABLE = "model-repeat-comparison"
MODEL_REPEAT_IMPORTANCE = "model-repeat-importance"
MODEL_BACKTEST = "model-backtest"
MODEL_BACKTEST_WEEKLY = "model-backtest-weekly"
MODEL_BACKTEST_FREQUENCY = "model-backtest-frequency"
# The repeat propensity's fairness by customer attribute on the backtest's holdout.
MODEL_REPEAT_FAIRNESS = "model-repeat-fairness"
MODEL_REPEAT_FAIRNESS_VERDICT = "model-repeat-fairness-verdict"
# The line that says what an order log would add, when no order-log run exists.
MODEL_ORDER_LOG_HINT = "model-order-log-hint"
