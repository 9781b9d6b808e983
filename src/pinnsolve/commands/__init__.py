"""Subcommands whose work spans layers (a solver and its figures): the CLI layer, above everything they use.

A subcommand whose package already sits above all it needs keeps its module there
(`pinnsolve.validate.command`, `pinnsolve.viz.command`); one that would make a lower package import
a higher one (the reference solver drawing its convergence plot) lives here.
"""
