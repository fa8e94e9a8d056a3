"""newsmon core library: feeds, NLP, events, alerts, metrics, Kafka helpers and the CLI.

Nothing here imports ``agents``: the Faust layer depends on this package, never the reverse.
"""

__version__ = "0.1.0"
