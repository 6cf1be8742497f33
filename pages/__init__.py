"""The app's UI: one folder per page (page.py, its helpers, its cache.py); shared/ holds what pages share."""
