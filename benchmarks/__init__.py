"""Measurements that back the figures in docs/."""
