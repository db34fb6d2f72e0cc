"""HTTP service, CLI and jobs. May import assign, rules and solver; nothing imports api."""
