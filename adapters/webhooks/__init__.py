"""Webhook delivery over HTTP: the address guard, the signed sender and the worker loop."""
