"""Channel adapters: they only convert (request -> Incoming, Reply -> response)."""
