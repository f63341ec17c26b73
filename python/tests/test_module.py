"""Module level: version, model tables, library loading, errors without a simulation."""
import math
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import spikegpu
from spikegpu import _capi


def test_version_matches_library():
    assert spikegpu.__version__ == spikegpu.library_version().split()[0]
    assert "build" in spikegpu.library_version() or "cuda" in spikegpu.library_version()


def test_library_path_exists():
    assert os.path.exists(spikegpu.library_path())


def test_models_lists_every_model():
    names = spikegpu.models()
    assert isinstance(names, list) and all(isinstance(n, str) for n in names)
    for m in ("gl_exp", "parrot_neuron", "spike_generator", "poisson_generator",
              "step_current_generator", "noise_generator", "spike_recorder", "multimeter"):
        assert m in names
    assert set(spikegpu.models("recorder")) == {"spike_recorder", "multimeter", "voltmeter"}
    assert "gl_exp" in spikegpu.models("neuron")
    assert "poisson_generator" in spikegpu.models(kind="generator")
    with pytest.raises(spikegpu.ArgumentError):
        spikegpu.models("synapse")


def test_model_kind():
    assert spikegpu.model_kind("gl_exp") == "neuron"
    with pytest.raises(spikegpu.UnknownNameError, match="nope"):
        spikegpu.model_kind("nope")


def test_model_info_gl_exp():
    info = spikegpu.model_info("gl_exp")
    assert isinstance(info, list)
    by = {e["name"]: e for e in info}
    for e in info:
        assert set(e) == {"name", "unit", "default", "allowed", "doc", "kind", "recordable"}
        assert e["kind"] in ("param", "vector", "state", "recordable")
    assert by["tau_m"] == {"name": "tau_m", "unit": "ms", "default": 10.0, "allowed": "> 0",
                           "doc": by["tau_m"]["doc"], "kind": "param", "recordable": False}
    assert by["V_m"]["kind"] == "state" and by["V_m"]["unit"] == "mV" and by["V_m"]["recordable"]
    assert by["reset_after_spike"]["unit"] == "bool"
    # a copy: editing it does not change the cache
    info[0]["name"] = "changed"
    assert spikegpu.model_info("gl_exp")[0]["name"] != "changed"


def test_model_info_vector_defaults():
    by = {e["name"]: e for e in spikegpu.model_info("spike_generator")}
    d = by["spike_times"]["default"]
    assert by["spike_times"]["kind"] == "vector"
    assert isinstance(d, np.ndarray) and d.dtype == np.float64 and d.size == 0
    assert math.isinf(by["stop"]["default"])
    if "glif_cond" in spikegpu.models():
        by = {e["name"]: e for e in spikegpu.model_info("glif_cond")}
        np.testing.assert_array_equal(by["tau_syn"]["default"], [0.2, 2.0])
        np.testing.assert_array_equal(spikegpu.defaults("glif_cond")["E_rev"], [0.0, -85.0])


def test_model_info_unknown():
    with pytest.raises(spikegpu.UnknownNameError) as ei:
        spikegpu.model_info("no_such_model")
    assert "no_such_model" in str(ei.value) and "gl_exp" in str(ei.value)
    assert ei.value.status_name == "SG_ERR_UNKNOWN"


def test_defaults():
    d = spikegpu.defaults("gl_exp")
    assert d["C_m"] == 250.0 and d["V_m"] == -65.0
    assert spikegpu.defaults("spike_generator")["spike_times"].size == 0


def test_cuda_available():
    ok, why = spikegpu.cuda_available()
    assert isinstance(ok, bool) and isinstance(why, str) and why


def test_error_classes():
    assert issubclass(spikegpu.ArgumentError, ValueError)
    assert issubclass(spikegpu.UnknownNameError, LookupError)
    assert issubclass(spikegpu.OutOfMemoryError, MemoryError)
    assert issubclass(spikegpu.FileIOError, OSError)
    assert issubclass(spikegpu.SimulationInterrupted, KeyboardInterrupt)
    for name, code in _capi.STATUS.items():
        if code == 0:
            continue
        e = spikegpu.errors.from_status(code, "msg")
        assert isinstance(e, spikegpu.Error)
        assert e.status == code and e.status_name == name and e.message == "msg"
        assert name in str(e)
    # the names follow the header's order
    L = _capi.lib()
    for name, code in _capi.STATUS.items():
        assert _capi.dec(L.sg_status_str(code)).startswith(name + ":")
    # an unknown code still gives an Error with the library's text
    assert isinstance(spikegpu.errors.from_status(1, ""), spikegpu.ArgumentError)


