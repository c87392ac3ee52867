"""The Streamlit configuration the page is served with."""

import tomllib

from eig_qa.config import PROJECT_ROOT


def test_production_config_watches_no_file_and_names_its_address():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"  # no "Inotify queue overflowed" from other commands
    assert config["server"]["runOnSave"] is False
    # Set: the start-up message prints this address instead of asking an outside service for a public one.
    assert config["browser"]["serverAddress"] == "localhost"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
