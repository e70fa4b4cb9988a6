"""The monitoring loop: poll -> recompute -> persist -> alert. Qt-free, testable headless."""
