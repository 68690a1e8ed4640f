"""Town bundles: one town's triage decisions, statuses and history as versioned JSON, for its Kreis or Land.

``format`` reads and writes the JSON (no database), ``collect`` gathers a town's record from the
database, ``merge`` plans and writes a bundle into another database.
"""
