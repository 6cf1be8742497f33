"""Unit tests: bertviz's JavaScript comes from the installed package, not from a copy in the repo."""
import pytest

from explorer.attention import bertviz
from explorer.core.sources import ModelUnavailable, package_dir


def test_views_inline_the_installed_packages_javascript():
    """Check the head and model views inline bertviz's own JS files, read from site-packages."""
    folder = package_dir("bertviz")
    assert folder is not None and "site-packages" in str(folder)
    for name in bertviz.BERTVIZ_JS:
        assert not (bertviz.ASSETS / name).exists()  # no vendored copy left
        source = (folder / name).read_text(encoding="utf-8")
        assert bertviz._asset(name) == source.replace("</script", "<\\/script")


def test_missing_bertviz_package_is_a_clear_error(monkeypatch):
    """Check a server without bertviz says which package to install instead of raising OSError."""
    monkeypatch.setattr(bertviz, "package_dir", lambda name: None)
    bertviz._asset.cache_clear()
    try:
        with pytest.raises(ModelUnavailable, match="bertviz==1.4.1"):
            bertviz._asset("head_view.js")
        assert "d3" in bertviz._asset("d3.min.js")[:2000].lower()  # vendored helpers still load
    finally:
        bertviz._asset.cache_clear()
