# Type hints of the package matcalc (python/matcalc/__init__.py); see its docstrings.
import os
from collections.abc import Mapping
from typing import NamedTuple, Optional, Sequence, Union, overload

import numpy as np
import numpy.typing as npt

__version__: str
DATA_SETS: tuple[str, ...]

# A number, a nested list or anything NumPy converts to an array of floats.
ValueLike = Union[float, int, npt.ArrayLike]
# A dict from names to values, JSON text starting with "{", or a values file's path.
Values = Union[Mapping[str, ValueLike], str, os.PathLike[str]]
# A size of a shape: a number or a size symbol's name.
Dim = Union[int, str]

class InputError(ValueError):
    message: str
    line: Optional[int]
    column: Optional[int]
    def __init__(self, message: str, line: Optional[int] = ..., column: Optional[int] = ...) -> None: ...

class TrainingDiverged(ArithmeticError):
    epoch: int
    parameter: str
    def __init__(self, message: str, epoch: int = ..., parameter: str = ...) -> None: ...

class InternalError(RuntimeError): ...

class Derivative:
    of: str
    wrt: str
    text: str
    unicode: str
    latex: str
    shape: tuple[Dim, Dim]
    def _repr_latex_(self) -> str: ...

class CheckResult(NamedTuple):
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

class CompareResult(NamedTuple):
    equal: bool
    compared_as: str
    diagnosis: Optional[str]
    max_error: float
    symbolic: bool
    points: int

class Epoch(NamedTuple):
    epoch: int
    loss: float
    accuracy: Optional[float]

class TrainResult:
    parameters: dict[str, Union[float, np.ndarray]]
    log: list[Epoch]
    test_loss: Optional[float]
    test_accuracy: Optional[float]
    lifted: bool
    @property
    def loss(self) -> float: ...

class Model:
    def __init__(self, text: Union[str, bytes], name: str = ...) -> None: ...
    @classmethod
    def from_file(cls, path: Union[str, os.PathLike[str]]) -> Model: ...
    @property
    def text(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def variables(self) -> list[str]: ...
    @property
    def definitions(self) -> list[str]: ...
    def shape(self, name: str) -> tuple[Dim, Dim]: ...
    @overload
    def derive(self, wrt: str, of: Optional[str] = ..., expand: bool = ...) -> Derivative: ...
    @overload
    def derive(self, wrt: Sequence[str], of: Optional[str] = ..., expand: bool = ...) -> list[Derivative]: ...
    def value(self, at: Values, of: Optional[str] = ...) -> Union[float, np.ndarray]: ...
    def jacobian(self, wrt: str, at: Values, of: Optional[str] = ...) -> np.ndarray: ...
    def gradient(self, wrt: str, at: Values, of: Optional[str] = ...) -> Union[float, np.ndarray]: ...
    def hessian(self, wrt: str, at: Values, of: Optional[str] = ...) -> np.ndarray: ...
    @overload
    def check(self, wrt: str, points: int = ..., seed: int = ..., tolerance: float = ...,
              at: Optional[Values] = ..., hessian: bool = ..., of: Optional[str] = ...) -> CheckResult: ...
    @overload
    def check(self, wrt: Sequence[str], points: int = ..., seed: int = ..., tolerance: float = ...,
              at: Optional[Values] = ..., hessian: bool = ..., of: Optional[str] = ...) -> list[CheckResult]: ...
    def compare(self, wrt: str, claim: str, points: int = ..., seed: int = ..., tolerance: float = ...,
                of: Optional[str] = ...) -> CompareResult: ...
    def codegen(self, wrt: Union[str, Sequence[str]], lang: str = ..., of: Optional[str] = ...,
                expand: bool = ...) -> str: ...
    def train(self, data: Union[str, os.PathLike[str], npt.ArrayLike], epochs: int = ..., batch: int = ...,
              lr: float = ..., optimizer: str = ..., seed: int = ..., samples: int = ..., noise: float = ...,
              init: Optional[Values] = ..., target: Union[str, int, None] = ..., output: Optional[str] = ...,
              test: Union[str, os.PathLike[str], npt.ArrayLike, None] = ..., precision: str = ...,
              save: Union[str, os.PathLike[str], None] = ..., log: Union[str, os.PathLike[str], None] = ...,
              of: Optional[str] = ...) -> TrainResult: ...
