"""Speed of every activation and derivative on 1e6 float64 points (a benchmark, not a test).

Prints one markdown table per input distribution (uniform on [-10, 10], and
N(0, 4^2), a third of which lies below -2; fixed seed): best-of-N time of f and
f' as a ratio to np.exp on the same array, and, where PyTorch is importable, as
a ratio to PyTorch on the CPU with one thread (torch.nn.functional for f; for
f' PyTorch's own backward kernel with grad_output = 1, plus the forward when
that kernel needs the output). Lower is better; a ratio of 2.0 to PyTorch
means twice as slow.

    python3 bench/bench_core.py [--repeats 15] [--system-malloc] > bench/results_core.md

By default glibc is told (mallopt) to keep freed memory instead of returning it
to the OS between calls; otherwise every 8 MB temporary costs ~2,000 page
faults, which measures the kernel rather than the arithmetic (for numpy and
PyTorch alike). --system-malloc keeps glibc's defaults.
"""

from __future__ import annotations

import argparse
import ctypes
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from activations_core import ACTIVATIONS  # noqa: E402

POINTS = 1_000_000
SEED = 20240611
DISTRIBUTIONS = {  # title: draw(rng) -> 1e6 float64 points
    "uniform on [-10, 10]": lambda rng: rng.uniform(-10.0, 10.0, POINTS),
    "N(0, 4^2)": lambda rng: rng.standard_normal(POINTS) * 4.0,
}


def keep_freed_memory() -> bool:
    """Ask glibc not to trim or mmap 8 MB blocks, so repeated calls reuse memory."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    ok = libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024)
    ok &= libc.mallopt(m_trim_threshold, 1024 * 1024 * 1024)
    return bool(ok)


def best_times(functions: dict, repeats: int) -> dict:
    """{key: best wall time in seconds}, running the callables round-robin ``repeats`` times.

    Interleaving keeps a change in machine load from favouring one side.
    """
    for function in functions.values():
        function()  # warm-up
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(repeats):
        for key, function in functions.items():
            start = time.perf_counter()
            function()
            best[key] = min(best[key], time.perf_counter() - start)
    return best


def torch_kernels(x):
    """{name: (f, f')} zero-argument callables on PyTorch CPU, or {} without PyTorch."""
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return {}, None
    torch.set_num_threads(1)
    tx = torch.from_numpy(x)
    ones = torch.ones_like(tx)
    aten = torch.ops.aten
    selu_alpha, selu_scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    kernels = {
        "sigmoid": (lambda: torch.sigmoid(tx), lambda: aten.sigmoid_backward(ones, torch.sigmoid(tx))),
        "tanh": (lambda: torch.tanh(tx), lambda: aten.tanh_backward(ones, torch.tanh(tx))),
        "relu": (lambda: F.relu(tx), lambda: aten.threshold_backward(ones, tx, 0.0)),
        "leaky_relu": (
            lambda: F.leaky_relu(tx, 0.01),
            lambda: aten.leaky_relu_backward(ones, tx, 0.01, False),
        ),
        "elu": (lambda: F.elu(tx, 1.0), lambda: aten.elu_backward(ones, 1.0, 1.0, 1.0, False, tx)),
        "gelu": (lambda: F.gelu(tx), lambda: aten.gelu_backward(ones, tx)),
        "gelu_tanh": (
            lambda: F.gelu(tx, approximate="tanh"),
            lambda: aten.gelu_backward(ones, tx, approximate="tanh"),
        ),
        "swish": (lambda: F.silu(tx), lambda: aten.silu_backward(ones, tx)),
        "softplus": (lambda: F.softplus(tx), lambda: aten.softplus_backward(ones, tx, 1.0, 20.0)),
        "mish": (lambda: F.mish(tx), lambda: aten.mish_backward(ones, tx)),
        "selu": (
            lambda: F.selu(tx),
            lambda: aten.elu_backward(ones, selu_alpha, selu_scale, 1.0, False, tx),
        ),
    }
    return kernels, torch.__version__


def measure(x, repeats: int):
    """(np.exp time, [[name, f, f', torch f, torch f'] times in seconds], PyTorch version or None) on x."""
    torch_fns, torch_version = torch_kernels(x)
    rows = []
    exp_time = float("inf")
    for name, act in ACTIVATIONS.items():
        contenders = {
            "exp": lambda: np.exp(x),
            "f": lambda act=act: act(x),
            "df": lambda act=act: act.derivative(x),
        }
        if name in torch_fns:
            contenders["torch f"], contenders["torch df"] = torch_fns[name]
        best = best_times(contenders, repeats)
        exp_time = min(exp_time, best["exp"])
        rows.append([name, best["f"], best["df"], best.get("torch f"), best.get("torch df")])
    return exp_time, rows, torch_version


def print_table(title: str, exp_time: float, rows: list, with_torch: bool) -> None:
    """One distribution's markdown table and, with PyTorch, its largest ratio to PyTorch."""
    print(f"## {title}\n")
    print(f"np.exp on the same array: {exp_time * 1e3:.2f} ms.\n")
    header = "| activation | f ms | f / np.exp | f' ms | f' / np.exp |"
    rule = "|---|---:|---:|---:|---:|"
    if with_torch:
        header += " torch f ms | f / torch | torch f' ms | f' / torch |"
        rule += "---:|---:|---:|---:|"
    print(header)
    print(rule)
    worst, worst_name = 0.0, ""
    for name, f_time, df_time, tf_time, tdf_time in rows:
        line = (
            f"| {name} | {f_time * 1e3:.2f} | {f_time / exp_time:.2f} | "
            f"{df_time * 1e3:.2f} | {df_time / exp_time:.2f} |"
        )
        if with_torch:
            line += (
                f" {tf_time * 1e3:.2f} | {f_time / tf_time:.2f} | "
                f"{tdf_time * 1e3:.2f} | {df_time / tdf_time:.2f} |"
            )
            for kind, ratio in (("f", f_time / tf_time), ("f'", df_time / tdf_time)):
                if ratio > worst:
                    worst, worst_name = ratio, f"{name} {kind}"
        print(line)
    if with_torch:
        print(f"\nLargest ratio to PyTorch: {worst:.2f} ({worst_name}; target: at most 2).\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--system-malloc", action="store_true", help="keep glibc's default trimming")
    args = parser.parse_args()

    tuned = False if args.system_malloc else keep_freed_memory()
    results = {}
    for title, draw in DISTRIBUTIONS.items():
        x = draw(np.random.default_rng(SEED))
        results[title] = measure(x, args.repeats)
    torch_version = next(iter(results.values()))[2]

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    print(f"# Core speed: {POINTS:,} float64 points, seed {SEED}, best of {args.repeats}\n")
    print(
        f"CPU {cpu}; Python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, "
        + (f"PyTorch {torch_version} (CPU, 1 thread)" if torch_version else "PyTorch not installed")
        + f"; glibc free-memory trimming {'off (mallopt)' if tuned else 'default'}.\n"
    )
    for title, (exp_time, rows, _) in results.items():
        print_table(title, exp_time, rows, torch_version is not None)


if __name__ == "__main__":
    main()
