"""emulate — year-end emulation and commendation (thi đua - khen thưởng) from the command line."""

__version__ = "0.1.0"
