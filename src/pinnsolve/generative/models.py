r"""Three generative models of a field's law, each optionally conditioned on the random inputs.

All work on whitened POD coefficients y ∈ ℝ^r (`encoding.Whitening`); ``c`` ∈ ℝ^d are the
standard coordinates of the random inputs (empty when unconditional).

- `VAE` — Kingma & Welling, *Auto-Encoding Variational Bayes* (ICLR 2014): an encoder
  q(z | y, c) = N(μ, diag σ²), a decoder mean ŷ(z, c), and the negative ELBO
  :math:`\|y - \hat y\|^2 / (2\sigma_{obs}^2) + \mathrm{KL}(q \,\|\, N(0, I))`. Samples are
  decoder means at z ~ N(0, I).
- `WGAN` — Wasserstein GAN with gradient penalty, Gulrajani et al., *Improved Training of
  Wasserstein GANs* (NeurIPS 2017): critic loss :math:`D(\tilde y) - D(y) + \lambda(\|\nabla
  D(\hat y)\| - 1)^2`, two critic steps (half as wide) per generator step. Conditioned, the generator also
  pays the paired reconstruction :math:`\|G(z, c) - y\|^2` (Isola et al., *pix2pix*, CVPR 2017),
  which the pairing of each training field with its draw makes available.
- `Diffusion` — DDPM, Ho, Jain & Abbeel (NeurIPS 2020): a network predicts the noise ε in
  :math:`y_s = \sqrt{\bar\alpha_s} y + \sqrt{1 - \bar\alpha_s}\,\varepsilon`, cosine schedule
  (Nichol & Dhariwal 2021); sampling by the ancestral DDPM chain or the deterministic DDIM
  sampler (Song, Meng & Ermon, ICLR 2021, η = 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

__all__ = ["MODELS", "VAE", "WGAN", "Diffusion", "GenerativeModel"]

#: physics(y, index) → residual of the generated fields of the training draws ``index``
Physics = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def mlp(n_in: int, n_out: int, width: int, depth: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for k in range(depth):
        layers += [nn.Linear(n_in if k == 0 else width, width), nn.SiLU()]
    layers.append(nn.Linear(width if depth else n_in, n_out))
    return nn.Sequential(*layers)


class GenerativeModel(nn.Module):
    """A model of y (optionally given c): ``configure`` its optimisers, ``train_step``, ``sample``."""

    def __init__(self, dim: int, cond: int, width: int, depth: int) -> None:
        super().__init__()
        self.dim, self.cond, self.width, self.depth = dim, cond, width, depth
        self.physics: Physics | None = None
        self.physics_weight = 0.0

    def configure(self, lr: float, steps: int) -> None:
        self.optimizers = [torch.optim.Adam(p, lr=lr) for p in self.parameter_groups()]
        self.schedules = [
            torch.optim.lr_scheduler.CosineAnnealingLR(o, steps, eta_min=lr / 50) for o in self.optimizers
        ]

    def parameter_groups(self) -> list[list[nn.Parameter]]:
        return [list(self.parameters())]

    def _step(self, optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> None:
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    def _physics_term(self, generated: torch.Tensor, index: torch.Tensor, terms: dict[str, torch.Tensor]) -> None:
        if self.physics is not None and self.physics_weight > 0:
            terms["physics"] = self.physics(generated, index)

    def end_step(self) -> None:
        for s in self.schedules:
            s.step()

    def train_step(self, y: torch.Tensor, c: torch.Tensor, index: torch.Tensor, gen: torch.Generator) -> dict:
        raise NotImplementedError

    @torch.no_grad()
    def sample(self, n: int, c: torch.Tensor, gen: torch.Generator, **options: object) -> torch.Tensor:
        raise NotImplementedError


class VAE(GenerativeModel):
    """Conditional variational autoencoder (see the module docstring)."""

    def __init__(
        self, dim: int, cond: int, width: int = 128, depth: int = 3, latent: int = 0, obs_std: float = 0.02
    ) -> None:
        super().__init__(dim, cond, width, depth)
        self.latent = latent or 2
        self.obs_std = obs_std
        self.encoder = mlp(dim + cond, 2 * self.latent, width, depth)
        self.decoder = mlp(self.latent + cond, dim, width, depth)

    def decode(self, z: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        return self.decoder(torch.cat([z, c], dim=1))

    def train_step(self, y, c, index, gen):
        mu, log_var = self.encoder(torch.cat([y, c], dim=1)).chunk(2, dim=1)
        z = mu + torch.exp(0.5 * log_var) * torch.randn(mu.shape, generator=gen, dtype=mu.dtype)
        fit = self.decode(z, c)
        terms = {
            "reconstruction": ((fit - y) ** 2).sum(1).mean() / (2 * self.obs_std**2),
            "kl": 0.5 * (mu**2 + log_var.exp() - 1 - log_var).sum(1).mean(),
        }
        self._physics_term(fit, index, terms)
        loss = terms["reconstruction"] + terms["kl"] + self.physics_weight * terms.get("physics", 0.0)
        self._step(self.optimizers[0], loss)
        return {"loss": float(loss.detach()), **{k: float(v.detach()) for k, v in terms.items()}}

    @torch.no_grad()
    def sample(self, n, c, gen, **options):
        z = torch.randn((n, self.latent), generator=gen, dtype=c.dtype)
        return self.decode(z, c)


class WGAN(GenerativeModel):
    """Wasserstein GAN with gradient penalty, conditional with a paired reconstruction term."""

    def __init__(
        self,
        dim: int,
        cond: int,
        width: int = 128,
        depth: int = 3,
        noise: int = 0,
        critic_steps: int = 2,
        penalty: float = 10.0,
        pairing: float = 100.0,
    ) -> None:
        super().__init__(dim, cond, width, depth)
        self.noise = noise or max(cond, 4)
        self.critic_steps, self.penalty, self.pairing = critic_steps, penalty, pairing
        self.generator = mlp(self.noise + cond, dim, width, depth)
        self.critic = mlp(dim + cond, 1, width // 2, depth)

    def parameter_groups(self):
        return [list(self.generator.parameters()), list(self.critic.parameters())]

    def configure(self, lr: float, steps: int) -> None:
        self.optimizers = [torch.optim.Adam(g, lr=lr, betas=(0.5, 0.9)) for g in self.parameter_groups()]
        self.schedules = [
            torch.optim.lr_scheduler.CosineAnnealingLR(o, steps, eta_min=lr / 50) for o in self.optimizers
        ]

    def generate(self, c: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        z = torch.randn((len(c), self.noise), generator=gen, dtype=c.dtype)
        return self.generator(torch.cat([z, c], dim=1))

    def _critic_loss(self, y, c, gen):
        fake = self.generate(c, gen).detach()
        mix = torch.rand((len(y), 1), generator=gen, dtype=y.dtype)
        between = (mix * y + (1 - mix) * fake).requires_grad_(True)
        score = self.critic(torch.cat([between, c], dim=1))
        (grad,) = torch.autograd.grad(score.sum(), between, create_graph=True)
        penalty = ((grad.norm(dim=1) - 1) ** 2).mean()
        real = self.critic(torch.cat([y, c], dim=1)).mean()
        fake_score = self.critic(torch.cat([fake, c], dim=1)).mean()
        return fake_score - real + self.penalty * penalty, real - fake_score

    def train_step(self, y, c, index, gen):
        for _ in range(self.critic_steps):
            pick = torch.randint(len(y), (len(y),), generator=gen)
            critic_loss, distance = self._critic_loss(y[pick], c[pick], gen)
            self._step(self.optimizers[1], critic_loss)
        fake = self.generate(c, gen)
        terms = {"adversarial": -self.critic(torch.cat([fake, c], dim=1)).mean(), "critic_w1": distance.detach()}
        if self.cond:
            terms["pairing"] = ((fake - y) ** 2).sum(1).mean()
        self._physics_term(fake, index, terms)
        loss = (
            terms["adversarial"]
            + self.pairing * terms.get("pairing", 0.0)
            + self.physics_weight * terms.get("physics", 0.0)
        )
        self._step(self.optimizers[0], loss)
        return {"loss": float(loss.detach()), **{k: float(v.detach()) for k, v in terms.items()}}

    @torch.no_grad()
    def sample(self, n, c, gen, **options):
        return self.generate(c, gen)


class Diffusion(GenerativeModel):
    """DDPM over y with a cosine noise schedule; DDPM or deterministic DDIM sampling."""

    def __init__(self, dim: int, cond: int, width: int = 128, depth: int = 3, steps: int = 200) -> None:
        super().__init__(dim, cond, width, depth)
        self.steps = steps
        s = torch.arange(steps + 1, dtype=torch.float64) / steps
        alpha_bar = torch.cos((s + 0.008) / 1.008 * math.pi / 2) ** 2
        alpha_bar = alpha_bar / alpha_bar[0]
        betas = (1 - alpha_bar[1:] / alpha_bar[:-1]).clamp(max=0.999)
        self.register_buffer("alpha_bar", torch.cumprod(1 - betas, 0).float())
        self.register_buffer("betas", betas.float())
        self.net = mlp(dim + cond + 2, dim, width, depth)
        #: denoised estimates are clipped to ±bound (set from the training data: 1.2 × max |y|), as in
        #: Ho et al.'s "clipped x0": near pure noise 1/√ᾱ amplifies the network's error
        self.register_buffer("bound", torch.tensor(6.0))

    def fit_data(self, y: torch.Tensor) -> None:
        self.bound.fill_(1.2 * float(y.abs().max()))

    def denoised(self, y_s: torch.Tensor, s: int, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(ε̂, clipped ŷ₀) at step s for a batch."""
        a = self.alpha_bar[s].to(y_s.dtype)
        eps = self.predict_noise(y_s, torch.full((len(y_s),), s, dtype=torch.long), c)
        y0 = ((y_s - (1 - a).sqrt() * eps) / a.sqrt()).clamp(-self.bound, self.bound)
        return (y_s - a.sqrt() * y0) / (1 - a).sqrt(), y0

    def predict_noise(self, y_s: torch.Tensor, s: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        phase = (s.to(y_s.dtype) / self.steps)[:, None] * math.pi / 2
        return self.net(torch.cat([y_s, c, torch.sin(phase), torch.cos(phase)], dim=1))

    def train_step(self, y, c, index, gen):
        s = torch.randint(self.steps, (len(y),), generator=gen)
        noise = torch.randn(y.shape, generator=gen, dtype=y.dtype)
        a = self.alpha_bar[s][:, None].to(y.dtype)
        y_s = a.sqrt() * y + (1 - a).sqrt() * noise
        predicted = self.predict_noise(y_s, s, c)
        terms = {"denoising": ((predicted - noise) ** 2).sum(1).mean()}
        near = a[:, 0] > 0.5  # the residual of the denoised estimate, where the noise does not swamp it
        if self.physics is not None and self.physics_weight > 0 and bool(near.any()):
            self._physics_term(((y_s - (1 - a).sqrt() * predicted) / a.sqrt())[near], index[near], terms)
        loss = terms["denoising"] + self.physics_weight * terms.get("physics", 0.0)
        self._step(self.optimizers[0], loss)
        return {"loss": float(loss.detach()), **{k: float(v.detach()) for k, v in terms.items()}}

    @torch.no_grad()
    def sample(self, n, c, gen, sampler: str = "ddpm", sampling_steps: int = 0, **options):
        y = torch.randn((n, self.dim), generator=gen, dtype=c.dtype)
        if sampler == "ddim":
            return self._ddim(y, c, sampling_steps or self.steps // 4)
        for s in range(self.steps - 1, -1, -1):
            _, y0 = self.denoised(y, s, c)
            if s == 0:
                return y0
            a_bar, a_prev, beta = self.alpha_bar[s], self.alpha_bar[s - 1], self.betas[s]
            mean = (a_prev.sqrt() * beta * y0 + (1 - beta).sqrt() * (1 - a_prev) * y) / (1 - a_bar)
            y = mean + (beta * (1 - a_prev) / (1 - a_bar)).sqrt() * torch.randn(y.shape, generator=gen, dtype=y.dtype)
        return y

    def _ddim(self, y: torch.Tensor, c: torch.Tensor, count: int) -> torch.Tensor:
        """The deterministic DDIM map (η = 0) from noise to data over ``count`` steps."""
        times = torch.linspace(self.steps - 1, 0, count).round().long().tolist()
        for k, s in enumerate(times):
            eps, y0 = self.denoised(y, s, c)
            a_next = self.alpha_bar[times[k + 1]].to(y.dtype) if k + 1 < len(times) else torch.ones((), dtype=y.dtype)
            y = a_next.sqrt() * y0 + (1 - a_next).sqrt() * eps
        return y


MODELS: dict[str, type[GenerativeModel]] = {"vae": VAE, "gan": WGAN, "diffusion": Diffusion}
