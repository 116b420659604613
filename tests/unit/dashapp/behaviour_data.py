"""Six customers of an order-log run (customer_behaviour's columns), for the explorer and
export tests."""

import pandas as pd

SEGMENTS = pd.DataFrame({"segment": [0, 1], "name": ["Lapsing one-offs", "Frequent spenders"]})


def behaviour_customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["=c1", "c2", "c3", "c4", "c5", "c6"],
            "recency_days": [2, 10, 40, 200, 300, 5],
            "frequency": [12, 5, 3, 1, 1, 9],
            "monetary": [900.0, 300.5, 120.0, 40.0, 20.0, 700.0],
            "r_score": [5, 5, 4, 2, 1, 5],
            "f_score": [5, 4, 3, 1, 1, 5],
            "m_score": [5, 4, 3, 2, 1, 4],
            "fm_score": [5, 4, 3, 1, 1, 5],
            "rfm_group": [
                "Champions",
                "Champions",
                "Potential Loyalist",
                "Lost",
                "Lost",
                "Champions",
            ],
            "segment": [1, 1, 0, 0, 0, 1],
            "p_repeat": [0.91234567, 0.7, 0.5, 0.1, 0.05, 0.8],
            "expected_orders": [2.123456, 1.2, 0.6, 0.1, 0.02, 1.9],
            "expected_orders_lo": [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            "expected_orders_hi": [6.0, 4.0, 2.0, 1.0, 0.0, 5.0],
            "p_alive": [0.95, 0.9, 0.7, 0.2, 0.1, 0.93],
            "expected_value": [310.456, 90.0, 30.0, 3.0, 0.5, 250.0],
        }
    )
