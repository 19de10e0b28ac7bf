"""Edits learners need: a transpose, swapped operands, @ for *, another axis, a name of the same role; and the
search over up to four of them, written back in the learner's own spelling."""

from __future__ import annotations

import ast
import copy
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from engine.doctor.grammar import (COMPARISONS, OPERATORS, Parsed, app_function, keywords, method, np_function,
                                   random_function)
from engine.doctor.shaperules import Inference, infer

Shape = tuple[int, ...]
Path = tuple

MAX_EDITS = 4
BEAM = 48  # trees carried from one edit count to the next, most promising first
MAX_TRIED = 700  # variants tried per search: effort, so that the same line always gets the same fixes
BUDGET = 0.035  # seconds: a guard for a loaded machine; the search stops at 10 x, the whole diagnosis at 15 x
REDUCTIONS = ("sum", "mean", "max")

# ---- the tree: each node reached by a path of (field, index) steps from the root ------------------------------


def slots(node: ast.expr) -> list[tuple[tuple, ast.expr]]:
    """The operands of a node, each with the path steps that reach it; the same operands operation() reads."""
    if isinstance(node, ast.BinOp):
        return [((("left", None),), node.left)] + ([] if isinstance(node.op, ast.Pow) else
                                                    [((("right", None),), node.right)])
    if isinstance(node, ast.UnaryOp):
        return [((("operand", None),), node.operand)]
    if isinstance(node, ast.Compare):
        return [((("left", None),), node.left), ((("comparators", 0),), node.comparators[0])]
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return [((("value", None),), node.value)]
    if isinstance(node, (ast.List, ast.Tuple)):  # np.array([a, b])'s items
        return [((("elts", i),), a) for i, a in enumerate(node.elts)]
    if random_function(node):
        return []
    name = np_function(node)
    if name in ("hstack", "vstack", "concatenate", "stack"):
        return [((("args", 0), ("elts", i)), a) for i, a in enumerate(node.args[0].elts)]
    if name in ("power", "expand_dims", "sum", "mean", "var", "max", "pad", "transpose") or app_function(node):
        return [((("args", 0),), node.args[0])]
    if name in ("ones", "zeros"):
        return []
    if name == "einsum":  # its subscripts are no operand
        return [((("args", i),), a) for i, a in enumerate(node.args) if i]
    if name:
        return [((("args", i),), a) for i, a in enumerate(node.args)]
    if method(node) == "dot":
        return [((("func", None), ("value", None)), node.func.value), ((("args", 0),), node.args[0])]
    if method(node):
        return [((("func", None), ("value", None)), node.func.value)]
    return []


def walk(node: ast.expr, path: Path = ()) -> Iterator[tuple[Path, ast.expr]]:
    """(path, node) for every value node, root first."""
    yield path, node
    for steps, child in slots(node):
        yield from walk(child, path + steps)


def at(root: ast.AST, path: Path) -> ast.AST | None:
    """The node at `path`, or None when the tree has no such place."""
    node = root
    for name, i in path:
        child = getattr(node, name, None)
        if child is None:
            return None
        if i is not None:
            if not isinstance(child, list) or i >= len(child):
                return None
            child = child[i]
        node = child
    return node


def replace(root: ast.AST, path: Path, new: ast.AST) -> ast.AST:
    """A copy of the tree with the node at `path` replaced; the nodes off the path are shared, not copied."""
    if not path:
        return new
    (name, i), rest = path[0], path[1:]
    clone = copy.copy(root)
    child = getattr(root, name)
    if i is None:
        setattr(clone, name, replace(child, rest, new))
    else:
        items = list(child)
        items[i] = replace(items[i], rest, new)
        setattr(clone, name, items)
    return clone


def tree_key(node: object, memo: dict) -> object:
    """A hashable key equal for equal trees, built once per node: variants share every node off the edited path."""
    if isinstance(node, ast.AST):
        hit = memo.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        key = (type(node).__name__,) + tuple(tree_key(getattr(node, f, None), memo) for f in node._fields
                                             if f != "ctx")
        memo[id(node)] = (node, key)
        return key
    if isinstance(node, list):
        return tuple(tree_key(item, memo) for item in node)
    return node if not isinstance(node, float) else ("float", node)


