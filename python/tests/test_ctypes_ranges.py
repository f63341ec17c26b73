"""Values crossing ctypes are checked, never truncated (issue 16, item 7).

ctypes keeps the low bits of an integer that does not fit its C type without a word
(``create("gl_exp", 2**64 + 2)`` made 2 neurons, ``threads=2**32 + 1`` ran 1 thread). Every
integer is range-checked against its C type and refused with spikegpu.ArgumentError naming the
parameter; NUL characters and None where a value is needed raise the package's typed errors too;
names are str only: bytes are refused everywhere (model, population, parameter, rule, synapse
model and recordable names alike).
"""
import ctypes

import pytest

import spikegpu
from spikegpu import ArgumentError, Error

CPU = dict(backend="cpu", threads=1)


# ---- integers --------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [2**64 + 2, 2**64, -1, 0, 2**70])
def test_create_count_out_of_range(sim, n):
    with pytest.raises(ArgumentError, match=r"create: n = .*allowed an integer in \[1, 2\^64\)"):
        sim.create("gl_exp", n)
    assert sim.num_nodes == 0


@pytest.mark.parametrize("threads", [2**32 + 1, 2**31, -1, 2**64 + 1])
def test_threads_out_of_range(threads):
    with pytest.raises(ArgumentError, match=r"threads = .*allowed an integer in \[0, 2\^31\)"):
        spikegpu.Simulator(backend="cpu", threads=threads)


def test_threads_in_int_range_but_too_many_is_refused_by_c():
    with pytest.raises(ArgumentError, match="threads = 5000"):
        spikegpu.Simulator(backend="cpu", threads=5000)


@pytest.mark.parametrize("bs", [2**32 + 64, -2**31 - 1, 2**40])
def test_cuda_block_size_out_of_range(bs):
    with pytest.raises(ArgumentError, match="cuda_block_size = "):
        spikegpu.Simulator(backend="cpu", cuda_block_size=bs)


@pytest.mark.parametrize("seed", [2**64, -1, 2**64 + 5, 1.5, True, "1"])
def test_seed_out_of_range(seed):
    with pytest.raises(ArgumentError, match=r"seed = .*allowed an integer in \[0, 2\^64\)"):
        spikegpu.Simulator(seed=seed, **CPU)


def test_seed_extremes_accepted():
    with spikegpu.Simulator(seed=2**64 - 1, **CPU) as s:
        assert s.seed == 2**64 - 1


@pytest.mark.parametrize("key,value", [("indegree", 2**64 + 1), ("indegree", -1), ("indegree", 2.0**70),
                                        ("indegree", 1.5), ("indegree", float("nan"))])
def test_connect_counts_out_of_range(sim, key, value):
    a = sim.create("gl_exp", 3)
    with pytest.raises(ArgumentError, match=f"connect: {key} = "):
        sim.connect(a, a, {"rule": "fixed_indegree", key: value})
    assert sim.num_connections() == 0


def test_connect_count_given_as_whole_float_is_taken(sim):
    a = sim.create("gl_exp", 3)
    sim.connect(a, a, {"rule": "fixed_indegree", "indegree": 2.0})
    assert sim.num_connections() == 6


@pytest.mark.parametrize("r", [2**31, 2**32 + 1, -2**31 - 1])
def test_receptor_type_out_of_range(sim, r):
    a = sim.create("glif_cond", 2)
    with pytest.raises(ArgumentError, match="connect: receptor_type = "):
        sim.connect(a, a, syn_spec={"receptor_type": r})


def test_node_collection_ids_out_of_range(sim):
    a = sim.create("gl_exp", 2)
    bad = spikegpu.NodeCollection(sim, 2**64 + 1, 1)
    with pytest.raises(ArgumentError, match="nodes: first id = "):
        sim.connect(a, bad)


@pytest.mark.parametrize("big", [2**1024, -2**2000])
def test_ints_too_large_for_a_double(sim, big):
    a = sim.create("gl_exp", 2)
    with pytest.raises(ArgumentError, match="I_e"):
        a.set(I_e=big)
    with pytest.raises(ArgumentError, match="I_e"):
        a.set(I_e=[1.0, big])
    with pytest.raises(ArgumentError, match="simulate: t"):
        sim.simulate(big)
    with pytest.raises(ArgumentError, match="connect: weight"):
        sim.connect(a, a, syn_spec={"weight": big})
    with pytest.raises(ArgumentError, match="resolution"):
        spikegpu.Simulator(resolution=big, **CPU)
    with pytest.raises(ArgumentError, match="random.normal: mean"):
        spikegpu.random.normal(mean=big)


