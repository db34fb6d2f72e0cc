"""The one pipeline behind the routes, the CLI and the nightly job.

- `evaluation`: cases -> verdicts (rules), one case, a list or the whole store
- `placement`: verdicts -> plans and recommendations (solver); `frontier`: a forum's efficient plans
- `recommendations`: one case -> its verdict and a ranked recommendation, stored by `group_commit`
- `plan_store`: storing a plan with its recommendations, audit record and event; `plans`: reading them
- `decisions`: a dispatcher's decision on a recommendation; `jobs`: batch recommendation jobs
- `store`: opening the store, the active network, case and court file imports; `case_updates`: PATCH of a case
- `alerts`, `leads`: the store-wide node-alert and restoration-lead passes; `outcomes`, `outcomes_demo`:
  progress of transferred cases and the demo's transfer history
- `audit`, `audit_anchor`: audit records and the chain check, its signed anchors; `events`: the feed and
  webhook deliveries
Each entry point only parses input, calls these functions and formats output; persistence itself is
in `assign` (repository functions), which these call.
"""
