"""Adapters: the in-process boto3 transport, the local HTTP endpoint and the ``ecslab`` CLI."""
