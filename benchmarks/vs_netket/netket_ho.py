"""NetKet on N bosons in a d-dimensional harmonic trap (its continuous-space example), for vs_netket/README.md.

Runs in its own environment (NetKet brings JAX): python -m venv nk && nk/bin/pip install netket==3.23.0
    JAX_PLATFORMS=cpu XLA_FLAGS=--xla_force_host_platform_device_count=1 nk/bin/python netket_ho.py N D [LR]
Same budget as pinnsolve's defaults: 200 chains, 4000 samples per iteration, 150 SR iterations,
then 200 000 samples for the final energy.
"""

from __future__ import annotations

import sys
import time

import jax.numpy as jnp
import netket as nk
import netket.experimental as nkx


def main(n: int, d: int, lr: float) -> None:
    start = time.perf_counter()
    geometry = nkx.geometry.FreeSpace(d=d)
    hilbert = nkx.hilbert.Particle(N=n, geometry=geometry)
    kinetic = nk.operator.KineticEnergy(hilbert, mass=1.0)
    potential = nk.operator.PotentialEnergy(hilbert, lambda x: 0.5 * jnp.sum(x**2))
    hamiltonian = kinetic + potential
    sampler = nk.sampler.MetropolisGaussian(hilbert, sigma=0.3, n_chains=200, sweep_size=4)
    state = nk.vqs.MCState(sampler, nk.models.Gaussian(), n_samples=4000, n_discard_per_chain=100, seed=0,
                           sampler_seed=0)
    optimizer = nk.optimizer.Sgd(lr)
    driver = nk.driver.VMC_SR(hamiltonian, optimizer, variational_state=state, diag_shift=1e-3)
    driver.run(n_iter=150, show_progress=False)
    state.n_samples = 200_000
    energy = state.expect(hamiltonian)
    exact = n * d / 2
    print(f"netket N={n} d={d} lr={lr}: E = {float(energy.mean.real):.6f} ± {float(energy.error_of_mean):.1e} "
          f"(exact {exact}), variance {float(energy.variance):.2e}, {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 0.1)
