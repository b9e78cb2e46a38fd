"""What a typed formula may contain: its variables, constants and functions, and the caps on its size.

Every other module of the package reads these names from here, so the language is stated once.
"""

import math

MAX_CHARS = 200
MAX_NODES = 150
MAX_DEPTH = 40
MAX_NUMBER = 1e6
MAX_EXPONENT = 100
MAX_BOUND = 1e4
#: Points per axis of the grid that checks where the formula is finite.
GRID = 41

FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sinh", "cosh", "arctan")
VARIABLES = ("x", "y")
CONSTANTS = {"pi": math.pi, "e": math.e}
ALLOWED = "use only x, y, numbers, + - * / **, and sin cos tan exp log sqrt abs tanh sinh cosh arctan, pi, e"
