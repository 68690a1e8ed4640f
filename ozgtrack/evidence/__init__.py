"""Evidence from outside about the town's services: PVOG releases and findings, link checks."""