# ---- None, NUL, bytes ------------------------------------------------------------------------
def test_none_where_a_value_is_needed(sim):
    a = sim.create("gl_exp", 1)
    cases = [
        lambda: sim.create(None),
        lambda: sim.create("gl_exp", None),
        lambda: sim.create("gl_exp", 1, name=5),
        lambda: a.set(V_m=None),
        lambda: a.get(None),
        lambda: sim.simulate(None),
        lambda: sim.connect(a, a, {"rule": None}),
        lambda: sim.connect(a, a, syn_spec={"synapse_model": 5}),
        lambda: sim.connect(a, a, syn_spec={"weight": None}),
        lambda: spikegpu.model_info(None),
        lambda: spikegpu.model_kind(None),
        lambda: spikegpu.defaults(None),
        lambda: spikegpu.random.uniform(min=None),
        lambda: spikegpu.Simulator(resolution=None, **CPU),
        lambda: spikegpu.Simulator(flush_interval=None, **CPU),
        lambda: spikegpu.Simulator(output=5, **CPU),
    ]
    for i, call in enumerate(cases):
        with pytest.raises(ArgumentError):
            call()
            pytest.fail(f"case {i} raised nothing")


def test_nul_characters(sim, tmp_path):
    a = sim.create("gl_exp", 1)
    mm = sim.create("multimeter")
    cases = [
        lambda: sim.create("gl_exp\0x"),
        lambda: sim.create("gl_exp", 1, name="pop\0x"),
        lambda: a.set({"V_m\0x": 1.0}),
        lambda: a.get("V_m\0x"),
        lambda: mm.set(record_from=["V_m\0x"]),
        lambda: sim.connect(a, a, "all_to_all\0x"),
        lambda: sim.connect(a, a, syn_spec="static_synapse\0x"),
        lambda: spikegpu.model_info("gl_exp\0x"),
        lambda: spikegpu.Simulator(output=str(tmp_path / "a\0b"), **CPU),
    ]
    for i, call in enumerate(cases):
        with pytest.raises(ArgumentError, match="NUL"):
            call()
            pytest.fail(f"case {i} raised nothing")
    assert sim.num_nodes == 2


def test_bytes_names_are_refused_everywhere(sim):
    """One rule for every name: str only (bytes were passed on undecoded by some calls and
    broke others later)."""
    a = sim.create("gl_exp", 1)
    mm = sim.create("multimeter")
    cases = [
        lambda: sim.create(b"gl_exp"),
        lambda: sim.create("gl_exp", 1, name=b"pop"),
        lambda: a.set({b"V_m": 1.0}),
        lambda: a.get(b"V_m"),
        lambda: mm.set(record_from=[b"V_m"]),
        lambda: sim.connect(a, a, b"all_to_all"),
        lambda: sim.connect(a, a, {"rule": b"all_to_all"}),
        lambda: sim.connect(a, a, syn_spec=b"static_synapse"),
        lambda: sim.connect(a, a, syn_spec={"synapse_model": b"static_synapse"}),
        lambda: spikegpu.model_info(b"gl_exp"),
        lambda: spikegpu.model_kind(b"gl_exp"),
        lambda: spikegpu.defaults(b"gl_exp"),
    ]
    for i, call in enumerate(cases):
        with pytest.raises(ArgumentError):
            call()
            pytest.fail(f"case {i} raised nothing")
    assert sim.num_nodes == 2 and sim.num_connections() == 0


def test_bytes_output_path_is_a_path(tmp_path):
    """An output folder is a path, not a name: os.PathLike and bytes paths work."""
    d = tmp_path / "out"
    with spikegpu.Simulator(output=bytes(d), **CPU) as s:
        assert s.output == str(d)
        n = s.create("gl_exp", 1)
        sr = s.create("spike_recorder")
        s.connect(n, sr)
        s.simulate(1.0)
    assert (d / "spikes.h5").exists() or any(d.iterdir())


def test_typed_errors_are_package_errors():
    with pytest.raises(Error):
        spikegpu.Simulator(threads=2**32 + 1, **{k: v for k, v in CPU.items() if k != "threads"})
    # and still the built-in class generic handlers expect
    with pytest.raises(ValueError):
        spikegpu.model_info("gl\0exp")