def test_sg_lib_wrong_path_is_reported(tmp_path):
    env = dict(os.environ, SG_LIB=str(tmp_path / "missing.so"))
    code = "import spikegpu\ntry:\n  spikegpu.models()\nexcept spikegpu.LibraryNotFound as e:\n  print('LNF', e)"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "LNF" in r.stdout and "missing.so" in r.stdout


def test_missing_dependency_is_explained(tmp_path):
    """A libspikegpu.so whose own dependency is missing (a wheel on a machine without libhdf5):
    LibraryNotFound names the missing library and what to install."""
    gcc = shutil.which(os.environ.get("CC", "gcc")) or shutil.which("cc")
    if not gcc:
        pytest.skip("no C compiler")
    (tmp_path / "dep.c").write_text("int sg_dep(void) { return 1; }\n")
    (tmp_path / "lib.c").write_text("int sg_dep(void);\nint sg_f(void) { return sg_dep(); }\n")
    dep = tmp_path / "libsgmissingdep.so"
    lib = tmp_path / "libspikegpu.so"
    for cmd in ([gcc, "-shared", "-fPIC", "-o", str(dep), str(tmp_path / "dep.c")],
                [gcc, "-shared", "-fPIC", "-o", str(lib), str(tmp_path / "lib.c"), "-L", str(tmp_path),
                 "-lsgmissingdep"]):
        subprocess.run(cmd, check=True, capture_output=True)
    dep.unlink()
    env = dict(os.environ, SG_LIB=str(lib))
    code = "import spikegpu\ntry:\n  spikegpu.models()\nexcept spikegpu.LibraryNotFound as e:\n  print('LNF', e)"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "LNF" in r.stdout and "it needs libsgmissingdep.so, which is missing" in r.stdout
    assert "libhdf5-103-1" in r.stdout


def test_sg_lib_folder(tmp_path):
    libdir = os.path.dirname(spikegpu.library_path())
    env = dict(os.environ, SG_LIB=libdir)
    r = subprocess.run([sys.executable, "-c", "import spikegpu; print(spikegpu.library_path())"],
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == os.path.join(libdir, "libspikegpu.so")


def test_distributions_repr_and_eq():
    r = spikegpu.random
    assert r.uniform(1, 2) == r.uniform(1.0, 2.0)
    assert r.uniform(1, 2) != r.normal(1, 2)
    assert "normal_clipped" in repr(r.normal_clipped(0, 1, min=-1, max=1))
    for d in (r.uniform(), r.normal(), r.lognormal(), r.exponential(), r.normal_clipped()):
        assert eval("spikegpu." + repr(d).split("spikegpu.")[1], {"spikegpu": spikegpu, "inf": math.inf}) == d
    assert len({r.uniform(0, 1), r.uniform(0, 1)}) == 1


# ---- issue 21, item 4: recordables listed per model ----------------------------------------------
@pytest.mark.skipif("glif_cond" not in spikegpu.models(), reason="glif_cond not built")
def test_recordables_of_glif_cond():
    rec = spikegpu.recordables("glif_cond")
    assert rec == ["ASCurrents_sum", "I", "V_m", "g_1", "g_2", "threshold", "threshold_spike",
                   "threshold_voltage"]
    by = {e["name"]: e for e in spikegpu.model_info("glif_cond")}
    assert by["g_1"]["kind"] == "recordable" and by["g_1"]["recordable"]
    assert by["g_1"]["unit"] == "nS" and "element 1 of g" in by["g_1"]["doc"]
    assert by["g"]["kind"] == "state" and not by["g"]["recordable"]      # the vector, via get()
    assert not by["dg"]["recordable"] and not by["refractory_steps"]["recordable"]
    assert [e["name"] for e in spikegpu.model_info("glif_cond") if e["recordable"]] != []
    assert {e["name"] for e in spikegpu.model_info("glif_cond") if e["recordable"]} == set(rec)


def test_recordables_of_other_models():
    assert spikegpu.recordables("gl_exp") == ["V_m", "refr_tick", "I_stim"]
    assert spikegpu.recordables("parrot_neuron") == []
    assert spikegpu.recordables("multimeter") == []
    with pytest.raises(spikegpu.UnknownNameError, match="nope.*gl_exp"):
        spikegpu.recordables("nope")
