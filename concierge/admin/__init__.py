"""Shared pieces for the staff admin's speed at scale (issue #8): bounded inlines, estimated counts."""
