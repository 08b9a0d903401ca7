#!/usr/bin/env python3
"""A second opinion on files written by exportOnnx: the ONNX project's own checker.

    python3 scripts/onnx-check.py model.onnx [more.onnx ...]

Runs onnx.checker.check_model with full_check (strict shape inference too) on each file and prints
its IR version, opset, input and output shapes and node count. Exits 1 if a file fails, 2 if the
onnx package is missing (Debian: apt-get install python3-onnx; pip: pip install onnx).
test/onnx.test.ts runs it when python3 can import onnx, and skips it otherwise.
"""
import sys

try:
    import onnx
except ImportError:
    print("onnx-check: the Python package onnx is not installed (apt-get install python3-onnx, or pip install onnx)")
    sys.exit(2)


def dims(value_info):
    shape = value_info.type.tensor_type.shape
    return [d.dim_param if d.HasField("dim_param") else (d.dim_value if d.HasField("dim_value") else "?") for d in shape.dim]


def main(paths):
    failed = 0
    for path in paths:
        try:
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
        except Exception as e:  # the checker's own error types differ between versions
            print(f"{path}: FAILED: {e}")
            failed += 1
            continue
        g = model.graph
        opset = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
        ops = sorted({n.op_type for n in g.node})
        print(
            f"{path}: ok (onnx {onnx.__version__}): IR {model.ir_version}, opset {opset}, "
            f"input {dims(g.input[0])}, output {dims(g.output[0])}, {len(g.node)} nodes: {' '.join(ops)}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
