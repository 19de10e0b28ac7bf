"""The command line, above the app: parsing, launch, the commands and the classroom server. Nothing in the app
imports it."""
