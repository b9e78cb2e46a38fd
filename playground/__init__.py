"""Optimizer Playground: experiments, races, figures, lessons and exports on top of the core.

Data flows one way: a link or the page's widgets give an :class:`~playground.model.experiment.Experiment`;
:func:`playground.model.simulate.simulate` runs it on the core; ``playground.figures`` draws the result.
"""
