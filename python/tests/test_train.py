"""Training from Python: the parameters and the log of `matcalc train` with the same
options, from a generated set, a CSV file or a NumPy array."""

import csv
import json

import numpy as np
import pytest

import matcalc
from conftest import LECTURE, ROOT, run_cli

MLP_XOR = ROOT / "examples" / "train" / "mlp_xor.mc"
IRIS = ROOT / "examples" / "train"


def cli_train(tmp_path, *args):
    save, log = tmp_path / "saved.json", tmp_path / "log.csv"
    run_cli("train", *args, "--save", save, "--log", log)
    with open(log) as f:
        rows = list(csv.DictReader(f))
    return json.loads(save.read_text()), rows


def as_lists(parameters):
    return {k: (v if isinstance(v, float) else v.tolist()) for k, v in parameters.items()}


def test_xor_gives_the_command_lines_parameters_and_log(tmp_path):
    options = dict(samples=4, noise=0.0, epochs=60, batch=4, optimizer="adam", lr=0.05)
    r = matcalc.Model.from_file(MLP_XOR).train("xor", **options)
    saved, log = cli_train(tmp_path, MLP_XOR, "--data", "xor", "--samples", 4, "--noise", 0, "--epochs", 60,
                           "--batch", 4, "--optimizer", "adam", "--lr", 0.05)
    assert list(r.parameters) == ["W1", "b1", "W2", "b2"]
    assert r.parameters["W1"].shape == (8, 2) and r.parameters["b1"].shape == (8,)
    assert isinstance(r.parameters["b2"], float)
    assert as_lists(r.parameters) == saved  # exactly
    assert [e.epoch for e in r.log] == list(range(1, 61))
    assert [e.loss for e in r.log] == [float(row["loss"]) for row in log]
    assert [e.accuracy for e in r.log] == [float(row["accuracy"]) for row in log]
    assert r.loss == r.log[-1].loss and r.lifted


def test_the_lecture_network_one_sgd_step():
    """The slides: one step with η = 0.1 on x = 2, y = 1 gives ŷ_new = 0.7823, L_new = 0.2455."""
    m = matcalc.Model.from_file(LECTURE / "mlp_1231.mc")
    r = m.train(np.array([[2.0, 1.0]]), epochs=1, lr=0.1, batch=1)
    assert r.log[0].loss == pytest.approx(0.2455, abs=1e-4)
    from_csv = m.train(LECTURE / "one_sample.csv", epochs=1, lr=0.1, batch=1)
    assert as_lists(from_csv.parameters) == as_lists(r.parameters)
    at = {**r.parameters, "x": 2.0, "y": 1.0}
    assert m.value(at, of="yhat") == pytest.approx(0.7823, abs=1e-4)


def test_an_array_trains_as_its_csv_file(tmp_path):
    table = np.loadtxt(ROOT / "examples" / "data" / "xor.csv", delimiter=",", skiprows=1)
    m = matcalc.Model.from_file(MLP_XOR)
    a = m.train(table, epochs=5, batch=2, seed=3)
    b = m.train(ROOT / "examples" / "data" / "xor.csv", epochs=5, batch=2, seed=3)
    assert as_lists(a.parameters) == as_lists(b.parameters)
    assert a.log == b.log
    # The target column may be elsewhere.
    c = m.train(table[:, [2, 0, 1]], target=0, epochs=5, batch=2, seed=3)
    assert as_lists(c.parameters) == as_lists(a.parameters)


def test_classes_test_data_init_save_and_log(tmp_path):
    m = matcalc.Model.from_file(IRIS / "iris.mc")
    r = m.train(IRIS / "iris_train.csv", target="species", test=IRIS / "iris_test.csv", epochs=30, batch=16,
                optimizer="adam", lr=0.01, save=tmp_path / "p.json", log=tmp_path / "log.csv")
    saved, log = cli_train(tmp_path, IRIS / "iris.mc", "--data", IRIS / "iris_train.csv", "--target", "species",
                           "--epochs", 30, "--batch", 16, "--optimizer", "adam", "--lr", 0.01)
    assert json.loads((tmp_path / "p.json").read_text()) == saved == as_lists(r.parameters)
    assert (tmp_path / "log.csv").read_text().splitlines()[0] == "epoch,loss,accuracy"
    assert 0.8 <= r.log[-1].accuracy <= 1.0 and r.test_accuracy is not None and r.test_loss > 0
    again = m.train(IRIS / "iris_train.csv", target="species", init=tmp_path / "p.json", epochs=1, lr=1e-12,
                    optimizer="sgd")
    np.testing.assert_allclose(again.parameters["W1"], r.parameters["W1"], rtol=1e-9)


@pytest.mark.parametrize("kwargs", [
    dict(data="nonexistent.csv"),
    dict(data="xr"),
    dict(data=np.zeros((4, 5))),  # 4 columns of inputs: the model takes 2
    dict(data=np.zeros(4)),
    dict(data="xor", optimizer="adagrad"),
    dict(data="xor", epochs=0),
    dict(data="xor", batch=-1),
    dict(data="xor", precision="float16"),
    dict(data="xor", output="nope"),
    dict(data="xor", init={"W1": [1.0, 2.0]}),
    dict(data="xor", lr=-1.0),
    dict(data=[[0, 0, "a"]]),
])
def test_bad_training_input(kwargs):
    with pytest.raises(matcalc.InputError):
        matcalc.Model.from_file(MLP_XOR).train(**{"epochs": 1, **kwargs})


def test_ctrl_c_stops_training():
    import os
    import signal
    import threading
    import time
    m = matcalc.Model.from_file(MLP_XOR)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        m.train("spirals", samples=2000, epochs=100000, batch=8)
    assert time.monotonic() - start < 10
    assert m.train("xor", epochs=1).log  # and the model is usable after it


def test_divergence_is_its_own_error():
    m = matcalc.Model("input x : scalar; target y : scalar; param w : scalar = 1; L = (w*x - y)^2")
    with pytest.raises(matcalc.TrainingDiverged) as info:
        m.train(np.array([[1e200, 1.0], [2e200, 2.0]]), epochs=3, lr=1.0)
    assert info.value.epoch >= 1
