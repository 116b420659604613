"""Customer analytics: validate a purchase CSV, segment customers, model purchases, store runs."""