def mentions_name(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) for n in ast.walk(node))


def T(node: ast.expr) -> ast.expr:
    return ast.Attribute(value=node, attr="T", ctx=ast.Load())


def untransposed(node: ast.expr) -> ast.expr | None:
    """X for X.T, np.transpose(X) or X.transpose(), else None."""
    if isinstance(node, ast.Attribute):
        return node.value
    if np_function(node) == "transpose":
        return node.args[0]
    if method(node) == "transpose":
        return node.func.value
    return None


def toggle_T(node: ast.expr) -> ast.expr:
    return untransposed(node) or T(node)


def np_call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Attribute(value=ast.Name(id="np", ctx=ast.Load()), attr=name, ctx=ast.Load()),
                    args=list(args), keywords=[])


def is_reduction(node: ast.expr) -> bool:
    return method(node) in REDUCTIONS or np_function(node) in ("sum", "mean")


def literal(n: int | tuple[int, ...]) -> ast.expr:
    if isinstance(n, tuple):
        return ast.Tuple(elts=[literal(k) for k in n], ctx=ast.Load())
    return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(-n)) if n < 0 else ast.Constant(n)


def with_keywords(node: ast.Call, axis: int | None, keepdims: bool) -> ast.Call:
    clone = copy.copy(node)
    clone.args = node.args[:1] if np_function(node) else node.args  # np.sum(x, 0) becomes np.sum(x, axis=...)
    clone.keywords = ([ast.keyword(arg="axis", value=literal(axis))] if axis is not None else []) + \
        ([ast.keyword(arg="keepdims", value=ast.Constant(True))] if keepdims else [])
    return clone


def product(a: ast.expr, b: ast.expr, style: str) -> ast.expr:
    """a @ b, or np.dot(a, b) for a learner who writes np.dot."""
    return np_call("dot", a, b) if style == "dot" else ast.BinOp(left=a, op=ast.MatMult(), right=b)


def is_product(node: ast.expr) -> bool:
    return (isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult)) or \
        np_function(node) in ("dot", "matmul") or method(node) == "dot"


def product_operands(node: ast.expr) -> tuple[ast.expr, ast.expr]:
    if isinstance(node, ast.BinOp):
        return node.left, node.right
    if method(node) == "dot":
        return node.func.value, node.args[0]
    return node.args[0], node.args[1]


# ---- names of the same role -------------------------------------------------------------------------------------

_LAYERED = re.compile(r"^([AaZz])(\d+)$")


def peers(name: str, env: dict) -> list[str]:
    """Names a learner mixes up with this one: Z1 and A1 (before and after the activation), X and A1 (what a
    layer multiplies), A1 and A2 (neighbouring layers)."""
    found = []
    match = _LAYERED.match(name)
    if match:
        letter, k = match.group(1), int(match.group(2))
        other = {"A": "Z", "Z": "A", "a": "z", "z": "a"}[letter]
        found += [f"{other}{k}"]
        if letter in "Aa":
            found += [f"{letter}{k - 1}", f"{letter}{k + 1}", "X" if letter == "A" else "x"]
    elif name in ("X", "x"):
        found += [n for n in env if _LAYERED.match(n) and n[0] in "Aa"]
    if name.startswith("d") and len(name) > 1:
        found.append(name[1:])  # dW2 written where W2 belongs
    numbered = re.match(r"^([A-Za-z_]+?)(\d+)$", name)
    if numbered and not match:
        stem, k = numbered.group(1), int(numbered.group(2))
        found += [f"{stem}{k - 1}", f"{stem}{k + 1}"]  # W2, b2 in a layer-3 line where W3, b3 exist
    return [n for n in dict.fromkeys(found) if n in env and n != name and hasattr(env[n], "shape") ==
            hasattr(env[name], "shape")]


# ---- one edit -----------------------------------------------------------------------------------------------


