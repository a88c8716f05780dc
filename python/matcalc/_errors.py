"""The exceptions of matcalc (re-exported by the package; the compiled module raises them)."""

from typing import Optional


class InputError(ValueError):
    """Bad input: the model text, a name, a value, an option.

    ``str(e)`` is the message in the compiler form the command line prints::

        model:1:25: error: cannot multiply vector(n) by vector(n)
          w, x : vector(n); f = w * x
                                  ^
          did you mean w·x (inner product), w ⊙ x (elementwise) or w * x' (outer product)?

    ``line`` and ``column`` (1-based, the column counted in characters) say where in the
    model text the problem is; both are None when it is not in the model text (an unknown
    name in ``wrt``, a value in ``at``, a data file).
    """

    def __init__(self, message: str, line: Optional[int] = None, column: Optional[int] = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        # The rendered diagnostic ends with a newline, as printed; str() need not.
        return self.message.rstrip("\n")

    def __repr__(self) -> str:
        first = self.message.split("\n", 1)[0]
        return f"InputError({first!r}, line={self.line}, column={self.column})"


class TrainingDiverged(ArithmeticError):
    """Training produced a NaN or an infinity (the command line's exit code 1).

    ``epoch`` counts from 1; ``parameter`` names the first parameter that went bad, or is
    "" when it was the loss.
    """

    def __init__(self, message: str, epoch: int = 0, parameter: str = ""):
        super().__init__(message)
        self.epoch = epoch
        self.parameter = parameter


class InternalError(RuntimeError):
    """A fault of the engine itself, not of the input (the command line's exit code 3)."""
