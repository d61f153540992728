"""Developer tooling for juesuan: synthetic disclosures with an answer key, and their PDF renderer.

Not part of the runtime package: installed with the project's development set-up only.
"""