def fixes(node: ast.expr, inference: Inference, env: dict, style: str, under_T: bool,
          shallow: bool = True) -> list[ast.expr]:
    """The one-edit variants of a node worth trying: other products, operand orders, reductions, transposes."""
    shape, out = inference.shapes.get(node), []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        out.append(product(node.left, node.right, style))
        out += derivatives(node, env)
    if is_product(node):
        a, b = product_operands(node)
        multiply = ast.BinOp(left=a, op=ast.Mult(), right=b) if isinstance(node, ast.BinOp) or method(node) \
            else np_call("multiply", a, b)
        if isinstance(node, ast.BinOp):
            swapped, flipped = ast.BinOp(left=b, op=ast.MatMult(), right=a), \
                ast.BinOp(left=toggle_T(b), op=ast.MatMult(), right=toggle_T(a))  # (AB)ᵀ = BᵀAᵀ
        elif method(node):
            swapped, flipped = _dot_method(b, a), _dot_method(toggle_T(b), toggle_T(a))
        else:
            name = np_function(node)
            swapped, flipped = np_call(name, b, a), np_call(name, toggle_T(b), toggle_T(a))
        out += [multiply, swapped, flipped]
        base = _gram_of(a, b)
        if base is not None:  # np.dot(A1.T, A1) for np.power(A1, 2): a matrix product of an array with itself
            out.append(np_call("power", base, ast.Constant(2)))
        if node is inference.failed:
            out += [a, b]  # or one operand alone: a factor that does not belong
    if np_function(node) == "multiply":
        out.append(np_call("dot", *node.args))
    if is_reduction(node):
        k = keywords(node)
        out.append(with_keywords(node, k["axis"], not k["keepdims"]))
        operand = inference.shapes.get(slots(node)[0][1])
        axes = range(len(operand)) if operand is not None else (0, 1)
        if operand is not None and isinstance(k["axis"], int) and -len(operand) <= k["axis"] < len(operand):
            current = k["axis"] % len(operand)
        else:
            current = k["axis"]
        keepdims = True if k["axis"] is None else k["keepdims"]
        out += [with_keywords(node, axis, keepdims) for axis in axes if axis != current]
        if k["axis"] is None and operand:
            out.append(slots(node)[0][1])  # lambd * np.sum(W1) for lambd * W1: a whole array summed where it was meant
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
        scalar = [o for o in (node.left, node.right) if inference.shapes.get(o) == () and not reads_array(o, env)]
        if scalar and isinstance(node.op, ast.Mult):
            other = node.right if scalar[0] is node.left else node.left
            per_entry = not any(is_reduction(n) or is_product(n) for n in ast.walk(other))
            if inference.shapes.get(other) not in (None, ()) and per_entry and _reads_m(scalar[0]):
                # -1/m * (per-example terms): summed
                out.append(_with(node, "right" if other is node.right else "left", np_call("sum", other)))
        for o in scalar[:1]:
            if _reads_m(o) and not any(isinstance(n, ast.UnaryOp) for n in ast.walk(o)):
                # 1/m * (...) where the cost is -1/m * (...): the minus sign lost
                out.append(_with(node, "left" if o is node.left else "right", ast.UnaryOp(op=ast.USub(), operand=o)))
        # drop a plain-number factor such as (1/m) that the operand already carries
        if isinstance(node.op, ast.Mult) and inference.shapes.get(node.left) == () and not reads_array(node.left, env):
            out.append(node.right)
        if inference.shapes.get(node.right) == () and not reads_array(node.right, env):
            out.append(node.left)
    if is_reduction(node) and (method(node) == "mean" or np_function(node) == "mean") and _is_count(env.get("m")) \
            and keywords(node)["axis"] is None:
        # np.mean over everything divides by m × outputs; a cost that sums the outputs divides by m alone
        m = ast.Name(id="m", ctx=ast.Load())
        out.append(ast.BinOp(left=np_call("sum", slots(node)[0][1]), op=ast.Div(), right=m))
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        out.append(node.value)  # W2 rather than W2[:-1]
    if not isinstance(node, ast.Name) and shape is not None and len(shape) == 2 and shallow and \
            mentions_name(node) and not is_reduction(node):
        out.append(with_keywords(np_call("sum", node), 0, True))
    if np_function(node) == "exp" and len(node.args) == 1 and isinstance(node.args[0], ast.BinOp) and \
            isinstance(node.args[0].op, (ast.Div, ast.Sub)):
        # np.exp(y / s) for np.exp(y) / s: the parenthesis closed one operand too late
        inner = node.args[0]
        out.append(ast.BinOp(left=np_call("exp", inner.left), op=inner.op, right=inner.right))
    if isinstance(node, ast.Name):
        out += [ast.Name(id=p, ctx=ast.Load()) for p in peers(node.id, env)]
        if shape is not None and len(shape) == 2 and _WEIGHTS.match(node.id) and bias_row_possible(node.id, env):
            out += [_without_bias(node, axis, end) for axis in (0, 1) for end in (-1, 0)]
        if shape is not None and len(shape) == 2 and shallow:
            # a per-example gradient summed over the batch: db = dZ.sum(axis=0, keepdims=True), not db = dZ
            out += [_summed(node, axis, keep) for axis, keep in ((0, True), (1, True), (0, False))]
        if shape is not None and len(shape) == 1:
            column = ast.Call(func=ast.Attribute(value=node, attr="reshape", ctx=ast.Load()),
                              args=[literal(-1), literal(1)], keywords=[])
            out.append(column)
    if mentions_name(node) and not under_T:
        if untransposed(node) is not None:
            out.append(untransposed(node))
        elif shape is None or len(shape) >= 2:
            out.append(T(node))
    return out


