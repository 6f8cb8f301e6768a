"""Data files shipped with ecslab; each file's header names its source and the date of its figures."""
