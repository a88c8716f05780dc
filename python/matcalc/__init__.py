"""matcalc: symbolic matrix calculus, from Python and Jupyter.

Type a model in matcalc's formula language (docs/language.md), say what each symbol is,
and get its exact derivatives as formulas that read like a textbook, their values as
NumPy arrays, a finite-difference check, generated code, and training::

    >>> import matcalc
    >>> m = matcalc.Model("w, x : vector(n); b : scalar; f = max(0, w·x + b)")
    >>> m.derive("w").unicode
    'step(w·x + b) xᵀ'
    >>> m.gradient("w", {"w": [1, 2], "x": [3, 4], "b": 0.5})
    array([3., 4.])

Values (``at``) are dicts from names to numbers, lists or anything NumPy converts, shaped
as in the values format: a scalar is a number, a column vector a flat list, a matrix a
list of rows; a size may be given by name (``"n": 3``). A values file's path, or JSON
text starting with ``{``, is accepted too. Results are floats and NumPy arrays.

Every result is the command line's, to the last bit: ``m.jacobian("w", at)`` holds the
same doubles as ``matcalc derive MODEL --wrt w --at AT --format json``.

Bad input raises :class:`InputError` (a ``ValueError``) with the compiler-form message
and the ``line`` and ``column`` in the model text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, NamedTuple, Optional, Sequence, Union

import numpy as np

from . import _matcalc
from ._errors import InputError, InternalError, TrainingDiverged

__version__: str = _matcalc.__version__

# Tracebacks and reprs name the exceptions where users find them: matcalc.InputError.
for _exception in (InputError, TrainingDiverged, InternalError):
    _exception.__module__ = __name__
del _exception

__all__ = [
    "Model",
    "Derivative",
    "CheckResult",
    "CompareResult",
    "TrainResult",
    "Epoch",
    "InputError",
    "TrainingDiverged",
    "InternalError",
    "DATA_SETS",
    "__version__",
]

#: The generated data sets ``Model.train`` takes by name (as ``matcalc train --data``).
DATA_SETS = ("xor", "moons", "circles", "spirals")


class Derivative:
    """One derivative, as ``matcalc derive --format json`` writes it.

    ``wrt`` the variable, ``of`` the function, ``text`` in the formula language (it
    parses back), ``unicode`` as a textbook writes it, ``latex`` for KaTeX/MathJax, and
    ``shape`` a pair of sizes, each a number or a size symbol's name: ``(1, "n")``.
    Jupyter shows it as a formula (``_repr_latex_``).
    """

    __slots__ = ("of", "wrt", "text", "unicode", "latex", "shape", "_latex_header")

    def __init__(self, of: str, wrt: str, text: str, unicode: str, latex: str, shape: tuple, latex_header: str):
        self.of = of
        self.wrt = wrt
        self.text = text
        self.unicode = unicode
        self.latex = latex
        self.shape = shape
        self._latex_header = latex_header

    def __str__(self) -> str:
        return f"∂{self.of}/∂{self.wrt} = {self.unicode}"

    def __repr__(self) -> str:
        return f"<Derivative ∂{self.of}/∂{self.wrt} = {self.unicode}  (shape {_shape_text(self.shape)})>"

    def _repr_latex_(self) -> str:
        return f"${self._latex_header} = {self.latex}$"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Derivative):
            return NotImplemented
        return (self.of, self.wrt, self.text, self.shape) == (other.of, other.wrt, other.text, other.shape)

    def __hash__(self) -> int:
        return hash((self.of, self.wrt, self.text, self.shape))


class CompareResult(NamedTuple):
    """A claimed derivative against matcalc's (``matcalc compare``, docs/compare.md).

    ``equal`` when it is ∂f/∂wrt; ``compared_as`` is ``"jacobian"`` or ``"gradient"``
    (decided by the claim's shape); ``diagnosis`` names the slip of an unequal claim ("the
    wrong sign", "transposed", "a term missing: ...") or is None; ``symbolic`` when the
    simplifier decided, else ``points`` random points did.
    """

    equal: bool
    compared_as: str
    diagnosis: Optional[str]
    max_error: float
    symbolic: bool
    points: int


class CheckResult(NamedTuple):
    """A symbolic derivative against central finite differences (``matcalc check``).

    ``ok`` when ``max_error`` (the largest relative error, see docs/language.md) is within
    ``tolerance``; ``point``, ``row`` and ``col`` (0-based) say where it was largest,
    with the two values compared there.
    """

    wrt: str
    ok: bool
    max_error: float
    tolerance: float
    points: int
    point: int
    row: int
    col: int
    symbolic: float
    numeric: float
    absolute_error: float
    relative_error: float

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        verdict = "ok" if self.ok else "MISMATCH"
        return (f"<CheckResult ∂/∂{self.wrt}: {verdict}, largest error {self.max_error:.3g} "
                f"(tolerance {self.tolerance:.3g}) over {self.points} point{'s' if self.points != 1 else ''}>")


class Epoch(NamedTuple):
    """One line of the training log: the loss (and accuracy, for classification, else
    None) over the whole training set at the end of the epoch (counted from 1)."""

    epoch: int
    loss: float
    accuracy: Optional[float]


class TrainResult:
    """What ``Model.train`` returns: ``parameters`` (a dict from names to floats and
    arrays shaped as declared, in declaration order), the per-epoch ``log``, and with
    ``test=`` the held-out ``test_loss`` and ``test_accuracy``."""

    def __init__(self, parameters: dict, log: list, test_loss: Optional[float], test_accuracy: Optional[float],
                 lifted: bool):
        self.parameters = parameters
        self.log = log
        self.test_loss = test_loss
        self.test_accuracy = test_accuracy
        self.lifted = lifted

    @property
    def loss(self) -> float:
        """The loss after the last epoch."""
        return self.log[-1].loss

    def __repr__(self) -> str:
        last = self.log[-1]
        acc = "" if last.accuracy is None else f", accuracy {last.accuracy:.4f}"
        return (f"<TrainResult {len(self.log)} epoch{'s' if len(self.log) != 1 else ''}: loss {last.loss:.6f}{acc}; "
                f"parameters {', '.join(self.parameters)}>")


Values = Union[Mapping, str, os.PathLike]


class Model:
    """A model in matcalc's formula language (docs/language.md).

    ``Model(text)`` parses and binds the text now, so a mistake raises
    :class:`InputError` here; diagnostics call the text ``name`` ("model").
    ``Model.from_file(path)`` reads a ``.mc`` file. Every method takes ``of=`` to pick the
    function (a definition's name); without it, the last definition.
    """

    def __init__(self, text: Union[str, bytes], name: str = "model", *, _from_file: bool = False):
        if not isinstance(text, (str, bytes)):
            raise TypeError(f"Model(text): text must be str or bytes, not {type(text).__name__}")
        if isinstance(text, str):
            # Lone surrogates (text decoded with errors="surrogateescape") become bytes
            # that are not UTF-8, which the engine reports where they are.
            text = text.encode("utf-8", "surrogatepass")
        self._session = _matcalc.Session(text, str(name), bool(_from_file))

    @classmethod
    def from_file(cls, path: Union[str, os.PathLike]) -> "Model":
        """The model in the file ``path`` (diagnostics name the file)."""
        name = os.fspath(path)
        return cls(_read_text(name, "model"), name=name, _from_file=True)

    @property
    def text(self) -> str:
        """The model's text."""
        return self._session.text

    @property
    def name(self) -> str:
        """What diagnostics call the text: "model", or the file's path."""
        return self._session.name

    @property
    def variables(self) -> list:
        """The declared symbols' names, in order."""
        return [s[0] for s in self._session.symbols() if s[1] == "declared"]

    @property
    def definitions(self) -> list:
        """The defined symbols' names, in order (the last is the default function)."""
        return [s[0] for s in self._session.symbols() if s[1] == "defined"]

    def shape(self, name: str) -> tuple:
        """A symbol's shape, as ``Derivative.shape``: ``("n", 1)`` for a vector(n)."""
        for s in self._session.symbols():
            if s[0] == name:
                return s[3]
        raise InputError(f"{self.name}: error: the model has no symbol named '{name}'")

    def __repr__(self) -> str:
        if not hasattr(self, "_session"):  # its construction failed
            return "<matcalc.Model (not bound)>"
        symbols = self._session.symbols()
        defined = [s[0] for s in symbols if s[1] == "defined"]
        declared = [s[0] for s in symbols if s[1] == "declared"]
        f = defined[-1] if defined else "(no function)"
        return f"<matcalc.Model {self.name!r}: {f} of {', '.join(declared) or 'nothing'}>"

    def derive(self, wrt: Union[str, Sequence[str]], of: Optional[str] = None, expand: bool = False):
        """∂f/∂wrt as a :class:`Derivative`; a list of them for a list of names.

        ``wrt`` may name a definition too (∂L/∂z holds everything else fixed).
        ``expand=True`` writes out the definitions instead of their names.
        """
        names, single = _names(wrt)
        results = [Derivative(**d) for d in self._session.derive(names, of, bool(expand))]
        return results[0] if single else results

    def value(self, at: Values, of: Optional[str] = None):
        """The function's value at ``at``: a float, or an array shaped as the values
        format writes it (a vector 1-D, a matrix 2-D)."""
        return self._session.value(_values_text(at, "at"), of)

    def jacobian(self, wrt: str, at: Values, of: Optional[str] = None) -> np.ndarray:
        """∂vec(f)/∂vec(wrt) at ``at``: numel(f) × numel(wrt), entries of matrices in vec
        (column-major) order."""
        return self._session.jacobian(_name(wrt), _values_text(at, "at"), of)

    def gradient(self, wrt: str, at: Values, of: Optional[str] = None):
        """∇_wrt f of a scalar f at ``at``, shaped like ``wrt`` (a float for a scalar)."""
        return self._session.gradient(_name(wrt), _values_text(at, "at"), of)

    def hessian(self, wrt: str, at: Values, of: Optional[str] = None) -> np.ndarray:
        """∂²f/∂vec(wrt)² of a scalar f at ``at``: numel(wrt) × numel(wrt)."""
        return self._session.hessian(_name(wrt), _values_text(at, "at"), of)

    def check(self, wrt: Union[str, Sequence[str]], points: int = 5, seed: int = 1, tolerance: float = 1e-6,
              at: Optional[Values] = None, hessian: bool = False, of: Optional[str] = None):
        """The symbolic derivative against central finite differences at ``points`` random
        points (seeded; with ``at`` the first point is ``at``): a :class:`CheckResult`, or
        a list of them for a list of names. ``hessian=True`` checks the Hessian."""
        names, single = _names(wrt)
        values = None if at is None else _values_text(at, "at")
        results = [CheckResult(**c) for c in self._session.check(names, _integer(points, "points"),
                                                                  _seed(seed), float(tolerance), bool(hessian),
                                                                  values, of)]
        return results[0] if single else results

    def compare(self, wrt: str, claim: str, points: int = 5, seed: int = 1, tolerance: float = 1e-6,
                of: Optional[str] = None) -> CompareResult:
        """Is ``claim`` (an expression over the model's names) the derivative of the function
        with respect to ``wrt``? A :class:`CompareResult`. An error in the claim raises
        :class:`InputError` located in it (``claim:1:7: error: ...``)."""
        if not isinstance(wrt, str) or not isinstance(claim, str):
            raise InputError(f"{self.name}: error: compare takes one variable's name and the claim as text")
        return CompareResult(**self._session.compare(wrt, claim, _integer(points, "points"), _seed(seed),
                                                      float(tolerance), of))

    def codegen(self, wrt: Union[str, Sequence[str]], lang: str = "numpy", of: Optional[str] = None,
                expand: bool = False) -> str:
        """The function and its gradients (or Jacobians) as a Python module over NumPy
        (``lang="numpy"``) or a C++ header over Eigen (``lang="cpp"``): the text that
        ``matcalc codegen --lang LANG`` prints (its header names the file, or "-e text"
        for a model given as text, as the command line does)."""
        names, _ = _names(wrt)
        if not isinstance(lang, str):
            raise InputError(f"{self.name}: error: lang={lang!r}: the languages are 'numpy' and 'cpp'")
        return self._session.codegen(names, lang, of, bool(expand))

    def train(self, data, epochs: int = 10, batch: int = 32, lr: float = 0.1, optimizer: str = "sgd",
              seed: int = 1, samples: int = 200, noise: float = 0.1, init: Optional[Values] = None,
              target: Union[str, int, None] = None, output: Optional[str] = None, test=None,
              precision: str = "float64", save: Union[str, os.PathLike, None] = None,
              log: Union[str, os.PathLike, None] = None, of: Optional[str] = None) -> TrainResult:
        """Minimises the loss (``of``, or the last definition) over the ``param`` symbols,
        as ``matcalc train`` does with the same options and seed (the same numbers).

        ``data``: a generated set's name (``DATA_SETS``: "xor", "moons", "circles",
        "spirals"; ``samples`` and ``noise`` apply), a CSV file's path (a header line,
        samples as rows; ``target`` names the target column, default the last), or an
        array, samples as rows, the target in the last column (or the column ``target``
        indexes); a target column of class codes becomes one-hot classes as in a CSV file.
        ``init``: starting values (values as for ``at``). ``test``: held-out data (a CSV
        path or an array). ``save`` writes the trained parameters as a values file,
        ``log`` the per-epoch log as CSV, as the command line's options of those names.
        Returns a :class:`TrainResult`; raises :class:`TrainingDiverged` when the loss or
        a parameter becomes NaN or infinite, and KeyboardInterrupt on Ctrl-C (checked
        every 64 minibatches and at each epoch's end).
        """
        data_name, data_csv, target_name = _data(data, target, "data")
        test_name = test_csv = None
        if test is not None:
            test_name, test_csv, _ = _data(test, target, "test")
            if test_csv is None:
                raise InputError(f"test: error: '{test}' is a generated set: give a CSV file or an array")
        init_values = None if init is None else _values_text(init, "init")
        if output is not None and not isinstance(output, str):
            raise InputError(f"output: error: give a definition's name, not {output!r}")
        raw = self._session.train(data_name, data_csv, target_name, output, init_values, test_name, test_csv,
                                  _integer(epochs, "epochs"), _integer(batch, "batch"), _integer(samples, "samples"),
                                  float(noise), float(lr), str(optimizer), str(precision), _seed(seed), of)
        result = TrainResult(raw["parameters"], [Epoch(*e) for e in raw["log"]], raw["test_loss"],
                             raw["test_accuracy"], raw["lifted"])
        if save is not None:
            _write_values(os.fspath(save), result.parameters)
        if log is not None:
            with open(os.fspath(log), "w", encoding="utf-8") as out:
                out.write("epoch,loss,accuracy\n")
                for e in result.log:
                    out.write(f"{e.epoch},{e.loss:.17g},{'' if e.accuracy is None else format(e.accuracy, '.17g')}\n")
        return result


# ---------------------------------------------------------------- conversions


def _shape_text(shape: tuple) -> str:
    return " × ".join(str(d) for d in shape)


def _name(wrt: Any) -> str:
    if not isinstance(wrt, str):
        raise TypeError(f"wrt must be a variable's name (str), not {type(wrt).__name__}")
    return wrt


def _names(wrt: Any) -> tuple:
    """(names, whether one name was given)."""
    if isinstance(wrt, str):
        return [wrt], True
    if isinstance(wrt, (list, tuple)) and all(isinstance(w, str) for w in wrt):
        return list(wrt), False
    raise TypeError("wrt must be a name (str) or a list of names")


def _integer(n: Any, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise InputError(f"{what}: error: {what}={n!r}: give a whole number")
    if not -(2**31) <= int(n) < 2**31:
        raise InputError(f"{what}: error: {what}={n!r} is out of range")
    return int(n)


def _seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) < 2**64:
        raise InputError(f"seed: error: seed={seed!r}: give a whole number from 0 to 2⁶⁴ − 1")
    return int(seed)


def _read_text(path: str, what: str) -> str:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise InputError(f"{path}: error: cannot read the {what}: {e.strerror or e}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw  # the engine reports the bad byte where it is


def _value_json(name: str, value: Any, what: str) -> str:
    """One value in the values format's JSON: number, flat list or list of rows."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a size ("n": 3) stays a whole number
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as e:
        raise InputError(f"{what}: error: the value of '{name}' is not a number or an array of numbers ({e})") from None
    if array.ndim > 2:
        raise InputError(f"{what}: error: the value of '{name}' has {array.ndim} dimensions; "
                         "give a number, a flat list (vector) or a list of rows (matrix)")
    if not np.all(np.isfinite(array)):
        raise InputError(f"{what}: error: the value of '{name}' is not finite (NaN or infinity)")
    # float repr is the shortest text that reads back as the same double, as the engine
    # writes numbers: the engine reads exactly these doubles.
    return json.dumps(array.tolist())


def _values_text(values: Any, what: str) -> tuple:
    """(name, JSON text) of a values argument: a dict, JSON text, or a file's path."""
    if isinstance(values, (str, os.PathLike)):
        text = os.fspath(values)
        if isinstance(text, str) and text.lstrip().startswith("{"):
            return what, text
        return text, _read_text(text, "values file")
    if not isinstance(values, Mapping):
        raise InputError(f"{what}: error: give a dict from names to values (or a values file's path), "
                         f"not {type(values).__name__}")
    lines = []
    for name, value in values.items():
        if not isinstance(name, str):
            raise InputError(f"{what}: error: the key {name!r} is not a name")
        lines.append(f"  {json.dumps(name, ensure_ascii=False)}: {_value_json(name, value, what)}")
    # One entry a line, so that an error's caret line shows the entry it is about.
    return what, "{\n" + ",\n".join(lines) + "\n}\n"


def _data(data: Any, target: Any, what: str) -> tuple:
    """(name, CSV text or None for a generated set, target column name) of training data."""
    if isinstance(data, str) and data in DATA_SETS:
        return data, None, None
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        if target is not None and not isinstance(target, str):
            raise InputError(f"{what}: error: target={target!r}: name the CSV file's target column")
        text = _read_text(path, "data")
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        return path, text, target
    try:
        table = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as e:
        raise InputError(f"{what}: error: give a data set's name ({', '.join(DATA_SETS)}), a CSV file's path "
                         f"or an array of numbers, samples as rows ({e})") from None
    if table.ndim != 2 or table.shape[1] < 2 or table.shape[0] < 1:
        raise InputError(f"{what}: error: an array of data must be 2-D, samples as rows, inputs then the target: "
                         f"this one has shape {table.shape}")
    if not np.all(np.isfinite(table)):
        raise InputError(f"{what}: error: the data has a NaN or an infinity")
    header = [f"c{j + 1}" for j in range(table.shape[1])]
    column = None
    if target is not None:
        if isinstance(target, bool) or not isinstance(target, (int, np.integer)) \
                or not -table.shape[1] <= int(target) < table.shape[1]:
            raise InputError(f"{what}: error: target={target!r}: give the index of the target column "
                             f"(0 to {table.shape[1] - 1}, or negative from the end)")
        column = header[int(target)]
    return "<array>", _matcalc.csv_text(table, header), column


def _write_values(path: str, parameters: dict) -> None:
    """The parameters as a values file (numbers, flat lists, lists of rows), written to a
    temporary file renamed over ``path`` as ``matcalc train --save`` does."""
    text = "{\n" + ",\n".join(
        f"  {json.dumps(name, ensure_ascii=False)}: {json.dumps(v if isinstance(v, float) else v.tolist())}"
        for name, v in parameters.items()) + "\n}\n"
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)

