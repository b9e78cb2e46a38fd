"""The model: what an experiment is, how it is written in a link, and what running it gives.

No Streamlit and no drawing here. :mod:`.experiment` holds the frozen experiment, :mod:`.link` its
query-string form (one table of fields; :mod:`.link_entries` and :mod:`.link_values` its parts),
:mod:`.lessons` the guided experiments, :mod:`.simulate` runs one on the core, :mod:`.metrics` and :mod:`.sweep`
measure runs, :mod:`.schedules` the learning-rate schedules, :mod:`.defaults` the per-surface
learning rates, :mod:`.caps` the limits every input path enforces.
"""
