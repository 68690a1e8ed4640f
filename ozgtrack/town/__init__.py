"""The town: its municipality and rules, triage, statuses with their history, worksheets."""
