"""Access control at the HTTP edge: who is asking (API keys), what they may do (scopes),
and which objects a bound key reaches. See docs/DECISIONS.md, "API keys and scopes"."""
