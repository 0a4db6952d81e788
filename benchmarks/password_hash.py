"""How long one password check costs at sign-in (argon2id, 19 MiB, 2 passes).

Run: .venv/bin/python benchmarks/password_hash.py
"""

import statistics
import time

from partnership.auth.passwords import HASHER, hash_password, verify_password


def measure(fn, rounds: int = 30) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    stored = hash_password("correct horse battery staple")
    hashing = measure(lambda: hash_password("correct horse battery staple"))
    verifying = measure(lambda: verify_password(stored, "correct horse battery staple"))
    unknown = measure(lambda: verify_password(None, "correct horse battery staple"))
    print(f"parameters: argon2id m={HASHER.memory_cost} KiB t={HASHER.time_cost} "
          f"p={HASHER.parallelism}")
    for name, values in (("hash (set a password)", hashing),
                         ("verify (sign in)", verifying),
                         ("verify, unknown e-mail (dummy hash)", unknown)):
        print(f"{name:<38} median {statistics.median(values):6.1f} ms   "
              f"p95 {sorted(values)[int(len(values) * 0.95) - 1]:6.1f} ms   "
              f"n={len(values)}")


if __name__ == "__main__":
    main()