_WEIGHTS = re.compile(r"^(W|w|theta|Theta)")


def _gram_of(a: ast.expr, b: ast.expr) -> ast.expr | None:
    """X when a product's operands are X and X transposed (in either order), else None."""
    for one, other in ((a, b), (b, a)):
        inner = untransposed(one)
        if inner is not None and ast.dump(inner) == ast.dump(other) and mentions_name(other):
            return other
    return None


def _is_count(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def bias_row_possible(name: str, env: dict) -> bool:
    """Whether a weight may carry its bias as a row or column to slice away: not when its bias sits beside it
    (W1 with b1, weights with biases)."""
    for weight, bias in (("W", "b"), ("w", "b"), ("weights", "biases"), ("theta", "bias"), ("Theta", "bias")):
        if name.startswith(weight) and bias + name[len(weight):] in env:
            return False
    return True


def derivatives(node: ast.BinOp, env: dict) -> list[ast.expr]:
    """An activation multiplied where its derivative belongs, dA1 * A1: sigmoid's dA1 * A1 * (1 - A1), tanh's
    dA1 * (1 - A1 ** 2), relu's dA1 * (Z1 > 0)."""
    found = []
    for side in ("left", "right"):
        a = getattr(node, side)
        match = _LAYERED.match(a.id) if isinstance(a, ast.Name) else None
        if not match or match.group(1) not in "Aa" or not hasattr(env.get(a.id), "shape"):
            continue
        one_minus = lambda x: ast.BinOp(left=ast.Constant(1), op=ast.Sub(), right=x)  # noqa: E731
        found.append(ast.BinOp(left=node, op=ast.Mult(), right=one_minus(a)))
        found.append(_with(node, side, one_minus(ast.BinOp(left=a, op=ast.Pow(), right=ast.Constant(2)))))
        z = {"A": "Z", "a": "z"}[match.group(1)] + match.group(2)
        if hasattr(env.get(z), "shape"):
            relu = ast.Compare(left=ast.Name(id=z, ctx=ast.Load()), ops=[ast.Gt()], comparators=[ast.Constant(0)])
            found.append(_with(node, side, relu))
    return found


def _with(node: ast.BinOp, side: str, new: ast.expr) -> ast.BinOp:
    clone = copy.copy(node)
    setattr(clone, side, new)
    return clone


def _reads_m(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "m" for n in ast.walk(node))


def names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id != "np"}


def reads_array(node: ast.AST, env: dict) -> bool:
    return any(isinstance(n, ast.Name) and hasattr(env.get(n.id), "shape") for n in ast.walk(node))


