"""The sigmoid against an exact reference: decimal arithmetic, correctly rounded once, over all of float64."""

import decimal

import numpy as np
import pytest

from engine.activations import log_sigmoid, sigmoid, softplus

# Exponents wide enough that e^(−Z) neither overflows nor underflows for any Z below about 4e17; beyond that
# decimal says Infinity or 0, and 1 / (1 + Infinity) = 0 exactly, which is also σ(Z) rounded to float64.
EXACT = decimal.Context(prec=40, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN,
                        traps=[decimal.InvalidOperation, decimal.DivisionByZero])


def exact_sigmoid(z: float) -> float:
    """σ(z) = 1 / (1 + e^(−z)) to 40 digits, then rounded to the nearest float64 (subnormals included)."""
    e = EXACT.exp(EXACT.minus(decimal.Decimal(z)))
    return float(EXACT.divide(1, EXACT.add(1, e)))


def ulps_apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many representable float64 values lie between a and b (both >= 0, so their bits order them)."""
    return np.abs(a.view(np.int64) - b.view(np.int64))


def points() -> np.ndarray:
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 0x7FF0_0000_0000_0000, 4000, dtype=np.int64).view(np.float64)  # every finite magnitude
    return np.concatenate([
        rng.uniform(-760.0, 40.0, 12000),         # where σ changes: saturating to 1 above, to subnormals below
        rng.uniform(-746.0, -707.0, 4000),        # e^(−Z) near overflow, σ(Z) subnormal or nearly so
        np.linspace(-745.2, -745.0, 200),         # the last subnormal, and rounding to 0
        rng.uniform(-1.0, 1.0, 2000),
        bits, -bits,
        -np.logspace(-323, 308, 1000), np.logspace(-323, 308, 1000),
        [0.0, -0.0, 5e-324, -5e-324, 1.7976931348623157e308, -1.7976931348623157e308,
         -708.0, -708.4, -709.78, -709.79, -745.13, -745.14],
    ])


def test_sigmoid_is_within_2_ulp_of_the_exact_value_everywhere():
    Z = points()
    expected = np.array([exact_sigmoid(z) for z in Z.tolist()])
    got = sigmoid(Z)
    apart = ulps_apart(got, expected)
    worst = int(apart.argmax())
    assert apart[worst] <= 2, f"sigmoid({Z[worst]!r}) = {got[worst]!r}, exact {expected[worst]!r}"
    assert (expected[Z < -709.8] > 0).any()  # the test reaches the range e^(−Z) cannot


@pytest.mark.parametrize("z, expected", [(-np.inf, 0.0), (np.inf, 1.0), (-1e308, 0.0), (1e308, 1.0)])
def test_sigmoid_limits_are_exact_and_silent(z, expected):
    assert sigmoid(np.array([z]))[0] == expected


def test_sigmoid_keeps_shape_and_leaves_its_input_alone():
    Z = np.array([[-800.0, 0.0, 3.0], [-710.0, 710.0, -1.0]])
    before = Z.copy()
    A = sigmoid(Z)
    assert A.shape == (2, 3) and A.dtype == np.float64
    np.testing.assert_array_equal(Z, before)
    assert sigmoid(Z[:, ::2]).shape == (2, 2)  # a strided view


def exact_softplus(z: float) -> float:
    """log(1 + e^z) to 40 significant digits, rounded once to float64.

    Above 0 it is z + log(1 + e^(−z)), so e^z never overflows. Below, where e^z is tiny, 1 + e^z needs as many more
    digits as e^z has leading zeros, or the sum rounds to 1; far below, log(1 + e^z) = e^z to thousands of digits.
    """
    context = EXACT.copy()
    d = decimal.Decimal(z)
    if z > 0:
        return float(context.add(d, context.ln(context.add(1, context.exp(context.minus(d))))))
    if z <= -5000:
        return float(context.exp(d))
    context.prec = 40 + int(-z / 2.302585)
    return float(context.ln(context.add(1, context.exp(d))))


def test_softplus_and_log_sigmoid_are_within_2_ulp_of_the_exact_values():
    """The loss's log(1 + e^Z) and log σ(Z), computed without np.logaddexp's cost, lose nothing against it."""
    rng = np.random.default_rng(1)
    Z = np.concatenate([rng.uniform(-800.0, 800.0, 3000), rng.uniform(-40.0, 40.0, 3000), rng.uniform(-1.0, 1.0, 1000),
                        [0.0, -0.0, 1e-300, -1e-300, 1e4, -1e4, 1e300, -1e300]])
    in_small_batches = np.concatenate([softplus(Z[k:k + 12]) for k in range(0, Z.size, 12)])  # the ufunc's own
    for got, expected in ((softplus(Z), [exact_softplus(z) for z in Z.tolist()]),
                          (in_small_batches, [exact_softplus(z) for z in Z.tolist()]),
                          (-log_sigmoid(Z), [exact_softplus(-z) for z in Z.tolist()])):
        expected = np.array(expected)
        apart = ulps_apart(got, expected)
        worst = int(apart.argmax())
        assert apart[worst] <= 2, f"at Z = {Z[worst]!r}: {got[worst]!r}, exact {expected[worst]!r}"


def near_overflow() -> list[float]:
    """Where e^(−Z) overflows (below Z ≈ −709.78) and where σ(Z) turns subnormal (below Z ≈ −708.4), with neighbours."""
    named = [-708.0, -708.4, -708.5, -709.0, -709.5, -709.78, -709.7827128933840, -709.79, -710.0, -745.0, -745.13]
    return [x for z in named for x in (np.nextafter(z, -np.inf), z, np.nextafter(z, np.inf))]


def test_sigmoid_at_the_overflow_threshold_is_exact_alone_and_beside_an_overflow():
    """Near the threshold each σ(Z) is within 2 ulp of exact, alone or in a batch where an e^(−Z) overflows."""
    Z = np.array(near_overflow())
    expected = np.array([exact_sigmoid(z) for z in Z.tolist()])
    for got in (sigmoid(Z), np.concatenate([sigmoid(Z[k:k + 1]) for k in range(Z.size)])):
        apart = ulps_apart(got, expected)
        worst = int(apart.argmax())
        assert apart[worst] <= 2, f"sigmoid({Z[worst]!r}) = {got[worst]!r}, exact {expected[worst]!r}"
    assert expected[Z < -745.0].min() > 0  # σ(−745) is the smallest subnormal, 5e-324, not 0


def test_one_examples_sigmoid_does_not_depend_on_the_rest_of_its_batch():
    """σ is elementwise: an example's activation is the same bits alone as in a batch where another example's
    e^(−Z) overflows, so stepping a batch shows each example the value it has by itself."""
    rng = np.random.default_rng(2)
    Z = np.concatenate([near_overflow(), rng.uniform(-712.0, -706.0, 3000)])
    alone = np.concatenate([sigmoid(Z[k:k + 1]) for k in range(Z.size)])
    for company in (-745.0, -800.0, -1e308):
        together = sigmoid(np.append(Z, company))
        differ = np.flatnonzero(together[:-1] != alone)
        assert differ.size == 0, f"sigmoid({Z[differ[0]]!r}) is {alone[differ[0]]!r} alone, " \
                                 f"{together[differ[0]]!r} beside {company}"


def test_sigmoid_takes_what_a_learner_types_as_well_as_float_arrays():
    """The doctor runs sigmoid on whatever a line holds: a Python number, a list, integers."""
    assert sigmoid(0) == 0.5 and sigmoid(0.0) == 0.5
    np.testing.assert_array_equal(sigmoid([0, 0]), [0.5, 0.5])
    ints = sigmoid(np.array([[0, 2], [-800, 1]]))
    assert ints.dtype == np.float64
    np.testing.assert_allclose(ints, [[0.5, 1 / (1 + np.exp(-2.0))], [exact_sigmoid(-800.0), 1 / (1 + np.exp(-1.0))]],
                               rtol=1e-15, atol=0)
