"""The embassy's dashboard: the partnership funnel, the map, supply and demand, activity over
time and the programme's aggregates, on a page, as CSV/XLSX and as a quarterly report PDF.
Each area supplies its figures (``<area>/figures.py``); this package composes them."""
