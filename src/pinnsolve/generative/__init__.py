"""Generative models of problems with random inputs: Monte Carlo data, VAE / GAN / diffusion, their law.

``pinnsolve generate PROBLEM.py --model vae|gan|diffusion`` (`command`). The pieces:
`law` (random inputs, exact moments by quadrature, exact draws), `montecarlo` (reference solves
for random draws), `encoding` (whitened POD coordinates), `models` (VAE, WGAN-GP, DDPM/DDIM),
`fit` (training and sampling), `method` (the ``vae``, ``gan`` and ``diffusion`` methods on the
method contract: importing it registers them), `physics` (the discretised residual of generated
fields). Nothing heavy is imported here, so ``pinnsolve --help`` stays fast.
"""