def _without_bias(node: ast.expr, axis: int, end: int) -> ast.Subscript:
    """W[:-1] (the last row dropped), W[:, 1:] (the first column dropped), ...: a weight without its bias."""
    part = ast.Slice(lower=None, upper=literal(-1)) if end == -1 else ast.Slice(lower=literal(1), upper=None)
    index = part if axis == 0 else ast.Tuple(elts=[ast.Slice(), part], ctx=ast.Load())
    return ast.Subscript(value=node, slice=index, ctx=ast.Load())


def _summed(node: ast.expr, axis: int, keepdims: bool) -> ast.Call:
    call = ast.Call(func=ast.Attribute(value=node, attr="sum", ctx=ast.Load()), args=[], keywords=[])
    return with_keywords(call, axis, keepdims)


def _dot_method(a: ast.expr, b: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Attribute(value=a, attr="dot", ctx=ast.Load()), args=[b], keywords=[])


_NUMBERED = re.compile(r"^([A-Za-z_]+?)(\d+)$")


def layer_shifts(tree: ast.expr, env: dict) -> list[ast.expr]:
    """The whole line one layer up or down, every numbered name at once: A2 @ W2 + b2 as A2 @ W3 + b3 leaves
    the input A2 alone only if A3 is not there, so each name moves only when its neighbour exists."""
    found = []
    numbered = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and _NUMBERED.match(n.id)}
    for step in (1, -1):
        moves = {}
        for name in numbered:
            stem, k = _NUMBERED.match(name).groups()
            other = f"{stem}{int(k) + step}"
            if other in env and hasattr(env[other], "shape") and stem[0] not in "AaZzX":
                moves[name] = other  # parameters move with the layer; activations are its input
        if len(moves) >= 2:
            class Shift(ast.NodeTransformer):
                def visit_Name(self, node: ast.Name) -> ast.Name:
                    return ast.Name(id=moves.get(node.id, node.id), ctx=ast.Load())

            found.append(Shift().visit(copy.deepcopy(tree)))
    return found


def style_of(parsed: Parsed) -> str:
    """How this learner writes a matrix product: "dot" for np.dot, else "@"."""
    return "dot" if any(np_function(n) == "dot" or method(n) == "dot" for n in ast.walk(parsed.expr)) else "@"


def one_edit(tree: ast.expr, inference: Inference, env: dict, style: str,
             scale: bool = False) -> Iterator[tuple[ast.expr, Path]]:
    """Every one-edit variant of the tree with the path it changed, those at the failing node first."""
    if scale and not (isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Div)):
        yield ast.BinOp(left=tree, op=ast.Div(), right=ast.Name(id="m", ctx=ast.Load())), ()
    for shifted in layer_shifts(tree, env):
        yield shifted, ()
    spots = list(walk(tree))
    if inference.failed is not None:
        near = {id(inference.failed)} | {id(c) for _, c in slots(inference.failed)}
        spots.sort(key=lambda spot: id(spot[1]) not in near)
    parents_T = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "T"}
    for path, node in spots:
        for new in fixes(node, inference, env, style, id(node) in parents_T, len(path) <= 1):
            yield replace(tree, path, new), path


_ELEMENTWISE = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def double_stretch(expr: ast.expr, shapes: dict) -> ast.expr | None:
    """The first element-wise operation that stretched both operands into a shape neither had: (3,) - (3, 1)
    giving (3, 3), or (1, 3) * (3, 1) giving a (3, 3) table of every pair."""
    found = double_stretches(expr, shapes)
    return found[0] if found else None


def double_stretches(expr: ast.expr, shapes: dict) -> list[ast.expr]:
    stack, order = [expr], []
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(c for _, c in slots(node))
    found = []
    for node in reversed(order):
        elementwise = (isinstance(node, ast.BinOp) and isinstance(node.op, _ELEMENTWISE)) or \
            np_function(node) in ("multiply", "add", "subtract", "divide", "maximum", "minimum")
        if not elementwise or node not in shapes:
            continue
        operands = [shapes.get(o) for _, o in slots(node)]
        if len(operands) == 2 and all(s is not None and s != shapes[node] and s != () for s in operands):
            found.append(node)
    return found


