"""Django's PostgreSQL backend, with the per-query costs Rapport's pages pay most trimmed
(`base.DatabaseWrapper`); DATABASE_URL selects it (rapport/settings.py)."""
