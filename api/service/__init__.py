"""The one pipeline behind the routes, the CLI and the nightly job.

- `api.service.evaluation`: cases -> verdicts (rules)
- `api.service.placement`: verdicts -> plan and recommendations (solver)
- `api.service.store`: import, persistence glue
Each entry point only parses input, calls these functions and formats output.
"""