def outer_products(expr: ast.expr, shapes: dict) -> list[ast.expr]:
    """Matrix products that add up over an axis of size 1: (3, 1) @ (1, 3) is a (3, 3) table of every pair."""
    found = []
    for _, node in walk(expr):
        if is_product(node) and node in shapes:
            a, b = (shapes.get(o) for o in product_operands(node))
            if a and b and len(a) == 2 and len(b) == 2 and a[1] == 1 and a[0] > 1 and b[1] > 1:
                found.append(node)
    return found


def stretches(expr: ast.expr, shapes: dict) -> int:
    """How many operands element-wise operations stretch to a bigger shape (plain numbers aside)."""
    count = 0
    for _, node in walk(expr):
        elementwise = (isinstance(node, ast.BinOp) and isinstance(node.op, _ELEMENTWISE)) or \
            np_function(node) in ("multiply", "add", "subtract", "divide", "maximum", "minimum")
        if elementwise and node in shapes:
            count += sum(1 for _, o in slots(node) if shapes.get(o) not in ((), shapes[node], None))
    return count


# ---- the search ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A variant of the learner's tree that NumPy's shape rules accept, and where it was changed."""

    tree: ast.expr
    edits: int
    shape: Shape
    paths: tuple[Path, ...]
    shapes: dict = field(default_factory=dict, compare=False, repr=False)  # every node's shape

    @property
    def site(self) -> Path:
        """The deepest place holding every change: what the learner got wrong."""
        common = self.paths[0]
        for p in self.paths[1:]:
            n = 0
            while n < min(len(common), len(p)) and common[n] == p[n]:
                n += 1
            common = common[:n]
        return common


def search(parsed: Parsed, env: dict, good: Callable[[ast.expr, Inference], bool],
           budget: float = BUDGET, closeness: Callable[[ast.expr, Inference], float] | None = None,
           scale: bool = False) -> Iterator[Candidate]:
    """Variants up to MAX_EDITS edits away that pass the shape rules, fewest edits first, within `budget` seconds.

    Trees that get further through the shape rules are carried to the next edit count first, and among those that
    run, the ones `closeness` puts nearest the true value; once a variant is `good` (the goal's shape, or its true
    values when known), the search stops after that edit count. `scale` also tries dividing the whole line by m.
    """
    deadline = time.thread_time() + 10 * budget  # CPU time of this thread: a loaded machine does not cut it short
    tried = 0
    style = style_of(parsed)
    memo: dict = {}
    keys: dict = {}
    seen = {tree_key(parsed.expr, keys)}
    frontier = [(parsed.expr, infer(parsed.expr, env, memo=memo), ())]
    for edits in range(1, MAX_EDITS + 1):
        grown, reached = [], False
        for tree, inference, paths in frontier:
            for candidate, path in one_edit(tree, inference, env, style, scale):
                tried += 1
                if tried > MAX_TRIED or time.thread_time() > deadline:
                    return
                key = tree_key(candidate, keys)
                if key in seen:
                    continue
                seen.add(key)
                try:
                    found = infer(candidate, env, memo=memo)
                except ValueError:
                    continue
                grown.append((candidate, found, paths + (path,)))
                if found.failed is None:
                    reached = reached or good(candidate, found)
                    yield Candidate(candidate, edits, found.shapes[candidate], paths + (path,), found.shapes)
        if reached:
            return
        def promise(g):
            tree, found = g[0], g[1]
            if found.failed is not None:
                return (1, 0, -len(found.shapes))
            near = closeness(tree, found) if closeness else 0.0
            return (0, len(double_stretches(tree, found.shapes)), near)

        grown.sort(key=promise)
        frontier = grown[:BEAM]


# ---- writing a changed tree back as the learner's text --------------------------------------------------------

_PRECEDENCE = {ast.Add: 2, ast.Sub: 2, ast.Mult: 3, ast.MatMult: 3, ast.Div: 3, ast.Pow: 5}
_ATOM = 6


