"""Town bundles: one town's triage decisions, statuses, online services, blockers and history as versioned JSON.

``format`` (with ``format_online``, ``checks`` and ``records``) reads and writes the JSON (no database),
``collect`` gathers a town's record from the database, ``merge`` (with ``merge_online``) plans and writes a
bundle into another database.
"""
