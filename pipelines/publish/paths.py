"""Names of the published files, shared by the build and by the commands that read them.

Kept apart from ``build.py`` so that a reader (``archive show``) imports no build machinery.
"""

WAREHOUSE_FILE = "warehouse.duckdb"
ANALYTICS_FILE = "analytics.duckdb"
CITY_TIMEZONE = "Asia/Shanghai"  # dates of TIMESTAMPTZ values are city dates