def _precedence(node: ast.AST) -> int:
    if isinstance(node, ast.BinOp):
        return _PRECEDENCE[type(node.op)]
    return {ast.Compare: 1, ast.UnaryOp: 4}.get(type(node), _ATOM)


class Writer:
    """Text for an edited tree: untouched parts keep the learner's own spelling, and their parentheses."""

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.untouched = {id(n) for n in ast.walk(parsed.expr)} - {id(parsed.expr)} if parsed.augmented \
            else {id(n) for n in ast.walk(parsed.expr)}
        self.line = parsed.line.encode()

    def line_for(self, tree: ast.expr) -> str:
        """The whole line: "name = ..." (or "name -= ..." while the edit keeps that form), or the expression."""
        p = self.parsed
        if p.augmented and isinstance(tree, ast.BinOp) and type(tree.op) is type(p.expr.op) \
                and tree.left is p.expr.left:
            return f"{p.target} {p.augmented} {self(tree.right)}"
        return (f"{p.target} = " if p.target else "") + self(tree)

    def __call__(self, tree: ast.expr) -> str:
        text = self.text(tree)
        try:
            same = tree_key(ast.parse(text, mode="eval").body, {}) == tree_key(tree, {})
        except SyntaxError:
            same = False
        return text if same else ast.unparse(tree)

    def grouped(self, node: ast.AST) -> bool:
        """Whether the learner wrote this node inside parentheses of its own (not a call's)."""
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None:
            return False
        before = self.line[:start].rstrip()
        after = self.line[end:].lstrip()
        if not (before.endswith(b"(") and after.startswith(b")")):
            return False
        opener = before[:-1].rstrip()[-1:]
        return not (opener.isalnum() or opener in (b"_", b")", b"]"))

    def operand(self, node: ast.AST, needs_parentheses: bool) -> str:
        text = self.text(node)
        return f"({text})" if needs_parentheses or self.grouped(node) else text

    def text(self, node: ast.AST) -> str:
        if id(node) in self.untouched:
            return self.parsed.text(node)
        if isinstance(node, ast.BinOp):
            p, power = _PRECEDENCE[type(node.op)], isinstance(node.op, ast.Pow)
            left = self.operand(node.left, _precedence(node.left) < p or (power and _precedence(node.left) == p))
            right = self.operand(node.right, _precedence(node.right) <= p and not power)
            return f"{left} {OPERATORS[type(node.op)]} {right}"
        if isinstance(node, ast.UnaryOp):
            return "-" + self.operand(node.operand, _precedence(node.operand) < 4)
        if isinstance(node, ast.Compare):
            symbol = COMPARISONS[type(node.ops[0])]
            return (f"{self.operand(node.left, _precedence(node.left) <= 1)} {symbol} "
                    f"{self.operand(node.comparators[0], _precedence(node.comparators[0]) <= 1)}")
        if isinstance(node, ast.Attribute):
            return f"{self.operand(node.value, _precedence(node.value) < _ATOM)}.{node.attr}"
        if isinstance(node, ast.Subscript):
            if id(node.slice) in self.untouched:
                index = self.text(node.slice)
            elif isinstance(node.slice, ast.Tuple):
                index = ", ".join(ast.unparse(e) for e in node.slice.elts)
            else:
                index = ast.unparse(node.slice)
            return f"{self.operand(node.value, _precedence(node.value) < _ATOM)}[{index}]"
        if isinstance(node, ast.Call):
            func = node.func
            args = [self.text(a) for a in node.args] + [f"{k.arg}={self.text(k.value)}" for k in node.keywords]
            if isinstance(func, ast.Name):
                return f"{func.id}({', '.join(args)})"
            head = "np" if np_function(node) else self.operand(func.value, _precedence(func.value) < _ATOM)
            return f"{head}.{func.attr}({', '.join(args)})"
        if isinstance(node, ast.List):
            return f"[{', '.join(self.text(e) for e in node.elts)}]"
        if isinstance(node, ast.Tuple):
            items = [self.text(e) for e in node.elts]
            return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
        return ast.unparse(node)
