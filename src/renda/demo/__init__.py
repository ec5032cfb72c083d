"""Demo data for `renda demo`: one city congress with its counties, deputies and accounts.

Everything is generated here (fixed seed, no outside data), so every run builds the same
people; see ``build.load_demo``.
"""
