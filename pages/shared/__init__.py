"""What every page shares: the menu, URL-state sync and the cached model singletons."""
